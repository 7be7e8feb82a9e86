"""The performance table of issue 19, every row next to its baseline, in one run.

    python -m benchmarks.report [--repeat 7] [--steps 1e7] [--markdown]

Each measurement is interleaved with its baseline (baseline, lrdsl, baseline, lrdsl, …) and the
best of ``--repeat`` of each is kept, so that load on a shared machine hits both alike. Rows:

1. ``evaluate`` of the design card vs the hand-written per-segment numpy form computed in place
   (``hand_b_in_place`` in benchmarks/evaluate.py: no temporary array);
2. ``cosine(0.1→1e-6) * restart(period=100)`` (1e5 cycles at 1e7 steps) vs ``np.mod`` + ``np.cos``;
3. ``lrdsl eval … --steps 10000 --format csv`` as a whole process vs ``python -c "import numpy"``
   (lrdsl's bytecode compiled first, as an installed package has it);
4. the generated Optax schedule, one scalar call under ``jax.jit``, vs ``optax.sgdr_schedule`` (and, as
   a supplement, per call inside one jitted ``fori_loop``: the computation without jit's dispatch);
5. the generated torch scheduler's ``step()`` vs ``CosineAnnealingWarmRestarts.step()``;
6. restarts with ``mult`` near 1 (``mult=1.001``, 4,600 cycles) vs the same restart with ``mult=2``.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable

import numpy as np

import lrdsl
from benchmarks.evaluate import B, hand_b, hand_b_in_place
from benchmarks.startup import COMMANDS, compiled, start

MANY = "cosine(0.1→1e-6) * restart(period=100)"
NEAR_ONE = "cosine(0.1→1e-6) * restart(period=100, mult=1.001)"
TWO = "cosine(0.1→1e-6) * restart(period=100, mult=2)"
SGDR = "cosine(0.1→0) * restart(period=1000, mult=2)"
TARGETS = {"design": 1.10, "many": 1.3, "cold": 2.0, "optax": 1.0, "optax-loop": 1.0, "torch": 0.85, "near1": 1.3}
"""The bound of each row's ratio. Cold start: 2.0, the bound for a start with one syntax tree (the
nodes are plain Python; no second tree of pydantic models is built)."""


def side_by_side(ours: Callable[[], object], base: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best seconds of ``ours`` and of ``base``, run alternately ``repeat`` times each (after a warm-up)."""
    ours(), base()
    best_ours = best_base = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        base()
        mid = time.perf_counter()
        ours()
        end = time.perf_counter()
        best_base, best_ours = min(best_base, mid - start), min(best_ours, end - mid)
    return best_ours, best_base


def hand_many(n: int) -> np.ndarray:
    """``cosine(0.1→1e-6) * restart(period=100)`` by hand: ``np.mod`` for the cycle, ``np.cos`` of its phase."""
    u = np.mod(np.arange(n, dtype=np.float64), 100.0)
    return 1e-6 + (0.1 - 1e-6) / 2 * (1 + np.cos(u * (np.pi / 100)))


def row_design(n: int, repeat: int) -> tuple[float, float]:
    """Row 1: the design card at ``n`` steps (100 epochs)."""
    spe = n / 100
    np.testing.assert_allclose(hand_b(n), lrdsl.evaluate(B, n, spe), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(hand_b_in_place(n), lrdsl.evaluate(B, n, spe), rtol=1e-9, atol=1e-12)
    return side_by_side(lambda: lrdsl.evaluate(B, n, spe), lambda: hand_b_in_place(n), repeat)


def row_many(n: int, repeat: int) -> tuple[float, float]:
    """Row 2: 1e5 cycles of 100 steps."""
    np.testing.assert_allclose(hand_many(n), lrdsl.evaluate(MANY, n), rtol=1e-9, atol=1e-12)
    return side_by_side(lambda: lrdsl.evaluate(MANY, n), lambda: hand_many(n), repeat)


def row_cold(repeat: int) -> tuple[float, float]:
    """Row 3: whole processes."""
    labels = list(COMMANDS)
    base, ours = COMMANDS[labels[0]], COMMANDS[labels[1]]
    env = compiled()
    return side_by_side(lambda: start(ours, env), lambda: start(base, env), repeat)


def row_optax(repeat: int) -> tuple[float, float]:
    """Row 4: one scalar call of a jitted schedule (dispatch included, as a training loop pays it)."""
    import jax
    import jax.numpy as jnp
    import optax

    n = 1_000_000
    cycles, length, total = [], 1000, 0
    while total < n:
        cycles.append(
            {"init_value": 0.1, "decay_steps": length, "warmup_steps": 0, "peak_value": 0.1, "end_value": 0.0}
        )
        total, length = total + length, length * 2
    ours = jax.jit(lrdsl.optax.schedule(SGDR, n))
    theirs = jax.jit(optax.sgdr_schedule(cycles))
    step = jnp.int32(n // 2)
    np.testing.assert_allclose(float(ours(step)), float(theirs(step)), rtol=1e-5)
    inner = 200  # calls per timing: one call is a few µs, below the timer's resolution on a busy machine

    def loop(fn: Callable[[object], object]) -> Callable[[], object]:
        def run() -> object:
            for _ in range(inner):
                out = fn(step)
            return out.block_until_ready()  # type: ignore[attr-defined]

        return run

    o, t = side_by_side(loop(ours), loop(theirs), repeat * 3)
    return o / inner, t / inner


def row_optax_loop(repeat: int) -> tuple[float, float]:
    """Row 4b: the same schedules called at every step of a jitted ``fori_loop`` (no dispatch: compute only)."""
    import jax
    import optax

    n, inner = 1_000_000, 100_000
    cycles, length, total = [], 1000, 0
    while total < n:
        cycles.append(
            {"init_value": 0.1, "decay_steps": length, "warmup_steps": 0, "peak_value": 0.1, "end_value": 0.0}
        )
        total, length = total + length, length * 2

    def looped(fn: Callable[[object], object]) -> Callable[[], object]:
        body = jax.jit(lambda: jax.lax.fori_loop(0, inner, lambda k, acc: acc + fn(k * 7), 0.0))
        return lambda: body().block_until_ready()

    o, t = side_by_side(looped(lrdsl.optax.schedule(SGDR, n)), looped(optax.sgdr_schedule(cycles)), repeat)
    return o / inner, t / inner


def row_torch(repeat: int) -> tuple[float, float]:
    """Row 5: ``scheduler.step()``, 20,000 steps per timing."""
    import torch

    from lrdsl.integrations.runtime import load_generated

    torch.set_num_threads(1)
    generated = load_generated(SGDR, "torch", 20000, None).Scheduler

    def stepping(make: Callable[[torch.optim.Optimizer], object]) -> Callable[[], object]:
        def run() -> object:
            opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
            sched = make(opt)
            for _ in range(20000):
                sched.step()  # type: ignore[attr-defined]
            return sched

        return run

    o, t = side_by_side(
        stepping(generated),
        stepping(lambda o: torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=1000, T_mult=2)),
        repeat,
    )
    return o / 20000, t / 20000


def row_near_one(n: int, repeat: int) -> tuple[float, float]:
    """Row 6: ``mult=1.001`` vs ``mult=2``, both evaluated by lrdsl."""
    return side_by_side(lambda: lrdsl.evaluate(NEAR_ONE, n), lambda: lrdsl.evaluate(TWO, n), repeat)


def _ms(seconds: float) -> str:
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.2f} µs" if seconds >= 1e-6 else f"{seconds * 1e9:.1f} ns"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--steps", type=float, default=1e7)
    parser.add_argument("--only", default="", help="comma-separated row keys: " + ",".join(TARGETS))
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    n, r = int(args.steps), args.repeat
    rows: dict[str, tuple[str, str, Callable[[], tuple[float, float]]]] = {
        "design": (
            "`evaluate`, design card, 1e7 steps",
            "hand-written per-segment numpy, in place",
            lambda: row_design(n, r),
        ),
        "many": (
            "`evaluate`, `cosine * restart(period=100)`, 1e7 steps",
            "`np.mod` + `np.cos`",
            lambda: row_many(n, r),
        ),
        "cold": (
            "`lrdsl eval … --steps 10000 --format csv` process",
            '`python -c "import numpy"`',
            lambda: row_cold(r),
        ),
        "optax": ("generated Optax, scalar call under `jax.jit`", "`optax.sgdr_schedule`", lambda: row_optax(r)),
        "optax-loop": (
            "the same, per call inside a jitted `fori_loop` (no dispatch)",
            "`optax.sgdr_schedule`",
            lambda: row_optax_loop(r),
        ),
        "torch": ("generated torch `step()`", "`CosineAnnealingWarmRestarts.step()`", lambda: row_torch(r)),
        "near1": (
            "`evaluate`, `restart(period=100, mult=1.001)`, 1e7",
            "the same with `mult=2`",
            lambda: row_near_one(n, r),
        ),
    }
    chosen = [k for k in args.only.split(",") if k] or list(rows)
    if args.markdown:
        print("| measure | lrdsl | baseline | ratio | target |")
        print("|---|---|---|---|---|")
    else:
        print(
            f"best of {r}, each interleaved with its baseline; python {sys.version.split()[0]}, numpy {np.__version__}"
        )
    for key in chosen:
        label, base_label, run = rows[key]
        ours, base = run()
        ratio = ours / base
        mark = "ok" if ratio <= TARGETS[key] else "MISSED"
        if args.markdown:
            print(f"| {label} | {_ms(ours)} | {base_label}: {_ms(base)} | **{ratio:.2f}×** | ≤ {TARGETS[key]:.2f}× |")
        else:
            print(
                f"{label:<58} {_ms(ours):>10}  {base_label:<40} {_ms(base):>10}  {ratio:5.2f}×  ≤{TARGETS[key]:.2f} {mark}"
            )
        sys.stdout.flush()


if __name__ == "__main__":
    main()
