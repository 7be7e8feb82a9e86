"""The dependency-free ``python`` target beyond the shared table (tests/test_targets.py): parameters,
large offsets, IEEE helpers, the interpreter's fast paths."""

from __future__ import annotations

import re

import pytest

import lrdsl
from lrdsl.api import generate
from tests.frameworks import load


def test_a_parameter_baked_by_a_later_phase_is_baked_everywhere() -> None:
    """``recur`` starts from the previous end value: that makes ``$b`` part of the layout (baked)."""
    expr = "multistep($b, 1000, at=[1, 5000]) >> recur(lr / (1 + lr), every=7)"
    lr = load(generate(expr, "python", 2000, params={"b": 2.0}), "baked").lr
    steps = [0, 1, 999, 1000, 1500]
    assert [lr(s) for s in steps] == lrdsl.evaluate(expr, 2000, params={"b": 2.0}, steps=steps).tolist()


def test_a_fractional_phase_after_a_long_one_keeps_its_local_time() -> None:
    """The interpreter shifts by 1e9 and then by 0.2, as the code does, not by 1e9 + 0.2 rounded."""
    late = lrdsl.evaluate("const(1, 1000000000) >> onecycle(0.9, 3.5)", 1000000004, steps=[1000000002])
    assert late.tolist() == lrdsl.evaluate("onecycle(0.9, 3.5)", 4, steps=[2]).tolist()
    code = generate("const(1, 1000000000) >> onecycle(0.9, 3.5)", "python", 1000000004)
    assert load(code, "late").lr(1000000002) == late[0]


def test_a_baked_parameter_next_to_a_free_one() -> None:
    """``$a`` sets recur's start (baked), ``$b`` stays an argument of the generated function."""
    expr = "inverse_time($a, 100, decay=0.01) >> recur(lr * 0.5, every=10) >> cosine($b→0)"
    module = load(generate(expr, "python", 1000, params={"a": 0.5, "b": 0.5}), "baked_and_free")
    for b in (0.5, 2.0):
        want = lrdsl.evaluate(expr, 1000, params={"a": 0.5, "b": b}, steps=[0, 150, 999]).tolist()
        assert [module.lr(s, b=b) for s in (0, 150, 999)] == want


INFINITE_CONSTANT = (
    "(warmup(poly, 13) >> fn((exp(ceil(min(710, 2))) - (exp(($a - 709)) / ((t + 2) / (u * p)))), 1e9))"
    " * (((step(0.1, 123456, gamma=2, every=1000)) * offset(-1e12)) - (fn(u, 1000)))"
)
"""Folding constants gives ``… / inf`` here (found by ``python -m fuzz.differential --sets``)."""


@pytest.mark.parametrize("target", ["python", "torch", "paddle", "optax", "keras"])
def test_a_constant_folded_to_infinity_is_a_float_in_every_target(target: str) -> None:
    run = {"total_steps": 10**12, "steps_per_epoch": 3.5, "params": {"a": 0.5}}
    code = generate(INFINITE_CONSTANT, target, **run)  # type: ignore[arg-type]
    statements = re.sub(r"#.*", "", code)  # comments say "inf when it overflows"
    assert 'float("inf")' in code and not re.search(r"(?<![\w.\"])inf\b", statements)


def test_a_constant_folded_to_infinity_runs() -> None:
    run = {"total_steps": 10**12, "steps_per_epoch": 3.5, "params": {"a": 0.5}}
    lr = load(generate(INFINITE_CONSTANT, "python", **run), "infinite").lr  # type: ignore[arg-type]
    steps = [0, 12, 13, 1000, 10**9, 10**12 - 1]
    assert [lr(s) for s in steps] == lrdsl.evaluate(INFINITE_CONSTANT, **run, steps=steps).tolist()  # type: ignore[arg-type]


LARGE_OFFSETS = [
    ("(wsd(1, warmup=13, decay=500) * offset(1e13)) * restart(mult=2)", 10**9, 0.1),
    ("(wsd(0.5, warmup=13, decay=100) * offset(1e13)) * restart(decay=0.5)", 1000, 7.0),
    ("((onecycle(2.5, three_phase=true, anneal=linear)) * repeat(5) * offset(1e13)) * restart(period=30, mult=2)",
     10**12, 0.1),
    ("(cosine(1→0) * offset(1e12)) * restart(period=1000, mult=1.5)", 10**6, None),
]  # fmt: skip


@pytest.mark.parametrize(("expr", "total", "spe"), LARGE_OFFSETS)
def test_a_large_offset_inside_a_restart_agrees_at_every_step_and_the_runs_end(
    expr: str, total: int, spe: float | None
) -> None:
    """Inside a restart the local time is fractional: ``u + 1e13`` rounds (to 2⁻⁹ steps), and the
    interpreter took ``u − (shift + break)`` where generated code takes ``(u + 1e13) − break``
    (a wsd's last value: 5.6e-7 against 0). Both now shift as the code does, and the interpreter
    gives the same value whatever the order of the steps asked for."""
    lr = load(generate(expr, "python", total, spe), "offset_target").lr
    steps = sorted({0, 1, total // 3, total // 2, *range(max(0, total - 50), total + 2)})
    want = lrdsl.evaluate(expr, total, spe, steps=steps)
    assert [lr(s) for s in steps] == want.tolist()
    backwards = lrdsl.evaluate(expr, total, spe, steps=steps[::-1])
    assert backwards.tolist() == want[::-1].tolist()


def test_the_bound_of_a_formula_inside_an_offset_reads_the_offset_time() -> None:
    """``exp(u)`` of a phase that an offset of 1e12 moves: its time reaches 2.5e11, so ``gen`` prints
    the IEEE ``exp`` (inf, then 1 + 1/inf = 1), not ``math.exp``, which raised OverflowError."""
    expr = "((const(10) >> (fn(1 + 1 / exp(u))) * repeat(2)) * offset(1e12)) * restart(period=0.75)"
    lr = load(generate(expr, "python", 1000), "offset_exp").lr
    steps = [0, 1, 2, 500, 999, 1000]
    assert [lr(s) for s in steps] == lrdsl.evaluate(expr, 1000, steps=steps).tolist()


def test_tanh_of_an_unbounded_argument_prints_math_tanh() -> None:
    """``math.tanh`` never raises: an argument without a bound (``tan(…)``) needs no IEEE helper."""
    expr = "fn(tanh(tan(log(sqrt(u + 1)))), 50)"
    code = generate(expr, "python", 1000)
    assert "math.tanh(" in code
    steps = [0, 1, 7, 49, 50]
    assert [load(code, "tanh_target").lr(s) for s in steps] == lrdsl.evaluate(expr, 1000, steps=steps).tolist()


FAST_PATHS = [
    "warmup(linear, 5ep) >> cosine(0.1→1e-6) * restart(mult=2)",  # the design card
    "0.1 + cosine(0.9→0) * restart(period=10, mult=2, decay=0.5)",
    "(const(1, 10) >> cosine(1→0)) * restart(period=77, mult=2)",
    "fn(sin(u * 0.01) + u * 1e-6) * restart(period=150, mult=2)",
    "(cosine(1→0) * offset(1e12)) * restart(period=1000, mult=2)",
]


@pytest.mark.parametrize("expr", FAST_PATHS)
def test_a_run_evaluated_in_place_gives_the_values_of_each_step_asked_apart(expr: str) -> None:
    """``evaluate`` over a run writes the values over the steps, shifts whole steps once, folds a
    power-of-two stretch into the formula's first product and skips a check the bounds prove: the
    values are those of the same steps asked as a list (none of those paths), and the code's."""
    n, spe = 200_000, 2000.0
    whole = lrdsl.evaluate(expr, n, spe)
    steps = [*range(0, n, 7), n - 1]
    assert whole[steps].tolist() == lrdsl.evaluate(expr, n, spe, steps=steps).tolist()
    lr = load(generate(expr, "python", n, spe), "fast_path").lr
    assert [lr(s) for s in steps[::50]] == whole[steps[::50]].tolist()


def test_a_refusal_inside_a_stretched_cycle_names_the_formulas_own_local_step() -> None:
    """The folded stretch is undone for the message: local step 100, not 200 (nor ``inf``)."""
    for expr in ("fn(1/(u * 0.01 - 1)) * restart(period=150, mult=2)",
                 "const(1, 10) >> fn(1/(u * 0.01 - 1)) * restart(period=150, mult=2)"):  # fmt: skip
        with pytest.raises(lrdsl.LrdslError, match=r"is inf at its local step 100\n"):
            lrdsl.evaluate(expr, 10**6)
