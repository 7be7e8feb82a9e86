"""The planned curve of a run, for a trainer to log once: its values and its phase table.

A :class:`Plan` is what an adapter knows before the first step: the canonical text, the total
steps, steps per epoch, ``lr(t)`` for ``t = 0 … total_steps−1`` (float64, the interpreter's
numbers) and the rows of ``lrdsl explain`` (:class:`lrdsl.explain.Phase`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from lrdsl.ast import Schedule
from lrdsl.explain import Phase


@dataclass(frozen=True)
class Plan:
    """A schedule resolved for one run: ``values[t] = lr(t)`` and the phases of ``lrdsl explain``."""

    expr: str
    total_steps: int
    steps_per_epoch: float | None
    values: npt.NDArray[np.float64]
    phases: tuple[Phase, ...]


def plan_of(
    expr: str | Schedule,
    total_steps: int | str | None = None,
    steps_per_epoch: float | None = None,
    params: Mapping[str, float] | None = None,
) -> Plan:
    """The :class:`Plan` of ``expr`` over ``total_steps`` (every parameter bound by ``params``)."""
    from lrdsl.api import check_size, lower
    from lrdsl.explain import phases
    from lrdsl.interpreter import evaluate_range

    lowered = lower(expr, total_steps, steps_per_epoch, params)
    check_size(lowered.total)
    values = evaluate_range(lowered.ir, 0, lowered.total)
    values.setflags(write=False)
    rows = tuple(phases(lowered.ir, lowered.total))
    return Plan(lowered.text, lowered.total, lowered.steps_per_epoch, values, rows)
