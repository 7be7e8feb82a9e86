"""``lrdsl export hf``: TrainingArguments fields that give exactly the expression in transformers' own
``get_scheduler``, or a refusal with its reason; and the config read back."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrdsl.export import config
from lrdsl.export.hf import read
from tests.exporting import check_import, check_long, check_row, exported

N = 1000
ROWS = [
    ("3e-4", "'constant'"),
    ("linear(0→1e-3, 100) >> const(1e-3)", "constant_with_warmup"),
    ("linear(0→1e-3, 100) >> linear(1e-3→0, 900)", "'linear'"),
    ("linear(1e-3→0, 1000)", "'linear'"),
    ("linear(0→1e-3, 100) >> cosine(1e-3→0, 900)", "'cosine'"),
    ("cosine(1e-3→0, 1000)", "'cosine'"),
    ("warmup(linear, 10%) >> cosine(1e-3→0)", "'cosine'"),
    ("linear(0→1e-3, 100) >> cosine(1e-3→1e-4, 900)", "cosine_with_min_lr"),
    ("linear(0→1e-3, 100) >> cosine(1e-3→0, 300) * repeat(3)", "cosine_with_restarts"),
    ("cosine(1e-3→0, 250) * repeat(4)", "cosine_with_restarts"),
    ("linear(0→1e-3, 100) >> poly(1e-3→1e-5, 900, power=2)", "polynomial"),
    ("linear(0→1e-3, 100) >> rsqrt(1e-3, warmup=100) * offset(100)", "inverse_sqrt"),
    ("linear(0→1e-3, 100) >> rsqrt(1e-3, warmup=400) * offset(400)", "'timescale': 400"),
    ("linear(1e-4→1e-3, 100) >> const(1e-3, 700) >> linear(1e-3→1e-4, 200)", "'decay_type': 'linear'"),
    ("linear(0→1e-3, 100) >> const(1e-3, 700) >> sqrt(1e-3→0, 200)", "'decay_type': '1-sqrt'"),
    ("linear(1e-4→1e-3, 50) >> const(1e-3, 500) >> cosine(1e-3→1e-4, 300) >> const(1e-4)", "num_stable_steps"),
    ("linear(1e-4→1e-3, 100) >> cosine(1e-3→0, 900)", "refused: its warm-ups start at 0"),
    ("cosine(1e-3→0, 1000) * offset(5)", "refused: departs at step"),
    ("exp(1e-3→1e-5, 1000)", "refused: departs at step"),
    ("step(1e-3, gamma=0.5, every=300)", "refused: departs at step"),
    ("linear(0→1e-3, 100) >> cosine(1e-3→0) * restart(period=200, mult=2)", "refused: departs at step"),
    ("onecycle(1e-3)", "refused: its warm-ups start at 0"),
    ("(linear(0→1e-3, 100) >> cosine(1e-3→0, 900)) * offset(-1)", "refused: departs at step"),
]


@pytest.mark.parametrize(("expr", "outcome"), ROWS)
def test_row(expr: str, outcome: str) -> None:
    check_row("hf", "transformers", expr, outcome, N)


@st.composite
def configs(draw: st.DrawFn) -> dict[str, object]:
    """HF configs in the form export writes them (its expressible subset)."""
    n = 200
    kind = draw(
        st.sampled_from(["linear", "cosine", "constant_with_warmup", "cosine_with_min_lr", "cosine_with_restarts"])
    )
    w = draw(st.integers(1 if kind == "constant_with_warmup" else 0, 60))
    out: dict[str, object] = {
        "learning_rate": draw(st.sampled_from([1e-3, 3e-4, 5e-5, 0.1])),
        "lr_scheduler_type": kind,
    }
    if w:
        out["warmup_steps"] = w
    out["max_steps"] = n
    if kind == "cosine_with_min_lr":
        out["lr_scheduler_kwargs"] = {"min_lr_rate": draw(st.sampled_from([0.1, 0.05, 0.01, 0.3]))}
    if kind == "cosine_with_restarts":
        out["lr_scheduler_kwargs"] = {"num_cycles": draw(st.integers(2, 5))}
    return out


@settings(max_examples=40, deadline=None)
@given(configs())
def test_export_of_read_is_the_identity(cfg: dict[str, object]) -> None:
    assert config(read(cfg), "hf", 200, check=False) == cfg


def test_a_run_of_ten_million_steps() -> None:
    check_long("hf", "transformers", "warmup(linear, 2000) >> cosine(3e-4→3e-5)", 10_000_000)


@pytest.mark.parametrize(("expr", "outcome"), exported(ROWS))
def test_lrdsl_import_reads_every_export(expr: str, outcome: str, tmp_path: Path) -> None:
    check_import("hf", "transformers", expr, N, tmp_path)
