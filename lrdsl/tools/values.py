"""Learning-rate values read from a file, for ``lrdsl compare`` and ``lrdsl fit``.

Formats: ``.npy`` (a 1-D array), ``.json`` (a list of numbers, or the object ``lrdsl eval --format json``
writes, whose ``lr`` is read), and text: the csv ``lrdsl eval --format csv`` writes (``step,lr`` rows,
steps 0, 1, 2, … in order) or one value per line. Every value must be a finite number.

:func:`lrdsl.logs.read_curve` reads training logs (a csv with a step column and several value columns,
W&B and TensorBoard csv exports, a Hugging Face ``trainer_state.json``, TensorBoard event files) as a
:class:`~lrdsl.logs.Curve`: the steps given and their values.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import numpy.typing as npt

from lrdsl.errors import LrdslError

SUFFIXES = (".csv", ".npy", ".json", ".txt", ".tsv")
"""File name endings read as values (anything else on the command line is an expression)."""
EVENTS_PREFIX = "events.out.tfevents"
"""How a TensorBoard event file's name starts (read as values too)."""


def looks_like_values(arg: str) -> bool:
    """Whether the command-line argument ``arg`` names a values file (by its suffix, or a TensorBoard
    event file's name)."""
    return (arg.lower().endswith(SUFFIXES) or Path(arg).name.startswith(EVENTS_PREFIX)) and not arg.startswith("@")


_KINDS = {
    "b": "booleans",
    "c": "complex numbers",
    "M": "dates",
    "m": "time spans",
    "U": "text",
    "S": "bytes",
    "V": "records",
}
"""numpy's kinds of array that are not real numbers, as the error names them."""


def checked_values(values: object, what: str = "values") -> npt.NDArray[np.float64]:
    """``values`` as a 1-D float64 array of finite real numbers, else an :class:`LrdslError`.

    Only real numbers are taken (numpy integers and floats, Python's, ``Fraction``…): booleans,
    complex numbers, dates, time spans and text are refused, not converted (numpy would read
    ``1+2j`` as 1, a date as its day count, ``"0.1"`` as 0.1).
    """
    try:
        raw = np.asarray(values)
        kind = raw.dtype.kind
        if kind in _KINDS or (kind == "O" and any(isinstance(x, (bool, np.bool_, complex, str)) for x in raw.flat)):
            name = _KINDS.get(kind, "objects that are not real numbers")
            raise LrdslError(f"{what} must be real numbers, not {name}")
        arr = raw.astype(np.float64)
    except OverflowError:
        raise LrdslError(f"{what}: a value is too large for a float64 number") from None
    except (TypeError, ValueError) as exc:
        if isinstance(exc, LrdslError):
            raise
        raise LrdslError(f"{what} must be numbers: {exc}") from None
    if arr.ndim != 1:
        raise LrdslError(f"{what} must be one value per step (a 1-D list), got shape {arr.shape}")
    if not arr.size:
        raise LrdslError(f"{what}: no values")
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        raise LrdslError(
            f"{what}: value {bad[0]} is {float(arr[bad[0]])!r}", hint="every value must be a finite number"
        )
    return arr


def read_values(path: str | Path) -> npt.NDArray[np.float64]:
    """The values ``lr(0) … lr(N−1)`` stored in ``path``."""
    path = Path(path)
    try:
        if path.suffix.lower() == ".npy":
            try:
                data = np.asarray(np.load(path, allow_pickle=False))
            except (ValueError, EOFError) as exc:  # not an array file, or an empty or cut one
                raise LrdslError(f"cannot read {path}: {exc or 'the file is empty'}") from None
            return checked_values(data.reshape(-1) if data.ndim == 2 and 1 in data.shape else data, str(path))
        text = path.read_text(encoding="utf-8-sig")  # a byte-order mark is not part of the first value
    except (OSError, UnicodeDecodeError) as exc:
        raise LrdslError(f"cannot read {path}: {exc.strerror if isinstance(exc, OSError) else exc}") from None
    if path.suffix.lower() == ".json":
        return checked_values(_json_values(text, path), str(path))
    return checked_values(_text_values(text, path), str(path))


def values_from_text(text: str, name: str = "stdin") -> npt.NDArray[np.float64]:
    """Values given as text (a JSON list, csv rows or one per line), e.g. on standard input."""
    where = Path(name)
    text = text.removeprefix("\ufeff")
    if text.lstrip().startswith(("[", "{")):
        return checked_values(_json_values(text, where), name)
    return checked_values(_text_values(text, where), name)


def _json_values(text: str, path: Path) -> object:
    try:
        doc = json.loads(text)
    except RecursionError:
        raise LrdslError(f"cannot read {path}: nested too deeply (expected a list of numbers)") from None
    except ValueError as exc:
        raise LrdslError(f"cannot read {path}: not JSON ({str(exc)[:200]})") from None
    if isinstance(doc, dict) and "lr" in doc:
        doc = doc["lr"]
    if not isinstance(doc, list) or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in doc):
        raise LrdslError(f"cannot read {path}: expected a list of numbers (or an object with one under 'lr')")
    for i, x in enumerate(doc):
        if isinstance(x, int) and not -_FLOAT_MAX <= x <= _FLOAT_MAX:
            raise LrdslError(f"cannot read {path}: value {i} ({len(str(x))} digits) is too large for a float64 number")
    return doc


_FLOAT_MAX = int(np.finfo(np.float64).max)
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?(inf|infinity|nan)", re.IGNORECASE)
"""A value in a text file: ASCII digits as Python and numpy write them (``inf`` and ``nan`` read, then refused
as not finite); not the ``1_000``, ``١`` or ``１`` that Python's ``float()`` takes too."""
_HEADER = re.compile(r"[\"']?[A-Za-z_][^,]*")
"""A header cell: a name (``step``, ``lr``, ``"train/lr"``), never something that starts like a number."""


def _text_values(text: str, path: Path) -> list[float]:
    """Csv rows ``step,lr`` (a header line allowed) or one number per line."""
    out: list[float] = []
    for number, line in enumerate(text.splitlines(), 1):
        cells = [c.strip() for c in line.replace("\t", ",").split(",")]
        if not cells[-1]:
            if len(cells) == 1:
                continue  # a blank line
            cells = cells[:-1]
        if _NUMBER.fullmatch(cells[-1]) is None:
            if number == 1 and all(_HEADER.fullmatch(c) for c in cells):
                continue  # a header such as "step,lr"
            raise LrdslError(f"cannot read {path}: line {number}: {line.strip()[:60]!r} is not a number")
        value = float(cells[-1])
        if len(cells) == 2 and cells[0] != str(len(out)):
            raise LrdslError(
                f"cannot read {path}: line {number}: expected step {len(out)}, got {cells[0][:20]!r}",
                hint="the csv lists every step from 0 in order, as `lrdsl eval --format csv` writes it",
            )
        if len(cells) > 2:
            raise LrdslError(f"cannot read {path}: line {number}: expected 'step,lr' or one value")
        out.append(value)
    return out
