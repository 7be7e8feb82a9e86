"""``lrdsl.export`` and the ``export`` command: formats, reading configs back, and the errors of bad input."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
import tomllib

import lrdsl
from lrdsl.export import config, export, read
from lrdsl.export.command import add_arguments, run
from tests.frameworks import need

COSINE = "linear(0→1e-3, 100) >> cosine(1e-3→1e-4, 900)"


@pytest.fixture(autouse=True)
def _transformers() -> None:
    need("transformers")


@pytest.mark.parametrize("fmt", ["json", "yaml", "toml"])
def test_structured_formats_read_back_as_the_config(fmt: str) -> None:
    yaml = pytest.importorskip("yaml")
    text = export(COSINE, "hf", fmt=fmt)
    loads = {"json": json.loads, "yaml": yaml.safe_load, "toml": tomllib.loads}[fmt]
    assert loads(text) == config(COSINE, "hf")


def test_args_and_python_formats() -> None:
    args = export(COSINE, "hf", fmt="args")
    assert "--lr_scheduler_type cosine_with_min_lr" in args and "'{\"min_lr_rate\": 0.1}'" in args
    code = export(COSINE, "hf", fmt="python")
    assert code.startswith("TrainingArguments(") and "max_steps=1000," in code


def test_the_package_is_callable_and_reads_back() -> None:
    assert lrdsl.export(COSINE, "hf") == export(COSINE, "hf")
    assert lrdsl.export.read("hf", config(COSINE, "hf")) == lrdsl.parse(
        "linear(0→0.001, 100) >> cosine(0.001→0.0001, 900)"
    )


def test_read_takes_json_text_and_files(tmp_path: Path) -> None:
    cfg = config(COSINE, "hf")
    (tmp_path / "args.json").write_text(json.dumps(cfg))
    assert read("hf", json.dumps(cfg)) == read("hf", str(tmp_path / "args.json")) == read("hf", cfg)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: export(COSINE, "nemo"), "lrdsl export knows no framework 'nemo'"),
        (lambda: export(COSINE, "deepspeed", fmt="args"), "no 'args' format"),
        (lambda: export("cosin(1→0, 10)", "hf"), "unknown shape 'cosin'"),
        (lambda: export("linear(1→-1, 10)", "hf"), "goes below 0"),
        (lambda: export("cosine(1→0)", "hf"), "flexible phase and no total"),
        (lambda: export("cosine(1→0)", "hf", total_steps=5_000_000), "runs up to 4,000,000"),
        (lambda: export("weight_decay: 0.1", "hf", total_steps=10), "no lr member"),
        (lambda: read("hf", "[1, 2]"), "a config is a mapping"),
        (lambda: read("hf", "{nope"), "the config is not JSON"),
        (
            lambda: read("hf", {"lr_scheduler_type": "reduce_lr_on_plateau", "max_steps": 10}),
            "not a schedule of the step",
        ),
        (lambda: read("hf", {"learning_rate": 1e-3, "max_steps": 10, "scheduler": 1}), "unknown TrainingArguments key"),
        (lambda: read("deepspeed", {"scheduler": {"type": "LRRangeTest"}}), "needs a scheduler block of type"),
        (lambda: read("deepspeed", {"scheduler": {"type": "WarmupLR", "params": {"x": 1}}}), "unknown params"),
        (lambda: read("megatron", {"scheduler": {"max_lr": 1, "min_lr": 2, "init_lr": 0}}), "asserts 0 ≤ min_lr"),
        (lambda: read("torchtitan", {"lr_scheduler": {"decay_type": "exp"}}), "decay_type one of"),
    ],
)
def test_bad_input_is_an_lrdsl_error(call: object, message: str) -> None:
    with pytest.raises(lrdsl.LrdslError) as info:
        call()  # type: ignore[operator]
    assert message in str(info.value)


def test_the_command(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    parser = argparse.ArgumentParser(prog="lrdsl export")
    add_arguments(parser)
    (tmp_path / "e.lr").write_text(COSINE)
    assert run(parser.parse_args(["hf", f"@{tmp_path / 'e.lr'}", "--steps", "1000"])) == 0
    assert json.loads(capsys.readouterr().out) == config(COSINE, "hf", 1000)
    with pytest.raises(SystemExit):
        parser.parse_args(["nemo", COSINE])
