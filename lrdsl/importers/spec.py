"""SPEC: a scheduler call as a user writes it, read with Python's ``ast`` and never executed.

``"OneCycleLR(max_lr=0.1, total_steps=1000)"`` becomes ``Call("OneCycleLR", [], {"max_lr": 0.1,
"total_steps": 1000})``. Arguments may be numbers, strings, ``True``/``False``/``None``, lists, tuples,
dicts, sets, constant arithmetic (``1/3``, ``300 - 30``, ``512 ** -0.5``), nested calls (``Call``:
``SequentialLR(schedulers=[LinearLR(…), …])``) and bare names (``Ref``: the ``optimizer`` argument).
Anything else (a ``lambda``, a comprehension, a subscript) is an :class:`LrdslError` with a caret under
it. A SPEC that names a ``.json``, ``.yaml`` or ``.yml`` file is a config: :func:`load_config` parses it.
"""

from __future__ import annotations

import ast
import importlib
import json
import math
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lrdsl.errors import LrdslError, Span

MAX_SPEC = 100_000
"""Characters a SPEC may have."""


@dataclass(frozen=True)
class Ref:
    """A bare name in a SPEC (``optimizer``, ``model.parameters``): a reference to something not given."""

    name: str


@dataclass(frozen=True)
class Call:
    """A call in a SPEC: ``name`` (dots kept: ``optax.cosine_decay_schedule``), its arguments, its span."""

    name: str
    args: list[object] = field(default_factory=list)
    kwargs: dict[str, object] = field(default_factory=dict)
    span: Span | None = None

    @property
    def short(self) -> str:
        """The name without its module path: ``cosine_decay_schedule``."""
        return self.name.rpartition(".")[2]


_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}


def parse_call(text: str) -> Call:
    """The call ``text`` writes (one expression, a call at the top), its arguments as Python values."""
    if len(text) > MAX_SPEC:
        raise LrdslError(f"SPEC is {len(text)} characters; the limit is {MAX_SPEC}")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        start = _offset(text.strip(), int(exc.lineno or 1), int(exc.offset or 1) - 1, byte=False)
        raise LrdslError(
            f"SPEC is not a Python call: {exc.msg}",
            span=Span(start, start + 1),
            source=text.strip(),
            hint="write the call as in your code: 'OneCycleLR(max_lr=0.1, total_steps=1000)'",
        ) from None
    reader = _Reader(text.strip())
    if not isinstance(tree.body, ast.Call):
        raise reader.error(tree.body, "SPEC must be a call such as 'StepLR(step_size=30)'")
    return reader.call(tree.body)


def _offset(text: str, line: int, col: int, *, byte: bool = True) -> int:
    """Character offset of ``line`` (1-based) and ``col`` (UTF-8 bytes as ``ast`` counts, or characters)."""
    lines = text.splitlines(keepends=True)
    before = sum(len(x) for x in lines[: line - 1])
    here = lines[line - 1] if line - 1 < len(lines) else ""
    if byte:
        col = len(here.encode("utf-8")[:col].decode("utf-8", errors="ignore"))
    return before + min(col, len(here))


class _Reader:
    """Turns the nodes of one SPEC into values; refuses everything that would need executing."""

    def __init__(self, text: str) -> None:
        self.text = text

    def span(self, node: ast.AST) -> Span:
        line: int = getattr(node, "lineno", 1)
        start = _offset(self.text, line, getattr(node, "col_offset", 0))
        end_line: int = getattr(node, "end_lineno", line) or line
        end_col: int = getattr(node, "end_col_offset", 0) or 0
        end = _offset(self.text, end_line, end_col)
        return Span(start, max(end, start + 1))

    def error(self, node: ast.AST, message: str, hint: str | None = None) -> LrdslError:
        return LrdslError(message, span=self.span(node), source=self.text, hint=hint)

    def name(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Attribute):
            inner = self.name(node.value)
            return None if inner is None else f"{inner}.{node.attr}"
        return None

    def call(self, node: ast.Call) -> Call:
        name = self.name(node.func)
        if name is None:
            raise self.error(node.func, "a SPEC calls a name such as 'CosineDecay' or 'optax.linear_schedule'")
        args: list[object] = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.error(arg, "SPEC arguments are written out: '*' unpacking is code")
            args.append(self.value(arg))
        kwargs: dict[str, object] = {}
        for kw in node.keywords:
            if kw.arg is None:
                raise self.error(kw.value, "SPEC arguments are written out: '**' unpacking is code")
            kwargs[kw.arg] = self.value(kw.value)
        return Call(name, args, kwargs, self.span(node))

    def value(self, node: ast.expr) -> object:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bytes | complex) or node.value is Ellipsis:
                raise self.error(node, f"a SPEC argument cannot be {type(node.value).__name__}")
            return node.value
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            items = [self.value(e) for e in node.elts]
            return tuple(items) if isinstance(node, ast.Tuple) else items
        if isinstance(node, ast.Dict):
            out: dict[object, object] = {}
            for k, v in zip(node.keys, node.values, strict=True):
                if k is None:
                    raise self.error(v, "SPEC arguments are written out: '**' unpacking is code")
                key = self.value(k)
                if isinstance(key, list | dict):
                    raise self.error(k, "a dict key in a SPEC is a number or a string")
                out[key] = self.value(v)
            return out
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Name | ast.Attribute) and self.name(node) is not None:
            return Ref(str(self.name(node)))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            operand = self.number(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            a, b = self.number(node.left), self.number(node.right)
            try:
                if isinstance(node.op, ast.Pow) or isinstance(a, float) or isinstance(b, float):
                    result: float = _BINARY[type(node.op)](float(a), float(b))
                else:
                    result = _BINARY[type(node.op)](a, b)
                    result = int(result) if isinstance(node.op, ast.Add | ast.Sub | ast.Mult) else result
            except (ArithmeticError, ValueError):
                raise self.error(node, "this arithmetic has no finite value") from None
            if isinstance(result, complex) or not math.isfinite(result):
                raise self.error(node, "this arithmetic has no finite value")
            return result
        kind = _KINDS.get(type(node).__name__, "expression")
        raise self.error(
            node,
            f"SPEC arguments must be literals: this {kind} is code, and a SPEC is never run",
            hint="in Python, give the object itself to lrdsl's from_<framework>(): it is sampled and verified",
        )

    def number(self, node: ast.expr) -> float:
        value = self.value(node)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(node, "arithmetic in a SPEC is between numbers")
        return value


_KINDS = {
    "Lambda": "lambda",
    "ListComp": "comprehension",
    "SetComp": "comprehension",
    "DictComp": "comprehension",
    "GeneratorExp": "comprehension",
    "Subscript": "subscript",
    "Compare": "comparison",
    "BoolOp": "boolean operation",
    "IfExp": "conditional",
    "JoinedStr": "f-string",
    "NamedExpr": "assignment",
    "Await": "await",
    "BinOp": "operation",
}

CONFIG_SUFFIXES = (".json", ".yaml", ".yml")


def is_config(spec: str) -> bool:
    """Whether ``spec`` names a config file rather than writing a call."""
    return spec.strip().lower().endswith(CONFIG_SUFFIXES) and "(" not in spec


def load_config(path: str) -> object:
    """The document in a ``.json``, ``.yaml`` or ``.yml`` file (YAML needs PyYAML)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LrdslError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    if p.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise LrdslError(f"{path}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None
    try:
        yaml: Any = importlib.import_module("yaml")
    except ImportError:
        raise LrdslError(
            f"reading {path} needs PyYAML", hint="pip install pyyaml (or give the config as JSON)"
        ) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise LrdslError(f"{path}: not YAML: {exc}") from None


REQUIRED = object()
"""The default of a parameter that has none (a SPEC must give it)."""


def bind(
    name: str, params: Sequence[tuple[str, object]], args: Sequence[object], kwargs: Mapping[str, object]
) -> dict[str, object]:
    """``args`` and ``kwargs`` of a call of ``name`` matched to ``params`` (``(name, default)``, in order).

    Every parameter appears in the result, with its default when not given; an unknown keyword, a
    parameter given twice, too many positional arguments or a missing required one is an LrdslError.
    """
    import difflib

    names = [p for p, _ in params]
    if len(args) > len(params):
        raise LrdslError(f"{name}() takes at most {len(params)} positional arguments, got {len(args)}")
    out: dict[str, object] = dict(zip(names, args, strict=False))
    for key, value in kwargs.items():
        if key not in names:
            close = difflib.get_close_matches(key, names, n=1)
            hint = f"did you mean {close[0]!r}?" if close else "its parameters: " + ", ".join(names)
            raise LrdslError(f"{name}() has no parameter {key!r}", hint=hint)
        if key in out:
            raise LrdslError(f"{name}() got {key!r} twice")
        out[key] = value
    for key, default in params:
        if key not in out:
            if default is REQUIRED:
                raise LrdslError(f"{name}() needs {key}=")
            out[key] = default
    return out
