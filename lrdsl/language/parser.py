"""Text → validated :class:`~lrdsl.language.ast.Schedule`.

The LALR grammar (``grammar/lrdsl.lark``) yields a raw tree (lark's LALR parser keeps its
own stack: any nesting parses); :class:`_Builder` turns it into AST nodes, checking every call
against :mod:`lrdsl.language.signatures` so that errors point at the offending argument, and bounding
the depth of the tree it builds by :data:`lrdsl.language.depth.MAX_DEPTH` as it goes, so that neither it
nor any later walker of the tree recurses deeper.
"""

from __future__ import annotations

import decimal
import functools
import math
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from lrdsl.errors import LrdslError, Span, did_you_mean
from lrdsl.language import ast as A
from lrdsl.language.ast import make
from lrdsl.language.depth import MAX_DEPTH, depth_error
from lrdsl.language.members import DEFAULT as DEFAULT_MEMBER
from lrdsl.language.members import MAX_MEMBERS, clash, name_problem
from lrdsl.language.signatures import MATH_FUNCS, SIGNATURES, P, Sig, known_names

if TYPE_CHECKING:
    from lrdsl.language.lalr import Parser

MAX_SOURCE = 1_000_000
MAX_BRACKETS = 200
"""Brackets nested deeper are refused before parsing (the tree is bounded by ``MAX_DEPTH`` levels)."""
MAX_ITEMS = 10_000
"""The most items of one list (``at=[…]``), refused before parsing: parsing costs ~0.1 ms an item,
and every later stage is linear in them (docs/performance.md, "The worst accepted input")."""
MAX_PHASES = 4_096
"""The most phases joined by ``>>`` in one schedule, refused before parsing: lowering and code
generation cost about a millisecond a phase."""
BOM = "\ufeff"

_GAP = re.compile(r"#[^\n]*|\s+|([^\s#]+)")
"""What lies between two operands: comments, white space and (group 1) the operator."""


def _lark() -> Parser:
    """The LALR parser of ``grammar/lrdsl.lark``: lark's tables (``lalr_tables.json``), run by ``lalr.py``."""
    from lrdsl.language import lalr

    return lalr.load()


def parse(text: str) -> A.Schedule:
    """Parse and validate ``text``; raise :class:`LrdslError` with a caret on failure.

    ``text`` is one schedule; a set (LANGUAGE.md §9.5) is accepted when its only member is
    ``lr`` (that is the same schedule), and refused otherwise with a hint to :func:`parse_set`.
    Schedules are immutable, so the result for a given text is memoised.
    """
    if not isinstance(text, str):
        raise LrdslError(f"a schedule must be a string, not {type(text).__name__}")
    parsed = _parse(text)
    if isinstance(parsed, A.ScheduleSet):
        first = parsed.members[0]
        raise LrdslError(
            f"this text is a set of schedules ({', '.join(parsed.names)}), not one schedule",
            span=first.span,
            source=parsed.source,
            hint="read it with lrdsl.parse_set(text), or pick one with lrdsl.evaluate(text, member=…)",
        )
    return parsed


def parse_set(text: str | Mapping[str, object]) -> A.ScheduleSet:
    """Parse and validate a schedule set (LANGUAGE.md §9.5): ``NAME: EXPR`` members, or one schedule.

    A text with no ``NAME:`` is a set of one member, ``lr``. A mapping ``{name: expression}`` (a
    YAML or JSON config) is a set too: each expression (a string, or a number for a constant) is
    parsed on its own, and the set is the parse of their canonical text.
    """
    if isinstance(text, Mapping):
        from lrdsl.language.set_mapping import set_text

        text = set_text(text, parse)
    if not isinstance(text, str):
        raise LrdslError(f"a schedule set must be a string or a mapping, not {type(text).__name__}")
    return _parse_set(text)


def parse_text(text: str) -> A.Schedule | A.ScheduleSet:
    """``text`` as the parser reads it: a :class:`~lrdsl.language.ast.Schedule` (a set of ``lr`` alone is one),
    or a :class:`~lrdsl.language.ast.ScheduleSet` of any other members; memoised, as :func:`parse` is."""
    return _parse(text)


def as_schedule(schedule: str | A.Schedule) -> A.Schedule:
    """``schedule`` parsed if it is text; a :class:`~lrdsl.language.ast.Schedule` must be a tree the parser produces."""
    if isinstance(schedule, A.Schedule):
        return A.checked(schedule)
    return parse(schedule)


def as_set(schedules: str | Mapping[str, object] | A.ScheduleSet | A.Schedule) -> A.ScheduleSet:
    """``schedules`` as a checked :class:`~lrdsl.language.ast.ScheduleSet` (one schedule is the set ``{lr: …}``)."""
    if isinstance(schedules, A.ScheduleSet):
        return A.checked_set(schedules)
    if isinstance(schedules, A.Schedule):
        schedule = A.checked(schedules)
        return parse_set(schedule.source) if schedule.source is not None else parse_set(str(schedule))
    return parse_set(schedules)


@functools.lru_cache(maxsize=256)
def _parse_set(text: str) -> A.ScheduleSet:
    parsed = _parse(text)
    if isinstance(parsed, A.ScheduleSet):
        return parsed
    member = make(A.Member, name=DEFAULT_MEMBER, expr=parsed.expr).at(parsed.expr.span)
    return make(A.ScheduleSet, members=(member,)).parsed_from(text)


@functools.lru_cache(maxsize=1024)
def _parse(text: str) -> A.Schedule | A.ScheduleSet:
    if len(text) > MAX_SOURCE:
        raise LrdslError(f"schedule text is {len(text)} characters; the limit is {MAX_SOURCE}")
    if text.startswith(BOM):  # a UTF-8 byte-order mark, as some editors write at the start of a file
        text = text[1:]
    _check_brackets(text)
    if not text.strip() or not _strip_comments(text).strip():
        raise LrdslError(
            "empty schedule", span=Span(0, len(text)), source=text, hint="write a schedule such as 'cosine(0.1→0)'"
        )
    try:
        tree = _parse_tree(text)
        if getattr(tree, "data", None) == "set":
            members = _Builder(text).members(tree)
            if [m.name for m in members] == [DEFAULT_MEMBER]:  # `lr: X` is the schedule X
                return make(A.Schedule, expr=members[0].expr).parsed_from(text)
            return make(A.ScheduleSet, members=members).parsed_from(text)
        expr = _Builder(text).sched(tree)
    except LrdslError as err:
        raise err.with_source(text) from None
    return make(A.Schedule, expr=expr).parsed_from(text)


def _strip_comments(text: str) -> str:
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())


_LIMITS = {
    "brackets": ("brackets nested deeper than {}", "flatten the expression"),
    "items": (
        "a list of more than {} items",
        "a regular pattern has a shorter form: step(…, every=…), exp_decay, or a restart",
    ),
    "phases": (
        "more than {} phases joined by >>",
        "a repeated pattern has a shorter form: restart(), repeat() or step()",
    ),
}
"""Each bound :func:`_check_brackets` applies: its message and hint (the limits are ``MAX_*``)."""


def _limit(kind: str, count: int, text: str, span: Span) -> None:
    """An :class:`LrdslError` at ``span`` when ``count`` passes the ``kind`` limit (``MAX_BRACKETS``, …)."""
    limit = {"brackets": MAX_BRACKETS, "items": MAX_ITEMS, "phases": MAX_PHASES}[kind]
    if count > limit:
        message, hint = _LIMITS[kind]
        raise LrdslError(message.format(limit), span=span, source=text, hint=hint)


def _outside_comments(text: str) -> Iterator[tuple[int, str]]:
    """Each character of ``text`` that is not in a ``#`` comment, with its position."""
    in_comment = False
    for i, ch in enumerate(text):
        if in_comment:
            in_comment = ch != "\n"
        elif ch == "#":
            in_comment = True
        else:
            yield i, ch


def _check_brackets(text: str) -> None:
    """Refuse, before parsing, brackets nested too deep, a list too long and too many phases."""
    depth = 0
    lists: list[list[int]] = []  # per open bracket: [position, items so far] (-1 for a parenthesis)
    phases = 1
    for i, ch in _outside_comments(text):
        if ch in "([":
            depth += 1
            lists.append([i, 1 if ch == "[" else -1])
            _limit("brackets", depth, text, Span(i, i + 1))
        elif ch in ")]":
            depth -= 1
            if lists:
                lists.pop()
        elif ch == "," and lists and lists[-1][1] > 0:
            lists[-1][1] += 1
            _limit("items", lists[-1][1], text, Span(lists[-1][0], i + 1))
        elif ch == ">" and text.startswith(">>", i) and not text.startswith(">", i + 2):
            phases += 1
            _limit("phases", phases, text, Span(i, i + 2))


def _parse_tree(text: str) -> Any:
    from lrdsl.language.lalr import UnexpectedInput

    try:
        return _lark().parse(text)
    except UnexpectedInput as e:
        from lrdsl.language.syntax_errors import syntax_error  # only on a syntax error: not on the CLI's hot path

        raise syntax_error(e, text) from None


def _span(tree: Any) -> Span:
    if hasattr(tree, "meta"):
        meta = tree.meta
        if getattr(meta, "empty", False):
            return Span(0, 0)
        return Span(meta.start_pos, meta.end_pos)
    return Span(tree.start_pos, tree.end_pos)


SUFFIXES = {"k": 3, "M": 6, "B": 9, "T": 12}
"""Number suffixes (LANGUAGE.md §8.4): powers of ten written directly after the digits."""


def number_value(text: str) -> float:
    """The value of a NUMBER token: ``2.5M`` is 2500000, correctly rounded (``0.1k`` is exactly 100)."""
    power = SUFFIXES.get(text[-1:], 0)
    if power:
        return float(decimal.Decimal(text[:-1]).scaleb(power))
    return float(text)


def _num(text: str, span: Span) -> A.Num:
    value = number_value(text)
    if math.isinf(value):
        raise LrdslError(f"number {text} is too large", span=span, hint="numbers must be finite")
    return make(A.Num, value=value).at(span)


class _Builder:
    """Builds AST nodes from lark trees, by the kind of thing each position expects.

    Each node is built inside :meth:`_level`, which counts the levels above it: the recursion
    stops with an error at the first node deeper than :data:`MAX_DEPTH`. Chains that add no
    level (``a >> b >> …``, redundant brackets) are followed in loops.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.depth = 0

    @contextmanager
    def _level(self, t: Any) -> Iterator[None]:
        """The node built from ``t`` is one level below the current one."""
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise depth_error(self._place(t))
            yield
        finally:
            self.depth -= 1

    def _place(self, t: Any) -> Span:
        """Where the caret goes for the node built from ``t``: its operator, name or first character.

        (A whole deep node would underline most of the expression.)
        """
        kind = getattr(t, "data", None)
        span = _span(t)
        if kind in ("seq", "add", "sub", "mul", "div", "pow"):  # the operator, between the operands
            gap = _GAP.finditer(self.source, _span(t.children[0]).end, _span(t.children[1]).start)
            return next(Span(m.start(1), m.end(1)) for m in gap if m.group(1))
        if kind in ("call", "kwarg"):
            return _span(t.children[0])
        if kind in ("number", "param", "name", "duration"):
            return span
        return Span(span.start, span.start + 1)

    def _refuse_pow_of_constants(self, t: Any, arithmetic: bool = False) -> None:
        """``pow(2, 3)``: ``pow`` is the power ramp (LANGUAGE.md §9.3), not a math function: say ``2 ** 3``.

        Where a schedule goes, only a call of two constants is refused here (``pow(0→1, 9)`` is the
        ramp); inside ``fn``/``recur`` formulas (``arithmetic``) any two positional arguments are.
        """
        if _call_name(t) != "pow" or t.children[1] is None:
            return
        raw = list(t.children[1].children)
        if len(raw) != 2 or any(a.data != "posarg" for a in raw):
            return
        if not arithmetic and not all(_is_const_tree(a.children[0]) for a in raw):
            return
        base, exponent = (self._operand_text(a.children[0]) for a in raw)
        raise LrdslError(
            "pow is the power ramp pow(a→b, d, power=k), not a math function",
            span=_span(t),
            hint=f"for the power of two numbers write {base} ** {exponent}",
        )

    def _operand_text(self, t: Any) -> str:
        """The source text of ``t`` as an operand of ``**`` (bracketed unless it is an atom)."""
        span = _span(t)
        text = " ".join(self.source[span.start : span.end].split())
        atom = getattr(_unparen(t), "data", None) in ("number", "param", "name", "call") and text[:1] != "-"
        return text if atom or getattr(t, "data", None) == "paren" else f"({text})"

    # -- sets ------------------------------------------------------------------------------
    def members(self, t: Any) -> tuple[A.Member, ...]:
        """The members ``NAME: EXPR`` of a set (LANGUAGE.md §9.5); errors name the member."""
        if len(t.children) > MAX_MEMBERS:
            name_span = self._member_name(t.children[MAX_MEMBERS])[1]
            raise LrdslError(
                f"a set has at most {MAX_MEMBERS} members; this one has {len(t.children)}",
                span=name_span,
                hint="split the set, or schedule fewer hyper-parameters",
            )
        named = [self._member_name(m) for m in t.children]
        problem = clash([name for name, _ in named])
        if problem is not None:
            index, message, hint = problem
            raise LrdslError(message, span=named[index][1], hint=hint)
        out = []
        # The member is a level of the tree (lrdsl.language.depth), so that the deepest set fits in the 200 nested
        # containers of pydantic's JSON parser; a set of `lr` alone is that schedule, bounded as one.
        level = 0 if [name for name, _ in named] == [DEFAULT_MEMBER] else 1
        for (name, name_span), member in zip(named, t.children, strict=True):
            self.depth = level
            try:
                expr = self.sched(member.children[1])
            except LrdslError as err:
                raise LrdslError(f"in member '{name}': {err.message}", span=err.span, hint=err.hint) from None
            finally:
                self.depth = 0
            out.append(make(A.Member, name=name, expr=expr).at(name_span))
        return tuple(out)

    def _member_name(self, t: Any) -> tuple[str, Span]:
        """The name of the member ``t`` and its span, checked (written without spaces, not refused)."""
        *parts, index = t.children[0].children
        name = ".".join(str(p) for p in parts) + (f"[{index}]" if index is not None else "")
        start = parts[0].start_pos
        end = self.source.index("]", index.end_pos) + 1 if index is not None else parts[-1].end_pos
        span = Span(start, end)
        if self.source[start:end] != name:
            raise LrdslError("a member name is written without spaces", span=span, hint=f"write {name}")
        problem = name_problem(name)
        if problem is not None:
            raise LrdslError(problem[0], span=span, hint=problem[1])
        return name, span

    # -- schedules -------------------------------------------------------------------------
    def sched(self, t: Any) -> A.Expr:
        """A schedule expression (a phase, a sequence, arithmetic of schedules)."""
        t = _unparen(t)
        kind = getattr(t, "data", None)
        span = _span(t)
        if kind == "seq":
            items: list[A.Expr] = []
            with self._level(t):
                for item in _seq_items(t):
                    items.append(self.sched(item))
            return make(A.Seq, items=tuple(items)).at(span)
        if kind in _SCHED_OPS:
            return self._sched_op(t, _SCHED_OPS[kind], span)
        if kind == "call" and not _is_math_call(t):
            self._refuse_pow_of_constants(t)
            return self.call(t)
        if kind in ("number", "param", "neg", "pow", "call") or (kind == "name" and str(t.children[0]) == "pi"):
            return self.const(t)
        raise _not_a_schedule(t, kind, span)

    def _sched_op(self, t: Any, op: str, span: Span) -> A.Expr:
        """``A op B`` of schedules; ``A * modifier(…)`` applies a modifier."""
        with self._level(t):
            left = self.sched(t.children[0])
            right_tree = t.children[1]
            rhs: A.Expr = (
                self.call(right_tree, modifier_ok=True)
                if op == "*" and _call_name(right_tree) in _MODIFIERS
                else self.sched(right_tree)
            )
        return make(A.BinOp, op=op, left=left, right=rhs).at(span)

    def call(self, t: Any, modifier_ok: bool = False) -> A.Call:
        """A call of a shape, modifier, combinator or composite, checked against its signature."""
        with self._level(t):
            return self._call(t, modifier_ok)

    def _call(self, t: Any, modifier_ok: bool) -> A.Call:
        name_tok, args_tree = t.children[0], t.children[1]
        name = str(name_tok)
        span = _span(t)
        name_span = Span(name_tok.start_pos, name_tok.end_pos)
        sig = SIGNATURES.get(name)
        if sig is None:
            hint = did_you_mean(name, SIGNATURES) or known_names()
            if name in MATH_FUNCS:
                hint = f"math functions go inside fn(…), e.g. fn({name}(u))"
            raise LrdslError(f"unknown shape '{name}'", span=name_span, hint=hint)
        if sig.role == "modifier" and not modifier_ok:
            raise LrdslError(
                f"{name}(…) is a modifier: apply it with '*'", span=name_span, hint=f"e.g. cosine(0.1→0) * {name}(…)"
            )
        raw = list(args_tree.children) if args_tree is not None else []
        return make(A.Call, name=name, args=self.args(sig, raw, span)).at(span)

    def args(self, sig: Sig, raw: list[Any], span: Span) -> tuple[A.Arg, ...]:
        """Bind positional and keyword arguments to ``sig``'s parameters, in signature order."""
        bound: dict[str, A.Expr] = {}
        spans: dict[str, Span] = {}
        seen_kw = False
        variadic: list[A.Expr] = []
        for a in raw:
            if a.data == "kwarg":
                seen_kw = True
                self._keyword(sig, a, bound, spans)
            elif seen_kw:
                raise LrdslError(
                    "positional argument after a keyword argument",
                    span=_span(a),
                    hint="write the arguments by position first, then name=value ones",
                )
            elif sig.variadic:
                with self._level(a):
                    variadic.append(self.sched(a.children[0]))
            else:
                self._positional(sig, a, bound, spans)
        if sig.variadic:
            if len(variadic) < 2:
                raise LrdslError(f"{sig.name}() needs at least two schedules", span=span)
            return tuple(make(A.Arg, name="parts", value=v) for v in variadic)
        for p in sig.params:
            if p.required and p.name not in bound:
                raise LrdslError(f"{sig.name}() is missing its argument '{p.name}'", span=span, hint=_arg_list(sig))
        return tuple(
            make(A.Arg, name=p.name, value=bound[p.name]).at(spans[p.name]) for p in sig.params if p.name in bound
        )

    def _keyword(self, sig: Sig, a: Any, bound: dict[str, A.Expr], spans: dict[str, Span]) -> None:
        """``name=value``: bound to the parameter of that name (one ``sig`` has, given once)."""
        key_tok, value = a.children
        key = str(key_tok)
        key_span = Span(key_tok.start_pos, key_tok.end_pos)
        p = sig.param(key)
        if p is None or (sig.variadic and key == "parts"):
            from lrdsl.language.syntax_errors import library_argument

            known = [q.name for q in sig.params if not sig.variadic]
            raise LrdslError(
                f"{sig.name}() has no argument '{key}'",
                span=key_span,
                hint=library_argument(sig.name, known, key) or did_you_mean(key, known) or _arg_list(sig),
            )
        if key in bound:
            raise LrdslError(f"argument '{key}' given twice", span=key_span)
        with self._level(a):
            bound[key] = self.value(p, value, sig)
        spans[key] = _span(a)

    def _positional(self, sig: Sig, a: Any, bound: dict[str, A.Expr], spans: dict[str, Span]) -> None:
        """A value by position: bound to the first positional parameter not bound yet."""
        positional = [p for p in sig.params if p.positional]
        if not positional:
            raise LrdslError(
                f"{sig.name}() takes named arguments only",
                span=_span(a),
                hint=f"{sig.name}({', '.join(p.name + '=…' for p in sig.params)})",
            )
        free = [p for p in positional if p.name not in bound]
        if not free:
            raise LrdslError(f"too many arguments to {sig.name}()", span=_span(a), hint=_arg_list(sig))
        with self._level(a):
            bound[free[0].name] = self.value(free[0], a.children[0], sig)
        spans[free[0].name] = _span(a)

    def value(self, p: P, t: Any, sig: Sig) -> A.Expr:
        """An argument value of the kind ``p`` expects (each kind read by its method in :data:`_VALUE_READERS`)."""
        span = _span(t)
        kind = getattr(t, "data", None)
        if p.kind != "range" and kind in ("range", "open_range"):
            raise LrdslError(f"{sig.name}() argument '{p.name}' cannot be a range", span=span, hint=_arg_list(sig))
        reader = _VALUE_READERS.get(p.kind)
        if reader is None:  # every kind of signatures.py but "sched" (read by the combinators) has a reader
            raise LrdslError("internal: unknown parameter kind", span=span)  # pragma: no cover
        read: Any = getattr(self, reader)
        value: A.Expr = read(p, t, sig, span, kind)
        return value

    def _range_value(self, p: P, t: Any, sig: Sig, span: Span, kind: str | None) -> A.Expr:
        if kind == "range":
            with self._level(t):
                start, end = self.const(t.children[0]), self.const(t.children[2])
            return make(A.Range, start=start, end=end).at(span)
        if kind == "open_range":
            with self._level(t):
                end = self.const(t.children[1])
            return make(A.Range, start=None, end=end).at(span)
        raise LrdslError(
            f"{sig.name}() expects a range such as 0.1→1e-6",
            span=span,
            hint=f"write {sig.name}(a→b) or {sig.name}(→b) to start from the previous phase",
        )

    def _const_value(self, p: P, t: Any, sig: Sig, span: Span, kind: str | None) -> A.Expr:
        return self.const(t)

    def _duration_value(self, p: P, t: Any, sig: Sig, span: Span, kind: str | None) -> A.Expr:
        return self.duration(t)

    def _formula_value(self, p: P, t: Any, sig: Sig, span: Span, kind: str | None) -> A.Expr:
        return self.formula(t, p.vars, sig.name)

    def _choice_value(self, p: P, t: Any, sig: Sig, span: Span, kind: str | None) -> A.Expr:
        """A shape (``linear``) or an enum word, one of ``p.choices``."""
        if p.kind == "shape" and kind != "name":
            raise LrdslError(
                f"{sig.name} needs a shape first: {sig.name}({p.choices[0]}, {self.source[span.start : span.end]})",
                span=span,
                hint=f"shapes: {', '.join(p.choices)}",
            )
        if kind != "name" or str(t.children[0]) not in p.choices:
            word = str(t.children[0]) if kind == "name" else self.source[span.start : span.end]
            raise LrdslError(
                f"{sig.name}() argument '{p.name}' must be one of {', '.join(p.choices)}",
                span=span,
                hint=did_you_mean(word, p.choices),
            )
        with self._level(t):
            return make(A.Name, id=str(t.children[0])).at(span)

    def _bool_value(self, p: P, t: Any, sig: Sig, span: Span, kind: str | None) -> A.Expr:
        if kind == "name" and str(t.children[0]) in ("true", "false"):
            with self._level(t):
                return make(A.Bool, value=str(t.children[0]) == "true").at(span)
        raise LrdslError(f"{sig.name}() argument '{p.name}' must be true or false", span=span)

    def _list_value(self, p: P, t: Any, sig: Sig, span: Span, kind: str | None) -> A.Expr:
        """``[…]`` of durations (``durs``) or of constants (``values``), not empty."""
        example = "[30ep, 60ep]" if p.kind == "durs" else "[0.1, 0.01]"
        if kind != "list":
            raise LrdslError(f"{sig.name}() argument '{p.name}' must be a list such as {example}", span=span)
        trees = t.children[0].children if t.children[0] is not None else []
        if not trees:
            raise LrdslError(f"{sig.name}() argument '{p.name}' must not be empty", span=span)
        item = self.duration if p.kind == "durs" else self.const
        items: list[A.Expr] = []
        with self._level(t):
            for tree in trees:
                items.append(item(tree))
        return make(A.ListExpr, items=tuple(items)).at(span)

    # -- constants, durations, formulas ------------------------------------------------------
    def duration(self, t: Any) -> A.Duration:
        """``500``, ``5ep``, ``10%``, ``2Btok``, ``64sa``, constant arithmetic in steps, or duration arithmetic.

        Duration arithmetic (LANGUAGE.md §8.4): ``+``/``-`` between durations of any units (a plain
        term counts in steps), ``*`` and ``/`` by a constant: ``6ep - 199``, ``2 * 5ep``.
        """
        span = _span(t)
        with self._level(t):
            if getattr(t, "data", None) == "duration":
                return self._unit(t)
            if not _has_unit(t):
                return make(A.Duration, value=self.const(t), unit="steps").at(span)
            return make(A.Duration, value=self._dur_arith(t), unit="steps").at(span)

    def _unit(self, t: Any) -> A.Duration:
        span = _span(t)
        text = str(t.children[0])
        unit = next(u for u in ("%", "ep", "tok", "sa") if text.endswith(u))
        with self._level(t):
            value = _num(text[: -len(unit)], span)
        return make(A.Duration, value=value, unit=unit).at(span)

    def _dur_arith(self, t: Any) -> A.Expr:
        """A term of duration arithmetic: a unit duration, or ``+ - * /`` with at least one inside."""
        t = _unparen(t)
        span = _span(t)
        kind = getattr(t, "data", None)
        with self._level(t):
            if kind == "duration":
                return self._unit(t)
            if not _has_unit(t):
                return make(A.Duration, value=self.const(t), unit="steps").at(span)
            if kind == "neg":  # -5ep: a negative offset (LANGUAGE.md §9.1); lowering refuses it elsewhere
                return make(A.Neg, operand=self._dur_arith(t.children[0])).at(span)
            if kind in ("add", "sub"):
                left, right = (self._dur_arith(c) for c in t.children)
                return make(A.BinOp, op="+" if kind == "add" else "-", left=left, right=right).at(span)
            if kind in ("mul", "div"):
                a, b = t.children
                if kind == "mul" and not _has_unit(a):
                    a, b = b, a  # the constant factor on the right: 2 * 5ep
                    factor, dur = self.const(b), self._dur_arith(a)
                    return make(A.BinOp, op="*", left=factor, right=dur).at(span)
                if _has_unit(b):
                    raise LrdslError(
                        "a duration can be multiplied or divided only by a plain number",
                        span=_span(b),
                        hint="e.g. 2 * 5ep or 90ep / 3",
                    )
                op = "*" if kind == "mul" else "/"
                return make(A.BinOp, op=op, left=self._dur_arith(a), right=self.const(b)).at(span)
        raise LrdslError(
            "expected a duration", span=span, hint="durations add and subtract; they multiply by plain numbers"
        )

    def const(self, t: Any) -> A.Expr:
        """Constant arithmetic: numbers, ``$params``, ``+ - * / **``, unary minus, parentheses."""
        return self._arith(t, vars=(), funcs=True, what="a constant")

    def formula(self, t: Any, vars: tuple[str, ...], owner: str) -> A.Expr:
        """Arithmetic over the variables ``vars`` and the math functions."""
        return self._arith(t, vars=vars, funcs=True, what=f"{owner}()")

    def _arith(self, t: Any, vars: tuple[str, ...], funcs: bool, what: str) -> A.Expr:
        t = _unparen(t)
        with self._level(t):
            return self._arith_node(t, vars, funcs, what)

    def _arith_node(self, t: Any, vars: tuple[str, ...], funcs: bool, what: str) -> A.Expr:
        kind = getattr(t, "data", None)
        span = _span(t)
        if kind == "number":
            return _num(str(t.children[0]), span)
        if kind == "param":
            return make(A.Param, name=str(t.children[0])[1:]).at(span)
        if kind == "neg":
            return make(A.Neg, operand=self._arith(t.children[0], vars, funcs, what)).at(span)
        if kind in _ARITH_OPS:
            left = self._arith(t.children[0], vars, funcs, what)  # no generator: one frame per level of depth
            right = self._arith(t.children[1], vars, funcs, what)
            return make(A.BinOp, op=_ARITH_OPS[kind], left=left, right=right).at(span)
        if kind == "name" and (vars or str(t.children[0]) == "pi"):
            return make(A.Name, id=_variable(str(t.children[0]), vars, what, span)).at(span)
        if kind == "call" and funcs:
            return self._math_call(t, vars, what, span)
        raise _not_a_number(t, kind, what, span)

    def _math_call(self, t: Any, vars: tuple[str, ...], what: str, span: Span) -> A.Call:
        """``sin(u)``: a math function of :data:`~lrdsl.language.signatures.MATH_FUNCS` and its arguments."""
        self._refuse_pow_of_constants(t, arithmetic=True)
        name_tok, args_tree = t.children
        name = str(name_tok)
        arity = MATH_FUNCS.get(name)
        name_span = Span(name_tok.start_pos, name_tok.end_pos)
        if arity is None and name in SIGNATURES:  # a shape where a number belongs
            raise LrdslError(
                f"expected a number, found {name}(…)", span=span, hint=f"{name}(…) is a schedule, not a number"
            )
        if arity is None:
            raise LrdslError(
                f"unknown function '{name}'",
                span=name_span,
                hint=did_you_mean(name, MATH_FUNCS) or f"functions: {', '.join(MATH_FUNCS)}",
            )
        raw = list(args_tree.children) if args_tree is not None else []
        if len(raw) != arity or any(a.data != "posarg" for a in raw):
            raise LrdslError(f"{name}() takes {arity} argument{'s' if arity > 1 else ''}", span=span)
        args: list[A.Arg] = []
        for i, a in enumerate(raw):
            with self._level(a):
                args.append(make(A.Arg, name=A.math_arg(i), value=self._arith(a.children[0], vars, True, what)))
        return make(A.Call, name=name, args=tuple(args)).at(span)


_ARITH_OPS = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**"}
"""The grammar's arithmetic rules in constants and formulas, and their operators."""


def _variable(name: str, vars: tuple[str, ...], what: str, span: Span) -> str:
    """``name`` as a formula's variable (one of ``vars``), or ``pi`` in a constant."""
    if not vars or name in vars:
        return name
    raise LrdslError(
        f"unknown variable '{name}' in {what}",
        span=span,
        hint=did_you_mean(name, vars) or f"variables here: {', '.join(vars)}",
    )


def _not_a_number(t: Any, kind: str | None, what: str, span: Span) -> LrdslError:
    """The error for what is written where a number goes: a duration, a name, a list, a range, a call."""
    if kind == "duration":
        return LrdslError(f"a duration is not allowed in {what}", span=span)
    if kind == "name":
        return LrdslError(
            f"expected a number, found '{t.children[0]}'",
            span=span,
            hint="use $name for a parameter" if str(t.children[0]) not in ("inf", "nan") else "numbers must be finite",
        )
    found = {"list": "a list", "range": "a range", "open_range": "a range"}.get(kind or "")
    hint = None
    if kind == "call":
        name = str(t.children[0])
        found = f"{name}(…)"
        hint = f"math functions go inside fn(…), e.g. fn({name}(u))" if name in MATH_FUNCS else None
    if found is None:  # pragma: no cover - every other kind is handled above
        return LrdslError(f"expected {what}", span=span)
    return LrdslError(f"expected a number, found {found}", span=span, hint=hint)


_MODIFIERS = {n for n, s in SIGNATURES.items() if s.role == "modifier"}


_VALUE_READERS = {
    "range": "_range_value",
    "value": "_const_value",
    "count": "_const_value",
    "dur": "_duration_value",
    "shape": "_choice_value",
    "enum": "_choice_value",
    "bool": "_bool_value",
    "durs": "_list_value",
    "values": "_list_value",
    "formula": "_formula_value",
}
"""Each parameter kind of :mod:`lrdsl.language.signatures` and the builder method that reads its value."""

_SCHED_OPS = {"add": "+", "sub": "-", "mul": "*", "div": "/"}
"""The grammar's arithmetic rules and their operators."""


def _not_a_schedule(t: Any, kind: str | None, span: Span) -> LrdslError:
    """The error for a name, a duration or a list written where a schedule goes."""
    if kind == "name":
        name = str(t.children[0])
        if name in SIGNATURES:
            return LrdslError(f"'{name}' is a shape: call it, e.g. {name}(…)", span=span)
        return LrdslError(
            f"unknown name '{name}'",
            span=span,
            hint=did_you_mean(name, SIGNATURES) or "a phase is a number or a call such as cosine(0.1→0)",
        )
    if kind == "duration":
        return LrdslError(
            "a duration is not a schedule", span=span, hint="durations go inside a call, e.g. const(0.1, 5ep)"
        )
    if kind == "list":
        return LrdslError(
            "a list is not a schedule",
            span=span,
            hint="lists go inside a call, e.g. multistep(0.1, at=[30ep, 60ep])",
        )
    return LrdslError("expected a schedule here", span=span)  # pragma: no cover - the grammar allows no other


def _has_unit(tree: Any) -> bool:
    """``tree`` contains a duration with a unit (``5ep``, ``10%``, ``2Btok``) outside a call."""
    stack = [tree]
    while stack:
        t = stack.pop()
        kind = getattr(t, "data", None)
        if kind == "duration":
            return True
        if kind in ("paren", "neg", "add", "sub", "mul", "div", "pow"):
            stack.extend(t.children)
    return False


def _is_const_tree(tree: Any) -> bool:
    """``tree`` is constant arithmetic: numbers, ``$params``, ``pi``, operators and math functions of them."""
    stack = [tree]
    while stack:
        t = _unparen(stack.pop())
        kind = getattr(t, "data", None)
        if kind in ("neg", "add", "sub", "mul", "div", "pow"):
            stack.extend(t.children)
        elif kind == "call":
            if not _is_math_call(t, stack):
                return False
        elif not (kind in ("number", "param") or (kind == "name" and str(t.children[0]) == "pi")):
            return False
    return True


def _is_math_call(t: Any, pending: list[Any] | None = None) -> bool:
    """A call of a math function on constants (LANGUAGE.md §8.3): ``sqrt(2)`` is a number, ``sqrt(1→0, 9)`` a shape.

    ``min``/``max`` of schedules stay combinators (of constants they give the same number).
    """
    name = str(t.children[0])
    arity = MATH_FUNCS.get(name)
    if arity is None or (name in SIGNATURES and SIGNATURES[name].variadic):
        return False
    raw = list(t.children[1].children) if t.children[1] is not None else []
    if len(raw) != arity or any(a.data != "posarg" for a in raw):
        return False
    if pending is not None:  # the caller checks the arguments
        pending.extend(a.children[0] for a in raw)
        return True
    return all(_is_const_tree(a.children[0]) for a in raw)


def _call_name(t: Any) -> str | None:
    return str(t.children[0]) if getattr(t, "data", None) == "call" else None


def _unparen(t: Any) -> Any:
    """``t`` without the brackets around it (``((x))`` → ``x``)."""
    while getattr(t, "data", None) == "paren":
        t = t.children[0]
    return t


def _seq_items(t: Any) -> list[Any]:
    """The phases of the chain ``a >> b >> c`` (lark's left-nested ``seq`` nodes), in order.

    A bracketed sequence, ``(a >> b) >> c``, stays one phase.
    """
    items = []
    while getattr(t, "data", None) == "seq":
        items.append(t.children[1])
        t = t.children[0]
    items.append(t)
    return items[::-1]


def _arg_list(sig: Sig) -> str:
    parts = [p.name for p in sig.params]
    return f"{sig.name}({', '.join(parts)})"
