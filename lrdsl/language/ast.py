"""The validated syntax tree: immutable nodes, one union of expression kinds told apart by ``kind``.

Nodes are plain Python objects, so that the parser, lowering and the command line never import
pydantic (it costs more than the rest of the command line's start together). They keep the
pydantic API users see — ``model_validate``, ``model_validate_json``, ``model_dump``,
``model_dump_json``, ``model_construct``, ``model_json_schema`` — and a node is a field type of any
pydantic model (``__get_pydantic_core_schema__``); pydantic is imported only when one of these
is used. Validation errors are ``pydantic.ValidationError``, as a pydantic model raises.

Source spans are kept outside the fields, so that two trees parsed from differently spaced text
compare equal (``parse(fmt(s)) == s``). The parser builds its nodes with :func:`make` (no
re-validation: the grammar and the signature checks already guarantee their types).

A tree that comes from anywhere else (``Schedule.model_validate_json``, a dict, a hand-built
node) is untrusted: its names reach generated code. Validation accepts only what the parser
produces: every name is one of the language's (read from :mod:`lrdsl.language.signatures` and the
grammar's ``$parameter`` token), numbers are finite and non-negative, and a whole
:class:`Schedule` must be exactly the parse of its own canonical text (:func:`checked`, also
applied by the API to every :class:`Schedule` it is given, so that ``model_construct`` is no
way around it). Each node class lists its fields and their checks in one table (``SPEC``).
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from lrdsl.errors import LrdslError, Span
from lrdsl.ir import is_param_name
from lrdsl.language.depth import check_data
from lrdsl.language.hooks import upper
from lrdsl.language.signatures import MATH_FUNCS, SIGNATURES

if TYPE_CHECKING:
    from lrdsl.run.bound import BoundSchedule
    from lrdsl.run.bound_set import BoundScheduleSet

_N = TypeVar("_N", bound="Node")

Check = Callable[[Any, str], Any]
"""A field's check: ``(value, where) → value``, or ``ValueError`` naming ``where``."""


class Node:
    """Base of every syntax node: immutable, span-carrying, span-blind equality.

    A node's ``__dict__`` holds exactly its fields (``kind`` first); its span and, for a
    :class:`Schedule`, its source text are kept in slots beside them.
    """

    __slots__ = ("__dict__", "_height", "_runfree", "_source", "_span")
    KIND: ClassVar[str]
    """The node's ``kind`` tag in dumps and JSON."""
    SPEC: ClassVar[tuple[tuple[str, Check | Children], ...]]
    """Each field in order, with its check."""

    kind: str

    def __init__(self, **fields: Any) -> None:
        """A node built in Python: every field checked as :meth:`model_validate` checks data."""
        cls = type(self)
        try:
            check_data(fields, level=_top_level(cls), node_type=Node)
            values = cls._checked_fields(fields, cls.__name__)
        except ValueError as exc:
            raise _invalid(cls, fields, exc) from None
        _fill(self, values)
        if cls is Schedule or cls is ScheduleSet:
            try:
                checked(self) if cls is Schedule else checked_set(self)  # type: ignore[arg-type]
            except ValueError as exc:
                raise _invalid(cls, fields, exc) from None

    # ---------------------------------------------------------------- immutability and identity

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: build a new node")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        fields = self.__dict__
        return hash((type(self).__name__, *(fields.get(name) for name, _ in self.SPEC)))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuilt, (type(self), dict(self.__dict__), self.span, getattr(self, "_source", None)))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.__dict__.items() if k != 'kind')})"

    def __str__(self) -> str:
        from lrdsl.language.formatter import format_node

        return format_node(self)

    @property
    def span(self) -> Span | None:
        """Where the node stands in the source, when it was parsed from text."""
        return getattr(self, "_span", None)

    def at(self: _N, span: Span | None) -> _N:
        """This node with its source span set (returns ``self``)."""
        object.__setattr__(self, "_span", span)
        return self

    # ---------------------------------------------------------------- the pydantic API

    @classmethod
    def model_construct(cls: type[_N], _fields_set: Any = None, **fields: Any) -> _N:
        """A node from ``fields`` with no check at all (as pydantic's): the API re-checks schedules."""
        node = object.__new__(cls)
        fields.pop("kind", None)
        _fill(node, {name: fields.pop(name) for name, _ in cls.SPEC if name in fields} | fields)
        return node

    @classmethod
    def model_validate(cls: type[_N], obj: Any) -> _N:
        """A node from a dict (``model_dump()``) or a node, checked; ``pydantic.ValidationError`` if refused."""
        try:
            return cls._validated(obj)
        except ValueError as exc:
            raise _invalid(cls, obj, exc) from None

    @classmethod
    def model_validate_json(cls: type[_N], json_data: str | bytes | bytearray) -> _N:
        """A node from JSON text (``model_dump_json()``), read by pydantic's JSON parser and checked."""
        from pydantic_core import from_json

        try:
            data = from_json(json_data)
        except ValueError as exc:
            raise _invalid(cls, json_data, exc) from None
        return cls.model_validate(data)

    def model_dump(self, *, mode: str = "python") -> dict[str, Any]:
        """The tree as dicts (``kind`` and the fields); tuples stay tuples unless ``mode="json"``."""
        dumped: dict[str, Any] = _dumped(self, mode == "json")
        return dumped

    def model_dump_json(self) -> str:
        """The tree as compact JSON, which :meth:`model_validate_json` reads back."""
        return json.dumps(self.model_dump(mode="json"), separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def model_json_schema(cls) -> dict[str, Any]:
        """The JSON Schema of the node's dump: one definition per kind."""
        return json_schema(cls)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        """As a field of a pydantic model: validated by :meth:`model_validate`, dumped by :meth:`model_dump`."""
        from pydantic_core import core_schema

        return core_schema.no_info_plain_validator_function(
            cls._validated,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda node, info: node.model_dump(mode=info.mode), info_arg=True
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, core: Any, handler: Any) -> dict[str, Any]:
        """Inside another model's schema: an object (the full tree is :meth:`model_json_schema`)."""
        return {"type": "object", "title": cls.__name__, "description": f"an lrdsl syntax tree: {cls.__name__} dump"}

    # ---------------------------------------------------------------- checking data

    @classmethod
    def _validated(cls: type[_N], obj: Any) -> _N:
        if isinstance(obj, cls):
            node = obj
        else:
            check_data(obj, level=_top_level(cls), node_type=Node)
            node = _node(obj, {cls.KIND: cls}, cls.__name__, default=cls.KIND)  # type: ignore[assignment]
        if isinstance(node, ScheduleSet):
            return checked_set(node)  # type: ignore[return-value]
        return checked(node) if isinstance(node, Schedule) else node  # type: ignore[return-value]

    @classmethod
    def _checked_fields(cls, data: Mapping[str, Any], where: str) -> dict[str, Any]:
        kind = data.get("kind", cls.KIND)
        if kind != cls.KIND:
            raise ValueError(f"{where}.kind: expected {cls.KIND!r}, not {kind!r}")
        names = {name for name, _ in cls.SPEC}
        extra = sorted(str(k) for k in data if k != "kind" and k not in names)
        if extra:
            raise ValueError(f"{where}: unknown field {extra[0]!r} (a {cls.KIND} has {', '.join(sorted(names))})")
        out = {}
        for name, check in cls.SPEC:
            if name not in data:
                raise ValueError(f"{where}.{name}: field required")
            value = data[name]
            out[name] = (
                _children(check, value, f"{where}.{name}")
                if isinstance(check, Children)
                else check(value, f"{where}.{name}")
            )
        return out


def _top_level(cls: type[Node]) -> int:
    """The depth level of a node of ``cls`` at the top of data.

    A schedule's expression is level 1; a set's members are level 1 and their expressions level 2, so a
    member is one level shallower than a schedule alone (its JSON nests two containers more).
    """
    return {"Schedule": 0, "Member": 1, "ScheduleSet": 0}.get(cls.__name__, 1)


def _fill(node: Node, fields: Mapping[str, Any]) -> None:
    object.__setattr__(node, "__dict__", {"kind": type(node).KIND, **fields})
    object.__setattr__(node, "_height", 1 + max(map(_height, fields.values()), default=0))


def _height(value: Any) -> int:
    """The levels of a field's value (:mod:`~lrdsl.language.depth`'s count: a node is one, a list none),
    read off its nodes' recorded heights, so that checking a node built from checked ones is not a walk."""
    if isinstance(value, Node):
        return getattr(value, "_height", None) or _walked_height(value)
    if isinstance(value, (list, tuple)):
        return max(map(_height, value), default=0)
    return 0


def _walked_height(node: Node) -> int:
    """The height of a node made without :func:`_fill` (unpickled or copied): walked once, children first
    and without recursion (any depth), each node's height then recorded."""
    stack: list[tuple[Node, bool]] = [(node, False)]
    while stack:
        item, ready = stack.pop()
        below = [c for v in item.__dict__.values() for c in (v if isinstance(v, (list, tuple)) else (v,))]
        kids = [c for c in below if isinstance(c, Node) and getattr(c, "_height", None) is None]
        if ready or not kids:
            object.__setattr__(item, "_height", 1 + max(map(_height, item.__dict__.values()), default=0))
        else:
            stack += [(item, True), *((kid, False) for kid in kids)]
    height: int = getattr(node, "_height")  # noqa: B009 - a slot set just above
    return height


def _rebuilt(cls: type[Node], fields: dict[str, Any], span: Span | None, source: str | None) -> Node:
    node = object.__new__(cls)
    object.__setattr__(node, "__dict__", fields)
    node.at(span)
    if source is not None:
        object.__setattr__(node, "_source", source)
    return node


def _dumped(value: Any, as_json: bool) -> Any:
    """``value`` as dicts, lists (JSON) or tuples: one Python frame per level of the tree."""
    if isinstance(value, Node):
        out = {}
        for name, field in value.__dict__.items():
            out[name] = _dumped(field, as_json) if isinstance(field, (Node, tuple)) else field
        return out
    if isinstance(value, tuple):
        items = []
        for item in value:
            items.append(_dumped(item, as_json) if isinstance(item, (Node, tuple)) else item)
        return items if as_json else tuple(items)
    return value


def _invalid(cls: type[Node], data: Any, exc: ValueError) -> Exception:
    """``exc`` as the ``pydantic.ValidationError`` a pydantic model would raise."""
    from pydantic_core import ValidationError

    error: Any = {"type": "value_error", "loc": (), "input": data, "ctx": {"error": exc}}
    return ValidationError.from_exception_data(cls.__name__, [error])


def walk(node: Node) -> Iterator[Node]:
    """``node`` and every node under it, each before its children and in source order (iterative)."""
    stack: list[Node] = [node]
    while stack:
        item = stack.pop()
        yield item
        children: list[Node] = []
        for value in item.__dict__.values():
            if isinstance(value, Node):
                children.append(value)
            elif isinstance(value, tuple):
                children.extend(v for v in value if isinstance(v, Node))
        stack.extend(reversed(children))


def make(cls: type[_N], **fields: Any) -> _N:
    """A node of a shape the parser has already checked, without re-validation."""
    node = object.__new__(cls)
    object.__setattr__(node, "__dict__", {"kind": cls.KIND, **fields})
    return node


# -------------------------------------------------------------------- field checks


@functools.cache
def expr_kinds() -> dict[str, type[Node]]:
    """The expression node classes by their ``kind``."""
    kinds: tuple[type[Node], ...] = Expr.__args__
    return {cls.KIND: cls for cls in kinds}


class Names:
    """Every name the parser can put in a tree, read from :mod:`lrdsl.language.signatures`."""

    def __init__(self) -> None:
        params = [p for sig in SIGNATURES.values() for p in sig.params]
        self.words = frozenset(w for p in params for w in (*p.vars, *p.choices))
        """``Name.id``: formula variables, shape names and enum values."""
        self.callables = frozenset(SIGNATURES) | frozenset(MATH_FUNCS)
        """``Call.name``: shapes, modifiers, combinators, composites and math functions."""
        self.arguments = frozenset(p.name for p in params) | {math_arg(i) for i in range(max(MATH_FUNCS.values()))}
        """``Arg.name``: parameter names of the signatures and of math functions."""


@functools.cache
def names() -> Names:
    """The language's names (built once)."""
    return Names()


def _number(value: Any, where: str) -> float:
    if type(value) not in (int, float) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{where}: a number literal must be finite and non-negative, not {value!r}")
    return float(value)


def _boolean(value: Any, where: str) -> bool:
    if type(value) is not bool:
        raise ValueError(f"{where}: expected true or false, not {value!r}")
    return value


def _text(allowed: Callable[[str], bool], what: str) -> Check:
    def check(value: Any, where: str) -> str:
        if type(value) is not str or not allowed(value):
            raise ValueError(f"{where}: {value!r} is not a {what} of the language")
        return value

    return check


def _literal(*values: str) -> Check:
    def check(value: Any, where: str) -> str:
        if type(value) is not str or value not in values:
            raise ValueError(f"{where}: {value!r} is not one of {', '.join(values)}")
        return value

    return check


class Children:
    """A field holding nodes: one (``many=False``; ``None`` too if ``optional``) or a list of them.

    Read by :func:`_node` itself rather than called, so that checking a tree takes one Python
    frame per level (the deepest trees are checked within the 500 frames every walker may use).
    """

    def __init__(
        self,
        kinds: Callable[[], Mapping[str, type[Node]]],
        many: bool = False,
        least: int = 0,
        optional: bool = False,
        default: str | None = None,
    ) -> None:
        self.kinds, self.many, self.least, self.optional, self.default = kinds, many, least, optional, default


EXPR = Children(lambda: expr_kinds())
OPTIONAL_EXPR = Children(lambda: expr_kinds(), optional=True)
EXPRS = Children(lambda: expr_kinds(), many=True)
PHASES = Children(lambda: expr_kinds(), many=True, least=2)
ARGS = Children(lambda: {"arg": Arg}, many=True, default="arg")


def _node(data: Any, kinds: Mapping[str, type[Node]], where: str, default: str | None = None) -> Node:
    """A node of one of ``kinds``: a node of such a class as it is, or one built from its dict."""
    if isinstance(data, Node):
        if type(data) in kinds.values():
            return data
        raise ValueError(f"{where}: a {type(data).__name__} cannot stand here")
    if not isinstance(data, Mapping):
        raise ValueError(f"{where}: expected a node (a dict with 'kind'), not {type(data).__name__}")
    kind = data.get("kind", default)
    cls = kinds.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ValueError(f"{where}.kind: {kind!r} is not one of {', '.join(kinds)}")
    node = object.__new__(cls)
    _fill(node, cls._checked_fields(data, where))
    return node


def _children(spec: Children, value: Any, where: str) -> Any:
    """The nodes of a :class:`Children` field (called by ``_checked_fields``, which ``_node`` calls)."""
    kinds = spec.kinds()
    if not spec.many:
        return None if value is None and spec.optional else _node(value, kinds, where, spec.default)
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"{where}: expected a list, not {type(value).__name__}")
    if len(value) < spec.least:
        raise ValueError(f"{where}: expected at least {spec.least} items, got {len(value)}")
    items = []
    for i, item in enumerate(value):
        items.append(_node(item, kinds, f"{where}.{i}", spec.default))
    return tuple(items)


# -------------------------------------------------------------------- the node kinds


class Num(Node):
    """A non-negative finite number literal."""

    KIND = "num"
    SPEC = (("value", _number),)
    value: float


class Param(Node):
    """``$name``: a number bound at evaluation time."""

    KIND = "param"
    SPEC = (("name", _text(is_param_name, "parameter name (an ASCII identifier)")),)
    name: str


class Name(Node):
    """A bare identifier: a formula variable (``u``), an enum value (``end``) or a shape name."""

    KIND = "name"
    SPEC = (("id", _text(lambda v: v in names().words, "name")),)
    id: str


class Bool(Node):
    """``true`` / ``false``."""

    KIND = "bool"
    SPEC = (("value", _boolean),)
    value: bool


class Neg(Node):
    """Unary minus."""

    KIND = "neg"
    SPEC = (("operand", EXPR),)
    operand: Expr


class BinOp(Node):
    """``left op right`` for ``+ - * / **``."""

    KIND = "binop"
    SPEC = (("op", _literal("+", "-", "*", "/", "**")), ("left", EXPR), ("right", EXPR))
    op: str
    left: Expr
    right: Expr


class Seq(Node):
    """``a >> b >> …``: phases one after another."""

    KIND = "seq"
    SPEC = (("items", PHASES),)
    items: tuple[Expr, ...]


class Duration(Node):
    """A duration: steps (plain constant), ``ep`` (epochs), ``%`` of the enclosing span, ``tok``, ``sa``.

    With ``unit == "steps"`` the value may be duration arithmetic (LANGUAGE.md §8.4): ``+``/``-``
    of :class:`Duration` leaves, ``*``/``/`` by constants (``6ep - 199``, ``2 * 5ep``).
    """

    KIND = "dur"
    SPEC = (("value", EXPR), ("unit", _literal("steps", "ep", "%", "tok", "sa")))
    value: Expr
    unit: str


class Range(Node):
    """``a→b``; ``start`` is ``None`` for ``→b`` (from the previous phase's end)."""

    KIND = "range"
    SPEC = (("start", OPTIONAL_EXPR), ("end", EXPR))
    start: Expr | None
    end: Expr


class ListExpr(Node):
    """``[a, b, …]``."""

    KIND = "list"
    SPEC = (("items", EXPRS),)
    items: tuple[Expr, ...]


class Arg(Node):
    """One validated argument of a call, always stored by its parameter name."""

    KIND = "arg"
    SPEC = (("name", _text(lambda v: v in names().arguments, "argument name")), ("value", EXPR))
    name: str
    value: Expr


def math_arg(i: int) -> str:
    """The name of a math function's ``i``-th argument (``exp(x0)``): never a shape parameter's."""
    return f"x{i}"


class Call(Node):
    """``name(args)``: a shape, modifier, combinator, composite, or (in formulas) a math function."""

    KIND = "call"
    SPEC = (("name", _text(lambda v: v in names().callables, "function name")), ("args", ARGS))
    name: str
    args: tuple[Arg, ...]

    def is_math(self) -> bool:
        """A math function inside a formula (its arguments are named by :func:`math_arg`)."""
        return all(a.name == math_arg(i) for i, a in enumerate(self.args))

    def arg(self, name: str) -> Expr | None:
        """The value of argument ``name``, or ``None`` when it was not given."""
        for a in self.args:
            if a.name == name:
                return a.value
        return None


Expr = Num | Param | Name | Bool | Neg | BinOp | Seq | Duration | Range | ListExpr | Call
"""Every expression node; in data, told apart by ``kind``."""


class Schedule(Node):
    """A parsed, validated schedule; ``str()`` is its canonical text."""

    KIND = "schedule"
    SPEC = (("expr", EXPR),)
    expr: Expr

    @property
    def source(self) -> str | None:
        """The text this schedule was parsed from (``None`` if built in Python)."""
        source = getattr(self, "_source", None)
        return source if isinstance(source, str) else None

    def parsed_from(self, text: str) -> Schedule:
        """This schedule, recording that it was parsed from ``text`` (the parser's; returns ``self``)."""
        object.__setattr__(self, "_source", text)
        return self

    def __str__(self) -> str:
        from lrdsl.language.formatter import format_node

        return format_node(self.expr)

    def __repr__(self) -> str:
        from lrdsl.language.formatter import short_text

        return f"Schedule({short_text(str(self))!r})"

    def _repr_html_(self) -> str:
        html: str = upper("schedule_html")(self)
        return html

    def bind(
        self,
        total_steps: int | str | None = None,
        steps_per_epoch: float | None = None,
        params: Mapping[str, float] | None = None,
    ) -> BoundSchedule:
        """This schedule bound to a run: :func:`lrdsl.bind`."""
        bound: BoundSchedule = upper("bind")(self, total_steps, steps_per_epoch, params)
        return bound


def _member_name(value: Any, where: str) -> str:
    from lrdsl.language.members import name_problem

    if type(value) is not str:
        raise ValueError(f"{where}: a member name is a string, not {type(value).__name__}")
    problem = name_problem(value)
    if problem is not None:
        raise ValueError(f"{where}: {problem[0]}" + (f" ({problem[1]})" if problem[1] else ""))
    return value


class Member(Node):
    """``NAME: EXPR``: one named schedule of a set."""

    KIND = "member"
    SPEC = (("name", _member_name), ("expr", EXPR))
    name: str
    expr: Expr


MEMBERS = Children(lambda: {"member": Member}, many=True, least=1, default="member")


class ScheduleSet(Node):
    """Several named schedules of one run (LANGUAGE.md §9.5); ``str()`` is its canonical text.

    Each member ``m`` denotes ``m(t)``, the value used together with update ``t + 1``; every member
    is evaluated on the same run (total, steps per epoch, tokens and samples per step, ``$params``).
    """

    KIND = "set"
    SPEC = (("members", MEMBERS),)
    members: tuple[Member, ...]

    @property
    def source(self) -> str | None:
        """The text this set was parsed from (``None`` if built in Python or from a mapping)."""
        source = getattr(self, "_source", None)
        return source if isinstance(source, str) else None

    def parsed_from(self, text: str) -> ScheduleSet:
        """This set, recording that it was parsed from ``text`` (the parser's; returns ``self``)."""
        object.__setattr__(self, "_source", text)
        return self

    @property
    def names(self) -> tuple[str, ...]:
        """The members' names, in the order written."""
        return tuple(m.name for m in self.members)

    def member(self, name: str) -> Schedule:
        """The schedule of member ``name`` (its spans point into the set's text), or an :class:`LrdslError`."""
        for m in self.members:
            if m.name == name:
                schedule = make(Schedule, expr=m.expr).at(m.span)
                return schedule.parsed_from(self.source) if self.source is not None else schedule
        raise LrdslError(f"this set has no member '{name}'", hint=f"its members: {', '.join(self.names)}")

    def bind(
        self,
        total_steps: int | str | None = None,
        steps_per_epoch: float | None = None,
        params: Mapping[str, float] | None = None,
    ) -> BoundScheduleSet:
        """This set bound to one run shared by every member: a :class:`~lrdsl.run.bound_set.BoundScheduleSet`."""
        bound: BoundScheduleSet = upper("bind_set")(self, total_steps, steps_per_epoch, params)
        return bound

    def __str__(self) -> str:
        from lrdsl.language.formatter import format_node

        return format_node(self)

    def __repr__(self) -> str:
        from lrdsl.language.formatter import short_text

        return f"ScheduleSet({short_text(str(self))!r})"


def json_schema(cls: type[Node]) -> dict[str, Any]:
    """The JSON Schema of ``cls``'s dump, read from the nodes' ``SPEC`` tables."""
    kinds: list[type[Node]] = [*expr_kinds().values(), Arg, Schedule]
    if cls in (Member, ScheduleSet):
        kinds += [Member, ScheduleSet]
    ref = {k: {"$ref": f"#/$defs/{k.__name__}"} for k in kinds}
    expr = {"oneOf": [ref[k] for k in expr_kinds().values()], "discriminator": {"propertyName": "kind"}}
    shapes: dict[object, dict[str, Any]] = {
        _number: {"type": "number", "minimum": 0},
        _boolean: {"type": "boolean"},
        EXPR: expr,
        OPTIONAL_EXPR: {"anyOf": [expr, {"type": "null"}]},
        EXPRS: {"type": "array", "items": expr},
        PHASES: {"type": "array", "items": expr, "minItems": 2},
        ARGS: {"type": "array", "items": ref[Arg]},
    }

    if Member in ref:
        shapes[MEMBERS] = {"type": "array", "items": ref[Member], "minItems": 1}

    def field(check: Check | Children) -> dict[str, Any]:
        return shapes.get(check, {"type": "string"})

    defs = {
        k.__name__: {
            "type": "object",
            "title": k.__name__,
            "description": (k.__doc__ or "").strip().splitlines()[0],
            "properties": {"kind": {"const": k.KIND}, **{n: field(c) for n, c in k.SPEC}},
            "required": [n for n, _ in k.SPEC],
            "additionalProperties": False,
        }
        for k in kinds
    }
    return {"$defs": defs, **ref[cls]}


def checked(schedule: Schedule) -> Schedule:
    """The parser's own tree for ``schedule``, or an :class:`LrdslError` if the parser would not produce it.

    Parsed schedules pass at the cost of a cache lookup. Any other tree (validated from JSON,
    built with ``model_construct``) must re-parse from its canonical text to an equal tree, and
    the parser's tree is returned: no name, number, type or structure in what lowering and
    code generation read is one the parser would refuse.
    """
    return _reparsed(schedule, Schedule, upper("parse"))


def checked_set(schedules: ScheduleSet) -> ScheduleSet:
    """The parser's own tree for ``schedules`` (as :func:`checked` for a :class:`Schedule`)."""
    return _reparsed(schedules, ScheduleSet, upper("parse_set"))


_Tree = TypeVar("_Tree")


def _reparsed(tree: object, kind: type[_Tree], parse: Callable[[str], _Tree]) -> _Tree:
    """``tree`` (a ``kind``) as ``parse`` gives it: from its source at a cache lookup, else from its canonical text."""
    if not isinstance(tree, kind):
        raise LrdslError(f"expected a {kind.__name__}, not {type(tree).__name__}")
    source = getattr(tree, "source", None)
    if source is not None:
        try:
            again = parse(source)
        except LrdslError:
            pass
        else:
            if again is tree or again == tree:
                return again
    try:
        text = str(tree)
    except Exception as exc:  # any malformed tree is refused alike
        raise _not_parsed(f"it cannot be printed ({type(exc).__name__})") from None
    try:
        again = parse(text)
    except LrdslError as err:
        raise _not_parsed(err.message) from None
    if not again == tree:
        raise _not_parsed("its canonical text parses to a different tree")
    return again


def _not_parsed(why: str) -> LrdslError:
    return LrdslError(
        f"this schedule tree is not one the parser produces: {why}",
        hint="build schedules with lrdsl.parse(text), or validate them from a dump of a parsed schedule",
    )
