"""Phases on a clock that runs ahead (``X * offset(n)``, LANGUAGE.md §8.1): tried when no plain family fits.

- ``rsqrt(a, warmup=n) * offset(n)``: ``y = a·√(n/(u + n))``, so ``1/y²`` is linear in ``u`` and
  ``n`` is its intercept over its slope (big_vision's ``a·√(T/(T+u))``; Noam and HF's inverse-sqrt
  after their warm-up, where ``n`` is the step the phase starts at).
- ``cosine(a→b, D) * offset(n)`` with ``n`` the step the phase starts at, or one less (a cosine on
  the clock of a warm-up after a first held step or epoch): a cosine on the run's clock after a
  warm-up (timm's ``warmup_prefix=False``), ending at ``D = n + L`` (its ``L`` steps) or a step later. Its weight ``(1 + cos(π(u + n)/D))/2`` is known, so ``a``, ``b`` are least squares.
- ``shape(a→b, D) * offset(n)`` for ``linear``, ``poly`` and ``pow`` (warm-ups included: ``a = 0``): the
  shape's values from its step ``n`` on, ``b + (a − b)·w((u + n)/D)`` with ``D = L + n`` (§8.1: the
  node spans ``D − n``; a flexible shape gets the span plus ``n``). The clocks tried (:func:`clocks`):
  the run's (``n`` the step the phase starts at, or one less) and, for a ramp from 0, the ``n`` its
  first two values give (``linear(0→0.1) * offset(2)``: a counter that starts at 2).
- ``exp_decay(a, rate=r, every=e) * offset(n)`` on the run's clock: ``a = y₀·r^(−n/e)``, kept when ``a``
  reads shorter than ``y₀`` (the plain decay is the same curve).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from lrdsl.fitting.context import Array, Context, sample_steps
from lrdsl.fitting.piece import Form, Piece, offset_by
from lrdsl.fitting.smooth import POW_POWERS, POWERS, sampled_ends, two_ends
from lrdsl.language import build as B


def _falling(k: float) -> Callable[[Array], Array]:
    """The weight of ``a`` in ``poly(a→b, power=k)``: ``(1 − p)^k``."""
    return lambda p: (1.0 - p) ** k


def _rising(k: float) -> Callable[[Array], Array]:
    """The weight of ``a`` in ``pow(a→b, power=k)``: ``1 − p^k``."""
    return lambda p: 1.0 - p**k


SHAPES: dict[str, tuple[Form, Callable[[Array], Array]]] = {
    "linear": (Form("linear", ("a", "b")), _falling(1.0)),
    **{f"poly:{k}": (Form("poly", ("a", "b"), fixed=(("power", k),)), _falling(k)) for k in POWERS[:5] if k != 1},
    **{f"pow:{k}": (Form("pow", ("a", "b"), fixed=(("power", k),)), _rising(k)) for k in POW_POWERS},
}
"""The shapes read on a clock ahead: the form and the weight of ``a`` at progress ``p``."""


def rsqrt_offset(y: Array, ctx: Context) -> list[Piece]:
    if y.size < 4 or not np.all(y > 0) or y[-1] >= y[0]:
        return []
    at = sample_steps(y.size)
    u = at.astype(np.float64)
    slope, icpt = np.polyfit(u, 1.0 / y[at] ** 2, 1)
    ahead = float(icpt / slope) if slope > 0 else float("nan")
    read = [round(ahead)] if 0 < ahead < 1e15 else []
    out = []
    for n in dict.fromkeys((*read, ctx.start)):
        if n >= 1:
            approx = y[0] * np.sqrt(n / (u + n))
            form = Form("rsqrt", ("a",), fixed=(("warmup", ctx.quantity(n)),), times=offset_by(n, ctx))
            out.append(Piece("rsqrt", form, {"a": float(y[0])}, y.size, approx=approx, offset=n, structural=(n,)))
    return out


def cosine_offset(y: Array, ctx: Context) -> list[Piece]:
    if y.size < 4 or ctx.start < 1:
        return []
    u = sample_steps(y.size).astype(np.float64)
    out = []
    for n, later in itertools.product((ctx.start, ctx.start - 1), (0, 1)):
        d = n + y.size + later
        if n < 1:
            continue
        w = (1.0 + np.cos(np.pi * (u + n) / d)) / 2.0
        for piece in two_ends("cosine", y, w, ctx, offset_by(n, ctx)):
            out.append(replace(piece, offset=n, duration=None if d == n + y.size else d))
    return out


def clocks(y: Array, ctx: Context) -> list[int]:
    """Steps ``n`` a shape's clock may run ahead: the run's (the step the phase starts at, or one less),
    and, for a ramp from 0 (``linear``, or ``pow`` of power ``k``: ``y^(1/k)`` rises by one step's worth
    each step), the ``n`` with ``y₀^(1/k) = n·(y₁^(1/k) − y₀^(1/k))``."""
    out = [n for n in (ctx.start, ctx.start - 1) if n >= 1]
    if y.size > 1 and y[0] > 0 and y[1] > y[0]:
        for k in (1.0, *POW_POWERS):
            z0, z1 = float(y[0]) ** (1 / k), float(y[1]) ** (1 / k)
            ahead = z0 / (z1 - z0)
            if 1 <= ahead < 1e12 and abs(ahead - round(ahead)) <= 1e-6 * ahead:
                out.append(round(ahead))
    return list(dict.fromkeys(out))


def shape_offset(y: Array, ctx: Context) -> list[Piece]:
    """``shape(a→b, L + n) * offset(n)`` for each shape of :data:`SHAPES` and each ``n`` of :func:`clocks`."""
    at = sample_steps(y.size)
    rises = np.diff(y[at])
    if y.size < 4 or not (np.all(rises >= 0) or np.all(rises <= 0)) or np.all(y == y[0]):
        return []  # every shape here is monotone: a segment across a breakpoint is rejected at once
    u, ys = at.astype(np.float64), y[at]
    coarse = max(1, at.size // 64)
    out = []
    run = {ctx.start, ctx.start - 1}
    for n, (family, (form, weight)) in itertools.product(clocks(y, ctx), SHAPES.items()):
        if family == "linear" and n in run:
            continue  # a linear on the run's clock is a plain linear from where it starts
        clock = offset_by(n, ctx)
        if sampled_ends(ys[::coarse], weight((u[::coarse] + n) / (y.size + n)), ctx) is None:
            continue  # not this shape on this clock, seen on a few of the sampled steps
        for piece in two_ends(family.partition(":")[0], y, weight((u + n) / (y.size + n)), ctx, clock):
            out.append(replace(piece, form=replace(form, times=clock), offset=n, structural=(n,)))
    return out


def decay_offset(y: Array, ctx: Context) -> list[Piece]:
    """``exp_decay(a, rate=r, every=e) * offset(n)`` on the run's clock, from the plain decay's rate and period."""
    from lrdsl.fitting.decays import exp_decay

    if ctx.start < 1:
        return []
    out = []
    seen = y[sample_steps(y.size)]
    decays = [p for p in exp_decay(y, ctx) if p.approx is not None and ctx.roughly(p.approx, seen)]
    for piece, n in itertools.product(decays, (ctx.start, ctx.start - 1)):
        every = piece.form.argument("every")  # a period in epochs is not read
        if n >= 1 and not (every is not None and ctx.unit):
            e = float(every.value) if isinstance(every, B.Quantity) else 1.0
            a = piece.numbers["a"] * piece.numbers["r"] ** (-n / e)
            form = replace(piece.form, times=offset_by(n, ctx))
            out.append(replace(piece, form=form, numbers={**piece.numbers, "a": a}, offset=n))
    return out
