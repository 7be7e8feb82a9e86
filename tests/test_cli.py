"""The command line: formats, inputs, exit codes, and no tracebacks."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import lrdsl
from lrdsl.cli import main, short_number
from tests.conftest import ROOT, run_cli

EXAMPLE = "warmup(linear, 5ep) >> cosine(0.1→1e-6) * restart(mult=2)"


def test_eval_csv_is_full_precision() -> None:
    proc = run_cli("eval", EXAMPLE, "--steps", "5000", "--steps-per-epoch", "50", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "step,lr" and len(lines) == 5001
    values = np.array([float(ln.split(",")[1]) for ln in lines[1:]])
    np.testing.assert_array_equal(values, lrdsl.evaluate(EXAMPLE, 5000, 50))
    assert lines[252] == f"251,{float(lrdsl.evaluate(EXAMPLE, 5000, 50)[251])!r}"


def test_eval_csv_streams_in_chunks(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("lrdsl.tools.output.CHUNK", 7)
    assert main(["eval", "cosine(1→0)", "--steps", "20", "--format", "csv"]) == 0
    rows = capsys.readouterr().out.splitlines()[1:]
    np.testing.assert_array_equal([float(r.split(",")[1]) for r in rows], lrdsl.evaluate("cosine(1→0)", 20))


def test_eval_table_is_summarised_with_boundaries(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", EXAMPLE, "--steps", "5000", "--steps-per-epoch", "50"]) == 0
    out = capsys.readouterr().out
    assert len(out.splitlines()) < 120
    for step in ("249", "250", "928", "929", "4999"):
        assert f"\n{step:>12}  " in out


def test_eval_at_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "cosine(1→0, 100)", "--at", "0,50,1000000000", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["step"] == [0, 50, 1000000000]
    np.testing.assert_allclose(doc["lr"], [1.0, 0.5, 0.0], atol=1e-15)


def test_eval_npy_to_file(tmp_path: Path) -> None:
    out = tmp_path / "lr.npy"
    assert main(["eval", "linear(0→1, 10)", "--format", "npy", "-o", str(out)]) == 0
    np.testing.assert_array_equal(np.load(out), np.arange(10) / 10)


def test_expr_from_stdin_and_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sched.lrdsl"
    path.write_text("# a config-file schedule\nwarmup(linear, 10)  # ramp\n  >> cosine(1→0, 90)\n")
    assert main(["check", f"@{path}"]) == 0
    assert capsys.readouterr().out.strip() == "warmup(linear, 10) >> cosine(1→0, 90)"
    monkeypatch.setattr("sys.stdin", io.StringIO("cosine( 1 -> 0 )"))
    assert main(["fmt", "-"]) == 0
    assert capsys.readouterr().out.strip() == "cosine(1→0)"


def test_check_error_exit_2_caret_hint() -> None:
    proc = run_cli("check", "cosin(0.1→0)")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == ("1:1: error: unknown shape 'cosin'\n  cosin(0.1→0)\n  ^^^^^\nhint: did you mean 'cosine'?\n")


@pytest.mark.parametrize(
    "args",
    [
        ["eval", "cosine(0.1→0)"],
        ["eval", "cosine(0.1→0, 5ep)"],
        ["eval", "cosine(1→0, 10)", "--at", "x"],
        ["eval", "cosine(1→0, 10)", "--steps", "-3"],
        ["eval", "cosine(1→0, 10)", "--set", "peak"],
        ["eval", "@/nonexistent/file"],
        ["eval", "cosine(1→0, 10)", "--format", "xml"],
        ["gen", "cosine(1→0, 10)"],
        ["frobnicate"],
        ["eval", "cosine(1→0)", "--steps", "2.5"],
        ["eval", "cosine(1→0)", "--steps", "100x"],
    ],
)
def test_usage_and_input_errors_exit_2_without_traceback(args: list[str]) -> None:
    proc = run_cli(*args)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stderr.strip()


def test_explain_lists_resolved_phases(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", EXAMPLE, "--steps", "5000", "--steps-per-epoch", "50"]) == 0
    out = capsys.readouterr().out
    assert "warmup(linear, 5ep) to 0.1" in out
    assert "3 cycle(s)" in out and "cycle 2" in out and "cycle 3" in out
    assert "928.571429" in out


def test_set_binds_parameters(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "cosine($peak→0, 10)", "--set", "peak=2", "--at", "0", "--format", "csv"]) == 0
    assert capsys.readouterr().out == "step,lr\n0,2.0\n"


def test_table_evaluates_only_the_rows_it_shows(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import lrdsl.ir.interpreter as interpreter

    evaluated: list[int] = []
    real = interpreter.evaluate_ir

    def counting(node: object, steps: np.ndarray) -> np.ndarray:
        evaluated.append(np.asarray(steps).size)
        return real(node, steps)  # type: ignore[arg-type]

    monkeypatch.setattr(interpreter, "evaluate_ir", counting)
    monkeypatch.setattr(interpreter, "evaluate_range", lambda *a: pytest.fail("evaluated a whole range"))
    assert main(["eval", EXAMPLE, "--steps", str(10**12), "--steps-per-epoch", "50"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert sum(evaluated) == len([r for r in out[3:] if "…" not in r]) < 120
    assert out[-1] == f"{10**12 - 1:>12}  {short_number(lrdsl.evaluate(EXAMPLE, 10**12, 50, steps=[10**12 - 1])[0])}"
    assert main(["eval", EXAMPLE, "--steps", "5000", "--steps-per-epoch", "50", "--at", "250,3,4999"]) == 0
    rows = capsys.readouterr().out.splitlines()[3:]
    expected = lrdsl.evaluate(EXAMPLE, 5000, 50, steps=[250, 3, 4999])
    assert rows == [f"{s:>12}  {short_number(v)}" for s, v in zip([250, 3, 4999], expected)]


def _unwritable() -> list[str]:
    return ["/nonexistent-folder/out.txt", "/tmp", *(["/dev/full"] if Path("/dev/full").exists() else [])]


@pytest.mark.parametrize(
    "args",
    [
        ["eval", "linear(0→1, 10)"],
        ["eval", "linear(0→1, 10)", "--format", "csv"],
        ["eval", "linear(0→1, 10)", "--format", "json"],
        ["eval", "linear(0→1, 10)", "--format", "npy"],
        ["gen", "linear(0→1, 10)", "--target", "python"],
    ],
    ids=["table", "csv", "json", "npy", "gen"],
)
def test_unwritable_output_exits_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    for path in _unwritable():
        assert main([*args, "-o", path]) == 2, path
        err = capsys.readouterr().err
        assert err.startswith(f"error: cannot write {path}: ") and "internal" not in err, err


def test_unwritable_plot_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    folder = tmp_path / "taken.png"
    folder.mkdir()
    for path in [str(tmp_path / "missing" / "plot.svg"), str(folder)]:
        assert main(["plot", "linear(0→1, 10)", "-o", path]) == 2, path
        assert capsys.readouterr().err.startswith(f"error: cannot write {path}: ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--steps", "１０"], "argument --steps: expected whole steps or a duration such as 90ep or 100k, got '１０'"),
        (
            ["--steps", "1_000"],
            "argument --steps: expected whole steps or a duration such as 90ep or 100k, got '1_000'",
        ),
        (["--steps-per-epoch", "٣"], "argument --steps-per-epoch: expected a number such as 50 or 2.5e3, got '٣'"),
        (["--steps-per-epoch", "nan"], "argument --steps-per-epoch: expected a number such as 50 or 2.5e3, got 'nan'"),
        (["--at", "１"], "--at expects whole steps separated by commas, got '１'"),
        (["--at", "1_0"], "--at expects whole steps separated by commas, got '1_0'"),
        (["--at", ""], "--at expects whole steps separated by commas, got ''"),
        (["--at", "1,,2"], "--at expects whole steps separated by commas, got ''"),
        (["--set", "a=1_0"], "--set a: '1_0' is not a number"),
        (["--set", "a=２"], "--set a: '２' is not a number"),
    ],
)
def test_numbers_in_options_are_ascii(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Python's int() and float() read '１０', '٣' and '1_000': the options, like the language, do not."""
    schedule = "cosine($a→0, 10)" if args[0] == "--set" else "cosine(1→0, 10)"
    try:
        status = main(["eval", schedule, *args])
    except SystemExit as exc:  # argparse's usage error
        status = int(str(exc.code))
    assert status == 2
    assert message in capsys.readouterr().err


def test_size_takes_ascii_digits(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plot", "cosine(1→0, 10)", "--size", "²x3"]) == 2
    assert "--size expects WxH" in capsys.readouterr().err


def test_byte_order_mark_in_a_file_and_on_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sched.lrdsl"
    path.write_text("cosine(1→0, 90)  # saved with a BOM\n", encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert main(["check", f"@{path}"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("\ufeffcosine( 1 -> 0 )"))
    assert main(["fmt", "-"]) == 0
    assert capsys.readouterr().out.splitlines() == ["cosine(1→0, 90)", "cosine(1→0)"]
    proc = run_cli("check", "-", stdin="\ufeffcosine(1→0, 90)")
    assert proc.returncode == 0 and proc.stdout == "cosine(1→0, 90)\n", proc.stderr


def test_version_help_and_no_command() -> None:
    """``--version``; a bare ``lrdsl`` and ``lrdsl help`` print the help and exit 0."""
    version = run_cli("--version")
    assert version.returncode == 0 and version.stdout == f"lrdsl {lrdsl.__version__}\n", version.stderr
    bare, helped = run_cli(), run_cli("help")
    for proc in (bare, helped):
        assert proc.returncode == 0 and proc.stderr == "", proc.stderr
        assert proc.stdout.startswith("usage: lrdsl") and "eval" in proc.stdout and "completion" in proc.stdout
    assert bare.stdout == helped.stdout
    one = run_cli("help", "gen")
    assert one.returncode == 0 and one.stdout.startswith("usage: lrdsl gen") and "--target" in one.stdout
    assert run_cli("help", "frobnicate").returncode == 2


@pytest.mark.parametrize("name", ["cosine", "restart", "ep", "offset", ">>"])
def test_help_prints_one_reference_entry(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    """``lrdsl help SHAPE``: the entry of docs/reference.md, from the same data (lrdsl/tools/reference.py)."""
    from lrdsl.tools import reference

    assert main(["help", name]) == 0
    out = capsys.readouterr().out
    assert out == "\n\n".join(reference.text(e) for e in reference.lookup(name)) + "\n"
    assert out.startswith(reference.lookup(name)[0].signature)


def test_help_shows_both_meanings_of_a_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["help", "exp"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("exp(a→b, d, inclusive=false)    (shape)") and "\n\nexp(x)    (math function)" in out


def test_help_commands_still_win(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["eval", "--help"])
    direct = capsys.readouterr().out
    assert main(["help", "eval"]) == 0
    assert capsys.readouterr().out == direct


def test_help_for_an_unknown_name_suggests_and_lists(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["help", "cosin"]) == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert captured.out == ""
    assert lines[:2] == ["lrdsl: error: no command or name 'cosin'", "hint: did you mean 'cosine'?"]
    assert lines[2].startswith("commands: eval, check,")
    assert lines[3].startswith("shapes: const, hold, linear, cosine,")
    assert "modifiers: restart, repeat, offset, quantize" in lines
    assert main(["help", "zzzzzz"]) == 2
    assert "did you mean" not in capsys.readouterr().err


def test_check_lists_the_shapes_for_an_unknown_one() -> None:
    proc = run_cli("check", "zzz(1)")
    assert proc.returncode == 2
    assert "hint: shapes: const, hold, linear, cosine, exp, poly, pow, sqrt, log, piecewise," in proc.stderr
    assert "modifiers (after '*'): restart, repeat, offset, quantize" in proc.stderr


def test_version_is_the_package_version() -> None:
    """One version: pyproject.toml has none of its own, hatch reads lrdsl/__init__.py's."""
    text = (Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in text and "\nversion =" not in text
    assert '[tool.hatch.version]\npath = "lrdsl/__init__.py"' in text


@pytest.mark.parametrize("steps", ["1e5", "100000", "100000.0", "1.0e5", "1E5"])
def test_steps_take_any_whole_number(steps: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "cosine(1→0)", "--steps", steps, "--at", "50000", "--format", "csv"]) == 0
    assert (
        capsys.readouterr().out
        == f"step,lr\n50000,{float(lrdsl.evaluate('cosine(1→0)', 100000, steps=[50000])[0])!r}\n"
    )


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--steps", "2.5", "expected a whole number such as 5000 or 1e5, got '2.5'"),
        ("--steps", "1e400", "1e400 is too large: runs last at most 1e15 steps"),
        ("--steps", "90ep", "90ep needs --steps-per-epoch"),
        ("--at", "3k", "got '3k' (here write 3e3)"),
    ],
)
def test_units_on_the_command_line_say_how_to_write_them(
    option: str, value: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        status = main(["eval", "cosine(1→0)", "--steps", "10", option, value])
    except SystemExit as exc:  # argparse's usage error
        status = int(str(exc.code))
    assert status == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.09960000000000001, "0.0996"),
        (0.1 * 3, "0.3"),
        (1e-6, "1e-6"),
        (0.0, "0"),
        (1.0, "1"),
        (0.0993844170297569, "0.0993844170298"),
        (123456789.123, "123456789.123"),
        (2.5e-300, "2.5e-300"),
    ],
)
def test_short_numbers(value: float, text: str) -> None:
    assert short_number(value) == text
    assert abs(float(text) - value) <= 5e-13 * abs(value)


def test_table_prints_short_numbers_and_csv_json_keep_every_digit(capsys: pytest.CaptureFixture[str]) -> None:
    schedule = "const(0.1, 10) >> const(0.1 * 0.996, 10)"
    full = float(lrdsl.evaluate(schedule, steps=[15])[0])
    assert repr(full) == "0.09960000000000001"
    assert main(["eval", schedule, "--at", "15"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"{15:>12}  0.0996"
    assert main(["eval", schedule, "--at", "15", "--format", "csv"]) == 0
    assert capsys.readouterr().out == "step,lr\n15,0.09960000000000001\n"
    assert main(["eval", schedule, "--at", "15", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["lr"] == [full]


@pytest.mark.parametrize("at", [None, "0,7,3"])
def test_json_is_written_in_chunks_as_one_document(
    at: str | None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Streamed a chunk at a time, the text is what ``json.dumps`` of the whole document gives."""
    monkeypatch.setattr("lrdsl.tools.output.CHUNK", 3)
    args = ["eval", EXAMPLE, "--steps", "10", "--steps-per-epoch", "1", "--format", "json"]
    assert main([*args, *(["--at", at] if at else [])]) == 0
    steps = [int(s) for s in at.split(",")] if at else list(range(10))
    doc = {
        "schedule": EXAMPLE,
        "total_steps": 10,
        "steps_per_epoch": 1.0,
        "step": steps,
        "lr": lrdsl.evaluate(EXAMPLE, 10, 1, steps=steps).tolist(),
    }
    assert capsys.readouterr().out == json.dumps(doc) + "\n"


def test_npy_is_evaluated_in_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("lrdsl.tools.output.CHUNK", 7)
    out = tmp_path / "lr.npy"
    assert main(["eval", EXAMPLE, "--steps", "30", "--steps-per-epoch", "1", "--format", "npy", "-o", str(out)]) == 0
    np.testing.assert_array_equal(np.load(out), lrdsl.evaluate(EXAMPLE, 30, 1))


# -- -o writes a complete file or leaves the old one; closed standard streams


FAILS_MIDWAY = "fn(1/(u-150000), 200000)"
"""Infinite at step 150000: the csv and json writers have written 150000 rows by then."""


@pytest.mark.parametrize("fmt", ["csv", "json", "npy"])
def test_eval_output_that_fails_midway_leaves_the_file_as_it_was(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"lr.{fmt}"
    out.write_text("earlier content\n")
    assert main(["eval", FAILS_MIDWAY, "--format", fmt, "-o", str(out)]) == 2
    assert out.read_text() == "earlier content\n"
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # the partial file is gone


def test_eval_output_that_fails_midway_creates_no_file(tmp_path: Path) -> None:
    assert main(["eval", FAILS_MIDWAY, "--format", "csv", "-o", str(tmp_path / "lr.csv")]) == 2
    assert list(tmp_path.iterdir()) == []


def test_eval_output_replaces_the_file_keeping_its_mode_and_links(tmp_path: Path) -> None:
    import os
    import stat

    real = tmp_path / "real.csv"
    real.write_text("old\n")
    os.chmod(real, 0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    assert main(["eval", "cosine(1→0)", "--steps", "3", "--format", "csv", "-o", str(link)]) == 0
    assert link.is_symlink() and real.read_text().startswith("step,lr\n0,1.0\n")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.csv", "real.csv"]


def test_a_file_in_a_directory_that_takes_no_new_file_is_written_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(target: Path) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("lrdsl.tools.output._create_beside", refused)  # what a read-only directory does
    out = tmp_path / "lr.csv"
    out.write_text("old\n")
    assert main(["eval", "cosine(1→0)", "--steps", "2", "--format", "csv", "-o", str(out)]) == 0
    assert out.read_text() == "step,lr\n0,1.0\n1,0.5\n"
    assert main(["eval", "cosine(1→0)", "--steps", "2", "--format", "csv", "-o", str(tmp_path / "new.csv")]) == 2


def test_gen_output_to_a_device_is_written_in_place() -> None:
    assert main(["gen", "cosine(1→0)", "--steps", "3", "--target", "python", "-o", os.devnull]) == 0


def _shell(command: str) -> subprocess.CompletedProcess[bytes]:
    """``command`` in sh, ``$LRDSL`` standing for ``python -m lrdsl`` (to close descriptors: ``>&-``)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LRDSL": f"{sys.executable} -m lrdsl"}
    return subprocess.run(["sh", "-c", command], capture_output=True, env=env, timeout=120, check=False)


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "npy"])
def test_closed_stdout_is_a_clear_error(fmt: str) -> None:
    proc = _shell(f"$LRDSL eval 'cosine(1→0)' --steps 5 --format {fmt} >&-")
    assert proc.returncode == 2
    assert proc.stderr.decode().startswith("error: standard output is closed"), proc.stderr
    assert b"Traceback" not in proc.stderr


@pytest.mark.parametrize("args", ["--version", "eval -h", "", "help cosine", "completion bash", "fmt 'cosine(1→0)'"])
def test_closed_stdout_is_a_clear_error_for_help_and_every_command(args: str) -> None:
    proc = _shell(f"$LRDSL {args} >&-")
    assert proc.returncode == 2 and proc.stderr.decode().startswith("error: standard output is closed"), proc.stderr


def test_closed_stdout_is_no_error_when_the_result_goes_to_a_file(tmp_path: Path) -> None:
    proc = _shell(f"$LRDSL eval 'cosine(1→0)' --steps 5 --format csv -o {tmp_path / 'lr.csv'} >&-")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "lr.csv").read_text().count("\n") == 6


def test_closed_stderr_keeps_errors_out_of_stdout() -> None:
    proc = _shell("$LRDSL eval 'cosin(1→0)' --steps 5 2>&-")
    assert proc.returncode == 2 and proc.stdout == b""
    proc = _shell("$LRDSL eval 'fn(1/(u-3), 5)' --format csv 2>&-")
    assert proc.returncode == 2 and proc.stdout == b"step,lr\n"  # the rows before the failure, no message


def test_a_full_disk_on_stdout_is_a_clear_error() -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    proc = _shell("$LRDSL eval 'cosine(1→0)' --steps 100000 --format csv > /dev/full")
    assert proc.returncode == 2
    assert proc.stderr.decode() == "error: cannot write to standard output: No space left on device\n"


# -- run parameters no run can have are refused everywhere, with or without a total


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--steps-per-epoch", "-1", "error: steps per epoch must be a positive number, got -1.0"),
        ("--steps-per-epoch", "0", "error: steps per epoch must be a positive number, got 0.0"),
        ("--steps-per-epoch", "1e200", "error: steps per epoch of 1e+200 is too large\nhint: the limit is 1e+15"),
        ("--tokens-per-step", "0", "error: tokens per step must be a positive number, got 0.0"),
    ],
)
def test_check_refuses_run_parameters_without_a_total(
    option: str, value: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "cosine(1→0)", option, value]) == 2
    assert capsys.readouterr().err == message + "\n"


@pytest.mark.parametrize("spe", [float("nan"), float("inf"), -1.0, 0, 10**400])
def test_lint_refuses_run_parameters_without_a_total(spe: float) -> None:
    with pytest.raises(lrdsl.LrdslError, match="steps per epoch"):
        lrdsl.lint("cosine(1→0)", steps_per_epoch=spe)
    with pytest.raises(lrdsl.LrdslError, match="samples per step"):
        lrdsl.lint("cosine(1→0)", samples_per_step=spe)


@pytest.mark.parametrize(
    ("args", "hints"),
    [
        (["eval", "cosine(1→0)", "--total-steps", "100"], ["hint: did you mean '--steps'?"]),
        (["compare", "cosine(1→0)", "cosine(1→0)", "--total_steps=100"], ["hint: did you mean '--steps'?"]),
        (["plot", "cosine(1→0)", "--num-training-steps", "100"], ["hint: did you mean '--steps'?"]),
        (
            ["explain", "cosine(1→0)", "--steps_per_epoch", "10", "--stepz", "5"],
            ["hint: --steps_per_epoch: did you mean '--steps-per-epoch'?", "hint: --stepz: did you mean '--steps'?"],
        ),
    ],
)
def test_another_librarys_option_name_gets_ours(
    args: list[str], hints: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1 - len(hints)].startswith("lrdsl: error: unrecognized arguments: ") and err[-len(hints) :] == hints


def test_steps_cut_short_suggest_epochs(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["eval", "cosine(1→0)", "--steps", "5e", "--steps-per-epoch", "10"])
    assert capsys.readouterr().err.endswith(
        "lrdsl: error: argument --steps: expected whole steps or a duration such as 90ep or 100k, got '5e' "
        "(did you mean 5ep?)\n"
    )


def test_an_empty_or_cut_npy_file_is_a_clear_error(tmp_path: Path) -> None:
    from lrdsl.tools.values import read_values

    empty = tmp_path / "empty.npy"
    empty.write_bytes(b"")  # found by fuzz/curves.py: numpy raises EOFError
    buffer = io.BytesIO()
    np.save(buffer, np.arange(10.0))
    cut = tmp_path / "cut.npy"
    cut.write_bytes(buffer.getvalue()[:-8])
    for path in (empty, cut):
        with pytest.raises(lrdsl.LrdslError, match="cannot read"):
            read_values(path)


def test_the_command_table_drives_the_parser_help_and_completion() -> None:
    """Every command of the table is a subcommand with exactly its arguments; completion lists the same."""
    import argparse

    from lrdsl.cli.completion import words
    from lrdsl.cli.program import COMMANDS
    from lrdsl.cli.registry import build_parser, commands, subparser

    parser = build_parser()
    assert tuple(c.name for c in commands()) == COMMANDS
    completed = words()
    for c in commands():
        sub = subparser(parser, c.name)
        declared = [f for a in c.arguments for f in a.flags]
        parsed = [
            s for a in sub._actions if not isinstance(a, argparse._HelpAction) for s in a.option_strings or [a.dest]
        ]
        assert [d.lstrip("-").replace("-", "_") for d in declared if not d.startswith("-")] == [
            p for p in parsed if not p.startswith("-")
        ]
        assert [d for d in declared if d.startswith("-")] == [p for p in parsed if p.startswith("-")]
        assert completed.options[c.name] == ("-h", "--help", *(d for d in declared if d.startswith("-")))
    assert [n for n, _ in completed.commands] == list(COMMANDS)


def test_run_options_are_declared_once() -> None:
    """``--steps``, ``--steps-per-epoch``, ``--set`` and ``--member`` are one object in every command taking them."""
    from lrdsl.cli.registry import commands

    for flag in ("--steps", "--steps-per-epoch", "--tokens-per-step", "--samples-per-step", "--set", "--member"):
        declared = {id(a) for c in commands() for a in c.arguments if flag in a.flags}
        assert len(declared) == 1, flag


def test_import_takes_steps_as_every_command_does(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["import", "torch", "CosineAnnealingLR(T_max=6, lr=0.1)", "--steps", "3ep", "--steps-per-epoch", "2"]) == 0
    )
    by_epochs = capsys.readouterr().out
    assert main(["import", "torch", "CosineAnnealingLR(T_max=6, lr=0.1)", "--steps", "6"]) == 0
    assert capsys.readouterr().out == by_epochs
    assert main(["import", "torch", "CosineAnnealingLR(T_max=6, lr=0.1)", "--steps", "3ep"]) == 2
    assert "--steps-per-epoch" in capsys.readouterr().err


def test_python_m_lrdsl_and_the_console_script_entry() -> None:
    """``python -m lrdsl`` runs the command; the console script's target ``lrdsl.cli:entry`` exists."""
    import tomllib

    import lrdsl.cli

    proc = subprocess.run(
        [sys.executable, "-m", "lrdsl", "fmt", "cosine(1→0)"], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "cosine(1→0)"
    target = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]["lrdsl"]
    module, _, name = target.partition(":")
    assert module == "lrdsl.cli" and callable(getattr(lrdsl.cli, name))


def test_every_handler_of_the_table_exists() -> None:
    """Each row's ``module:function`` names a function (a typo would fail only when the command runs)."""
    import importlib

    from lrdsl.cli.registry import commands

    for c in commands():
        module, _, name = c.handler.partition(":")
        assert callable(getattr(importlib.import_module(module), name, None)), c.handler
