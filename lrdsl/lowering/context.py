"""Lowering context and the evaluation of constants and durations.

Durations resolve to whole steps (round half to even) except inside a restart
body (``exact``), which is laid out on its first cycle exactly.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction

from lrdsl import ir
from lrdsl.errors import LrdslError
from lrdsl.language import ast as A
from lrdsl.language.runfree import constant
from lrdsl.lowering import symbolic as S
from lrdsl.lowering.symbolic import Number, Sym

MAX_STEPS = 1e15
"""The largest duration or total accepted (float64 holds every whole step below 2**53)."""


class _FromWarmup:
    """Marks a phase whose previous phase is a warm-up that is still being resolved."""


FROM_WARMUP = _FromWarmup()


@dataclass(frozen=True)
class Ctx:
    """What lowering knows at a node: units, parameters, and its neighbours' values.

    ``t0`` is the global step at which the node's local time is 0 (in the first
    restart cycle); ``prev_end`` the previous phase's end value; ``next_start`` the
    next phase's start value (read only by ``warmup``). With ``symbolic`` (code
    generation) parameters stay :class:`~lrdsl.lowering.symbolic.Sym` numbers;
    ``structural`` collects those that set the layout and are therefore baked in.
    """

    spe: float | None
    params: Mapping[str, float]
    tps: float | None = None
    """Tokens per step (``tok``)."""
    sps: float | None = None
    """Samples per step (``sa``)."""
    used: set[str] = field(default_factory=set)
    symbolic: bool = False
    structural: set[str] = field(default_factory=set)
    exact: bool = False
    t0: float = 0.0
    prev_end: Number | _FromWarmup | None = None
    next_start: Number | None = None
    stretched: bool = False
    """Inside a restart body whose cycles grow (``mult ≠ 1``): a step of the body is not a step of the run."""
    enclosing: float | None = None
    """The span of steps the node was placed in (what its ``%`` and its flexible share are of)."""
    layout: dict[int, tuple[float, float, bool]] | None = None
    """When given (lint reads it): ``id(node) → (t0, steps, explicit)`` for every node placed, shared."""

    def but(self, **changes: object) -> Ctx:
        """A copy with ``changes`` applied (``used`` stays shared)."""
        return replace(self, **changes)  # type: ignore[arg-type]


def fail(node: A.Node | None, message: str, hint: str | None = None) -> LrdslError:
    """An :class:`LrdslError` located at ``node``."""
    return LrdslError(message, span=node.span if node is not None else None, hint=hint)


def const(node: A.Node, ctx: Ctx) -> Number:
    """The value of constant arithmetic (numbers, ``$params``, ``+ - * / **``, unary minus, math functions).

    A :class:`Sym` when it depends on a parameter in symbolic mode, else a float; evaluated by
    :func:`lrdsl.language.runfree.constant`, the one evaluator, with this run's parameters.
    """

    def param(node: A.Param) -> Number:
        ctx.used.add(node.name)
        if ctx.symbolic:
            return Sym(ctx.params.get(node.name, 1.0), ir.Param(node.name), frozenset({node.name}))
        if node.name not in ctx.params:
            raise fail(
                node,
                f"parameter ${node.name} is not bound",
                hint=f"bind it: --set {node.name}=… or params={{'{node.name}': …}}",
            )
        return ctx.params[node.name]

    value: Number = constant(node, param, S.function)
    return value


def concrete(x: Number, node: A.Node | None, ctx: Ctx, what: str = "a duration") -> float:
    """``x`` as a plain number for the layout: its parameters are baked into generated code."""
    if isinstance(x, Sym):
        unbound = sorted(p for p in x.params if p not in ctx.params)
        if unbound:
            raise fail(
                node,
                f"${unbound[0]} sets {what}: give it a value when generating code",
                hint=f"--set {unbound[0]}=… (parameters in durations, periods and counts are baked in)",
            )
        ctx.structural.update(x.params)
    return float(x)


def duration(
    node: A.Node, enclosing: float | None, ctx: Ctx, exact: bool | None = None, signed: bool = False
) -> float | None:
    """Steps of a duration; ``None`` for a ``%`` whose enclosing span is not known yet.

    With ``signed`` (an offset, LANGUAGE.md §9.1) it may be negative; its magnitude is bounded alike.
    """
    value = exact_duration(node, enclosing, ctx, signed)
    if value is None:
        return None
    if not (ctx.exact if exact is None else exact):
        return float(round(value))
    return float(value)


def exact_duration(node: A.Node, enclosing: float | None, ctx: Ctx, signed: bool = False) -> Fraction | None:
    """Steps of a duration as the exact rational of its decimal text after unit resolution, unrounded.

    ``2.2ep`` at 25 steps per epoch is ``Fraction("2.2")·25 = 55`` (LANGUAGE.md §9.4): every number,
    rate and ``$param`` is read as its shortest decimal; ``None`` for a ``%`` of an unknown span.
    """
    assert isinstance(node, A.Duration)
    value = _amount(node, enclosing, ctx)
    if value is None:
        return None
    if value < 0 and not signed:
        raise fail(
            node,
            "a duration must be a non-negative number of steps",
            hint="only an offset may be negative: X * offset(-5) is X five steps late",
        )
    if abs(value) > _FLOAT_MAX:
        raise _overflows(node)
    if abs(value) > MAX_STEPS:
        raise fail(
            node, f"duration of {float(value):.3g} steps is too large", hint=f"the limit is {MAX_STEPS:.0e} steps"
        )
    return value


UNITS = {
    "ep": ("spe", "--steps-per-epoch", "steps_per_epoch"),
    "tok": ("tps", "--tokens-per-step", "tokens_per_step"),
    "sa": ("sps", "--samples-per-step", "samples_per_step"),
}
"""Each unit that needs a rate: the context field, the CLI option and the API argument."""


def _amount(node: A.Node, enclosing: float | None, ctx: Ctx) -> Fraction | None:
    """Exact steps of a duration or of duration arithmetic; ``None`` for a ``%`` of an unknown span."""
    if isinstance(node, A.Duration):
        return _duration_amount(node, enclosing, ctx)
    if isinstance(node, A.Neg) and _carries_duration(node.operand):  # -5ep (an offset, LANGUAGE.md §9.1)
        value = _amount(node.operand, enclosing, ctx)
        return None if value is None else -value
    if isinstance(node, A.BinOp) and _carries_duration(node):
        return _arithmetic_amount(node, enclosing, ctx)
    return _finite(concrete(const(node, ctx), node, ctx), node)


def _duration_amount(node: A.Duration, enclosing: float | None, ctx: Ctx) -> Fraction | None:
    """``value unit`` in steps: epochs times steps per epoch, tokens or samples over their rate per
    step, a ``%`` of the enclosing span (``None`` where it is unknown)."""
    value = _amount(node.value, enclosing, ctx)
    if value is None:
        return None
    if node.unit in UNITS:
        field_name, option, argument = UNITS[node.unit]
        rate: float | None = getattr(ctx, field_name)
        if rate is None:
            raise fail(node, f"{_text(node)} needs {option}", hint=f"pass {argument}=… (CLI: {option} K)")
        return value * frac(rate) if node.unit == "ep" else value / frac(rate)
    if node.unit == "%":
        return None if enclosing is None else value / 100 * frac(enclosing)
    return value


def _arithmetic_amount(node: A.BinOp, enclosing: float | None, ctx: Ctx) -> Fraction | None:
    """Durations added or subtracted, or one duration times or over a number, exactly."""
    if node.op in ("+", "-"):
        a, b = _amount(node.left, enclosing, ctx), _amount(node.right, enclosing, ctx)
        if a is None or b is None:
            return None
        return a + b if node.op == "+" else a - b
    factor_node, dur_node = (
        (node.left, node.right)
        if isinstance(node.right, A.Duration) or _carries_duration(node.right)
        else (node.right, node.left)
    )
    d = _amount(dur_node, enclosing, ctx)
    if d is None:
        return None
    factor = _finite(concrete(const(factor_node, ctx), factor_node, ctx), node)
    if node.op == "*":
        return d * factor
    if factor == 0:
        raise fail(node, "division by zero")
    return d / factor


_FLOAT_MAX = Fraction(sys.float_info.max)
"""The largest finite float: steps beyond it are a duration whose float number of steps overflows."""


def _overflows(node: A.Node) -> LrdslError:
    return fail(node, "duration too large: its number of steps overflows", hint=f"the limit is {MAX_STEPS:.0e} steps")


def _finite(x: float, node: A.Node) -> Fraction:
    """``x`` as the exact rational of its shortest decimal; an error for inf or NaN."""
    if math.isinf(x):
        raise _overflows(node)
    if math.isnan(x):
        raise fail(
            node,
            "a duration must be a non-negative number of steps",
            hint="only an offset may be negative: X * offset(-5) is X five steps late",
        )
    return frac(x)


def _carries_duration(node: A.Node) -> bool:
    if isinstance(node, A.Duration):
        return True
    if isinstance(node, A.Neg):
        return _carries_duration(node.operand)
    return isinstance(node, A.BinOp) and (_carries_duration(node.left) or _carries_duration(node.right))


def positive(node: A.Node, value: Number, what: str) -> Number:
    """``value`` if it is > 0, else an error at ``node``."""
    if not value > 0:
        raise fail(node, f"{what} must be positive, got {float(value):g}")
    return value


MIN_PERIOD = Fraction(1, 10**6)
"""The shortest period accepted, in steps: a million intervals per step (bounds the interval index)."""


def period(node: A.Node, value: Fraction, what: str) -> Fraction:
    """An exact period (LANGUAGE.md §9.4): positive, and at least :data:`MIN_PERIOD` steps."""
    positive(node, float(value), what)
    if value < MIN_PERIOD:
        raise fail(node, f"{what} of {float(value):g} steps is too short", hint="a period is at least 1e-06 steps")
    return value


def frac(x: float) -> Fraction:
    """``x`` as the exact rational its shortest decimal text denotes (0.1 → 1/10)."""
    return Fraction(repr(float(x)))


def _text(node: A.Node) -> str:
    return str(node)
