"""The ``paddle`` target in a real PaddlePaddle optimizer, in its own process (it must not share one with TF);
the shared cases and random schedules run in tests/test_targets.py."""

from __future__ import annotations

import importlib.util

import pytest

from tests.frameworks import REQUIRED, run_worker

pytestmark = pytest.mark.frameworks


def test_paddle_optimizer_sees_interpreter_values() -> None:
    if importlib.util.find_spec("paddle") is None:
        if REQUIRED:
            pytest.fail("paddle is required (LRDSL_REQUIRE_FRAMEWORKS=1) but not installed")
        pytest.skip("paddle is not installed")
    report = run_worker("tests.paddle_worker", {})
    assert len(report["results"]) >= 6
