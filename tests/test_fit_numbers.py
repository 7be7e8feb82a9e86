"""``lrdsl fit`` writes constants as the source did (ratios of the phase's steps, Noam's roots), and only
when they are exact: noisy or irrational values keep their digits; exact means rtol 1e-11 by default."""

from __future__ import annotations

import numpy as np
import pytest

import lrdsl


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
