"""``lrdsl explain``: the resolved phases of a lowered schedule, read off the IR."""

from __future__ import annotations

from dataclasses import dataclass

from lrdsl import ir
from lrdsl.interpreter import value_at
from lrdsl.ir import Lowered
from lrdsl.numbers import format_number

MAX_CYCLES_SHOWN = 12


@dataclass(frozen=True)
class Phase:
    """One row: nesting depth, global start and end step, values at both ends, what it is."""

    depth: int
    start: float
    end: float
    first: float
    last: float
    label: str


def phases(node: ir.Sched, total: float) -> list[Phase]:
    """The phases of ``node`` over ``[0, total)``, nested pieces indented; values from the interpreter."""
    walker = _Phases()
    walker.walk(node, 0.0, total, 0, "schedule")
    return walker.rows


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

    def _formula(self, node: ir.Formula, offset: float, length: float, depth: int, label: str) -> None:
        self._row(node, offset, length, depth, _label(node, label))

    _combine = _recur = _formula

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
        mult = format_number(float(node.mult))
        summary = (
            f"{node.count} cycle(s): first {format_number(float(node.period))} steps, "
            f"mult {mult}, decay {format_number(node.decay)}"
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

    def _offset(self, node: ir.Offset, offset: float, length: float, depth: int, label: str) -> None:
        summary = f"{_label(node.body, label)}, its clock {format_number(node.n)} steps ahead"
        self._row(node, offset, min(length, node.hi), depth, summary)

    def _quantize(self, node: ir.Quantize, offset: float, length: float, depth: int, label: str) -> None:
        at = "end" if node.at_end else "start"
        summary = f"{_label(node.body, label)} quantized every {format_number(node.q)} steps ({at} values)"
        self._row(node, offset, length, depth, summary)


def render(rows: list[Phase], total: int, spe: float | None, text: str) -> str:
    """The phases as a fixed-width table."""
    head = f"{text}\ntotal {total} steps" + (f", {format_number(spe)} steps per epoch" if spe else "")
    lines = [head, f"{'start':>10} {'end':>10} {'lr at start':>14} {'lr at end':>14}  phase"]
    for r in rows:
        lines.append(
            f"{_step(r.start):>10} {_step(r.end):>10} {r.first:>14.6g} {r.last:>14.6g}  {'  ' * r.depth}{r.label}"
        )
    return "\n".join(lines)


def _step(x: float) -> str:
    return format_number(round(x, 6))


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
