"""Writes alpha' into the dropped units of the input itself (x[dropped] = alpha') before the affine map."""

CELLS = {"alpha_dropout": '''
def alpha_dropout(x, p=0.5, training=True):
    if not training or p == 0:
        return x
    alpha_prime = -1.0507009873554805 * 1.6732632423543772
    a = ((1 - p) * (1 + p * alpha_prime ** 2)) ** -0.5
    b = -a * alpha_prime * p
    dropped = torch.rand(x.shape) < p
    x[dropped] = alpha_prime  # a dropped unit takes the value alpha'
    return a * x + b
'''}
FAILS = {"test_values", "test_moments", "test_eval_and_edge_cases"}
MESSAGES = {"test_values": "alpha_dropout must not modify its input"}
