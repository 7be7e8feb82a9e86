"""A schedule bound to a run: ``lrdsl.parse(text).bind(total_steps=…, steps_per_epoch=…)``.

Binding resolves the schedule at once (a schedule that cannot run says so here, with its caret),
and the bound schedule then does what the command line does, without repeating the run's numbers:
``evaluate()``, ``plot()``, ``explain()``, ``generate(target)``. In a notebook it shows its curve
and its phases (:mod:`lrdsl.notebook`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from lrdsl.ast import Schedule
from lrdsl.ir import Lowered

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class BoundSchedule:
    """``schedule`` for one run: ``total_steps`` (``None``: its own explicit duration), ``steps_per_epoch``, ``params``."""

    schedule: Schedule
    total_steps: int | None = None
    steps_per_epoch: float | None = None
    params: tuple[tuple[str, float], ...] = ()
    plan: Lowered = field(init=False, repr=False, compare=False)
    """The schedule resolved for the run (its IR and total)."""

    def __post_init__(self) -> None:
        from lrdsl.lowering.lower import lower_schedule

        plan = lower_schedule(self.schedule, self.total_steps, self.steps_per_epoch, dict(self.params))
        object.__setattr__(self, "plan", plan)

    @property
    def total(self) -> int:
        """Steps in the run: ``total_steps``, or the schedule's own duration."""
        return self.plan.total

    def evaluate(self, steps: npt.ArrayLike | None = None) -> npt.NDArray[np.float64]:
        """``lr(t)`` as float64 for every step of the run, or for each of ``steps`` (see :func:`lrdsl.evaluate`)."""
        from lrdsl.api import evaluate

        return evaluate(self.schedule, self.total_steps, self.steps_per_epoch, steps, dict(self.params))

    def explain(self) -> str:
        """The resolved phases and restart cycles, as ``lrdsl explain`` prints them."""
        from lrdsl.explain import phases, render

        return render(
            phases(self.plan.ir, self.plan.total, True), self.plan.total, self.plan.steps_per_epoch, self.plan.text
        )

    def generate(self, target: str, name: str | None = None) -> str:
        """Standalone ``target`` code for this run (see :func:`lrdsl.generate`)."""
        from lrdsl.api import generate

        return generate(self.schedule, target, self.total_steps, self.steps_per_epoch, name, dict(self.params))

    def plot(self, *, log: bool = False, x: str = "steps", ax: Axes | None = None, **kwargs: Any) -> Figure:
        """The curve as a matplotlib figure (see :func:`lrdsl.plot`)."""
        from lrdsl.plotting import plot

        return plot(self, log=log, x=x, ax=ax, **kwargs)

    def __repr__(self) -> str:
        from lrdsl.notebook import short_text

        run = [f"total_steps={self.total}"]
        if self.steps_per_epoch is not None:
            run.append(f"steps_per_epoch={self.steps_per_epoch:g}")
        if self.params:
            run.append(f"params={dict(self.params)!r}")
        return f"BoundSchedule({short_text(str(self.schedule))!r}, {', '.join(run)})"

    def _repr_html_(self) -> str:
        from lrdsl.notebook import bound_html

        return bound_html(self)


def bind(
    schedule: str | Schedule,
    total_steps: int | None = None,
    steps_per_epoch: float | None = None,
    params: Mapping[str, float] | None = None,
) -> BoundSchedule:
    """``schedule`` bound to a run of ``total_steps`` (or its own explicit duration).

    The schedule is resolved at once: one that cannot run raises :class:`LrdslError` here. The
    result evaluates, plots, explains and generates code for that run, and shows itself in a
    notebook (``lrdsl.parse(text).bind(…)`` is the same).
    """
    from lrdsl.api import as_schedule

    return BoundSchedule(as_schedule(schedule), total_steps, steps_per_epoch, tuple(sorted((params or {}).items())))
