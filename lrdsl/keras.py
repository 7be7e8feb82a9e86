"""``lrdsl.keras.schedule``: a Keras 3 ``LearningRateSchedule`` from a schedule string."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lrdsl.ast import Schedule
from lrdsl.runtime import load_generated


def schedule(
    text: str | Schedule,
    total_steps: int | None = None,
    steps_per_epoch: float | None = None,
    params: Mapping[str, float] | None = None,
) -> Any:
    """A ``keras.optimizers.schedules.LearningRateSchedule`` for ``keras.optimizers.Adam(learning_rate=…)``."""
    module = load_generated(text, "keras", total_steps, steps_per_epoch, params)
    return module.Schedule()
