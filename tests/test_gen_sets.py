"""Generated code of a whole schedule set, run in each real framework against ``lrdsl.evaluate``."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lrdsl
from lrdsl.errors import LrdslError
from tests.frameworks import load, need
from tests.test_golden import assert_lint_and_format_clean

SET = """\
lr:            warmup(linear, 20) >> cosine($peak→$peak / 10)
weight_decay:  linear(0.1→0.01)
betas[1]:      linear(0.95→0.99, 10%) >> hold()
ema:           fn(min(0.9999, (1 + t) / (10 + t)))
loss.kl:       linear(0→1, 50)
"""
TOTAL = 200
PEAK = 1e-3
NAMES = {"lr": "lr", "weight_decay": "weight_decay", "betas[1]": "betas_1", "ema": "ema", "loss.kl": "loss_kl"}
STEPS = list(range(0, TOTAL + 5))


def expected(member: str) -> Any:
    return lrdsl.evaluate(SET, TOTAL, steps=STEPS, params={"peak": PEAK}, member=member)


def code(target: str, **kw: Any) -> str:
    return lrdsl.generate(SET, target, TOTAL, **kw)


@pytest.mark.parametrize("target", ["python", "torch", "paddle", "optax", "keras"])
def test_every_target_is_lint_and_format_clean(target: str, tmp_path: Path) -> None:
    files = []
    for i, text in enumerate([code(target), code(target, params={"peak": PEAK}), "ema: linear(0.9→0.99)"]):
        path = tmp_path / f"set_{i}.py"
        path.write_text(text if i < 2 else lrdsl.generate(text, target, 100), encoding="utf-8")
        files.append(str(path))
    assert_lint_and_format_clean(files)


@pytest.mark.parametrize("target", ["python", "torch", "paddle"])
def test_scalar_member_functions_and_values_equal_evaluate(target: str) -> None:
    need({"python": "math", "torch": "torch", "paddle": "paddle"}[target])
    module = load(code(target), f"set_{target}")
    for member, fn in NAMES.items():
        got = [getattr(module, fn)(t, peak=PEAK) for t in STEPS]
        np.testing.assert_array_equal(got, expected(member))
    assert list(module.values(7, peak=PEAK)) == list(NAMES)
    assert module.values(7, peak=PEAK)["betas[1]"] == expected("betas[1]")[7]


def test_bound_parameters_are_baked_in() -> None:
    module = load(code("python", params={"peak": PEAK}), "set_bound")
    np.testing.assert_array_equal([module.lr(t) for t in STEPS], expected("lr"))


def test_torch_adamw_loop_reads_every_optimizer_member_each_step() -> None:
    torch = need("torch")
    module = load(code("torch"), "set_torch_loop")
    weights = torch.nn.Parameter(torch.ones(3))
    bias = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.AdamW([{"params": [weights]}, {"params": [bias], "weight_decay": 0.0}])
    scheduler = module.Scheduler(optimizer, peak=PEAK)
    seen: dict[str, list[float]] = {"lr": [], "weight_decay": [], "betas[1]": [], "ema": [], "loss.kl": []}
    for _ in range(TOTAL):
        group, no_decay = optimizer.param_groups
        seen["lr"].append(group["lr"])
        seen["weight_decay"].append(group["weight_decay"])
        seen["betas[1]"].append(group["betas"][1])
        values = scheduler.values()
        seen["ema"].append(values["ema"])
        seen["loss.kl"].append(values["loss.kl"])
        assert no_decay["weight_decay"] == 0.0 and no_decay["lr"] == group["lr"]
        assert group["betas"][0] == 0.9
        loss = ((weights * 2).sum() + bias.sum()) ** 2
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        scheduler.step()
    for member, got in seen.items():
        np.testing.assert_array_equal(got, expected(member)[:TOTAL])
    state = scheduler.state_dict()
    again = module.Scheduler(optimizer, peak=PEAK)
    again.load_state_dict(state)
    assert optimizer.param_groups[0]["lr"] == expected("lr")[TOTAL]


def test_torch_refuses_a_reserved_member_the_optimizer_lacks() -> None:
    torch = need("torch")
    module = load(lrdsl.generate("lr: cosine(0.1→0)  momentum: linear(0.85→0.95)", "torch", 100), "set_mom")
    adam = torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))])
    with pytest.raises(ValueError, match="Adam has no 'momentum'"):
        module.Scheduler(adam)
    sgd = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, momentum=0.9)
    module.Scheduler(sgd)
    assert sgd.param_groups[0]["momentum"] == 0.85
    wd = load(lrdsl.generate("weight_decay: linear(0.1→0)", "torch", 100), "set_wd")
    with pytest.raises(ValueError, match="every param group has weight_decay 0"):
        wd.Scheduler(torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))]))


def test_paddle_scheduler_is_the_lr_member() -> None:
    need("paddle")
    from lrdsl.codegen.targets import paddle as target

    got = target.run(code("paddle", params={"peak": PEAK}), STEPS)
    np.testing.assert_array_equal(got, expected("lr"))


def _adamw_step(optimizer: Any, w: Any, state: Any) -> Any:
    """One update of ``w`` for the loss ``sum((w - 1)²)``: the new ``w`` and optimizer state."""
    import jax

    updates, state = optimizer.update(jax.grad(lambda v: ((v - 1.0) ** 2).sum())(w), state, w)
    return w + updates, state


def test_optax_members_under_jit_and_adamw_inject() -> None:
    jax, jnp, optax = need("jax"), need("jax.numpy"), need("optax")
    module = load(code("optax"), "set_optax")
    at = jnp.asarray(STEPS, dtype=jnp.int32)
    for member, fn in NAMES.items():
        got = jax.jit(jax.vmap(functools.partial(getattr(module, fn), peak=PEAK)))(at)
        np.testing.assert_allclose(np.asarray(got), expected(member), rtol=1e-6, atol=1e-9)
    optimizer = module.inject(optax.adamw, peak=PEAK)
    w = jnp.arange(3.0)
    state = optimizer.init(w)
    train = jax.jit(lambda w, state: _adamw_step(optimizer, w, state))
    seen: dict[str, list[float]] = {"learning_rate": [], "weight_decay": [], "b2": []}
    for _ in range(50):
        w, state = train(w, state)
        for key, values in seen.items():
            values.append(float(state.hyperparams[key]))
    names = {"learning_rate": "lr", "weight_decay": "weight_decay", "b2": "betas[1]"}
    for key, values in seen.items():  # inject_hyperparams holds the value of the step just taken
        np.testing.assert_allclose(values, expected(names[key])[:50], rtol=1e-6, atol=1e-9)
    assert float(state.hyperparams["b1"]) == pytest.approx(0.9)
    with pytest.raises(ValueError, match="sgd takes no weight_decay, b2"):
        module.inject(optax.sgd, peak=PEAK)


_KERAS = """
import json, sys
import numpy as np
import keras
import lrdsl
from tests.frameworks import load
from tests.test_gen_sets import SET, TOTAL, PEAK

module = load(lrdsl.generate(SET, "keras", TOTAL), "set_keras")
x = np.linspace(-1, 1, 64).reshape(32, 2).astype("float32")
y = (x @ np.array([[1.5], [-2.0]], dtype="float32") + 0.5)
values = lrdsl.evaluate_set(SET, TOTAL, params={"peak": PEAK})


def model():
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])


# the reference: the members set as floats before each batch, eagerly (no compiled step to bake them)
class Set(keras.callbacks.Callback):
    def on_train_batch_begin(self, batch, logs=None):
        t = int(self.model.optimizer.iterations.numpy())
        self.model.optimizer.beta_2 = float(values["betas[1]"][t])
        self.model.optimizer.weight_decay = float(values["weight_decay"][t])


runs = {}
for how in ("wrapped", "eager", "plain"):
    m = model()
    if how == "wrapped":
        opt = module.wrap(keras.optimizers.AdamW, peak=PEAK)(learning_rate=module.Schedule(peak=PEAK))
    else:
        opt = keras.optimizers.AdamW(learning_rate=module.Schedule(peak=PEAK))
    m.compile(optimizer=opt, loss="mse", run_eagerly=how == "eager")
    m.fit(x, y, batch_size=4, epochs=5, verbose=0, shuffle=False, callbacks=[Set()] if how == "eager" else [])
    runs[how] = [w.tolist() for w in m.get_weights()]
    if how == "wrapped":
        runs["iterations"] = int(opt.iterations.numpy())
        runs["beta_2"] = float(opt.beta_2)
try:
    module.wrap(keras.optimizers.Adam, peak=PEAK)()
    runs["adam"] = "accepted"
except ValueError as exc:
    runs["adam"] = str(exc)
mom = load(lrdsl.generate("lr: cosine(0.1→0)  momentum: linear(0.85→0.95)", "keras", 100), "set_mom")
try:
    mom.wrap(keras.optimizers.Adam)()
    runs["momentum_on_adam"] = "accepted"
except ValueError as exc:
    runs["momentum_on_adam"] = str(exc)
# SGD's momentum, from a constructor's 0 (no slots unless the wrapper builds them), against floats set eagerly
sgd_text = "lr: cosine(0.05→0)  momentum: linear(0.5→0.9)"
sgd = load(lrdsl.generate(sgd_text, "keras", 40), "set_sgd")
momentum = lrdsl.evaluate(sgd_text, 40, member="momentum")


class SetMomentum(keras.callbacks.Callback):
    def on_train_batch_begin(self, batch, logs=None):
        self.model.optimizer.momentum = float(momentum[int(self.model.optimizer.iterations.numpy())])


for how in ("sgd_wrapped", "sgd_eager"):
    m = model()
    if how == "sgd_wrapped":
        opt = sgd.wrap(keras.optimizers.SGD)(learning_rate=sgd.Schedule())
    else:
        opt = keras.optimizers.SGD(learning_rate=sgd.Schedule(), momentum=0.5)
    m.compile(optimizer=opt, loss="mse", run_eagerly=how == "sgd_eager")
    m.fit(x, y, batch_size=4, epochs=5, verbose=0, shuffle=False, callbacks=[SetMomentum()] if how == "sgd_eager" else [])
    runs[how] = [w.tolist() for w in m.get_weights()]
print(json.dumps({"backend": keras.backend.backend(), **runs}))
"""


@pytest.mark.parametrize("backend", ["jax"])
def test_keras_fit_on_jax_uses_every_member_inside_the_compiled_step(backend: str) -> None:
    need("keras")
    need(backend)
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root), "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.run(
        [sys.executable, "-c", _KERAS], cwd=root, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    import json

    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["backend"] == backend and report["iterations"] == 40
    for got, want in zip(report["wrapped"], report["eager"], strict=True):
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=1e-6)
    assert not np.allclose(report["wrapped"][0], report["plain"][0], rtol=1e-6, atol=0)
    for got, want in zip(report["sgd_wrapped"], report["sgd_eager"], strict=True):
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=1e-6)
    assert report["beta_2"] == 0.999  # the constructor's float, restored after each step
    assert report["adam"] == "accepted"  # Adam has weight_decay and beta_2: nothing to refuse
    assert report["momentum_on_adam"] == "Adam has no momentum, which this set schedules"


def test_keras_refuses_momentum_on_adam_and_python_has_no_class_name() -> None:
    need("keras")
    text = lrdsl.generate("lr: cosine(0.1→0)  momentum: linear(0.85→0.95)", "keras", 100)
    assert "def wrap(optimizer_class):" in text and '"momentum": momentum' in text
    with pytest.raises(LrdslError, match="--name names the class"):
        lrdsl.generate(SET, "python", TOTAL, name="Sched")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("values: linear(1→0)  lr: cosine(1→0)", "member 'values' cannot be a function"),
        ("math: linear(1→0)  lr: cosine(1→0)", "member 'math' cannot be a function"),
        ("loss.kl: linear(1→0)  loss_kl: cosine(1→0)", "would both be the function loss_kl"),
        ("class: linear(1→0)  lr: cosine(1→0)", "member 'class' cannot be a function|is not a member name"),
        ("jnp: linear(1→0)  lr: cosine(1→0)", "member 'jnp' cannot be a function of generated optax code"),
        ("ops: linear(1→0)  lr: cosine(1→0)", "member 'ops' cannot be a function of generated keras code"),
    ],
)
def test_member_names_that_cannot_be_functions_are_refused(text: str, message: str) -> None:
    try:
        for target in ("python", "torch", "optax", "keras", "paddle"):
            lrdsl.generate(text, target, 100)
    except LrdslError as err:
        import re

        assert re.search(message, err.message), err.message
    else:
        pytest.fail("accepted")


def test_errors_name_the_member_and_unused_parameters_are_refused() -> None:
    with pytest.raises(LrdslError, match="unused parameter: \\$nope"):
        lrdsl.generate(SET, "python", TOTAL, params={"nope": 1.0})
    with pytest.raises(LrdslError, match="in member 'ema'"):
        lrdsl.generate("lr: cosine(1→0)  ema: linear(1e39→0)", "optax", 100)


def test_cli_gen_writes_the_set_module(tmp_path: Path) -> None:
    path = tmp_path / "set.txt"
    path.write_text(SET, encoding="utf-8")
    out = tmp_path / "sched.py"
    root = Path(__file__).resolve().parents[1]
    args = ["gen", f"@{path}", "--target", "torch", "--steps", str(TOTAL), "-o", str(out)]
    proc = subprocess.run(
        [sys.executable, "-m", "lrdsl", *args],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert out.read_text(encoding="utf-8") == code("torch")


@pytest.mark.parametrize(
    ("text", "target"),
    [("lr: cosine($ema→0)  ema: linear(0.9→0.99)", "python"), ("lr: cosine($optax→0)  b: linear(1→0)", "optax")],
)
def test_a_parameter_named_as_the_code_uses_is_refused(text: str, target: str) -> None:
    with pytest.raises(LrdslError, match="cannot be an argument of generated"):
        lrdsl.generate(text, target, 100)


RECUR_SET = """lr: cosine(1→0.1) * fn(1 / (u - 5.5))
ema: recur(lr * 0.5 + 0.45, every=10, from=0.5)
loss.kl: recur(lr * $a, 37, every=3, from=1)"""


@pytest.mark.parametrize("target", ["python", "torch", "paddle", "optax", "keras"])
def test_a_member_named_like_a_local_of_the_code_is_a_function(target: str) -> None:
    """A recur's generated helper keeps its value in a local ``lr``, and ``_ieee_div(a, b)`` has an ``a``: a member
    ``lr`` and a parameter ``$a`` beside them are no clash (a local of a function that neither calls a member nor
    takes the parameters cannot hide one), so the set generates and each member is its value."""
    need({"python": "math", "torch": "torch", "paddle": "paddle", "optax": "jax", "keras": "keras"}[target])
    text = lrdsl.generate(RECUR_SET, target, 100)
    if target == "keras":
        return  # generated (its member functions are optax's, in keras.ops)
    module = load(text, f"recur_set_{target}")
    want = lrdsl.evaluate_set(RECUR_SET, 100, steps=range(105), params={"a": 0.9})
    for member, fn in {"lr": "lr", "ema": "ema", "loss.kl": "loss_kl"}.items():
        got = [float(getattr(module, fn)(t, a=0.9)) for t in range(105)]
        if target == "optax":  # float32
            np.testing.assert_allclose(got, want[member], rtol=2e-6, atol=5e-8)
        else:
            np.testing.assert_array_equal(got, want[member])
