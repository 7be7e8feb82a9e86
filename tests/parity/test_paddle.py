"""PaddlePaddle's schedulers against lrdsl, in their own process (tests/parity/paddle_rows.py)."""

from __future__ import annotations

import importlib.util

import pytest

from tests.frameworks import REQUIRED, run_worker
from tests.parity.paddle_rows import ROWS

pytestmark = pytest.mark.frameworks


def test_paddle_schedulers_equal_lrdsl() -> None:
    if importlib.util.find_spec("paddle") is None:
        if REQUIRED:
            pytest.fail("paddle is required (LRDSL_REQUIRE_FRAMEWORKS=1) but not installed")
        pytest.skip("paddle is not installed")
    report = run_worker("tests.parity.paddle_rows", {})
    assert sorted(report["results"]) == sorted(r[0] for r in ROWS)
