"""Small builders of IR arithmetic with constant folding, shared by shapes and formulas."""

from __future__ import annotations

import math

from lrdsl import ir

U = ir.Var("u")


def c(value: float) -> ir.Const:
    """A constant."""
    return ir.Const(float(value))


def add(a: ir.Arith, b: ir.Arith) -> ir.Arith:
    """``a + b``."""
    if isinstance(b, ir.Const) and b.value == 0:
        return a
    if isinstance(a, ir.Const) and a.value == 0:
        return b
    return ir.Bin("+", a, b)


def mul(a: ir.Arith, b: ir.Arith) -> ir.Arith:
    """``a · b``."""
    if isinstance(a, ir.Const) and a.value == 1:
        return b
    if isinstance(b, ir.Const) and b.value == 1:
        return a
    return ir.Bin("*", a, b)


def div(a: ir.Arith, b: ir.Arith) -> ir.Arith:
    """``a / b``."""
    if isinstance(b, ir.Const) and b.value == 1:
        return a
    return ir.Bin("/", a, b)


def power(a: ir.Arith, b: ir.Arith) -> ir.Arith:
    """``a ** b``."""
    if isinstance(b, ir.Const) and b.value == 1:
        return a
    return ir.Bin("**", a, b)


def progress(d: float) -> ir.Arith:
    """``p = u / d`` (``1`` for a zero-length phase)."""
    return div(U, c(d)) if d > 0 else c(1.0)


def scaled(d: float, k: float = 1.0) -> ir.Arith:
    """``k·u/d`` folded into one product ``u·(k/d)`` (``k`` when ``d = 0``: a finished phase)."""
    return mul(U, c(k / d)) if d > 0 else c(k)


def linear(a: float, b: float, d: float) -> ir.Arith:
    """``a + (b − a)·p``, ``p = u/d``, anchored at the end of smaller magnitude.

    ``a + u·(b − a)/d`` when ``|a| ≤ |b|``, else ``b + (d − u)·(a − b)/d``: the small end is
    exact, so float32 targets keep full relative precision where the rate is small.
    """
    if d <= 0:
        return c(b)
    if abs(a) <= abs(b):
        return add(c(a), div(mul(U, c(b - a)), c(d)))
    return add(c(b), div(mul(ir.Bin("-", c(d), U), c(a - b)), c(d)))


def cosine(a: float, b: float, d: float) -> ir.Arith:
    """``b + (a − b)·(1 + cos πp)/2``, anchored at the end of smaller magnitude.

    ``b + (a − b)/2·(1 + cos(u·π/d))`` when ``|b| ≤ |a|``, else ``a + (b − a)/2·(1 − cos(u·π/d))``.
    """
    if d <= 0:
        return c(b)
    wave = ir.Fn("cos", scaled(d, math.pi))
    if abs(b) <= abs(a):
        return add(c(b), mul(c((a - b) / 2), add(c(1.0), wave)))
    return add(c(a), mul(c((b - a) / 2), ir.Bin("-", c(1.0), wave)))


def exponential(a: float, b: float, d: float) -> ir.Arith:
    """``a·(b/a)^p``, as ``a·exp(u·ln(b/a)/d)`` (``ln|b| − ln|a|``: no underflow of ``b/a``)."""
    return mul(c(a), ir.Fn("exp", scaled(d, math.log(abs(b)) - math.log(abs(a)))))


def poly(a: float, b: float, p: ir.Arith, k: float) -> ir.Arith:
    """``b + (a − b)·(1 − p)^k``, as ``a + (b − a)·(1 − (1 − p)^k)`` when ``|a| < |b|`` (small end exact)."""
    falloff = power(ir.Bin("-", c(1.0), p), c(k))
    if abs(a) < abs(b):
        return add(c(a), mul(c(b - a), ir.Bin("-", c(1.0), falloff)))
    return add(c(b), mul(c(a - b), falloff))
