"""SPEC: a scheduler call as a user writes it, read with Python's ``ast`` and never executed.

``"OneCycleLR(max_lr=0.1, total_steps=1000)"`` becomes ``Call("OneCycleLR", [], {"max_lr": 0.1,
"total_steps": 1000})``. Arguments may be numbers, strings, ``True``/``False``/``None``, lists, tuples,
dicts, sets, constant arithmetic (``1/3``, ``300 - 30``, ``512 ** -0.5``), the conversions training code
writes around numbers (``int(1e10)``, ``float(3)``, ``np.float64(1.0)``, ``np.float32(0.1)``: their value, as
the conversion gives it) and ``math.pi``/``np.pi``, nested calls (``Call``:
``SequentialLR(schedulers=[LinearLR(…), …])``) and bare names (``Ref``: the ``optimizer`` argument).
Anything else (a ``lambda``, a comprehension, a subscript) is an :class:`LrdslError` with a caret under
it. Numbers beyond a float's range, arguments nested deeper than :data:`MAX_DEPTH` and conversions of
anything but a number are refused the same way. A SPEC that names a ``.json``, ``.yaml`` or ``.yml`` file is
a config: :func:`load_config` parses it and refuses documents of more than :data:`MAX_CONFIG_VALUES` values
once YAML aliases are expanded, or nested deeper than :data:`MAX_DEPTH`.
"""

from __future__ import annotations

import ast
import importlib
import json
import math
import operator
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lrdsl.errors import LrdslError, Span
from lrdsl.language.echo import clipped, shown

MAX_SPEC = 100_000
"""Characters a SPEC may have."""

MAX_DEPTH = 50
"""Levels of nesting (calls, lists, dicts, operations) a SPEC's arguments or a config may have."""

MAX_CONFIG_VALUES = 100_000
"""Values (each scalar, list and mapping, counted once per place it appears) a config may hold."""

MAX_CONFIG_BYTES = 10_000_000
"""Bytes a config file may have."""

FLOAT_LIMIT = 2**1024
"""Integers at least this large (in magnitude) have no float: a SPEC or a config cannot use them."""

_FLOATS = {"float": "d", "float64": "d", "double": "d", "float32": "f", "single": "f", "float16": "e", "half": "e"}
_INTS = {"int": None, "int64": 63, "int32": 31, "int16": 15, "int8": 7, "uint64": 64, "uint32": 32, "uint16": 16,
         "uint8": 8}  # fmt: skip
_MODULES = ("", "np.", "numpy.", "jnp.", "jax.numpy.", "builtins.")
CONVERSIONS = {f"{m}{t}" for m in _MODULES for t in (*_FLOATS, *_INTS) if m or t in ("int", "float")}
"""Calls whose value a SPEC takes: Python's and NumPy's conversions of one number."""
CONSTANTS = {"math.pi": math.pi, "np.pi": math.pi, "numpy.pi": math.pi, "math.e": math.e, "np.e": math.e}
"""Names whose value a SPEC takes."""


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
    except (RecursionError, MemoryError):
        raise LrdslError(
            f"SPEC is nested too deeply to read (at most {MAX_DEPTH} levels)",
            hint="write the call as in your code, with its arguments as literal numbers",
        ) from None
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
        self.depth = 0

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
        """The value ``node`` writes, at most :data:`MAX_DEPTH` levels deep."""
        if self.depth >= MAX_DEPTH:
            raise self.error(node, f"SPEC arguments are nested more than {MAX_DEPTH} levels deep")
        self.depth += 1
        try:
            return self._value(node)
        finally:
            self.depth -= 1

    def _value(self, node: ast.expr) -> object:
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            items = [self.value(e) for e in node.elts]
            return tuple(items) if isinstance(node, ast.Tuple) else items
        if isinstance(node, ast.Dict):
            return self.mapping(node)
        if isinstance(node, ast.Call):
            if self.name(node.func) in CONVERSIONS:
                return self.converted(node)
            return self.call(node)
        if isinstance(node, ast.Name | ast.Attribute) and self.name(node) is not None:
            name = str(self.name(node))
            return CONSTANTS.get(name, Ref(name))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            operand = self.number(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            return self.arithmetic(node)
        kind = _KINDS.get(type(node).__name__, "expression")
        raise self.error(
            node,
            f"SPEC arguments must be literals: this {kind} is code, and a SPEC is never run",
            hint="in Python, give the object itself to lrdsl's from_<framework>(): it is sampled and verified",
        )

    def constant(self, node: ast.Constant) -> object:
        """A literal: a number within a float's range, a string, a bool or None."""
        if isinstance(node.value, bytes | complex) or node.value is Ellipsis:
            raise self.error(node, f"a SPEC argument cannot be {type(node.value).__name__}")
        if isinstance(node.value, int) and not isinstance(node.value, bool) and abs(node.value) >= FLOAT_LIMIT:
            raise self.error(node, "this number is beyond a float's range", hint="no rate or step count is this large")
        return node.value

    def mapping(self, node: ast.Dict) -> dict[object, object]:
        """A dict written out, its keys numbers or strings."""
        out: dict[object, object] = {}
        for k, v in zip(node.keys, node.values, strict=True):
            if k is None:
                raise self.error(v, "SPEC arguments are written out: '**' unpacking is code")
            key = self.value(k)
            if isinstance(key, list | dict):
                raise self.error(k, "a dict key in a SPEC is a number or a string")
            out[key] = self.value(v)
        return out

    def arithmetic(self, node: ast.BinOp) -> float:
        """``a op b`` of two numbers: an int where both are and the operator keeps ints, else a float; finite."""
        a, b = self.number(node.left), self.number(node.right)
        try:
            if isinstance(node.op, ast.Pow) or isinstance(a, float) or isinstance(b, float):
                result: float = _BINARY[type(node.op)](float(a), float(b))
            else:
                result = _BINARY[type(node.op)](a, b)
                result = int(result) if isinstance(node.op, ast.Add | ast.Sub | ast.Mult) else result
        except (ArithmeticError, ValueError):
            raise self.error(node, "this arithmetic has no finite value") from None
        if isinstance(result, int) and abs(result) >= FLOAT_LIMIT:
            raise self.error(node, "this arithmetic is beyond a float's range")
        if isinstance(result, complex) or not math.isfinite(result):
            raise self.error(node, "this arithmetic has no finite value")
        return result

    def converted(self, node: ast.Call) -> float:
        """The value of ``int(x)``, ``float(x)``, ``np.float32(x)``, … of one number ``x``, as the conversion gives it."""
        name = str(self.name(node.func))
        if len(node.args) != 1 or node.keywords or isinstance(node.args[0], ast.Starred):
            raise self.error(node, f"{name}(…) in a SPEC converts one number", hint=f"{name}(1e-3)")
        x = self.number(node.args[0])
        kind = name.rpartition(".")[2]
        if kind in _FLOATS:
            try:
                value = struct.unpack(_FLOATS[kind], struct.pack(_FLOATS[kind], float(x)))[0]
            except (OverflowError, struct.error):
                raise self.error(node, f"{x:g} is beyond {name}'s range") from None
            if not math.isfinite(value):
                raise self.error(node, f"{x:g} is beyond {name}'s range")
            return float(value)
        whole = math.trunc(x)  # Python's int() and NumPy's integer conversions both truncate toward 0
        bits = _INTS[kind]
        if bits is not None:
            low = 0 if kind.startswith("u") else -(2**bits)
            if not low <= whole < 2**bits:
                raise self.error(node, f"{whole} is beyond {name}'s range")
        return whole

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


def is_literal(spec: str) -> bool:
    """Whether ``spec`` writes a config document itself rather than a call or a path: a JSON object
    (``{"scheduler": …}``) or YAML mappings (``lr_scheduler:`` lines). A call never starts with a key and a colon."""
    text = spec.strip()
    return text.startswith("{") or re.match(r"[A-Za-z_][\w.-]*\s*:(\s|$)", text) is not None


def load_literal(text: str) -> object:
    """The config document written in ``text`` (JSON, else YAML: its flow style reads JSON too), checked by
    :func:`bounded`, at most :data:`MAX_CONFIG_BYTES` bytes like a file."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_CONFIG_BYTES:
        raise LrdslError(f"the config has {size:,} bytes; a config may have {MAX_CONFIG_BYTES:,}")
    text = text.strip()
    if text.startswith("{"):
        try:
            return bounded(json.loads(text), "the config")
        except RecursionError:
            raise LrdslError(
                f"the config is nested too deeply to read (at most {MAX_DEPTH} levels)",
                hint="a config is a few levels deep",
            ) from None
        except json.JSONDecodeError:
            pass  # YAML's flow style: {lr: 0.1} is no JSON, and YAML reads every JSON document alike
    return load_yaml(text, "the config")


def load_config(path: str) -> object:
    """The document in a ``.json``, ``.yaml`` or ``.yml`` file (YAML needs PyYAML), checked by :func:`bounded`."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_CONFIG_BYTES:
            raise LrdslError(f"{clipped(path)} has {size:,} bytes; a config may have {MAX_CONFIG_BYTES:,}")
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LrdslError(f"cannot read {clipped(path)}: {getattr(exc, 'strerror', None) or exc}") from None
    deep = LrdslError(
        f"{clipped(path)} is nested too deeply to read (at most {MAX_DEPTH} levels)",
        hint="a config is a few levels deep",
    )
    if p.suffix.lower() == ".json":
        try:
            return bounded(json.loads(text), clipped(path))
        except RecursionError:
            raise deep from None
        except json.JSONDecodeError as exc:
            raise LrdslError(f"{clipped(path)}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None
    return load_yaml(text, clipped(path))


def load_yaml(text: str, where: str) -> object:
    """The YAML document ``text`` (PyYAML's safe loader: plain data, nothing constructed or run), checked by
    :func:`bounded`; ``where`` names it in errors."""
    try:
        yaml: Any = importlib.import_module("yaml")
    except ImportError:
        raise LrdslError(
            f"reading {where} needs PyYAML", hint="pip install pyyaml (or give the config as JSON)"
        ) from None
    try:
        return bounded(yaml.safe_load(text), where)
    except RecursionError:
        raise LrdslError(
            f"{where} is nested too deeply to read (at most {MAX_DEPTH} levels)", hint="a config is a few levels deep"
        ) from None
    except yaml.YAMLError as exc:
        lines = "\n".join(clipped(line, 200) for line in str(exc).splitlines()[:12])
        raise LrdslError(f"{where}: not YAML: {lines}") from None


def bounded(document: object, where: str = "the config") -> object:
    """``document`` if it holds at most :data:`MAX_CONFIG_VALUES` values, counted as if every YAML alias were
    written out (a list shared by ``*a`` twice counts twice), nested at most :data:`MAX_DEPTH` deep, with no
    integer beyond a float's range; else an :class:`LrdslError`. Shared parts are counted once each (memoised),
    so the count's own work is the size of the file, not of its expansion; a recursive alias is refused."""
    sizes: dict[int, int] = {}
    open_: set[int] = set()

    def size(node: object, depth: int) -> int:
        if isinstance(node, int) and not isinstance(node, bool) and abs(node) >= FLOAT_LIMIT:
            raise LrdslError(f"{where}: the number {shown(node)} is beyond a float's range")
        if not isinstance(node, dict | list | tuple | set):
            return 1
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_:
            raise LrdslError(f"{where} contains itself (a recursive YAML alias)", hint="write the value out")
        if depth >= MAX_DEPTH:
            raise LrdslError(
                f"{where} is nested more than {MAX_DEPTH} levels deep", hint="a config is a few levels deep"
            )
        open_.add(key)
        items = [*node.keys(), *node.values()] if isinstance(node, dict) else list(node)
        total = 1
        for item in items:
            total += size(item, depth + 1)
            if total > MAX_CONFIG_VALUES:
                raise LrdslError(
                    f"{where} holds more than {MAX_CONFIG_VALUES:,} values once its aliases are expanded",
                    hint="a scheduler config is a few dozen values; YAML aliases (*a) repeat what they name",
                )
        open_.discard(key)
        sizes[key] = total
        return total

    size(document, 0)
    return document
