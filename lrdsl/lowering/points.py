"""The value of lowered IR at one local time: a float, or a :class:`Sym` over parameters.

Warm-up targets and ``→b`` starts are the neighbouring phase's value at a point; in code
generation that value may depend on parameters (``warmup(…) >> cosine($peak→…)`` warms up to
``$peak``), so it is computed both numerically and as an IR expression.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from lrdsl import ir
from lrdsl.ir.interpreter import arith, value_at
from lrdsl.lowering.symbolic import Number, Sym

bind = ir.bind_params


_LEAVES = (float, int, str, Fraction, type(None))


def has_params(e: Any) -> bool:
    """``e`` mentions an ``ir.Param``."""
    if isinstance(e, ir.Param):
        return True
    if isinstance(e, _LEAVES):  # most fields: numbers (an unrolled restart's tables), names, flags
        return False
    if isinstance(e, tuple):
        return any(has_params(x) for x in e)
    if dataclasses.is_dataclass(e) and not isinstance(e, type):
        return any(has_params(getattr(e, f.name)) for f in dataclasses.fields(e))
    return False


def point(node: ir.Sched, u: float, values: Mapping[str, float] | None = None) -> Number:
    """The value of ``node`` at local time ``u``; a :class:`Sym` if it depends on parameters."""
    if values is None or not has_params(node):
        return value_at(node, u)
    number = value_at(bind(node, values), u)
    expr = _at(node, u)
    # _at reads the IR a second time (symbolically): it must agree with the interpreter.
    again = float(arith(bind(expr, values), {}))
    if not math.isclose(again, number, rel_tol=1e-9, abs_tol=1e-15):
        raise AssertionError(f"symbolic value {again!r} disagrees with the interpreter's {number!r}")
    names = frozenset(_names(expr))
    return Sym(number, expr, names) if names else number


def _names(e: Any) -> set[str]:
    if isinstance(e, ir.Param):
        return {e.name}
    if dataclasses.is_dataclass(e) and not isinstance(e, type):
        out: set[str] = set()
        for f in dataclasses.fields(e):
            out |= _names(getattr(e, f.name))
        return out
    if isinstance(e, tuple):
        return set().union(*(_names(x) for x in e)) if e else set()
    return set()


def _fold(e: ir.Arith, u: float) -> ir.Arith:
    """``e`` at ``u``: every sub-expression without parameters reduced to a constant."""
    if not has_params(e):
        return ir.Const(float(arith(e, {"u": u})))
    if isinstance(e, ir.Bin):
        return ir.Bin(e.op, _fold(e.a, u), _fold(e.b, u))
    if isinstance(e, ir.Fn):
        return ir.Fn(e.name, _fold(e.arg, u))
    return e  # a parameter


class _Point(ir.Walker):
    """A schedule node at one local time, as IR arithmetic over its parameters."""

    def _formula(self, node: ir.Formula, u: float) -> ir.Arith:
        return _fold(node.expr, u)

    def _clamp(self, node: ir.Clamp, u: float) -> ir.Arith:
        return _at(node.body, min(u, node.hi))

    def _seq(self, node: ir.Seq, u: float) -> ir.Arith:
        j = max(i for i, b in enumerate(node.breaks) if b <= u) if u >= 0 else 0
        return _at(node.parts[j], u - node.breaks[j])

    def _combine(self, node: ir.Combine, u: float) -> ir.Arith:
        out = _at(node.parts[0], u)
        for part in node.parts[1:]:
            out = ir.Bin(node.op, out, _at(part, u))
        return out

    def _cycles(self, node: ir.Cycles, u: float) -> ir.Arith:
        i, local = node.clock.local(u, node.count - 1)
        inner = _at(node.body, local)
        return inner if node.decay == 1.0 or i == 0 else ir.Bin("*", ir.Const(node.factor(i)), inner)

    def _unrolled(self, node: ir.Unrolled, u: float) -> ir.Arith:
        i, local = node.local(u)
        inner = _at(node.body, local)
        return inner if node.factor[i] == 1.0 else ir.Bin("*", ir.Const(node.factor[i]), inner)

    def _quantize(self, node: ir.Quantize, u: float) -> ir.Arith:
        k = ir.floor_div(u, node.q)  # exact, and the body at the float nearest k·q (LANGUAGE.md §9.4)
        return _at(node.body, min(ir.times(k + 1, node.q), node.hi) if node.at_end else ir.times(k, node.q))

    def _offset(self, node: ir.Offset, u: float) -> ir.Arith:
        return _at(node.body, min(u, node.hi) + node.n)

    def _recur(self, node: ir.Recur, u: float) -> ir.Arith:
        return ir.Const(value_at(node, u))


_POINT = _Point()


def _at(node: ir.Sched, u: float) -> ir.Arith:
    result: ir.Arith = _POINT.walk(node, u)
    return result
