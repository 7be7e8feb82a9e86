"""Restart cycles: one placement rule (``ir.CycleClock``), exact, O(1) in the number of cycles."""

from __future__ import annotations

import math
from decimal import Decimal, localcontext
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lrdsl
from lrdsl import ir
from lrdsl.api import generate
from lrdsl.ir.interpreter import evaluate_range
from lrdsl.tools.explain import phases
from tests.frameworks import load, need


def _reference(period: str, mult: str, steps: list[int], last: int) -> list[float]:
    """``cosine(1→0) * restart(period, mult)`` by walking the cycles one by one in 50-digit decimals."""
    out = []
    with localcontext() as ctx:
        ctx.prec = 50
        p, m = Decimal(period), Decimal(mult)
        for t in steps:
            start, length, i = Decimal(0), p, 0
            while i < last and start + length <= t:
                start, length, i = start + length, length * m, i + 1
            local = min((Decimal(t) - start) / (m**i), p)
            out.append(0.5 * (1 + math.cos(math.pi * float(local / p))))
    return out


NEAR_ONE = [
    ("1", "1.0001", 10**6),  # minutes before: Fractions grew cubically with the cycle count
    ("1", "1.001", 10**8),  # 8 s and 229 MB before
    ("0.000001", "1.0002", 1),  # hung before
    ("3", "1.00001", 10**8),
]


@pytest.mark.parametrize(("period", "mult", "total"), NEAR_ONE)
def test_mult_near_one_places_every_cycle_like_a_walk_through_them(period: str, mult: str, total: int) -> None:
    expr = f"cosine(1→0) * restart(period={period}, mult={mult})"
    clock = ir.cycle_clock(Fraction(period), Fraction(mult))
    count = clock.count(float(total))
    rng = np.random.default_rng(0)
    steps = sorted({0, total - 1, *rng.integers(0, total, 40).tolist()})
    got = lrdsl.evaluate(expr, total_steps=total, steps=steps)
    want = _reference(period, mult, steps, count - 1)
    np.testing.assert_allclose(got, want, rtol=1e-7, atol=1e-9)
    code = generate(expr, "python", total)
    lr = load(code, "near_one").lr
    # beyond the exactly tabled cycles, starts come from expm1: numpy and libm differ in the last bit
    np.testing.assert_allclose([lr(t) for t in steps], got, rtol=1e-12, atol=1e-10)


def test_too_many_cycles_is_refused_without_computing_them() -> None:
    with pytest.raises(lrdsl.LrdslError, match="shorter than 1e-06 steps"):
        lrdsl.evaluate("cosine(1→0) * restart(cycles=1e9, mult=1.5)", total_steps=100)
    with pytest.raises(lrdsl.LrdslError, match="longer than 1e\\+15 steps"):
        lrdsl.evaluate("cosine(1→0, 10) * restart(cycles=1e9, mult=1.5)", total_steps=100)


def test_whole_step_starts_of_a_fractional_mult_are_exact_in_every_walker() -> None:
    # period 8, mult 1.5: cycles start at 8, 20, 38, 65 (whole steps), then at 105.5, 166.25, …
    expr = "linear(1→0) * restart(period=8, mult=1.5)"
    starts = [8, 20, 38, 65]
    clock = ir.cycle_clock(Fraction(8), Fraction(3, 2))
    assert [clock.start_exact(i) for i in range(1, 6)] == [8, 20, 38, 65, Fraction(211, 2)]
    steps = [s + k for s in starts for k in (-1, 0, 1)] + [105, 106]
    values = lrdsl.evaluate(expr, total_steps=200, steps=steps)
    for s, (before, at, after) in zip(starts, values[:12].reshape(4, 3), strict=True):
        assert at == 1.0, s  # a new cycle starts at its first step, from the start value
        assert 0 < before < 0.2 and 0.8 < after < 1.0
    # step 105: cycle 4 (from 65, 40.5 steps long); step 106: cycle 5, which starts at 105.5
    assert values[-2] == pytest.approx(1 - 40 / 40.5) and values[-1] == pytest.approx(1 - 0.5 / (8 * 1.5**5))
    lr = load(generate(expr, "python", 200), "fractional_mult").lr
    assert [lr(t) for t in range(201)] == lrdsl.evaluate(expr, total_steps=200, steps=range(201)).tolist()


@settings(max_examples=200, deadline=None)
@given(
    period=st.fractions(min_value=Fraction(1, 1000), max_value=1000, max_denominator=1000),
    mult=st.sampled_from(["1.0001", "1.001", "1.1", "1.5", "2", "3", "1.000000001"]),
    xs=st.lists(st.one_of(st.integers(0, 10**9), st.floats(0, 1e9)), min_size=1, max_size=50),
)
def test_vectorised_and_scalar_placement_agree(period: Fraction, mult: str, xs: list[float]) -> None:
    clock = ir.cycle_clock(period, Fraction(mult))
    x = np.array(xs, dtype=np.float64)
    last = clock.count(1e9) - 1
    got = clock.indices(x, last)
    want = [clock.index(float(v), last) for v in x]
    assert got.tolist() == want
    for v, i in zip(x.tolist(), want, strict=True):
        assert clock.reached(i, v)
        assert i == last or not clock.reached(i + 1, v)


def test_generated_code_does_not_grow_with_the_number_of_cycles() -> None:
    expr = "cosine(1→0) * restart(period=1, mult=1.0001)"
    for target in ("python", "optax"):
        small, large = generate(expr, target, 10**4), generate(expr, target, 10**7)
        assert abs(len(large) - len(small)) < 40, target


def test_optax_many_cycles_follow_the_interpreter_in_float32() -> None:
    jax, jnp = need("jax"), need("jax.numpy")
    expr = "cosine(1→1e-3) * restart(period=10, mult=1.001)"
    total = 200_000
    schedule = load(generate(expr, "optax", total), "optax_cycles").schedule
    steps = np.arange(0, total, 7)
    got = np.asarray(jax.jit(jax.vmap(schedule))(jnp.asarray(steps, dtype=jnp.int32)))
    want = lrdsl.evaluate(expr, total_steps=total, steps=steps)
    # Past 64 cycles float32 places a start from a logarithm: to within a fraction of a step at 2e5
    # steps (docs/codegen.md), so compare away from the starts, to 1e-3 of the peak.
    clock = ir.cycle_clock(Fraction(10), Fraction("1.001"))
    i = clock.indices(steps.astype(np.float64), clock.count(total) - 1)
    inside = (steps - clock.starts(i) > 2) & (clock.starts(i + 1) - steps > 2)
    assert inside.mean() > 0.9
    np.testing.assert_allclose(got[inside], want[inside], rtol=1e-2, atol=1e-3)


def test_explain_shows_a_cut_cycle_ending_where_the_run_does() -> None:
    expr = "cosine(1→0) * restart(period=100, mult=2)"
    plan = lrdsl.lower(expr, total_steps=250)
    last = phases(plan.ir, plan.total)[-1]
    at_end = lrdsl.evaluate(expr, total_steps=250, steps=[250])[0]
    assert (last.label, last.start, last.end) == ("cycle 2", 100, 250)
    assert last.last == at_end == pytest.approx(0.1464466)  # not 0: the cut cycle never reaches its end


def test_generated_recur_is_a_table_lookup_and_gen_keeps_the_interval_limit() -> None:
    expr = "recur(lr * 0.999 + 1e-6, 1e6, from=1)"
    code = generate(expr, "python", 10**6)
    assert "functools.cache" in code and "for _ in range(1000001)" in code
    lr = load(code, "recur_table").lr
    steps = [0, 1, 5 * 10**5, 10**6 - 1, 10**6, 10**9]
    np.testing.assert_allclose([lr(t) for t in steps], lrdsl.evaluate(expr, 10**6, steps=steps), rtol=1e-12)
    with pytest.raises(lrdsl.LrdslError, match="1000001 intervals"):
        generate("recur(lr * 0.5, 1000001, from=1)", "python", 10**7)


@pytest.mark.parametrize(
    "restart", ["period=1000, mult=2", "period=7.5, mult=3", "period=0.3, mult=2", "period=8, mult=1.5"]
)
def test_generated_python_places_whole_mult_cycles_like_the_interpreter_at_every_step(restart: str) -> None:
    expr = f"linear(1→0) * restart({restart})"
    total = 20_000
    lr = load(generate(expr, "python", total), "whole_mult").lr
    want = lrdsl.evaluate(expr, total_steps=total)
    assert [lr(t) for t in range(total)] == want.tolist()


NESTED = "((cosine(1e-6→10)) * restart(cycles=7)) * restart(decay=0.5)"


@pytest.mark.parametrize("total", range(1, 40))
def test_nested_fractional_restarts_pick_the_same_cycle_in_every_walker(total: int) -> None:
    """The inner period is a float's exact ratio (huge denominator), its time not whole: the cycle
    holding a time on a start is decided exactly (it was a float quotient: a whole cycle off)."""
    want = lrdsl.evaluate(NESTED, total)
    lr = load(generate(NESTED, "python", total), "nested_restarts").lr
    shuffled = np.random.default_rng(total).permutation(total)
    gathered = np.empty(total)
    gathered[shuffled] = lrdsl.evaluate(NESTED, total, steps=shuffled)
    for t in range(total):
        assert lr(t) == pytest.approx(want[t], rel=1e-12, abs=0)
        assert gathered[t] == pytest.approx(want[t], rel=1e-12, abs=0)


def test_optax_fractional_period_subtracts_whole_steps_first() -> None:
    """Seven cycles of 2³¹−1 / 7 steps: the generated code in float64 gives the interpreter's
    values to the last steps (before: ``u − i·P`` lost 1e-7 of a step, 6e-8 relative at the end)."""
    jax = need("jax")
    text, total = "wsd(1e-3, warmup=13, decay=100) * restart(cycles=7)", 2**31 - 1
    code = generate(text, "optax", total, 50).replace("float32", "float64").replace("int32", "int64")
    schedule = load(code, "optax_x64").schedule
    steps = [total - 101, total - 47, total - 1]
    want = lrdsl.evaluate(text, total, 50, steps=steps)
    with jax.enable_x64(True):
        got = [float(schedule(s)) for s in steps]
    assert got == pytest.approx(list(want), rel=1e-12, abs=0)


FOLDED = [
    ("cosine(0.1→1e-6) * restart(period=37, decay=0.999)", 10_000, None),
    ("cosine(0.1→1e-6) * restart(period=7, mult=1.01, decay=0.99)", 10_000, None),
    ("linear(0→0.1, 333) >> cosine(0.1→1e-6) * restart(period=50)", 10_000, None),
    ("warmup(linear, 0.37ep) >> cosine(0.1→1e-6) * restart(period=0.013ep, mult=1.01)", 10_000, 1000),
    ("linear(0→0.1, 33) >> (cosine(0.1→1e-6) * restart(period=5)) * restart(period=500)", 10_000, None),
]


@pytest.mark.parametrize(("expr", "total", "spe"), FOLDED)
def test_many_short_cycles_fold_to_the_same_bits_as_one_slice_per_cycle(
    expr: str, total: int, spe: float | None
) -> None:
    """A whole run through hundreds of short cycles is one vectorised fold (``mod`` for ``mult=1``,
    the clock's starts repeated otherwise); each cycle alone is a slice. The values agree bit for bit."""
    lowered = lrdsl.lower(lrdsl.parse(expr), total_steps=total, steps_per_epoch=spe).ir
    whole = evaluate_range(lowered, 0, total)
    alone = np.concatenate([evaluate_range(lowered, t, t + 1) for t in range(total)])  # one cycle each: sliced
    np.testing.assert_array_equal(whole.view(np.int64), alone.view(np.int64))


def test_a_few_steps_spread_over_billions_of_cycles_cost_a_few_steps() -> None:
    """Sorted steps over 2·10¹⁰ cycles: gathered per step, not folded over every cycle in between
    (a fold allocated one entry per cycle: 149 GiB)."""
    text = "cosine(1→0) * restart(period=50)"
    steps = [0, 25, 5 * 10**11 + 25, 10**12 - 1]
    got = lrdsl.evaluate(text, 10**12, steps=steps)
    assert got == pytest.approx([1.0, 0.5, 0.5, lrdsl.evaluate("cosine(1→0, 50)", 50)[49]], rel=1e-12, abs=1e-15)


def test_a_point_inside_nested_fractional_restarts_is_the_interpreters_value() -> None:
    """Lowering reads a phase's value at a point (a warm-up's target, a parameter's symbolic value)
    with the interpreter's rounding of a cycle's time: at 10¹² steps ``u − Sᵢ`` and ``(u·q − i·p)/q``
    differ by 1e-5 of a step, and the symbolic check raised an AssertionError."""
    text = (
        "(wsd(1e-6, warmup=7, decay=37) >> hold(1000) >> exp(3e-4→3e-4, 25%)) * quantize(7, at=end)"
        " >> ((poly(0.9→$b, power=0.5)) * restart(period=7)) * restart(cycles=7)"
        " >> exp_decay(3e-4, 37, rate=0.9, every=2ep, staircase=true)"
    )
    code = generate(text, "python", 10**12, 3.5, params={"b": 2.0})
    lr = load(code, "nested_point").lr
    steps = [0, 10**9, 5 * 10**11 + 3, 10**12 - 1]
    want = lrdsl.evaluate(text, 10**12, 3.5, steps=steps, params={"b": 2.0})
    assert [lr(t, b=2.0) for t in steps] == pytest.approx(list(want), rel=1e-9)


@pytest.mark.parametrize(
    ("expr", "total", "spe", "step"),
    [  # found by the differential fuzz (seed 21): 1e-10 and 6e-9 apart
        ("((fn(sin(u), 25%)) * repeat(2)) * restart(cycles=7)", 10**9, None, 578774355),
        (
            "((cyclic(3e-4→2.5, half=13, mode=triangular, gamma=0.99)) * repeat(1)) * restart(cycles=7)",
            2**31 - 1,
            1,
            1723030148,
        ),
    ],
)
def test_the_first_cycle_of_a_fractional_time_is_that_time(expr: str, total: int, spe: float | None, step: int) -> None:
    """Inside another restart the time is a fraction: its first cycle's time is that fraction itself,
    in every walker and whichever steps are asked for (``u·b/b`` can lose its last bit)."""
    lr = load(generate(expr, "python", total, spe), "first_cycle").lr
    alone = lrdsl.evaluate(expr, total, spe, steps=[step])[0]
    among = lrdsl.evaluate(expr, total, spe, steps=[step, step + 1, total + 3])[0]
    ordered = lrdsl.evaluate(expr, total, spe, steps=list(range(step - 50, step + 50)))[50]
    assert lr(step) == alone == among == ordered
