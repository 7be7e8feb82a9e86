"""``lrdsl.optax.schedule``: an Optax schedule (a jit-safe function of the step count)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from lrdsl.ast import Schedule
from lrdsl.runtime import load_generated


def schedule(
    text: str | Schedule,
    total_steps: int | None = None,
    steps_per_epoch: float | None = None,
    params: Mapping[str, float] | None = None,
) -> Callable[[Any], Any]:
    """``count → learning rate``, for ``optax.adam(lrdsl.optax.schedule("…", 10_000))``."""
    module = load_generated(text, "optax", total_steps, steps_per_epoch, params)
    if hasattr(module, "make_schedule"):
        return module.make_schedule()  # type: ignore[no-any-return]
    return module.schedule  # type: ignore[no-any-return]
