"""Keras schedules reload as themselves (tests/keras_reload_worker.py), on the jax and torch backends.

Each backend runs twice in processes of its own: one builds two different schedules, checks
their round trip through Keras serialization and saves models; a fresh one loads the models.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from tests.frameworks import need, run_worker

pytestmark = pytest.mark.frameworks


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_two_schedules_and_saved_models_reload_as_themselves(backend: str, tmp_path: Path) -> None:
    need("keras")
    need(backend)
    env = {"KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3", "LRDSL_KERAS_DIR": str(tmp_path)}
    saved = run_worker("tests.keras_reload_worker", {**env, "LRDSL_KERAS_MODE": "save"})
    assert saved["backend"] == backend and len(saved["results"]) == 11
    loaded = run_worker("tests.keras_reload_worker", {**env, "LRDSL_KERAS_MODE": "load"})
    assert loaded["backend"] == backend and set(loaded["results"]) == {
        "fresh:adapter",
        "fresh:params",
        "fresh:generated",
    }
    # Neither order of `import keras` and `import lrdsl` needs `import lrdsl.keras` before load_model.
    for order in ("keras-first", "lrdsl-first"):
        loaded = run_worker("tests.keras_reload_worker", {**env, "LRDSL_KERAS_MODE": order})
        assert set(loaded["results"]) == {f"{order}:adapter", f"{order}:params"}


def test_generated_keras_classes_register_under_names_of_their_own() -> None:
    from lrdsl.api import generate

    names = {
        generate(expr, "keras", total, name="Warm").split('register_keras_serializable(package="lrdsl", name="')[1]
        for expr, total in [("cosine(0.1→0)", 100), ("linear(0.1→0)", 100), ("cosine(0.1→0)", 200)]
    }
    assert len(names) == 3 and all(n.startswith("Warm_") for n in names)


def test_the_keras_adapter_config_is_plain_json_and_needs_every_parameter() -> None:
    os.environ.setdefault("KERAS_BACKEND", "jax")
    need("keras")
    import lrdsl.keras

    with pytest.raises(lrdsl.LrdslError, match=r"\$peak is not bound"):
        lrdsl.keras.schedule("cosine($peak→0)", 100)
    sched = lrdsl.keras.schedule("cosine($peak → 0, 1ep)", np.int64(100), np.float32(10), {"peak": np.float32(0.5)})
    config = sched.get_config()
    assert config == {
        "schedule": "cosine($peak→0, 1ep)",
        "total_steps": 100,
        "steps_per_epoch": 10.0,
        "params": {"peak": 0.5},
        "language": 3,
    }
    assert json.loads(json.dumps(config)) == config
    assert isinstance(sched, lrdsl.keras.Schedule)


def test_a_config_saved_under_language_v2_warns_when_a_period_is_fractional(recwarn: pytest.WarningsRecorder) -> None:
    """A config without ``language`` (v2): a fractional period (LANGUAGE.md §9.4) reloads with a warning and this
    version's values; whole periods reload silently; a version lrdsl never wrote is refused."""
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = need("keras")
    import lrdsl.keras

    cls = lrdsl.keras.schedule_class()
    text = "exp_decay(1, rate=0.5, every=2.5, staircase=true)"
    old = {"schedule": text, "total_steps": 20, "steps_per_epoch": None, "params": {}}
    with pytest.warns(lrdsl.LrdslWarning, match="saved under language v2.*2.5 may now set"):
        sched = cls.from_config(old)
    assert sched.get_config()["language"] == 3
    got = [float(keras.ops.convert_to_numpy(sched(t))) for t in range(10)]
    np.testing.assert_allclose(got, lrdsl.evaluate(text, 20)[:10], rtol=1e-6)
    recwarn.clear()
    cls.from_config({**old, "schedule": "exp_decay(1, rate=0.5, every=3, staircase=true)"})
    assert not [w for w in recwarn if issubclass(w.category, lrdsl.LrdslWarning)]
    with pytest.raises(lrdsl.LrdslError, match="language must be a language version from 2 to 3, got 4"):
        cls.from_config({**old, "language": 4})
