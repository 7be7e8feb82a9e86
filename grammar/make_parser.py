"""Write ``lrdsl/language/lalr.py``: the LALR parser of ``grammar/lrdsl.lark``, standalone.

    python grammar/make_parser.py

lark's standalone generator writes the parse tables and the part of lark that runs them into one
module that imports nothing but the standard library, so that parsing needs neither lark nor the
analysis of the grammar at start (lark's import and cached grammar cost a fifth of the command
line's start). The grammar stays the one source: the module's first lines record the SHA-256 of
the grammar it was made from, and ``tests/test_grammar.py`` checks that it is this grammar and
that the module parses and fails as lark itself does. (lark numbers the LALR states in an order
that varies from run to run, so two runs write different but equivalent tables.)
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GRAMMAR = ROOT / "grammar" / "lrdsl.lark"
MODULE = ROOT / "lrdsl" / "language" / "lalr.py"
OPTIONS = ["--propagate_positions", "--maybe_placeholders"]
"""As ``lrdsl.language.parser`` used lark: LALR, contextual lexer, token positions, ``None`` for absent optionals."""


def digest(text: str) -> str:
    """The SHA-256 of the grammar's text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def header(grammar: str) -> str:
    """The first lines of the module: what it is, where it comes from, the grammar's digest."""
    import lark

    return (
        "# The LALR parser of grammar/lrdsl.lark, written by lark's standalone generator: do not edit.\n"
        "# Regenerate with: python grammar/make_parser.py\n"
        f"# grammar sha256: {digest(grammar)}\n"
        f"# lark {lark.__version__}\n"
        "# ruff: noqa\n"
        "# mypy: ignore-errors\n"
    )


def generate() -> str:
    """The module's text, made from the grammar."""
    grammar = GRAMMAR.read_text(encoding="utf-8")
    cmd = [sys.executable, "-m", "lark.tools.standalone", *OPTIONS, str(GRAMMAR)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return header(grammar) + out


def main() -> int:
    text = generate()
    MODULE.write_text(text, encoding="utf-8")
    print(f"wrote {MODULE.relative_to(ROOT)} ({len(text):,} characters)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
