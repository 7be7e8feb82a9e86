"""Modifiers applied with ``*`` (LANGUAGE.md §4, §8.1): restart, repeat, quantize, offset."""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

from lrdsl import ir
from lrdsl.language import ast as A
from lrdsl.language.numbers import format_number
from lrdsl.language.runfree import check_argument, percentage
from lrdsl.lowering.arith import c as const_ir
from lrdsl.lowering.context import Ctx, concrete, const, duration, exact_duration, fail, frac, period, positive
from lrdsl.lowering.symbolic import Number

Place = Callable[[A.Node, float, Ctx], ir.Sched]
At = Callable[[ir.Sched, float, Ctx], Number]
"""The value of lowered IR at a local time (``lower.point``): a number, or symbolic over parameters."""
Natural = Callable[[A.Node, float | None, Ctx], float | None]

MIN_PERIOD = 1e-6
"""The shortest first restart cycle, in steps."""
MAX_SPAN = 1e15
"""The longest a restart's cycles may last, in steps."""


def restart_parts(
    body: A.Node, mod: A.Call, ctx: Ctx, natural: Natural
) -> tuple[Fraction | None, Fraction, float, int | None]:
    """``(first cycle or None, mult, decay, cycles or None)`` of ``body * restart(…)``."""
    if mod.name == "repeat":
        n_node = mod.arg("n")
        assert n_node is not None
        return _first_cycle(body, ctx, natural), Fraction(1), 1.0, _count(mod, "n", ctx)
    period_node, mult_node, decay_node, cycles_node = (mod.arg(k) for k in ("period", "mult", "decay", "cycles"))
    period: Fraction | None = None
    if period_node is not None:
        value = exact_duration(period_node, None, ctx)
        if value is None:
            raise percentage(mod, "period")
        positive(period_node, float(value), "restart period")
        period = value
    first = _first_cycle(body, ctx, natural)
    if first is not None and period is not None:
        raise fail(
            period_node,
            "the restarted schedule has its own duration and a period",
            hint="give one of them: cosine(0.1→0) * restart(period=…) or cosine(0.1→0, …) * restart()",
        )
    mult = frac(concrete(const(mult_node, ctx), mult_node, ctx, "a restart mult")) if mult_node else Fraction(1)
    check_argument(mod, "mult", float(mult))
    decay = concrete(const(decay_node, ctx), decay_node, ctx, "a restart decay") if decay_node else 1.0
    cycles = _count(mod, "cycles", ctx) if cycles_node is not None else None
    return first if first is not None else period, mult, decay, cycles


def _first_cycle(body: A.Node, ctx: Ctx, natural: Natural) -> Fraction | None:
    d = natural(body, None, ctx.but(exact=True))
    return frac(d) if d is not None else None


def _count(mod: A.Call, name: str, ctx: Ctx) -> int:
    node = mod.arg(name)
    assert node is not None
    value = concrete(const(node, ctx), node, ctx, "a cycle count")
    check_argument(mod, name, value)
    return int(value)


def restart_natural(body: A.Node, mod: A.Call, ctx: Ctx, natural: Natural) -> float | None:
    """The explicit duration of ``body * restart(…)``: the sum of its cycles when both are known."""
    first, mult, _, cycles = restart_parts(body, mod, ctx, natural)
    if first is None or cycles is None:
        return None
    total = ir.cycle_clock(first, mult).span_of(cycles)
    if total > MAX_SPAN:
        raise fail(mod, f"the restart cycles last longer than {MAX_SPAN:g} steps")
    return total if ctx.exact else float(round(total))


def build_restart(body: A.Node, mod: A.Call, d: float, ctx: Ctx, natural: Natural, place: Place) -> ir.Sched:
    """``body * restart(…)`` over ``d`` steps."""
    first, mult, decay, cycles = restart_parts(body, mod, ctx, natural)
    span = frac(d)
    if first is None:
        n = cycles if cycles is not None else 3
        first = span / n if mult == 1 else _fitted_first(span, mult, n, mod)
        cycles = n
        if first == 0:
            raise fail(mod, "the restart cycles have no steps to fill", hint="give --steps")
    if first < MIN_PERIOD:
        raise fail(
            mod,
            f"the first restart cycle would last {float(first):.3g} steps",
            hint=f"cycles must last at least {MIN_PERIOD:g} steps",
        )
    if mult == 1 and span / first > MAX_SPAN:
        raise fail(mod, "too many restart cycles", hint="use a longer period")
    # Only the cycles that start before the node's span ends are ever reached.
    reach = ir.cycle_clock(first, mult).count(float(span))
    count = max(1, min(cycles, reach) if cycles is not None else reach)
    inner = place(body, float(first), ctx.but(exact=True, next_start=None, stretched=ctx.stretched or mult != 1))
    return ir.Clamp(d, ir.restart(inner, first, mult, decay, count, float(d)))  # few cycles: unrolled


def _fitted_first(span: Fraction, mult: Fraction, n: int, mod: A.Node) -> Fraction:
    """The first cycle ``span·(m − 1)/(mⁿ − 1)`` of ``n`` cycles that end at ``span``.

    Exact while ``mⁿ`` stays small; past ``EXACT_BITS`` bits (many cycles, ``mult`` near 1) the
    float64 value, as an exact rational, so that later cycle arithmetic stays cheap.
    """
    log_growth = n * math.log1p(float(mult - 1))
    if log_growth > 690 or float(span) * float(mult - 1) / math.expm1(log_growth) < MIN_PERIOD:
        raise fail(
            mod,
            f"{n} restart cycles with mult {float(mult)!r} leave the first cycle shorter than {MIN_PERIOD:g} steps",
            hint="use fewer cycles or a smaller mult",
        )
    if n * (mult.numerator.bit_length() + mult.denominator.bit_length()) <= ir.EXACT_BITS:
        return span * (mult - 1) / (mult**n - 1)
    return Fraction(float(span) * float(mult - 1) / math.expm1(log_growth))


def build_quantize(body: A.Node, mod: A.Call, d: float, ctx: Ctx, place: Place) -> ir.Sched:
    """``body * quantize(q, at=start|end)`` over ``d`` steps."""
    q_node = mod.arg("q")
    assert q_node is not None
    q = exact_duration(q_node, d, ctx) or Fraction(0)  # exact, never rounded (LANGUAGE.md §9.4)
    period(q_node, q, "quantize interval")
    at = mod.arg("at")
    at_end = isinstance(at, A.Name) and at.id == "end"
    quantized = ir.Quantize(q, at_end, d, place(body, d, ctx))
    return ir.Clamp(d, quantized)


def offset_steps(mod: A.Call, ctx: Ctx) -> float:
    """``n`` of ``offset(n)`` in steps, not rounded, of either sign (LANGUAGE.md §8.1, §9.1)."""
    n_node = mod.arg("n")
    assert n_node is not None
    n = duration(n_node, None, ctx, exact=True, signed=True)
    if n is None:
        raise percentage(mod, "n")
    return n


def offset_natural(body: A.Node, mod: A.Call, enclosing: float | None, ctx: Ctx, natural: Natural) -> float | None:
    """``X * offset(n)`` lasts ``d − n`` when X lasts ``d`` (an error when ``n ≥ d``); flexible with X.

    A negative ``n`` (a late clock, LANGUAGE.md §9.1) makes the node ``|n|`` longer than X.
    """
    d = natural(body, enclosing, ctx)
    if d is None:
        return None
    n = offset_steps(mod, ctx)
    if n >= d:
        raise fail(
            mod,
            f"offset({format_number(n)}) is not shorter than the {format_number(d)} steps of the schedule it moves",
            hint="an offset skips the start of its schedule: it must be shorter than that schedule",
        )
    if d - n > MAX_SPAN:
        raise fail(
            mod,
            f"the late schedule would last {format_number(d - n)} steps",
            hint=f"a schedule lasts at most {MAX_SPAN:.0e} steps",
        )
    return d - n if ctx.exact else float(round(d - n))


def build_offset(body: A.Node, mod: A.Call, d: float, ctx: Ctx, natural: Natural, place: Place, at: At) -> ir.Sched:
    """``body * offset(n)`` over ``d`` steps: ``body`` read at ``max(0, u + n)``.

    ``n ≥ 0``: a flexible body is laid out on ``d + n``; an explicit one on its own duration
    ``D``, and its end value holds from ``u = D − n`` (which may lie between steps: ``d`` is
    rounded, ``n`` not).

    ``n < 0`` (a late clock, LANGUAGE.md §9.1): the body is laid out on its own duration, or on
    ``d`` when flexible (its last ``|n|`` steps are then never reached), and is the second piece
    of a sequence whose first piece, ``|n|`` steps long, holds the body's start value: at ``u``
    the value is the body at ``u − |n|`` from ``u = |n|`` on. In a restart body the held head
    stretches with the cycle like every piece of a sequence. After the node's span its end value
    holds: X's end for an explicit X, X at ``d − |n|`` for a flexible one.
    """
    n = offset_steps(mod, ctx)
    own = natural(body, d + n, ctx)
    span = own if own is not None else (d + n if n > 0 else d)
    inner = place(body, span, ctx.but(t0=ctx.t0 - n, next_start=None))
    if n > 0:
        return ir.Offset(n, span - n, inner)
    if n == 0:
        return ir.Clamp(span, inner)
    head = ir.Formula(const_ir(at(inner, 0.0, ctx)), label=f"{body} before its clock starts")
    late = ir.Seq((0.0, -n), (head, inner), (f"{body} held at its start", str(body)))
    # The node holds its end value after its span: X's own end (at d + |n|) when X is explicit,
    # X at d − |n| when X is flexible (its last |n| steps are never reached).
    return ir.Clamp(span - n if own is not None else d, late)
