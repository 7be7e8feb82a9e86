"""The plan of a run, for a trainer to log once: the whole curve and the explain table.

Every runtime adapter returns the same :class:`Plan` (``lrdsl.torch.scheduler(…).plan()``):
``values[t]`` is what the adapter sets at optimizer step ``t`` (0-based), for
``t = 0 … total_steps − 1``, and ``phases`` are the rows ``lrdsl explain`` prints. Log the
curve as scalars and the table as text (TensorBoard, W&B) before training; the values the
optimizer then sees equal the plan's, step by step.

A plan is a schedule resolved for one run, so :class:`Plan` is :class:`lrdsl.bound.BoundSchedule`
(one type): ``expr``, ``total_steps`` (the run's length, resolved), ``steps_per_epoch``,
``values``, ``phases``, ``scale``, ``table()``, ``rows()``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from lrdsl.bound import BoundSchedule
from lrdsl.parser import as_schedule

if TYPE_CHECKING:
    from lrdsl.ast import Schedule

Plan = BoundSchedule
"""A schedule resolved for one run, as an adapter plans it (the same type as ``parse(…).bind(…)``)."""


def make_plan(
    schedule: str | Schedule,
    total_steps: int | str | None = None,
    steps_per_epoch: float | None = None,
    params: Mapping[str, float] | None = None,
    *,
    tokens_per_step: float | None = None,
    samples_per_step: float | None = None,
    scale: float = 1.0,
) -> Plan:
    """The :class:`Plan` of ``schedule`` for a run, its values multiplied by ``scale``.

    The arguments are :func:`lrdsl.evaluate`'s; the values are its values, so a run of more
    steps than it evaluates at once (``lrdsl.lowering.lower.MAX_AT_ONCE``) raises :class:`LrdslError`.
    ``total_steps`` may be a duration in any unit (``"90ep"``); the plan holds it in steps.
    """
    from lrdsl.api import lower

    tree = as_schedule(schedule)
    bound = tuple(sorted((params or {}).items()))
    rates = (tokens_per_step, samples_per_step)
    lowered = lower(tree, total_steps, steps_per_epoch, dict(bound), *rates)
    plan = BoundSchedule(tree, lowered.total, lowered.steps_per_epoch, bound, *rates, float(scale))
    plan.values  # noqa: B018 - evaluated now: a run too long to evaluate is refused here, as before
    return plan
