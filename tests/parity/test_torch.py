"""PyTorch's built-in schedulers next to their lrdsl expressions (docs/translate.md), over every step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import lrdsl
from tests.frameworks import need

pytestmark = pytest.mark.frameworks
LR = 0.1
N = 300

# (row, torch scheduler factory (optimizer → scheduler), lrdsl expression, steps)
ROWS: list[tuple[str, Callable[[Any, Any], Any], str, int]] = [
    ("StepLR", lambda L, o: L.StepLR(o, step_size=30, gamma=0.5), "step(0.1, gamma=0.5, every=30)", N),
    (
        "MultiStepLR",
        lambda L, o: L.MultiStepLR(o, milestones=[50, 120, 200], gamma=0.3),
        "multistep(0.1, gamma=0.3, at=[50, 120, 200])",
        N,
    ),
    ("ConstantLR", lambda L, o: L.ConstantLR(o, factor=0.25, total_iters=40), "const(0.025, 40) >> const(0.1)", N),
    (
        "LinearLR",
        lambda L, o: L.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=60),
        "linear(0.01→0.1, 60)",
        N,
    ),
    ("ExponentialLR", lambda L, o: L.ExponentialLR(o, gamma=0.99), "exp_decay(0.1, rate=0.99)", N),
    ("PolynomialLR", lambda L, o: L.PolynomialLR(o, total_iters=200, power=2.0), "poly(0.1→0, 200, power=2)", N),
    ("CosineAnnealingLR", lambda L, o: L.CosineAnnealingLR(o, T_max=N, eta_min=1e-4), "cosine(0.1→1e-4, 300)", N),
    (
        "CosineAnnealingWarmRestarts",
        lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=20, T_mult=2, eta_min=1e-4),
        "cosine(0.1→1e-4) * restart(period=20, mult=2)",
        N,
    ),
    (
        "CosineAnnealingWarmRestarts T_mult=1",
        lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=37),
        "cosine(0.1→0) * restart(period=37)",
        N,
    ),
    (
        "CyclicLR triangular",
        lambda L, o: L.CyclicLR(o, 1e-3, 0.1, step_size_up=25, cycle_momentum=False),
        "cyclic(1e-3→0.1, half=25)",
        N,
    ),
    (
        "CyclicLR triangular2",
        lambda L, o: L.CyclicLR(o, 1e-3, 0.1, step_size_up=25, mode="triangular2", cycle_momentum=False),
        "cyclic(1e-3→0.1, half=25, mode=triangular2)",
        N,
    ),
    (
        "CyclicLR exp_range",
        lambda L, o: L.CyclicLR(o, 1e-3, 0.1, step_size_up=25, mode="exp_range", gamma=0.995, cycle_momentum=False),
        "cyclic(1e-3→0.1, half=25, mode=exp_range, gamma=0.995)",
        N,
    ),
    ("OneCycleLR cos", lambda L, o: L.OneCycleLR(o, max_lr=0.1, total_steps=N), "onecycle(0.1)", N),
    (
        "OneCycleLR linear three-phase",
        lambda L, o: L.OneCycleLR(
            o,
            max_lr=0.1,
            total_steps=N,
            pct_start=0.25,
            anneal_strategy="linear",
            three_phase=True,
            div_factor=10,
            final_div_factor=100,
        ),
        "onecycle(0.1, pct=0.25, div=10, final_div=100, anneal=linear, three_phase=true)",
        N,
    ),
    (
        "SequentialLR warm-up + cosine",
        lambda L, o: L.SequentialLR(
            o, [L.LinearLR(o, start_factor=0.01, total_iters=30), L.CosineAnnealingLR(o, T_max=N - 30)], milestones=[30]
        ),
        "linear(1e-3→0.1, 30) >> cosine(0.1→0)",
        N,
    ),
    (
        "ChainedScheduler",
        lambda L, o: L.ChainedScheduler([L.ConstantLR(o, factor=0.1, total_iters=20), L.ExponentialLR(o, gamma=0.99)]),
        "(const(0.1, 20) >> const(1)) * exp_decay(0.1, rate=0.99)",
        N,
    ),
]


def _torch_values(make: Callable[[Any, Any], Any], steps: int) -> np.ndarray:
    torch = need("torch")
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=LR, momentum=0.9)
    sched = make(torch.optim.lr_scheduler, opt)
    seen = []
    for _ in range(steps):
        seen.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return np.array(seen)


@pytest.mark.parametrize(("row", "make", "expr", "steps"), ROWS, ids=[r[0] for r in ROWS])
def test_torch_scheduler_equals_lrdsl(row: str, make: Callable[[Any, Any], Any], expr: str, steps: int) -> None:
    np.testing.assert_allclose(lrdsl.evaluate(expr, steps), _torch_values(make, steps), rtol=1e-9, atol=1e-15)
