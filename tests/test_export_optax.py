"""``lrdsl export optax``: Optax's built-in schedules (``join_schedules`` of a ``linear_schedule`` warm-up and a decay)
whose float32 values are the expression's, or a refusal; and read back by the optax importer."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrdsl.export import config, export
from lrdsl.export.optax import read
from tests.exporting import check_import, check_row, exported

N = 1000
ROWS = [
    ("3e-4", "constant_schedule"),
    ("linear(0→1e-3, 100) >> const(1e-3)", "'boundaries': []"),
    ("linear(0→1e-3, 100) >> cosine(1e-3→1e-5, 900)", "cosine_decay_schedule"),
    ("warmup(linear, 10%) >> cosine(1e-3→0)", "'alpha': 0.0"),
    ("cosine(1e-3→1e-4, 600) >> const(1e-4)", "'decay_steps': 600"),
    ("linear(1e-5→1e-3, 100) >> linear(1e-3→1e-5, 900)", "'end_value': 1e-05, 'transition_steps': 900"),
    ("linear(1e-3→0, 500) >> const(0)", "linear_schedule"),
    ("linear(0→1e-3, 100) >> poly(1e-3→1e-5, 900, power=2)", "polynomial_schedule"),
    ("exp_decay(1e-3, rate=0.99)", "exponential_decay"),
    ("linear(0→1e-3, 50) >> exp_decay(1e-3, rate=0.995)", "'decay_rate': 0.995"),
    ("linear(1e-4→1e-3, 100) >> cosine(1e-3→0, 900)", "'init_value': 0.0001"),
    ("exp(1e-3→1e-5, 1000)", "refused: departs at step"),
    ("step(1e-3, gamma=0.5, every=300)", "refused: departs at step"),
    ("cosine(1e-3→0, 250) * repeat(4)", "refused: departs at step"),
    ("sqrt(1e-3→0, 1000)", "refused: departs at step"),
    ("linear(0→1e-3, 100) >> const(1e-3, 500) >> linear(1e-3→0, 400)", "refused: departs at step"),
    ("onecycle(1e-3)", "refused: departs at step"),
    ("cosine(1e-3→0, 1000) * offset(5)", "refused: departs at step"),
    ("(linear(0→1e-3, 100) >> cosine(1e-3→0, 900)) * offset(-1)", "refused: departs at step"),
    ("linear(0→1e-3, 100) >> rsqrt(1e-3, warmup=100) * offset(100)", "refused: departs at step"),
]


@pytest.mark.parametrize(("expr", "outcome"), ROWS)
def test_row(expr: str, outcome: str) -> None:
    check_row("optax", "optax", expr, outcome, N)


def test_python_is_the_code() -> None:
    code = export(ROWS[2][0], "optax", N, fmt="python")
    assert code.startswith("schedule = optax.join_schedules([optax.linear_schedule(init_value=0.0, end_value=0.001")


@st.composite
def configs(draw: st.DrawFn) -> dict[str, object]:
    """Configs in the form export writes them: a warm-up and a decay over the rest of the run."""
    n, w = 200, draw(st.integers(0, 50))
    d, eta = n - w, draw(st.sampled_from([1e-3, 3e-4]))
    decay = draw(
        st.sampled_from(
            [
                {"type": "cosine_decay_schedule", "init_value": eta, "decay_steps": d, "alpha": 0.1},
                {"type": "linear_schedule", "init_value": eta, "end_value": 0.0, "transition_steps": d},
            ]
        )
    )
    warm = {"type": "linear_schedule", "init_value": draw(st.sampled_from([0.0, 1e-5])), "end_value": eta}
    warm["transition_steps"] = w
    return {"schedules": [warm, decay] if w else [decay], "boundaries": [w] if w else []}


@settings(max_examples=25, deadline=None)
@given(configs())
def test_export_of_read_is_the_identity(cfg: dict[str, object]) -> None:
    assert config(read(cfg), "optax", 200, check=False) == cfg


@pytest.mark.parametrize(("expr", "outcome"), exported(ROWS))
def test_lrdsl_import_reads_every_export(expr: str, outcome: str, tmp_path: Path) -> None:
    check_import("optax", "optax", expr, N, tmp_path)
