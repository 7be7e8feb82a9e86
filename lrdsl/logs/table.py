"""Rates in a table: a csv (or tsv) with a step column and one or more value columns.

Layouts read: a header naming the columns (``step,lr,loss``: the step column is one of
:data:`STEP_NAMES`, any case), W&B's export (``Step``, ``<run> - lr``, ``<run> - lr__MIN``,
``<run> - lr__MAX``: the ``__MIN``/``__MAX`` columns are left out, and a column is named by its whole
header or by the metric after ``" - "``), TensorBoard's export (``Wall time,Step,Value``), and rows
without a header: ``step,lr`` or one value per line (steps 0, 1, 2, …). A row whose chosen cell is empty
(W&B writes one where another metric was logged) gives no value: the curve has the steps given.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np

from lrdsl.errors import LrdslError
from lrdsl.logs.base import Curve, curve

STEP_NAMES = ("step", "steps", "global_step", "_step", "trainer/global_step", "iteration", "iter")
"""Header names of the step column (compared in lower case)."""
TENSORBOARD = ["Wall time", "Step", "Value"]
"""The header of TensorBoard's csv export."""
_ONE = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_NUMBERS = re.compile(f"{_ONE}(?:\n{_ONE})*")
"""Cells joined by newlines, each a finite decimal number: the quick check of a whole column (a cell that
fails is then found, and named, by :data:`lrdsl.tools.values._NUMBER`, which also reads ``inf`` and ``nan``)."""
MAX_SHOWN = 8
_BETA1 = (
    "Lightning logs an Adam optimizer's betas[0] as its momentum too: if this run's optimizer is one, rename the member"
)
"""Columns named in an error at most."""


def read_table(text: str, path: Path, column: str | None = None) -> Curve:
    """The curve in the csv ``text`` of ``path``; ``column`` names the value column when there are several."""
    from lrdsl.tools.values import _NUMBER

    rows = _rows(text, path)
    head = [c.strip() for c in rows[0][1]]
    if any(_NUMBER.fullmatch(c) for c in head if c):
        if column is not None:
            raise LrdslError(f"{path} has no header naming its columns: --column {column[:40]!r} names none")
        return _headerless(rows, path)
    names = head
    step, candidates, notes = _layout(names)
    chosen = _column(names, candidates, column, path)
    if len(candidates) > 1 or column is not None:
        notes.append(f"column {names[chosen]!r}")
    return _column_curve(rows, chosen, step, notes, path)


def read_members(text: str, path: Path) -> dict[str, Curve] | None:
    """The csv's columns that hold members of a schedule set (:func:`lrdsl.logs.columns.member_of`), each a
    curve by its member's name, in the columns' order; ``None`` when fewer than two do (or it has no header).

    The columns that hold no member are left out (the first curve's notes say which); two columns that
    hold one member are an error.
    """
    from lrdsl.logs.columns import BETA1, ambiguous, members_of
    from lrdsl.tools.values import _NUMBER

    rows = _rows(text, path)
    names = [c.strip() for c in rows[0][1]]
    if any(_NUMBER.fullmatch(c) for c in names if c):
        return None
    step, candidates, notes = _layout(names)
    chosen, skipped = members_of([names[i] for i in candidates], f"{path}: columns", "fit one of them: --column NAME")
    found = {member: candidates[j] for member, j in chosen.items()}
    if len(found) < 2:
        return None
    left = [repr(names[candidates[j]][:40]) for j in skipped]
    notes += [f"columns left out of the set (no optimizer hyper-parameter): {', '.join(left)}"] if left else []
    curves: dict[str, Curve] = {}
    for member, i in found.items():
        said = notes if not curves else []  # the table's own notes once, with the first member
        own = [f"column {names[i]!r} as member {member}", BETA1 * ambiguous(names[i])]
        curves[member] = _column_curve(rows, i, step, [*said, *filter(None, own)], path)
    return curves


def _column_curve(
    rows: list[tuple[int, list[str]]], chosen: int, step: int | None, notes: list[str], path: Path
) -> Curve:
    """The curve of the column ``chosen`` of a table's ``rows`` (the header first), ``step`` its step column."""
    names = [c.strip() for c in rows[0][1]]
    body = rows[1:]
    short = next(((line, len(cells)) for line, cells in body if len(cells) != len(names)), None)
    if short is not None:
        raise LrdslError(f"cannot read {path}: line {short[0]}: {short[1]} cells, the header has {len(names)}")
    column_cells = [cells[chosen].strip() for _, cells in body]
    given = [i for i, c in enumerate(column_cells) if c]  # else not logged at this row's step
    if not given:
        raise LrdslError(f"{path}: column {names[chosen][:40]!r} has no values")
    cells = [column_cells[i] for i in given]
    bad = _first_not_number(cells)
    if bad is not None:
        line, cell = body[given[bad]][0], cells[bad]
        raise LrdslError(f"cannot read {path}: line {line}: {names[chosen][:40]!r} is {cell[:40]!r}, not a number")
    steps = np.asarray(given, dtype=np.int64) if step is None else _steps(body, given, step, path)
    return curve(path, steps, np.asarray(cells, dtype=np.float64), *notes)


def _rows(text: str, path: Path) -> list[tuple[int, list[str]]]:
    """The csv's non-blank rows with their line numbers (tab-separated when the first line is)."""
    delimiter = "\t" if "\t" in text.partition("\n")[0] and "," not in text.partition("\n")[0] else ","
    reader = csv.reader(text.splitlines(), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            if "".join(cells).strip():
                rows.append((reader.line_num, cells))  # stripped where read
    except csv.Error as exc:
        raise LrdslError(f"cannot read {path}: line {reader.line_num}: {exc}") from None
    if not rows:
        raise LrdslError(f"{path}: no values")
    return rows


def _layout(names: list[str]) -> tuple[int | None, list[int], list[str]]:
    """The step column, the value columns and the notes on the export read, from the header ``names``."""
    notes: list[str] = []
    step = next((i for i, n in enumerate(names) if n.lower() in STEP_NAMES), None)
    if names == TENSORBOARD:
        notes.append("a TensorBoard csv export: the Value column by Step")
    wandb = step is not None and names[step] == "Step" and any(" - " in n for n in names)
    if wandb:
        notes.append("a W&B csv export (its __MIN and __MAX columns left out)")
    skip = {step, *(i for i, n in enumerate(names) if n == "Wall time" or (wandb and n.endswith(("__MIN", "__MAX"))))}
    return step, [i for i in range(len(names)) if i not in skip], notes


def _steps(body: list[tuple[int, list[str]]], given: list[int], step: int, path: Path) -> np.ndarray:
    """The step column's cells of the rows ``given``, each a whole number."""
    marks = [body[i][1][step].strip() for i in given]
    bad = _first_not_number(marks)
    numbers = np.asarray(marks if bad is None else [0], dtype=np.float64)
    wrong = np.flatnonzero((numbers != np.floor(numbers)) | (np.abs(numbers) > 2**53))
    if bad is not None or wrong.size:
        at = bad if bad is not None else int(wrong[0])
        line = body[given[at]][0]
        raise LrdslError(f"cannot read {path}: line {line}: step {marks[at][:40]!r} is not a whole number")
    return numbers.astype(np.int64)


def _first_not_number(cells: list[str]) -> int | None:
    """The index of the first cell that is not a number as :data:`lrdsl.tools.values._NUMBER` reads one, if any
    (one regular-expression pass over all of them when every one is)."""
    from lrdsl.tools.values import _NUMBER

    if _NUMBERS.fullmatch("\n".join(cells)) is not None:
        return None
    return next((i for i, c in enumerate(cells) if _NUMBER.fullmatch(c) is None), None)


def _column(names: list[str], candidates: list[int], column: str | None, path: Path) -> int:
    """The index of the value column: the one named ``column`` (whole, or the metric of a W&B header)."""
    if not candidates:
        raise LrdslError(f"{path}: no value column beside the step column")
    shown = ", ".join(repr(names[i]) for i in candidates[:MAX_SHOWN]) + (", …" if len(candidates) > MAX_SHOWN else "")
    if column is None:
        if len(candidates) == 1:
            return candidates[0]
        raise LrdslError(
            f"{path} has {len(candidates)} value columns: {shown}",
            hint="choose one: --column NAME (API: column=NAME)",
        )
    found = [i for i in candidates if names[i] == column] or [
        i for i in candidates if names[i].rpartition(" - ")[2] == column
    ]
    if len(found) != 1:
        what = "no" if not found else f"{len(found)}"
        raise LrdslError(f"{path} has {what} column named {column[:40]!r}", hint=f"its value columns: {shown}")
    return found[0]


def _step(cell: str, line: int, path: Path) -> int:
    from lrdsl.tools.values import _NUMBER

    if _NUMBER.fullmatch(cell) is None or not float(cell).is_integer() or abs(float(cell)) > 2**53:
        raise LrdslError(f"cannot read {path}: line {line}: step {cell[:40]!r} is not a whole number")
    return int(float(cell))


def _headerless(rows: list[tuple[int, list[str]]], path: Path) -> Curve:
    """Rows ``step,lr`` (the steps given) or one value per row (steps 0, 1, 2, …)."""
    from lrdsl.tools.values import _NUMBER

    rows = [(line, [c.strip() for c in cells]) for line, cells in rows]
    rows = [(line, cells[:-1] if len(cells) > 1 and not cells[-1] else cells) for line, cells in rows]
    width = len(rows[0][1])
    steps: list[int] = []
    values: list[float] = []
    for index, (line, cells) in enumerate(rows):
        if len(cells) != width or width > 2:
            raise LrdslError(f"cannot read {path}: line {line}: expected 'step,lr' or one value")
        if _NUMBER.fullmatch(cells[-1]) is None:
            raise LrdslError(f"cannot read {path}: line {line}: {cells[-1][:60]!r} is not a number")
        steps.append(index if width == 1 else _step(cells[0], line, path))
        values.append(float(cells[-1]))
    return curve(path, steps, values)
