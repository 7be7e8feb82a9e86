"""docs/translate.md shows exactly the expressions the parity tests check."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import lrdsl
from tests.frameworks import load, need
from tests.gen_cases import F32, F64
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


@pytest.mark.frameworks
@pytest.mark.parametrize("expr", list(dict.fromkeys(EXPRESSIONS)))
def test_every_table_expression_generates_the_interpreters_numbers(expr: str) -> None:
    """The translations as a user would ship them: generated Python (float64) and Optax (float32, jit)."""
    jax = need("jax")
    want = lrdsl.evaluate(expr, 210, steps_per_epoch=7)
    python = load(lrdsl.generate(expr, "python", 210, 7), "translated_python")
    np.testing.assert_allclose([python.lr(t) for t in range(210)], want, **F64)
    optax = load(lrdsl.generate(expr, "optax", 210, 7), "translated_optax")
    np.testing.assert_allclose(jax.jit(jax.vmap(optax.schedule))(jax.numpy.arange(210)), want, **F32)
