"""Properties over random valid schedules: sub-ranges equal slices (every target equals the interpreter
on random schedules in tests/test_targets.py)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import lrdsl
from tests.strategies import schedule


def _lowered(text: str, total: int) -> lrdsl.Schedule:
    try:
        parsed = lrdsl.parse(text)
        lrdsl.lower(parsed, total, 40)
        lrdsl.evaluate(parsed, total, 40, steps=[0])
    except lrdsl.LrdslError:
        assume(False)
    return parsed


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schedule(), st.integers(min_value=1, max_value=3000), st.data())
def test_any_sub_range_equals_the_slice_of_the_full_run(text: str, total: int, data: st.DataObject) -> None:
    parsed = _lowered(text, total)
    full = lrdsl.evaluate(parsed, total, 40)
    a = data.draw(st.integers(min_value=0, max_value=total - 1))
    b = data.draw(st.integers(min_value=a, max_value=total))
    # Ordered and scattered steps take different (equally exact) float paths: equal to 1e-12.
    part = lrdsl.evaluate(parsed, total, 40, steps=np.arange(a, b))
    np.testing.assert_allclose(part, full[a:b], rtol=1e-12, atol=1e-300)
    picked = data.draw(st.lists(st.integers(min_value=0, max_value=total - 1), max_size=20))
    np.testing.assert_allclose(lrdsl.evaluate(parsed, total, 40, steps=picked), full[picked], rtol=1e-12, atol=1e-300)
