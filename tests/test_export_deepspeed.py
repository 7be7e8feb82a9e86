"""``lrdsl export deepspeed``: the config's optimizer and scheduler blocks that give exactly the expression in
DeepSpeed's own ``lr_schedules`` (stepped after each update, as its engine steps it), or a refusal with its reason;
and the config read back."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrdsl.export import config
from lrdsl.export.deepspeed import read
from tests.exporting import check_import, check_importer, check_long, check_row, exported, parity_libs

__all__ = ["parity_libs"]
N = 1000
MODULE = "deepspeed.runtime.lr_schedules"
ONECYCLE = "linear(1e-4→1e-3, 200) >> linear(1e-3→1e-4, 400) >> const(1e-4)"
MOMENTUM = "const(0.85, 1) >> linear(0.9495→0.85, 199) >> linear(0.85→0.95, 400) >> const(0.95)"
"""OneCycle's betas[0] (cycle_momentum, DeepSpeed's default): cycle_min_mom at step 0, then against the rate."""
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
    (f"lr: {ONECYCLE}\nbetas[0]: {MOMENTUM}\nbetas[1]: 0.99", "'cycle_momentum': True, 'cycle_min_mom': 0.85"),
    (f"lr: {ONECYCLE}\nbetas[0]: {MOMENTUM}\nbetas[1]: 0.999", "refused: sets betas[1] to 0.99"),
    (
        f"lr: {ONECYCLE}\nbetas[0]: linear(0.95→0.85, 200) >> linear(0.85→0.95, 400)",
        "refused: betas[0] is cycle_min_mom at step 0",
    ),
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
        params.update(cycle_second_step_size=second, cycle_momentum=draw(st.booleans()))
        if params["cycle_momentum"]:
            params.update(cycle_min_mom=draw(st.sampled_from([0.8, 0.85])), cycle_max_mom=0.95)
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


def test_a_run_of_ten_million_steps(parity_libs: None) -> None:
    check_long("deepspeed", MODULE, "const(0, 1) >> linear(0→1e-3, 2000) >> cosine(1e-3→1e-5) * offset(1)", 10_000_000)


def test_onecycle_cycles_betas_by_default(parity_libs: None) -> None:
    """A OneCycle block without cycle_momentum cycles betas[0] (and sets betas[1] to 0.99): read as set members."""
    from lrdsl.export import read as read_config

    params = {"cycle_min_lr": 1e-4, "cycle_max_lr": 1e-3, "cycle_first_step_size": 200, "cycle_second_step_size": 400}
    cfg = {"optimizer": {"params": {"lr": 1e-3}}, "scheduler": {"type": "OneCycle", "params": params}}
    back = read_config("deepspeed", cfg)
    assert back.names == ("lr", "betas[0]", "betas[1]")
    check_row("deepspeed", MODULE, str(back), "'cycle_min_mom': 0.8, 'cycle_max_mom': 0.9", N)
    with pytest.raises(Exception, match="decay_mom_rate is not read yet"):
        read({**cfg, "scheduler": {"type": "OneCycle", "params": {**params, "decay_mom_rate": 0.1}}})


def test_the_importer_reads_an_exported_config(parity_libs: None) -> None:
    check_importer(
        "deepspeed",
        MODULE,
        "const(0, 1) >> linear(1e-4→1e-3, 100) >> cosine(1e-3→1e-5, 800) * offset(1) >> const(1e-5)",
        N,
    )


@pytest.mark.parametrize(("expr", "outcome"), exported(ROWS))
def test_lrdsl_import_reads_every_export(parity_libs: None, expr: str, outcome: str, tmp_path: Path) -> None:
    check_import("deepspeed", MODULE, expr, N, tmp_path)
