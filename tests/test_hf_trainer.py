"""``lrdsl.hf``: real ``transformers.Trainer`` runs on CPU with a tiny BERT built from a config (no download).

22 examples in batches of 2 make 11 batches an epoch. The Trainer logs ``learning_rate`` at
every step (``logging_steps=1``); a callback also reads every param group's lr right before
each ``optimizer.step()``.
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

EXPR = "warmup(linear, 1ep) >> cosine($peak→1e-3)"
"""An epoch-long warm-up (steps per epoch must be right) and a cosine to the end (the total must be right)."""
PARAMS = {"peak": 0.1}


def _model() -> Any:
    torch = need("torch")
    transformers = need("transformers")
    torch.manual_seed(0)
    config = transformers.BertConfig(
        vocab_size=40,
        hidden_size=8,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=16,
        max_position_embeddings=16,
        num_labels=2,
    )
    return transformers.BertForSequenceClassification(config)


def _data() -> list[dict[str, Any]]:
    torch = need("torch")
    g = torch.Generator().manual_seed(0)
    return [
        {
            "input_ids": torch.randint(0, 40, (6,), generator=g),
            "attention_mask": torch.ones(6, dtype=torch.long),
            "labels": torch.tensor(i % 2),
        }
        for i in range(22)
    ]


@functools.cache
def _recorder() -> type:
    transformers = need("transformers")

    class Recorder(transformers.TrainerCallback):
        """Every param group's lr right before each optimizer step, with the step's number."""

        def __init__(self) -> None:
            self.seen: list[tuple[int, list[float]]] = []

        def on_pre_optimizer_step(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            self.seen.append((state.global_step, [group["lr"] for group in kwargs["optimizer"].param_groups]))

    return Recorder


def _args(out: Path, **kwargs: Any) -> Any:
    transformers = need("transformers")
    base: dict[str, Any] = {
        "output_dir": str(out),
        "per_device_train_batch_size": 2,
        "num_train_epochs": 3,
        "logging_steps": 1,
        "report_to": "none",
        "save_strategy": "no",
        "use_cpu": True,
        "disable_tqdm": True,
        "seed": 0,
    }
    return transformers.TrainingArguments(**{**base, **kwargs})


def _train(
    out: Path, expr: str = EXPR, resume: Path | None = None, params: dict[str, float] | None = PARAMS, **kwargs: Any
) -> tuple[Any, Any]:
    import lrdsl.hf

    recorder = _recorder()()
    schedule_kwargs = kwargs.pop("lr_schedule_kwargs", None)
    trainer = lrdsl.hf.Trainer(
        model=_model(),
        args=_args(out, **kwargs),
        train_dataset=_data(),
        callbacks=[recorder],
        lr_schedule=expr,
        lr_schedule_params=params,
        lr_schedule_kwargs=schedule_kwargs,
    )
    trainer.train(resume_from_checkpoint=None if resume is None else str(resume))
    return trainer, recorder


def _logged(trainer: Any) -> list[tuple[int, float]]:
    return [(entry["step"], entry["learning_rate"]) for entry in trainer.state.log_history if "learning_rate" in entry]


@pytest.fixture(scope="module")
def accumulated_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any, Path]:
    """3 epochs accumulating 2 batches (6 optimizer steps an epoch, the last one a single batch), saving at step 10."""
    out = tmp_path_factory.mktemp("accumulated")
    trainer, recorder = _train(out, gradient_accumulation_steps=2, save_strategy="steps", save_steps=10)
    return trainer, recorder, out


def _check(trainer: Any, recorder: Any, total: int, per_epoch: int) -> None:
    assert (trainer.state.max_steps, trainer.lr_schedule_steps_per_epoch) == (total, per_epoch)
    expected = lrdsl.evaluate(EXPR, total, per_epoch, params=PARAMS)
    logged = _logged(trainer)
    assert [step for step, _ in logged] == list(range(1, total + 1))  # logged after step t as step t + 1
    np.testing.assert_allclose([lr for _, lr in logged], expected, rtol=1e-12, atol=0)
    assert [step for step, _ in recorder.seen] == list(range(total))
    used = np.array([groups for _, groups in recorder.seen])
    assert used.shape == (total, 2)  # the Trainer's two groups (with and without weight decay)
    np.testing.assert_allclose(used, np.stack([expected, expected], axis=1), rtol=1e-12, atol=0)
    assert used[per_epoch, 0] == pytest.approx(0.1) and used[0, 0] == 0.0  # the warm-up lasts one epoch


def test_logged_learning_rate_is_the_schedule(tmp_path: Path) -> None:
    trainer, recorder = _train(tmp_path)
    _check(trainer, recorder, 33, 11)


def test_gradient_accumulation_counts_optimizer_steps(accumulated_run: tuple[Any, Any, Path]) -> None:
    trainer, recorder, _ = accumulated_run
    _check(trainer, recorder, 18, 6)


def test_max_steps_is_the_total(tmp_path: Path) -> None:
    trainer, recorder = _train(tmp_path, gradient_accumulation_steps=2, max_steps=8)
    _check(trainer, recorder, 8, 6)


def test_resume_from_checkpoint_continues_exactly(accumulated_run: tuple[Any, Any, Path], tmp_path: Path) -> None:
    full, full_recorder, out = accumulated_run
    checkpoint = out / "checkpoint-10"  # mid-epoch: epoch 2's fourth step
    resumed, recorder = _train(tmp_path, resume=checkpoint, gradient_accumulation_steps=2)
    assert _logged(resumed) == _logged(full)  # steps 1-10 read back from the checkpoint, 11-18 trained again
    assert recorder.seen == full_recorder.seen[10:]


def test_a_schedule_is_said_in_one_place(tmp_path: Path) -> None:
    torch = need("torch")
    import lrdsl.hf

    hint = (
        "hint: say it in one place: write a warm-up in the expression (warmup(linear, 100) >> cosine(3e-4→0)), "
        "leave lr_scheduler_type, warmup_steps and lr_scheduler_kwargs at their defaults and give no scheduler in "
        "optimizers="
    )
    for kwargs, other in [
        ({"lr_scheduler_type": "cosine"}, "TrainingArguments(lr_scheduler_type='cosine')"),
        (
            {"warmup_steps": 0.1, "lr_scheduler_kwargs": {"min_lr": 0.0}},
            "TrainingArguments(warmup_steps=0.1, lr_scheduler_kwargs={'min_lr': 0.0})",
        ),
    ]:
        trainer = lrdsl.hf.Trainer(model=_model(), args=_args(tmp_path, **kwargs), lr_schedule="cosine(0.1→0)")
        with pytest.raises(lrdsl.LrdslError) as info:
            trainer.create_optimizer_and_scheduler(10)
        assert str(info.value) == f"error: lr_schedule and {other} both set the learning-rate schedule\n{hint}"
    model = _model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1.0)
    with pytest.raises(lrdsl.LrdslError) as info:
        lrdsl.hf.Trainer(model=model, args=_args(tmp_path), optimizers=(optimizer, scheduler), lr_schedule="const(0.1)")
    assert str(info.value) == (
        f"error: lr_schedule and optimizers=(optimizer, scheduler) both set the learning-rate schedule\n{hint}"
    )


def test_without_lr_schedule_the_trainer_is_unchanged(tmp_path: Path) -> None:
    transformers = need("transformers")
    import lrdsl.hf

    ours = lrdsl.hf.Trainer(model=_model(), args=_args(tmp_path, warmup_steps=3))
    theirs = transformers.Trainer(model=_model(), args=_args(tmp_path, warmup_steps=3))
    for trainer in (ours, theirs):
        trainer.create_optimizer_and_scheduler(10)
    assert type(ours.lr_scheduler) is type(theirs.lr_scheduler)
    curves = []
    for trainer in (ours, theirs):
        curve = []
        for _ in range(10):
            curve.append(trainer.lr_scheduler.get_last_lr()[0])
            trainer.optimizer.step()
            trainer.lr_scheduler.step()
        curves.append(curve)
    assert curves[0] == curves[1] and curves[0][3] == max(curves[0])
    assert isinstance(ours, transformers.Trainer) and type(ours).__module__ == "lrdsl.hf"


def test_a_checkpoint_of_another_schedule_is_refused_unless_branching(
    accumulated_run: tuple[Any, Any, Path], tmp_path: Path
) -> None:
    _, _, out = accumulated_run
    cooldown = "const(0.05, 10) >> linear(0.05→0)"
    with pytest.raises(lrdsl.LrdslError, match=r"cosine.*const\(0\.05, 10\) >> linear"):  # names both
        _train(tmp_path / "refused", cooldown, resume=out / "checkpoint-10", params=None, gradient_accumulation_steps=2)
    _, recorder = _train(
        tmp_path / "branch",
        cooldown,
        resume=out / "checkpoint-10",
        params=None,
        gradient_accumulation_steps=2,
        lr_schedule_kwargs={"resume": "branch"},
    )
    assert [step for step, _ in recorder.seen] == list(range(10, 18))
    np.testing.assert_array_equal([g[0] for _, g in recorder.seen], lrdsl.evaluate(cooldown, 18)[10:])
