"""docs/reference.md is the signature table and lrdsl/tools/reference.py, rendered; it cannot drift.

``python -m docs.make_reference`` writes the page and its pictures. These tests regenerate the page
in memory and compare it with the file, check that the pictures are exactly one per entry (by
name, not by bytes), that every name of the language has an entry and every parameter a meaning,
and that each example gives the values computed here by hand from the entry's formula.
"""

from __future__ import annotations

import math
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

import lrdsl
from lrdsl.language.numbers import format_number
from lrdsl.language.signatures import DEFAULTS, MATH_FUNCS, SIGNATURES
from lrdsl.tools import reference
from lrdsl.tools.reference import ENTRIES, PARAMS
from tests.conftest import ROOT
from tests.frameworks import need

DOCS = ROOT / "docs"


def test_the_page_is_generated_from_the_table() -> None:
    page = (DOCS / "reference.md").read_text(encoding="utf-8")
    assert page == reference.page(), "docs/reference.md is out of date: run python -m docs.make_reference"


def test_one_picture_per_entry_and_no_other() -> None:
    pictures = {str(p.relative_to(DOCS)) for p in (DOCS / "reference").iterdir()}
    assert pictures == {e.picture for e in ENTRIES}
    assert len({e.slug for e in ENTRIES}) == len(ENTRIES)


def test_every_name_of_the_language_has_an_entry() -> None:
    documented = {(e.kind, e.name) for e in ENTRIES}
    for name, sig in SIGNATURES.items():
        assert (sig.role, name) in documented, name
    for name in [*MATH_FUNCS, "pi"]:
        assert ("function", name) in documented, name
    for unit in ("ep", "%", "tok", "sa", "k", "M", "B", "T"):
        assert reference.lookup(unit), unit
    for op in (">>", "+", "-", "*", "/"):
        assert reference.lookup(op), op


def test_every_parameter_has_a_meaning_and_every_absence_is_explained() -> None:
    for sig in SIGNATURES.values():
        for p in sig.params:
            key = (sig.name, p.name)
            generic = p.kind == "range" or p.name == "dur"
            assert key in PARAMS or generic, f"describe {key} in lrdsl/tools/reference.py PARAMS_TEXT"
            meaning, omitted = PARAMS.get(key, ("generic", ""))
            assert meaning
            explained = p.required or key in DEFAULTS or generic
            assert bool(omitted) != explained, f"{key}: say what its absence means (only) when it has no default"
    assert set(PARAMS) <= {(s.name, p.name) for s in SIGNATURES.values() for p in s.params}


def test_each_default_is_on_the_page() -> None:
    page = reference.page()
    for (name, param), value in DEFAULTS.items():
        shown = str(value).lower() if isinstance(value, bool) else value if isinstance(value, str) else None
        row = next(r for r in reference.describe(SIGNATURES[name]) if r[0] == param)
        assert row[2] == f"`{shown or format_number(float(value))}`"
        assert f"| `{param}` | {row[1]} | {row[2]} |" in page


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.slug for e in ENTRIES])
def test_examples_are_canonical_text(entry: reference.Entry) -> None:
    """Written as ``lrdsl fmt`` writes them, so that the page teaches the canonical form (but for
    the suffixes' example: the canonical form writes ``10k`` steps as ``10000``)."""
    canonical = str(lrdsl.parse(entry.example.expr))
    assert (canonical == entry.example.expr) != (entry.slug == "unit-suffixes"), canonical


HAND: dict[str, list[float]] = {
    "shape-const": [0.1, 0.1, 0.01],
    "shape-hold": [0.1, 0.1, 0.05],
    "shape-linear": [0.1, 0.055, 0.01],
    "shape-cosine": [0.1, 0.05, 0.0],
    "shape-exp": [0.1, 0.01, 1e-3],
    "shape-poly": [0.1, 0.1 * 0.5**2, 0.0],
    "shape-pow": [0.0, 0.1 * 0.5**2, 0.1],
    "option-inclusive": [0.0, 0.05, 0.1],
    "shape-sqrt": [0.1, 0.1 * (1 - math.sqrt(0.25)), 0.0],
    "shape-log": [0.0, 0.1 * math.log(10) / math.log(100), 0.1],
    "shape-piecewise": [0.1, 0.01, 1e-3],
    "shape-step": [0.1, 0.05, 0.025],
    "shape-multistep": [0.1, 0.01, 1e-3],
    "shape-exp_decay": [0.1, 0.05, 0.025],
    "shape-inverse_time": [0.1, 0.05, 0.025],
    "shape-rsqrt": [0.04, 0.1, 0.1 * math.sqrt(25 / 99)],
    "shape-fn": [0.1, 0.1 * 0.5**3, 0.0],
    "shape-recur": [0.1, 0.09, 0.081],
    "shape-warmup": [0.0, 0.05, 0.1],
    "modifier-restart": [0.1 * (1 + math.cos(math.pi * 24 / 25)) / 2, 0.1, 0.05],
    "modifier-repeat": [0.1, 0.0, 0.1],
    "modifier-offset": [0.1, 0.1, 0.01],
    "modifier-quantize": [0.1, 0.1, 0.075],
    "operator-then": [0.095, 0.1, 0.05],
    "operator-plus": [0.1, 0.01 + 0.045, 0.01 + 0.0225],
    "operator-times": [0.01, 0.01 * 0.9**1.9, 0.1 * 0.9**2],
    "combinator-min": [0.04, 0.1, 0.1 * math.sqrt(25 / 99)],
    "combinator-max": [0.1, 0.05, 0.01],
    "composite-onecycle": [0.1 / 25, 0.1, 0.1 / 25 / 1e4],
    "composite-cyclic": [1e-3, 0.1, 1e-3],
    "composite-wsd": [0.1, 0.1, 0.05],
    "function-sin": [0.05, 0.1, 0.0],
    "function-cos": [0.1, 0.05],
    "function-tan": [0.1, 0.1 * (1 - math.tan(math.pi / 8))],
    "function-tanh": [0.05 * (1 - math.tanh(-5)), 0.05],
    "function-exp": [0.1, 0.1 * math.exp(-1)],
    "function-log": [0.1, 0.1 / (1 + math.log(100))],
    "function-sqrt": [0.1, 0.05],
    "function-abs": [0.1, 0.0],
    "function-floor": [0.1, 0.05],
    "function-ceil": [0.1, 0.05],
    "function-min": [0.05, 0.1],
    "function-max": [0.05, 0.02],
    "function-pi": [0.1, 0.05],
    "unit-steps": [0.1, 0.05, 0.0],
    "unit-ep": [0.05, 0.1, 0.05],
    "unit-percent": [0.05, 0.1, 0.05],
    "unit-tok": [1.5e-4, 3e-4, 3e-5],
    "unit-sa": [0.05, 0.1, 0.05],
    "unit-suffixes": [0.1, 0.05],
    "unit-arithmetic": [0.1, 0.05, 0.0],
}
"""The value of each example at its steps, worked out by hand from the entry's formula."""


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.slug for e in ENTRIES])
def test_each_example_gives_the_hand_computed_values(entry: reference.Entry) -> None:
    got = [v for _, v in reference.values(entry.example)]
    assert got == pytest.approx(HAND[entry.slug], rel=1e-9, abs=1e-15)
    assert set(HAND) == {e.slug for e in ENTRIES}


@pytest.mark.parametrize("name", ["cosine", "restart", "offset", "ep", ">>", "wsd"])
def test_terminal_entry_shows_signature_parameters_and_example(name: str) -> None:
    (entry,) = reference.lookup(name)
    text = reference.text(entry)
    assert text.splitlines()[0].startswith(entry.signature)
    assert entry.example.expr in text and "$ lrdsl eval" in text
    sig = SIGNATURES.get(name)
    if sig is not None:
        for row in reference.describe(sig):
            assert f"    {row[0]}" in text


def test_names_that_are_a_shape_and_a_function_show_both() -> None:
    for name in ("exp", "log", "sqrt", "min", "max"):
        assert {e.kind for e in reference.lookup(name)} in ({"shape", "function"}, {"combinator", "function"})


def test_the_language_page_links_the_reference() -> None:
    text = (DOCS / "language.md").read_text(encoding="utf-8")
    assert "LANGUAGE.md §3" not in text.split("## Shapes", 1)[1].split("\n\n", 2)[1]
    assert "(reference.md" in text


def test_the_one_command_writes_the_page_and_every_picture(tmp_path: Path) -> None:
    """``python -m docs.make_reference --out DIR``: the page as committed, one PNG per entry, stale files removed."""
    need("matplotlib")
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "shape-gone.png").write_bytes(b"")
    proc = subprocess.run(
        [sys.executable, "-m", "docs.make_reference", "--out", str(tmp_path)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "reference.md").read_text(encoding="utf-8") == (DOCS / "reference.md").read_text(
        encoding="utf-8"
    )
    written = {str(p.relative_to(tmp_path)) for p in (tmp_path / "reference").iterdir()}
    assert written == {e.picture for e in ENTRIES}
    assert all((tmp_path / e.picture).read_bytes().startswith(b"\x89PNG") for e in ENTRIES)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.slug for e in ENTRIES])
def test_the_printed_command_reproduces_the_example(entry: reference.Entry, capsys: pytest.CaptureFixture[str]) -> None:
    """The ``$ lrdsl eval …`` line of ``lrdsl help`` runs as printed and gives the values shown."""
    from lrdsl.cli import main

    line = next(ln for ln in reference.text(entry).splitlines() if ln.startswith("    $ lrdsl eval "))
    argv = shlex.split(line.removeprefix("    $ lrdsl "))
    assert main([*argv, "--format", "csv"]) == 0
    rows = [r.split(",") for r in capsys.readouterr().out.splitlines()[1:]]
    assert [(int(t), float(v)) for t, v in rows] == reference.values(entry.example)


def test_help_points_to_files_this_install_has(capsys: pytest.CaptureFixture[str]) -> None:
    """``more:`` names the reference page this install ships (and its anchor), ``picture:`` a picture that exists."""
    from lrdsl.cli import main

    for entry in ENTRIES:
        more = [line for line in reference.text(entry).splitlines() if line.startswith("  more: ")]
        assert more == [f"  more: lrdsl help reference.md, or {DOCS / 'reference.md'}#{entry.slug}"]
        assert f"{{#{entry.slug}}}" in (DOCS / "reference.md").read_text(encoding="utf-8")
        assert f"  picture: {DOCS / entry.picture}" in reference.text(entry)
    assert reference.pages() == sorted(p.name for p in DOCS.glob("*.md"))
    for topic in ("tour.md", "tour", "reference.md", "fit.md"):
        assert main(["help", topic]) == 0
        assert capsys.readouterr().out == (DOCS / (topic.removesuffix(".md") + ".md")).read_text(encoding="utf-8")
    assert main(["help", "fit"]) == 0 and capsys.readouterr().out.startswith("usage: lrdsl fit")  # a command wins
    assert main(["help", "nothing.md"]) == 2
    assert "pages: architecture.md, cli.md," in capsys.readouterr().err
