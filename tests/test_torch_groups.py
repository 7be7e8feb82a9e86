"""``lrdsl.torch.scheduler`` and param groups: scaled groups, one schedule per group, any key."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import lrdsl
from lrdsl.api import generate
from tests.frameworks import load, need
from tests.gen_cases import F64

pytestmark = pytest.mark.frameworks

E = "warmup(linear, 2ep) >> cosine(1→0.01) * restart(mult=2)"
N, SPE = 120, 10


def _model(torch: Any) -> Any:
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2), torch.nn.Linear(2, 1))


def _groups(model: Any, lrs: tuple[float, ...], **extra: Any) -> list[dict[str, Any]]:
    layers = [m for m in model if hasattr(m, "weight")]
    names = ("body", "neck", "head")
    return [
        {"params": list(layer.parameters()), "lr": lr, "name": name, **extra}
        for layer, lr, name in zip(layers, lrs, names)
    ]


def _train(torch: Any, model: Any, opt: Any, sched: Any, steps: int, key: str = "lr") -> np.ndarray:
    """Real optimizer steps on random data; the value of ``key`` each step used, per group."""
    seen = []
    x, y = torch.randn(16, 4), torch.randn(16, 1)
    for _ in range(steps):
        seen.append([g[key] for g in opt.param_groups])
        opt.zero_grad()
        torch.nn.functional.mse_loss(model(x), y).backward()
        opt.step()
        sched.step()
        assert sched.get_last_lr() == [g[key] for g in opt.param_groups]
    return np.array(seen)


def test_groups_with_different_lrs_are_scaled_like_lambdalr_with_one_warning() -> None:
    torch = need("torch")
    model = _model(torch)
    opt = torch.optim.SGD(_groups(model, (0.1, 0.03, 0.01)), lr=0.1, momentum=0.9)
    with pytest.warns(UserWarning, match=r"param groups' lr differ \(0.1, 0.03, 0.01\).*mode='scale'") as record:
        sched = lrdsl.torch.scheduler(opt, E, N, SPE)
    assert len([w for w in record if "lrdsl" in str(w.message)]) == 1
    assert sched.mode == "scale"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # stepping says nothing more
        got = _train(torch, model, opt, sched, N)
    want = lrdsl.evaluate(E, N, SPE)
    np.testing.assert_allclose(got, np.outer(want, [0.1, 0.03, 0.01]), **F64)
    # PyTorch's LambdaLR with the same multiplier, on a twin optimizer: the same lrs.
    twin = _model(torch)
    ref_opt = torch.optim.SGD(_groups(twin, (0.1, 0.03, 0.01)), lr=0.1, momentum=0.9)
    ref = torch.optim.lr_scheduler.LambdaLR(ref_opt, lambda t: float(lrdsl.evaluate(E, N, SPE, steps=[t])[0]))
    np.testing.assert_allclose(_train(torch, twin, ref_opt, ref, N), got, rtol=1e-15, atol=0)


def test_groups_that_agree_or_a_chosen_mode_say_nothing() -> None:
    torch = need("torch")
    model = _model(torch)
    want = lrdsl.evaluate(E, N, SPE)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        same = torch.optim.SGD(_groups(model, (0.5, 0.5, 0.5)), lr=0.5)
        sched = lrdsl.torch.scheduler(same, E, N, SPE)
        assert sched.mode == "absolute"
        np.testing.assert_allclose(_train(torch, model, same, sched, N), np.outer(want, [1, 1, 1]), **F64)
        differ = torch.optim.SGD(_groups(model, (0.1, 0.03, 0.01)), lr=0.1)
        sched = lrdsl.torch.scheduler(differ, E, N, SPE, mode="absolute")
        np.testing.assert_allclose(_train(torch, model, differ, sched, 30), np.outer(want[:30], [1, 1, 1]), **F64)


def test_one_schedule_per_group_by_list_index_or_name() -> None:
    torch = need("torch")
    exprs = ["cosine($peak→0)", "linear(0.02→0.002)", "const($peak / 10, 50) >> exp(→1e-5)"]
    params = {"peak": 0.3}
    want = np.stack([lrdsl.evaluate(e, N, params=params if "$" in e else None) for e in exprs], axis=1)
    for schedules in (
        exprs,
        tuple(exprs),
        {0: exprs[0], 1: exprs[1], 2: exprs[2]},
        {"head": exprs[2], "body": exprs[0], 1: exprs[1]},
    ):
        model = _model(torch)
        opt = torch.optim.AdamW(_groups(model, (1.0, 2.0, 3.0)), lr=1.0)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # one schedule per group: absolute, no warning
            sched = lrdsl.torch.scheduler(opt, schedules, N, params=params)
        assert sched.mode == "absolute"
        np.testing.assert_allclose(_train(torch, model, opt, sched, N), want, **F64)
    opt = torch.optim.AdamW(_groups(_model(torch), (1.0, 2.0, 3.0)), lr=1.0)
    sched = lrdsl.torch.scheduler(opt, exprs, N, params=params, mode="scale")
    np.testing.assert_allclose(sched.get_last_lr(), want[0] * [1.0, 2.0, 3.0], **F64)


def test_without_a_total_the_run_lasts_the_longest_schedule() -> None:
    torch = need("torch")
    opt = torch.optim.SGD(_groups(_model(torch), (1.0, 1.0)), lr=1.0)
    sched = lrdsl.torch.scheduler(opt, ["cosine(1→0, 30)", "linear(1→0, 50)"])
    assert sched.state_dict()["lrdsl"]["total_steps"] == 50
    got = _train(torch, _model(torch), opt, sched, 60)
    np.testing.assert_allclose(got[:, 0], lrdsl.evaluate("cosine(1→0, 30)", 60), **F64)
    np.testing.assert_allclose(got[:, 1], lrdsl.evaluate("linear(1→0, 50)", 60), **F64)


def test_momentum_and_betas_get_last_lr_returns_what_was_set() -> None:
    torch = need("torch")
    model = _model(torch)
    opt = torch.optim.SGD(_groups(model, (0.1, 0.1, 0.1), momentum=0.9), lr=0.1)
    momentum = "cosine(0.95→0.85, 29) >> cosine(0.85→0.95, 70)"
    sched = lrdsl.torch.scheduler(opt, momentum, 100, key="momentum")
    got = _train(torch, model, opt, sched, 100, key="momentum")
    np.testing.assert_allclose(got, np.outer(lrdsl.evaluate(momentum, 100), [1, 1, 1]), **F64)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.1, 0.1]
    adam = torch.optim.Adam(_groups(model, (1e-3, 1e-3, 1e-3)), betas=(0.9, 0.999))
    adam.param_groups[2]["betas"] = (0.8, 0.99)
    with pytest.warns(UserWarning, match=r"betas\[0\] differ \(0.9, 0.9, 0.8\)"):
        beta = lrdsl.torch.scheduler(adam, "linear(1→0.5, 10)", 10, key="betas[0]")
    for _ in range(4):
        adam.step()
        beta.step()
    factor = lrdsl.evaluate("linear(1→0.5, 10)", steps=[4])[0]
    np.testing.assert_allclose(beta.get_last_lr(), [0.9 * factor, 0.9 * factor, 0.8 * factor], **F64)
    assert [g["betas"][0] for g in adam.param_groups] == beta.get_last_lr()
    assert [g["betas"][1] for g in adam.param_groups] == [0.999, 0.999, 0.99]
    assert all(isinstance(g["betas"], tuple) for g in adam.param_groups)


def test_a_tensor_lr_stays_a_tensor() -> None:
    torch = need("torch")
    model = _model(torch)
    lr = torch.tensor(0.01)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = lrdsl.torch.scheduler(opt, "cosine(0.01→0)", 20)
    for _ in range(5):
        opt.step()
        sched.step()
    assert isinstance(opt.param_groups[0]["lr"], torch.Tensor) and opt.param_groups[0]["lr"] is lr
    np.testing.assert_allclose(float(lr), lrdsl.evaluate("cosine(0.01→0)", 20, steps=[5])[0], rtol=1e-7)


def test_generated_class_get_last_lr_returns_the_momentum() -> None:
    torch = need("torch")
    cls = load(generate("linear(0.9→0.8, 10)", "torch"), "momentum_torch").Scheduler
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.5, momentum=0.9)
    sched = cls(opt, key="momentum")
    opt.step()
    sched.step()
    assert sched.get_last_lr() == [opt.param_groups[0]["momentum"]] == [pytest.approx(0.89)]
    assert opt.param_groups[0]["lr"] == 0.5


def test_scheduler_class_and_bad_arguments() -> None:
    torch = need("torch")
    opt = torch.optim.SGD(_groups(_model(torch), (0.1, 0.1)), lr=0.1)
    sched = lrdsl.torch.scheduler(opt, "cosine(1→0)", 10)
    assert isinstance(sched, lrdsl.torch.Scheduler) and isinstance(sched, torch.optim.lr_scheduler.LRScheduler)
    for bad in ({"params": {"p": "x"}}, {"steps_per_epoch": -1}, {"tokens_per_step": 0}, {"key": 3}):
        with pytest.raises(lrdsl.LrdslError):
            lrdsl.torch.scheduler(opt, "cosine($p→0)" if "params" in bad else "cosine(1→0)", 10, **bad)
    with pytest.raises(lrdsl.LrdslError, match="a schedule must be a string, not int"):
        lrdsl.torch.scheduler(opt, 5, 10)
    with pytest.raises(lrdsl.LrdslError, match="a schedule must be a string, not int"):
        lrdsl.torch.scheduler(opt, ["cosine(1→0)", 5], 10)
