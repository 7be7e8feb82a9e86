"""A run as a user describes it: the arguments every entry point takes for the run, held together.

:func:`lrdsl.evaluate`, :func:`lrdsl.bind`, the adapters and the commands take the same five run
arguments (``total_steps``, ``steps_per_epoch``, ``params``, ``tokens_per_step``,
``samples_per_step``); their public signatures spell them out, and everything behind them passes one
:class:`RunArgs`. Lowering resolves it (:func:`lrdsl.lowering.lower.lower_schedule`): ``T`` is
``total_steps`` in steps, or its duration converted (``"90ep"`` is ``90 · steps_per_epoch``,
``"300Btok"`` is ``300e9 / tokens_per_step``), or the schedule's own explicit duration when ``None``.

Plain data: lowering is imported only by :meth:`RunArgs.lower`, so a command that reads text alone
loads none of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any, TypedDict

if TYPE_CHECKING:
    from lrdsl.ir import Lowered
    from lrdsl.language.ast import Schedule


class Rates(TypedDict):
    """The rates of a run, as keywords: what ``tok`` and ``sa`` durations are converted with."""

    tokens_per_step: float | None
    samples_per_step: float | None


@dataclass(frozen=True)
class RunArgs:
    """The run's arguments as given: ``total_steps`` (steps, a duration such as ``"90ep"``, or ``None``: the
    schedule's own), ``steps_per_epoch``, ``params`` (``$name`` → value) and the rates ``tokens_per_step``,
    ``samples_per_step`` that ``tok`` and ``sa`` durations need. Checked where they are resolved, by lowering."""

    total_steps: int | str | None = None
    steps_per_epoch: float | None = None
    params: Mapping[str, float] | None = None
    tokens_per_step: float | None = None
    samples_per_step: float | None = None

    @classmethod
    def of(cls, given: Mapping[str, Any]) -> RunArgs:
        """The run among an adapter's bound arguments (``given[name]`` for each of :data:`KEYWORDS`)."""
        return cls(*(given[name] for name in KEYWORDS))

    @property
    def rates(self) -> Rates:
        """``{"tokens_per_step": …, "samples_per_step": …}``: the keyword-only rates of the adapters and ``bind``."""
        return {"tokens_per_step": self.tokens_per_step, "samples_per_step": self.samples_per_step}

    @property
    def given(self) -> bool:
        """Whether any argument is given (a run of nothing given is the schedule's own, with nothing to check)."""
        rates = (self.steps_per_epoch, self.tokens_per_step, self.samples_per_step)
        return self.total_steps is not None or bool(self.params) or rates != (None, None, None)

    def but(self, **changes: Any) -> RunArgs:
        """This run with ``changes`` (``params=`` a member's own, ``total_steps=`` the set's)."""
        return replace(self, **changes)

    def lower(self, schedule: Schedule, symbolic: bool = False, *, layout: dict[int, Any] | None = None) -> Lowered:
        """``schedule`` resolved for this run (:func:`lrdsl.lowering.lower.lower_schedule`; ``symbolic``: code generation)."""
        from lrdsl.lowering.lower import lower_schedule

        run = (self.total_steps, self.steps_per_epoch, self.params, symbolic, self.tokens_per_step)
        return lower_schedule(schedule, *run, self.samples_per_step, layout=layout)


KEYWORDS = tuple(f.name for f in fields(RunArgs))
"""The run's keywords, in the order the public signatures take them."""
NO_RUN = RunArgs()
"""No argument given: the schedule's own duration, no rates, no parameters."""
