"""from_paddle on real paddle.optimizer.lr schedulers, in their own process (tests/paddle_import_worker.py)."""

from __future__ import annotations

import importlib.util

import pytest

from tests.frameworks import REQUIRED, run_worker
from tests.paddle_import_worker import CASES, SPECS
from tests.parity.paddle_rows import ROWS

pytestmark = pytest.mark.frameworks


def test_paddle_schedulers_import_exactly() -> None:
    if importlib.util.find_spec("paddle") is None:
        if REQUIRED:
            pytest.fail("paddle is required (LRDSL_REQUIRE_FRAMEWORKS=1) but not installed")
        pytest.skip("paddle is not installed")
    report = run_worker("tests.paddle_import_worker", {})
    cases = [r[0] for r in ROWS] + [c[0] for c in CASES]
    want = {*cases, *(c + " mid-run" for c in cases), *(c + " untouched" for c in cases), *(s[0] for s in SPECS)}
    assert set(report["results"]) == want | {"ReduceOnPlateau", "every class"}
