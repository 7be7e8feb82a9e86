"""``Plan``: the whole curve and the explain table of a run, as a trainer logs it once."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import numpy as np
import pytest

import lrdsl
from lrdsl.run.plan import Plan, make_plan
from lrdsl.tools.explain import phases
from tests.frameworks import need
from tests.gen_cases import F64

E = "warmup(linear, 2ep) >> cosine($peak→1e-5) * restart(mult=2)"


def test_plan_is_the_evaluated_curve_and_the_explain_table() -> None:
    plan = make_plan(E, 300, 10, {"peak": 0.1})
    bound = lrdsl.bind(E, 300, 10, {"peak": 0.1})
    assert (plan.expr, plan.total_steps, plan.steps_per_epoch, plan.scale) == (E, 300, 10.0, 1.0)
    np.testing.assert_array_equal(plan.values, lrdsl.evaluate(E, 300, 10, params={"peak": 0.1}))
    assert plan.values.dtype == np.float64 and plan.values.shape == (300,)
    assert plan.phases == tuple(phases(bound.plan.ir, 300, True))
    assert plan.table() == bound.explain()
    first = {"depth": 0, "start": 0.0, "end": 20.0, "first": 0.0, "last": 0.1, "label": "warmup(linear, 2ep) to 0.1"}
    assert plan.rows()[0] == first
    assert [(r["depth"], r["start"], r["end"]) for r in plan.rows()[1:]] == [
        (0, 20.0, 300.0),
        (1, 20.0, 60.0),
        (1, 60.0, 140.0),
        (1, 140.0, 300.0),
    ]


def test_a_plan_is_a_bound_schedule() -> None:
    assert Plan is lrdsl.BoundSchedule
    plan = make_plan(E, "30ep", 10, {"peak": 0.1})
    assert plan == lrdsl.bind(E, 300, 10, {"peak": 0.1}) and plan.total_steps == plan.total == 300
    np.testing.assert_array_equal(plan.evaluate(), plan.values)


def test_plan_is_frozen_and_its_values_read_only() -> None:
    plan = make_plan("cosine(1→0)", 10)
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.total_steps = 5  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        plan.values[0] = 2.0
    assert plan == make_plan("cosine(1 → 0)", 10)  # compared by text, run and phases
    assert "values" not in repr(plan)


def test_scale_multiplies_values_and_phases() -> None:
    plan = make_plan("cosine(1→0.5)", 10, scale=0.01)
    np.testing.assert_allclose(plan.values, 0.01 * lrdsl.evaluate("cosine(1→0.5)", 10), **F64)
    assert (plan.phases[0].first, plan.phases[0].last) == (0.01, 0.005)
    assert plan.table().splitlines()[0] == "0.01 × (cosine(1→0.5))"


def test_tokens_per_step_and_totals_in_units() -> None:
    plan = make_plan("warmup(linear, 1Mtok) >> cosine(1→0)", "10Mtok", tokens_per_step=4096)
    assert plan.total_steps == round(10e6 / 4096)
    np.testing.assert_array_equal(
        plan.values, lrdsl.evaluate("warmup(linear, 1Mtok) >> cosine(1→0)", "10Mtok", tokens_per_step=4096)
    )


def test_plan_module_loads_no_framework() -> None:
    code = "import sys, lrdsl.run.plan; print(sorted(m for m in ('torch', 'jax', 'keras', 'lark') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == "[]"


@pytest.mark.frameworks
def test_torch_scheduler_plan_is_what_each_group_is_set_to() -> None:
    torch = need("torch")
    params = [torch.nn.Parameter(torch.zeros(2)) for _ in range(3)]
    groups = [{"params": [p], "lr": lr, "name": n} for p, lr, n in zip(params, (0.1, 0.05, 0.01), ("a", "b", "c"))]
    opt = torch.optim.SGD(groups, lr=0.1)
    sched = lrdsl.torch.scheduler(opt, E, 300, 10, {"peak": 1.0}, mode="scale")
    plans = [sched.plan(), sched.plan(1), sched.plan("c")]
    assert all(isinstance(p, Plan) for p in plans)
    assert [p.scale for p in plans] == [0.1, 0.05, 0.01]
    seen = []
    for _ in range(300):
        seen.append([g["lr"] for g in opt.param_groups])
        opt.step()
        sched.step()
    np.testing.assert_allclose(np.array(seen), np.stack([p.values for p in plans], axis=1), **F64)
    per_group = lrdsl.torch.scheduler(opt, {"a": "cosine(0.1→0)", "b": "const(0.2)", "c": "linear(0→1)"}, 50)
    assert per_group.plan("b").expr == "const(0.2)" and per_group.plan("b").total_steps == 50
    np.testing.assert_array_equal(per_group.plan(2).values, lrdsl.evaluate("linear(0→1)", 50))
    with pytest.raises(lrdsl.LrdslError, match="no param group is named 'd'"):
        per_group.plan("d")
