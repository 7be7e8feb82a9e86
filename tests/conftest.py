"""Shared test helpers: where the acceptance cases live, how to run the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = Path(os.environ.get("LRDSL_SEEDS", ROOT.parent / "shared" / "acceptance" / "seeds.json"))


def seed_cases() -> list[dict[str, Any]]:
    """The acceptance cases, read from the shared file as it is today."""
    if not SEEDS.is_file():
        if os.environ.get("CI") or os.environ.get("LRDSL_REQUIRE_FRAMEWORKS"):
            raise FileNotFoundError(f"acceptance cases not found at {SEEDS}")
        return []
    return list(json.loads(SEEDS.read_text(encoding="utf-8"))["cases"])


def case_params() -> list[Any]:
    """``seed_cases()`` as pytest parameters named by case id."""
    cases = seed_cases()
    if not cases:
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"no acceptance file at {SEEDS}"))]
    return [pytest.param(c, id=c["id"]) for c in cases]


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m lrdsl ARGS`` as a separate process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run(
        [sys.executable, "-m", "lrdsl", *args],
        capture_output=True,
        text=True,
        input=stdin,
        env=env,
        timeout=300,
        check=False,
    )
