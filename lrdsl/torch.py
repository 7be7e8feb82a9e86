"""``lrdsl.torch.scheduler``: a PyTorch LR scheduler from a schedule string, no file needed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lrdsl.ast import Schedule
from lrdsl.runtime import load_generated


def scheduler(
    optimizer: Any,
    schedule: str | Schedule,
    total_steps: int | None = None,
    steps_per_epoch: float | None = None,
    params: Mapping[str, float] | None = None,
    *,
    mode: str = "absolute",
    key: str = "lr",
    last_epoch: int = -1,
) -> Any:
    """A ``torch.optim.lr_scheduler.LRScheduler`` driving ``key`` of every param group.

    ``key`` is ``"lr"`` or any other hyper-parameter (``"momentum"``, ``"weight_decay"``,
    ``"betas[0]"``); ``mode="scale"`` multiplies each group's initial value. Step it with
    ``scheduler.step()`` after each ``optimizer.step()``.
    """
    module = load_generated(schedule, "torch", total_steps, steps_per_epoch, params)
    return module.Scheduler(optimizer, last_epoch=last_epoch, mode=mode, key=key)
