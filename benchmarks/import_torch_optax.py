"""Import times of PyTorch and Optax schedules, short and very long, with the work each check did.

    python benchmarks/import_torch_optax.py [--repeat 3]

Each row is one ``lrdsl import`` (``lrdsl.importers.import_spec``) or ``from_torch``/``from_optax`` call: its best
wall time of ``--repeat`` (after one warm-up call, so imports of the libraries and JIT compilation are not
counted), and the library values its checks compared. A run longer than ``MAX_STEPPED`` steps is checked at a
bounded set of steps with the library's closed form, so the values compared stay below that count whatever the
run's length; the time of a 10⁹-step import is then of the order of a 10⁵-step one.
"""

from __future__ import annotations

import argparse
import warnings
from collections.abc import Callable
from typing import Any

from benchmarks.evaluate import best

ROWS: list[tuple[str, str, str]] = [
    ("torch", "StepLR", "StepLR(lr=0.1, step_size=30)"),
    ("torch", "OneCycleLR 1e3", "OneCycleLR(max_lr=0.1, total_steps=1000)"),
    ("torch", "OneCycleLR 1e5", "OneCycleLR(max_lr=0.1, total_steps=100000)"),
    ("torch", "OneCycleLR 1e9", "OneCycleLR(max_lr=0.1, total_steps=1000000000)"),
    ("torch", "warm restarts T_0=1e6, T_mult=2", "CosineAnnealingWarmRestarts(lr=0.1, T_0=1000000, T_mult=2)"),
    ("torch", "LinearLR total_iters=1e9", "LinearLR(lr=0.1, total_iters=1000000000)"),
    (
        "torch",
        "SequentialLR to 1e8",
        "SequentialLR(schedulers=[LinearLR(lr=0.1, total_iters=1000000), CosineAnnealingLR(T_max=100000000)],"
        " milestones=[1000000])",
    ),
    ("optax", "cosine_decay 1e3", "optax.cosine_decay_schedule(0.1, 1000)"),
    ("optax", "linear 1e9", "optax.linear_schedule(0.1, 0.0, 1000000000)"),
    ("optax", "warmup cosine to 2e9", "optax.warmup_cosine_decay_schedule(0.0, 0.1, 1000000, 2000000000)"),
]
"""(framework, label, SPEC)."""


def _objects() -> list[tuple[str, str, Callable[[], str]]]:
    """Rows that import live objects: a fresh LambdaLR sampled over 10⁵ steps, an Optax cosine over 10⁹ + 1."""
    import optax  # type: ignore[import-untyped]
    import torch

    import lrdsl

    def lambda_lr() -> str:
        opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda e: 0.5 ** (e // 10_000))
        return str(lrdsl.from_torch(sched, total_steps=100_000))

    def giant() -> str:
        return str(lrdsl.from_optax(optax.cosine_decay_schedule(1000.0, int(1e10)), total_steps=10**9 + 1))

    return [("torch", "LambdaLR sampled 1e5 (fitted)", lambda_lr), ("optax", "cosine_decay 1e10, run 1e9+1", giant)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import optax
    import torch

    from lrdsl.importers import import_spec
    from lrdsl.importers.common import MAX_STEPPED
    from lrdsl.importers.verify import recording

    def spec_call(framework: str, spec: str) -> Callable[[], str]:
        return lambda: import_spec(framework, spec)

    calls: list[tuple[str, str, Callable[[], Any]]] = [(fw, label, spec_call(fw, spec)) for fw, label, spec in ROWS]
    calls += _objects()
    print(f"torch {torch.__version__}, optax {optax.__version__}; best of {args.repeat} after a warm-up call")
    print(f"a run over {MAX_STEPPED:,} steps is checked at a bounded set of steps (the library's closed form)")
    print(f"{'framework':<7} {'case':<34} {'seconds':>8} {'values compared':>16}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for fw, label, call in calls:
            with recording() as seen:
                call()
            compared = max((len(result.b) for _, result in seen), default=0)
            seconds = best(call, args.repeat)
            print(f"{fw:<7} {label:<34} {seconds:>8.3f} {compared:>16,}")


if __name__ == "__main__":
    main()
