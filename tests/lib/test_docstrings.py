"""Every example in the library's docstrings runs and prints what it says."""

import doctest
import importlib
import pkgutil

import numpy as np
import pytest
import torch
from torch import nn

import dropout_lib

MODULES = [m.name for m in pkgutil.iter_modules(dropout_lib.__path__, "dropout_lib.")]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, extraglobs={"torch": torch, "nn": nn, "np": np}, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_every_public_name_is_documented():
    for name in dropout_lib.__all__:
        obj = getattr(dropout_lib, name)
        if callable(obj) or isinstance(obj, type(dropout_lib)):
            assert obj.__doc__ and len(obj.__doc__.strip()) > 20, name
