"""The progress bar: on a terminal's stderr only, after a delay, erased at the end; silent elsewhere."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import lrdsl
from lrdsl.cli import main
from lrdsl.tools.progress import Progress
from tests.conftest import ROOT, run_cli
from tests.frameworks import need

EXAMPLE = "warmup(linear, 5ep) >> cosine(0.1→1e-6) * restart(mult=2)"


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_bar_is_drawn_in_place_and_erased() -> None:
    tty = Terminal()
    with Progress(200, "writing lr.csv", stream=tty, delay=0) as bar:
        bar.update(50)
        first = tty.getvalue()
        assert first.startswith("\rwriting lr.csv [") and first.endswith("\x1b[K")
        assert " 25%  50/200 steps" in first and "left" in first
        bar.advance(150)
        assert " 100%  200/200 steps" in tty.getvalue()[len(first) :]
    assert tty.getvalue().endswith("\r\x1b[K")  # erased: what follows starts on a clean line


def test_silent_unless_a_terminal_enabled_and_past_the_delay() -> None:
    for stream, enabled, delay in [(io.StringIO(), True, 0.0), (Terminal(), False, 0.0), (Terminal(), True, 3600.0)]:
        with Progress(10, "work", stream=stream, enabled=enabled, delay=delay) as bar:
            for _ in range(10):
                bar.advance()
        assert stream.getvalue() == ""


def test_eval_shows_progress_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """csv, json and npy of a long run (LONG steps, here lowered to 20) show it; the table does not."""
    monkeypatch.setattr("lrdsl.tools.progress.LONG", 20)
    monkeypatch.setattr("lrdsl.tools.progress.DELAY", 0.0)
    monkeypatch.setattr("lrdsl.tools.output.CHUNK", 7)
    for fmt in ("csv", "json", "npy", "table"):
        tty = Terminal()
        monkeypatch.setattr("sys.stderr", tty)
        out = tmp_path / f"lr.{fmt}"
        assert main(["eval", EXAMPLE, "--steps", "30", "--steps-per-epoch", "1", "--format", fmt, "-o", str(out)]) == 0
        if fmt == "table":
            assert tty.getvalue() == ""
        else:
            assert "100%" in tty.getvalue() and tty.getvalue().endswith("\r\x1b[K"), (fmt, tty.getvalue())
    np.testing.assert_array_equal(np.load(tmp_path / "lr.npy"), lrdsl.evaluate(EXAMPLE, 30, 1))
    assert capsys.readouterr().out == ""


def test_plot_shows_progress_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    need("plotext")
    monkeypatch.setattr("lrdsl.tools.progress.LONG", 20)
    monkeypatch.setattr("lrdsl.tools.progress.DELAY", 0.0)
    tty = Terminal()
    monkeypatch.setattr("sys.stderr", tty)
    assert main(["plot", EXAMPLE, "onecycle(0.1)", "--steps", "30", "--steps-per-epoch", "1"]) == 0
    assert "plotting [" in tty.getvalue() and "3/3 parts" in tty.getvalue()
    assert "onecycle(0.1)" in capsys.readouterr().out


def test_a_long_run_is_silent_in_a_pipe(tmp_path: Path) -> None:
    proc = run_cli("eval", "cosine(1→0)", "--steps", "1e7", "--format", "npy", "-o", str(tmp_path / "lr.npy"))
    assert proc.returncode == 0 and proc.stderr == ""
    assert np.load(tmp_path / "lr.npy").shape == (10**7,)


def test_a_real_terminal_gets_the_bar(tmp_path: Path) -> None:
    """stderr on a pseudo-terminal: the process itself finds that it is a terminal."""
    code = (
        "import lrdsl.tools.progress, lrdsl.cli, sys;"
        "lrdsl.tools.progress.DELAY = 0; lrdsl.tools.progress.LONG = 10;"
        f"sys.exit(lrdsl.cli.main(['eval', 'cosine(1→0)', '--steps', '30', '--format', 'csv', '-o', {str(tmp_path / 'lr.csv')!r}]))"
    )
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-c", code],
            stdout=subprocess.PIPE,
            stderr=follower,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            timeout=120,
            check=False,
        )
        os.close(follower)
        follower = -1
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the other end closed
                break
            if not chunk:
                break
            seen += chunk
    finally:
        if follower >= 0:
            os.close(follower)
        os.close(leader)
    assert proc.returncode == 0 and proc.stdout == b""
    assert b"writing " in seen and b"30/30 steps" in seen and seen.endswith(b"\r\x1b[K")


def test_fit_shows_progress_on_a_terminal_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``lrdsl fit`` counts the structures it has tried on a terminal's stderr; a pipe sees nothing."""
    values = tmp_path / "lr.txt"
    values.write_text("\n".join(str(v) for v in lrdsl.evaluate("cosine(0.1→0) * restart(period=25)", 100)))
    monkeypatch.setattr("lrdsl.tools.progress.DELAY", 0.0)
    tty = Terminal()
    monkeypatch.setattr("sys.stderr", tty)
    assert main(["fit", str(values)]) == 0
    # five structures: the whole-curve staircase is the fifth
    assert f"fitting {values}"[:39] in tty.getvalue() and "5/5 structures" in tty.getvalue()
    assert tty.getvalue().endswith("\r\x1b[K")
    assert capsys.readouterr().out == "cosine(0.1→0) * restart(period=25)\n"
    proc = run_cli("fit", str(values))
    assert proc.returncode == 0 and proc.stderr == "" and proc.stdout == "cosine(0.1→0) * restart(period=25)\n"
