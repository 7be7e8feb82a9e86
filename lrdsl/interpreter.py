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
MAX_RECUR = 10_000_000
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


def value_at(node: ir.Sched, u: float) -> float:
    """The value of ``node`` at local time ``u``."""
    return float(_checked(node, np.array([u], dtype=np.float64), True)[0])


def _checked(node: ir.Sched, u: Array, ordered: bool) -> Array:
    """``node`` over ``u``; a NaN or infinity becomes an :class:`LrdslError` naming the phase."""
    with np.errstate(all="ignore"):
        try:
            return np.asarray(_run(node, u, ordered), dtype=np.float64)
        except _NotFinite as bad:
            raise LrdslError(
                f"{bad.what} is {bad.value} at its local step {bad.where:g}",
                span=Span(*bad.origin) if bad.origin else None,
                hint="check for division by zero, log of 0 or overflow",
            ) from None


def arith(e: ir.Arith, env: dict[str, Any]) -> Any:
    """The value of IR arithmetic ``e`` with variables from ``env`` (arrays or floats)."""
    return _arith(e, env)[0]


def _arith(e: ir.Arith, env: dict[str, Any]) -> tuple[Any, bool]:
    """``(value, owned)``: ``owned`` arrays are temporaries that may be overwritten in place."""
    if isinstance(e, ir.Const):
        return e.value, False
    if isinstance(e, ir.Var):
        return env[e.name], False
    if isinstance(e, ir.Bin):
        (a, own_a), (b, own_b) = _arith(e.a, env), _arith(e.b, env)
        fn = _BIN[e.op]
        if own_a and isinstance(a, np.ndarray) and np.ndim(b) <= a.ndim:
            return fn(a, b, out=a), True
        if own_b and isinstance(b, np.ndarray) and np.ndim(a) <= b.ndim:
            return fn(a, b, out=b), True
        value = fn(a, b)
        return value, isinstance(value, np.ndarray)
    if isinstance(e, ir.Fn):
        x, own = _arith(e.arg, env)
        if own and isinstance(x, np.ndarray):
            return _FN[e.name](x, out=x), True
        value = _FN[e.name](x)
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


def _formula(node: ir.Formula, u: Array, ordered: bool) -> Array:
    out = np.broadcast_to(np.asarray(arith(node.expr, {"u": u}), dtype=np.float64), u.shape)
    if not np.isfinite(out).all():
        raise _NotFinite(node.origin, node.label or "the schedule", out, u)
    return out


def _clamp(node: ir.Clamp, u: Array, ordered: bool) -> Array:
    if not ordered:
        return _run(node.body, np.minimum(u, node.hi), ordered)
    cut = int(np.searchsorted(u, node.hi, side="right"))
    if cut == u.size:
        return _run(node.body, u, True)
    out = np.empty(u.shape, dtype=np.float64)
    out[:cut] = _run(node.body, u[:cut], True)
    out[cut:] = _run(node.body, np.array([node.hi]), True)[0]
    return out


def _seq(node: ir.Seq, u: Array, ordered: bool) -> Array:
    out = np.empty(u.shape, dtype=np.float64)
    breaks = np.asarray(node.breaks)
    if ordered:
        edges = np.searchsorted(u, breaks, side="left")
        edges[0] = 0
        bounds = [*edges.tolist(), u.size]
        for j, part in enumerate(node.parts):
            a, b = bounds[j], bounds[j + 1]
            if b > a:
                out[a:b] = _run(part, u[a:b] - breaks[j], True)
        return out
    piece = np.searchsorted(breaks, u, side="right") - 1
    np.maximum(piece, 0, out=piece)
    for j, part in enumerate(node.parts):
        sel = np.flatnonzero(piece == j)
        if sel.size:
            out[sel] = _run(part, u[sel] - breaks[j], False)
    return out


def _combine(node: ir.Combine, u: Array, ordered: bool) -> Array:
    values = [_run(p, u, ordered) for p in node.parts]
    out = values[0]
    for v in values[1:]:
        out = _BIN[node.op](out, v)
    if node.op == "/" and not np.isfinite(out).all():
        raise _NotFinite(node.origin, "a quotient", out, u)
    return np.asarray(out, dtype=np.float64)


MAX_SLICED_CYCLES = 512
"""Ordered steps through at most this many cycles are evaluated one slice per cycle."""


def _cycles(node: ir.Cycles, u: Array, ordered: bool) -> Array:
    if ordered and node.count <= MAX_SLICED_CYCLES:
        return _cycles_sliced(node, u)
    return _cycles_gathered(node, u)


def _cycles_sliced(node: ir.Cycles, u: Array) -> Array:
    starts = [float(cycle_start(node.period, node.mult, i)) for i in range(node.count)]
    edges = [0, *np.searchsorted(u, starts[1:], side="left").tolist(), u.size]
    out = np.empty(u.shape, dtype=np.float64)
    for i, start in enumerate(starts):
        a, b = edges[i], edges[i + 1]
        if b <= a:
            continue
        local = u[a:b] - start
        if node.mult != 1:
            local /= float(node.mult) ** i
        value = _run(node.body, local, True)
        out[a:b] = value * node.decay**i if node.decay != 1.0 else value
    return out


def _cycles_gathered(node: ir.Cycles, u: Array) -> Array:
    uc = u
    last = node.count - 1
    if node.mult == 1:
        a, b = node.period.numerator, node.period.denominator
        scaled = uc * b  # exact for whole steps below 2**53 / b
        i = np.minimum(np.floor_divide(scaled, a), last)
        local = (scaled - i * a) / b
        stretch = None
    else:
        starts = np.array([float(s) for s in node.starts])
        i = np.clip(np.searchsorted(starts, uc, side="right") - 1, 0, last)
        stretch = float(node.mult) ** i
        local = (uc - starts[i]) / stretch
    value = _run(node.body, local, False)
    if node.decay != 1.0:
        value = value * np.power(node.decay, i)
    return np.asarray(value, dtype=np.float64)


def _quantize(node: ir.Quantize, u: Array, ordered: bool) -> Array:
    k = np.floor_divide(u, node.q)
    uq = np.minimum((k + 1) * node.q, node.hi) if node.at_end else k * node.q
    return _run(node.body, uq, ordered)


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
    out = np.empty(count)
    value = node.init
    with np.errstate(all="ignore"):
        for k in range(count):
            value = float(arith(node.expr, {"lr": value}))
            if not math.isfinite(value):
                raise LrdslError(
                    f"recur() is not finite after {k + 1} iterations", span=Span(*node.origin) if node.origin else None
                )
            out[k] = value
    return out


def _recur(node: ir.Recur, u: Array, ordered: bool) -> Array:
    k = np.floor_divide(np.minimum(u, node.hi), node.every).astype(np.int64)
    return recur_table(node)[k]


_EVAL: dict[type, Callable[[Any, Array, bool], Array]] = {
    ir.Formula: _formula, ir.Clamp: _clamp, ir.Seq: _seq, ir.Combine: _combine,
    ir.Cycles: _cycles, ir.Quantize: _quantize, ir.Recur: _recur,
}  # fmt: skip


def _run(node: ir.Sched, u: Array, ordered: bool) -> Array:
    return _EVAL[type(node)](node, u, ordered)
