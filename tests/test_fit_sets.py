"""``lrdsl fit`` and ``lrdsl.fit`` of several hyper-parameter curves on one clock: a schedule set (LANGUAGE.md §9.5)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lrdsl
from lrdsl.fitting import Fit, SetFit
from lrdsl.logs.columns import member_of
from tests.conftest import run_cli
from tests.frameworks import need

SET = """lr: warmup(linear, 20) >> cosine(1e-3→1e-5)
weight_decay: cosine(0.1→0.01)
betas[0]: linear(0.85→0.95, 50) >> hold()
betas[1]: linear(0.95→0.999, 30%) >> hold()"""
N = 200


def _adamw_run() -> dict[str, np.ndarray]:
    """Each step's lr, weight decay and betas of a real AdamW loop driven by ``lrdsl.torch.scheduler`` over SET."""
    torch = need("torch")
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 1)
    opt = torch.optim.AdamW(model.parameters(), lr=1.0, weight_decay=0.5)
    sched = lrdsl.torch.scheduler(opt, SET, total_steps=N)
    read: dict[str, list[float]] = {"lr": [], "weight_decay": [], "betas[0]": [], "betas[1]": []}
    for _ in range(N):
        group = opt.param_groups[0]
        for name, value in zip(read, (group["lr"], group["weight_decay"], *group["betas"]), strict=True):
            read[name].append(value)
        opt.zero_grad()
        model(torch.randn(4, 3)).sum().backward()
        opt.step()
        sched.step()
    return {name: np.asarray(values) for name, values in read.items()}


def _csv(run: dict[str, np.ndarray], headers: list[str], extra: str | None = "loss") -> str:
    lines = [",".join(["step", *headers, *([extra] if extra else [])])]
    for t in range(N):
        cells = [repr(float(run[name][t])) for name in run] + ([repr(float(t) / 7)] if extra else [])
        lines.append(",".join([str(t), *cells]))
    return "\n".join(lines) + "\n"


@pytest.mark.frameworks
def test_api_fit_of_a_real_adamw_run_reproduces_every_member() -> None:
    run = _adamw_run()
    got = lrdsl.fit(run, budget=20)
    assert isinstance(got, SetFit) and got.exact and got.complete
    assert lrdsl.parse_set(got.expr).names == ("lr", "weight_decay", "betas[0]", "betas[1]")
    assert all(isinstance(f, Fit) and f.exact for f in got.members.values())
    again = lrdsl.evaluate_set(got.expr, total_steps=N)
    for name, values in run.items():
        assert np.array_equal(again[name], values), name
    table = np.stack(list(run.values()), axis=1)
    by_names = lrdsl.fit(table, names=list(run), budget=20)
    assert isinstance(by_names, SetFit) and by_names.expr == got.expr


@pytest.mark.frameworks
def test_cli_fit_of_a_multi_column_log_prints_the_set(tmp_path: Path) -> None:
    run = _adamw_run()
    path = tmp_path / "metrics.csv"
    path.write_text(_csv(run, ["lr-AdamW", "lr-AdamW-weight_decay", "beta1", "adam_beta2"]), encoding="utf-8")
    out = run_cli("fit", str(path))
    assert out.returncode == 0, out.stderr
    fitted = lrdsl.evaluate_set(out.stdout, total_steps=N)
    assert list(fitted) == ["lr", "weight_decay", "betas[0]", "betas[1]"]
    assert all(np.array_equal(fitted[name], run[name]) for name in run)
    assert "lrdsl: metrics.csv: columns left out of the set (no optimizer hyper-parameter): 'loss'" in out.stderr
    assert "lrdsl: metrics.csv: column 'lr-AdamW-weight_decay' as member weight_decay" in out.stderr
    piped = run_cli("fit", "-", stdin=path.read_text(encoding="utf-8"))
    assert piped.returncode == 0 and piped.stdout == out.stdout
    one = run_cli("fit", str(path), "--column", "beta1")
    assert one.returncode == 0 and one.stdout.strip() == str(lrdsl.parse_set(out.stdout).member("betas[0]"))


LIGHTNING = """lr: warmup(linear, 10) >> cosine(1e-3→1e-5)
weight_decay: cosine(0.1→0.01)
momentum: linear(0.85→0.95, 20) >> hold()"""


@pytest.mark.frameworks
def test_fit_of_a_lightning_learning_rate_monitor_log(tmp_path: Path) -> None:
    """A real Lightning run: SGD driven by a set through ``scheduler_config``, its ``LearningRateMonitor``
    (momentum and weight decay logged) written by ``CSVLogger``; the fit of that csv is the set's values."""
    torch = need("torch")
    L = need("lightning.pytorch")
    import lrdsl.lightning

    class Module(L.LightningModule):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.layer = torch.nn.Linear(3, 1)

        def training_step(self, batch: Any, index: int) -> Any:
            loss = self.layer(batch[0]).pow(2).mean()
            self.log("train_loss", loss)
            return loss

        def configure_optimizers(self) -> Any:
            opt = torch.optim.SGD(self.parameters(), lr=1.0, momentum=0.5, weight_decay=0.5)
            return {"optimizer": opt, "lr_scheduler": lrdsl.lightning.scheduler_config(opt, LIGHTNING, self.trainer)}

    torch.manual_seed(0)
    data = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.randn(80, 3)), batch_size=2)
    monitor = L.callbacks.LearningRateMonitor("step", log_momentum=True, log_weight_decay=True)
    trainer = L.Trainer(
        max_steps=40,
        logger=L.loggers.CSVLogger(tmp_path),
        callbacks=[monitor],
        log_every_n_steps=1,
        accelerator="cpu",
        devices=1,
        enable_progress_bar=False,
        enable_model_summary=False,
        enable_checkpointing=False,
    )
    trainer.fit(Module(), data)
    (log,) = tmp_path.rglob("metrics.csv")
    out = run_cli("fit", str(log))
    assert out.returncode == 0, out.stderr
    assert "columns left out of the set (no optimizer hyper-parameter): 'epoch', 'train_loss'" in out.stderr
    assert "Lightning logs an Adam optimizer's betas[0] as its momentum too" in out.stderr
    fitted, want = lrdsl.evaluate_set(out.stdout, total_steps=40), lrdsl.evaluate_set(LIGHTNING, total_steps=40)
    assert set(fitted) == set(want) == {"lr", "weight_decay", "momentum"}
    assert all(np.array_equal(fitted[name], want[name]) for name in want)


def test_a_wandb_export_with_min_and_max_columns(tmp_path: Path) -> None:
    steps = np.arange(100)
    lr = lrdsl.evaluate("cosine(0.1→0, 100)")
    wd = lrdsl.evaluate("linear(0.05→0, 100)")
    lines = ['"Step","run-1 - train/learning_rate","run-1 - train/learning_rate__MIN","run-1 - wd"']
    lines += [f"{t},{float(a)!r},{float(a)!r},{float(b)!r}" for t, a, b in zip(steps, lr, wd, strict=True)]
    path = tmp_path / "wandb.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = run_cli("fit", str(path))
    assert out.returncode == 0, out.stderr
    assert out.stdout == "lr: cosine(0.1→0)\nweight_decay: linear(0.05→0)\n"


def test_a_member_no_shape_reproduces_is_reported_with_its_name(tmp_path: Path) -> None:
    noise = np.random.default_rng(0).uniform(0.5, 1.0, 60)
    lines = ["step,lr,momentum"] + [f"{t},0.1,{float(v)!r}" for t, v in enumerate(noise)]
    path = tmp_path / "noisy.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = run_cli("fit", str(path), "--budget", "2")
    assert out.returncode == 1
    first, *rest = out.stdout.splitlines()
    assert first == "lr: 0.1"
    assert any(line.startswith("member 'momentum': not exact: max error ") for line in rest)


def test_one_hyper_parameter_column_among_others_is_still_one_curve_to_choose(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text("step,lr,loss\n0,0.1,3\n1,0.1,2\n", encoding="utf-8")
    out = run_cli("fit", str(path))
    assert out.returncode == 2 and "has 2 value columns: 'lr', 'loss'" in out.stderr


FIT_SET_ERRORS: list[tuple[Any, dict[str, Any], str]] = [
    (
        {"learning_rate": [1.0, 0.5], "weight_decay": [0.1, 0.1]},
        {},
        "error: 'learning_rate' is another framework's spelling\nhint: did you mean 'lr'?",
    ),
    (
        {"lr": [1.0, 0.5], "weight_decay": [0.1]},
        {},
        "error: the members' curves have different lengths: lr 2, weight_decay 1\n"
        "hint: give each member a value at every step",
    ),
    (
        np.zeros((3, 2)),
        {"names": ["lr"]},
        "error: a set is fitted from a 2-D array of one row per step and one column per name: got shape 3×2 for 1 "
        "names\nhint: or give a mapping {name: values}",
    ),
    (
        np.zeros((3, 2)),
        {"names": ["lr", "lr"]},
        "error: each member name appears once in names=",
    ),
    ({"lr": [1.0]}, {"names": ["lr"]}, "error: names= is for a 2-D array; a mapping names its members itself"),
    (
        [[0.1, 0.2], [0.3]],
        {"names": ["lr", "ema"]},
        "error: a set is fitted from a 2-D array of one row per step and one column per name: got shape 2 for 2 "
        "names\nhint: or give a mapping {name: values}",
    ),
    (
        {"lr": [1.0, float("nan")]},
        {},
        "error: member 'lr' values: value 1 is nan\nhint: every value must be a finite number",
    ),
]


@pytest.mark.parametrize(("values", "kwargs", "message"), FIT_SET_ERRORS)
def test_api_errors(values: Any, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(lrdsl.LrdslError) as info:
        lrdsl.fit(values, **kwargs)
    assert str(info.value) == message


def test_two_columns_holding_one_member_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "two.csv"
    path.write_text("step,lr,learning_rate,wd\n0,0.1,0.1,0\n", encoding="utf-8")
    out = run_cli("fit", str(path))
    assert out.returncode == 2
    assert (
        out.stderr
        == f"error: {path}: columns 'lr' and 'learning_rate' both hold lr\nhint: fit one of them: --column NAME\n"
    )


@pytest.mark.parametrize(
    ("header", "member"),
    [
        ("lr", "lr"),
        ("LR", "lr"),
        ("learning_rate", "lr"),
        ("train/learning_rate", "lr"),
        ("run-3 - lr", "lr"),
        ("wd", "weight_decay"),
        ("weight_decay", "weight_decay"),
        ("momentum", "momentum"),
        ("beta1", "betas[0]"),
        ("betas[0]", "betas[0]"),
        ("b2", "betas[1]"),
        ("beta2", "betas[1]"),
        ("adam_beta2", "betas[1]"),
        ("epsilon", "eps"),
        ("lr-AdamW", "lr"),
        ("lr-AdamW/pg1", "lr"),
        ("lr-SGD-1", "lr"),
        ("lr-SGD-momentum", "momentum"),
        ("lr-AdamW-momentum", "betas[0]"),
        ("lr-AdamW-weight_decay", "weight_decay"),
        ("lr-momentum", "momentum"),
        ("lr-weight_decay", "weight_decay"),
        ("loss-momentum", None),
        ("loss", None),
        ("train/loss", None),
        ("ema", None),
    ],
)
def test_column_names_read_as_members(header: str, member: str | None) -> None:
    assert member_of(header) == member


@pytest.mark.frameworks
def test_fit_and_compare_of_a_tensorboard_event_file(tmp_path: Path) -> None:
    """Tags written by PyTorch's ``SummaryWriter`` (float32 scalars): each hyper-parameter tag a member."""
    need("tensorboard")
    tensorboard = need("torch.utils.tensorboard")
    text = "lr: warmup(linear, 10) >> cosine(1e-3→1e-5)\nweight_decay: cosine(0.1→0.01)\nbetas[1]: linear(0.95→0.999, 20) >> hold()"
    values = lrdsl.evaluate_set(text, total_steps=50)
    writer = tensorboard.SummaryWriter(str(tmp_path))
    for t in range(50):
        writer.add_scalar("lr-AdamW", values["lr"][t], t)
        writer.add_scalar("lr-AdamW-weight_decay", values["weight_decay"][t], t)
        writer.add_scalar("train/beta2", values["betas[1]"][t], t)
        writer.add_scalar("train/loss", 1.0 / (t + 1), t)
    writer.close()
    (events,) = tmp_path.glob("events.out.tfevents.*")
    out = run_cli("fit", str(events))
    assert out.returncode == 0, out.stderr
    assert "tags left out of the set (no optimizer hyper-parameter): 'train/loss'" in out.stderr
    fitted = lrdsl.evaluate_set(out.stdout, total_steps=50)
    assert list(fitted) == ["lr", "weight_decay", "betas[1]"]
    for name, want in values.items():  # float32 scalars: each member within float32's tolerance of its values
        np.testing.assert_allclose(fitted[name], want, rtol=1e-6, atol=4 * 2.0**-24 * float(np.max(want)))
    (tmp_path / "set.txt").write_text(text, encoding="utf-8")
    compared = run_cli("compare", f"@{tmp_path / 'set.txt'}", str(events))
    assert compared.returncode == 0, compared.stdout
    assert "  equal within rtol 1e-06, atol 2.38419e-10 over 50 steps" in compared.stdout.splitlines()


def test_a_float32_table_keeps_each_members_precision() -> None:
    table = np.stack([lrdsl.evaluate("cosine(0.1→0, 100)"), lrdsl.evaluate("linear(0.9→0.99, 100)")], axis=1)
    got = lrdsl.fit(table.astype(np.float32), names=["lr", "momentum"], budget=10)
    assert isinstance(got, SetFit) and got.exact
    assert got.expr == "lr: cosine(0.1→0)\nmomentum: linear(0.9→0.99)"
    assert [f.precision for f in got.members.values()] == ["float32", "float32"]
    with pytest.raises(lrdsl.LrdslError, match=r"^error: member 'lr' values must be real numbers, not text$"):
        lrdsl.fit(np.array([["a", "b"]]), names=["lr", "ema"])
