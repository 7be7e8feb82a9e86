"""PaddlePaddle's ``paddle.optimizer.lr`` schedulers next to their lrdsl expressions.

Run in its own process (``python -m tests.parity.paddle_rows``): prints one JSON object
{row: null if it matches over every step, else a message}. tests/parity/test_paddle.py runs it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

import numpy as np

N = 300
ROWS: list[tuple[str, Callable[[Any], Any], str]] = [
    (
        "NoamDecay",
        lambda L: L.NoamDecay(d_model=512, warmup_steps=40),
        "512 ** -0.5 * min(linear(0→40 ** -0.5, 40) >> 1, rsqrt(40 ** -0.5, warmup=40))",
    ),
    (
        "LinearWarmup",
        lambda L: L.LinearWarmup(learning_rate=0.1, warmup_steps=30, start_lr=0.0, end_lr=0.1),
        "linear(0→0.1, 30) >> const(0.1)",
    ),
    (
        "LinearWarmup into a schedule",
        lambda L: L.LinearWarmup(
            learning_rate=L.CosineAnnealingDecay(0.1, T_max=N - 30), warmup_steps=30, start_lr=0.0, end_lr=0.1
        ),
        "linear(0→0.1, 30) >> cosine(0.1→0, 270)",
    ),
    (
        "PiecewiseDecay",
        lambda L: L.PiecewiseDecay(boundaries=[100, 200], values=[0.1, 0.01, 1e-3]),
        "piecewise([0.1, 0.01, 1e-3], at=[100, 200])",
    ),
    (
        "PolynomialDecay",
        lambda L: L.PolynomialDecay(0.1, decay_steps=200, end_lr=1e-4, power=2.0),
        "poly(0.1→1e-4, 200, power=2)",
    ),
    (
        "PolynomialDecay cycle",
        lambda L: L.PolynomialDecay(0.1, decay_steps=80, end_lr=1e-4, power=1.0, cycle=True),
        "poly(0.1→1e-4, 80, power=1, cycle=true)",
    ),
    ("OneCycleLR", lambda L: L.OneCycleLR(max_learning_rate=0.1, total_steps=N), "onecycle(0.1, final_div=40)"),
    (
        "OneCycleLR linear three-phase",
        lambda L: L.OneCycleLR(
            max_learning_rate=0.1,
            total_steps=N,
            divide_factor=10,
            end_learning_rate=1e-5,
            phase_pct=0.25,
            anneal_strategy="linear",
            three_phase=True,
        ),
        "onecycle(0.1, pct=0.25, div=10, final_div=1000, anneal=linear, three_phase=true)",
    ),
    (
        "CyclicLR",
        lambda L: L.CyclicLR(base_learning_rate=1e-3, max_learning_rate=0.1, step_size_up=25),
        "cyclic(1e-3→0.1, half=25)",
    ),
    (
        "CyclicLR triangular2",
        lambda L: L.CyclicLR(1e-3, 0.1, step_size_up=25, mode="triangular2"),
        "cyclic(1e-3→0.1, half=25, mode=triangular2)",
    ),
]


def main() -> None:
    """Compare every row; with ``LRDSL_PADDLE_VALUES=1`` also print each row's values (``"values"``)."""
    import paddle

    import lrdsl

    out: dict[str, str | None] = {}
    values: dict[str, list[float]] = {}
    for row, make, expr in ROWS:
        sched = make(paddle.optimizer.lr)
        seen = []
        for _ in range(N):
            seen.append(sched.last_lr)  # what the optimizer uses for this step
            sched.step()
        got, want = np.array(seen, dtype=float), lrdsl.evaluate(expr, N)
        values[row] = got.tolist()
        bad = np.flatnonzero(np.abs(got - want) > 1e-12 + 1e-9 * np.abs(want))
        out[row] = None if not bad.size else f"first at step {bad[0]}: paddle {got[bad[0]]!r}, lrdsl {want[bad[0]]!r}"
    report: dict[str, object] = {"version": paddle.__version__, "results": out}
    if os.environ.get("LRDSL_PADDLE_VALUES") == "1":
        report["values"] = values
    print(json.dumps(report))


if __name__ == "__main__":
    main()
