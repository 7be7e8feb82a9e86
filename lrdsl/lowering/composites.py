"""Composite shapes (LANGUAGE.md §5), expanded into core IR over the node's span ``N``.

* ``onecycle``: PyTorch ``OneCycleLR``: phase ends at steps ``pct·N − 1`` and ``N − 1``
  (three-phase: ``pct·N − 1``, ``2·pct·N − 2``, ``N − 1``), from ``max/div`` to ``max``
  and down to ``max/div/final_div``.
* ``cyclic``: PyTorch ``CyclicLR``: ``a + (b − a)·tri(u)·scale`` with a triangle of
  ``half`` steps up and ``half`` down; ``triangular2`` halves the amplitude each
  cycle, ``exp_range`` multiplies it by ``gammaᵘ``.
* ``wsd``: linear warm-up from 0 to ``peak``, hold, decay to ``to`` (``shape``: linear, cosine, sqrt, exp).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from fractions import Fraction

from lrdsl import ir
from lrdsl.language import ast as A
from lrdsl.language.runfree import check_argument, check_steps
from lrdsl.lowering import arith as X
from lrdsl.lowering.context import Ctx, duration, fail, frac, positive
from lrdsl.lowering.shapes import check_exp, ends, fixed, flag, option, period_option
from lrdsl.lowering.symbolic import Number


def ramp(kind: str, a: Number, b: Number, length: float, label: str) -> ir.Sched:
    """A ``linear``/``cosine`` ramp from ``a`` to ``b`` over ``length`` steps, held after."""
    expr = X.cosine(a, b, length) if kind == "cosine" else X.linear(a, b, length)
    formula = ir.Formula(expr, label=label)
    return ir.Clamp(length, formula)


def pieces(parts: list[tuple[float, ir.Sched]]) -> ir.Sched:
    """Pieces of the given lengths one after another; zero-length pieces are dropped."""
    breaks: list[float] = []
    kept: list[ir.Sched] = []
    labels: list[str] = []
    at = 0.0
    for i, (length, part) in enumerate(parts):
        if length > 0 or (i == len(parts) - 1 and not kept):
            breaks.append(at)
            kept.append(part)
            labels.append(getattr(part, "label", "") or getattr(getattr(part, "body", None), "label", ""))
        at += length
    if len(kept) == 1:
        return kept[0]
    return ir.Seq(tuple(breaks), tuple(kept), tuple(labels))


def _onecycle(call: A.Call, n: float, ctx: Ctx) -> ir.Sched:
    peak = option(call, "max", ctx)
    pct = fixed(call, "pct", ctx)
    div_, final = option(call, "div", ctx), option(call, "final_div", ctx)
    check_argument(call, "pct", pct)
    check_argument(call, "div", float(div_))
    check_argument(call, "final_div", float(final))
    anneal_node = call.arg("anneal")
    anneal = anneal_node.id if isinstance(anneal_node, A.Name) else "cosine"
    init = peak / div_
    low = init / final
    if flag(call, "three_phase"):
        marks = [pct * n - 1, 2 * pct * n - 2, n - 1]
        values: list[tuple[Number, Number]] = [(init, peak), (peak, init), (init, low)]
    else:
        marks = [pct * n - 1, n - 1]
        values = [(init, peak), (peak, low)]
    if marks[0] <= 0 or any(b <= a for a, b in itertools.pairwise(marks)):
        raise fail(
            call,
            f"onecycle over {n:g} steps leaves a phase with no steps",
            hint="PyTorch's OneCycleLR needs pct·N > 1 and phases of positive length",
        )
    parts = []
    start = 0.0
    for i, (mark, (a, b)) in enumerate(zip(marks, values)):
        parts.append((mark - start, ramp(anneal, a, b, mark - start, f"onecycle phase {i + 1}: {anneal}({a:g}→{b:g})")))
        start = mark
    return pieces(parts)


def _cyclic(call: A.Call, n: float, ctx: Ctx) -> ir.Sched:
    a, b = ends(call, ctx)
    exact_half = period_option(call, "half", ctx)  # a period: exact, never rounded (LANGUAGE.md §9.4)
    half = float(exact_half)
    mode_node = call.arg("mode")
    mode = mode_node.id if isinstance(mode_node, A.Name) else "triangular"
    gamma = option(call, "gamma", ctx)
    check_argument(call, "gamma", float(gamma))
    wave = pieces(
        [(half, ramp("linear", 0.0, 1.0, half, "cyclic up")), (half, ramp("linear", 1.0, 0.0, half, "cyclic down"))]
    )
    period = 2 * exact_half
    count = max(1, math.ceil(frac(n) / period))
    cycles = ir.restart(wave, period, Fraction(1), 0.5 if mode == "triangular2" else 1.0, count, n)
    amp: list[ir.Sched] = [ir.Formula(X.c(b - a), label="amplitude"), cycles]
    if mode == "exp_range":
        amp.append(ir.Formula(X.power(X.c(gamma), X.U), label=f"{gamma:g}^u"))
    body = ir.Combine("+", (ir.Formula(X.c(a), label="base"), ir.Combine("*", tuple(amp))))
    return ir.Clamp(n, body)


def _share(call: A.Call, name: str, n: float, ctx: Ctx) -> float:
    """A duration argument of a composite in steps: a percentage is a share of its span ``n``."""
    check_steps(call, name)
    node = call.arg(name)
    assert node is not None
    value = duration(node, n, ctx)
    assert value is not None  # n is known
    return float(positive(node, value, f"{call.name}() '{name}'"))


def _wsd(call: A.Call, n: float, ctx: Ctx) -> ir.Sched:
    peak, to = option(call, "peak", ctx), option(call, "to", ctx)
    w, dd = _share(call, "warmup", n, ctx), _share(call, "decay", n, ctx)
    shape_node = call.arg("shape")
    shape = shape_node.id if isinstance(shape_node, A.Name) else "linear"
    if w + dd > n:
        raise fail(call, f"wsd warm-up ({w:g}) and decay ({dd:g}) exceed its {n:g} steps")
    if shape == "exp":
        check_exp(call, peak, to)
    decay = ir.Clamp(dd, ir.Formula(X.ramp(shape, peak, to, dd), label=f"wsd decay: {shape}({peak:g}→{to:g})"))
    return pieces(
        [
            (w, ramp("linear", 0.0, peak, w, f"wsd warm-up: linear(0→{peak:g})")),
            (n - w - dd, ir.Formula(X.c(peak), label=f"wsd stable: {peak:g}")),
            (dd, decay),
        ]
    )


COMPOSITES: dict[str, Callable[[A.Call, float, Ctx], ir.Sched]] = {
    "onecycle": _onecycle, "cyclic": _cyclic, "wsd": _wsd,
}  # fmt: skip
"""Composite name → expansion."""
