"""Canonical text of a syntax tree: ``parse(format_node(x)) == x`` for every tree.

Numbers print in their shortest round-tripping form (``1e-6``, ``0.1``, ``5000``),
ranges with ``→``, arguments positionally where the signature allows, then by
keyword, and parentheses only where precedence needs them.
"""

from __future__ import annotations

from lrdsl import ast as A
from lrdsl.signatures import SIGNATURES

_PREC = {">>": 1, "+": 2, "-": 2, "*": 3, "/": 3, "neg": 4, "**": 5}
_ATOM = 6


def format_number(value: float) -> str:
    """Shortest text that reads back as ``value``: ``5000``, ``0.1``, ``1e-3``, ``2.5e20`` (ties: plain)."""
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    plain = repr(value)
    mantissa, sep, exponent = plain.partition("e")
    if sep:
        plain = f"{mantissa}e{int(exponent)}"
    for digits in range(17):
        mantissa, _, exponent = f"{value:.{digits}e}".partition("e")
        if float(f"{mantissa}e{exponent}") == value:
            sci = f"{mantissa}e{int(exponent)}"
            return sci if len(sci) < len(plain) else plain
    return plain  # pragma: no cover - 17 significant digits always round-trip


def format_node(node: A.Node) -> str:
    """The canonical text of ``node``."""
    return _fmt(node)


def _prec(node: A.Node) -> int:
    if isinstance(node, A.Seq):
        return 1
    if isinstance(node, A.BinOp):
        return _PREC[node.op]
    if isinstance(node, A.Neg):
        return 4
    return _ATOM


def _wrap(node: A.Node, parens: bool) -> str:
    text = _fmt(node)
    return f"({text})" if parens else text


def _fmt(node: A.Node) -> str:
    if isinstance(node, A.Num):
        return format_number(node.value)
    if isinstance(node, A.Param):
        return f"${node.name}"
    if isinstance(node, (A.Name,)):
        return node.id
    if isinstance(node, A.Bool):
        return "true" if node.value else "false"
    if isinstance(node, A.Neg):
        return "-" + _wrap(node.operand, _prec(node.operand) < 4)
    if isinstance(node, A.BinOp):
        p = _PREC[node.op]
        if node.op == "**":
            return f"{_wrap(node.left, _prec(node.left) <= p)} ** {_wrap(node.right, _prec(node.right) < 4)}"
        return f"{_wrap(node.left, _prec(node.left) < p)} {node.op} {_wrap(node.right, _prec(node.right) <= p)}"
    if isinstance(node, A.Seq):
        return " >> ".join(_wrap(i, _prec(i) <= 1) for i in node.items)
    if isinstance(node, A.Duration):
        if node.unit == "steps":
            return _fmt(node.value)
        return _fmt(node.value) + node.unit
    if isinstance(node, A.Range):
        start = _fmt(node.start) if node.start is not None else ""
        return f"{start}→{_fmt(node.end)}"
    if isinstance(node, A.ListExpr):
        return "[" + ", ".join(_fmt(i) for i in node.items) + "]"
    if isinstance(node, A.Call):
        return f"{node.name}({', '.join(_call_args(node))})"
    if isinstance(node, A.Schedule):
        return _fmt(node.expr)
    raise TypeError(f"cannot format {type(node).__name__}")  # pragma: no cover


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
