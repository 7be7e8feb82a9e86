"""The base of every code printer: one walker over the IR, the target's names in a table.

A printer is an :class:`lrdsl.ir.Walker`: one method per schedule node (``_formula``,
``_clamp``, …) that defines a function of the local time ``u`` and returns its name, and one
per arithmetic node (``_const``, ``_bin``, ``_fn``, …) that returns its code, so a printer that
lacks one fails when it is imported. What differs between targets is data:

* :attr:`Printer.MODULE`, the prefix of the math functions (``math``, ``jnp``, ``ops``): each row of
  :data:`lrdsl.ir.MATH` says how that module spells its function, or that it lacks it;
* :attr:`Printer.OPS`, the module's tensor operations that :meth:`Printer.op` may call (``where``,
  ``searchsorted`` …): the target's declared vocabulary;
* :attr:`Printer.IMPORTS`, the modules its code may import (only those it reads are kept).

A schedule that needs a function or an operation the target lacks is refused by ``gen`` with an
:class:`~lrdsl.errors.LrdslError` naming both, never found when the user's process first runs it.
A new math function is a new row of :data:`lrdsl.ir.MATH` and nothing here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, TypeVar

from lrdsl import ir
from lrdsl.codegen.emitter import Emitter, cycles_integral, num
from lrdsl.errors import LrdslError

LONG_NUMBER = 12
"""A folded constant printed with more characters than this is shown as its source instead."""


T = TypeVar("T")


class Printer(ir.Walker, abstract=True):
    """Prints IR as Python functions of ``u``; ``integral`` says the frame's time is whole steps."""

    WALKS = ("sched", "arith")
    MODULE: ClassVar[str] = "math"
    OPS: ClassVar[frozenset[str]] = frozenset()
    IMPORTS: ClassVar[frozenset[str]] = frozenset()
    TARGET: ClassVar[str] = ""
    """The target's name, for messages."""

    def __init__(self, emitter: Emitter) -> None:
        self.em = emitter
        self.em.imports.update(self.IMPORTS)

    @classmethod
    def function(cls, name: str) -> str:
        """How this target calls the math function ``name`` of :data:`lrdsl.ir.MATH` (refused if it lacks it)."""
        spelled = ir.MATH[name].spelled(cls.MODULE)
        if spelled is None:
            raise lacking(cls.TARGET or cls.MODULE, f"function '{name}'")
        return spelled

    @classmethod
    def op(cls, name: str) -> str:
        """``<module>.<name>`` for a tensor operation of :attr:`OPS` (refused if the target lacks it)."""
        if name not in cls.OPS:
            raise lacking(cls.TARGET or cls.MODULE, f"operation '{name}'")
        return f"{cls.MODULE}.{name}"

    def sched(self, node: ir.Sched, integral: bool) -> str:
        """Define a function for ``node``; return its name."""
        name: str = self._dispatch[type(node)](self, node, integral)  # walk(), one frame less per level
        return name

    def cycle_body(self, node: ir.Cycles, integral: bool) -> tuple[str, int]:
        """The function of a restart's body and the index of its last cycle, ``count − 1``.

        The body sees whole steps where the frame does and each cycle starts at a whole step
        (``mult = 1``, a whole period).
        """
        return self.sched(node.body, cycles_integral(node, integral)), node.count - 1

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


def lacking(target: str, what: str) -> LrdslError:
    """The refusal of a schedule that needs ``what``, which ``target``'s code cannot call."""
    return LrdslError(
        f"the {target} target has no {what}, which this schedule needs",
        hint="generate another target: --target python, torch or paddle (float64, every function)",
    )
