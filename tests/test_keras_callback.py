"""``lrdsl.keras.schedule`` and ``lrdsl.keras.callback`` inside ``model.fit`` on the jax and torch backends.

Keras picks its backend at import, so each backend runs tests/keras_callback_worker.py in processes
of its own: the rate every step used (read off the weights) equals ``lrdsl.evaluate``, per step for
the schedule and per epoch for the callback; a saved model reloads in a fresh process and trains on.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from tests.frameworks import need, run_worker

pytestmark = pytest.mark.frameworks

EXPR = "warmup(linear, 2ep) >> cosine(0.2→1e-3)"


def _env(backend: str, tmp_path: Path, mode: str) -> dict[str, str]:
    return {
        "KERAS_BACKEND": backend,
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "LRDSL_KERAS_DIR": str(tmp_path),
        "LRDSL_KERAS_MODE": mode,
    }


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_every_step_of_model_fit_uses_the_evaluated_rate(backend: str, tmp_path: Path) -> None:
    need("keras")
    need(backend)
    report = run_worker("tests.keras_callback_worker", _env(backend, tmp_path, "fit"))
    assert report["backend"] == backend
    assert set(report["results"]) == {
        "schedule:each step",
        "schedule:plan",
        "callback:each step",
        "callback:history",
        "callback:plan",
        "callback:resumed",
        "callback:fractional",
    }


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_a_saved_model_trains_on_in_a_fresh_process_beside_another_schedule(backend: str, tmp_path: Path) -> None:
    need("keras")
    need(backend)
    saved = run_worker("tests.keras_callback_worker", _env(backend, tmp_path, "save"))
    assert set(saved["results"]) == {"saved:first 16 steps"}
    loaded = run_worker("tests.keras_callback_worker", _env(backend, tmp_path, "load"))
    assert set(loaded["results"]) == {"reloaded:next 24 steps", "reloaded:other schedule", "reloaded:config"}


def _keras() -> None:
    os.environ.setdefault("KERAS_BACKEND", "jax")
    need("keras")


def test_the_callback_is_keras_learning_rate_scheduler_sampled_at_each_epoch_start() -> None:
    _keras()
    import keras

    import lrdsl.keras

    cb = lrdsl.keras.callback(EXPR, steps_per_epoch=2.5, total_epochs=6)
    assert isinstance(cb, keras.callbacks.LearningRateScheduler) and isinstance(cb, lrdsl.keras.Callback)
    starts = [0, 3, 5, 8, 10, 13, 15]  # ⌈2.5 e⌉
    assert [cb.first_step(e) for e in range(7)] == starts
    want = lrdsl.evaluate(EXPR, 15, 2.5, steps=starts)
    assert [cb.schedule(e, 0.5) for e in range(7)] == want.tolist()
    assert all(type(cb.schedule(e, 0.5)) is float for e in range(7))  # Keras accepts only floats
    plan = cb.plan()
    assert (plan.expr, plan.total_steps, plan.steps_per_epoch) == (EXPR, 15, 2.5)
    np.testing.assert_array_equal(plan.values, want[np.searchsorted(starts, np.arange(15), side="right") - 1])
    assert [row.label for row in plan.phases][:1] == [lrdsl.keras.schedule(EXPR, 15, 2.5).plan().phases[0].label]


def test_the_callback_reads_what_it_lacks_from_model_fit_or_says_what_to_pass() -> None:
    _keras()
    import lrdsl.keras

    fixed = lrdsl.keras.callback("linear(0.1→0, 4ep)", steps_per_epoch=10)  # its own duration: ready at once
    assert fixed.plan().total_steps == 40 and fixed.schedule(2, 0.1) == pytest.approx(0.05)
    with pytest.raises(lrdsl.LrdslError) as info:
        lrdsl.keras.callback(EXPR).plan()
    assert str(info.value) == (
        "error: lrdsl.keras.callback needs steps_per_epoch: model.fit does not know how many batches an epoch has\n"
        "hint: pass steps_per_epoch=… (the number of batches in an epoch)"
    )
    with pytest.raises(lrdsl.LrdslError, match="flexible phase and no total"):
        lrdsl.keras.callback(EXPR, steps_per_epoch=10).plan()
    with pytest.raises(lrdsl.LrdslError, match="unknown shape 'cosin'"):
        lrdsl.keras.callback("cosin(0.1→0)")
