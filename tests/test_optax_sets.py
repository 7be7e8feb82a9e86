"""``lrdsl.optax.inject`` and ``lrdsl.optax.schedules`` with a schedule set (LANGUAGE.md §9.5).

Each update of a jitted AdamW loop uses, in ``state.hyperparams``, every optimizer member's value at
its count under Optax's name, equal to ``lrdsl.evaluate(…, member=…)`` at float32 tolerance; the
other members are jit-safe schedules; a member the optimizer has no argument for is refused.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from lrdsl.errors import LrdslError
from tests.frameworks import need

pytestmark = pytest.mark.frameworks

SET = """lr:            warmup(linear, 20) >> cosine($peak→$peak / 10)
weight_decay:  linear(0.1→0.01)
betas[1]:      linear(0.95→0.99, 10%) >> hold()
ema:           fn(min(0.9999, (1 + t) / (10 + t)))
loss.kl:       linear(0→1, 50)"""
TOTAL = 120
PARAMS = {"peak": 1e-3}
F32 = {"rtol": 1e-6, "atol": 1e-7}


def test_adamw_under_jit_uses_every_member_each_update() -> None:
    jax = need("jax")
    optax = need("optax")
    import jax.numpy as jnp

    import lrdsl.optax

    opt = lrdsl.optax.inject(optax.adamw, SET, total_steps=TOTAL, params=PARAMS)
    params = {"w": jnp.ones(3)}
    state = opt.init(params)

    @jax.jit
    def step(params: dict, state: object) -> tuple:
        grads = jax.tree.map(jnp.ones_like, params)
        updates, state = opt.update(grads, state, params)
        return optax.apply_updates(params, updates), state

    used: dict[str, list[float]] = {"learning_rate": [], "weight_decay": [], "b2": [], "b1": []}
    for _ in range(TOTAL + 5):  # past the end: every member holds its end value
        params, state = step(params, state)
        for name in used:
            used[name].append(float(state.hyperparams[name]))
    steps = np.arange(TOTAL + 5)
    for name, member in (("learning_rate", "lr"), ("weight_decay", "weight_decay"), ("b2", "betas[1]")):
        want = lrdsl.evaluate(SET, TOTAL, steps=steps, params=PARAMS, member=member)
        np.testing.assert_allclose(used[name], want, **F32, err_msg=member)
    assert set(used["b1"]) == {np.float32(0.9)}  # not a member: optax's default, untouched
    assert "ema" not in state.hyperparams and "loss.kl" not in state.hyperparams


def test_schedules_give_every_member_jit_safe() -> None:
    jax = need("jax")
    need("optax")
    import jax.numpy as jnp

    import lrdsl.optax

    every = lrdsl.optax.schedules(SET, TOTAL, params=PARAMS)
    assert list(every) == ["lr", "weight_decay", "betas[1]", "ema", "loss.kl"]
    steps = jnp.arange(TOTAL)
    for name, fn in every.items():
        got = np.asarray(jax.jit(jax.vmap(fn))(steps), dtype=np.float64)
        np.testing.assert_allclose(got, lrdsl.evaluate(SET, TOTAL, params=PARAMS, member=name), **F32, err_msg=name)


def test_sgd_momentum_member_and_a_lone_schedule() -> None:
    need("jax")
    optax = need("optax")
    import jax.numpy as jnp

    import lrdsl.optax

    text = "lr: 0.1\nmomentum: linear(0→0.9, 10) >> hold()"
    opt = lrdsl.optax.inject(optax.sgd, text, total_steps=20)
    state = opt.init({"w": jnp.zeros(2)})
    assert float(state.hyperparams["momentum"]) == 0.0
    lone = lrdsl.optax.inject(optax.adam, "cosine(1e-3→0)", total_steps=20)  # a set of `lr` alone
    assert float(lone.init({"w": jnp.zeros(2)}).hyperparams["learning_rate"]) == pytest.approx(1e-3)


OPTAX_NAMES = "lr → learning_rate, weight_decay, momentum, betas[0] → b1, betas[1] → b2, eps"
SET_ADAPTER_ERRORS: list[tuple[str, str, dict[str, Any], str]] = [
    (
        "adamw",
        "lr: 1e-3\nmomentum: 0.9",
        {},
        "2:1: error: member 'momentum': optax adamw has no argument 'momentum'\n  momentum: 0.9\n  ^^^^^^^^\n"
        f"hint: remove the member, or use an optimizer that has it; the members the adapter sets: {OPTAX_NAMES}",
    ),
    (
        "sgd",
        "lr: 1e-3\ndampening: 0.1",
        {},
        "2:1: error: member 'dampening': optax sgd has no hyper-parameter 'dampening'\n  dampening: 0.1\n  ^^^^^^^^^\n"
        f"hint: remove the member, or use an optimizer that has it; the members the adapter sets: {OPTAX_NAMES}",
    ),
    (
        "adamw",
        "lr: 1e-3\nweight_decay: 0.1",
        {"weight_decay": 0.1},
        "error: weight_decay= is given beside a schedule set\n"
        "hint: write every schedule as a member of the set; keep keywords for constants the set does not give",
    ),
    (
        "adamw",
        "lr: 1e-3",
        {"b2": "linear(0.95→0.99)"},
        "error: b2= is given beside a schedule set\n"
        "hint: write every schedule as a member of the set; keep keywords for constants the set does not give",
    ),
]
"""The set adapters' refusals, whole (tests/test_errors.py reads this table; Keras gives the same, named as
Keras names its arguments: tests/keras_sets_worker.py)."""


@pytest.mark.parametrize(("factory", "text", "kwargs", "message"), SET_ADAPTER_ERRORS)
def test_refusals(factory: str, text: str, kwargs: dict[str, Any], message: str) -> None:
    optax = need("optax")
    import lrdsl.optax

    with pytest.raises(LrdslError) as err:
        lrdsl.optax.inject(getattr(optax, factory), text, total_steps=10, **kwargs)
    assert str(err.value) == message


def test_a_parameter_no_member_reads_is_refused() -> None:
    optax = need("optax")
    import lrdsl.optax

    with pytest.raises(LrdslError, match=r"unused parameter: \$other"):
        lrdsl.optax.inject(optax.adamw, SET, total_steps=10, params={"peak": 1e-3, "other": 1.0})
