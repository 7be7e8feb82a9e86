"""Optax's own expected values, run through ``lrdsl.from_optax``.

Every case is read from Optax's published schedule tests, ``optax/schedules/_schedule_test.py`` of
github.com/google-deepmind/optax (the class and test named in each row): the schedule it builds, the counts it
calls it at and the values it expects, with that test's tolerance. Each schedule is imported (recognised and
checked against Optax itself over the run) and the expression evaluated at those counts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import lrdsl
from tests.frameworks import need

pytestmark = pytest.mark.frameworks


def _stair(count: int, every: int, staircase: bool) -> float:
    return float(np.floor(count / every)) if staircase else count / every


def _exponential(staircase: bool, begin: int) -> list[float]:
    """``ExponentialTest.test_exponential``: init 1, transition_steps 2, rate 2, 15 steps after ``begin``."""
    return [1.0] * begin + [2.0 ** _stair(c, 2, staircase) for c in range(15)]


def _end_value(rate: float, end: float, staircase: bool) -> list[float]:
    """``ExponentialTest.test_end_value_with_staircase``: begin 3, transition_steps 2, 11 steps, clipped at ``end``."""
    values = [1.0] * 3 + [rate ** _stair(c, 2, staircase) for c in range(11)]
    return [max(v, end) if rate < 1 else min(v, end) for v in values]


def _cos(fracs: list[float], alpha: float = 0.0) -> list[float]:
    return [0.1 * ((1 - alpha) * (0.5 + 0.5 * np.cos(np.pi * f)) + alpha) for f in fracs]


Make = Callable[[Any], Any]


def _call(name: str, *args: Any, **kwargs: Any) -> Make:
    """``optax.<name>(*args, **kwargs)``, built when the test runs."""
    return lambda o: getattr(o, name)(*args, **kwargs)


# (Optax's test, schedule, counts, expected values, atol, rtol)
CASES: list[tuple[str, Make, list[int], list[float], float, float]] = [
    ("ConstantTest.test_constant", lambda o: o.constant_schedule(10), list(range(15)), [10.0] * 15, 1e-3, 0),
    ("PolynomialTest.test_linear", lambda o: o.polynomial_schedule(init_value=10.0, end_value=20.0, power=1, transition_steps=10),
     list(range(15)), [*range(10, 20), *[20] * 5], 1e-3, 0),
    *[(f"PolynomialTest.test_zero_steps_schedule[{n}]",
       _call("polynomial_schedule", init_value=10.0, end_value=20.0, power=1, transition_steps=n),
       list(range(15)), [10.0] * 15, 0, 1e-7) for n in (-1, 0)],
    ("PolynomialTest.test_nonlinear", lambda o: o.polynomial_schedule(init_value=25.0, end_value=10.0, power=2, transition_steps=10),
     list(range(15)), [10.0 + 15.0 * (1.0 - n / 10) ** 2 for n in range(10)] + [10] * 5, 1e-3, 0),
    ("PolynomialTest.test_with_decay_begin", lambda o: o.polynomial_schedule(
        init_value=30.0, end_value=10.0, power=2, transition_steps=10, transition_begin=4),
     list(range(20)), [30.0] * 4 + [10.0 + 20.0 * (1.0 - n / 10) ** 2 for n in range(10)] + [10] * 6, 1e-3, 0),
    ("PiecewiseConstantTest.test_positive", lambda o: o.piecewise_constant_schedule(0.1, {3: 2.0, 6: 0.5}),
     list(range(10)), [0.1, 0.1, 0.1, 0.2, 0.2, 0.2, 0.1, 0.1, 0.1, 0.1], 1e-3, 0),
    ("PiecewiseConstantTest.test_negative", lambda o: o.piecewise_constant_schedule(-0.1, {3: 2.0, 6: 0.5}),
     list(range(10)), [-0.1, -0.1, -0.1, -0.2, -0.2, -0.2, -0.1, -0.1, -0.1, -0.1], 1e-3, 0),
    *[(f"ExponentialTest.test_constant_schedule[{st}]",
       _call("exponential_decay", init_value=1.0, transition_steps=15, decay_rate=1.0, staircase=st),
       list(range(15)), [1.0] * 15, 1e-3, 0) for st in (False, True)],
    *[(f"ExponentialTest.test_nonvalid_transition_steps[{st}, {n}]",
       _call("exponential_decay", init_value=1.0, transition_steps=n, decay_rate=1.0, staircase=st),
       list(range(15)), [1.0] * 15, 0, 1e-7) for st in (False, True) for n in (-1, 0)],
    *[(f"ExponentialTest.test_nonvalid_decay_rate[{st}]",
       _call("exponential_decay", init_value=1.0, transition_steps=2, decay_rate=0.0, staircase=st),
       list(range(15)), [1.0] * 15, 0, 1e-7) for st in (False, True)],
    *[(f"ExponentialTest.test_exponential[{st}, {b}]",
       _call("exponential_decay",
           init_value=1.0, transition_steps=2, decay_rate=2.0, transition_begin=b, staircase=st),
       list(range(15 + b)), _exponential(st, b), 1e-3, 0)
      for st, b in ((False, 0), (True, 0), (False, 5), (True, 5))],
    *[(f"ExponentialTest.test_end_value_with_staircase[{r}, {e}, {st}]",
       _call("exponential_decay",
           init_value=1.0, transition_steps=2, decay_rate=r, transition_begin=3, staircase=st, end_value=e),
       list(range(14)), _end_value(r, e, st), 1e-3, 0)
      for r, e, st in ((0.2, 0.1, False), (1.0, 0.1, False), (2.0, 3.0, False),
                       (0.2, 0.1, True), (1.0, 0.1, True), (2.0, 3.0, True))],
    ("ExponentialTest.test_immutable_count", lambda o: o.exponential_decay(init_value=32.0, transition_steps=1, decay_rate=0.5),
     list(range(5)), [32, 16, 8, 4, 2], 1e-3, 0),
    ("CosineDecayTest.test_decay_count_smaller_count", lambda o: o.cosine_decay_schedule(0.1, 10, 0.0),
     list(range(10)), _cos([i / 10 for i in range(10)]), 1e-3, 0),
    ("CosineDecayTest.test_decay_count_greater_count", lambda o: o.cosine_decay_schedule(0.1, 5, 0.0),
     list(range(12)), _cos([0.0, 0.2, 0.4, 0.6, 0.8] + [1.0] * 7), 1e-3, 0),
    ("CosineDecayTest.test_decay_count_greater_count_with_alpha", lambda o: o.cosine_decay_schedule(0.1, 5, 0.1),
     list(range(12)), _cos([0.0, 0.2, 0.4, 0.6, 0.8] + [1.0] * 7, alpha=0.1), 1e-3, 0),
    ("CosineDecayTest.test_with_exponent", lambda o: o.cosine_decay_schedule(init_value=0.1, decay_steps=100, alpha=0.0, exponent=2),
     [0, 10, 50, 75, 100], [0.1, 0.09516553580760956, 0.025, 0.0021446612663567066, 0.0], 1e-8, 1e-6),
    ("CosineDecayTest.test_with_giant_int_steps", lambda o: o.cosine_decay_schedule(
        init_value=1000.0, decay_steps=int(1e10), alpha=0.0, exponent=1),
     [int(1e9)], [975.52826], 0, 1e-7),
    ("WarmupCosineDecayTest.test_limits[with end value]", lambda o: o.warmup_cosine_decay_schedule(
        init_value=10, peak_value=0.5, warmup_steps=100, decay_steps=1000, end_value=1e-4),
     [0, 100, 1000], [10, 0.5, 1e-4], 0, 1e-3),
    ("WarmupCosineDecayTest.test_limits[without end value]", lambda o: o.warmup_cosine_decay_schedule(
        init_value=5, peak_value=3, warmup_steps=100, decay_steps=1000, end_value=0.0),
     [0, 100, 1000], [5, 3, 0.0], 0, 1e-3),
    ("WarmupCosineDecayTest.test_with_exponent", lambda o: o.warmup_cosine_decay_schedule(
        init_value=0.2, peak_value=1.21, end_value=-3.0, warmup_steps=50, decay_steps=100, exponent=2),
     [0, 10, 50, 75, 100], [0.20000004768371582, 0.4020000100135803, 1.2100000381469727, -1.947500228881836,
                            -3.000000238418579], 1e-8, 1e-6),
    ("WarmupCosineDecayTest.test_zero_peak_value", lambda o: o.warmup_cosine_decay_schedule(
        init_value=0.2, peak_value=0, end_value=-3.0, warmup_steps=50, decay_steps=100, exponent=2),
     [0, 10, 50, 75, 100], [0.2, 0.16, 0.0, 0.0, 0.0], 1e-8, 1e-6),
    *[(f"SGDRTest.test_limits[{lrs}]",
       _call("sgdr_schedule", [
           {"decay_steps": int(s), "peak_value": lr, "init_value": 0, "end_value": 0.0, "warmup_steps": 500}
           for s, lr in zip([2e3, 3e3, 5e3], lrs, strict=True)]),
       [500, 2500, 5500], list(lrs), 0, 1e-7) for lrs in ((1.6, 0.8, 0.4), (1.6, 1.6, 1.6))],
    ("PiecewiseInterpolateTest.test_linear_piecewise", lambda o: o.piecewise_interpolate_schedule("linear", 200.0, {5: 1.5, 10: 0.25}),
     list(range(13)), [200.0, 220.0, 240.0, 260.0, 280.0, 300.0, 255.0, 210.0, 165.0, 120.0, 75.0, 75.0, 75.0], 1e-3, 0),
    ("PiecewiseInterpolateTest.test_cos_piecewise", lambda o: o.piecewise_interpolate_schedule("cosine", 400.0, {5: 1.2, 3: 0.6, 7: 1.0}),
     list(range(9)), [400.0, 360.0, 280.0, 240.0, 264.0, 288.0, 288.0, 288.0, 288.0], 1e-3, 0),
    ("PiecewiseInterpolateTest.test_empty_dict", lambda o: o.piecewise_interpolate_schedule("linear", 13.0, {}),
     list(range(5)), [13.0] * 5, 1e-3, 0),
    ("PiecewiseInterpolateTest.test_no_dict", lambda o: o.piecewise_interpolate_schedule("cosine", 17.0),
     list(range(3)), [17.0] * 3, 1e-3, 0),
    ("OneCycleTest.test_linear", lambda o: o.linear_onecycle_schedule(
        transition_steps=10, peak_value=1000, pct_start=0.3, pct_final=0.7, div_factor=10.0, final_div_factor=100.0),
     list(range(12)), [100.0, 400.0, 700.0, 1000.0, 775.0, 550.0, 325.0, 100.0, 67.0, 34.0, 1.0, 1.0], 1e-3, 0),
    ("OneCycleTest.test_cosine", lambda o: o.cosine_onecycle_schedule(
        transition_steps=5, peak_value=1000.0, pct_start=0.4, div_factor=10.0, final_div_factor=100.0),
     list(range(7)), [100.0, 550.0, 1000.0, 750.25, 250.75, 1.0, 1.0], 1e-3, 0),
]  # fmt: skip


@pytest.mark.parametrize(("name", "make", "counts", "want", "atol", "rtol"), CASES, ids=[c[0] for c in CASES])
def test_optax_expected_values(
    name: str, make: Make, counts: list[int], want: list[float], atol: float, rtol: float
) -> None:
    schedule = make(need("optax"))
    total = max(counts) + 1
    expr = lrdsl.from_optax(schedule, total_steps=total)
    got = lrdsl.evaluate(expr, total, steps=counts)
    # Optax computes in float32: its expected values hold to float32's rounding, and so does the expression
    np.testing.assert_allclose(got, want, atol=atol, rtol=max(rtol, 2e-6), err_msg=expr)
