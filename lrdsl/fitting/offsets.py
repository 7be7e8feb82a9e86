"""Phases on a clock that runs ahead (``X * offset(n)``, LANGUAGE.md §8.1): tried when no plain family fits.

- ``rsqrt(a, warmup=n) * offset(n)``: ``y = a·√(n/(u + n))``, so ``1/y²`` is linear in ``u`` and
  ``n`` is its intercept over its slope (big_vision's ``a·√(T/(T+u))``; Noam and HF's inverse-sqrt
  after their warm-up, where ``n`` is the step the phase starts at).
- ``cosine(a→b, D) * offset(n)`` with ``n`` the step the phase starts at, or one less (a cosine on
  the clock of a warm-up after a first held step or epoch): a cosine on the run's clock after a
  warm-up (timm's ``warmup_prefix=False``), ending at ``D = n + L`` (its ``L`` steps) or a step later. Its weight ``(1 + cos(π(u + n)/D))/2`` is known, so ``a``, ``b`` are least squares.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np

from lrdsl.fitting.context import Array, Context, sample_steps
from lrdsl.fitting.piece import Piece
from lrdsl.fitting.smooth import two_ends


def rsqrt_offset(y: Array, ctx: Context) -> list[Piece]:
    if y.size < 4 or not np.all(y > 0) or y[-1] >= y[0]:
        return []
    at = sample_steps(y.size)
    u = at.astype(np.float64)
    slope, icpt = np.polyfit(u, 1.0 / y[at] ** 2, 1)
    ahead = float(icpt / slope) if slope > 0 else float("nan")
    read = [round(ahead)] if 0 < ahead < 1e15 else []
    out = []
    for n in dict.fromkeys((*read, ctx.start)):
        if n >= 1:
            approx = y[0] * np.sqrt(n / (u + n))
            template = "rsqrt({a}{d}, warmup=" + ctx.dur(n) + ") * offset(" + ctx.dur(n) + ")"
            out.append(Piece("rsqrt", template, {"a": float(y[0])}, y.size, approx=approx, offset=n, structural=(n,)))
    return out


def cosine_offset(y: Array, ctx: Context) -> list[Piece]:
    if y.size < 4 or ctx.start < 1:
        return []
    u = sample_steps(y.size).astype(np.float64)
    out = []
    for n, later in itertools.product((ctx.start, ctx.start - 1), (0, 1)):
        d = n + y.size + later
        if n < 1:
            continue
        w = (1.0 + np.cos(np.pi * (u + n) / d)) / 2.0
        for piece in two_ends("cosine", y, w, ctx, " * offset(" + ctx.dur(n) + ")"):
            out.append(replace(piece, offset=n, duration=None if d == n + y.size else d))
    return out
