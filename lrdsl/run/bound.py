"""A schedule resolved for one run: ``lrdsl.parse(text).bind(total_steps=…, steps_per_epoch=…)``.

:class:`BoundSchedule` is the one type for "this schedule on this run". Binding resolves the
schedule at once (a schedule that cannot run says so here, with its caret); the bound schedule
then does what the command line does, without repeating the run's numbers: ``evaluate()``,
``plot()``, ``explain()``, ``generate(target)``. It is also the plan a runtime adapter returns
(:mod:`lrdsl.run.plan`, ``lrdsl.torch.scheduler(…).plan()``): ``values`` is the whole curve
``scale · lr(t)`` for ``t = 0 … total − 1``, ``phases`` the explain rows, ``table()`` and
``rows()`` the table for a logger. In a notebook it shows its curve and its phases
(:mod:`lrdsl.tools.notebook`). The IR it reads (``plan``, an :class:`lrdsl.ir.Lowered`) is what
lowering hands to the readers of the IR, which never see the syntax tree.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from lrdsl.errors import LrdslError
from lrdsl.ir import Lowered
from lrdsl.language.ast import Schedule, ScheduleSet

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from lrdsl.tools.explain import Phase


@dataclass(frozen=True)
class BoundSchedule:
    """``schedule`` for one run: ``total_steps``, ``steps_per_epoch``, ``params``.

    ``total_steps`` is given in steps, as a duration in any unit (``"90ep"``) or as ``None`` (the
    schedule's own explicit duration); once bound it holds the run's length in steps.

    Also ``tokens_per_step`` and ``samples_per_step`` (for ``tok`` and ``sa`` durations) and
    ``scale``, which multiplies :attr:`values` and :attr:`phases` (1 unless a torch param group
    scales the schedule by its own base value: ``mode="scale"``). Two bound schedules are equal
    when their trees and runs are.
    """

    schedule: Schedule
    total_steps: int | str | None = None
    steps_per_epoch: float | None = None
    params: tuple[tuple[str, float], ...] = ()
    tokens_per_step: float | None = field(default=None, repr=False)
    samples_per_step: float | None = field(default=None, repr=False)
    scale: float = field(default=1.0, repr=False)
    plan: Lowered = field(init=False, repr=False, compare=False)
    """The schedule resolved for the run: its IR and total (what the readers of the IR take)."""

    def __post_init__(self) -> None:
        from lrdsl.lowering.lower import lower_schedule

        run = (self.total_steps, self.steps_per_epoch, dict(self.params))
        plan = lower_schedule(self.schedule, *run, False, self.tokens_per_step, self.samples_per_step)
        object.__setattr__(self, "plan", plan)
        object.__setattr__(self, "total_steps", plan.total)  # resolved: a duration, or the schedule's own

    @property
    def total(self) -> int:
        """Steps in the run: ``total_steps``, or the schedule's own duration."""
        return self.plan.total

    @property
    def expr(self) -> str:
        """The schedule's canonical text."""
        return self.plan.text

    @functools.cached_property
    def values(self) -> npt.NDArray[np.float64]:
        """``scale · lr(t)`` for every step of the run, float64, read-only (:func:`lrdsl.evaluate`'s values)."""
        values = self.evaluate()
        if self.scale != 1.0:
            values = values * self.scale
        values.flags.writeable = False
        return values

    @functools.cached_property
    def phases(self) -> tuple[Phase, ...]:
        """The explain rows (with their first and last steps' values), multiplied by ``scale``."""
        from lrdsl.tools.explain import phases

        rows = phases(self.plan.ir, self.plan.total, True)
        if self.scale == 1.0:
            return tuple(rows)
        k = self.scale
        return tuple(
            replace(r, first=r.first * k, last=r.last * k, steps=tuple((s, v * k) for s, v in r.steps)) for r in rows
        )

    def with_values(self, values: npt.NDArray[np.float64]) -> BoundSchedule:
        """This run with ``values`` as what is set at each step (an adapter that holds a value per epoch)."""
        held = copy.copy(self)
        held.__dict__["values"] = values
        return held

    def evaluate(self, steps: npt.ArrayLike | None = None) -> npt.NDArray[np.float64]:
        """``lr(t)`` as float64 for every step of the run, or for each of ``steps`` (see :func:`lrdsl.evaluate`)."""
        from lrdsl.api import evaluate_lowered

        return evaluate_lowered(self.plan, steps, self.schedule.source or self.plan.text)

    def explain(self) -> str:
        """The resolved phases and restart cycles, as ``lrdsl explain`` prints them."""
        return self.table()

    def table(self) -> str:
        """The phases as ``lrdsl explain`` prints them (a fixed-width text table; ``scale ×`` in its head)."""
        from lrdsl.tools.explain import render

        text = self.expr if self.scale == 1.0 else f"{self.scale:g} × ({self.expr})"
        return render(list(self.phases), self.total, self.plan.steps_per_epoch, text)

    def rows(self) -> list[dict[str, float | int | str]]:
        """The phases as plain dicts (``depth``, ``start``, ``end``, ``first``, ``last``, ``label``), for a logger's table."""
        return [
            {"depth": p.depth, "start": p.start, "end": p.end, "first": p.first, "last": p.last, "label": p.label}
            for p in self.phases
        ]

    def generate(self, target: str, name: str | None = None) -> str:
        """Standalone ``target`` code for this run (see :func:`lrdsl.generate`)."""
        from lrdsl.api import generate

        run = (self.total_steps, self.steps_per_epoch, name, dict(self.params))
        return generate(self.schedule, target, *run, self.tokens_per_step, self.samples_per_step)

    def plot(self, *, log: bool = False, x: str = "steps", ax: Axes | None = None, **kwargs: Any) -> Figure:
        """The curve as a matplotlib figure (see :func:`lrdsl.plot`)."""
        from lrdsl.tools.plotting import plot

        return plot(self, log=log, x=x, ax=ax, **kwargs)

    def __repr__(self) -> str:
        return bound_repr(self, str(self.schedule), [f"scale={self.scale:g}"] if self.scale != 1.0 else [])

    def _repr_html_(self) -> str:
        from lrdsl.tools.notebook import bound_html

        return bound_html(self)


def bound_repr(bound: Any, text: str, extra: list[str]) -> str:
    """``Name('short text…', total_steps=…, steps_per_epoch=…, params={…}, …)``: a bound schedule's or set's repr."""
    from lrdsl.language.formatter import short_text

    run = [f"total_steps={bound.total}"]
    if bound.steps_per_epoch is not None:
        run.append(f"steps_per_epoch={bound.steps_per_epoch:g}")
    if bound.params:
        run.append(f"params={dict(bound.params)!r}")
    return f"{type(bound).__name__}({short_text(text)!r}, {', '.join(run + extra)})"


def bind(
    schedule: str | Schedule,
    total_steps: int | str | None = None,
    steps_per_epoch: float | None = None,
    params: Mapping[str, float] | None = None,
    *,
    tokens_per_step: float | None = None,
    samples_per_step: float | None = None,
    scale: float = 1.0,
) -> BoundSchedule:
    """``schedule`` bound to a run of ``total_steps`` (steps or a duration such as ``"90ep"``; ``None``: its own).

    The schedule is resolved at once: one that cannot run raises :class:`LrdslError` here. The
    result evaluates, plots, explains and generates code for that run, and shows itself in a
    notebook (``lrdsl.parse(text).bind(…)`` is the same). ``scale`` multiplies its ``values`` and
    ``phases`` (an adapter's plan of a param group scaled by its base value). A set binds with its own
    method, ``lrdsl.parse_set(text).bind(…)`` (:class:`lrdsl.run.bound_set.BoundScheduleSet`).
    """
    from lrdsl.language.parser import as_schedule

    if isinstance(schedule, (ScheduleSet, Mapping)):  # stable types: a set binds with its own method
        raise LrdslError(
            "lrdsl.bind() binds one schedule; this is a set",
            hint="bind a set with its method: lrdsl.parse_set(text).bind(total_steps=…)",
        )
    run = (total_steps, steps_per_epoch, tuple(sorted((params or {}).items())))
    return BoundSchedule(as_schedule(schedule), *run, tokens_per_step, samples_per_step, float(scale))
