"""``lrdsl export mmengine``: an iteration-based ``param_scheduler`` list that gives exactly the expression when
mmengine's own schedulers are stepped after each iteration (as its ``ParamSchedulerHook`` does), or a refusal; and the
list read back."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lrdsl
from lrdsl.export import config, export
from lrdsl.export.mmengine import read
from tests.exporting import check_import, check_row, exported
from tests.frameworks import need

N = 1000
MODULE = "mmengine.optim.scheduler"
ROWS = [
    ("1e-3", "'param_scheduler': []"),
    ("linear(1e-5→1e-3, 100) >> cosine(1e-3→1e-5, 900)", "CosineAnnealingLR"),
    ("linear(1e-5→1e-3, 100) >> cosine(1e-3→0, 900)", "'begin': 100"),
    ("cosine(1e-3→1e-5, 1000)", "'T_max': 1000"),
    ("cosine(1e-3→1e-5, 600) >> const(1e-5)", "'T_max': 600"),
    ("linear(1e-3→1e-4, 500) >> const(1e-4)", "'end_factor': 0.1"),
    ("linear(1e-5→1e-3, 100) >> linear(1e-3→0, 900)", "'end_factor': 0.0"),
    ("poly(1e-3→0, 1000, power=2)", "PolyLR"),
    ("linear(1e-5→1e-3, 100) >> const(1e-3, 200) >> poly(1e-3→1e-5, 700, power=1.5)", "'begin': 300"),
    ("exp_decay(1e-3, rate=0.99)", "ExponentialLR"),
    ("linear(1e-4→1e-3, 50) >> exp_decay(1e-3, rate=0.995)", "'gamma': 0.995"),
    ("linear(1e-5→1e-3, 100) >> const(1e-3)", "'end': 101"),
    ("warmup(linear, 10%, from=1e-5) >> cosine(1e-3→1e-5)", "CosineAnnealingLR"),
    ("linear(1e-5→1e-3, 100) >> const(1e-3, 400) >> linear(1e-3→1e-5, 500)", "'begin': 500"),
    ("linear(0→1e-3, 100) >> cosine(1e-3→0, 900)", "refused: a warm-up from 0"),
    ("exp(1e-3→1e-5, 1000)", "refused: departs at step"),
    ("step(1e-3, gamma=0.5, every=300)", "refused: departs at step"),
    ("cosine(1e-3→0, 250) * repeat(4)", "refused: departs at step"),
    ("sqrt(1e-3→0, 1000)", "refused: departs at step"),
    ("onecycle(1e-3)", "refused: departs at step"),
    ("cosine(1e-3→0, 1000) * offset(5)", "refused: departs at step"),
    ("linear(1e-5→1e-3, 100) >> cosine(1e-3→0, 400) >> linear(0→1e-4, 500)", "refused: departs at step"),
]


@pytest.mark.parametrize(("expr", "outcome"), ROWS)
def test_row(expr: str, outcome: str) -> None:
    check_row("mmengine", MODULE, expr, outcome, N)


def test_python_is_the_config_file() -> None:
    code = export(ROWS[1][0], "mmengine", N, fmt="python")
    assert 'param_scheduler = [\n    dict(type="LinearLR", start_factor=0.01, end_factor=1.0, begin=0, end=101' in code
    namespace: dict[str, object] = {}
    exec(code, namespace)  # the rendered config is plain Python literals
    assert namespace["train_cfg"] == {"by_epoch": False, "max_iters": N}


@st.composite
def configs(draw: st.DrawFn) -> dict[str, object]:
    """Configs in the form export writes them: a warm-up, a held peak, a decay to its floor."""
    n, w, hold = 200, draw(st.integers(0, 40)), draw(st.integers(0, 30))
    lr, low = draw(st.sampled_from([1e-3, 3e-4])), draw(st.sampled_from([0.0, 1e-5]))
    at = w + hold
    window = {"begin": at, "end": n + 1, "by_epoch": False}
    decay = draw(
        st.sampled_from(
            [
                {"type": "CosineAnnealingLR", "T_max": n - at, "eta_min": low, **window},
                {"type": "LinearLR", "start_factor": 1.0, "end_factor": tidy_ratio(low, lr), **window},
                {"type": "PolyLR", "eta_min": low, "power": 2.0, **window},
            ]
        )
    )
    warm = {"type": "LinearLR", "start_factor": draw(st.sampled_from([0.01, 0.1])), "end_factor": 1.0}
    warm.update(begin=0, end=w + 1, by_epoch=False)
    items = [warm, decay] if w else [decay]
    return {
        "optim_wrapper": {"optimizer": {"lr": lr}},
        "train_cfg": {"by_epoch": False, "max_iters": n},
        "param_scheduler": items,
    }


def tidy_ratio(low: float, lr: float) -> float:
    from lrdsl.export.core import tidy

    return tidy(low / lr)


@settings(max_examples=30, deadline=None)
@given(configs())
def test_export_of_read_is_the_identity(cfg: dict[str, object]) -> None:
    assert config(read(cfg), "mmengine", 200, check=False) == cfg


@pytest.mark.parametrize(
    ("cfg", "message"),
    [
        ({"optim_wrapper": {"optimizer": {"lr": 0.1}}, "train_cfg": {"max_iters": 9}, "param_scheduler": 3}, "list"),
        (
            {"optim_wrapper": {"optimizer": {"lr": 0.1}}, "train_cfg": {"max_iters": 9}, "param_scheduler": [{}]},
            "iteration-based",
        ),
        ({"optim_wrapper": {"optimizer": {}}, "train_cfg": {"max_iters": 9}}, "lr must be a finite number"),
    ],
)
def test_bad_configs_are_refused(cfg: dict[str, object], message: str) -> None:
    with pytest.raises(lrdsl.LrdslError, match=message):
        lrdsl.export.read("mmengine", cfg)


@pytest.mark.parametrize(("expr", "outcome"), exported(ROWS))
def test_lrdsl_import_reads_every_export(expr: str, outcome: str, tmp_path: Path) -> None:
    check_import("mmengine", MODULE, expr, N, tmp_path)


def test_a_run_longer_than_what_is_stepped_is_refused() -> None:
    """mmengine's schedulers are chainable (each reads the rate the others left): checked by stepping, at most
    2,000,000 steps."""
    need(MODULE)
    with pytest.raises(lrdsl.LrdslError, match=r"mmengine's param_scheduler: a check of this config steps its "):
        config("linear(1e-5→1e-3, 2000) >> cosine(1e-3→0)", "mmengine", 2_000_001)
