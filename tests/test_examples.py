"""The end-to-end example trains on scikit-learn's digits in PyTorch, Keras and Optax."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.frameworks import need

pytestmark = pytest.mark.frameworks


def test_digits_example_trains_and_plots(tmp_path: Path) -> None:
    for module in ("sklearn", "matplotlib", "torch", "keras", "jax", "optax"):
        need(module)
    out = tmp_path / "digits.png"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KERAS_BACKEND": "jax"}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "train_digits.py"), "--epochs", "3", "-o", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    for name in ("torch", "keras", "optax"):
        line = next(ln for ln in proc.stdout.splitlines() if ln.startswith(name + ":"))
        first, last, gap = (
            float(v)
            for v in re.findall(r"loss ([\d.]+) -> ([\d.]+), lr max relative gap to lrdsl ([\d.e+-]+)", line)[0]
        )
        assert last < first, line  # it learns
        assert gap < (1e-12 if name == "torch" else 2e-5), line  # with the schedule's numbers
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
