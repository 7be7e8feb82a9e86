"""Checkpoints that know their schedule: the record a scheduler saves, and the check on resume.

A scheduler's ``state_dict()`` holds, under the key ``"lrdsl"``, the :class:`ScheduleRecord` of
its run (canonical text, total steps, steps per epoch, tokens and samples per step, parameters,
the driven key and mode) as plain data, so ``torch.load(…, weights_only=True)`` reads it.
On ``load_state_dict`` the record saved is compared with the scheduler's own by
:func:`check_resume`: the same run continues; another one raises :class:`LrdslError` naming
both, unless the scheduler was built with ``resume="branch"``, in which case the run continues
from the checkpoint's step on the new schedule (the checkpoint's ``last_epoch`` is the step of
the new schedule read next). Framework-free: every trainer adapter uses the same check.

A record also names the version of the language its text was written under (``language``, 3 since
periods and marks became exact, LANGUAGE.md §9.4). A record without it is version 2: its text means the same
values now unless a period or mark is fractional in steps (:func:`changed_since_v2`); such a record is refused
under ``resume="strict"`` and continued with a warning (an :class:`~lrdsl.tools.linting.LrdslWarning`) as a branch
under ``resume="branch"``.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from lrdsl.errors import LrdslError
from lrdsl.language.echo import clipped, shown
from lrdsl.language.numbers import format_number

if TYPE_CHECKING:
    from lrdsl.language import ast as A

RECORD_KEY = "lrdsl"
"""The key of the record in a scheduler's state dict."""

RESUME_MODES = ("strict", "branch")
LANGUAGE = 3
"""The language version new records are written under; a record without ``language`` is version 2."""


@dataclass(frozen=True)
class ScheduleRecord:
    """What identifies a scheduler's run: two runs with equal records set the same values.

    ``exprs`` holds one canonical text, or one per param group; ``params`` the bound
    parameters, sorted by name; ``key`` the hyper-parameter driven; ``mode`` ``"absolute"``,
    ``"scale"`` or ``"ratio"``; ``language`` the version of the language the texts were written under
    (:data:`LANGUAGE`; 2 for a record saved without it).
    """

    exprs: tuple[str, ...]
    total_steps: int
    steps_per_epoch: float | None = None
    tokens_per_step: float | None = None
    samples_per_step: float | None = None
    params: tuple[tuple[str, float], ...] = ()
    key: str = "lr"
    mode: str = "absolute"
    language: int = LANGUAGE

    def as_dict(self) -> dict[str, Any]:
        """Plain data (str, int, float, None, list, dict) for a state dict."""
        return {
            "expr": self.exprs[0] if len(self.exprs) == 1 else list(self.exprs),
            "total_steps": self.total_steps,
            "steps_per_epoch": self.steps_per_epoch,
            "tokens_per_step": self.tokens_per_step,
            "samples_per_step": self.samples_per_step,
            "params": dict(self.params),
            "key": self.key,
            "mode": self.mode,
            "language": self.language,
        }

    @classmethod
    def from_dict(cls, data: object) -> ScheduleRecord:
        """The record :meth:`as_dict` wrote; :class:`LrdslError` for anything else (a crafted or edited
        checkpoint: a field of the wrong type, a count that is not a whole number, a number that is not finite)."""
        try:
            if not isinstance(data, Mapping):
                raise TypeError(data)
            expr = data["expr"]
            exprs = (expr,) if isinstance(expr, str) else tuple(expr) if isinstance(expr, list | tuple) else ()
            params = data.get("params") or {}
            if not exprs or not all(isinstance(e, str) for e in exprs) or not isinstance(params, Mapping):
                raise TypeError(data)
            key, mode = data.get("key", "lr"), data.get("mode", "absolute")
            if not isinstance(key, str) or mode not in ("absolute", "scale", "ratio"):
                raise TypeError(data)
            if not all(isinstance(k, str) for k in params):
                raise TypeError(data)
            language = data.get("language", 2)
            if isinstance(language, bool) or language not in range(2, LANGUAGE + 1):
                raise TypeError(data)
            return cls(
                exprs,
                _count(data["total_steps"]),
                _optional(data.get("steps_per_epoch")),
                _optional(data.get("tokens_per_step")),
                _optional(data.get("samples_per_step")),
                tuple(sorted((k, _real(v)) for k, v in params.items())),
                key,
                mode,
                int(language),
            )
        except (KeyError, TypeError, ValueError, ArithmeticError):
            raise LrdslError(
                "the checkpoint's schedule record is not one lrdsl writes",
                hint=f"a scheduler's state_dict()[{RECORD_KEY!r}] holds it; was the checkpoint edited?",
            ) from None

    def describe(self) -> str:
        """One line: the text(s), then the run's numbers that are set."""
        exprs = [clipped(e, 200) for e in self.exprs[:8]] + (["…"] if len(self.exprs) > 8 else [])
        text = exprs[0] if len(exprs) == 1 else "[" + ", ".join(exprs) + "]"
        run = [f"{self.total_steps} steps"]
        for value, unit in (
            (self.steps_per_epoch, "steps per epoch"),
            (self.tokens_per_step, "tokens per step"),
            (self.samples_per_step, "samples per step"),
        ):
            if value is not None:
                run.append(f"{format_number(value)} {unit}")
        if self.params:
            run.append(", ".join(f"${k}={format_number(v)}" for k, v in self.params))
        if self.key != "lr":
            run.append(f"key={shown(self.key)}")
        if self.mode != "absolute":
            run.append(f"mode={self.mode!r}")
        return f"{text} ({', '.join(run)})"


def _real(value: object) -> float:
    """``value`` as a finite float; ``TypeError``/``ValueError`` (caught by the caller) otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(value)
    if isinstance(value, int) and abs(value) >= 2**1024:
        raise ValueError("beyond a float's range")
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(value)
    return x


def _optional(value: object) -> float | None:
    """``None``, or a positive finite number."""
    if value is None:
        return None
    x = _real(value)
    if x <= 0:
        raise ValueError(value)
    return x


def _count(value: object) -> int:
    """A whole number of steps from 0 to 1e15 (an int, or a float that is whole)."""
    x = _real(value)
    if not x.is_integer() or not 0 <= x <= 1e15:
        raise ValueError(value)
    return int(x)


@dataclass(frozen=True)
class ResumeState:
    """The fields of a scheduler's ``state_dict`` that a resume reads, checked."""

    step: int
    step_count: int
    bases: list[float] | None
    branches: list[dict[str, Any]]
    record: object
    factors: list[float] | None = None


def resume_state(state: object, groups: int) -> ResumeState:
    """The step, step count, base values and factors (one per of ``groups`` param groups, or ``None`` when
    not saved), branches and record of a scheduler's ``state_dict``; :class:`LrdslError` for a state that is not one
    lrdsl writes (a crafted checkpoint: ``last_epoch`` a string, ``base_values`` not numbers, …)."""
    if not isinstance(state, Mapping):
        raise _refuse(state, "the state")
    step = _counted(state, "last_epoch", None)
    step_count = _counted(state, "_step_count", step + 1)
    bases, factors = (_per_group(state, name, groups) for name in ("base_values", "factors"))
    branches = state.get("branches", [])
    if not isinstance(branches, list | tuple) or not all(
        isinstance(b, Mapping) and set(b) <= {"from", "at"} for b in branches
    ):
        raise _refuse(state, "branches")
    return ResumeState(step, step_count, bases, [dict(b) for b in branches], state.get(RECORD_KEY), factors)


def _refuse(state: object, field: str) -> LrdslError:
    """The error for a scheduler state whose ``field`` lrdsl did not write."""
    value = state.get(field) if isinstance(state, Mapping) else state
    return LrdslError(
        f"the checkpoint's scheduler state is not one lrdsl writes: {field} is {shown(value)}",
        hint="save it with scheduler.state_dict() and load it unedited",
    )


def _counted(state: Mapping[str, Any], name: str, default: int | None) -> int:
    """The whole number ``≥ 0`` saved as ``name`` (``default`` when it is not saved)."""
    try:
        return _count(state.get(name, default))
    except (TypeError, ValueError):
        raise _refuse(state, name) from None


def _per_group(state: Mapping[str, Any], name: str, groups: int) -> list[float] | None:
    """The numbers saved as ``name``, one per of ``groups`` param groups, or ``None`` when not saved."""
    values = state.get(name)
    if values is None:
        return None
    if not isinstance(values, list | tuple):
        raise _refuse(state, name)
    if len(values) != groups:
        raise LrdslError(
            f"param groups: the checkpoint has {len(values)}, this optimizer {groups}",
            hint="build the optimizer with the param groups of the run that was saved",
        )
    try:
        return [_real(b) for b in values]
    except (TypeError, ValueError):
        raise _refuse(state, name) from None


def check_resume_mode(resume: str) -> str:
    """``resume`` if it is ``"strict"`` or ``"branch"``; :class:`LrdslError` otherwise."""
    if resume not in RESUME_MODES:
        raise LrdslError(
            f"resume must be 'strict' or 'branch', got {resume!r}",
            hint="'strict' refuses a checkpoint of another schedule; 'branch' continues it on this one",
        )
    return resume


def check_resume(saved: object, current: ScheduleRecord, step: int, resume: str = "strict") -> bool:
    """Whether a checkpoint's record ``saved`` (``state_dict["lrdsl"]``, or ``None``) is ``current``'s run.

    ``True``: the same run, it continues. ``False``: another run, continued at ``step`` on
    ``current``'s schedule because ``resume="branch"``. Another run under ``resume="strict"``
    raises :class:`LrdslError` naming both. A checkpoint without a record (written by the
    generated ``Scheduler`` class or by another scheduler) cannot be checked: a warning says so
    and the run continues at ``step``.
    """
    check_resume_mode(resume)
    if saved is None:
        warnings.warn(
            f"the checkpoint does not record its schedule: resuming at step {step} on {current.describe()}",
            UserWarning,
            stacklevel=3,
        )
        return True
    record = ScheduleRecord.from_dict(saved)
    if record.language < current.language:
        changed = changed_since_v2(record)
        if changed is not None:
            if resume == "strict":
                raise LrdslError(
                    _version_message(record, changed),
                    hint=f"to continue the checkpoint from its step {step} on this version's values, build the "
                    "scheduler with resume='branch'",
                )
            warn_version(record, changed, f"continuing at step {step} on this version's values (a branch)")
            return False
        record = dataclasses.replace(record, language=current.language)  # the same values under both versions
    if record == current:
        return True
    if resume == "branch":
        return False
    raise LrdslError(
        f"the checkpoint's schedule is {record.describe()}; this scheduler's is {current.describe()}",
        hint=f"to continue the checkpoint from its step {step} on this schedule, build the scheduler with resume='branch'",
    )


_PERIODS = ("every", "half", "period", "q", "at")
"""The arguments whose values §9.4 made exact: periods and marks (and ``poly(…, cycle=true)``'s duration)."""


def changed_since_v2(record: ScheduleRecord) -> str | None:
    """The first period or mark of ``record``'s texts that may not be a whole number of steps (its text),
    else ``None``: LANGUAGE.md §9.4 made those exact, so a text saved under version 2 with one may set other
    values now. A whole number of steps meant the same under both. Conservative: a period written with
    arithmetic, a parameter or a share (``%``, ``tok``, ``sa``) counts unless its value is whole here."""
    from lrdsl.language.parser import parse

    for text in record.exprs:
        try:
            tree = parse(text)
        except LrdslError:
            continue  # the scheduler's own text parses; a record's that does not is refused as another run
        for arg in _periods(tree):
            value = _steps(arg, record)
            if value is None or value.denominator != 1:
                return str(arg)
    return None


def _steps(node: A.Node, record: ScheduleRecord) -> Fraction | None:
    """The exact steps a period or mark ``node`` meant under version 2, or ``None`` when not a plain number."""
    from lrdsl.language import ast as A

    if isinstance(node, A.Num):
        return Fraction(repr(float(node.value)))
    if isinstance(node, A.Param):
        value = dict(record.params).get(node.name)
        return None if value is None else Fraction(repr(value))
    if not isinstance(node, A.Duration) or (inner := _steps(node.value, record)) is None:
        return None
    scale = _unit_steps(node.unit, record)
    if scale is None or not (float(inner) * scale).is_integer():
        return None  # version 2 multiplied in floats: 2.2ep at 25 steps per epoch was 55.00000000000001
    return inner * Fraction(repr(float(scale)))


def _unit_steps(unit: str, record: ScheduleRecord) -> float | None:
    """The steps in one ``unit`` of ``record``'s run, or ``None`` when the run does not say."""
    if unit == "tok" and record.tokens_per_step:
        return 1 / record.tokens_per_step
    if unit == "sa" and record.samples_per_step:
        return 1 / record.samples_per_step
    return {"steps": 1.0, "ep": record.steps_per_epoch, "%": record.total_steps / 100}.get(unit)


def _periods(node: A.Node) -> Iterator[A.Node]:
    """The periods and marks (:data:`_PERIODS`) of every call in the tree ``node``, in order."""
    from lrdsl.language import ast as A

    if isinstance(node, A.Call):
        for name in _period_names(node):
            value = node.arg(name)
            if value is not None:
                yield from value.items if isinstance(value, A.ListExpr) else (value,)
    for value in node.__dict__.values():
        for child in value if isinstance(value, tuple) else (value,):
            if isinstance(child, A.Node):
                yield from _periods(child)


def _period_names(call: A.Call) -> list[str]:
    """The arguments of ``call`` that are periods or marks (``poly(…, cycle=true)``'s duration too)."""
    from lrdsl.language import ast as A
    from lrdsl.language.signatures import SIGNATURES

    if call.name not in SIGNATURES:
        return []
    params = [p.name for p in SIGNATURES[call.name].params]
    names = [p for p in params if p in _PERIODS]
    cycle = call.arg("cycle") if "cycle" in params else None
    if call.name == "poly" and isinstance(cycle, A.Bool) and cycle.value:
        names.append("dur")
    return names


def _version_message(record: ScheduleRecord, changed: str) -> str:
    return (
        f"the schedule was saved under language v{record.language}, where periods and marks were not exact: "
        f"{changed} may now set some steps' values differently (LANGUAGE.md §9.4)"
    )


def warn_version(record: ScheduleRecord, changed: str, doing: str) -> None:
    """An :class:`~lrdsl.tools.linting.LrdslWarning` (code ``language-version``) that ``record``'s text, saved under an
    earlier version, has a period or mark ``changed`` whose values §9.4 changed; ``doing`` says what happens."""
    from lrdsl.tools.linting import Diagnostic, LrdslWarning

    message = _version_message(record, changed)
    hint = f"{doing}; save again to record them"
    diagnostic = Diagnostic("warning", "language-version", message, None, None, None, hint, record.exprs[0])
    warnings.warn(LrdslWarning(diagnostic), stacklevel=4)
