"""Importing a real framework in tests: skip when absent, fail when CI requires it."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest

REQUIRED = os.environ.get("LRDSL_REQUIRE_FRAMEWORKS") == "1"
_KEEP: list[types.ModuleType] = []


def need(module: str) -> Any:
    """``import module``, or skip (fail under ``LRDSL_REQUIRE_FRAMEWORKS=1``)."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        if REQUIRED:
            pytest.fail(f"{module} is required (LRDSL_REQUIRE_FRAMEWORKS=1) but cannot be imported: {exc}")
        pytest.skip(f"{module} is not installed")


def load(code: str, name: str) -> types.ModuleType:
    """Execute generated source as a fresh module (it must import only its framework)."""
    module = types.ModuleType(name)
    exec(compile(code, f"<generated {name}>", "exec"), module.__dict__)
    _KEEP.append(module)  # a dropped module has its globals cleared; keep it for the test run
    return module


def run_worker(module: str, env: dict[str, str]) -> dict[str, Any]:
    """Run ``python -m module`` in its own process; return its last stdout line as JSON."""
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run(
        [sys.executable, "-m", module],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root), **env},
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    report: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    failures = {k: v for k, v in report["results"].items() if v is not None}
    assert not failures, failures
    return report
