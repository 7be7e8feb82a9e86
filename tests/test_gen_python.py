"""The dependency-free ``python`` target: every case, every step, float64."""

from __future__ import annotations

import ast
import sys
from typing import Any

import numpy as np
import pytest

import lrdsl
from lrdsl.api import generate
from tests.frameworks import load
from tests.gen_cases import F64, case_ids, cases


@pytest.mark.parametrize("case", cases(), ids=case_ids())
def test_python_matches_interpreter(case: dict[str, Any]) -> None:
    code = generate(case["expr"], "python", case["steps"], case["steps_per_epoch"])
    imports = {a.name for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Import) for a in n.names}
    assert imports <= set(sys.stdlib_module_names)  # dependency-free
    lr = load(code, "python_target").lr
    n = case["steps"]
    steps = range(n) if n <= 20000 else sorted({*range(0, n, max(1, n // 20000)), n - 1})
    got = np.array([lr(t) for t in steps])
    want = lrdsl.evaluate(case["expr"], n, case["steps_per_epoch"], steps=list(steps))
    np.testing.assert_allclose(got, want, **F64)
    after = lrdsl.evaluate(case["expr"], n, case["steps_per_epoch"], steps=[n + 5])[0]
    np.testing.assert_allclose(lr(n + 5), after, **F64)
    np.testing.assert_allclose(lr(10**12), after, **F64)


def test_a_parameter_baked_by_a_later_phase_is_baked_everywhere() -> None:
    """``recur`` starts from the previous end value: that makes ``$b`` part of the layout (baked)."""
    expr = "multistep($b, 1000, at=[1, 5000]) >> recur(lr / (1 + lr), every=7)"
    lr = load(generate(expr, "python", 2000, params={"b": 2.0}), "baked").lr
    steps = [0, 1, 999, 1000, 1500]
    assert [lr(s) for s in steps] == lrdsl.evaluate(expr, 2000, params={"b": 2.0}, steps=steps).tolist()


def test_a_fractional_phase_after_a_long_one_keeps_its_local_time() -> None:
    """The interpreter shifts by 1e9 and then by 0.2, as the code does, not by 1e9 + 0.2 rounded."""
    late = lrdsl.evaluate("const(1, 1000000000) >> onecycle(0.9, 3.5)", 1000000004, steps=[1000000002])
    assert late.tolist() == lrdsl.evaluate("onecycle(0.9, 3.5)", 4, steps=[2]).tolist()
    code = generate("const(1, 1000000000) >> onecycle(0.9, 3.5)", "python", 1000000004)
    assert load(code, "late").lr(1000000002) == late[0]


def test_a_baked_parameter_next_to_a_free_one() -> None:
    """``$a`` sets recur's start (baked), ``$b`` stays an argument of the generated function."""
    expr = "inverse_time($a, 100, decay=0.01) >> recur(lr * 0.5, every=10) >> cosine($b→0)"
    module = load(generate(expr, "python", 1000, params={"a": 0.5, "b": 0.5}), "baked_and_free")
    for b in (0.5, 2.0):
        want = lrdsl.evaluate(expr, 1000, params={"a": 0.5, "b": b}, steps=[0, 150, 999]).tolist()
        assert [module.lr(s, b=b) for s in (0, 150, 999)] == want
