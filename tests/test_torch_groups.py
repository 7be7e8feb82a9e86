"""``lrdsl.torch.scheduler`` and param groups: ratios, multipliers, scaled groups, one schedule per group, any key."""

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


def test_groups_with_different_lrs_keep_their_ratios_like_pytorchs_own_schedulers() -> None:
    """An absolute schedule drives group 0; the others keep their ratio to it, as CosineAnnealingLR's groups do."""
    torch = need("torch")
    expr, total = "cosine(0.1→0)", 50
    model = _model(torch)
    opt = torch.optim.SGD(_groups(model, (0.1, 0.03, 0.01)), lr=0.1, momentum=0.9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a decided default: no warning
        sched = lrdsl.torch.scheduler(opt, expr, total)
        assert sched.mode == "ratio" and sched.factors == [1.0, 0.03 / 0.1, 0.01 / 0.1]
        got = _train(torch, model, opt, sched, total)
    np.testing.assert_array_equal(got[:, 0], lrdsl.evaluate(expr, total))  # group 0: the schedule itself
    twin = _model(torch)
    ref_opt = torch.optim.SGD(_groups(twin, (0.1, 0.03, 0.01)), lr=0.1, momentum=0.9)
    ref = torch.optim.lr_scheduler.CosineAnnealingLR(ref_opt, T_max=total, eta_min=0.0)
    np.testing.assert_allclose(got, _train(torch, twin, ref_opt, ref, total), rtol=1e-12, atol=1e-18)
    assert sched.state_dict()["factors"] == sched.factors
    assert sched.plan(2).scale == sched.factors[2]
    np.testing.assert_allclose(sched.plan(2).values, got[:, 2], rtol=1e-15, atol=0)


def test_weight_decay_groups_at_zero_stay_at_zero_and_multipliers_are_honoured() -> None:
    torch = need("torch")
    # HF Trainer's two groups: decay and no decay. The decayed group follows the schedule; 0.0 stays 0.0.
    model = _model(torch)
    layers = [m for m in model if hasattr(m, "weight")]
    decay = [p for m in layers for p in [m.weight]]
    no_decay = [p for m in layers for p in [m.bias]]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}])
    wd = "linear(0.01→0.001)"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sched = lrdsl.torch.scheduler(opt, wd, 20, key="weight_decay")
    assert sched.mode == "ratio"
    got = _train(torch, model, opt, sched, 20, key="weight_decay")
    np.testing.assert_array_equal(got, np.stack([lrdsl.evaluate(wd, 20), np.zeros(20)], axis=1))
    # Megatron's lr_mult / wd_mult: each group gets the schedule times its multiplier (1 where it has none).
    model = _model(torch)
    groups = _groups(model, (0.5, 0.5, 0.5))
    groups[1]["lr_mult"], groups[2]["lr_mult"] = 0.1, 0
    groups[0]["wd_mult"], groups[1]["wd_mult"] = 0.0, 2.0
    opt = torch.optim.AdamW(groups, weight_decay=0.05)
    lr_sched = lrdsl.torch.scheduler(opt, E, N, SPE)
    wd_sched = lrdsl.torch.scheduler(opt, "const(0.05)", N, key="weight_decay")
    assert (lr_sched.mode, wd_sched.mode) == ("ratio", "ratio")
    seen_wd = []
    x, y = torch.randn(16, 4), torch.randn(16, 1)
    seen_lr = []
    for _ in range(N):
        seen_lr.append([g["lr"] for g in opt.param_groups])
        seen_wd.append([g["weight_decay"] for g in opt.param_groups])
        opt.zero_grad()
        torch.nn.functional.mse_loss(model(x), y).backward()
        opt.step()
        lr_sched.step()
        wd_sched.step()
    np.testing.assert_allclose(np.array(seen_lr), np.outer(lrdsl.evaluate(E, N, SPE), [1.0, 0.1, 0.0]), **F64)
    assert np.array(seen_wd).tolist() == [[0.0, 0.1, 0.05]] * N
    # mode="absolute" sets every group alike, multipliers or not; a bad multiplier is an error.
    absolute = lrdsl.torch.scheduler(opt, "const(0.3)", N, mode="absolute")
    assert absolute.get_last_lr() == [0.3, 0.3, 0.3]
    opt.param_groups[1]["lr_mult"] = -1
    with pytest.raises(lrdsl.LrdslError, match=r"param group 1's lr_mult must be a finite number ≥ 0, got -1"):
        lrdsl.torch.scheduler(opt, E, N, SPE)


def test_groups_scaled_by_their_own_lrs_like_lambdalr() -> None:
    torch = need("torch")
    model = _model(torch)
    opt = torch.optim.SGD(_groups(model, (0.1, 0.03, 0.01)), lr=0.1, momentum=0.9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a chosen mode, and stepping, say nothing
        sched = lrdsl.torch.scheduler(opt, E, N, SPE, mode="scale")
        assert sched.mode == "scale"
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
    with pytest.warns(UserWarning, match=r"betas\[0\] differ \(0.9, 0.9, 0.8\): each is set to the schedule's"):
        absolute = lrdsl.torch.scheduler(adam, "linear(0.9→0.85, 10)", 10, key="betas[0]")
    assert absolute.mode == "absolute" and absolute.get_last_lr() == [0.9, 0.9, 0.9]
    adam.param_groups[2]["betas"] = (0.8, 0.99)
    beta = lrdsl.torch.scheduler(adam, "linear(1→0.5, 10)", 10, key="betas[0]", mode="scale")
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


def test_repr_shows_the_expression_step_and_values() -> None:
    torch = need("torch")
    opt = torch.optim.SGD(_groups(_model(torch), (0.1, 0.01)), lr=0.1)
    sched = lrdsl.torch.scheduler(opt, "warmup(linear, 10) >> cosine(0.1 → 0)", 100)
    for _ in range(3):
        opt.step()
        sched.step()
    assert repr(sched) == (
        "lrdsl.torch.Scheduler('warmup(linear, 10) >> cosine(0.1→0)', total_steps=100, mode='ratio', "
        "step=3, lr=[0.03, 0.003])"
    )
    momentum = lrdsl.torch.scheduler(opt, ["const(0.9)", "const(0.8)"], 10, key="momentum")
    assert repr(momentum) == (
        "lrdsl.torch.Scheduler(['const(0.9)', 'const(0.8)'], total_steps=10, key='momentum', step=0, momentum=[0.9, 0.8])"
    )
