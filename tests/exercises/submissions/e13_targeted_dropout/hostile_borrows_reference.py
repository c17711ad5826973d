"""Borrows the reference library's targeted dropout instead of implementing it."""

CELLS = {"targeted_dropout": '''
from dropout_lib.targeted import targeted_dropout
'''}
FAILS = {"test_candidates", "test_training_drops", "test_eval_and_edge_cases", "test_gradient"}
MESSAGES = {"test_candidates": "import of 'dropout_lib.targeted' is not allowed"}
