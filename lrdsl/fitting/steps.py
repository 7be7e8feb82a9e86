"""Runs of constant phases written as one phase: ``step``, ``multistep`` or ``piecewise``.

``c₀ (L₀) >> c₀g (L₁) >> c₀g² (L₂) …`` is ``step(c₀, gamma=g, every=L)`` when every run but the last lasts
``L``, or ``step(c₀, gamma=g, every=e)`` with a fractional ``e`` when run ``k`` starts at ``⌈k·e⌉``
(:func:`fractional_period`), else ``multistep(c₀, gamma=g, at=[L₀, L₀+L₁, …])``; constants not falling by one factor are
``piecewise([c₀, c₁, …], at=[L₀, L₀+L₁, …])``. Each is kept only when it reproduces the curve.
"""

from __future__ import annotations

import math
from dataclasses import replace
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from lrdsl.fitting.context import Array, Context
from lrdsl.fitting.piece import Form, Piece, offset_by
from lrdsl.language import build as B
from lrdsl.language.numbers import format_number

MIN_RUN = 3
"""Constant phases merged at least (two constants are as short as a multistep)."""
MIN_FRACTIONAL = 3
"""Drops at least for a fractional ``every`` (fewer read as plainly as a ``multistep``'s marks)."""
DIGITS = 6
"""Digits at most after the point of a fractional period."""
PREFIX = 4096
"""Steps checked first, before a pass over the whole curve (a smooth curve fails there)."""
MAX_DROPS_PER_STEP = 8
"""Drops a staircase makes per step at most (``every`` at least 1/8 step): a bound on the drops listed."""
MAX_PIECEWISE = 8
"""Values of a ``piecewise`` at most (more constants are a curve sampled per epoch, or no schedule)."""


def merge_steps(pieces: list[Piece], y: Array, ctx: Context, flexible_end: bool) -> list[Piece]:
    """``pieces`` with each run of constants written as one phase where one reproduces its span."""
    out: list[Piece] = []
    starts = [0]
    for p in pieces:
        starts.append(starts[-1] + p.length)
    i = 0
    while i < len(pieces):
        merged, j = _run_at(pieces, i, starts, y, ctx, flexible_end)
        out.append(merged if merged is not None else pieces[i])
        i = j + 1 if merged is not None else i + 1
    return out


def _run_at(
    pieces: list[Piece], i: int, starts: list[int], y: Array, ctx: Context, flexible_end: bool
) -> tuple[Piece | None, int]:
    """The one phase for the constants from ``pieces[i]`` on, and the index of the last it covers:
    an ``inverse_time`` staircase, a ``piecewise`` (constants no factor explains), or a step decay."""
    j = i  # the run falling by one factor from i
    if pieces[i].family == "const" and pieces[i].numbers["a"] != 0:
        g = _ratio(pieces, i)
        while g is not None and j + 1 < len(pieces) and _continues(pieces, j, g):
            j += 1
    k = i  # the whole run of constants from i
    while pieces[i].family == "const" and k + 1 < len(pieces) and pieces[k + 1].family == "const":
        k += 1

    end = len(pieces) - 1
    whole = (pieces[i : k + 1], y[starts[i] : starts[k + 1]], ctx, flexible_end and k == end)
    if k > j and k + 1 - i >= MIN_RUN:  # 1/c linear in the run's index: a staircase inverse_time
        merged = _inverse_time(*whole)
        if merged is not None:
            return merged, k
    if MIN_RUN <= k + 1 - i <= MAX_PIECEWISE and k > j and not _geometric_inside(pieces, i, k):
        # constants no factor explains (else a step or multistep where one does): one piecewise
        merged = _piecewise(*whole)
        if merged is not None:
            return merged, k
    if j + 1 - i >= MIN_RUN:
        at = replace(ctx, start=ctx.start + starts[i])  # the run's first step in the curve
        return _merged(pieces[i : j + 1], y[starts[i] : starts[j + 1]], at, flexible_end and j == end), j
    return None, i


def _geometric_inside(pieces: list[Piece], i: int, k: int) -> bool:
    """Whether a run of :data:`MIN_RUN` constants falling by one factor starts in ``pieces[i : k + 1]``."""
    for start in range(i, k + 2 - MIN_RUN):
        g = _ratio(pieces, start)
        if (
            g is not None
            and pieces[start].numbers["a"] != 0
            and all(_continues(pieces, j, g) for j in range(start + 1, start + MIN_RUN - 1))
        ):
            return True
    return False


def _ratio(pieces: list[Piece], i: int) -> float | None:
    if i + 1 >= len(pieces) or pieces[i + 1].family != "const" or pieces[i].numbers["a"] == 0:
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
    for form, ahead in _forms(lengths[:-1], ctx):
        done = Piece("step", form, {"a": a, "g": g}, total, phases=1, offset=ahead).simplified(ctx, y, flexible)
        if done is not None:
            return done
    return None


def _forms(inner: list[int], ctx: Context) -> list[tuple[Form, int]]:
    """The staircase's spellings to try, each with the steps its clock runs ahead (§8.1), the plainest
    first: a ``step`` (every run but the last one period long; or all after a shorter first run, a
    ``step`` on a clock ahead by what that run misses; or a fractional period), then a ``multistep``
    counted from the run's first step, on the run's clock first when its marks read rounder there
    (``multistep(0.1, at=[300, 600]) * offset(50)`` after a warm-up of 50, not ``at=[250, 550]``)."""

    def multistep(marks: list[int], ahead: int) -> tuple[Form, int]:
        times = offset_by(ahead, ctx) if ahead else None
        return Form(
            "multistep", ("a",), named=(("gamma", "g"),), fixed=(("at", _marks(marks, ctx)),), times=times
        ), ahead

    def step(every: B.Quantity, ahead: int) -> tuple[Form, int]:
        times = offset_by(ahead, ctx) if ahead else None
        return Form("step", ("a",), named=(("gamma", "g"),), fixed=(("every", every),), times=times), ahead

    out = [multistep(inner, 0)]
    n = ctx.start
    if n >= 1 and _round(inner, n) > _round(inner, 0):
        out.insert(0, multistep([inner[0] + n, *inner[1:]], n))
    if len(set(inner)) == 1:  # a step, unless the last run is longer and a step would drop once more
        out.insert(0, step(ctx.quantity(inner[0]), 0))
    elif len(inner) >= MIN_FRACTIONAL and len(set(inner[1:])) == 1 and inner[0] < inner[1]:
        e = inner[1]
        out.insert(0, step(ctx.quantity(e), e - inner[0]))
    elif len(inner) >= MIN_FRACTIONAL:
        period = fractional_period(inner)
        if period is not None:  # drops at ⌈k·e⌉ (LANGUAGE.md §9.4): one period, not a mark per drop
            out.insert(0, step(_period(period, ctx), 0))
    return out


def _round(inner: list[int], n: int) -> int:
    """Trailing zeros of the marks after runs of ``inner`` steps counted from ``n`` steps before them."""
    marks = np.cumsum(inner) + n
    return sum(len(str(int(m))) - len(str(int(m)).rstrip("0")) for m in marks)


def fractional_period(lengths: list[int]) -> Fraction | None:
    """The shortest decimal ``e`` whose drops ``⌈k·e⌉`` (LANGUAGE.md §9.4) are the run starts ``m_k`` after
    ``lengths``, or ``None``: ``m_k − 1 < k·e ≤ m_k`` for every ``k``, so ``e`` lies in the intersection of
    ``((m_k − 1)/k, m_k/k]``; of its decimals with the fewest digits after the point, the one of least
    denominator is taken.
    """
    low, high = Fraction(0), Fraction(10**18)
    mark = 0
    for k, n in enumerate(lengths, start=1):
        mark += n
        low, high = max(low, Fraction(mark - 1, k)), min(high, Fraction(mark, k))
    if low >= high:
        return None
    for digits in range(DIGITS + 1):
        scale = 10**digits
        first = math.floor(low * scale) + 1  # the least decimal of these digits above ``low``
        last = min(math.floor(high * scale), first + 20)
        if first <= last:  # the roundest of them: 12.5 rather than 12.4 for drops at 13, 25, 38, 50
            return min((Fraction(n, scale) for n in range(first, last + 1)), key=lambda e: e.denominator)
    return None


def _period(e: Fraction, ctx: Context) -> B.Quantity:
    """``e`` steps (a decimal of at most :data:`DIGITS` places) as a duration: in epochs when that reads
    shorter (``2.4ep`` for 16.8 steps at 7 per epoch)."""
    if ctx.unit or not ctx.spe or ctx.spe <= 1 or not float(ctx.spe).is_integer():
        return ctx.quantity(float(e))
    epochs = e / int(ctx.spe)
    scaled = epochs * 10**DIGITS
    if scaled.denominator == 1 and len(format_number(float(epochs))) <= len(format_number(float(e))):
        return B.Quantity(float(epochs), "ep")
    return ctx.quantity(float(e))


def _marks(lengths: list[int], ctx: Context) -> list[B.Quantity]:
    """``[L₀, L₀+L₁, …]``: where each run but the first starts."""
    at, acc = [], 0
    for n in lengths:
        acc += n
        at.append(ctx.quantity(acc))
    return at


def _piecewise(run: list[Piece], y: Array, ctx: Context, flexible: bool) -> Piece | None:
    names = tuple(f"v{i}" for i in range(len(run)))
    form = Form("piecewise", names, fixed=(("at", _marks([p.length for p in run[:-1]], ctx)),))
    numbers = {n: p.numbers["a"] for n, p in zip(names, run, strict=True)}
    piece = Piece("piecewise", form, numbers, sum(p.length for p in run), phases=1)
    return piece.simplified(ctx, y, flexible)


def _inverse_time(run: list[Piece], y: Array, ctx: Context, flexible: bool) -> Piece | None:
    """``inverse_time(c₀, decay=k, every=L, staircase=true)``: runs of ``L`` steps with ``c₀/cᵢ = 1 + k·i``."""
    inner = [p.length for p in run[:-1]]
    values = [p.numbers["a"] for p in run]
    if len(set(inner)) != 1 or any(v <= 0 for v in values):
        return None
    k = values[0] / values[1] - 1
    if not k > 0 or any(abs(values[0] / v - 1 - k * i) > 1e-6 * (1 + k * i) for i, v in enumerate(values)):
        return None
    form = Form(
        "inverse_time", ("a",), named=(("decay", "k"),), fixed=(("every", ctx.quantity(inner[0])), ("staircase", True))
    )
    return Piece("inverse_time", form, {"a": values[0], "k": k}, len(y), phases=1).simplified(ctx, y, flexible)


def staircase(y: Array, ctx: Context) -> str | None:
    """The whole curve as one step decay ``step(c₀, gamma=g, every=e)``: runs of equal values, each a whole
    power of ``g`` times the one before (two drops at one step when ``e < 1``, or in a log of every k-th
    step), the ``k``-th drop at ``⌈k·e⌉`` (:func:`fractional_period`; a whole ``e`` when the drops are
    evenly spaced). Found from the runs directly, in one pass over the curve, so a staircase of hundreds
    of short runs (``every=2.4``: runs of 2 and 3 steps) is not searched phase by phase; ``None`` unless
    there are :data:`MIN_RUN` runs at least, and a run of two steps or a double drop (steps of one drop
    each are an ``exp_decay`` without a staircase)."""
    drops = _drops(y, ctx)
    if drops is None:
        return None
    marks, g = drops
    gaps = np.diff(np.concatenate([[0], marks])).tolist()
    period = Fraction(gaps[0]) if len(set(gaps)) == 1 else fractional_period(gaps)
    if period is None or period <= 0:
        return None
    form = Form("step", ("a",), named=(("gamma", "g"),), fixed=(("every", _period(period, ctx)),))
    piece = Piece("step", form, {"a": float(y[0]), "g": g}, y.size, phases=1).simplified(ctx, y, True)
    return piece.render(ctx, True) if piece is not None else None


def _steps_first(head: Array, ctx: Context) -> bool:
    """Whether the first steps ``head`` may start a staircase: each change a whole power of the largest
    factor (a quick check on a prefix before the pass over the curve: a smooth curve fails there)."""
    moved = np.abs(np.diff(head)) > ctx.atol + ctx.rtol * np.abs(head[1:])
    starts = np.concatenate([[0], np.flatnonzero(moved) + 1])
    if starts.size < 2:
        return True
    level = head[starts]
    with np.errstate(all="ignore"):
        ratios = level[1:] / level[:-1]
        g = float(np.max(ratios))
        if not (np.min(ratios) > 0 and g < 1):
            return False
        powers = np.log(ratios) / np.log(g)
    if np.all(np.diff(starts) == 1) and np.all(np.round(powers) == 1) and starts.size > MIN_RUN:
        return False  # one drop at every step: an exp_decay without a staircase
    return bool(np.all(np.abs(powers - np.round(powers)) <= 1e-6))


def _drops(y: Array, ctx: Context) -> tuple[npt.NDArray[np.int64], float] | None:
    """The step of each drop by ``g`` (a step repeated for two drops at once) and ``g``, the factor of the
    smallest drop; ``None`` when ``y`` is no such staircase."""
    if y.size < MIN_RUN or not _steps_first(y[:PREFIX], ctx):
        return None
    moved = np.abs(np.diff(y)) > ctx.atol + ctx.rtol * np.abs(y[1:])
    starts = np.flatnonzero(moved) + 1
    if starts.size < MIN_RUN - 1:
        return None
    level = y[np.concatenate([[0], starts])]
    if not (np.all(level != 0) and np.all(np.isfinite(level))):
        return None
    ratios = level[1:] / level[:-1]
    g = float(np.max(ratios))
    if not (np.min(ratios) > 0 and g < 1):
        return None
    powers = np.log(ratios) / np.log(g)
    if not np.sum(powers) <= MAX_DROPS_PER_STEP * y.size:
        return None
    counts = np.round(powers).astype(np.int64)
    runs = np.diff(np.concatenate([[0], starts, [y.size]]))
    one_by_one = bool(np.all(runs[:-1] == 1) and np.all(counts == 1))  # an exp_decay, not a staircase
    if one_by_one or np.any(np.abs(powers - counts) > 1e-6):
        return None
    if not ctx.close(np.repeat(level, runs), y):
        return None
    return np.repeat(starts, counts), g
