"""Borrows the reference library's alpha dropout instead of implementing it."""

CELLS = {"alpha_dropout": '''
from dropout_lib.alpha import alpha_dropout
'''}
FAILS = {"test_values", "test_moments", "test_eval_and_edge_cases"}
MESSAGES = {"test_values": "import of 'dropout_lib.alpha' is not allowed"}
