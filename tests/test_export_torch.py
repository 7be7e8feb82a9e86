"""``lrdsl export torch``: PyTorch's built-in schedulers (``SequentialLR`` of a ``LinearLR`` warm-up and a decay) that
give exactly the expression when PyTorch steps them, or a refusal; and read back by the torch importer."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lrdsl
from lrdsl.export import config, export
from lrdsl.export.torch import read
from tests.exporting import check_import, check_long, check_row, exported
from tests.frameworks import need

N = 1000
ROWS = [
    ("linear(1e-5→1e-3, 100) >> cosine(1e-3→1e-5, 900)", "CosineAnnealingLR"),
    ("linear(1e-4→1e-3, 100) >> const(1e-3)", "'milestones': []"),
    ("cosine(1e-3→0, 1000)", "CosineAnnealingLR"),
    ("cosine(1e-3→1e-4, 1000)", "'T_max': 1000"),
    ("cosine(1e-3→1e-4, 600) >> const(1e-4)", "refused: departs at step"),  # torch's cosine rises after T_max
    ("linear(1e-5→1e-3, 100) >> poly(1e-3→0, 900, power=2)", "PolynomialLR"),
    ("poly(1e-3→0, 1000, power=1.5)", "'power': 1.5"),
    ("linear(1e-5→1e-3, 100) >> linear(1e-3→1e-5, 900)", "'end_factor': 0.01"),
    ("linear(1e-3→0, 1000)", "'end_factor': 0.0"),
    ("exp_decay(1e-3, rate=0.99)", "ExponentialLR"),
    ("linear(1e-4→1e-3, 50) >> exp_decay(1e-3, rate=0.995)", "'gamma': 0.995"),
    ("warmup(linear, 10%, from=1e-5) >> cosine(1e-3→0)", "'milestones': [100]"),
    ("linear(0→1e-3, 100) >> cosine(1e-3→0, 900)", "refused: a warm-up cannot start at 0"),
    ("exp(1e-3→1e-5, 1000)", "refused: departs at step"),
    ("step(1e-3, gamma=0.5, every=300)", "refused: departs at step"),
    ("cosine(1e-3→0, 250) * repeat(4)", "refused: departs at step"),
    ("sqrt(1e-3→0, 1000)", "refused: departs at step"),
    ("linear(1e-5→1e-3, 100) >> const(1e-3, 500) >> linear(1e-3→0, 400)", "refused: departs at step"),
    ("onecycle(1e-3)", "refused: departs at step"),
    ("cosine(1e-3→0, 1000) * offset(5)", "refused: departs at step"),
    ("(linear(1e-5→1e-3, 100) >> cosine(1e-3→0, 900)) * offset(-1)", "refused: departs at step"),
]


@pytest.mark.parametrize(("expr", "outcome"), ROWS)
def test_row(expr: str, outcome: str) -> None:
    check_row("torch", "torch", expr, outcome, N)


def test_python_is_the_code() -> None:
    code = export(ROWS[0][0], "torch", N, fmt="python")
    assert "SequentialLR(optimizer, schedulers=[LinearLR(optimizer, start_factor=0.01, total_iters=100)" in code


@st.composite
def configs(draw: st.DrawFn) -> dict[str, object]:
    """Configs in the form export writes them: a warm-up from a factor above 0 and a decay over the rest."""
    n, w = 200, draw(st.integers(0, 50))
    d = n - w
    decay = draw(
        st.sampled_from(
            [
                {"type": "CosineAnnealingLR", "T_max": d, "eta_min": 0.0},
                {"type": "LinearLR", "start_factor": 1.0, "end_factor": 0.1, "total_iters": d},
                {"type": "PolynomialLR", "total_iters": d, "power": 2.0},
            ]
        )
    )
    warm = {"type": "LinearLR", "start_factor": draw(st.sampled_from([0.01, 0.1, 0.5])), "total_iters": w}
    lr = draw(st.sampled_from([1e-3, 3e-4]))
    return {"lr": lr, "schedulers": [warm, decay] if w else [decay], "milestones": [w] if w else []}


@settings(max_examples=25, deadline=None)
@given(configs())
def test_export_of_read_is_the_identity(cfg: dict[str, object]) -> None:
    assert config(read(cfg), "torch", 200, check=False) == cfg


def test_a_long_run_is_stepped_through_and_checked_at_its_boundaries() -> None:
    """SequentialLR is chainable, so the check steps it through the run (here 150,000 steps), comparing the
    checked steps: each phase boundary ±2, the first and last 1,000 and 4,000 spread ones."""
    check_long("torch", "torch", "linear(1e-5→1e-3, 2000) >> cosine(1e-3→1e-5)", 150_000)


def test_a_run_longer_than_what_is_stepped_is_refused() -> None:
    need("torch")
    with pytest.raises(lrdsl.LrdslError) as info:
        config("linear(1e-5→1e-3, 2000) >> cosine(1e-3→0)", "torch", 2_000_001)
    assert str(info.value) == (
        "error: PyTorch's built-in schedulers: a check of this config steps its scheduler through the run (2,000,001 "
        "steps), and steps at most 2,000,000: it is chainable (each step reads the rate the step before left), so no "
        "step of it can be computed alone\nhint: export a run of at most 2,000,000 steps, or use a framework whose "
        "scheduler is a closed form"
    )


@pytest.mark.parametrize(("expr", "outcome"), exported(ROWS))
def test_lrdsl_import_reads_every_export(expr: str, outcome: str, tmp_path: Path) -> None:
    check_import("torch", "torch", expr, N, tmp_path)
