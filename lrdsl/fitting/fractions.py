"""Two phases meeting between steps: ``(F(a→b, q%) >> G(c→d)) * repeat(1)`` (fastai's schedules).

fastai's ``combine_scheds`` switches phase at the fraction ``q`` of the run, ``qN`` steps, which need
not be whole (25 % of 210 steps is 52.5); inside ``repeat(1)`` lrdsl keeps the percentage unrounded.
Tried only when nothing else reproduces the curve: ``q`` at whole percentages whose ``qN`` is not a
whole step and lies within two steps of a breakpoint; each side's two ends by least squares, each of
``F``, ``G`` one of ``const``, ``linear``, ``cosine`` (phase one sees ``p = t/(qN)``, phase two
``p = (t − qN)/(N − qN)``).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from lrdsl.fitting.context import Array, Context
from lrdsl.fitting.piece import Form, Piece
from lrdsl.fitting.segments import breakpoints
from lrdsl.fitting.smooth import midway, sampled_ends
from lrdsl.language import build as B

SHAPES = ("const", "cosine", "linear")


def _weight(shape: str, p: Array) -> Array:
    """The weight of a phase's start value at progress ``p``."""
    if shape == "cosine":
        return (1.0 + np.cos(np.pi * p)) / 2.0
    return 1.0 - p if shape == "linear" else np.ones_like(p)


def _side(shape: str, y: Array, p: Array, ctx: Context) -> list[float] | None:
    """The fitted ends of one side (its value, for a ``const``)."""
    if shape == "const":
        a = midway(y)
        return [a] if ctx.roughly(np.full(y.size, a), y) else None
    w = _weight(shape, p)
    ends = sampled_ends(y, w, ctx)
    if ends is None or not ctx.roughly(ends[1] + (ends[0] - ends[1]) * w, y):
        return None
    return list(ends)


def _form(shape: str, names: tuple[str, str], fixed: tuple[tuple[str, B.Given], ...] = ()) -> Form:
    """One side's form: its numbers called ``names`` (the first alone for a ``const``)."""
    return Form(shape, names[:1] if shape == "const" else names, fixed=fixed)


def fractional(y: Array, ctx: Context) -> str | None:
    n = y.size
    if n < 8 or ctx.unit:
        return None
    marks = [m for m in breakpoints(y, ctx) if 3 < m < n - 3][:8]
    qs = sorted({k for m in marks for k in range(1, 100) if m - 2 < k * n / 100 < m + 1 and (k * n) % 100})
    t = np.arange(n, dtype=np.float64)
    for k in qs:
        cut = k * n / 100
        first = t < cut
        p1, p2 = t[first] / cut, (t[~first] - cut) / (n - cut)
        for f in SHAPES:
            left = _side(f, y[first], p1, ctx)
            if left is None:
                continue
            for g in SHAPES:
                right = _side(g, y[~first], p2, ctx)
                if right is None or ctx.exhausted():
                    continue
                numbers = dict(zip(("a", "b"), left, strict=False)) | dict(zip(("c", "f"), right, strict=False))
                leading = _form(f, ("a", "b"), (("duration", B.Quantity(k, "%")),))
                form = replace(_form(g, ("c", "f")), head=(leading,), outer=B.call("repeat", 1))
                piece = Piece("fraction", form, numbers, n)
                if piece.reproduces(ctx, y, True):
                    done = piece.simplified(ctx, y, True)
                    if done is not None:
                        return done.render(ctx, True)
    return None
