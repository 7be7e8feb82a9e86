"""The plan of a run, for a trainer to log once: the whole curve and the explain table.

Every runtime adapter returns the same :class:`Plan` (``lrdsl.torch.scheduler(…).plan()``):
``values[t]`` is what the adapter sets at optimizer step ``t`` (0-based), for
``t = 0 … total_steps − 1``, and ``phases`` are the rows ``lrdsl explain`` prints. Log the
curve as scalars and the table as text (TensorBoard, W&B) before training; the values the
optimizer then sees equal the plan's, step by step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from lrdsl.explain import Phase

if TYPE_CHECKING:
    from lrdsl.ast import Schedule


@dataclass(frozen=True)
class Plan:
    """A schedule resolved for one run.

    ``expr`` is the canonical text, ``total_steps`` the run's length in optimizer steps,
    ``steps_per_epoch`` its epoch length (or ``None``), ``values`` the read-only float64 array
    ``scale · lr(t)`` for every step ``t`` of the run, ``phases`` the explain rows with their
    values multiplied by ``scale`` too (``scale`` is 1 unless a torch param group scales the
    schedule by its own base value: ``mode="scale"``).
    """

    expr: str
    total_steps: int
    steps_per_epoch: float | None
    values: npt.NDArray[np.float64] = field(repr=False, compare=False)
    phases: tuple[Phase, ...]
    scale: float = 1.0

    def table(self) -> str:
        """The phases as ``lrdsl explain`` prints them (a fixed-width text table)."""
        from lrdsl.explain import render

        text = self.expr if self.scale == 1.0 else f"{self.scale:g} × ({self.expr})"
        return render(list(self.phases), self.total_steps, self.steps_per_epoch, text)

    def rows(self) -> list[dict[str, float | int | str]]:
        """The phases as plain dicts (``depth``, ``start``, ``end``, ``first``, ``last``, ``label``), for a logger's table."""
        return [
            {"depth": p.depth, "start": p.start, "end": p.end, "first": p.first, "last": p.last, "label": p.label}
            for p in self.phases
        ]


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
    """
    from lrdsl.api import as_schedule, evaluate, lower
    from lrdsl.explain import phases

    tree = as_schedule(schedule)
    bound = dict(params or {})
    lowered = lower(tree, total_steps, steps_per_epoch, bound, tokens_per_step, samples_per_step)
    values = evaluate(tree, lowered.total, lowered.steps_per_epoch, None, bound, tokens_per_step, samples_per_step)
    rows = phases(lowered.ir, lowered.total, True)
    if scale != 1.0:
        values = values * scale
        rows = [
            replace(r, first=r.first * scale, last=r.last * scale, steps=tuple((s, v * scale) for s, v in r.steps))
            for r in rows
        ]
    values.flags.writeable = False
    return Plan(lowered.text, lowered.total, lowered.steps_per_epoch, values, tuple(rows), float(scale))
