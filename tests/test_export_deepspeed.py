"""``lrdsl export deepspeed``: the config's optimizer and scheduler blocks that give exactly the expression in
DeepSpeed's own ``lr_schedules`` (stepped after each update, as its engine steps it), or a refusal with its reason;
and the config read back."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrdsl.export import config
from lrdsl.export.deepspeed import read
from tests.exporting import check_importer, check_long, check_row, parity_libs

__all__ = ["parity_libs"]
N = 1000
MODULE = "deepspeed.runtime.lr_schedules"
ROWS = [
    ("1e-3", "'lr': 0.001}}}"),
    ("const(1e-5, 1) >> linear(1e-5→1e-3, 100) >> const(1e-3)", "WarmupLR"),
    ("const(0, 1) >> linear(0→1e-3, 100) >> const(1e-3)", "WarmupLR"),
    ("const(0, 1) >> log(0→1e-3, 100, inclusive=true) >> const(1e-3)", "'warmup_type': 'log'"),
    ("const(1e-5, 1) >> linear(1e-5→1e-3, 100) >> linear(1e-3→1e-5, 899) >> const(1e-5)", "WarmupDecayLR"),
    ("const(0, 1) >> linear(0→3e-4, 50) >> linear(3e-4→0, 950)", "'total_num_steps': 1000"),
    ("const(1e-5, 1) >> log(1e-5→1e-3, 100, inclusive=true) >> linear(1e-3→1e-5, 800) >> const(1e-5)", "WarmupDecayLR"),
    ("const(0, 1) >> linear(1e-4→1e-3, 100) >> cosine(1e-3→1e-5, 800) * offset(1) >> const(1e-5)", "WarmupCosineLR"),
    ("const(0, 1) >> linear(0→1e-3, 100) >> cosine(1e-3→1e-6, 900) * offset(1)", "'cos_min_ratio': 0.001"),
    ("linear(1e-4→1e-3, 300) >> linear(1e-3→1e-4, 300) >> const(1e-4)", "OneCycle"),
    ("linear(1e-4→1e-3, 200) >> linear(1e-3→1e-4, 600) >> inverse_time(1e-4, decay=0.01, every=1)", "decay_lr_rate"),
    ("linear(0→1e-3, 100) >> cosine(1e-3→0, 900)", "refused: departs at step"),
    ("linear(1e-4→1e-3, 100) >> cosine(1e-3→0, 900)", "refused: hold their first value for two steps"),
    ("cosine(1e-3→0, 1000)", "refused: starts at its peak"),
    ("exp(1e-3→1e-5, 1000)", "refused: starts at its peak"),
    ("step(1e-3, gamma=0.5, every=300)", "refused: starts at its peak"),
    ("const(0, 1) >> linear(1e-4→1e-3, 100) >> cosine(1e-3→1e-5, 800) >> const(1e-5)", "refused: departs at step"),
    ("linear(1e-4→1e-3, 300) >> linear(1e-3→1e-5, 300) >> const(1e-5)", "refused: departs at step"),
    ("cosine(1e-3→0, 250) * repeat(4)", "refused: starts at its peak"),
    ("const(1e-5, 1) >> linear(1e-5→1e-3, 100) >> sqrt(1e-3→0, 899)", "refused: departs at step"),
    ("poly(1e-3→0, 1000, power=2)", "refused: starts at its peak"),
    ("linear(0→1e-3, 100) >> const(1e-3) * offset(3)", "WarmupCosineLR"),  # 0, then lr·t/101 with r = 1/101
    ("(const(1e-5, 1) >> linear(1e-5→1e-3, 100) >> const(1e-3)) * offset(1)", "refused: hold their first value"),
]


@pytest.mark.parametrize(("expr", "outcome"), ROWS)
def test_row(parity_libs: None, expr: str, outcome: str) -> None:
    check_row("deepspeed", MODULE, expr, outcome, N)


@st.composite
def configs(draw: st.DrawFn) -> dict[str, object]:
    """DeepSpeed configs in the form export writes them."""
    kind = draw(st.sampled_from(["WarmupLR", "WarmupDecayLR", "WarmupCosineLR", "OneCycle"]))
    lr = draw(st.sampled_from([1e-3, 3e-4, 0.1]))
    w = draw(st.integers(2, 40))
    params: dict[str, object]
    if kind == "OneCycle":
        first, second = draw(st.integers(1, 80)), draw(st.integers(1, 80))
        low = draw(st.sampled_from([1e-5, 1e-4]))
        params = {"cycle_min_lr": low, "cycle_max_lr": lr, "cycle_first_step_size": first}
        params.update(cycle_second_step_size=second, cycle_momentum=False)
    elif kind == "WarmupCosineLR":
        params = {
            "total_num_steps": w + draw(st.integers(3, 150)),
            "warmup_min_ratio": draw(st.sampled_from([0.0, 0.1])),
        }
        params.update(
            warmup_num_steps=w, cos_min_ratio=draw(st.sampled_from([0.01, 0.1, 0.0001])), warmup_type="linear"
        )
    else:
        warm = {"warmup_min_lr": draw(st.sampled_from([0.0, 1e-5])), "warmup_max_lr": lr, "warmup_num_steps": w}
        warm["warmup_type"] = draw(st.sampled_from(["linear", "log"]))
        params = {"total_num_steps": w + draw(st.integers(2, 150)), **warm} if kind == "WarmupDecayLR" else warm
    return {"optimizer": {"params": {"lr": lr}}, "scheduler": {"type": kind, "params": params}}


@settings(max_examples=40, deadline=None)
@given(configs())
def test_export_of_read_is_the_identity(cfg: dict[str, object]) -> None:
    assert config(read(cfg), "deepspeed", 200, check=False) == cfg


def test_a_run_of_four_million_steps(parity_libs: None) -> None:
    check_long("deepspeed", MODULE, "const(0, 1) >> linear(0→1e-3, 2000) >> cosine(1e-3→1e-5) * offset(1)", 4_000_000)


def test_the_importer_reads_an_exported_config(parity_libs: None) -> None:
    check_importer(
        "deepspeed",
        MODULE,
        "const(0, 1) >> linear(1e-4→1e-3, 100) >> cosine(1e-3→1e-5, 800) * offset(1) >> const(1e-5)",
        N,
    )
