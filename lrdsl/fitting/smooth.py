"""Fitters of the interpolating shapes ``const``, ``linear``, ``cosine``, ``exp``, ``poly``, ``pow``, ``sqrt``, ``log``.

Each shape is ``b + (a − b)·w(p)`` with a known weight ``w`` (``p = u/d``, ``d`` the segment's length), so
``a`` and ``b`` are the least-squares solution of a 2-column linear system; ``exp`` is linear in ``log y``.
Everything is computed on the steps :func:`lrdsl.fitting.context.sample_steps` picks (at most 4096 of
a segment, its ends included): exact values give the same numbers from any of their steps, and a
phase's cost does not grow with its length (the candidate is then checked on every step).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

import numpy as np

from lrdsl.fitting.context import Array, Context, sample_steps
from lrdsl.fitting.piece import Form, Piece
from lrdsl.language import ast as A

POWERS = (2.0, 1.0, 0.5, 3.0, 1.5, 4.0, 5.0, 0.9, 6.0)
"""``poly`` powers tried (a fitted power is tried too)."""


def _ends(y: Array, w: Array) -> tuple[float, float] | None:
    """``(a, b)`` minimising ``Σ (b + (a − b)·w − y)²``."""
    # y − b = (a − b)·w: the slope and intercept of y against w, by centred sums (no n×2 matrix).
    if w.size < 2:
        return None
    wm, ym = float(w.mean()), float(y.mean())
    dw = w - wm
    den = float(dw @ dw)
    if den <= 0:
        return None
    slope = float(dw @ (y - ym)) / den
    b = ym - slope * wm
    a = b + slope
    return (a, b) if np.isfinite(a) and np.isfinite(b) else None


def sampled_ends(y: Array, w: Array, ctx: Context) -> tuple[float, float] | None:
    """:func:`_ends` of the sampled values ``y`` and weights ``w``, ``None`` unless they fit there roughly.

    Exact values give the same ends from any of their steps; a segment that is not of this shape is
    rejected at the cost of the sample (most segments tried span a breakpoint).
    """
    ends = _ends(y, w)
    if ends is None or not ctx.roughly(ends[1] + (ends[0] - ends[1]) * w, y):
        return None
    return ends


def two_ends(family: str, y: Array, w: Array, ctx: Context, times: A.Expr | None = None) -> list[Piece]:
    """``family(a→b)`` (times the modifier ``times``) whose value is ``b + (a − b)·w``, ``w`` the weight at
    the sampled steps."""
    ys = y[sample_steps(y.size)]
    ends = sampled_ends(ys, w, ctx)
    if ends is None:
        return []
    a, b = ends
    form = Form(family, ("a", "b"), times=times)
    return [Piece(family, form, {"a": a, "b": b}, y.size, approx=b + (a - b) * w, model=_ramp(w))]


def _ramp(w: Array) -> Callable[[Mapping[str, float]], Array]:
    """``b + (a − b)·w`` for given ``a``, ``b``."""
    return lambda v: v["b"] + (v["a"] - v["b"]) * w


def _sampled(y: Array) -> tuple[Array, Array]:
    """The sampled values and their steps ``u`` (as floats)."""
    at = sample_steps(y.size)
    return y[at], at.astype(np.float64)


def _progress(n: int) -> Array:
    """``p = u/n`` at the sampled steps of a segment of ``n``."""
    return sample_steps(n).astype(np.float64) / n


def const(y: Array, ctx: Context) -> list[Piece]:
    """The value halfway between the segment's extremes (float32 values of one constant scatter by an ulp)."""
    a = float(y[0]) if y.size < 3 else midway(y)
    return [Piece("const", Form("const", ("a",)), {"a": a}, y.size, approx=np.full(sample_steps(y.size).size, a))]


def midway(y: Array) -> float:
    """The value halfway between the extremes of ``y`` (without overflow near the largest floats)."""
    low, high = float(np.min(y)), float(np.max(y))
    return low / 2 + high / 2 if np.isinf(high - low) else low + (high - low) / 2


def linear(y: Array, ctx: Context) -> list[Piece]:
    """``a + (b − a)·p``, and its rival reading that reaches ``b`` on its last step (``inclusive=true``)."""
    if y.size < 2:
        return []
    return _both("linear", y, ctx, lambda p: 1.0 - p)


def cosine(y: Array, ctx: Context) -> list[Piece]:
    """``b + (a − b)·(1 + cos πp)/2``, and its rival reading that reaches ``b`` on its last step."""
    if y.size < 3:
        return []
    return _both("cosine", y, ctx, lambda p: (1.0 + np.cos(np.pi * p)) / 2.0)


def _both(family: str, y: Array, ctx: Context, weight: Callable[[Array], Array]) -> list[Piece]:
    """``family(a→b)`` with ``p = u/d``, then as a rival (the shorter numbers win) ``family(a→b, inclusive=true)``
    with ``p = u/(d − 1)`` (LANGUAGE.md §9.2: NumPy's ``linspace(a, b, d)``), ``d`` the segment's length."""
    out = two_ends(family, y, weight(_progress(y.size)), ctx)
    if y.size >= 3:
        p = sample_steps(y.size).astype(np.float64) / (y.size - 1)
        for piece in two_ends(family, y, weight(p), ctx):
            out.append(replace(piece, form=piece.form.with_fixed(inclusive=True), rival=True))
    return out


def sqrt(y: Array, ctx: Context) -> list[Piece]:
    """``a + (b − a)·√p``: the weight of ``a`` is ``1 − √p``."""
    if y.size < 3:
        return []
    return two_ends("sqrt", y, 1.0 - np.sqrt(_progress(y.size)), ctx)


def log(y: Array, ctx: Context) -> list[Piece]:
    """``a + (b − a)·ln(1 + u)/ln(1 + d)``: the weight of ``a`` is ``1 − ln(1 + u)/ln(1 + d)``."""
    if y.size < 3:
        return []
    u = sample_steps(y.size).astype(np.float64)
    return two_ends("log", y, 1.0 - np.log1p(u) / np.log1p(float(y.size)), ctx)


def exp(y: Array, ctx: Context) -> list[Piece]:
    """``a·(b/a)^p``: ``log|y|`` is linear in ``p`` (values non-zero, of one sign); then, as a rival,
    the same with ``p = u/(d − 1)`` (``inclusive=true``: ``np.geomspace(a, b, d)``)."""
    if y.size < 3 or not (np.all(y > 0) or np.all(y < 0)):
        return []
    form = Form("exp", ("a", "b"))
    out = [_exp(y, _progress(y.size), form)]
    if y.size >= 3:
        p = _inclusive(y.size)
        out.append(replace(_exp(y, p, form.with_fixed(inclusive=True)), rival=True))
    return out


def _exp(y: Array, p: Array, form: Form) -> Piece:
    sign = float(np.sign(y[0]))
    slope, icpt = np.polyfit(p, np.log(np.abs(y[sample_steps(y.size)])), 1)
    a, b = sign * float(np.exp(icpt)), sign * float(np.exp(icpt + slope))
    return Piece("exp", form, {"a": a, "b": b}, y.size, approx=sign * np.exp(icpt + slope * p))


def _inclusive(n: int) -> Array:
    """``p = u/(n − 1)`` at the sampled steps of a segment of ``n`` (LANGUAGE.md §9.2)."""
    return sample_steps(n).astype(np.float64) / (n - 1)


def poly(y: Array, ctx: Context) -> list[Piece]:
    """``b + (a − b)·(1 − p)^k`` for each power of :data:`POWERS` and one estimated from the curve; then,
    as rivals, each power of :data:`POWERS` with ``p = u/(d − 1)`` (``inclusive=true``)."""
    if y.size < 4:
        return []
    p = _progress(y.size)
    ys = y[sample_steps(y.size)]
    powers = list(POWERS)
    estimate = _power(ys, p)
    if estimate is not None:
        powers.append(estimate)
    form = Form("poly", ("a", "b"), named=(("power", "k"),))
    out = _polys(ys, p, powers, ctx, form, y.size)
    rivals = _polys(ys, _inclusive(y.size), list(POWERS), ctx, form.with_fixed(inclusive=True), y.size)
    return out + [replace(piece, rival=True) for piece in rivals]


def _polys(ys: Array, p: Array, powers: list[float], ctx: Context, form: Form, length: int) -> list[Piece]:
    """A ``poly`` piece of ``length`` steps for each power whose ends fit the sampled values ``ys`` roughly."""
    out = []
    for k in powers:
        w = (1.0 - p) ** k
        ends = sampled_ends(ys, w, ctx)
        if ends:
            a, b = ends
            numbers = {"a": a, "b": b, "k": k}
            out.append(Piece("poly", form, numbers, length, approx=b + (a - b) * w, model=_powered(p)))
    return out


POW_POWERS = (2.0, 3.0, 4.0, 1.5, 5.0)
"""``pow`` powers tried (``0.5`` is ``sqrt``, ``1`` is ``linear``)."""


def pow_(y: Array, ctx: Context) -> list[Piece]:
    """``pow(a→b, power=k)``: ``a + (b − a)·p^k``, the weight of ``a`` is ``1 − p^k`` (YOLOX's ``(t/W)²`` warm-up).

    Each power's rival reading ``p = u/(d − 1)`` (``inclusive=true``) follows it, computed only when the
    plain one fits roughly: ``p^k`` scaled is ``p^k`` times a constant, the same shape with another ``b``.
    """
    if y.size < 4:
        return []
    out = []
    for k in POW_POWERS:
        form = Form("pow", ("a", "b"), fixed=(("power", k),))
        plain = two_ends("pow", y, 1.0 - _progress(y.size) ** k, ctx)
        out += [replace(piece, form=form) for piece in plain]
        if plain:
            rivals = two_ends("pow", y, 1.0 - _inclusive(y.size) ** k, ctx)
            out += [replace(piece, form=form.with_fixed(inclusive=True), rival=True) for piece in rivals]
    return out


def _powered(p: Array) -> Callable[[Mapping[str, float]], Array]:
    """``b + (a − b)·(1 − p)^k`` for given ``a``, ``b``, ``k``."""
    return lambda v: v["b"] + (v["a"] - v["b"]) * (1.0 - p) ** v["k"]


def _power(y: Array, p: Array) -> float | None:
    """The power ``k`` minimising the least-squares residual (a golden-section search over 0.05 … 20)."""

    def residual(k: float) -> float:
        w = (1.0 - p) ** k
        ends = _ends(y, w)
        if ends is None:
            return float("inf")
        return float(np.sum((ends[1] + (ends[0] - ends[1]) * w - y) ** 2))

    k = _log_golden_min(residual, 0.05, 20.0, 60)
    return k if np.isfinite(k) else None


def cut(y: Array, ctx: Context) -> list[Piece]:
    """A ``cosine`` or ``poly`` whose own duration ``d`` is longer than the run leaves it (the last phase).

    ``d`` minimises the least-squares residual (golden-section search over ``L … 50L``), then is rounded.
    """
    if y.size < 4:
        return []
    ys, u = _sampled(y)

    def weight_of(power: float | None) -> Callable[[float, Array], Array]:
        def weight(d: float, u: Array = u) -> Array:
            p = np.minimum(u / d, 1.0)
            return (1.0 + np.cos(np.pi * p)) / 2.0 if power is None else (1.0 - p) ** power

        return weight

    weights = {"cosine": weight_of(None), **{f"poly:{k}": weight_of(k) for k in POWERS[:5]}}
    out = []
    for name, weight in weights.items():
        d = _best_duration(ys, u, y.size, weight)
        for dd in dict.fromkeys((round(d), round(d) - 1, round(d) + 1)):
            if dd <= y.size:
                continue
            w: Array = weight(float(dd), u)
            ends = _ends(ys, w)
            if ends is None:
                continue
            a, b = ends
            family, _, power = name.partition(":")
            form = Form("cosine", ("a", "b")) if not power else Form("poly", ("a", "b"), named=(("power", "k"),))
            numbers = {"a": a, "b": b, **({"k": float(power)} if power else {})}
            model = _ramp(w) if not power else _powered(np.minimum(u / dd, 1.0))
            out.append(Piece(family, form, numbers, y.size, approx=b + (a - b) * w, duration=dd, model=model))
    return out


def _best_duration(ys: Array, u: Array, n: int, weight: Callable[[float, Array], Array]) -> float:
    """The duration of the sampled values ``ys`` at steps ``u`` of a segment of ``n`` cut by the run."""

    def residual(d: float) -> float:
        w = weight(d, u)
        ends = _ends(ys, w)
        return float("inf") if ends is None else float(np.sum((ends[1] + (ends[0] - ends[1]) * w - ys) ** 2))

    return _log_golden_min(residual, n + 0.5, 50.0 * n, 50)


def _log_golden_min(residual: Callable[[float], float], low: float, high: float, rounds: int) -> float:
    """The minimiser of a unimodal ``residual`` on ``[low, high]``: golden-section search on a log scale."""
    lo, hi = np.log(low), np.log(high)
    g = (np.sqrt(5.0) - 1.0) / 2.0
    for _ in range(rounds):
        m1, m2 = hi - g * (hi - lo), lo + g * (hi - lo)
        if residual(float(np.exp(m1))) < residual(float(np.exp(m2))):
            hi = m2
        else:
            lo = m1
    return float(np.exp((lo + hi) / 2.0))
