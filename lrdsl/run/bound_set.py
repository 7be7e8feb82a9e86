"""A schedule set resolved for one run: ``lrdsl.parse_set(text).bind(total_steps=…, …)``.

:class:`BoundScheduleSet` is to a :class:`~lrdsl.ScheduleSet` what :class:`~lrdsl.BoundSchedule`
is to a schedule: every member resolved at once on the set's one run (LANGUAGE.md §9.5: one
total, steps per epoch, tokens and samples per step, ``$params`` bound once for all members;
without a total the longest explicit member duration), by :func:`lrdsl.run.sets.lower_set`, the
code ``evaluate_set`` runs. It evaluates (``dict[str, array]``), plots (one axis per member),
explains (each member's phases) and generates code without repeating the run's numbers;
``member(name)`` is one member as a :class:`~lrdsl.BoundSchedule` on the same run.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from lrdsl.errors import LrdslError
from lrdsl.ir import Lowered
from lrdsl.language.ast import ScheduleSet
from lrdsl.run.args import RunArgs
from lrdsl.run.bound import BoundSchedule, bound_repr

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class BoundScheduleSet:
    """``schedules`` (a set) for one run: ``total_steps``, ``steps_per_epoch``, ``params``, shared by every member.

    ``total_steps`` is given in steps, as a duration in any unit (``"90ep"``) or as ``None`` (the
    longest explicit duration among the members); once bound it holds the run's length in steps.
    Two bound sets are equal when their trees and runs are.
    """

    schedules: ScheduleSet
    total_steps: int | str | None = None
    steps_per_epoch: float | None = None
    params: tuple[tuple[str, float], ...] = ()
    tokens_per_step: float | None = field(default=None, repr=False)
    samples_per_step: float | None = field(default=None, repr=False)
    plans: Mapping[str, Lowered] = field(init=False, repr=False, compare=False)
    """Each member resolved for the run, by name, in the set's order (what the readers of the IR take)."""

    def __post_init__(self) -> None:
        from lrdsl.run.sets import lower_set

        rates = (self.tokens_per_step, self.samples_per_step)
        plans = lower_set(self.schedules, RunArgs(self.total_steps, self.steps_per_epoch, dict(self.params), *rates))
        object.__setattr__(self, "plans", MappingProxyType(plans))
        object.__setattr__(self, "total_steps", next(iter(plans.values())).total)  # one run: every member's total

    @property
    def total(self) -> int:
        """Steps in the run, every member's."""
        return int(self.total_steps)  # type: ignore[arg-type]

    @property
    def names(self) -> tuple[str, ...]:
        """The members' names, in the order written."""
        return self.schedules.names

    def member(self, name: str) -> BoundSchedule:
        """The member ``name`` bound on the set's run (its total, rates and the ``$params`` it reads)."""
        from lrdsl.run.sets import params_read

        schedule = self.schedules.member(name)  # an error naming the members when the set has none such
        read = params_read(schedule.expr)
        mine = tuple((k, v) for k, v in self.params if k in read or len(self.names) == 1)
        return BoundSchedule(
            schedule, self.total, self.steps_per_epoch, mine, self.tokens_per_step, self.samples_per_step
        )

    @functools.cached_property
    def values(self) -> Mapping[str, npt.NDArray[np.float64]]:
        """``{name: m(t)}`` for every step of the run, float64 and read-only (:func:`lrdsl.evaluate_set`'s values)."""
        out = self.evaluate()
        for array in out.values():
            array.flags.writeable = False
        return MappingProxyType(out)

    def evaluate(self, steps: npt.ArrayLike | None = None) -> dict[str, npt.NDArray[np.float64]]:
        """``{name: m(t)}`` for every step of the run, or for each of ``steps`` (see :func:`lrdsl.evaluate_set`)."""
        from lrdsl.api import evaluate_lowered
        from lrdsl.language.members import in_member

        source = self.schedules.source or str(self.schedules)
        out = {}
        for name, plan in self.plans.items():
            try:
                out[name] = evaluate_lowered(plan, steps, source)
            except LrdslError as err:
                raise in_member(name, err, len(self.plans) > 1) from None
        return out

    def explain(self) -> str:
        """Every member's phases, as ``lrdsl explain`` prints a set: a line ``NAME:`` before each member's table."""
        return "\n\n".join(f"{name}:\n{self.member(name).table()}" for name in self.names)

    def generate(self, target: str, name: str | None = None) -> str:
        """One standalone ``target`` module of every member for this run (see :func:`lrdsl.generate`)."""
        from lrdsl.api import generate

        run = (self.total_steps, self.steps_per_epoch, name, dict(self.params))
        return generate(self.schedules, target, *run, self.tokens_per_step, self.samples_per_step)

    def plot(
        self, *, log: bool = False, x: str = "steps", ax: Axes | None = None, member: str | None = None, **kwargs: Any
    ) -> Figure:
        """Every member on its own axis of one figure, sharing the step axis (see :func:`lrdsl.plot`)."""
        from lrdsl.tools.plotting import plot

        return plot(self, log=log, x=x, ax=ax, member=member, **kwargs)

    def __repr__(self) -> str:
        return bound_repr(self, str(self.schedules), [])

    def _repr_html_(self) -> str:
        from lrdsl.tools.notebook import bound_set_html

        return bound_set_html(self)


def bind_set(schedules: object, run: RunArgs) -> BoundScheduleSet:
    """``schedules`` (set text, a :class:`ScheduleSet` or a mapping ``{name: expression}``) bound to one ``run``.

    Every member is resolved at once on the shared run: one that cannot run raises
    :class:`~lrdsl.LrdslError` here, naming the member; a parameter no member reads is an error.
    """
    from lrdsl.language.parser import as_set

    params = tuple(sorted((run.params or {}).items()))
    rates = (run.tokens_per_step, run.samples_per_step)
    return BoundScheduleSet(as_set(schedules), run.total_steps, run.steps_per_epoch, params, *rates)  # type: ignore[arg-type]
