"""``lrdsl fit``: every expression of the repository round-trips, real libraries' curves fit, the CLI's statuses."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

import lrdsl
from tests.conftest import run_cli
from tests.fit_cases import round_trip_cases

CASES = round_trip_cases()
MISSES = {
    "fn(0.1 * ((1 - 0.01) * (0.5 * (1 + cos(pi * p))) ** 2 + 0.01), 300)": "a squared cosine: not a named shape",
}


def _round_trip(expr: str, steps: int, spe: float | None, rtol: float = 1e-9) -> lrdsl.fitting.Fit:
    want = lrdsl.evaluate(expr, steps, spe)
    got = lrdsl.fit(want, steps_per_epoch=spe, rtol=rtol)
    if got.exact:
        assert "fn(" not in got.expr
        np.testing.assert_allclose(lrdsl.evaluate(got.expr, steps, spe), want, rtol=rtol, atol=0)
    return got


@pytest.mark.parametrize(("cid", "expr", "steps", "spe"), CASES, ids=[c[0] for c in CASES])
def test_every_expression_of_the_repository_round_trips(cid: str, expr: str, steps: int, spe: float | None) -> None:
    got = _round_trip(expr, steps, spe)
    assert got.exact != (expr in MISSES), f"{expr} → {got}"


def test_at_least_nine_in_ten_round_trip() -> None:
    assert sum(c[1] not in MISSES for c in CASES) >= 0.9 * len(CASES)


@pytest.mark.parametrize(
    ("expr", "want"),
    [
        ("linear(0→0.1, 30) >> cosine(0.1→0, 270)", "linear(0→0.1, 30) >> cosine(0.1→0)"),
        ("const(0.1, 101) >> const(0.01, 150) >> const(1e-3)", "multistep(0.1, gamma=0.1, at=[101, 251])"),
        ("exp_decay(0.1, rate=0.5, every=50, staircase=true)", "step(0.1, gamma=0.5, every=50)"),
        ("1e-3 + cosine(0.099→0) * restart(period=40, mult=2, decay=0.5)", None),
        ("cosine(0.1→0) * restart(period=30, mult=1.5)", None),
    ],
)
def test_numbers_and_phases_as_a_person_writes_them(expr: str, want: str | None) -> None:
    got = lrdsl.fit(lrdsl.evaluate(expr, 300))
    assert got.exact and got.expr == (want or expr)


@pytest.mark.parametrize(
    ("expr", "steps", "want"),
    [
        ("sqrt(0.1→1e-4, 300)", 300, "sqrt(0.1→1e-4)"),
        ("log(0→0.1, 50) >> cosine(0.1→0)", 300, None),
        ("warmup(sqrt, 30) >> cosine(0.1→0)", 300, "sqrt(0→0.1, 30) >> cosine(0.1→0)"),
        (
            "warmup(log, 20) >> exp_decay(0.1, rate=0.5, every=50)",
            300,
            "log(0→0.1, 20) >> exp_decay(0.1, rate=0.5, every=50)",
        ),
        ("piecewise([0.1, 0.05, 5e-3], at=[100, 250])", 400, None),
        ("rsqrt(1e-3, warmup=500) * offset(500)", 3000, None),
        (
            "min(linear(0→0.1, 30) >> 0.1, rsqrt(0.1, warmup=30))",
            300,
            "linear(0→0.1, 30) >> rsqrt(0.1, warmup=30) * offset(30)",
        ),
        (
            "linear(1e-4→0.1, 30) >> cosine(0.1→1e-5, 200) * offset(30)",
            300,
            "linear(1e-4→0.1, 30) >> cosine(0.1→1e-5, 200) * offset(30) >> 1e-5",
        ),
        ("onecycle(0.1)", 300, None),
        ("onecycle(0.1, pct=0.25, div=10, final_div=100, anneal=linear, three_phase=true)", 300, None),
        ("cyclic(1e-3→0.1, half=25, mode=triangular2)", 300, None),
        ("cyclic(1e-3→0.1, half=25, mode=exp_range, gamma=0.995)", 300, None),
        ("wsd(0.1, warmup=30, decay=60)", 300, None),
        ("wsd(3e-4, warmup=20, decay=200, shape=sqrt)", 1000, None),
        ("wsd(0.1, warmup=30, decay=60, to=1e-4, shape=cosine)", 300, None),
        ("wsd(0.1, warmup=30, decay=60, to=1e-4, shape=exp)", 300, None),
    ],
)
def test_v2_families_and_composites_by_name(expr: str, steps: int, want: str | None) -> None:
    """The v2 shapes, a clock ahead (``offset``), and the composites named when the curve is one."""
    got = _round_trip(expr, steps, None)
    assert got.exact and got.expr == (want or expr)


def test_composites_need_their_shape_and_round_numbers() -> None:
    """A warm-up into a constant is no ``wsd`` (nothing decays); a rise then a flat line no ``onecycle``."""
    assert lrdsl.fit(lrdsl.evaluate("linear(0→0.1, 50) >> 0.1", 300)).expr == "linear(0→0.1, 50) >> 0.1"
    assert lrdsl.fit(lrdsl.evaluate("linear(0.01→0.1, 60) >> 0.1", 300)).expr == "linear(0.01→0.1, 60) >> 0.1"


def test_epoch_quantized_curves_fit_per_epoch() -> None:
    got = _round_trip("cosine(0.1→1e-5, 20ep) * quantize(1ep)", 210, 7)
    assert got.expr == "(cosine(0.1→1e-5, 20ep) >> 1e-5) * quantize(1ep)"


def test_float32_values_fit_with_rtol_1e_6() -> None:
    """Detected (tests/test_fit_numbers.py); a tolerance given is taken as given, the other float64's."""
    want = lrdsl.evaluate("linear(1e-4→3e-4, 500) >> cosine(3e-4→3e-6)", 5000).astype(np.float32)
    assert not lrdsl.fit(want, rtol=1e-9).exact
    got = lrdsl.fit(want, rtol=1e-6)
    assert got.exact and got.expr == "linear(1e-4→3e-4, 500) >> cosine(3e-4→3e-6)"


def test_a_callable_and_bad_input() -> None:
    assert lrdsl.fit(lambda t: 0.1 * 0.5 ** (t // 30), total_steps=120).expr == "step(0.1, gamma=0.5, every=30)"
    for bad, match in [([], "no values"), ([0.1, float("inf")], "finite"), ([[1.0]], "1-D")]:
        with pytest.raises(lrdsl.LrdslError, match=match):
            lrdsl.fit(bad)
    with pytest.raises(lrdsl.LrdslError, match="total_steps"):
        lrdsl.fit(lambda t: 0.1)


def test_no_exact_fit_gives_the_closest_and_where_it_departs() -> None:
    got = lrdsl.fit(np.random.default_rng(0).uniform(0, 1, 200), budget=5)
    assert not got.exact and got.first_departure is not None and got.max_error > 0


def test_breaks_two_steps_apart_are_both_found() -> None:
    """A drop at step 80 and a jump at 82 hide each other in the third difference (found by Hypothesis)."""
    expr = "const(0.1, 40) >> step(0.05, 42, gamma=0.5, every=20) >> linear(0.1→0.05, 20)"
    assert _round_trip(expr, 102, None).exact


def _generated(rng: random.Random) -> str:
    """A sequence of round-valued phases of the v1 families."""
    values = [0.1, 0.05, 3e-4, 1e-3, 0.02]
    parts = []
    for _ in range(rng.randint(1, 3)):
        a, b, n = rng.choice(values), rng.choice(values), rng.randint(20, 200)
        kind = rng.choice(["linear", "cosine", "const", "poly", "step", "exp_decay"])
        parts.append(
            {
                "linear": f"linear({a}→{b}, {n})",
                "cosine": f"cosine({a}→{b}, {n})",
                "const": f"const({a}, {n})",
                "poly": f"poly({a}→{b / 10}, {n}, power={rng.choice([2, 3, 0.5])})",
                "step": f"step({a}, {n}, gamma=0.5, every={rng.randint(5, 40)})",
                "exp_decay": f"exp_decay({a}, {n}, rate=0.9, every={rng.randint(5, 40)})",
            }[kind]
        )
    return " >> ".join(parts)


def test_generated_schedules_round_trip() -> None:
    """At least 90 % of random v1 sequences fit exactly (issue's bar); the misses are printed.

    A fixed sample, not Hypothesis: the fitter does not fit every sequence (e.g. a constant
    ``linear(0.1→0.1, 20)`` after a rise to the same value), and this measures the share.
    """
    rng = random.Random(20261130)
    sample = [_generated(rng) for _ in range(60)]
    misses = [e for e in sample if not _round_trip(e, lrdsl.lower(e).total, None).exact]
    assert len(misses) <= len(sample) // 10, misses


def test_cli_statuses(tmp_path: Path) -> None:
    good = tmp_path / "lr.csv"
    assert run_cli("eval", "warmup(linear, 5ep) >> cosine(0.1→1e-6)", "--steps", "500", "--steps-per-epoch", "10",
                   "--format", "csv", "-o", str(good)).returncode == 0  # fmt: skip
    proc = run_cli("fit", str(good))
    assert proc.returncode == 0 and proc.stdout == "linear(0→0.1, 50) >> cosine(0.1→1e-6)\n", proc.stderr
    noisy = tmp_path / "noise.txt"
    noisy.write_text("\n".join(str(v) for v in np.random.default_rng(1).uniform(0, 1, 50)), encoding="utf-8")
    proc = run_cli("fit", str(noisy), "--budget", "5")
    assert proc.returncode == 1 and "not exact: max error" in proc.stdout
    assert run_cli("fit", str(tmp_path / "missing.npy")).returncode == 2
    assert run_cli("fit", "-", stdin="0.1\n0.1\n0.05\n").stdout == "const(0.1, 2) >> 0.05\n"
