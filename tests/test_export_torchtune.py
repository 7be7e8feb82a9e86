"""``lrdsl export torchtune``: the arguments of torchtune 0.6.1's one scheduler, ``get_cosine_schedule_with_warmup``
(a ``LambdaLR`` its recipes step after each optimizer step), that give exactly the expression, or a refusal; and
configs (the arguments, or a recipe's YAML blocks) read back."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lrdsl
from lrdsl.export import config, export
from lrdsl.export.torchtune import from_spec, read
from lrdsl.importers.verify import UncheckedImport
from tests.exporting import check_importer, check_long, check_row, close, real_values
from tests.frameworks import need

N = 1000
MODULE = "torchtune.training.lr_schedulers"
WARM_COSINE = "linear(0→1e-3, 100) >> cosine(1e-3→0, 900)"
ROWS = [
    (WARM_COSINE, "'num_warmup_steps': 100"),
    ("cosine(1e-3→0, 1000)", "'num_warmup_steps': 0"),
    ("warmup(linear, 10%) >> cosine(1e-3→0)", "'num_warmup_steps': 100"),
    ("linear(0→2e-5, 30) >> cosine(2e-5→0, 970)", "'lr': 2e-05"),
    ("linear(0→1e-3, 1) >> cosine(1e-3→0, 999)", "'num_warmup_steps': 1"),
    ("linear(0→1e-3, 100) >> const(1e-3)", "'num_cycles': 0.0"),
    ("3e-4", "'num_cycles': 0.0"),
    ("(cosine(1e-3→0, 250) >> cosine(0→1e-3, 250)) * repeat(2)", "'num_cycles': 2.0"),
    ("cosine(1e-3→0, 500) >> cosine(0→1e-3, 500)", "'num_cycles': 1.0"),
    (
        "linear(0→1e-3, 100) >> cosine(1e-3→0, 300) >> cosine(0→1e-3, 300) >> cosine(1e-3→0, 300)",
        "'num_cycles': 1.5",
    ),
    ("cosine(1e-3→0, 2000)", "'num_cycles': 0.25"),
    ("linear(1e-4→1e-3, 100) >> cosine(1e-3→0, 900)", "refused: its warm-up is lr·t/num_warmup_steps from 0"),
    ("onecycle(1e-3)", "refused: this one starts at 4e-05"),
    ("(linear(0→1e-3, 100) >> cosine(1e-3→0, 900)) * offset(5)", "refused: this one starts at 5e-05"),
    ("linear(0→1e-3, 100) >> cosine(1e-3→1e-4, 900)", "refused: ends at 0, with no floor"),
    ("linear(0→1e-3, 100) >> const(1e-3, 700) >> linear(1e-3→0, 200)", "refused: holds 0.001 from step 100"),
    ("step(1e-3, gamma=0.5, every=300)", "refused: which holds a value only when it is constant"),
    ("linear(0→1e-3, 100) >> cosine(1e-3→0, 400)", "refused: holds 0 from step 500"),
    ("exp(1e-3→1e-5, 1000)", "refused: departs at step"),
    ("linear(0→1e-3, 100) >> linear(1e-3→0, 900)", "refused: departs at step"),
    ("cosine(1e-3→0, 250) * repeat(4)", "refused: departs at step"),
    ("linear(0→1e-3, 100) >> cosine(1e-3→0) * restart(period=200, mult=2)", "refused: departs at step"),
    ("linear(0→1e-3, 100) >> rsqrt(1e-3, warmup=100) * offset(100)", "refused: departs at step"),
    ("poly(1e-3→0, 1000, power=2)", "refused: departs at step"),
]


@pytest.mark.parametrize(("expr", "outcome"), ROWS)
def test_row(expr: str, outcome: str) -> None:
    check_row("torchtune", MODULE, expr, outcome, N)


def test_every_refusal_names_the_adapter() -> None:
    with pytest.raises(lrdsl.LrdslError) as info:
        config("exp(1e-3→1e-5, 1000)", "torchtune", N)
    assert "lrdsl.torch.scheduler(optimizer, EXPR, total_steps=N)" in str(info.value.hint)


def test_formats() -> None:
    yaml = pytest.importorskip("yaml")
    expr = ROWS[9][0]
    cfg = config(expr, "torchtune", N)
    assert json.loads(export(expr, "torchtune", N)) == cfg
    block = yaml.safe_load(export(expr, "torchtune", N, fmt="yaml"))
    assert block["lr_scheduler"] == {
        "_component_": "torchtune.training.lr_schedulers.get_cosine_schedule_with_warmup",
        "num_warmup_steps": 100,
        "num_cycles": 1.5,
    }
    assert block["optimizer"]["lr"] == 0.001 and block["epochs"] * block["max_steps_per_epoch"] == N
    args = export(expr, "torchtune", N, fmt="args").split(" \\\n")
    assert "optimizer.lr=0.001" in args and "lr_scheduler.num_cycles=1.5" in args and "max_steps_per_epoch=1000" in args
    code = export(expr, "torchtune", N, fmt="python")
    assert "get_cosine_schedule_with_warmup(\n    optimizer,\n    num_warmup_steps=100," in code
    with pytest.raises(lrdsl.LrdslError, match="no 'toml' format"):
        export(expr, "torchtune", N, fmt="toml")


def test_the_exported_yaml_imports_back_to_the_same_values() -> None:
    for expr, outcome in ROWS:
        if not outcome.startswith("refused"):
            text = export(expr, "torchtune", N, fmt="yaml")
            close(
                lrdsl.evaluate(lrdsl.export.read("torchtune", text), total_steps=N), lrdsl.evaluate(expr, total_steps=N)
            )


@st.composite
def configs(draw: st.DrawFn) -> dict[str, object]:
    """torchtune arguments in the form export writes them (``num_cycles`` ½ left out: the default)."""
    cfg: dict[str, object] = {
        "lr": draw(st.sampled_from([1e-3, 3e-4, 2e-5, 0.1])),
        "num_warmup_steps": draw(st.integers(0, 60)),
        "num_training_steps": 200,
    }
    cycles = draw(st.sampled_from([0.5, 0.0, 0.25, 1.0, 1.5, 2.0, 3.0]))
    if cycles != 0.5:
        cfg["num_cycles"] = cycles
    return cfg


@settings(max_examples=40, deadline=None)
@given(configs())
def test_export_of_read_is_the_identity(cfg: dict[str, object]) -> None:
    assert config(read(cfg), "torchtune", 200, check=False) == cfg


def test_a_run_of_four_million_steps() -> None:
    check_long("torchtune", MODULE, "warmup(linear, 2000) >> cosine(3e-4→0)", 4_000_000)


def test_the_importer_reads_an_exported_config() -> None:
    check_importer("torchtune", MODULE, ROWS[9][0], N)


RECIPE = """
optimizer:
  _component_: torch.optim.AdamW
  fused: True
  weight_decay: 0.01
  lr: 2e-5
lr_scheduler:
  _component_: torchtune.training.lr_schedulers.get_cosine_schedule_with_warmup
  num_warmup_steps: 100
loss:
  _component_: torchtune.modules.loss.CEWithChunkedOutputLoss
epochs: 3
max_steps_per_epoch: null
gradient_accumulation_steps: 8  # Use to increase effective batch size
"""


def test_a_recipe_config_reads_as_the_recipe_builds_it(tmp_path: Path) -> None:
    """A recipe's YAML (``lr: 2e-5`` a number, as OmegaConf reads it); without ``max_steps_per_epoch`` the run is
    ``--steps``; with it, ``epochs · max_steps_per_epoch``."""
    need(MODULE)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UncheckedImport)
        text = lrdsl.from_torchtune(RECIPE, total_steps=600)
    assert lrdsl.parse(text) == lrdsl.parse("linear(0→2e-5, 100) >> cosine(2e-5→0, 500)")
    want = real_values("torchtune", {"lr": 2e-5, "num_warmup_steps": 100, "num_training_steps": 600}, 600)["lr"]
    close(lrdsl.evaluate(text, total_steps=600), want)
    path = tmp_path / "8B_full.yaml"
    path.write_text(RECIPE.replace("max_steps_per_epoch: null", "max_steps_per_epoch: 200"), encoding="utf-8")
    assert lrdsl.parse(lrdsl.from_torchtune(str(path))) == lrdsl.parse(text)
    assert lrdsl.export.read("torchtune", str(path)) == lrdsl.parse(text)


def test_a_recipe_without_a_scheduler_runs_at_the_optimizers_rate() -> None:
    assert str(read({"optimizer": {"lr": 3e-4}, "epochs": 1})) == "3e-4"


def test_the_command_imports_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from lrdsl.cli import main

    assert main(["export", "torchtune", WARM_COSINE, "--format", "yaml"]) == 0
    path = tmp_path / "tune.yaml"
    path.write_text(capsys.readouterr().out, encoding="utf-8")
    assert main(["import", "torchtune", str(path)]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == WARM_COSINE


@pytest.mark.parametrize(
    ("cfg", "message"),
    [
        ({"lr": 1e-3, "num_warmup_steps": 10, "num_training_steps": 100, "x": 1}, "unknown key(s) ['x']"),
        ({"lr": 1e-3, "num_training_steps": 100}, "num_warmup_steps must be a finite number, got None"),
        ({"lr": "fast", "num_warmup_steps": 1, "num_training_steps": 100}, "lr must be a finite number"),
        ({"lr": 1e-3, "num_warmup_steps": 100, "num_training_steps": 100}, "leaves no steps for the cosine"),
        ({"optimizer": {"lr": 1e-3}, "lr_scheduler": {"_component_": "torch.optim.lr_scheduler.StepLR"}}, "one scheduler"),
        (
            {"optimizer": {"lr": 1e-3}, "lr_scheduler": {"num_warmup_steps": 1, "num_training_steps": 9}},
            "the recipe passes num_training_steps and last_epoch itself",
        ),
        ({"optimizer": {"weight_decay": 0.1}}, "the optimizer block gives no lr"),
        ({"optimizer": {"lr": 1e-3}, "lr_scheduler": {"_component_": "torchtune.training.get_cosine_schedule_with_warmup", "num_warmup_steps": 1}}, "gives no max_steps_per_epoch"),
        ({"optimizer": [1e-3]}, "optimizer must be a mapping"),
        ({"optimizer": {"lr": 1e-3}, "epochs": 10**9, "max_steps_per_epoch": 10**9, "lr_scheduler": {"_component_": "torchtune.training.get_cosine_schedule_with_warmup", "num_warmup_steps": 1}}, "lrdsl counts at most"),
        ("- 1\n- 2\n", "a config is a mapping of keys, not list"),
        ("a: [1\n", "not YAML"),
    ],
)  # fmt: skip
def test_bad_configs_are_lrdsl_errors(cfg: object, message: str) -> None:
    with pytest.raises(lrdsl.LrdslError) as info:
        read(cfg)  # type: ignore[arg-type]
    assert message in str(info.value)


def test_a_call_is_refused() -> None:
    with pytest.raises(lrdsl.LrdslError, match="is configured, not called"):
        from_spec("get_cosine_schedule_with_warmup", [], {}, total_steps=None, steps_per_epoch=None)


def test_values_past_the_cosine_are_torchtunes() -> None:
    """``num_cycles`` 2 over a warm-up: torchtune's own values at every step of the run, read back."""
    need(MODULE)
    cfg = {"lr": 1e-3, "num_warmup_steps": 10, "num_training_steps": 110, "num_cycles": 2.0}
    close(lrdsl.evaluate(read(cfg), total_steps=110), real_values("torchtune", cfg, 110)["lr"])
    assert np.isclose(real_values("torchtune", cfg, 110)["lr"][35], 0.0, atol=1e-18)


def test_the_python_format_runs_in_torchtune() -> None:
    """The ``python`` format is code a recipe can paste: run with a real optimizer, it gives the expression."""
    need(MODULE)
    import torch

    expr = ROWS[9][0]
    code = export(expr, "torchtune", N, fmt="python")
    opt = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=1e-3)
    scope: dict[str, object] = {"optimizer": opt}
    exec(compile(code, "<exported>", "exec"), scope)
    lam = scope["scheduler"].lr_lambdas[0]  # type: ignore[attr-defined]
    close(np.array([1e-3 * lam(t) for t in range(N)]), lrdsl.evaluate(expr, total_steps=N))
