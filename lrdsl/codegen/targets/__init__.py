"""One module per code-generation target: its printer (a module prefix and tables) and ``run``.

Each module holds what is the target's own: ``Printer``, a subclass of the scalar or tensor printer
that sets its tables (:attr:`~lrdsl.codegen.printer.Printer.MODULE`, ``OPS``, ``IMPORTS``, casts), and
``run(code, steps)``, which evaluates generated code in that framework (tests and ``lrdsl gen``'s
users check a module with it). Its row in :data:`lrdsl.codegen.TARGETS` names the template, the
default name, the usage text and the imports the template adds.
"""

from __future__ import annotations

import types
from collections.abc import Sequence
from typing import Any


def load(code: str, name: str) -> types.ModuleType:
    """Generated ``code`` executed as a fresh module named ``name`` (code ``lrdsl gen`` wrote)."""
    module = types.ModuleType(name)
    exec(compile(code, f"<generated {name}>", "exec"), module.__dict__)
    return module


def steps_list(steps: Sequence[int]) -> list[int]:
    """``steps`` as Python ints (a numpy array's items included)."""
    return [int(s) for s in steps]


Values = Any
"""A float64 numpy array of one value per step asked."""
