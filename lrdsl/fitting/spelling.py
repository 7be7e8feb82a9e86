"""Numbers as the source wrote them: ``0.1``, ``1e-6``, ``3e-4 / 782``, ``512 ** -0.5 * 4000 ** -0.5``.

A fitted number ``v`` is offered in these forms, each checked by the caller against the curve:

- rounded to 1…17 significant digits (the last always reads back as ``v``);
- ``p / q`` for each structural ``q`` (a phase's length, one step either side, the step it starts at),
  ``p`` of at most 3 significant digits, when ``|v·q − p| ≤ tight·|p|``: a ramp's first step at
  ``peak·(t + 1)/W`` is ``peak / (W + 1)``;
- ``k ** -0.5`` when ``1/v²`` is within :data:`ROOT_TIGHT` of a whole ``k`` (Noam's ``d_model ** -0.5``),
  and ``m ** -0.5 * w ** -0.5`` when a warm-up ``w`` written in the phase divides ``k`` (Noam's peak
  ``d_model^-½ · warmup^-½``).

``tight`` (``1e-11`` relative) keeps a value that is noisy or irrational from being read as a ratio:
with ``q`` from a handful of structural numbers and ``p`` of 3 digits, a value that is no such ratio
meets one by chance about once in 10⁷ fits. Digits (the shortest first) are always offered too, so a
ratio is written only when it is exact and reads shorter than the digits that are.
"""

from __future__ import annotations

import math

from lrdsl.language.numbers import format_number

TIGHT = 1e-11
"""Relative distance at most between ``v·q`` and a short ``p`` for ``p / q`` to be offered."""
ROOT_TIGHT = 1e-14
"""Relative distance at most between ``1/v²`` and a whole ``k`` for ``k ** -0.5`` (a few units in the last
place of ``v``: at 1e-9 one value in 500 of a cosine would read as some ``k ** -0.5``)."""
SQUARES_UP_TO = 1e10
"""``1/v²`` at most for the ``k ** -0.5`` forms (a model width times a warm-up; beyond, any ``v`` is near one)."""


def spellings(
    value: float, denominators: tuple[int, ...] = (), tight: float = TIGHT, warmups: tuple[int, ...] = ()
) -> list[str]:
    """Ways to write a number close to ``value``, in the order to try them (shortest first, exact forms early)."""
    if value == 0 or not math.isfinite(value):
        return ["0"] if value == 0 else []
    digits: dict[str, None] = {}
    for n in range(1, 18):
        rounded = float(f"{value:.{n - 1}e}")
        if math.isfinite(rounded) and rounded != 0:
            digits[format_number(rounded)] = None
    known = {*denominators, *warmups}
    texts = [*digits, *_ratios(value, denominators, tight), *_inverse_roots(value, warmups)]
    return sorted(texts, key=lambda t: cost(t, known))


def cost(text: str, known: set[int] | frozenset[int] = frozenset()) -> int:
    """How much a person reads in a spelling: its characters, but ``k ** -0.5`` counts as the digits of
    ``k`` and 3 more, and a warm-up the phase already shows counts nothing as a second root
    (``512 ** -0.5 * 4000 ** -0.5`` reads as 512 and 3); ``p / q`` counts whole (``8 / 800`` is ``0.01``)."""
    total, free = 0, 0
    factors = text.split(" * ")
    for factor in factors:
        base, root, _ = factor.partition(" ** -0.5")
        if root:
            shown = len(factors) > 1 and base.isdigit() and int(base) in known
            free += shown
            total += 0 if shown else len(base) + 3
        else:
            total += len(factor)
    if free == len(factors):  # only the warm-up's own roots (100 ** -0.5 * 100 ** -0.5): one is read
        base = factors[0].partition(" ** -0.5")[0]
        total += len(base) + 3
    return total


def _ratios(value: float, denominators: tuple[int, ...], tight: float) -> list[str]:
    out = []
    for q in dict.fromkeys(denominators):
        if q <= 1:
            continue
        whole = value * q
        if not math.isfinite(whole) or whole == 0:
            continue
        for n in range(1, 4):
            p = float(f"{whole:.{n - 1}e}")  # inf when 1.8e308 rounds up
            if math.isfinite(p) and abs(whole - p) <= tight * abs(p):
                out.append(f"{format_number(p)} / {q}")
                break
    return out


def _inverse_roots(value: float, warmups: tuple[int, ...]) -> list[str]:
    if not 1.0 / math.sqrt(SQUARES_UP_TO) <= value < 1.0:
        return []
    square = 1.0 / (value * value)
    k = round(square)
    if k < 2 or abs(square - k) > ROOT_TIGHT * square:
        return []
    factored = [f"{k // w} ** -0.5 * {w} ** -0.5" for w in dict.fromkeys(warmups) if 1 < w < k and k % w == 0]
    return [*factored, f"{k} ** -0.5"]


def number(text: str) -> float:
    """The value of a spelling from :func:`spellings` (``p / q``, ``k ** -0.5``, their products, digits)."""
    value = 1.0
    for factor in text.split(" * "):
        base, root, _ = factor.partition(" ** -0.5")
        if root:
            value *= float(base) ** -0.5  # as the language computes it
            continue
        p, sep, q = factor.partition(" / ")
        value *= float(p) / float(q) if sep else float(p)
    return value
