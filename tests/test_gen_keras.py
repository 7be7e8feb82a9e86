"""The ``keras`` target in real Keras 3 on two backends (jax, torch), each in its own process."""

from __future__ import annotations

import pytest

from tests.frameworks import need, run_worker

pytestmark = pytest.mark.frameworks


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_keras_backend_matches_interpreter(backend: str) -> None:
    need("keras")
    need(backend)
    report = run_worker("tests.keras_worker", {"KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert report["backend"] == backend
    assert "model.fit" in report["results"] and len(report["results"]) > 40
