"""The typed constructors of syntax trees: each builds the tree the parser builds from the canonical text,
and the formatter alone spells numbers and parentheses."""

from __future__ import annotations

import pytest

from lrdsl.language import build as B
from lrdsl.language.parser import parse

U = B.name("u")


@pytest.mark.parametrize(
    ("tree", "text"),
    [
        (B.shape("cosine", (0.1, 0), 100), "cosine(0.1→0, 100)"),
        (B.seq(B.shape("linear", (0, 0.1), 10), B.shape("cosine", (0.1, 1e-6), duration=90)), None),
        (B.mul(B.seq(B.shape("cosine", (1, 0), 5), B.shape("cosine", (0, 1), 5)), B.restart()), None),
        (
            B.add(0.01, B.mul(B.shape("linear", (0, 1), 5), B.restart(decay=0.5))),
            "0.01 + linear(0→1, 5) * restart(decay=0.5)",
        ),
        (B.fn(B.mul(0.1, B.power(B.sub(1, B.div(U, 100)), 2)), 50), "fn(0.1 * (1 - u / 100) ** 2, 50)"),
        (B.shape("multistep", 0.1, gamma=0.5, at=[30, 60]), "multistep(0.1, gamma=0.5, at=[30, 60])"),
        (B.shape("onecycle", 0.1, 1000, anneal="linear", three_phase=True), None),
        (B.shape("const", 1e-3, B.Quantity(5, "ep")), "const(1e-3, 5ep)"),
        (B.mul(B.warmup("linear", 100, from_=0.1), B.offset(B.Quantity(10, "%"))), None),
        (B.call("min", B.shape("const", 1), B.shape("linear", (1, 0), 5)), "min(const(1), linear(1→0, 5))"),
        (B.shape("exp_decay", 0.1, rate=B.math_call("exp", B.neg(0.5))), "exp_decay(0.1, rate=exp(-0.5))"),
        (B.scale(B.shape("cosine", (1, 0)), 0.1), "0.1 * cosine(1→0)"),
        (B.scale(B.shape("cosine", (1, 0)), 1), "cosine(1→0)"),
        (B.number(-2.5), "-2.5"),
    ],
)
def test_a_built_tree_is_the_parsed_tree_of_its_text(tree: object, text: str | None) -> None:
    written = B.text(tree)  # type: ignore[arg-type]
    assert parse(written).expr == tree
    if text is not None:
        assert written == text


def test_a_call_the_signature_does_not_have_is_refused() -> None:
    with pytest.raises(ValueError, match="no argument 'eta_min'"):
        B.shape("cosine", (1, 0), eta_min=0)
    with pytest.raises(ValueError, match="positional"):
        B.shape("const", 1, 2, 3)
    with pytest.raises(ValueError, match="finite"):
        B.number(float("nan"))
    with pytest.raises(ValueError, match="not a shape"):
        B.shape("restart")


def test_a_tree_built_too_deep_is_refused_though_its_arguments_are_not_checked_one_by_one() -> None:
    """Arguments and literals are made without re-validation; the call that holds them checks its depth."""
    tree = B.shape("const", 1)
    with pytest.raises(ValueError, match="nested deeper than 100 levels"):
        for _ in range(100):
            tree = B.mul(B.call("max", tree, B.number(-1)), B.offset(1))


def test_a_number_is_the_literal_the_parser_builds() -> None:
    assert [B.number(x) for x in (-2.5, 0.0, -0.0, 3)] == [parse(t).expr for t in ("-2.5", "0", "0", "3")]
    assert B.text(B.number(-0.0)) == "0"
