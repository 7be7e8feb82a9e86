"""The validated syntax tree: frozen pydantic models, one discriminated union.

Source spans are kept in a private attribute so that two trees parsed from
differently spaced text compare equal (``parse(fmt(s)) == s``).

Models built in Python are validated by pydantic as usual. The parser builds
its nodes with :func:`make` (``model_construct``): the grammar and the signature
checks already guarantee their types, and skipping pydantic's schema build keeps
``lrdsl`` quick to start (schemas are built lazily, on first validation).

A tree that comes from anywhere else (``Schedule.model_validate_json``, a dict, a
hand-built model) is untrusted: its names reach generated code. Validation accepts
only what the parser produces: every name is one of the language's (read from
:mod:`lrdsl.signatures` and the grammar's ``$parameter`` token), numbers are finite
and non-negative, and a whole :class:`Schedule` must be exactly the parse of its
own canonical text (:func:`checked`, also applied by the API to every
:class:`Schedule` it is given, so that ``model_construct`` is no way around it).
"""

from __future__ import annotations

import functools
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from lrdsl.depth import check_data
from lrdsl.errors import LrdslError, Span
from lrdsl.ir import is_param_name
from lrdsl.signatures import MATH_FUNCS, SIGNATURES

_N = TypeVar("_N", bound="Node")


class Node(BaseModel):
    """Base of every syntax node: immutable, span-carrying, span-blind equality."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)
    _span: Span | None = PrivateAttr(default=None)

    @property
    def span(self) -> Span | None:
        """Where the node stands in the source, when it was parsed from text."""
        return self._span

    def at(self: _N, span: Span | None) -> _N:
        """This node with its source span set (returns ``self``)."""
        object.__setattr__(self, "__pydantic_private__", {"_span": span})
        return self

    @model_validator(mode="before")
    @classmethod
    def _bounded(cls, data: Any) -> Any:
        """No tree deeper than :data:`lrdsl.depth.MAX_DEPTH`: checked before pydantic recurses into it."""
        check_data(data, level=0 if issubclass(cls, Schedule) else 1, node_type=Node)
        return data

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash((type(self).__name__, *self.__dict__.values()))

    def __str__(self) -> str:
        from lrdsl.formatter import format_node

        return format_node(self)


def make(cls: type[_N], **fields: Any) -> _N:
    """A node of a shape the parser has already checked, without re-validation."""
    node = cls.model_construct(None, **fields)
    assert isinstance(node, cls)
    return node


class Num(Node):
    """A non-negative finite number literal."""

    kind: Literal["num"] = "num"
    value: float = Field(strict=True)

    @field_validator("value")
    @classmethod
    def _finite(cls, v: float) -> float:
        if v != v or v in (float("inf"), float("-inf")) or v < 0:
            raise ValueError("a number literal must be finite and non-negative")
        return float(v)


class Param(Node):
    """``$name``: a number bound at evaluation time."""

    kind: Literal["param"] = "param"
    name: str = Field(strict=True)

    @field_validator("name")
    @classmethod
    def _known(cls, v: str) -> str:
        if not is_param_name(v):
            raise ValueError(f"{v!r} is not a parameter name of the language (an ASCII identifier)")
        return v


class Name(Node):
    """A bare identifier: a formula variable (``u``), an enum value (``end``) or a shape name."""

    kind: Literal["name"] = "name"
    id: str = Field(strict=True)

    @field_validator("id")
    @classmethod
    def _known(cls, v: str) -> str:
        return _one_of(v, "name", names().words)


class Bool(Node):
    """``true`` / ``false``."""

    kind: Literal["bool"] = "bool"
    value: bool = Field(strict=True)


class Neg(Node):
    """Unary minus."""

    kind: Literal["neg"] = "neg"
    operand: Expr


class BinOp(Node):
    """``left op right`` for ``+ - * / **``."""

    kind: Literal["binop"] = "binop"
    op: Literal["+", "-", "*", "/", "**"]
    left: Expr
    right: Expr


class Seq(Node):
    """``a >> b >> …``: phases one after another."""

    kind: Literal["seq"] = "seq"
    items: tuple[Expr, ...] = Field(min_length=2)


class Duration(Node):
    """A duration: steps (plain constant), ``ep`` (epochs), ``%`` of the enclosing span, ``tok``, ``sa``.

    With ``unit == "steps"`` the value may be duration arithmetic (LANGUAGE.md §8.4): ``+``/``-``
    of :class:`Duration` leaves, ``*``/``/`` by constants (``6ep - 199``, ``2 * 5ep``).
    """

    kind: Literal["dur"] = "dur"
    value: Expr
    unit: Literal["steps", "ep", "%", "tok", "sa"]


class Range(Node):
    """``a→b``; ``start`` is ``None`` for ``→b`` (from the previous phase's end)."""

    kind: Literal["range"] = "range"
    start: Expr | None
    end: Expr


class ListExpr(Node):
    """``[a, b, …]``."""

    kind: Literal["list"] = "list"
    items: tuple[Expr, ...]


class Arg(Node):
    """One validated argument of a call, always stored by its parameter name."""

    kind: Literal["arg"] = "arg"
    name: str = Field(strict=True)
    value: Expr

    @field_validator("name")
    @classmethod
    def _known(cls, v: str) -> str:
        return _one_of(v, "argument name", names().arguments)


def math_arg(i: int) -> str:
    """The name of a math function's ``i``-th argument (``exp(x0)``): never a shape parameter's."""
    return f"x{i}"


class Call(Node):
    """``name(args)``: a shape, modifier, combinator, composite, or (in formulas) a math function."""

    kind: Literal["call"] = "call"
    name: str = Field(strict=True)
    args: tuple[Arg, ...]

    @field_validator("name")
    @classmethod
    def _known(cls, v: str) -> str:
        return _one_of(v, "function name", names().callables)

    def is_math(self) -> bool:
        """A math function inside a formula (its arguments are named by :func:`math_arg`)."""
        return all(a.name == math_arg(i) for i, a in enumerate(self.args))

    def arg(self, name: str) -> Expr | None:
        """The value of argument ``name``, or ``None`` when it was not given."""
        for a in self.args:
            if a.name == name:
                return a.value
        return None


Expr = Annotated[
    Num | Param | Name | Bool | Neg | BinOp | Seq | Duration | Range | ListExpr | Call,
    Field(discriminator="kind"),
]


class Schedule(Node):
    """A parsed, validated schedule; ``str()`` is its canonical text."""

    kind: Literal["schedule"] = "schedule"
    expr: Expr
    _source: str | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _as_parsed(self) -> Schedule:
        return checked(self)

    @property
    def source(self) -> str | None:
        """The text this schedule was parsed from (``None`` if built in Python)."""
        return self._source

    def __str__(self) -> str:
        from lrdsl.formatter import format_node

        return format_node(self.expr)


class Names:
    """Every name the parser can put in a tree, read from :mod:`lrdsl.signatures`."""

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


def _one_of(value: str, what: str, allowed: frozenset[str]) -> str:
    if value not in allowed:
        raise ValueError(f"{value!r} is not a {what} of the language")
    return value


def checked(schedule: Schedule) -> Schedule:
    """The parser's own tree for ``schedule``, or an :class:`LrdslError` if the parser would not produce it.

    Parsed schedules pass at the cost of a cache lookup. Any other tree (validated from JSON,
    built with ``model_construct``) must re-parse from its canonical text to an equal tree, and
    the parser's tree is returned: no name, number, type or structure in what lowering and
    code generation read is one the parser would refuse.
    """
    from lrdsl.parser import parse

    if not isinstance(schedule, Schedule):
        raise LrdslError(f"expected a Schedule, not {type(schedule).__name__}")
    try:
        source = schedule.source
    except Exception:  # a hand-built tree may lack its private attributes
        source = None
    if isinstance(source, str):
        try:
            again = parse(source)
        except LrdslError:
            pass
        else:
            if again is schedule or again == schedule:
                return again
    try:
        text = str(schedule)
    except Exception as exc:  # any malformed tree is refused alike
        raise _not_parsed(f"it cannot be printed ({type(exc).__name__})") from None
    try:
        again = parse(text)
    except LrdslError as err:
        raise _not_parsed(err.message) from None
    if not again == schedule:
        raise _not_parsed("its canonical text parses to a different tree")
    return again


def _not_parsed(why: str) -> LrdslError:
    return LrdslError(
        f"this schedule tree is not one the parser produces: {why}",
        hint="build schedules with lrdsl.parse(text), or validate them from a dump of a parsed schedule",
    )
