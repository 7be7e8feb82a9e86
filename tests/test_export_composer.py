"""``lrdsl export composer``: a Composer scheduler with time strings in batches that gives exactly the expression in
Composer's own ``composer/optim/scheduler.py`` (the pinned wheel's file, run as ``tests/parity/wheels.py`` runs it:
``import composer`` needs torchvision), compiled to its ``LambdaLR`` and stepped after each batch; or a refusal."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lrdsl
from lrdsl.export import config, read
from lrdsl.export.composer import stepped
from lrdsl.importers.verify import UncheckedImport
from tests.exporting import check_import, close, exported
from tests.parity.test_composer import _composer

N = 1000
ROWS = [
    ("1e-3", "ConstantScheduler"),
    ("cosine(1e-3→0, 1000)", "CosineAnnealingScheduler"),
    ("cosine(1e-3→1e-5, 600) >> const(1e-5)", "'t_max': '600ba'"),
    ("linear(1e-3→1e-4, 500) >> const(1e-4)", "LinearScheduler"),
    ("linear(1e-3→0, 1000)", "'alpha_f': 0.0"),
    ("poly(1e-3→0, 1000, power=2)", "PolynomialScheduler"),
    ("poly(1e-3→1e-5, 800, power=0.5) >> const(1e-5)", "'power': 0.5"),
    ("exp_decay(1e-3, rate=0.99)", "ExponentialScheduler"),
    ("step(1e-3, gamma=0.5, every=300)", "StepScheduler"),
    ("linear(0→1e-3, 100) >> cosine(1e-3→1e-5, 900)", "CosineAnnealingWithWarmupScheduler"),
    ("warmup(linear, 5%) >> cosine(1e-3→0)", "'t_warmup': '50ba'"),
    ("linear(0→1e-3, 100) >> const(1e-3)", "ConstantWithWarmupScheduler"),
    ("linear(0→1e-3, 100) >> linear(1e-3→1e-5, 900)", "LinearWithWarmupScheduler"),
    ("linear(0→1e-3, 100) >> poly(1e-3→1e-5, 900, power=1.5)", "PolynomialWithWarmupScheduler"),
    ("linear(1e-5→1e-3, 100) >> cosine(1e-3→0, 900)", "refused: rise from 0"),
    ("linear(0→1e-3, 100) >> cosine(1e-3→0, 500) >> const(0)", "refused: decay cannot end before the run"),
    ("linear(0→1e-3, 100) >> const(1e-3, 400) >> linear(1e-3→0, 500)", "refused: departs at step"),
    ("cosine(1e-3→0, 250) * repeat(4)", "refused: departs at step"),
    ("exp(1e-3→1e-5, 1000)", "ExponentialScheduler"),
    ("sqrt(1e-3→0, 1000)", "refused: departs at step"),
    ("multistep(1e-3, gamma=0.1, at=[300, 600])", "refused: departs at step"),
    ("onecycle(1e-3)", "refused: rise from 0"),
    ("cosine(1e-3→0, 1000) * offset(5)", "refused: departs at step"),
]


def composer_values(cfg: dict[str, Any], n: int) -> np.ndarray:
    schedulers, time = _composer()
    return stepped(schedulers, time, cfg, list(range(n)))


def check_unimported(name: str, expr: str, outcome: str, n: int, real: Callable[[dict[str, Any], int], Any]) -> None:
    """A row of a framework that does not import here (its wheel's files do): ``outcome`` is in the config, whose
    values in ``real`` (the framework's own code) and read back are the expression's; or a refusal's reason."""
    if outcome.startswith("refused: "):
        with pytest.raises(lrdsl.LrdslError) as info:
            config(expr, name, n)
        assert outcome.removeprefix("refused: ") in str(info.value)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UncheckedImport)  # the library check is the one below
        cfg = config(expr, name, n)
    assert outcome in repr(cfg)
    want = lrdsl.evaluate(expr, total_steps=n)
    close(real(cfg, n), want)
    close(lrdsl.evaluate(read(name, cfg), total_steps=n), want)  # import ∘ export


@pytest.mark.parametrize(("expr", "outcome"), ROWS)
def test_row(expr: str, outcome: str) -> None:
    check_unimported("composer", expr, outcome, N, composer_values)


@st.composite
def configs(draw: st.DrawFn) -> dict[str, object]:
    """Composer configs in the form export writes them (a run of 200 batches)."""
    n, lr = 200, draw(st.sampled_from([1e-3, 3e-4, 0.1]))
    alpha = draw(st.sampled_from([0.0, 0.01, 0.1]))
    w, t = draw(st.integers(1, 60)), draw(st.integers(60, 200))
    item = draw(
        st.sampled_from(
            [
                {"type": "CosineAnnealingScheduler", "alpha_f": alpha, "t_max": f"{t}ba"},
                {"type": "LinearScheduler", "alpha_i": 1.0, "alpha_f": alpha, "t_max": f"{t}ba"},
                {"type": "PolynomialScheduler", "power": 2.0, "alpha_f": alpha, "t_max": f"{t}ba"},
                {"type": "ExponentialScheduler", "gamma": 0.99, "decay_period": "1ba"},
                {"type": "StepScheduler", "step_size": f"{w + 1}ba", "gamma": 0.5},
                {"type": "ConstantWithWarmupScheduler", "t_warmup": f"{w}ba", "alpha": 1.0, "t_max": f"{n}ba"},
                {
                    "type": "CosineAnnealingWithWarmupScheduler",
                    "t_warmup": f"{w}ba",
                    "alpha_f": alpha,
                    "t_max": f"{n}ba",
                },
                {"type": "LinearWithWarmupScheduler", "t_warmup": f"{w}ba", "alpha_i": 1.0, "alpha_f": alpha}
                | {"t_max": f"{n}ba"},
            ]
        )
    )
    return {"lr": lr, "max_duration": f"{n}ba", "scheduler": item}


@settings(max_examples=40, deadline=None)
@given(configs())
def test_export_of_read_is_the_identity(cfg: dict[str, object]) -> None:
    from lrdsl.export.composer import read as read_text

    assert config(read_text(cfg), "composer", 200, check=False) == cfg


def test_time_strings_of_the_run_are_read_as_composer_converts_them() -> None:
    cfg = {"lr": 0.1, "max_duration": "1000ba", "scheduler": {"type": "CosineAnnealingWithWarmupScheduler"}}
    cfg["scheduler"] |= {"t_warmup": "0.15dur", "alpha_f": 0.01}  # type: ignore[operator]
    close(lrdsl.evaluate(read("composer", cfg), total_steps=1000), composer_values(cfg, 1000))


@pytest.mark.parametrize(
    ("cfg", "message"),
    [
        ({"lr": 0.1, "max_duration": "3ep", "scheduler": {"type": "LinearScheduler"}}, "number of batches"),
        ({"lr": 0.1, "max_duration": "9ba", "scheduler": {"type": "Nope"}}, "type is one of"),
        ({"lr": 0.1, "max_duration": "9ba", "scheduler": {"type": "StepScheduler", "step_size": "2ep"}}, "in batches"),
        ({"lr": 0.1, "max_duration": "9ba", "scheduler": {"type": "StepScheduler", "x": 1}}, "unknown argument"),
        (
            {"lr": 0.1, "max_duration": "9ba", "scheduler": {"type": "LinearWithWarmupScheduler", "t_max": "5ba"}},
            "must be ≥ max_duration",
        ),
    ],
)
def test_bad_configs_are_refused(cfg: dict[str, object], message: str) -> None:
    with pytest.raises(lrdsl.LrdslError, match=message):
        read("composer", cfg)


@pytest.mark.parametrize(("expr", "outcome"), exported(ROWS))
def test_lrdsl_import_reads_every_export(expr: str, outcome: str, tmp_path: Path) -> None:
    check_import("composer", "torch", expr, N, tmp_path)
