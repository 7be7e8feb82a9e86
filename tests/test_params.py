"""Named parameters in generated code (one class serves a sweep), other hyper-parameters, adapters."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import lrdsl
from lrdsl.api import generate
from tests.conftest import ROOT
from tests.frameworks import load, need
from tests.gen_cases import F32, F64

E = "warmup(linear, 5%) >> cosine($peak→$peak / 100) * restart(mult=2) + $floor"
BOUND = {"peak": 3e-4, "floor": 1e-6}
SWEEP = [{"peak": 1e-4, "floor": 0.0}, {"peak": 3e-4, "floor": 1e-6}, {"peak": 3e-3, "floor": 1e-5}]


def test_python_one_function_serves_a_sweep() -> None:
    lr = load(generate(E, "python", 1000, params=BOUND), "sweep_python").lr
    for params in SWEEP:
        want = lrdsl.evaluate(E, 1000, params=params)
        np.testing.assert_allclose([lr(t, **params) for t in range(1000)], want, **F64)
    np.testing.assert_allclose(lr(10), lrdsl.evaluate(E, 1000, params=BOUND, steps=[10])[0], **F64)


def test_unbound_parameters_become_required_arguments() -> None:
    lr = load(generate(E, "python", 1000), "required_python").lr
    with pytest.raises(TypeError):
        lr(10)
    np.testing.assert_allclose(
        lr(500, peak=1e-3, floor=0.0),
        lrdsl.evaluate(E, 1000, params={"peak": 1e-3, "floor": 0.0}, steps=[500])[0],
        **F64,
    )


def test_parameters_that_set_durations_are_baked_in() -> None:
    code = generate("cosine($top→0, $n)", "python", 100, params={"n": 50, "top": 1.0})
    lr = load(code, "baked_python").lr
    assert lr(25, top=2.0) == pytest.approx(1.0)  # n = 50 is baked, top is an argument
    with pytest.raises(TypeError):
        lr(25, top=1.0, n=10)
    with pytest.raises(lrdsl.LrdslError, match=r"\$n sets a duration"):
        generate("cosine(1→0, $n)", "python", 100)


@pytest.mark.parametrize("name", ["step", "self", "class", "p", "math"])
def test_parameter_names_that_clash_are_refused(name: str) -> None:
    with pytest.raises(lrdsl.LrdslError, match="cannot be an argument"):
        generate(f"cosine(${name}→0)", "python", 100)


@pytest.mark.frameworks
def test_torch_generated_class_and_adapter_serve_a_sweep() -> None:
    torch = need("torch")
    cls = load(generate(E, "torch", 1000, params=BOUND), "sweep_torch").Scheduler
    for params in SWEEP:
        want = lrdsl.evaluate(E, 1000, params=params)
        for make in (lambda o, p=params: cls(o, **p), lambda o, p=params: lrdsl.torch.scheduler(o, E, 1000, params=p)):
            opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
            sched = make(opt)
            seen = []
            for _ in range(1000):
                seen.append(opt.param_groups[0]["lr"])
                opt.step()
                sched.step()
            np.testing.assert_allclose(seen, want, **F64)


@pytest.mark.frameworks
def test_torch_drives_momentum_and_betas() -> None:
    torch = need("torch")
    # One-cycle's inverse momentum: down from 0.95 to 0.85 while the lr rises, then back.
    # PyTorch's OneCycleLR ends its phases at steps pct·N − 1 = 29 and N − 1 = 99.
    momentum = "cosine(0.95→0.85, 29) >> cosine(0.85→0.95, 70)"
    param = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([param], lr=0.1, momentum=0.9)
    lr_sched = lrdsl.torch.scheduler(opt, "onecycle(0.1)", 100)
    m_sched = lrdsl.torch.scheduler(opt, momentum, 100, key="momentum")
    seen_lr, seen_m = [], []
    for _ in range(100):
        seen_lr.append(opt.param_groups[0]["lr"])
        seen_m.append(opt.param_groups[0]["momentum"])
        opt.step()
        lr_sched.step()
        m_sched.step()
    np.testing.assert_allclose(seen_m, lrdsl.evaluate(momentum, 100), **F64)
    np.testing.assert_allclose(seen_lr, lrdsl.evaluate("onecycle(0.1)", 100), **F64)
    ref = torch.optim.lr_scheduler.OneCycleLR(
        torch.optim.SGD([param], lr=0.1, momentum=0.9), max_lr=0.1, total_steps=100
    )
    ref_m = []
    for _ in range(100):
        ref_m.append(ref.optimizer.param_groups[0]["momentum"])
        ref.optimizer.step()
        ref.step()
    np.testing.assert_allclose(seen_m, ref_m, rtol=1e-12)  # PyTorch's own momentum cycle
    adam = torch.optim.Adam([param], lr=1e-3, betas=(0.9, 0.999))
    beta = lrdsl.torch.scheduler(adam, "linear(0.85→0.95, 10)", 10, key="betas[0]")
    for _ in range(5):
        adam.step()
        beta.step()
    assert adam.param_groups[0]["betas"] == pytest.approx((0.9, 0.999))
    assert isinstance(adam.param_groups[0]["betas"], tuple)


@pytest.mark.frameworks
def test_optax_make_schedule_and_adapter() -> None:
    jax, jnp = need("jax"), need("jax.numpy")
    module = load(generate(E, "optax", 1000, params=BOUND), "sweep_optax")
    steps = jnp.arange(1000, dtype=jnp.int32)
    for params in SWEEP:
        got = np.asarray(jax.jit(jax.vmap(module.make_schedule(**params)))(steps))
        np.testing.assert_allclose(got, lrdsl.evaluate(E, 1000, params=params), **F32)
    got = np.asarray(jax.jit(jax.vmap(lrdsl.optax.schedule(E, 1000, params=BOUND)))(steps))
    np.testing.assert_allclose(got, lrdsl.evaluate(E, 1000, params=BOUND), **F32)
    grad = jax.grad(lambda peak: module.make_schedule(peak=peak, floor=0.0)(600))(3e-4)
    assert np.isfinite(float(grad)) and float(grad) > 0  # differentiable in its parameters


@pytest.mark.frameworks
def test_keras_schedule_config_and_adapter() -> None:
    os.environ.setdefault("KERAS_BACKEND", "jax")
    need("keras")
    ops = need("keras.ops")
    cls = load(generate(E, "keras", 1000, params=BOUND, name="SweepSchedule"), "sweep_keras").SweepSchedule
    steps = ops.arange(1000, dtype="int32")
    for params in SWEEP:
        sched = cls(**params)
        clone = cls.from_config(sched.get_config())
        assert clone.get_config() == params
        got = np.asarray(ops.convert_to_numpy(clone(steps)), dtype=np.float64)
        np.testing.assert_allclose(got, lrdsl.evaluate(E, 1000, params=params), **F32)
    adapted = lrdsl.keras.schedule("cosine(0.1→0, 100)", 100)
    got = np.asarray(ops.convert_to_numpy(adapted(ops.arange(100, dtype="int32"))), dtype=np.float64)
    np.testing.assert_allclose(got, lrdsl.evaluate("cosine(0.1→0, 100)", 100), **F32)


def test_adapters_import_lazily() -> None:
    code = (
        "import sys, lrdsl, lrdsl.torch, lrdsl.optax, lrdsl.keras; "
        "print(sorted(m for m in ('torch', 'jax', 'optax', 'keras') if m in sys.modules))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout.strip() == "[]"  # no framework is imported until an adapter is called
