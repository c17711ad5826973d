"""Imports the reference library instead of implementing the layer, in three disguises."""

CELLS = {
    "dropout_class": '''
from dropout_lib.numpy_dropout import Dropout
''',
    "standard_dropout": '''
import importlib
standard_dropout = importlib.import_module("dropout_lib.numpy_dropout").standard_dropout
''',
}
FAILS = {"test_forward", "test_drop_fraction", "test_backward", "test_eval_mode", "test_edge_cases",
         "test_standard_dropout"}
MESSAGES = {"test_forward": "import of 'dropout_lib.numpy_dropout' is not allowed"}
