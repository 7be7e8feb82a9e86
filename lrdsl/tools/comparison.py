"""``lrdsl compare``: where two schedules (expressions or recorded values) differ, step by step.

Steps ``t`` and ``t'`` agree when ``|a − b| ≤ atol + rtol·max(|a|, |b|)``. ``max_rel`` is the largest
``|a − b| / max(|a|, |b|)`` (0 where both are 0).

The steps are compared :data:`BLOCK` at a time, so a comparison of two expressions over 2·10⁸ steps
holds a few blocks in memory, not both curves: the result keeps every value only for runs of at
most :data:`KEEP_AT_MOST` steps, else the values at an even sample of :data:`SAMPLE` steps plus the
steps around the first difference.

When they differ and one side is an expression, :mod:`lrdsl.fitting.edits` names what differs (a
shift, a constant factor, step 0, a period, one phase) and the edit of that expression, verified by
evaluating it over the run. A run longer than :data:`KEEP_AT_MOST` steps is searched on a sample
(:func:`_search_sample`: its first and last :data:`HEAD` steps, :data:`AROUND` steps each side of
every phase boundary and of the first difference, the :data:`SAMPLE` even steps); the edit found there
is then verified over the whole run, a block at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from lrdsl.errors import LrdslError
from lrdsl.language.ast import Schedule, ScheduleSet
from lrdsl.logs.base import Curve
from lrdsl.run.args import RunArgs
from lrdsl.tools.values import checked_values

if TYPE_CHECKING:
    from lrdsl import ir
    from lrdsl.fitting.edits import Named
    from lrdsl.tools.explain import Phase

Side = str | Schedule | Curve | npt.ArrayLike
"""One side of a comparison: an expression (text or parsed), the values ``lr(0) … lr(N−1)``, or a
:class:`~lrdsl.logs.Curve` read from a log (compared at its steps)."""
SetSide = ScheduleSet | Mapping[str, object]
"""A schedule set as :func:`compare` takes it beside a :data:`Side` (a set's text is a ``str``)."""
Run = tuple[float | None, float | None, float | None]
"""``(steps_per_epoch, tokens_per_step, samples_per_step)``."""
NO_RUN: Run = (None, None, None)


def run_args(run: Run, total_steps: int | str | None = None) -> RunArgs:
    """``run`` (the rates) and ``total_steps`` as the run arguments everything else takes."""
    steps_per_epoch, tokens_per_step, samples_per_step = run
    return RunArgs(total_steps, steps_per_epoch, None, tokens_per_step, samples_per_step)


DEFAULT_TOLERANCE = (1e-9, 0.0)
"""``(rtol, atol)`` when none is given."""

BLOCK = 1_000_000
"""Steps compared at a time (each block holds a few float64 arrays of this length)."""
KEEP_AT_MOST = 1_000_000
"""Runs up to this many steps keep every value in the result (``a``, ``b``); longer ones a sample."""
SAMPLE = 20_000
"""Evenly spaced steps whose values a longer run keeps (for the report and ``compare -o``)."""
MAX_COMPARED = 1_000_000_000
"""The most steps of an expression compared (a bound on the work: 2·10⁸ steps take about 20 s)."""
CONTEXT = 3
"""Steps kept on each side of the first difference."""
HEAD = 2048
"""Steps at the start and at the end of a long run in the sample an edit is searched on."""
AROUND = 96
"""Steps on each side of a phase boundary and of the first difference in that sample (more than a
shift aligned by :mod:`lrdsl.fitting.edits` spans)."""
MAX_BOUNDARIES = 1000
"""Phase boundaries whose neighbourhoods that sample holds at most (the first ones)."""


@dataclass(frozen=True)
class PhaseCount:
    """How many of the steps ``[start, end)`` of one phase of A (from ``explain``) differ."""

    depth: int
    start: float
    end: float
    label: str
    differing: int


@dataclass(frozen=True)
class Comparison:
    """The result of :func:`compare`: ``first_step`` is ``None`` when every step agrees.

    ``a`` and ``b`` are the values at ``steps``: every step ``0 … total−1`` when ``total`` is at
    most :data:`KEEP_AT_MOST`, else an even sample of them and the steps around the first
    difference. ``labels`` name the sides: an expression's canonical text, else ``"A"`` or ``"B"``.
    """

    equal: bool
    max_abs: float
    max_rel: float
    first_step: int | None
    a_value: float | None
    b_value: float | None
    differing_steps: int
    phases: tuple[PhaseCount, ...] = ()
    a: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0), repr=False)
    b: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0), repr=False)
    rtol: float = 1e-9
    atol: float = 0.0
    steps: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64), repr=False)
    logged: int = 0
    """When a side is a log that gives only some steps: how many, the steps compared (``steps``)."""
    total: int = 0
    labels: tuple[str, str] = ("A", "B")
    difference: str = ""
    """What differs, when something simple explains it (:mod:`lrdsl.fitting.edits`): a shift, a factor, …"""
    suggestion: str | None = None
    """The whole corrected expression (of A, or of B when A is values), verified to equal the other side."""

    def differing(self) -> npt.NDArray[np.bool_]:
        """A mask of the kept steps (``steps``) that differ beyond the tolerance."""
        return _differ(self.a, self.b, self.rtol, self.atol)


class _Source:
    """One side, read a block or a few steps at a time: an expression lowered for the run, or values."""

    def __init__(self, side: Side, name: str, total: int, run: tuple[float | None, float | None, float | None]) -> None:
        from lrdsl.api import as_schedule, lower

        self.plan = None
        self.text = ""
        self.values: npt.NDArray[np.float64] | None = None
        if _is_expression(side):
            tree = as_schedule(side)  # type: ignore[arg-type]
            self.source = tree.source or str(tree)
            self.text = str(tree)
            self.plan = lower(tree, total, run[0], None, run[1], run[2])
            self.label = self.plan.text
        else:
            values = checked_values(side, f"{name} values")
            if values.size < total:
                raise LrdslError(f"{name} has {values.size} values but the comparison covers {total} steps")
            self.values, self.label = values, name

    def block(self, lo: int, hi: int) -> npt.NDArray[np.float64]:
        """The values of the steps ``lo … hi−1``."""
        if self.values is not None:
            return self.values[lo:hi]
        from lrdsl.ir.interpreter import evaluate_range

        return self._evaluated(lambda ir: evaluate_range(ir, lo, hi))

    def at(self, steps: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """The values of the sorted ``steps``."""
        if self.values is not None:
            return self.values[steps]
        from lrdsl.ir.interpreter import evaluate_ir

        return self._evaluated(lambda ir: evaluate_ir(ir, steps))

    def _evaluated(self, run: Callable[[ir.Sched], npt.NDArray[np.float64]]) -> npt.NDArray[np.float64]:
        assert self.plan is not None
        try:
            return run(self.plan.ir)
        except LrdslError as err:
            raise err.with_source(self.source) from None


def _is_expression(side: Side) -> bool:
    return isinstance(side, (str, Schedule))


def _total(side: Side, run: tuple[float | None, float | None, float | None]) -> int | None:
    from lrdsl.api import as_schedule, lower

    if _is_expression(side):
        tree = as_schedule(side)  # type: ignore[arg-type]  # a syntax error is reported as it is
        try:
            return lower(tree, None, run[0], None, run[1], run[2]).total
        except LrdslError:
            return None  # a flexible phase: the total must come from elsewhere
    return None


def _differ(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64], rtol: float, atol: float) -> npt.NDArray[np.bool_]:
    diff = np.abs(a - b)
    return np.asarray(diff > atol + rtol * np.maximum(np.abs(a), np.abs(b)))


def check_tolerances(rtol: float, atol: float, run: Run) -> None:
    """An :class:`LrdslError` for a tolerance or a run no comparison takes."""
    from lrdsl.api import check_run

    if not (np.isfinite(rtol) and np.isfinite(atol) and rtol >= 0 and atol >= 0):
        raise LrdslError("rtol and atol must be finite and not negative")
    check_run(run_args(run))


def compare_schedules(
    a: Side, b: Side, total_steps: int | str | None = None, run: Run = NO_RUN, rtol: float = 1e-9, atol: float = 0.0
) -> Comparison:
    """:func:`compare` of two schedules; ``run`` is ``(steps_per_epoch, tokens_per_step, samples_per_step)``."""
    from lrdsl.api import run_steps

    check_tolerances(rtol, atol, run)
    a, b = (s.values if isinstance(s, Curve) and s.dense else s for s in (a, b))
    if isinstance(a, Curve) or isinstance(b, Curve):
        return _at_logged_steps(a, b, total_steps, run, rtol, atol)
    total = _default_total(a, b, run) if total_steps is None else run_steps(run_args(run, total_steps))
    if total < 1:
        raise LrdslError("the comparison needs at least one step")
    if total > MAX_COMPARED and (_is_expression(a) or _is_expression(b)):
        raise LrdslError(
            f"comparing {total} steps is too much work (the limit is {MAX_COMPARED:.0e} steps)",
            hint="compare a shorter run (--steps), or the values at a sample of steps",
        )
    sa, sb = _Source(a, "A", total, run), _Source(b, "B", total, run)
    rows = _phase_rows(sa if sa.plan is not None else sb)
    bounds = np.array([[lo, hi] for lo, hi, _ in rows], dtype=np.int64).reshape(-1, 2)
    counts = np.zeros(len(rows), dtype=np.int64)
    max_abs = max_rel = 0.0
    first: int | None = None
    differing = 0
    for lo in range(0, total, BLOCK):
        hi = min(lo + BLOCK, total)
        av, bv = sa.block(lo, hi), sb.block(lo, hi)
        diff = np.abs(av - bv)
        scale = np.maximum(np.abs(av), np.abs(bv))
        bad = diff > atol + rtol * scale
        max_abs = max(max_abs, float(diff.max()))
        rel = np.divide(diff, scale, out=np.zeros_like(diff), where=scale > 0)
        max_rel = max(max_rel, float(rel.max()))
        found = int(np.count_nonzero(bad))
        if found and first is None:
            first = lo + int(np.argmax(bad))
        differing += found
        if found and rows:
            cumulative = np.concatenate([[0], np.cumsum(bad)])
            inside = np.clip(bounds - lo, 0, hi - lo)
            counts += cumulative[inside[:, 1]] - cumulative[inside[:, 0]]
    if total <= KEEP_AT_MOST:
        steps = np.arange(total, dtype=np.int64)
    else:
        steps = np.linspace(0, total - 1, SAMPLE).round().astype(np.int64)
        if first is not None:
            steps = np.union1d(steps, np.arange(max(first - CONTEXT, 0), min(first + CONTEXT + 1, total)))
    av, bv = sa.at(steps), sb.at(steps)
    at_first = None if first is None else int(np.searchsorted(steps, first))
    named = None if first is None else _named(sa, sb, av, bv, rows, run, rtol, atol, total, first)
    phases = tuple(
        PhaseCount(row.depth, row.start, row.end, row.label, int(n)) for (_, _, row), n in zip(rows, counts.tolist())
    )
    kept = _comparison(av, bv, steps, at_first, (rtol, atol), total, (max_abs, max_rel), differing, phases)
    difference, suggestion = ("", None) if named is None else (named.difference, named.suggestion)
    return replace(kept, labels=(sa.label, sb.label), difference=difference, suggestion=suggestion)


def _comparison(
    av: npt.NDArray[np.float64],
    bv: npt.NDArray[np.float64],
    steps: npt.NDArray[np.int64],
    at: int | None,
    tolerance: tuple[float, float],
    total: int,
    maxima: tuple[float, float],
    differing: int,
    phases: tuple[PhaseCount, ...],
) -> Comparison:
    """The comparison of values ``av`` and ``bv`` kept at ``steps``, ``at`` the index of the first difference.

    ``tolerance`` is ``(rtol, atol)``, ``maxima`` the largest ``|a − b|`` and ``|a − b|/max(|a|, |b|)``
    over every step compared, ``differing`` how many differ.
    """
    rtol, atol = tolerance
    return Comparison(
        equal=at is None,
        max_abs=maxima[0],
        max_rel=maxima[1],
        first_step=None if at is None else int(steps[at]),
        a_value=None if at is None else float(av[at]),
        b_value=None if at is None else float(bv[at]),
        differing_steps=differing,
        phases=phases,
        a=av,
        b=bv,
        rtol=rtol,
        atol=atol,
        steps=steps,
        total=total,
    )


def _named(
    sa: _Source,
    sb: _Source,
    av: npt.NDArray[np.float64],
    bv: npt.NDArray[np.float64],
    rows: list[tuple[int, int, Phase]],
    run: tuple[float | None, float | None, float | None],
    rtol: float,
    atol: float,
    total: int,
    first: int,
) -> Named | None:
    """What differs and the edit of the expression (A, else B) that gives the other side; ``None`` for two curves."""
    from lrdsl.fitting.edits import Problem, Sides, name_difference

    if sa.plan is None and sb.plan is None:
        return None
    e, other = (sa, sb) if sa.plan is not None else (sb, sa)
    names = ("A", "B") if e is sa else ("B", "A")
    if av.size == total:
        x, y = (av, bv) if e is sa else (bv, av)
        problem = Problem(e.text, x, y, run, rtol, atol, names)
    else:
        steps = _search_sample(total, first, rows)
        sides = Sides(e.at, other.block)
        problem = Problem(e.text, e.at(steps), other.at(steps), run, rtol, atol, names, steps, total, sides)
    return name_difference(problem, [(lo, hi, row.label) for lo, hi, row in rows if row.depth == 0])


def _search_sample(total: int, first: int, rows: list[tuple[int, int, Phase]]) -> npt.NDArray[np.int64]:
    """The sorted steps a long run is searched on for an edit: the first and last :data:`HEAD`, those
    within :data:`AROUND` of the first difference and of each phase boundary, and :data:`SAMPLE` even ones."""
    marks = [first] + [b for lo, hi, _ in rows[:MAX_BOUNDARIES] for b in (lo, hi)]
    near = (np.arange(m - AROUND, m + AROUND + 1) for m in marks)
    parts = [np.arange(HEAD), np.arange(total - HEAD, total), np.linspace(0, total - 1, SAMPLE).round(), *near]
    steps = np.unique(np.concatenate(parts).astype(np.int64))
    return steps[(steps >= 0) & (steps < total)]


def _default_total(a: Side, b: Side, run: tuple[float | None, float | None, float | None]) -> int:
    lengths = [checked_values(s, n + " values").size for s, n in ((a, "A"), (b, "B")) if not _is_expression(s)]
    if lengths:
        if len(set(lengths)) > 1:
            raise LrdslError(
                f"A has {lengths[0]} values and B {lengths[1]}", hint="give --steps to compare the first N"
            )
        return lengths[0]
    totals = [t for t in (_total(a, run), _total(b, run)) if t is not None]
    if not totals:
        raise LrdslError("neither schedule has a length of its own", hint="give the run's length with --steps")
    return max(totals)


def _phase_rows(side: _Source) -> list[tuple[int, int, Phase]]:
    """The phases of A (of B when A is values; none when both are values) that span steps: each with
    its first step and the step after its last, ``[⌈start⌉, ⌈end⌉)`` within the run. A breakpoint row
    of ``explain`` (a milestone: ``start = end``) spans none and is left out."""
    from lrdsl.tools.explain import phases

    if side.plan is None:
        return []
    total = side.plan.total
    out: list[tuple[int, int, Phase]] = []
    for row in phases(side.plan.ir, total):
        lo, hi = (min(max(int(np.ceil(x)), 0), total) for x in (row.start, row.end))
        if row.end > row.start:
            out.append((lo, hi, row))
    return out


def _at_logged_steps(
    a: Side,
    b: Side,
    total_steps: int | str | None,
    run: tuple[float | None, float | None, float | None],
    rtol: float,
    atol: float,
) -> Comparison:
    """:func:`compare` at the steps of a log that gives only some (a :class:`Curve` that is not dense): an
    expression is evaluated at those steps, another log must give the same ones."""
    from lrdsl.api import run_steps
    from lrdsl.ir.interpreter import evaluate_ir

    log = a if isinstance(a, Curve) else b
    assert isinstance(log, Curve)
    steps = log.steps
    other = b if log is a else a
    if isinstance(other, Curve):
        if not np.array_equal(other.steps, steps):
            raise LrdslError("the two logs give different steps", hint="compare each with an expression")
    elif not _is_expression(other):
        raise LrdslError("a log that gives only some steps is compared with an expression or another log")
    last = int(steps[-1]) + 1
    if total_steps is not None:
        total = run_steps(run_args(run, total_steps))
    else:
        total = (_total(other, run) if _is_expression(other) else None) or last
    if last > total:
        raise LrdslError(f"the log gives step {last - 1}, past the comparison's {total} steps")
    side = _Source(other, "B" if log is a else "A", total, run) if _is_expression(other) else None
    theirs = side._evaluated(lambda ir: evaluate_ir(ir, steps)) if side is not None else _log_values(other)
    av, bv = (log.values, theirs) if log is a else (theirs, log.values)
    diff = np.abs(av - bv)
    scale = np.maximum(np.abs(av), np.abs(bv))
    bad = diff > atol + rtol * scale
    rel = np.divide(diff, scale, out=np.zeros_like(diff), where=scale > 0)
    at = int(np.argmax(bad)) if bad.any() else None
    rows = _phase_rows(side) if side is not None else []
    phases = tuple(
        PhaseCount(row.depth, row.start, row.end, row.label, int(np.count_nonzero(bad[(steps >= lo) & (steps < hi)])))
        for lo, hi, row in rows
    )
    maxima = (float(diff.max()), float(rel.max()))
    kept = _comparison(av, bv, steps, at, (rtol, atol), total, maxima, int(np.count_nonzero(bad)), phases)
    labels = (
        side.label if side is not None and log is b else "A",
        side.label if side is not None and log is a else "B",
    )
    return replace(kept, labels=labels, logged=int(steps.size))


def _log_values(side: Side) -> npt.NDArray[np.float64]:
    """The values of a side that is a log."""
    assert isinstance(side, Curve)
    return side.values
