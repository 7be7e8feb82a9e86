"""The reference interpreter: what the IR means, one step at a time, in plain float64 Python.

This is the living definition of the semantics; :mod:`lrdsl.ir.interpreter` (every step at once,
in numpy) is the fast one that ``evaluate`` uses, and the tests hold it within one ulp of this
module on the case tables, on random schedules and in the differential fuzz. Each node has one
path, read straight off its definition in :mod:`lrdsl.ir`:

* ``Formula``: ``expr(u)``; ``Clamp``: the body at ``min(u, hi)``; ``Offset``: at ``min(u, hi) + n``;
* ``Seq``: piece ``j`` (the last with ``breaks[j] ≤ u``, else the first) at ``u − breaks[j]``;
* ``Combine``: the parts at ``u``, folded left to right with the operation;
* ``Cycles``: the cycle ``i`` and the time in it from :class:`~lrdsl.ir.CycleClock`, the body
  there times ``decayⁱ`` (C's ``pow``);
* ``Unrolled``: piece ``i`` (the last with ``reach[i] ≤ u``), the body at ``max(u·scale[i] − shift[i], 0)/stretch[i]``
  times ``factor[i]``;
* ``Quantize``: the body at ``k·q`` (``at_end``: ``min((k+1)·q, hi)``), ``k = ⌊u/q⌋`` exactly and
  ``k·q`` the float nearest the exact time;
* ``Recur``: ``expr`` applied ``k + 1`` times to ``init``, ``k = ⌊min(u, hi)/every⌋`` exactly; refused
  at every step when an iterate of its span (``⌊hi/every⌋ + 1`` of them) is not finite.

Arithmetic is IEEE float64: ``+ − · /`` as Python's (a quotient by 0 as numpy's: ``±inf`` or NaN),
``min``/``max`` letting a NaN through, powers and math functions with the C library's bits
(:mod:`lrdsl.ir.libm`). A value that is not finite — of a formula, a combination, a ``recur``
iterate or the schedule — is refused with an :class:`~lrdsl.errors.LrdslError`, as ``evaluate``
refuses it.
"""

from __future__ import annotations

import bisect
import functools
import math
import operator
from collections.abc import Callable, Iterable
from fractions import Fraction

from lrdsl import ir
from lrdsl.errors import LrdslError, Span
from lrdsl.ir import libm


def _divide(a: float, b: float) -> float:
    if b:
        return a / b
    return math.nan if a == 0 or a != a else math.copysign(math.inf, a) * math.copysign(1.0, b)


OPERATIONS: dict[str, Callable[[float, float], float]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": _divide, "**": libm.power,
    "min": lambda a, b: a if a <= b or a != a else b, "max": lambda a, b: a if a >= b or a != a else b,
}  # fmt: skip
"""Each operation of :data:`lrdsl.ir.OPERATORS` on two floats (a NaN operand of ``min``/``max`` wins)."""


def evaluate(node: ir.Sched, steps: Iterable[float]) -> list[float]:
    """``lr(t)`` for each step ``t`` in ``steps``."""
    return [value(node, float(t)) for t in steps]


def value(node: ir.Sched, u: float) -> float:
    """The value of ``node`` at local time ``u`` (the global step at the root)."""
    return _finite(_REFERENCE.walk(node, float(u)), None, "the schedule", u)


def _finite(x: float, origin: tuple[int, int] | None, what: str, u: float) -> float:
    if math.isfinite(x):
        return x
    raise LrdslError(
        f"{what} is {x} at its local step {u:g}",
        span=Span(*origin) if origin else None,
        hint="check for division by zero, log of 0 or overflow",
    )


def _floor_div(x: float, c: Fraction) -> float:
    """``⌊x/c⌋`` exactly; NaN for a NaN and ``±inf`` for ``±inf`` (numpy's ``floor_divide``)."""
    if math.isfinite(x):
        return float(ir.floor_div(x, c))
    return math.nan if x != x else x


class _Reference(ir.Walker):
    """One node at one local time ``u``; arithmetic with ``u`` and the previous value ``lr``."""

    WALKS = ("sched", "arith")

    def _formula(self, node: ir.Formula, u: float) -> float:
        return _finite(self.walk(node.expr, u, None), node.origin, node.label or "the schedule", u)

    def _clamp(self, node: ir.Clamp, u: float) -> float:
        return float(self.walk(node.body, min(u, node.hi)))

    def _offset(self, node: ir.Offset, u: float) -> float:
        return float(self.walk(node.body, min(u, node.hi) + node.n))

    def _seq(self, node: ir.Seq, u: float) -> float:
        j = max(bisect.bisect_right(node.breaks, u) - 1, 0)
        return float(self.walk(node.parts[j], u - node.breaks[j]))

    def _combine(self, node: ir.Combine, u: float) -> float:
        values = [self.walk(part, u) for part in node.parts]
        out = functools.reduce(OPERATIONS[node.op], values)
        return _finite(out, node.origin, "a quotient" if node.op == "/" else f"the {node.op} of its parts", u)

    def _cycles(self, node: ir.Cycles, u: float) -> float:
        i, local = ir.cycle_clock(node.period, node.mult).local(u, node.count - 1)
        body = float(self.walk(node.body, local))
        return body * libm.power(node.decay, float(i)) if node.decay != 1.0 and i else body

    def _unrolled(self, node: ir.Unrolled, u: float) -> float:
        i, local = node.local(u)
        return float(self.walk(node.body, local)) * node.factor[i]

    def _quantize(self, node: ir.Quantize, u: float) -> float:
        k = ir.floor_div(u, node.q)
        at = min(ir.times(k + 1, node.q), node.hi) if node.at_end else ir.times(k, node.q)
        return float(self.walk(node.body, at))

    def _recur(self, node: ir.Recur, u: float) -> float:
        overrun = ir.recur_overrun(node.hi, float(node.every))
        if overrun:
            raise LrdslError(overrun[0], span=Span(*node.origin) if node.origin else None, hint=overrun[1])
        table = _iterates(node.expr, node.init, ir.recur_intervals(node), node.origin)  # all of its span, or refused
        return table[ir.floor_div(min(u, node.hi), node.every) + 1]

    # -- arithmetic
    def _const(self, e: ir.Const, u: float | None, lr: float | None) -> float:
        return e.value

    def _var(self, e: ir.Var, u: float | None, lr: float | None) -> float:
        x = u if e.name == "u" else lr
        if x is None:
            raise LrdslError(f"the formula reads '{e.name}', which is not defined here")
        return x

    def _param(self, e: ir.Param, u: float | None, lr: float | None) -> float:
        raise LrdslError(f"${e.name} is not bound", hint="give its value (API params=, CLI --set)")

    def _bin(self, e: ir.Bin, u: float | None, lr: float | None) -> float:
        return OPERATIONS[e.op](self.walk(e.a, u, lr), self.walk(e.b, u, lr))

    def _fn(self, e: ir.Fn, u: float | None, lr: float | None) -> float:
        x = float(self.walk(e.arg, u, lr))
        return -x if e.name == "neg" else libm.scalar(e.name)(x)

    def _floor_div(self, e: ir.FloorDiv, u: float | None, lr: float | None) -> float:
        return _floor_div(self.walk(e.x, u, lr), e.c)

    def _ceil_div(self, e: ir.CeilDiv, u: float | None, lr: float | None) -> float:
        return -_floor_div(-self.walk(e.x, u, lr), e.c)

    def _count(self, e: ir.Count, u: float | None, lr: float | None) -> float:
        marks = [ir.least_float(m) for m in e.thresholds]  # x ≥ least_float(m) ⟺ x ≥ m; a NaN counts them all
        return float(bisect.bisect_right(marks, self.walk(e.x, u, lr)))


_REFERENCE = _Reference()


@functools.lru_cache(maxsize=64)
def _table(expr: ir.Arith, init: float) -> list[float]:
    """The iterates of ``expr`` from ``init`` computed so far (the cache keeps one list per recurrence)."""
    return [init]


def _iterates(expr: ir.Arith, init: float, count: int, origin: tuple[int, int] | None) -> list[float]:
    """``init`` and ``expr`` applied to it up to ``count`` times; refused at the first iterate that is not finite."""
    table = _table(expr, init)
    while len(table) <= count:
        table.append(float(_REFERENCE.walk(expr, None, table[-1])))
        if not math.isfinite(table[-1]):
            table.pop()
            raise LrdslError(
                f"recur() is not finite after {len(table)} iterations", span=Span(*origin) if origin else None
            )
    return table
