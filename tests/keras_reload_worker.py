"""Keras schedules reload as themselves: two schedules in one process, and a saved model in a fresh one.

Run in a process of its own with KERAS_BACKEND set, twice: ``LRDSL_KERAS_MODE=save`` builds two
different schedules (``lrdsl.keras.schedule`` and generated standalone code, both with the same
class name), checks a round trip through Keras serialization in this process and saves models
into ``LRDSL_KERAS_DIR``; ``LRDSL_KERAS_MODE=load`` then loads those models in a fresh process.
``keras-first`` and ``lrdsl-first`` load them after ``import keras, lrdsl`` or ``import lrdsl``
then ``import keras``, without importing ``lrdsl.keras``: ``import lrdsl`` registers the class.
Prints one JSON object: {check: null if it matches, else a message}.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

FIRST = ("warmup(linear, 10) >> cosine(0.1→1e-3) * restart(mult=2)", 100)
SECOND = ("linear(0.1→0.05)", 100)
PARAMS = ("cosine($peak→0, 80) >> const(1e-3)", 100)
BOUND = {"peak": 0.2}
STEPS = [0, 5, 17, 30, 64, 99, 150]
TOL = {"rtol": 1e-5, "atol": 1e-7}


def main() -> None:
    mode = os.environ["LRDSL_KERAS_MODE"]
    if mode == "lrdsl-first":
        import lrdsl  # before Keras, which it must not import

        assert "keras" not in sys.modules
    import keras

    if mode == "keras-first":
        import lrdsl  # noqa: F401

    directory = Path(os.environ["LRDSL_KERAS_DIR"])
    sys.path.insert(0, str(directory))
    out: dict[str, str | None] = {}
    if mode == "save":
        _save(directory, out)
    elif mode == "load":
        _load(directory, out)
    else:
        _load_without_lrdsl_keras(directory, out, mode)
    print(json.dumps({"backend": keras.backend.backend(), "results": out}))


def _values(schedule: Any) -> np.ndarray:
    from keras import ops

    got = schedule(ops.convert_to_tensor(STEPS, dtype="int32"))
    return np.asarray(ops.convert_to_numpy(got), dtype=np.float64)


def _want(expr: str, total: int, params: dict[str, float] | None = None) -> np.ndarray:
    import lrdsl

    return lrdsl.evaluate(expr, total, steps=STEPS, params=params)


def _check(out: dict[str, str | None], key: str, got: np.ndarray, want: np.ndarray) -> None:
    ok = np.allclose(got, want, **TOL)
    out[key] = None if ok else f"got {got.tolist()}, want {want.tolist()}"


def _optimizer_values(model: Any) -> np.ndarray:
    """The learning rate the loaded model's optimizer gives at each of ``STEPS``."""
    from keras import ops

    seen = []
    for step in STEPS:
        model.optimizer.iterations.assign(step)
        seen.append(float(ops.convert_to_numpy(model.optimizer.learning_rate)))
    return np.array(seen)


def _model(schedule: Any) -> Any:
    import keras

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=schedule), loss="mse")
    return model


def _save(directory: Path, out: dict[str, str | None]) -> None:
    import keras

    import lrdsl
    import lrdsl.keras
    from lrdsl.api import generate

    # lrdsl.keras.schedule: two schedules alive at once, each reloads as itself.
    first = lrdsl.keras.schedule(*FIRST)
    second = lrdsl.keras.schedule(*SECOND)
    with_params = lrdsl.keras.schedule(*PARAMS, params=BOUND)
    for key, sched, want in [
        ("adapter:first", first, _want(*FIRST)),
        ("adapter:second", second, _want(*SECOND)),
        ("adapter:params", with_params, _want(*PARAMS, BOUND)),
    ]:
        again = keras.saving.deserialize_keras_object(
            json.loads(json.dumps(keras.saving.serialize_keras_object(sched)))
        )
        _check(out, key, _values(again), want)
        _check(out, key + ":from_config", _values(type(sched).from_config(sched.get_config())), want)

    # Generated standalone code: two files that both name their class Warm.
    for module, (expr, total) in [("gen_first", FIRST), ("gen_second", SECOND)]:
        (directory / f"{module}.py").write_text(generate(expr, "keras", total, name="Warm"), encoding="utf-8")
    gen_first = importlib.import_module("gen_first")
    gen_second = importlib.import_module("gen_second")
    for key, sched, want in [
        ("generated:first", gen_first.Warm(), _want(*FIRST)),
        ("generated:second", gen_second.Warm(), _want(*SECOND)),
    ]:
        again = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(sched))
        _check(out, key, _values(again), want)

    # Saved models, loaded in this process now and in a fresh one by _load.
    for name, sched, want in [
        ("adapter", first, _want(*FIRST)),
        ("params", with_params, _want(*PARAMS, BOUND)),
        ("generated", gen_first.Warm(), _want(*FIRST)),
    ]:
        path = directory / f"{name}.keras"
        _model(sched).save(path)
        _check(out, f"saved:{name}", _optimizer_values(keras.models.load_model(path)), want)


def _load(directory: Path, out: dict[str, str | None]) -> None:
    import keras

    import lrdsl.keras  # noqa: F401 - registers lrdsl>Schedule (Keras is already imported)

    for module in ("gen_second", "gen_first"):  # the last one imported must not win
        importlib.import_module(module)
    for name, want in [("adapter", _want(*FIRST)), ("params", _want(*PARAMS, BOUND)), ("generated", _want(*FIRST))]:
        model = keras.models.load_model(directory / f"{name}.keras")
        _check(out, f"fresh:{name}", _optimizer_values(model), want)


def _load_without_lrdsl_keras(directory: Path, out: dict[str, str | None], mode: str) -> None:
    import keras

    for name, want in [("adapter", _want(*FIRST)), ("params", _want(*PARAMS, BOUND))]:
        model = keras.models.load_model(directory / f"{name}.keras")
        _check(out, f"{mode}:{name}", _optimizer_values(model), want)


if __name__ == "__main__":
    sys.exit(main())
