"""Checkpoints that know their schedule: save and load through ``torch.save``/``torch.load``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lrdsl
from lrdsl.api import generate
from lrdsl.integrations.checkpoint import ScheduleRecord, check_resume
from tests.frameworks import load, need
from tests.gen_cases import F64

pytestmark = pytest.mark.frameworks

E = "warmup(linear, 1ep) >> cosine($peak→$peak / 100) * restart(mult=2)"
N, SPE, PARAMS = 200, 20, {"peak": 0.2}
LRS = (1.0, 0.5, 0.1)


def _setup(torch: Any, expr: Any = E, lrs: tuple[float, ...] = LRS, **kw: Any) -> tuple[Any, Any, Any]:
    """A tiny model with one param group per layer, AdamW, and an lrdsl scheduler (scaled groups)."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 6), torch.nn.Tanh(), torch.nn.Linear(6, 4), torch.nn.Linear(4, 1))
    layers = [m for m in model if isinstance(m, torch.nn.Linear)]
    groups = [{"params": list(m.parameters()), "lr": lr} for m, lr in zip(layers, lrs)]
    opt = torch.optim.AdamW(groups, lr=lrs[0])
    kw = {"total_steps": N, "steps_per_epoch": SPE, "params": PARAMS, "mode": "scale", **kw}
    return model, opt, lrdsl.torch.scheduler(opt, expr, **kw)


def _steps(torch: Any, model: Any, opt: Any, sched: Any, count: int) -> list[list[float]]:
    seen = []
    gen = torch.Generator().manual_seed(len(seen))
    for _ in range(count):
        seen.append([g["lr"] for g in opt.param_groups])
        x = torch.randn(8, 3, generator=gen)
        opt.zero_grad()
        model(x).pow(2).mean().backward()
        opt.step()
        sched.step()
    return seen


def _save(torch: Any, path: Path, model: Any, opt: Any, sched: Any) -> None:
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict()}, path)


def _resume(torch: Any, path: Path, **kw: Any) -> tuple[Any, Any, Any]:
    """The usual order: model, optimizer, scheduler built fresh, then each loads its state."""
    model, opt, sched = _setup(torch, **kw)
    state = torch.load(path, weights_only=True)  # the record is plain data
    model.load_state_dict(state["model"])
    opt.load_state_dict(state["opt"])
    sched.load_state_dict(state["sched"])
    return model, opt, sched


def test_state_dict_records_the_run() -> None:
    torch = need("torch")
    _, _, sched = _setup(torch, tokens_per_step=4096.0)
    assert sched.state_dict()["lrdsl"] == {
        "expr": "warmup(linear, 1ep) >> cosine($peak→$peak / 100) * restart(mult=2)",
        "total_steps": N,
        "steps_per_epoch": 20.0,
        "tokens_per_step": 4096.0,
        "samples_per_step": None,
        "params": {"peak": 0.2},
        "key": "lr",
        "mode": "scale",
        "language": 3,
    }
    _, _, per_group = _setup(torch, ["cosine(1→0)", "const(0.5)", "linear(1→0)"], params=None)
    assert per_group.state_dict()["lrdsl"]["expr"] == ["cosine(1→0)", "const(0.5)", "linear(1→0)"]


def test_resume_mid_run_through_torch_save_continues_exactly(tmp_path: Path) -> None:
    torch = need("torch")
    model, opt, sched = _setup(torch)
    first = _steps(torch, model, opt, sched, 77)
    _save(torch, tmp_path / "ckpt.pt", model, opt, sched)
    rest = _steps(torch, model, opt, sched, N - 77)
    model2, opt2, sched2 = _resume(torch, tmp_path / "ckpt.pt")
    assert sched2.last_epoch == 77 and sched2.branches == []
    resumed = _steps(torch, model2, opt2, sched2, N - 77)
    assert resumed == rest  # bit for bit
    want = np.outer(lrdsl.evaluate(E, N, SPE, params=PARAMS), LRS)
    np.testing.assert_allclose(np.array(first + resumed), want, **F64)
    for a, b in zip(model.parameters(), model2.parameters()):
        assert torch.equal(a, b)


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        ({"expr": "cosine($peak→0)"}, "cosine($peak→0) (200 steps, 20 steps per epoch, $peak=0.2, mode='scale')"),
        ({"total_steps": 300}, "* restart(mult=2) (300 steps, 20 steps per epoch"),
        ({"steps_per_epoch": 25}, "(200 steps, 25 steps per epoch, $peak=0.2"),
        ({"params": {"peak": 0.1}}, "$peak=0.1"),
        ({"mode": "absolute"}, "(200 steps, 20 steps per epoch, $peak=0.2)"),
    ],
)
def test_loading_another_schedule_raises_naming_both(tmp_path: Path, change: dict[str, Any], shown: str) -> None:
    torch = need("torch")
    model, opt, sched = _setup(torch)
    _steps(torch, model, opt, sched, 30)
    _save(torch, tmp_path / "ckpt.pt", model, opt, sched)
    expr = change.pop("expr", E)
    with pytest.raises(lrdsl.LrdslError) as info:
        _resume(torch, tmp_path / "ckpt.pt", expr=expr, **change)
    message = str(info.value)
    saved = "warmup(linear, 1ep) >> cosine($peak→$peak / 100) * restart(mult=2) (200 steps, 20 steps per epoch, $peak=0.2, mode='scale')"
    assert message.startswith(f"error: the checkpoint's schedule is {saved}; this scheduler's is ")
    assert shown in message.split("; this scheduler's is ", 1)[1].splitlines()[0]
    hint = "to continue the checkpoint from its step 30 on this schedule, build the scheduler with resume='branch'"
    assert info.value.hint == hint


def test_branch_adds_a_wsd_cooldown_to_a_finished_constant_run(tmp_path: Path) -> None:
    torch = need("torch")
    constant, cooldown = "warmup(linear, 10) >> const(1e-3)", "wsd(1e-3, warmup=10, decay=20)"
    model, opt, sched = _setup(torch, constant, lrs=(1.0, 1.0, 1.0), total_steps=100, params=None, mode=None)
    first = _steps(torch, model, opt, sched, 100)
    _save(torch, tmp_path / "finished.pt", model, opt, sched)
    kw = {"lrs": (1.0, 1.0, 1.0), "total_steps": 120, "params": None, "mode": None}
    with pytest.raises(lrdsl.LrdslError, match="resume='branch'"):
        _resume(torch, tmp_path / "finished.pt", expr=cooldown, **kw)
    model2, opt2, sched2 = _resume(torch, tmp_path / "finished.pt", expr=cooldown, resume="branch", **kw)
    assert sched2.last_epoch == 100
    assert sched2.branches == [{"from": sched.state_dict()["lrdsl"], "at": 100}]
    tail = _steps(torch, model2, opt2, sched2, 20)
    want = lrdsl.evaluate(cooldown, 120)
    np.testing.assert_allclose(np.array(first + tail)[:, 0], want, **F64)
    assert tail[0][0] == 1e-3 and tail[-1][0] == pytest.approx(5e-5)
    # The branched run's checkpoint is the cool-down's: it resumes strictly, its history kept.
    _save(torch, tmp_path / "cooldown.pt", model2, opt2, sched2)
    _, _, sched3 = _resume(torch, tmp_path / "cooldown.pt", expr=cooldown, **kw)
    assert sched3.last_epoch == 120 and sched3.branches == sched2.branches


def test_a_checkpoint_without_a_record_warns_and_continues(tmp_path: Path) -> None:
    torch = need("torch")
    cls = load(generate("cosine(1→0, 50)", "torch"), "plain_torch").Scheduler
    param = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([param], lr=1.0)
    plain = cls(opt)
    for _ in range(10):
        opt.step()
        plain.step()
    torch.save(plain.state_dict(), tmp_path / "plain.pt")
    opt2 = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    sched = lrdsl.torch.scheduler(opt2, "cosine(1→0, 50)")
    with pytest.warns(UserWarning, match=r"does not record its schedule: resuming at step 10 on cosine\(1→0, 50\)"):
        sched.load_state_dict(torch.load(tmp_path / "plain.pt", weights_only=True))
    assert opt2.param_groups[0]["lr"] == opt.param_groups[0]["lr"] == lrdsl.evaluate("cosine(1→0, 50)", steps=[10])[0]


def _v2_checkpoint(torch: Any, path: Path, expr: str, steps: int) -> list[float]:
    """A checkpoint of ``expr`` after ``steps`` steps whose record is a language v2 one (no ``language``);
    the rates the run used."""
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    sched = lrdsl.torch.scheduler(opt, expr, total_steps=40)
    seen = []
    for _ in range(steps):
        seen.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    state = sched.state_dict()
    assert state["lrdsl"].pop("language") == 3
    torch.save(state, path)
    return seen


def test_a_v2_record_with_a_fractional_period_is_refused_strictly_and_branched_with_a_warning(tmp_path: Path) -> None:
    torch = need("torch")
    expr = "exp_decay(1, rate=0.5, every=2.5, staircase=true)"  # §9.4: drops at 3, 5, 8 (exact 2.5·k)
    _v2_checkpoint(torch, tmp_path / "v2.pt", expr, 10)
    state = torch.load(tmp_path / "v2.pt", weights_only=True)

    def fresh(**kw: Any) -> tuple[Any, Any]:
        opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        return opt, lrdsl.torch.scheduler(opt, expr, total_steps=40, **kw)

    _, strict = fresh()
    with pytest.raises(lrdsl.LrdslError) as info:
        strict.load_state_dict(state)
    assert str(info.value).startswith(
        "error: the schedule was saved under language v2, where periods and marks were not exact: 2.5 may now set "
        "some steps' values differently (LANGUAGE.md §9.4)"
    )
    opt, branch = fresh(resume="branch")
    with pytest.warns(lrdsl.LrdslWarning, match="saved under language v2") as caught:
        branch.load_state_dict(state)
    assert [w.filename for w in caught if issubclass(w.category, lrdsl.LrdslWarning)] == [__file__]
    assert branch.last_epoch == 10 and branch.branches == [{"from": state["lrdsl"], "at": 10}]
    assert opt.param_groups[0]["lr"] == lrdsl.evaluate(expr, 40, steps=[10])[0] == 0.0625
    # saved again, the record is v3 and resumes strictly
    torch.save(branch.state_dict(), tmp_path / "v3.pt")
    _, again = fresh()
    again.load_state_dict(torch.load(tmp_path / "v3.pt", weights_only=True))
    assert again.last_epoch == 10 and again.branches == branch.branches


def test_a_v2_record_of_whole_periods_resumes_as_the_same_run(tmp_path: Path, recwarn: Any) -> None:
    torch = need("torch")
    expr = "exp_decay(1, rate=0.5, every=3, staircase=true) * quantize(2)"
    seen = _v2_checkpoint(torch, tmp_path / "v2.pt", expr, 10)
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    sched = lrdsl.torch.scheduler(opt, expr, total_steps=40)
    sched.load_state_dict(torch.load(tmp_path / "v2.pt", weights_only=True))
    assert sched.branches == [] and not [w for w in recwarn if issubclass(w.category, lrdsl.LrdslWarning)]
    assert seen == list(lrdsl.evaluate(expr, 40)[:10])


def test_record_versions_read_and_checked() -> None:
    from lrdsl.integrations.checkpoint import changed_since_v2

    record = ScheduleRecord(("cosine(1→0, 10)",), 10)
    assert record.language == 3 and ScheduleRecord.from_dict(record.as_dict()) == record
    old = {k: v for k, v in record.as_dict().items() if k != "language"}
    assert ScheduleRecord.from_dict(old).language == 2
    for bad in (4, 1, "3", True, 2.5):
        with pytest.raises(lrdsl.LrdslError, match="not one lrdsl writes"):
            ScheduleRecord.from_dict({**old, "language": bad})
    cases = [
        ("multistep(1, gamma=0.5, at=[1ep, 2.2ep])", 25.0, (), "2.2ep"),  # 55 exactly, 55.00000000000001 in v2
        ("multistep(1, gamma=0.5, at=[1ep, 2ep])", 25.0, (), None),
        ("cosine(1→0, 10ep) * quantize(1ep)", 7.5, (), "1ep"),
        ("cosine(1→0, 10.5ep) >> const(0)", 7.0, (), None),  # a duration: rounded in both versions
        ("cosine(1→0) * restart(period=$p)", None, (("p", 2.5),), "$p"),
        ("cosine(1→0) * restart(period=$p)", None, (("p", 25.0),), None),
        ("poly(1→0, 2.5, cycle=true)", None, (), "2.5"),
    ]
    for expr, spe, params, changed in cases:
        assert changed_since_v2(ScheduleRecord((expr,), 100, spe, params=params, language=2)) == changed, expr


def test_another_number_of_groups_or_an_edited_record_is_refused(tmp_path: Path) -> None:
    torch = need("torch")
    _, _, sched = _setup(torch)
    state = sched.state_dict()
    _, _, two = _setup(torch, lrs=(1.0, 0.5))
    with pytest.raises(lrdsl.LrdslError, match="param groups: the checkpoint has 3, this optimizer 2"):
        two.load_state_dict(state)
    with pytest.raises(lrdsl.LrdslError, match="schedule record is not one lrdsl writes"):
        sched.load_state_dict({**state, "lrdsl": {"expr": 5}})


def test_check_resume_is_framework_free() -> None:
    """The check every trainer adapter shares: on plain records."""
    a = ScheduleRecord(("cosine(1→0)",), 100)
    assert check_resume(a.as_dict(), a, 10)
    assert not check_resume(ScheduleRecord(("const(1)",), 100).as_dict(), a, 10, resume="branch")
    with pytest.raises(
        lrdsl.LrdslError, match=r"the checkpoint's schedule is const\(1\) \(100 steps\); this scheduler's is cosine"
    ):
        check_resume(ScheduleRecord(("const(1)",), 100).as_dict(), a, 10)
    assert ScheduleRecord.from_dict(a.as_dict()) == a


CRAFTED: list[tuple[str, Any]] = [
    ("last_epoch", "10"),
    ("last_epoch", 1e400),
    ("last_epoch", 10**400),
    ("base_values", [10**400, 1.0, 1.0]),
    ("last_epoch", None),
    ("last_epoch", [3]),
    ("last_epoch", 2.5),
    ("_step_count", "x"),
    ("base_values", "abc"),
    ("base_values", [1.0, "x", 2.0]),
    ("base_values", [1.0, float("nan"), 2.0]),
    ("factors", [1.0, "x", 2.0]),
    ("factors", "abc"),
    ("branches", [1, 2]),
    ("branches", "x"),
    ("branches", [{"from": {}, "at": 1, "code": "x"}]),
    ("lrdsl", {"expr": "cosine(1→0)", "total_steps": 1e400}),
    ("lrdsl", {"expr": "cosine(1→0)", "total_steps": "100"}),
    ("lrdsl", {"expr": "cosine(1→0)", "total_steps": 100, "params": {"a": "b"}}),
    ("lrdsl", {"expr": "cosine(1→0)", "total_steps": 100, "params": [1, 2]}),
    ("lrdsl", {"expr": "cosine(1→0)", "total_steps": 100, "steps_per_epoch": float("inf")}),
    ("lrdsl", {"expr": "cosine(1→0)", "total_steps": 100, "mode": ["scale"]}),
    ("lrdsl", {"expr": "cosine(1→0)", "total_steps": 100, "key": {"a": 1}}),
    ("lrdsl", {"expr": {"a": 1}, "total_steps": 100}),
    ("lrdsl", "x"),
]


@pytest.mark.parametrize(("field", "value"), CRAFTED, ids=[f"{f}={v!r}"[:40] for f, v in CRAFTED])
def test_a_crafted_state_is_an_lrdsl_error(field: str, value: Any) -> None:
    torch = need("torch")
    _, _, sched = _setup(torch)
    state = sched.state_dict()
    with pytest.raises(lrdsl.LrdslError, match="not one lrdsl writes"):
        sched.load_state_dict({**state, field: value})


def test_a_record_text_with_escape_codes_is_shown_escaped_and_bounded() -> None:
    a = ScheduleRecord(("cosine(1→0)",), 100)
    crafted = {**a.as_dict(), "expr": "\x1b[2J\x1b]0;owned\x07" + "x" * 10_000}
    with pytest.raises(lrdsl.LrdslError) as err:
        check_resume(crafted, a, 10)
    text = str(err.value)
    assert "\x1b" not in text and "\x07" not in text and "\\x1b[2J" in text
    assert len(text) < 1000
