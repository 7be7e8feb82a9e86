"""LANGUAGE.md §8.3: ``tanh``, math functions and ``pi`` in constant arithmetic."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import lrdsl
from lrdsl.language import ast as A


def test_tanh_in_fn_and_recur() -> None:
    got = lrdsl.evaluate("fn(0.1 * (1 - tanh(u / 10)), 30)", steps=[0, 10, 20])
    np.testing.assert_allclose(got, [0.1 * (1 - math.tanh(t / 10)) for t in (0, 10, 20)], rtol=1e-15)
    got = lrdsl.evaluate("recur(tanh(lr) + 0.1, 3, from=0.5)", steps=[0, 1])
    np.testing.assert_allclose(got, [math.tanh(0.5) + 0.1, math.tanh(math.tanh(0.5) + 0.1) + 0.1], rtol=1e-15)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("cosine(0.1→0.1 * cos(pi / 12), 10)", [0.1, 0.1 * math.cos(math.pi / 12)]),
        ("const(sqrt(512) ** -1, 10)", [512**-0.5, 512**-0.5]),
        ("sqrt(2) * linear(1→0, 10)", [math.sqrt(2), 0.0]),
        ("const(2 * pi, 10)", [2 * math.pi, 2 * math.pi]),
        ("const(min(3, 4) + max(1, 2) + abs(-1) + floor(1.5) + ceil(1.5) + exp(0) + log(1), 10)", [10.0, 10.0]),
        ("const(tanh(1) + sin(1) + tan(1), 10)", [math.tanh(1) + math.sin(1) + math.tan(1)] * 2),
    ],
)
def test_math_in_constants(text: str, want: list[float]) -> None:
    np.testing.assert_allclose(lrdsl.evaluate(text, 11, steps=[0, 10]), want, rtol=1e-15)


def test_a_math_call_of_constants_is_a_number_otherwise_a_shape() -> None:
    number = lrdsl.parse("sqrt(2)").expr
    assert isinstance(number, A.Call) and number.is_math()
    shape = lrdsl.parse("exp(1→0.1, 100)").expr
    assert isinstance(shape, A.Call) and not shape.is_math()
    assert lrdsl.evaluate("exp(1)", 1)[0] == math.e
    assert lrdsl.evaluate("exp(1→0.1, 100)", steps=[100])[0] == pytest.approx(0.1)


def test_math_with_parameters_stays_symbolic_in_generated_code() -> None:
    code = lrdsl.generate("cosine($peak→$peak * cos(pi / 12), 10)", "python")
    namespace: dict[str, object] = {}
    exec(compile(code, "<gen>", "exec"), namespace)
    fn = namespace["lr"]
    assert callable(fn)
    want = lrdsl.evaluate("cosine($peak→$peak * cos(pi / 12), 10)", params={"peak": 0.3})
    assert [fn(t, peak=0.3) for t in range(10)] == pytest.approx(list(want), rel=1e-12)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("log(0)", "log() is not defined at 0"),
        ("const(sqrt(-1))", "sqrt() is not defined at -1"),
        ("exp(1000)", "number too large"),
        ("const(cos(u))", "expected a number, found 'u'"),
    ],
)
def test_math_errors_point_at_the_call(text: str, message: str) -> None:
    with pytest.raises(lrdsl.LrdslError, match=re.escape(message)) as err:
        lrdsl.evaluate(text, 3)
    assert err.value.span is not None


@pytest.mark.parametrize(
    "text", ["fn(min((1e-300 / 0) / (t * u), 1), 10)", "fn(u / (2 - 2), 10)", "fn(1 / (0 * 3), 5)"]
)
def test_a_formula_divided_by_a_constant_zero_is_refused_at_its_denominator(text: str) -> None:
    # generated tensor code would divide two Python floats (ZeroDivisionError) where numpy gives inf or nan
    with pytest.raises(lrdsl.LrdslError, match="division by zero"):
        lrdsl.evaluate(text, 10)
