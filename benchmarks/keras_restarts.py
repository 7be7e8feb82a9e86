"""Where restarts fall at millions of steps: Keras' CosineDecayRestarts vs lrdsl, one run.

    KERAS_BACKEND=jax python benchmarks/keras_restarts.py

First cycle 1000 steps, doubling: cycle i starts at step 1000·(2ⁱ − 1). A correct schedule is
≈0 the step before a start and 1 at it. Keras computes the cycle in float32.
"""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras
from keras import ops

import lrdsl


def main() -> None:
    keras_sched = keras.optimizers.schedules.CosineDecayRestarts(1.0, first_decay_steps=1000, t_mul=2.0)
    generated = lrdsl.keras.schedule("cosine(1→0) * restart(period=1000, mult=2)", 2**31 - 1)
    print(f"{'cycle start':>12} {'':>6} {'step−1':>7} {'step':>7} {'step+1':>7}")
    for i in (10, 11, 12, 13, 15, 20):
        start = 1000 * (2**i - 1)
        steps = (start - 1, start, start + 1)
        for name, fn in (("keras", keras_sched), ("lrdsl", generated)):
            values = [float(ops.convert_to_numpy(fn(t))) for t in steps]
            print(f"{start:>12} {name:>6} " + " ".join(f"{v:7.3f}" for v in values))


if __name__ == "__main__":
    main()
