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


def linear(a: float, b: float, p: ir.Arith) -> ir.Arith:
    """``a + (b − a)·p``."""
    return add(c(a), mul(c(b - a), p))


def cosine(a: float, b: float, p: ir.Arith) -> ir.Arith:
    """``b + (a − b)·(1 + cos πp)/2``."""
    return add(c(b), mul(c((a - b) / 2), add(c(1.0), ir.Fn("cos", mul(c(math.pi), p)))))


def exponential(a: float, b: float, p: ir.Arith) -> ir.Arith:
    """``a·(b/a)^p``."""
    return mul(c(a), power(c(b / a), p))


def poly(a: float, b: float, p: ir.Arith, k: float) -> ir.Arith:
    """``b + (a − b)·(1 − p)^k``."""
    return add(c(b), mul(c(a - b), power(ir.Bin("-", c(1.0), p), c(k))))
