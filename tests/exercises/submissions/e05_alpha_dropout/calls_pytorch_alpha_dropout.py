"""Borrows PyTorch's alpha dropout under the name of the student's own function, which the screen lets through:
the sandbox has removed PyTorch's dropout functions, so the call fails."""

CELLS = {"alpha_dropout": '''
layer_name = "AlphaDr" + "opout"

def alpha_dropout(x, p=0.5, training=True):
    return torch.alpha_dropout(x, p, training)
'''}
FAILS = {"test_values", "test_moments", "test_eval_and_edge_cases"}
MESSAGES = {"test_values": "PyTorch's own dropout is not available"}
