"""A correct training mode, but leaving the process (SystemExit) instead of implementing evaluation mode: the
training parts keep their points, the evaluation part gets none."""

CELLS = {"alpha_dropout": '''
def alpha_dropout(x, p=0.5, training=True):
    if not training or p == 0:
        raise SystemExit(0)
    alpha_prime = -1.0507009873554805 * 1.6732632423543772
    a = ((1 - p) * (1 + p * alpha_prime ** 2)) ** -0.5
    b = -a * alpha_prime * p
    keep = (torch.rand(x.shape) >= p).to(x.dtype)
    return a * (x * keep + alpha_prime * (1 - keep)) + b
'''}
FAILS = {"test_eval_and_edge_cases"}
KEEPS = {"test_values", "test_moments"}
MESSAGES = {"test_eval_and_edge_cases": "SystemExit"}
