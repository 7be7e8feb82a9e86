"""The check every importer ends with: the expression reproduces the library's own values."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import numpy.typing as npt

from lrdsl.errors import LrdslError

_RECORD: ContextVar[list[tuple[str, Any]] | None] = ContextVar("lrdsl_import_checks", default=None)


@contextmanager
def recording() -> Iterator[list[tuple[str, Any]]]:
    """Collect ``(source, comparison)`` of every :func:`verified` call made inside (``lrdsl import --check``)."""
    seen: list[tuple[str, Any]] = []
    token = _RECORD.set(seen)
    try:
        yield seen
    finally:
        _RECORD.reset(token)


def verified(
    expr: str,
    reference: npt.ArrayLike,
    *,
    source: str,
    steps_per_epoch: float | None = None,
    rtol: float = 1e-6,
    atol: float = 0.0,
    steps: Sequence[int] | None = None,
    total_steps: int | None = None,
) -> str:
    """``expr`` if ``lrdsl.evaluate(expr)`` equals ``reference`` (``lr(0) … lr(N−1)``) within tolerance.

    Steps agree when ``|a − b| ≤ atol + rtol·max(|a|, |b|)``; the default ``rtol`` admits values the
    library computed in float32. With ``steps``, ``reference`` holds ``lr(s)`` for each ``s`` of ``steps``
    only, in a run of ``total_steps`` (a long run checked at a sample). A disagreement is an :class:`LrdslError` naming ``source`` and the
    first step that departs, never a silent guess.
    """
    from lrdsl.tools.comparison import compare_schedules

    if steps is not None:
        from lrdsl.api import evaluate

        at = list(steps)
        mine = evaluate(expr, total_steps, steps_per_epoch, steps=at)
        result = compare_schedules(mine, reference, rtol=rtol, atol=atol)
        first = None if result.first_step is None else at[result.first_step]
    else:
        result = compare_schedules(expr, reference, run=(steps_per_epoch, None, None), rtol=rtol, atol=atol)
        first = result.first_step
    seen = _RECORD.get()
    if seen is not None:
        seen.append((source, result))
    if not result.equal:
        raise LrdslError(
            f"the expression imported from {source} departs from the library's values at step "
            f"{first}: {result.a_value!r} instead of {result.b_value!r}",
            hint=f"expression: {expr}; please report this with the call that produced it",
        )
    return expr


class UncheckedImport(UserWarning):
    """An import result that could not be checked against the library, or only in part (filterable)."""


_NOTES: ContextVar[list[str] | None] = ContextVar("lrdsl_import_notes", default=None)


@contextmanager
def noting() -> Iterator[list[str]]:
    """Collect the notes :func:`unchecked` makes inside, instead of warning (``lrdsl import`` prints them)."""
    seen: list[str] = []
    token = _NOTES.set(seen)
    try:
        yield seen
    finally:
        _NOTES.reset(token)


def collecting() -> bool:
    """Whether a caller collects the notes (inside :func:`noting`)."""
    return _NOTES.get() is not None


def remark(note: str) -> None:
    """A note for the reader of an import that is no warning (``lrdsl import`` prints it as a comment line above
    the expression, :func:`lrdsl.importers.import_spec` after it); dropped when no caller collects notes."""
    seen = _NOTES.get()
    if seen is not None:
        seen.append(note)


def unchecked(source: str, reason: str) -> None:
    """Say that the expression imported from ``source`` was not checked against the library, or only in part,
    and why (``reason``: "timm is not installed", "checked over the first 100,000 of 10⁹ steps")."""
    import warnings

    note = f"{source}: {reason}"
    seen = _NOTES.get()
    if seen is not None:
        seen.append(note)
        return
    import sys
    from pathlib import Path

    package = str(Path(__file__).resolve().parents[1])
    level, frame = 2, sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(package):  # point at the user's call
        level, frame = level + 1, frame.f_back  # type: ignore[assignment]
    warnings.warn(note, UncheckedImport, stacklevel=level)
