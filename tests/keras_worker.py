"""Run in a fresh process with KERAS_BACKEND set: check the keras target on every case.

Prints one JSON object: {case id: null if it matches, else a message}.
Usage: python -m tests.keras_worker  (reads the backend from KERAS_BACKEND)
"""

from __future__ import annotations

import json
import sys

import numpy as np


def main() -> None:
    import keras
    from keras import ops

    if keras.backend.backend() == "torch":
        # Seen twice in ~15 full test runs, never alone: the first call of the design card on 5,000
        # steps gave wrong values from the middle of the array on (2 threads), and an identical
        # second call the right ones. Generated code is the same text every time, so this is
        # torch's intra-op parallelism, not the schedule; a training loop calls the schedule on one
        # step, which never runs in parallel. One thread keeps the check about lrdsl's numbers, and
        # the second call below still reports any call that varies.
        import torch

        torch.set_num_threads(1)

    import lrdsl
    from lrdsl.api import generate
    from tests.frameworks import load
    from tests.gen_cases import BIG, F32, cases

    out: dict[str, str | None] = {}

    def check(key: str, got: np.ndarray, want: np.ndarray, again: np.ndarray | None = None) -> None:
        bad = np.flatnonzero(np.abs(got - want) > F32["atol"] + F32["rtol"] * np.abs(want))
        if not bad.size:
            out[key] = None
            return
        i = bad[0]
        message = f"{bad.size} differ, first at {i}: {got[i]} vs {want[i]}; steps {bad[:8].tolist()}"
        if again is not None:  # the same call made twice: tells a wrong formula from a framework that varies
            message += f"; a second identical call {'gives the same' if np.array_equal(got, again) else 'differs'}"
            message += f" ({again[i]} at {i}); {runtime()}"
        out[key] = message

    for case in cases():
        n, spe = case["steps"], case["steps_per_epoch"]
        mod = load(generate(case["expr"], "keras", n, spe), "keras_target")
        sched = mod.Schedule()
        got = np.asarray(ops.convert_to_numpy(sched(ops.arange(n, dtype="int32"))), dtype=np.float64)
        again = np.asarray(ops.convert_to_numpy(sched(ops.arange(n, dtype="int32"))), dtype=np.float64)
        check(case["id"], got, lrdsl.evaluate(case["expr"], n, spe), again)
        clone = type(sched).from_config(sched.get_config())
        got = np.asarray(ops.convert_to_numpy(clone(ops.convert_to_tensor([0, n // 2, n + 3]))), dtype=np.float64)
        check(case["id"] + ":from_config", got, lrdsl.evaluate(case["expr"], n, spe, steps=[0, n // 2, n + 3]))

    for name, expr, total, steps in BIG:
        sched = load(generate(expr, "keras", total), "keras_big").Schedule()
        got = np.asarray(ops.convert_to_numpy(sched(ops.convert_to_tensor(steps, dtype="int32"))), dtype=np.float64)
        check("big:" + name, got, lrdsl.evaluate(expr, total, steps=steps))

    # Once inside model.fit on a tiny model: the optimizer's lr follows the schedule.
    expr = "warmup(linear, 2ep) >> cosine(0.1→1e-3) * restart(mult=2)"
    sched = load(generate(expr, "keras", 200, 10), "keras_fit").Schedule()
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=sched), loss="mse")
    x, y = np.random.default_rng(0).normal(size=(40, 4)), np.zeros((40, 1))
    model.fit(x, y, batch_size=4, epochs=3, verbose=0)
    iterations = int(ops.convert_to_numpy(model.optimizer.iterations))
    lr_now = float(ops.convert_to_numpy(model.optimizer.learning_rate))
    check("model.fit", np.array([iterations, lr_now]), np.array([30.0, lrdsl.evaluate(expr, 200, 10, steps=[30])[0]]))
    print(json.dumps({"backend": keras.backend.backend(), "results": out}))


def runtime() -> str:
    """The backend's build and CPU dispatch, for a report of a mismatch."""
    import keras

    text = f"keras {keras.__version__} on {keras.backend.backend()}"
    if keras.backend.backend() == "torch":
        import torch

        text += (
            f", torch {torch.__version__}, {torch.backends.cpu.get_cpu_capability()}, {torch.get_num_threads()} threads"
        )
    return text


if __name__ == "__main__":
    sys.exit(main())
