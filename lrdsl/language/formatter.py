"""Canonical text of a syntax tree: ``parse(format_node(x)) == x`` for every tree.

Numbers print in their shortest round-tripping form (``1e-6``, ``0.1``, ``5000``),
ranges with ``→``, arguments positionally where the signature allows, then by
keyword, and parentheses only where precedence needs them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from lrdsl.language.numbers import format_number
from lrdsl.language.signatures import SIGNATURES

if TYPE_CHECKING:  # the models call this module: it reads them by kind, not by importing them
    from lrdsl.language import ast as A

_PREC = {">>": 1, "+": 2, "-": 2, "*": 3, "/": 3, "neg": 4, "**": 5}
_ATOM = 6


def format_node(node: A.Node) -> str:
    """The canonical text of ``node``."""
    return _fmt(node)


def _prec(node: A.Node) -> int:
    kind = type(node).__name__
    if kind == "Seq":
        return 1
    if kind == "BinOp":
        return _PREC[cast("A.BinOp", node).op]
    if kind == "Duration" and cast("A.Duration", node).unit == "steps":  # printed as its value
        return _prec(cast("A.Duration", node).value)
    return 4 if kind == "Neg" else _ATOM


def _paren(text: str, parens: bool) -> str:
    return f"({text})" if parens else text


def _fmt(node: A.Node) -> str:
    """Dispatch on the node's kind (by name: the models import this module, not the reverse)."""
    handler = _FORMAT.get(type(node).__name__)
    if handler is None:  # pragma: no cover
        raise TypeError(f"cannot format {type(node).__name__}")
    return handler(node)


def _binop(node: A.BinOp) -> str:
    p = _PREC[node.op]
    if node.op == "**":
        return f"{_paren(_fmt(node.left), _prec(node.left) <= p)} ** {_paren(_fmt(node.right), _prec(node.right) < 4)}"
    return (
        f"{_paren(_fmt(node.left), _prec(node.left) < p)} {node.op} {_paren(_fmt(node.right), _prec(node.right) <= p)}"
    )


def _duration(node: A.Duration) -> str:
    if node.unit in ("tok", "sa") and type(node.value).__name__ == "Num":
        return _suffixed(cast("A.Num", node.value).value) + node.unit
    return _fmt(node.value) if node.unit == "steps" else _fmt(node.value) + node.unit


def _suffixed(value: float) -> str:
    """``2e9`` as ``2B``, ``2.5e6`` as ``2.5M`` (token and sample counts); others as plain numbers."""
    import decimal

    exact = decimal.Decimal(repr(value))
    for suffix, power in (("T", 12), ("B", 9), ("M", 6), ("k", 3)):
        scaled = exact.scaleb(-power).normalize()
        parts = scaled.as_tuple()
        if scaled >= 1 and len(parts.digits) <= 4 and isinstance(parts.exponent, int) and parts.exponent >= -3:
            text = format(scaled, "f")
            if float(decimal.Decimal(text).scaleb(power)) == value:
                return text + suffix
    return format_number(value)


def _range(node: A.Range) -> str:
    start = _fmt(node.start) if node.start is not None else ""
    return f"{start}→{_fmt(node.end)}"


_FORMAT: dict[str, Callable[[Any], str]] = {
    "Num": lambda n: format_number(n.value),
    "Param": lambda n: f"${n.name}",
    "Name": lambda n: str(n.id),
    "Bool": lambda n: "true" if n.value else "false",
    "Neg": lambda n: "-" + _paren(_fmt(n.operand), _prec(n.operand) < 4),
    "BinOp": _binop,
    "Seq": lambda n: " >> ".join(_paren(_fmt(i), _prec(i) <= 1) for i in n.items),
    "Duration": _duration,
    "Range": _range,
    "ListExpr": lambda n: "[" + ", ".join(_fmt(i) for i in n.items) + "]",
    "Call": lambda n: f"{n.name}({', '.join(_call_args(n))})",
    "Schedule": lambda n: _fmt(n.expr),
    "Member": lambda n: f"{n.name}: {_fmt(n.expr)}",
    "ScheduleSet": lambda n: _schedule_set(n),
}


def _schedule_set(node: A.ScheduleSet) -> str:
    """One member per line; a set of the learning rate alone is its bare expression (LANGUAGE.md §9.5)."""
    from lrdsl.language.members import DEFAULT

    if len(node.members) == 1 and node.members[0].name == DEFAULT:
        return _fmt(node.members[0].expr)
    return "\n".join(_fmt(m) for m in node.members)


def _call_args(node: A.Call) -> list[str]:
    sig = SIGNATURES.get(node.name)
    # math functions inside fn(…) (`exp` is also a shape) and min/max: all positional
    if sig is None or sig.variadic or node.is_math():
        return [_fmt(a.value) for a in node.args]
    given = {a.name: a.value for a in node.args}
    out: list[str] = []
    positional_ok = True
    for p in sig.params:
        if p.name not in given:
            positional_ok = positional_ok and not p.positional
            if p.positional:
                positional_ok = False
            continue
        text = _fmt(given[p.name])
        if p.positional and positional_ok:
            out.append(text)
        else:
            out.append(f"{p.name}={text}")
    return out


SHORT = 60
"""Characters of schedule text a ``repr`` shows."""


def short_text(text: str, limit: int = SHORT) -> str:
    """``text`` cut to at most ``limit`` characters, after a whole phase where one ends in time: ``a >> …``."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" >> ", 0, limit - 4)
    if cut > 0:
        return text[:cut] + " >> …"
    return text[: limit - 1] + "…"
