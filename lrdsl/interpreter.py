"""The numpy interpreter of the lowered IR: every step at once, in float64.

Each piece of a :class:`~lrdsl.ir.Seq` is evaluated only on its own slice of
steps; cycle and phase membership is decided on whole steps with exact
boundaries (restart starts are exact rationals), so nothing drifts at 1e9 steps.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from lrdsl import ir
from lrdsl.errors import LrdslError, Span
from lrdsl.lowering.modifiers import cycle_start

Array = npt.NDArray[np.float64]
MAX_RECUR = 1_000_000
"""The most intervals a ``recur`` phase may iterate through."""

_FN: dict[str, Callable[..., Any]] = {
    "neg": np.negative, "sin": np.sin, "cos": np.cos, "tan": np.tan, "exp": np.exp, "log": np.log,
    "sqrt": np.sqrt, "abs": np.abs, "floor": np.floor, "ceil": np.ceil,
}  # fmt: skip
_BIN: dict[str, Callable[..., Any]] = {
    "+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "**": np.power,
    "min": np.minimum, "max": np.maximum,
}  # fmt: skip


def evaluate_ir(node: ir.Sched, steps: npt.ArrayLike) -> Array:
    """``lr(t)`` for each whole step ``t`` in ``steps`` (any order, each ≥ 0)."""
    t = np.asarray(steps, dtype=np.float64)
    ordered = bool(t.size < 2 or np.all(t[1:] >= t[:-1]))
    return _checked(node, t, ordered)


def evaluate_range(node: ir.Sched, start: int, stop: int) -> Array:
    """``lr(t)`` for ``t = start … stop−1`` (no order check, no integer copy)."""
    return _checked(node, np.arange(start, stop, dtype=np.float64), True)


def value_at(node: ir.Sched, u: float) -> float:
    """The value of ``node`` at local time ``u``."""
    return float(_checked(node, np.array([u], dtype=np.float64), True)[0])


def _checked(node: ir.Sched, u: Array, ordered: bool) -> Array:
    """``node`` over ``u``; a NaN or infinity becomes an :class:`LrdslError` naming the phase."""
    out = np.empty(u.shape, dtype=np.float64)
    with np.errstate(all="ignore"):
        try:
            _run(node, u, ordered, out)
            if not _finite(out):
                raise _NotFinite(None, "the schedule", out, u)
        except _NotFinite as bad:
            raise LrdslError(
                f"{bad.what} is {bad.value} at its local step {bad.where:g}",
                span=Span(*bad.origin) if bad.origin else None,
                hint="check for division by zero, log of 0 or overflow",
            ) from None
    return out


def arith(e: ir.Arith, env: dict[str, Any]) -> Any:
    """The value of IR arithmetic ``e`` with variables from ``env`` (arrays or floats)."""
    return _arith(e, env)[0]


def _fresh(env: dict[str, Any], like: Any) -> Any:
    """The caller's output buffer for the first new array of this shape (then ``None``)."""
    scratch = env.get("_out")
    if scratch is not None and isinstance(like, np.ndarray) and like.shape == scratch.shape:
        env["_out"] = None
        return scratch
    return None


def _arith(e: ir.Arith, env: dict[str, Any]) -> tuple[Any, bool]:
    """``(value, owned)``: ``owned`` arrays are temporaries that may be overwritten in place."""
    if isinstance(e, ir.Const):
        return e.value, False
    if isinstance(e, ir.Var):
        return env[e.name], e.name == "u" and env.get("_u_owned", False)
    if isinstance(e, ir.Bin):
        (a, own_a), (b, own_b) = _arith(e.a, env), _arith(e.b, env)
        fn = _BIN[e.op]
        if own_a and isinstance(a, np.ndarray) and np.ndim(b) <= a.ndim:
            return fn(a, b, out=a), True
        if own_b and isinstance(b, np.ndarray) and np.ndim(a) <= b.ndim:
            return fn(a, b, out=b), True
        buf = _fresh(env, a if isinstance(a, np.ndarray) else b)
        value = fn(a, b) if buf is None else fn(a, b, out=buf)
        return value, isinstance(value, np.ndarray)
    if isinstance(e, ir.Fn):
        x, own = _arith(e.arg, env)
        if own and isinstance(x, np.ndarray):
            return _FN[e.name](x, out=x), True
        buf = _fresh(env, x)
        value = _FN[e.name](x) if buf is None else _FN[e.name](x, out=buf)
        return value, isinstance(value, np.ndarray)
    if isinstance(e, ir.FloorDiv):
        return np.floor_divide(arith(e.x, env), e.c), True
    if isinstance(e, ir.CeilDiv):
        return -np.floor_divide(-arith(e.x, env), e.c), True
    if isinstance(e, ir.Count):
        return np.searchsorted(np.asarray(e.thresholds), arith(e.x, env), side="right").astype(np.float64), True
    raise TypeError(f"unknown arithmetic node {e!r}")  # pragma: no cover


class _NotFinite(Exception):
    """A NaN or infinity, at local step ``where`` of the node that produced it."""

    def __init__(self, origin: tuple[int, int] | None, what: str, values: Array, u: Array) -> None:
        self.origin, self.what = origin, what
        index = int(np.flatnonzero(~np.isfinite(values))[0])
        self.value = float(values.flat[index])
        self.where = float(np.broadcast_to(u, values.shape).flat[index])


def _formula(node: ir.Formula, u: Array, ordered: bool, out: Array, shift: float = 0.0) -> None:
    if shift:
        u = np.subtract(u, shift, out=out)  # out holds the local time, then (read once) the result
        once = not _reads_u_twice(node.expr)
        value = arith(node.expr, {"u": u if once else u.copy(), "_u_owned": once})
    else:
        value = arith(node.expr, {"u": u, "_out": out})
    if value is not out:
        out[...] = value
    if not _finite(out):
        raise _NotFinite(node.origin, node.label or "the schedule", out, u)


def _finite(values: Array) -> bool:
    """Every value is finite (one summing pass; the exact check only when the sum is not)."""
    return math.isfinite(float(np.add.reduce(values, axis=None))) or bool(np.isfinite(values).all())


def _clamp(node: ir.Clamp, u: Array, ordered: bool, out: Array, shift: float = 0.0) -> None:
    if not ordered:
        _run(node.body, np.minimum(u - shift, node.hi), False, out)
        return
    cut = _edge(u, node.hi, shift, side="left")  # from hi on, every step takes the held value
    _run(node.body, u[:cut], True, out[:cut], shift)
    if cut < u.size:
        tail = np.empty(1)
        _run(node.body, np.array([node.hi]), True, tail)
        out[cut:] = tail[0]


def _seq(node: ir.Seq, u: Array, ordered: bool, out: Array, shift: float = 0.0) -> None:
    breaks = np.asarray(node.breaks)
    if ordered and shift and not all(_exact_sum(shift, b) for b in node.breaks[1:]):
        u, shift = u - shift, 0.0  # a piece's local time is (u − shift) − break, not u − (shift + break) rounded
    if ordered:
        bounds = [0, *(_edge(u, b, shift, side="left") for b in node.breaks[1:]), u.size]
        for j, part in enumerate(node.parts):
            a, b = bounds[j], bounds[j + 1]
            if b > a:
                _run(part, u[a:b], True, out[a:b], shift + node.breaks[j])
        return
    u = u - shift if shift else u
    piece = np.searchsorted(breaks, u, side="right") - 1
    np.maximum(piece, 0, out=piece)
    for j, part in enumerate(node.parts):
        sel = np.flatnonzero(piece == j)
        if sel.size:
            buf = np.empty(sel.size)
            _run(part, u[sel] - breaks[j], False, buf)
            out[sel] = buf


def _exact_sum(a: float, b: float) -> bool:
    """``a + b`` is exact in float64 (then shifting by it once equals shifting twice)."""
    total = a + b
    return total - a == b and total - b == a


def _combine(node: ir.Combine, u: Array, ordered: bool, out: Array, shift: float = 0.0) -> None:
    u = u - shift if shift else u
    _run(node.parts[0], u, ordered, out)
    buf = np.empty(u.shape)
    for part in node.parts[1:]:
        _run(part, u, ordered, buf)
        _BIN[node.op](out, buf, out=out)
    if not _finite(out):
        raise _NotFinite(node.origin, "a quotient" if node.op == "/" else f"the {node.op} of its parts", out, u)


MAX_SLICED_CYCLES = 512
"""Ordered steps through at most this many cycles are evaluated one slice per cycle."""


def _cycles(node: ir.Cycles, u: Array, ordered: bool, out: Array, shift: float = 0.0) -> None:
    if ordered and node.count <= MAX_SLICED_CYCLES:
        _cycles_sliced(node, u, out, shift)
    else:
        _cycles_gathered(node, u - shift if shift else u, out)


def _cycles_sliced(node: ir.Cycles, u: Array, out: Array, shift: float) -> None:
    starts = [float(cycle_start(node.period, node.mult, i)) for i in range(node.count)]
    edges = [0, *(_edge(u, s, shift, side="left") for s in starts[1:]), u.size]
    for i, start in enumerate(starts):
        a, b = edges[i], edges[i + 1]
        if b <= a:
            continue
        if node.mult == 1 or i == 0:
            _run(node.body, u[a:b], True, out[a:b], shift + start)
        else:
            local = u[a:b] - (shift + start)
            local /= float(node.mult) ** i
            _run(node.body, local, True, out[a:b])
        if node.decay != 1.0 and i:
            out[a:b] *= np.power(node.decay, float(i))


def _cycles_gathered(node: ir.Cycles, u: Array, out: Array) -> None:
    last = node.count - 1
    if node.mult == 1:
        a, b = node.period.numerator, node.period.denominator
        scaled = u * b  # exact for whole steps below 2**53 / b
        i = np.minimum(np.floor_divide(scaled, a), last)
        local = (scaled - i * a) / b
    else:
        starts = np.array([float(s) for s in node.starts])
        i = np.clip(np.searchsorted(starts, u, side="right") - 1, 0, last)
        local = (u - starts[i]) / float(node.mult) ** i
    _run(node.body, local, False, out)
    if node.decay != 1.0:
        out *= np.power(node.decay, i)


def _quantize(node: ir.Quantize, u: Array, ordered: bool, out: Array, shift: float = 0.0) -> None:
    k = np.floor_divide(u - shift if shift else u, node.q)
    uq = np.minimum((k + 1) * node.q, node.hi) if node.at_end else k * node.q
    _run(node.body, uq, ordered, out)


@functools.lru_cache(maxsize=64)
def recur_table(node: ir.Recur) -> Array:
    """Values of interval ``k = 0 … ⌊hi/every⌋``: ``expr`` applied ``k+1`` times to ``init``."""
    count = int(node.hi // node.every) + 1
    if count > MAX_RECUR:
        raise LrdslError(
            f"recur() would iterate {count} times",
            span=Span(*node.origin) if node.origin else None,
            hint=f"at most {MAX_RECUR}: use a larger 'every' or a closed form in fn()",
        )
    table = np.empty(count)
    value = node.init
    with np.errstate(all="ignore"):
        for k in range(count):
            value = float(arith(node.expr, {"lr": value}))
            if not math.isfinite(value):
                raise LrdslError(
                    f"recur() is not finite after {k + 1} iterations",
                    span=Span(*node.origin) if node.origin else None,
                )
            table[k] = value
    return table


def _recur(node: ir.Recur, u: Array, ordered: bool, out: Array, shift: float = 0.0) -> None:
    k = np.floor_divide(np.minimum(u - shift, node.hi), node.every).astype(np.int64)
    np.take(recur_table(node), k, out=out)


_EVAL: dict[type, Callable[[Any, Array, bool, Array, float], None]] = {
    ir.Formula: _formula, ir.Clamp: _clamp, ir.Seq: _seq, ir.Combine: _combine,
    ir.Cycles: _cycles, ir.Quantize: _quantize, ir.Recur: _recur,
}  # fmt: skip


def _run(node: ir.Sched, u: Array, ordered: bool, out: Array, shift: float = 0.0) -> None:
    """Write ``node``'s values at local time ``u − shift`` into ``out`` (same shape).

    ``shift`` is applied lazily: frames that only move time pass it down, so a piece
    of a sequence costs no pass over its steps until a formula needs them.
    """
    _EVAL[type(node)](node, u, ordered, out, shift)


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


def _reads_u_twice(e: ir.Arith) -> bool:
    """``u`` appears more than once (then it cannot double as the scratch buffer)."""

    def count(x: ir.Arith) -> int:
        if isinstance(x, ir.Var):
            return int(x.name == "u")
        if isinstance(x, ir.Bin):
            return count(x.a) + count(x.b)
        if isinstance(x, (ir.Fn,)):
            return count(x.arg)
        if isinstance(x, (ir.FloorDiv, ir.CeilDiv, ir.Count)):
            return count(x.x)
        return 0

    return count(e) > 1
