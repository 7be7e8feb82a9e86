"""``recur`` tables: the per-interval loop runs a compiled step with the interpreter's float64 arithmetic."""

from __future__ import annotations

import math

import numpy as np
import pytest

import lrdsl
from lrdsl.ir import interpreter

EXPRESSIONS = [
    "lr * 0.999999 + 1e-9",
    "lr * 0.9",
    "max(lr * 0.5, 1e-3)",
    "min(lr + 0.01, 0.5)",
    "lr / (1 + lr)",
    "sqrt(lr) * 0.99",
    "lr * exp(-0.01) + sin(lr) * 1e-3",
    "0.1 * cos(lr) + tanh(lr) / 10",
    "lr - floor(lr * 100) / 1000",
    "abs(lr - 0.3) ** 1.5 + 0.01",
    "log(1 + lr) * 0.9",
]


@pytest.mark.parametrize("expr", EXPRESSIONS)
def test_the_compiled_step_gives_the_walked_arithmetic_bit_for_bit(expr: str) -> None:
    node = lrdsl.lower(f"recur({expr}, 2000, from=0.7)").ir
    while not hasattr(node, "expr") or not hasattr(node, "every"):
        node = node.body  # the recur under its hold
    table = interpreter.recur_table(node)
    value = node.init
    with np.errstate(all="ignore"):
        for k in range(table.size):
            value = float(interpreter.arith(node.expr, {"lr": value}))
            assert table[k] == value or (math.isnan(table[k]) and math.isnan(value)), (k, table[k], value)


@pytest.mark.parametrize(
    ("expr", "after"),
    [("lr * 1e200", 2), ("1 / (lr - 1)", 1), ("log(lr - 2)", 1), ("(lr - 2) ** 0.5", 1), ("lr / (lr - lr)", 1)],
)
def test_a_step_that_is_not_finite_is_refused_at_its_interval(expr: str, after: int) -> None:
    """Overflow, x/0, a logarithm or a power outside its domain: numpy's ±inf or NaN, then refused."""
    with pytest.raises(lrdsl.LrdslError, match=rf"recur\(\) is not finite after {after} iterations"):
        lrdsl.evaluate(f"recur({expr}, 10, from=1)", 10)


def test_a_constant_zero_denominator_is_refused_where_it_is_written() -> None:
    with pytest.raises(lrdsl.LrdslError, match="division by zero") as caught:
        lrdsl.evaluate("recur(lr / 0, 10, from=1)", 10)
    assert caught.value.column == 12


def test_one_recurrence_is_iterated_once_for_every_end_it_is_cut_at() -> None:
    """Lowering's points and the run cut one ``recur`` at different ends: the iterates are shared,
    and a value that is not finite is reported at its own iteration whatever was asked before."""
    from lrdsl.ir.interpreter import _iterates

    expr = "recur(lr * 10, every=1, from=1)"  # the 308th iterate is 10³⁰⁸, the 309th overflows
    short = lrdsl.evaluate(expr, 100)
    with pytest.raises(lrdsl.LrdslError, match="not finite after 309 iterations"):
        lrdsl.evaluate(expr, 1000)
    assert list(lrdsl.evaluate(expr, 100)) == list(short) and math.isclose(short[-1], 1e100)
    assert list(lrdsl.evaluate(expr, 300))[:100] == list(short)
    info = _iterates.cache_info()
    lrdsl.evaluate("recur(lr * 0.5 + 1, every=1, from=0)", 50)
    lrdsl.evaluate("recur(lr * 0.5 + 1, every=1, from=0)", 70)
    assert _iterates.cache_info().misses == info.misses + 1
