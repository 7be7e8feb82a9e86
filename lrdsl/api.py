"""The Python API: ``parse``, ``lower``, ``evaluate``, ``generate``, ``bind``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from lrdsl.ast import Schedule
from lrdsl.errors import LrdslError
from lrdsl.lowering.lower import Lowered, lower_schedule
from lrdsl.parser import parse

if TYPE_CHECKING:
    from lrdsl.bound import BoundSchedule

MAX_AT_ONCE = 200_000_000
"""The most steps evaluated into one array (1.6 GB of float64); stream larger runs in ranges."""


def check_size(count: int) -> None:
    """An :class:`LrdslError` when ``count`` steps would not fit in one array."""
    if count > MAX_AT_ONCE:
        raise LrdslError(
            f"{count} steps are too many to evaluate at once (the limit is {MAX_AT_ONCE:.0e})",
            hint="evaluate ranges with steps=…, or stream with `lrdsl eval … --format csv`",
        )


def as_schedule(schedule: str | Schedule) -> Schedule:
    """``schedule`` parsed if it is text."""
    if isinstance(schedule, Schedule):
        return schedule
    return parse(schedule)


def lower(
    schedule: str | Schedule,
    total_steps: int | None = None,
    steps_per_epoch: float | None = None,
    params: Mapping[str, float] | None = None,
) -> Lowered:
    """Parse (if needed) and resolve ``schedule`` for a run: its IR and total steps."""
    return lower_schedule(as_schedule(schedule), total_steps, steps_per_epoch, params)


def evaluate(
    schedule: str | Schedule,
    total_steps: int | None = None,
    steps_per_epoch: float | None = None,
    steps: npt.ArrayLike | None = None,
    params: Mapping[str, float] | None = None,
) -> npt.NDArray[np.float64]:
    """``lr(t)`` as float64 for ``t = 0 … total_steps−1``, or for each of ``steps``.

    Without ``total_steps`` the run lasts the schedule's own explicit duration.
    Steps past the end hold the end value.
    """
    from lrdsl.interpreter import evaluate_ir, evaluate_range

    plan = lower(schedule, total_steps, steps_per_epoch, params)
    try:
        if steps is None:
            check_size(plan.total)
            return evaluate_range(plan.ir, 0, plan.total)
        at = _steps(steps)
        check_size(at.size)
        return evaluate_ir(plan.ir, at)
    except LrdslError as err:
        raise err.with_source(as_schedule(schedule).source or plan.text) from None


def _steps(steps: npt.ArrayLike) -> npt.NDArray[np.int64]:
    try:
        arr = np.asarray(steps)
    except (TypeError, ValueError) as exc:
        raise LrdslError(f"steps must be whole numbers: {exc}") from None
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.floor(arr)):
            raise LrdslError("steps must be whole numbers")
    elif arr.dtype.kind not in "iu" and arr.size:
        raise LrdslError("steps must be whole numbers")
    if arr.size and (arr.min() < 0 or arr.max() > 1e15):
        raise LrdslError("steps must lie between 0 and 1e15")
    return arr.astype(np.int64).reshape(-1)


def generate(
    schedule: str | Schedule,
    target: str,
    total_steps: int | None = None,
    steps_per_epoch: float | None = None,
    name: str | None = None,
    params: Mapping[str, float] | None = None,
) -> str:
    """Standalone ``target`` code (python, torch, optax, keras, paddle) giving the interpreter's numbers."""
    from lrdsl.codegen import generate as _generate

    return _generate(schedule, target, total_steps, steps_per_epoch, name, params)


def bind(
    schedule: str | Schedule,
    total_steps: int | None = None,
    steps_per_epoch: float | None = None,
    params: Mapping[str, float] | None = None,
) -> BoundSchedule:
    """``schedule`` bound to a run of ``total_steps`` (or its own explicit duration).

    The schedule is resolved at once: one that cannot run raises :class:`LrdslError` here. The
    result evaluates, plots, explains and generates code for that run, and shows itself in a
    notebook (``lrdsl.parse(text).bind(…)`` is the same).
    """
    from lrdsl.bound import BoundSchedule

    return BoundSchedule(as_schedule(schedule), total_steps, steps_per_epoch, tuple(sorted((params or {}).items())))
