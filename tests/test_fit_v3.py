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
