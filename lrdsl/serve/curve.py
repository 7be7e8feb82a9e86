"""A schedule's curve drawn with at most ``points`` buckets, each bucket's smallest and largest value kept.

A plot of ``N`` steps on a page ``W`` pixels wide needs, per pixel column, the values' lowest and
highest (min/max-preserving down-sampling): a spike of one step stays visible. Over ``[0, N)`` cut
into ``B = min(points, N)`` buckets of whole steps:

* ``N ≤ EXACT_STEPS``: every step is evaluated (in chunks of ``CHUNK`` steps, so memory stays
  bounded) and each bucket's minimum and maximum are exact;
* longer runs: each bucket's extremes come from the IR's interval analysis (:mod:`lrdsl.ir.ranges`)
  tightened by exact values. For a bucket ``[a, b]`` the analysis gives a box ``[L, H]`` containing
  every value; the exact values at ``PROBES`` evenly spread steps (its ends included) give ``m ≤ min`` and ``M ≥ max`` of
  what was seen. The true minimum lies in ``[L, m]`` and the true maximum in ``[M, H]``; a bucket
  whose gaps ``m − L`` or ``H − M`` exceed ``tolerance = TOL · (max − min of the whole curve)`` is
  halved and each half treated alike, at most ``MAX_SPLITS`` halvings for the whole curve. The shown
  extremes are exact values of the schedule, within ``tolerance`` of the true ones wherever the
  halvings sufficed (``exact`` says whether they did: a hundredth of a pixel at 1,000 pixels; else
  ``note`` gives the largest gap left).
* a piece the analysis cannot bound (``fn(...)``, ``recur(...)``) is sampled at ``SAMPLES`` evenly
  spread steps per bucket instead, and the result says so (``note``).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from lrdsl import ir
from lrdsl.ir import ranges
from lrdsl.ir.interpreter import evaluate_ir, evaluate_range

EXACT_STEPS = 20_000_000
CHUNK = 1_000_000
TOL = 1e-4
MAX_SPLITS = 300
PROBES = 9
SAMPLES = 64


@dataclass
class Curve:
    """Per bucket: its first step, and the smallest and largest value over it (and at which steps)."""

    start: list[int] = field(default_factory=list)
    lo: list[float] = field(default_factory=list)
    hi: list[float] = field(default_factory=list)
    lo_at: list[int] = field(default_factory=list)
    hi_at: list[int] = field(default_factory=list)
    exact: bool = True
    note: str | None = None

    def polyline(self) -> tuple[list[int], list[float]]:
        """Steps and values to draw in order: each bucket's two extremes, in the order they occur."""
        steps: list[int] = []
        values: list[float] = []
        for lo, hi, lo_at, hi_at in zip(self.lo, self.hi, self.lo_at, self.hi_at, strict=True):
            pairs = [(lo_at, lo), (hi_at, hi)] if lo_at <= hi_at else [(hi_at, hi), (lo_at, lo)]
            for step, value in pairs if lo != hi else pairs[:1]:
                steps.append(step)
                values.append(value)
        return steps, values


def edges(start: int, stop: int, points: int) -> npt.NDArray[np.int64]:
    """``B + 1`` increasing whole-step edges from ``start`` to ``stop``, ``B = min(points, stop − start)``."""
    buckets = max(1, min(points, stop - start))
    return np.unique(np.linspace(start, stop, buckets + 1).round().astype(np.int64))


def curve(node: ir.Sched, start: int, stop: int, points: int) -> Curve:
    """The min/max-preserving curve of ``node`` over steps ``[start, stop)`` in at most ``points`` buckets."""
    cuts = edges(start, stop, points)
    if stop - start <= EXACT_STEPS:
        return _exact(node, cuts)
    return _bounded(node, cuts)


def _exact(node: ir.Sched, cuts: npt.NDArray[np.int64]) -> Curve:
    """Every step evaluated, chunk by chunk; each bucket's exact extremes and where they are."""
    out = Curve()
    for a, b in zip(cuts[:-1].tolist(), cuts[1:].tolist(), strict=True):
        lo, hi, lo_at, hi_at = np.inf, -np.inf, a, a
        for c in range(a, b, CHUNK):
            v = evaluate_range(node, c, min(b, c + CHUNK))
            i, j = int(np.argmin(v)), int(np.argmax(v))
            if v[i] < lo:
                lo, lo_at = float(v[i]), c + i
            if v[j] > hi:
                hi, hi_at = float(v[j]), c + j
        _append(out, a, lo, hi, lo_at, hi_at)
    return out


def _append(out: Curve, start: int, lo: float, hi: float, lo_at: int, hi_at: int) -> None:
    out.start.append(start)
    out.lo.append(lo)
    out.hi.append(hi)
    out.lo_at.append(lo_at)
    out.hi_at.append(hi_at)


@dataclass(order=True)
class _Span:
    """A step range ``[a, b]`` with the extremes seen at its probe steps and its interval box."""

    gap: float
    a: int = field(compare=False)
    b: int = field(compare=False)
    seen: tuple[float, int, float, int] = field(compare=False)
    box: tuple[float, float] = field(compare=False)


def _probe(node: ir.Sched, a: int, b: int) -> tuple[float, int, float, int, tuple[float, float] | None]:
    """Exact values at ``PROBES`` evenly spread steps from ``a`` to ``b``; the box of every value in ``[a, b]`` (``None``: unbounded)."""
    at = np.unique(np.linspace(a, b, PROBES).round().astype(np.int64))
    v = evaluate_ir(node, at)
    i, j = int(np.argmin(v)), int(np.argmax(v))
    box = ranges.sched(node, float(a), float(b))
    return float(v[i]), int(at[i]), float(v[j]), int(at[j]), box


def _bounded(node: ir.Sched, cuts: npt.NDArray[np.int64]) -> Curve:
    """Each bucket's extremes from interval boxes, halving the loosest buckets (best first) within budget."""
    buckets: list[list[_Span]] = []
    sampled = False
    for a, b in zip(cuts[:-1].tolist(), (cuts[1:] - 1).tolist(), strict=True):
        lo, lo_at, hi, hi_at, box = _probe(node, a, b)
        if box is None:
            lo, lo_at, hi, hi_at = _sampled(node, a, b)
            box, sampled = (lo, hi), True
        buckets.append([_Span(0.0, a, b, (lo, lo_at, hi, hi_at), box)])
    seen_lo = min(s.seen[0] for spans in buckets for s in spans)
    seen_hi = max(s.seen[2] for spans in buckets for s in spans)
    tolerance = TOL * max(seen_hi - seen_lo, abs(seen_hi), 1e-300)
    heap: list[tuple[float, int, _Span]] = []
    for k, spans in enumerate(buckets):
        _push(heap, k, spans[0])
    splits = 0
    while heap and -heap[0][0] > tolerance and splits < MAX_SPLITS:
        _, k, span = heapq.heappop(heap)
        buckets[k] = [s for s in buckets[k] if s is not span]
        mid = (span.a + span.b) // 2
        for a, b in ((span.a, mid), (mid + 1, span.b)):
            lo, lo_at, hi, hi_at, box = _probe(node, a, b)
            half = _Span(0.0, a, b, (lo, lo_at, hi, hi_at), box or (lo, hi))
            buckets[k].append(half)
            if a < b:
                _push(heap, k, half)
        splits += 1
    out = Curve(exact=not heap or -heap[0][0] <= tolerance)
    for k, spans in enumerate(buckets):
        lo_span = min(spans, key=lambda s: s.seen[0])
        hi_span = max(spans, key=lambda s: s.seen[2])
        _append(out, int(cuts[k]), lo_span.seen[0], hi_span.seen[2], lo_span.seen[1], hi_span.seen[3])
    if sampled:
        out.exact = False
        out.note = f"fn/recur pieces are sampled at {SAMPLES} steps per bucket: a spike between samples may not show"
    elif not out.exact:
        out.note = (
            f"extremes are values seen at sampled steps; the true ones may lie up to {-heap[0][0]:.3g} beyond them"
        )
    return out


def _push(heap: list[tuple[float, int, _Span]], k: int, span: _Span) -> None:
    lo, _, hi, _ = span.seen
    gap = max(lo - span.box[0], span.box[1] - hi, 0.0)
    span.gap = gap
    heapq.heappush(heap, (-gap, k, span))


def _sampled(node: ir.Sched, a: int, b: int) -> tuple[float, int, float, int]:
    """Extremes over ``SAMPLES`` evenly spread steps of ``[a, b]``."""
    at = np.unique(np.linspace(a, b, SAMPLES).round().astype(np.int64))
    v = evaluate_ir(node, at)
    i, j = int(np.argmin(v)), int(np.argmax(v))
    return float(v[i]), int(at[i]), float(v[j]), int(at[j])


def downsample(steps: npt.NDArray[np.int64], values: npt.NDArray[np.float64], points: int) -> Curve:
    """A recorded curve (values at increasing ``steps``) in at most ``points`` buckets of equal counts, extremes kept."""
    out = Curve()
    cuts = np.unique(np.linspace(0, values.size, max(1, min(points, values.size)) + 1).round().astype(np.int64))
    for a, b in zip(cuts[:-1].tolist(), cuts[1:].tolist(), strict=True):
        i, j = a + int(np.argmin(values[a:b])), a + int(np.argmax(values[a:b]))
        _append(out, int(steps[a]), float(values[i]), float(values[j]), int(steps[i]), int(steps[j]))
    return out
