"""``lrdsl.torch.scheduler``: a PyTorch LR scheduler from a schedule string, no file needed.

The scheduler sets ``key`` (``"lr"``, ``"momentum"``, ``"betas[0]"``…) of each param group at
optimizer step ``t`` (its ``last_epoch``, counted from 0) to ``lr(t)`` of that group's
schedule, read from the generated code's closed form ``lr_at`` (the numbers of ``lrdsl gen
--target torch``). Step it once after each ``optimizer.step()``.

- **Groups.** One schedule drives every group. With ``mode="absolute"`` each group ``i`` is
  set to ``lr(t)``; with ``mode="scale"`` to its own base value times ``lr(t)``, ``b_i · lr(t)``
  (``LambdaLR``'s semantics; the base of ``"lr"`` is the group's ``initial_lr`` when a scheduler
  set it, else its ``lr``); with ``mode="ratio"`` to ``r_i · lr(t)``, where ``r_i`` is the
  group's multiplier key (``lr_mult`` for ``"lr"``, ``wd_mult`` for ``"weight_decay"``, 1 where
  a group lacks it) if any group has one, else its ratio to the first group with a non-zero
  base, ``r_i = b_i / b_ref``: that group follows the schedule exactly, the others keep their
  proportion to it, and a group that starts at 0 stays at 0. Without a mode, ``"lr"`` and
  ``"weight_decay"`` use ratio mode when the groups differ or carry multipliers (what
  PyTorch's own schedulers do to groups of different rates, and Megatron's ``lr_mult`` /
  ``wd_mult``); any other key (``momentum``, ``betas[0]``) is set absolutely, as PyTorch's
  ``OneCycleLR`` sets momentum, with one warning when the groups' values differ. A list of
  schedules (one per group, in the order of ``optimizer.param_groups``) or a dict keyed by group
  index or by a group's ``"name"`` gives each group its own schedule, absolute unless a mode
  says otherwise.
- **Checkpoints.** ``state_dict()`` holds the run's :class:`lrdsl.integrations.checkpoint.ScheduleRecord`
  under ``"lrdsl"``; ``load_state_dict`` of another run raises :class:`LrdslError`, or with
  ``resume="branch"`` continues from the checkpoint's step on this schedule.
- **Sets.** Given a schedule set (LANGUAGE.md §9.5), each optimizer member (``lr``,
  ``weight_decay``, ``momentum``, ``dampening``, ``betas[0]``, ``betas[1]``, ``eps``: the param-group
  keys) is driven as its own key would be, all on the set's one run and stepped together;
  ``values()`` gives every member's ``m(t)`` at ``t = last_epoch``, the user's own (``ema``,
  ``loss.kl``) too, and a checkpoint records every member (``"lrdsl_set"``). A reserved member the
  param groups lack is refused. :func:`ema_avg_fn` / :func:`averaged` drive an ``AveragedModel``.
- **Plan.** ``scheduler.plan()`` is the :class:`lrdsl.run.plan.Plan` of a group: every value it
  will set and the explain table, to log once before training.

PyTorch is imported only when a scheduler is built.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import math
import numbers
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from lrdsl.errors import LrdslError
from lrdsl.integrations.checkpoint import RECORD_KEY, ScheduleRecord, check_resume, check_resume_mode, resume_state
from lrdsl.integrations.set_run import SET_KEY, SetRun, as_member_set, check_set, refuse_missing, set_run
from lrdsl.language.ast import Schedule, ScheduleSet
from lrdsl.run.args import RunArgs

if TYPE_CHECKING:
    from lrdsl.run.plan import Plan

Schedules = str | Schedule | ScheduleSet | Sequence[str | Schedule] | Mapping[int | str, str | Schedule]
"""One schedule (or set) for every param group, a list with one per group, or a dict by group index or name."""

MODES = ("absolute", "scale", "ratio")
MULTIPLIERS = {"lr": "lr_mult", "weight_decay": "wd_mult"}
"""The keys whose groups keep their proportions by default, and each one's per-group multiplier key (Megatron's)."""
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[([0-9]+)\])?")


def scheduler(
    optimizer: Any,
    schedule: Schedules,
    total_steps: int | str | None = None,
    steps_per_epoch: float | None = None,
    params: Mapping[str, float] | None = None,
    *,
    tokens_per_step: float | None = None,
    samples_per_step: float | None = None,
    mode: str | None = None,
    key: str = "lr",
    last_epoch: int = -1,
    resume: str = "strict",
) -> Any:
    """A ``torch.optim.lr_scheduler.LRScheduler`` (``lrdsl.torch.Scheduler``) driving ``key`` of the param groups.

    ``schedule`` is one schedule for every group, or a list / dict of them (see the module's
    doc). ``total_steps`` is the run's optimizer steps (or a duration in any unit: ``"90ep"``);
    without it the run lasts the schedule's own duration (the longest, for several).
    ``mode`` is ``"absolute"``, ``"scale"``, ``"ratio"`` or ``None`` (decided by the key and the groups).
    ``resume="branch"`` lets ``load_state_dict`` continue a checkpoint of another schedule.
    Functools' ``partial`` of it (Hydra's ``_partial_: true``) takes the optimizer and
    total at run time.
    """
    run = dict(locals())  # this signature is the class's too: its __init__ binds its arguments to it
    return scheduler_class()(run.pop("optimizer"), run.pop("schedule"), **run)


@dataclass(frozen=True)
class _Run:
    """One schedule resolved for the run: its tree, bound parameters and closed form."""

    tree: Schedule
    text: str
    params: tuple[tuple[str, float], ...]
    lr_at: Callable[[int], float]


def _group_name(group: Mapping[str, Any]) -> str | None:
    name = group.get("name")
    return name if isinstance(name, str) else None


def group_index(groups: Sequence[Mapping[str, Any]], which: object) -> int:
    """The index of the param group ``which`` names: its index, or its ``"name"`` entry."""
    if isinstance(which, bool) or not isinstance(which, (int, str)):
        raise LrdslError(
            f"param groups are keyed by index or name, not {type(which).__name__}",
            hint="e.g. {0: 'cosine(0.1→0)', 'head': 'cosine(1→0)'}",
        )
    if isinstance(which, int):
        if not 0 <= which < len(groups):
            raise LrdslError(
                f"no param group {which}: the optimizer has {len(groups)}", hint="groups are numbered from 0"
            )
        return which
    found = [i for i, g in enumerate(groups) if _group_name(g) == which]
    if len(found) > 1:
        raise LrdslError(
            f"two param groups are named {which!r}", hint="give the groups distinct names, or key them by index"
        )
    if not found:
        names = [n for n in map(_group_name, groups) if n is not None]
        hint = (
            "the groups' names: " + ", ".join(repr(n) for n in names)
            if names
            else "no group has a 'name': add one to its dict in the optimizer, or key the schedules by index"
        )
        raise LrdslError(f"no param group is named {which!r}", hint=hint)
    return found[0]


def _per_group(schedule: Schedules, groups: Sequence[Mapping[str, Any]]) -> list[str | Schedule] | None:
    """One schedule per group from a list or dict; ``None`` for one schedule for all."""
    if isinstance(schedule, (str, Schedule)) or not isinstance(schedule, (Sequence, Mapping)):
        return None
    if isinstance(schedule, Mapping):
        chosen: dict[int, tuple[object, str | Schedule]] = {}
        for which, expr in schedule.items():
            i = group_index(groups, which)
            if i in chosen:
                raise LrdslError(
                    f"param group {i} has two schedules: {chosen[i][0]!r} and {which!r}",
                    hint="key each group once, by index or by name",
                )
            chosen[i] = (which, expr)
        for i, group in enumerate(groups):
            if i not in chosen:
                name = _group_name(group)
                raise LrdslError(
                    f"param group {i}{f' ({name!r})' if name else ''} has no schedule",
                    hint="give every group one; a fixed value is const(…)",
                )
        return [chosen[i][1] for i in range(len(groups))]
    exprs = list(schedule)
    if len(exprs) != len(groups):
        raise LrdslError(
            f"{len(exprs)} schedules for {len(groups)} param groups",
            hint="give one per group, in the order of optimizer.param_groups, or a dict by index or name",
        )
    return exprs


def _resolve(exprs: list[str | Schedule], run: RunArgs) -> tuple[list[_Run], int, float | None]:
    """Each distinct schedule lowered for ``run`` (the longest, without a total) and loaded as torch code."""
    from lrdsl.api import as_schedule
    from lrdsl.integrations.runtime import load_generated
    from lrdsl.run.sets import params_read, refuse_unused
    from lrdsl.tools.linting import warn

    bound = dict(run.params or {})  # values checked by lowering
    trees = [as_schedule(e) for e in exprs]
    texts = list(dict.fromkeys(str(t) for t in trees))
    tree_of = {str(t): t for t in trees}
    used: dict[str, dict[str, Any]] = {}
    for text in texts:
        names = params_read(tree_of[text].expr) if len(texts) > 1 else set(bound)
        used[text] = {k: v for k, v in bound.items() if k in names}
    refuse_unused(bound, {k for u in used.values() for k in u})
    lowered = {}
    for text in texts:
        mine = run.but(params=used[text])
        lowered[text] = mine.lower(tree_of[text])
        warn(tree_of[text], lowered[text], mine)  # LrdslWarning
    run_total = max(low.total for low in lowered.values())
    spe = next(iter(lowered.values())).steps_per_epoch
    runs: dict[str, _Run] = {}
    for text in texts:
        module = load_generated(
            tree_of[text],
            "torch",
            run_total,
            spe,
            used[text],
            **run.rates,
        )
        values = tuple(sorted((str(k), float(v)) for k, v in used[text].items()))
        runs[text] = _Run(tree_of[text], lowered[text].text, values, module.lr_at)
    return [runs[str(t)] for t in trees], run_total, spe


@functools.cache
def scheduler_class() -> type[Any]:
    """``lrdsl.torch.Scheduler``, a ``torch.optim.lr_scheduler.LRScheduler`` (PyTorch imported on first use)."""
    from torch.optim.lr_scheduler import LRScheduler

    scheduler_type = type(
        "Scheduler", (_Scheduler, LRScheduler), {"__module__": __name__, "__doc__": _Scheduler.__doc__}
    )
    scheduler_type.__qualname__ = "Scheduler"
    return scheduler_type


class _Scheduler:
    """Sets ``key`` of each param group to its schedule's value at ``last_epoch`` (see ``lrdsl.torch``).

    The body of ``lrdsl.torch.Scheduler``, whose other base, PyTorch's ``LRScheduler``, is joined
    to it by :func:`scheduler_class` when PyTorch is first needed. Its arguments are
    :func:`scheduler`'s, the one signature of the adapter.
    """

    optimizer: Any
    last_epoch: int
    _step_count: int
    _last_lr: list[float]

    def __init__(self, optimizer: Any, schedule: Schedules, *args: Any, **kwargs: Any) -> None:
        given = inspect.signature(scheduler).bind(optimizer, schedule, *args, **kwargs)
        given.apply_defaults()
        run = dict(given.arguments)
        self._set = _set_of(optimizer, schedule, run)
        self._companions: list[Any] = []
        self._others: dict[str, list[_Run]] = {}
        if self._set is not None:
            schedule, run = _member_run(self._set, self._set.optimizer_members[0], run)
        self.resume = check_resume_mode(run["resume"])
        self.key = run["key"]
        self._name, self._index = _key_parts(run["key"])
        _check_mode(run["mode"])
        groups = optimizer.param_groups
        per_group = _per_group(schedule, groups)
        exprs = per_group if per_group is not None else [cast("str | Schedule", schedule)] * len(groups)
        rates = run["tokens_per_step"], run["samples_per_step"]
        self._runs, total, spe = _resolve(exprs, RunArgs.of(run))
        distinct = list(dict.fromkeys(self._runs))  # each closed form evaluated once per step
        self._closed_forms = [r.lr_at for r in distinct]
        self._slots = [distinct.index(r) for r in self._runs]
        self.base_values = [self._base(i, g) for i, g in enumerate(groups)]
        self.mode, self.factors = _mode_and_factors(
            run["key"], run["mode"], per_group is not None, groups, self.base_values
        )
        texts = tuple(r.text for r in self._runs)
        self.record = ScheduleRecord(
            tuple(dict.fromkeys(texts)) if per_group is None else texts,
            total,
            spe,
            None if rates[0] is None else float(rates[0]),
            None if rates[1] is None else float(rates[1]),
            tuple(sorted((str(k), float(v)) for k, v in (run["params"] or {}).items())),
            self.key,
            self.mode,
        )
        self._tokens_per_step, self._samples_per_step = rates
        self.branches: list[dict[str, Any]] = []
        cast(Any, super()).__init__(optimizer, run["last_epoch"])
        if self._set is not None:
            self._build_members(self._set, dict(given.arguments))

    def _build_members(self, members: SetRun, run: dict[str, Any]) -> None:
        """The set's other optimizer members, each a scheduler of its key, and its own members' closed forms."""
        for name in members.optimizer_members[1:]:
            schedule, mine = _member_run(members, name, run)
            self._companions.append(scheduler(mine.pop("optimizer"), schedule, **mine))
        for name in members.other_members:
            exprs: list[str | Schedule] = list(members.members[name])
            own = RunArgs.of(run).but(total_steps=members.total_steps, params=members.params[name])
            self._others[name] = _resolve(exprs, own)[0]

    def values(self, group: int | str = 0) -> dict[str, float]:
        """Every member's value at the current step ``t = last_epoch``, by name in the set's order.

        The schedule's own value ``m(t)`` of param group ``group``'s set (before any group's
        ratio or scale): ``evaluate(text, member=name)[t]``. For one schedule, ``{key: lr(t)}``.
        """
        i = group_index(self.optimizer.param_groups, group)
        t = self.last_epoch
        found = {self.key: self._runs[i].lr_at(t)}
        found.update({c.key: c._runs[i].lr_at(t) for c in self._companions})
        found.update({name: runs[i].lr_at(t) for name, runs in self._others.items()})
        names = self._set.names if self._set is not None else (self.key,)
        return {name: float(found[name]) for name in names}

    def _records(self) -> dict[str, ScheduleRecord]:
        """Every member's record, by name in the set's order (one schedule: its own)."""
        if self._set is None:
            return {self.key: self.record}
        found = {self.key: self.record, **{c.key: c.record for c in self._companions}}
        for name, runs in self._others.items():
            texts = tuple(r.text for r in runs)
            exprs = tuple(dict.fromkeys(texts)) if self._set.shared else texts
            found[name] = dataclasses.replace(
                self.record, exprs=exprs, params=runs[0].params, key=name, mode="absolute"
            )
        return {name: found[name] for name in self._set.names}

    def _base(self, i: int, group: Mapping[str, Any]) -> float:
        if self.key == "lr" and "initial_lr" in group:
            return float(group["initial_lr"])
        return self._read(i, group)

    def _read(self, i: int, group: Mapping[str, Any]) -> float:
        try:
            value = group[self._name]
            if self._index is not None:
                value = value[self._index]
            return float(value)
        except (KeyError, IndexError, TypeError):
            keys = ", ".join(sorted(k for k in group if k != "params"))
            raise LrdslError(f"param group {i} has no {self.key!r}", hint=f"its keys: {keys}") from None

    def _write(self, group: dict[str, Any], value: float) -> None:
        current = group[self._name]
        if self._index is None:
            group[self._name] = _filled(current, value)
            return
        values = list(current)
        values[self._index] = _filled(values[self._index], value)
        group[self._name] = type(current)(values)

    def get_lr(self) -> list[float]:
        """Each group's value at ``last_epoch``: ``lr(t)``, ``b_i · lr(t)`` (scale) or ``r_i · lr(t)`` (ratio)."""
        t = self.last_epoch
        values = [lr_at(t) for lr_at in self._closed_forms]
        factors = self._factors()
        if factors is None:
            return [values[k] for k in self._slots]
        return [f * values[k] for f, k in zip(factors, self._slots)]

    def _factors(self) -> list[float] | None:
        """What each group's value multiplies: its base (scale), its ratio (ratio), or nothing."""
        return {"scale": self.base_values, "ratio": self.factors}.get(self.mode)

    def __repr__(self) -> str:
        texts = self.record.exprs[0] if len(self.record.exprs) == 1 else list(self.record.exprs)
        last = ", ".join(f"{v:.6g}" for v in self._last_lr) if hasattr(self, "_last_lr") else "not set"
        mode = "" if self.mode == "absolute" else f", mode={self.mode!r}"
        key = "" if self.key == "lr" else f", key={self.key!r}"
        return (
            f"lrdsl.torch.Scheduler({texts!r}, total_steps={self.record.total_steps}{key}{mode}, "
            f"step={self.last_epoch}, {self.key}=[{last}])"
        )

    def _get_closed_form_lr(self) -> list[float]:
        return self.get_lr()

    def _apply(self) -> None:
        for group, value in zip(self.optimizer.param_groups, self.get_lr(), strict=True):
            self._write(group, float(value))
        self._last_lr = [self._read(i, g) for i, g in enumerate(self.optimizer.param_groups)]

    def step(self, epoch: int | None = None) -> None:
        """Advance one step (or jump to step ``epoch``) and set every group's value in closed form."""
        self._step_count += 1
        self.last_epoch = self.last_epoch + 1 if epoch is None else int(epoch)
        self._apply()
        for companion in self._companions:
            companion.step(epoch)

    def get_last_lr(self) -> list[float]:
        """The values the last step set: of ``key`` (the momentum, for ``key="momentum"``)."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """Plain data: the step, base values, last values, the run's record and its branches."""
        return {
            "last_epoch": self.last_epoch,
            "_step_count": self._step_count,
            "base_values": list(self.base_values),
            "factors": list(self.factors),
            "_last_lr": list(self._last_lr),
            "branches": [dict(b) for b in self.branches],
            RECORD_KEY: self.record.as_dict(),
        } | self._set_state()

    def _set_state(self) -> dict[str, Any]:
        """A set's part of the state: every member's record, and its other optimizer members' states."""
        if self._set is None:
            return {}
        return {
            SET_KEY: {name: record.as_dict() for name, record in self._records().items()},
            "members": {c.key: c.state_dict() for c in self._companions},
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Continue the checkpoint's run at its step, and set the optimizer's values at once.

        The checkpoint's record must be this scheduler's (:func:`lrdsl.integrations.checkpoint.check_resume`);
        with ``resume="branch"`` another one continues at its step on this schedule, with
        this scheduler's base values, and the branch is recorded in ``branches``.
        """
        state = resume_state(state_dict, len(self.base_values))
        step = state.step
        if self._set is not None or SET_KEY in state_dict:
            saved = state_dict.get(SET_KEY, {self.key: state.record})
            check_set(saved, self._records(), step, self.resume)
        same = check_resume(state.record, self.record, step, self.resume)
        self.last_epoch = step
        self._step_count = state.step_count
        self.branches = state.branches
        if same:
            self.base_values = state.bases if state.bases is not None else self.base_values
            self.factors = state.factors if state.factors is not None else self.factors
        else:
            self.branches.append({"from": state_dict[RECORD_KEY], "at": step})
        self._apply()
        saved_members = state_dict.get("members")
        for companion in self._companions:
            member = saved_members.get(companion.key) if isinstance(saved_members, Mapping) else None
            if isinstance(member, Mapping):
                companion.load_state_dict(dict(member))
            else:  # a member the checkpoint did not have (resume="branch"): this set's value at the step
                companion.last_epoch = step
                companion._apply()

    def plan(self, group: int | str = 0) -> Plan:
        """The :class:`lrdsl.run.plan.Plan` of param group ``group`` (index or name): what it will be set to."""
        from lrdsl.run.plan import make_plan

        i = group_index(self.optimizer.param_groups, group)
        run = self._runs[i]
        return make_plan(
            run.tree,
            self.record.total_steps,
            self.record.steps_per_epoch,
            dict(run.params),
            tokens_per_step=self._tokens_per_step,
            samples_per_step=self._samples_per_step,
            scale=1.0 if (factors := self._factors()) is None else factors[i],
        )


def _set_of(optimizer: Any, schedule: Schedules, run: Mapping[str, Any]) -> SetRun | None:
    """The set (one for every group, or one per group) that ``schedule`` is, resolved for the run; ``None`` for schedules.

    A reserved member the param groups lack (``momentum`` on Adam) is refused, and so is ``key``
    other than ``"lr"`` (a set names its members).
    """
    groups = optimizer.param_groups
    per_group = _per_group(schedule, groups) if not isinstance(schedule, str | Schedule) else None
    exprs: list[Any] = per_group if per_group is not None else [schedule]
    sets = [as_member_set(e) for e in exprs]
    if all(s is None for s in sets):
        return None
    from lrdsl.language.parser import as_set

    parsed = [s if s is not None else as_set(e) for s, e in zip(sets, exprs)]
    if run["key"] != "lr":
        raise LrdslError(
            f"key={run['key']!r} is for one schedule: a set names the value each member sets",
            hint="leave key out, and name the member in the set: momentum: …",
        )
    members = set_run(parsed, RunArgs.of(run))
    members = dataclasses.replace(members, shared=per_group is None)
    if not members.optimizer_members:
        raise LrdslError(
            f"the set has no optimizer member, only {', '.join(members.names)}",
            hint="add one (lr, weight_decay, momentum, betas[0], …), or read the members with lrdsl.evaluate_set",
        )
    for name in members.optimizer_members:
        for group in groups:
            if not _has(group, name):
                raise refuse_missing(name, optimizer, sorted(k for k in group if k != "params"))
    return members


def _has(group: Mapping[str, Any], name: str) -> bool:
    """Whether a param group has the value ``name`` (``"betas[1]"``: a ``betas`` of two or more)."""
    key, index = _key_parts(name)
    if key not in group or group[key] is None:
        return False
    value = group[key]
    return index is None or (isinstance(value, Sequence) and len(value) > index)


def _member_run(members: SetRun, name: str, run: Mapping[str, Any]) -> tuple[Schedules, dict[str, Any]]:
    """Member ``name``'s schedule (one, or one per group) and the scheduler's arguments that drive it on the set's run."""
    exprs = members.members[name]
    mine = {k: v for k, v in run.items() if k != "schedule"}
    mine |= {"key": name, "total_steps": members.total_steps, "params": members.params[name]}
    return (exprs[0] if members.shared else list(exprs)), mine


def _filled(current: Any, value: float) -> Any:
    """``value`` in place of a group's ``current`` value: a tensor is filled in place, a number replaced."""
    if type(current) is float:  # the common case, without looking torch up every step
        return value
    import torch

    if isinstance(current, torch.Tensor):
        current.fill_(value)
        return current
    return value


def _key_parts(key: object) -> tuple[str, int | None]:
    """``"betas[0]"`` → ``("betas", 0)``, ``"lr"`` → ``("lr", None)``; anything else is refused."""
    match = _KEY.fullmatch(key) if isinstance(key, str) else None
    if match is None:
        raise LrdslError(f"key must name a param group's value, such as 'lr', 'momentum' or 'betas[0]', got {key!r}")
    return match[1], None if match[2] is None else int(match[2])


def _check_mode(mode: object) -> None:
    if mode is not None and mode not in MODES:
        raise LrdslError(
            f"mode must be 'absolute', 'scale' or 'ratio', got {mode!r}",
            hint="or leave it out: groups with different rates then keep their ratios",
        )


def _mode_and_factors(
    key: str, mode: str | None, per_group: bool, groups: Sequence[Mapping[str, Any]], bases: list[float]
) -> tuple[str, list[float]]:
    """The mode (given, or :func:`_default_mode`'s) and each group's ``r_i``, read in ratio mode (else 1.0)."""
    multiplier = MULTIPLIERS.get(key, "")
    multiplied = bool(multiplier) and any(multiplier in g for g in groups)
    if mode is None:
        mode = _default_mode(key, per_group, multiplied, bases)
    if mode != "ratio":
        return mode, [1.0] * len(groups)
    return mode, _multipliers(groups, multiplier) if multiplied else _ratios(bases, key)


def _default_mode(key: str, per_group: bool, multiplied: bool, bases: Sequence[float]) -> str:
    """The mode when none is given: ratio for ``lr`` and ``weight_decay`` groups that differ, else absolute.

    A key without a multiplier rule (``momentum``, ``betas[0]``) whose groups differ is set
    absolutely, all groups to the same value, and one warning says so.
    """
    if per_group:
        return "absolute"
    if key in MULTIPLIERS and (multiplied or len(set(bases)) > 1):
        return "ratio"
    if len(set(bases)) > 1:
        shown = ", ".join(f"{v:g}" for v in bases)
        warnings.warn(
            f"lrdsl: the param groups' {key} differ ({shown}): each is set to the schedule's value "
            "(mode='absolute'); pass mode='scale' to multiply each group's own value, or mode='absolute' to choose",
            UserWarning,
            stacklevel=5,
        )
    return "absolute"


def _ratios(bases: Sequence[float], key: str) -> list[float]:
    """``b_i / b_ref`` with ``b_ref`` the first non-zero base (each 1.0 when every base is 0)."""
    if not all(math.isfinite(b) for b in bases):
        shown = ", ".join(f"{b:g}" for b in bases)
        raise LrdslError(
            f"the param groups' {key} must be finite numbers to keep their ratios, got {shown}",
            hint="set each group's value to a finite number, or pass mode='absolute'",
        )
    ref = next((b for b in bases if b != 0), None)
    return [1.0 if ref is None else b / ref for b in bases]


def _multipliers(groups: Sequence[Mapping[str, Any]], name: str) -> list[float]:
    """Each group's ``name`` (``lr_mult``, ``wd_mult``), 1.0 where it has none."""
    out = []
    for i, group in enumerate(groups):
        value = group.get(name, 1.0)
        number = float(value) if isinstance(value, numbers.Real) and not isinstance(value, bool) else math.nan
        if not (math.isfinite(number) and number >= 0):
            raise LrdslError(
                f"param group {i}'s {name} must be a finite number ≥ 0, got {value!r}",
                hint=f"{name} multiplies the schedule's value for that group",
            )
        out.append(number)
    return out


def ema_avg_fn(sched: Any, member: str = "ema") -> Callable[[Any, Any, Any], Any]:
    """An ``avg_fn`` for ``torch.optim.swa_utils.AveragedModel``: an EMA whose decay is the set's ``member``.

    At the update that follows optimizer step ``t + 1`` (before ``sched.step()``), with
    ``d = member(t)`` read from ``sched.values()``: ``avg ← d · avg + (1 − d) · param``.
    """
    if member not in sched.values():
        raise LrdslError(
            f"the scheduler's set has no member {member!r}: it has {', '.join(sched.values())}",
            hint="name the EMA decay's member: ema_avg_fn(sched, member=…)",
        )

    def avg_fn(averaged: Any, current: Any, num_averaged: Any) -> Any:
        decay = sched.values()[member]
        return decay * averaged + (1.0 - decay) * current

    return avg_fn


def averaged(model: Any, sched: Any, member: str = "ema", **kwargs: Any) -> Any:
    """``AveragedModel(model, avg_fn=ema_avg_fn(sched, member))`` that starts as a copy of ``model``.

    Every ``update_parameters(model)`` then applies the decay, the first one too (timm's
    ``ModelEmaV2``): ``AveragedModel`` alone copies the weights at its first update, ignoring ``d``.
    Other keywords (``device``, ``use_buffers``) are ``AveragedModel``'s.
    """
    from torch.optim.swa_utils import AveragedModel

    average = AveragedModel(model, avg_fn=ema_avg_fn(sched, member), **kwargs)
    average.n_averaged.fill_(1)
    return average


def __getattr__(name: str) -> Any:
    """``lrdsl.torch.Scheduler``: the scheduler class (importing PyTorch)."""
    if name == "Scheduler":
        return scheduler_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
