"""The ``keras`` target in real Keras 3 on two backends (jax, torch), each in its own process."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.frameworks import need

pytestmark = pytest.mark.frameworks


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_keras_backend_matches_interpreter(backend: str) -> None:
    need("keras")
    need(backend)
    env = {**os.environ, "KERAS_BACKEND": backend, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.run(
        [sys.executable, "-m", "tests.keras_worker"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["backend"] == backend
    failures = {k: v for k, v in report["results"].items() if v is not None}
    assert not failures, failures
    assert "model.fit" in report["results"] and len(report["results"]) > 40
