"""Hostile: takes the reference library's layer instead of writing one."""

CELLS = {"concrete_dropout": '''
from dropout_lib.concrete import ConcreteDropout as Reference

class ConcreteDropout(Reference):
    """Dropout whose rate p = sigmoid(p_logit) is learned."""
'''}
FAILS = {"test_parameters", "test_forward_statistics", "test_gradient_to_rate", "test_eval_and_entropy"}
