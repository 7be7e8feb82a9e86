"""Runs of constant phases whose values fall by one factor, written as one ``step`` or ``multistep``.

``c₀ (L₀) >> c₀g (L₁) >> c₀g² (L₂) …`` is ``step(c₀, gamma=g, every=L)`` when every run but the last lasts
``L``, else ``multistep(c₀, gamma=g, at=[L₀, L₀+L₁, …])``; kept only when it reproduces the curve.
"""

from __future__ import annotations

from lrdsl.fitting.context import Array, Context
from lrdsl.fitting.piece import Piece

MIN_RUN = 3
"""Constant phases merged at least (two constants are as short as a multistep)."""


def merge_steps(pieces: list[Piece], y: Array, ctx: Context, flexible_end: bool) -> list[Piece]:
    out: list[Piece] = []
    starts = [0]
    for p in pieces:
        starts.append(starts[-1] + p.length)
    i = 0
    while i < len(pieces):
        j = i
        if pieces[i].family == "const" and pieces[i].numbers["a"] != 0:
            g = _ratio(pieces, i)
            while g is not None and j + 1 < len(pieces) and _continues(pieces, j, g):
                j += 1
        merged = None
        if j + 1 - i >= MIN_RUN:
            last = flexible_end and j == len(pieces) - 1
            merged = _merged(pieces[i : j + 1], y[starts[i] : starts[j + 1]], ctx, last)
        if merged is not None:
            out.append(merged)
            i = j + 1
        else:
            out.append(pieces[i])
            i += 1
    return out


def _ratio(pieces: list[Piece], i: int) -> float | None:
    if i + 1 >= len(pieces) or pieces[i + 1].family != "const":
        return None
    return pieces[i + 1].numbers["a"] / pieces[i].numbers["a"]


def _continues(pieces: list[Piece], j: int, g: float) -> bool:
    nxt = pieces[j + 1]
    if nxt.family != "const":
        return False
    want = pieces[j].numbers["a"] * g
    return abs(nxt.numbers["a"] - want) <= 1e-6 * abs(want)


def _merged(run: list[Piece], y: Array, ctx: Context, flexible: bool) -> Piece | None:
    a = run[0].numbers["a"]
    g = run[1].numbers["a"] / a
    lengths = [p.length for p in run]
    total = sum(lengths)
    inner = lengths[:-1]
    if len(set(inner)) == 1:
        template = "step({a}{d}, gamma={g}, every=" + ctx.dur(inner[0]) + ")"
    else:
        at, acc = [], 0
        for n in inner:
            acc += n
            at.append(ctx.dur(acc))
        template = "multistep({a}{d}, gamma={g}, at=[" + ", ".join(at) + "])"
    piece = Piece("step", template, {"a": a, "g": g}, total, phases=1)
    return piece.simplified(ctx, y, flexible)
