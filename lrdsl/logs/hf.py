"""Rates in a Hugging Face ``trainer_state.json``: ``log_history``'s ``learning_rate`` by ``step``.

Which rate an entry holds depends on the transformers release that wrote it. Since 4.51.0 (pull request
#36973, "Log the correct learning rate", merged on 2025-03-26, after 4.50.0) ``Trainer`` reads the rate
before ``lr_scheduler.step()`` and logs it under the step count it has just incremented: the entry at
step ``s`` is the rate update ``s − 1`` used, lrdsl's ``lr(s − 1)`` (``"before"``, the default). Up to
4.50 the rate was read after ``lr_scheduler.step()``: the entry at step ``s`` is the next update's rate,
``lr(s)`` (``"after"``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lrdsl.errors import LrdslError
from lrdsl.logs.base import Curve, curve

MAX_STEP = 2**53
"""The largest step read (a whole float64 number, as JSON readers keep it)."""
FLOAT_MAX = 1.7976931348623157e308
"""The largest float64: a JSON integer beyond it is no rate."""
HF_LOGS = ("before", "after")
"""When the logged rate was read: before ``lr_scheduler.step()`` (transformers ≥ 4.51) or after (≤ 4.50)."""


def is_trainer_state(doc: object) -> bool:
    """Whether a parsed JSON document is a ``trainer_state.json`` (an object with a ``log_history``)."""
    return isinstance(doc, dict) and "log_history" in doc


def _entry(entry: object, i: int, path: Path, shift: int) -> tuple[int, float] | None:
    """lrdsl's step and the rate of ``log_history[i]``; ``None`` for an entry without ``learning_rate``."""
    if not isinstance(entry, dict):
        raise LrdslError(f"cannot read {path}: log_history[{i}] is not an object")
    if "learning_rate" not in entry:
        return None
    step, lr = entry.get("step"), entry["learning_rate"]
    if not isinstance(step, int) or isinstance(step, bool) or not shift <= step <= MAX_STEP:
        least = "1 or more" if shift else "0 or more"
        raise LrdslError(f"cannot read {path}: log_history[{i}]: step {str(step)[:20]} is not a whole number {least}")
    if not isinstance(lr, (int, float)) or isinstance(lr, bool) or abs(lr) > FLOAT_MAX:
        raise LrdslError(f"cannot read {path}: log_history[{i}]: learning_rate {str(lr)[:40]} is not a number")
    return step - shift, float(lr)


def read_trainer_state(doc: dict[str, Any], path: Path, hf_log: str | None = None) -> Curve:
    """The curve logged in ``doc`` (``path``'s parsed JSON); ``hf_log`` is ``"before"`` (the default) or
    ``"after"``: the entry at step ``s`` is ``lr(s − 1)`` or ``lr(s)``."""
    shift = 1 if hf_log in (None, "before") else 0
    if hf_log not in (None, *HF_LOGS):
        raise LrdslError(f"hf_log must be 'before' or 'after', not {str(hf_log)[:40]!r}")
    history = doc["log_history"]
    if not isinstance(history, list):
        raise LrdslError(f"cannot read {path}: log_history is not a list")
    steps: list[int] = []
    values: list[float] = []
    for i, entry in enumerate(history):
        point = _entry(entry, i, path, shift)
        if point is None or (steps and point == (steps[-1], values[-1])):
            continue  # no rate here (an evaluation, the run's summary), or logged twice (a resumed run)
        steps.append(point[0])
        values.append(point[1])
    if not values:
        raise LrdslError(f"{path}: log_history has no learning_rate", hint="train with logging_steps set")
    if shift:
        note = (
            "trainer_state.json: the rate logged at step s is lr(s − 1) (transformers ≥ 4.51 reads it before "
            "lr_scheduler.step()); for a log of transformers ≤ 4.50 give --hf-log after"
        )
    else:
        note = "trainer_state.json: the rate logged at step s is lr(s) (--hf-log after: transformers ≤ 4.50)"
    return curve(path, steps, values, note)
