"""The ``paddle`` target in real PaddlePaddle, in its own process."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.frameworks import REQUIRED

pytestmark = pytest.mark.frameworks


def test_paddle_optimizer_sees_interpreter_values() -> None:
    if importlib.util.find_spec("paddle") is None:
        if REQUIRED:
            pytest.fail("paddle is required (LRDSL_REQUIRE_FRAMEWORKS=1) but not installed")
        pytest.skip("paddle is not installed")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "tests.paddle_worker"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    failures = {k: v for k, v in report["results"].items() if v is not None}
    assert not failures, failures
    assert len(report["results"]) >= 20
