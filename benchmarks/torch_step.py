"""Per-step cost of the generated PyTorch scheduler vs PyTorch's own, in one run.

    python benchmarks/torch_step.py [--steps 20000] [--repeat 5]

Both drive the same SGD optimizer through ``scheduler.step()`` for the same SGDR
schedule (first cycle 1000 steps, doubling); the best of ``--repeat`` runs is kept.
"""

from __future__ import annotations

import argparse
import time

import torch

import lrdsl
from lrdsl.integrations.runtime import load_generated

EXPR = "cosine(0.1→0) * restart(period=1000, mult=2)"
WARMUP = "warmup(linear, 5ep) >> cosine(0.1→1e-6) * restart(mult=2)"


def _per_step(make: object, steps: int, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        param = torch.nn.Parameter(torch.zeros(1))
        opt = torch.optim.SGD([param], lr=0.1)
        sched = make(opt)  # type: ignore[operator]
        start = time.perf_counter()
        for _ in range(steps):
            sched.step()
        best = min(best, (time.perf_counter() - start) / steps)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(1)

    def generated(expr: str, total: int, spe: float | None = None) -> object:
        return load_generated(expr, "torch", total, spe).Scheduler

    ours = _per_step(generated(EXPR, args.steps), args.steps, args.repeat)
    theirs = _per_step(
        lambda o: torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=1000, T_mult=2), args.steps, args.repeat
    )
    design = _per_step(generated(WARMUP, args.steps, 50), args.steps, args.repeat)
    print(f"torch {torch.__version__}, lrdsl {lrdsl.__version__}, {args.steps} steps, best of {args.repeat}")
    print(f"{'scheduler.step()':<58} {'µs/step':>8} {'ratio':>6}")
    print(f"{'CosineAnnealingWarmRestarts(T_0=1000, T_mult=2)':<58} {theirs * 1e6:8.2f} {1.0:6.2f}")
    print(f"{'lrdsl gen --target torch ' + repr(EXPR):<58} {ours * 1e6:8.2f} {ours / theirs:6.2f}")
    print(f"{'lrdsl gen --target torch (design card)':<58} {design * 1e6:8.2f} {design / theirs:6.2f}")


if __name__ == "__main__":
    main()
