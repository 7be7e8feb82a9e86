"""``lrdsl.torch.scheduler`` given a schedule set: every optimizer member set, ``values()``, checkpoints, EMA."""

from __future__ import annotations

import re
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lrdsl
from lrdsl.importers.torch import from_torch
from tests.frameworks import need

pytestmark = pytest.mark.frameworks

FIVE = """lr:            warmup(linear, 10) >> cosine(1e-3→1e-4)
weight_decay:  linear(0.1→0.01)
betas[1]:      linear(0.95→0.99, 30%) >> hold()
ema:           fn(min(0.9999, (1 + t) / (10 + t)))
loss.kl:       linear(0→1, 50)"""
N = 100


def _model(torch: Any) -> Any:
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1))


def _loss(torch: Any, model: Any, kl: float) -> Any:
    x = torch.randn(16, 4)
    out = model(x)
    return out.pow(2).mean() + kl * out.abs().mean()


def _read(group: dict[str, Any]) -> dict[str, float]:
    return {"lr": group["lr"], "weight_decay": group["weight_decay"], "betas[1]": group["betas"][1]}


def test_adamw_loop_reads_every_member_each_step() -> None:
    torch = need("torch")
    model = _model(torch)
    opt = torch.optim.AdamW(model.parameters(), lr=1.0, weight_decay=0.5)
    sched = lrdsl.torch.scheduler(opt, FIVE, total_steps=N)
    expected = {name: lrdsl.evaluate(FIVE, total_steps=N, member=name) for name in lrdsl.parse_set(FIVE).names}
    for t in range(N):
        values = sched.values()
        assert list(values) == ["lr", "weight_decay", "betas[1]", "ema", "loss.kl"]
        assert values == {name: float(column[t]) for name, column in expected.items()}
        assert _read(opt.param_groups[0]) == {k: values[k] for k in ("lr", "weight_decay", "betas[1]")}
        opt.zero_grad()
        _loss(torch, model, values["loss.kl"]).backward()
        opt.step()
        sched.step()
    assert sched.last_epoch == N and sched.get_last_lr() == [1e-4]  # past the end: the end value


def test_run_without_total_is_the_longest_member() -> None:
    torch = need("torch")
    text = "lr: cosine(1→0)\nmomentum: linear(0.85→0.95, 40)\ndampening: 0.1"
    opt = torch.optim.SGD(_model(torch).parameters(), lr=1.0, momentum=0.9)
    sched = lrdsl.torch.scheduler(opt, text)
    lr = lrdsl.evaluate(text, member="lr")
    assert sched.record.total_steps == len(lr) == 40
    for t in range(40):
        group = opt.param_groups[0]
        assert (group["lr"], group["momentum"], group["dampening"]) == (lr[t], sched.values()["momentum"], 0.1)
        opt.step()
        sched.step()


def test_groups_follow_each_hyper_parameters_rule() -> None:
    """lr and weight decay keep their ratios (a group without weight decay stays at 0; ``wd_mult``)."""
    torch = need("torch")
    model = _model(torch)
    text = "lr: cosine(1e-3→0)\nweight_decay: linear(0.1→0.01)\nbetas[0]: linear(0.85→0.95)"
    groups = [
        {"params": list(model[0].parameters()), "lr": 2e-3, "weight_decay": 0.1},
        {"params": list(model[2].parameters()), "lr": 1e-3, "weight_decay": 0.0},
    ]
    opt = torch.optim.AdamW(groups)
    sched = lrdsl.torch.scheduler(opt, text, total_steps=N)
    values = lrdsl.evaluate_set(text, total_steps=N)
    for t in range(N):
        body, head = opt.param_groups
        assert body["lr"] == values["lr"][t] and head["lr"] == 0.5 * values["lr"][t]
        assert body["weight_decay"] == values["weight_decay"][t] and head["weight_decay"] == 0.0
        assert body["betas"][0] == head["betas"][0] == values["betas[0]"][t]
        opt.step()
        sched.step()

    with_mult = [{**g, "wd_mult": m, "weight_decay": 0.1} for g, m in zip(groups, (1.0, 0.25))]
    opt = torch.optim.AdamW(with_mult)
    sched = lrdsl.torch.scheduler(opt, text, total_steps=N)
    first = float(values["weight_decay"][0])
    assert [g["weight_decay"] for g in opt.param_groups] == [first, 0.25 * first]


def test_one_set_per_group() -> None:
    torch = need("torch")
    model = _model(torch)
    sets: dict[int | str, str] = {
        "body": "lr: cosine(1e-3→0)\nweight_decay: 0.05\nema: 0.99",
        "head": "lr: const(1e-2)\nweight_decay: linear(0.1→0)\nema: 0.999",
    }
    groups = [
        {"params": list(model[0].parameters()), "name": "body"},
        {"params": list(model[2].parameters()), "name": "head"},
    ]
    opt = torch.optim.AdamW(groups, lr=1.0, weight_decay=1.0)
    sched = lrdsl.torch.scheduler(opt, sets, total_steps=N)
    body, head = (lrdsl.evaluate_set(sets[n], total_steps=N) for n in ("body", "head"))
    for t in range(N):
        for group, values in zip(opt.param_groups, (body, head)):
            assert (group["lr"], group["weight_decay"]) == (values["lr"][t], values["weight_decay"][t])
        assert sched.values("head")["ema"] == 0.999 and sched.values()["ema"] == 0.99
        opt.step()
        sched.step()


@pytest.mark.parametrize(
    ("optimizer", "text", "message", "hint"),
    [
        (
            "Adam",
            "lr: cosine(1→0)\nmomentum: 0.9",
            "member 'momentum': Adam has no momentum",
            "Adam-type optimizers' momentum is β₁: name the member betas[0]",
        ),
        (
            "SGD",
            "lr: cosine(1→0)\nbetas[0]: 0.9",
            "member 'betas[0]': SGD has no betas[0]",
            "this optimizer's momentum",
        ),
        ("SGD", "lr: cosine(1→0)\neps: 1e-8", "member 'eps': SGD has no eps", "hyper-parameters: dampening"),
        ("SGD", "ema: 0.99\nloss.kl: 1", "the set has no optimizer member, only ema, loss.kl", "lrdsl.evaluate_set"),
    ],
)
def test_refused_members(optimizer: str, text: str, message: str, hint: str) -> None:
    torch = need("torch")
    opt = getattr(torch.optim, optimizer)(_model(torch).parameters(), lr=0.1)
    with pytest.raises(lrdsl.LrdslError) as err:
        lrdsl.torch.scheduler(opt, text, total_steps=N)
    assert err.value.message == message and hint in (err.value.hint or "")


def test_refused_set_arguments() -> None:
    torch = need("torch")
    model = _model(torch)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    with pytest.raises(lrdsl.LrdslError, match="key='momentum' is for one schedule"):
        lrdsl.torch.scheduler(opt, "lr: cosine(1→0)\nmomentum: 0.9", total_steps=N, key="momentum")
    with pytest.raises(lrdsl.LrdslError, match=r"unused parameter: \$nope"):
        lrdsl.torch.scheduler(opt, "lr: cosine($peak→0)\nmomentum: 0.9", total_steps=N, params={"peak": 1, "nope": 2})
    with pytest.raises(lrdsl.LrdslError, match="in member 'momentum': unknown shape 'linea'"):
        lrdsl.torch.scheduler(opt, "lr: cosine(1→0)\nmomentum: linea(0.9→1)", total_steps=N)
    opt = torch.optim.SGD([{"params": [p]} for p in model.parameters()][:2], lr=0.1, momentum=0.9)
    with pytest.raises(lrdsl.LrdslError, match="param group 1's set has the members lr; group 0's has lr, momentum"):
        lrdsl.torch.scheduler(opt, ["lr: cosine(1→0)\nmomentum: 0.9", "cosine(1→0)"], total_steps=N)


def test_parameters_are_shared_by_the_members() -> None:
    torch = need("torch")
    text = "lr: cosine($peak→0)\nweight_decay: linear($wd→0)\nema: fn(min($decay, (1 + t) / (10 + t)))"
    params = {"peak": 3e-4, "wd": 0.1, "decay": 0.999}
    opt = torch.optim.AdamW(_model(torch).parameters())
    sched = lrdsl.torch.scheduler(opt, text, total_steps=N, params=params)
    expected = lrdsl.evaluate_set(text, total_steps=N, params=params)
    for _ in range(5):
        opt.step()
        sched.step()
    assert sched.values() == {name: float(v[5]) for name, v in expected.items()}


def _run(torch: Any, text: str, steps: int, **kwargs: Any) -> tuple[Any, Any, Any]:
    opt = torch.optim.AdamW(_model(torch).parameters(), lr=1.0)
    sched = lrdsl.torch.scheduler(opt, text, total_steps=N, **kwargs)
    for _ in range(steps):
        opt.step()
        sched.step()
    return opt, sched, sched.state_dict()


def test_checkpoint_resumes_the_whole_set(tmp_path: Any) -> None:
    torch = need("torch")
    _, _, state = _run(torch, FIVE, 37)
    torch.save(state, tmp_path / "sched.pt")
    state = torch.load(tmp_path / "sched.pt", weights_only=True)
    assert list(state["lrdsl_set"]) == ["lr", "weight_decay", "betas[1]", "ema", "loss.kl"]
    opt, sched, _ = _run(torch, FIVE, 0)
    sched.load_state_dict(state)
    expected = lrdsl.evaluate_set(FIVE, total_steps=N)
    assert sched.values() == {name: float(v[37]) for name, v in expected.items()}
    assert _read(opt.param_groups[0]) == {k: float(expected[k][37]) for k in ("lr", "weight_decay", "betas[1]")}
    opt.step()
    sched.step()
    assert opt.param_groups[0]["betas"][1] == expected["betas[1]"][38]


@pytest.mark.parametrize(
    ("changed", "message"),
    [
        (
            FIVE.replace("linear(0.1→0.01)", "linear(0.1→0.02)"),
            "in member 'weight_decay': the checkpoint's schedule is",
        ),
        (FIVE.replace("0.9999", "0.999"), "in member 'ema': the checkpoint's schedule is fn(min(0.9999"),
        (FIVE.replace("loss.kl:       linear(0→1, 50)", ""), "the checkpoint's set has the members lr, weight_decay"),
        ("warmup(linear, 10) >> cosine(1e-3→1e-4)", "betas[1], ema, loss.kl; this scheduler's has lr"),
    ],
)
def test_resume_refuses_a_changed_member(changed: str, message: str) -> None:
    torch = need("torch")
    _, _, state = _run(torch, FIVE, 20)
    _, sched, _ = _run(torch, changed, 0)
    with pytest.raises(lrdsl.LrdslError, match=re.escape(message)):
        sched.load_state_dict(state)
    _, branch, _ = _run(torch, changed, 0, resume="branch")
    branch.load_state_dict(state)
    assert branch.last_epoch == 20


def test_resume_refuses_a_set_where_one_schedule_was_saved() -> None:
    torch = need("torch")
    _, _, state = _run(torch, "warmup(linear, 10) >> cosine(1e-3→1e-4)", 20)
    _, sched, _ = _run(torch, FIVE, 0)
    with pytest.raises(lrdsl.LrdslError, match="the checkpoint's set has the members lr; this scheduler's has lr, "):
        sched.load_state_dict(state)
    _, branch, _ = _run(torch, FIVE, 0, resume="branch")
    branch.load_state_dict(state)
    assert branch.values() == {name: float(v[20]) for name, v in lrdsl.evaluate_set(FIVE, total_steps=N).items()}


def test_ratio_mode_checkpoint_resumes() -> None:
    """Groups of different rates (ratio mode) save a record that loads back."""
    torch = need("torch")
    model = _model(torch)
    groups = [{"params": list(model[0].parameters()), "lr": 1.0}, {"params": list(model[2].parameters()), "lr": 0.1}]
    opt = torch.optim.SGD(groups)
    sched = lrdsl.torch.scheduler(opt, "cosine(1→0)", total_steps=N)
    sched.step()
    again = lrdsl.torch.scheduler(torch.optim.SGD(groups), "cosine(1→0)", total_steps=N)
    again.load_state_dict(sched.state_dict())
    assert again.mode == "ratio" and again.get_last_lr() == sched.get_last_lr()


@pytest.mark.parametrize("use_helper", [True, False])
def test_averaged_model_follows_the_ema_member(use_helper: bool) -> None:
    torch = need("torch")
    from torch.optim.swa_utils import AveragedModel

    model = _model(torch)
    opt = torch.optim.AdamW(model.parameters(), lr=1.0)
    sched = lrdsl.torch.scheduler(opt, FIVE, total_steps=N)
    if use_helper:
        average = lrdsl.torch.averaged(model, sched)
    else:
        average = AveragedModel(model, avg_fn=lrdsl.torch.ema_avg_fn(sched))
    decay = lrdsl.evaluate(FIVE, total_steps=N, member="ema")
    by_hand = [p.detach().clone() for p in model.parameters()]
    for t in range(30):
        opt.zero_grad()
        _loss(torch, model, 0.0).backward()
        opt.step()
        average.update_parameters(model)
        d = float(decay[t])
        for i, p in enumerate(model.parameters()):
            first_copies = t == 0 and not use_helper  # AveragedModel alone copies at its first update
            by_hand[i] = p.detach().clone() if first_copies else d * by_hand[i] + (1.0 - d) * p.detach()
        sched.step()
    for mine, theirs in zip(by_hand, average.module.parameters()):
        assert torch.equal(mine, theirs.detach())


def test_ema_helper_needs_the_member() -> None:
    torch = need("torch")
    opt = torch.optim.AdamW(_model(torch).parameters())
    sched = lrdsl.torch.scheduler(opt, "lr: cosine(1→0)\nweight_decay: 0.1", total_steps=N)
    with pytest.raises(lrdsl.LrdslError, match="the scheduler's set has no member 'ema': it has lr, weight_decay"):
        lrdsl.torch.ema_avg_fn(sched)


def test_one_schedule_is_unchanged() -> None:
    """A text without names (or a set of ``lr`` alone) is the schedule it was: ``values()`` holds its key."""
    torch = need("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt = torch.optim.SGD(_model(torch).parameters(), lr=0.1, momentum=0.9)
        sched = lrdsl.torch.scheduler(opt, "lr: cosine(1→0)", total_steps=N)
    assert sched.values() == {"lr": 1.0} and "lrdsl_set" not in sched.state_dict()
    parsed = lrdsl.torch.scheduler(opt, lrdsl.parse_set("lr: cosine(1→0)\nema: 0.9"), total_steps=N)
    assert parsed.values() == {"lr": 1.0, "ema": 0.9}
    momentum = lrdsl.torch.scheduler(opt, "linear(0.9→0.99)", total_steps=N, key="momentum")
    assert momentum.values() == {"momentum": 0.9}
    assert np.isclose(opt.param_groups[0]["momentum"], 0.9)


TORCH_SET_ERRORS: list[tuple[str, str]] = [
    (
        "momentum on Adam",
        "error: member 'momentum': Adam has no momentum\nhint: Adam-type optimizers' momentum is β₁: name the member "
        "betas[0]",
    ),
    (
        "key with a set",
        "error: key='momentum' is for one schedule: a set names the value each member sets\nhint: leave key out, and "
        "name the member in the set: momentum: …",
    ),
    (
        "no optimizer member",
        "error: the set has no optimizer member, only ema\nhint: add one (lr, weight_decay, momentum, betas[0], …), or "
        "read the members with lrdsl.evaluate_set",
    ),
    (
        "groups' sets differ",
        "error: param group 1's set has the members lr; group 0's has lr, momentum\nhint: give every group's set the "
        "same members",
    ),
    (
        "member removed",
        "error: the checkpoint's set has the members lr, momentum; this scheduler's has lr\nhint: to continue the "
        "checkpoint from its step 0 on this set, build the scheduler with resume='branch'",
    ),
    (
        "set record edited",
        "error: the checkpoint's schedule set record is not one lrdsl writes\nhint: a scheduler's "
        "state_dict()['lrdsl_set'] holds it; was the checkpoint edited?",
    ),
    (
        "momentum of StepLR",
        "error: PyTorch's StepLR does not set the momentum\nhint: only OneCycleLR and CyclicLR with "
        "cycle_momentum=True do: import the rate alone (momentum=False)",
    ),
    (
        "momentum phase with no steps",
        "error: PyTorch's OneCycleLR ends its momentum phases at steps -0.34, 32: a phase with no steps, which "
        "lrdsl's onecycle does not write\nhint: choose pct_start with pct_start · total_steps > 1 (below 0.5 with "
        "three_phase=True), or import the rate alone (momentum=False)",
    ),
    (
        "cyclic scale_fn",
        "error: PyTorch's CyclicLR's momentum follows a scale_fn or halves that are not whole steps\nhint: import "
        "the rate alone (momentum=False)",
    ),
    (
        "cyclic unequal halves",
        "error: PyTorch's CyclicLR's momentum in mode 'triangular2' with unequal halves falls from max_momentum, "
        "which lrdsl writes only for equal halves\nhint: use equal halves (step_size_down=None), or import the rate "
        "alone (momentum=False)",
    ),
    (
        "momentum mismatch",
        "error: the expression imported from PyTorch's OneCycleLR's momentum departs from the library's values at "
        "step 0: 0.9 instead of 0.95\nhint: expression: cosine(0.9→0.8, 10); please report this with the call that "
        "produced it",
    ),
    (
        "HF without weight decay",
        "error: lr_schedule sets weight_decay, and TrainingArguments.weight_decay is 0: the Trainer's groups with "
        "and without decay cannot be told apart\nhint: set TrainingArguments(weight_decay=…) to any value > 0 (the "
        "member sets the decaying group; biases and norms stay at 0)",
    ),
    (
        "no ema member",
        "error: the scheduler's set has no member 'ema': it has lr, momentum\nhint: name the EMA decay's member: "
        "ema_avg_fn(sched, member=…)",
    ),
]
"""Every message of the set adapter, whole (``tests/test_errors.py`` checks each message has one)."""


def _error_of(torch: Any, case: str) -> None:
    model = _model(torch)
    sgd = torch.optim.SGD([{"params": [p]} for p in model.parameters()][:2], lr=0.1, momentum=0.9)
    two = "lr: cosine(1→0)\nmomentum: 0.9"
    _import_error_of(torch, sgd, case)
    if case == "HF without weight decay":
        _hf_train(HF_SET, weight_decay=0.0)
    if case == "momentum on Adam":
        lrdsl.torch.scheduler(torch.optim.Adam(model.parameters()), two, total_steps=N)
    elif case == "key with a set":
        lrdsl.torch.scheduler(sgd, two, total_steps=N, key="momentum")
    elif case == "no optimizer member":
        lrdsl.torch.scheduler(sgd, "ema: 0.99", total_steps=N)
    elif case == "groups' sets differ":
        lrdsl.torch.scheduler(sgd, [two, "lr: cosine(1→0)"], total_steps=N)
    sched = lrdsl.torch.scheduler(sgd, two, total_steps=N)
    state = sched.state_dict()
    if case == "member removed":
        lrdsl.torch.scheduler(sgd, "lr: cosine(1→0)", total_steps=N).load_state_dict(state)
    elif case == "set record edited":
        sched.load_state_dict({**state, "lrdsl_set": ["lr"]})
    elif case == "no ema member":
        lrdsl.torch.ema_avg_fn(sched)


@pytest.mark.parametrize(("case", "message"), TORCH_SET_ERRORS, ids=[c for c, _ in TORCH_SET_ERRORS])
def test_error_messages(case: str, message: str) -> None:
    torch = need("torch")
    with pytest.raises(lrdsl.LrdslError) as err:
        _error_of(torch, case)
    assert str(err.value) == message


def _import_error_of(torch: Any, opt: Any, case: str) -> None:
    from lrdsl.importers.torch import Sched, _check_momentum, _cycled

    L = torch.optim.lr_scheduler
    if case == "momentum of StepLR":
        from_torch(L.StepLR(opt, 10), momentum=True)
    elif case == "momentum phase with no steps":  # the rate's import refuses it first: the mapping alone
        kw = {"total_steps": 33, "epochs": None, "pct_start": 0.02, "three_phase": False, "anneal_strategy": "cos"}
        _cycled(Sched("OneCycleLR", kw), 0.95, 0.85)
    elif case == "cyclic scale_fn":
        from_torch(L.CyclicLR(opt, 0.01, 0.1, 4, scale_fn=lambda x: 0.5**x), total_steps=40, momentum=True)
    elif case == "cyclic unequal halves":
        from_torch(L.CyclicLR(opt, 0.01, 0.1, 4, 6, mode="triangular2"), momentum=True)
    elif case == "momentum mismatch":
        _check_momentum(L.OneCycleLR(opt, 0.1, total_steps=100), 0, "momentum", "cosine(0.9→0.8, 10)", 10)


def _onecycle(L: Any, opt: Any) -> Any:
    return L.OneCycleLR(opt, max_lr=0.1, total_steps=N)


def _onecycle3(L: Any, opt: Any) -> Any:
    return L.OneCycleLR(opt, max_lr=0.1, total_steps=N, three_phase=True, anneal_strategy="linear", pct_start=0.25)


def _cyclic(L: Any, opt: Any) -> Any:
    return L.CyclicLR(opt, 0.01, 0.1, step_size_up=5, mode="exp_range", gamma=0.97, base_momentum=0.7)


def _cyclic_unequal(L: Any, opt: Any) -> Any:
    return L.CyclicLR(opt, 0.01, 0.1, step_size_up=4, step_size_down=11)


@pytest.mark.parametrize("make", [_onecycle, _onecycle3, _cyclic, _cyclic_unequal])
@pytest.mark.parametrize("optimizer", ["SGD", "AdamW"])
def test_imported_momentum_drives_the_optimizer_as_pytorch_does(make: Any, optimizer: str) -> None:
    """A OneCycleLR or CyclicLR cycling the momentum imports as a set; lrdsl.torch then sets what PyTorch sets."""
    torch = need("torch")
    L = torch.optim.lr_scheduler
    kwargs = {"momentum": 0.9} if optimizer == "SGD" else {}
    theirs = getattr(torch.optim, optimizer)(_model(torch).parameters(), lr=0.1, **kwargs)
    reference = make(L, theirs)
    text = from_torch(reference, momentum=True)
    key = "momentum" if optimizer == "SGD" else "betas[0]"
    assert lrdsl.parse_set(text).names == ("lr", key)
    ours = getattr(torch.optim, optimizer)(_model(torch).parameters(), lr=0.1, **kwargs)
    sched = lrdsl.torch.scheduler(ours, text, total_steps=N)

    def read(group: dict[str, Any]) -> tuple[float, float]:
        return group["lr"], group["betas"][0] if key == "betas[0]" else group["momentum"]

    for _ in range(N):
        np.testing.assert_allclose(read(ours.param_groups[0]), read(theirs.param_groups[0]), rtol=1e-12)
        theirs.step()
        ours.step()
        reference.step()
        sched.step()
    assert from_torch(reference) == str(lrdsl.parse_set(text).member("lr"))  # the rate alone, as before


LIGHTNING_SET = """lr:            warmup(linear, 1ep) >> cosine(0.1→1e-3)
momentum:      linear(0.8→0.95, 1ep) >> hold()
weight_decay:  cosine(1e-2→0)
ema:           fn(min(0.999, (1 + t) / (10 + t)))"""


QUIET = {
    "accelerator": "cpu",
    "devices": 1,
    "logger": False,
    "enable_progress_bar": False,
    "enable_model_summary": False,
}
"""A Lightning ``Trainer`` on CPU that prints and logs nothing."""


def _lightning_fit(root: Any, ckpt: Any = None, every: int = 0) -> list[tuple[int, float, float, float, float]]:
    torch = need("torch")
    L = need("lightning.pytorch")
    import lrdsl.lightning
    from tests.test_lightning import _data, _module_class

    seen: list[tuple[int, float, float, float, float]] = []

    class Recording(_module_class()):  # type: ignore[misc]
        """test_lightning's module on SGD with momentum and weight decay, recording every member each step."""

        def configure_optimizers(self) -> Any:
            optimizer = torch.optim.SGD(self.parameters(), lr=1.0, momentum=0.9, weight_decay=1e-2)
            self.config = lrdsl.lightning.scheduler_config(optimizer, self.expr, self.trainer)
            return {"optimizer": optimizer, "lr_scheduler": self.config}

        def on_before_optimizer_step(self, optimizer: Any) -> None:
            g = optimizer.param_groups[0]
            ema = self.config["scheduler"].values()["ema"]
            seen.append((self.trainer.global_step, g["lr"], g["momentum"], g["weight_decay"], ema))

    saving = [L.callbacks.ModelCheckpoint(dirpath=root / "ckpt", every_n_train_steps=every, save_top_k=-1)]
    trainer = L.Trainer(
        max_epochs=3,
        default_root_dir=root,
        callbacks=saving if every else [],
        enable_checkpointing=bool(every),
        **QUIET,
    )
    trainer.fit(Recording(LIGHTNING_SET), _data(), ckpt_path=ckpt)
    return seen


def test_lightning_fit_sets_every_member_and_resumes(tmp_path: Any) -> None:
    seen = _lightning_fit(tmp_path, every=5)
    total, per_epoch = 33, 11
    expected = lrdsl.evaluate_set(LIGHTNING_SET, total_steps=total, steps_per_epoch=per_epoch)
    assert [s[0] for s in seen] == list(range(total))
    for column, name in enumerate(expected, start=1):
        np.testing.assert_array_equal([s[column] for s in seen], expected[name])
    resumed = _lightning_fit(tmp_path / "again", ckpt=tmp_path / "ckpt" / "epoch=0-step=10.ckpt")
    assert resumed == seen[10:]


HF_SET = """lr:            warmup(linear, 1ep) >> cosine(0.1→1e-3)
weight_decay:  linear(0.1→0.01)
betas[0]:      linear(0.85→0.9, 1ep) >> hold()
betas[1]:      linear(0.95→0.99) """


def _hf_train(text: str, **kwargs: Any) -> list[tuple[int, list[tuple[float, float, float, float]]]]:
    import lrdsl.hf
    from tests.test_hf_trainer import _args, _data, _model

    transformers = need("transformers")
    seen: list[tuple[int, list[tuple[float, float, float, float]]]] = []

    class Recorder(transformers.TrainerCallback):  # type: ignore[misc,name-defined]
        def on_pre_optimizer_step(self, args: Any, state: Any, control: Any, **kw: Any) -> None:
            groups = kw["optimizer"].param_groups
            seen.append((state.global_step, [(g["lr"], g["weight_decay"], *g["betas"]) for g in groups]))

    with tempfile.TemporaryDirectory() as out:
        args = _args(Path(out), **kwargs)
        trainer = lrdsl.hf.Trainer(
            model=_model(), args=args, train_dataset=_data(), callbacks=[Recorder()], lr_schedule=text
        )
        trainer.train()
    return seen


def test_hf_trainer_sets_every_member() -> None:
    seen = _hf_train(HF_SET, weight_decay=0.05)
    expected = lrdsl.evaluate_set(HF_SET, total_steps=33, steps_per_epoch=11)
    assert [step for step, _ in seen] == list(range(33))
    for t, (decay, no_decay) in seen:
        want = tuple(float(expected[name][t]) for name in ("lr", "weight_decay", "betas[0]", "betas[1]"))
        assert decay == want
        assert no_decay == (want[0], 0.0, *want[2:])  # biases and norms: no decay, the rest as the set says
