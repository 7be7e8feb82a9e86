"""Config files with schedules: YAML, TOML and OmegaConf load, validate, train; typos fail at load time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

import lrdsl
from tests.conftest import ROOT
from tests.frameworks import need

sys.path.insert(0, str(ROOT / "examples"))
import config_training as example

CONFIGS = ROOT / "examples" / "configs"
CASES = [("train.yaml", False), ("train.toml", False), ("train_omegaconf.yaml", True)]


@pytest.mark.frameworks
@pytest.mark.parametrize(("name", "omegaconf"), CASES)
def test_config_loads_and_trains_with_the_schedule(name: str, omegaconf: bool) -> None:
    need("torch")
    need("yaml")
    if omegaconf:
        need("omegaconf")
    config = example.load(CONFIGS / name, omegaconf)
    total = config.epochs * config.steps_per_epoch
    seen = example.train(config)
    want = lrdsl.evaluate(config.lr, total, config.steps_per_epoch, params=config.params)
    np.testing.assert_allclose(seen, want, rtol=1e-6, atol=1e-12)
    assert config.model_dump()["lr"] == str(config.lr)  # dumped as canonical text


@pytest.mark.frameworks
@pytest.mark.parametrize(("name", "omegaconf"), CASES)
def test_example_script_runs(name: str, omegaconf: bool) -> None:
    need("torch")
    args = [sys.executable, str(ROOT / "examples" / "config_training.py"), str(CONFIGS / name)]
    proc = subprocess.run(
        [*args, "--omegaconf"] if omegaconf else args,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "60 steps" in proc.stdout


@pytest.mark.parametrize(("name", "omegaconf"), CASES)
def test_a_typo_fails_at_load_time_with_the_caret(name: str, omegaconf: bool, tmp_path: Path) -> None:
    need("yaml")
    if omegaconf:
        need("omegaconf")
    bad = tmp_path / name
    bad.write_text((CONFIGS / name).read_text(encoding="utf-8").replace("cosine", "cosin"), encoding="utf-8")
    with pytest.raises(Exception) as info:
        example.load(bad, omegaconf)
    text = str(info.value)
    assert "unknown shape 'cosin'" in text and "^^^^^" in text and "did you mean 'cosine'?" in text
    if not omegaconf:
        assert isinstance(info.value, ValidationError)
        assert info.value.errors()[0]["loc"] == ("lr",)


def test_json_schema_and_round_trip() -> None:
    schema = example.TrainConfig.model_json_schema()
    assert schema["properties"]["lr"]["type"] == "string"
    config = example.TrainConfig(epochs=1, steps_per_epoch=10, lr="cosine( 1 -> 0 )")
    again = example.TrainConfig.model_validate_json(config.model_dump_json())
    assert again.lr == config.lr and str(again.lr) == "cosine(1→0)"
    assert example.TrainConfig(epochs=1, steps_per_epoch=1, lr=lrdsl.parse("cosine(1→0)")).lr == config.lr
    with pytest.raises(ValidationError, match="a schedule is a string"):
        example.TrainConfig(epochs=1, steps_per_epoch=1, lr=3)
