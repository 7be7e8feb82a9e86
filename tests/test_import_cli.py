"""``lrdsl import FRAMEWORK SPEC``: a call or a config file in, the expression out (and --check)."""

from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lrdsl
from lrdsl.cli import main
from tests.frameworks import need


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_torch_call_prints_the_source_and_the_expression(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["import", "torch", "OneCycleLR(optimizer, max_lr=0.1,\n  total_steps=1000)"], capsys)
    assert code == 0
    assert out.splitlines()[0] == "# torch: OneCycleLR(optimizer, max_lr=0.1, total_steps=1000)"
    assert out.splitlines()[-1] == "onecycle(0.1, 1000)"  # and a note on the momentum it cycles


def test_keras_and_optax_calls(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["import", "keras", "CosineDecayRestarts(0.1, 1000, t_mul=2.0)"], capsys)
    assert (code, out.splitlines()[-1]) == (0, "cosine(0.1→0) * restart(period=1000, mult=2)")
    code, out, _ = _run(["import", "optax", "optax.warmup_cosine_decay_schedule(0.0, 0.1, 50, 350)"], capsys)
    assert (code, out.splitlines()[-1]) == (0, "linear(0→0.1, 50) >> cosine(0.1→0, 300)")


def test_steps_reach_the_importer(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["import", "torch", "CosineAnnealingLR(opt, T_max=100, lr=0.1)", "--steps", "300"], capsys)
    assert (code, out.splitlines()[-1]) == (0, "(cosine(0.1→0, 100) >> cosine(0→0.1, 100)) * restart()")
    code, out, _ = _run(["import", "torch", "CosineAnnealingLR(opt, T_max=100, lr=0.1)"], capsys)
    assert out.splitlines()[-1] == "cosine(0.1→0, 100)"


def test_keras_get_config_json_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = need("keras")
    schedule = keras.optimizers.schedules.PiecewiseConstantDecay([100, 250], [0.1, 0.01, 1e-3])
    path = tmp_path / "schedule.json"
    path.write_text(json.dumps(schedule.get_config()), encoding="utf-8")
    code, out, _ = _run(["import", "keras", str(path)], capsys)
    assert (code, out) == (0, f"# keras: {path}\npiecewise([0.1, 0.01, 1e-3], at=[101, 251])\n")


def test_yaml_config_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    need("yaml")
    path = tmp_path / "sched.yaml"
    path.write_text("class_path: torch.optim.lr_scheduler.StepLR\ninit_args:\n  step_size: 30\n  lr: 0.1\n", "utf-8")
    code, out, _ = _run(["import", "torch", str(path)], capsys)
    assert (code, out.splitlines()[-1]) == (0, "step(0.1, gamma=0.1, every=30)")


def test_a_config_written_out_reads_as_its_file_does(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """CONFIG is a file or a literal: the JSON `lrdsl export` prints, or YAML lines, given as the argument."""
    need("yaml")
    config = {"optimizer": {"params": {"lr": 0.1}}, "scheduler": {"type": "WarmupLR", "params": {"warmup_max_lr": 0.1}}}
    config["scheduler"]["params"].update({"warmup_min_lr": 0.0, "warmup_num_steps": 100, "warmup_type": "linear"})
    path = tmp_path / "ds.json"
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")
    _, from_file, _ = _run(["import", "deepspeed", str(path), "--steps", "1000"], capsys)
    code, literal, _ = _run(["import", "deepspeed", json.dumps(config, indent=2), "--steps", "1000"], capsys)
    assert code == 0 and literal.splitlines()[-1] == from_file.splitlines()[-1]
    assert literal.splitlines()[0] == "# deepspeed: " + " ".join(json.dumps(config, indent=2).split())
    yaml_lines = "class_path: torch.optim.lr_scheduler.StepLR\ninit_args:\n  step_size: 30\n  lr: 0.1\n"
    code, out, _ = _run(["import", "torch", yaml_lines], capsys)
    assert (code, out.splitlines()[-1]) == (0, "step(0.1, gamma=0.1, every=30)")
    code, out, _ = _run(["import", "torch", "{type: StepLR, step_size: 30, lr: 0.1}"], capsys)  # YAML flow style
    assert (code, out.splitlines()[-1]) == (0, "step(0.1, gamma=0.1, every=30)")


def test_a_broken_config_written_out_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    need("yaml")
    code, out, err = _run(["import", "deepspeed", '{"scheduler": '], capsys)
    assert (code, out) == (2, "")
    assert err.startswith("error: the config: not YAML: while parsing a flow node\n")
    assert "line 1, column 14" in err
    code, out, err = _run(["import", "deepspeed", "[" * 100_000], capsys)  # neither a call nor a config
    assert (code, out) == (2, "") and "Traceback" not in err


def test_spec_from_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("torch.optim.lr_scheduler.StepLR(o, step_size=7, lr=0.1)\n"))
    code, out, _ = _run(["import", "torch", "-"], capsys)
    assert (code, out.splitlines()[-1]) == (0, "step(0.1, gamma=0.1, every=7)")


def test_check_prints_the_comparison_with_the_real_object(capsys: pytest.CaptureFixture[str]) -> None:
    need("torch")
    code, out, _ = _run(["import", "torch", "StepLR(SGD(params, lr=0.1), 30)", "--steps", "200", "--check"], capsys)
    lines = out.splitlines()
    assert code == 0
    assert lines[1] == "step(0.1, gamma=0.1, every=30)"
    assert lines[2] == "# checked against PyTorch's StepLR:"
    assert lines[3].startswith("# equal within rtol 1e-09, atol 1e-13 over 200 steps")
    expr = lines[1]
    torch = need("torch")
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    sched, seen = torch.optim.lr_scheduler.StepLR(opt, 30), []
    for _ in range(200):
        seen.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    np.testing.assert_allclose(lrdsl.evaluate(expr, 200), seen, rtol=1e-12)


def test_check_of_an_optax_call(capsys: pytest.CaptureFixture[str]) -> None:
    need("optax")
    code, out, _ = _run(["import", "optax", "exponential_decay(0.1, 50, 0.5)", "--steps", "300", "--check"], capsys)
    lines = out.splitlines()
    assert (code, lines[1], lines[2]) == (
        0,
        "exp_decay(0.1, rate=0.5, every=50)",
        "# checked against the Optax schedule:",
    )
    assert lines[3].startswith("# equal within rtol 1e-05")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["import", "torch", "LambdaLR(opt, lambda e: 0.9 ** e)"],
            "1:15: error: SPEC arguments must be literals: this lambda is code, and a SPEC is never run\n"
            "  LambdaLR(opt, lambda e: 0.9 ** e)\n"
            "                ^^^^^^^^^^^^^^^^^^\n"
            "hint: in Python, give the object itself to lrdsl's from_<framework>(): it is sampled and verified\n",
        ),
        (
            ["import", "torch", "ReduceLROnPlateau(opt)"],
            "1:1: error: cannot import ReduceLROnPlateau: ReduceLROnPlateau follows a metric (the loss), not the step: "
            "no expression of the step can say when it will reduce\n"
            "  ReduceLROnPlateau(opt)\n  ^^^^^^^^^^^^^^^^^\nhint: keep it in your training loop\n",
        ),
        (
            ["import", "optax", "/no/such/file.json"],
            "error: cannot read /no/such/file.json: No such file or directory\n",
        ),
    ],
    ids=["lambda", "plateau", "missing file"],
)
def test_bad_input_exits_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(argv, capsys)
    assert (code, out, err) == (2, "", message)


def test_unknown_framework_is_an_argument_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["import", "tensorflow", "X()"])
    assert info.value.code == 2
    assert "invalid choice: 'tensorflow'" in capsys.readouterr().err


def test_help_lists_import(capsys: pytest.CaptureFixture[str]) -> None:
    main(["help", "import"])
    out = capsys.readouterr().out
    assert "--check" in out and "SPEC" in out


PIECES = [
    "StepLR(", "CyclicLR(", "SequentialLR(", "LinearLR(", "o", ", ", "lr=", "0.1", "3", "-1", "1e309", ")", "[", "]",
    "{", "}", ": ", "'x'", "None", "True", "step_size=", "milestones=", "schedulers=", "**", "*", "/", "(", "1/0",
    "10**10**10", "lambda: 0", "x.y", "f(", "...", "2j", "b''", "é", "\n", "[0] * 3",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=14), st.sampled_from(["torch", "optax"]))
def test_any_spec_is_an_expression_or_an_lrdsl_error(pieces: list[str], framework: str) -> None:
    from lrdsl.importers import import_spec

    need(framework)
    with contextlib.suppress(lrdsl.LrdslError):  # anything else fails the test
        lrdsl.parse(import_spec(framework, "".join(pieces), total_steps=30))


# --- hostile and real-code SPECs and configs: exit 0 or 2, never 3; messages stay small ---------------


@pytest.mark.parametrize(
    ("spec", "last"),
    [
        ("get_cosine_schedule_with_warmup(optimizer, num_warmup_steps=int(1e2), num_training_steps=1000)", "900)"),
        ("get_cosine_schedule_with_warmup(opt, 10, 1000, learning_rate=np.float64(1.0))", "cosine(1→0, 990)"),
        ("get_cosine_schedule_with_warmup(optimizer, 10, 1000, learning_rate=np.float32(0.1))", "0.10000000149"),
        ("get_cosine_schedule_with_warmup(optimizer, 10, float(1000), learning_rate=math.pi)", "cosine(3.14159"),
    ],
)
def test_conversions_written_in_real_code_are_numbers(spec: str, last: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["import", "hf", spec], capsys)
    assert code == 0, err
    assert last in out.splitlines()[-1]


BIG = "1" + "0" * 400
SUM = "+".join(["1"] * 30_000)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (f"get_cosine_schedule_with_warmup(optimizer, 10, {BIG})", "beyond a float's range"),
        (f"get_cosine_schedule_with_warmup(optimizer, 10, 1000, learning_rate={SUM})", "nested too deeply"),
        ("get_cosine_schedule_with_warmup(optimizer, 10, 1000, learning_rate=" + "-" * 30_000 + "1)", "nested"),
        ("get_cosine_schedule_with_warmup(optimizer, 10, 10**20)", "at most 1e+15"),
        ("get_cosine_schedule_with_warmup(optimizer, 10, int('1000'))", "arithmetic in a SPEC is between numbers"),
        ("get_cosine_schedule_with_warmup(optimizer, 10, np.float32(1e39))", "beyond np.float32's range"),
        ("get_cosine_schedule_with_warmup(optimizer, 10, np.int8(1000))", "beyond np.int8's range"),
        ("get_cosine_schedule_with_warmup(optimizer, 10, 2 * " + BIG[:300] + " * " + BIG[:300] + ")", "float's range"),
    ],
)
def test_hostile_specs_exit_2_with_a_short_message(spec: str, message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["import", "hf", spec], capsys)
    assert code == 2
    assert message in err
    assert len(err) < 2000


def _bomb(levels: int) -> str:
    lines = ["begin:", "  a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    lines += [f"  a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("framework", ["mmengine", "hf", "timm", "detectron2", "keras", "torch"])
def test_yaml_alias_bomb_is_refused_by_its_count(
    framework: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(_bomb(9))  # ~500 bytes, 10⁹ values once expanded
    assert path.stat().st_size < 600
    code, _, err = _run(["import", framework, str(path)], capsys)
    assert (code, "values once its aliases are expanded" in err) == (2, True)
    assert len(err) < 1000


def test_recursive_yaml_alias_and_deep_configs_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = {
        "self.yaml": "a: &a [1, *a]\n",
        "deep.json": "[" * 100_000 + "]" * 100_000,
        "deep.yaml": "[" * 100_000 + "]" * 100_000,
        "deep2.json": json.dumps(json.loads("[" * 60 + "]" * 60)),
        "huge.json": '{"BASE_LR": ' + BIG + "}",
    }
    for name, text in cases.items():
        (tmp_path / name).write_text(text)
        code, _, err = _run(["import", "detectron2", str(tmp_path / name)], capsys)
        assert code == 2, (name, err)
        assert len(err) < 1000


def test_control_characters_of_a_spec_are_not_echoed_raw(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["import", "hf", "get_scheduler('\x1b[2Jcosine', optimizer, 10, 100)"], capsys)
    assert code == 2
    assert "\x1b" not in err and "\\x1b" in err


@pytest.mark.parametrize(
    ("framework", "spec", "message"),
    [
        ("timm", "CosineLRScheduler(optimizer, t_initial=10, cycle_limit=100000, cycle_mul=2)", "lower cycle_limit"),
        ("timm", "create_scheduler_v2(sched='cosine', num_epochs=10, cycle_limit=100000, cycle_mul=1.5)", "1e+15"),
        ("detectron2", "WarmupMultiStepLR(optimizer, milestones=[5, 3.0, 'x'])", "milestones must be a finite number"),
        ("detectron2", "WarmupMultiStepLR(optimizer, milestones=[5, [3]])", "milestones must be a finite number"),
        ("detectron2", "WarmupMultiStepLR(optimizer, milestones=[5, None])", "milestones must be a finite number"),
        (
            "hf",
            "get_cosine_with_min_lr_schedule_with_warmup(optimizer, 10, 100, min_lr=1e-5, learning_rate=0)",
            "learning_rate is 0, and HF divides min_lr by it",
        ),
        (
            "detectron2",
            "build_lr_scheduler(SOLVER={'BASE_LR': 0, 'MAX_ITER': 100, 'WARMUP_ITERS': 0, "
            "'LR_SCHEDULER_NAME': 'WarmupCosineLR', 'BASE_LR_END': 0.001})",
            "BASE_LR is 0",
        ),
    ],
)
def test_values_the_mapping_computed_with_are_checked_first(
    framework: str, spec: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(["import", framework, spec], capsys)
    assert (code, message in err) == (2, True), err


# --- long runs: the work of the check is bounded; a named closed form is never refused for its length ---


def test_a_fixed_gamma_of_a_billion_decays_builds_no_list(capsys: pytest.CaptureFixture[str]) -> None:
    spec = "StepWithFixedGammaParamScheduler(base_value=1, num_decays=1000000000, gamma=0.1, num_updates=100)"
    code, out, err = _run(["import", "detectron2", spec, "--steps", "100"], capsys)
    assert code == 0, err
    assert out.splitlines()[1:] == [
        "# detectron2 StepWithFixedGammaParamScheduler: not checked against the library (fvcore would build a list "
        "of 1000000000 values)",
        "const(0)",  # fvcore's index at step 0 is already 1000 (its ε of 1e-6 times 10⁹ decays): 0.1¹⁰⁰⁰ = 0
    ]


def test_a_billion_step_closed_form_is_checked_at_sampled_steps(capsys: pytest.CaptureFixture[str]) -> None:
    need("transformers")
    code, out, err = _run(["import", "hf", "get_cosine_schedule_with_warmup(optimizer, 100, 1000000000)"], capsys)
    assert (code, out.splitlines()[1:]) == (0, ["linear(0→1, 100) >> cosine(1→0, 999999900)"]), err
    spec = "CosineParamScheduler(start_value=1, end_value=0)"
    code, out, err = _run(["import", "detectron2", spec, "--steps", "1000000000"], capsys)
    assert (code, out.splitlines()[1:]) == (0, ["cosine(1→0, 1000000000)"]), err


def test_a_long_stepped_run_is_checked_over_its_first_steps_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    need("mmengine")
    config = {
        "param_scheduler": [
            {"type": "LinearLR", "start_factor": 0.001, "by_epoch": False, "begin": 0, "end": 1000},
            {"type": "CosineAnnealingLR", "by_epoch": False, "begin": 1000, "end": 2_000_000},
        ],
        "train_cfg": {"max_iters": 2_000_000},
        "optim_wrapper": {"optimizer": {"lr": 0.1}},
    }
    (tmp_path / "mm.json").write_text(json.dumps(config))
    code, out, err = _run(["import", "mmengine", str(tmp_path / "mm.json")], capsys)
    assert code == 0, err
    assert out.splitlines()[1:] == [
        "# mmengine param_scheduler: checked against the library over the first 100,000 of 2,000,000 steps only "
        "(a longer run is not stepped)",
        "linear(1e-4→0.1, 999) >> hold(1) >> cosine(0.1→0, 1999000)",
    ]


def test_epoch_windows_are_checked_on_one_iteration_per_epoch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    need("mmengine")
    config = {
        "param_scheduler": [{"type": "CosineAnnealingLR", "by_epoch": True, "begin": 0, "end": 300}],
        "train_cfg": {"max_epochs": 300},
    }
    (tmp_path / "mm.json").write_text(json.dumps(config))
    code, out, err = _run(["import", "mmengine", str(tmp_path / "mm.json"), "--steps-per-epoch", "5000"], capsys)
    assert (code, out.splitlines()[1:]) == (0, ["cosine(1→0, 300ep) * quantize(1ep)"]), err


def test_an_unchecked_import_warns_in_python() -> None:
    from lrdsl.importers import detectron2
    from lrdsl.importers.verify import UncheckedImport

    with pytest.warns(UncheckedImport, match="not checked against the library"):
        detectron2.from_spec(
            "StepWithFixedGammaParamScheduler",
            [],
            {"base_value": 1, "num_decays": 10**9, "gamma": 0.1, "num_updates": 100},
            total_steps=100,
            steps_per_epoch=None,
        )


def test_a_long_paddle_run_is_stepped_only_over_its_first_steps() -> None:
    import subprocess
    import sys

    need("paddle")  # in its own process, as tests/test_import_paddle.py runs Paddle
    spec = "CosineAnnealingDecay(learning_rate=0.1, T_max=100000000)"
    done = subprocess.run(
        [sys.executable, "-m", "lrdsl", "import", "paddle", spec], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1:] == [
        "# Paddle's CosineAnnealingDecay: checked against the library over the first 100,000 of 100,000,001 steps "
        "only (a longer run is not stepped)",
        "cosine(0.1→0, 100000000)",
    ]
