"""Lowering context and the evaluation of constants and durations.

Durations resolve to whole steps (round half to even) except inside a restart
body (``exact``), which is laid out on its first cycle exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction

from lrdsl import ast as A
from lrdsl import ir
from lrdsl.errors import LrdslError
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
    used: set[str] = field(default_factory=set)
    symbolic: bool = False
    structural: set[str] = field(default_factory=set)
    exact: bool = False
    t0: float = 0.0
    prev_end: Number | _FromWarmup | None = None
    next_start: Number | None = None

    def but(self, **changes: object) -> Ctx:
        """A copy with ``changes`` applied (``used`` stays shared)."""
        return replace(self, **changes)  # type: ignore[arg-type]


def fail(node: A.Node | None, message: str, hint: str | None = None) -> LrdslError:
    """An :class:`LrdslError` located at ``node``."""
    return LrdslError(message, span=node.span if node is not None else None, hint=hint)


def const(node: A.Node, ctx: Ctx) -> Number:
    """The value of constant arithmetic (numbers, ``$params``, ``+ - * / **``, unary minus).

    A :class:`Sym` when it depends on a parameter in symbolic mode, else a float.
    """
    if isinstance(node, A.Num):
        return node.value
    if isinstance(node, A.Param):
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
    if isinstance(node, A.Neg):
        return -const(node.operand, ctx)
    if isinstance(node, A.Name) and node.id == "pi":
        return math.pi
    if isinstance(node, A.Call):
        return _function(node, [const(a.value, ctx) for a in node.args])
    if isinstance(node, A.BinOp):
        a, b = const(node.left, ctx), const(node.right, ctx)
        if node.op == "**" and float(a) < 0 and not float(b).is_integer():
            raise fail(node, "a negative number to a fractional power has no real value", hint=_ROOT_HINT)
        try:
            value: Number
            if node.op == "+":
                value = a + b
            elif node.op == "-":
                value = a - b
            elif node.op == "*":
                value = a * b
            elif node.op == "/":
                value = a / b
            else:
                value = a**b
        except ZeroDivisionError:
            raise fail(node, "division by zero") from None
        except OverflowError:
            raise fail(node, "number too large", hint="constants must stay finite") from None
        if not math.isfinite(float(value)):
            raise fail(node, "number too large", hint="constants must stay finite")
        return value if isinstance(value, Sym) else float(value)
    raise fail(node, "expected a constant")  # pragma: no cover - the parser guarantees it


def _function(node: A.Call, args: list[Number]) -> Number:
    """A math function of constants (LANGUAGE.md §8.3), computed as Python's :mod:`math` does."""
    try:
        value = S.function(node.name, args)
    except (ValueError, ZeroDivisionError):
        raise fail(node, f"{node.name}() is not defined at {', '.join(f'{float(a):g}' for a in args)}") from None
    except OverflowError:
        raise fail(node, "number too large", hint="constants must stay finite") from None
    if not math.isfinite(float(value)):
        raise fail(node, "number too large", hint="constants must stay finite")
    return value


_ROOT_HINT = "a fractional power needs a base ≥ 0: -(x ** (1/3)) is the cube root of -x"


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


def duration(node: A.Node, enclosing: float | None, ctx: Ctx, exact: bool | None = None) -> float | None:
    """Steps of a duration; ``None`` for a ``%`` whose enclosing span is not known yet."""
    assert isinstance(node, A.Duration)
    value = concrete(const(node.value, ctx), node, ctx)
    if node.unit == "ep":
        if ctx.spe is None:
            raise fail(
                node, f"{_text(node)} needs --steps-per-epoch", hint="pass steps_per_epoch=… (CLI: --steps-per-epoch K)"
            )
        value *= ctx.spe
    elif node.unit == "%":
        if enclosing is None:
            return None
        value = value / 100.0 * enclosing
    if not math.isfinite(value) or value < 0:
        raise fail(node, "a duration must be a non-negative number of steps")
    if value > MAX_STEPS:
        raise fail(node, f"duration of {value:.3g} steps is too large", hint=f"the limit is {MAX_STEPS:.0e} steps")
    if not (ctx.exact if exact is None else exact):
        value = float(round(value))
    return value


def positive(node: A.Node, value: Number, what: str) -> Number:
    """``value`` if it is > 0, else an error at ``node``."""
    if not value > 0:
        raise fail(node, f"{what} must be positive, got {float(value):g}")
    return value


def frac(x: float) -> Fraction:
    """``x`` as the exact rational its shortest decimal text denotes (0.1 → 1/10)."""
    return Fraction(repr(float(x)))


def _text(node: A.Node) -> str:
    return str(node)
