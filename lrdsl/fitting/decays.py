"""Fitters of the decays ``exp_decay``, ``inverse_time`` and ``rsqrt`` (closed form, start ``a = y[0]``).

- ``exp_decay(a, rate=r, every=e)``: ``log y`` is linear in ``u``; ``e`` is 1, an epoch, or the ``e`` that
  makes the rate a round number (``0.5`` every 50).
- ``inverse_time(a, decay=k, every=e)``: ``1/y`` is linear in ``u`` with slope ``k/(a·e)``.
- ``rsqrt(a, warmup=w)``: ``y·√u`` is constant (``a·√w``) from ``u = w`` on.
"""

from __future__ import annotations

import numpy as np

from lrdsl.fitting.context import Array, Context, sample_steps
from lrdsl.fitting.piece import Form, Piece
from lrdsl.language import build as B

ROUND_RATES = (0.5, 0.1, 0.9, 0.95, 0.96, 0.97, 0.98, 0.99, 0.25, 0.8, 0.2, 0.3, 0.7, 0.6, 0.75, 0.94)


def _everies(per_step: float, ctx: Context, round_values: tuple[float, ...]) -> list[int]:
    """Candidate ``every``: 1, one epoch, and intervals over which ``per_step`` compounds to a round value."""
    out = [1]
    if ctx.spe and float(ctx.spe).is_integer() and ctx.spe > 1:
        out.append(int(ctx.spe))
    for g in round_values:
        e = g / per_step
        if 1 < e < 1e9 and abs(e - round(e)) < 1e-6 * e:
            out.append(round(e))
    return list(dict.fromkeys(out))


def _every(e: int, ctx: Context) -> tuple[tuple[str, B.Given], ...]:
    """``every=e`` written out, unless it is 1 step (the default)."""
    return (("every", ctx.quantity(e)),) if e != 1 or ctx.unit else ()


def exp_decay(y: Array, ctx: Context) -> list[Piece]:
    if y.size < 3 or not (np.all(y > 0) or np.all(y < 0)):
        return []
    at = sample_steps(y.size)
    u = at.astype(np.float64)
    slope = float(np.polyfit(u, np.log(np.abs(y[at] / y[0])), 1)[0])
    if slope == 0 or not np.isfinite(slope):
        return []
    everies = _everies(slope, ctx, tuple(float(np.log(g)) for g in ROUND_RATES))
    return [
        Piece(
            "exp_decay",
            Form("exp_decay", ("a",), named=(("rate", "r"),), fixed=_every(e, ctx)),
            {"a": float(y[0]), "r": float(np.exp(slope * e))},
            y.size,
            approx=y[0] * np.exp(slope * u),
        )
        for e in everies
    ]


def inverse_time(y: Array, ctx: Context) -> list[Piece]:
    if y.size < 3 or np.any(y == 0):
        return []
    at = sample_steps(y.size)
    u = at.astype(np.float64)
    slope = float(np.polyfit(u, 1.0 / y[at], 1)[0]) * float(y[0])
    if slope <= 0 or not np.isfinite(slope):
        return []
    return [
        Piece(
            "inverse_time",
            Form("inverse_time", ("a",), named=(("decay", "k"),), fixed=_every(e, ctx)),
            {"a": float(y[0]), "k": slope * e},
            y.size,
            approx=y[0] / (1.0 + slope * u),
        )
        for e in _everies(slope, ctx, (0.5, 0.1, 1.0, 0.01, 0.05, 0.2))
    ]


def rsqrt(y: Array, ctx: Context) -> list[Piece]:
    if y.size < 4 or y[0] == 0 or y[-1] == y[0]:
        return []
    held = float(np.square(y[-1] / y[0]) * (y.size - 1))  # a·√(w/u) at u = N − 1
    if not 1 <= held < y.size:
        return []
    w = round(held)
    u = sample_steps(y.size).astype(np.float64)
    approx = y[0] * np.sqrt(w / np.maximum(u, w))
    return [
        Piece(
            "rsqrt",
            Form("rsqrt", ("a",), fixed=(("warmup", ctx.quantity(w)),)),
            {"a": float(y[0])},
            y.size,
            approx=approx,
            structural=(w,),
        )
    ]
