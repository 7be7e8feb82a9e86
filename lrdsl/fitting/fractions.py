"""Two phases meeting between steps: ``(F(a→b, q%) >> G(c→d)) * repeat(1)`` (fastai's schedules).

fastai's ``combine_scheds`` switches phase at the fraction ``q`` of the run, ``qN`` steps, which need
not be whole (25 % of 210 steps is 52.5); inside ``repeat(1)`` lrdsl keeps the percentage unrounded.
Tried only when nothing else reproduces the curve: ``q`` at whole percentages whose ``qN`` is not a
whole step and lies within two steps of a breakpoint; each side's two ends by least squares, each of
``F``, ``G`` one of ``const``, ``linear``, ``cosine`` (phase one sees ``p = t/(qN)``, phase two
``p = (t − qN)/(N − qN)``).
"""

from __future__ import annotations

import numpy as np

from lrdsl.fitting.context import Array, Context
from lrdsl.fitting.piece import Piece
from lrdsl.fitting.segments import breakpoints
from lrdsl.fitting.smooth import midway, sampled_ends

SHAPES = ("const", "cosine", "linear")


def _weight(shape: str, p: Array) -> Array:
    """The weight of a phase's start value at progress ``p``."""
    if shape == "cosine":
        return (1.0 + np.cos(np.pi * p)) / 2.0
    return 1.0 - p if shape == "linear" else np.ones_like(p)


def _side(shape: str, y: Array, p: Array, ctx: Context) -> tuple[str, dict[str, float]] | None:
    """The template of one side (``{x}``, ``{y}`` named by the caller) and its fitted ends."""
    if shape == "const":
        a = midway(y)
        return ("const({a}, ", {"a": a}) if ctx.roughly(np.full(y.size, a), y) else None
    w = _weight(shape, p)
    ends = sampled_ends(y, w, ctx)
    if ends is None or not ctx.roughly(ends[1] + (ends[0] - ends[1]) * w, y):
        return None
    return shape + "({a}→{b}, ", {"a": ends[0], "b": ends[1]}


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
                numbers = {"a": left[1]["a"], **({"b": left[1]["b"]} if "b" in left[1] else {})}
                numbers |= {"c": right[1]["a"], **({"f": right[1]["b"]} if "b" in right[1] else {})}
                second = right[0].replace("{a}", "{c}").replace("{b}", "{f}").removesuffix(", ") + ")"
                template = "(" + left[0] + f"{k}%) >> " + second + ") * repeat(1)"
                piece = Piece("fraction", template, numbers, n)
                if ctx.reproduces(piece.render(ctx, True), y):
                    done = piece.simplified(ctx, y, True)
                    if done is not None:
                        return done.render(ctx, True)
    return None
