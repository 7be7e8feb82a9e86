"""The structures tried on a whole curve, each a function ``(y, ctx) -> expression | None``; the best exact one wins.

When none is exact, the closest is a partial cover (:func:`lrdsl.fitting.segments.cover`): the phases
that reproduce their spans exactly, and the spans no named shape does, named in :attr:`Fit.unmatched`.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from lrdsl.fitting.context import WORK, WORK_MAX, WORK_PER_BREAK, Array, Context, Work
from lrdsl.fitting.late import held, late
from lrdsl.fitting.piece import Form, Piece
from lrdsl.fitting.result import Fit
from lrdsl.fitting.segments import breakpoints, cover, fit_sequence, phases_of, render
from lrdsl.language import build as B

Structure = Callable[[Array, Context], str | None]
COVER_WORK = WORK // 10
"""Checks the partial cover may make after the search has spent its own."""


def structures() -> dict[str, Structure]:
    from lrdsl.fitting.composites import composites
    from lrdsl.fitting.cycles import restarts
    from lrdsl.fitting.quantized import quantized
    from lrdsl.fitting.steps import staircase

    return {"composite": composites, "staircase": staircase, "quantize": quantized, "restart": restarts}


def search(
    y: Array,
    spe: float | None,
    rtol: float,
    atol: float,
    budget: float,
    progress: Callable[[int, int], None] | None = None,
    unit: str = "",
) -> Fit:
    """The best exact expression of ``y``, else the closest (numpy's floating-point warnings kept quiet:
    candidates that overflow are rejected by their values, not reported); durations are written in
    ``unit`` (``"ep"``: one step of ``y`` an epoch)."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", np.exceptions.RankWarning)
        ctx = Context(rtol, atol, spe, unit, deadline=time.process_time() + budget)
        ctx.work.left = min(WORK + WORK_PER_BREAK * len(breakpoints(y, ctx)), WORK_MAX)
        return _search(y, ctx, progress)


def _search(y: Array, ctx: Context, progress: Callable[[int, int], None] | None) -> Fit:
    tried = structures()
    total = len(tried) + 1
    found, final = _structures(y, ctx, tried, progress)
    if progress is not None:
        progress(len(tried), total)
    if not final:  # a staircase read from its runs: no sequence says it in fewer phases or words
        found += _sequences(y, ctx, found)
    if not found and not ctx.exhausted():  # last: two phases meeting between steps
        from lrdsl.fitting.fractions import fractional

        expr = _tried(fractional, y, ctx)
        if expr is not None and ctx.reproduces(expr, y):
            found.append(expr)
    if progress is not None:
        progress(total, total)
    if found:
        best = min(found, key=lambda e: (phases_of(e), len(e)))
        return Fit(best, True, _max_error(best, y, ctx), None)
    return _closest(y, ctx)


def _structures(
    y: Array, ctx: Context, tried: dict[str, Structure], progress: Callable[[int, int], None] | None
) -> tuple[list[str], bool]:
    """The exact expressions of the whole-curve structures, tried in turn (a composite or a staircase ends
    them), and whether a staircase was found (then no sequence is searched)."""
    found: list[str] = []
    for done, (name, structure) in enumerate(tried.items()):
        if progress is not None:
            progress(done, len(tried) + 1)
        if ctx.exhausted():
            break
        expr = _tried(structure, y, ctx)
        if expr is not None and ctx.reproduces(expr, y):
            found.append(expr)
            if name in ("composite", "staircase"):
                return found, name == "staircase"  # one phase: nothing has fewer
    return found, False


def _sequences(y: Array, ctx: Context, found: list[str]) -> list[str]:
    """A sequence of phases, and the same on a late clock when the first value is held; a sequence with
    more phases than one already found cannot win, so it is abandoned past that many."""
    out: list[str] = []
    if not ctx.exhausted():
        limit = min((phases_of(e) for e in found), default=None)
        expr = _tried(lambda y, ctx: _sequence(y, ctx, limit), y, ctx)
        out += [expr] if expr is not None else []
    if not ctx.exhausted() and held(y, ctx):  # a first value held: the same schedule on a late clock
        limit = min((phases_of(e) for e in [*found, *out]), default=None)
        expr = _tried(lambda y, ctx: late(y, ctx, limit), y, ctx)
        out += [expr] if expr is not None else []
    return out


def _sequence(y: Array, ctx: Context, limit: int | None) -> str | None:
    pieces = fit_sequence(y, ctx, limit=limit)
    return render(pieces, ctx) if pieces else None


def _tried(structure: Structure, y: Array, ctx: Context) -> str | None:
    """``structure(y, ctx)``; a structure whose Python arithmetic overflows or divides by zero on these
    values (landmarks of ±1e308 or 5e-324) has no candidate here, as one whose numpy arithmetic does."""
    try:
        return structure(y, ctx)
    except ArithmeticError:
        return None


def _max_error(expr: str, y: Array, ctx: Context) -> float:
    got = ctx.evaluate(expr, y.size)
    return _largest(np.abs(got - y)) if got is not None else float(np.finfo(np.float64).max)


def _largest(errors: Array) -> float:
    """The largest error, at most the largest float (a difference of ±1e308 overflows)."""
    return min(float(np.max(errors)), float(np.finfo(np.float64).max))


def _closest(y: Array, ctx: Context) -> Fit:
    """No exact expression: the phases that fit where they do, and the unmatched spans between them."""
    complete = not ctx.exhausted()
    ctx = replace(
        ctx,
        work=Work(COVER_WORK, ctx.work.phases, ctx.work.marks),
        deadline=max(ctx.deadline, time.process_time() + 1.0),
    )
    try:
        pieces = cover(y, ctx)
    except ArithmeticError:  # as in _tried: the whole curve one span
        pieces = cover(y, replace(ctx, work=Work(0)))
    expr = render(pieces, ctx)
    got = ctx.evaluate(expr, y.size)
    if got is None:  # a line between extreme values that overflows on the way: the first value held
        first = {"a": B.number(float(y[0]))}
        pieces = [Piece("const", Form("const", ("a",)), {"a": float(y[0])}, y.size, spelled=first, unmatched=True)]
        expr = render(pieces, ctx)
        got = np.full(y.size, y[0])
    error = np.abs(got - y)
    bad = np.flatnonzero(~(error <= ctx.atol + ctx.rtol * np.abs(y)))
    spans, at = [], 0
    for p in pieces:
        if p.unmatched:
            spans.append((at, at + p.length - 1))
        at += p.length
    if not bad.size:  # the search stopped before it found what the cover shows is exact
        return Fit(expr, True, _largest(error), None, complete=complete)
    return Fit(expr, False, _largest(error), int(bad[0]), tuple(spans), complete)
