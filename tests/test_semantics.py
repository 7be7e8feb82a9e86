"""Hand-computed values at phase boundaries b−1, b, b+1, after the end, and up to 1e9 steps."""

from __future__ import annotations

import math

import numpy as np
import pytest

import lrdsl

CASES: list[tuple[str, int | None, float | None, dict[int, float]]] = [
    # expression, total, steps/epoch, {step: value}
    ("linear(0→1, 100)", None, None, {0: 0.0, 1: 0.01, 99: 0.99, 100: 1.0, 10**9: 1.0}),
    ("cosine(1→0, 100)", None, None, {0: 1.0, 50: 0.5, 99: (1 + math.cos(math.pi * 0.99)) / 2, 100: 0.0, 10**9: 0.0}),
    ("exp(1→0.01, 100)", None, None, {0: 1.0, 50: 0.1, 100: 0.01, 10**9: 0.01}),
    ("poly(1→0, 100, power=2)", None, None, {50: 0.25, 99: 1e-4, 100: 0.0}),
    (
        "poly(1→0, 100, power=1, cycle=true)",
        1000,
        None,
        {99: 0.01, 100: 0.0, 101: 1 - 101 / 200, 200: 0.0, 201: 1 - 201 / 300},
    ),
    ("step(1, gamma=0.5, every=10)", 100, None, {9: 1.0, 10: 0.5, 11: 0.5, 99: 0.5**9, 100: 0.5**10, 10**9: 0.5**10}),
    (
        "multistep(1, 100, gamma=0.1, at=[30, 60])",
        None,
        None,
        {29: 1.0, 30: 0.1, 31: 0.1, 59: 0.1, 60: 0.01, 10**9: 0.01},
    ),
    ("exp_decay(1, 100, rate=0.5, every=10)", None, None, {5: 0.5**0.5, 10: 0.5, 100: 0.5**10}),
    ("exp_decay(1, 100, rate=0.5, every=10, staircase=true)", None, None, {9: 1.0, 10: 0.5, 15: 0.5, 20: 0.25}),
    ("inverse_time(1, 100, decay=1, every=10)", None, None, {0: 1.0, 10: 0.5, 30: 0.25}),
    ("inverse_time(1, 100, decay=1, every=10, staircase=true)", None, None, {9: 1.0, 10: 0.5, 19: 0.5}),
    ("rsqrt(1, 100, warmup=4)", None, None, {0: 1.0, 4: 1.0, 16: 0.5, 100: 0.2}),
    ("fn(0.5 * (1 + cos(pi * p)), 100)", None, None, {0: 1.0, 50: 0.5, 100: 0.0}),
    ("fn(t / 100 + e, 100)", None, 10, {0: 0.0, 50: 0.5 + 5, 100: 1.0 + 10, 10**9: 11.0}),
    ("const(1, 10) >> fn(t, 10)", None, None, {9: 1.0, 10: 10.0, 15: 15.0, 20: 20.0, 25: 20.0}),
    ("recur(lr * 0.5, 10, every=2, from=1)", None, None, {0: 0.5, 1: 0.5, 2: 0.25, 9: 0.5**5, 10: 0.5**6}),
    ("linear(0→1, 10) >> hold(10)", None, None, {9: 0.9, 10: 1.0, 15: 1.0, 25: 1.0}),
    ("linear(0→1, 10) >> cosine(→0, 10)", None, None, {10: 1.0, 15: 0.5, 20: 0.0}),
    ("warmup(linear, 10) >> const(2, 10)", None, None, {0: 0.0, 5: 1.0, 9: 1.8, 10: 2.0}),
    ("warmup(cosine, 10, from=1) >> const(3, 10)", None, None, {0: 1.0, 5: 2.0, 10: 3.0}),
    ("warmup(exp, 10, from=1) >> const(100, 10)", None, None, {5: 10.0, 10: 100.0}),
    ("warmup(poly, 10) >> const(1, 10)", None, None, {5: 0.75, 10: 1.0}),
    ("warmup(linear, 1ep) >> cosine(1→0)", 30, 10, {5: 0.5, 10: 1.0, 20: 0.5, 30: 0.0}),
    ("const(1) >> const(2) >> const(3)", 10, None, {2: 1.0, 3: 2.0, 6: 2.0, 7: 3.0, 10: 3.0}),
    ("const(1, 10) >> const(2, 10)", 15, None, {9: 1.0, 10: 2.0, 14: 2.0, 15: 2.0, 10**9: 2.0}),
    ("linear(0→1, 100) >> const(5)", 50, None, {49: 0.49, 50: 0.5, 10**9: 0.5}),
    ("linear(0→1, 50%) >> const(1)", 200, None, {50: 0.5, 100: 1.0}),
    ("linear(1→0, 10) * restart()", 30, None, {9: 0.1, 10: 1.0, 11: 0.9, 29: 0.1, 30: 0.0, 10**9: 0.0}),
    (
        "linear(1→0, 10) * restart(mult=2, decay=0.5)",
        70,
        None,
        {9: 0.1, 10: 0.5, 29: 0.5 * 0.05, 30: 0.25, 69: 0.25 * (1 / 40)},
    ),
    ("linear(1→0, 10) * restart(mult=2, cycles=2)", 100, None, {29: 0.05, 30: 0.0, 10**9: 0.0}),
    (
        "linear(1→0) * restart(period=10, mult=1.5)",
        100,
        None,
        {24: 1 - 14 / 15, 25: 1.0, 47: 1 - 22 / 22.5, 48: 1 - 0.5 / 33.75},
    ),
    ("linear(1→0) * repeat(4)", 40, None, {9: 0.1, 10: 1.0, 39: 0.1, 40: 0.0}),
    (
        "(warmup(linear, 10%) >> const(1)) * restart(period=100, mult=2)",
        300,
        None,
        {5: 0.5, 100: 0.0, 110: 0.5, 120: 1.0},
    ),
    (
        "linear(1→0) * restart(period=7)",
        10**9 + 1,
        None,
        {7 * 142857142: 1.0, 7 * 142857142 - 1: 1 / 7, 10**9: 1 - 6 / 7},
    ),
    (
        "linear(1→0) * restart(period=1, mult=2)",
        2**30,
        None,
        {2**29 - 1: 1.0, 2**29 - 2: 2.0**-28, 2**29: 1 - 2.0**-29},
    ),
    ("linear(0→1, 100) * quantize(10)", None, None, {9: 0.0, 10: 0.1, 19: 0.1, 99: 0.9, 100: 1.0}),
    ("linear(0→1, 100) * quantize(10, at=end)", None, None, {0: 0.1, 9: 0.1, 10: 0.2, 95: 1.0}),
    ("linear(0→1, 95) * quantize(10, at=end)", None, None, {89: 90 / 95, 90: 1.0, 94: 1.0}),
    ("onecycle(1, 100, pct=0.3, anneal=linear)", None, None, {0: 0.04, 29: 1.0, 99: 0.04 / 1e4, 10**9: 0.04 / 1e4}),
    ("cyclic(1→2, half=5)", 30, None, {0: 1.0, 5: 2.0, 7: 1.6, 10: 1.0, 15: 2.0}),
    ("cyclic(1→2, half=5, mode=triangular2)", 30, None, {5: 2.0, 15: 1.5, 25: 1.25}),
    ("cyclic(1→2, half=5, mode=exp_range, gamma=0.9)", 30, None, {5: 1 + 0.9**5, 15: 1 + 0.9**15}),
    ("wsd(1, warmup=10, decay=10)", 100, None, {5: 0.5, 10: 1.0, 50: 1.0, 90: 1.0, 95: 0.5, 100: 0.0}),
    ("min(linear(0→1, 100), 0.5)", None, None, {20: 0.2, 80: 0.5}),
    ("max(linear(1→0, 100), 0.25)", None, None, {20: 0.8, 80: 0.25}),
    ("linear(0→1, 50) + linear(0→1, 100)", None, None, {50: 1.5, 100: 2.0}),
    ("cosine(1→0, 100) / 2 - 0.1", None, None, {0: 0.4, 100: -0.1}),
    ("cosine(3e-4 / 10→0, 100)", None, None, {0: 3e-5}),
    (
        "512 ** -0.5 * min(linear(0→1, 4000), rsqrt(1, warmup=4000))",
        10000,
        None,
        {2000: 512**-0.5 * 0.5, 4000: 512**-0.5, 9000: 512**-0.5 * math.sqrt(4000 / 9000)},
    ),
]


@pytest.mark.parametrize(("expr", "total", "spe", "points"), CASES, ids=[c[0] for c in CASES])
def test_values(expr: str, total: int | None, spe: float | None, points: dict[int, float]) -> None:
    steps = np.array(sorted(points), dtype=np.int64)
    got = lrdsl.evaluate(expr, total_steps=total, steps_per_epoch=spe, steps=steps)
    want = np.array([points[int(s)] for s in steps])
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    shuffled = lrdsl.evaluate(expr, total_steps=total, steps_per_epoch=spe, steps=steps[::-1])
    # The order of the steps does not matter (to 1e-12: ordered and scattered steps take different float paths).
    np.testing.assert_allclose(shuffled[::-1], got, rtol=1e-12, atol=0)


def test_full_run_equals_pointwise() -> None:
    expr = "warmup(linear, 5ep) >> cosine(0.1→1e-6) * restart(mult=2)"
    full = lrdsl.evaluate(expr, total_steps=5000, steps_per_epoch=50)
    some = np.array([0, 249, 250, 928, 929, 2285, 2286, 4999])
    np.testing.assert_allclose(full[some], lrdsl.evaluate(expr, 5000, 50, steps=some), rtol=1e-14, atol=0)


def test_restart_boundaries_fractional_cycle_are_exact() -> None:
    # 4750 steps, 3 cycles of 4750/7·2ⁱ: boundaries at 250 + 678.57… and 250 + 2035.71…
    expr = "warmup(linear, 5ep) >> cosine(0.1→1e-6) * restart(mult=2)"
    lr = lrdsl.evaluate(expr, total_steps=5000, steps_per_epoch=50)
    assert lr[928] < 1e-5 < 0.0999 < lr[929]
    assert lr[2285] < 1e-5 < 0.0999 < lr[2286]


def test_schedule_without_total_runs_its_own_length() -> None:
    assert lrdsl.evaluate("linear(0→1, 10) >> const(1, 5)").shape == (15,)


def test_params_bind_by_name() -> None:
    lr = lrdsl.evaluate("cosine($peak→$peak / 100, 100)", params={"peak": 2.0}, steps=[0, 100])
    np.testing.assert_allclose(lr, [2.0, 0.02])


def test_zero_total_is_empty() -> None:
    assert lrdsl.evaluate("cosine(1→0)", total_steps=0).shape == (0,)


@pytest.mark.parametrize(
    ("text", "kwargs"),
    [
        ("const(1, 5ep) >> cosine(1→0)", {"steps_per_epoch": 10}),
        ("const(1, $n) >> cosine(1→0)", {"params": {"n": 3}}),
    ],
)
def test_missing_total_is_reported_at_the_flexible_phase(text: str, kwargs: dict[str, object]) -> None:
    with pytest.raises(lrdsl.LrdslError) as info:
        lrdsl.evaluate(text, **kwargs)  # type: ignore[arg-type]
    assert info.value.message == "this schedule has a flexible phase and no total"
    assert info.value.column == text.index("cosine") + 1
