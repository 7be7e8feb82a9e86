"""Interval bounds on IR values: what a value can be over a range of local times.

A bound is a :data:`Box` ``(lo, hi)`` of extended reals containing every value that float64
evaluation with IEEE semantics (the interpreter's numpy, the generated code's helpers) gives
for the inputs in the boxes, or ``None`` when no useful bound is known, in particular
whenever a NaN could occur (``∞ − ∞``, ``0·∞``, ``x/0``, ``log`` or ``sqrt`` of a negative).
Infinite endpoints are allowed in between: ``1/exp(u)`` is ``[0, 1]`` over ``u ≥ 0``.

Soundness under rounding: ``+ − · /`` and ``sqrt`` are correctly rounded and monotone in each
argument on the sign-constant pieces used here, so their values at the corners bound every
rounded value inside; the other functions (``exp``, ``log``, ``**``, trigonometry) are
widened outward by a relative ``2⁻⁴⁸`` for implementations that are off by a few ulps.

Used three times: the scalar printer prints a plain ``math`` call where the bound proves it
cannot fail and an IEEE helper otherwise (:mod:`lrdsl.ir.ieee`), ``gen`` proves a schedule
finite over spans too long to evaluate step by step (:mod:`lrdsl.codegen.verify`), and the
interpreter skips its pass checking a long slice's values where the bound proves them finite.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from lrdsl import ir

Box = tuple[float, float]
INF = math.inf
BIG = 1.7976931348623157e308
"""The largest float: a parameter or a previous value is a finite number in [−BIG, BIG]."""
TAN_MAX = 1e20
"""|tan x| for any finite double x is below 2.3e18 (no double lies closer than 2⁻⁶¹ to a pole)."""
SLACK = 2.0**-48


def _out(lo: float, hi: float) -> Box:
    """``[lo, hi]`` widened outward for functions that are not correctly rounded."""
    return (
        lo if math.isinf(lo) else lo - abs(lo) * SLACK - 1e-300,
        hi if math.isinf(hi) else hi + abs(hi) * SLACK + 1e-300,
    )


def _infinite(a: Box) -> bool:
    return a[0] == -INF or a[1] == INF


def _zero_in(a: Box) -> bool:
    return a[0] <= 0.0 <= a[1]


def finite(a: Box | None) -> bool:
    """Every value in ``a`` is a finite number."""
    return a is not None and a[0] > -INF and a[1] < INF


def hull(values: list[float]) -> Box | None:
    """The smallest box holding ``values`` (``None`` if one is NaN)."""
    if any(v != v for v in values):
        return None
    return (min(values), max(values))


# --------------------------------------------------------------------------- operations


def add(a: Box, b: Box) -> Box | None:
    """``a + b``."""
    if (a[1] == INF and b[0] == -INF) or (a[0] == -INF and b[1] == INF):
        return None  # ∞ − ∞
    return (a[0] + b[0], a[1] + b[1])


def sub(a: Box, b: Box) -> Box | None:
    """``a − b``."""
    return add(a, (-b[1], -b[0]))


def mul(a: Box, b: Box) -> Box | None:
    """``a · b``."""
    if (_zero_in(a) and _infinite(b)) or (_zero_in(b) and _infinite(a)):
        return None  # 0 · ∞
    return hull([a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]])


def div(a: Box, b: Box) -> Box | None:
    """``a / b`` (unknown when the divisor may be 0)."""
    if _zero_in(b) or (_infinite(a) and _infinite(b)):
        return None
    return hull([a[0] / b[0], a[0] / b[1], a[1] / b[0], a[1] / b[1]])


def power(a: Box, b: Box) -> Box | None:
    """``a ** b`` as numpy computes it (``pow`` of C99: NaN for a negative base and a fraction)."""
    from lrdsl.ir.ieee import pow_ as pw

    if a[0] >= 0.0:  # monotone in each argument for a non-negative base (±0 and ∞ included)
        return _widened(hull([pw(x, y) for x in a for y in b]))
    if b[0] != b[1] or not math.isfinite(b[0]) or b[0] != math.floor(b[0]):
        return None  # a negative base with a fractional (or varying) exponent may give NaN
    k = b[0]
    if k < 0 and _zero_in(a):
        return None
    corners = [pw(a[0], k), pw(a[1], k)]
    if _zero_in(a):
        corners.append(0.0)  # x^k of an even k has its minimum inside
    return _widened(hull(corners))


def minimum(a: Box, b: Box) -> Box:
    """``min(a, b)``."""
    return (min(a[0], b[0]), min(a[1], b[1]))


def maximum(a: Box, b: Box) -> Box:
    """``max(a, b)``."""
    return (max(a[0], b[0]), max(a[1], b[1]))


def _widened(a: Box | None) -> Box | None:
    return None if a is None else _out(*a)


def _exp(a: Box) -> Box | None:
    return _out(_e(a[0]), _e(a[1]))


def _e(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return INF


def _log(a: Box) -> Box | None:
    if a[0] < 0.0:
        return None
    return _out(math.log(a[0]) if a[0] > 0 else -INF, math.log(a[1]) if a[1] > 0 else -INF)


def _sqrt(a: Box) -> Box | None:
    return (math.sqrt(a[0]), math.sqrt(a[1])) if a[0] >= 0.0 else None


def _cos(a: Box) -> Box | None:
    return _wave(a, 0.0)


def _sin(a: Box) -> Box | None:
    return _wave(a, math.pi / 2)


def _wave(a: Box, peak: float) -> Box | None:
    """cos(x − peak): maxima at ``peak + 2kπ``, minima half a turn later."""
    if _infinite(a):
        return None  # cos(±∞) is NaN
    if a[1] - a[0] >= 2 * math.pi:
        return (-1.0, 1.0)
    f = math.cos if peak == 0 else math.sin
    lo, hi = min(f(a[0]), f(a[1])), max(f(a[0]), f(a[1]))
    turns = ((a[0] - peak) / (2 * math.pi), (a[1] - peak) / (2 * math.pi))
    slack = 1e-9 + 1e-13 * max(abs(turns[0]), abs(turns[1]))  # an extremum near an end counts as inside
    if math.floor(turns[1] + slack) >= math.ceil(turns[0] - slack):
        hi = 1.0
    if math.floor(turns[1] - 0.5 + slack) >= math.ceil(turns[0] - 0.5 - slack):
        lo = -1.0
    lo, hi = _out(lo, hi)
    return (max(lo, -1.0), min(hi, 1.0))


def _tan(a: Box) -> Box | None:
    if _infinite(a):
        return None
    if a[1] - a[0] < math.pi:
        halves = ((a[0] - math.pi / 2) / math.pi, (a[1] - math.pi / 2) / math.pi)
        slack = 1e-9 + 1e-13 * max(abs(halves[0]), abs(halves[1]))
        if math.floor(halves[1] + slack) < math.ceil(halves[0] - slack):  # no pole inside: increasing
            return _out(math.tan(a[0]), math.tan(a[1]))
    return (-TAN_MAX, TAN_MAX)  # finite for every finite double


def _floor(a: Box) -> Box:
    return (
        float(math.floor(a[0])) if math.isfinite(a[0]) else a[0],
        float(math.floor(a[1])) if math.isfinite(a[1]) else a[1],
    )


def _ceil(a: Box) -> Box:
    return (
        float(math.ceil(a[0])) if math.isfinite(a[0]) else a[0],
        float(math.ceil(a[1])) if math.isfinite(a[1]) else a[1],
    )


def _abs(a: Box) -> Box:
    if _zero_in(a):
        return (0.0, max(-a[0], a[1]))
    return (min(abs(a[0]), abs(a[1])), max(abs(a[0]), abs(a[1])))


FUNCTIONS: dict[str, Callable[[Box], Box | None]] = {
    "neg": lambda a: (-a[1], -a[0]), "exp": _exp, "log": _log, "sqrt": _sqrt, "sin": _sin, "cos": _cos,
    "tan": _tan, "abs": _abs, "floor": _floor, "ceil": _ceil,
    "tanh": lambda a: (math.tanh(a[0]), math.tanh(a[1])),  # increasing, never fails
}  # fmt: skip
"""The functions with a bound rule of their own; any other row of :data:`lrdsl.ir.MATH` is bounded by
:func:`function`: from its values at the ends when it is ``increasing``, else not at all."""


def function(name: str) -> Callable[[Box], Box | None]:
    """The bound rule of math function ``name`` (or ``neg``): its own, or what its row says."""
    own = FUNCTIONS.get(name)
    if own is not None:
        return own
    row = ir.MATH[name]
    if not row.increasing:
        return lambda a: None
    exact = row.exact()

    def ends(a: Box) -> Box | None:
        try:
            lo, hi = exact(a[0]), exact(a[1])
        except (OverflowError, ValueError):
            return None
        return _out(lo, hi) if lo == lo and hi == hi else None

    return ends


BINARY: dict[str, Callable[[Box, Box], Box | None]] = {
    "+": add, "-": sub, "*": mul, "/": div, "**": power, "min": minimum, "max": maximum,
}  # fmt: skip


# --------------------------------------------------------------------------- expressions


def arith(e: ir.Arith, u: Box, lr: Box = (-BIG, BIG)) -> Box | None:
    """A bound on ``e`` for local time ``u`` in ``u`` (and a previous value ``lr`` in ``lr``)."""
    return _Bounds(None).arith(e, u, lr)


Extremes = Callable[[int, int], Box]
"""``(first, last) → (least, greatest)`` of a ``recur`` node's values over intervals ``first … last``."""
Table = Callable[[ir.Recur], tuple[int, Extremes]]
"""A ``recur`` node → its number of intervals and the extremes of its values over a range of them."""


def sched(node: ir.Sched, lo: float, hi: float, table: Table | None = None) -> Box | None:
    """A finite bound on ``node`` for local times in ``[lo, hi]`` (``0 ≤ lo ≤ hi``), else ``None``.

    ``None`` also when a value may be infinite: the interpreter refuses those. ``table`` gives a
    ``recur`` node's values by interval (without it a ``recur`` is unknown).
    """
    box: Box | None = _Bounds(table).walk(node, lo, hi)
    return box


# --------------------------------------------------------------------------- the walker


def frame(lo: float, hi: float) -> Box:
    """Local times computed by shifting (rounded once more than the bound's own arithmetic)."""
    return (max(0.0, lo - abs(lo) * SLACK - 1e-300), hi if math.isinf(hi) else hi + abs(hi) * SLACK + 1e-300)


class _Bounds(ir.Walker):
    """Bounds by node kind: a schedule node over local times ``[lo, hi]``, arithmetic over boxes."""

    WALKS = ("sched", "arith")

    def __init__(self, table: Table | None) -> None:
        self.table = table

    def arith(self, e: ir.Arith, u: Box, lr: Box) -> Box | None:
        box: Box | None = self.walk(e, u, lr)
        return box

    # -- arithmetic
    def _const(self, e: ir.Const, u: Box, lr: Box) -> Box | None:
        return (e.value, e.value)

    def _var(self, e: ir.Var, u: Box, lr: Box) -> Box | None:
        return u if e.name == "u" else lr

    def _param(self, e: ir.Param, u: Box, lr: Box) -> Box | None:
        return (-BIG, BIG)

    def _bin(self, e: ir.Bin, u: Box, lr: Box) -> Box | None:
        a = self.arith(e.a, u, lr)
        b = self.arith(e.b, u, lr) if a is not None else None
        return BINARY[e.op](a, b) if a is not None and b is not None else None

    def _fn(self, e: ir.Fn, u: Box, lr: Box) -> Box | None:
        a = self.arith(e.arg, u, lr)
        return function(e.name)(a) if a is not None else None

    def _finite_time(self, e: ir.FloorDiv | ir.CeilDiv | ir.Count, u: Box, lr: Box) -> Box | None:
        x = self.arith(e.x, u, lr)
        return x if x is not None and math.isfinite(x[0]) and math.isfinite(x[1]) else None

    def _floor_div(self, e: ir.FloorDiv, u: Box, lr: Box) -> Box | None:
        x = self._finite_time(e, u, lr)
        return (float(ir.floor_div(x[0], e.c)), float(ir.floor_div(x[1], e.c))) if x is not None else None

    def _ceil_div(self, e: ir.CeilDiv, u: Box, lr: Box) -> Box | None:
        x = self._finite_time(e, u, lr)
        return (float(ir.ceil_div(x[0], e.c)), float(ir.ceil_div(x[1], e.c))) if x is not None else None

    def _count(self, e: ir.Count, u: Box, lr: Box) -> Box | None:
        x = self.arith(e.x, u, lr)
        if x is None or x[0] != x[0]:
            return None
        return (float(sum(m <= x[0] for m in e.thresholds)), float(sum(m <= x[1] for m in e.thresholds)))

    # -- schedules
    def _formula(self, node: ir.Formula, lo: float, hi: float) -> Box | None:
        box = self.arith(node.expr, (lo, hi), (-BIG, BIG))
        return box if finite(box) else None

    def _clamp(self, node: ir.Clamp, lo: float, hi: float) -> Box | None:
        box: Box | None = self.walk(node.body, min(lo, node.hi), min(hi, node.hi))
        return box

    def _seq(self, node: ir.Seq, lo: float, hi: float) -> Box | None:
        lo, hi = frame(lo, hi)  # membership is decided on rounded local times: a margin either side
        out: Box | None = None
        for j, part in enumerate(node.parts):
            start = node.breaks[j]
            end = node.breaks[j + 1] if j + 1 < len(node.parts) else INF
            if (j and hi < start) or lo > end:
                continue
            box: Box | None = self.walk(part, *frame(max(lo, start) - start, min(hi, end) - start))
            if box is None:
                return None
            out = box if out is None else (min(out[0], box[0]), max(out[1], box[1]))
        return out

    def _combine(self, node: ir.Combine, lo: float, hi: float) -> Box | None:
        acc: Box | None = self.walk(node.parts[0], lo, hi)
        for part in node.parts[1:]:
            box: Box | None = self.walk(part, lo, hi) if acc is not None else None
            acc = BINARY[node.op](acc, box) if acc is not None and box is not None else None
        return acc if finite(acc) else None

    def _cycles(self, node: ir.Cycles, lo: float, hi: float) -> Box | None:
        return _cycles(node, lo, hi, self.table)

    def _unrolled(self, node: ir.Unrolled, lo: float, hi: float) -> Box | None:
        return _cycles(node.cycles(), lo, hi, self.table)  # the clock placed the pieces: the same bounds

    def _quantize(self, node: ir.Quantize, lo: float, hi: float) -> Box | None:
        if node.at_end:
            top = min(node.hi, hi + node.q)
            box: Box | None = self.walk(node.body, *frame(max(0.0, min(lo, top) - node.q), top))
            return box
        box = self.walk(node.body, *frame(max(0.0, lo - node.q), hi))
        return box

    def _offset(self, node: ir.Offset, lo: float, hi: float) -> Box | None:  # the body at min(u, hi) + n
        box: Box | None = self.walk(node.body, min(lo, node.hi) + node.n, min(hi, node.hi) + node.n)
        return box

    def _recur(self, node: ir.Recur, lo: float, hi: float) -> Box | None:
        if self.table is None:
            return None
        size, extremes = self.table(node)
        first = ir.floor_div(min(lo, node.hi), node.every)
        last = min(ir.floor_div(min(hi, node.hi), node.every), size - 1)
        return extremes(first, last) if first <= last else extremes(size - 1, size - 1)


def _cycles(node: ir.Cycles, lo: float, hi: float, table: Table | None) -> Box | None:
    """Restart cycles over ``[lo, hi]``: within one cycle ``i``, the body over the clock's local times of
    ``lo`` and ``hi`` in it (``CycleClock.since``, the interpreter's own arithmetic, monotone in the time)
    times ``decayⁱ``; across cycles, the body somewhere in ``[0, hi]`` (local time never exceeds ``u``
    as ``mult ≥ 1``) times ``decayⁱ`` for some cycle ``i`` between the two."""
    last = node.count - 1
    clock = node.clock
    first, final = clock.index(lo, last), clock.index(hi, last)
    if first == final:
        body = sched(node.body, *frame(clock.since(lo, first), clock.since(hi, first)), table)
        scale = node.factor(first)
        box = body if body is None or scale == 1.0 else mul(body, (scale, scale))
        return box if box is not None and finite(box) else None
    body = sched(node.body, *frame(0.0, hi), table)
    if body is None or node.decay == 1.0:
        return body
    if node.decay >= 0:
        ends = (node.factor(first), node.factor(final))
        box = mul(body, (min(ends), max(ends)))
        return box if box is not None and finite(box) else None
    try:
        top = max(1.0, abs(node.decay)) ** (node.count - 1)
    except OverflowError:
        return None
    box = mul(body, (-top, top))
    return box if finite(box) else None
