"""``lrdsl completion bash|zsh|fish``: the bash script run for real in bash, the others checked by their shells."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lrdsl.codegen import TARGETS
from lrdsl.language.signatures import SHAPES, SIGNATURES
from tests.conftest import ROOT, run_cli

PHASES = [n for n, s in SIGNATURES.items() if s.role != "modifier"]
MODIFIERS = [n for n, s in SIGNATURES.items() if s.role == "modifier"]


def script(shell: str) -> str:
    proc = run_cli("completion", shell)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    return proc.stdout


def complete_bash(words: list[str], cwd: Path = ROOT) -> list[str]:
    """COMPREPLY after bash's completion function ran on ``words`` (the last one being completed)."""
    path = cwd / ".lrdsl-completion.bash"
    path.write_text(script("bash"), encoding="utf-8")
    try:
        array = " ".join("'" + w.replace("'", "'\\''") + "'" for w in words)
        code = f'source {path.name}; COMP_WORDS=({array}); COMP_CWORD={len(words) - 1}; _lrdsl; printf "%s\\n" "${{COMPREPLY[@]}}"'
        proc = subprocess.run(
            ["bash", "--norc", "-c", code], capture_output=True, text=True, cwd=cwd, timeout=60, check=False
        )
    finally:
        path.unlink()
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    return [line for line in proc.stdout.splitlines() if line]


@pytest.mark.parametrize(
    ("words", "want"),
    [
        (
            ["lrdsl", ""],
            [
                "eval",
                "check",
                "fmt",
                "explain",
                "plot",
                "gen",
                "compare",
                "fit",
                "import",
                "export",
                "serve",
                "completion",
                "help",
                "--help",
                "--version",
            ],
        ),
        (["lrdsl", "ex"], ["explain", "export"]),
        (["lrdsl", "gen", "--target", ""], list(TARGETS)),
        (["lrdsl", "gen", "--target", "p"], [t for t in TARGETS if t.startswith("p")]),
        (["lrdsl", "gen", "--target", "=", ""], list(TARGETS)),
        (["lrdsl", "gen", "--target", "=", "to"], ["torch"]),
        (["lrdsl", "eval", "x", "--format", ""], ["table", "csv", "json", "npy"]),
        (["lrdsl", "plot", "x", "--x", "e"], ["epochs"]),
        (["lrdsl", "eval", "x", "--steps", ""], []),
        (["lrdsl", "eval", "--st"], ["--steps", "--steps-per-epoch", "--strict"]),
        (["lrdsl", "completion", ""], ["bash", "zsh", "fish"]),
        (["lrdsl", "help", "ge"], ["gen"]),
        (["lrdsl", "help", "cosi"], ["cosine"]),
        (["lrdsl", "help", "e"], ["eval", "explain", "export", "exp", "exp_decay", "ep"]),
        # inside a schedule: readline completes what follows the opening quote
        (["lrdsl", "eval", '"'], PHASES),
        (["lrdsl", "eval", '"warmup(li'], ["warmup(linear", "warmup(linear("]),
        (["lrdsl", "eval", '"warmup('], [f"warmup({s}" for s in SHAPES]),
        (["lrdsl", "eval", "'cosine(0.1→0) >> co"], ["cosine(0.1→0) >> const", "cosine(0.1→0) >> cosine"]),
        (
            ["lrdsl", "gen", '"cosine(0.1→0) * re'],
            ["cosine(0.1→0) * recur", *[f"cosine(0.1→0) * {m}" for m in ("restart", "repeat")]],
        ),
        (["lrdsl", "eval", '"min(const(1), cos'], ["min(const(1), cosine", "min(const(1), cosine("]),
        (["lrdsl", "eval", '"cosine(0.1'], []),
        (["lrdsl", "eval", '"cosine(0.1→0, 5e'], []),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) and v and v[0] == "lrdsl" else None,
)
def test_bash_completes(words: list[str], want: list[str]) -> None:
    assert sorted(complete_bash(words)) == sorted(want)


def test_bash_completes_files_after_at_and_output(tmp_path: Path) -> None:
    (tmp_path / "sched.lrdsl").write_text("cosine(1→0)\n")
    (tmp_path / "other.txt").write_text("")
    assert complete_bash(["lrdsl", "eval", "@sch"], cwd=tmp_path) == ["@sched.lrdsl"]
    assert complete_bash(["lrdsl", "gen", "x", "-o", "oth"], cwd=tmp_path) == ["other.txt"]


def test_zsh_and_fish_scripts_hold_the_same_names() -> None:
    """Both are valid for their shell where it is installed, and name every target, phase and modifier."""
    for shell in ("zsh", "fish"):
        text = script(shell)
        for name in [*TARGETS, *PHASES, *MODIFIERS, "steps-per-epoch"]:
            assert name in text, (shell, name)
        if shutil.which(shell):
            proc = subprocess.run([shell, "-n"], input=text, capture_output=True, text=True, timeout=60, check=False)
            assert proc.returncode == 0, proc.stderr
    assert "compdef _lrdsl lrdsl" in script("zsh")
    assert "complete -c lrdsl" in script("fish")


def test_fish_completes_where_fish_is_installed(tmp_path: Path) -> None:
    """fish can ask its completions without a terminal (``complete -C``): run them where fish exists."""
    if shutil.which("fish") is None:
        assert "__lrdsl_schedule" in script("fish")  # the function the checks below run
        return
    path = tmp_path / "lrdsl.fish"
    path.write_text(script("fish"), encoding="utf-8")

    def complete(line: str) -> list[str]:
        code = f"source {path}; complete -C {line!r}"
        proc = subprocess.run(
            ["fish", "--no-config", "-c", code], capture_output=True, text=True, timeout=60, check=False
        )
        assert proc.returncode == 0, proc.stderr
        return sorted(ln.split("\t")[0] for ln in proc.stdout.splitlines())

    assert complete("lrdsl gen --target ") == sorted(TARGETS)
    assert complete('lrdsl eval "warmup(li') == ["warmup(linear", "warmup(linear("]


def test_the_command_line_starts_without_the_code_generators() -> None:
    """Only ``completion`` (and ``gen``) import lrdsl.codegen, for its targets."""
    code = (
        "import sys; from lrdsl.cli import main; main(['check', 'cosine(1→0)']); print('lrdsl.codegen' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert proc.stdout.splitlines() == ["cosine(1→0)", "False"], proc.stderr
