"""from_keras: real Keras 3 schedules (and their configs) imported and compared with Keras' own values."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import lrdsl
from tests.frameworks import need
from tests.parity.test_keras import ROWS

pytestmark = pytest.mark.frameworks


def _keras() -> Any:
    os.environ.setdefault("KERAS_BACKEND", "jax")
    return need("keras")


def _keras_values(schedule: Any, steps: list[int]) -> np.ndarray:
    """Keras' values, each step called alone as the optimizer calls it."""
    keras = _keras()
    return np.array([float(keras.ops.convert_to_numpy(schedule(t))) for t in steps])


def _sample(n: int, bounds: tuple[int, ...] = ()) -> list[int]:
    return sorted(
        {*range(0, n, max(n // 40, 1)), n - 1, *(b + d for b in bounds for d in (-1, 0, 1) if 0 <= b + d < n)}
    )


def _agrees(expr: str, schedule: Any, n: int, bounds: tuple[int, ...] = ()) -> None:
    at = _sample(n, bounds)
    np.testing.assert_allclose(lrdsl.evaluate(expr, n, steps=at), _keras_values(schedule, at), rtol=2e-6, atol=5e-8)


@pytest.mark.parametrize(("row", "make", "expr", "steps", "spe"), ROWS, ids=[r[0] for r in ROWS])
def test_parity_row_imports_to_its_expression(
    row: str, make: Callable[[Any], Any], expr: str, steps: int, spe: float | None
) -> None:
    schedule = make(_keras().optimizers.schedules)
    got = lrdsl.from_keras(schedule, total_steps=steps)
    np.testing.assert_allclose(lrdsl.evaluate(got, steps, spe), lrdsl.evaluate(expr, steps, spe), rtol=1e-9, atol=1e-15)
    from_config = lrdsl.from_keras(schedule.get_config(), total_steps=steps)
    np.testing.assert_allclose(lrdsl.evaluate(from_config, steps), lrdsl.evaluate(expr, steps), rtol=1e-9, atol=1e-15)


# (case, factory, steps of the run, boundaries checked on both sides)
CASES: list[tuple[str, Callable[[Any], Any], int, tuple[int, ...]]] = [
    ("ExponentialDecay every step", lambda S: S.ExponentialDecay(0.5, 1, 0.97), 200, ()),
    ("ExponentialDecay fractional period", lambda S: S.ExponentialDecay(0.1, 2.5, 0.9), 200, ()),
    ("ExponentialDecay growing", lambda S: S.ExponentialDecay(1e-3, 20, 1.5, staircase=True), 150, (20, 40, 140)),
    (
        "PiecewiseConstantDecay four values",
        lambda S: S.PiecewiseConstantDecay([5, 60, 61], [1.0, 0.5, 0.25, 0.1]),
        100,
        (5, 60, 61),
    ),
    ("PiecewiseConstantDecay float boundary", lambda S: S.PiecewiseConstantDecay([10.5], [0.1, 0.05]), 40, (10, 11)),
    ("PolynomialDecay defaults", lambda S: S.PolynomialDecay(0.1, 100), 150, (100,)),
    (
        "PolynomialDecay cycle power 3",
        lambda S: S.PolynomialDecay(0.2, 40, 0.0, power=3.0, cycle=True),
        200,
        (40, 80, 120, 160),
    ),
    ("InverseTimeDecay fractional period", lambda S: S.InverseTimeDecay(0.1, 0.5, 0.1), 100, ()),
    ("CosineDecay no alpha", lambda S: S.CosineDecay(0.05, 80), 120, (80,)),
    (
        "CosineDecay warm-up from 1e-4",
        lambda S: S.CosineDecay(1e-4, 100, 0.1, warmup_target=0.02, warmup_steps=25),
        160,
        (25, 125),
    ),
    ("CosineDecay warm-up 0 steps", lambda S: S.CosineDecay(0.0, 100, warmup_target=0.02, warmup_steps=0), 120, (100,)),
    ("CosineDecayRestarts defaults", lambda S: S.CosineDecayRestarts(0.1, 20), 300, (20, 60, 140, 300 - 1)),
    (
        "CosineDecayRestarts t_mul 1 m_mul",
        lambda S: S.CosineDecayRestarts(0.1, 25, t_mul=1.0, m_mul=0.8, alpha=0.1),
        200,
        (25, 50, 75, 100),
    ),
]


@pytest.mark.parametrize(("case", "make", "n", "bounds"), CASES, ids=[c[0] for c in CASES])
def test_schedule_imports_exactly(case: str, make: Callable[[Any], Any], n: int, bounds: tuple[int, ...]) -> None:
    schedule = make(_keras().optimizers.schedules)
    expr = lrdsl.from_keras(schedule, total_steps=n)
    _agrees(expr, schedule, n, bounds)
    serialized = _keras().optimizers.schedules.serialize(schedule)
    assert lrdsl.from_keras(json.loads(json.dumps(serialized)), total_steps=n) == expr


def test_named_forms() -> None:
    S = _keras().optimizers.schedules
    assert lrdsl.from_keras(S.PiecewiseConstantDecay([100, 250], [0.1, 0.01, 1e-3])) == (
        "piecewise([0.1, 0.01, 1e-3], at=[101, 251])"
    )
    assert lrdsl.from_keras(S.CosineDecayRestarts(0.1, 1000, alpha=0.01)) == (
        "cosine(0.1→1e-3) * restart(period=1000, mult=2)"
    )
    assert lrdsl.from_keras(S.ExponentialDecay(0.1, 2.5, 0.9)) == "exp_decay(0.1, rate=0.9 ** (1 / 2.5))"


def test_fractional_staircase_is_exact_where_keras_float32_is() -> None:
    """``decay_steps=12009.6, staircase=True`` drops at 12010, 24020, 36029 (⌈k·12009.6⌉), in Keras' float32
    too until its 257th drop (at 3086468 exactly, at 3086467 in float32, which rounds 256.99999 up): imported without sampling."""
    from lrdsl.importers.keras import _float32_drops

    S = _keras().optimizers.schedules
    for cls, key in ((S.ExponentialDecay, "rate"), (S.InverseTimeDecay, "decay")):
        schedule = cls(1.0, 12009.6, 0.5, staircase=True)
        expr = lrdsl.from_keras(schedule, total_steps=100_000)
        shape = "exp_decay" if key == "rate" else "inverse_time"
        assert expr == f"{shape}(1, {key}=0.5, every=12009.6, staircase=true)"
        drops = (12010, 24020, 36029, 48039, 60048, 72058, 84068, 96077)
        _agrees(expr, schedule, 100_000, drops)
        assert lrdsl.from_keras(schedule.get_config(), total_steps=100_000) == expr
    at = [36028, 36029]
    expr = "exp_decay(1, rate=0.5, every=12009.6, staircase=true)"
    assert list(lrdsl.evaluate(expr, 100_000, steps=at)) == list(
        _keras_values(S.ExponentialDecay(1.0, 12009.6, 0.5, staircase=True), at)
    )
    assert _float32_drops(12009.6, 3_086_467) is not None
    assert _float32_drops(12009.6, 3_086_468) is None  # step 3086467 is in the run: Keras has dropped already
    # 36 / 2.4 = 15 exactly, 14.999999 in float32: Keras drops a step late, so the staircase is sampled
    assert _float32_drops(2.4, 100) is None
    with pytest.raises(lrdsl.LrdslError, match="imported by sampling it: give the run's length"):
        lrdsl.from_keras(S.ExponentialDecay(1.0, 2.4, 0.5, staircase=True))
    assert lrdsl.from_keras(S.ExponentialDecay(1.0, 2.5, 0.5, staircase=True), total_steps=100) == (
        "exp_decay(1, rate=0.5, every=2.5, staircase=true)"
    )


def test_subclass_is_sampled_and_fitted() -> None:
    keras = _keras()

    base: Any = keras.optimizers.schedules.LearningRateSchedule

    class Halving(base):  # type: ignore[misc]
        def __call__(self, step: Any) -> Any:
            return 0.1 * keras.ops.power(0.5, keras.ops.floor(keras.ops.cast(step, "float32") / 25.0))

    expr = lrdsl.from_keras(Halving(), total_steps=100)
    _agrees(expr, Halving(), 100, (25, 50, 75))
    with pytest.raises(lrdsl.LrdslError, match="is imported by sampling it: give the run's length"):
        lrdsl.from_keras(Halving())


def test_bad_inputs() -> None:
    _keras()
    with pytest.raises(lrdsl.LrdslError, match="from_keras\\(\\) takes a keras"):
        lrdsl.from_keras(3)
    with pytest.raises(lrdsl.LrdslError, match="does not say which Keras schedule it is"):
        lrdsl.from_keras({"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5, "name": "mine"})


SPECS: list[tuple[str, Callable[[Any], Any], int]] = [
    ("CosineDecayRestarts(0.1, 1000, t_mul=2.0)", lambda S: S.CosineDecayRestarts(0.1, 1000, t_mul=2.0), 8000),
    ("keras.optimizers.schedules.ExponentialDecay(1e-3, decay_steps=10, decay_rate=0.96, staircase=True)",
     lambda S: S.ExponentialDecay(1e-3, 10, 0.96, staircase=True), 500),
    ("PiecewiseConstantDecay(boundaries=[1000, 2000], values=[1.0, 0.5, 0.1])",
     lambda S: S.PiecewiseConstantDecay([1000, 2000], [1.0, 0.5, 0.1]), 3000),
    ("CosineDecay(0.0, 900, alpha=0.0, warmup_target=3e-4, warmup_steps=100)",
     lambda S: S.CosineDecay(0.0, 900, warmup_target=3e-4, warmup_steps=100), 1000),
]  # fmt: skip


@pytest.mark.parametrize(("spec", "make", "n"), SPECS, ids=[s[0].partition("(")[0] for s in SPECS])
def test_spec_imports_exactly(spec: str, make: Callable[[Any], Any], n: int) -> None:
    from lrdsl.importers import import_spec

    expr = import_spec("keras", spec, total_steps=n)
    _agrees(expr, make(_keras().optimizers.schedules), n, (100, 1000, 2000))


# --- Keras' own expected values through the importer ----------------------------------------------------
# From keras-team/keras, keras/src/optimizers/schedules/learning_rate_schedule_test.py (Apache-2.0), at
# commit ac2ee342b119221090e464edc0d3344289f48741: each test's schedule (as a SPEC), the steps it calls it
# at and the values it asserts, with its tolerance (assertAllClose: atol = rtol = 1e-6).


def _cos(step: float, decay: float, alpha: float = 0.0) -> float:
    """``np_cosine_decay`` of that file."""
    step = min(step, decay)
    return (1.0 - alpha) * 0.5 * (1.0 + math.cos(math.pi * step / decay)) + alpha


def _restarts(step: float, decay: float, t_mul: float = 2.0, m_mul: float = 1.0, alpha: float = 0.0) -> float:
    """``np_cosine_decay_restarts`` of that file."""
    fac = 1.0
    while step >= decay:
        step -= decay
        decay *= t_mul
        fac *= m_mul
    return (1.0 - alpha) * fac * 0.5 * (1.0 + math.cos(math.pi * step / decay)) + alpha


QUARTERS = range(0, 1500, 250)
KERAS_TESTS: list[tuple[str, str, list[tuple[int, float]]]] = [
    ("ExponentialDecayTest.test_continuous", "ExponentialDecay(0.05, 10, 0.96)", [(5, 0.05 * 0.96 ** (5.0 / 10.0))]),
    (
        "ExponentialDecayTest.test_staircase",
        "ExponentialDecay(0.1, 3, 0.96, staircase=True)",
        [(1, 0.1), (2, 0.1), (100, 0.1 * 0.96 ** (100 // 3))],
    ),
    (
        "ExponentialDecayTest.test_variables",
        "ExponentialDecay(0.1, 3, 0.96, staircase=True)",
        [(1, 0.1), (2, 0.1), (100, 0.1 * 0.96 ** (100 // 3))],
    ),
    (
        "PiecewiseConstantDecayTest.test_piecewise_values",
        "PiecewiseConstantDecay([100, 110, 120], [1.0, 0.1, 0.01, 0.001])",
        [(100, 1.0), (105, 0.1), (110, 0.1), (120, 0.01), (999, 0.001)],  # and x = -999: lrdsl has no negative steps
    ),
    (
        "PiecewiseConstantDecayTest.test_boundary_values",
        "PiecewiseConstantDecay([1, 2, 3], [0.4, 0.5, 0.6, 0.7])",
        [(0, 0.4), (1, 0.4), (2, 0.5), (3, 0.6), (4, 0.7)],
    ),
    ("LinearDecayTest.test_halfway", "PolynomialDecay(0.05, 10, 0.0)", [(5, 0.05 * 0.5)]),
    ("LinearDecayTest.test_end", "PolynomialDecay(0.05, 10, 0.001)", [(10, 0.001)]),
    ("LinearDecayTest.test_halfway_with_end", "PolynomialDecay(0.05, 10, 0.001)", [(5, (0.05 + 0.001) * 0.5)]),
    ("LinearDecayTest.test_beyond_end", "PolynomialDecay(0.05, 10, 0.001)", [(15, 0.001)]),
    (
        "LinearDecayTest.test_beyond_end_with_cycle",
        "PolynomialDecay(0.05, 10, 0.001, cycle=True)",
        [(15, (0.05 - 0.001) * 0.25 + 0.001)],
    ),
    ("SqrtDecayTest.test_halfway", "PolynomialDecay(0.05, 10, 0.0, power=0.5)", [(5, 0.05 * 0.5**0.5)]),
    ("SqrtDecayTest.test_end", "PolynomialDecay(0.05, 10, 0.001, power=0.5)", [(10, 0.001)]),
    (
        "SqrtDecayTest.test_halfway_with_end",
        "PolynomialDecay(0.05, 10, 0.001, power=0.5)",
        [(5, (0.05 - 0.001) * 0.5**0.5 + 0.001)],
    ),
    ("SqrtDecayTest.test_beyond_end", "PolynomialDecay(0.05, 10, 0.001, power=0.5)", [(15, 0.001)]),
    (
        "SqrtDecayTest.test_beyond_end_with_cycle",
        "PolynomialDecay(0.05, 10, 0.001, power=0.5, cycle=True)",
        [(15, (0.05 - 0.001) * 0.25**0.5 + 0.001)],
    ),
    ("SqrtDecayTest.test_begin_with_cycle", "PolynomialDecay(0.001, 10, cycle=True)", [(0, 0.001)]),
    (
        "InverseTimeDecayTest.test_decay",
        "InverseTimeDecay(0.1, 10, 0.96)",
        [(i, 0.1 / (1 + i / 10 * 0.96)) for i in range(11)],
    ),
    (
        "InverseTimeDecayTest.test_staircase",
        "InverseTimeDecay(0.1, 10, 0.96, staircase=True)",
        [(i, 0.1 / (1 + 0.96 * (i // 10))) for i in range(11)],
    ),
    ("CosineDecayTest.test_decay", "CosineDecay(1.0, 1000)", [(s, _cos(s, 1000)) for s in QUARTERS]),
    (
        "CosineDecayTest.test_warmup",
        "CosineDecay(0.0, 10, warmup_target=10.0, warmup_steps=1500)",
        [(s, s / 1500 * 10.0) for s in QUARTERS],
    ),
    ("CosineDecayTest.test_alpha", "CosineDecay(1.0, 1000, 0.1)", [(s, _cos(s, 1000, 0.1)) for s in QUARTERS]),
    ("CosineDecayTest.test_float64", "CosineDecay(np.float64(1.0), 1000)", [(s, _cos(s, 1000)) for s in QUARTERS]),
    (
        "CosineDecayTest.test_warmup_decay",
        "CosineDecay(0.0, 1000, warmup_target=10.0, warmup_steps=2000)",
        [(s, s / 2000 * 10.0 if s < 2001 else 10.0 * _cos(s - 2000, 1000)) for s in range(0, 3000, 250)],
    ),
    (
        "CosineDecayRestartsTest.test_decay",
        "CosineDecayRestarts(1.0, 1000)",
        [(s, _restarts(s, 1000)) for s in QUARTERS],
    ),
    (
        "CosineDecayRestartsTest.test_float64",
        "CosineDecayRestarts(np.float64(1.0), 1000)",
        [(s, _restarts(s, 1000)) for s in QUARTERS],
    ),
    (
        "CosineDecayRestartsTest.test_alpha",
        "CosineDecayRestarts(1.0, 1000, alpha=0.1)",
        [(s, _restarts(s, 1000, alpha=0.1)) for s in QUARTERS],
    ),
    (
        "CosineDecayRestartsTest.test_mmul",
        "CosineDecayRestarts(1.0, 1000, m_mul=0.9)",
        [(s, _restarts(s, 1000, m_mul=0.9)) for s in QUARTERS],
    ),
    (
        "CosineDecayRestartsTest.test_tmul",
        "CosineDecayRestarts(1.0, 1000, t_mul=1.0)",
        [(s, _restarts(s, 1000, t_mul=1.0)) for s in QUARTERS],
    ),
]


@pytest.mark.filterwarnings("ignore::lrdsl.importers.verify.UncheckedImport")
@pytest.mark.parametrize(("test", "spec", "expected"), KERAS_TESTS, ids=[t for t, _, _ in KERAS_TESTS])
def test_keras_own_expected_values(test: str, spec: str, expected: list[tuple[int, float]]) -> None:
    """Every value test of the file (28; its test_config and fit tests assert no schedule values)."""
    steps = [s for s, _ in expected]
    expr = lrdsl.importers.import_spec("keras", spec, total_steps=max(steps) + 1)
    got = lrdsl.evaluate(expr, max(steps) + 1, steps=steps)
    np.testing.assert_allclose(got, [v for _, v in expected], atol=1e-6, rtol=1e-6, err_msg=f"{test}: {expr}")


def test_a_config_naming_its_class_by_type() -> None:
    """``{"type": class, …arguments}``, what ``lrdsl export keras --format json`` writes, is read as the call."""
    need("keras")
    config = {"type": "CosineDecay", "initial_learning_rate": 0.1, "decay_steps": 100, "alpha": 0.01}
    assert lrdsl.from_keras(config, total_steps=100) == "cosine(0.1→1e-3, 100)"
