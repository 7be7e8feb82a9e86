"""LANGUAGE.md §8.2: ``sqrt``, ``log``, ``piecewise``, ``warmup(sqrt|log)``, ``wsd(shape=…)``.

Values are computed by hand from the contract's formulas, at each boundary ``b`` and ``b ± 1``;
every target is checked against the interpreter on the same expressions (tests/gen_cases.py).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import lrdsl


def _at(text: str, steps: list[int], total: int | None = None) -> list[float]:
    return list(lrdsl.evaluate(text, total, steps=steps))


def test_sqrt_cool_down() -> None:
    # a + (b − a)·√p over d = 100: boundaries 0 and 100
    want = [1.0, 1 - math.sqrt(0.01), 1 - math.sqrt(0.99), 0.0, 0.0]
    np.testing.assert_allclose(_at("sqrt(1→0, 100)", [0, 1, 99, 100, 101]), want, rtol=1e-14, atol=1e-16)
    want = [1e-4, 1e-4 + (0.1 - 1e-4) * 0.1, 1e-4 + (0.1 - 1e-4) * math.sqrt(0.99), 0.1, 0.1]
    np.testing.assert_allclose(_at("sqrt(1e-4→0.1, 100)", [0, 1, 99, 100, 101]), want, rtol=1e-14)


def test_log_warm_up() -> None:
    # a + (b − a)·ln(1 + u)/ln(1 + d): DeepSpeed's WarmupLR(warmup_type="log")
    d = 50
    want = [0.0, 0.1 * math.log(2) / math.log(51), 0.1 * math.log(50) / math.log(51), 0.1, 0.1]
    np.testing.assert_allclose(_at("log(0→0.1, 50)", [0, 1, d - 1, d, d + 1]), want, rtol=1e-14)
    want = [0.1, 0.1 - 0.09 * math.log(2) / math.log(51), 0.01 + 0.09 * math.log(51 / 50) / math.log(51), 0.01]
    np.testing.assert_allclose(_at("log(0.1→0.01, 50)", [0, 1, d - 1, d]), want, rtol=1e-14)


def test_piecewise_values_at_each_mark() -> None:
    text = "piecewise([0.1, 0.01, 1e-3], at=[1ep, 300])"
    got = list(lrdsl.evaluate(text, 400, 100, steps=[0, 99, 100, 101, 299, 300, 301, 500]))
    assert got == [0.1, 0.1, 0.01, 0.01, 0.01, 1e-3, 1e-3, 1e-3]


def test_piecewise_checks_its_lists() -> None:
    with pytest.raises(lrdsl.LrdslError, match="one value more than marks"):
        lrdsl.evaluate("piecewise([1, 2], at=[1, 2])", 5)
    with pytest.raises(lrdsl.LrdslError, match="increasing"):
        lrdsl.evaluate("piecewise([1, 2, 3], at=[4, 2])", 5)
    with pytest.raises(lrdsl.LrdslError, match="must be a list"):
        lrdsl.parse("piecewise(1, at=[2])")


@pytest.mark.parametrize(
    ("shape", "ramp"),
    [
        ("sqrt", lambda p: math.sqrt(p)),
        ("log", lambda p: math.log1p(p * 8) / math.log(9)),
        ("linear", lambda p: p),
    ],
)
def test_warmup_shapes_reach_the_next_start(shape: str, ramp: object) -> None:
    got = _at(f"warmup({shape}, 8) >> const(0.5, 8)", [0, 1, 7, 8, 9])
    f = ramp
    assert callable(f)
    np.testing.assert_allclose(got, [0.0, 0.5 * f(1 / 8), 0.5 * f(7 / 8), 0.5, 0.5], rtol=1e-14)


@pytest.mark.parametrize(
    ("shape", "decay"),
    [
        ("linear", lambda p: 1 - p),
        ("cosine", lambda p: (1 + math.cos(math.pi * p)) / 2),
        ("sqrt", lambda p: 1 - math.sqrt(p)),
    ],
)
def test_wsd_decay_shapes(shape: str, decay: object) -> None:
    f = decay
    assert callable(f)
    # warm-up 0..9, stable 10..69, decay 70..99 (30 steps), held from 100
    got = _at(f"wsd(1, 100, warmup=10, decay=30, shape={shape})", [9, 10, 11, 69, 70, 71, 99, 100, 101])
    want = [0.9, 1.0, 1.0, 1.0, 1.0, f(1 / 30), f(29 / 30), 0.0, 0.0]
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-16)


def test_wsd_exp_decay_needs_a_non_zero_floor() -> None:
    got = _at("wsd(1, 100, warmup=10, decay=30, shape=exp, to=1e-3)", [70, 85, 100])
    np.testing.assert_allclose(got, [1.0, math.sqrt(1e-3), 1e-3], rtol=1e-13)
    with pytest.raises(lrdsl.LrdslError, match="non-zero ends"):
        lrdsl.evaluate("wsd(1, 100, warmup=10, decay=30, shape=exp)")


def test_v1_wsd_is_unchanged() -> None:
    np.testing.assert_array_equal(
        lrdsl.evaluate("wsd(1e-3, 400, warmup=50, decay=70, to=1e-5)"),
        lrdsl.evaluate("wsd(1e-3, 400, warmup=50, decay=70, to=1e-5, shape=linear)"),
    )
