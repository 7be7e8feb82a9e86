"""The base of every code printer: one walker over the IR, the target's names in a table.

A printer is an :class:`lrdsl.ir.Walker`: one method per schedule node (``_formula``,
``_clamp``, …) that defines a function of the local time ``u`` and returns its name, and one
per arithmetic node (``_const``, ``_bin``, ``_fn``, …) that returns its code, so a printer that
lacks one fails when it is imported. What differs between targets is data:

* :attr:`Printer.MODULE`, the prefix of the math functions (``math``, ``jnp``, ``ops``) and
  :attr:`Printer.RENAMED`, the functions a target spells otherwise (Python's ``abs``);
* :attr:`Printer.IMPORTS`, the modules its code may import (only those it reads are kept).

The math functions come from :data:`lrdsl.ir.MATH_FUNCTIONS`, so a new function is a new name
there and nothing here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, TypeVar

from lrdsl import ir
from lrdsl.codegen.emitter import Emitter, num

LONG_NUMBER = 12
"""A folded constant printed with more characters than this is shown as its source instead."""


T = TypeVar("T")


class Printer(ir.Walker, abstract=True):
    """Prints IR as Python functions of ``u``; ``integral`` says the frame's time is whole steps."""

    WALKS = ("sched", "arith")
    MODULE: ClassVar[str] = "math"
    RENAMED: ClassVar[dict[str, str]] = {}
    IMPORTS: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, emitter: Emitter) -> None:
        self.em = emitter
        self.em.imports.update(self.IMPORTS)

    @classmethod
    def function(cls, name: str) -> str:
        """How this target calls the math function ``name`` of :data:`lrdsl.ir.MATH_FUNCTIONS`."""
        return cls.RENAMED.get(name, f"{cls.MODULE}.{name}")

    def sched(self, node: ir.Sched, integral: bool) -> str:
        """Define a function for ``node``; return its name."""
        name: str = self._dispatch[type(node)](self, node, integral)  # walk(), one frame less per level
        return name

    def shown_source(self, e: ir.Const) -> ir.Arith | None:
        """What to print for ``e`` instead of its digits: the constants it was folded from.

        ``(0.1 - 4e-07) / 2`` reads better than ``0.049999800000000004`` and is the same float64
        (Python folds it as lowering did). Inside a source every folded constant shows its own.
        """
        if e.source is None or not (self._in_source or len(num(abs(e.value))) > LONG_NUMBER):
            return None
        return e.source

    _in_source = False

    def in_source(self, print_source: Callable[[], T]) -> T:
        """``print_source()`` with the printer marked as inside a constant's source."""
        outer, self._in_source = self._in_source, True
        try:
            return print_source()
        finally:
            self._in_source = outer
