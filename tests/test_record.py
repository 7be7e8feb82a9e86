"""``lrdsl.record``: the rate each update of a real training loop used, in PyTorch, Keras and Optax.

The rate an update used is also read off the weights where it can be (a loss whose gradient is
exactly 1 moves each weight by ``−lr``), so the recording is checked against what the optimizer did,
not only against ``lrdsl.evaluate``.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lrdsl
from lrdsl.tools.values import read_values
from tests.conftest import run_cli
from tests.frameworks import need, run_worker
from tests.gen_cases import F32

pytestmark = pytest.mark.frameworks


def _torch_model(torch: Any, lrs: tuple[float, ...] = (0.1,)) -> tuple[Any, Any]:
    """A model of ``len(lrs)`` one-weight layers and an SGD optimizer with one group per layer."""
    torch.manual_seed(0)
    layers = torch.nn.ModuleList(torch.nn.Linear(1, 1, bias=False) for _ in lrs)
    groups = [{"params": layer.parameters(), "lr": lr} for layer, lr in zip(layers, lrs)]
    return layers, torch.optim.SGD(groups, lr=lrs[0])


def _train_step(torch: Any, layers: Any, optimizer: Any) -> None:
    x = torch.ones(4, 1)
    loss = sum(layer(x).sum() for layer in layers)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


def test_torch_loop_with_cosine_annealing_stepped_after_the_update() -> None:
    torch = need("torch")
    layers, optimizer = _torch_model(torch, (0.1, 0.02))
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=50, eta_min=1e-3)
    with lrdsl.record(optimizer) as rec:
        for _ in range(50):
            _train_step(torch, layers, optimizer)
            scheduler.step()
    _train_step(torch, layers, optimizer)  # after the block: not recorded
    assert rec.values.dtype == np.float64 and rec.values.shape == (50,) and rec.groups.shape == (50, 2)
    np.testing.assert_allclose(rec.values, lrdsl.evaluate("cosine(0.1→1e-3, 50)"), rtol=1e-12, atol=0)
    np.testing.assert_allclose(rec.groups[:, 1], lrdsl.evaluate("cosine(0.02→1e-3, 50)"), rtol=1e-12, atol=0)
    fit = lrdsl.fit(rec.values)
    assert fit.exact  # cosine(0.1→1e-3) over the 50 updates recorded
    np.testing.assert_allclose(lrdsl.evaluate(fit.expr, 50), rec.values, rtol=1e-11, atol=0)


def test_torch_scheduler_stepped_with_the_index_of_the_update_just_done_is_found_late() -> None:
    """A hand-written rule applied after update ``t`` with ``t``: update ``t + 1`` uses ``lr(t)``."""
    torch = need("torch")
    meant = "warmup(linear, 10) >> cosine(0.1→0, 90)"

    def lr_at(t: int) -> float:
        return 0.1 * t / 10 if t < 10 else 0.05 * (1 + math.cos(math.pi * (t - 10) / 90))

    layers, optimizer = _torch_model(torch, (lr_at(0),))
    with lrdsl.record(optimizer) as rec:
        for t in range(100):
            _train_step(torch, layers, optimizer)
            for group in optimizer.param_groups:
                group["lr"] = lr_at(t)  # the update just done, not the next one
    want = lrdsl.evaluate(meant)
    assert rec.values[0] == rec.values[1] == 0.0  # the first value held: two updates at rate 0
    np.testing.assert_allclose(rec.values[1:], want[:-1], rtol=1e-12, atol=1e-18)
    diff = lrdsl.compare(meant, rec.values)
    assert not diff.equal and diff.first_step == 1
    fit = lrdsl.fit(rec.values)
    assert fit.exact and fit.expr != meant
    np.testing.assert_allclose(lrdsl.evaluate(fit.expr, 100), rec.values, rtol=1e-11, atol=1e-17)

    # The same late clock from a PyTorch scheduler stepped with the index of the update just done.
    layers, optimizer = _torch_model(torch, (0.1,))
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: lr_at(t) / 0.1)
    with lrdsl.record(optimizer) as late, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # PyTorch deprecates step(epoch)
        for t in range(100):
            _train_step(torch, layers, optimizer)
            scheduler.step(t)
    np.testing.assert_allclose(late.values, rec.values, rtol=1e-12, atol=1e-18)


def test_torch_rate_read_from_the_weights_and_a_tensor_lr(tmp_path: Path) -> None:
    torch = need("torch")
    weight = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    optimizer = torch.optim.SGD([weight], lr=torch.tensor(0.5, dtype=torch.float64))
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=3, gamma=0.5)
    moved = []
    with lrdsl.record(scheduler) as rec:  # a scheduler: its optimizer is recorded
        for _ in range(9):
            before = float(weight.detach())
            optimizer.zero_grad()
            weight.sum().backward()  # gradient 1: the weight moves by −lr
            optimizer.step()
            scheduler.step()
            moved.append(before - float(weight.detach()))
    np.testing.assert_array_equal(rec.values, moved)
    np.testing.assert_array_equal(rec.values, lrdsl.evaluate("step(0.5, every=3, gamma=0.5)", 9))
    for name in ("lr.npy", "lr.csv", "lr.tsv", "lr.json", "lr.txt"):
        np.testing.assert_array_equal(read_values(rec.save(tmp_path / name)), rec.values)
    assert (tmp_path / "lr.csv").read_text(encoding="utf-8").splitlines()[:2] == ["step,lr", "0,0.5"]
    proc = run_cli("fit", str(tmp_path / "lr.csv"))
    assert proc.returncode == 0, proc.stderr  # prints step(0.5, every=3, gamma=0.5), in some order
    np.testing.assert_array_equal(lrdsl.evaluate(proc.stdout.splitlines()[0], 9), rec.values)


def _error(call: Any) -> str:
    with pytest.raises(lrdsl.LrdslError) as info:
        call()
    return str(info.value)


def test_torch_refusals(tmp_path: Path) -> None:
    torch = need("torch")
    layers, optimizer = _torch_model(torch, (0.1, 0.2))
    assert _error(lambda: lrdsl.record(object())) == (
        "error: lrdsl.record() takes an optimizer, not object\n"
        "hint: a torch.optim optimizer, a Keras model or optimizer, or an Optax GradientTransformation"
    )
    assert _error(lambda: lrdsl.record(optimizer, schedule=lambda n: 0.1)) == (
        "error: schedule= is for an Optax optimizer built as optax.adam(schedule)\n"
        "hint: a torch optimizer's rate is read from the optimizer itself: drop schedule="
    )
    assert _error(lambda: lrdsl.record(optimizer, max_updates=0)) == (
        "error: max_updates must be a positive whole number, not 0"
    )
    rec = lrdsl.record(optimizer, max_updates=2)
    assert _error(lambda: rec.save(tmp_path / "lr.csv")) == (
        "error: nothing recorded: no update happened while recording\n"
        "hint: run the training steps inside `with lrdsl.record(…) as rec:` (Keras: callbacks=[rec.callback])"
    )
    _train_step(torch, layers, optimizer)
    _train_step(torch, layers, optimizer)
    assert _error(lambda: _train_step(torch, layers, optimizer)) == (
        "error: the recording is full: it keeps at most 2 updates\n"
        "hint: record a shorter run, or pass max_updates=… to lrdsl.record"
    )
    rec.close()
    _train_step(torch, layers, optimizer)  # the hook is gone
    assert len(rec) == 2 and repr(rec) == "<TorchRecording: 2 updates>"
    assert _error(lambda: rec.save(tmp_path / "lr.xlsx")) == (
        f"error: cannot save to {tmp_path / 'lr.xlsx'}: unknown format '.xlsx'\n"
        "hint: name the file .npy, .csv, .tsv, .json or .txt"
    )
    assert _error(lambda: rec.save(tmp_path / "lr.csv", group=2)) == (
        "error: the optimizer has 2 parameter groups; there is no group 2"
    )
    np.testing.assert_array_equal(read_values(rec.save(tmp_path / "lr.npy", group=1)), [0.2, 0.2])

    optimizer.add_param_group({"params": [torch.nn.Parameter(torch.zeros(1))], "lr": 0.3})
    with lrdsl.record(optimizer, max_updates=5) as grown:
        _train_step(torch, layers, optimizer)
        optimizer.add_param_group({"params": [torch.nn.Parameter(torch.zeros(1))], "lr": 0.4})
        _train_step(torch, layers, optimizer)
    np.testing.assert_array_equal(grown.values, [0.1, 0.1])
    assert _error(lambda: grown.groups) == (
        "error: the optimizer had 3 parameter groups at update 0 and 4 at update 1\n"
        "hint: read each group's rates from .values of a recording started after the change"
    )
    assert _error(lambda: rec.save(tmp_path / "missing" / "lr.csv")).startswith(
        f"error: cannot write {tmp_path / 'missing' / 'lr.csv'}: "
    )
    optimizer.param_groups[0]["lr"] = None
    assert _error(lambda: lrdsl.record(optimizer)) == (
        "error: parameter group 0 has lr=None, not a number\n"
        "hint: lrdsl.record reads the rate an optimizer keeps in param_groups[…]['lr']"
    )


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_keras_model_fit_records_the_rate_each_batch_used(backend: str) -> None:
    need("keras")
    need(backend)
    report = run_worker("tests.record_keras_worker", {"KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert report["backend"] == backend
    checks = {"schedule:used", "schedule:evaluate", "schedule:naive reader is off", "schedule:float64"}
    checks |= {"schedule:fit", "schedule:fit evaluates"}
    checks |= {"variable:used", "variable:evaluate", "accumulation:used", "accumulation:evaluate", "another model"}
    checks |= {"loss scale:used", "loss scale:evaluate"}
    assert set(report["results"]) == checks | ({"steps_per_execution:evaluate"} if backend == "jax" else set())


OPTAX_EXPR = "warmup(linear, 5) >> cosine(0.1→1e-3)"


def _optax_loop(tx: Any, steps: int, rec: Any) -> list[float]:
    """A jitted SGD-style loop on one float32 weight whose gradient is 1; the rate each update moved it by."""
    jax, jnp = need("jax"), need("jax.numpy")
    optax = need("optax")
    params = {"w": jnp.zeros(())}
    state = tx.init(params)

    @jax.jit
    def step(params: Any, state: Any) -> Any:
        grads = jax.grad(lambda p: p["w"] * 1.0)(params)
        updates, state = tx.update(grads, state, params)
        return optax.apply_updates(params, updates), state

    moved = []
    for _ in range(steps):
        new, state = step(params, state)
        moved.append(float(params["w"]) - float(new["w"]))
        params = new
        rec.observe(state)
    return moved


def test_optax_inject_hyperparams_under_jit() -> None:
    optax = need("optax")
    import lrdsl.optax

    tx = optax.inject_hyperparams(optax.sgd)(learning_rate=lrdsl.optax.schedule(OPTAX_EXPR, 40))
    rec = lrdsl.record(tx)
    moved = _optax_loop(tx, 45, rec)  # 5 updates past the total: the end value holds
    want = lrdsl.evaluate(OPTAX_EXPR, 40, steps=range(45))
    np.testing.assert_allclose(rec.values, want, rtol=F32["rtol"], atol=F32["atol"])
    np.testing.assert_allclose(moved, rec.values, rtol=1e-5, atol=1e-7)  # float32 weight arithmetic
    assert rec.values[0] == 0.0 and rec.groups.shape == (45, 1)


def test_optax_plain_adam_by_its_schedule_and_two_groups() -> None:
    jax, jnp, optax = need("jax"), need("jax.numpy"), need("optax")
    import lrdsl.optax

    sched = lrdsl.optax.schedule(OPTAX_EXPR, 40)
    tx = optax.sgd(sched)
    assert _error(lambda: lrdsl.record(tx).observe(tx.init({"w": jnp.zeros(())}))) == (
        "error: the optimizer's state does not hold its learning rate\n"
        "hint: build it with optax.inject_hyperparams(optax.adam)(learning_rate=schedule), or pass the schedule: "
        "lrdsl.record(tx, schedule=schedule) for optax.adam(schedule)"
    )
    rec = lrdsl.record(tx, schedule=sched)
    moved = _optax_loop(tx, 40, rec)
    np.testing.assert_allclose(rec.values, lrdsl.evaluate(OPTAX_EXPR, 40), rtol=F32["rtol"], atol=F32["atol"])
    np.testing.assert_allclose(moved, rec.values, rtol=1e-5, atol=1e-7)
    assert _error(lambda: lrdsl.record(optax.sgd(0.1), schedule=sched).observe(optax.sgd(0.1).init({}))) == (
        "error: the optimizer's state has no ScaleByScheduleState: no step count to call the schedule on\n"
        "hint: schedule= is for an optimizer built as optax.adam(schedule) (or scale_by_schedule)"
    )

    two = optax.multi_transform(
        {
            "body": optax.inject_hyperparams(optax.adam)(learning_rate=sched),
            "head": optax.inject_hyperparams(optax.adam)(learning_rate=0.5),
        },
        {"a": "body", "b": "head"},
    )
    params = {"a": jnp.zeros(2), "b": jnp.zeros(2)}
    state = two.init(params)
    rec = lrdsl.record(two)
    update = jax.jit(two.update)
    for _ in range(10):
        _, state = update({"a": jnp.ones(2), "b": jnp.ones(2)}, state, params)
        rec.observe(state)
    np.testing.assert_allclose(rec.groups[:, 0], lrdsl.evaluate(OPTAX_EXPR, 40)[:10], rtol=F32["rtol"])
    np.testing.assert_array_equal(rec.groups[:, 1], np.full(10, 0.5))


def test_optax_states_stacked_by_scan_and_misuse() -> None:
    jax, jnp, optax = need("jax"), need("jax.numpy"), need("optax")
    import lrdsl.optax

    tx = optax.inject_hyperparams(optax.sgd)(learning_rate=lrdsl.optax.schedule(OPTAX_EXPR, 40))
    params = {"w": jnp.zeros(())}
    state0 = tx.init(params)

    def body(state: Any, _: Any) -> Any:
        _, state = tx.update({"w": jnp.ones(())}, state, params)
        return state, state

    rec = lrdsl.record(tx)
    rec.observe(state0)  # no update yet: nothing recorded
    assert len(rec) == 0
    last, stacked = jax.lax.scan(body, state0, None, length=12)
    rec.observe(stacked)  # 12 updates at once
    np.testing.assert_allclose(rec.values, lrdsl.evaluate(OPTAX_EXPR, 40)[:12], rtol=F32["rtol"], atol=F32["atol"])
    _, later = tx.update({"w": jnp.ones(())}, tx.update({"w": jnp.ones(())}, last, params)[1], params)
    assert _error(lambda: rec.observe(later)) == (
        "error: rec.observe() got the state after update 13, expected the one after update 12\n"
        "hint: call rec.observe(opt_state) once after every update, with the state the update returned"
    )
    assert len(rec) == 12

    accumulating = optax.MultiSteps(tx, every_k_schedule=3)  # one update every 3 calls
    state, rec = accumulating.init(params), lrdsl.record(accumulating)
    for _ in range(12):
        _, state = accumulating.update({"w": jnp.ones(())}, state, params)
        rec.observe(state)
    np.testing.assert_allclose(rec.values, lrdsl.evaluate(OPTAX_EXPR, 40)[:4], rtol=F32["rtol"], atol=F32["atol"])

    inside = lrdsl.record(tx)
    with pytest.raises(lrdsl.LrdslError) as info:
        jax.jit(lambda s: inside.observe(s))(last)
    first, hint = str(info.value).splitlines()
    assert first.startswith("error: cannot read count from the state: ")  # JAX's error type follows
    assert hint == "hint: call rec.observe(opt_state) outside jax.jit, on the state the jitted step returns"


def test_the_porting_example_of_the_docs_runs_and_its_stated_fit_reproduces_the_recording(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import re

    from tests.conftest import ROOT

    need("torch")
    page = (ROOT / "docs" / "record.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", page, re.S)
    assert code is not None
    stated = re.search(r"print\(lrdsl\.fit\(rec\.values\)\.expr\)  # (.+)", code.group(1))
    assert stated is not None
    monkeypatch.chdir(tmp_path)
    space: dict[str, Any] = {"__name__": "record_example"}
    exec(compile(code.group(1), "docs/record.md", "exec"), space)
    rec = space["rec"]
    assert len(rec) == 1000 and (tmp_path / "lr.csv").is_file()
    np.testing.assert_allclose(lrdsl.evaluate(stated.group(1), 1000), rec.values, rtol=1e-11, atol=0)
    assert not lrdsl.compare("warmup(linear, 100) >> cosine(3e-4→0)", rec.values).equal


def test_recording_imports_no_framework_and_refuses_a_state_too_big_to_search(monkeypatch: pytest.MonkeyPatch) -> None:
    import json
    import subprocess
    import sys

    code = "import sys, json, lrdsl; lrdsl.record; import lrdsl.recording; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    loaded = json.loads(out.stdout)
    assert "lrdsl.recording" in loaded
    assert not [m for m in loaded if m.split(".")[0] in ("torch", "keras", "jax", "optax", "tensorflow")]

    optax = need("optax")
    import lrdsl.recording.optax

    monkeypatch.setattr(lrdsl.recording.optax, "MAX_NODES", 3)
    assert _error(lambda: lrdsl.record(optax.sgd(0.1)).observe(((0,), (1,), (2,)))) == (
        "error: the optimizer's state has more than 3 nodes to search for its rate"
    )
