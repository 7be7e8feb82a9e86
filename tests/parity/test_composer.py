"""Composer's schedulers (``composer.optim.scheduler``) and time strings next to lrdsl, over every step.

Composer cannot be installed here: it pins ``torch<2.7.1`` and needs torchvision (no CPU build), and
``import composer`` loads its trainer. ``tests/parity/wheels.py`` runs Composer's own
``composer/core/time.py`` (``Time``, ``Timestamp``, time strings) and ``composer/optim/scheduler.py``
from the pinned wheel, unchanged. The Trainer's ``State`` (a module that needs the whole trainer) is
replaced by :class:`TrainerState`, a record of the four fields the schedulers read; the loop below
advances it as ``Trainer.fit`` does (``to_next_batch`` after each batch, then
``scheduler.step()``, ``to_next_epoch`` at each epoch end) and steps the ``LambdaLR`` that
Composer's own ``compile_composer_scheduler`` builds. 7 batches of 4 samples per epoch.
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import lrdsl
from tests.frameworks import need
from tests.parity.wheels import modules

pytestmark = pytest.mark.frameworks
S, BATCH = 7, 4


@dataclasses.dataclass
class TrainerState:
    """What Composer's schedulers read from the Trainer's ``State``."""

    timestamp: Any
    max_duration: Any
    dataloader_len: int
    optimizers: list[Any]


def _wire(loaded: dict[str, types.ModuleType]) -> None:
    """Re-export what ``composer/utils/__init__`` and ``composer/core/__init__`` would."""
    if "composer.utils.string_enum" in loaded:
        loaded["composer.utils"].StringEnum = loaded["composer.utils.string_enum"].StringEnum
    if "composer.core.time" in loaded:
        core, time = loaded["composer.core"], loaded["composer.core.time"]
        core.Time, core.Timestamp, core.TimeUnit = time.Time, time.Timestamp, time.TimeUnit
        core.State = TrainerState


def _composer() -> tuple[types.ModuleType, types.ModuleType]:
    need("torch")
    loaded = modules(
        ["composer", "composer.utils", "composer.core", "composer.optim"],
        ["composer.utils.string_enum", "composer.core.serializable", "composer.core.time", "composer.optim.scheduler"],
        _wire,
    )
    return loaded["composer.optim.scheduler"], loaded["composer.core.time"]


# (row, factory (composer.optim.scheduler) → scheduler, lrdsl expression, max_duration)
ROWS: list[tuple[str, Callable[[Any], Any], str, str]] = [
    ("StepScheduler", lambda c: c.StepScheduler("5ep", gamma=0.5), "step(0.1, gamma=0.5, every=5ep)", "30ep"),
    (
        "StepScheduler in samples",
        lambda c: c.StepScheduler("160sp", gamma=0.5),
        "step(0.1, gamma=0.5, every=40)",
        "30ep",
    ),
    (
        "MultiStepScheduler",
        lambda c: c.MultiStepScheduler(["10ep", "20ep"], gamma=0.1),
        "multistep(0.1, gamma=0.1, at=[10ep, 20ep])",
        "30ep",
    ),
    (
        "ConstantScheduler",
        lambda c: c.ConstantScheduler(alpha=0.5, t_max="0.2dur"),
        "const(0.05, 20%) >> const(0.1)",
        "30ep",
    ),
    (
        "ConstantScheduler, a fraction that is not whole",
        lambda c: c.ConstantScheduler(alpha=0.5, t_max="0.15dur"),
        "const(0.05, 31) >> const(0.1)",
        "30ep",
    ),
    (
        "LinearScheduler",
        lambda c: c.LinearScheduler(alpha_i=1.0, alpha_f=0.1, t_max="0.5dur"),
        "linear(0.1→0.01, 50%)",
        "30ep",
    ),
    (
        "ExponentialScheduler",
        lambda c: c.ExponentialScheduler(gamma=0.9),
        "exp_decay(0.1, rate=0.9, every=1ep)",
        "30ep",
    ),
    ("CosineAnnealingScheduler", lambda c: c.CosineAnnealingScheduler(alpha_f=0.01), "cosine(0.1→1e-3)", "30ep"),
    (
        "CosineAnnealingWarmRestartsScheduler",
        lambda c: c.CosineAnnealingWarmRestartsScheduler(t_0="3ep", t_mult=2, alpha_f=0.01),
        "cosine(0.1→1e-3) * restart(period=3ep, mult=2)",
        "30ep",
    ),
    (
        "CosineAnnealingWarmRestartsScheduler t_mult=1.5",
        lambda c: c.CosineAnnealingWarmRestartsScheduler(t_0="20ba", t_mult=1.5),
        "cosine(0.1→0, 20) >> cosine(0.1→0, 30) >> cosine(0.1→0, 45) >> cosine(0.1→0, 67) >> cosine(0.1→0, 100)",
        "30ep",
    ),
    (
        "PolynomialScheduler",
        lambda c: c.PolynomialScheduler(power=2, alpha_f=0.01),
        "poly(0.1→1e-3, power=2)",
        "30ep",
    ),
    (
        "MultiStepWithWarmupScheduler",
        lambda c: c.MultiStepWithWarmupScheduler(t_warmup="2ep", milestones=["10ep", "20ep"], gamma=0.1),
        "linear(0→0.1, 2ep) >> multistep(0.1, at=[10ep, 20ep]) * offset(2ep)",
        "30ep",
    ),
    (
        "ConstantWithWarmupScheduler",
        lambda c: c.ConstantWithWarmupScheduler(t_warmup="100ba"),
        "linear(0→0.1, 100) >> const(0.1)",
        "30ep",
    ),
    (
        "LinearWithWarmupScheduler",
        lambda c: c.LinearWithWarmupScheduler(t_warmup="0.1dur", alpha_f=0.01),
        "linear(0→0.1, 10%) >> linear(0.1→1e-3)",
        "30ep",
    ),
    (
        "CosineAnnealingWithWarmupScheduler",
        lambda c: c.CosineAnnealingWithWarmupScheduler(t_warmup="3ep", alpha_f=0.01),
        "linear(0→0.1, 3ep) >> cosine(0.1→1e-3)",
        "30ep",
    ),
    (
        "CosineAnnealingWithWarmupScheduler, max_duration in batches",
        lambda c: c.CosineAnnealingWithWarmupScheduler(t_warmup="0.05dur", alpha_f=0.01),
        "linear(0→0.1, 5%) >> cosine(0.1→1e-3)",
        "1000ba",
    ),
    (
        "PolynomialWithWarmupScheduler",
        lambda c: c.PolynomialWithWarmupScheduler(t_warmup="3ep", power=2, alpha_f=0.01),
        "linear(0→0.1, 3ep) >> poly(0.1→1e-3, power=2)",
        "30ep",
    ),
]


def _composer_values(make: Callable[[Any], Any], max_duration: str) -> np.ndarray:
    torch = need("torch")
    schedulers, time = _composer()
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    duration = time.Time.from_timestring(max_duration)
    state = TrainerState(time.Timestamp(), duration, S, [opt])
    sched = schedulers.compile_composer_scheduler(make(schedulers), state)
    steps = duration.value * S if duration.unit == time.TimeUnit.EPOCH else duration.value
    seen = []
    for t in range(steps):
        seen.append(opt.param_groups[0]["lr"])
        opt.step()
        state.timestamp = state.timestamp.to_next_batch(samples=BATCH)
        sched.step()
        if (t + 1) % S == 0:
            state.timestamp = state.timestamp.to_next_epoch()
    return np.array(seen)


@pytest.mark.parametrize(("row", "make", "expr", "max_duration"), ROWS, ids=[r[0] for r in ROWS])
def test_composer_scheduler_equals_lrdsl(row: str, make: Callable[[Any], Any], expr: str, max_duration: str) -> None:
    want = _composer_values(make, max_duration)
    np.testing.assert_allclose(lrdsl.evaluate(expr, len(want), steps_per_epoch=S), want, rtol=1e-9, atol=1e-15)


def test_composer_time_strings_mean_what_the_table_says() -> None:
    """``Time.from_timestring`` (Composer's parser) for the units the table translates."""
    _, time = _composer()
    unit = time.TimeUnit
    assert time.Time.from_timestring("5ep") == time.Time(5, unit.EPOCH)
    assert time.Time.from_timestring("100ba") == time.Time(100, unit.BATCH)
    assert time.Time.from_timestring("1e3ba") == time.Time(1000, unit.BATCH)
    assert time.Time.from_timestring("0.15dur") == time.Time(0.15, unit.DURATION)
    assert time.Time.from_timestring("160sp") == time.Time(160, unit.SAMPLE)
    with pytest.raises(TypeError):
        time.Time.from_timestring("2.5ep")  # only `dur` takes a fraction
