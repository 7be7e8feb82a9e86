"""Lint warnings outside ``check``: ``eval``/``explain``/``plot``/``gen`` on stderr, the adapters as ``LrdslWarning``.

The values never change; ``--strict`` refuses (exit 2); ``lrdsl.evaluate`` stays silent.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lrdsl
from lrdsl.cli import main
from tests.frameworks import need

TRAP = "warmup(linear, 5ep) >> multistep(0.1, at=[30ep, 60ep])"
RUN = ["--steps", "1000", "--steps-per-epoch", "10"]
FIRST = "1:24: warning: the milestones at=[30ep, 60ep] of multistep() count from the start of its phase, not of the run"


def _check_err(capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["check", TRAP, *RUN]) == 0
    return capsys.readouterr().err


@pytest.mark.parametrize(
    "command",
    [["eval"], ["eval", "--format", "csv"], ["explain"], ["explain", "--compact"], ["gen", "--target", "python"]],
)
def test_commands_print_checks_warnings_once(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    expected = _check_err(capsys)
    assert expected.startswith(FIRST) and expected.count("warning:") == 1
    assert main([*command, TRAP, *RUN]) == 0
    _, err = capsys.readouterr()
    assert err == expected
    assert main([*command, TRAP + " * offset(0)", *RUN]) == 0  # the clock set on purpose: silent
    assert capsys.readouterr().err == ""


def test_eval_values_do_not_change(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", TRAP, *RUN, "--format", "csv"]) == 0
    out = capsys.readouterr().out
    values = np.array([float(line.split(",")[1]) for line in out.splitlines()[1:]])
    np.testing.assert_array_equal(values, lrdsl.evaluate(TRAP, 1000, 10))


def test_plot_warns_for_each_schedule_once(capsys: pytest.CaptureFixture[str]) -> None:
    other = "warmup(linear, 2ep) >> step(0.1, every=3ep)"
    assert main(["plot", TRAP, "cosine(1→0)", other, TRAP, *RUN, "--size", "60x12"]) == 0
    out, err = capsys.readouterr()
    assert err.count(FIRST) == 1 and err.count("every=3ep of step() counts") == 1 and out


def test_check_refuses_run_options_no_run_takes(capsys: pytest.CaptureFixture[str]) -> None:
    for spe in ("-1", "0"):
        assert main(["check", TRAP, "--steps-per-epoch", spe]) == 2
        assert "steps per epoch must be a positive number" in capsys.readouterr().err


def test_gen_without_the_run_checks_the_text(capsys: pytest.CaptureFixture[str]) -> None:
    """``gen`` with an unbound parameter cannot lay the run out: the checks that read the text still warn."""
    text = "cosine($peak→0, 100) * linear(1→0, 100) * quantize(10)"
    assert main(["gen", text, "--target", "python"]) == 0
    assert "warning: quantize(10) applies to the whole product" in capsys.readouterr().err


@pytest.mark.parametrize(
    "command",
    [["eval"], ["explain"], ["gen", "--target", "torch"], ["plot", "--size", "60x12"]],
)
def test_strict_refuses_before_any_output(
    command: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_file = tmp_path / "out.txt"
    extra = ["-o", str(out_file)] if command[0] in ("eval", "gen") else []
    assert main([command[0], TRAP, *command[1:], *RUN, *extra, "--strict"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and not out_file.exists()
    assert err.startswith(FIRST.replace(": warning:", ": error:"))
    assert err.endswith("lrdsl: 1 warning treated as errors (--strict)\n")
    assert main([command[0], TRAP + " * offset(0)", *command[1:], *RUN, *extra, "--strict"]) == 0


# --------------------------------------------------------------------------- the Python API


def test_lrdsl_warning_is_public_and_carries_the_diagnostic() -> None:
    import lrdsl.tools.linting

    assert "LrdslWarning" in lrdsl.__all__
    assert lrdsl.LrdslWarning is lrdsl.tools.linting.LrdslWarning
    assert issubclass(lrdsl.LrdslWarning, UserWarning)


def test_evaluate_and_lint_stay_silent() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lrdsl.evaluate(TRAP, 1000, 10)
        assert len(lrdsl.lint(TRAP, 1000, 10)) == 1


def test_lint_refuses_run_arguments_no_run_takes() -> None:
    for kwargs in ({"steps_per_epoch": float("nan")}, {"steps_per_epoch": -1.0}, {"tokens_per_step": 0.0}):
        with pytest.raises(lrdsl.LrdslError, match="must be a positive number"):
            lrdsl.lint(TRAP, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(lrdsl.LrdslError, match="must be a finite number"):
        lrdsl.lint("cosine($a→0, 100)", params={"a": float("inf")})
    with pytest.raises(lrdsl.LrdslError, match="total steps must be a whole number"):
        lrdsl.lint(TRAP, total_steps=-5)


def _one_warning(record: list[warnings.WarningMessage]) -> lrdsl.LrdslWarning:
    found = [w for w in record if issubclass(w.category, lrdsl.LrdslWarning)]
    assert len(found) == 1, [str(w.message) for w in record]
    assert found[0].filename == __file__  # attributed to the caller, not to lrdsl
    message = found[0].message
    assert isinstance(message, lrdsl.LrdslWarning)
    assert str(message).startswith(FIRST) and message.diagnostic.code == "phase-clock"
    return message


def test_torch_scheduler_warns_once_per_construction() -> None:
    torch = need("torch")
    import lrdsl.torch

    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        sched = lrdsl.torch.scheduler(opt, TRAP, 1000, 10)
    _one_warning(record)
    used = []
    for _ in range(1000):
        used.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    np.testing.assert_allclose(used, lrdsl.evaluate(TRAP, 1000, 10), rtol=1e-12, atol=0)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", category=lrdsl.LrdslWarning)
        with pytest.raises(lrdsl.LrdslWarning):
            lrdsl.torch.scheduler(opt, TRAP, 1000, 10)
        lrdsl.torch.scheduler(opt, TRAP + " * offset(5ep)", 1000, 10)


def test_python_dedups_one_call_site() -> None:
    """Under Python's default filter a warning shows once per call site, not once per construction there."""
    torch = need("torch")
    import lrdsl.torch

    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    with warnings.catch_warnings(record=True) as record:
        warnings.resetwarnings()
        warnings.simplefilter("default")
        for _ in range(3):
            lrdsl.torch.scheduler(opt, TRAP, 1000, 10)
    _one_warning(record)


def test_optax_schedule_and_inject_warn() -> None:
    need("optax")
    import lrdsl.optax

    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        fn = lrdsl.optax.schedule(TRAP, 1000, 10)
    _one_warning(record)
    np.testing.assert_allclose(
        [float(fn(t)) for t in (0, 349, 350, 650)], lrdsl.evaluate(TRAP, 1000, 10)[[0, 349, 350, 650]], rtol=1e-6
    )
    optax = need("optax")
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        lrdsl.optax.inject(optax.sgd, learning_rate=TRAP, total_steps=1000, steps_per_epoch=10)
    _one_warning(record)


def test_keras_schedule_and_callback_warn_once() -> None:
    need("keras")
    import lrdsl.keras

    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        lrdsl.keras.schedule(TRAP, 1000, 10)
    _one_warning(record)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        callback = lrdsl.keras.callback(TRAP, 10, 100)
        callback.resolve(10, 100)  # resolved again (as at model.fit): the same warning is not repeated
        assert callback.learning_rate(4) == pytest.approx(0.08)
    _one_warning(record)


def test_lightning_warns(tmp_path: Path) -> None:
    need("lightning.pytorch")
    from tests.test_lightning import _fit

    expr = "warmup(linear, 1ep) >> multistep(0.1, at=[1ep])"
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        module, _ = _fit(tmp_path, expr, max_epochs=3)
    found = [w for w in record if issubclass(w.category, lrdsl.LrdslWarning)]
    assert len(found) == 1 and "at=[1ep] of multistep()" in str(found[0].message)
    np.testing.assert_allclose([lr for _, lr in module.seen], lrdsl.evaluate(expr, 33, 11), rtol=1e-12, atol=0)


def test_hf_trainer_warns(tmp_path: Path) -> None:
    need("transformers")
    from tests.test_hf_trainer import _train

    expr = "warmup(linear, 1ep) >> multistep($peak, at=[1ep])"
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        _, recorder = _train(tmp_path, expr, max_steps=25)
    found = [w for w in record if issubclass(w.category, lrdsl.LrdslWarning)]
    assert len(found) == 1 and "at=[1ep] of multistep()" in str(found[0].message)
    used: Any = [groups[0] for _, groups in recorder.seen]
    np.testing.assert_allclose(used, lrdsl.evaluate(expr, 25, 11, params={"peak": 0.1}), rtol=1e-12, atol=0)
