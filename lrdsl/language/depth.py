"""The nesting bound of a syntax tree, checked once, before anything recurses into the tree.

The depth of a tree is the number of nodes on its longest path from the expression at the top
(the :class:`~lrdsl.language.ast.Schedule` wrapper does not count) down to a leaf: every number, name,
parameter, operator, sequence, call, argument, range, duration and list is one level, brackets
are none. ``-1`` has depth 2, ``const(1, 10)`` depth 4 (call, argument, duration, number).

Every walker of a tree recurses once per level: the parser's builder, pydantic's validation and
serialisation, the formatter, lowering, the interpreter, ``explain`` and the code printers, the
deepest with about four Python frames per level. :data:`MAX_DEPTH` keeps them all far below
Python's default recursion limit of 1000, and keeps the JSON form of a tree (at most two
containers per level) within the 200 nested containers that pydantic's JSON parser accepts, so
that every tree that can be built can also be dumped and loaded again.

Text is checked by the parser while it builds the tree (:func:`lrdsl.language.parser.parse`), with a caret
at the node that is one level too deep; dicts, JSON and nodes given to pydantic are checked by
:func:`check_data` before pydantic validates them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lrdsl.errors import LrdslError, Span

MAX_DEPTH = 100
"""The most levels of a syntax tree (real schedules use fewer than 15)."""

HINT = "each operator, call, argument and number is one level: simplify the expression"


def depth_error(span: Span | None = None, source: str | None = None) -> LrdslError:
    """The error for a tree deeper than :data:`MAX_DEPTH`, at ``span`` (the first node too deep)."""
    return LrdslError(f"expression nested deeper than {MAX_DEPTH} levels", span=span, source=source, hint=HINT)


def check_data(data: Any, level: int = 1, node_type: type | None = None) -> None:
    """An :class:`LrdslError` when the node data ``data`` is nested deeper than :data:`MAX_DEPTH`.

    ``data`` is what pydantic is about to validate as one node at depth ``level`` (0 for the
    schedule wrapper): a mapping of its fields, whose values may be mappings (nodes), sequences
    of them, or nodes already validated. Each mapping or node is a level; lists and tuples are
    not, but every container counts towards a bound of twice as many nested containers, so that
    no input, a cyclic one included, takes this walk or pydantic's deeper. The walk is iterative.
    ``node_type`` is the class of validated nodes (``lrdsl.language.ast.Node``), passed in by the models.
    """
    nodes: tuple[type, ...] = (node_type,) if node_type is not None else ()
    stack: list[tuple[Any, int, int]] = [(data, level, 0)]
    while stack:
        item, level, nesting = stack.pop()
        if isinstance(item, nodes):
            height = getattr(item, "_height", None)  # a checked node records its levels: no walk below it
            if height is not None:
                if level + height - 1 > MAX_DEPTH:
                    raise depth_error()
                continue
            children: Any = item.__dict__.values()
        elif isinstance(item, Mapping):
            children = item.values()
        elif isinstance(item, (list, tuple)):
            children = item
        else:
            continue
        if level > MAX_DEPTH or nesting > 2 * MAX_DEPTH:
            raise depth_error()
        for child in children:
            stack.append((child, level + isinstance(child, (*nodes, Mapping)), nesting + 1))
