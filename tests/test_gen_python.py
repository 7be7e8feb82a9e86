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
