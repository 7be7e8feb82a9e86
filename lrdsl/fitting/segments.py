"""A curve as a sequence of phases: breakpoints from finite differences, then the longest phase from each.

Inside a smooth phase the first, second and third differences change slowly; where a phase starts
(a jump, a kink, a change of curvature) one of them is at least 4 times its previous value and
above the noise of the values. Those steps are the candidate breakpoints. From a phase's start ``s``, each
of the next candidates ``c`` is tried as its end and the farthest ``c`` whose segment ``y[s:c]`` one family
reproduces is kept (a candidate ``t`` also proposes ``t − 1``: where a phase ends on the value its own
formula would continue with, the first step off it is one later). The cost is linear in the curve's
length times the (bounded) candidates tried.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from lrdsl.fitting.context import Array, Context
from lrdsl.fitting.families import fit_phase
from lrdsl.fitting.piece import Form, Piece, awkward, wordiness
from lrdsl.fitting.steps import merge_steps
from lrdsl.language import ast as A
from lrdsl.language import build as B

AHEAD = 24
"""Candidate ends tried from one start."""
PATIENCE = 6
"""Candidates tried past the farthest end that fitted before giving up."""
TIDY = 16
"""Phases at most whose boundaries are tidied (more: a curve no few phases describe)."""
SHORT = 3
"""Steps a phase has at least unless it is alone: two phases in a row shorter than this (except at the
run's end) describe nothing, as any two values are a line (noise would fit as one phase per step or two)."""
COVERED = 4
"""Steps at least of a phase the partial cover keeps (shorter ones fit anything)."""


def breakpoints(y: Array, ctx: Context) -> list[int]:
    """Candidate phase starts ``t`` (``0 < t < N``) and ``N``, sorted (remembered per fit, as phases are)."""
    key = (y.__array_interface__["data"][0], y.size, y.strides)
    if key not in ctx.work.marks:
        ctx.work.marks[key] = (y, _breakpoints(y, ctx))
    return ctx.work.marks[key][1]


def _breakpoints(y: Array, ctx: Context) -> list[int]:
    n = y.size
    marks = {t for t in (1, 2, 3, n - 2, n - 1) if 0 < t < n}  # short phases at either end
    for order in (
        1,
        2,
        3,
    ):  # jumps, kinks, changes of curvature (breaks a few steps apart mask each other in one order)
        if n > order + 1:
            marks.update(_jumps(np.diff(y, order), y, order, ctx).tolist())
    marks.add(n)
    return sorted(marks)


def _jumps(e: Array, y: Array, order: int, ctx: Context) -> npt.NDArray[np.int64]:
    """Steps ``t`` (and ``t − 1``) where the ``order``-th difference ending at ``t`` is 4 times the previous one."""
    scale = np.max([np.abs(y[k : y.size - order + k]) for k in range(order + 1)], axis=0)
    noise = 16.0 * (ctx.atol + ctx.rtol * scale) + 64.0 * np.finfo(np.float64).eps * scale
    ae = np.abs(e)
    prev = np.concatenate([[0.0], ae[:-1]])
    at = np.flatnonzero((ae > noise) & (ae > 4.0 * prev)) + order
    return np.concatenate([at, at - 1])  # a phase may end where its own continuation meets the next one


def fit_sequence(y: Array, ctx: Context, flexible_end: bool = True, limit: int | None = None) -> list[Piece] | None:
    """Phases reproducing ``y`` one after another (the last flexible if ``flexible_end``), or ``None``.

    A depth-first search over the phases that fit from each start, longest first: a phase may also
    reach one step into the next (a line continued one step meets a cosine's start), which then leaves
    a remainder nothing fits; a start from which nothing completes the curve is remembered. With
    ``limit``, a path of more than ``limit`` phases other than constants (which may merge into one
    ``step``) is abandoned: a structure already found says the curve in that many.
    """
    marks = breakpoints(y, ctx)
    cap = y.size if limit is None else limit
    failed: dict[tuple[int, bool], int] = {}  # (start, after a short phase) → the most phases left that failed
    path: list[tuple[int, list[Piece], int]] = []
    s, left, short = 0, cap, False
    while s < y.size:
        if ctx.exhausted():
            return None
        options = [] if failed.get((s, short), -1) >= left else _options(y, ctx, marks, s, flexible_end)
        if short:  # no two short phases in a row, but for the last
            options = [p for p in options if p.length >= SHORT or s + p.length == y.size]
        if left <= 0:
            options = [p for p in options if p.family == "const"]
        path.append((s, options, 0))
        while path and path[-1][2] >= len(path[-1][1]):
            start, _, _ = path.pop()
            left, short = _state(path, cap)
            failed[(start, short)] = max(failed.get((start, short), -1), left)
            if path:
                start, options, i = path.pop()
                path.append((start, options, i + 1))
        if not path:
            return None
        start, options, i = path[-1]
        s = start + options[i].length
        left, short = _state(path, cap)
    pieces = _tidy([options[i] for _, options, i in path], y, ctx, flexible_end)
    return merge_steps(_exclusive(pieces, y, ctx, flexible_end), y, ctx, flexible_end)


def _state(path: list[tuple[int, list[Piece], int]], cap: int) -> tuple[int, bool]:
    """Phases other than constants left under the cap after ``path``, and whether its last phase is short."""
    chosen = [options[i] for _, options, i in path]
    left = cap - sum(p.family != "const" for p in chosen)
    return left, bool(chosen) and chosen[-1].length < SHORT


def cover(y: Array, ctx: Context) -> list[Piece]:
    """Phases that reproduce as much of ``y`` as they can, and the spans between them that none does.

    From each start the longest phase of at least :data:`COVERED` steps is kept; where none fits, the
    span runs to the next candidate start from which one does. A span is written as the line from its
    first value to the next phase's first (its own last value at the end) and marked ``unmatched``.
    """
    marks = breakpoints(y, ctx)
    out: list[Piece] = []
    s, gap = 0, None
    while s < y.size:
        options = [] if ctx.exhausted() else _options(y, ctx, marks, s, True)
        found = [p for p in options if p.length >= COVERED or s + p.length == y.size]
        if found:
            if gap is not None:
                out.append(_gap(y, gap, s))
                gap = None
            best = max(found, key=lambda p: (p.length, p.plain()))
            out.append(best)
            s += best.length
            continue
        gap = s if gap is None else gap
        later = marks[int(np.searchsorted(marks, s, side="right")) :]
        s = later[0] if later and not ctx.exhausted() else y.size
    if gap is not None:
        out.append(_gap(y, gap, y.size))
    return out


def _gap(y: Array, s: int, e: int) -> Piece:
    """The span ``[s, e)`` that no family reproduces, as the line to the next phase's first value."""
    a, b = float(y[s]), float(y[e] if e < y.size else y[-1])
    spelled = {"a": B.number(a), "b": B.number(b)}
    return Piece("linear", Form("linear", ("a", "b")), {"a": a, "b": b}, e - s, spelled=spelled, unmatched=True)


def _options(y: Array, ctx: Context, marks: list[int], s: int, flexible_end: bool) -> list[Piece]:
    """The phases from ``s`` that reproduce the curve up to one of the next candidates: plain numbers first, then longest."""
    out: list[Piece] = []
    misses = 0
    here = replace(ctx, start=s)
    for c in marks[int(np.searchsorted(marks, s, side="right")) :][:AHEAD]:
        piece = fit_phase(y[s:c], here, flexible_end and c == y.size)
        if piece is not None:
            out.append(piece)
            misses = 0
        elif out:
            misses += 1
            if misses >= PATIENCE:
                break
    return sorted(out, key=lambda p: (not p.plain(), -p.length))


def _tidy(pieces: list[Piece], y: Array, ctx: Context, flexible_end: bool) -> list[Piece]:
    """Boundaries moved a step either way where the phases then read shorter (fewer digits).

    The search takes the longest phase from each start; a phase one step longer than written (its
    formula continued one step meets the next phase's start) leaves the next with awkward numbers:
    ``const(0.1, 51) >> linear(0.099505→5.05e-4, 200)`` becomes ``const(0.1, 50) >> linear(0.1→1e-3, 200)``.
    The boundary after a phase moves alone, or with the next one (the phase between keeps its length).
    """
    out = list(pieces)
    if len(out) > TIDY:
        return out
    start = 0
    for i in range(len(out) - 1):
        for moved in (1, 2):
            run = out[i : i + moved + 1]
            if i + moved >= len(out) or ctx.exhausted() or not any(map(awkward, run)):
                break
            if all(p.family == "const" for p in run):
                continue  # a constant never reaches into the next phase
            better = _moved(out[i : i + moved + 1], start, y, ctx, flexible_end and i + moved == len(out) - 1)
            if better is not None:
                out[i : i + moved + 1] = better
                break
        start += out[i].length
    return out


def _moved(run: list[Piece], start: int, y: Array, ctx: Context, flexible: bool) -> list[Piece] | None:
    """``run`` refitted with its inner boundaries all moved one step earlier or later, if that reads shorter."""
    bounds = [start]
    for p in run:
        bounds.append(bounds[-1] + p.length)
    for shift in (-1, 1):
        moved = [bounds[0], *(b + shift for b in bounds[1:-1]), bounds[-1]]
        if any(b <= a for a, b in itertools.pairwise(moved)):
            continue
        refit: list[Piece] = []
        for k in range(len(run)):
            last = flexible and k == len(run) - 1
            piece = fit_phase(y[moved[k] : moved[k + 1]], replace(ctx, start=moved[k]), last)
            if piece is None:
                break
            refit.append(piece)
        if len(refit) == len(run) and sum(map(wordiness, refit)) < sum(map(wordiness, run)):
            return refit
    return None


def _exclusive(pieces: list[Piece], y: Array, ctx: Context, flexible_end: bool) -> list[Piece]:
    """A ramp that includes its end followed by a constant at that end, written as the plain ramp a step
    shorter and the constant a step longer (``linear(0→0.1, 50) >> 0.1``, not ``linear(0→0.1, 51, inclusive=true) >> 0.1``)."""
    out = list(pieces)
    start = 0
    for i in range(len(out) - 1):
        ramp, held = out[i], out[i + 1]
        if ramp.rival and held.family == "const" and ramp.length > 2 and not ctx.exhausted():
            cut = start + ramp.length - 1
            end = start + ramp.length + held.length
            last = flexible_end and i + 1 == len(out) - 1
            shorter = fit_phase(y[start:cut], replace(ctx, start=start), False)
            longer = fit_phase(y[cut:end], replace(ctx, start=cut), last)
            if shorter is not None and not shorter.rival and longer is not None and longer.family == "const":
                out[i : i + 2] = [shorter, longer]
        start += out[i].length
    return out


def tree(pieces: list[Piece], ctx: Context, flexible_end: bool = True) -> A.Expr:
    """The pieces in sequence (``a >> b >> …``), the last flexible if ``flexible_end``."""
    last = len(pieces) - 1
    return B.seq(*(p.built(ctx, flexible_end and i == last) for i, p in enumerate(pieces)))


def joins(expr: str) -> int:
    """Phases joined in sequence in ``expr`` (``a >> b`` is one), at every depth."""
    from lrdsl.language.parser import as_schedule

    return _joins(as_schedule(expr).expr)


def _joins(tree: A.Node) -> int:
    return sum(len(n.items) - 1 for n in A.walk(tree) if isinstance(n, A.Seq))


def phases_of(expr: str) -> int:
    """Phases joined by ``>>``, a ``piecewise`` counting one per value (it is as many constants)."""
    from lrdsl.language.parser import as_schedule

    tree = as_schedule(expr).expr
    calls = [n for n in A.walk(tree) if isinstance(n, A.Call) and n.name == "piecewise"]
    values = sum(len(v.items) - 1 for c in calls if isinstance(v := c.arg("values"), A.ListExpr))
    return _joins(tree) + 1 + values


def render(pieces: list[Piece], ctx: Context, flexible_end: bool = True) -> str:
    """The text of :func:`tree`."""
    return B.text(tree(pieces, ctx, flexible_end))
