"""The committed parse tables (``lrdsl/language/lalr_tables.json``) are the ones of ``grammar/lrdsl.lark``,
and the driver that runs them (``lrdsl/language/lalr.py``) parses and fails as lark itself does.

``grammar/make_parser.py`` writes the tables from what lark computes. They must be made from today's
grammar (the file records its SHA-256), regenerating them must give the committed file byte for
byte, and the driver must give what lark gives with that grammar and the parser's options: the same
trees with the same positions (offsets, lines and columns), the same exception at the same place
expecting the same tokens — over every schedule of the tests and of the documentation, thousands of
broken ones made from them, random schedules and random garbage.
"""

from __future__ import annotations

import hashlib
import json
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrdsl.language.parser import _lark
from tests.conftest import ROOT
from tests.gen_cases import cases
from tests.strategies import schedule
from tests.test_errors import ERRORS

GRAMMAR = ROOT / "grammar" / "lrdsl.lark"
TABLES = ROOT / "lrdsl" / "language" / "lalr_tables.json"
OPTIONS = {"parser": "lalr", "lexer": "contextual", "propagate_positions": True, "maybe_placeholders": True}
"""The options the parser has always had with lark; ``grammar/make_parser.py`` runs lark with them."""


@pytest.fixture(scope="module")
def lark_parser() -> Any:
    """lark itself, with the grammar and the options of ``grammar/make_parser.py``."""
    lark = pytest.importorskip("lark")
    return lark.Lark(GRAMMAR.read_text(encoding="utf-8"), **OPTIONS)


def outcome(parser: Any, text: str) -> tuple[Any, ...]:
    """What ``parser`` makes of ``text``: its tree with every position, or its error and where."""
    try:
        tree = parser.parse(text)
    except Exception as error:
        exc: Any = error
        token = getattr(exc, "token", None)
        expected = getattr(exc, "expected", None) or getattr(exc, "allowed", None)
        return (
            "error",
            type(exc).__name__,
            (exc.pos_in_stream, exc.line, exc.column, getattr(exc, "char", None)),
            (token.type, str(token), token.start_pos, token.line, token.column) if token is not None else None,
            sorted(expected) if expected else None,
        )
    return ("tree", shape(tree))


def shape(node: Any) -> Any:
    """A tree as nested tuples: rule names, token types and values, and every position."""
    if hasattr(node, "children"):
        meta = node.meta
        where = None
        if not getattr(meta, "empty", True):
            where = (meta.start_pos, meta.end_pos, meta.line, meta.column, meta.end_line, meta.end_column)
        return (str(node.data), where, tuple(shape(c) for c in node.children))
    if node is None:
        return None
    return (node.type, str(node), node.start_pos, node.end_pos, node.line, node.column, node.end_line, node.end_column)


def documented() -> list[str]:
    """The schedules of the documentation and the fixtures: the cookbook, the reference's examples,
    the identity fixture and schedule sets written over several lines with comments."""
    from lrdsl.tools.reference import ENTRIES
    from tests.test_cookbook import BLOCKS
    from tests.test_sets import CANONICAL, FIVE

    identity = (ROOT / "tests" / "fixtures" / "identity.lrdsl").read_text(encoding="utf-8").splitlines()
    lines = [line for line in identity if line.strip() and not line.startswith("#")]
    layouts = [
        "# a comment\nwarmup(linear, 5ep)  # then\n>> cosine(0.1→0)\n",
        "lr: cosine(0.1→0)\r\n\tmomentum: 0.9 # last\n",
        "cosine(\n  0.1\n  ->\n  0,\n)\n\n",
    ]
    return [*BLOCKS, *(e.example.expr for e in ENTRIES), *lines, FIVE, CANONICAL, *layouts]


def corpus() -> list[str]:
    """Every schedule above, and broken ones: cut short, with one character dropped, and with one
    troublesome character put in, at every place (at 24 random places of a longer text)."""
    texts = [c["expr"] for c in cases()] + [text for text, _, _ in ERRORS] + documented()
    texts = list(dict.fromkeys(texts))
    rng = random.Random(25)
    broken = []
    for text in texts:
        places = range(len(text)) if len(text) <= 24 else sorted(rng.sample(range(len(text)), 24))
        broken += [text[:i] for i in places]
        broken += [text[:i] + text[i + 1 :] for i in places]
        broken += [text[:i] + rng.choice("()[],:.=>→-*#$%'\n_١e") + text[i:] for i in places]
    return texts + broken


def test_the_tables_are_made_from_todays_grammar() -> None:
    recorded = json.loads(TABLES.read_text(encoding="utf-8"))["grammar_sha256"]
    today = hashlib.sha256(GRAMMAR.read_text(encoding="utf-8").encode("utf-8")).hexdigest()
    assert recorded == today, "grammar/lrdsl.lark changed: regenerate with python grammar/make_parser.py"


def test_regenerating_the_tables_gives_the_committed_file(lark_parser: Any) -> None:
    """lark's analysis, numbered breadth first and in sorted order, is written the same every time."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_parser", ROOT / "grammar" / "make_parser.py")
    assert spec is not None and spec.loader is not None
    make_parser = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_parser)
    assert make_parser.OPTIONS == OPTIONS
    assert make_parser.generate() == TABLES.read_text(encoding="utf-8"), "regenerate: python grammar/make_parser.py"
    assert json.loads(TABLES.read_text(encoding="utf-8"))["lark"] == __import__("lark").__version__


def test_the_parser_parses_and_fails_as_lark_does(lark_parser: Any) -> None:
    texts = corpus()
    assert len(texts) > 20_000
    ours = [outcome(_lark(), t) for t in texts]
    differ = [(t, o) for t, o in zip(texts, ours, strict=True) if o != outcome(lark_parser, t)]
    assert not differ, f"{len(differ)} differ, first {differ[0]}, lark: {outcome(lark_parser, differ[0][0])}"
    kinds = [o[0] if o[0] == "tree" else o[1] for o in ours]  # every kind of outcome is compared, often
    assert min(kinds.count(k) for k in ("tree", "UnexpectedToken", "UnexpectedCharacters")) > 1000


@settings(max_examples=300, deadline=None)
@given(text=schedule())
def test_random_schedules_parse_as_lark_parses_them(lark_parser: Any, text: str) -> None:
    assert outcome(_lark(), text) == outcome(lark_parser, text)


_PIECES = st.sampled_from(
    [*"()[],:.=+-*/$#%'\"_ \t\n\r", "→", "->", ">>", "**", ">", "1", "2.5", "1e3", "5ep", "10%", "2k", "١", "x",
     "cosine", "lr", "momentum.beta[1]", "$peak", "to", "# c\n", ".5", "1.", "e"]
)  # fmt: skip
"""What garbage is made of: the grammar's punctuation, numbers and names, and characters it refuses."""


@settings(max_examples=500, deadline=None)
@given(text=st.lists(_PIECES, max_size=30).map("".join) | st.text(max_size=30))
def test_garbage_fails_as_lark_fails(lark_parser: Any, text: str) -> None:
    assert outcome(_lark(), text) == outcome(lark_parser, text)


def test_deep_nesting_and_long_lists_parse_without_recursion() -> None:
    """The driver keeps its own stack: nesting deeper than Python's recursion limit parses, and so does
    a list longer than the parser lets through (``MAX_ITEMS``)."""
    tree: Any = _lark().parse("(" * 5000 + "1" + ")" * 5000)
    for _ in range(5000):
        assert tree.data == "paren"
        tree = tree.children[0]
    assert tree.data == "number"
    call: Any = _lark().parse("multistep(0.1, at=[" + ", ".join(map(str, range(20_000))) + "])")
    at = call.children[1].children[1]
    assert at.data == "kwarg" and len(at.children[1].children[0].children) == 20_000


def test_parsing_loads_neither_lark_nor_its_grammar() -> None:
    import subprocess
    import sys

    code = (
        "import sys, lrdsl; lrdsl.parse('cosine(0.1→0)'); print(sorted(m for m in sys.modules if m.startswith('lark')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_an_install_without_the_tables_is_broken_not_the_input(tmp_path: Any, monkeypatch: Any) -> None:
    from lrdsl.language import lalr

    monkeypatch.setattr(lalr, "TABLES", tmp_path / "lalr_tables.json")
    lalr.load.cache_clear()
    try:
        with pytest.raises(ImportError, match=r"the parser.s tables .* are missing"):
            lalr.load()
    finally:
        lalr.load.cache_clear()


@pytest.mark.parametrize(
    "damage",
    ["truncated", "empty", "a key missing", "a directory", "a broken pattern"],
)
def test_damaged_tables_are_a_broken_install_not_a_traceback(tmp_path: Any, monkeypatch: Any, damage: str) -> None:
    """Whatever became of the tables file, the parser says "reinstall", as an :class:`ImportError`."""
    from lrdsl.language import lalr

    text = TABLES.read_text(encoding="utf-8")
    path = tmp_path / "lalr_tables.json"
    if damage == "truncated":
        path.write_text(text[: len(text) // 2], encoding="utf-8")
    elif damage == "empty":
        path.write_text("", encoding="utf-8")
    elif damage == "a key missing":
        data = json.loads(text)
        del data["rules"]
        path.write_text(json.dumps(data), encoding="utf-8")
    elif damage == "a directory":
        path.mkdir()
    else:
        data = json.loads(text)
        for row in data["terminals"].values():
            row["regexp"] = "(?P<"  # every lexer that the first token reaches fails to compile
        path.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(lalr, "TABLES", path)
    lalr.load.cache_clear()
    try:
        with pytest.raises(ImportError, match=r"the parser.s tables .* (are damaged|are missing)"):
            lalr.load().parse("cosine(0.1→0)")
    finally:
        lalr.load.cache_clear()
