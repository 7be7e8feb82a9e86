"""A built wheel ships the grammar and templates and works outside the source tree."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_wheel_installs_and_runs_outside_the_tree(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)], check=True, timeout=600
    )
    wheel = next(dist.glob("lrdsl-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "lrdsl/grammar/lrdsl.lark" in names
    assert any(n.startswith("lrdsl/templates/") and n.endswith(".jinja") for n in names)

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=300)
    py = venv / "bin" / "python"
    subprocess.run(
        [str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True, timeout=300
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run(
        [str(venv / "bin" / "lrdsl"), "eval", "cosine(0.1→0)", "--steps", "3", "--format", "csv"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    import lrdsl

    want = [f"{t},{float(v)!r}" for t, v in enumerate(lrdsl.evaluate("cosine(0.1→0)", total_steps=3))]
    assert proc.stdout.splitlines() == ["step,lr", *want]
    where = subprocess.run(
        [str(py), "-c", "import lrdsl; print(lrdsl.__file__)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(ROOT) not in where
    gen = subprocess.run(
        [str(venv / "bin" / "lrdsl"), "gen", "--target", "python", "cosine(0.1→0)", "--steps", "3"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert gen.returncode == 0, gen.stderr
    assert "def lr(" in gen.stdout
