"""``lrdsl export megatron``: megatron-core ``OptimizerParamScheduler`` arguments in samples, stepped with the global
batch as Megatron's training loop steps it — lr and weight decay — or a refusal with its reason; and read back."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrdsl.export import config, export
from lrdsl.export.megatron import read
from tests.exporting import check_import, check_importer, check_long, check_row, exported, parity_libs

__all__ = ["parity_libs"]
N, B = 1000, 16
MODULE = "megatron.core.optimizer_param_scheduler"
SET = "lr: linear(0→1e-3, 100) >> cosine(1e-3→1e-5, 900)\nweight_decay: "
ROWS = [
    ("3e-4", "'constant'"),
    ("linear(0→1e-3, 100) >> cosine(1e-3→1e-5, 900)", "'cosine'"),
    ("linear(0→1e-3, 100) >> linear(1e-3→1e-5, 900)", "'linear'"),
    ("linear(1e-5→1e-3, 100) >> linear(1e-3→0, 800) >> const(0)", "'lr_decay_steps': 14400"),
    ("cosine(1e-3→1e-4, 1000)", "'lr_warmup_steps': 0"),
    ("linear(0→1e-3, 100) >> const(1e-3)", "'constant'"),
    ("linear(0→1e-3, 100) >> const(1e-3, 700) >> linear(1e-3→1e-5, 200)", "'lr_wsd_decay_style': 'linear'"),
    ("linear(0→1e-3, 100) >> const(1e-3, 700) >> sqrt(1e-3→1e-5, 200)", "minus_sqrt"),
    ("linear(0→1e-3, 50) >> const(1e-3, 650) >> cosine(1e-3→0, 200) >> const(0)", "'wsd_decay_steps': 3200"),
    ("linear(0→1e-3, 100) >> rsqrt(1e-3, warmup=100) * offset(100)", "inverse-square-root"),
    (SET + "linear(0→0.1)", "'wd_incr_style': 'linear'"),
    (SET + "cosine(0.01→0.1)", "'wd_incr_style': 'cosine'"),
    (SET + "0.05", "'start_wd': 0.05"),
    ("warmup(linear, 10%) >> cosine(1e-3→1e-5)", "'cosine'"),
    ("wsd(1e-3, warmup=100, decay=200)", "WSD"),
    (SET + "linear(0.1→0)", "refused: its weight decay only rises"),
    ("cosine(1e-3→0, 250) * repeat(4)", "refused: rises again later"),
    ("exp(1e-3→1e-5, 1000)", "refused: departs at step"),
    ("step(1e-3, gamma=0.5, every=300)", "refused: departs at step"),
    ("rsqrt(1e-3, warmup=1)", "refused: departs at step"),
    ("linear(0→1e-3, 100) >> poly(1e-3→0, 900, power=2)", "refused: departs at step"),
    ("(linear(0→1e-3, 100) >> cosine(1e-3→0, 900)) * offset(1)", "'lr_warmup_steps': 1584"),  # init_lr 1e-5
    ("(linear(0→1e-3, 100) >> cosine(1e-3→0, 900)) * offset(-1)", "refused: departs at step"),
]


@pytest.mark.parametrize(("expr", "outcome"), ROWS)
def test_row(parity_libs: None, expr: str, outcome: str) -> None:
    check_row("megatron", MODULE, expr, outcome, N, samples_per_step=B)


def test_the_global_batch_is_required() -> None:
    with pytest.raises(Exception, match="needs the global batch"):
        config("3e-4", "megatron", 100)


def test_args_are_iterations() -> None:
    text = export(SET + "linear(0→0.1)", "megatron", N, fmt="args", samples_per_step=512)
    assert "--lr-warmup-iters 100" in text and "--global-batch-size 512" in text and "--train-iters 1000" in text


@st.composite
def configs(draw: st.DrawFn) -> dict[str, object]:
    """Megatron configs in the form export writes them (lr + weight decay)."""
    n, b = 200, draw(st.sampled_from([1, 8, 512]))
    hi = draw(st.sampled_from([1e-3, 3e-4]))
    style = draw(st.sampled_from(["linear", "cosine", "WSD"]))
    w = draw(st.integers(0, 40))
    d = draw(st.integers(w + 4, n))  # a decay of 2 steps is both linear and cosine
    lo = draw(st.sampled_from([0.0, 1e-5]))
    s: dict[str, object] = {"init_lr": draw(st.sampled_from([0.0, 1e-6])) if w else hi, "max_lr": hi}
    s.update(lr_warmup_steps=w * b, min_lr=lo, lr_decay_steps=d * b, lr_decay_style=style)
    if style == "WSD":
        a = draw(st.integers(w + 1, d - 3))
        s.update(
            wsd_decay_steps=(d - a) * b, lr_wsd_decay_style=draw(st.sampled_from(["linear", "cosine", "minus_sqrt"]))
        )
    wd = draw(st.sampled_from(["constant", "linear", "cosine"]))
    start = draw(st.sampled_from([0.0, 0.01]))
    end = start if wd == "constant" else draw(st.sampled_from([0.05, 0.1]))
    s.update(start_wd=start, end_wd=end, wd_incr_steps=n * b, wd_incr_style=wd)
    return {"increment": b, "scheduler": s}


@settings(max_examples=40, deadline=None)
@given(configs())
def test_export_of_read_is_the_identity(cfg: dict[str, object]) -> None:
    got = config(read(cfg), "megatron", 200, samples_per_step=cfg["increment"], check=False)  # type: ignore[arg-type]
    assert got == cfg


def test_a_run_of_ten_million_steps(parity_libs: None) -> None:
    check_long("megatron", MODULE, "warmup(linear, 2000) >> cosine(3e-4→3e-5)", 10_000_000, samples_per_step=512)


def test_the_importer_reads_an_exported_config(parity_libs: None) -> None:
    check_importer("megatron", MODULE, SET + "linear(0→0.1)", N, samples_per_step=8)


@pytest.mark.parametrize(("expr", "outcome"), exported(ROWS))
def test_lrdsl_import_reads_every_export(parity_libs: None, expr: str, outcome: str, tmp_path: Path) -> None:
    check_import("megatron", MODULE, expr, N, tmp_path, samples_per_step=B)
