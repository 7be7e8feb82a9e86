"""LANGUAGE.md §9.4: periods and marks are the exact rationals of their decimal text, never rounded.

Interval ``k`` of a period ``e`` begins at the first whole step ``u ≥ k·e``; a mark ``m`` changes the
value at the first whole step ``u ≥ m``; ``quantize(q)`` takes its body at the exact time ``k·q``.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lrdsl
from lrdsl.api import generate
from tests.frameworks import load, need


def drops(expr: str, steps: int, spe: float | None = None) -> list[int]:
    """The steps whose value differs from the step before."""
    values = lrdsl.evaluate(expr, steps, spe)
    return [int(t) for t in np.flatnonzero(np.diff(values)) + 1]


def test_a_fractional_staircase_drops_where_keras_does() -> None:
    """Keras ``ExponentialDecay(decay_steps=12009.6, staircase=True)`` drops at 12010, 24020, 36029."""
    expr = "exp_decay(1, rate=0.5, every=12009.6, staircase=true)"
    assert lrdsl.evaluate(expr, 100000, steps=[36028, 36029]).tolist() == [0.25, 0.125]
    assert drops(expr, 50000) == [12010, 24020, 36029, 48039]
    keras = need("keras")
    schedule = keras.optimizers.schedules.ExponentialDecay(1.0, 12009.6, 0.5, staircase=True)
    want = [float(schedule(t)) for t in (12009, 12010, 24019, 24020, 36028, 36029)]
    got = lrdsl.evaluate(expr, 100000, steps=[12009, 12010, 24019, 24020, 36028, 36029]).tolist()
    assert got == want


def test_epochs_resolve_exactly() -> None:
    """``2.2ep`` at 25 steps per epoch is 55 (not 55.00000000000001): a restart's second cycle starts at 55."""
    assert drops("step(1, every=2.2ep)", 200, 25) == [55, 110, 165]
    assert drops("step(1, every=2.2)", 35)[-3:] == [29, 31, 33]  # float64: 33 / 2.2 < 15
    restarted = lrdsl.evaluate("linear(1→0) * restart(period=2.2ep)", 200, 25, steps=[54, 55, 56])
    assert restarted[1] == 1.0 and restarted[0] < restarted[1]


def test_marks_at_fractional_epochs() -> None:
    """A mark at 7.4 steps (rounded to 7 in v2) changes the value at step 8; ``1.48ep`` at 5 is 7.4 too."""
    assert drops("multistep(1, at=[7.4, 4.04ep])", 200, 25) == [8, 101]
    assert drops("piecewise([1, 2, 3], at=[3.3, 1.48ep])", 20, 5) == [4, 8]


def test_quantize_takes_the_exact_time() -> None:
    """``quantize(2.5)`` holds the body's value at 0, 2.5, 5, 7.5, … (v2 rounded the interval to 2)."""
    values = lrdsl.evaluate("linear(0→100, 100) * quantize(2.5)", 100, steps=[0, 2, 3, 4, 5, 7, 8])
    assert values.tolist() == [0.0, 0.0, 2.5, 2.5, 5.0, 5.0, 7.5]
    at_end = lrdsl.evaluate("linear(0→100, 100) * quantize(2.5, at=end)", 100, steps=[0, 2, 3])
    assert at_end.tolist() == [2.5, 2.5, 5.0]


def test_recur_every_fractional_period() -> None:
    """``recur(…, every=2.5)``: interval ``k`` starts at ``⌈2.5·k⌉``: steps 0, 3, 5, 8, 10."""
    values = lrdsl.evaluate("recur(lr * 0.5, every=2.5, from=1)", 11)
    assert (-np.log2(values)).tolist() == [1, 1, 1, 2, 2, 3, 3, 3, 4, 4, 5]


def test_a_restart_period_in_epochs_is_exact() -> None:
    """Inside a restart body periods were never rounded; ``2.2ep`` is now exactly 55 there too."""
    expr = "step(1, gamma=0.5, every=2.2ep) * restart(period=4.4ep)"
    assert drops(expr, 300, 25) == [55, 110, 165, 220, 275]


def test_explain_shows_the_exact_drop_steps() -> None:
    text = lrdsl.parse("exp_decay(1, rate=0.5, every=12009.6, staircase=true)").bind(total_steps=40000).explain()
    rows = [line.split()[:2] for line in text.splitlines() if "drop" in line]
    assert rows == [["12010", "12010"], ["24020", "24020"], ["36029", "36029"]]


def test_float32_targets_refuse_a_period_they_cannot_place_exactly() -> None:
    expr = "exp_decay(1, rate=0.5, every=12345.678901, staircase=true)"
    for target in ("optax", "keras"):
        with pytest.raises(lrdsl.LrdslError, match="no exact change steps in float32 code"):
            generate(expr, target, 1000)
    lr = load(generate(expr, "python", 20000), "exact_python").lr
    assert lr(12345) == 1.0 and lr(12346) == 0.5


DECIMALS = st.builds(
    lambda whole, digits, places: f"{whole}.{digits:0{places}d}" if places else str(whole),
    st.integers(1, 60),
    st.integers(0, 999),
    st.integers(0, 3),
)


@settings(max_examples=40, deadline=None)
@given(period=DECIMALS, spe=st.sampled_from([None, 3, 7.5, 25]))
def test_change_steps_are_the_exact_rational_reference(period: str, spe: float | None) -> None:
    """For a random decimal period (in steps or epochs), the value at each step is ``0.5**⌊u/e⌋`` with
    ``e`` the exact rational, in the interpreter and in generated Python code."""
    e = Fraction(period) * (Fraction(str(spe)) if spe is not None else 1)
    expr = f"step(1, gamma=0.5, every={period}{'ep' if spe is not None else ''})"
    n = 400
    want = [0.5 ** ((u * e.denominator) // e.numerator) for u in range(n)]
    assert lrdsl.evaluate(expr, n, spe).tolist() == want
    lr = load(generate(expr, "python", n, spe), "property_python").lr
    assert [lr(u) for u in range(n)] == want


@settings(max_examples=60, deadline=None)
@given(
    times=st.lists(st.floats(0, 1e7, allow_nan=False) | st.integers(0, 10**9).map(float), min_size=1, max_size=50),
    period=st.fractions(Fraction(1, 1000), 10**6, max_denominator=10**7),
    shift=st.sampled_from([0.0, 0.5, 0.25, 1 / 3]),
)
def test_the_vectorized_quotient_is_exact(times: list[float], period: Fraction, shift: float) -> None:
    """``ir.floor_divs`` (the interpreter's ``⌊x/e⌋``) equals the exact integer quotient for any float time:
    whole steps, fractional local times (offsets, restart bodies) and times on an interval's start."""
    from lrdsl import ir

    if period <= 0:
        return
    x = np.array([t + shift for t in times] + [float(k * period) for k in range(1, 6)])
    want = [float(ir.floor_div(float(v), period)) for v in x]
    assert ir.floor_divs(x, period).tolist() == want
