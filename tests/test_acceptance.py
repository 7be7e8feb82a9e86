"""Every case of ../shared/acceptance/seeds.json, through the Python API and the CLI."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

import lrdsl
from tests.conftest import case_params, run_cli


def _check(case: dict[str, Any], got: np.ndarray) -> None:
    expected = np.array(case["expected"], dtype=np.float64)
    want = expected[:, 1]
    tol = case["atol"] + case["rtol"] * np.abs(want)
    bad = np.flatnonzero(np.abs(got - want) > tol)
    assert not bad.size, (
        f"{case['id']}: {bad.size} steps differ, first at step {int(expected[bad[0], 0])}: "
        f"got {got[bad[0]]!r}, expected {want[bad[0]]!r}"
    )


@pytest.mark.parametrize("case", case_params())
def test_api(case: dict[str, Any]) -> None:
    steps = np.array([s for s, _ in case["expected"]], dtype=np.int64)
    got = lrdsl.evaluate(case["expr"], total_steps=case["steps"], steps_per_epoch=case["steps_per_epoch"], steps=steps)
    _check(case, got)


@pytest.mark.parametrize("case", case_params())
def test_api_full_run_matches_points(case: dict[str, Any]) -> None:
    full = lrdsl.evaluate(case["expr"], total_steps=case["steps"], steps_per_epoch=case["steps_per_epoch"])
    assert full.shape == (case["steps"],) and full.dtype == np.float64
    steps = [s for s, _ in case["expected"] if s < case["steps"]]
    _check({**case, "expected": [p for p in case["expected"] if p[0] < case["steps"]]}, full[steps])


@pytest.mark.parametrize("case", case_params())
def test_cli(case: dict[str, Any]) -> None:
    at = ",".join(str(s) for s, _ in case["expected"])
    args = ["eval", case["expr"], "--steps", str(case["steps"]), "--at", at, "--format", "json"]
    if case["steps_per_epoch"] is not None:
        args += ["--steps-per-epoch", str(case["steps_per_epoch"])]
    proc = run_cli(*args)
    assert proc.returncode == 0, proc.stderr
    _check(case, np.array(json.loads(proc.stdout)["lr"]))
