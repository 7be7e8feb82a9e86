"""LANGUAGE.md §8.1: ``X * offset(n)``, X's clock ``n`` ahead; values computed by hand at ``b − 1, b, b + 1``.

Every target runs the same constructs against the interpreter (tests/gen_cases.py: ``v2-offset*``).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import lrdsl

TRAP = "warmup(linear, 5ep) >> multistep(0.1, at=[30ep, 60ep, 90ep]) * offset(5ep)"


def test_the_corrected_trap_drops_at_epochs_30_60_90() -> None:
    lr = lrdsl.evaluate(TRAP, 1000, 10)
    assert list(np.flatnonzero(np.diff(lr) < 0) + 1) == [300, 600, 900]
    steps = [49, 50, 51, 299, 300, 301, 599, 600, 601, 899, 900, 901]
    got = lrdsl.evaluate(TRAP, 1000, 10, steps=steps)
    want = [0.1 * 49 / 50, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 1e-3, 1e-3, 1e-3, 1e-4, 1e-4]
    np.testing.assert_allclose(got, want, rtol=1e-12)
    # without the offset the milestones count from the phase's start: 35, 65, 95
    drops = np.diff(lrdsl.evaluate(TRAP.replace(" * offset(5ep)", ""), 1000, 10)) < 0
    assert list(np.flatnonzero(drops) + 1) == [350, 650, 950]


def test_timm_overlaid_warmup() -> None:
    # warmup_prefix=False: the cosine keeps the run's clock, so it starts at its own step 3
    text = "linear(1e-4→0.1, 3) >> cosine(0.1→1e-5, 20) * offset(3)"
    assert lrdsl.lower(text).total == 20
    got = lrdsl.evaluate(text, steps=[2, 3, 4, 19, 20, 21])

    def cos(t: float) -> float:
        return 1e-5 + (0.1 - 1e-5) * (1 + math.cos(math.pi * t / 20)) / 2

    want = [1e-4 + (0.1 - 1e-4) * 2 / 3, cos(3), cos(4), cos(19), 1e-5, 1e-5]
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_big_vision_rsqrt() -> None:
    got = lrdsl.evaluate("rsqrt(1e-3, warmup=500) * offset(500)", 1000, steps=[0, 1, 499, 500, 999])
    np.testing.assert_allclose(got, [1e-3 * math.sqrt(500 / (500 + u)) for u in (0, 1, 499, 500, 999)], rtol=1e-14)


def test_fractional_offset_is_not_rounded() -> None:
    # linear(0→10, 10) read at u + 0.75; the node lasts round(9.25) = 9 steps, X's end holds from 9.25
    got = lrdsl.evaluate("linear(0→10, 10) * offset(0.75)", steps=[0, 1, 8, 9, 10])
    np.testing.assert_allclose(got, [0.75, 1.75, 8.75, 9.75, 10.0], rtol=1e-15)
    assert lrdsl.lower("linear(0→10, 10) * offset(0.75)").total == 9
    got = lrdsl.evaluate("step(1, gamma=0.5, every=4) * offset(1.5)", 12, steps=[1, 2, 3, 5, 6, 7])
    np.testing.assert_allclose(got, [1, 1, 0.5, 0.5, 0.5, 0.25])  # drops where u + 1.5 reaches 4, 8


def test_warmup_aims_at_the_value_at_u_equals_n() -> None:
    got = lrdsl.evaluate("warmup(linear, 10) >> linear(1→0, 100) * offset(50)", steps=[0, 5, 9, 10, 11, 59, 60])
    np.testing.assert_allclose(got, [0.0, 0.25, 0.45, 0.5, 0.49, 0.01, 0.0], atol=1e-15)


def test_offset_errors() -> None:
    with pytest.raises(lrdsl.LrdslError, match="not shorter than"):
        lrdsl.evaluate("linear(1→0, 10) * offset(10)")
    with pytest.raises(lrdsl.LrdslError, match="percentage"):
        lrdsl.evaluate("linear(1→0) * offset(10%)", 100)
    # v3 (LANGUAGE.md §9.1): a negative offset is a late clock, no longer an error
    late = lrdsl.evaluate("linear(1→0) * offset(0 - 1)", 100)
    np.testing.assert_array_equal(late, np.concatenate(([1.0], lrdsl.evaluate("linear(1→0)", 100)[:-1])))
    with pytest.raises(lrdsl.LrdslError, match="modifier"):
        lrdsl.parse("offset(5)")


def test_offset_in_a_restart_body_and_with_fn() -> None:
    # t in fn keeps the global clock: the offset phase sees t = its global step
    got = lrdsl.evaluate("const(0, 5) >> fn(t, 10) * offset(3)", steps=[4, 5, 6, 11, 12, 20])
    np.testing.assert_array_equal(got, [0, 5, 6, 11, 12, 12])  # X ends at u = 10: t = 12
    got = lrdsl.evaluate("linear(1→0, 10) * offset(2) * repeat(3)", steps=[0, 7, 8, 9, 16, 23, 24])
    np.testing.assert_allclose(got, [0.8, 0.1, 0.8, 0.7, 0.8, 0.1, 0.0], atol=1e-15)
