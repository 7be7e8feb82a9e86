"""Restarts: cycles found where the curve jumps back up, the body fitted on the first cycle.

Cycle starts ``j₀ < j₁ < …`` are the steps where the value jumps up (by a tenth of the curve's range,
four times the neighbouring steps) or comes back to its first value. With period ``P = j₁ − j₀`` and ``mult = (j₂ − j₁)/P`` (round), the body fitted
on ``[j₀, j₀ + P)`` gives ``X * restart(period=P, mult=m, decay=g)`` after an optional prefix; the decay is
the ratio of the second cycle's first value to the first's.
"""

from __future__ import annotations

import numpy as np

from lrdsl.fitting.context import Array, Context
from lrdsl.fitting.piece import Form, Piece
from lrdsl.fitting.segments import breakpoints, fit_sequence, tree
from lrdsl.fitting.spelling import number, spellings
from lrdsl.language import ast as A
from lrdsl.language import build as B


def _starts(y: Array) -> list[int]:
    span = float(np.max(y) - np.min(y))
    if span <= 0:
        return []
    d = np.diff(y)
    near = np.maximum(np.abs(np.concatenate([[0.0], d[:-1]])), np.abs(np.concatenate([d[1:], [0.0]])))
    return (np.flatnonzero((d > 0.1 * span) & (d > 4 * near)) + 1).tolist()


def _returns(y: Array, ctx: Context, j0: int) -> list[int]:
    """Steps after ``j0`` where the curve comes back to its value at ``j0`` (a body that starts low)."""
    at = np.abs(y[j0:] - y[j0]) <= ctx.atol + ctx.rtol * abs(float(y[j0]))
    return (np.flatnonzero(at[1:] & ~at[:-1]) + j0 + 1).tolist()


def restarts(y: Array, ctx: Context) -> str | None:
    jumps = sorted(set(_starts(y)) | set(_returns(y, ctx, 0)))
    if not jumps:
        return None
    options: list[str] = []
    for j0 in _prefix_ends(y, ctx, jumps[0]):
        later = sorted({j for j in jumps if j > j0} | set(_returns(y, ctx, j0)))
        for found in (_cycles_from(y, ctx, j0, later), _derived(y, ctx, j0, later), _floored(y, ctx, j0, later)):
            if found:
                options.append(found)
                if ctx.reproduces(found, y):
                    return found
    if not options:
        return None
    ok = [o for o in options if ctx.reproduces(o, y)]
    return min(ok, key=len) if ok else None


def _prefix_ends(y: Array, ctx: Context, first_jump: int) -> list[int]:
    """Where the cycles may start: step 0, or one of the first breakpoints before the first jump."""
    marks = [m for m in breakpoints(y[: first_jump + 1], ctx) if 3 < m < first_jump]
    return [0, *marks[:6]]


ONE = B.number(1)
"""``mult=1``, the default: left out."""


def _mults(jumps: list[int], period: float) -> list[A.Expr]:
    if len(jumps) < 2:
        return [ONE]
    ratio = (jumps[1] - jumps[0]) / period
    return [*dict.fromkeys([s for s in spellings(ratio)[:4] if number(s) > 0] + [ONE])]


def _restart(period: B.Quantity | None, mult: A.Expr, decay: A.Expr | None, cycles: int | None = None) -> A.Call:
    """``restart(period=…, mult=…, decay=…, cycles=…)``, ``mult=1`` and each ``None`` left out."""
    return B.restart(period=period, mult=None if mult == ONE else mult, decay=decay, cycles=cycles)


def _head(y: Array, ctx: Context, j0: int) -> list[A.Expr] | None:
    """The phases before the first cycle (none when the cycles start at step 0)."""
    if not j0:
        return []
    head = fit_sequence(y[:j0], ctx, flexible_end=False)
    return [tree(head, ctx, flexible_end=False)] if head else None


def _derived(y: Array, ctx: Context, j0: int, jumps: list[int]) -> str | None:
    """``X * restart(mult=m, cycles=n)`` with a flexible body: the first cycle derived from the span.

    With ``n`` cycles over the ``T`` steps from ``j0`` the first lasts ``P = T(m − 1)/(mⁿ − 1)``
    (``T/n`` when ``m = 1``), maybe a fraction of a step; the body's ends are fitted with that ``P``.
    """
    prefix = _head(y, ctx, j0)
    if prefix is None or not jumps:
        return None
    n, span = len(jumps) + 1, y.size - j0
    for m_spelled in _mults(jumps, jumps[0] - j0):
        m = number(m_spelled)
        if m != 1 and n * np.log(m) > 700:  # cycles shorter than a step long before mⁿ overflows
            continue
        period = span / n if m == 1 else span * (m - 1) / (m**n - 1)
        last = float(np.ceil(period) - 1)
        if last < 1:
            continue
        for family, w in (("cosine", (1 + np.cos(np.pi * last / period)) / 2), ("linear", 1 - last / period)):
            # the first step is a; the cycle's last step, where the weight of a is least, gives b best
            a = float(y[j0])
            b = (float(y[j0 + int(last)]) - a * w) / (1 - w)
            times = _restart(None, m_spelled, None, None if n == 3 else n)
            body = Piece("restart", Form(family, ("a", "b"), times=times, head=tuple(prefix)), {"a": a, "b": b}, y.size)
            done = body.simplified(ctx, y, True)  # each end spelled in turn, as a phase's
            if done is not None:
                return done.render(ctx, True)
    return None


def _floored(y: Array, ctx: Context, j0: int, jumps: list[int]) -> str | None:
    """``f + X * restart(period=P, mult=m, decay=g)``: cycle starts ``sᵢ = f + A·gⁱ`` give ``g`` and ``f``."""
    prefix = _head(y, ctx, j0)
    if prefix is None or len(jumps) < 2:
        return None
    s0, s1, s2 = (float(y[j]) for j in (j0, jumps[0], jumps[1]))
    if s1 == s0 or s2 == s1:
        return None
    g = (s2 - s1) / (s1 - s0)
    if not 0 < g < 1:
        return None
    f = s0 - (s1 - s0) / (g - 1)
    period = jumps[0] - j0
    body = fit_sequence(y[j0 : j0 + period] - f, ctx, flexible_end=False)
    if not body or len(body) != 1:
        return None
    inner = body[0].built(ctx, flexible=True)
    for f_spelled in spellings(f)[:8]:
        for g_spelled in spellings(g)[:4]:
            for m in _mults(jumps, period):
                cycled = B.mul(inner, _restart(ctx.quantity(period), m, g_spelled))
                text = B.text(B.seq(*prefix, B.add(f_spelled, cycled)))
                if ctx.reproduces(text, y):
                    return text
    return None


def _cycles_from(y: Array, ctx: Context, j0: int, jumps: list[int]) -> str | None:
    """``X * restart(period=P, mult=m, decay=g)`` after the phases before ``j0``: the body ``X`` fitted on
    the first cycle ``[j0, j0 + P)``, ``P`` the distance to the first jump."""
    if not jumps or jumps[0] - j0 < 2:
        return None
    period = jumps[0] - j0
    prefix = _head(y, ctx, j0)
    body_pieces = fit_sequence(y[j0 : j0 + period], ctx, flexible_end=False) if prefix is not None else None
    decay = _decay(y, j0, jumps[0])
    if not body_pieces or prefix is None or decay is False:
        return None
    written = None if isinstance(decay, bool) else decay
    texts = []
    for m in _mults(jumps, period):
        if len(body_pieces) == 1:
            body = B.mul(body_pieces[0].built(ctx, flexible=True), _restart(ctx.quantity(period), m, written))
        else:
            body = B.mul(tree(body_pieces, ctx, flexible_end=False), _restart(None, m, written))
        texts.append(B.text(B.seq(*prefix, body)))
    for t in texts:
        if ctx.reproduces(t, y):
            return t
    return texts[0]


def _decay(y: Array, j0: int, j1: int) -> A.Expr | bool:
    """``decay=g``, the ratio ``g`` of the second cycle's first value to the first's; ``True`` (no decay
    written) when it is 1 or unknown; ``False`` when the second cycle is all zeros or the ratio is not
    finite (a sequence says it better)."""
    if y[j0] == 0 or j1 >= y.size:
        return True
    g = float(y[j1] / y[j0])
    if g == 0 or not np.isfinite(g):
        return False
    return spellings(g)[0] if abs(g - 1) > 1e-12 else True
