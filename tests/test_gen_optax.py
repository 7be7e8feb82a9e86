"""The ``optax`` target beyond the shared table (tests/test_targets.py): one traced step, float32 at
2**31, inject_hyperparams, grad, 64-bit steps, float32 range refusals."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import lrdsl
from lrdsl.api import generate
from tests.frameworks import load, need
from tests.gen_cases import BIG, F32, case_ids, cases

pytestmark = pytest.mark.frameworks


def _schedule(expr: str, steps: int, spe: float | None) -> Any:
    return load(generate(expr, "optax", steps, spe), "optax_target").schedule


@pytest.mark.parametrize("case", cases(), ids=case_ids())
def test_optax_jit_of_one_step_matches_interpreter(case: dict[str, Any]) -> None:
    """One int32 step under ``jit`` (a 0-d trace; tests/test_targets.py runs every step under ``vmap``)."""
    jax, jnp = need("jax"), need("jax.numpy")
    n = case["steps"]
    schedule = _schedule(case["expr"], n, case["steps_per_epoch"])
    assert np.asarray(schedule(jnp.int32(0))).dtype == np.float32
    scalar = jax.jit(schedule)
    for t in (0, n // 2, n - 1, n, 2**31 - 1):
        want = lrdsl.evaluate(case["expr"], n, case["steps_per_epoch"], steps=[t])[0]
        np.testing.assert_allclose(float(scalar(jnp.int32(t))), want, **F32)


@pytest.mark.parametrize(("name", "expr", "total", "steps"), BIG, ids=[b[0] for b in BIG])
def test_float32_places_boundaries_exactly_at_large_steps(name: str, expr: str, total: int, steps: list[int]) -> None:
    jax, jnp = need("jax"), need("jax.numpy")
    schedule = jax.jit(jax.vmap(_schedule(expr, total, None)))
    got = np.asarray(schedule(jnp.asarray(steps, dtype=jnp.int32)))
    np.testing.assert_allclose(got, lrdsl.evaluate(expr, total, steps=steps), **F32)


def test_inject_hyperparams_adam_sees_the_schedule() -> None:
    jax, jnp, optax = need("jax"), need("jax.numpy"), need("optax")
    expr = "warmup(linear, 5ep) >> cosine(0.1→1e-6) * restart(mult=2)"
    schedule = _schedule(expr, 5000, 50)
    opt = optax.inject_hyperparams(optax.adam)(learning_rate=schedule)
    params = {"w": jnp.ones(3)}
    state = opt.init(params)

    @jax.jit
    def step(params: Any, state: Any) -> Any:
        grads = jax.grad(lambda p: jnp.sum(p["w"] ** 2))(params)
        updates, state = opt.update(grads, state, params)
        return optax.apply_updates(params, updates), state

    seen = []
    for _ in range(300):
        params, state = step(params, state)
        seen.append(float(state.hyperparams["learning_rate"]))
    np.testing.assert_allclose(seen, lrdsl.evaluate(expr, 5000, 50)[:300], **F32)


def test_plain_optax_adam_and_grad_through_a_loss() -> None:
    jax, jnp, optax = need("jax"), need("jax.numpy"), need("optax")
    schedule = _schedule("cosine(0.1→0, 100)", 100, None)
    opt = optax.adam(schedule)
    params = jnp.ones(2)
    state = opt.init(params)
    for _ in range(5):
        grads = jax.grad(lambda p: jnp.sum(p**2) * schedule(3))(params)
        updates, state = opt.update(grads, state)
        params = optax.apply_updates(params, updates)
    assert np.isfinite(np.asarray(params)).all()


@pytest.mark.parametrize(
    "expr",
    ["const(1, 3000000000) >> const(2)", "linear(0→1, 100) >> const(1, 2147483548) >> cosine(1→0)"],
)
def test_phases_after_int32_steps_do_not_overflow(expr: str) -> None:
    """A phase that starts after 2**31 − 1 is never reached by an int32 step (nor printed as an int32)."""
    jax, jnp = need("jax"), need("jax.numpy")
    schedule = jax.jit(_schedule(expr, 10**12, None))
    for t in (0, 150, 2**31 - 1):
        want = lrdsl.evaluate(expr, 10**12, steps=[t])[0]
        np.testing.assert_allclose(float(schedule(jnp.int32(t))), want, **F32)


@pytest.mark.parametrize("period", [2, 3, 1000, 12345])
def test_doubling_restarts_are_unrolled_into_a_table_of_first_steps(period: int) -> None:
    """``mult=2`` over whole steps reaches at most 31 cycles below 2**31: lowering unrolls them, and the
    code searches the int32 first steps (no ``clz`` strategy of its own); every start and the steps
    either side of it agree with the interpreter to 2**31."""
    jax, jnp = need("jax"), need("jax.numpy")
    expr, total = f"cosine(1→0) * restart(period={period}, mult=2)", 2**31 - 1
    code = generate(expr, "optax", total)
    assert "_CYCLE_FIRST_STEP" in code and "searchsorted" in code and "clz" not in code
    schedule = jax.jit(load(code, "optax_doubling").schedule)
    starts = [period * (2**i - 1) for i in range(40) if period * (2**i - 1) < total]
    steps = sorted({max(s + d, 0) for s in starts for d in (-1, 0, 1)} | {total - 1, total})
    got = [float(schedule(jnp.int32(t))) for t in steps]
    want = lrdsl.evaluate(expr, total, steps=steps)
    np.testing.assert_allclose(got, want, **F32)
    for s in starts[1:]:
        assert float(schedule(jnp.int32(s))) == 1.0  # a new cycle starts at its first step, from the peak


@pytest.mark.parametrize(
    ("expr", "steps", "spe"),
    [
        ("cosine(0.1→1e-6) * restart(period=30, mult=2)", 5000, None),
        ("(cyclic(10→0.1, half=1) * restart(period=50) * restart(period=30, mult=2)) * quantize(2, at=end)", 7, 0.1),
    ],
)
def test_the_same_code_at_64_bits_gives_float64_numbers(expr: str, steps: int, spe: float | None) -> None:
    """The differential fuzz re-runs a float32 mismatch at 64 bits (``int32``/``float32`` read as 64-bit
    under ``jax.enable_x64``) to tell float32 rounding from a wrong formula: the code must not assume a
    width (a restart's ``31 − clz`` of an int64 was wrong; its table of first steps is read at any width)."""
    jax, jnp = need("jax"), need("jax.numpy")
    code = generate(expr, "optax", steps, spe)
    with jax.enable_x64(True):
        wide = load(code.replace("float32", "float64").replace("int32", "int64"), "optax_x64").schedule
        got = np.asarray(jax.jit(jax.vmap(wide))(jnp.arange(steps + 3, dtype=jnp.int64)))
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, lrdsl.evaluate(expr, steps, spe, steps=list(range(steps + 3))), rtol=1e-12)


@pytest.mark.parametrize("target", ["optax", "keras"])
@pytest.mark.parametrize(
    ("expr", "total", "message"),
    [
        ("cosine(1e39→0)", 10, r"the constant 5e\+38 is beyond float32's range"),
        ("cosine(4e38→0)", 10, r"the schedule is 4e\+38 at step 0, beyond float32's range"),
        ("fn(exp(u / 10), 1000)", 1000, r"the schedule is 3.676e\+38 at step 888"),
        ("fn(exp(u / 1e8), 1e10)", None, r"at step 887228\d+, beyond float32's range"),  # found in a run of 1e10
        ("const(1) >> fn($peak * 1e30, 10)", 20, r"the schedule is 1e\+40 at step 10"),
    ],
)
def test_float32_targets_refuse_what_float32_cannot_hold(
    target: str, expr: str, total: int | None, message: str
) -> None:
    """Beyond float32's range the code would compute inf (or 0): ``gen`` refuses it for a float32
    target, and float64 targets take it."""
    params = {"peak": 1e10} if "$peak" in expr else None
    with pytest.raises(lrdsl.LrdslError, match=message):
        generate(expr, target, total, params=params)
    generate(expr, "python", total, params=params)


@pytest.mark.parametrize("expr", ["fn(1e-50 * exp(-u), 100)", "linear(1→1e-60, 100)", "exp(1→1e-300, 100)"])
def test_float32_targets_take_values_that_underflow_on_their_way_to_0(expr: str) -> None:
    jax, jnp = need("jax"), need("jax.numpy")
    schedule = jax.jit(jax.vmap(_schedule(expr, 100, None)))
    got = np.asarray(schedule(jnp.arange(101, dtype=jnp.int32)))
    assert np.isfinite(got).all() and (got >= 0).all()
