"""``lrdsl compare`` of schedule sets (LANGUAGE.md §9.5): member by member, on one clock.

Two sets are compared over one run: ``total_steps`` when given, else the longer of the two sets' own
runs (each the longest explicit duration among its members, as :func:`lrdsl.run.sets.lower_set`
resolves it). Every member present in both is compared by :func:`lrdsl.tools.comparison.compare_schedules`
on that run: its first differing step, ``max_abs``, ``max_rel`` and what differs (a shift, one epoch, a
counter from 1, …); the members present on one side only are listed. A set and one schedule (an
expression, values or a log) compare the set's ``lr`` member with that schedule.

A side may also be a set recorded from a run: a mapping ``{name: values}`` whose values are arrays,
lists or :class:`~lrdsl.logs.Curve` (a log's columns, :func:`lrdsl.logs.read_members`). Without
``total_steps`` the recorded values then set the run, member by member, as they do for two schedules;
without a tolerance, a member recorded in float32 is compared at its own (as ``lrdsl compare`` does
for one log).

The work is bounded as one comparison's: at most :data:`~lrdsl.tools.comparison.MAX_COMPARED` steps,
counted over every member compared.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from lrdsl.errors import LrdslError
from lrdsl.language.ast import Schedule, ScheduleSet
from lrdsl.language.members import DEFAULT, in_member
from lrdsl.logs.base import Curve
from lrdsl.run.sets import as_set, lower_set
from lrdsl.tools.comparison import (
    DEFAULT_TOLERANCE,
    MAX_COMPARED,
    Comparison,
    Run,
    SetSide,
    Side,
    check_tolerances,
    compare_schedules,
    run_args,
)

__all__ = ["SetComparison", "compare", "compare_sets", "is_set"]


@dataclass(frozen=True)
class SetComparison:
    """The result of comparing two sets (or a set and one schedule): each common member's :class:`Comparison`.

    ``members`` are in A's order, then B's; ``only_a`` and ``only_b`` the members one side lacks;
    ``note`` says when one side was one schedule, compared with the set's ``lr``.
    """

    members: dict[str, Comparison]
    only_a: tuple[str, ...] = ()
    only_b: tuple[str, ...] = ()
    total: int = 0
    note: str = ""

    @property
    def equal(self) -> bool:
        """Every common member agrees within the tolerance and each side has the same members."""
        return all(c.equal for c in self.members.values()) and not self.only_a and not self.only_b


def compare(
    a: Side | SetSide,
    b: Side | SetSide,
    total_steps: int | str | None = None,
    steps_per_epoch: float | None = None,
    rtol: float = 1e-9,
    atol: float = 0.0,
    tokens_per_step: float | None = None,
    samples_per_step: float | None = None,
) -> Comparison | SetComparison:
    """Compare ``a`` and ``b`` over ``total_steps`` steps (a whole number, or a duration such as ``"90ep"``).

    Without ``total_steps`` the run is as long as the values given (both the same length), else the
    longer of the two expressions' own durations. When they differ and one side is an expression,
    ``difference`` says what differs and ``suggestion`` is the edit of that expression (A's, else
    B's) that equals the other side at every step, or ``None``.

    Two schedules give a :class:`Comparison` (:func:`lrdsl.tools.comparison.compare_schedules`); a schedule set
    on either side (LANGUAGE.md §9.5) gives a :class:`SetComparison`, member by member on one run
    (:func:`compare_sets`).
    """
    run = (steps_per_epoch, tokens_per_step, samples_per_step)
    check_tolerances(rtol, atol, run)
    if is_set(a) or is_set(b):
        return compare_sets(a, b, total_steps, run, rtol, atol)
    return compare_schedules(a, b, total_steps, run, rtol, atol)  # type: ignore[arg-type]  # not a set


def is_set(side: object) -> bool:
    """Whether ``side`` is a set: a :class:`ScheduleSet`, a mapping (of expressions, or of recorded values), or
    a text with members other than ``lr`` alone (a text that does not parse is left to the single comparison,
    which reports its error)."""
    if isinstance(side, (ScheduleSet, Mapping)):
        return True
    if not isinstance(side, str):
        return False
    try:
        return as_set(side).names != (DEFAULT,)
    except LrdslError:
        return False


@dataclass(frozen=True)
class _Members:
    """One side's members: their names, each one's side of a single comparison, and the set when written."""

    names: tuple[str, ...]
    member: Callable[[str], Side]
    written: ScheduleSet | None


def _members(side: object) -> _Members:
    """``side`` as members: a set, or a mapping ``{name: values or a log}`` recorded from a run (its names
    checked as a set's are)."""
    if isinstance(side, Mapping) and side and all(_recorded(v) for v in side.values()):
        as_set(dict.fromkeys(side, 0.0))  # the names' own errors
        return _Members(tuple(side), side.__getitem__, None)
    written = as_set(side)  # type: ignore[arg-type]
    return _Members(written.names, written.member, written)


def _recorded(value: object) -> bool:
    """A member's recorded values (a log's curve, an array, a list), not an expression or a constant."""
    return not isinstance(value, (str, int, float, Schedule))


def compare_sets(
    a: Side | SetSide, b: Side | SetSide, total_steps: int | str | None, run: Run, rtol: float, atol: float
) -> SetComparison:
    """Each member of ``a`` compared with the same member of ``b`` over one run (see the module's text)."""
    if not (is_set(a) and is_set(b)):
        return _with_one_schedule(a, b, total_steps, run, rtol, atol)
    sa, sb = _members(a), _members(b)
    total = _run_total(total_steps, [sa, sb], run)
    common = [n for n in sa.names if n in sb.names]
    if total is not None and total * len(common) > MAX_COMPARED:
        raise LrdslError(
            f"comparing {len(common)} members over {total} steps is too much work "
            f"(the limit is {MAX_COMPARED:.0e} steps in all)",
            hint="compare a shorter run (--steps)",
        )
    members = {}
    for name in common:
        try:
            x, y = sa.member(name), sb.member(name)
            members[name] = compare_schedules(x, y, total, run, *_tolerance(x, y, rtol, atol))
        except LrdslError as err:  # one that points into a member's text names it; the run's own do not
            raise in_member(name, err, err.span is not None) from None
    only_a = tuple(n for n in sa.names if n not in sb.names)
    only_b = tuple(n for n in sb.names if n not in sa.names)
    return SetComparison(members, only_a, only_b, max((c.total for c in members.values()), default=total or 0))


def _with_one_schedule(
    a: Side | SetSide, b: Side | SetSide, total_steps: int | str | None, run: Run, rtol: float, atol: float
) -> SetComparison:
    """The set's ``lr`` member compared with the one schedule on the other side, on the set's run."""
    a_is_set = is_set(a)
    the_set = _members(a if a_is_set else b)
    one: Side = b if a_is_set else a  # type: ignore[assignment]
    names = ("A", "B") if a_is_set else ("B", "A")
    if DEFAULT not in the_set.names:
        raise LrdslError(
            f"{names[1]} is one schedule and {names[0]} a set with no member 'lr' to compare it with",
            hint=f"its members: {', '.join(the_set.names)}; give {names[1]} as a set too",
        )
    other = _Members((DEFAULT,), lambda _: one, as_set(one) if isinstance(one, (str, Schedule)) else None)
    total = _run_total(total_steps, [the_set, other], run)
    lr = the_set.member(DEFAULT)
    first, second = (lr, one) if a_is_set else (one, lr)
    result = compare_schedules(first, second, total, run, *_tolerance(first, second, rtol, atol))
    note = f"{names[1]} is one schedule: compared with {names[0]}'s member 'lr'"
    return SetComparison({DEFAULT: result}, total=result.total, note=note)


def _tolerance(x: Side, y: Side, rtol: float, atol: float) -> tuple[float, float]:
    """``(rtol, atol)``, or when neither was given (the defaults ``1e-9, 0``) a float32 log's own
    (:attr:`lrdsl.logs.Curve.tolerance`: each member of a recorded set has its own, from its own values)."""
    own = [side.tolerance for side in (x, y) if isinstance(side, Curve) and side.tolerance is not None]
    return max(own) if own and (rtol, atol) == DEFAULT_TOLERANCE else (rtol, atol)


def _run_total(total_steps: int | str | None, sides: list[_Members], run: Run) -> int | None:
    """The run both sides are compared on: ``total_steps`` in steps, else the longest of the sets' own; ``None``
    when a side is recorded (its values' steps are the run, as for two schedules)."""
    from lrdsl.api import run_steps

    if total_steps is not None:
        return run_steps(run_args(run, total_steps))  # 0 steps: each member's comparison refuses it
    sets = [side.written for side in sides if side.written is not None]
    if len(sets) < len(sides):
        return None
    totals = [t for t in (_own_total(s, run) for s in sets) if t is not None]
    return max(totals) if totals else _lowered_total(sets[0], run)  # none: the first set's error, as it is


def _own_total(schedules: ScheduleSet, run: Run) -> int | None:
    """The set's own run (the longest explicit duration among its members), ``None`` when it has none."""
    try:
        return _lowered_total(schedules, run)
    except LrdslError:
        return None


def _lowered_total(schedules: ScheduleSet, run: Run) -> int:
    """The total of the set lowered without one: an error when no member has a duration of its own."""
    return next(iter(lower_set(schedules, run_args(run)).values())).total
