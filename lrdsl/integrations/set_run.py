"""A schedule set given to a runtime adapter: its members per param group, its run, its checkpoint record.

What every trainer adapter shares when it is given a set (LANGUAGE.md §9.5) rather than one
schedule: which members are optimizer hyper-parameters (the reserved names, PyTorch's param-group
keys) and which are the user's own (``ema``, ``loss.kl``), the one run every member shares (the
total ``T = max_m T_m`` of :func:`lrdsl.run.sets.lower_set`, over every group's set), the
parameters each member reads, and the check on resume that refuses a checkpoint whose set differs
in any member. Framework-free: ``lrdsl.torch`` builds its scheduler from it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lrdsl.errors import LrdslError
from lrdsl.integrations.checkpoint import ScheduleRecord, check_resume
from lrdsl.language import ast as A
from lrdsl.language.members import RESERVED
from lrdsl.run.args import RunArgs

SET_KEY = "lrdsl_set"
"""The key, in a scheduler's state dict, of every member's record (``{name: record}``, in the set's order)."""


def as_member_set(schedule: object) -> A.ScheduleSet | None:
    """``schedule`` as a set when it is a :class:`~lrdsl.language.ast.ScheduleSet` or text of a set with a member
    other than ``lr`` alone, else ``None`` (one schedule).

    Text that does not parse is left to the schedule path, whose error is the same.
    """
    from lrdsl.language.parser import as_set

    if not isinstance(schedule, str | A.ScheduleSet):
        return None
    try:
        parsed = as_set(schedule)
    except LrdslError:
        if isinstance(schedule, A.ScheduleSet):
            raise
        return None
    return None if parsed.names == ("lr",) and isinstance(schedule, str) else parsed


@dataclass(frozen=True)
class SetRun:
    """A set per param group resolved for one run: each member's schedule per group, and the run.

    ``members[name][i]`` is member ``name``'s schedule for group ``i``; ``params[name]`` the
    ``$params`` it reads; ``total_steps`` the run every member shares.
    """

    names: tuple[str, ...]
    members: dict[str, list[A.Schedule]]
    params: dict[str, dict[str, float]]
    total_steps: int
    steps_per_epoch: float | None
    shared: bool = True
    """One set for every group (``True``) or one per group."""

    @property
    def optimizer_members(self) -> tuple[str, ...]:
        """The members that are optimizer hyper-parameters, ``lr`` first, then in the set's order."""
        reserved = [n for n in self.names if n in RESERVED]
        return tuple(sorted(reserved, key=lambda n: n != "lr"))

    @property
    def other_members(self) -> tuple[str, ...]:
        """The user's own members (``ema``, ``loss.kl``), in the set's order."""
        return tuple(n for n in self.names if n not in RESERVED)


def set_run(sets: Sequence[A.ScheduleSet], run: RunArgs) -> SetRun:
    """The members of one set per param group on their shared ``run`` (the longest, without a total).

    Every group's set must have the same members; a parameter no member of any set reads is an error.
    """
    from lrdsl.run.sets import lower_set, params_read, refuse_unused

    names = sets[0].names
    for i, s in enumerate(sets):
        if s.names != names:
            raise LrdslError(
                f"param group {i}'s set has the members {', '.join(s.names)}; group 0's has {', '.join(names)}",
                hint="give every group's set the same members",
            )
    given = dict(run.params or {})
    read = {m.name: set().union(*(params_read(s.member(m.name).expr) for s in sets)) for m in sets[0].members}
    refuse_unused(given, set().union(*read.values()), "one of the members")
    total, spe = 0, run.steps_per_epoch
    for s in {str(s): s for s in sets}.values():
        mine = {k: v for k, v in given.items() if k in set().union(*(params_read(m.expr) for m in s.members))}
        for low in lower_set(s, run.but(params=mine)).values():
            total, spe = max(total, low.total), low.steps_per_epoch
    members = {n: [s.member(n) for s in sets] for n in names}
    bound = {n: {k: v for k, v in given.items() if k in read[n]} for n in names}
    return SetRun(names, members, bound, total, spe)


def refuse_missing(name: str, optimizer: object, keys: Sequence[str]) -> LrdslError:
    """The error for a reserved member ``name`` that the optimizer's param groups lack (momentum on Adam)."""
    hint = "its param groups' hyper-parameters: " + ", ".join(keys)
    if name == "momentum" and "betas" in keys:
        hint = "Adam-type optimizers' momentum is β₁: name the member betas[0]"
    elif name.startswith("betas") and "momentum" in keys:
        hint = "this optimizer's momentum is the member momentum"
    return LrdslError(f"member '{name}': {type(optimizer).__name__} has no {name}", hint=hint)


def check_set(saved: object, current: Mapping[str, ScheduleRecord], step: int, resume: str) -> bool:
    """Whether a checkpoint's set (``state_dict["lrdsl_set"]``) is ``current``'s, member by member.

    ``True``: the same members, each the same run. ``False``: a member added, removed or changed,
    continued at ``step`` because ``resume="branch"``. Under ``resume="strict"`` the first change
    raises :class:`LrdslError` naming the member (and both schedules, when it is in both sets).
    """
    if not isinstance(saved, Mapping) or not all(isinstance(k, str) for k in saved):
        raise LrdslError(
            "the checkpoint's schedule set record is not one lrdsl writes",
            hint=f"a scheduler's state_dict()[{SET_KEY!r}] holds it; was the checkpoint edited?",
        )
    if list(saved) != list(current):
        if resume == "branch":
            return False
        raise LrdslError(
            f"the checkpoint's set has the members {', '.join(saved) or 'none'}; "
            f"this scheduler's has {', '.join(current)}",
            hint=f"to continue the checkpoint from its step {step} on this set, build the scheduler with resume='branch'",
        )
    same = True
    for name, record in current.items():
        try:
            same = check_resume(saved[name], record, step, resume) and same
        except LrdslError as err:
            raise LrdslError(f"in member '{name}': {err.message}", hint=err.hint) from None
    return same
