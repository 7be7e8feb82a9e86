"""Train a small classifier on scikit-learn's digits with one lrdsl schedule in three frameworks.

    python examples/train_digits.py [--epochs 12] [--frameworks torch,keras,optax] [-o digits.png]

The schedule is generated as standalone code for PyTorch, Keras 3 (``KERAS_BACKEND``,
default jax) and Optax, each model is trained with it, and the loss and learning-rate curves
are plotted side by side. The learning rate each optimizer actually used is checked against
``lrdsl.evaluate``.
"""

from __future__ import annotations

import argparse
import math
import os
import types
from collections.abc import Callable

import numpy as np

import lrdsl
from lrdsl.integrations.runtime import load_generated

SCHEDULE = "warmup(linear, 1ep) >> cosine(0.05→1e-4) * restart(mult=2)"
BATCH = 32
Curves = tuple[list[float], list[float]]  # loss per step, lr per step


def load(target: str, total: int, spe: int) -> types.ModuleType:
    """The module ``lrdsl gen --target TARGET`` writes for SCHEDULE, imported."""
    return load_generated(SCHEDULE, target, total, spe)


def data() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 8×8 digits (shipped inside the package): features in [0, 1], labels 0–9."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    return (digits.data / 16.0).astype(np.float32), digits.target.astype(np.int64)


def batches(n: int, epochs: int, seed: int = 0) -> list[np.ndarray]:
    """Index batches for every step of the run."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(epochs):
        order = rng.permutation(n)
        out += [order[i : i + BATCH] for i in range(0, n, BATCH)]
    return out


def train_torch(x: np.ndarray, y: np.ndarray, steps: list[np.ndarray], total: int, spe: int) -> Curves:
    """An MLP with SGD + momentum, stepped by the generated ``Scheduler``."""
    import torch

    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10))
    opt = torch.optim.SGD(model.parameters(), lr=1.0, momentum=0.9)
    sched = load("torch", total, spe).Scheduler(opt)
    xs, ys = torch.from_numpy(x), torch.from_numpy(y)
    losses, lrs = [], []
    for idx in steps:
        lrs.append(opt.param_groups[0]["lr"])
        loss = torch.nn.functional.cross_entropy(model(xs[idx]), ys[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        losses.append(loss.item())
    return losses, lrs


def train_keras(x: np.ndarray, y: np.ndarray, steps: list[np.ndarray], total: int, spe: int) -> Curves:
    """The same MLP in Keras 3 with ``model.fit`` and the generated ``Schedule``."""
    os.environ.setdefault("KERAS_BACKEND", "jax")
    import keras

    keras.utils.set_random_seed(0)
    schedule = load("keras", total, spe).Schedule()
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(32, activation="relu"), keras.layers.Dense(10)])
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=schedule, momentum=0.9),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    losses: list[float] = []
    lrs: list[float] = []

    class Record(keras.callbacks.Callback):
        # The JAX trainer keeps variables outside the model during fit: count the steps here.
        def on_train_batch_begin(self, batch: int, logs: object = None) -> None:
            lrs.append(float(keras.ops.convert_to_numpy(schedule(len(lrs)))))

        def on_train_batch_end(self, batch: int, logs: dict[str, float] | None = None) -> None:
            losses.append(float((logs or {}).get("loss", math.nan)))

    for e in range(len(steps) // spe):
        part = np.concatenate(steps[e * spe : (e + 1) * spe])
        model.fit(x[part], y[part], batch_size=BATCH, epochs=1, shuffle=False, verbose=0, callbacks=[Record()])
    return losses, lrs


def train_optax(x: np.ndarray, y: np.ndarray, steps: list[np.ndarray], total: int, spe: int) -> Curves:
    """The same MLP in JAX with ``optax.sgd(schedule, momentum=0.9)``."""
    import jax
    import jax.numpy as jnp
    import optax

    schedule = load("optax", total, spe).schedule
    k1, k2 = jax.random.split(jax.random.PRNGKey(0))
    params = {
        "w1": jax.random.normal(k1, (64, 32)) * 0.125,
        "b1": jnp.zeros(32),
        "w2": jax.random.normal(k2, (32, 10)) * 0.18,
        "b2": jnp.zeros(10),
    }
    opt = optax.sgd(schedule, momentum=0.9)
    state = opt.init(params)

    def loss_fn(p: dict[str, jax.Array], xb: jax.Array, yb: jax.Array) -> jax.Array:
        logits = jax.nn.relu(xb @ p["w1"] + p["b1"]) @ p["w2"] + p["b2"]
        return optax.softmax_cross_entropy_with_integer_labels(logits, yb).mean()

    @jax.jit
    def update(p: dict[str, jax.Array], s: optax.OptState, xb: jax.Array, yb: jax.Array) -> tuple:
        loss, grads = jax.value_and_grad(loss_fn)(p, xb, yb)
        updates, s = opt.update(grads, s, p)
        return optax.apply_updates(p, updates), s, loss

    losses, lrs = [], []
    for t, idx in enumerate(steps):
        lrs.append(float(schedule(t)))
        params, state, loss = update(params, state, jnp.asarray(x[idx]), jnp.asarray(y[idx]))
        losses.append(float(loss))
    return losses, lrs


TRAINERS: dict[str, Callable[..., Curves]] = {"torch": train_torch, "keras": train_keras, "optax": train_optax}


def plot(curves: dict[str, Curves], reference: np.ndarray, path: str) -> None:
    """Loss and learning rate per step, one line per framework."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_loss, ax_lr) = plt.subplots(1, 2, figsize=(11, 4))
    for name, (losses, lrs) in curves.items():
        smooth = np.convolve(losses, np.ones(20) / 20, mode="valid")
        ax_loss.plot(smooth, label=name)
        ax_lr.plot(lrs, label=name, alpha=0.8)
    ax_lr.plot(reference, "k:", label="lrdsl.evaluate")
    ax_loss.set(title="training loss (20-step mean)", xlabel="step", yscale="log")
    ax_lr.set(title=SCHEDULE, xlabel="step", ylabel="learning rate")
    ax_loss.legend()
    ax_lr.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--frameworks", default="torch,keras,optax")
    parser.add_argument("-o", "--output", default="digits.png")
    args = parser.parse_args()
    x, y = data()
    spe = math.ceil(len(x) / BATCH)
    steps = batches(len(x), args.epochs)
    total = len(steps)
    reference = lrdsl.evaluate(SCHEDULE, total, spe)
    curves = {}
    for name in args.frameworks.split(","):
        losses, lrs = TRAINERS[name](x, y, steps, total, spe)
        gap = float(np.max(np.abs(np.array(lrs) - reference) / np.maximum(np.abs(reference), 1e-12)))
        print(
            f"{name}: {total} steps, loss {np.mean(losses[:spe]):.3f} -> {np.mean(losses[-spe:]):.3f}, "
            f"lr max relative gap to lrdsl {gap:.2e}"
        )
        curves[name] = (losses, lrs)
    plot(curves, reference, args.output)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
