"""Numbers that may depend on ``$parameters``: a value for decisions, an IR expression for code.

When code is generated, a parameter stays a parameter: ``cosine($peak→$peak/100)`` lowers to
formulas over ``ir.Param("peak")`` so that one generated class serves a sweep. Lowering still
needs numbers to lay the schedule out and to check it, so a :class:`Sym` carries both the value
(the bound default, or 1 for a parameter given no default) and the expression. Plain floats are
used whenever no parameter is involved, which is always the case when evaluating.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from lrdsl import ir
from lrdsl.language.runfree import MATH


def _lifted(op: str) -> tuple[Callable[[Sym, Number], Number], Callable[[Sym, Number], Number]]:
    """The methods of ``x op o`` and of its reflection ``o op x``, both through :func:`lift`
    (as numpy's ``NDArrayOperatorsMixin`` makes ``__add__`` and ``__radd__`` from one ufunc)."""
    return (lambda x, o: lift(op, x, o)), (lambda x, o: lift(op, o, x))


@dataclass(frozen=True, eq=False)
class Sym:
    """A number that depends on parameters: ``value`` now, ``expr`` in generated code."""

    value: float
    expr: ir.Arith
    params: frozenset[str]

    def __float__(self) -> float:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)

    __add__, __radd__ = _lifted("+")
    __sub__, __rsub__ = _lifted("-")
    __mul__, __rmul__ = _lifted("*")
    __truediv__, __rtruediv__ = _lifted("/")
    __pow__, __rpow__ = _lifted("**")

    def __neg__(self) -> Sym:
        return Sym(-self.value, ir.Fn("neg", self.expr), self.params)

    def __abs__(self) -> Sym:
        return Sym(abs(self.value), ir.Fn("abs", self.expr), self.params)

    def __lt__(self, o: Number) -> bool:
        return self.value < float(o)

    def __le__(self, o: Number) -> bool:
        return self.value <= float(o)

    def __gt__(self, o: Number) -> bool:
        return self.value > float(o)

    def __ge__(self, o: Number) -> bool:
        return self.value >= float(o)

    def __eq__(self, o: object) -> bool:
        return isinstance(o, (int, float, Sym)) and self.value == float(o)

    def __hash__(self) -> int:
        return hash(self.value)


Number = float | Sym

_OPS: dict[str, Callable[[float, float], float]] = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "/": lambda a, b: a / b, "**": lambda a, b: a**b,
}  # fmt: skip


def expr(x: Number) -> ir.Arith:
    """The IR expression of ``x``."""
    return x.expr if isinstance(x, Sym) else ir.Const(float(x))


def params_of(x: object) -> frozenset[str]:
    """The parameters ``x`` depends on."""
    return x.params if isinstance(x, Sym) else frozenset()


def lift(op: str, a: Number, b: Number) -> Number:
    """``a op b``: a float when neither depends on a parameter."""
    value = _OPS[op](float(a), float(b))
    if not isinstance(a, Sym) and not isinstance(b, Sym):
        return value
    if (op in ("+", "-") and not isinstance(b, Sym) and b == 0) or (
        op in ("*", "/", "**") and b == 1.0 and not isinstance(b, Sym)
    ):
        return a  # x + 0, x − 0, x·1, x/1, x¹
    if (op == "+" and not isinstance(a, Sym) and a == 0) or (op == "*" and not isinstance(a, Sym) and a == 1.0):
        return b  # 0 + x, 1·x
    return Sym(value, ir.Bin(op, expr(a), expr(b)), params_of(a) | params_of(b))


def log(x: Number) -> Number:
    """``ln x``."""
    if isinstance(x, Sym):
        return Sym(math.log(x.value), ir.Fn("log", x.expr), x.params)
    return math.log(x)


def absolute(x: Number) -> Number:
    """``|x|``."""
    return abs(x) if isinstance(x, Sym) else abs(float(x))


_MATH = MATH


def function(name: str, args: list[Number]) -> Number:
    """``name(args)`` for a math function (one argument) or ``min``/``max`` (two)."""
    if name in ("min", "max"):
        a, b = args
        value = min(float(a), float(b)) if name == "min" else max(float(a), float(b))
        if not isinstance(a, Sym) and not isinstance(b, Sym):
            return value
        return Sym(value, ir.Bin(name, expr(a), expr(b)), params_of(a) | params_of(b))
    (x,) = args
    value = float(_MATH[name](float(x)))
    if isinstance(x, Sym):
        return Sym(value, ir.Fn(name, x.expr), x.params)
    return value
