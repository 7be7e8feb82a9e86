"""The walk shared by every printer: one Python function per IR schedule node.

A printer subclass supplies how each node kind and each arithmetic operation is
written (its tables); the emitter walks the IR once, names functions and module
constants, and keeps generated code O(size of the IR).

Whether a frame's local time is a whole number of steps (``integral``) is decided
here from the IR alone: at the root it is; a piece of a :class:`~lrdsl.ir.Seq`
keeps it when its start is whole, and so on. Printers use it to compare and
divide on integers, which keeps float32 targets exact up to 2**31 steps.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction

from lrdsl import ir


def whole(x: float | Fraction) -> bool:
    """``x`` is a whole number."""
    return float(x).is_integer()


def num(x: float | Fraction) -> str:
    """A float literal: ``repr`` of the float (always with a dot or exponent); an infinity or NaN, which folding
    constants can give (``1 / 0.0``), as ``float("inf")``: a name ``inf`` is defined in no target."""
    value = float(x)
    return repr(value) if math.isfinite(value) else f'float("{value!r}")'


def safe_comment(text: str) -> str:
    """``text`` reduced to characters that cannot end a comment or a string."""
    clean = re.sub(r"[^A-Za-z0-9_ .,:;+\-*/%()\[\]=<>^→$]", "?", text)
    return clean if len(clean) <= 80 else clean[:77].rstrip() + "..."


COMBINED = {"+": "sum", "-": "difference", "*": "product", "/": "quotient", "min": "minimum", "max": "maximum"}
"""What the function of a pointwise combination is called, by its operation."""

LINE = 60
"""Longest expression kept on one line before parts are hoisted into temporaries."""

WIDTH = 88
"""Longest generated line: ruff's (and black's) default, so that ``ruff format`` at default
settings leaves the code as it is, in any repository it is pasted into."""

_SIMPLE = re.compile(r"-?[0-9.e+-]+|[A-Za-z_][A-Za-z_0-9.]*")


def bare(expr: str) -> str:
    """``expr`` without one pair of parentheses that encloses all of it."""
    if not (expr.startswith("(") and expr.endswith(")")):
        return expr
    depth = 0
    for i, ch in enumerate(expr):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and i < len(expr) - 1:
            return expr
    return expr[1:-1]


def simple(code: str) -> bool:
    """``code`` is a name or a number: it may be written twice (``x * x``) or hugged by an operator."""
    return _SIMPLE.fullmatch(code) is not None


def power(a: str, b: str) -> str:
    """``a ** b`` spaced as ruff formats it (hugged when both operands are simple)."""
    if _SIMPLE.fullmatch(a) and _SIMPLE.fullmatch(b) and not a.startswith("-"):
        return f"({a}**{b})"
    return f"({a} ** {b})"


def sequence(values: list[str], room: int = 70) -> str:
    """A tuple literal, one item a line when it would not fit in ``room`` characters."""
    one = "(" + ", ".join(values) + ("," if len(values) == 1 else "") + ")"
    if len(one) <= room:
        return one
    return "(\n" + "".join(f"    {v},\n" for v in values) + ")"


@dataclass
class Emitter:
    """Collects function definitions and module constants while a printer walks the IR."""

    prefix: str = "_"
    defs: list[str] = field(default_factory=list)
    constants: list[str] = field(default_factory=list)
    counter: int = 0
    imports: set[str] = field(default_factory=set)
    body: list[str] = field(default_factory=list)
    temps: int = 0
    seen: dict[str, int] = field(default_factory=dict)
    takes_params: bool = False
    """Node functions take the parameters ``p`` (a dict) as a second argument."""
    helpers: set[str] = field(default_factory=set)

    def invoke(self, fn: str, arg: str) -> str:
        """A call of node function ``fn`` at local time ``arg``."""
        return f"{fn}({bare(arg)}, p)" if self.takes_params else f"{fn}({bare(arg)})"

    def fresh(self, kind: str, label: str = "") -> str:
        """A new function name that says what it computes: ``_cosine``, then ``_cosine_2``, …

        ``label`` is the phase's source text (``cosine(0.1→0)`` names it ``cosine``); without one,
        ``kind`` (``hold``, ``phases``, …).
        """
        return self._unique(f"{self.prefix}{kind_of(label) or kind}")

    def constant(self, kind: str, values: list[str]) -> str:
        """A module-level tuple constant ``_KIND = (…)``; returns its name."""
        name = self._unique(f"{self.prefix.upper()}{kind.upper()}")
        self.constants.append(f"{name} = {sequence(values, WIDTH - len(name) - 3)}")
        return name

    def _unique(self, base: str) -> str:
        self.counter += 1
        self.seen[base] = self.seen.get(base, 0) + 1
        return base if self.seen[base] == 1 else f"{base}_{self.seen[base]}"

    def define_once(self, name: str, source: str) -> None:
        """Define module function ``name`` (``source``) once, ahead of the node functions."""
        if name not in self.helpers:
            self.defs.insert(len(self.helpers), source)
            self.helpers.add(name)

    def start(self) -> None:
        """Begin the statements of a new function (temporaries are numbered per function)."""
        self.body = []
        self.temps = 0

    def hoist(self, code: str) -> str:
        """Assign ``code`` to a new temporary of the current function; return its name."""
        self.temps += 1
        name = f"x{self.temps}"
        self.body.append(f"{name} = {bare(code)}")
        return name

    def fit(self, *parts: str) -> list[str]:
        """``parts`` with the longest ones hoisted until they fit on one line together."""
        out = list(parts)
        while sum(len(p) for p in out) > LINE:
            i = max(range(len(out)), key=lambda k: len(out[k]))
            if _SIMPLE.fullmatch(out[i]):
                break
            out[i] = self.hoist(out[i])
        return out

    def define(self, name: str, doc: str, lines: list[str]) -> None:
        """Add ``def name(u):`` with a one-line comment and ``lines`` (after the hoisted ones)."""
        statements = self.narrow([*self.body, *lines])
        self.body = []
        text = "\n".join(("    " + ln) if ln else "" for ln in statements)
        comment = f"    # {safe_comment(doc)}\n" if doc else ""
        signature = "u, p" if self.takes_params else "u"
        self.defs.append(f"def {name}({signature}):\n{comment}{text}")

    def helper(self, kind: str, arguments: str, doc: str, lines: list[str]) -> str:
        """A module-level function ``def _kind_N(arguments):`` with ``lines``; returns its name."""
        name = self.fresh(kind)
        text = "\n".join(("    " + ln) if ln else "" for ln in self.narrow(lines))
        self.defs.append(f"def {name}({arguments}):\n    # {safe_comment(doc)}\n{text}")
        return name

    def narrow(self, lines: list[str]) -> list[str]:
        """``lines`` (a function's body, unindented) with every statement at most :data:`WIDTH` wide.

        An assignment or ``return`` that is wider has its widest operand hoisted into a temporary
        of its own (``x3 = …``, placed just before it, at its indentation), until it fits. Only
        operands that are always evaluated are hoisted (arguments of a call, operands of an
        arithmetic operation), never a branch of a conditional or the body of a ``lambda``,
        so that the function computes and fails exactly as before.
        """
        out: list[str] = []
        for line in lines:
            found = _STATEMENT.fullmatch(line)
            if found is None or len(line) + 4 <= WIDTH:
                out.append(line)
                continue
            indent, head, expr = found.groups()
            out += self._shorten(indent, head, expr)
        return out

    def _shorten(self, indent: str, head: str, expr: str) -> list[str]:
        """``indent + head + expr`` and the temporaries it needs to fit in :data:`WIDTH`."""
        before: list[str] = []
        room = WIDTH - 4 - len(indent) - len(head)
        while len(expr) > room:
            span = _widest_operand(expr)
            if span is None:
                break
            start, end = span
            room_for = f"x{self.temps + 1}_ = "  # at least as wide as the name it gets
            if end - start <= len(room_for) - 3:
                break
            inner = self._shorten(indent, room_for, expr[start:end])
            self.temps += 1  # numbered after the temporaries it reads
            name = f"x{self.temps}"
            hoisted = bare(inner[-1][len(indent) + len(room_for) :])  # as ruff format writes it
            before += [*inner[:-1], f"{indent}{name} = {hoisted}"]
            expr = expr[:start] + name + expr[end:]
        return [*before, f"{indent}{head}{expr}"]


_STATEMENT = re.compile(r"( *)(return |[A-Za-z_][A-Za-z_0-9]* = )(.+)")


def _widest_operand(expr: str) -> tuple[int, int] | None:
    """Where the widest always-evaluated operand of ``expr`` is (with its enclosing parentheses)."""
    if not expr.isascii():  # ast's offsets count bytes
        return None
    try:
        tree = ast.parse(expr, mode="eval").body
    except SyntaxError:
        return None
    best: tuple[int, int] | None = None
    for node in _operands(tree):
        if not isinstance(node, (ast.Name, ast.Constant)):
            start, end = _grouped(expr, node.col_offset, node.end_col_offset or node.col_offset)
            if best is None or end - start > best[1] - best[0]:
                best = (start, end)
    return best


def _operands(node: ast.expr) -> Iterator[ast.expr]:
    """The operands below ``node`` that are always evaluated (arguments, operands, one comparison's sides)."""
    for child in _children(node):
        yield child
        yield from _operands(child)


def _children(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.Call):
        return [*node.args, *(k.value for k in node.keywords)]
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        return [node.left, *node.comparators]
    return []


def _grouped(expr: str, start: int, end: int) -> tuple[int, int]:
    """``expr[start:end]`` widened over the grouping parentheses around it."""
    while (
        start > 0
        and expr[start - 1] == "("
        and end < len(expr)
        and expr[end] == ")"
        and _encloses(expr, start - 1, end)
    ):
        start, end = start - 1, end + 1
    return start, end


def _encloses(expr: str, open_at: int, close_at: int) -> bool:
    """The parenthesis at ``open_at`` is a grouping one that closes at ``close_at``."""
    before = expr[:open_at].rstrip()
    if before and (before[-1].isalnum() or before[-1] in "_)]"):
        return False  # a call's parentheses
    depth = 0
    for i in range(open_at, close_at + 1):
        depth += expr[i] == "("
        depth -= expr[i] == ")"
        if depth == 0:
            return i == close_at
    return False


def kind_of(label: str) -> str:
    """The name a phase's source text gives its function: ``cosine(0.1→0, 10)`` → ``cosine``."""
    word = re.match(r"[a-z_]+", label)
    if word:
        return word.group(0)
    return "const" if re.match(r"[-0-9.$]", label) else ""


def seq_integral(node: ir.Seq, integral: bool) -> list[bool]:
    """Whether each piece of ``node`` sees whole steps."""
    return [integral and whole(b) for b in node.breaks]


def cycles_integral(node: ir.Cycles | ir.Unrolled, integral: bool) -> bool:
    """Whether a restart body sees whole steps (constant whole period)."""
    return integral and node.mult == 1 and node.period.denominator == 1


def quantize_integral(node: ir.Quantize, integral: bool) -> bool:
    """Whether a quantized body sees whole steps."""
    return integral and whole(node.q) and (not node.at_end or whole(node.hi))
