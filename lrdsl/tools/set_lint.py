"""Warnings of a schedule set (LANGUAGE.md §9.5): every check on every member, and each member's range.

:func:`lint` (``lrdsl.lint``) takes a schedule or a set: a schedule goes to
:func:`lrdsl.tools.linting.lint_schedule`, a set to :func:`lint_set`.

Each member is checked as the schedule it is (:func:`lrdsl.tools.linting.lint_plan`, every check
of :data:`~lrdsl.tools.linting.CHECKS`), laid out on the set's shared run, with the ``$params`` it
reads; its warnings carry its name (:attr:`Diagnostic.member`) and point into the set's text.

One check belongs to sets, ``member-range``: an optimizer member whose value leaves the range
the optimizer takes, ``RANGES[name] = [lo, hi]`` (``hi`` excluded for the betas):

* ``weight_decay``, ``eps`` in ``[0, ∞)`` (PyTorch's optimizers refuse a negative one);
* ``betas[0]``, ``betas[1]`` in ``[0, 1)`` (PyTorch's Adam refuses others);
* ``momentum`` in ``[0, 1]`` (PyTorch refuses a negative one, Keras one outside ``[0, 1]``) and
  ``dampening`` in ``[0, 1]`` (SGD scales the gradient by ``1 − dampening``);
* ``ema`` in ``[0, 1]``: an average ``θ̄ ← d·θ̄ + (1 − d)·θ`` with ``d`` outside does not average.

An optimizer checks these numbers when it is built, not when a scheduler sets them, so a member
that leaves its range mid-run is silently used. The check reads the values the plot draws
(:func:`lrdsl.tools.plotting.sample_steps`: every step of a run up to 4000 steps, else 4000
spread steps and each phase boundary ±1: bounded work), and reports the first step found outside.
``lr`` has none: a schedule alone never had one, and a set adds none to it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from lrdsl.errors import LrdslError, Span
from lrdsl.ir import Lowered
from lrdsl.language import ast as A
from lrdsl.language import runfree
from lrdsl.language.members import in_member
from lrdsl.language.numbers import short_number
from lrdsl.language.parser import as_set, parse_text
from lrdsl.run.args import RunArgs
from lrdsl.tools.linting import Diagnostic, Run, lint_plan, lint_schedule

if TYPE_CHECKING:  # numpy is loaded by the range check alone: `lrdsl check` of a schedule without a run loads none
    import numpy as np
    import numpy.typing as npt


@dataclass(frozen=True)
class Range:
    """The values ``[lo, hi]`` (``hi`` excluded unless ``closed``) a member takes, and why."""

    lo: float
    hi: float
    closed: bool
    why: str

    def outside(self, values: npt.NDArray[np.float64]) -> npt.NDArray[np.intp]:
        """The indices of ``values`` outside the range."""
        import numpy as np

        high = values > self.hi if self.closed else values >= self.hi
        return np.flatnonzero((values < self.lo) | high)

    def __str__(self) -> str:
        hi = "∞" if math.isinf(self.hi) else short_number(self.hi)
        return f"[{short_number(self.lo)}, {hi}{']' if self.closed and not math.isinf(self.hi) else ')'}"


RANGES: dict[str, Range] = {
    "weight_decay": Range(0.0, math.inf, False, "PyTorch's optimizers refuse a negative weight_decay"),
    "eps": Range(0.0, math.inf, False, "PyTorch's optimizers refuse a negative eps"),
    "betas[0]": Range(0.0, 1.0, False, "PyTorch's Adam refuses a beta outside [0, 1)"),
    "betas[1]": Range(0.0, 1.0, False, "PyTorch's Adam refuses a beta outside [0, 1)"),
    "momentum": Range(0.0, 1.0, True, "PyTorch refuses a negative momentum, Keras one outside [0, 1]"),
    "dampening": Range(0.0, 1.0, True, "SGD scales the gradient by 1 − dampening, which must stay in [0, 1]"),
    "ema": Range(0.0, 1.0, True, "an average's decay outside [0, 1] does not average: the EMA grows without bound"),
}
"""Each checked member's range (the module's doc says where each comes from)."""


def lint(
    schedule: str | A.Schedule | A.ScheduleSet | Mapping[str, object],
    total_steps: int | str | None = None,
    steps_per_epoch: float | None = None,
    steps: npt.ArrayLike | None = None,
    params: Mapping[str, float] | None = None,
    tokens_per_step: float | None = None,
    samples_per_step: float | None = None,
) -> list[Diagnostic]:
    """The warnings of ``schedule`` for a run described as :func:`lrdsl.evaluate` takes it, in source order.

    ``steps`` is accepted so that ``lint(text, **evaluate_kwargs)`` works; the checks read the whole run.
    Run arguments no run takes (``steps_per_epoch=nan``) and a schedule every run refuses
    (:func:`lrdsl.language.runfree.check`: ``restart(mult=0.5)``) raise :class:`~lrdsl.errors.LrdslError`.

    A set (LANGUAGE.md §9.5: text with names, a :class:`~lrdsl.ScheduleSet`, a mapping) gets every
    check on every member, on the set's run, and the members' ranges (:func:`lrdsl.tools.set_lint.lint_set`).
    """
    del steps
    if isinstance(schedule, str):
        schedule = parse_text(schedule)  # a Schedule, or a ScheduleSet of several members (memoised)
    run = RunArgs(total_steps, steps_per_epoch, params, tokens_per_step, samples_per_step)
    if isinstance(schedule, A.Schedule):
        return lint_schedule(schedule, run)
    return lint_set(schedule, run)


def lint_set(schedules: str | A.Schedule | A.ScheduleSet | Mapping[str, object], run: RunArgs) -> list[Diagnostic]:
    """The warnings of every member of a set, member by member in the set's order (:func:`lrdsl.lint` of a set).

    The set is resolved for its shared run as ``lrdsl check`` does: when it does not resolve and no
    total is given, the members get the checks that read their text; with a total, its error is raised.
    """
    from lrdsl.api import check_run
    from lrdsl.run.sets import lower_set

    parsed = as_set(schedules)
    check_run(run)
    plans: dict[str, Lowered] = {}
    try:
        plans = lower_set(parsed, run)
    except LrdslError:
        if run.total_steps is not None:
            raise
    return lint_members(parsed, plans, run)


def lint_members(
    parsed: A.ScheduleSet, plans: Mapping[str, Lowered], run: RunArgs, only: str | None = None
) -> list[Diagnostic]:
    """Each member's warnings (or only the member ``only``'s), laid out as ``plans`` (by name; a member
    without a plan gets the checks that read its text) with ``run``'s parameters that it reads and rates.
    What every run refuses raises, naming the member."""
    from lrdsl.run.sets import params_read

    source = parsed.source or str(parsed)
    found: list[Diagnostic] = []
    for m in parsed.members:
        if only is not None and m.name != only:
            continue
        schedule = parsed.member(m.name)
        try:
            runfree.check(schedule)  # what every run refuses, refused without one
        except LrdslError as err:
            raise in_member(m.name, err.with_source(source), True) from None
        read = params_read(m.expr)
        mine = {k: v for k, v in (run.params or {}).items() if k in read}
        plan = plans.get(m.name)
        mine_found = lint_plan(schedule, plan, run.but(params=mine))
        mine_found += _out_of_range(m, Run(schedule, source, plan, None))
        found += [replace(d, member=m.name) for d in mine_found]
    return found


def _out_of_range(member: A.Member, run: Run) -> Iterator[Diagnostic]:
    """``member-range``: the first drawn step where an optimizer member (or ``ema``) leaves its range."""
    allowed = RANGES.get(member.name)
    if allowed is None or run.plan is None:
        return
    from lrdsl.ir.interpreter import evaluate_ir
    from lrdsl.tools.plotting import sample_steps

    steps = sample_steps(run.plan)
    try:
        values = evaluate_ir(run.plan.ir, steps)
    except LrdslError:
        return  # a value that is not a number: evaluate's error, not a warning
    outside = allowed.outside(values)
    if not outside.size:
        return
    k = int(outside[0])
    start = member.span.start if member.span is not None else None
    span = Span(start, member.expr.span.end) if start is not None and member.expr.span is not None else None
    yield run.warn_at(
        "member-range",
        span,
        f"{member.name} is {short_number(float(values[k]))} at step {int(steps[k])}, outside {allowed}",
        allowed.why,
    )
