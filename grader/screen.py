"""A static screen of a submission's code, run by the judge before anything of it is executed.

The operating system holds the walls (``sandbox.py``); the screen keeps only what protects the exercise itself: a
library's dropout used instead of the student's (any name mentioning dropout or drop path the submission did not
define, ``torch.ops``, the reference library, strings naming a library layer), and the ways of tampering with the
modules the probes use beside the submission (assignments to attributes of imported modules, ``sys.modules``,
evaluating code or reaching attributes by a computed name, dunder attributes). Every other import (the standard
library, matplotlib, ...) and construct is accepted. The rules live in ``policy.py``.
"""

import ast

from grader.policy import (ALLOWED_DUNDER_ATTRIBUTES, BORROWED, BORROWED_STRING, FORBIDDEN_ATTRIBUTES,
                           FORBIDDEN_NAMES, INTERPRETER_MODULES, REFUSED_IMPORT_ROOTS)


class ScreenError(Exception):
    """A construct the screen refuses; the message names it and its line."""


def defined_names(tree):
    """Names the code defines itself (functions, classes, assigned variables, arguments)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
    return names


def _root_name(node):
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def screen(source, own_names=(), allowed_names=()):
    """Raise :class:`ScreenError` for the first refused construct in ``source``; return the module aliases it imports.

    Args:
        source: the code of one cell.
        own_names: names defined anywhere in the submission (they may mention dropout: they are the student's).
        allowed_names: names this assignment allows although they match the screen (for example ``Dropout`` when the
            exercise is about using dropout layers rather than implementing them).
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as err:
        raise ScreenError(f"line {err.lineno}: syntax error: {err.msg}") from None
    own = set(own_names) | defined_names(tree)
    allowed = set(allowed_names)
    modules = set()

    def refuse(node, what):
        raise ScreenError(f"line {getattr(node, 'lineno', '?')}: {what}")

    docstrings = {id(body[0].value) for body in (n.body for n in ast.walk(tree) if isinstance(
        n, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))) if body and isinstance(body[0], ast.Expr)}
    interpreter, its_modules = INTERPRETER_MODULES
    interpreter_aliases = {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                           for alias in node.names if alias.name == interpreter}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            targets = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for target in targets:
                if target.split(".")[0] in REFUSED_IMPORT_ROOTS or (isinstance(node, ast.ImportFrom) and node.level):
                    refuse(node, f"import of {target!r} is not allowed (the reference library and the grader are "
                                 "not part of a submission)")
                if BORROWED.search(target) or any(part.startswith("_") for part in target.split(".")):
                    refuse(node, f"import of {target!r} is not allowed")
            for alias in node.names:
                if alias.name == "*":
                    refuse(node, "'import *' is not allowed")
                if isinstance(node, ast.ImportFrom) and node.module == interpreter and alias.name == its_modules:
                    refuse(node, f"the attribute {its_modules!r} of {interpreter!r} is not allowed in a submission")
                if BORROWED.search(alias.name) and alias.name not in allowed:
                    refuse(node, f"importing {alias.name!r} would use a library's dropout instead of yours")
                modules.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.Name):
            if node.id in FORBIDDEN_NAMES:
                refuse(node, f"{node.id!r} is not allowed in a submission")
            if BORROWED.search(node.id) and node.id not in own and node.id not in allowed:
                refuse(node, f"{node.id!r} is not yours: implement the layer instead of borrowing one")
        elif isinstance(node, ast.Attribute):
            attr = node.attr
            if attr == its_modules and isinstance(node.value, ast.Name) and node.value.id in interpreter_aliases:
                refuse(node, f"the attribute {attr!r} of {interpreter!r} is not allowed in a submission")
            base_is_self = isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
            if attr.startswith("__") and attr.endswith("__"):
                if attr not in ALLOWED_DUNDER_ATTRIBUTES:
                    refuse(node, f"the attribute {attr!r} is not allowed")
            elif attr.startswith("_") and not base_is_self and attr not in allowed:
                refuse(node, f"the private attribute {attr!r} is not allowed")
            if attr in FORBIDDEN_ATTRIBUTES and not base_is_self:
                refuse(node, f"the attribute {attr!r} is not allowed in a submission")
            if BORROWED.search(attr) and attr not in own and attr not in allowed:
                refuse(node, f"{attr!r} is a library's dropout: implement the layer instead of calling it")
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
              and BORROWED.search(node.value)):
            # a string naming a library layer could be resolved at run time; plain prose in strings is fine
            if BORROWED_STRING.search(node.value):
                refuse(node, "a string naming a library's dropout is not allowed")
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        elif isinstance(node, ast.Delete):
            targets = node.targets
        for target in targets:
            for sub in ast.walk(target):
                if isinstance(sub, (ast.Attribute, ast.Subscript)):
                    root = _root_name(sub)
                    if root is not None and (root not in own or root in modules):
                        refuse(node, f"changing an attribute of {root!r}, which the submission did not create, is not allowed")
    return modules
