"""Run in a fresh process with KERAS_BACKEND set: a schedule set drives a Keras optimizer inside model.fit.

Prints one JSON object: {"backend": …, "results": {check: null if it matches, else a message}}.
Usage: python -m tests.keras_sets_worker  (reads the backend from KERAS_BACKEND)
"""

from __future__ import annotations

import json
import sys
from typing import Any

import numpy as np

SET = """lr:            warmup(linear, 20) >> cosine(1e-2→1e-3)
weight_decay:  linear(0.1→0.01)
betas[1]:      linear(0.95→0.99, 10%) >> hold()
ema:           fn(min(0.9999, (1 + t) / (10 + t)))
loss.kl:       linear(0→1, 50)"""
TOTAL = 100
F32 = {"rtol": 1e-6, "atol": 1e-7}


def main() -> None:
    import keras
    from keras import ops

    import lrdsl
    import lrdsl.keras

    out: dict[str, str | None] = {}

    def check(key: str, got: Any, want: Any) -> None:
        got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
        bad = np.flatnonzero(np.abs(got - want) > F32["atol"] + F32["rtol"] * np.abs(want))
        out[key] = None if got.shape == want.shape and not bad.size else f"got {got[:8]} want {want[:8]}"

    class Recording(keras.optimizers.AdamW):
        """AdamW that writes, inside its compiled update, the beta_2 and weight decay the update reads."""

        def build(self, variables: Any) -> None:
            super().build(variables)
            self.used = [self.add_variable((), name=f"used_{k}") for k in ("beta_2", "weight_decay")]

        def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
            self.assign(self.used[0], ops.cast(self.beta_2, "float32"))
            self.assign(self.used[1], ops.cast(self.weight_decay, "float32"))
            super().update_step(gradient, variable, learning_rate)

    seen: dict[str, list[float]] = {"beta_2": [], "weight_decay": [], "learning_rate": []}

    class Read(keras.callbacks.Callback):
        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            opt = self.model.optimizer
            seen["beta_2"].append(float(ops.convert_to_numpy(opt.used[0])))
            seen["weight_decay"].append(float(ops.convert_to_numpy(opt.used[1])))

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    opt = lrdsl.keras.optimizer(Recording, SET, total_steps=TOTAL)
    model.compile(optimizer=opt, loss="mse")  # no run_eagerly: the compiled step
    x, y = np.random.default_rng(0).normal(size=(40, 4)), np.ones((40, 1))
    model.fit(x, y, batch_size=4, epochs=3, verbose=0, callbacks=[Read()])
    steps = np.arange(30)
    check("iterations", [int(ops.convert_to_numpy(opt.iterations))], [30])
    check("beta_2", seen["beta_2"], lrdsl.evaluate(SET, TOTAL, steps=steps, member="betas[1]"))
    check("weight_decay", seen["weight_decay"], lrdsl.evaluate(SET, TOTAL, steps=steps, member="weight_decay"))
    check("learning_rate", [float(ops.convert_to_numpy(opt.learning_rate))], lrdsl.evaluate(SET, TOTAL, steps=[30]))
    check("config", [opt.get_config()["beta_2"]], lrdsl.evaluate(SET, TOTAL, steps=[30], member="betas[1]"))
    saved_model(model, out, check)
    others = lrdsl.keras.schedules(SET, TOTAL)
    for name in ("ema", "loss.kl"):
        got = ops.convert_to_numpy(others[name](ops.arange(TOTAL, dtype="int32")))
        check(name, got, lrdsl.evaluate(SET, TOTAL, member=name))

    # SGD whose momentum starts at 0: slots exist, and the first steps are plain SGD.
    momentum = "lr: 0.05\nmomentum: linear(0→0.9, 4) >> hold()"
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, use_bias=False)])
    sgd = lrdsl.keras.optimizer(keras.optimizers.SGD, momentum, total_steps=TOTAL)
    model.compile(optimizer=sgd, loss="mse")
    w0 = np.asarray(ops.convert_to_numpy(model.layers[0].kernel), dtype=np.float64)
    model.fit(x[:8], y[:8], batch_size=8, epochs=6, verbose=0, shuffle=False)
    check("sgd:slots", [len(sgd.momentums)], [1])
    got = np.asarray(ops.convert_to_numpy(model.layers[0].kernel), dtype=np.float64)
    check(
        "sgd:weights", got.ravel(), sgd_reference(w0, x[:8], y[:8], lrdsl.evaluate(momentum, TOTAL, member="momentum"))
    )
    refusals(out)
    print(json.dumps({"backend": keras.backend.backend(), "results": out}))


def saved_model(model: Any, out: dict[str, str | None], check: Any) -> None:
    """A model saved after 30 steps reloads with the Keras class, each member fixed at its value at step 30."""
    import os
    import tempfile

    import keras

    import lrdsl

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.keras")
        model.save(path)
        reloaded = keras.models.load_model(path, custom_objects={"Recording": type(model.optimizer).__mro__[1]})
    opt = reloaded.optimizer
    out["reload:class"] = (
        None if type(opt).__name__ == "Recording" and "_lrdsl_members" not in vars(opt) else str(type(opt))
    )
    at = {"beta_2": "betas[1]", "weight_decay": "weight_decay"}
    got = [float(getattr(opt, name)) for name in at]
    check("reload:members", got, [lrdsl.evaluate(SET, TOTAL, steps=[30], member=m)[0] for m in at.values()])


def refusals(out: dict[str, str | None]) -> None:
    """A reserved member the class lacks, and a keyword the set already gives, are LrdslErrors."""
    import keras

    import lrdsl.keras
    from lrdsl.errors import LrdslError

    for key, cls, text, kwargs, start in (
        (
            "refuse:momentum",
            keras.optimizers.AdamW,
            "lr: 1e-3\nmomentum: 0.9",
            {},
            "2:1: error: member 'momentum': keras AdamW has no argument 'momentum'",
        ),
        ("refuse:dampening", keras.optimizers.SGD, "lr: 1e-3\ndampening: 0.1", {}, "2:1: error: member 'dampening'"),
        ("refuse:twice", keras.optimizers.AdamW, "lr: 1e-3\nweight_decay: 0.1", {"weight_decay": 0.1}, "error: weight"),
    ):
        try:
            lrdsl.keras.optimizer(cls, text, total_steps=10, **kwargs)
            out[key] = "accepted"
        except LrdslError as err:
            out[key] = None if str(err).startswith(start) else str(err)


def sgd_reference(w: np.ndarray, x: np.ndarray, y: np.ndarray, momentum: np.ndarray) -> np.ndarray:
    """Six full-batch steps of SGD on the mean squared error with momentum ``μ_t``: ``m ← μ_t·m − lr·g``, ``w ← w + m``."""
    m = np.zeros_like(w)
    for t in range(6):
        g = 2 * x.T @ (x @ w - y) / len(x)
        m = momentum[t] * m - 0.05 * g
        w = w + m
    return w.ravel()


if __name__ == "__main__":
    sys.exit(main())
