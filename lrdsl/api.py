"""The Python API: ``parse``, ``lower``, ``evaluate``, ``generate`` (``bind`` is in :mod:`lrdsl.bound`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from lrdsl.ast import Schedule, checked
from lrdsl.errors import LrdslError
from lrdsl.ir import Lowered
from lrdsl.lowering.lower import _params, _total, lower_schedule, real_number, run_rate
from lrdsl.parser import parse

if TYPE_CHECKING:  # numpy is imported by the functions that compute: check and lint never load it
    import numpy as np
    import numpy.typing as npt

MAX_AT_ONCE = 200_000_000
"""The most steps evaluated into one array (1.6 GB of float64); stream larger runs in ranges."""


def check_size(count: int) -> None:
    """An :class:`LrdslError` when ``count`` steps would not fit in one array."""
    if count > MAX_AT_ONCE:
        raise LrdslError(
            f"{count} steps are too many to evaluate at once (the limit is {MAX_AT_ONCE:.0e})",
            hint="evaluate ranges with steps=…, or stream with `lrdsl eval … --format csv`",
        )


def run_steps(
    total_steps: int | str,
    steps_per_epoch: float | None = None,
    tokens_per_step: float | None = None,
    samples_per_step: float | None = None,
) -> int:
    """The whole steps of a run's total written as steps (``5000``) or a duration in any unit (``"90ep"``)."""
    return lower("const(1)", total_steps, steps_per_epoch, None, tokens_per_step, samples_per_step).total


def as_schedule(schedule: str | Schedule) -> Schedule:
    """``schedule`` parsed if it is text; a :class:`Schedule` must be a tree the parser produces."""
    if isinstance(schedule, Schedule):
        return checked(schedule)
    return parse(schedule)


def check_run(
    total_steps: int | str | None = None,
    steps_per_epoch: float | None = None,
    params: Mapping[str, float] | None = None,
    tokens_per_step: float | None = None,
    samples_per_step: float | None = None,
) -> None:
    """An :class:`LrdslError` for run arguments no run takes, whatever the schedule (lowering's own checks).

    Steps per epoch, tokens and samples per step: positive and finite; parameters: finite; a total
    in steps: a whole number from 0 to 1e15 (one given as a duration, ``"90ep"``, is read by lowering).
    """
    run_rate(steps_per_epoch)
    run_rate(tokens_per_step, "tokens per step")
    run_rate(samples_per_step, "samples per step")
    _params(params)
    if total_steps is not None and not isinstance(total_steps, str):
        _total(total_steps)


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
    return lower_schedule(
        as_schedule(schedule),
        total_steps,
        steps_per_epoch,
        params,
        tokens_per_step=tokens_per_step,
        samples_per_step=samples_per_step,
    )


def evaluate(
    schedule: str | Schedule,
    total_steps: int | str | None = None,
    steps_per_epoch: float | None = None,
    steps: npt.ArrayLike | None = None,
    params: Mapping[str, float] | None = None,
    tokens_per_step: float | None = None,
    samples_per_step: float | None = None,
) -> npt.NDArray[np.float64]:
    """``lr(t)`` as float64 for ``t = 0 … total_steps−1``, or for each of ``steps``.

    Without ``total_steps`` the run lasts the schedule's own explicit duration.
    Steps past the end hold the end value.
    """
    from lrdsl.interpreter import evaluate_ir, evaluate_range

    schedule = as_schedule(schedule)
    plan = lower(schedule, total_steps, steps_per_epoch, params, tokens_per_step, samples_per_step)
    try:
        if steps is None:
            check_size(plan.total)
            return evaluate_range(plan.ir, 0, plan.total)
        at = _steps(steps)
        check_size(at.size)
        return evaluate_ir(plan.ir, at)
    except LrdslError as err:
        raise err.with_source(schedule.source or plan.text) from None


def _steps(steps: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """``steps`` as whole numbers: any real number type (numpy's, ``Fraction``…), never a bool."""
    import numpy as np

    if isinstance(steps, (list, tuple)) and any(isinstance(x, (bool, np.bool_)) for x in steps):
        raise LrdslError("steps must be whole numbers, not booleans")
    try:
        arr = np.asarray(steps)
    except (TypeError, ValueError) as exc:
        raise LrdslError(f"steps must be whole numbers: {exc}") from None
    if arr.dtype.kind == "O":  # Fraction, big ints…: each a real number
        values = [real_number(x) for x in arr.reshape(-1)]
        if any(v is None for v in values):
            raise LrdslError("steps must be whole numbers")
        arr = np.array(values, dtype=np.float64)
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
    total_steps: int | str | None = None,
    steps_per_epoch: float | None = None,
    name: str | None = None,
    params: Mapping[str, float] | None = None,
    tokens_per_step: float | None = None,
    samples_per_step: float | None = None,
) -> str:
    """Standalone ``target`` code (python, torch, optax, keras, paddle) giving the interpreter's numbers.

    The schedule is lowered symbolically (parameters stay arguments of the code), then printed by
    :func:`lrdsl.codegen.generate_lowered`, which reads only the IR.
    """
    from lrdsl.codegen import generate_lowered

    parsed = as_schedule(schedule)
    plan = lower_schedule(
        parsed,
        total_steps,
        steps_per_epoch,
        params,
        symbolic=True,
        tokens_per_step=tokens_per_step,
        samples_per_step=samples_per_step,
    )
    try:
        return generate_lowered(plan, target, name)
    except LrdslError as err:  # the interpreter's refusal, shown on the user's text
        raise err.with_source(parsed.source or plan.text) from None
