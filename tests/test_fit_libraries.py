"""``lrdsl.fit`` on curves recorded from the real libraries: at least 90 % fit exactly, with no hand help.

Each row of the parity harness (tests/parity: PyTorch, Keras, Optax, HF, timm, Composer, fastai,
Paddle) is run through its library by the harness' own builder, and its curve is fitted from the
values alone (and the steps per epoch where the library counts epochs). Libraries that compute in
float32 (Keras, Optax, fastai) are fitted with ``rtol=1e-6`` and an ``atol`` of a few float32
roundings of the curve's largest value (``4·2⁻²⁴·max|y|``: the progress ``u/d`` rounded to float32
moves a value by up to about ``π/2`` units in the last place of the peak, however small the value);
the others (Python floats) with ``rtol=1e-9``.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest

import lrdsl
from lrdsl.fitting.search import phases_of
from tests.frameworks import REQUIRED, need, run_worker

pytestmark = pytest.mark.frameworks
BUDGET = 8.0
"""Seconds of fitting per curve at most (an exact fit takes well under one)."""
MAX_PHASES = 8
"""Phases of an expression a person would write at most: more (a constant per epoch of a shape
lrdsl does not name) is exact but no translation, and counts as a miss."""
FLOAT32 = 4 * 2.0**-24
"""Absolute tolerance of a float32 curve, times its largest value: a few roundings of the peak."""


@dataclass(frozen=True)
class Curve:
    """A recorded curve and how to fit it."""

    name: str
    values: np.ndarray
    spe: float | None = None
    float32: bool = False

    def tolerance(self) -> tuple[float, float]:
        """``(rtol, atol)``."""
        if self.float32:
            return 1e-6, FLOAT32 * float(np.max(np.abs(self.values)))
        return 1e-9, 0.0


def _torch() -> list[Curve]:
    from tests.parity import test_torch

    return [Curve(f"torch {row}", test_torch._torch_values(make, n)) for row, make, _, n in test_torch.ROWS]


def _keras() -> list[Curve]:
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = need("keras")
    from tests.parity import test_keras

    out = []
    for row, make, _, n, spe in test_keras.ROWS:
        values = _per_step(make(keras.optimizers.schedules), n)
        out.append(Curve(f"keras {row}", values, spe, float32=True))
    return out


def _per_step(schedule: Callable[[object], object], n: int) -> np.ndarray:
    """``schedule(t)`` for each step ``t < n``, compiled once with ``jax.jit`` as a training step runs it.

    (Keras' jax backend and Optax users evaluate the schedule inside the jitted update; called
    eagerly per step instead, a 400-step curve takes minutes here.)
    """
    jax, jnp = need("jax"), need("jax.numpy")
    compiled = jax.jit(schedule)
    return np.array([float(compiled(jnp.int32(t))) for t in range(n)])


def _optax() -> list[Curve]:
    optax = need("optax")
    from tests.parity import test_optax

    return [
        Curve(f"optax {row}", _per_step(make(optax), test_optax.N), float32=True) for row, make, _ in test_optax.ROWS
    ]


def _hf() -> list[Curve]:
    torch = need("torch")
    hf = need("transformers.optimization")
    from tests.parity import test_hf

    out = []
    for row, make, _ in test_hf.ROWS:
        opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        sched = make(hf, opt)
        seen = []
        for _ in range(test_hf.N):
            seen.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        out.append(Curve(f"hf {row}", np.array(seen)))
    return out


def _timm() -> list[Curve]:
    from tests.parity import test_timm

    return [Curve(f"timm {r[0]}", test_timm._timm_values(r[1], r[3]), test_timm.S) for r in test_timm.ROWS]


def _composer() -> list[Curve]:
    from tests.parity import test_composer

    return [
        Curve(f"composer {r[0]}", test_composer._composer_values(r[1], r[3]), test_composer.S)
        for r in test_composer.ROWS
    ]


def _fastai() -> list[Curve]:
    from tests.parity import test_fastai

    return [
        Curve(f"fastai {r[0]}", test_fastai._fastai_values(r[1], r[3], 7), 7, float32=True) for r in test_fastai.ROWS
    ]


def _paddle() -> list[Curve]:
    if importlib.util.find_spec("paddle") is None:
        if REQUIRED:
            pytest.fail("paddle is required (LRDSL_REQUIRE_FRAMEWORKS=1) but not installed")
        pytest.skip("paddle is not installed")
    report = run_worker("tests.parity.paddle_rows", {"LRDSL_PADDLE_VALUES": "1"})
    return [Curve(f"paddle {row}", np.array(values)) for row, values in report["values"].items()]


LIBRARIES: dict[str, Callable[[], list[Curve]]] = {
    "PyTorch": _torch,
    "Keras": _keras,
    "Optax": _optax,
    "HF": _hf,
    "timm": _timm,
    "Composer": _composer,
    "fastai": _fastai,
    "Paddle": _paddle,
}


def test_real_library_curves_fit_exactly() -> None:
    """≥ 90 % of every library's recorded curves get an exact, ``fn``-free expression from the values alone."""
    curves = [c for build in LIBRARIES.values() for c in build()]
    assert len(curves) >= 90
    misses = []
    for curve in curves:
        rtol, atol = curve.tolerance()
        got = lrdsl.fit(curve.values, steps_per_epoch=curve.spe, rtol=rtol, atol=atol, budget=BUDGET)
        if not got.exact:
            misses.append(f"{curve.name}: {got.expr} (max error {got.max_error:.3g} at step {got.first_departure})")
            continue
        if phases_of(got.expr) > MAX_PHASES:
            misses.append(f"{curve.name}: exact but {phases_of(got.expr)} phases: {got.expr[:80]}…")
            continue
        assert "fn(" not in got.expr and "recur(" not in got.expr, got.expr
        again = lrdsl.evaluate(got.expr, curve.values.size, curve.spe)
        assert np.all(np.abs(again - curve.values) <= atol + rtol * np.abs(curve.values)), curve.name
    exact = len(curves) - len(misses)
    message = f"{exact}/{len(curves)} exact; misses:\n" + "\n".join(misses)
    print(message)
    assert exact >= 0.9 * len(curves), message
