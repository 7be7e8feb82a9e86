"""The numpy interpreter of the lowered IR: every step at once, in float64.

Each piece of a :class:`~lrdsl.ir.Seq` is evaluated only on its own slice of
steps; cycle and phase membership is decided on whole steps with exact
boundaries (restart starts are exact rationals), so nothing drifts at 1e9 steps.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import operator
import sys
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from lrdsl import ir
from lrdsl.errors import LrdslError, Span
from lrdsl.ir import libm

Array = npt.NDArray[np.float64]
MAX_RECUR = ir.MAX_RECUR
"""Lowering refuses more intervals (ir.recur_overrun); checked again here before building a table."""


class _Functions(dict[str, Callable[..., Any]]):
    """The math functions over arrays, each with the C library's bits (:mod:`lrdsl.ir.libm`), looked
    up at first use (choosing how costs a probe of each function)."""

    def __missing__(self, name: str) -> Callable[..., Any]:
        self[name] = function = libm.array(name)
        return function


_FN: dict[str, Callable[..., Any]] = _Functions(neg=np.negative)


def _power(a: Any, b: Any, out: Array | None = None) -> Any:
    """``a ** b``: C's ``pow`` (as generated code) on two scalars, numpy's ``power`` over arrays
    (within an ulp of C's: docs/codegen.md)."""
    if out is None and np.ndim(a) == 0 and np.ndim(b) == 0:
        return libm.power(float(a), float(b))
    return np.power(a, b) if out is None else np.power(a, b, out=out)


_BIN: dict[str, Callable[..., Any]] = {op: getattr(np, name) for op, name in ir.OPERATORS.items()} | {"**": _power}
MAX_DECAY_TABLE = 1 << 16
"""Up to this many restart cycles have their decay factors computed once each, with C's ``pow``."""


def _decay(decay: float, cycle: Any) -> Any:
    """``decay ** cycle`` for whole cycle indices (≥ 0, ints or floats): C's ``pow`` (:meth:`ir.Cycles.factor`,
    as generated code), once per cycle from ``min(cycle)`` up to where the power is 0 or infinite;
    numpy's ``power`` beyond :data:`MAX_DECAY_TABLE` such cycles (an ulp from C's: docs/codegen.md)."""
    index = np.asarray(cycle).astype(np.intp, copy=False)
    if not index.size:
        return np.ones(index.shape)
    lo, hi = int(index.min()), int(index.max())
    hi = max(lo, min(hi, _decay_settles(decay)))
    if hi - lo >= MAX_DECAY_TABLE:
        return np.power(decay, cycle)
    table = np.array([libm.power(decay, float(k)) for k in range(lo, hi + 1)])
    return table[np.minimum(index, hi) - lo if lo else np.minimum(index, hi)]


def _decay_settles(decay: float) -> int:
    """A cycle from which on ``decayⁱ`` stays ``0.0`` (below 2⁻¹⁰⁷⁵) or ``inf`` (from 2¹⁰²⁴); a huge number
    where it never settles (``decay`` ≤ 0 or 1)."""
    if decay <= 0.0 or decay == 1.0 or not math.isfinite(decay):
        return sys.maxsize
    return math.ceil(abs((1075 if decay < 1 else 1024) * math.log(2.0) / math.log(decay))) + 2


def evaluate_ir(node: ir.Sched, steps: npt.ArrayLike) -> Array:
    """``lr(t)`` for each whole step ``t`` in ``steps`` (any order, each ≥ 0)."""
    t = np.asarray(steps, dtype=np.float64)
    ordered = bool(t.size < 2 or np.all(t[1:] >= t[:-1]))
    return _checked(node, t, ordered)


def evaluate_range(node: ir.Sched, start: int, stop: int) -> Array:
    """``lr(t)`` for ``t = start … stop−1`` (no order check, no integer copy).

    Where every step is read before its value is written (:func:`_in_place`), the values are
    written over the steps themselves: one array of the run's length, not two (a refusal is
    computed again apart, for a message that reads the steps).
    """
    if _in_place(node):
        steps = np.arange(start, stop, dtype=np.float64)
        try:
            return _checked(node, steps, WHOLE, out=steps)
        except LrdslError:
            pass
    return _checked(node, np.arange(start, stop, dtype=np.float64), WHOLE)


def _in_place(node: ir.Sched) -> bool:
    """Ordered evaluation of ``node`` may write its output over its steps: each step is read (by
    the formulas, by slicing and by the time frames) before the value at that step is written."""
    return _all_below(node, lambda n: isinstance(n, ir.Formula) and ir.reads(n.expr, "u") > 1)


def value_at(node: ir.Sched, u: float) -> float:
    """The value of ``node`` at local time ``u``."""
    return float(_checked(node, np.array([u], dtype=np.float64), True)[0])


WHOLE = 2
"""``ordered`` for sorted times that are also whole numbers (a run's steps, sliced, not yet shifted):
``u − shift`` is then exact for a whole ``shift`` below 2³¹, so shifts may be merged."""


def _checked(node: ir.Sched, u: Array, ordered: int, out: Array | None = None) -> Array:
    """``node`` over ``u`` (into ``out``); a NaN or infinity becomes an :class:`LrdslError` naming the phase."""
    out = np.empty(u.shape, dtype=np.float64) if out is None else out
    with np.errstate(all="ignore"):
        try:
            _run(node, u, ordered, out)
            if not _checked_within(node) and not _finite(out):
                raise _NotFinite(None, "the schedule", out, u)
        except _NotFinite as bad:
            raise LrdslError(
                f"{bad.what} is {bad.value} at its local step {bad.where:g}",
                span=Span(*bad.origin) if bad.origin else None,
                hint="check for division by zero, log of 0 or overflow",
            ) from None
    return out


def arith(e: ir.Arith, env: dict[str, Any]) -> Any:
    """The value of IR arithmetic ``e`` with variables from ``env`` (arrays or floats), IEEE's: ``1/0`` is inf
    without numpy's warning (the callers refuse what is not finite, with the phase named)."""
    with np.errstate(all="ignore"):
        return _arith(e, env)[0]


def _fresh(env: dict[str, Any], like: Any) -> Any:
    """The caller's output buffer for the first new array of this shape (then ``None``)."""
    scratch = env.get("_out")
    if scratch is not None and isinstance(like, np.ndarray) and like.shape == scratch.shape:
        env["_out"] = None
        return scratch
    return None


class _NotFinite(Exception):
    """A NaN or infinity, at local step ``where`` of the node that produced it."""

    def __init__(self, origin: tuple[int, int] | None, what: str, values: Array, u: Array) -> None:
        self.origin, self.what = origin, what
        index = int(np.flatnonzero(~np.isfinite(values))[0])
        self.value = float(values.flat[index])
        self.where = float(np.broadcast_to(u, values.shape).flat[index])


def _checked_within(node: ir.Sched) -> bool:
    """Every value of ``node`` is a value its formulas (or ``recur`` tables) checked already as
    finite, unscaled and uncombined: the schedule needs no pass of its own to check them again."""
    return _all_below(node, lambda n: isinstance(n, (ir.Cycles, ir.Unrolled)) and n.decay != 1.0)


def _all_below(node: ir.Sched, refused: Callable[[ir.Sched], bool]) -> bool:
    """No node under ``node`` is a combination or ``refused(n)``; a formula or ``recur`` ends a path.

    Iterative (a stack, not recursion): the deepest trees stay within the walkers' frame budget.
    """
    stack = [node]
    while stack:
        n = stack.pop()
        if refused(n):
            return False
        if isinstance(n, (ir.Formula, ir.Recur)):
            continue
        if isinstance(n, ir.Seq):
            stack.extend(n.parts)
        elif isinstance(n, (ir.Clamp, ir.Cycles, ir.Unrolled, ir.Offset, ir.Quantize)):
            stack.append(n.body)
        else:
            return False  # a combination (min of inf and 1 is 1, inf − inf is NaN; it reads u per part)
    return True


BOUNDED = 1 << 16
"""Sorted local times at least this many are checked by interval bounds before a pass over the values."""


def _bounded(e: ir.Arith, u: Array, ordered: int, shift: float) -> bool:
    """Interval bounds prove ``e`` finite over sorted local times ``u − shift`` (then its values need
    no pass to check them: the bound costs microseconds, a pass over 10⁷ values milliseconds)."""
    if not ordered or u.size < BOUNDED:
        return False
    from lrdsl.ir import ranges

    return ranges.finite(ranges.arith(e, (float(u[0]) - shift, float(u[-1]) - shift)))


def _reads_once(node: ir.Sched) -> bool:
    """``node`` is a formula (under clamps) that reads its time at most once: its time may be
    computed in its output buffer, which the formula's first operation then overwrites."""
    while isinstance(node, ir.Clamp):
        node = node.body
    return isinstance(node, ir.Formula) and ir.reads(node.expr, "u") <= 1


def _finite(values: Array) -> bool:
    """Every value is finite (one summing pass; the exact check only when the sum is not)."""
    return math.isfinite(float(np.add.reduce(values, axis=None))) or bool(np.isfinite(values).all())


MAX_SLICED_CYCLES = 512
"""Ordered steps through more cycles than this are never evaluated one slice per cycle."""
MIN_SLICE = 4096
"""Ordered steps are sliced per cycle only where the cycles average at least this many steps:
below it the Python cost of a slice outweighs the passes of one fold over the whole range."""
BLOCK = 1 << 16
"""Steps a folded restart's body is evaluated over at once (elementwise: the values do not depend on it)."""


def _cycles_sliced(
    node: ir.Cycles, clock: ir.CycleClock, cycles: range, u: Array, out: Array, shift: float, ordered: int = True
) -> None:
    """One slice per cycle of sorted ``u``: edges found by bisection, decided by the clock's exact rule."""
    edges = [0, *(_cycle_edge(clock, i, u, shift) for i in cycles[1:]), u.size]
    for k, i in enumerate(cycles):
        a, b = edges[k], edges[k + 1]
        if b <= a:
            continue
        start = clock.start(i)
        if i == 0 or (node.mult == 1 and node.period.denominator == 1 and _merges(shift, start)):
            _run(node.body, u[a:b], ordered, out[a:b], shift + start)  # shifted lazily: exact here
        else:
            # As the printers compute it: the frame's time first, then the cycle's exact start. In
            # the output's slice where the body reads its time once (no fresh array, no page faults).
            local = out[a:b] if _reads_once(node.body) else np.empty(b - a)
            if node.mult != 1:
                if shift and not (ordered == WHOLE and _merges(shift) and _exact_sum(shift, start)):
                    np.subtract(u[a:b], shift, out=local)
                    local -= start
                else:  # whole steps and a whole shift: u − shift is exact, so one subtraction is the same
                    np.subtract(u[a:b], shift + start, out=local)
                if local[0] < 0:  # sorted: only a rounded head can fall below the start, never the rest
                    local[: np.searchsorted(local, 0.0)] = 0.0
                if not _run_stretched(node.body, clock.stretch(i), local, out[a:b]):
                    if np.shares_memory(local, u):  # it wrote over the steps: evaluate_range runs apart
                        raise _NotFinite(None, "the schedule", out[a:b], local)
                    np.subtract(u[a:b], shift, out=local)
                    local -= start
                    np.maximum(local, 0.0, out=local)
                    local /= clock.stretch(i)
                    _run(node.body, local, True, out[a:b])
            else:
                np.subtract(u[a:b], shift, out=local)
                _run(node.body, clock.since_each(local, i), True, out[a:b])
        if node.decay != 1.0 and i:
            out[a:b] *= node.factor(i)


def _run_stretched(body: ir.Sched, stretch: float, local: Array, out: Array) -> bool:
    """``body`` at times ``local / stretch`` into ``out`` without dividing (:func:`_stretched`);
    ``False`` where that cannot be done, or where a value is not finite (the caller then runs
    the division and the body as they are, for the message naming the body's own local time)."""
    stretched = _stretched(body, stretch)
    if stretched is None:
        local /= stretch
        _run(body, local, True, out)
        return True
    try:
        _run(stretched, local, True, out)
    except _NotFinite:
        return False
    return True


@functools.lru_cache(maxsize=256)
def _stretched(body: ir.Sched, stretch: float) -> ir.Sched | None:
    """``body`` at time ``x / stretch``, as a node of time ``x``, where that is exact: ``stretch`` a
    power of two, ``body`` a formula (under a clamp) that reads ``u`` once, as ``u * c`` or
    ``c * u``. Then ``(x / 2ⁱ)·c`` and ``x·(c / 2ⁱ)`` are the same float64 (one rounding of the
    same exact product) and the clamp's ``hi·2ⁱ`` is exact: a pass over the cycle saved."""
    if math.frexp(stretch)[0] != 0.5:
        return None
    hi = None
    if isinstance(body, ir.Clamp):
        hi, body = body.hi, body.body
    if not isinstance(body, ir.Formula) or ir.reads(body.expr, "u") != 1:
        return None
    expr = _scaled_product(body.expr, stretch)
    if expr is None:
        return None
    formula = dataclasses.replace(body, expr=expr)
    return formula if hi is None else ir.Clamp(hi=hi * stretch, body=formula)


def _scaled_product(e: ir.Arith, stretch: float) -> ir.Arith | None:
    """``e`` with its one ``u * c`` (or ``c * u``) made ``u * (c / stretch)``; ``None`` where ``u`` is read otherwise."""
    if isinstance(e, ir.Bin):
        if e.op == "*":
            for x, c in ((e.a, e.b), (e.b, e.a)):
                if isinstance(x, ir.Var) and x.name == "u" and isinstance(c, ir.Const):
                    scaled = c.value / stretch
                    if not (abs(scaled) >= 2.2250738585072014e-308 and math.isfinite(scaled)):
                        return None  # a subnormal or infinite constant would not be exact
                    return ir.Bin("*", x, ir.Const(scaled)) if x is e.a else ir.Bin("*", ir.Const(scaled), x)
        if ir.reads(e.a, "u"):
            inner = _scaled_product(e.a, stretch)
            return None if inner is None else ir.Bin(e.op, inner, e.b)
        inner = _scaled_product(e.b, stretch)
        return None if inner is None else ir.Bin(e.op, e.a, inner)
    if isinstance(e, ir.Fn):
        inner = _scaled_product(e.arg, stretch)
        return None if inner is None else dataclasses.replace(e, arg=inner)
    return None


def _mod_exact(node: ir.Cycles, shift: float) -> bool:
    """``mult = 1``: ``(u − shift) mod P`` (:func:`_mod`) is the local time every other path computes, bit for bit.

    True for a whole period and a whole ``shift ≥ 0`` (each path then subtracts whole numbers from
    ``u ≥ shift`` below 2**52: exact, so one subtraction or two, ``fmod`` or ``u − i·P`` agree).
    """
    return node.period.denominator == 1 and shift >= 0 and float(shift).is_integer()


def _cycles_folded(node: ir.Cycles, clock: ir.CycleClock, lo: int, hi: int, u: Array, out: Array, shift: float) -> None:
    """Sorted ``u`` through cycles ``lo … hi`` in one vectorised pass, cycle by cycle in effect.

    The first index of each cycle comes from a bisection of the cycles' starts, corrected by the
    clock's exact rule (:meth:`~lrdsl.ir.CycleClock.indices`): O(cycles), not O(steps). Then, for
    ``mult = 1``, the local time is ``(u − shift) mod P`` (exact: see :func:`_mod_exact`); else
    ``max(u − shift − start_i, 0)/stretch_i`` with the clock's starts and stretches repeated over
    each cycle's steps. Values equal, bit for bit, those of one slice per cycle (up to
    ``MAX_SLICED_CYCLES`` cycles: the clock's scalar starts, stretches and ``decayⁱ``) or of
    :func:`_cycles_gathered` (beyond: its array forms, which may differ from libm in the last bit
    past the exactly tabled cycles).
    """
    last = node.count - 1
    x = u - shift if shift else u
    cycles = np.arange(lo, hi + 1, dtype=np.int64)
    if node.mult == 1:
        edges = np.searchsorted(x, (cycles[1:] * node.period.numerator).astype(np.float64), side="left")
    else:
        edges = _fold_edges(clock, cycles[1:], x, last)
    bounds = np.concatenate(([0], edges, [x.size]))
    counts = np.diff(bounds)
    many = hi - lo >= MAX_SLICED_CYCLES  # where whole arrays were always gathered: the clock's array forms
    if node.mult == 1:
        _folded_mod(node, x, out, int(bounds[-2]) if hi == last else x.size)
    else:
        # the local times: over u − shift (fresh), else a block's scratch (the steps stay for messages)
        _folded_stretched(node, clock, cycles, bounds, x, x if shift else None, out, many)
    if node.decay != 1.0:
        factors = _decay(node.decay, cycles) if many else np.array([node.factor(i) for i in range(lo, hi + 1)])
        out *= np.repeat(factors, counts)


def _folded_mod(node: ir.Cycles, x: Array, out: Array, head: int) -> None:
    """``mult = 1``, a whole period ``P``: the body at ``x mod P`` before ``head`` (whole cycles), and
    at ``x − last·P`` from there on (the last cycle runs on past ``P``)."""
    p = float(node.period.numerator)
    body: ir.Sched = node.body
    if isinstance(body, ir.Clamp) and body.hi >= p:
        body = body.body  # every local time of a whole cycle is below P: the clamp holds nothing
    if head:
        _run(body, _mod(x[:head], p), False, out[:head])
    if head < x.size:
        _run(node.body, x[head:] - (node.count - 1) * p, True, out[head:])


def _folded_stretched(
    node: ir.Cycles,
    clock: ir.CycleClock,
    cycles: npt.NDArray[np.int64],
    bounds: Any,
    x: Array,
    local: Array | None,
    out: Array,
    many: bool,
) -> None:
    """``mult ≠ 1``: the body at ``max(x − start_i, 0)/stretch_i`` (:meth:`~lrdsl.ir.CycleClock.since`),
    the local times written into ``local`` (``x`` itself where it may be overwritten, else one block's
    scratch); cycle ``cycles[k]`` holds ``x[bounds[k]:bounds[k+1]]``. A block of :data:`BLOCK` steps at
    a time, local times and body together, so that its temporaries stay in cache (every operation is
    elementwise: the same values)."""
    if many:
        starts, stretches = clock.starts(cycles), clock.stretches(cycles)
    else:
        starts = np.array([clock.start(int(i)) for i in cycles])
        stretches = np.array([clock.stretch(int(i)) for i in cycles])
    body, hi = node.body, None
    if isinstance(body, ir.Clamp):  # the clamp a cycle's body starts with, applied in place
        hi = body.hi
        body = body.body
    edges = np.asarray(bounds)
    buffer: Array = np.empty(min(BLOCK, x.size)) if local is None else local
    for a in range(0, x.size, BLOCK):
        b = min(a + BLOCK, x.size)
        first = int(np.searchsorted(edges, a, side="right")) - 1  # the cycle holding step a …
        last = int(np.searchsorted(edges, b, side="left"))  # … to the last one starting before b
        times = buffer[: b - a] if local is None else buffer[a:b]
        _local_times(
            x[a:b], times, np.clip(edges[first : last + 1] - a, 0, b - a), starts[first:last], stretches[first:last]
        )
        if hi is not None:
            np.minimum(times, hi, out=times)
        _run(body, times, False, out[a:b])


def _local_times(x: Array, local: Array, edges: Any, starts: Array, stretches: Array) -> None:
    """``max(x − start_k, 0)/stretch_k`` into ``local`` over each cycle's sorted steps ``x[edges[k]:edges[k+1]]``."""
    if x.size >= MIN_SLICE // 16 * starts.size:  # long enough cycles: shift and scale each in place
        for k in range(starts.size):
            piece = local[edges[k] : edges[k + 1]]
            np.subtract(x[edges[k] : edges[k + 1]], starts[k], out=piece)
            if piece.size and piece[0] < 0:  # sorted: only a rounded head can fall below the start
                piece[: np.searchsorted(piece, 0.0)] = 0.0
            piece /= stretches[k]
    else:
        counts = np.diff(edges)
        np.subtract(x, np.repeat(starts, counts), out=local)
        np.maximum(local, 0.0, out=local)
        local /= np.repeat(stretches, counts)


def _mod(x: Array, p: float) -> Array:
    """``x mod p`` for ``0 ≤ x < 2**52`` and a whole ``p``, exactly (the value of ``np.mod``, at a fraction of its cost).

    ``⌊x/p⌋`` of the rounded quotient is the true one here: below 2**52 a quotient just under a whole
    number ``k`` lies more than half an ulp of ``k`` below it, so it never rounds up to ``k``. Then
    ``x − k·p`` is exact (``k·p`` is a whole number below 2**53 and the difference is representable).
    """
    k = np.divide(x, p)
    np.floor(k, out=k)
    k *= p
    return np.subtract(x, k, out=k)


def _fold_edges(clock: ir.CycleClock, cycles: npt.NDArray[np.int64], x: Array, last: int) -> npt.NDArray[np.int64]:
    """For each cycle ``i`` in ``cycles``: the first index of sorted ``x`` that has reached it."""
    k = np.searchsorted(x, clock.starts(cycles), side="left")
    n = x.size
    for _ in range(64):  # a start is off by an ulp at most: one step either way, the loop only guards
        prev = np.maximum(k - 1, 0)
        back = (k > 0) & (clock.indices(x[prev], last) >= cycles)
        k -= back
        here = np.minimum(k, n - 1)
        ahead = (k < n) & (clock.indices(x[here], last) < cycles)
        k += ahead
        if not (back.any() or ahead.any()):
            break
    return k


def _cycle_edge(clock: ir.CycleClock, i: int, u: Array, shift: float) -> int:
    """In sorted ``u``: the first index whose ``u − shift`` has reached cycle ``i``."""
    k = int(np.searchsorted(u, clock.start(i) + shift, side="left"))
    while k > 0 and clock.reached(i, float(u[k - 1]) - shift):
        k -= 1
    while k < u.size and not clock.reached(i, float(u[k]) - shift):
        k += 1
    return k


def _cycles_gathered(node: ir.Cycles, clock: ir.CycleClock, u: Array, out: Array) -> None:
    """Times in any order: each one's cycle, then the clock's local time (:meth:`~lrdsl.ir.CycleClock.since_each`)."""
    last = node.count - 1
    if node.mult == 1:
        a, b = node.period.numerator, node.period.denominator
        scaled = u * b  # exact for whole steps below 2**53 / b
        i = np.minimum(np.floor_divide(scaled, a), last)
        if b > 1 and not _whole_below(scaled, a):  # the float quotient may fall on the wrong side of a start
            near = np.abs(scaled - np.rint(scaled / a) * a) <= 1e-9 * np.maximum(np.abs(scaled), a)
            for k in np.flatnonzero(near):
                i[k] = clock.index(float(u[k]), last)
        cycle = i.astype(np.int64)
    else:
        cycle = clock.indices(np.maximum(u, 0.0), last)
    _run(node.body, clock.since_each(u, cycle), False, out)
    if node.decay != 1.0:
        out *= _decay(node.decay, cycle)


def _whole_below(scaled: Array, a: int) -> bool:
    """Every value is a whole number, and it and ``a`` are below 2**53: then ``floor_divide(scaled, a)``
    is exact (``fmod``, the difference and the quotient of whole numbers are), and decides each cycle."""
    if a >= 2**53 or not scaled.size:
        return False
    return float(np.max(np.abs(scaled))) < 2.0**53 and bool(np.all(np.floor(scaled) == scaled))


def _floor_div_scalar(x: float, c: Fraction) -> float:
    """``⌊x/c⌋`` exactly (:func:`lrdsl.ir.floor_div`); numpy's ``floor_divide`` for inf and NaN."""
    x = float(x)
    return float(ir.floor_div(x, c)) if math.isfinite(x) else float(np.floor_divide(x, float(c)))


def recur_table(node: ir.Recur) -> Array:
    """Values of interval ``k = 0 … ⌊hi/every⌋``: ``expr`` applied ``k+1`` times to ``init``."""
    overrun = ir.recur_overrun(node.hi, float(node.every), MAX_RECUR)
    if overrun:
        raise LrdslError(overrun[0], span=Span(*node.origin) if node.origin else None, hint=overrun[1])
    return _iterates(node.expr, node.init).first(ir.recur_intervals(node), node.origin)


@functools.lru_cache(maxsize=64)
def _iterates(expr: ir.Arith, init: float) -> _Iterates:
    """The iterates of one recurrence, shared by every node that runs it (lowering's points and
    the run itself cut the same ``recur`` at different ends: it is iterated once)."""
    return _Iterates(expr, init)


class _Iterates:
    """``expr`` applied to ``init`` again and again, kept as far as it was asked for."""

    def __init__(self, expr: ir.Arith, init: float) -> None:
        self.step = _RecurStep().walk(expr)
        self.values: Array = np.empty(0)
        self.last = init
        self.failed: int | None = None
        """The first iterate that is not finite, once met."""

    def first(self, count: int, origin: tuple[int, int] | None) -> Array:
        """The first ``count`` iterates (a read-only view), or the error at the first that is not finite."""
        done = self.values.size
        if count > done:
            if self.failed is None or self.failed >= count:
                values = np.empty(count)
                values[:done] = self.values
                value, step = self.last, self.step
                with np.errstate(all="ignore"):
                    for k in range(done, count):
                        value = float(step(value))
                        if not math.isfinite(value):
                            self.failed = k
                            break
                        values[k] = value
                    else:
                        values.flags.writeable = False
                        self.values, self.last = values, value
            if self.failed is not None and self.failed < count:
                raise LrdslError(
                    f"recur() is not finite after {self.failed + 1} iterations",
                    span=Span(*origin) if origin else None,
                )
        return self.values[:count]


Step = Callable[[float], Any]


def _minimum(a: float, b: float) -> float:
    return a if a <= b or a != a else b  # numpy's minimum: NaN wins


def _maximum(a: float, b: float) -> float:
    return a if a >= b or a != a else b


def _divide(a: float, b: float) -> Any:
    return a / b if b else np.divide(a, b)  # x/0 is ±inf or NaN, as numpy's


_SCALAR_BIN: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": _divide, "min": _minimum, "max": _maximum,
    "**": libm.power,
}  # fmt: skip
"""Operations on float64 scalars whose Python form is numpy's bit for bit (IEEE); the rest call numpy."""


class _RecurStep(ir.Walker):
    """A ``recur`` expression as a function of the previous value ``lr``, for the table's loop.

    The same float64 arithmetic as :func:`arith` (Python's ``+ − · /`` are IEEE, as numpy's;
    functions and powers are numpy's own), without a walk per interval: a table of 10⁶ intervals
    is built in a fraction of a second instead of seconds.
    """

    WALKS = ("arith",)

    def _const(self, e: ir.Const) -> Step:
        value = e.value
        return lambda lr: value

    def _var(self, e: ir.Var) -> Step:
        if e.name != "lr":
            raise LrdslError(f"the formula reads '{e.name}', which is not defined here")
        return lambda lr: lr

    def _param(self, e: ir.Param) -> Step:
        raise LrdslError(f"${e.name} is not bound", hint="give its value (API params=, CLI --set)")

    def _bin(self, e: ir.Bin) -> Step:
        a, b = self.walk(e.a), self.walk(e.b)
        fn = _SCALAR_BIN.get(e.op, _BIN[e.op])
        return lambda lr: fn(a(lr), b(lr))

    def _fn(self, e: ir.Fn) -> Step:
        x, fn = self.walk(e.arg), (np.negative if e.name == "neg" else libm.scalar(e.name))
        return lambda lr: fn(x(lr))

    def _floor_div(self, e: ir.FloorDiv) -> Step:
        x, c = self.walk(e.x), e.c
        return lambda lr: _floor_div_scalar(x(lr), c)

    def _ceil_div(self, e: ir.CeilDiv) -> Step:
        x, c = self.walk(e.x), e.c
        return lambda lr: -_floor_div_scalar(-x(lr), c)

    def _count(self, e: ir.Count) -> Step:
        x, marks = self.walk(e.x), np.array([ir.least_float(m) for m in e.thresholds])
        return lambda lr: float(np.searchsorted(marks, x(lr), side="right"))


class _Interpreter(ir.Walker):
    """Every IR node over an array of local times, written into ``out``; arithmetic as arrays."""

    WALKS = ("sched", "arith")

    def _formula(self, node: ir.Formula, u: Array, ordered: int, out: Array, shift: float = 0.0) -> None:
        bounded = _bounded(node.expr, u, ordered, shift)  # before u (which may be out) is overwritten
        steps = u
        if shift:
            u = np.subtract(u, shift, out=out)  # out holds the local time, then (read once) the result
            once = ir.reads(node.expr, "u") <= 1  # else u cannot double as the scratch buffer
            value = _arith(node.expr, {"u": u if once else u.copy(), "_u_owned": once})[0]  # under _checked's errstate
        else:
            value = _arith(node.expr, {"u": u, "_out": out})[0]
        if value is not out:
            out[...] = value
        if not bounded and not _finite(out):  # the local times again: out held them (evaluate_range
            # runs apart where the steps themselves were written over)
            raise _NotFinite(node.origin, node.label or "the schedule", out, steps - shift if shift else u)

    def _clamp(self, node: ir.Clamp, u: Array, ordered: int, out: Array, shift: float = 0.0) -> None:
        if not ordered:
            self.walk(node.body, np.minimum(u - shift, node.hi), False, out)
            return
        cut = _edge(u, node.hi, shift, side="left")  # from hi on, every step takes the held value
        self.walk(node.body, u[:cut], ordered, out[:cut], shift)
        if cut < u.size:
            tail = np.empty(1)
            self.walk(node.body, np.array([node.hi]), True, tail)
            out[cut:] = tail[0]

    def _seq(self, node: ir.Seq, u: Array, ordered: int, out: Array, shift: float = 0.0) -> None:
        breaks = np.asarray(node.breaks)
        if ordered and shift and not _merges(shift, *node.breaks[1:]):
            u, shift, ordered = u - shift, 0.0, True  # a piece's local time is (u − shift) − break, as the code's
        if ordered:
            bounds = [0, *(_edge(u, b, shift, side="left") for b in node.breaks[1:]), u.size]
            for j, part in enumerate(node.parts):
                a, b = bounds[j], bounds[j + 1]
                if b > a:
                    self.walk(part, u[a:b], ordered, out[a:b], shift + node.breaks[j])
            return
        u = u - shift if shift else u
        piece = np.searchsorted(breaks, u, side="right") - 1
        np.maximum(piece, 0, out=piece)
        for j, part in enumerate(node.parts):
            sel = np.flatnonzero(piece == j)
            if sel.size:
                buf = np.empty(sel.size)
                self.walk(part, u[sel] - breaks[j], False, buf)
                out[sel] = buf

    def _combine(self, node: ir.Combine, u: Array, ordered: int, out: Array, shift: float = 0.0) -> None:
        u = u - shift if shift else u
        self.walk(node.parts[0], u, ordered, out)
        buf = np.empty(u.shape)
        for part in node.parts[1:]:
            self.walk(part, u, ordered, buf)
            _BIN[node.op](out, buf, out=out)
        if not _finite(out):
            raise _NotFinite(node.origin, "a quotient" if node.op == "/" else f"the {node.op} of its parts", out, u)

    def _cycles(self, node: ir.Cycles, u: Array, ordered: int, out: Array, shift: float = 0.0) -> None:
        clock = ir.cycle_clock(node.period, node.mult)
        last = node.count - 1
        if ordered and u.size:
            first, final = float(u[0]) - shift, float(u[-1]) - shift
            lo, hi = clock.index(first, last), clock.index(final, last)
            cycles = hi - lo + 1
            if cycles <= MAX_SLICED_CYCLES and (cycles == 1 or u.size >= cycles * MIN_SLICE):
                _cycles_sliced(node, clock, range(lo, hi + 1), u, out, shift, ordered)
                return
            # the fold costs O(cycles + steps): never for a few steps spread over many cycles
            if cycles <= u.size and first >= 0 and final < 2.0**52 and (node.mult != 1 or _mod_exact(node, shift)):
                _cycles_folded(node, clock, lo, hi, u, out, shift)
                return
            if cycles <= MAX_SLICED_CYCLES:
                _cycles_sliced(node, clock, range(lo, hi + 1), u, out, shift, ordered)
                return
        _cycles_gathered(node, clock, u - shift if shift else u, out)

    def _unrolled(self, node: ir.Unrolled, u: Array, ordered: int, out: Array, shift: float = 0.0) -> None:
        # Its pieces are the clock's cycles (ir.restart): the restart's own passes give their values.
        self._cycles(node.cycles(), u, ordered, out, shift)

    def _quantize(self, node: ir.Quantize, u: Array, ordered: int, out: Array, shift: float = 0.0) -> None:
        k = ir.floor_divs(u - shift if shift else u, node.q)
        p, q = float(node.q.numerator), float(node.q.denominator)  # k·q rounded once (exact below 2**53)
        uq = np.minimum((k + 1) * p / q, node.hi) if node.at_end else k * p / q
        self.walk(node.body, uq, ordered, out)

    def _offset(self, node: ir.Offset, u: Array, ordered: int, out: Array, shift: float = 0.0) -> None:
        if not ordered:
            self.walk(node.body, np.minimum(u - shift, node.hi) + node.n, False, out)
            return
        cut = _edge(u, node.hi, shift, side="left")  # from hi on, every step takes the held value
        if _merges(shift, -node.n):
            self.walk(node.body, u[:cut], ordered, out[:cut], shift - node.n)
        else:  # (u − shift) + n, as generated code computes it
            self.walk(node.body, u[:cut] - shift if shift else u[:cut], True, out[:cut], -node.n)
        if cut < u.size:
            tail = np.empty(1)
            self.walk(node.body, np.array([node.hi + node.n]), True, tail)
            out[cut:] = tail[0]

    def _recur(self, node: ir.Recur, u: Array, ordered: int, out: Array, shift: float = 0.0) -> None:
        k = ir.floor_divs(np.minimum(u - shift, node.hi), node.every).astype(np.int64)
        np.take(recur_table(node), k, out=out)

    # -- arithmetic: (value, owned); owned arrays are temporaries that may be overwritten in place
    def _const(self, e: ir.Const, env: dict[str, Any]) -> tuple[Any, bool]:
        return e.value, False

    def _var(self, e: ir.Var, env: dict[str, Any]) -> tuple[Any, bool]:
        if e.name not in env:
            raise LrdslError(f"the formula reads '{e.name}', which is not defined here")
        return env[e.name], e.name == "u" and env.get("_u_owned", False)

    def _param(self, e: ir.Param, env: dict[str, Any]) -> tuple[Any, bool]:
        raise LrdslError(f"${e.name} is not bound", hint="give its value (API params=, CLI --set)")

    def _bin(self, e: ir.Bin, env: dict[str, Any]) -> tuple[Any, bool]:
        (a, own_a), (b, own_b) = self.walk(e.a, env), self.walk(e.b, env)
        fn = _BIN[e.op]
        if own_a and isinstance(a, np.ndarray) and np.ndim(b) <= a.ndim:
            return fn(a, b, out=a), True
        if own_b and isinstance(b, np.ndarray) and np.ndim(a) <= b.ndim:
            return fn(a, b, out=b), True
        buf = _fresh(env, a if isinstance(a, np.ndarray) else b)
        value = fn(a, b) if buf is None else fn(a, b, out=buf)
        return value, isinstance(value, np.ndarray)

    def _fn(self, e: ir.Fn, env: dict[str, Any]) -> tuple[Any, bool]:
        x, own = self.walk(e.arg, env)
        function = _FN[e.name]
        if own and isinstance(x, np.ndarray):
            return function(x, out=x), True
        buf = _fresh(env, x)
        value = function(x) if buf is None else function(x, out=buf)
        return value, isinstance(value, np.ndarray)

    def _floor_div(self, e: ir.FloorDiv, env: dict[str, Any]) -> tuple[Any, bool]:
        return ir.floor_divs(np.asarray(_arith(e.x, env)[0], dtype=np.float64), e.c), True

    def _ceil_div(self, e: ir.CeilDiv, env: dict[str, Any]) -> tuple[Any, bool]:
        return -ir.floor_divs(-np.asarray(_arith(e.x, env)[0], dtype=np.float64), e.c), True

    def _count(self, e: ir.Count, env: dict[str, Any]) -> tuple[Any, bool]:
        marks = np.array([ir.least_float(m) for m in e.thresholds])  # x ≥ least_float(m) ⟺ x ≥ m
        found = np.searchsorted(marks, self.walk(e.x, env)[0], side="right")
        return found.astype(np.float64), True


_INTERPRETER = _Interpreter()


def _run(node: ir.Sched, u: Array, ordered: int, out: Array, shift: float = 0.0) -> None:
    """Write ``node``'s values at local time ``u − shift`` into ``out`` (same shape).

    ``shift`` is applied lazily: frames that only move time pass it down, so a piece
    of a sequence costs no pass over its steps until a formula needs them.
    """
    _INTERPRETER.walk(node, u, ordered, out, shift)


def _arith(e: ir.Arith, env: dict[str, Any]) -> tuple[Any, bool]:
    """``(value, owned)``: ``owned`` arrays are temporaries that may be overwritten in place."""
    result: tuple[Any, bool] = _INTERPRETER.walk(e, env)
    return result


def _edge(u: Array, bound: float, shift: float, side: str) -> int:
    """In sorted ``u``: the first index with ``u − shift ≥ bound`` (``side="left"``) or ``> bound``.

    Found by bisection on ``bound + shift``, then corrected so that it agrees exactly with the
    rounded ``u − shift`` the children compute.
    """
    i = int(np.searchsorted(u, bound + shift, side="left" if side == "left" else "right"))

    def inside(x: float) -> bool:
        return bool(x - shift < bound) if side == "left" else bool(x - shift <= bound)

    while i > 0 and not inside(u[i - 1]):
        i -= 1
    while i < u.size and inside(u[i]):
        i += 1
    return i


def _merges(shift: float, *more: float) -> bool:
    """Shifting whole steps by ``shift`` later, added to each of ``more``, gives the local times
    that shifting now and by each of ``more`` after gives (as generated code computes them).

    True when every shift is a whole number below 2³¹ and each sum is exact: ``u − shift`` is then
    exact. A large shift is applied at once: inside a restart (fractional ``u``) an offset of 1e13
    merged with a phase's break gave ``u − (shift + break)``, one rounding where generated code
    rounds ``u + 1e13`` first (to 2⁻⁹ steps): a wsd decay's last value was 5.6e-7 instead of 0.
    """
    return all(float(x).is_integer() and abs(x) < 2.0**31 for x in (shift, *more)) and all(
        _exact_sum(shift, b) for b in more
    )


def _exact_sum(a: float, b: float) -> bool:
    """``a + b`` is exact in float64 (then shifting by it once equals shifting twice)."""
    total = a + b
    return total - a == b and total - b == a
