"""``lrdsl.keras.optimizer``: a schedule set drives a Keras optimizer's hyper-parameters inside ``model.fit``.

Keras picks its backend at import, so each backend runs tests/keras_sets_worker.py in a process of its
own, without ``run_eagerly``: the beta_2 and weight decay each compiled update reads (written by the
update itself into optimizer variables) equal ``lrdsl.evaluate(…, member=…)`` at float32 tolerance; an
SGD whose momentum starts at 0 trains as momentum SGD with that momentum; refusals are ``LrdslError``s.
"""

from __future__ import annotations

import pytest

from tests.frameworks import need, run_worker

pytestmark = pytest.mark.frameworks


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_model_fit_reads_every_member_each_step(backend: str) -> None:
    need("keras")
    need(backend)
    report = run_worker("tests.keras_sets_worker", {"KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert report["backend"] == backend
    assert set(report["results"]) == {
        "iterations",
        "beta_2",
        "weight_decay",
        "learning_rate",
        "config",
        "reload:class",
        "reload:members",
        "ema",
        "loss.kl",
        "sgd:slots",
        "sgd:weights",
        "refuse:momentum",
        "refuse:dampening",
        "refuse:twice",
    }
