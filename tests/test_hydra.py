"""Hydra: ``_target_: lrdsl.torch.scheduler`` with ``_partial_: true``, the total given at run time."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pytest

import lrdsl
from tests.conftest import ROOT
from tests.frameworks import need
from tests.gen_cases import F64

pytestmark = pytest.mark.frameworks


def _compose(overrides: list[str] | None = None) -> Any:
    hydra = need("hydra")
    with hydra.initialize_config_dir(config_dir=str(ROOT / "examples" / "configs"), version_base=None):
        return hydra.compose(config_name="hydra_train", overrides=overrides or [])


def _run(torch: Any, opt: Any, sched: Any, steps: int) -> np.ndarray:
    seen = []
    for _ in range(steps):
        seen.append([g["lr"] for g in opt.param_groups])
        opt.step()
        sched.step()
    return np.array(seen)


def test_example_config_instantiates_a_partial_filled_at_run_time() -> None:
    torch = need("torch")
    instantiate = need("hydra.utils").instantiate
    cfg = _compose()
    model = torch.nn.Linear(4, 1)
    optimizer = instantiate(cfg.optimizer)(model.parameters())
    make = instantiate(cfg.scheduler)
    assert isinstance(make, functools.partial) and make.func is lrdsl.torch.scheduler
    total = cfg.epochs * cfg.steps_per_epoch  # known only once the data loader is
    sched = make(optimizer, total_steps=total)
    assert sched.state_dict()["lrdsl"]["params"] == {"peak": 3e-4}
    want = lrdsl.evaluate(cfg.scheduler.schedule, total, 20, params={"peak": 3e-4})
    np.testing.assert_allclose(_run(torch, optimizer, sched, total)[:, 0], want, **F64)


def test_overrides_and_one_schedule_per_group_from_the_config() -> None:
    torch = need("torch")
    instantiate = need("hydra.utils").instantiate
    cfg = _compose(
        [
            "peak=0.01",
            "scheduler.schedule={body: 'cosine($peak→0)', head: 'const($peak / 10)'}",
            "~scheduler.steps_per_epoch",
        ]
    )
    a, b = torch.nn.Linear(2, 2), torch.nn.Linear(2, 1)
    groups = [{"params": a.parameters(), "name": "body"}, {"params": b.parameters(), "name": "head"}]
    optimizer = instantiate(cfg.optimizer)(groups)
    sched = instantiate(cfg.scheduler)(optimizer, total_steps=50)  # a DictConfig of schedules, by group name
    got = _run(torch, optimizer, sched, 50)
    np.testing.assert_allclose(got[:, 0], lrdsl.evaluate("cosine($peak→0)", 50, params={"peak": 0.01}), **F64)
    np.testing.assert_allclose(got[:, 1], np.full(50, 0.001), **F64)
    assert sched.state_dict()["lrdsl"]["expr"] == ["cosine($peak→0)", "const($peak / 10)"]


def test_a_typo_in_the_config_fails_when_the_scheduler_is_built() -> None:
    torch = need("torch")
    instantiate = need("hydra.utils").instantiate
    cfg = _compose(["scheduler.schedule='cosin($peak→0)'"])
    make = instantiate(cfg.scheduler)
    with pytest.raises(lrdsl.LrdslError, match="unknown shape 'cosin'"):
        make(torch.optim.SGD(torch.nn.Linear(2, 1).parameters(), lr=0.1), total_steps=10)
