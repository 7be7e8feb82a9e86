"""``lrdsl fit`` prints the language's v3 forms (LANGUAGE.md §9): late clocks, ``inclusive=true``, ``pow``, fractional periods."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

import lrdsl
from lrdsl.fitting.steps import fractional_period
from tests.fit_cases import V3_FORMS


@pytest.mark.parametrize(("cid", "expr", "steps", "spe", "want"), V3_FORMS, ids=[c[0] for c in V3_FORMS])
def test_v3_forms_round_trip(cid: str, expr: str, steps: int, spe: float | None, want: str) -> None:
    values = lrdsl.evaluate(expr, steps, spe)
    got = lrdsl.fit(values, steps_per_epoch=spe)
    assert got.exact and got.expr == want, f"{cid}: {got}"
    np.testing.assert_allclose(lrdsl.evaluate(got.expr, steps, spe), values, rtol=1e-11, atol=0)


def test_a_fractional_period_is_the_shortest_decimal_of_its_drops() -> None:
    """Keras ``decay_steps=12009.6`` drops at 12010, 24020, 36029 (LANGUAGE.md §9.4)."""
    assert fractional_period([12010, 12010, 12009]) == Fraction("12009.6")
    assert fractional_period([13, 12, 13, 12]) == Fraction("12.5")
    assert fractional_period([10, 12, 10]) is None  # no period drops there


def test_plain_forms_stay_plain() -> None:
    """A ramp into a constant at its end keeps its plain length; a held start longer than a few steps is a phase."""
    assert lrdsl.fit(lrdsl.evaluate("linear(0→0.1, 50) >> 0.1", 300)).expr == "linear(0→0.1, 50) >> 0.1"
    assert lrdsl.fit(lrdsl.evaluate("linear(0→0.1, 30) >> cosine(0.1→0, 270)", 300)).expr == (
        "linear(0→0.1, 30) >> cosine(0.1→0)"
    )
    got = lrdsl.fit(lrdsl.evaluate("const(0.1, 20) >> cosine(0.1→0)", 300)).expr
    assert got == "const(0.1, 20) >> cosine(0.1→0)"
    two = lrdsl.fit(lrdsl.evaluate("multistep(0.1, gamma=0.5, at=[13, 25])", 300)).expr
    assert two == "multistep(0.1, gamma=0.5, at=[13, 25])"


AHEAD_FORMS: list[tuple[str, str, int, float | None, str]] = [
    # (id, expression, total steps, steps per epoch, what fit prints): a clock ahead, ``X * offset(n)`` (§8.1)
    (
        "pow-run-clock",
        "linear(0→0.1, 10) >> pow(0.1→0.5, 200, power=2) * offset(10)",
        200,
        None,
        "linear(0→0.1, 10) >> pow(0.1→0.5, power=2) * offset(10)",
    ),
    (
        "pow-warmup-ahead",
        "pow(0→0.1, 100, power=2) * offset(10) >> const(0.1)",
        300,
        None,
        "pow(0→0.1, 100, power=2) * offset(10) >> 0.1",
    ),
    (
        "exp-decay-run-clock",
        "linear(0→0.1, 10) >> exp_decay(0.1, rate=0.5, every=100) * offset(10)",
        300,
        None,
        "linear(0→0.1, 10) >> exp_decay(0.1, rate=0.5, every=100) * offset(10)",
    ),
    (
        "step-run-clock",
        "linear(0→0.1, 20) >> step(0.1, gamma=0.5, every=100) * offset(20)",
        400,
        None,
        "linear(0→0.1, 20) >> step(0.1, gamma=0.5, every=100) * offset(20)",
    ),
    (
        "multistep-run-clock",
        "warmup(linear, 5ep) >> multistep(0.1, at=[30ep, 80ep]) * offset(5ep)",
        1000,
        10,
        "linear(0→0.1, 50) >> multistep(0.1, gamma=0.1, at=[300, 800]) * offset(50)",
    ),
    ("exp-inclusive", "exp(0.1→0.001, 100, inclusive=true)", 100, None, "exp(0.1→1e-3, inclusive=true)"),
    (
        "exp-inclusive-after-warmup",
        "linear(0→1, 10) >> exp(1→0.01, 100, inclusive=true)",
        110,
        None,
        "linear(0→1, 10) >> exp(1→0.01, inclusive=true)",
    ),
]


@pytest.mark.parametrize(("cid", "expr", "steps", "spe", "want"), AHEAD_FORMS, ids=[c[0] for c in AHEAD_FORMS])
def test_clocks_ahead_and_the_geometric_form_round_trip(
    cid: str, expr: str, steps: int, spe: float | None, want: str
) -> None:
    test_v3_forms_round_trip(cid, expr, steps, spe, want)


def test_a_plain_reading_of_the_same_curve_still_wins_when_it_is_plain() -> None:
    """``linear`` and ``poly`` on the run's clock are a plain ``linear`` and ``poly`` from where they start;
    ``exp`` over its own length is an ``exp_decay`` of round numbers (each as short as the other form)."""
    got = lrdsl.fit(lrdsl.evaluate("linear(0→0.1, 10) >> linear(0.1→0, 100) * offset(10)", 100)).expr
    assert got == "linear(0→0.1, 10) >> linear(0.09→0)"
    got = lrdsl.fit(lrdsl.evaluate("linear(0→0.1, 10) >> poly(0.1→0, 200, power=2) * offset(10)", 200)).expr
    assert got == "linear(0→0.1, 10) >> poly(0.09025→0, power=2)"
    assert lrdsl.fit(lrdsl.evaluate("exp(0.1→0.001, 100)", 100)).expr == "exp_decay(0.1, rate=0.1, every=50)"
