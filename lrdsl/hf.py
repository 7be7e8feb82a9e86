"""``lrdsl.hf``: a schedule string as the learning-rate schedule of a Hugging Face ``Trainer``.

::

    trainer = lrdsl.hf.Trainer(
        model=model, args=args, train_dataset=train, lr_schedule="warmup(linear, 1ep) >> cosine(3e-4→0)"
    )
    trainer.train()

``lrdsl.hf.Trainer`` is ``transformers.Trainer`` with :class:`ScheduleMixin` in front; mix it into
any other subclass the same way (``class MyTrainer(lrdsl.hf.ScheduleMixin, Seq2SeqTrainer)``).
``create_scheduler`` then builds ``lrdsl.torch.scheduler(optimizer, lr_schedule, total,
per_epoch, lr_schedule_params, **lr_schedule_kwargs)`` where, as the Trainer counts them,

* total = ``num_training_steps``: ``max_steps`` if set, else ``ceil(num_train_epochs · per_epoch)``;
* per_epoch = ``ceil(batches per epoch / gradient_accumulation_steps)`` optimizer steps (the
  Trainer takes a last, shorter accumulation at an epoch's end); ``None`` for a training set
  without a length, where a schedule in epochs is refused.

Optimizer step ``t`` (0-based; ``state.global_step`` before it) uses ``lr(t)``, and the Trainer
logs that value as ``learning_rate`` at step ``t + 1``. The scheduler's state is saved in each
checkpoint's ``scheduler.pt``; ``train(resume_from_checkpoint=…)`` restores it and continues on
the same curve. ``TrainingArguments.learning_rate`` only builds the optimizer: the expression
sets each group's lr (``lr_schedule_kwargs={"mode": "scale"}`` multiplies it instead).
``lr_schedule`` may be a schedule set (``lr: …  weight_decay: …  betas[1]: …``): every optimizer member
is set each step, weight decay in the group that decays only (``TrainingArguments.weight_decay`` must
then be > 0, any value: the groups keep their ratio to it, so the no-decay group stays at 0).

transformers is imported only when ``lrdsl.hf.Trainer`` is first used.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from lrdsl.errors import LrdslError

if TYPE_CHECKING:
    from lrdsl.torch import Schedules


class ScheduleMixin:
    """A ``transformers.Trainer`` mixin: ``lr_schedule="…"`` replaces the schedule of ``TrainingArguments``.

    Keyword arguments, taken before the Trainer's own: ``lr_schedule`` (text or a parsed
    ``Schedule``, or one per param group as ``lrdsl.torch.scheduler`` takes them; ``None`` keeps the Trainer's schedule), ``lr_schedule_params`` (values of its
    ``$parameters``) and ``lr_schedule_kwargs`` (passed to ``lrdsl.torch.scheduler``: ``mode``,
    ``key``, ``tokens_per_step``, …; a ``total_steps`` or ``steps_per_epoch`` there replaces the Trainer's count). The arguments that describe the Trainer's own schedule (``lr_scheduler_type``,
    ``warmup_steps``, ``lr_scheduler_kwargs``) must stay at their defaults, and no scheduler may
    be given in ``optimizers=``: an lr schedule is said in one place.
    """

    lr_schedule: Schedules | None
    lr_schedule_params: dict[str, float]
    lr_schedule_kwargs: dict[str, Any]
    lr_schedule_steps_per_epoch: int | None
    """Optimizer steps per epoch, as the training loop counted them (``None`` before it or without a length)."""

    def __init__(
        self,
        *args: Any,
        lr_schedule: Schedules | None = None,
        lr_schedule_params: Mapping[str, float] | None = None,
        lr_schedule_kwargs: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        self.lr_schedule = lr_schedule
        self.lr_schedule_params = dict(lr_schedule_params or {})
        self.lr_schedule_kwargs = dict(lr_schedule_kwargs or {})
        self.lr_schedule_steps_per_epoch = None
        cast(Any, super()).__init__(*args, **kwargs)
        if lr_schedule is not None and getattr(self, "lr_scheduler", None) is not None:
            self._refuse("optimizers=(optimizer, scheduler)")

    def set_initial_training_values(self, args: Any, dataloader: Any) -> Any:
        """The Trainer's counts for this run; keeps its update steps per epoch (the second value)."""
        values = cast(Any, super()).set_initial_training_values(args, dataloader)
        self.lr_schedule_steps_per_epoch = int(values[1]) if _has_length(dataloader) else None
        return values

    def create_scheduler(self, num_training_steps: int, optimizer: Any = None) -> Any:
        """The lrdsl scheduler over ``num_training_steps`` optimizer steps (the Trainer's own without ``lr_schedule``)."""
        this = cast(Any, self)
        if self.lr_schedule is None:
            return cast(Any, super()).create_scheduler(num_training_steps, optimizer)
        if this.lr_scheduler is None:
            self._refuse(_other_schedule(this.args))
            _check_decay(self.lr_schedule, this.args)
            from lrdsl.torch import scheduler

            run = {
                "total_steps": num_training_steps,
                "steps_per_epoch": self.lr_schedule_steps_per_epoch,
                "params": self.lr_schedule_params,
            }
            optimizer = this.optimizer if optimizer is None else optimizer
            this.lr_scheduler = scheduler(optimizer, self.lr_schedule, **(run | self.lr_schedule_kwargs))
            this._created_lr_scheduler = True  # the Trainer rebuilds it for the next train() call
        return this.lr_scheduler

    @staticmethod
    def _refuse(other: str | None) -> None:
        if other is not None:
            raise LrdslError(
                f"lr_schedule and {other} both set the learning-rate schedule",
                hint="say it in one place: write a warm-up in the expression (warmup(linear, 100) >> "
                "cosine(3e-4→0)), leave lr_scheduler_type, warmup_steps and lr_scheduler_kwargs at their "
                "defaults and give no scheduler in optimizers=",
            )


def _check_decay(schedule: object, args: Any) -> None:
    """A set's ``weight_decay`` member needs ``TrainingArguments.weight_decay`` > 0: the Trainer's group without
    decay (biases, norms) is told apart by its 0, and keeps it (weight decay follows the groups' ratios)."""
    from lrdsl.integrations.set_run import as_member_set

    parsed = as_member_set(schedule)
    if parsed is not None and "weight_decay" in parsed.names and not args.weight_decay:
        raise LrdslError(
            "lr_schedule sets weight_decay, and TrainingArguments.weight_decay is 0: the Trainer's groups with "
            "and without decay cannot be told apart",
            hint="set TrainingArguments(weight_decay=…) to any value > 0 (the member sets the decaying group; "
            "biases and norms stay at 0)",
        )


def _other_schedule(args: Any) -> str | None:
    """The ``TrainingArguments`` that set the Trainer's own schedule away from their defaults, if any."""
    given = []
    kind = getattr(args.lr_scheduler_type, "value", args.lr_scheduler_type)
    if kind != "linear":
        given.append(f"lr_scheduler_type={kind!r}")
    for name in ("warmup_steps", "warmup_ratio"):  # warmup_ratio: transformers < 5
        value = getattr(args, name, 0) or 0
        if value != 0:
            given.append(f"{name}={value!r}")
    if args.lr_scheduler_kwargs:
        given.append(f"lr_scheduler_kwargs={args.lr_scheduler_kwargs!r}")
    return f"TrainingArguments({', '.join(given)})" if given else None


def _has_length(dataloader: Any) -> bool:
    try:
        len(dataloader)
    except (TypeError, NotImplementedError):
        return False
    return True


@functools.cache
def trainer_class() -> type:
    """``lrdsl.hf.Trainer``: ``transformers.Trainer`` with :class:`ScheduleMixin` (defined on first use)."""
    import transformers

    class Trainer(ScheduleMixin, transformers.Trainer):  # type: ignore[misc]
        """``transformers.Trainer`` taking ``lr_schedule="…"``, ``lr_schedule_params=`` and ``lr_schedule_kwargs=``."""

    Trainer.__module__, Trainer.__qualname__ = __name__, "Trainer"
    return Trainer


def __getattr__(name: str) -> Any:
    """``lrdsl.hf.Trainer``: the class (importing transformers)."""
    if name == "Trainer":
        return trainer_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
