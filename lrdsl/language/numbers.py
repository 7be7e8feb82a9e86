"""Numbers as a person writes them: the one spelling shared by the formatter, ``explain`` and the printers."""

from __future__ import annotations

import math


def format_number(value: float) -> str:
    """Shortest text that reads back as ``value``: ``5000``, ``0.1``, ``1e-3``, ``2.5e20`` (ties: plain)."""
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    plain = repr(value)
    mantissa, sep, exponent = plain.partition("e")
    if sep:
        plain = f"{mantissa}e{int(exponent)}"
    start = 0
    if len(mantissa) > 8:  # many digits: start at repr's count, the fewest that read back
        start = len(mantissa.lstrip("-").replace(".", "").lstrip("0")) - 1
    for digits in range(start, 17):
        mantissa, _, exponent = f"{value:.{digits}e}".partition("e")
        if float(f"{mantissa}e{exponent}") == value:
            sci = f"{mantissa}e{int(exponent)}"
            return sci if len(sci) < len(plain) else plain
    return plain  # pragma: no cover - 17 significant digits always round-trip


SHORT_DIGITS = 12
"""Significant digits of the numbers in the table (csv, json and npy keep every digit)."""


def short_number(value: float) -> str:
    """``value`` rounded to :data:`SHORT_DIGITS` significant digits, in its shortest form.

    ``0.09960000000000001`` (0.1 × 0.996 in float64) prints as ``0.0996``: arithmetic noise in
    the 16th digit goes, and the text reads back within 5e-13 of ``value``, relatively.
    """
    if not math.isfinite(value):
        return repr(value)
    return format_number(float(f"{value:.{SHORT_DIGITS}g}"))
