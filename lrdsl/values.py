"""Learning-rate values read from a file, for ``lrdsl compare`` and ``lrdsl fit``.

Formats: ``.npy`` (a 1-D array), ``.json`` (a list of numbers, or the object ``lrdsl eval --format json``
writes, whose ``lr`` is read), and text: the csv ``lrdsl eval --format csv`` writes (``step,lr`` rows,
steps 0, 1, 2, … in order) or one value per line. Every value must be a finite number.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import numpy.typing as npt

from lrdsl.errors import LrdslError

SUFFIXES = (".csv", ".npy", ".json", ".txt", ".tsv")
"""File name endings read as values (anything else on the command line is an expression)."""


def looks_like_values(arg: str) -> bool:
    """Whether the command-line argument ``arg`` names a values file (by its suffix)."""
    return arg.lower().endswith(SUFFIXES) and not arg.startswith("@")


def checked_values(values: object, what: str = "values") -> npt.NDArray[np.float64]:
    """``values`` as a 1-D float64 array of finite numbers, else an :class:`LrdslError`."""
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise LrdslError(f"{what} must be numbers: {exc}") from None
    if arr.ndim != 1:
        raise LrdslError(f"{what} must be one value per step (a 1-D list), got shape {arr.shape}")
    if not arr.size:
        raise LrdslError(f"{what}: no values")
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        raise LrdslError(f"{what}: value {bad[0]} is {arr[bad[0]]!r}", hint="every value must be a finite number")
    return arr


def read_values(path: str | Path) -> npt.NDArray[np.float64]:
    """The values ``lr(0) … lr(N−1)`` stored in ``path``."""
    path = Path(path)
    try:
        if path.suffix.lower() == ".npy":
            try:
                data = np.asarray(np.load(path, allow_pickle=False))
            except ValueError as exc:
                raise LrdslError(f"cannot read {path}: {exc}") from None
            return checked_values(data.reshape(-1) if data.ndim == 2 and 1 in data.shape else data, str(path))
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LrdslError(f"cannot read {path}: {exc.strerror if isinstance(exc, OSError) else exc}") from None
    if path.suffix.lower() == ".json":
        return checked_values(_json_values(text, path), str(path))
    return checked_values(_text_values(text, path), str(path))


def values_from_text(text: str, name: str = "stdin") -> npt.NDArray[np.float64]:
    """Values given as text (a JSON list, csv rows or one per line), e.g. on standard input."""
    where = Path(name)
    if text.lstrip().startswith(("[", "{")):
        return checked_values(_json_values(text, where), name)
    return checked_values(_text_values(text, where), name)


def _json_values(text: str, path: Path) -> object:
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise LrdslError(f"cannot read {path}: not JSON ({exc})") from None
    if isinstance(doc, dict) and "lr" in doc:
        doc = doc["lr"]
    if not isinstance(doc, list) or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in doc):
        raise LrdslError(f"cannot read {path}: expected a list of numbers (or an object with one under 'lr')")
    return doc


def _text_values(text: str, path: Path) -> list[float]:
    """Csv rows ``step,lr`` (a header line allowed) or one number per line."""
    out: list[float] = []
    for number, line in enumerate(text.splitlines(), 1):
        cells = [c.strip() for c in line.replace("\t", ",").split(",")]
        if not cells[-1]:
            if len(cells) == 1:
                continue  # a blank line
            cells = cells[:-1]
        try:
            value = float(cells[-1])
        except ValueError:
            if number == 1 and not out:
                continue  # a header such as "step,lr"
            raise LrdslError(f"cannot read {path}: line {number}: {line.strip()[:60]!r} is not a number") from None
        if len(cells) == 2 and cells[0] != str(len(out)):
            raise LrdslError(
                f"cannot read {path}: line {number}: expected step {len(out)}, got {cells[0][:20]!r}",
                hint="the csv lists every step from 0 in order, as `lrdsl eval --format csv` writes it",
            )
        if len(cells) > 2:
            raise LrdslError(f"cannot read {path}: line {number}: expected 'step,lr' or one value")
        out.append(value)
    return out
