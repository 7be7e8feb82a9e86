"""Typed constructors of syntax trees: what an importer, a fit or a lint fix writes instead of text.

Each function returns :mod:`lrdsl.language.ast` nodes; the text is :func:`text`, the formatter's, which alone
decides parentheses and the spelling of numbers. A number is given as a Python ``float``/``int``
(a negative one becomes ``-x``); a duration as a :class:`Quantity` or a plain number of steps::

    seq(shape("linear", (0, 0.1), 100), shape("cosine", (0.1, 0), duration=900))
    scale(shape("cosine", (1, 0)), 0.1) * …        # 0.1 * cosine(1→0)
    mul(shape("cosine", (0.1, 0)), restart(period=Quantity(10), mult=2))

Arguments bind to parameters as the language binds them (:data:`lrdsl.language.signatures.SIGNATURES`):
positionally in the signature's order, then by name; each is converted by its parameter's kind
(``range`` from a pair, ``dur`` from a number or :class:`Quantity`, ``enum``/``shape`` from a string,
``bool`` from a bool, ``durs``/``values`` from a list).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from lrdsl.language import ast as A
from lrdsl.language.signatures import MATH_FUNCS, SIGNATURES, P

Number = float | int
"""A number as an importer holds it."""
Operand = Number | A.Node
"""A number or an expression node: each operator takes either."""


@dataclass(frozen=True)
class Quantity:
    """A duration: ``value`` of ``unit`` (``steps``, ``ep``, ``%``, ``tok``, ``sa``)."""

    value: Number
    unit: str = "steps"


Given = Operand | Quantity | str | bool | tuple[Operand, Operand] | Sequence[Operand | Quantity]
"""Whatever :func:`call` converts by its parameter's kind."""


def number(value: Number) -> A.Expr:
    """The literal of a finite number: ``x`` for ``x ≥ 0``, ``-x`` below (literals are non-negative).

    Checked here (finite; the literal non-negative), so the nodes are made without re-validation: a fit
    writes thousands of candidate numbers."""
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"a number in an expression must be finite, not {x!r}")
    if x < 0:
        return A.make(A.Neg, operand=A.make(A.Num, value=-x))
    return A.make(A.Num, value=x + 0.0)


def expr(value: Operand) -> A.Expr:
    """``value`` as an expression node (a number becomes its literal)."""
    if isinstance(value, A.Node):
        return value  # type: ignore[return-value]
    return number(value)


def name(word: str) -> A.Name:
    """A bare name: a formula variable (``u``, ``t``, ``pi``), an enum value or a warm-up shape."""
    return A.Name(id=word)


def duration(value: Operand | Quantity) -> A.Expr:
    """A duration node: a :class:`Quantity`, or a number (or arithmetic) of steps."""
    if isinstance(value, Quantity):
        return A.Duration(value=number(value.value), unit=value.unit)
    return A.Duration(value=expr(value), unit="steps")


def span(start: Operand | None, end: Operand) -> A.Range:
    """``start→end`` (``→end`` when ``start`` is None: from the previous phase's end)."""
    return A.Range(start=None if start is None else expr(start), end=expr(end))


def _converted(param: P, value: Given) -> A.Expr:
    """``value`` as the node of ``param``'s kind."""
    kind = param.kind
    if kind == "range" and isinstance(value, tuple):
        return span(value[0], value[1])
    if kind == "dur":
        return duration(value)  # type: ignore[arg-type]
    if kind in ("durs", "values") and isinstance(value, list | tuple):
        return A.ListExpr(items=tuple(duration(v) if kind == "durs" else expr(v) for v in value))
    if kind in ("enum", "shape") and isinstance(value, str):
        return name(value)
    if isinstance(value, bool):
        return A.Bool(value=value)
    return expr(value)  # type: ignore[arg-type]


_ALIASES = {"duration": "dur"}
"""Keyword spellings a caller may use for a parameter: ``duration=`` for ``dur``."""


def call(callee: str, *args: Given, **kwargs: Given | None) -> A.Call:
    """``callee(args…)`` bound to its signature: positional ``args`` in the signature's order, then ``kwargs``
    by name (a ``None`` keyword is left out, so optional arguments can be passed through); ``from_`` is
    ``from``, ``duration`` is ``dur``. A name, argument or count the signature does not have is a ``ValueError``."""
    sig = SIGNATURES.get(callee)
    if sig is None:
        raise ValueError(f"{callee!r} is not a callable of the language")
    if sig.variadic:
        return A.Call(name=callee, args=tuple(_arg(sig.params[0].name, expr(a)) for a in args))  # type: ignore[arg-type]
    positional = [p for p in sig.params if p.positional]
    if len(args) > len(positional):
        raise ValueError(f"{callee} takes {len(positional)} positional arguments, not {len(args)}")
    bound: dict[str, Given] = dict(zip((p.name for p in positional), args, strict=False))
    for key, value in kwargs.items():
        if value is not None:
            bound[_ALIASES.get(key, key.rstrip("_"))] = value
    built = []
    for p in sig.params:
        if p.name in bound:
            built.append(_arg(p.name, _converted(p, bound.pop(p.name))))
    if bound:
        raise ValueError(f"{callee} has no argument {next(iter(bound))!r}")
    return A.Call(name=callee, args=tuple(built))


def _arg(name: str, value: A.Expr) -> A.Arg:
    """An argument the signature names, of a node already built: the call that holds it checks it whole
    (its depth included), so it is made without checking it again at each level."""
    return A.make(A.Arg, name=name, value=value)


def shape(kind: str, *args: Given, **kwargs: Given | None) -> A.Call:
    """A shape call: ``shape("cosine", (1, 0), 100)`` is ``cosine(1→0, 100)``."""
    if SIGNATURES[kind].role not in ("shape", "composite"):
        raise ValueError(f"{kind!r} is not a shape")
    return call(kind, *args, **kwargs)


def math_call(function: str, *args: Operand) -> A.Call:
    """A math function inside a formula: ``math_call("cos", x)`` is ``cos(x)``."""
    if MATH_FUNCS.get(function) != len(args):
        raise ValueError(f"{function!r} is not a math function of {len(args)} arguments")
    return A.Call(name=function, args=tuple(A.Arg(name=A.math_arg(i), value=expr(a)) for i, a in enumerate(args)))


def warmup(kind: str, length: Operand | Quantity, **kwargs: Given | None) -> A.Call:
    """``warmup(kind, length, …)``: a factor rising to 1 over ``length``."""
    return call("warmup", kind, length, **kwargs)


def restart(**kwargs: Given | None) -> A.Call:
    """``restart(period=…, mult=…, decay=…, cycles=…)``."""
    return call("restart", **kwargs)


def offset(n: Operand | Quantity) -> A.Call:
    """``offset(n)``: the schedule from ``n`` steps (or a :class:`Quantity`) on."""
    return call("offset", n)


def fn(formula: A.Node, length: Operand | Quantity | None = None) -> A.Call:
    """``fn(formula, length)``: a formula over ``t``, ``u``, ``p``, ``e``."""
    return call("fn", formula, length) if length is not None else call("fn", formula)


def seq(*items: A.Node) -> A.Expr:
    """``a >> b >> …`` (nested sequences are flattened: the same schedule); one item is itself."""
    flat: list[A.Expr] = []
    for item in items:
        flat.extend(item.items if isinstance(item, A.Seq) else (item,))  # type: ignore[arg-type]
    return flat[0] if len(flat) == 1 else A.Seq(items=tuple(flat))


def _binop(op: str, left: Operand, right: Operand) -> A.BinOp:
    return A.BinOp(op=op, left=expr(left), right=expr(right))


def add(left: Operand, right: Operand) -> A.Expr:
    """``left + right``."""
    return _binop("+", left, right)


def sub(left: Operand, right: Operand) -> A.Expr:
    """``left - right``."""
    return _binop("-", left, right)


def mul(*factors: Operand) -> A.Expr:
    """``a * b * …``, left to right; one factor is itself."""
    out = expr(factors[0])
    for f in factors[1:]:
        out = _binop("*", out, f)
    return out


def div(left: Operand, right: Operand) -> A.Expr:
    """``left / right``."""
    return _binop("/", left, right)


def power(base: Operand, exponent: Operand) -> A.Expr:
    """``base ** exponent``."""
    return _binop("**", base, exponent)


def neg(operand: Operand) -> A.Expr:
    """``-operand``."""
    return A.Neg(operand=expr(operand))


def scale(x: Operand, k: Operand) -> A.Expr:
    """``k * x``: a schedule scaled by a constant (``x`` itself when ``k`` is 1)."""
    if not isinstance(k, A.Node) and float(k) == 1.0:
        return expr(x)
    return mul(k, x)


def text(node: A.Node) -> str:
    """The canonical text of ``node``: the formatter's parentheses and numbers."""
    from lrdsl.language.formatter import format_node

    return format_node(node)


# ---------------------------------------------------------------- sets and kept phases (the config readers')


def after(lead: A.Node, rest: A.Node) -> A.Expr:
    """``lead >> (rest)``: ``rest`` run as one phase from ``lead``'s end, its local time from 0 there.

    Unlike :func:`seq`, a ``rest`` that is itself a sequence is kept whole (the formatter writes it in
    parentheses), so the tree is the one the parser builds from ``lead >> (rest)``.
    """
    return A.Seq(items=(expr(lead), expr(rest)))


def schedule_set(members: dict[str, Operand]) -> A.ScheduleSet:
    """The set ``name: expr`` of each member, in the order given (LANGUAGE.md §9.5); a member name the language
    refuses is a ``ValueError``. A set of ``lr`` alone is spelled as its bare expression by :func:`text`."""
    if not members:
        raise ValueError("a schedule set has at least one member")
    built = tuple(A.Member(name=key, expr=expr(value)) for key, value in members.items())
    return A.make(A.ScheduleSet, members=built)  # checked when its text is parsed, as any importer's
