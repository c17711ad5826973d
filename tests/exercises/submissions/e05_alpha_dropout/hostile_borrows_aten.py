"""Borrows PyTorch's alpha dropout through torch.ops.aten by a computed attribute path that the screen cannot see:
the operator itself is refused at run time, in training and in evaluation alike."""

CELLS = {"alpha_dropout": '''
import operator

borrowed = operator.attrgetter("op" + "s.aten.alpha_" + "drop" + "out.default")(torch)

def alpha_dropout(x, p=0.5, training=True):
    return borrowed(x, p, training)
'''}
FAILS = {"test_values", "test_moments", "test_eval_and_edge_cases"}
MESSAGES = {"test_values": "PyTorch's own dropout is not available here"}
