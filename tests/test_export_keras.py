"""``lrdsl export keras``: one of Keras 3's built-in schedules, as code, that gives exactly the expression when Keras
calls it on ``optimizer.iterations`` (float32: rtol 1e-5), or a refusal; and read back by the Keras importer."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrdsl.export import config, export
from lrdsl.export.keras import read
from tests.exporting import check_import, check_row, exported

N = 1000
ROWS = [
    ("linear(1e-5→1e-3, 100) >> cosine(1e-3→1e-5, 900)", "'warmup_target': 0.001"),
    ("linear(0→1e-3, 100) >> cosine(1e-3→0, 900)", "'warmup_steps': 100"),
    ("cosine(1e-3→1e-5, 1000)", "CosineDecay"),
    ("cosine(1e-3→1e-5, 600) >> const(1e-5)", "'decay_steps': 600"),
    ("warmup(linear, 5%) >> cosine(1e-3→0)", "'warmup_steps': 50"),
    ("poly(1e-3→0, 1000, power=2)", "PolynomialDecay"),
    ("linear(1e-3→1e-5, 500) >> const(1e-5)", "'power': 1.0"),
    ("exp_decay(1e-3, rate=0.99)", "'decay_steps': 1, 'decay_rate': 0.99"),
    ("exp(1e-3→1e-5, 1000)", "'decay_steps': 1000"),
    ("step(1e-3, gamma=0.5, every=300)", "PiecewiseConstantDecay"),
    ("multistep(1e-3, gamma=0.1, at=[300, 600])", "'boundaries': [299, 599]"),
    ("cosine(1e-3→0, 250) * repeat(4)", "CosineDecayRestarts"),
    ("cosine(1e-3→0) * restart(period=100, mult=2)", "'t_mul': 2.0"),
    ("1e-3", "refused: a constant rate is no schedule in Keras"),
    ("linear(1e-5→1e-3, 100) >> const(1e-3, 400) >> cosine(1e-3→0, 500)", "refused: a held peak"),
    ("linear(1e-5→1e-3, 100) >> const(1e-3)", "refused: a held peak"),
    ("sqrt(1e-3→0, 1000)", "refused: departs at step"),
    ("onecycle(1e-3)", "refused: departs at step"),
    ("cosine(1e-3→0, 1000) * offset(5)", "refused: departs at step"),
    ("linear(1e-5→1e-3, 100) >> poly(1e-3→0, 900, power=2)", "refused: departs at step"),
    ("linear(1e-5→1e-3, 100) >> cosine(1e-3→0, 400) >> linear(0→1e-4, 500)", "refused: departs at step"),
]


@pytest.mark.parametrize(("expr", "outcome"), ROWS)
def test_row(expr: str, outcome: str) -> None:
    check_row("keras", "keras", expr, outcome, N)


def test_python_is_the_code() -> None:
    code = export(ROWS[0][0], "keras", N, fmt="python")
    assert code.startswith("schedule = keras.optimizers.schedules.CosineDecay(initial_learning_rate=1e-05, ")


@st.composite
def configs(draw: st.DrawFn) -> dict[str, object]:
    """Schedules in the form export writes them (a run of 200 steps)."""
    w = draw(st.integers(0, 40))
    alpha = draw(st.sampled_from([0.0, 0.01, 0.1]))
    cosine: dict[str, object] = {"type": "CosineDecay", "initial_learning_rate": 1e-3, "decay_steps": 200 - w}
    cosine["alpha"] = alpha
    if w:
        cosine.update(initial_learning_rate=draw(st.sampled_from([0.0, 1e-5])), warmup_target=1e-3, warmup_steps=w)
    poly = {"type": "PolynomialDecay", "initial_learning_rate": 1e-3, "decay_steps": draw(st.integers(20, 200))}
    poly.update(end_learning_rate=0.0, power=draw(st.sampled_from([2.0, 0.5])))
    return draw(st.sampled_from([cosine, poly]))


@settings(max_examples=30, deadline=None)
@given(configs())
def test_export_of_read_is_the_identity(cfg: dict[str, object]) -> None:
    assert config(read(cfg), "keras", 200, check=False) == cfg


@pytest.mark.parametrize(("expr", "outcome"), exported(ROWS))
def test_lrdsl_import_reads_every_export(expr: str, outcome: str, tmp_path: Path) -> None:
    check_import("keras", "keras", expr, N, tmp_path)
