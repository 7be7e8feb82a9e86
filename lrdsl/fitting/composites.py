"""The composites ``onecycle``, ``cyclic`` and ``wsd`` (LANGUAGE.md §5) over the whole curve: one phase each.

Their numbers are read off the curve's landmarks, then spelled as briefly as stays exact (as
:meth:`Piece.simplified` does for a phase); an argument equal to its default is left out.

- ``onecycle(max, pct=q, div=k, final_div=f, anneal=…, three_phase=…)`` over ``N`` steps: from
  ``max/k`` up to ``max`` at step ``qN − 1`` (maybe between steps), down to ``max/k/f`` at ``N − 1``
  (three-phase: back to ``max/k`` at ``2qN − 2`` first). ``q`` is tried at round values whose peak
  step is within a step of the curve's largest value; ``max`` from the first two steps and ``q``.
- ``cyclic(a→b, half=h, mode=…, gamma=g)``: ``a`` the first value, ``h`` the first peak, ``b`` its
  value (``triangular``, ``triangular2``) or, with ``exp_range``, from the first two peaks:
  ``y(h) − a = (b − a)·gʰ`` and ``y(3h) − a = (b − a)·g³ʰ``.
- ``wsd(peak, warmup=w, decay=d, to=v, shape=…)``: starts at 0, reaches ``peak`` at ``w``, holds it
  until ``N − d``; ``to`` solves the last value of the decay (which ends a step after the run).
"""

from __future__ import annotations

import math

import numpy as np

from lrdsl.fitting.context import Array, Context
from lrdsl.fitting.piece import Form, Piece
from lrdsl.fitting.spelling import number, text
from lrdsl.language import build as B

DEFAULTS = {"pct": 0.3, "div": 25.0, "final_div": 1e4, "gamma": 1.0, "to": 0.0}
"""Arguments left out when their value is the default."""


def composites(y: Array, ctx: Context) -> str | None:
    """The first composite that reproduces the whole curve, or ``None``."""
    if y.size < 4 or ctx.unit:
        return None
    for candidates in (_onecycle, _cyclic, _wsd):
        for piece in candidates(y, ctx):
            if ctx.exhausted():
                return None
            done = piece.simplified(ctx, y, True) if piece.reproduces(ctx, y, True) else None
            if done is not None and done.plain() and not any("/" in text(s) for s in done.spelled.values()):
                # else the phases, with round numbers, read better
                return _without_defaults(done, ctx)
    return None


def _without_defaults(piece: Piece, ctx: Context) -> str:
    """The composite's text, each argument whose number is its default left out."""
    named = dict(piece.form.named)
    defaults = {h for k, h in named.items() if k in DEFAULTS and number(piece.spelled[h]) == DEFAULTS[k]}
    return piece.render(ctx, True, left_out=frozenset(defaults))


def _round_between(lo: float, hi: float) -> list[float]:
    """Round numbers in ``[lo, hi]``: multiples of 0.1, 0.05, 0.01, …, 1e-4, coarsest first."""
    out: list[float] = []
    for step in (0.1, 0.05, 0.01, 0.005, 1e-3, 5e-4, 1e-4):
        first, last = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
        out += [round(k * step, 6) for k in range(first, min(last, first + 20) + 1)]
    return list(dict.fromkeys(out))


def _onecycle(y: Array, ctx: Context) -> list[Piece]:
    n = y.size
    top = int(np.argmax(y))
    init, low = float(y[0]), float(y[-1])
    if not (0 < top < n - 1 and 0 < low < init < y[top]):  # up from max/div, down below it
        return []
    d = np.diff(y)
    if np.any(d[: top - 1] < 0) or np.any(d[top + 1 :] > 0):  # up, then down (by one or two phases)
        return []
    out = []
    for anneal in ("cosine", "linear"):
        estimate = _peak_step(y, top, anneal)
        pcts = [*_round_between(top / n, (top + 2.0) / n), (top + 1.0) / n]
        if estimate is not None:
            pcts.insert(0, (estimate + 1) / n)
        for pct in pcts:
            mark = pct * n - 1
            if not 0 < mark < n - 1:
                continue
            at = max(1, int(mark) // 2)  # halfway up: the rise's fraction r is well away from 0
            r = (1 - math.cos(math.pi * at / mark)) / 2 if anneal == "cosine" else at / mark
            on_step = abs(mark - top) < 1e-6
            peak = float(y[top]) if on_step else init + (float(y[at]) - init) / r
            if not peak > init:
                continue
            for three in (False, True):
                fixed: tuple[tuple[str, B.Given], ...] = (("anneal", "linear"),) if anneal == "linear" else ()
                fixed += (("three_phase", True),) if three else ()
                form = Form("onecycle", ("max",), named=tuple((k, k) for k in ("pct", "div", "final_div")), fixed=fixed)
                numbers = {"max": peak, "pct": pct, "div": peak / init, "final_div": init / low}
                out.append(Piece("onecycle", form, numbers, n))
    return out


def _peak_step(y: Array, top: int, anneal: str) -> float | None:
    """Where the rise peaks, maybe between steps (fastai's ``pct·N``): ``None`` when it cannot be read.

    A cosine rise over ``m`` steps has ``(y(2k) − y₀)/(y(k) − y₀) = 4·cos²(πk/2m)``; a linear rise
    meets the line of the first falling steps at ``m``.
    """
    y0 = float(y[0])
    if anneal == "cosine":
        k = max(1, top // 4)
        if 2 * k > top or y[k] == y0:
            return None
        half_cos = math.sqrt(max(0.0, min(1.0, (float(y[2 * k]) - y0) / (float(y[k]) - y0) / 4)))
        angle = 2 * math.acos(half_cos)
        return math.pi * k / angle if angle > 0 else None
    if top + 2 >= y.size:
        return None
    up, down = float(y[1]) - y0, float(y[top + 2]) - float(y[top + 1])
    if not up > 0 > down:
        return None
    return (float(y[top + 1]) - down * (top + 1) - y0) / (up - down)


def _cyclic(y: Array, ctx: Context) -> list[Piece]:
    a = float(y[0])
    rising = np.flatnonzero(np.diff(y) <= 0)
    if not rising.size:
        return []
    h = int(rising[0])  # the first step after which the curve does not rise
    if h < 1 or 3 * h >= y.size or not y[h] > a:
        return []
    out = []
    half = ("half", ctx.quantity(h))
    for mode in ("triangular", "triangular2"):
        fixed: tuple[tuple[str, B.Given], ...] = (half,) if mode == "triangular" else (half, ("mode", mode))
        out.append(Piece("cyclic", Form("cyclic", ("a", "b"), fixed=fixed), {"a": a, "b": float(y[h])}, y.size))
    ratio = (float(y[3 * h]) - a) / (float(y[h]) - a)
    if 0 < ratio < 1:
        g = ratio ** (1 / (2 * h))
        b = a + (float(y[h]) - a) / g**h
        form = Form("cyclic", ("a", "b"), named=(("gamma", "gamma"),), fixed=(half, ("mode", "exp_range")))
        out.append(Piece("cyclic", form, {"a": a, "b": b, "gamma": g}, y.size))
    return out


def _wsd(y: Array, ctx: Context) -> list[Piece]:
    n = y.size
    peak = float(np.max(y))
    if y[0] != 0 or not peak > 0:
        return []
    at_peak = np.flatnonzero(np.abs(y - peak) <= ctx.atol + ctx.rtol * peak)
    w, last = int(at_peak[0]), int(at_peak[-1])
    if last >= n - 2:  # no decay: a warm-up and a constant
        return []
    out = []
    for d in (n - last, n - last + 1, n - last + 2):
        if not (w >= 1 and d >= 2 and w + d < n - 1):
            continue  # a plateau of one step is a ramp that includes its end (``inclusive=true``)
        p = (d - 1) / d
        end = float(y[-1])
        weights = {"linear": 1 - p, "cosine": (1 + math.cos(math.pi * p)) / 2, "sqrt": 1 - math.sqrt(p)}
        tos = {s: (end - peak * wt) / (1 - wt) for s, wt in weights.items()}
        if end > 0:
            tos["exp"] = peak * (end / peak) ** (1 / p)
        for shape, to in tos.items():
            fixed: tuple[tuple[str, B.Given], ...] = (("warmup", ctx.quantity(w)), ("decay", ctx.quantity(d)))
            fixed += () if shape == "linear" else (("shape", shape),)
            form = Form("wsd", ("peak",), named=(("to", "to"),), fixed=fixed)
            out.append(Piece("wsd", form, {"peak": peak, "to": to}, n))
    return out
