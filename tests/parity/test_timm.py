"""timm's schedulers (``timm.scheduler``) next to their lrdsl expressions, over every step.

timm cannot be imported here (``import timm`` loads its model zoo, which needs torchvision, and no
CPU build of torchvision exists), so ``tests/parity/wheels.py`` runs timm's own scheduler files from
the pinned wheel under a bare ``timm`` package. The loop is timm's ``train.py``: no ``step`` before
the first epoch, ``step_update(num_updates)`` after every update and ``step(epoch + 1)`` after every
epoch; the schedulers are per epoch (``t_in_epochs=True``, timm's default) unless a row says
otherwise. 7 updates per epoch, 30 epochs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import lrdsl
from tests.frameworks import need
from tests.parity.wheels import modules

pytestmark = pytest.mark.frameworks
S, E = 7, 30

# (row, factory (timm.scheduler, optimizer) → scheduler, lrdsl expression, per epoch)
ROWS: list[tuple[str, Callable[[Any, Any], Any], str, bool]] = [
    (
        "CosineLRScheduler",
        lambda m, o: m.CosineLRScheduler(o, t_initial=20, lr_min=1e-5),
        "cosine(0.1→1e-5, 20ep) * quantize(1ep)",
        True,
    ),
    (
        "CosineLRScheduler warmup_prefix=True",
        lambda m, o: m.CosineLRScheduler(
            o, t_initial=20, lr_min=1e-5, warmup_t=3, warmup_lr_init=1e-4, warmup_prefix=True
        ),
        "(linear(1e-4→0.1, 3ep) >> cosine(0.1→1e-5, 20ep)) * quantize(1ep)",
        True,
    ),
    (
        "CosineLRScheduler warm-up (warmup_prefix=False)",
        lambda m, o: m.CosineLRScheduler(o, t_initial=20, lr_min=1e-5, warmup_t=3, warmup_lr_init=1e-4),
        "(linear(1e-4→0.1, 3ep) >> cosine(0.1→1e-5, 20ep) * offset(3ep)) * quantize(1ep)",
        True,
    ),
    (
        "CosineLRScheduler k_decay",
        lambda m, o: m.CosineLRScheduler(o, t_initial=20, lr_min=1e-5, k_decay=1.5),
        "fn(1e-5 + (0.1 - 1e-5) * (1 + cos(pi * p ** 1.5)) / 2, 20ep) * quantize(1ep)",
        True,
    ),
    (
        "CosineLRScheduler cycles",
        lambda m, o: m.CosineLRScheduler(o, t_initial=4, cycle_mul=2, cycle_decay=0.5, cycle_limit=3),
        "cosine(0.1→0) * restart(period=4ep, mult=2, decay=0.5, cycles=3) * quantize(1ep)",
        True,
    ),
    (
        "CosineLRScheduler cycles, lr_min",
        lambda m, o: m.CosineLRScheduler(o, t_initial=4, lr_min=1e-3, cycle_mul=2, cycle_decay=0.5, cycle_limit=3),
        "(1e-3 + cosine(0.1→0) * restart(period=4ep, mult=2, decay=0.5, cycles=3)"
        " - cosine(1e-3→0) * restart(period=4ep, mult=2, cycles=3)) * quantize(1ep)",
        True,
    ),
    (
        "CosineLRScheduler cycle_mul=1.5",
        lambda m, o: m.CosineLRScheduler(o, t_initial=4, cycle_mul=1.5, cycle_limit=5),
        "cosine(0.1→0) * restart(period=4ep, mult=1.5, cycles=5) * quantize(1ep)",
        True,
    ),
    (
        "CosineLRScheduler per update",
        lambda m, o: m.CosineLRScheduler(o, t_initial=S * E, warmup_t=30, t_in_epochs=False),
        "linear(0→0.1, 30) >> cosine(0.1→0, 210) * offset(30)",
        False,
    ),
    (
        "StepLRScheduler",
        lambda m, o: m.StepLRScheduler(o, decay_t=5, decay_rate=0.5, warmup_t=2, warmup_lr_init=1e-3),
        "(linear(1e-3→0.1, 2ep) >> step(0.1, gamma=0.5, every=5ep)) * quantize(1ep)",
        True,
    ),
    (
        "MultiStepLRScheduler",
        lambda m, o: m.MultiStepLRScheduler(o, decay_t=[8, 15, 22], decay_rate=0.3),
        "multistep(0.1, gamma=0.3, at=[7ep, 14ep, 21ep]) * quantize(1ep)",
        True,
    ),
    (
        "PolyLRScheduler",
        lambda m, o: m.PolyLRScheduler(o, t_initial=25, lr_min=1e-4),
        "poly(0.1→1e-4, 25ep, power=0.5) * quantize(1ep)",
        True,
    ),
    (
        "PolyLRScheduler power=2, warmup_prefix=True",
        lambda m, o: m.PolyLRScheduler(o, t_initial=20, power=2, warmup_t=5, warmup_prefix=True),
        "(linear(0→0.1, 5ep) >> poly(0.1→0, 20ep, power=2)) * quantize(1ep)",
        True,
    ),
    (
        "TanhLRScheduler",
        lambda m, o: m.TanhLRScheduler(o, t_initial=25, lr_min=1e-4),
        "(const(0.1, 1ep) >> fn(1e-4 + (0.1 - 1e-4) * (1 - tanh(0.4 * e - 7)) / 2, 24ep) >> const(1e-4)) * quantize(1ep)",
        True,
    ),
    (
        "TanhLRScheduler warm-up (warmup_prefix=False)",
        lambda m, o: m.TanhLRScheduler(o, t_initial=25, lr_min=1e-4, warmup_t=3, warmup_lr_init=1e-3),
        "(warmup(linear, 3ep, from=1e-3) >> fn(1e-4 + (0.1 - 1e-4) * (1 - tanh(0.4 * e - 7)) / 2, 22ep)"
        " >> const(1e-4)) * quantize(1ep)",
        True,
    ),
]


def _timm_values(make: Callable[[Any, Any], Any], per_epoch: bool) -> np.ndarray:
    """The rate each update of timm's ``train.py`` loop uses, for ``E`` epochs of ``S`` updates."""
    torch = need("torch")
    scheduler = modules(["timm"], ["timm.scheduler"])["timm.scheduler"]
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    sched = make(scheduler, opt)
    seen = []
    num_updates = 0
    for epoch in range(E):
        for _ in range(S):
            seen.append(opt.param_groups[0]["lr"])
            opt.step()
            num_updates += 1
            sched.step_update(num_updates=num_updates)
        sched.step(epoch + 1)
    assert per_epoch == sched.t_in_epochs
    return np.array(seen)


@pytest.mark.parametrize(("row", "make", "expr", "per_epoch"), ROWS, ids=[r[0] for r in ROWS])
def test_timm_scheduler_equals_lrdsl(row: str, make: Callable[[Any, Any], Any], expr: str, per_epoch: bool) -> None:
    got = lrdsl.evaluate(expr, S * E, steps_per_epoch=S)
    np.testing.assert_allclose(got, _timm_values(make, per_epoch), rtol=1e-9, atol=1e-15)
