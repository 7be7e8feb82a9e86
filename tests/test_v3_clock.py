"""LANGUAGE.md §9.1–§9.3: late clocks (negative offsets), ramps that include their end, power ramps.

Each expected curve is written as the numpy a training script computes, not as lrdsl.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import lrdsl


def cosine_np(a: float, b: float, d: int, u: np.ndarray) -> np.ndarray:
    out: np.ndarray = b + (a - b) * (1 + np.cos(np.pi * np.minimum(u, d) / d)) / 2
    return out


# -- §9.1 late clocks ----------------------------------------------------------------------------


def test_a_flexible_schedule_one_step_late_keeps_the_span() -> None:
    """Stepped after the update with that update's index: every value one step late, the first held."""
    plain = lrdsl.evaluate("warmup(linear, 20) >> cosine(1e-3→1e-5)", 200)
    late = lrdsl.evaluate("(warmup(linear, 20) >> cosine(1e-3→1e-5)) * offset(-1)", 200)
    assert len(late) == 200
    np.testing.assert_array_equal(late, np.concatenate(([plain[0]], plain[:-1])))


def test_after_its_span_a_late_node_holds_its_end_value() -> None:
    # flexible X: X at d − |n| (its last |n| steps are never reached); explicit X: X's own end
    flexible = lrdsl.evaluate("cosine(1→0) * offset(-3)", 100, steps=[99, 100, 10**9])
    assert flexible[1] == flexible[2] == lrdsl.evaluate("cosine(1→0)", 100, steps=[97])[0]
    assert flexible[0] == lrdsl.evaluate("cosine(1→0)", 100, steps=[96])[0]
    assert lrdsl.evaluate("cosine(1→0, 100) * offset(-3)", steps=[103, 10**9]).tolist() == [0.0, 0.0]


def test_an_explicit_duration_lasts_d_plus_n() -> None:
    got = lrdsl.evaluate("cosine(1→0, 10) * offset(-3)")
    u = np.arange(13)
    np.testing.assert_allclose(got, cosine_np(1, 0, 10, np.maximum(0, u - 3)), rtol=0, atol=1e-15)
    then = lrdsl.evaluate("cosine(1→0, 10) * offset(-3) >> const(7)", 15)
    assert then[12] == pytest.approx(cosine_np(1, 0, 10, np.array([9]))[0]) and then[13] == 7


def test_an_epoch_late_clock_and_a_fractional_one() -> None:
    got = lrdsl.evaluate("multistep(0.1, 30, at=[10, 20]) * offset(-1ep)", steps_per_epoch=5)
    assert len(got) == 35
    np.testing.assert_allclose(got, 0.1 * 0.1 ** np.searchsorted([10, 20], np.maximum(0, np.arange(35) - 5), "right"))
    # n is not rounded: X at max(0, u − 0.5); the node rounds (10.5 → 10, half to even)
    half = lrdsl.evaluate("linear(1→0, 10) * offset(-0.5)")
    np.testing.assert_allclose(half, 1 - np.maximum(0, np.arange(10) - 0.5) / 10, atol=1e-15)


def test_a_warmup_before_a_late_node_aims_at_its_start_value() -> None:
    got = lrdsl.evaluate("warmup(linear, 4) >> linear(1→0, 8) * offset(-2)")
    np.testing.assert_allclose(got[:7], [0, 0.25, 0.5, 0.75, 1, 1, 1])
    assert got[7] == pytest.approx(1 - 1 / 8)


def test_the_held_head_stretches_with_the_restart_cycle() -> None:
    got = lrdsl.evaluate("(linear(0→1, 4) * offset(-1) >> const(0.5, 2)) * restart(mult=2)", 21)
    # cycle 0 (7 steps): held at u < 1; cycle 1 (14 steps) is the body at (u − 7)/2: held while (u − 7)/2 < 1
    np.testing.assert_allclose(got[:7], [0, 0, 0.25, 0.5, 0.75, 0.5, 0.5])
    np.testing.assert_allclose(got[7:10], [0, 0, 0])
    assert got[10] == pytest.approx(0.125)


def test_fn_keeps_the_global_clock_under_a_late_offset() -> None:
    got = lrdsl.evaluate("const(0, 5) >> fn(t, 10) * offset(-2)", steps=[5, 6, 7, 8, 16, 17])
    np.testing.assert_array_equal(got, [7, 7, 7, 8, 16, 17])  # u = 0 of X is global step 7; X ends at u = 10


def test_late_clocks_through_the_generated_python() -> None:
    from lrdsl import generate

    for expr, total in [
        ("(warmup(linear, 20) >> cosine(1e-3→1e-5)) * offset(-1)", 100),
        ("cosine(1→0, 10) * offset(-2.5) >> step(1, gamma=0.5, every=3) * offset(-1ep)", 40),
    ]:
        code = generate(expr, "python", total_steps=total, steps_per_epoch=4)
        space: dict[str, Any] = {}
        exec(compile(code, "<gen>", "exec"), space)
        fn: Callable[[int], float] = next(v for k, v in space.items() if k.startswith("lr") and callable(v))
        want = lrdsl.evaluate(expr, total, steps_per_epoch=4)
        got = [fn(t) for t in range(total)]
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


def test_an_offset_round_trips_through_the_formatter() -> None:
    for text in ["cosine(1→0) * offset(-1)", "cosine(1→0) * offset(-2ep)", "cosine(1→0) * offset(-(2ep - 3))"]:
        once = str(lrdsl.parse(text))
        assert str(lrdsl.parse(once)) == once
        assert lrdsl.parse(once) == lrdsl.parse(text)


def test_only_an_offset_may_be_negative() -> None:
    with pytest.raises(lrdsl.LrdslError, match="non-negative") as info:
        lrdsl.evaluate("const(0.1, -5ep)", steps_per_epoch=2)
    assert "offset" in (info.value.hint or "")


# -- §9.2 inclusive ramps --------------------------------------------------------------------------


def test_inclusive_linear_is_linspace() -> None:
    np.testing.assert_allclose(
        lrdsl.evaluate("linear(0→3e-4, 2000, inclusive=true)"), np.linspace(0, 3e-4, 2000), rtol=1e-12, atol=1e-19
    )


@pytest.mark.parametrize("shape", ["linear", "cosine", "exp", "poly", "pow", "sqrt", "log"])
def test_every_ramp_is_the_shape_over_d_minus_1_then_held(shape: str) -> None:
    inclusive = lrdsl.evaluate(f"{shape}(1→1e-3, 50, inclusive=true) >> const(5)", 60)
    shorter = lrdsl.evaluate(f"{shape}(1→1e-3, 49) >> hold(1) >> const(5)", 60)
    np.testing.assert_array_equal(inclusive, shorter)
    assert inclusive[49] == pytest.approx(1e-3, rel=1e-15) and inclusive[50] == 5


def test_inclusive_log_is_deepspeeds_log_warmup() -> None:
    w = 100  # DeepSpeed WarmupLR(warmup_type="log"): lr · log(t + 1) / log(W) for t < W
    got = lrdsl.evaluate("log(0→0.1, 100, inclusive=true)")
    np.testing.assert_allclose(got, 0.1 * np.log(np.arange(w) + 1) / math.log(w), rtol=1e-12)


def test_an_inclusive_warmup_holds_the_peak_two_steps() -> None:
    w, peak, n = 20, 3e-4, 100
    decay = cosine_np(peak, 0, n - w, np.arange(n - w))
    want = np.concatenate((np.linspace(0, peak, w), decay))
    got = lrdsl.evaluate("warmup(linear, 20, inclusive=true) >> cosine(3e-4→0)", n)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-19)
    # lr·(t+1)/W for t < W: an inclusive warm-up from peak/W
    t = np.arange(w)
    got = lrdsl.evaluate("warmup(linear, 20, from=3e-4 / 20, inclusive=true) >> cosine(3e-4→0)", n)
    np.testing.assert_allclose(got[:w], peak * (t + 1) / w, rtol=1e-12)


def test_a_cosine_over_len_minus_1_intervals() -> None:
    got = lrdsl.evaluate("linear(0→1e-3, 5) >> cosine(1e-3→1e-5, 95, inclusive=true)")
    u = np.arange(95)
    np.testing.assert_allclose(got[5:], 1e-5 + (1e-3 - 1e-5) * (1 + np.cos(np.pi * u / 94)) / 2, rtol=1e-12)


def test_inclusive_in_a_restart_body_with_whole_cycles() -> None:
    got = lrdsl.evaluate("linear(1→0, inclusive=true) * restart(period=5)", 15)
    np.testing.assert_allclose(got, np.tile(np.linspace(1, 0, 5), 3), atol=1e-15)


def test_inclusive_of_no_steps_occupies_none() -> None:
    got = lrdsl.evaluate("linear(0→1, 0, inclusive=true) >> const(2, 3)")
    np.testing.assert_array_equal(got, [2, 2, 2])


@pytest.mark.parametrize(
    ("text", "kwargs", "match"),
    [
        ("linear(0→1, 1%, inclusive=true) >> cosine(1→0)", {"total_steps": 100}, r"1 step \(1% of 100 steps\)"),
        ("warmup(cosine, 1, inclusive=true) >> cosine(1→0, 9)", {}, r"warmup\(\) resolves to 1 step"),
        ("cosine(1→0, 10, inclusive=true) * restart(mult=2)", {"total_steps": 100}, "mult ≠ 1"),
        ("(linear(1→0, 10, inclusive=true) * repeat(2)) * restart(mult=1.5)", {"total_steps": 99}, "mult ≠ 1"),
        ("poly(1→0, 10, cycle=true, inclusive=true)", {"total_steps": 100}, "cycle=true"),
    ],
)
def test_inclusive_refusals(text: str, kwargs: dict[str, int], match: str) -> None:
    with pytest.raises(lrdsl.LrdslError, match=match):
        lrdsl.evaluate(text, **kwargs)  # type: ignore[arg-type]


# -- §9.3 power ramps -----------------------------------------------------------------------------


def test_pow_is_the_yolox_warmup() -> None:
    w, peak = 50, 0.01  # YOLOX: lr · (iters / warmup_total_iters) ** 2
    got = lrdsl.evaluate("warmup(pow, 50) >> cosine(0.01→0, 100)")
    np.testing.assert_allclose(got[:w], peak * (np.arange(w) / w) ** 2, rtol=1e-12, atol=1e-20)
    cubic = lrdsl.evaluate("pow(0→1, 10, power=3)")
    np.testing.assert_allclose(cubic, (np.arange(10) / 10) ** 3, atol=1e-16)
    k = lrdsl.evaluate("warmup(pow, 10, power=0.5) >> const(1)", 11)
    np.testing.assert_allclose(k[:10], lrdsl.evaluate("sqrt(0→1, 10)"), rtol=1e-15, atol=1e-16)


def test_pow_decays_to_its_end_exactly() -> None:
    got = lrdsl.evaluate("pow(1→1e-4, 20, power=1.5) >> const(0)", 21)
    np.testing.assert_allclose(got[:20], 1 + (1e-4 - 1) * (np.arange(20) / 20) ** 1.5, rtol=1e-13)
    assert lrdsl.evaluate("pow(1→1e-4, 20, power=1.5)", steps=[20, 25]).tolist() == [1e-4, 1e-4]


def test_pow_and_poly_curve_opposite_ways() -> None:
    slow = lrdsl.evaluate("pow(0→1, 10)", steps=[5])[0]
    fast = lrdsl.evaluate("poly(0→1, 10)", steps=[5])[0]
    assert slow == pytest.approx(0.25) and fast == pytest.approx(0.75)


def test_pow_takes_parameters_and_round_trips() -> None:
    got = lrdsl.evaluate("pow(0→$peak, 10, power=$k)", params={"peak": 2.0, "k": 3.0})
    np.testing.assert_allclose(got, 2 * (np.arange(10) / 10) ** 3, atol=1e-15)
    for text in ["pow(0→1, 10, power=3, inclusive=true)", "warmup(pow, 5, power=1.5, inclusive=true) >> const(1)"]:
        assert str(lrdsl.parse(text)) == text


@pytest.mark.parametrize(
    ("text", "match", "hint"),
    [
        ("pow(2, 3)", "not a math function", "2 ** 3"),
        ("const(pow(2, 0.5) / 10)", "not a math function", "2 ** 0.5"),
        ("fn(pow(u, 2), 10)", "not a math function", "u ** 2"),
        ("warmup(cosine, 10, power=2) >> const(1, 5)", "takes no power", "warmup(pow"),
        ("pow(0→1, 10, power=0)", "must be positive", None),
    ],
)
def test_pow_refusals(text: str, match: str, hint: str | None) -> None:
    with pytest.raises(lrdsl.LrdslError, match=match) as info:
        lrdsl.evaluate(text)
    if hint is not None:
        assert hint in (info.value.hint or "")
