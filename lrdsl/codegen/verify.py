"""``gen`` refuses what ``evaluate`` refuses: a schedule that is NaN or infinite at some step.

``evaluate`` refuses a schedule at the steps where its value (or a phase's) is not finite;
``gen`` prints code for every step ``t ≥ 0``, and past the run's end the value at step
``total`` holds, so it checks the steps ``0 … total``, with the interpreter's own error:

1. a proof by interval bounds (:mod:`lrdsl.ir.ranges`) that every value over
   ``[0, total]`` is finite: the common case, whatever the length of the run;
2. otherwise every step, with the interpreter, when the run has at most :data:`EXACT` steps
   (the error then names the first failing step, as ``lrdsl eval`` over the run does);
3. otherwise branch and bound, earliest steps first: a range of steps that the bounds cannot
   prove finite is halved, and one of at most :data:`LEAF` steps is evaluated step by step;
   then the phase boundaries of the top-level sequence (each first step and its neighbours);
   after :data:`BOXES` bounds or :data:`EXACT` evaluated steps, the ranges still unproven are
   checked at :data:`SAMPLE` steps spread over them. A pole at one step
   (``fn(1/(u − 123456789))``) is found in a run of 10¹² steps; a value that the bounds cannot
   follow all along a very long run (``1/sin(u + 0.5)``) is checked on its first 2²⁰ steps
   and sampled after.

Parameters are checked at their values (``--set``); when one has no value the numbers depend on
the caller and nothing is checked. A ``recur`` table is checked as ``evaluate`` checks it, up
to :data:`~lrdsl.ir.interpreter.MAX_RECUR` intervals (under a microsecond each); a longer one, which
``evaluate`` refuses outright, on its first :data:`RECUR` intervals.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable, Iterator
from fractions import Fraction

import numpy as np

import lrdsl.ir.ranges as ranges
from lrdsl import ir
from lrdsl.errors import LrdslError, Span
from lrdsl.ir import Lowered
from lrdsl.ir import bind_params as bind
from lrdsl.ir.interpreter import MAX_RECUR, evaluate_ir, evaluate_range, recur_table

EXACT = 1 << 20
"""The most steps evaluated one by one (about 30 ms of the interpreter)."""
LEAF = 1 << 12
"""A range of steps at most this long is evaluated rather than split."""
BOXES = 4096
"""The most interval bounds computed for one schedule (fewer for a large schedule)."""
SAMPLE = 1 << 16
"""Steps sampled over what neither the bounds nor the step-by-step budget covered."""
INT32_MAX = 2**31 - 1
RECUR = 1 << 16
"""The intervals checked of a ``recur`` table longer than the interpreter's limit."""


def check(plan: Lowered) -> None:
    """Raise the interpreter's :class:`~lrdsl.errors.LrdslError` if ``plan`` is not finite at some step."""
    values = {name: value for name, value in plan.arguments if value is not None}
    if len(values) < len(plan.arguments):
        return
    node: ir.Sched = _truncated(bind(plan.ir, values) if values else plan.ir)  # binding rebuilds every node
    last = plan.total
    if ranges.sched(node, 0.0, float(last), _table) is not None:
        return
    if last < EXACT:
        evaluate_range(node, 0, last + 1)  # as `lrdsl eval` over the run: the first failing step
        return
    left = _search(node, last, max(16, BOXES * 64 // max(64, _size(node))))
    evaluate_ir(node, sorted({s for s in _boundaries(node, 0.0) if 0 <= s <= last} | {0, last}))
    if left:
        evaluate_ir(node, _spread(left))


def float32_period(c: Fraction, what: str) -> None:
    """Refuse a period ``c = p/q`` (reduced, not whole) whose change steps int32 code cannot place exactly.

    Float32 targets compute ``⌊u/c⌋`` of the int32 step as ``(u // p)·q + ((u mod p)·q) // p``: exact for
    every step below 2**31 when ``p·q < 2**31`` and ``c > 1`` (LANGUAGE.md §9.4).
    """
    p, q = c.numerator, c.denominator
    if p * q <= INT32_MAX and p > q:
        return
    raise LrdslError(
        f"{what} of {float(c)!r} steps (= {p}/{q}) has no exact change steps in float32 code",
        hint="float32 targets (optax, keras) need a period above one step whose reduced fraction p/q has "
        "p·q < 2**31: round it, or use the python, torch or paddle target",
    )


Checked = Callable[[int, np.ndarray], None]
"""Reads the values of steps ``first …`` (and raises where they are refused)."""


def _search(
    node: ir.Sched, last: int, boxes: int, limit: float = math.inf, checked: Checked | None = None
) -> list[tuple[int, int]]:
    """Branch and bound over the steps ``0 … last``, earliest first; the ranges left unproven.

    A range is proven when its bounds are finite and within ``±limit``; a short one is evaluated
    and handed to ``checked(first_step, values)``.
    """
    stack = [(0, last)]
    budget = EXACT
    left: list[tuple[int, int]] = []
    while stack:
        a, b = stack.pop()
        if boxes <= 0:
            left.append((a, b))
            continue
        boxes -= 1
        if _within(ranges.sched(node, float(a), float(b), _table), limit):
            continue
        if b - a < LEAF:
            if b - a + 1 <= budget:
                budget -= b - a + 1
                values = evaluate_range(node, a, b + 1)
                if checked is not None:
                    checked(a, values)
            else:
                left.append((a, b))
            continue
        mid = (a + b) // 2
        stack.extend([(mid + 1, b), (a, mid)])
    return left


def _within(box: ranges.Box | None, limit: float) -> bool:
    """``box`` is known and inside ``[−limit, limit]``."""
    return box is not None and -limit <= box[0] and box[1] <= limit


FLOAT32_MAX = float(np.finfo(np.float32).max)
"""The largest float32 (about 3.4e38): beyond it float32 code computes ``inf``."""


def check_float32(plan: Lowered, target: str) -> None:
    """Refuse, for a float32 target, a constant or a value of the schedule beyond float32's range.

    Its code would compute ``inf`` (or a NaN from it) where the interpreter computes a finite
    float64: a constant ``|c| > FLOAT32_MAX`` anywhere in the IR, or a value ``|lr(t)| >
    FLOAT32_MAX`` at some step ``0 … total`` (found as :func:`check` finds a value that is not
    finite: bounds, then steps). A value that underflows to 0 (or a float32 subnormal) on its way
    to 0 is accepted: float32 rounds it to its nearest, as every framework does.
    """
    values = {name: value for name, value in plan.arguments if value is not None}
    node: ir.Sched = bind(plan.ir, values) if values and len(values) == len(plan.arguments) else plan.ir
    _float32_constants(node, target)
    if len(values) < len(plan.arguments):
        return
    node = _truncated(node)
    last = plan.total

    def checked(first: int, found: np.ndarray) -> None:
        beyond = np.flatnonzero(np.abs(found) > FLOAT32_MAX)
        if beyond.size:
            step, value = first + int(beyond[0]), float(found[beyond[0]])
            raise LrdslError(
                f"the schedule is {value:.4g} at step {step}, beyond float32's range (±3.4e38): the"
                f" {target} code would compute inf there",
                hint=_FLOAT32_HINT,
            )

    if _within(ranges.sched(node, 0.0, float(last), _table), FLOAT32_MAX):
        return
    if last < EXACT:
        checked(0, evaluate_range(node, 0, last + 1))
        return
    left = _search(node, last, max(16, BOXES * 64 // max(64, _size(node))), FLOAT32_MAX, checked)
    for steps in (sorted({s for s in _boundaries(node, 0.0) if 0 <= s <= last} | {0, last}), _spread(left)):
        if len(steps):
            order = np.asarray(steps, dtype=np.float64)
            found = evaluate_ir(node, order)
            beyond = np.flatnonzero(np.abs(found) > FLOAT32_MAX)
            if beyond.size:
                checked(int(order[beyond[0]]), found[beyond[0] :])


def _float32_constants(node: ir.Sched, target: str) -> None:
    """Refuse a finite constant ``|c| > FLOAT32_MAX`` anywhere in ``node``, at the span of its formula."""
    for const, origin in _constants(node, None):
        if math.isfinite(const) and abs(const) > FLOAT32_MAX:
            raise LrdslError(
                f"the constant {const:.4g} is beyond float32's range (±3.4e38): the {target} code would compute inf",
                span=Span(*origin) if origin else None,
                hint=_FLOAT32_HINT,
            )


_FLOAT32_HINT = "scale the schedule into float32's range, or generate float64 code: --target python, torch or paddle"


def _spread(left: list[tuple[int, int]]) -> np.ndarray:
    """:data:`SAMPLE` steps spread over the ranges ``left`` (in proportion to their lengths)."""
    if not left:
        return np.empty(0)
    width = sum(b - a + 1 for a, b in left)
    steps = [np.linspace(a, b, max(2, SAMPLE * (b - a + 1) // width)).round() for a, b in left]
    return np.unique(np.concatenate(steps))


def _constants(node: object, origin: tuple[int, int] | None) -> Iterator[tuple[float, tuple[int, int] | None]]:
    """Every constant of the IR under ``node``, with the span of the formula it is in."""
    if isinstance(node, ir.Const):
        yield node.value, origin
    if isinstance(node, (ir.Formula, ir.Recur)):
        origin = node.origin or origin
    for child in ir.children(node):
        yield from _constants(child, origin)


BLOCK = 1024
"""Intervals of a ``recur`` table summarised by one least and one greatest value."""


@functools.lru_cache(maxsize=8)
def _table(node: ir.Recur) -> tuple[int, ranges.Extremes]:
    """The table's length and its extremes over a range of intervals, in O(``BLOCK`` + length/``BLOCK``).

    The branch and bound asks for thousands of ranges of one table (a million intervals): the
    extremes of whole blocks are computed once, so a range costs its two partial blocks and one
    pass over the blocks between (a list of a million floats per range took 9 s for one ``gen``).
    """
    values = recur_table(node)
    n = values.size
    blocks = np.pad(values, (0, -n % BLOCK), mode="edge").reshape(-1, BLOCK)
    least, greatest = blocks.min(axis=1), blocks.max(axis=1)

    def extremes(first: int, last: int) -> ranges.Box:
        a, b = first // BLOCK + 1, last // BLOCK  # whole blocks a … b − 1 lie inside the range
        if a >= b:
            part = values[first : last + 1]
            return float(part.min()), float(part.max())
        edges = np.concatenate((values[first : a * BLOCK], values[b * BLOCK : last + 1]))
        low, high = float(least[a:b].min()), float(greatest[a:b].max())
        if edges.size:
            low, high = min(low, float(edges.min())), max(high, float(edges.max()))
        return low, high

    return n, extremes


def _truncated(node: ir.Sched) -> ir.Sched:
    """``node`` with each ``recur`` beyond the interpreter's limit cut to :data:`RECUR` intervals (then held)."""
    if isinstance(node, ir.Recur):
        if ir.recur_intervals(node) > MAX_RECUR + 1:  # as the interpreter's table (lowering refuses more)
            return dataclasses.replace(node, hi=float((RECUR - 2) * node.every))
        return node
    result: ir.Sched = ir.rebuilt(node, _truncated)
    return result


def _boundaries(node: ir.Sched, shift: float) -> list[int]:
    """The steps at and either side of each phase boundary outside restart cycles, quantization and ``recur``."""
    found: list[int] = _BOUNDARIES.walk(node, shift)
    return found


class _Boundaries(ir.Walker):
    """The steps at and either side of each phase boundary of a node whose local time is ``t − shift``."""

    def _clamp(self, node: ir.Clamp, shift: float) -> list[int]:
        return [*_edge(shift + node.hi), *self.walk(node.body, shift)]

    def _seq(self, node: ir.Seq, shift: float) -> list[int]:
        out = [s for b in node.breaks[1:] for s in _edge(shift + b)]
        return out + [s for b, p in zip(node.breaks, node.parts) for s in self.walk(p, shift + b)]

    def _combine(self, node: ir.Combine, shift: float) -> list[int]:
        return [s for p in node.parts for s in self.walk(p, shift)]

    def _offset(self, node: ir.Offset, shift: float) -> list[int]:
        return [*_edge(shift + node.hi), *self.walk(node.body, shift - node.n)]  # its boundary b is at b − n

    def _formula(self, node: ir.Formula, shift: float) -> list[int]:
        return []  # its drops and milestones are many: the branch and bound finds their steps

    def _cycles(self, node: ir.Cycles, shift: float) -> list[int]:
        return []  # restart cycles repeat: the branch and bound covers them

    _quantize = _recur = _unrolled = _cycles


_BOUNDARIES = _Boundaries()


def _edge(x: float) -> list[int]:
    first = math.ceil(x) if math.isfinite(x) and x < 2**62 else 0
    return [first - 1, first, first + 1]


def _size(node: ir.Sched | ir.Arith) -> int:
    """The number of IR nodes under ``node`` (a bound costs about that much)."""
    return sum(1 for _ in ir.nodes(node))
