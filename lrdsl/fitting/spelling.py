"""Numbers as the source wrote them: ``0.1``, ``1e-6``, ``3e-4 / 782``, ``512 ** -0.5 * 4000 ** -0.5``.

A fitted number ``v`` is offered in these forms, each a syntax tree (the formatter prints it) checked by
the caller against the curve:

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

import functools
import math

from lrdsl.language import ast as A
from lrdsl.language import build as B
from lrdsl.language.runfree import value as constant_value

TIGHT = 1e-11
"""Relative distance at most between ``v·q`` and a short ``p`` for ``p / q`` to be offered."""
ROOT_TIGHT = 1e-14
"""Relative distance at most between ``1/v²`` and a whole ``k`` for ``k ** -0.5`` (a few units in the last
place of ``v``: at 1e-9 one value in 500 of a cosine would read as some ``k ** -0.5``)."""
SQUARES_UP_TO = 1e10
"""``1/v²`` at most for the ``k ** -0.5`` forms (a model width times a warm-up; beyond, any ``v`` is near one)."""
ZERO = B.number(0)
"""The spelling ``0``, tried first for every number."""


def spellings(
    value: float, denominators: tuple[int, ...] = (), tight: float = TIGHT, warmups: tuple[int, ...] = ()
) -> list[A.Expr]:
    """Ways to write a number close to ``value``, in the order to try them (shortest first, exact forms early)."""
    if value == 0 or not math.isfinite(value):
        return [ZERO] if value == 0 else []
    digits: dict[A.Expr, None] = {}
    for n in range(1, 18):
        rounded = float(f"{value:.{n - 1}e}")
        if math.isfinite(rounded) and rounded != 0:
            digits[B.number(rounded)] = None
    known = {*denominators, *warmups}
    forms = [*digits, *_ratios(value, denominators, tight), *_inverse_roots(value, warmups)]
    return sorted(forms, key=lambda f: cost(f, known))


@functools.lru_cache(maxsize=4096)
def text(spelling: A.Expr) -> str:
    """A spelling as the formatter prints it (remembered: a fit reads each spelling's length many times)."""
    return B.text(spelling)


def _root_base(factor: A.Expr) -> A.Expr | None:
    """``k`` of a factor ``k ** -0.5``, else ``None``."""
    if isinstance(factor, A.BinOp) and factor.op == "**" and factor.right == _MINUS_HALF:
        return factor.left
    return None


_MINUS_HALF = B.number(-0.5)


def _factors(spelling: A.Expr) -> list[A.Expr]:
    """The factors of a product ``a * b * …`` (the spelling itself when it is none)."""
    if isinstance(spelling, A.BinOp) and spelling.op == "*":
        return [*_factors(spelling.left), *_factors(spelling.right)]
    return [spelling]


def cost(spelling: A.Expr, known: set[int] | frozenset[int] = frozenset()) -> int:
    """How much a person reads in a spelling: its characters, but ``k ** -0.5`` counts as the digits of
    ``k`` and 3 more, and a warm-up the phase already shows counts nothing as a second root
    (``512 ** -0.5 * 4000 ** -0.5`` reads as 512 and 3); ``p / q`` counts whole (``8 / 800`` is ``0.01``)."""
    total, free = 0, 0
    factors = _factors(spelling)
    for factor in factors:
        base = _root_base(factor)
        if base is None:
            total += len(text(factor))
            continue
        digits = text(base)
        shown = len(factors) > 1 and digits.isdigit() and int(digits) in known
        free += shown
        total += 0 if shown else len(digits) + 3
    if free == len(factors):  # only the warm-up's own roots (100 ** -0.5 * 100 ** -0.5): one is read
        total += len(text(_root_base(factors[0]) or factors[0])) + 3
    return total


def _ratios(value: float, denominators: tuple[int, ...], tight: float) -> list[A.Expr]:
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
                out.append(B.div(p, q))
                break
    return out


def _inverse_roots(value: float, warmups: tuple[int, ...]) -> list[A.Expr]:
    if not 1.0 / math.sqrt(SQUARES_UP_TO) <= value < 1.0:
        return []
    square = 1.0 / (value * value)
    k = round(square)
    if k < 2 or abs(square - k) > ROOT_TIGHT * square:
        return []
    factored = [
        B.mul(B.power(k // w, -0.5), B.power(w, -0.5)) for w in dict.fromkeys(warmups) if 1 < w < k and k % w == 0
    ]
    return [*factored, B.power(k, -0.5)]


def number(spelling: A.Expr) -> float:
    """The value of a spelling from :func:`spellings`, as the language computes it (constant arithmetic)."""
    found = constant_value(spelling)
    assert found is not None  # a spelling names no parameter
    return found
