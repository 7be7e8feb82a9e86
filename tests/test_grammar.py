"""The committed parser (``lrdsl/language/lalr.py``) is the one of ``grammar/lrdsl.lark``.

``grammar/make_parser.py`` writes it with lark's standalone generator. It must be made from
today's grammar (its header records the grammar's SHA-256), and it must parse and fail exactly as
lark itself does with that grammar: the same trees with the same positions, the same exception
at the same place expecting the same tokens, over every schedule of the tests and thousands of
broken ones made from them.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest

from lrdsl.language.parser import _lark
from tests.conftest import ROOT
from tests.gen_cases import cases
from tests.test_errors import ERRORS

GRAMMAR = ROOT / "grammar" / "lrdsl.lark"
MODULE = ROOT / "lrdsl" / "language" / "lalr.py"


def reference() -> Any:
    """lark itself, with the grammar and the options of ``grammar/make_parser.py``."""
    lark = pytest.importorskip("lark")
    return lark.Lark(
        GRAMMAR.read_text(encoding="utf-8"), parser="lalr", propagate_positions=True, maybe_placeholders=True
    )


def outcome(parser: Any, text: str) -> tuple[Any, ...]:
    """What ``parser`` makes of ``text``: its tree with every position, or its error and where."""
    try:
        tree = parser.parse(text)
    except Exception as exc:
        where = getattr(exc, "pos_in_stream", None)
        token = getattr(exc, "token", None)
        expected = getattr(exc, "expected", None) or getattr(exc, "allowed", None)
        return (
            "error",
            type(exc).__name__,
            where,
            (token.type, str(token), token.start_pos) if token is not None else None,
            sorted(expected) if expected else None,
        )
    return ("tree", shape(tree))


def shape(node: Any) -> Any:
    """A tree as nested tuples: rule names, token types and values, and every position."""
    if hasattr(node, "children"):
        meta = node.meta
        span = (meta.start_pos, meta.end_pos) if not getattr(meta, "empty", True) else None
        return (node.data, span, tuple(shape(c) for c in node.children))
    if node is None:
        return None
    return (node.type, str(node), node.start_pos, node.end_pos)


def corpus() -> list[str]:
    """Every schedule of the tests, and broken ones: each prefix, and each with one character dropped."""
    texts = [c["expr"] for c in cases()] + [text for text, _, _ in ERRORS]
    broken = []
    for text in texts[:80]:
        broken += [text[:i] for i in range(len(text))]
        broken += [text[:i] + text[i + 1 :] for i in range(len(text))]
    return texts + broken


def test_the_parser_is_made_from_todays_grammar() -> None:
    recorded = re.search(r"^# grammar sha256: ([0-9a-f]{64})$", MODULE.read_text(encoding="utf-8"), re.M)
    assert recorded is not None, "lrdsl/language/lalr.py has no grammar digest: python grammar/make_parser.py"
    today = hashlib.sha256(GRAMMAR.read_text(encoding="utf-8").encode("utf-8")).hexdigest()
    assert recorded[1] == today, "grammar/lrdsl.lark changed: regenerate with python grammar/make_parser.py"


def test_the_parser_parses_and_fails_as_lark_does() -> None:
    ours, theirs = _lark(), reference()
    texts = corpus()
    assert len(texts) > 5000
    differ = [t for t in texts if outcome(ours, t) != outcome(theirs, t)]
    assert not differ, (
        f"{len(differ)} differ, first {differ[0]!r}: {outcome(ours, differ[0])} vs {outcome(theirs, differ[0])}"
    )
    errors = sum(outcome(ours, t)[0] == "error" for t in texts)
    assert 1000 < errors < len(texts)  # both kinds of outcome are compared


def test_parsing_loads_neither_lark_nor_its_grammar() -> None:
    import subprocess
    import sys

    code = (
        "import sys, lrdsl; lrdsl.parse('cosine(0.1→0)'); print(sorted(m for m in sys.modules if m.startswith('lark')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
