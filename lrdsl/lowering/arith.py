"""Small builders of IR arithmetic with constant folding, shared by shapes and formulas."""

from __future__ import annotations

import math
import operator

from lrdsl import ir
from lrdsl.lowering import symbolic as S
from lrdsl.lowering.symbolic import Number, Sym

U = ir.Var("u")


def c(value: Number) -> ir.Arith:
    """A constant (an expression over parameters when ``value`` depends on them)."""
    return value.expr if isinstance(value, Sym) else ir.Const(float(value))


_FOLD = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}


def folded(op: str, a: float | ir.Const, b: float | ir.Const) -> ir.Const:
    """``a op b`` computed now (``op`` one of ``+ - * /``): a constant that remembers its source.

    ``a`` and ``b`` are numbers or constants folded before; a printer may show the source
    (``(0.1 - 4e-07) / 2``) where it reads better than the digits (``0.049999800000000004``).
    """
    x, y = _folded_value(a), _folded_value(b)
    value = _FOLD[op](x, y)
    return ir.Const(value, ir.Bin(op, _leaf(a), _leaf(b)))


def _difference(a: Number, b: Number, halved: bool = False) -> ir.Arith:
    """``a − b`` (halved: ``(a − b)/2``) as a constant that remembers it, or symbolic with a parameter."""
    if isinstance(a, Sym) or isinstance(b, Sym):
        return c((a - b) / 2 if halved else a - b)
    return folded("/", folded("-", a, b), 2.0) if halved else folded("-", a, b)


def _folded_value(x: float | ir.Const) -> float:
    return x.value if isinstance(x, ir.Const) else float(x)


def _leaf(x: float | ir.Const) -> ir.Const:
    return x if isinstance(x, ir.Const) else ir.Const(float(x))


def _is(x: ir.Arith, value: float) -> bool:
    """``x`` is the constant ``value`` (the unit an operation drops: ``x + 0 = x``, ``x·1 = x``)."""
    return isinstance(x, ir.Const) and x.value == value


def add(a: ir.Arith, b: ir.Arith) -> ir.Arith:
    """``a + b``; ``a`` where ``b = 0``, ``b`` where ``a = 0``."""
    return a if _is(b, 0) else b if _is(a, 0) else ir.Bin("+", a, b)


def mul(a: ir.Arith, b: ir.Arith) -> ir.Arith:
    """``a · b``; ``b`` where ``a = 1``, ``a`` where ``b = 1``."""
    return b if _is(a, 1) else a if _is(b, 1) else ir.Bin("*", a, b)


def div(a: ir.Arith, b: ir.Arith) -> ir.Arith:
    """``a / b``; ``a`` where ``b = 1``."""
    return a if _is(b, 1) else ir.Bin("/", a, b)


def power(a: ir.Arith, b: ir.Arith) -> ir.Arith:
    """``a ** b``; ``a`` where ``b = 1``."""
    return a if _is(b, 1) else ir.Bin("**", a, b)


def progress(d: float) -> ir.Arith:
    """``p = u / d`` (``1`` for a zero-length phase)."""
    return div(U, c(d)) if d > 0 else c(1.0)


def scaled(d: float, k: Number = 1.0) -> ir.Arith:
    """``k·u/d`` folded into one product ``u·(k/d)`` (``k`` when ``d = 0``: a finished phase)."""
    if d <= 0:
        return c(k)
    return mul(U, c(k / d) if isinstance(k, Sym) else folded("/", k, d))


def linear(a: Number, b: Number, d: float) -> ir.Arith:
    """``a + (b − a)·p``, ``p = u/d``, anchored at the end of smaller magnitude.

    ``a + u·(b − a)/d`` when ``|a| ≤ |b|``, else ``b + (d − u)·(a − b)/d``: the small end is
    exact, so float32 targets keep full relative precision where the rate is small.
    """
    if d <= 0:
        return c(b)
    if abs(float(a)) <= abs(float(b)):
        return add(c(a), div(mul(U, _difference(b, a)), c(d)))
    return add(c(b), div(mul(ir.Bin("-", c(d), U), _difference(a, b)), c(d)))


def cosine(a: Number, b: Number, d: float) -> ir.Arith:
    """``b + (a − b)·(1 + cos πp)/2``, anchored at the end of smaller magnitude.

    ``b + (a − b)/2·(1 + cos(u·π/d))`` when ``|b| ≤ |a|``, else ``a + (b − a)/2·(1 − cos(u·π/d))``.
    """
    if d <= 0:
        return c(b)
    wave = ir.Fn("cos", scaled(d, math.pi))
    if abs(float(b)) <= abs(float(a)):
        return add(c(b), mul(_difference(a, b, halved=True), add(c(1.0), wave)))
    return add(c(a), mul(_difference(b, a, halved=True), ir.Bin("-", c(1.0), wave)))


def exponential(a: Number, b: Number, d: float) -> ir.Arith:
    """``a·(b/a)^p``, as ``a·exp(u·ln(b/a)/d)`` (``ln|b| − ln|a|``: no underflow of ``b/a``)."""
    return mul(c(a), ir.Fn("exp", scaled(d, S.log(S.absolute(b)) - S.log(S.absolute(a)))))


def poly(a: Number, b: Number, span: ir.Arith, k: Number) -> ir.Arith:
    """``b + (a − b)·(1 − p)^k`` with ``p = u/D`` over a span ``D`` (a constant or an expression).

    ``1 − p`` is computed as ``(D − u)/D``: exact for whole steps, so the phase reaches ``b``
    exactly even where a target divides by multiplying with the reciprocal. Anchored at the
    smaller end: ``a + (b − a)·(1 − (1 − p)^k)`` when ``|a| < |b|``.
    """
    if isinstance(span, ir.Const) and span.value <= 0:
        return c(b)
    rest = ir.Bin("/", ir.Bin("-", span, U), span)  # 1 − p
    if abs(float(a)) < abs(float(b)):
        return add(c(a), mul(c(b - a), _rise(span, rest, k)))
    return add(c(b), mul(c(a - b), power(rest, c(k))))


def _rise(span: ir.Arith, rest: ir.Arith, k: Number) -> ir.Arith:
    """``1 − (1 − p)^k`` without cancellation for small ``p`` where a closed form allows it."""
    p = ir.Bin("/", U, span)
    if not isinstance(k, Sym) and k == 1:
        return p
    if not isinstance(k, Sym) and k == 2:
        return ir.Bin("*", p, ir.Bin("-", c(2.0), p))  # p(2 − p)
    if not isinstance(k, Sym) and k == 0.5:
        return ir.Bin("/", p, ir.Bin("+", c(1.0), ir.Fn("sqrt", rest)))  # p / (1 + √(1 − p))
    return ir.Bin("-", c(1.0), power(rest, c(k)))


def sqrt_ramp(a: Number, b: Number, d: float) -> ir.Arith:
    """``a + (b − a)·√p``, anchored at the end of smaller magnitude.

    ``a + (b − a)·√(u/d)`` when ``|a| ≤ |b|``, else ``b + (a − b)·(1 − √p)`` with
    ``1 − √p = ((d − u)/d) / (1 + √p)``: no cancellation near the end of a cool-down.
    """
    if d <= 0:
        return c(b)
    root = ir.Fn("sqrt", progress(d))
    if abs(float(a)) <= abs(float(b)):
        return add(c(a), mul(_difference(b, a), root))
    rest = ir.Bin("/", ir.Bin("/", ir.Bin("-", c(d), U), c(d)), ir.Bin("+", c(1.0), root))
    return add(c(b), mul(_difference(a, b), rest))


def log_ramp(a: Number, b: Number, d: float) -> ir.Arith:
    """``a + (b − a)·ln(1 + u)/ln(1 + d)``, anchored at the end of smaller magnitude.

    ``b + (a − b)·ln((1 + d)/(1 + u))/ln(1 + d)`` when ``|b| < |a|``: exactly ``b`` at ``u = d``.
    """
    if d <= 0:
        return c(b)
    whole = math.log1p(d)
    if abs(float(a)) <= abs(float(b)):
        return add(c(a), mul(c((b - a) / whole), ir.Fn("log", ir.Bin("+", c(1.0), U))))
    rest = ir.Fn("log", ir.Bin("/", c(1.0 + d), ir.Bin("+", c(1.0), U)))
    return add(c(b), mul(c((a - b) / whole), rest))


def pow_ramp(a: Number, b: Number, d: float, k: Number) -> ir.Arith:
    """``a + (b − a)·p^k`` (LANGUAGE.md §9.3), anchored at the end of smaller magnitude.

    ``a + (b − a)·(u/d)^k`` when ``|a| ≤ |b|`` (a warm-up: exactly ``a`` at ``u = 0``), else
    ``b + (a − b)·(1 − (u/d)^k)``: exactly ``b`` at ``u = d``.
    """
    if d <= 0:
        return c(b)
    rise = power(progress(d), c(k))
    if abs(float(a)) <= abs(float(b)):
        return add(c(a), mul(_difference(b, a), rise))
    return add(c(b), mul(_difference(a, b), ir.Bin("-", c(1.0), rise)))


def ramp(shape: str, a: Number, b: Number, d: float, k: Number = 2.0) -> ir.Arith:
    """A ramp of one of the warm-up/decay shapes from ``a`` to ``b`` over ``d`` steps (``exp`` checked by the caller).

    ``k`` is the power of ``pow`` (``poly`` warm-ups keep their default power 2).
    """
    if shape == "pow":
        return pow_ramp(a, b, d, k)
    if shape == "linear":
        return linear(a, b, d)
    if shape == "cosine":
        return cosine(a, b, d)
    if shape == "poly":
        return poly(a, b, c(d), 2.0)
    if shape == "sqrt":
        return sqrt_ramp(a, b, d)
    if shape == "log":
        return log_ramp(a, b, d)
    return exponential(a, b, d)
