"""The names a printer writes into code, each checked against the IR's own types before it is printed.

Lowering only produces the names of :mod:`lrdsl.ir`'s ``Literal`` types, and parameter names the
grammar accepts; these checks make sure that no other text (from a tree built around the
parser) ever becomes code, whatever path it took to the printer.
"""

from __future__ import annotations

import builtins
import functools
import symtable
import typing

from lrdsl import ir
from lrdsl.errors import LrdslError
from lrdsl.ir import is_param_name


def allowed(node: type, field: str) -> frozenset[str]:
    """The values ``node.field`` may hold: its ``Literal`` type, or the IR's table for it (read now)."""
    if (node, field) == (ir.Fn, "name"):
        return frozenset({"neg", *ir.MATH})
    if (node, field) == (ir.Bin, "op"):
        return frozenset(ir.OPERATORS)
    return _literal(node, field)


@functools.cache
def _literal(node: type, field: str) -> frozenset[str]:
    return frozenset(typing.get_args(typing.get_type_hints(node)[field]))


def known(value: str, node: type, field: str) -> str:
    """``value`` if ``node.field`` may hold it, else an :class:`LrdslError` (nothing is printed)."""
    if not isinstance(value, str) or value not in allowed(node, field):
        raise refused(f"{node.__name__}.{field}", value)
    return value


def param_key(e: ir.Param) -> str:
    """The name of parameter ``e`` if the grammar accepts it (it is printed inside ``p["…"]``)."""
    if not is_param_name(e.name):
        raise refused("parameter name", e.name)
    return e.name


def refused(what: str, value: object) -> LrdslError:
    """The error for a name that no schedule can produce."""
    return LrdslError(
        f"refusing to generate code: {value!r} is not a {what} of the language",
        hint="schedules come from lrdsl.parse(text); a tree built around the parser cannot be printed",
    )


def used_beside(code: str, name: str) -> frozenset[str]:
    """The names that the identifier ``name`` of module ``code`` could not be renamed to.

    Read from the module's symbol tables (:mod:`symtable`): every builtin, every name of the
    module scope, every name of a scope where ``name`` is bound or read, and every name that a
    scope inside ``name``'s binding reads from outside itself (a global, or a free variable when
    ``name`` is bound in a function), which the renamed binding would capture. Renaming ``name``
    to anything else changes no binding: the code means the same.
    """
    out = set(dir(builtins))

    def walk(table: symtable.SymbolTable, reach: frozenset[str]) -> None:
        # names first, a symbol only where its kind is asked: symtable builds each symbol by
        # scanning the table's children, so all of a module's symbols cost names × functions
        # (20,000 phases: minutes)
        names = table.get_identifiers()
        own = table.lookup(name) if name in names else None
        if own is not None or table.get_type() == "module":
            out.update(names)
        for n in names if reach else ():
            if n not in out:
                s = table.lookup(n)
                if ("global" in reach and s.is_global()) or ("free" in reach and s.is_free()):
                    out.add(n)
        if own is not None and (own.is_assigned() or own.is_parameter() or own.is_imported() or own.is_namespace()):
            reach = reach | ({"global"} if table.get_type() == "module" else {"global", "free"})
        for child in table.get_children():
            walk(child, reach)

    walk(symtable.symtable(code, "<generated>", "exec"), frozenset())
    out.discard(name)
    return frozenset(out)
