"""``lrdsl explain``: the resolved phases of a lowered schedule, read off the IR.

Every breakpoint is a row, in global steps (LANGUAGE.md §8.5): phases and restart cycles span
their steps; inside a phase, each milestone, step drop and quantize or ``recur`` interval is a
row whose start and end are the first step of the new value, with the values just before and at
it. A phase shows at most :data:`MAX_MARKS_SHOWN` of them; the last row says how many more follow.

Each row that spans steps also carries the values the run takes at its first two steps and its
last one (``step 0: 0, step 1: 4e-4 … step 249: 0.0996``): the ``lr at end`` column is where the
shape is heading (the next phase's first value for a warm-up), the last step is what it reaches.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from fractions import Fraction

from lrdsl import ir
from lrdsl.ir import Lowered
from lrdsl.ir.interpreter import value_at
from lrdsl.language.numbers import format_number

MAX_CYCLES_SHOWN = 12
MAX_MARKS_SHOWN = 12
"""Breakpoints shown inside one phase (milestones, drops); the last shown row counts the rest."""


@dataclass(frozen=True)
class Phase:
    """One row: nesting depth, global start and end step, values at both ends, what it is.

    ``steps`` are the run's values at the row's first two steps and its last one, ``(step, lr)``
    (empty for a breakpoint row, which spans no step).
    """

    depth: int
    start: float
    end: float
    first: float
    last: float
    label: str
    steps: tuple[tuple[int, float], ...] = ()


def phases(node: ir.Sched, total: float, with_steps: bool = False) -> list[Phase]:
    """The phases of ``node`` over ``[0, total)``, nested pieces indented; values from the interpreter.

    ``with_steps``: each row also carries the values at its first two steps and its last (``Phase.steps``).
    """
    walker = _Phases()
    walker.walk(node, 0.0, total, 0, "schedule")
    return _with_steps(node, walker.rows, total) if with_steps else walker.rows


def _with_steps(node: ir.Sched, rows: list[Phase], total: float) -> list[Phase]:
    """Each row spanning steps with the run's values at its first two steps and its last (one evaluation)."""
    from dataclasses import replace

    import numpy as np

    from lrdsl.ir.interpreter import evaluate_ir

    last = math.ceil(total) - 1
    wanted = [_shown_steps(r, last) for r in rows]
    every = sorted({s for w in wanted for s in w})
    if not every:
        return rows
    value = dict(zip(every, evaluate_ir(node, np.array(every, dtype=np.int64)).tolist()))
    return [replace(r, steps=tuple((s, value[s]) for s in w)) if w else r for r, w in zip(rows, wanted)]


def _shown_steps(row: Phase, last: int) -> list[int]:
    """The first two steps and the last one of ``row`` within the run (fewer when it spans fewer)."""
    lo, hi = max(math.ceil(row.start), 0), min(math.ceil(row.end) - 1, last)
    if row.end <= row.start or hi < lo:
        return []
    return sorted({lo, min(lo + 1, hi), hi})


def _label(node: ir.Sched, fallback: str) -> str:
    if isinstance(node, ir.Formula):
        return node.label or fallback
    if isinstance(node, ir.Clamp):
        return _label(node.body, fallback)
    return fallback


class _Phases(ir.Walker):
    """Rows for a node over ``[offset, offset + length)`` in global steps, at nesting ``depth``."""

    def __init__(self) -> None:
        self.rows: list[Phase] = []

    def _row(self, node: ir.Sched, offset: float, length: float, depth: int, label: str) -> None:
        first, last = value_at(node, 0.0), value_at(node, length)
        self.rows.append(Phase(depth, offset, offset + length, first, last, label))

    def _marks(self, node: ir.Sched, offset: float, length: float, depth: int) -> None:
        """A row per breakpoint inside ``node`` (its local time ``0 … length``), at ``depth``."""
        found = _Marks().walk(node, length)
        unique = sorted(set(found.points))  # a formula may read the same ⌈u/c⌉ twice
        points = unique[:MAX_MARKS_SHOWN]
        more = found.more + len(unique) - len(points)
        for j, (u, label, strict) in enumerate(points):
            at = offset + u
            step = float(math.floor(at) + 1 if strict else math.ceil(at))  # the first step of the new value
            if step - offset >= length:
                continue
            before, after = value_at(node, max(step - 1 - offset, 0.0)), value_at(node, step - offset)
            if j == len(points) - 1 and more:
                every = f", every {_step(found.every)} steps" if found.every else ""
                label = f"{label} (and {more} more{every})"
            self.rows.append(Phase(depth, step, step, before, after, label))

    def _formula(self, node: ir.Formula, offset: float, length: float, depth: int, label: str) -> None:
        self._row(node, offset, length, depth, _label(node, label))
        self._marks(node, offset, length, depth + 1)

    def _combine(self, node: ir.Combine, offset: float, length: float, depth: int, label: str) -> None:
        self._row(node, offset, length, depth, label)
        self._marks(node, offset, length, depth + 1)

    _recur = _combine

    def _clamp(self, node: ir.Clamp, offset: float, length: float, depth: int, label: str) -> None:
        self.walk(node.body, offset, min(length, node.hi), depth, label)

    def _seq(self, node: ir.Seq, offset: float, length: float, depth: int, label: str) -> None:
        bounds = [*node.breaks, length]
        for j, part in enumerate(node.parts):
            a, b = bounds[j], min(bounds[j + 1], length)
            if a >= length and j:
                break  # the run ends before this piece starts
            name = node.labels[j] if j < len(node.labels) else _label(part, f"phase {j + 1}")
            self.walk(part, offset + a, b - a, depth, name)

    def _cycles(self, node: ir.Cycles, offset: float, length: float, depth: int, label: str) -> None:
        mult = _value(float(node.mult))
        summary = (
            f"{node.count} cycle(s): first {_step(float(node.period))} steps, mult {mult}, decay {_value(node.decay)}"
        )
        self._row(node, offset, length, depth, summary)
        clock = ir.cycle_clock(node.period, node.mult)
        for i in range(min(node.count, MAX_CYCLES_SHOWN)):
            a, whole_end = clock.start(i), clock.span_of(i + 1)
            if a >= length and i:
                break
            b = min(whole_end, length)
            if i == 0:
                self.walk(node.body, offset, b - a, depth + 1, "cycle 1")
                continue
            # A cycle cut by the span ends where the span does; a whole one at its body's end.
            end = value_at(node, b) if whole_end > length else value_at(node.body, float(node.period)) * node.decay**i
            first = value_at(node, clock.first_time(i))
            self.rows.append(Phase(depth + 1, offset + a, offset + b, first, end, f"cycle {i + 1}"))

    def _unrolled(self, node: ir.Unrolled, offset: float, length: float, depth: int, label: str) -> None:
        self._cycles(node.cycles(), offset, length, depth, label)  # pieces of one restart: told as its cycles

    def _offset(self, node: ir.Offset, offset: float, length: float, depth: int, label: str) -> None:
        summary = f"{_label(node.body, label)}, its clock {_step(node.n)} steps ahead"
        self._row(node, offset, min(length, node.hi), depth, summary)
        self._marks(node, offset, min(length, node.hi), depth + 1)

    def _quantize(self, node: ir.Quantize, offset: float, length: float, depth: int, label: str) -> None:
        at = "end" if node.at_end else "start"
        summary = f"{_label(node.body, label)} quantized every {_step(float(node.q))} steps ({at} values)"
        self._row(node, offset, length, depth, summary)
        self._marks(node, offset, length, depth + 1)


@dataclass
class _Found:
    """Breakpoints ``(u, label, strict)`` in a node's local time (``strict``: the value changes just after
    ``u``), plus how many more a periodic one has beyond those listed, and its period."""

    points: list[tuple[float, str, bool]] = field(default_factory=list)
    more: int = 0
    every: float | None = None

    def add(self, other: _Found, shift: float = 0.0, below: float = math.inf) -> None:
        """``other``'s breakpoints moved by ``shift``, those in ``(0, below)``."""
        self.points += [(u + shift, lab, s) for u, lab, s in other.points if 0 < u + shift < below]
        self.more += other.more
        self.every = self.every or other.every

    def periodic(self, every: Fraction, length: float, label: str, strict: bool = False, first: int = 1) -> None:
        """A breakpoint at each multiple of the exact period ``every`` in ``(0, length)``: the first ones listed,
        numbered from ``first``, each at the least float not below ``k·every``."""
        count = max(0, math.ceil(Fraction(length) / every) - 1) if every > 0 and math.isfinite(length) else 0
        shown = min(count, MAX_MARKS_SHOWN)
        self.points += [(ir.least_float(k * every), f"{label} {k + first - 1}", strict) for k in range(1, shown + 1)]
        self.more += count - shown
        self.every = self.every or float(every)


class _Marks(ir.Walker):
    """Where a node's value jumps inside ``(0, length)``: milestones, step drops, quantize and recur steps.

    Restart cycles are not looked into (their rows are the cycles); a sequence's breaks are its pieces.
    """

    def _formula(self, node: ir.Formula, length: float) -> _Found:
        found = _Found()
        _arith_marks(node.expr, length, found)
        return found

    def _clamp(self, node: ir.Clamp, length: float) -> _Found:
        return self.walk(node.body, min(length, node.hi))  # type: ignore[no-any-return]

    def _seq(self, node: ir.Seq, length: float) -> _Found:
        found = _Found()
        bounds = [*node.breaks, length]
        for j, part in enumerate(node.parts):
            a, b = bounds[j], min(bounds[j + 1], length)
            if j and a < length:
                found.points.append((a, node.labels[j] if j < len(node.labels) else f"phase {j + 1}", False))
            if b > a:
                found.add(self.walk(part, b - a), a, length)
        return found

    def _combine(self, node: ir.Combine, length: float) -> _Found:
        found = _Found()
        for part in node.parts:
            found.add(self.walk(part, length), 0.0, length)
        return found

    def _cycles(self, node: ir.Cycles | ir.Unrolled, length: float) -> _Found:
        return _Found()

    _unrolled = _cycles

    def _quantize(self, node: ir.Quantize, length: float) -> _Found:
        found = _Found()
        found.periodic(node.q, min(length, node.hi), "interval")
        return found

    def _recur(self, node: ir.Recur, length: float) -> _Found:
        found = _Found()
        found.periodic(node.every, min(length, node.hi), "interval")
        return found

    def _offset(self, node: ir.Offset, length: float) -> _Found:
        found = _Found()
        found.add(self.walk(node.body, min(length, node.hi) + node.n), -node.n, min(length, node.hi))
        return found


def _arith_marks(e: ir.Arith, length: float, found: _Found) -> None:
    """Breakpoints of arithmetic of the local time ``u``: ``Count`` thresholds, ``⌊u/c⌋`` and ``⌈u/c⌉``."""
    if isinstance(e, ir.Count) and e.x == ir.Var("u"):
        found.points += [
            (ir.least_float(t), f"milestone {i + 1}", False) for i, t in enumerate(e.thresholds) if 0 < t < length
        ]
    elif isinstance(e, ir.FloorDiv) and e.x == ir.Var("u"):
        found.periodic(e.c, length, "drop")
    elif isinstance(e, ir.CeilDiv) and e.x == ir.Var("u"):
        found.periodic(e.c, length, "period", strict=True, first=2)
    for child in ir.children(e):
        _arith_marks(child, length, found)


def render(rows: list[Phase], total: int, spe: float | None, text: str) -> str:
    """The phases as a fixed-width table."""
    head = f"{text}\ntotal {total} steps" + (f", {_step(spe)} steps per epoch" if spe else "")
    lines = [head, f"{'start':>10} {'end':>10} {'lr at start':>14} {'lr at end':>14}  phase"]
    for r in rows:
        lines.append(
            f"{_step(r.start):>10} {_step(r.end):>10} {r.first:>14.6g} {r.last:>14.6g}  {'  ' * r.depth}{r.label}"
        )
        if r.steps:
            lines.append(f"{'':>52}  {'  ' * r.depth}  {steps_text(r.steps)}")
    return "\n".join(lines)


def steps_text(steps: tuple[tuple[int, float], ...]) -> str:
    """``step 0: 0, step 1: 4e-4 … step 249: 0.0996``: values to :data:`VALUE_DIGITS` significant digits;
    ``…`` where steps between are left out."""
    out = f"step {steps[0][0]}: {_value(steps[0][1])}"
    for (before, _), (s, v) in itertools.pairwise(steps):
        out += (", " if s == before + 1 else " … ") + f"step {s}: {_value(v)}"
    return out


VALUE_DIGITS = 6
"""Significant digits of a value in a row's text (a restart's mult and decay), as in the lr columns."""


def _step(x: float) -> str:
    """A step, or a number of steps, as the start and end columns show it: to 6 decimals."""
    return format_number(round(x, 6))


def _value(x: float) -> str:
    """A value as shown: :data:`VALUE_DIGITS` significant digits, in its shortest form."""
    return format_number(float(f"{x:.{VALUE_DIGITS}g}")) if math.isfinite(x) else format_number(x)


def boundaries(plan: Lowered) -> list[float]:
    """Global steps where a phase or restart cycle starts, plus the end of the run (sorted)."""
    marks = {0.0, float(plan.total)}
    for row in phases(plan.ir, plan.total):
        marks.update((row.start, row.end))
    return sorted(m for m in marks if 0 <= m <= plan.total)


def compact(plan: Lowered) -> str:
    """One line per phase, ``start–end  label``, the boundaries ``lrdsl plot`` marks."""
    rows = [f"{_step(r.start)}–{_step(r.end)}  {'  ' * r.depth}{r.label}" for r in phases(plan.ir, plan.total)]
    return "\n".join([*rows, "boundaries: " + ", ".join(_step(m) for m in boundaries(plan))])
