"""Borrows the reference library's schedule and layer instead of implementing them."""

CELLS = {
    "curriculum_rate": '''
from dropout_lib.scheduled import curriculum_rate
''',
    "scheduled_dropout": '''
from dropout_lib import ScheduledDropout
''',
}
FAILS = {"test_curriculum_rate", "test_schedule", "test_dropout", "test_eval_and_edge_cases"}
MESSAGES = {"test_curriculum_rate": "import of 'dropout_lib.scheduled' is not allowed"}
