"""from_optax: real Optax schedules imported and compared with Optax's own values over every step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import lrdsl
from tests.frameworks import need
from tests.parity.test_optax import ROWS, N

pytestmark = pytest.mark.frameworks


def _optax_values(schedule: Callable[[Any], Any], n: int) -> np.ndarray:
    jnp = need("jax.numpy")
    return np.asarray([float(schedule(jnp.int32(t))) for t in range(n)])


def _agrees(expr: str, schedule: Callable[[Any], Any], n: int = N) -> None:
    np.testing.assert_allclose(lrdsl.evaluate(expr, n), _optax_values(schedule, n), rtol=2e-6, atol=5e-8)


@pytest.mark.parametrize(("row", "make", "expr"), ROWS, ids=[r[0] for r in ROWS])
def test_parity_row_imports_to_its_expression(row: str, make: Callable[[Any], Any], expr: str) -> None:
    optax = need("optax")
    got = lrdsl.from_optax(make(optax), N)
    np.testing.assert_allclose(lrdsl.evaluate(got, N), lrdsl.evaluate(expr, N), rtol=1e-6, atol=1e-12)
    _agrees(got, make(optax))


CASES: list[tuple[str, Callable[[Any], Any]]] = [
    ("polynomial_schedule begin power 3", lambda o: o.polynomial_schedule(0.1, 0.0, 3, 100, transition_begin=25)),
    ("polynomial_schedule no steps", lambda o: o.polynomial_schedule(0.1, 0.0, 3, 0)),
    ("linear_schedule negative begin", lambda o: o.linear_schedule(0.0, 0.2, 80, transition_begin=-5)),
    ("exponential_decay fractional period", lambda o: o.exponential_decay(0.1, 2.5, 0.9)),
    ("exponential_decay growing to a ceiling", lambda o: o.exponential_decay(1e-3, 10, 1.2, end_value=0.05)),
    ("exponential_decay begin no floor", lambda o: o.exponential_decay(0.1, 20, 0.7, transition_begin=60)),
    ("cosine_decay_schedule exponent 3", lambda o: o.cosine_decay_schedule(0.2, 250, alpha=0.1, exponent=3.0)),
    ("piecewise_constant_schedule growing", lambda o: o.piecewise_constant_schedule(1e-3, {20: 10.0, 40: 10.0})),
    ("piecewise_interpolate_schedule three", lambda o: o.piecewise_interpolate_schedule("cosine", 0.0, {30: 1.0, 60: 0.0, 90: 0.0})),
    (
        "join_schedules cut cosine then floor",
        lambda o: o.join_schedules(
            [o.cosine_decay_schedule(0.1, 300), o.exponential_decay(0.05, 10, 0.9, end_value=0.01)], [100]
        ),
    ),
    (
        "join_schedules three",
        lambda o: o.join_schedules(
            [o.linear_schedule(0.0, 0.1, 50), o.piecewise_constant_schedule(0.1, {30: 0.5}), o.polynomial_schedule(0.05, 0.0, 2, 100)],
            [40, 150],
        ),
    ),
    ("warmup_cosine_decay_schedule exponent", lambda o: o.warmup_cosine_decay_schedule(1e-4, 0.1, 40, 300, 1e-3, exponent=2.0)),
    ("sgdr_schedule unequal cycles", lambda o: o.sgdr_schedule([
        {"init_value": 0.0, "peak_value": 0.1, "warmup_steps": 10, "decay_steps": 60},
        {"init_value": 0.0, "peak_value": 0.05, "warmup_steps": 10, "decay_steps": 120, "end_value": 1e-3},
    ])),
    ("a plain function", lambda o: (lambda count: 0.1 * 0.5 ** (count // 50))),
]  # fmt: skip


@pytest.mark.parametrize(("case", "make"), CASES, ids=[c[0] for c in CASES])
def test_schedule_imports_exactly(case: str, make: Callable[[Any], Any]) -> None:
    schedule = make(need("optax"))
    _agrees(lrdsl.from_optax(schedule, N), schedule)


def test_recognised_forms_need_no_total() -> None:
    optax = need("optax")
    assert lrdsl.from_optax(optax.constant_schedule(3e-4)) == "3e-4"
    assert lrdsl.from_optax(optax.warmup_cosine_decay_schedule(0.0, 0.1, 50, 350, 1e-4)) == (
        "linear(0→0.1, 50) >> cosine(0.1→1e-4, 300)"
    )
    with pytest.raises(lrdsl.LrdslError, match="does not recognise is imported by sampling it"):
        lrdsl.from_optax(lambda count: 0.1)
    with pytest.raises(lrdsl.LrdslError, match="takes a schedule function, not float"):
        lrdsl.from_optax(0.1)  # type: ignore[arg-type]


SPECS: list[tuple[str, Callable[[Any], Any]]] = [
    ("optax.cosine_decay_schedule(0.1, decay_steps=300, alpha=0.01)", lambda o: o.cosine_decay_schedule(0.1, 300, 0.01)),
    ("warmup_cosine_decay_schedule(0.0, 0.1, warmup_steps=50, decay_steps=350)", lambda o: o.warmup_cosine_decay_schedule(0.0, 0.1, 50, 350)),
    ("linear_onecycle_schedule(400, 0.1)", lambda o: o.linear_onecycle_schedule(400, 0.1)),
    ("cosine_onecycle_schedule(400, 0.1, pct_start=0.25)", lambda o: o.cosine_onecycle_schedule(400, 0.1, pct_start=0.25)),
    ("exponential_decay(0.1, 50, 0.5, transition_begin=30, staircase=True, end_value=0.01)",
     lambda o: o.exponential_decay(0.1, 50, 0.5, transition_begin=30, staircase=True, end_value=0.01)),
    ("join_schedules([optax.constant_schedule(0.1), optax.linear_schedule(0.1, 0.0, 200)], boundaries=[100])",
     lambda o: o.join_schedules([o.constant_schedule(0.1), o.linear_schedule(0.1, 0.0, 200)], [100])),
    ("sgdr_schedule([{'init_value': 0.0, 'peak_value': 0.1, 'warmup_steps': 10, 'decay_steps': 100}] * 1)",
     lambda o: o.sgdr_schedule([{"init_value": 0.0, "peak_value": 0.1, "warmup_steps": 10, "decay_steps": 100}])),
    ("piecewise_constant_schedule(0.1, {100: 0.5, 250: 0.1})", lambda o: o.piecewise_constant_schedule(0.1, {100: 0.5, 250: 0.1})),
    ("warmup_exponential_decay_schedule(0.0, 0.1, 50, 40, 0.5, end_value=1e-3)",
     lambda o: o.warmup_exponential_decay_schedule(0.0, 0.1, 50, 40, 0.5, end_value=1e-3)),
]  # fmt: skip


@pytest.mark.parametrize(("spec", "make"), SPECS, ids=[s[0].partition("(")[0] for s in SPECS])
def test_spec_imports_exactly(spec: str, make: Callable[[Any], Any]) -> None:
    from lrdsl.importers import import_spec

    if "] * 1" in spec:  # a list times a number is code, not a literal
        with pytest.raises(lrdsl.LrdslError, match="arithmetic in a SPEC is between numbers"):
            import_spec("optax", spec, total_steps=N)
        spec = spec.replace("] * 1", "]")
    _agrees(import_spec("optax", spec, total_steps=N), make(need("optax")))


@pytest.mark.parametrize(
    "spec",
    [
        "optax.linear_schedule(0.1, 0.0, 1000000000)",
        "optax.warmup_cosine_decay_schedule(0.0, 0.1, 1000000, 2000000000)",
        "optax.piecewise_constant_schedule(0.1, {300000000: 0.5, 900000000: 0.1})",
    ],
)
def test_a_long_schedule_is_checked_at_a_bounded_number_of_steps(spec: str) -> None:
    need("optax")
    from lrdsl.importers import import_spec
    from lrdsl.importers.common import MAX_STEPPED
    from lrdsl.importers.verify import recording

    with recording() as seen:
        import_spec("optax", spec)
    assert seen and max(len(result.b) for _, result in seen) <= MAX_STEPPED


def test_a_giant_run_is_checked_at_spread_steps() -> None:
    optax = need("optax")
    from lrdsl.importers.common import MAX_STEPPED
    from lrdsl.importers.verify import recording

    with recording() as seen:
        expr = lrdsl.from_optax(optax.cosine_decay_schedule(1000.0, int(1e10)), total_steps=10**9 + 1)
    assert expr == "cosine(1000→0, 10000000000)"
    assert max(len(result.b) for _, result in seen) <= MAX_STEPPED


def test_durations_beyond_the_language_are_clear_errors() -> None:
    need("optax")
    from lrdsl.importers import import_spec

    with pytest.raises(lrdsl.LrdslError, match=r"a boundary is 1e\+300 steps, longer than the longest duration"):
        import_spec("optax", "optax.piecewise_constant_schedule(0.1, {1e300: 0.5})")
    # a decay whose period is beyond the language is written with its per-step rate
    assert import_spec("optax", "optax.exponential_decay(0.1, 1e300, 0.5)") == "exp_decay(0.1, rate=0.5 ** (1 / 1e300))"


def test_sampling_a_long_run_is_refused_by_its_count() -> None:
    with pytest.raises(lrdsl.LrdslError, match=r"sampling calls the library at most 100,000 times"):
        lrdsl.from_optax(lambda count: 0.1, total_steps=10**9)
