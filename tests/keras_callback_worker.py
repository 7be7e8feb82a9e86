"""The learning rate each ``model.fit`` step used, against ``lrdsl.evaluate``, on one Keras backend.

Run in a process of its own with KERAS_BACKEND set (tests/test_keras_callback.py):
``LRDSL_KERAS_MODE=fit`` trains with ``lrdsl.keras.schedule`` (per step) and ``lrdsl.keras.callback``
(per epoch, also resumed with ``initial_epoch``); ``save`` trains a model for two epochs and saves it
into ``LRDSL_KERAS_DIR``; ``load`` (a fresh process) reloads it, builds a second schedule and trains
both models on. Prints one JSON object: {check: null if it matches, else a message}.

How the rate a step used is read: one float64 weight ``w``, inputs 1 and the loss
``mean|w − y|`` with ``y`` far below ``w``, so the gradient is exactly 1 and plain SGD moves ``w``
(float64, with ``JAX_ENABLE_X64`` on JAX)
by ``−lr``: the rate step ``k`` used is ``w_k − w_{k+1}``, read after each batch (on JAX after
``model.jax_state_sync()``, which writes the jitted state back to the variables).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

STEP_EXPR = "warmup(linear, 1ep) >> cosine(0.2→1e-3) * restart(mult=2)"
EPOCH_EXPR = "warmup(linear, 2ep) >> cosine(0.2→1e-3)"
OTHER_EXPR = "linear(0.05→0.01)"
TOL = {"rtol": 2e-6, "atol": 5e-8}  # float32, as tests/gen_cases.py F32


def main() -> None:
    os.environ["JAX_ENABLE_X64"] = "1"  # float64 weights on JAX too (before Keras imports it)
    import keras

    keras.config.set_floatx("float64")
    out: dict[str, str | None] = {}
    mode = os.environ["LRDSL_KERAS_MODE"]
    if mode == "fit":
        _fit(out)
    elif mode == "save":
        _save(Path(os.environ["LRDSL_KERAS_DIR"]), out)
    else:
        _load(Path(os.environ["LRDSL_KERAS_DIR"]), out)
    print(json.dumps({"backend": keras.backend.backend(), "results": out}))


def _check(out: dict[str, str | None], key: str, got: Any, want: Any) -> None:
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    if got.shape != want.shape:
        out[key] = f"{got.size} values, want {want.size}"
        return
    bad = np.flatnonzero(np.abs(got - want) > TOL["atol"] + TOL["rtol"] * np.abs(want))
    out[key] = None if not bad.size else f"{bad.size} differ, first at {bad[0]}: {got[bad[0]]} vs {want[bad[0]]}"


def _recorder() -> Any:
    """A callback keeping the rate each training step used (``w`` before minus ``w`` after)."""
    import keras
    from keras import ops

    class Used(keras.callbacks.Callback):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.rates: list[float] = []
            self.w = 0.0

        def _weight(self) -> float:
            if hasattr(self.model, "jax_state_sync"):
                self.model.jax_state_sync()
            return float(ops.convert_to_numpy(self.model.layers[-1].kernel)[0, 0])

        def on_train_begin(self, logs: Any = None) -> None:
            self.w = self._weight()

        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            w = self._weight()
            self.rates.append(self.w - w)
            self.w = w

    return Used()


def _model(learning_rate: Any) -> Any:
    import keras

    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, use_bias=False, kernel_initializer="zeros")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="mae")
    return model


def _data(n: int) -> tuple[np.ndarray, np.ndarray]:
    return np.ones((n, 1)), np.full((n, 1), -1e6)


def _fit(out: dict[str, str | None]) -> None:
    import lrdsl
    import lrdsl.keras

    # Per step: the schedule is the optimizer's learning rate; 32 samples in batches of 4 = 8 steps an epoch.
    sched = lrdsl.keras.schedule(STEP_EXPR, 40, 8)
    model, used = _model(sched), _recorder()
    model.fit(*_data(32), batch_size=4, epochs=5, verbose=0, shuffle=False, callbacks=[used])
    _check(out, "schedule:each step", used.rates, lrdsl.evaluate(STEP_EXPR, 40, 8))
    _check(out, "schedule:plan", sched.plan().values, lrdsl.evaluate(STEP_EXPR, 40, 8))

    # Per epoch, steps per epoch and total from model.fit: 30 samples in batches of 4 = 8 steps (the last of 2).
    cb, used = lrdsl.keras.callback(EPOCH_EXPR), _recorder()
    history = _model(1.0).fit(*_data(30), batch_size=4, epochs=6, verbose=0, shuffle=False, callbacks=[cb, used])
    at_epoch_start = lrdsl.evaluate(EPOCH_EXPR, 48, 8, steps=[8 * e for e in range(6)])
    _check(out, "callback:each step", used.rates, np.repeat(at_epoch_start, 8))
    _check(out, "callback:history", history.history["learning_rate"], at_epoch_start)
    _check(out, "callback:plan", cb.plan().values, np.repeat(at_epoch_start, 8))

    # Resumed with initial_epoch: the same rates as one run, when the total is given.
    cb, used = lrdsl.keras.callback(EPOCH_EXPR, total_epochs=6), _recorder()
    model = _model(1.0)
    model.fit(*_data(30), batch_size=4, epochs=3, verbose=0, shuffle=False, callbacks=[cb, used])
    model.fit(*_data(30), batch_size=4, epochs=6, initial_epoch=3, verbose=0, shuffle=False, callbacks=[cb, used])
    _check(out, "callback:resumed", used.rates, np.repeat(at_epoch_start, 8))

    # An explicit steps_per_epoch that is not Keras's batch count: epoch e starts at step ⌈2.5 e⌉.
    cb, used = lrdsl.keras.callback(EPOCH_EXPR, steps_per_epoch=2.5, total_epochs=6), _recorder()
    _model(1.0).fit(*_data(32), batch_size=4, epochs=6, verbose=0, shuffle=False, callbacks=[cb, used])
    starts = [0, 3, 5, 8, 10, 13]
    _check(out, "callback:fractional", used.rates, np.repeat(lrdsl.evaluate(EPOCH_EXPR, 15, 2.5, steps=starts), 8))


def _save(directory: Path, out: dict[str, str | None]) -> None:
    import lrdsl
    import lrdsl.keras

    model, used = _model(lrdsl.keras.schedule(STEP_EXPR, 40, 8)), _recorder()
    model.fit(*_data(32), batch_size=4, epochs=2, verbose=0, shuffle=False, callbacks=[used])
    _check(out, "saved:first 16 steps", used.rates, lrdsl.evaluate(STEP_EXPR, 40, 8)[:16])
    model.save(directory / "step.keras")


def _load(directory: Path, out: dict[str, str | None]) -> None:
    import keras

    import lrdsl
    import lrdsl.keras

    other, used_other = _model(lrdsl.keras.schedule(OTHER_EXPR, 16)), _recorder()
    model, used = keras.models.load_model(directory / "step.keras"), _recorder()
    other.fit(*_data(32), batch_size=4, epochs=2, verbose=0, shuffle=False, callbacks=[used_other])
    model.fit(*_data(32), batch_size=4, epochs=3, verbose=0, shuffle=False, callbacks=[used])
    _check(out, "reloaded:next 24 steps", used.rates, lrdsl.evaluate(STEP_EXPR, 40, 8)[16:])
    _check(out, "reloaded:other schedule", used_other.rates, lrdsl.evaluate(OTHER_EXPR, 16))
    config = model.optimizer.get_config()["learning_rate"]
    out["reloaded:config"] = None if config["config"]["schedule"] == STEP_EXPR else json.dumps(config)


if __name__ == "__main__":
    main()
