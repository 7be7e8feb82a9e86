"""Keras 3's schedules next to their lrdsl expressions (docs/translate.md). Keras computes in float32."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import lrdsl
from tests.frameworks import need

pytestmark = pytest.mark.frameworks
N = 400
BOUNDARIES = (30, 40, 50, 60, 75, 100, 101, 120, 135, 200, 240, 250, 251, 280, 300, 320, 350, 360)

ROWS: list[tuple[str, Callable[[Any], Any], str, int, float | None]] = [
    (
        "ExponentialDecay",
        lambda S: S.ExponentialDecay(0.1, decay_steps=50, decay_rate=0.5),
        "exp_decay(0.1, rate=0.5, every=50)",
        N,
        None,
    ),
    (
        "ExponentialDecay staircase",
        lambda S: S.ExponentialDecay(0.1, 50, 0.5, staircase=True),
        "exp_decay(0.1, rate=0.5, every=50, staircase=true)",
        N,
        None,
    ),
    (
        "PiecewiseConstantDecay",
        lambda S: S.PiecewiseConstantDecay([100, 250], [0.1, 0.01, 1e-3]),
        "piecewise([0.1, 0.01, 1e-3], at=[101, 251])",
        N,
        None,
    ),
    (
        "PolynomialDecay",
        lambda S: S.PolynomialDecay(0.1, decay_steps=300, end_learning_rate=1e-4, power=2.0),
        "poly(0.1→1e-4, 300, power=2)",
        N,
        None,
    ),
    (
        "PolynomialDecay cycle",
        lambda S: S.PolynomialDecay(0.1, 120, 1e-4, power=1.5, cycle=True),
        "poly(0.1→1e-4, 120, power=1.5, cycle=true)",
        N,
        None,
    ),
    (
        "InverseTimeDecay",
        lambda S: S.InverseTimeDecay(0.1, decay_steps=10, decay_rate=0.5),
        "inverse_time(0.1, decay=0.5, every=10)",
        N,
        None,
    ),
    (
        "InverseTimeDecay staircase",
        lambda S: S.InverseTimeDecay(0.1, 10, 0.5, staircase=True),
        "inverse_time(0.1, decay=0.5, every=10, staircase=true)",
        N,
        None,
    ),
    ("CosineDecay alpha", lambda S: S.CosineDecay(0.1, decay_steps=300, alpha=0.01), "cosine(0.1→1e-3, 300)", N, None),
    (
        "CosineDecay warm-up",
        lambda S: S.CosineDecay(0.0, decay_steps=300, alpha=0.01, warmup_target=0.1, warmup_steps=50),
        "linear(0→0.1, 50) >> cosine(0.1→1e-3, 300)",
        N,
        None,
    ),
    (
        "CosineDecayRestarts",
        lambda S: S.CosineDecayRestarts(0.1, first_decay_steps=40, t_mul=2.0, m_mul=0.5, alpha=0.01),
        "1e-3 + cosine(0.099→0) * restart(period=40, mult=2, decay=0.5)",
        N,
        None,
    ),  # m_mul decays above alpha
    (
        "CosineDecayRestarts fractional t_mul",
        lambda S: S.CosineDecayRestarts(0.1, 30, t_mul=1.5, m_mul=1.0),
        "cosine(0.1→0) * restart(period=30, mult=1.5)",
        N,
        None,
    ),
]


@pytest.mark.parametrize(("row", "make", "expr", "steps", "spe"), ROWS, ids=[r[0] for r in ROWS])
def test_keras_schedule_equals_lrdsl(
    row: str, make: Callable[[Any], Any], expr: str, steps: int, spe: float | None
) -> None:
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = need("keras")
    schedule = make(keras.optimizers.schedules)
    # Called per step, as the optimizer does. (Called on a vector of steps, Keras' own float32
    # division can misplace boundaries: PolynomialDecay(cycle=True) gives ceil(360/120) = 4.)
    at = sorted({*range(0, steps, 9), *(b + d for b in BOUNDARIES for d in (-1, 0, 1) if 0 <= b + d < steps)})
    got = np.array([float(keras.ops.convert_to_numpy(schedule(t))) for t in at])
    np.testing.assert_allclose(lrdsl.evaluate(expr, steps, spe, steps=at), got, rtol=2e-6, atol=5e-8)


def test_learning_rate_scheduler_callback_epoch_function() -> None:
    # Keras' LearningRateScheduler(fn(epoch, lr)) at the epoch level: recur() once per epoch.
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = need("keras")

    def fn(epoch: int, lr: float) -> float:
        return lr * 0.9 if epoch >= 5 else lr

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    x, y = np.ones((40, 2), dtype="float32"), np.zeros((40, 1), dtype="float32")
    history = model.fit(x, y, batch_size=4, epochs=20, verbose=0, callbacks=[keras.callbacks.LearningRateScheduler(fn)])
    seen = history.history["learning_rate"]  # the rate each epoch trained with
    # 10 steps per epoch; fn runs at each epoch begin on the previous rate (kept in float32 by Keras)
    want = lrdsl.evaluate("const(0.1, 5ep) >> recur(lr * 0.9, every=1ep, from=0.1)", 200, 10)[::10]
    np.testing.assert_allclose(seen, want, rtol=1e-6)
