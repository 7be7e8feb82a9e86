"""``lrdsl.record``: the learning rate each update of a real training loop used, for ``lrdsl fit``.

::

    with lrdsl.record(optimizer) as rec:      # a torch.optim optimizer (or its LRScheduler)
        for step in range(200):
            ...; optimizer.step(); scheduler.step()
    rec.values                                # group 0's rate at each update, float64
    rec.save("lr.csv")                        # then: lrdsl fit lr.csv

``lrdsl.record(model)`` (a Keras model or optimizer) records through ``rec.callback``, given to
``model.fit(…, callbacks=[rec.callback])``; ``lrdsl.record(tx)`` (an Optax ``GradientTransformation``
or ``MultiSteps``)
through ``rec.observe(opt_state)`` after each update (``lrdsl.record(tx, schedule=fn)`` for a plain
``optax.adam(fn)``). The framework is recognised by the object's type, from the modules already
imported: importing this module imports no framework.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from lrdsl.errors import LrdslError
from lrdsl.recording.base import MAX_UPDATES, Recording

__all__ = ["MAX_UPDATES", "Recording", "record"]


def record(target: Any, *, schedule: Callable[[Any], Any] | None = None, max_updates: int = MAX_UPDATES) -> Any:
    """Start recording the learning rate of each update ``target`` makes; return the :class:`Recording`.

    ``target`` is a ``torch.optim.Optimizer`` (or an ``LRScheduler``: its optimizer), a Keras 3
    ``Model`` or optimizer, or an Optax ``GradientTransformation`` (or ``MultiSteps``). ``schedule`` is the schedule of a
    plain ``optax.adam(schedule)``, whose state keeps only a step count. At most ``max_updates``
    updates are kept.
    """
    kind = _framework(target)
    if schedule is not None and kind != "optax":
        raise LrdslError(
            "schedule= is for an Optax optimizer built as optax.adam(schedule)",
            hint=f"a {kind} optimizer's rate is read from the optimizer itself: drop schedule=",
        )
    if kind == "torch":
        from lrdsl.recording.torch import TorchRecording

        return TorchRecording(getattr(target, "optimizer", target), max_updates)
    if kind == "keras":
        from lrdsl.recording.keras import KerasRecording

        return KerasRecording(target, max_updates)
    from lrdsl.recording.optax import OptaxRecording

    return OptaxRecording(target, schedule, max_updates)


def _framework(target: object) -> str:
    """``torch``, ``keras`` or ``optax`` from ``target``'s type (only frameworks already imported are asked)."""
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(target, (torch.optim.Optimizer, torch.optim.lr_scheduler.LRScheduler)):
        return "torch"
    keras = sys.modules.get("keras")
    if keras is not None and isinstance(target, (keras.Model, keras.optimizers.Optimizer)):
        return "keras"
    optax = sys.modules.get("optax")
    if optax is not None and isinstance(target, (optax.GradientTransformation, optax.MultiSteps)):
        return "optax"
    raise LrdslError(
        f"lrdsl.record() takes an optimizer, not {type(target).__name__}",
        hint="a torch.optim optimizer, a Keras model or optimizer, or an Optax GradientTransformation",
    )
