"""A broken installation says what is missing (exit 3) instead of blaming the expression.

Each run blocks one dependency the way the import system does for a module it must not load
(``sys.modules[name] = None`` makes ``import name`` raise ModuleNotFoundError), then runs the
real command line. tests/test_wheel.py does the same with a wheel installed without its
dependencies, and with its grammar or templates deleted.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from lrdsl.resources import BrokenInstall, resource_dir
from tests.conftest import ROOT

RUN_WITHOUT = "import sys; sys.modules[sys.argv.pop(1)] = None; from lrdsl.cli import entry; entry()"


def run_without(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``lrdsl ARGS`` in a new Python where ``import module`` fails."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", RUN_WITHOUT, module, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("module", ["jinja2", "numpy"])
def test_a_missing_dependency_is_named(module: str) -> None:
    proc = run_without(module, "gen", "--target", "python", "cosine(0.1→0)", "--steps", "10")
    assert proc.returncode == 3, proc.stderr
    assert proc.stdout == ""
    first, *rest = proc.stderr.splitlines()
    assert not rest, proc.stderr
    assert first.startswith(f"lrdsl: error: lrdsl is not installed correctly: the package '{module}' is missing")
    assert sys.executable in first and "reinstall it with its dependencies: pip install . in a checkout" in first
    assert "internal error" not in first and "expression" not in first


@pytest.mark.parametrize("module", ["pydantic", "pydantic_core", "lark"])
@pytest.mark.parametrize("command", ["eval", "gen", "check"])
def test_the_command_line_needs_neither_pydantic_nor_lark(command: str, module: str) -> None:
    """The syntax tree is plain Python (pydantic is for ``model_validate`` and config fields) and the
    parser is lark's tables as data (``lrdsl/language/lalr_tables.json``) run by ``lalr.py``; lark only writes them."""
    extra = ["--target", "python"] if command == "gen" else []
    proc = run_without(module, command, "warmup(linear, 5) >> cosine(0.1→0)", "--steps", "100", *extra)
    assert proc.returncode == 0, proc.stderr
    proc = run_without(module, command, "warmup(linear, 5) >> cosin(0.1→0)", "--steps", "100", *extra)
    assert proc.returncode == 2 and "did you mean 'cosine'" in proc.stderr, proc.stderr


def test_the_command_line_starts_without_its_dependencies() -> None:
    proc = run_without("numpy", "--help")
    assert proc.returncode == 0, proc.stderr
    assert "usage: lrdsl" in proc.stdout


def test_bad_input_is_still_bad_input() -> None:
    proc = run_without("jinja2", "check", "cosin(0.1→0)")
    assert proc.returncode == 2, proc.stderr
    assert "unknown shape 'cosin'" in proc.stderr


def test_a_missing_resource_is_a_broken_install() -> None:
    assert resource_dir("grammar").joinpath("lrdsl.lark").is_file()
    with pytest.raises(BrokenInstall, match=r"not installed correctly: its nonesuch/ directory is missing"):
        resource_dir("nonesuch")
