"""The Python API: ``parse``, ``lower``, ``evaluate``, ``generate`` (``bind`` is in :mod:`lrdsl.run.bound`).

Lowering, numpy and the interpreter are imported by the functions that resolve or compute, so
that a command that only reads text (``lrdsl fmt``, ``lrdsl check`` without a run) loads none of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from lrdsl.errors import LrdslError
from lrdsl.language.ast import Schedule, ScheduleSet
from lrdsl.language.members import DEFAULT as DEFAULT_MEMBER
from lrdsl.language.parser import as_schedule, as_set, parse, parse_text
from lrdsl.run.args import RunArgs

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from lrdsl.ir import Lowered

__all__ = ["as_schedule", "check_run", "evaluate", "evaluate_lowered", "evaluate_set", "generate", "lower", "run_steps"]


def run_steps(run: RunArgs) -> int:
    """The whole steps of ``run``'s total, written as steps (``5000``) or a duration in any unit (``"90ep"``)."""
    return run.but(params=None).lower(as_schedule("const(1)")).total


def check_run(run: RunArgs) -> None:
    """An :class:`LrdslError` for run arguments no run takes, whatever the schedule (lowering's own checks).

    Steps per epoch, tokens and samples per step: positive and finite; parameters: finite; a total
    in steps: a whole number from 0 to 1e15 (one given as a duration, ``"90ep"``, is read by lowering).
    No argument given: nothing to check, and lowering is not loaded.
    """
    if not run.given:
        return
    from lrdsl.lowering.lower import _params, _total, run_rate

    run_rate(run.steps_per_epoch)
    run_rate(run.tokens_per_step, "tokens per step")
    run_rate(run.samples_per_step, "samples per step")
    _params(run.params)
    if run.total_steps is not None and not isinstance(run.total_steps, str):
        _total(run.total_steps)


def lower(
    schedule: str | Schedule,
    total_steps: int | str | None = None,
    steps_per_epoch: float | None = None,
    params: Mapping[str, float] | None = None,
    tokens_per_step: float | None = None,
    samples_per_step: float | None = None,
) -> Lowered:
    """Parse (if needed) and resolve ``schedule`` for a run: its IR and total steps.

    ``total_steps`` is a whole number or a duration in any unit: ``"90ep"``, ``"300Btok"``, ``"100k"``.
    """
    from lrdsl.lowering.lower import lower_schedule

    run = (total_steps, steps_per_epoch, params, False, tokens_per_step, samples_per_step)
    return lower_schedule(as_schedule(schedule), *run)


def evaluate_lowered(plan: Lowered, steps: npt.ArrayLike | None, source: str) -> npt.NDArray[np.float64]:
    """``plan``'s values for ``t = 0 … total−1`` or for each of ``steps``; an error shown on ``source``.

    The one evaluation of a resolved run: :func:`evaluate`, :func:`evaluate_set` and bound schedules use it.
    """
    from lrdsl.ir.interpreter import evaluate_ir, evaluate_range
    from lrdsl.lowering.lower import _steps, check_size

    try:
        if steps is None:
            check_size(plan.total)
            return evaluate_range(plan.ir, 0, plan.total)
        at = _steps(steps)
        check_size(at.size)
        return evaluate_ir(plan.ir, at)
    except LrdslError as err:
        raise err.with_source(source) from None


def evaluate(
    schedule: str | Schedule | ScheduleSet | Mapping[str, object],
    total_steps: int | str | None = None,
    steps_per_epoch: float | None = None,
    steps: npt.ArrayLike | None = None,
    params: Mapping[str, float] | None = None,
    tokens_per_step: float | None = None,
    samples_per_step: float | None = None,
    *,
    member: str = DEFAULT_MEMBER,
) -> npt.NDArray[np.float64]:
    """``lr(t)`` as float64 for ``t = 0 … total_steps−1``, or for each of ``steps``.

    Without ``total_steps`` the run lasts the schedule's own explicit duration.
    Steps past the end hold the end value. ``schedule`` may be a set (LANGUAGE.md §9.5, text, a
    mapping ``{name: expression}`` or a :class:`ScheduleSet`): the result is then its ``member``
    on the set's shared run (:func:`evaluate_set`), an error naming the members if it has none such.
    """
    if isinstance(schedule, str):
        schedule = parse_text(schedule)  # a Schedule, or a ScheduleSet of several members (memoised)
    if isinstance(schedule, (Mapping, ScheduleSet)) or member != DEFAULT_MEMBER:
        schedules = as_set(schedule)
        if schedules.names != (DEFAULT_MEMBER,) or member != DEFAULT_MEMBER:
            run = RunArgs(total_steps, steps_per_epoch, params, tokens_per_step, samples_per_step)
            return _evaluate_members(schedules, member, run, steps)[member]
        schedule = parse(str(schedules))  # a set of `lr` alone is that schedule
    schedule = as_schedule(schedule)
    plan = lower(schedule, total_steps, steps_per_epoch, params, tokens_per_step, samples_per_step)
    return evaluate_lowered(plan, steps, schedule.source or plan.text)


def evaluate_set(
    schedules: str | Schedule | ScheduleSet | Mapping[str, object],
    total_steps: int | str | None = None,
    steps_per_epoch: float | None = None,
    steps: npt.ArrayLike | None = None,
    params: Mapping[str, float] | None = None,
    tokens_per_step: float | None = None,
    samples_per_step: float | None = None,
) -> dict[str, npt.NDArray[np.float64]]:
    """``{name: values}`` for every member of a set (LANGUAGE.md §9.5), in the set's order, always a dict.

    Every member shares the run: ``total_steps``, ``steps_per_epoch``, tokens and samples per step,
    and ``params`` (each given once; one no member reads is an error). Without ``total_steps`` the
    run lasts the longest member's explicit duration. One schedule is the set ``{"lr": …}``.
    """
    run = RunArgs(total_steps, steps_per_epoch, params, tokens_per_step, samples_per_step)
    return _evaluate_members(as_set(schedules), None, run, steps)


def _evaluate_members(
    parsed: ScheduleSet, only: str | None, run: RunArgs, steps: npt.ArrayLike | None
) -> dict[str, npt.NDArray[np.float64]]:
    """``{name: m(t)}`` for every member (or ``only``) on the set's shared ``run``, at ``steps`` (or every step)."""
    from lrdsl.run.sets import in_member, lower_set

    plans = lower_set(parsed, run, only)
    several = len(parsed.members) > 1
    source = parsed.source or str(parsed)
    out = {}
    for name, plan in plans.items():
        try:
            out[name] = evaluate_lowered(plan, steps, source)
        except LrdslError as err:
            raise in_member(name, err, several) from None
    return out


def generate(
    schedule: str | Schedule | ScheduleSet | Mapping[str, object],
    target: str,
    total_steps: int | str | None = None,
    steps_per_epoch: float | None = None,
    name: str | None = None,
    params: Mapping[str, float] | None = None,
    tokens_per_step: float | None = None,
    samples_per_step: float | None = None,
) -> str:
    """Standalone ``target`` code (python, torch, optax, keras, paddle) giving the interpreter's numbers.

    The schedule is lowered symbolically (parameters stay arguments of the code), then printed by
    :func:`lrdsl.codegen.generate_lowered`, which reads only the IR. A set (LANGUAGE.md §9.5) of
    several members, or of one not named ``lr``, is one module with a function per member
    (:mod:`lrdsl.codegen.sets`), each member on the set's run.
    """
    from lrdsl.codegen import generate_lowered
    from lrdsl.lowering.lower import lower_schedule

    if isinstance(schedule, str):
        schedule = parse_text(schedule)
    if isinstance(schedule, (Mapping, ScheduleSet)):
        schedules = as_set(schedule)
        if schedules.names != (DEFAULT_MEMBER,):
            shared = RunArgs(total_steps, steps_per_epoch, params, tokens_per_step, samples_per_step)
            return _generate_set(schedules, target, name, shared)
        schedule = parse(str(schedules))
    parsed = as_schedule(schedule)
    run = (total_steps, steps_per_epoch, params, True, tokens_per_step, samples_per_step)
    plan = lower_schedule(parsed, *run)  # symbolic: parameters stay arguments
    try:
        return generate_lowered(plan, target, name)
    except LrdslError as err:  # the interpreter's refusal, shown on the user's text
        raise err.with_source(parsed.source or plan.text) from None


def _generate_set(parsed: ScheduleSet, target: str, name: str | None, run: RunArgs) -> str:
    """:func:`generate` of a set: each member lowered symbolically on the set's ``run``, then one module.

    Without a total the run is the set's (its longest explicit duration, :func:`lrdsl.run.sets.lower_set`).
    """
    from lrdsl.codegen.sets import generate_set_lowered
    from lrdsl.run.sets import lower_set

    plans = lower_set(parsed, run, symbolic=True)  # symbolic: parameters stay arguments
    try:
        return generate_set_lowered(plans, target, name)
    except LrdslError as err:
        raise err.with_source(parsed.source or str(parsed)) from None
