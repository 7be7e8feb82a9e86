"""Fit writes syntax trees, never schedule text: its forms, its number spellings and the formatter's text."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
import pytest

from lrdsl.fitting.context import Context
from lrdsl.fitting.piece import Form, Piece
from lrdsl.fitting.spelling import cost, number, spellings, text
from lrdsl.language import build as B
from lrdsl.language.parser import as_schedule
from lrdsl.language.signatures import SIGNATURES

FITTING = Path(__file__).resolve().parent.parent / "lrdsl" / "fitting"
CTX = Context(1e-11, 0.0, 7.0)

FORMS = [
    (Form("cosine", ("a", "b")), {"a": 0.1, "b": 0.0}, False, "cosine(0.1→0, 100)"),
    (Form("cosine", ("a", "b")), {"a": 0.1, "b": -1e-6}, True, "cosine(0.1→-1e-6)"),
    (Form("const", ("a",)), {"a": 0.05}, True, "0.05"),
    (Form("poly", ("a", "b"), named=(("power", "k"),)).with_fixed(inclusive=True), {"a": 1, "b": 0, "k": 2}, True,
     "poly(1→0, power=2, inclusive=true)"),
    (Form("exp_decay", ("a",), named=(("rate", "r"),), fixed=(("every", B.Quantity(2, "ep")),)), {"a": 0.1, "r": 0.5},
     False, "exp_decay(0.1, 100, rate=0.5, every=2ep)"),
    (Form("rsqrt", ("a",), fixed=(("warmup", B.Quantity(10)),), times=B.offset(10)), {"a": 0.1}, True,
     "rsqrt(0.1, warmup=10) * offset(10)"),
    (Form("piecewise", ("v0", "v1"), fixed=(("at", [B.Quantity(40)]),)), {"v0": 0.1, "v1": 0.01}, True,
     "piecewise([0.1, 0.01], at=[40])"),
    (Form("linear", ("c", "f"), head=(Form("const", ("a",), fixed=(("duration", B.Quantity(25, "%")),)),),
          outer=B.call("repeat", 1)), {"a": 0.1, "c": 0.1, "f": 0.0}, True,
     "(const(0.1, 25%) >> linear(0.1→0)) * repeat(1)"),
    (Form("cosine", ("a", "b"), times=B.restart(mult=2), head=(B.shape("linear", (0, 0.1), 10),)), {"a": 0.1, "b": 0},
     True, "linear(0→0.1, 10) >> cosine(0.1→0) * restart(mult=2)"),
]  # fmt: skip


@pytest.mark.parametrize(("form", "numbers", "flexible", "want"), FORMS)
def test_a_form_is_built_as_a_tree_and_spelled_by_the_formatter(
    form: Form, numbers: dict[str, float], flexible: bool, want: str
) -> None:
    piece = Piece(form.callee, form, numbers, 100)
    tree = piece.built(CTX, flexible)
    assert piece.render(CTX, flexible) == want == B.text(tree)
    assert as_schedule(want).expr == tree


def test_a_composite_leaves_out_its_defaults_by_name() -> None:
    form = Form("onecycle", ("max",), named=(("pct", "pct"), ("div", "div")))
    piece = Piece("onecycle", form, {"max": 0.1, "pct": 0.3, "div": 10.0}, 100)
    assert piece.render(CTX, True, left_out=frozenset({"pct"})) == "onecycle(0.1, div=10)"


def test_a_number_that_is_not_finite_has_no_tree() -> None:
    piece = Piece("cosine", Form("cosine", ("a", "b")), {"a": float("inf"), "b": 0.0}, 10)
    assert piece.tree(CTX, True) is None
    assert not piece.reproduces(CTX, np.zeros(10), True)
    with pytest.raises(ValueError, match="not finite"):
        piece.render(CTX, True)


@pytest.mark.parametrize(
    ("value", "denominators", "warmups", "spelled"),
    [
        (1 / 3, (3,), (), "1 / 3"),
        (6e-4 / 201, (201,), (), "6e-4 / 201"),
        (512**-0.5, (), (), "512 ** -0.5"),
        (512**-0.5 * 4000**-0.5, (), (4000,), "512 ** -0.5 * 4000 ** -0.5"),
        (0.1, (), (), "0.1"),
        (-2.5e-7, (), (), "-2.5e-7"),
    ],
)
def test_spellings_are_trees_the_language_reads_back(
    value: float, denominators: tuple[int, ...], warmups: tuple[int, ...], spelled: str
) -> None:
    forms = spellings(value, denominators, warmups=warmups)
    found = next(f for f in forms if text(f) == spelled)
    assert as_schedule(spelled).expr == found
    assert number(found) == value
    assert forms == sorted(forms, key=lambda f: cost(f, {*denominators, *warmups}))


def test_a_warm_up_shown_in_the_phase_costs_nothing_as_a_root() -> None:
    noam = spellings(512**-0.5 * 4000**-0.5, warmups=(4000,))
    factored = next(f for f in noam if text(f) == "512 ** -0.5 * 4000 ** -0.5")
    assert cost(factored, {4000}) == len("512") + 3
    assert cost(factored) == 2 * 3 + len("512") + len("4000")


_CALLS = sorted(set(SIGNATURES) - {"min", "max"})  # also words of prose: "a counter max(1, t)"
_PARAMS = sorted({p.name for s in SIGNATURES.values() for p in s.params})
_SYNTAX = re.compile(r"→|>>|\b(?:" + "|".join(_CALLS) + r")\(|\b(?:" + "|".join(_PARAMS) + r")=|\{d\}|\{a\}")
"""What only schedule text holds: a range, a sequence, a call of the language, a keyword argument, a hole."""


def _literals(tree: ast.Module) -> list[tuple[int, str]]:
    """Every string literal and f-string of a module but its docstrings, with its line."""
    docs = {
        id(n.body[0].value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef)
        and n.body
        and isinstance(n.body[0], ast.Expr)
        and isinstance(n.body[0].value, ast.Constant)
    }
    docs |= {  # the string under an assignment documents it
        id(b.value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Module | ast.ClassDef)
        for a, b in zip(n.body, n.body[1:], strict=False)
        if isinstance(a, ast.Assign | ast.AnnAssign) and isinstance(b, ast.Expr) and isinstance(b.value, ast.Constant)
    }
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = [v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
            out.append((node.lineno, "{}".join(parts)))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            out.append((node.lineno, node.value))
    return out


def test_no_schedule_syntax_is_written_as_text_in_fitting() -> None:
    """Fit builds trees (:mod:`lrdsl.language.build`); the formatter alone writes their text."""
    found = [
        f"{path.name}:{line}: {literal!r}"
        for path in sorted(FITTING.glob("*.py"))
        for line, literal in _literals(ast.parse(path.read_text(encoding="utf-8")))
        if _SYNTAX.search(literal)
    ]
    assert found == []
