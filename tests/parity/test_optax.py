"""Optax's schedules next to their lrdsl expressions (docs/translate.md), over every step (float32)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import lrdsl
from tests.frameworks import need

pytestmark = pytest.mark.frameworks
N = 400

ROWS: list[tuple[str, Callable[[Any], Any], str]] = [
    ("constant_schedule", lambda o: o.constant_schedule(3e-4), "3e-4"),
    (
        "linear_schedule",
        lambda o: o.linear_schedule(0.1, 1e-3, transition_steps=200, transition_begin=50),
        "const(0.1, 50) >> linear(0.1→1e-3, 200)",
    ),
    (
        "polynomial_schedule",
        lambda o: o.polynomial_schedule(0.1, 1e-4, power=2, transition_steps=300, transition_begin=20),
        "const(0.1, 20) >> poly(0.1→1e-4, 300, power=2)",
    ),
    (
        "exponential_decay",
        lambda o: o.exponential_decay(0.1, transition_steps=50, decay_rate=0.5),
        "exp_decay(0.1, rate=0.5, every=50)",
    ),
    (
        "exponential_decay staircase begin end_value",
        lambda o: o.exponential_decay(
            0.1, transition_steps=50, decay_rate=0.5, transition_begin=30, staircase=True, end_value=0.01
        ),
        "const(0.1, 30) >> max(exp_decay(0.1, rate=0.5, every=50, staircase=true), 0.01)",
    ),
    (
        "cosine_decay_schedule alpha",
        lambda o: o.cosine_decay_schedule(0.1, decay_steps=300, alpha=0.01),
        "cosine(0.1→1e-3, 300)",
    ),
    (
        "cosine_decay_schedule exponent",
        lambda o: o.cosine_decay_schedule(0.1, decay_steps=300, alpha=0.01, exponent=2.0),
        "fn(0.1 * ((1 - 0.01) * (0.5 * (1 + cos(pi * p))) ** 2 + 0.01), 300)",
    ),
    (
        "piecewise_constant_schedule",
        lambda o: o.piecewise_constant_schedule(0.1, {100: 0.5, 250: 0.1}),
        "piecewise([0.1, 0.05, 5e-3], at=[100, 250])",
    ),
    (
        "piecewise_interpolate_schedule linear",
        lambda o: o.piecewise_interpolate_schedule("linear", 0.1, {100: 0.5, 300: 0.1}),
        "linear(0.1→0.05, 100) >> linear(0.05→5e-3, 200)",
    ),
    (
        "piecewise_interpolate_schedule cosine",
        lambda o: o.piecewise_interpolate_schedule("cosine", 0.1, {100: 0.5, 300: 0.1}),
        "cosine(0.1→0.05, 100) >> cosine(0.05→5e-3, 200)",
    ),
    (
        "warmup_constant_schedule",
        lambda o: o.warmup_constant_schedule(0.0, 0.1, warmup_steps=50),
        "linear(0→0.1, 50) >> const(0.1)",
    ),
    (
        "warmup_cosine_decay_schedule",
        lambda o: o.warmup_cosine_decay_schedule(0.0, 0.1, warmup_steps=50, decay_steps=350, end_value=1e-4),
        "linear(0→0.1, 50) >> cosine(0.1→1e-4, 350 - 50)",
    ),
    (
        "warmup_exponential_decay_schedule",
        lambda o: o.warmup_exponential_decay_schedule(
            0.0, 0.1, warmup_steps=50, transition_steps=40, decay_rate=0.5, end_value=1e-3
        ),
        "linear(0→0.1, 50) >> max(exp_decay(0.1, rate=0.5, every=40), 1e-3)",
    ),
    (
        "linear_onecycle_schedule",
        lambda o: o.linear_onecycle_schedule(N, 0.1),
        "linear(4e-3→0.1, 120) >> linear(0.1→4e-3, 220) >> linear(4e-3→4e-7, 60)",
    ),  # pct_final=0.85
    (
        "cosine_onecycle_schedule",
        lambda o: o.cosine_onecycle_schedule(N, 0.1),
        "cosine(4e-3→0.1, 120) >> cosine(0.1→4e-7, 280)",
    ),
    (
        "sgdr_schedule",
        lambda o: o.sgdr_schedule(
            [
                {"init_value": 0.0, "peak_value": 0.1, "warmup_steps": 10, "decay_steps": 100, "end_value": 1e-3},
                {"init_value": 0.0, "peak_value": 0.1, "warmup_steps": 10, "decay_steps": 100, "end_value": 1e-3},
                {"init_value": 0.0, "peak_value": 0.1, "warmup_steps": 10, "decay_steps": 100, "end_value": 1e-3},
            ]
        ),
        "(linear(0→0.1, 10) >> cosine(0.1→1e-3, 90)) * repeat(3)",
    ),
    (
        "join_schedules",
        lambda o: o.join_schedules([o.constant_schedule(0.1), o.linear_schedule(0.1, 0.0, 200)], boundaries=[100]),
        "const(0.1, 100) >> linear(0.1→0, 200)",
    ),
]


@pytest.mark.parametrize(("row", "make", "expr"), ROWS, ids=[r[0] for r in ROWS])
def test_optax_schedule_equals_lrdsl(row: str, make: Callable[[Any], Any], expr: str) -> None:
    jnp, optax = need("jax.numpy"), need("optax")
    schedule = make(optax)
    got = np.asarray([float(schedule(jnp.int32(t))) for t in range(N)])
    np.testing.assert_allclose(lrdsl.evaluate(expr, N), got, rtol=2e-6, atol=5e-8)
