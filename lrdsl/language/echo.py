"""User text and values quoted back in messages: bounded in length, control characters escaped.

A value echoed in an error (a config's field, a checkpoint's record, a SPEC's argument) may be huge
(a YAML alias expanding to millions of items) or hold terminal escape codes (``\\x1b[2J``). Messages
show :func:`shown` of it instead: at most ``limit`` characters of its text, every control, format or
unassigned character written as a Python escape (``\\x1b``), an ellipsis and the length when cut.
"""

from __future__ import annotations

import reprlib
import unicodedata

LIMIT = 80
"""Characters of a value a message quotes."""

_REPR = reprlib.Repr()
_REPR.maxstring = LIMIT
_REPR.maxother = LIMIT
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 8
_REPR.maxlevel = 3
_REPR.maxlong = 40


def printable(text: str) -> str:
    """``text`` with every control, format, surrogate, private or unassigned character escaped (``\\x1b``)."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            out.append(ch.encode("unicode_escape").decode("ascii"))
        else:
            out.append(ch)
    return "".join(out)


def clipped(text: str, limit: int = LIMIT) -> str:
    """``text`` made printable and cut to ``limit`` characters (``…`` and its length when cut)."""
    if len(text) > limit:
        return printable(text[:limit]) + f"… ({len(text):,} characters)"
    return printable(text)


def shown(value: object, limit: int = LIMIT) -> str:
    """A bounded, printable ``repr`` of ``value``: containers cut after a few items and three levels,
    strings and numbers after ``limit`` characters. Never expands a shared or recursive structure."""
    try:
        text = _REPR.repr(value)
    except Exception:  # a value whose repr fails: name its type only
        text = f"<{type(value).__name__}>"
    return clipped(text, limit)
