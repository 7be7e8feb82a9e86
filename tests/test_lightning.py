"""``lrdsl.lightning``: real ``lightning.pytorch.Trainer`` runs on CPU, the lr of every optimizer step read back.

A tiny linear model fits 22 samples in batches of 2 (11 batches an epoch). The module records
``(trainer.global_step, lr)`` in ``on_before_optimizer_step``, the hook Lightning calls right
before each ``optimizer.step()``: that is the lr the step used.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lrdsl
from tests.frameworks import need

pytestmark = pytest.mark.frameworks

EXPR = "warmup(linear, 1ep) >> cosine(0.1→1e-3)"
"""An epoch-long warm-up (steps per epoch must be right) and a cosine to the end (the total must be right)."""


@functools.cache
def _module_class() -> type:
    torch = need("torch")
    L = need("lightning.pytorch")
    import lrdsl.lightning

    class Tiny(L.LightningModule):
        def __init__(self, expr: str, **kwargs: Any) -> None:
            super().__init__()
            self.layer = torch.nn.Linear(4, 1)
            self.expr, self.kwargs = expr, kwargs
            self.seen: list[tuple[int, float]] = []
            self.config: dict[str, Any] = {}

        def training_step(self, batch: Any, index: int) -> Any:
            x, y = batch
            return torch.nn.functional.mse_loss(self.layer(x), y)

        def configure_optimizers(self) -> Any:
            optimizer = torch.optim.SGD(self.parameters(), lr=1.0)
            config = lrdsl.lightning.scheduler_config(optimizer, self.expr, self.trainer, **self.kwargs)
            self.config = dict(config)  # Lightning adds its defaults to the dict it is given
            return {"optimizer": optimizer, "lr_scheduler": config}

        def on_before_optimizer_step(self, optimizer: Any) -> None:
            self.seen.append((self.trainer.global_step, optimizer.param_groups[0]["lr"]))

    return Tiny


def _data(iterable: bool = False) -> Any:
    torch = need("torch")
    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(22, 4, generator=g), torch.randn(22, 1, generator=g)
    if iterable:

        class Stream(torch.utils.data.IterableDataset):
            def __iter__(self) -> Any:
                return iter(zip(x, y))

        return torch.utils.data.DataLoader(Stream(), batch_size=2)
    return torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=2)


def _fit(
    root: Path,
    expr: str = EXPR,
    *,
    ckpt: Path | None = None,
    every: int = 0,
    iterable: bool = False,
    module_kwargs: dict[str, Any] | None = None,
    **trainer_kwargs: Any,
) -> tuple[Any, Any]:
    L = need("lightning.pytorch")
    callbacks = []
    if every:
        callbacks.append(
            L.callbacks.ModelCheckpoint(
                dirpath=root / "ckpt", every_n_train_steps=every, save_top_k=-1, filename="{step}"
            )
        )
    module = _module_class()(expr, **(module_kwargs or {}))
    trainer = L.Trainer(
        accelerator="cpu",
        devices=1,
        logger=False,
        callbacks=callbacks,
        enable_checkpointing=bool(every),
        enable_progress_bar=False,
        enable_model_summary=False,
        default_root_dir=root,
        **trainer_kwargs,
    )
    trainer.fit(module, _data(iterable), ckpt_path=ckpt)
    return module, trainer


@pytest.mark.parametrize(("accumulate", "per_epoch"), [(1, 11), (2, 6)])
def test_each_optimizer_step_uses_the_schedule(tmp_path: Path, accumulate: int, per_epoch: int) -> None:
    import lrdsl.lightning

    module, trainer = _fit(tmp_path, max_epochs=3, accumulate_grad_batches=accumulate)
    total = 3 * per_epoch  # 11 batches: 11 steps an epoch, or 6 with 2 accumulated (the last one alone)
    assert lrdsl.lightning.run_length(trainer) == (total, per_epoch)
    assert trainer.global_step == total
    steps = [step for step, _ in module.seen]
    assert steps == list(range(total))
    used = np.array([lr for _, lr in module.seen])
    np.testing.assert_allclose(used, lrdsl.evaluate(EXPR, total, per_epoch), rtol=1e-12, atol=0)
    assert used[per_epoch] == pytest.approx(0.1) and used[0] == 0.0  # the warm-up lasts one epoch exactly
    config = module.config
    assert {k: v for k, v in config.items() if k != "scheduler"} == {"interval": "step", "frequency": 1, "name": "lr"}
    assert trainer.lr_scheduler_configs[0].scheduler is config["scheduler"]


@pytest.mark.parametrize(("accumulate", "resume_at"), [(1, 15), (2, 9)])
def test_resume_from_a_mid_epoch_checkpoint_continues_exactly(tmp_path: Path, accumulate: int, resume_at: int) -> None:
    full, _ = _fit(tmp_path, max_epochs=3, accumulate_grad_batches=accumulate, every=3)
    ckpt = tmp_path / "ckpt" / f"step={resume_at}.ckpt"
    assert ckpt.is_file()
    resumed, trainer = _fit(tmp_path / "again", max_epochs=3, accumulate_grad_batches=accumulate, ckpt=ckpt)
    assert resumed.seen == full.seen[resume_at:]  # the same steps with the same lr, bit for bit
    assert trainer.lr_scheduler_configs[0].scheduler.last_epoch == len(full.seen)


def test_totals_follow_max_steps_and_unbounded_runs(tmp_path: Path) -> None:
    expr = "warmup(linear, 1ep) >> linear(0.1→0)"
    import lrdsl.lightning

    module, trainer = _fit(tmp_path, expr, max_epochs=3, max_steps=20)  # max_steps cuts the run
    assert lrdsl.lightning.run_length(trainer) == (20, 11)
    np.testing.assert_array_equal([lr for _, lr in module.seen], lrdsl.evaluate(expr, 20, 11))
    # no epoch limit: the total is max_steps, and an epoch is still read from the data
    module, trainer = _fit(tmp_path, expr, max_epochs=-1, max_steps=25)
    assert lrdsl.lightning.run_length(trainer) == (25, 11)
    np.testing.assert_array_equal([lr for _, lr in module.seen], lrdsl.evaluate(expr, 25, 11))


def test_a_stream_without_length_has_no_epoch(tmp_path: Path) -> None:
    import lrdsl.lightning

    expr = "warmup(linear, 4) >> linear(0.1→0)"
    module, trainer = _fit(tmp_path, expr, iterable=True, max_steps=9)
    assert lrdsl.lightning.run_length(trainer) == (9, None)
    np.testing.assert_array_equal([lr for _, lr in module.seen], lrdsl.evaluate(expr, 9))
    with pytest.raises(lrdsl.LrdslError, match="5ep needs --steps-per-epoch"):
        _fit(tmp_path, "warmup(linear, 5ep) >> linear(0.1→0)", iterable=True, max_steps=9)
    module, _ = _fit(
        tmp_path,
        "warmup(linear, 1ep) >> linear(0.1→0)",
        iterable=True,
        max_steps=9,
        module_kwargs={"steps_per_epoch": 3},
    )
    np.testing.assert_array_equal(
        [lr for _, lr in module.seen], lrdsl.evaluate("warmup(linear, 3) >> linear(0.1→0)", 9)
    )


def test_a_checkpoint_of_another_schedule_is_refused_unless_branching(tmp_path: Path) -> None:
    first, _ = _fit(tmp_path, "const(0.1)", max_epochs=2, every=11)
    ckpt = tmp_path / "ckpt" / "step=22.ckpt"
    cooldown = "const(0.1, 22) >> linear(0.1→0)"
    with pytest.raises(lrdsl.LrdslError, match=r"const\(0\.1\).*const\(0\.1, 22\) >> linear"):  # names both
        _fit(tmp_path / "refused", cooldown, max_epochs=3, ckpt=ckpt)
    branched, _ = _fit(tmp_path / "branch", cooldown, max_epochs=3, ckpt=ckpt, module_kwargs={"resume": "branch"})
    assert [step for step, _ in branched.seen] == list(range(22, 33))
    np.testing.assert_array_equal([lr for _, lr in branched.seen], lrdsl.evaluate(cooldown, 33)[22:])
    assert [lr for _, lr in first.seen] == [0.1] * 22
