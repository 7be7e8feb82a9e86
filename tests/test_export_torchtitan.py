"""``lrdsl export torchtitan``: torchtitan 0.3.0 ``LRSchedulersContainer.Config`` fields that give exactly the
expression in its own container (a ``LambdaLR`` stepped after each update), or a refusal; and read back."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrdsl.export import config, export
from lrdsl.export.torchtitan import read
from tests.exporting import check_import, check_importer, check_long, check_row, exported, parity_libs

__all__ = ["parity_libs"]
N = 1000
MODULE = "torchtitan.components.optimizer.lr_scheduler"
ROWS = [
    ("(linear(0→1e-3, 100) >> const(1e-3, 1) >> linear(1e-3→0, 900)) * offset(1)", "'decay_type': 'linear'"),
    ("(linear(0→1e-3, 100) >> const(1e-3, 701) >> cosine(1e-3→1e-4, 200)) * offset(1)", "'decay_ratio': 0.2"),
    ("(linear(0→1e-3, 100) >> const(1e-3, 1) >> sqrt(1e-3→0, 900)) * offset(1)", "'sqrt'"),
    ("3e-4", "'decay_ratio': 0.0"),
    ("(const(1e-3, 801) >> sqrt(1e-3→1e-5, 200)) * offset(1)", "'min_lr_factor': 0.01"),
    ("(linear(0→1e-3, 10) >> const(1e-3, 1) >> cosine(1e-3→1e-4, 990)) * offset(1)", "'warmup_steps': 10"),
    ("(linear(0→1e-3, 200) >> const(1e-3, 601) >> linear(1e-3→0, 200)) * offset(1)", "'warmup_steps': 200"),
    ("(linear(0→2e-4, 4) >> const(2e-4, 1) >> linear(2e-4→2e-5, 996)) * offset(1)", "'min_lr_factor': 0.1"),
    ("cosine(1e-3→0, 1000)", "'warmup_steps': 0"),
    ("linear(1e-3→0, 1000)", "'decay_type': 'linear'"),
    ("linear(0→1e-3, 100) >> cosine(1e-3→0, 900)", "refused: so it starts at lr/warmup_steps"),
    ("(linear(0→1e-3, 100) >> const(1e-3, 1) >> linear(1e-3→0, 900))", "refused: so it starts at lr/warmup_steps"),
    ("exp(1e-3→1e-5, 1000)", "refused: departs at step"),
    ("step(1e-3, gamma=0.5, every=300)", "refused: departs at step"),
    ("cosine(1e-3→0, 250) * repeat(4)", "refused: departs at step"),
    ("linear(1e-4→1e-3, 100) >> cosine(1e-3→0, 900)", "refused: departs at step"),
    ("poly(1e-3→0, 1000, power=2)", "refused: departs at step"),
    ("(linear(0→1e-3, 100) >> const(1e-3, 1) >> linear(1e-3→0, 900)) * offset(2)", "refused: departs at step"),
    ("onecycle(1e-3)", "refused: departs at step"),
    ("linear(0→1e-3, 100) >> rsqrt(1e-3, warmup=100) * offset(100)", "refused: so it starts at lr/warmup_steps"),
    ("(linear(0→1e-3, 100) >> const(1e-3, 1) >> linear(1e-3→0, 900)) * offset(-1)", "refused: so it starts at"),
]


@pytest.mark.parametrize(("expr", "outcome"), ROWS)
def test_row(parity_libs: None, expr: str, outcome: str) -> None:
    check_row("torchtitan", MODULE, expr, outcome, N)


def test_args_are_overrides() -> None:
    text = export(ROWS[1][0], "torchtitan", N, fmt="args")
    assert "--lr_scheduler.decay_ratio 0.2" in text and "--training.steps 1000" in text


@st.composite
def configs(draw: st.DrawFn) -> dict[str, object]:
    """torchtitan configs in the form export writes them."""
    n = 200
    w = draw(st.sampled_from([0, *range(2, 40)]))
    sched: dict[str, object] = {"warmup_steps": w}
    ratio = draw(st.sampled_from([None, 0.1, 0.2, 0.5]))
    if ratio is not None and round(n * ratio) != n - w:
        sched["decay_ratio"] = ratio
    sched.update(
        decay_type=draw(st.sampled_from(["linear", "sqrt", "cosine"])), min_lr_factor=draw(st.sampled_from([0.0, 0.1]))
    )
    return {
        "optimizer": {"lr": draw(st.sampled_from([1e-3, 3e-4, 8e-4]))},
        "lr_scheduler": sched,
        "training": {"steps": n},
    }


@settings(max_examples=40, deadline=None)
@given(configs())
def test_export_of_read_is_the_identity(cfg: dict[str, object]) -> None:
    assert config(read(cfg), "torchtitan", 200, check=False) == cfg


def test_a_run_of_ten_million_steps(parity_libs: None) -> None:
    check_long(
        "torchtitan", MODULE, "(linear(0→1e-3, 2000) >> const(1e-3, 1) >> linear(1e-3→0)) * offset(1)", 10_000_000
    )


def test_the_importer_reads_an_exported_config(parity_libs: None) -> None:
    check_importer("torchtitan", MODULE, ROWS[1][0], N)


@pytest.mark.parametrize(("expr", "outcome"), exported(ROWS))
def test_lrdsl_import_reads_every_export(parity_libs: None, expr: str, outcome: str, tmp_path: Path) -> None:
    check_import("torchtitan", MODULE, expr, N, tmp_path)
