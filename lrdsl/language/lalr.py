"""The grammar's LALR(1) parser: the tables lark computed (``lalr_tables.json``), run by a small driver.

``grammar/make_parser.py`` has lark analyse ``grammar/lrdsl.lark`` and writes its tables as data;
this module reads them once and parses as lark does with the options the parser has always had
(LALR, the contextual lexer, ``propagate_positions``, ``maybe_placeholders``), with nothing but the
standard library. It gives the tree lark gives (:class:`Tree` nodes of :class:`Token` leaves) and
raises lark's exceptions with the attributes the error messages read.

* **Lexing.** The text is cut into tokens from left to right. At each position the lexer of the
  parser's current state tries that state's terminals (and the ignored ones) in lark's order —
  higher priority first, then the longer longest match, the longer pattern, the name — and takes
  the first that matches there (not the longest among all). A regular terminal's match that is
  also a keyword string of its own becomes that terminal (``unless``). Ignored terminals (white
  space, comments) are skipped. A token's ``line`` and ``column`` count from 1; ``end_pos`` is
  ``start_pos + len(value)``. When no terminal of the state matches, the whole grammar's lexer
  tries: a token it finds is an :class:`UnexpectedToken` (expected: the state's terminals), else
  the character is an :class:`UnexpectedCharacters`.
* **Parsing.** A stack of states, starting at ``start``. For the next token (``$END`` after the
  last, at the last token's position), the state's action is a *shift* (push the token and the
  next state) or a *reduce* by a rule of ``n`` symbols (pop ``n``, build the node, push the state
  the uncovered state goes to on the rule's symbol), repeated until the token is shifted; the text
  is accepted when ``$END`` brings the stack to the ``end`` state. No action: an
  :class:`UnexpectedToken` expecting every terminal the state has an action for. The stack is a
  list, so any nesting parses without recursion.
* **Trees.** A reduction keeps the children the rule's ``keep`` row names (dropping anonymous and
  ``_`` tokens, splicing a ``_rule``'s children, ``None`` for an absent ``[optional]``); a ``?rule``
  left with one child is that child; otherwise a :class:`Tree` named by the rule's alias, else its
  name. A tree spans from the first to the last of its rule's symbols that has a position (dropped
  tokens included; an inlined child counts with the span of the symbols it came from).
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple, Union

TABLES = os.path.join(os.path.dirname(__file__), "lalr_tables.json")
END = "$END"

Node = Union["Tree", "Token", None]
"""A child in a tree: a subtree, a token, or ``None`` for an absent ``[optional]``."""
Where = tuple[int, int, int]
"""A position: line, column (both from 1) and offset."""


class Token(str):
    """A piece of the text: its terminal's name (``type``), its text, and where it starts and ends."""

    type: str
    value: str
    start_pos: int
    line: int
    column: int
    end_line: int
    end_column: int
    end_pos: int

    def __new__(cls, type_: str, value: str, start: Where, end: Where) -> Token:
        token = super().__new__(cls, value)
        token.type, token.value = type_, value
        token.line, token.column, token.start_pos = start
        token.end_line, token.end_column, token.end_pos = end
        return token

    def __repr__(self) -> str:
        return f"Token({self.type!r}, {self.value!r})"


class Meta:
    """Where a tree lies in the text (``empty`` until a child with a position reaches it)."""

    __slots__ = ("column", "container_end", "container_start", "empty", "end_column", "end_line", "end_pos", "line",
                 "start_pos")  # fmt: skip

    def __init__(self) -> None:
        self.empty = True
        self.line = self.column = self.start_pos = self.end_line = self.end_column = self.end_pos = 0
        self.container_start: Where = (0, 0, 0)
        self.container_end: Where = (0, 0, 0)


class Tree:
    """A node: its rule's name or alias (``data``), its children, its place (``meta``)."""

    __slots__ = ("children", "data", "meta")

    def __init__(self, data: str, children: list[Node]) -> None:
        self.data = data
        self.children = children
        self.meta = Meta()

    def __repr__(self) -> str:
        return f"Tree({self.data!r}, {self.children!r})"


class UnexpectedInput(Exception):
    """The text is not in the grammar; ``line``, ``column`` and ``pos_in_stream`` say where."""

    line: int
    column: int
    pos_in_stream: int | None = None
    state: int | None = None


class UnexpectedCharacters(UnexpectedInput):
    """No terminal matches at ``pos_in_stream`` (the character ``char``); ``allowed``: the lexer's terminals."""

    def __init__(self, text: str, pos: int, line: int, column: int, allowed: set[str], state: int) -> None:
        super().__init__(
            f"No terminal matches {text[pos]!r} in the current parser context, at line {line} col {column}"
        )
        self.line, self.column, self.pos_in_stream, self.state = line, column, pos, state
        self.char = text[pos]
        self.allowed = allowed


class UnexpectedToken(UnexpectedInput):
    """The parser cannot take ``token`` here; ``expected``: the terminals it could take."""

    def __init__(self, token: Token, expected: set[str], state: int) -> None:
        super().__init__(f"Unexpected token {token!r} at line {token.line}, column {token.column}")
        self.line, self.column, self.pos_in_stream, self.state = token.line, token.column, token.start_pos, state
        self.token = token
        self.expected = expected


class UnexpectedEOF(UnexpectedInput):
    """The text ended where a token was expected (``expected``). The LALR driver reports this as an
    :class:`UnexpectedToken` of type ``$END``, as lark does; the class is lark's interface."""

    def __init__(self, expected: set[str]) -> None:
        super().__init__("Unexpected end-of-input")
        self.line = self.column = self.pos_in_stream = -1
        self.expected = expected


class Pattern(NamedTuple):
    """A terminal's pattern as the grammar writes it (``value``) and the expression the lexer matches."""

    value: str
    regexp: str


class TerminalDef(NamedTuple):
    """A terminal of the grammar."""

    name: str
    pattern: Pattern


class Rule(NamedTuple):
    """A rule as a reduction uses it (``grammar/make_parser.py`` describes the fields)."""

    origin: str
    name: str
    size: int
    expand1: bool
    keep: tuple[tuple[int, bool, int], ...] | None
    nones: int


class Scanner:
    """One lexer of the contextual lexer: its terminals in the order tried, compiled on first use."""

    def __init__(self, order: Sequence[str], unless: dict[str, dict[str, str]], regexps: dict[str, str]) -> None:
        self.allowed = set(order)
        self.unless = unless
        self._source = "|".join(f"(?P<{name}>{regexps[name]})" for name in order)

    @functools.cached_property
    def regex(self) -> re.Pattern[str]:
        """The terminals as one alternation, tried left to right (the name of the group says which matched).

        Compiled on first use (a cold command compiles only the lexers its text reaches)."""
        try:
            return re.compile(self._source)
        except re.error as exc:
            raise damaged(exc) from None


def damaged(exc: Exception) -> ImportError:
    """A tables file that does not read as tables: a broken install, said as one."""
    return ImportError(f"the parser's tables {TABLES} are damaged ({type(exc).__name__}): reinstall lrdsl")


class Lexer:
    """The lexer's place in one text: offset, line, start of the line, and the last token made."""

    def __init__(self, tables: Tables, text: str) -> None:
        self.tables, self.text = tables, text
        self.pos, self.line, self.line_start = 0, 1, 0
        self.last: Token | None = None

    def where(self) -> Where:
        """Line, column and offset of the lexer's place."""
        return (self.line, self.pos - self.line_start + 1, self.pos)

    def next(self, state: int) -> Token | None:
        """The next token as the lexer of ``state`` cuts it, ``None`` at the end; an error if none matches."""
        scanner = self.tables.scanners[self.tables.lexer_of[state]]
        try:
            return self._next(scanner, state)
        except UnexpectedCharacters as exc:
            try:
                token = self._next(self.tables.scanners[0], state)  # the whole grammar's lexer names what is there
            except UnexpectedCharacters:
                raise exc from None
            assert token is not None  # exc means a character is left
            raise UnexpectedToken(token, exc.allowed, state) from None

    def _next(self, scanner: Scanner, state: int) -> Token | None:
        """The next token ``scanner`` matches, ignored ones skipped."""
        text, ignore = self.text, self.tables.ignore
        while self.pos < len(text):
            match = scanner.regex.match(text, self.pos)
            if match is None:
                allowed = (scanner.allowed - ignore) or {"<END-OF-FILE>"}
                raise UnexpectedCharacters(text, self.pos, self.line, self.pos - self.line_start + 1, allowed, state)
            kind, value = match.lastgroup or "", match.group()
            start = self.where()
            self._advance(value, kind in self.tables.newline)
            if kind not in ignore:
                if kind in scanner.unless:
                    kind = scanner.unless[kind].get(value, kind)
                self.last = Token(kind, value, start, self.where())
                return self.last
        return None

    def _advance(self, value: str, may_break: bool) -> None:
        """Move past ``value``, counting its new lines when its terminal can hold one."""
        if may_break and "\n" in value:
            self.line += value.count("\n")
            self.line_start = self.pos + value.rindex("\n") + 1
        self.pos += len(value)


def _edge(children: Iterable[Node], end: bool) -> Where | None:
    """Where the first child with a position starts (or, ``end``, ends): a token's own place, a tree's
    ``container_*`` (the span of the symbols it came from)."""
    for child in children:
        if isinstance(child, Token):
            return (
                (child.end_line, child.end_column, child.end_pos)
                if end
                else (child.line, child.column, child.start_pos)
            )
        if isinstance(child, Tree) and not child.meta.empty:
            return child.meta.container_end if end else child.meta.container_start
    return None


def _place(meta: Meta, children: Sequence[Node]) -> None:
    """lark's ``propagate_positions``: a tree spans from its rule's first positioned symbol to its last;
    a tree already placed (a ``?rule``'s single child) keeps its span and takes the new container."""
    first = _edge(children, end=False)
    if first is None:
        return
    last = _edge(reversed(children), end=True)
    assert last is not None  # a child with a position exists
    if meta.empty:
        meta.line, meta.column, meta.start_pos = first
        meta.end_line, meta.end_column, meta.end_pos = last
        meta.empty = False
    meta.container_start, meta.container_end = first, last


def _spliced(child: Node) -> list[Node]:
    """The children of a ``_rule``'s tree, which its parent takes in its place."""
    assert isinstance(child, Tree)
    return child.children


def _kept(rule: Rule, children: list[Node]) -> list[Node]:
    """The children a node of ``rule`` keeps (lark's child filter, ``maybe_placeholders`` on)."""
    if rule.keep is None:
        return children
    kept: list[Node] = []
    for index, splice, nones in rule.keep:
        kept += [None] * nones
        if not splice:
            kept.append(children[index])
        elif kept:
            kept += _spliced(children[index])
        else:  # a left-recursive list: grow the child's own list, linear in its items
            kept = _spliced(children[index])
    return kept + [None] * rule.nones if rule.nones else kept


def build(rule: Rule, children: list[Node]) -> Node:
    """The node a reduction by ``rule`` of ``children`` (one value a symbol) makes."""
    kept = _kept(rule, children)
    node = kept[0] if rule.expand1 and len(kept) == 1 else Tree(rule.name, kept)
    if isinstance(node, Tree):
        _place(node.meta, children)
    return node


class Tables:
    """The parse tables of ``lalr_tables.json``, read once (:func:`load`)."""

    def __init__(self, data: dict[str, Any]) -> None:
        terminals = data["terminals"]
        regexps = {name: row["regexp"] for name, row in terminals.items()}
        self.terminals = {
            name: TerminalDef(name, Pattern(row["pattern"], row["regexp"])) for name, row in terminals.items()
        }
        self.newline = frozenset(name for name, row in terminals.items() if row["newline"])
        self.ignore = frozenset(data["ignore"])
        self.scanners = [Scanner(row["order"], row["unless"], regexps) for row in data["lexers"]]
        self.rules = [_rule(row) for row in data["rules"]]
        self.actions = [_actions(row) for row in data["states"]]
        self.lexer_of = [row["lexer"] for row in data["states"]]
        self.start, self.end = int(data["start"]), int(data["end"])
        self.grammar_sha256 = str(data["grammar_sha256"])


def _rule(row: dict[str, Any]) -> Rule:
    keep = None if row["keep"] is None else tuple((int(i), bool(s), int(n)) for i, s, n in row["keep"])
    return Rule(row["origin"], row["name"], int(row["size"]), bool(row["expand1"]), keep, int(row["nones"]))


def _actions(row: dict[str, Any]) -> dict[str, tuple[bool, int]]:
    """A state's actions: symbol → (shift?, the next state or the rule to reduce by)."""
    actions = {symbol: (True, int(target)) for symbol, target in row["shift"].items()}
    actions.update((symbol, (False, int(rule))) for symbol, rule in row["reduce"].items())
    return actions


class Parser:
    """The grammar's parser: :meth:`parse` a text into its tree."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def get_terminal(self, name: str) -> TerminalDef:
        """The terminal ``name`` (``get_terminal('PARAM').pattern.value`` is its pattern in the grammar)."""
        return self.tables.terminals[name]

    def parse(self, text: str) -> Node:
        """The tree of ``text``; :class:`UnexpectedInput` where it leaves the grammar."""
        lexer = Lexer(self.tables, text)
        states: list[int] = [self.tables.start]
        values: list[Node] = []
        while (token := lexer.next(states[-1])) is not None:
            self._feed(states, values, token)
        self._feed(states, values, _end(lexer.last))
        return values[-1]

    def _feed(self, states: list[int], values: list[Node], token: Token) -> None:
        """Reduce as the tables say until ``token`` is shifted, or (``$END``) until the text is accepted."""
        tables = self.tables
        while True:
            action = tables.actions[states[-1]].get(token.type)
            if action is None:
                expected = {symbol for symbol in tables.actions[states[-1]] if symbol.isupper()}
                raise UnexpectedToken(token, expected, states[-1])
            shift, arg = action
            if shift:
                states.append(arg)
                values.append(token)
                return
            rule = tables.rules[arg]
            children = values[len(values) - rule.size :]
            del states[len(states) - rule.size :], values[len(values) - rule.size :]
            states.append(tables.actions[states[-1]][rule.origin][1])
            values.append(build(rule, children))
            if states[-1] == tables.end and token.type == END:
                return


def _end(last: Token | None) -> Token:
    """The ``$END`` token, placed at the last token (at the start of an empty text), as lark places it."""
    if last is None:
        return Token(END, "", (1, 1, 0), (1, 1, 0))
    return Token(END, "", (last.line, last.column, last.start_pos), (last.end_line, last.end_column, last.end_pos))


@functools.cache
def load() -> Parser:
    """The parser of ``lalr_tables.json``; an :class:`ImportError` (a broken install) without it."""
    try:
        with open(TABLES, encoding="utf-8") as file:
            tables = Tables(json.load(file))
    except FileNotFoundError:
        raise ImportError(f"the parser's tables {TABLES} are missing") from None
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise damaged(exc) from None
    return Parser(tables)
