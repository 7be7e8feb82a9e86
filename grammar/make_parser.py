"""Write ``lrdsl/language/lalr_tables.json``: the LALR(1) tables of ``grammar/lrdsl.lark``, as data.

    python grammar/make_parser.py

lark analyses the grammar here, once, with the options the parser has always had (LALR, the
contextual lexer, token positions, ``None`` for an absent ``[optional]``), and this script writes
what lark computed as JSON; ``lrdsl/language/lalr.py`` runs those tables with a small driver of its
own. Parsing thus needs neither lark nor the analysis of the grammar at start (lark's import and
cached grammar cost a fifth of the command line's start), and lark stays a tool of development.

What the file holds (every name is lark's):

* ``terminals``: each terminal's pattern as the grammar writes it, the regular expression the
  lexer matches, and whether a match can hold a new line (lines and columns count them);
* ``ignore``: the terminals the lexer skips (``%ignore``);
* ``lexers``: the contextual lexer's scanners, the first the whole grammar's. Each lists its
  terminals in the order lark tries them (priority, then the longest possible match, then the
  longest pattern, then the name: the first whose expression matches wins) and, per regular
  terminal, the strings it matches that are terminals of their own (``unless``: a keyword that
  ``NAME`` would also match);
* ``rules``: per rule, the symbol it reduces to (``origin``), the tree node it builds (``name``: its
  alias, else its own name), how many
  symbols it pops, whether a ``?rule`` hands back its single child (``expand1``), and which
  children it keeps (``keep``: lark's child filter, ``[index, splice, nones before]`` — a
  ``_rule`` child is spliced, an anonymous or ``_`` token dropped, ``None`` stands for an absent
  optional — with ``nones`` after the last; ``null``: every child as it is);
* ``states``: per LALR state, the scanner its lexer uses, ``shift`` (a terminal shifted, or a rule
  gone to, and the next state) and ``reduce`` (a terminal and the rule reduced before it);
  ``start`` and ``end`` are the first state and the state in which the text is accepted.

States are numbered breadth first from ``start`` along symbols in sorted order, and rules in
sorted order, so two runs write the same file. The file records the SHA-256 of the grammar it was
made from and lark's version; ``tests/test_grammar.py`` checks that it is today's grammar and that
the driver parses and fails as lark itself does.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import deque
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GRAMMAR = ROOT / "grammar" / "lrdsl.lark"
TABLES = ROOT / "lrdsl" / "language" / "lalr_tables.json"
OPTIONS: dict[str, Any] = {
    "parser": "lalr",
    "lexer": "contextual",
    "propagate_positions": True,
    "maybe_placeholders": True,
}
"""As the parser has always used lark: LALR, contextual lexer, token positions, ``None`` for absent optionals."""


def digest(text: str) -> str:
    """The SHA-256 of the grammar's text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def reference(grammar: str) -> Any:
    """lark itself, with the grammar and :data:`OPTIONS`."""
    import lark

    return lark.Lark(grammar, **OPTIONS)


def numbering(table: Any) -> dict[int, int]:
    """lark's state numbers → ours: breadth first from the start state, symbols in sorted order."""
    start = table.start_states["start"]
    order = {start: 0}
    queue = deque([start])
    while queue:
        state = queue.popleft()
        for _, (action, arg) in sorted(table.states[state].items()):
            if action.name == "Shift" and arg not in order:
                order[arg] = len(order)
                queue.append(arg)
    return order


def rule_key(rule: Any) -> tuple[str, tuple[str, ...], str]:
    """A rule's place in the file's order: its origin, its symbols, its alias."""
    return (str(rule.origin.name), tuple(str(s.name) for s in rule.expansion), str(rule.alias or ""))


def rule_row(rule: Any) -> dict[str, Any]:
    """One rule as the driver builds its node (lark's ``ParseTreeBuilder``, ``maybe_placeholders`` on)."""
    from lark.parse_tree_builder import maybe_create_child_filter

    options = rule.options
    kept = maybe_create_child_filter(rule.expansion, options.keep_all_tokens, False, options.empty_indices)
    keep, nones = None, 0
    if kept is not None:  # ChildFilterLALR(to_include, nones), or ChildFilterLALR_NoPlaceholders(to_include)
        to_include, nones = kept.args if len(kept.args) == 2 else (kept.args[0], 0)
        keep = [[row[0], bool(row[1]), row[2] if len(row) == 3 else 0] for row in to_include]
    return {
        "origin": str(rule.origin.name),
        "name": str(rule.alias or rule.options.template_source or rule.origin.name),
        "size": len(rule.expansion),
        "expand1": bool(options.expand1 and not rule.alias),
        "keep": keep,
        "nones": nones,
    }


def scanner_row(lexer: Any) -> dict[str, Any]:
    """One of lark's scanners: its terminals in the order it tries them, and its ``unless`` strings."""
    scanner = lexer.scanner  # lark builds it on first use
    unless: dict[str, dict[str, str]] = {}
    for name, callback in sorted(lexer.callback.items()):
        strings = callback.scanner.terminals
        flagged = [t.name for t in strings if t.pattern.flags]
        if flagged or type(callback).__name__ != "UnlessCallback":
            raise SystemExit(f"the driver matches keywords exactly; {name} has {flagged or callback}: extend lalr.py")
        unless[name] = {t.pattern.value: t.name for t in strings}
    return {"order": [t.name for t in scanner.terminals], "unless": unless}


def lexer_rows(parser: Any, renumber: dict[int, int]) -> tuple[list[dict[str, Any]], list[int]]:
    """The distinct scanners (the root lexer's first) and, per state in our numbering, its scanner."""
    contextual = parser.parser.lexer
    rows = [scanner_row(contextual.root_lexer)]
    seen: dict[str, int] = {json.dumps(rows[0]): 0}
    by_state = [0] * len(renumber)
    for state, ours in renumber.items():
        row = scanner_row(contextual.lexers[state])
        by_state[ours] = seen.setdefault(json.dumps(row), len(seen))
        if by_state[ours] == len(rows):
            rows.append(row)
    return rows, by_state


def state_rows(table: Any, renumber: dict[int, int], rule_index: dict[Any, int], lexers: list[int]) -> list[Any]:
    """Per state, in our numbering: its scanner, its shifts and gotos, its reductions."""
    rows: list[Any] = [None] * len(renumber)
    for state, ours in renumber.items():
        shift, reduce = {}, {}
        for symbol, (action, arg) in sorted(table.states[state].items()):
            if action.name == "Shift":
                shift[symbol] = renumber[arg]
            else:
                reduce[symbol] = rule_index[arg]
        rows[ours] = {"lexer": lexers[ours], "shift": shift, "reduce": reduce}
    return rows


def terminal_rows(parser: Any) -> dict[str, Any]:
    """Every terminal: the grammar's pattern, the expression matched, whether it can span lines."""
    from lark.lexer import _regexp_has_newline

    if parser.lexer_conf.g_regex_flags:
        raise SystemExit("the driver compiles the terminals without flags: extend lalr.py")
    return {
        t.name: {
            "pattern": t.pattern.value,
            "regexp": t.pattern.to_regexp(),
            "newline": _regexp_has_newline(t.pattern.to_regexp()),
        }
        for t in sorted(parser.terminals, key=lambda t: t.name)
    }


def tables(grammar: str) -> dict[str, Any]:
    """What lark computes from ``grammar``, as the driver reads it."""
    import lark

    parser = reference(grammar)
    table = parser.parser.parser.parser.parse_table
    renumber = numbering(table)
    rules = sorted(parser.rules, key=rule_key)
    lexers, by_state = lexer_rows(parser, renumber)
    return {
        "grammar_sha256": digest(grammar),
        "lark": lark.__version__,
        "options": OPTIONS,
        "terminals": terminal_rows(parser),
        "ignore": sorted(parser.lexer_conf.ignore),
        "lexers": lexers,
        "rules": [rule_row(rule) for rule in rules],
        "start": renumber[table.start_states["start"]],
        "end": renumber[table.end_states["start"]],
        "states": state_rows(table, renumber, {rule: i for i, rule in enumerate(rules)}, by_state),
    }


def dumped(data: dict[str, Any]) -> str:
    """The file's text: one key a line, and one row a line in the long lists (short diffs)."""
    lines = []
    for key, value in data.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            rows = ",\n".join("  " + json.dumps(row, ensure_ascii=False) for row in value)
            lines.append(f"{json.dumps(key)}: [\n{rows}\n ]")
        else:
            lines.append(f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n " + ",\n ".join(lines) + "\n}\n"


def generate() -> str:
    """The file's text, made from the grammar."""
    return dumped(tables(GRAMMAR.read_text(encoding="utf-8")))


def main() -> int:
    text = generate()
    TABLES.write_text(text, encoding="utf-8")
    print(f"wrote {TABLES.relative_to(ROOT)} ({len(text):,} characters)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
