"""Run in its own process (paddle must not share a process with tensorflow): from_paddle on real schedulers.

Each case builds a ``paddle.optimizer.lr`` scheduler, imports it, and compares the expression with Paddle's
own ``last_lr`` over every step. Prints one JSON object {case: null if it matches, else a message}.
Usage: python -m tests.paddle_import_worker (tests/test_import_paddle.py runs it).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from tests.parity.paddle_rows import ROWS, N

CASES: list[tuple[str, Callable[[Any], Any]]] = [
    ("StepDecay", lambda L: L.StepDecay(0.1, 7, 0.5)),
    ("MultiStepDecay", lambda L: L.MultiStepDecay(0.1, [10, 50, 90], 0.3)),
    ("NaturalExpDecay", lambda L: L.NaturalExpDecay(0.1, 0.01)),
    ("InverseTimeDecay", lambda L: L.InverseTimeDecay(0.1, 0.05)),
    ("ExponentialDecay", lambda L: L.ExponentialDecay(0.1, 0.98)),
    ("CosineAnnealingDecay shorter than the run", lambda L: L.CosineAnnealingDecay(0.1, 50, 1e-3)),
    ("LinearLR", lambda L: L.LinearLR(0.1, 40, 0.2, 0.9)),
    ("CosineAnnealingWarmRestarts", lambda L: L.CosineAnnealingWarmRestarts(0.1, 10, 2, 1e-4)),
    ("CosineAnnealingWarmRestarts T_mult=1", lambda L: L.CosineAnnealingWarmRestarts(0.05, 17)),
    ("CyclicLR exp_range unequal", lambda L: L.CyclicLR(1e-3, 0.1, 10, 20, mode="exp_range", exp_gamma=0.99)),
    ("CyclicLR exp_range", lambda L: L.CyclicLR(1e-3, 0.1, 15, mode="exp_range", exp_gamma=0.995)),
    ("LambdaDecay", lambda L: L.LambdaDecay(0.1, lambda e: 0.9**e)),
    ("MultiplicativeDecay", lambda L: L.MultiplicativeDecay(0.1, lambda e: 0.95)),
    ("LinearWarmup into StepDecay", lambda L: L.LinearWarmup(L.StepDecay(0.1, 30, 0.5), 20, 0.0, 0.1)),
    ("NoamDecay learning_rate 2", lambda L: L.NoamDecay(256, 25, learning_rate=2.0)),
    ("PiecewiseDecay float boundary", lambda L: L.PiecewiseDecay([10.5, 40], [0.1, 0.05, 0.01])),
    ("PolynomialDecay defaults", lambda L: L.PolynomialDecay(0.1, 150)),
    ("OneCycleLR linear", lambda L: L.OneCycleLR(0.2, N, anneal_strategy="linear", phase_pct=0.4)),
]
SPECS: list[tuple[str, Callable[[Any], Any]]] = [
    ("CosineAnnealingDecay(learning_rate=0.1, T_max=300)", lambda L: L.CosineAnnealingDecay(0.1, 300)),
    (
        "LinearWarmup(learning_rate=PolynomialDecay(0.1, 270, end_lr=0.0), warmup_steps=30, start_lr=0.0, end_lr=0.1)",
        lambda L: L.LinearWarmup(L.PolynomialDecay(0.1, 270, end_lr=0.0), 30, 0.0, 0.1),
    ),
    (
        "paddle.optimizer.lr.OneCycleLR(0.1, 300, end_learning_rate=1e-5)",
        lambda L: L.OneCycleLR(0.1, 300, end_learning_rate=1e-5),
    ),
    ("PiecewiseDecay([100, 200], [0.1, 0.01, 0.001])", lambda L: L.PiecewiseDecay([100, 200], [0.1, 0.01, 0.001])),
]


def _values(sched: Any, n: int) -> np.ndarray:
    seen = []
    for _ in range(n):
        seen.append(sched.last_lr)
        sched.step()
    return np.array(seen, dtype=float)


def main() -> None:
    import paddle

    import lrdsl
    from lrdsl.importers import import_spec

    L = paddle.optimizer.lr
    out: dict[str, str | None] = {}

    def check(key: str, expr: str, make: Callable[[Any], Any]) -> None:
        got, want = lrdsl.evaluate(expr, N), _values(make(L), N)
        bad = np.flatnonzero(np.abs(got - want) > 1e-15 + 1e-9 * np.abs(want))
        out[key] = (
            None if not bad.size else f"{expr}: first at {bad[0]}: lrdsl {got[bad[0]]!r}, paddle {want[bad[0]]!r}"
        )

    for case, make in [*((r[0], r[1]) for r in ROWS), *CASES]:
        try:
            check(case, lrdsl.from_paddle(make(L), total_steps=N), make)
            sched = make(L)  # mid-run: the whole schedule, and the object left where it was
            for _ in range(37):
                sched.step()
            lr = sched.last_lr
            check(case + " mid-run", lrdsl.from_paddle(sched, total_steps=N), make)
            out[case + " untouched"] = None if (sched.last_epoch, sched.last_lr) == (37, lr) else "stepped"
        except lrdsl.LrdslError as err:
            out[case] = str(err)
    for spec, make in SPECS:
        try:
            check(spec, import_spec("paddle", spec, total_steps=N), make)
        except lrdsl.LrdslError as err:
            out[spec] = str(err)
    try:
        lrdsl.from_paddle(L.ReduceOnPlateau(0.1))
        out["ReduceOnPlateau"] = "imported"
    except lrdsl.LrdslError as err:
        out["ReduceOnPlateau"] = None if "follows a metric" in str(err) else str(err)
    covered = set(lrdsl.importers.paddle.SIGNATURES) | set(lrdsl.importers.paddle.REFUSED)
    classes = {
        n for n, c in vars(L).items() if isinstance(c, type) and issubclass(c, L.LRScheduler) and c is not L.LRScheduler
    }
    out["every class"] = None if classes == covered else f"not covered: {sorted(classes - covered)}"
    print(json.dumps({"version": paddle.__version__, "results": out}))


if __name__ == "__main__":
    sys.exit(main())
