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
    assert schema["properties"]["lr"]["type"] == ["string", "number"]
    config = example.TrainConfig(epochs=1, steps_per_epoch=10, lr="cosine( 1 -> 0 )")
    again = example.TrainConfig.model_validate_json(config.model_dump_json())
    assert again.lr == config.lr and str(again.lr) == "cosine(1→0)"
    assert example.TrainConfig(epochs=1, steps_per_epoch=1, lr=lrdsl.parse("cosine(1→0)")).lr == config.lr
    with pytest.raises(ValidationError, match="a schedule is a string"):
        example.TrainConfig(epochs=1, steps_per_epoch=1, lr=[3])


@pytest.mark.parametrize(
    ("value", "text"), [(0.0003, "3e-4"), (0.25, "0.25"), (1, "1"), (0.1 * 3, "0.30000000000000004")]
)
def test_a_plain_number_is_a_constant_rate(value: float, text: str) -> None:
    """``lr: 0.0003`` in YAML is a float, not a string: it is the constant schedule of that value."""
    config = example.TrainConfig(epochs=1, steps_per_epoch=10, lr=value)
    assert str(config.lr) == text and config.model_dump()["lr"] == text
    assert lrdsl.evaluate(config.lr, 10).tolist() == [value] * 10
    assert example.TrainConfig.model_validate_json(config.model_dump_json()).lr == config.lr


def test_a_number_from_yaml_is_a_constant_rate(tmp_path: Path) -> None:
    yaml = need("yaml")
    config = example.TrainConfig.model_validate(yaml.safe_load("epochs: 1\nsteps_per_epoch: 10\nlr: 0.0003\n"))
    assert str(config.lr) == "3e-4"


@pytest.mark.parametrize("value", [True, float("nan"), float("inf"), -float("inf")])
def test_a_number_that_is_no_rate_is_refused(value: float) -> None:
    with pytest.raises(ValidationError):
        example.TrainConfig(epochs=1, steps_per_epoch=10, lr=value)
