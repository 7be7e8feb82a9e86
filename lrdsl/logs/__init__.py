"""Learning rates read from training logs, at the steps they were logged at.

Readers: :mod:`lrdsl.logs.table` (a csv with a step column and several value columns, W&B and
TensorBoard csv exports), :mod:`lrdsl.logs.hf` (a Hugging Face ``trainer_state.json``) and
:mod:`lrdsl.logs.events` (TensorBoard event files); :func:`read_curve` picks one by the file's name and
content, and :mod:`lrdsl.tools.values` reads the files of values ``lr(0) … lr(N−1)`` (``.npy``, ``.json``).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from lrdsl.errors import LrdslError
from lrdsl.logs.base import Curve, checked_size, curve
from lrdsl.logs.events import is_event_file, read_event_members, read_events
from lrdsl.logs.hf import is_trainer_state, read_trainer_state
from lrdsl.logs.table import read_members as table_members
from lrdsl.logs.table import read_table
from lrdsl.tools.values import _json_values, checked_values, read_values

__all__ = ["Curve", "curve_from_text", "members_from_text", "read_curve", "read_members"]


def read_curve(path: str | Path, column: str | None = None, hf_log: str | None = None) -> Curve:
    """The rates logged in ``path`` and the steps they were logged at.

    ``column`` names the value column of a csv (or W&B export) with several, or a TensorBoard tag;
    ``hf_log`` says when a ``trainer_state.json``'s rates were read: ``"before"`` ``lr_scheduler.step()``
    (transformers ≥ 4.51, the default: the entry at step ``s`` is ``lr(s − 1)``) or ``"after"`` (≤ 4.50:
    ``lr(s)``). The result's ``notes`` say what was decided.
    """
    path = Path(path)
    if is_event_file(path):
        _only(path, hf_log=hf_log)
        return read_events(path, column)
    if path.suffix.lower() == ".npy":
        _only(path, column=column, hf_log=hf_log)
        y = read_values(path)
        return curve(path, np.arange(y.size), y)
    return curve_from_text(_text(path), str(path), column, hf_log)


def read_members(path: str | Path) -> dict[str, Curve] | None:
    """The schedule set's members a csv log or a TensorBoard event file holds (its hyper-parameter columns or
    tags, :mod:`lrdsl.logs.columns`), each a curve by its member's name; ``None`` when the file holds fewer
    than two (then it is one curve)."""
    path = Path(path)
    if is_event_file(path):
        return read_event_members(path)
    if path.suffix.lower() == ".npy":
        return None
    return members_from_text(_text(path), str(path))


def members_from_text(text: str, name: str = "stdin") -> dict[str, Curve] | None:
    """:func:`read_members` of a file's text (``name`` is the file's, or ``stdin``)."""
    text = text.removeprefix("\ufeff")
    if text.lstrip().startswith(("[", "{")):
        return None
    return table_members(text, Path(name))


def _text(path: Path) -> str:
    """The text of the log file ``path`` (at most :data:`~lrdsl.logs.base.MAX_BYTES`)."""
    checked_size(path)
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise LrdslError(f"cannot read {path}: {exc.strerror if isinstance(exc, OSError) else exc}") from None


def curve_from_text(text: str, name: str = "stdin", column: str | None = None, hf_log: str | None = None) -> Curve:
    """:func:`read_curve` of a file's text (``name`` is the file's, or ``stdin``)."""
    where = Path(name)
    text = text.removeprefix("\ufeff")
    if text.lstrip().startswith(("[", "{")):
        try:
            doc = json.loads(text)
        except (RecursionError, ValueError):
            doc = None  # reported as _json_values reports it
        if is_trainer_state(doc):
            _only(where, column=column)
            return read_trainer_state(doc, where, hf_log)
        _only(where, column=column, hf_log=hf_log)
        y = checked_values(_json_values(text, where), name)
        return curve(where, np.arange(y.size), y)
    _only(where, hf_log=hf_log)
    return read_table(text, where, column)


def _only(path: Path, column: str | None = None, hf_log: str | None = None) -> None:
    """An error for an option the format of ``path`` does not take."""
    if column is not None:
        raise LrdslError(f"{path} has one series: --column is for a csv or a TensorBoard event file")
    if hf_log is not None:
        raise LrdslError(f"{path} is not a trainer_state.json: --hf-log is for Hugging Face Trainer logs")
