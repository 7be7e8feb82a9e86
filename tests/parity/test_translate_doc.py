"""docs/translate.md shows exactly the expressions the parity tests check."""

from __future__ import annotations

from pathlib import Path

import pytest

import lrdsl
from tests.parity import (
    paddle_rows,
    test_composer,
    test_fastai,
    test_hf,
    test_keras,
    test_optax,
    test_timm,
    test_torch,
)

DOC = (Path(__file__).resolve().parents[2] / "docs" / "translate.md").read_text(encoding="utf-8")
EXPRESSIONS = [
    r[2]
    for m in (test_torch, test_keras, test_optax, test_hf, paddle_rows, test_timm, test_composer, test_fastai)
    for r in m.ROWS
]


@pytest.mark.parametrize("expr", EXPRESSIONS)
def test_every_tested_expression_is_in_the_table(expr: str) -> None:
    assert f"`{expr}`" in DOC
    assert str(lrdsl.parse(expr)) == expr  # written in canonical form
