"""The ``torch`` target beyond the shared table (tests/test_targets.py steps a real SGD on every case):
resume from a state dict, param groups and their modes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import lrdsl
from lrdsl.api import generate
from tests.frameworks import load, need
from tests.gen_cases import F64

pytestmark = pytest.mark.frameworks


def _scheduler(expr: str, steps: int, spe: float | None) -> Any:
    return load(generate(expr, "torch", steps, spe), "torch_target").Scheduler


def test_state_dict_resumes_mid_run_exactly() -> None:
    torch = need("torch")
    expr = "warmup(linear, 5ep) >> cosine(0.1→1e-6) * restart(mult=2)"
    cls = _scheduler(expr, 5000, 50)
    p1 = torch.nn.Parameter(torch.zeros(1))
    opt1 = torch.optim.SGD([p1], lr=1.0)
    s1 = cls(opt1)
    for _ in range(1234):
        opt1.step()
        s1.step()
    state, opt_state = s1.state_dict(), opt1.state_dict()
    p2 = torch.nn.Parameter(torch.zeros(1))
    opt2 = torch.optim.SGD([p2], lr=1.0)
    opt2.load_state_dict(opt_state)
    s2 = cls(opt2)
    s2.load_state_dict(state)
    want = lrdsl.evaluate(expr, 5000, 50)
    for t in range(1234, 1300):
        assert opt1.param_groups[0]["lr"] == opt2.param_groups[0]["lr"]
        np.testing.assert_allclose(opt2.param_groups[0]["lr"], want[t], **F64)
        for o, s in ((opt1, s1), (opt2, s2)):
            o.step()
            s.step()


def test_param_groups_absolute_and_scale_modes() -> None:
    torch = need("torch")
    cls = _scheduler("cosine(1→0, 10)", 10, None)
    a, b = torch.nn.Parameter(torch.zeros(1)), torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([{"params": [a], "lr": 0.1}, {"params": [b], "lr": 0.01}], lr=0.1)
    sched = cls(opt, mode="scale")
    opt.step()
    sched.step()
    want = lrdsl.evaluate("cosine(1→0, 10)", steps=[1])[0]
    np.testing.assert_allclose([g["lr"] for g in opt.param_groups], [0.1 * want, 0.01 * want], **F64)
    opt2 = torch.optim.SGD([{"params": [a], "lr": 0.1}, {"params": [b], "lr": 0.01}], lr=0.1)
    cls(opt2)
    assert [g["lr"] for g in opt2.param_groups] == [1.0, 1.0]
    with pytest.raises(ValueError, match="mode"):
        cls(opt2, mode="relative")
