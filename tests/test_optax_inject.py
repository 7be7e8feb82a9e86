"""``lrdsl.optax.inject`` in real JAX/Optax training loops, every step read back under ``jax.jit``."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import lrdsl
from tests.frameworks import need
from tests.gen_cases import F32

pytestmark = pytest.mark.frameworks

LR = "warmup(linear, 1ep) >> cosine($peak→1e-5) * restart(mult=2)"
WD = "linear(0→0.1, 2ep) >> const(0.1)"
TOTAL, SPE, PEAK, RUN = 250, 25, 5e-2, 300  # the loop runs 50 steps past the total: the end value holds


def _close(got: list[float], want: np.ndarray) -> None:
    """Each value read from the optimizer equals the interpreter's, to float32 precision."""
    np.testing.assert_allclose(np.array(got), want, rtol=F32["rtol"], atol=F32["atol"])


def _data() -> tuple[Any, Any]:
    jnp = need("jax.numpy")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype(np.float32)
    y = x @ np.array([1.0, -2.0, 0.5], dtype=np.float32) + 0.3
    return jnp.asarray(x), jnp.asarray(y)


def test_adamw_follows_one_expression_per_hyperparameter_read_under_jit() -> None:
    jax, jnp, optax = need("jax"), need("jax.numpy"), need("optax")
    import lrdsl.optax

    tx = lrdsl.optax.inject(
        optax.adamw,
        learning_rate=LR,
        weight_decay=WD,
        b1=0.8,
        total_steps=TOTAL,
        steps_per_epoch=SPE,
        params={"peak": PEAK},
    )
    x, y = _data()
    params = {"w": jnp.zeros(3), "b": jnp.zeros(())}

    def loss(p: Any) -> Any:
        return jnp.mean((x @ p["w"] + p["b"] - y) ** 2)

    def _step(p: Any, state: Any) -> tuple[Any, Any, Any, Any]:
        grads = jax.grad(loss)(p)
        updates, state = tx.update(grads, state, p)
        return (
            optax.apply_updates(p, updates),
            state,
            state.hyperparams["learning_rate"],
            state.hyperparams["weight_decay"],
        )

    step = jax.jit(_step)

    state = tx.init(params)
    assert float(state.hyperparams["learning_rate"]) == 0.0  # after init: the value at count 0
    lrs, wds = [], []
    for _ in range(RUN):
        params, state, lr, wd = step(params, state)
        lrs.append(float(lr))
        wds.append(float(wd))
    want_lr = lrdsl.evaluate(LR, TOTAL, SPE, steps=range(RUN), params={"peak": PEAK})
    want_wd = lrdsl.evaluate(WD, TOTAL, SPE, steps=range(RUN))
    _close(lrs, want_lr)
    _close(wds, want_wd)
    assert int(state.count) == RUN and float(state.hyperparams["b1"]) == np.float32(0.8)
    assert float(loss(params)) < 0.1 * float(loss({"w": jnp.zeros(3), "b": jnp.zeros(())}))

    # The same run with Optax's own adamw fed the interpreter's values ends on the same parameters.
    table_lr, table_wd = jnp.asarray(want_lr, jnp.float32), jnp.asarray(want_wd, jnp.float32)
    ref = optax.inject_hyperparams(optax.adamw)(
        learning_rate=lambda c: table_lr[c], weight_decay=lambda c: table_wd[c], b1=0.8
    )
    ref_params, ref_state = {"w": jnp.zeros(3), "b": jnp.zeros(())}, None
    ref_state = ref.init(ref_params)
    ref_step = jax.jit(lambda p, s: _apply(optax, ref, jax.grad(loss)(p), s, p))
    for _ in range(RUN):
        ref_params, ref_state = ref_step(ref_params, ref_state)
    for key in params:
        np.testing.assert_allclose(np.asarray(params[key]), np.asarray(ref_params[key]), rtol=1e-5, atol=1e-6)


def _apply(optax: Any, tx: Any, grads: Any, state: Any, params: Any) -> tuple[Any, Any]:
    updates, state = tx.update(grads, state, params)
    return optax.apply_updates(params, updates), state


def test_each_sgd_update_is_minus_the_evaluated_rate() -> None:
    """With gradient 1 an SGD update is ``−lr``: the value each update used, not only the one stored."""
    jax, jnp, optax = need("jax"), need("jax.numpy"), need("optax")
    import lrdsl.optax

    tx = lrdsl.optax.inject(optax.sgd, learning_rate="warmup(linear, 30) >> cosine(0.5→0.01)", total_steps=200)

    def _step(state: Any) -> tuple[Any, Any]:
        updates, state = tx.update(jnp.ones(()), state)
        return updates, state

    step = jax.jit(_step)

    state = tx.init(jnp.zeros(()))
    used = []
    for _ in range(220):
        updates, state = step(state)
        used.append(-float(updates))
    _close(used, lrdsl.evaluate("warmup(linear, 30) >> cosine(0.5→0.01)", 200, steps=range(220)))


def test_numbers_schedules_and_static_arguments_pass_through_unchanged() -> None:
    jnp, optax = need("jax.numpy"), need("optax")
    import lrdsl.optax

    linear = optax.linear_schedule(0.0, 1.0, 10)
    tx = lrdsl.optax.inject(optax.adamw, learning_rate="linear(1→0)", weight_decay=1e-4, b1=linear, total_steps=10)
    state = tx.init(jnp.zeros(2))
    for _ in range(4):
        _, state = tx.update(jnp.ones(2), state, jnp.zeros(2))
    assert float(state.hyperparams["weight_decay"]) == np.float32(1e-4)
    assert float(state.hyperparams["b1"]) == pytest.approx(0.3)
    assert float(state.hyperparams["learning_rate"]) == pytest.approx(0.7)

    def tagged(learning_rate: Any, tag: str) -> Any:
        assert tag == "cosine(1→0)"  # a static argument is not read as a schedule
        return optax.sgd(learning_rate)

    tx = lrdsl.optax.inject(tagged, learning_rate="cosine(1→0)", tag="cosine(1→0)", static_args="tag", total_steps=10)
    updates, _ = tx.update(jnp.ones(()), tx.init(jnp.zeros(())))
    assert float(updates) == -1.0


def test_read_inside_a_chain_with_tree_get() -> None:
    jax, jnp, optax = need("jax"), need("jax.numpy"), need("optax")
    import lrdsl.optax

    expr = "const(0.1, 10) >> exp(0.1→1e-3)"
    tx = optax.chain(optax.clip_by_global_norm(1.0), lrdsl.optax.inject(optax.adam, learning_rate=expr, total_steps=50))

    def _step(params: Any, state: Any) -> tuple[Any, Any, Any]:
        updates, state = tx.update(params, state, params)
        return (
            optax.apply_updates(params, updates),
            state,
            optax.tree_utils.tree_get(state, "hyperparams")["learning_rate"],
        )

    step = jax.jit(_step)

    params, state, seen = jnp.ones(4), tx.init(jnp.ones(4)), []
    for _ in range(50):
        params, state, lr = step(params, state)
        seen.append(float(lr))
    _close(seen, lrdsl.evaluate(expr, 50))


def test_parameters_are_shared_and_each_must_be_used() -> None:
    jnp, optax = need("jax.numpy"), need("optax")
    import lrdsl.optax

    tx = lrdsl.optax.inject(
        optax.adamw,
        learning_rate="cosine($peak→0)",
        weight_decay="const($wd)",
        total_steps=20,
        params={"peak": 0.5, "wd": 0.01},
    )
    state = tx.init(jnp.zeros(2))
    assert float(state.hyperparams["learning_rate"]) == 0.5
    assert float(state.hyperparams["weight_decay"]) == np.float32(0.01)
    with pytest.raises(lrdsl.LrdslError) as info:
        lrdsl.optax.inject(optax.adamw, learning_rate="cosine($peak→0)", total_steps=20, params={"peak": 1, "wd": 2})
    assert str(info.value) == "error: unused parameter: $wd\nhint: remove it or use it in one of the expressions"
    with pytest.raises(lrdsl.LrdslError, match=r"\$peak is not bound"):
        lrdsl.optax.inject(optax.adamw, learning_rate="cosine($peak→0)", total_steps=20)
    with pytest.raises(lrdsl.LrdslError, match="unknown shape 'cosin'"):
        lrdsl.optax.inject(optax.adamw, learning_rate="cosin(1→0)", total_steps=20)


def test_make_plan_an_expression_is_what_the_optimizer_steps_through() -> None:
    from lrdsl.run.plan import make_plan

    plan = make_plan(LR, TOTAL, SPE, {"peak": PEAK})
    assert plan.expr == "warmup(linear, 1ep) >> cosine($peak→1e-5) * restart(mult=2)"
    assert (plan.total_steps, plan.steps_per_epoch) == (TOTAL, SPE)
    np.testing.assert_array_equal(plan.values, lrdsl.evaluate(LR, TOTAL, SPE, params={"peak": PEAK}))
    assert plan.phases[0].label.startswith("warmup") and plan.phases[0].end == SPE
    assert not plan.values.flags.writeable


def test_the_total_may_be_a_duration() -> None:
    jnp, optax = need("jax.numpy"), need("optax")
    import lrdsl.optax

    tx = lrdsl.optax.inject(optax.sgd, learning_rate="cosine(0.1→0)", total_steps="3ep", steps_per_epoch=10)
    state, seen = tx.init(jnp.zeros(())), []
    for _ in range(30):
        updates, state = tx.update(jnp.ones(()), state)
        seen.append(-float(updates))
    _close(seen, lrdsl.evaluate("cosine(0.1→0)", "3ep", 10))
