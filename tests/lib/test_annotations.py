"""Every public function and class of the library (``dropout_lib.__all__``, and the public names of the modules
it lists, ``numpy_dropout`` and ``numpy_mlp``) has type hints: each parameter and the return value of the
functions, of the classes' ``__init__``, ``forward`` and other public methods."""

import inspect
import typing

import pytest

import dropout_lib


def public_names():
    for name in dropout_lib.__all__:
        obj = getattr(dropout_lib, name)
        if inspect.ismodule(obj):
            yield from ((f"{name}.{attr}", value) for attr, value in vars(obj).items()
                        if not attr.startswith("_") and getattr(value, "__module__", None) == obj.__name__)
        else:
            yield name, obj


def public_callables():
    for name, obj in public_names():
        if inspect.isfunction(obj) or hasattr(obj, "__wrapped__"):
            yield name, inspect.unwrap(obj)
        elif inspect.isclass(obj):
            for cls in obj.__mro__:
                if not cls.__module__.startswith("dropout_lib"):
                    continue
                for attr, value in vars(cls).items():
                    if isinstance(value, property):
                        value = value.fget
                    if inspect.isfunction(value) and (not attr.startswith("_") or attr == "__init__"):
                        yield f"{name}.{attr}", value


CALLABLES = dict(public_callables())


def test_the_public_api_is_found():
    assert {"dropout", "mc_dropout", "Dropout.__init__", "Dropout.forward", "SpatialDropout2d.__init__",
            "ConcreteDropout.p", "WeightDrop.dropped_weights", "numpy_dropout.inverted_dropout",
            "numpy_dropout.Dropout.backward", "numpy_mlp.MLP.params"} <= set(CALLABLES)


@pytest.mark.parametrize("name", sorted(CALLABLES))
def test_annotated(name):
    function = CALLABLES[name]
    signature = inspect.signature(function)
    missing = [p.name for p in signature.parameters.values()
               if p.annotation is inspect.Parameter.empty and p.name not in ("self", "cls")]
    assert not missing, f"{name}: parameters without a type hint: {missing}"
    assert signature.return_annotation is not inspect.Signature.empty, f"{name}: no return type hint"
    typing.get_type_hints(function)  # every name in the hints resolves
