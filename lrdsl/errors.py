"""Diagnostics: every failure a user can cause is an :class:`LrdslError`.

An error carries the source text and a half-open character span ``[start, end)``;
``str(err)`` renders ``line:col: message``, the offending source line, a caret
under the span, and an optional hint (for example "did you mean 'cosine'?").

``col`` counts characters. The caret is placed by the width each character takes on a
terminal: tabs are expanded to stops of 8 in both lines, wide (CJK, fullwidth) characters
take two columns, combining marks none; control and format characters, which would move
the cursor or reorder the line, are not printed as they are.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open range ``[start, end)`` of character offsets into the source."""

    start: int
    end: int

    def merge(self, other: Span | None) -> Span:
        """The smallest span covering ``self`` and ``other``."""
        if other is None:
            return self
        return Span(min(self.start, other.start), max(self.end, other.end))


class LrdslError(ValueError):
    """A schedule that cannot be parsed, validated, lowered or evaluated.

    Attributes: ``message`` (one line), ``hint`` (or ``None``), ``source`` (the
    text, or ``None``), ``span`` (or ``None``), and ``line``/``column`` (1-based,
    or ``None`` when the error has no position).
    """

    def __init__(
        self,
        message: str,
        *,
        span: Span | None = None,
        source: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.span = span
        self.source = source
        self.hint = hint
        super().__init__(self.render())

    def with_source(self, source: str) -> LrdslError:
        """This error bound to ``source`` (kept if it already has one)."""
        if self.source is not None:
            return self
        return LrdslError(self.message, span=self.span, source=source, hint=self.hint)

    @property
    def line(self) -> int | None:
        """1-based line of the span start."""
        return line_of(self.source, self.span)

    @property
    def column(self) -> int | None:
        """1-based column of the span start."""
        return column_of(self.source, self.span)

    def render(self) -> str:
        """``line:col: message``, the source line, a caret line and the hint."""
        return render(self.message, self.span, self.source, self.hint)


def line_of(source: str | None, span: Span | None) -> int | None:
    """1-based line of the start of ``span`` in ``source`` (``None`` without both)."""
    if span is None or source is None:
        return None
    return source.count("\n", 0, span.start) + 1


def column_of(source: str | None, span: Span | None) -> int | None:
    """1-based column (in characters) of the start of ``span`` in ``source`` (``None`` without both)."""
    if span is None or source is None:
        return None
    return span.start - (source.rfind("\n", 0, span.start) + 1) + 1


def render(message: str, span: Span | None, source: str | None, hint: str | None, severity: str = "error") -> str:
    """A diagnostic as shown to a user: ``line:col: severity: message``, the source line, a caret, the hint.

    The one renderer of errors (:class:`LrdslError`) and warnings (:mod:`lrdsl.lint`).
    """
    parts: list[str] = []
    if span is not None and source is not None:
        start = min(span.start, len(source))
        line_start = source.rfind("\n", 0, start) + 1
        line_end = source.find("\n", start)
        if line_end < 0:
            line_end = len(source)
        text = source[line_start:line_end]
        end = min(max(span.end, start + 1), line_end if line_end > start else start + 1)
        col = start - line_start
        shown, offset = _window(text, col)
        cells = _cells(shown)
        before = sum(width for _, width in cells[: col - offset])
        under = sum(width for _, width in cells[col - offset : end - line_start - offset])
        parts.append(f"{line_of(source, span)}:{column_of(source, span)}: {severity}: {message}")
        parts.append("  " + "".join(cell for cell, _ in cells))
        parts.append("  " + " " * before + "^" * max(1, under))
    else:
        parts.append(f"{severity}: {message}")
    if hint:
        parts.append(f"hint: {hint}")
    return "\n".join(parts)


def _window(text: str, col: int, width: int = 100) -> tuple[str, int]:
    """A slice of at most ``width`` characters of a long line around ``col``."""
    if len(text) <= width:
        return text, 0
    offset = max(0, min(col - width // 2, len(text) - width))
    return text[offset : offset + width], offset


TAB = 8
"""Tab stops of the shown source line."""


def _cells(text: str) -> list[tuple[str, int]]:
    """Each character of ``text`` as shown on a terminal: its text and its width in columns."""
    cells: list[tuple[str, int]] = []
    column = 0
    for ch in text:
        category = unicodedata.category(ch)
        if ch == "\t":
            cell = " " * (TAB - column % TAB)
        elif ch == "\r":
            cell = ""  # the end of a CRLF line
        elif category == "Cf":
            cell = ""  # invisible: byte-order mark, joiners, direction marks and overrides
        elif category in ("Cc", "Cs", "Co", "Cn"):
            cell = "\ufffd"
        else:
            cell = ch
        width = len(cell) if cell != ch else _width(ch, category)
        cells.append((cell, width))
        column += width
    return cells


def _width(ch: str, category: str) -> int:
    """Terminal columns of a printable character (East Asian wide and fullwidth take two)."""
    if category in ("Mn", "Me"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """``"did you mean 'x'?"`` for the closest of ``choices``, or ``None``."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None
