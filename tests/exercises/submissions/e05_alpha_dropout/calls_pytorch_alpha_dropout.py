"""Borrows PyTorch's alpha dropout, through a module attribute to hide the name."""

CELLS = {"alpha_dropout": '''
layer_name = "AlphaDr" + "opout"

def alpha_dropout(x, p=0.5, training=True):
    return torch.alpha_dropout(x, p, training)
'''}
FAILS = {"test_values", "test_moments", "test_eval_and_edge_cases"}
