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

from typing import ClassVar

from lrdsl import ir
from lrdsl.codegen.emitter import Emitter


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
