"""``lrdsl export timm``: ``create_scheduler_v2`` arguments, stepped on updates, that give exactly the expression in
timm's own ``timm/scheduler`` (the pinned wheel's files, run as ``tests/parity/wheels.py`` runs them: ``import timm``
needs torchvision), stepped as its ``train.py`` steps them; or a refusal; and the arguments read back."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lrdsl
from lrdsl.export import config, export, read
from lrdsl.export.timm import stepped
from lrdsl.importers.verify import UncheckedImport
from tests.exporting import check_import, close, exported
from tests.parity.wheels import modules
from tests.test_export_composer import check_unimported

N = 1000
ROWS = [
    ("1e-3", "'sched': 'constant'"),
    ("linear(1e-5→1e-3, 100) >> cosine(1e-3→1e-5, 900)", "'sched': 'cosine'"),
    ("linear(0→1e-3, 100) >> cosine(1e-3→0, 900)", "'warmup_lr': 0.0"),
    ("cosine(1e-3→1e-5, 1000)", "'num_epochs': 1000"),
    ("cosine(1e-3→1e-5, 600) >> const(1e-5)", "'num_epochs': 600"),
    ("warmup(linear, 5%) >> cosine(1e-3→0)", "'warmup_epochs': 50"),
    ("poly(1e-3→0, 1000, power=2)", "'sched': 'poly'"),
    ("linear(1e-5→1e-3, 100) >> poly(1e-3→1e-5, 900, power=0.5)", "'decay_rate': 0.5"),
    ("step(1e-3, gamma=0.5, every=300)", "'sched': 'step'"),
    ("linear(1e-5→1e-3, 100) >> step(1e-3, gamma=0.5, every=300)", "'decay_epochs': 300"),
    ("linear(1e-5→1e-3, 100) >> const(1e-3)", "'warmup_prefix': True"),
    ("linear(1e-5→1e-3, 100) >> const(1e-3, 400) >> cosine(1e-3→0, 500)", "refused: a held peak departs"),
    ("linear(1e-3→0, 1000)", "'decay_rate': 1.0"),
    ("exp(1e-3→1e-5, 1000)", "refused: departs at step"),
    ("exp_decay(1e-3, rate=0.99)", "'decay_epochs': 1"),
    ("cosine(1e-3→0, 250) * repeat(4)", "refused: departs at step"),
    ("sqrt(1e-3→0, 1000)", "refused: departs at step"),
    ("multistep(1e-3, gamma=0.1, at=[300, 600])", "refused: departs at step"),
    ("onecycle(1e-3)", "refused: departs at step"),
    ("cosine(1e-3→0, 1000) * offset(5)", "refused: departs at step"),
    ("linear(1e-5→1e-3, 100) >> cosine(1e-3→0, 400) >> linear(0→1e-4, 500)", "refused: departs at step"),
]


def timm_values(cfg: dict[str, Any], n: int) -> np.ndarray:
    return stepped(modules(["timm"], ["timm.scheduler"])["timm.scheduler"], cfg, list(range(n)))


@pytest.mark.parametrize(("expr", "outcome"), ROWS)
def test_row(expr: str, outcome: str) -> None:
    check_unimported("timm", expr, outcome, N, timm_values)


def test_python_is_the_call() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UncheckedImport)
        code = export(ROWS[1][0], "timm", N, fmt="python")
    assert 'scheduler, _ = create_scheduler_v2(\n    optimizer=optimizer,\n    sched="cosine",' in code


@st.composite
def configs(draw: st.DrawFn) -> dict[str, object]:
    """Arguments in the form export writes them (a run of 200 updates)."""
    w = draw(st.integers(0, 40))
    d = 200 - w
    low = draw(st.sampled_from([0.0, 1e-5]))
    item = draw(
        st.sampled_from(
            [
                {"sched": "cosine", "num_epochs": d, "min_lr": low},
                {"sched": "poly", "num_epochs": d, "min_lr": low, "decay_rate": 2.0},
                {"sched": "step", "num_epochs": d, "decay_epochs": 30, "decay_rate": 0.5},
            ]
        )
    )
    warm = {"warmup_epochs": w, "warmup_lr": draw(st.sampled_from([0.0, 1e-5])), "warmup_prefix": True} if w else {}
    return {"lr": 1e-3, "create_scheduler_v2": {**item, "step_on_epochs": False, "updates_per_epoch": 1, **warm}}


@settings(max_examples=30, deadline=None)
@given(configs())
def test_export_of_read_is_the_identity(cfg: dict[str, object]) -> None:
    from lrdsl.export.timm import read as read_text

    assert config(read_text(cfg), "timm", 200, check=False) == cfg


def test_arguments_stepped_on_epochs_are_refused() -> None:
    with pytest.raises(lrdsl.LrdslError, match="only schedules stepped on updates"):
        read("timm", {"lr": 0.1, "create_scheduler_v2": {"sched": "cosine", "num_epochs": 10}})


@pytest.mark.parametrize(("expr", "outcome"), exported(ROWS))
def test_lrdsl_import_reads_every_export(expr: str, outcome: str, tmp_path: Path) -> None:
    check_import("timm", "torch", expr, N, tmp_path)


def test_a_run_of_ten_million_updates_is_checked_by_its_closed_form() -> None:
    """timm's ``step_update(num_updates=t)`` computes update ``t``'s rate from ``t`` alone, so a long run is checked
    at its checked steps (each boundary ±2, the first and last 1,000, 4,000 spread), not stepped."""
    from lrdsl.importers.common import check_points

    n, expr = 10_000_000, "linear(1e-5→1e-3, 2000) >> cosine(1e-3→1e-5)"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UncheckedImport)  # timm is checked below, from the pinned wheel
        cfg = config(expr, "timm", n)
    steps = check_points(n, [1999, 2000, 2001])
    got = stepped(modules(["timm"], ["timm.scheduler"])["timm.scheduler"], cfg, steps)
    close(got, lrdsl.evaluate(expr, total_steps=n, steps=steps))
