"""A schedule set on one run (LANGUAGE.md §9.5): every member lowered with the same run binding.

Every member shares the run: the total, steps per epoch, tokens and samples per step, and the
``$params``. A parameter is given once for the whole set; each member receives the parameters it
reads, and one that no member reads is an error. Without a total, the run lasts the longest
explicit duration among the members (each member is first resolved alone; the ones with a
flexible phase, which cannot be, take the others' length): with ``T = max_m T_m`` over the
members ``m`` whose own duration ``T_m`` is explicit, every member ``m`` is ``m(t)`` for
``t = 0 … T−1``, a member that ends early holding its end value as a schedule does.

Each member is lowered by :func:`lrdsl.lowering.lower.lower_schedule` (:meth:`RunArgs.lower`), exactly as a schedule
alone; an error in one names the member (its caret points into the set's text).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from lrdsl.errors import LrdslError
from lrdsl.ir import Lowered
from lrdsl.language import ast as A
from lrdsl.language.members import in_member
from lrdsl.language.parser import as_set
from lrdsl.lowering.lower import refuse_unused
from lrdsl.run.args import NO_RUN, RunArgs

__all__ = ["SetLike", "as_set", "in_member", "lower_set", "params_read", "refuse_unused"]

SetLike = str | Mapping[str, object] | A.ScheduleSet | A.Schedule
"""What the set API takes: set text, a mapping ``{name: expression}``, a parsed set or one schedule."""


def params_read(expr: A.Node) -> set[str]:
    """The names of the ``$params`` that appear in ``expr``."""
    return {node.name for node in A.walk(expr) if isinstance(node, A.Param)}


def lower_set(
    schedules: SetLike, run: RunArgs = NO_RUN, only: str | None = None, *, symbolic: bool = False
) -> dict[str, Lowered]:
    """Each member (or only the member ``only``) resolved for the set's shared ``run``, by name, in the set's order.

    Each member is lowered with the ``$params`` it reads (a set of one member with them all, so that
    lowering names one it does not read); ``symbolic``: for code generation, parameters stay arguments.
    """
    parsed = as_set(schedules)
    names = [only] if only is not None else list(parsed.names)
    members = {name: parsed.member(name) for name in names}  # an error naming the members when `only` is absent
    given = dict(run.params or {})
    several = len(parsed.members) > 1
    read = {m.name: params_read(m.expr) for m in parsed.members}
    if several:
        refuse_unused(given, set().union(*read.values()), "one of the members")

    def lower(name: str, schedule: A.Schedule, total: int | str | None) -> Lowered:
        mine = {k: v for k, v in given.items() if k in read[name]} if several else given
        try:
            return run.but(total_steps=total, params=mine).lower(schedule, symbolic)
        except LrdslError as err:
            raise in_member(name, err, several) from None

    total = run.total_steps
    if total is None and several:
        total = _longest(parsed, lower)
    return {name: lower(name, schedule, total) for name, schedule in members.items()}


def _longest(parsed: A.ScheduleSet, resolve: Callable[[str, A.Schedule, int | str | None], Lowered]) -> int:
    """The longest explicit duration of the members (the run of a set given no total)."""
    totals: list[int] = []
    first: LrdslError | None = None
    for m in parsed.members:
        try:
            totals.append(resolve(m.name, parsed.member(m.name), None).total)
        except LrdslError as err:
            first = first or err
    if not totals:
        assert first is not None
        raise first
    return max(totals)
