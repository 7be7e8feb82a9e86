"""Diagnostics: every failure a user can cause is an :class:`LrdslError`.

An error carries the source text and a half-open character span ``[start, end)``;
``str(err)`` renders ``line:col: message``, the offending source line, a caret
under the span, and an optional hint (for example "did you mean 'cosine'?").
"""

from __future__ import annotations

import difflib
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
        if self.span is None or self.source is None:
            return None
        return self.source.count("\n", 0, self.span.start) + 1

    @property
    def column(self) -> int | None:
        """1-based column of the span start."""
        if self.span is None or self.source is None:
            return None
        return self.span.start - (self.source.rfind("\n", 0, self.span.start) + 1) + 1

    def render(self) -> str:
        """``line:col: message``, the source line, a caret line and the hint."""
        parts: list[str] = []
        if self.span is not None and self.source is not None:
            start = min(self.span.start, len(self.source))
            line_start = self.source.rfind("\n", 0, start) + 1
            line_end = self.source.find("\n", start)
            if line_end < 0:
                line_end = len(self.source)
            text = self.source[line_start:line_end]
            end = min(max(self.span.end, start + 1), line_end if line_end > start else start + 1)
            col = start - line_start
            shown, offset = _window(text, col)
            width = max(1, min(end - start, len(shown) - (col - offset)))
            parts.append(f"{self.line}:{self.column}: error: {self.message}")
            parts.append("  " + shown)
            parts.append("  " + " " * (col - offset) + "^" * width)
        else:
            parts.append(f"error: {self.message}")
        if self.hint:
            parts.append(f"hint: {self.hint}")
        return "\n".join(parts)


def _window(text: str, col: int, width: int = 100) -> tuple[str, int]:
    """A slice of at most ``width`` characters of a long line around ``col``."""
    if len(text) <= width:
        return text, 0
    offset = max(0, min(col - width // 2, len(text) - width))
    return text[offset : offset + width], offset


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """``"did you mean 'x'?"`` for the closest of ``choices``, or ``None``."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None
