"""``lrdsl.lightning.scheduler_config``: a schedule string as a PyTorch Lightning scheduler.

Inside ``LightningModule.configure_optimizers``::

    optimizer = torch.optim.AdamW(self.parameters(), lr=1e-3)
    scheduler = lrdsl.lightning.scheduler_config(optimizer, "warmup(linear, 1ep) >> cosine(1e-3→0)", self.trainer)
    return {"optimizer": optimizer, "lr_scheduler": scheduler}

The schedule is stepped once per optimizer step: step ``t`` (0-based, ``trainer.global_step``
when the step is taken) uses ``lr(t)``. The run's total is ``trainer.estimated_stepping_batches``
and an epoch is ``ceil(num_training_batches / accumulate_grad_batches)`` optimizer steps, which
is how Lightning counts them (it steps on an epoch's last batch even when the accumulation is
not complete). The scheduler is ``lrdsl.torch.scheduler``'s, so a checkpoint holds its state and
``Trainer.fit(ckpt_path=…)`` continues on the same curve.

Lightning itself is not imported here: the trainer is read through its public attributes, so
``lightning.pytorch.Trainer`` and ``pytorch_lightning.Trainer`` both work.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lrdsl.torch import Schedules


def run_length(trainer: Any) -> tuple[int | None, float | None]:
    """``(total optimizer steps, optimizer steps per epoch)`` of ``trainer.fit``, or ``None`` where unknown.

    total = ``trainer.estimated_stepping_batches`` (``min(max_steps, ceil(B / A) · max_epochs)``
    for ``B`` training batches per epoch and accumulation ``A``); per epoch = ``ceil(B / A)``.
    An unbounded run (``max_epochs=-1`` and ``max_steps=-1``) has no total; a training set without
    a length (an ``IterableDataset``) has no epoch.
    """
    estimated = trainer.estimated_stepping_batches  # sets up the training data if needed
    total = int(estimated) if math.isfinite(estimated) and estimated >= 0 else None
    if trainer.train_dataloader is None:  # an unbounded run: Lightning has not read the data yet
        trainer.fit_loop.setup_data()
    batches = trainer.num_training_batches
    accumulation = trainer.accumulate_grad_batches
    per_epoch = math.ceil(batches / accumulation) if math.isfinite(batches) and batches > 0 else None
    return total, per_epoch


def scheduler_config(
    optimizer: Any,
    schedule: Schedules,
    trainer: Any,
    params: Mapping[str, float] | None = None,
    *,
    total_steps: int | str | None = None,
    steps_per_epoch: float | None = None,
    name: str | None = "lr",
    **kwargs: Any,
) -> dict[str, Any]:
    """The scheduler dict ``configure_optimizers`` returns: ``scheduler``, ``interval="step"``, ``frequency=1``, ``name``.

    ``scheduler`` is ``lrdsl.torch.scheduler(optimizer, schedule, total, per_epoch, params,
    **kwargs)`` with ``(total, per_epoch) = run_length(trainer)``; ``total_steps`` and
    ``steps_per_epoch`` given here take precedence (given both, the trainer is not read).
    ``kwargs`` (``tokens_per_step=``, ``samples_per_step=``, ``mode=``, ``key=``, …) go to
    ``lrdsl.torch.scheduler``. ``name`` is the label ``LearningRateMonitor`` logs it under.
    """
    from lrdsl.torch import scheduler

    total, per_epoch = (total_steps, steps_per_epoch)
    if total is None or per_epoch is None:
        counted = run_length(trainer)
        total, per_epoch = (counted[0] if total is None else total), (counted[1] if per_epoch is None else per_epoch)
    built = scheduler(optimizer, schedule, total, per_epoch, params, **kwargs)
    return {"scheduler": built, "interval": "step", "frequency": 1, "name": name}
