"""``lrdsl plot``: PNG size, one SVG path per schedule, terminal text, and a missing extra."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import ROOT, run_cli
from tests.frameworks import need

EXAMPLE = "warmup(linear, 5ep) >> cosine(0.1→1e-6) * restart(mult=2)"


def test_png_has_the_requested_size(tmp_path: Path) -> None:
    need("matplotlib")
    out = tmp_path / "lr.png"
    proc = run_cli("plot", EXAMPLE, "--steps", "5000", "--steps-per-epoch", "50", "-o", str(out), "--size", "640x320")
    assert proc.returncode == 0, proc.stderr
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    assert struct.unpack(">II", data[16:24]) == (640, 320)


def test_svg_has_one_path_per_schedule_and_epoch_axis(tmp_path: Path) -> None:
    need("matplotlib")
    out = tmp_path / "lr.svg"
    exprs = [EXAMPLE, "warmup(linear, 5ep) >> cosine(0.1→1e-6)", "onecycle(0.1)"]
    proc = run_cli(
        "plot", *exprs, "--steps", "5000", "--steps-per-epoch", "50", "--x", "epochs", "--log", "-o", str(out)
    )
    assert proc.returncode == 0, proc.stderr
    ns = {"svg": "http://www.w3.org/2000/svg"}
    root = ET.parse(out).getroot()
    groups = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("id", "").startswith("schedule-")]
    assert sorted(g.get("id", "") for g in groups) == ["schedule-0", "schedule-1", "schedule-2"]
    assert all(len(g.findall("svg:path", ns)) == 1 for g in groups)
    assert any(g.get("id", "").startswith("boundary-0") for g in root.iter("{http://www.w3.org/2000/svg}g"))
    assert "epochs" in out.read_text()


def test_terminal_plot_fits_a_fixed_width_capture() -> None:
    need("plotext")
    proc = run_cli("plot", EXAMPLE, "onecycle(0.1)", "--steps", "5000", "--steps-per-epoch", "50", "--size", "80x20")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.rstrip("\n").splitlines()
    assert 15 <= len(lines) <= 22
    assert max(len(ln) for ln in lines) <= 80
    assert "\x1b" not in proc.stdout
    assert "onecycle(0.1)" in proc.stdout and "steps" in proc.stdout


def test_without_matplotlib_the_message_names_the_extra(tmp_path: Path) -> None:
    fake = tmp_path / "matplotlib"
    fake.mkdir()
    (fake / "__init__.py").write_text("raise ImportError('matplotlib is not installed')\n")
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}
    proc = subprocess.run(
        [sys.executable, "-m", "lrdsl", "plot", "cosine(1→0)", "--steps", "10", "-o", str(tmp_path / "x.png")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 2
    assert "needs matplotlib" in proc.stderr and "pip install 'lrdsl[plot]'" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("args", [["-o", "x.jpg"], ["--size", "big"], ["--x", "epochs"]])
def test_bad_plot_arguments_exit_2(args: list[str]) -> None:
    proc = run_cli("plot", "cosine(1→0)", "--steps", "10", *args)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_explain_compact_lists_the_boundaries_the_plot_marks() -> None:
    proc = run_cli("explain", "--compact", EXAMPLE, "--steps", "5000", "--steps-per-epoch", "50")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "boundaries: 0, 250, 928.571429, 2285.714286, 5000"


def test_gallery_script_runs(tmp_path: Path) -> None:
    need("matplotlib")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "make_gallery.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / "gallery.md").read_text()
    pictures = sorted(p.name for p in (tmp_path / "gallery").glob("*.png"))
    assert "design_card.png" in pictures and len(pictures) >= 6
    assert all(f"gallery/{name}" in text for name in pictures)


def test_plot_takes_tokens_and_samples_per_step_like_eval(capsys: pytest.CaptureFixture[str]) -> None:
    """LANGUAGE.md §8.4: 2B tokens at 4M a step are 500 steps; the total may be given in tokens too."""
    from lrdsl.cli import main

    size = ["--size", "60x12"]
    args = ["--steps", "300Btok", "--tokens-per-step", "4M", *size]
    assert main(["plot", "warmup(linear, 2Btok) >> cosine(0.1→0)", *args]) == 0
    in_tokens = capsys.readouterr().out
    assert main(["plot", "warmup(linear, 500) >> cosine(0.1→0)", "--steps", "75000", *size]) == 0
    in_steps = capsys.readouterr().out
    assert "74999" in in_tokens
    curve = [line for line in in_tokens.splitlines() if "warmup" not in line]  # all but the legend
    assert curve == [line for line in in_steps.splitlines() if "warmup" not in line]
    assert main(["plot", "const(1, 640sa) >> const(2)", "--steps", "100", "--samples-per-step", "64", *size]) == 0
    capsys.readouterr()
    assert main(["plot", "warmup(linear, 2Btok) >> cosine(0.1→0)", "--steps", "1000", *size]) == 2
    assert "2Btok needs --tokens-per-step" in capsys.readouterr().err


def test_plot_api_takes_the_rates() -> None:
    need("matplotlib")
    import lrdsl

    fig = lrdsl.plot("warmup(linear, 2Btok) >> cosine(0.1→0)", total_steps="300Btok", tokens_per_step=4e6)
    curve = fig.axes[0].get_lines()[0]  # then the boundary mark, at step 500
    assert np.asarray(curve.get_xdata())[-1] == 74999


def test_a_label_matplotlib_cannot_draw_is_refused_clearly(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    out = tmp_path / "x.png"
    proc = run_cli("plot", "cosine(1→0)", "--steps", "10", "--label", "$\\frac{$", "-o", str(out))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr == (
        "error: the label '$\\\\frac{$' is not mathtext matplotlib can draw: Expected \\frac{num}{den}, found '{'\n"
        "hint: write a dollar sign as \\$ to show it as it is\n"
    )
    assert not out.exists()


def test_labels_with_mathtext_and_expressions_with_parameters_are_drawn(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    out = tmp_path / "x.svg"
    proc = run_cli(
        "plot", "linear($a→$b)", "linear($a→$b, 5)", "--set", "a=1", "--set", "b=0", "--steps", "10", "-o", str(out)
    )
    assert proc.returncode == 0, proc.stderr  # '$a→$b' is the expression's text, not mathtext
    assert proc.stderr == f"lrdsl: wrote {out}: 2 schedules\n" and proc.stdout == ""
    proc = run_cli("plot", "cosine(1→0)", "--steps", "10", "--label", "$\\eta$ (cosine)", "-o", str(out))
    assert proc.returncode == 0, proc.stderr


def test_plot_that_fails_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    out = tmp_path / "x.png"
    out.write_bytes(b"earlier")
    proc = run_cli("plot", "cosine(1→0)", "--steps", "10", "--label", "$\\frac{$", "-o", str(out))
    assert proc.returncode == 2 and out.read_bytes() == b"earlier"


def test_the_api_refuses_a_label_matplotlib_cannot_draw() -> None:
    pytest.importorskip("matplotlib")
    import lrdsl

    with pytest.raises(lrdsl.LrdslError, match="is not mathtext matplotlib can draw"):
        lrdsl.plot("cosine(1→0)", total_steps=10, labels=["$x^$"])
    fig = lrdsl.plot("cosine($a→0)", total_steps=10, params={"a": 0.1})  # the text's '$' is not mathtext
    assert fig.axes[0].get_legend().get_texts()[0].get_text() == "cosine(\\$a→0)"
