"""``lrdsl fit`` writes constants as the source did (ratios of the phase's steps, Noam's roots), and only
when they are exact: noisy or irrational values keep their digits; exact means rtol 1e-11 by default."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import lrdsl
from tests.conftest import run_cli


@pytest.mark.parametrize(
    ("expr", "steps", "want"),
    [
        # HF's warm-up lr·(t + 1)/W over W = 782 steps, its last step the peak
        (
            "linear(3e-4 / 782→3e-4, 781) >> cosine(3e-4→0, 2000)",
            2781,
            "linear(3e-4 / 782→3e-4, 781) >> cosine(3e-4→0)",
        ),
        # Noam: d_model^-½ · min(t·W^-1.5, t^-½), its peak d_model^-½ · W^-½
        (
            "linear(0→512 ** -0.5 * 4000 ** -0.5, 4000) >> rsqrt(512 ** -0.5 * 4000 ** -0.5, warmup=4000) * offset(4000)",
            12000,
            None,
        ),
        ("const(0.1, 100) >> linear(0.1→2 ** -0.5, 300)", 400, "const(0.1, 100) >> linear(0.1→2 ** -0.5)"),
    ],
)
def test_constants_as_the_source_wrote_them(expr: str, steps: int, want: str | None) -> None:
    got = lrdsl.fit(lrdsl.evaluate(expr, steps))
    assert got.exact and got.expr == (want or expr)


def test_irrational_and_noisy_constants_keep_their_digits() -> None:
    got = lrdsl.fit(lrdsl.evaluate("linear(0.3141592653589793→0.1, 700)", 700))
    assert got.exact and got.expr == "linear(0.31415926536→0.1)"
    noisy = 0.123456789 * (1 + 1e-7 * np.random.default_rng(0).standard_normal(300))
    assert lrdsl.fit(noisy, rtol=1e-5).expr == "0.123457"
    # 1/81 = 0.012345679…: digits within the tolerance, never "1 / 81"
    ramp = np.linspace(1 / 81, 0.05, 400, endpoint=False) * (1 + 1e-8 * np.random.default_rng(1).standard_normal(400))
    got = lrdsl.fit(ramp, rtol=1e-6)
    assert got.exact and "/" not in got.expr and "**" not in got.expr, got.expr


def test_exact_means_rtol_1e_11_by_default() -> None:
    values = lrdsl.evaluate("cosine(0.1→1e-4)", 500) * (1 + 1e-10 * np.random.default_rng(2).standard_normal(500))
    assert not lrdsl.fit(values).exact
    assert lrdsl.fit(values, rtol=1e-9).expr == "cosine(0.1→1e-4)"


FLOAT32_CURVE = "linear(1e-4→3e-4, 500) >> cosine(3e-4→1e-7)"


def test_float32_values_are_detected_and_said(tmp_path: Path) -> None:
    """A float32 array, float32 numbers widened (an .npy read as float64) or written as their shortest
    decimals (a csv) fit at float32's tolerance; a float64 curve of round values is no float32 one."""
    values = lrdsl.evaluate(FLOAT32_CURVE, 3000).astype(np.float32)
    for given in (values, values.astype(np.float64), [float(str(v)) for v in values]):
        got = lrdsl.fit(given)
        assert got.exact and got.precision == "float32" and got.expr == FLOAT32_CURVE
    assert lrdsl.fit(lrdsl.evaluate(FLOAT32_CURVE, 3000)).precision == "float64"
    assert lrdsl.fit([0.5, 0.25, 0.125, 0.1]).precision == "float64"
    path = tmp_path / "lr.txt"
    path.write_text("\n".join(str(v) for v in values), encoding="utf-8")
    proc = run_cli("fit", str(path))
    assert proc.returncode == 0 and proc.stdout == FLOAT32_CURVE + "\n"
    assert proc.stderr == "float32 values: fitted with rtol 1e-6 and atol 4·2⁻²⁴ of the largest\n"
