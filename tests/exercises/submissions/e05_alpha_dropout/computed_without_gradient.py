"""Computes the output under torch.no_grad() ("the mask is only noise"), so no gradient reaches the input."""

CELLS = {"alpha_dropout": '''
def alpha_dropout(x, p=0.5, training=True):
    if not training or p == 0:
        return x
    alpha_prime = -1.0507009873554805 * 1.6732632423543772
    a = ((1 - p) * (1 + p * alpha_prime ** 2)) ** -0.5
    b = -a * alpha_prime * p
    with torch.no_grad():
        keep = (torch.rand(x.shape) >= p).to(x.dtype)
        return a * (x * keep + alpha_prime * (1 - keep)) + b
'''}
FAILS = {"test_eval_and_edge_cases"}
KEEPS = {"test_values", "test_moments"}
MESSAGES = {"test_eval_and_edge_cases": "the gradient must flow back to the input"}
