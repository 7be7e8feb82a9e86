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
    """``a + (b − a)·p`` with ``p = u/d``, as ``a + u·(b − a)/d`` (exact for round numbers)."""
    if d <= 0:
        return c(b)
    return add(c(a), div(mul(U, c(b - a)), c(d)))


def cosine(a: float, b: float, d: float) -> ir.Arith:
    """``b + (a − b)·(1 + cos πp)/2``, as ``(a + b)/2 + (a − b)/2·cos(u·π/d)``."""
    half = (a - b) / 2
    if d <= 0:
        return c(b)
    return add(c(b + half), mul(c(half), ir.Fn("cos", scaled(d, math.pi))))


def exponential(a: float, b: float, d: float) -> ir.Arith:
    """``a·(b/a)^p``, as ``a·exp(u·ln(b/a)/d)``."""
    return mul(c(a), ir.Fn("exp", scaled(d, math.log(b / a))))


def poly(a: float, b: float, p: ir.Arith, k: float) -> ir.Arith:
    """``b + (a − b)·(1 − p)^k``."""
    return add(c(b), mul(c(a - b), power(ir.Bin("-", c(1.0), p), c(k))))
