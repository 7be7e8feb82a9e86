"""``lrdsl export``: a row of the command table, printing what ``lrdsl.export.export`` gives."""

from __future__ import annotations

import json

import pytest

from lrdsl.cli import main
from lrdsl.export import export

WARM_COSINE = "linear(0→3e-4, 500) >> cosine(3e-4→0)"


def test_export_prints_the_frameworks_config(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "hf", WARM_COSINE, "--steps", "10000"]) == 0
    out = capsys.readouterr().out
    assert out == export(WARM_COSINE, "hf", total_steps=10000) + "\n"
    assert json.loads(out)["lr_scheduler_type"] == "cosine"


def test_a_duration_total_is_resolved_first(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "hf", WARM_COSINE, "--steps", "100ep", "--steps-per-epoch", "100"]) == 0
    assert json.loads(capsys.readouterr().out)["max_steps"] == 10000


def test_what_the_framework_cannot_express_is_refused_with_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "hf", "cosine(0.1→0) * restart(period=100, mult=2)", "--steps", "1000"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("lrdsl: error:") or "error:" in err
    assert "Traceback" not in err


def test_an_unknown_framework_names_the_choices(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["export", "nosuchtrainer", WARM_COSINE])
    assert exit_.value.code == 2
    assert "megatron" in capsys.readouterr().err


def test_samples_per_step_must_be_whole(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "megatron", WARM_COSINE, "--steps", "1000", "--samples-per-step", "2.5"]) == 2
    assert "error: --samples-per-step must be a whole number of samples, got 2.5" in capsys.readouterr().err


def test_a_config_imports_back(tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    from pathlib import Path

    assert main(["export", "deepspeed", "linear(0→1e-3, 100) >> linear(1e-3→0)", "--steps", "1000"]) == 0
    config = Path(str(tmp_path)) / "ds.json"
    config.write_text(capsys.readouterr().out, encoding="utf-8")
    assert main(["import", "deepspeed", str(config)]) == 0
    # DeepSpeed holds 0 after total_num_steps: the import says so with a last constant phase
    assert capsys.readouterr().out.strip().splitlines()[-1] == "linear(0→1e-3, 100) >> linear(1e-3→0, 900) >> const(0)"
