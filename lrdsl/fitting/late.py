"""A schedule on a late clock (``X * offset(-k)``, LANGUAGE.md §9.1): its first value held ``k`` more steps.

When the curve's first ``k + 1`` values are one value (``k`` at most :data:`LATE_MAX`, or one epoch,
and the rest at least :data:`REST` times longer),
the rest ``y[k:]`` is fitted as a sequence of phases ``X`` and ``X * offset(-k)`` is offered: the value
at step ``t`` is ``X(max(0, t − k))``. ``X`` keeps the durations it was fitted with (a flexible ``X``
under a negative offset would stretch over the node's whole span), but for a last phase whose values do
not depend on its duration (a constant, a staircase, a decay), which stays flexible.
"""

from __future__ import annotations

import numpy as np

from lrdsl.fitting.context import Array, Context
from lrdsl.fitting.segments import fit_sequence
from lrdsl.language import build as B

LATE_MAX = 8
"""Steps at most a clock is read as late (besides one epoch): a longer held start is a phase of its own."""
REST = 4
"""Steps of ``y[k:]`` at least, and times ``k`` at least: a held start in a short curve is a phase
(``0.1, 0.1, 0.05`` is ``const(0.1, 2) >> 0.05``)."""
STRETCHABLE = frozenset({"const", "step", "piecewise", "exp_decay", "inverse_time", "rsqrt"})
"""Families whose values do not depend on their duration: flexible as the last phase of a late ``X``."""


def held(y: Array, ctx: Context) -> int:
    """Steps ``k`` after the first that repeat its value (``y[0] = … = y[k] ≠ y[k + 1]``), 0 if none."""
    same = np.abs(y - y[0]) <= ctx.atol + ctx.rtol * abs(float(y[0]))
    off = np.flatnonzero(~same)
    return int(off[0]) - 1 if off.size else 0


def late(y: Array, ctx: Context, limit: int | None) -> str | None:
    """``(X) * offset(-k)`` reproducing ``y``, ``X`` a sequence fitted to ``y[k:]``; ``None`` if none is."""
    k = held(y, ctx)
    epoch = int(ctx.spe) if ctx.spe and float(ctx.spe).is_integer() and not ctx.unit else 0
    if not (1 <= k <= LATE_MAX or k == epoch) or y.size - k < max(REST, REST * k):
        return None
    pieces = fit_sequence(y[k:], ctx, limit=limit)
    if not pieces:
        return None
    lag = B.Quantity(-1, "ep") if k == epoch and epoch > 1 else ctx.quantity(-k)
    last = len(pieces) - 1
    for stretch in (True, False):
        inner = B.seq(*(p.built(ctx, stretch and i == last and p.family in STRETCHABLE) for i, p in enumerate(pieces)))
        expr = B.text(B.mul(inner, B.offset(lag)))
        if ctx.reproduces(expr, y):
            return expr
    return None
