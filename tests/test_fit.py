"""``lrdsl fit``: every expression of the repository round-trips, real libraries' curves fit, the CLI's statuses."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

import lrdsl
from tests.conftest import run_cli
from tests.fit_cases import round_trip_cases
from tests.frameworks import need

CASES = round_trip_cases()
MISSES = {
    "fn(0.1 * ((1 - 0.01) * (0.5 * (1 + cos(pi * p))) ** 2 + 0.01), 300)": "a squared cosine: not a named shape",
    "(cosine(4e-3→0.1, 25%) >> cosine(0.1→1e-6)) * repeat(1)": "a phase boundary between steps (52.5)",
    "(cosine(0.95→0.85, 25%) >> cosine(0.85→0.95)) * repeat(1)": "a phase boundary between steps (52.5)",
    "(const(0.1, 75%) >> cosine(0.1→1e-6)) * repeat(1)": "a phase boundary between steps (157.5)",
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


def test_epoch_quantized_curves_fit_per_epoch() -> None:
    got = _round_trip("cosine(0.1→1e-5, 20ep) * quantize(1ep)", 210, 7)
    assert got.expr == "(cosine(0.1→1e-5, 20ep) >> 1e-5) * quantize(1ep)"


def test_float32_values_fit_with_rtol_1e_6() -> None:
    want = lrdsl.evaluate("linear(1e-4→3e-4, 500) >> cosine(3e-4→3e-6)", 5000).astype(np.float32)
    assert not lrdsl.fit(want).exact
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


def _fit_share(curves: list[tuple[str, np.ndarray]], **tol: float) -> tuple[int, list[str]]:
    misses = []
    for name, values in curves:
        got = lrdsl.fit(values, budget=20, **tol)
        if not got.exact:
            misses.append(name)
    return len(curves) - len(misses), misses


@pytest.mark.frameworks
def test_pytorch_curves_fit() -> None:
    from tests.parity import test_torch

    curves = [(r[0], test_torch._torch_values(r[1], r[3])) for r in test_torch.ROWS]
    exact, misses = _fit_share(curves, rtol=1e-9, atol=1e-15)
    assert exact >= 0.9 * len(curves), misses


@pytest.mark.frameworks
def test_optax_curves_fit_in_float32() -> None:
    jnp, optax = need("jax.numpy"), need("optax")
    from tests.parity import test_optax

    curves = []
    for row, make, _ in test_optax.ROWS:
        schedule = make(optax)
        curves.append((row, np.asarray([float(schedule(jnp.int32(t))) for t in range(test_optax.N)])))
    # Optax computes in float32 throughout: the parity tests' own tolerance (tests/parity/test_optax.py).
    exact, misses = _fit_share(curves, rtol=2e-6, atol=5e-8)
    assert exact >= 0.9 * len(curves), misses
