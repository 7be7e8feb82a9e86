"""``lrdsl fit`` on curves no schedule made: noise, extreme magnitudes, a phase no family names, a spent budget.

It never raises anything but :class:`lrdsl.LrdslError`, never prints numpy's warnings, and when one
phase has no named shape it returns the others exactly and names the span.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lrdsl
from tests.conftest import run_cli

TINY, HUGE = 5e-324, 1e308


@pytest.mark.parametrize(
    "values",
    [
        np.random.default_rng(2).random(300) + 0.1,
        np.random.default_rng(3).random(100_000),
        np.full(10, TINY),
        np.array([TINY, 0.0, TINY, 1e-320] * 5),
        np.full(10, HUGE),
        np.array([HUGE, -HUGE, HUGE] * 5),
        np.exp(np.linspace(0, 700, 100)),
        np.exp(-np.linspace(0, 740, 100)),
        np.r_[np.exp(np.linspace(0, 600, 50)), np.exp(np.linspace(0, 600, 50))],
        np.array([3.4028235677973366e38]),  # beyond float32's largest: no float32 recording
    ],
    ids=[
        "noise-300",
        "noise-1e5",
        "subnormal",
        "subnormal-mixed",
        "1e308",
        "pm1e308",
        "exp-up",
        "exp-down",
        "exp-twice",
        "beyond-float32",
    ],
)
def test_curves_no_schedule_made_fit_without_error_or_warning(values: np.ndarray) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = lrdsl.fit(values)
    assert np.isfinite(got.max_error)
    if got.exact:
        np.testing.assert_allclose(lrdsl.evaluate(got.expr, values.size), values, rtol=1e-11, atol=0)
    else:
        assert got.max_error > 0 and got.first_departure is not None


def test_extreme_constants_fit_exactly() -> None:
    assert lrdsl.fit(np.full(10, TINY)).expr == "5e-324"
    assert lrdsl.fit(np.full(10, HUGE)).expr == "1e308"


def test_noise_is_one_unmatched_span() -> None:
    got = lrdsl.fit(np.random.default_rng(2).random(300) + 0.1)
    assert not got.exact and got.unmatched == ((0, 299),)


def test_a_phase_without_a_family_leaves_the_others_exact() -> None:
    """``0.01·p^2.5`` is no named shape: the cosine after it and the held end are found, the span named."""
    values = lrdsl.evaluate("fn(0.01 * p ** 2.5, 100) >> cosine(0.01→5e-4, 800)", 1000)
    got = lrdsl.fit(values)
    assert not got.exact and got.unmatched == ((0, 99),)
    assert got.expr.startswith("linear(0→0.01, 100) >> cosine(0.01→5e-4, "), got.expr
    np.testing.assert_allclose(lrdsl.evaluate(got.expr, 1000)[100:], values[100:], rtol=1e-11)


def test_a_spent_budget_never_calls_an_exact_expression_inexact() -> None:
    """With no time to search, the cover's line is checked: a line reproduces a line."""
    values = lrdsl.evaluate("linear(0.1→1e-3)", 500)
    got = lrdsl.fit(values, budget=1e-9)
    assert got.exact and got.expr == "linear(0.1→1e-3)" and got.max_error < 1e-15


def test_cli_reproducers(tmp_path: Path) -> None:
    a, q = str(tmp_path / "a.npy"), str(tmp_path / "q.npy")
    expr = "const(1e-6, 1ep) >> (linear(1e-6→1e-3, 5ep) >> cosine(1e-3→1e-5, 300ep) * offset(5ep)) * quantize(1ep)"
    assert (
        run_cli("eval", expr, "--steps", "300ep", "--steps-per-epoch", "7", "--format", "npy", "-o", a).returncode == 0
    )
    proc = run_cli("fit", a, "--steps-per-epoch", "7")
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    fitted = "(const(1e-6, 1ep) >> linear(1e-6→1e-3, 5ep) >> cosine(1e-3→1e-5, 300ep) * offset(5ep)) * quantize(1ep)"
    assert proc.stdout == fitted + "\n"
    expr = "fn(0.01 * p ** 2, 100) >> cosine(0.01→5e-4, 800)"  # the issue's: the cosine was lost
    assert run_cli("eval", expr, "--steps", "1000", "--format", "npy", "-o", q).returncode == 0
    proc = run_cli("fit", q)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert proc.stdout == "pow(0→0.01, 100, power=2) >> cosine(0.01→5e-4, 800) >> 5e-4\n"  # p² is a pow ramp
    expr = "fn(0.01 * p ** 2.5, 100) >> cosine(0.01→5e-4, 800)"
    assert run_cli("eval", expr, "--steps", "1000", "--format", "npy", "-o", q).returncode == 0
    proc = run_cli("fit", q)
    assert proc.returncode == 1 and proc.stderr == "", proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("linear(0→0.01, 100) >> cosine(0.01→5e-4, ")
    assert lines[2] == "steps 0–99: no named shape (written as the line between its ends)"


FINITE = st.floats(allow_nan=False, allow_infinity=False)
EXTREMES = st.sampled_from(
    [0.0, TINY, -TINY, 1e-300, HUGE, -HUGE, 1.0, 0.1, -0.1, 2.0**-1074 * 3, 3.4028235677973366e38, 1e-45]
)


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(FINITE, EXTREMES, st.floats(0, 1)), min_size=1, max_size=30))
def test_fit_raises_nothing_but_lrdsl_errors(values: list[float]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            got = lrdsl.fit(values)
        except lrdsl.LrdslError:
            return
    assert np.isfinite(got.max_error) and got.max_error >= 0
    assert got.exact == (got.first_departure is None)
