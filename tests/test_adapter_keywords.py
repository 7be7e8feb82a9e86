"""The adapters take one keyword signature: the schedule and the run named alike in every framework.

``lrdsl.torch.scheduler``, ``lrdsl.keras.schedule`` and ``callback``, ``lrdsl.optax.schedule`` and
``inject``, ``lrdsl.lightning.scheduler_config`` and ``lrdsl.hf.ScheduleMixin`` (through
``lr_schedule_kwargs``) accept ``schedule=`` and :data:`lrdsl.integrations.runtime.RUN_KEYWORDS`, each meaning what
``lrdsl.evaluate``'s does, and their earlier positional orders still work. Each is run in its real framework.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
import pytest

import lrdsl
from lrdsl.integrations.runtime import RUN_KEYWORDS, SCHEDULE_KEYWORD
from tests.frameworks import need

pytestmark = pytest.mark.frameworks

EXPR = "linear($top→0.25, 2ep) >> const(0.125, 8tok) >> cosine(0.125→0)"
"""Reads every keyword: a parameter, an epoch (5 steps), tokens (4 a step) and the total (the cosine's length)."""
RUN: dict[str, Any] = {
    "total_steps": 20,
    "steps_per_epoch": 5,
    "params": {"top": 1.0},
    "tokens_per_step": 4,
    "samples_per_step": 2,
}
WANT = lrdsl.evaluate(EXPR, 20, 5, params={"top": 1.0}, tokens_per_step=4, samples_per_step=2)


def test_every_adapter_declares_the_keywords() -> None:
    """The Python signatures: the schedule and every run keyword, by name."""
    import lrdsl.keras
    import lrdsl.lightning
    import lrdsl.optax
    import lrdsl.torch

    for adapter in (lrdsl.torch.scheduler, lrdsl.keras.schedule, lrdsl.keras.callback, lrdsl.optax.schedule):
        names = inspect.signature(adapter).parameters
        assert {SCHEDULE_KEYWORD, *RUN_KEYWORDS} <= set(names), adapter.__qualname__
    assert set(RUN_KEYWORDS) <= set(inspect.signature(lrdsl.optax.inject).parameters)
    lightning = inspect.signature(lrdsl.lightning.scheduler_config).parameters
    assert {SCHEDULE_KEYWORD, "total_steps", "steps_per_epoch", "params"} <= set(lightning)
    assert any(p.kind is p.VAR_KEYWORD for p in lightning.values())  # the rates go on to lrdsl.torch.scheduler


def _torch_values(make: Any) -> np.ndarray:
    torch = need("torch")
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    sched = make(optimizer)
    seen = []
    for _ in range(20):
        seen.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        sched.step()
    return np.array(seen)


def test_torch_scheduler_by_keywords_and_by_position() -> None:
    import lrdsl.torch

    by_name = _torch_values(lambda opt: lrdsl.torch.scheduler(optimizer=opt, schedule=EXPR, **RUN))
    np.testing.assert_array_equal(by_name, WANT)
    by_position = _torch_values(
        lambda opt: lrdsl.torch.scheduler(opt, EXPR, 20, 5, {"top": 1.0}, tokens_per_step=4, samples_per_step=2)
    )
    np.testing.assert_array_equal(by_position, WANT)


def test_lightning_scheduler_config_by_keywords() -> None:
    """With ``total_steps`` and ``steps_per_epoch`` given, the trainer is not read (here there is none)."""
    import lrdsl.lightning

    config: dict[str, Any] = {}

    def make(opt: Any) -> Any:
        config.update(lrdsl.lightning.scheduler_config(optimizer=opt, schedule=EXPR, trainer=None, **RUN))
        return config["scheduler"]

    np.testing.assert_array_equal(_torch_values(make), WANT)
    assert config["interval"] == "step"


def test_optax_schedule_and_inject_by_keywords() -> None:
    jnp = need("jax.numpy")
    optax = need("optax")
    import lrdsl.optax

    steps = jnp.arange(20)
    by_name = np.asarray(lrdsl.optax.schedule(schedule=EXPR, **RUN)(steps))
    np.testing.assert_allclose(by_name, WANT, rtol=1e-6, atol=1e-7)
    by_position = np.asarray(lrdsl.optax.schedule(EXPR, 20, 5, {"top": 1.0}, tokens_per_step=4)(steps))
    np.testing.assert_array_equal(by_position, by_name)
    np.testing.assert_array_equal(np.asarray(lrdsl.optax.schedule(text=EXPR, **RUN)(steps)), by_name)
    opt = lrdsl.optax.inject(optax.sgd, learning_rate=EXPR, **RUN)
    state = opt.init({"w": jnp.zeros(1)})
    assert float(state.hyperparams["learning_rate"]) == pytest.approx(WANT[0], rel=1e-6)


def test_keras_schedule_and_callback_by_keywords() -> None:
    need("keras")
    ops = need("keras.ops")
    import lrdsl.keras

    sched = lrdsl.keras.schedule(schedule=EXPR, **RUN)
    values = np.array([float(ops.convert_to_numpy(sched(step))) for step in range(20)])
    np.testing.assert_allclose(values, WANT, rtol=1e-6, atol=1e-7)
    again = type(sched).from_config(sched.get_config())  # the rates are saved with the text
    assert float(ops.convert_to_numpy(again(12))) == pytest.approx(WANT[12], rel=1e-6)
    old = lrdsl.keras.schedule("cosine(1→0)", 10)
    assert set(old.get_config()) == {"schedule", "total_steps", "steps_per_epoch", "params", "language"}
    callback = lrdsl.keras.callback(schedule=EXPR, **RUN)
    assert callback.learning_rate(2) == WANT[10]  # epoch 2 starts at step 10
    assert lrdsl.keras.callback(EXPR, 5, None, 20, {"top": 1.0}, tokens_per_step=4).learning_rate(3) == WANT[15]


def test_the_schedule_is_given_once() -> None:
    import lrdsl.optax

    with pytest.raises(TypeError, match="give the schedule once"):
        lrdsl.optax.schedule("cosine(1→0)", 10, text="cosine(1→0)")
    with pytest.raises(TypeError, match="give the schedule once"):
        lrdsl.optax.schedule(total_steps=10)


def test_hf_trainer_takes_the_keywords_in_lr_schedule_kwargs(tmp_path: Any) -> None:
    """``lr_schedule_kwargs`` carries the run keywords; a total or epoch given there replaces the Trainer's count."""
    torch = need("torch")
    transformers = need("transformers")
    import lrdsl.hf

    args = transformers.TrainingArguments(output_dir=str(tmp_path), report_to="none", learning_rate=1.0)
    rates = {k: RUN[k] for k in ("total_steps", "steps_per_epoch", "tokens_per_step", "samples_per_step")}
    trainer = lrdsl.hf.Trainer(
        model=torch.nn.Linear(1, 1),
        args=args,
        lr_schedule=EXPR,
        lr_schedule_params=RUN["params"],
        lr_schedule_kwargs=rates,
    )
    trainer.create_optimizer_and_scheduler(num_training_steps=99)
    seen = []
    for _ in range(20):
        seen.append(trainer.optimizer.param_groups[0]["lr"])
        trainer.optimizer.step()
        trainer.lr_scheduler.step()
    np.testing.assert_array_equal(seen, WANT)
