"""Phases: each shape of LANGUAGE.md §3 as a closed form of the local step.

Every builder takes the call, its resolved duration ``d`` and the context, and
returns IR that holds its end value after ``d`` (``p = u/d``, ``u`` capped at ``d``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from fractions import Fraction
from typing import TypeVar

from lrdsl import ir
from lrdsl.language import ast as A
from lrdsl.language import runfree
from lrdsl.language.numbers import format_number
from lrdsl.language.runfree import check_argument, percentage
from lrdsl.language.signatures import DEFAULTS
from lrdsl.lowering import arith as X
from lrdsl.lowering.context import (
    Ctx,
    _FromWarmup,
    concrete,
    const,
    duration,
    exact_duration,
    fail,
    period,
    positive,
)
from lrdsl.lowering.symbolic import Number

Builder = Callable[[A.Call, float, Ctx], ir.Sched]
T = TypeVar("T")


def leaf(expr: ir.Arith, d: float, call: A.Call, label: str | None = None) -> ir.Sched:
    """``expr`` as a phase of ``d`` steps that holds its value at ``d`` afterwards."""
    span = call.span
    formula = ir.Formula(expr, label=label or str(call), origin=(span.start, span.end) if span else None)
    return ir.Clamp(d, formula)


def option(call: A.Call, name: str, ctx: Ctx) -> Number:
    """A numeric argument, or its documented default."""
    node = call.arg(name)
    return const(node, ctx) if node is not None else float(DEFAULTS[(call.name, name)])


def fixed(call: A.Call, name: str, ctx: Ctx) -> float:
    """A numeric argument that shapes the layout (baked into generated code)."""
    return concrete(option(call, name, ctx), call.arg(name) or call, ctx, f"{call.name}() '{name}'")


def flag(call: A.Call, name: str) -> bool:
    """A boolean argument, or its default."""
    node = call.arg(name)
    return node.value if isinstance(node, A.Bool) else bool(DEFAULTS[(call.name, name)])


def steps_option(call: A.Call, name: str, ctx: Ctx) -> float:
    """A duration argument in steps (its default is in steps)."""
    node = call.arg(name)
    if node is None:
        return float(DEFAULTS[(call.name, name)])
    return float(positive(node, _known(call, name, duration(node, None, ctx)), f"{call.name}() '{name}'"))


def period_option(call: A.Call, name: str, ctx: Ctx) -> Fraction:
    """A period argument (``every=``) in steps, exact and never rounded (LANGUAGE.md §9.4)."""
    node = call.arg(name)
    if node is None:
        return Fraction(DEFAULTS[(call.name, name)])
    return period(node, _known(call, name, exact_duration(node, None, ctx)), f"{call.name}() '{name}'")


def _known(call: A.Call, name: str, steps: T | None) -> T:
    """``steps`` of argument ``name``, or the error of a ``%`` (no enclosing span where it is read)."""
    if steps is None:
        raise percentage(call, name)
    return steps


def previous_end(node: A.Node, ctx: Ctx, what: str) -> Number:
    """The previous phase's end value, or an error saying why there is none."""
    prev = ctx.prev_end
    if isinstance(prev, _FromWarmup):
        raise fail(
            node,
            f"{what} takes its start from the warm-up before it",
            hint="a warm-up ramps to the next phase's start: give that phase an explicit start",
        )
    if prev is None:
        raise fail(node, f"{what} has no previous phase to start from", hint="give an explicit start")
    return prev


def ends(call: A.Call, ctx: Ctx) -> tuple[Number, Number]:
    """``(a, b)`` of the call's range; a missing ``a`` is the previous phase's end value."""
    rng = call.arg("range")
    assert isinstance(rng, A.Range)
    a = const(rng.start, ctx) if rng.start is not None else previous_end(rng, ctx, str(call))
    return a, const(rng.end, ctx)


def ramp_length(call: A.Call, d: float, ctx: Ctx) -> float:
    """The length the ramp's formula spans: ``d``, or ``d − 1`` with ``inclusive=true`` (LANGUAGE.md §9.2).

    An inclusive ramp is its shape over ``d − 1`` steps with the time capped there, inside a
    phase that still lasts ``d`` steps: ``X(a→b, d − 1) >> hold(1)``, so its last step takes
    ``b`` (NumPy's ``linspace(a, b, d)``). A phase of no steps stays one of no steps.
    """
    if not flag(call, "inclusive") or d == 0:
        return d
    node = call.arg("inclusive") or call
    if ctx.stretched:
        raise fail(
            node,
            "inclusive=true is refused inside a restart body whose cycles grow (mult ≠ 1)",
            hint="a step of a stretched cycle is not a step of the run: use mult=1 or leave inclusive out",
        )
    if call.name == "poly" and flag(call, "cycle"):
        raise fail(node, "inclusive=true is refused with poly(…, cycle=true)", hint="leave inclusive out")
    if d <= 1:
        steps = "1 step" if d == 1 else f"{format_number(d)} steps"
        raise fail(
            call,
            f"inclusive=true needs at least 2 steps; this {call.name}() resolves to {steps} ({_length_source(call, ctx)})",
            hint="a ramp that includes both ends needs a first and a last step: give it more steps, or leave inclusive out",
        )
    return d - 1


def _length_source(call: A.Call, ctx: Ctx) -> str:
    """Where a phase's resolved length came from: ``1% of 100 steps``, ``0.5ep at 2 steps per epoch``…"""
    dur = call.arg("dur")
    span = f"{format_number(ctx.enclosing)} steps" if ctx.enclosing is not None else "the run"
    if dur is None:
        return f"its share of {span}"
    if isinstance(dur, A.Duration):
        text = str(dur)
        if dur.unit == "%":
            return f"{text} of {span}"
        rates = {
            "ep": (ctx.spe, "steps per epoch"),
            "tok": (ctx.tps, "tokens per step"),
            "sa": (ctx.sps, "samples per step"),
        }
        if dur.unit in rates:
            rate, what = rates[dur.unit]
            return f"{text} at {format_number(rate or 0.0)} {what}"
        if isinstance(dur.value, A.Num):
            return f"written {text}"
        return f"{text}, rounded to whole steps"
    return str(dur)  # pragma: no cover - the parser makes every duration a Duration


def check_exp(call: A.Call, a: Number, b: Number) -> None:
    """``exp`` ramps need non-zero ends of the same sign (:func:`lrdsl.language.runfree.check_exp`)."""
    runfree.check_exp(call, float(a), float(b))


def _const(call: A.Call, d: float, ctx: Ctx) -> ir.Sched:
    return leaf(X.c(option(call, "value", ctx)), d, call)


def _hold(call: A.Call, d: float, ctx: Ctx) -> ir.Sched:
    return leaf(X.c(previous_end(call, ctx, "hold()")), d, call)


def _exp(call: A.Call, d: float, ctx: Ctx) -> ir.Sched:
    a, b = ends(call, ctx)
    check_exp(call, a, b)
    e = ramp_length(call, d, ctx)
    return leaf(X.exponential(a, b, e), e, call)


def _poly(call: A.Call, d: float, ctx: Ctx) -> ir.Sched:
    a, b = ends(call, ctx)
    k = option(call, "power", ctx)
    check_argument(call, "power", float(k))
    e = ramp_length(call, d, ctx)
    if not flag(call, "cycle"):
        return leaf(X.poly(a, b, X.c(e), k), e, call)
    dur = call.arg("dur")
    if dur is None:
        raise fail(call, "poly(…, cycle=true) needs its decay period", hint="e.g. poly(0.1→1e-4, 1000, cycle=true)")
    cycle = period(dur, exact_duration(dur, None, ctx) or Fraction(0), "the decay period")
    # Keras PolynomialDecay(cycle=True): the period at u is d·max(1, ⌈u/d⌉), d exact (LANGUAGE.md §9.4).
    grown = X.mul(X.c(float(cycle)), ir.Bin("max", X.c(1.0), ir.CeilDiv(X.U, cycle)))
    return leaf(X.poly(a, b, grown, k), d, call)


def _pow(call: A.Call, d: float, ctx: Ctx) -> ir.Sched:
    """``a + (b − a)·p^k`` (LANGUAGE.md §9.3): slow at first for ``k > 1``, YOLOX's ``(t/W)²`` warm-up."""
    a, b = ends(call, ctx)
    k = power_option(call, ctx)
    e = ramp_length(call, d, ctx)
    return leaf(X.pow_ramp(a, b, e, k), e, call)


def power_option(call: A.Call, ctx: Ctx) -> Number:
    """``power=`` of ``pow`` and ``warmup(pow, …)``: positive, default 2."""
    k = option(call, "power", ctx)
    if not k > 0:
        raise fail(call.arg("power"), f"{call.name}() power must be positive, got {float(k):g}")
    return k


def marks(call: A.Call, d: float, ctx: Ctx) -> list[Fraction]:
    """The steps of the call's ``at=[…]`` list (``%`` of ``d``), in the order given, exact (LANGUAGE.md §9.4)."""
    at = call.arg("at")
    assert isinstance(at, A.ListExpr)
    out = []
    for item in at.items:
        m = exact_duration(item, d, ctx)
        out.append(m if m is not None else Fraction(0))
    return out


def _piecewise(call: A.Call, d: float, ctx: Ctx) -> ir.Sched:
    """``v_i`` where ``i`` is the number of marks ``≤ u``: a sequence of constants."""
    values = call.arg("values")
    assert isinstance(values, A.ListExpr)
    at = marks(call, d, ctx)
    runfree.check_piecewise(call)
    if any(b < a for a, b in itertools.pairwise(at)):
        raise fail(call.arg("at"), "piecewise() marks must be in increasing order")
    levels = [const(v, ctx) for v in values.items]
    bounds = [0.0, *map(ir.least_float, at)]  # u ≥ least_float(m) ⟺ u ≥ m, exactly
    breaks: list[float] = []
    parts: list[ir.Sched] = []
    labels: list[str] = []
    for i, level in enumerate(levels):
        last = i == len(levels) - 1
        if not last and bounds[i + 1] <= bounds[i]:
            continue  # a value whose interval is empty is never used
        if breaks and bounds[i] == breaks[-1]:
            continue
        breaks.append(bounds[i])
        parts.append(ir.Formula(X.c(level), label=f"{level:g}"))
        labels.append(f"piecewise value {i}: {level:g}")
    if len(parts) == 1:
        return leaf(parts[0].expr, d, call)  # type: ignore[union-attr]
    return ir.Clamp(d, ir.Seq(tuple(breaks), tuple(parts), tuple(labels)))


def _step(call: A.Call, d: float, ctx: Ctx) -> ir.Sched:
    a, g = option(call, "value", ctx), option(call, "gamma", ctx)
    every = period_option(call, "every", ctx)
    return leaf(X.mul(X.c(a), X.power(X.c(g), ir.FloorDiv(X.U, every))), d, call)


def _multistep(call: A.Call, d: float, ctx: Ctx) -> ir.Sched:
    a, g = option(call, "value", ctx), option(call, "gamma", ctx)
    at = sorted(marks(call, d, ctx))
    return leaf(X.mul(X.c(a), X.power(X.c(g), ir.Count(X.U, tuple(at)))), d, call)


def _exp_decay(call: A.Call, d: float, ctx: Ctx) -> ir.Sched:
    a, r = option(call, "value", ctx), option(call, "rate", ctx)
    check_argument(call, "rate", float(r))
    every = period_option(call, "every", ctx)
    k: ir.Arith = ir.FloorDiv(X.U, every) if flag(call, "staircase") else X.div(X.U, X.c(float(every)))
    return leaf(X.mul(X.c(a), X.power(X.c(r), k)), d, call)


def _inverse_time(call: A.Call, d: float, ctx: Ctx) -> ir.Sched:
    a, k = option(call, "value", ctx), option(call, "decay", ctx)
    check_argument(call, "decay", float(k))
    every = period_option(call, "every", ctx)
    n: ir.Arith = ir.FloorDiv(X.U, every) if flag(call, "staircase") else X.div(X.U, X.c(float(every)))
    return leaf(X.div(X.c(a), X.add(X.c(1.0), X.mul(X.c(k), n))), d, call)


def _rsqrt(call: A.Call, d: float, ctx: Ctx) -> ir.Sched:
    a = option(call, "value", ctx)
    w = steps_option(call, "warmup", ctx)
    return leaf(X.mul(X.c(a), ir.Fn("sqrt", X.div(X.c(w), ir.Bin("max", X.U, X.c(w))))), d, call)


def _fn(call: A.Call, d: float, ctx: Ctx) -> ir.Sched:
    expr = call.arg("expr")
    assert expr is not None
    return leaf(formula(expr, ctx, d), d, call)


def _recur(call: A.Call, d: float, ctx: Ctx) -> ir.Sched:
    expr = call.arg("expr")
    assert expr is not None
    start = call.arg("from")
    first = const(start, ctx) if start is not None else previous_end(call, ctx, "recur()")
    init = concrete(first, start or call, ctx, "recur()'s start")
    every = period_option(call, "every", ctx)
    span = call.span
    node = ir.Recur(formula(expr, ctx, d), init, every, d, origin=(span.start, span.end) if span else None)
    overrun = ir.recur_overrun(d, float(every))
    if overrun:  # here, not when evaluated, so that gen refuses it too
        raise fail(call, overrun[0], hint=overrun[1])
    return node


def _warmup(call: A.Call, d: float, ctx: Ctx) -> ir.Sched:
    if ctx.next_start is None:
        raise fail(
            call,
            "warmup at the end: nothing to warm up to",
            hint="follow it with a phase: warmup(linear, 5ep) >> cosine(0.1→0)",
        )
    shape = call.arg("shape")
    assert isinstance(shape, A.Name)
    a, b = option(call, "from", ctx), ctx.next_start
    label = f"{call} to {b:g}"
    if shape.id == "exp" and (a == 0 or b == 0 or (a < 0) != (b < 0)):
        raise fail(
            call, f"{call}: exp needs non-zero ends of the same sign", hint="give a start: warmup(exp, …, from=1e-6)"
        )
    if shape.id != "pow" and call.arg("power") is not None:
        raise fail(
            call.arg("power"),
            f"warmup({shape.id}, …) takes no power",
            hint="power= is for warmup(pow, d, power=k): the ramp (t/W)^k",
        )
    k = power_option(call, ctx) if shape.id == "pow" else 2.0
    e = ramp_length(call, d, ctx)
    return leaf(X.ramp(shape.id, a, b, e, k), e, call, label)


def formula(node: A.Node, ctx: Ctx, d: float) -> ir.Arith:
    """A ``fn``/``recur`` formula as IR arithmetic of the local step ``u``.

    ``p = u/d``; ``t = t₀ + u`` where ``t₀`` is the global step at which the phase
    starts (in its first restart cycle), so a phase that is cut, held, quantized or
    restarted moves ``t`` with its own time; ``e = t / steps_per_epoch``.
    """
    if isinstance(node, (A.Num, A.Param)):
        return X.c(const(node, ctx))
    if isinstance(node, A.Name):
        return _formula_name(node, ctx, d)
    if isinstance(node, A.Neg):
        return ir.Fn("neg", formula(node.operand, ctx, d))
    if isinstance(node, A.BinOp):
        right = formula(node.right, ctx, d)
        if node.op == "/" and _constant_value(right) == 0:
            raise fail(node.right, "division by zero", hint="a denominator that is always 0 leaves no finite value")
        return ir.Bin(node.op, formula(node.left, ctx, d), right)
    if isinstance(node, A.Call):
        args = [formula(a.value, ctx, d) for a in node.args]
        if node.name in ("min", "max"):
            return ir.Bin(node.name, args[0], args[1])
        assert node.name in ir.MATH_FUNCTIONS
        return ir.Fn(node.name, args[0])
    raise fail(node, "expected a formula")  # pragma: no cover


def _formula_name(node: A.Name, ctx: Ctx, d: float) -> ir.Arith:
    """A name in a formula: ``pi``, ``p = u/d``, ``e = (t₀ + u)/steps_per_epoch``, ``t = t₀ + u``, or ``u``/``lr``."""
    if node.id == "pi":
        return X.c(math.pi)
    if node.id == "p":
        return X.progress(d)
    if node.id == "e":
        if ctx.spe is None:
            raise fail(node, "e (epochs) needs --steps-per-epoch")
        return X.div(X.add(X.c(ctx.t0), X.U), X.c(ctx.spe))
    if node.id == "t":
        return X.add(X.c(ctx.t0), X.U)
    return ir.Var(node.id)  # type: ignore[arg-type]


def _constant_value(e: ir.Arith) -> float | None:
    """The value of ``e`` when it is constant arithmetic (``+ - * /`` of numbers, IEEE), else ``None``."""
    value: float | None = _CONSTANT.walk(e)
    return value


class _Constant(ir.Walker):
    """The value of constant arithmetic (``+ - * /`` of numbers, a quotient by 0 NaN), else ``None``."""

    WALKS = ("arith",)

    def _const(self, e: ir.Const) -> float | None:
        return e.value

    def _bin(self, e: ir.Bin) -> float | None:
        a, b = self.walk(e.a), self.walk(e.b)
        if e.op not in "+-*/" or a is None or b is None:
            return None
        if e.op == "/":
            return math.nan if b == 0 else float(a / b)
        return float(a + b if e.op == "+" else a - b if e.op == "-" else a * b)

    def _var(self, e: ir.Arith) -> None:
        return None  # a variable, a parameter or a function: not constant arithmetic here

    _param = _fn = _floor_div = _ceil_div = _count = _var


_CONSTANT = _Constant()


def _ramp(make: Callable[[Number, Number, float], ir.Arith]) -> Builder:
    """The builder of a ramp from ``a`` to ``b`` over its length ``e``: the formula ``make(a, b, e)``."""

    def build(call: A.Call, d: float, ctx: Ctx) -> ir.Sched:
        a, b = ends(call, ctx)
        e = ramp_length(call, d, ctx)
        return leaf(make(a, b, e), e, call)

    return build


_linear, _cosine, _sqrt, _log = _ramp(X.linear), _ramp(X.cosine), _ramp(X.sqrt_ramp), _ramp(X.log_ramp)

SHAPES: dict[str, Builder] = {
    "const": _const, "hold": _hold, "linear": _linear, "cosine": _cosine, "exp": _exp,
    "poly": _poly, "pow": _pow, "sqrt": _sqrt, "log": _log, "piecewise": _piecewise, "step": _step, "multistep": _multistep, "exp_decay": _exp_decay,
    "inverse_time": _inverse_time, "rsqrt": _rsqrt, "fn": _fn, "recur": _recur, "warmup": _warmup,
}  # fmt: skip
"""Shape name → builder."""
