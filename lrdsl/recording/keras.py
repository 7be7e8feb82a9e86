"""Recording a Keras 3 optimizer inside ``model.fit``: a callback stores the rate of each update.

Keras computes the rate of an update from the counter *before* it: a ``LearningRateSchedule`` is
called with ``optimizer.iterations`` (``n`` for the ``n``-th batch, from 0), then the counter becomes
``n + 1``. Reading ``optimizer.learning_rate`` after a batch would give the *next* batch's rate (the
schedule at ``n + 1``), and on the JAX backend the optimizer's variables are only written back at
the end of each epoch, so without a sync it would give the rate of the epoch's start.

So after each batch the callback syncs the JAX state (``model.jax_state_sync()``), reads the counter
``m`` (the optimizer's batch counter ``_iterations``, which the schedule is called with; the public
``iterations`` counts updates only under gradient accumulation) and, for each ``n`` from the last counter it saw up to ``m − 1``, stores the schedule's value at
``n`` (``steps_per_execution`` runs several batches between two callbacks), or the learning-rate
variable's value when the rate is a number (changed by ``LearningRateScheduler`` at an epoch's
start, say). With ``gradient_accumulation_steps=k`` only batches ``n`` with ``(n + 1) % k == 0``
update the weights; only those are recorded.
"""

from __future__ import annotations

import functools
from typing import Any

from lrdsl.errors import LrdslError
from lrdsl.recording.base import Recording


class KerasRecording(Recording):
    """The rates of a Keras model's (or optimizer's) updates: pass ``rec.callback`` to ``model.fit``."""

    def __init__(self, target: Any, max_updates: int) -> None:
        import keras  # type: ignore[import-untyped]

        super().__init__(max_updates)
        self._optimizer = target if isinstance(target, keras.optimizers.Optimizer) else None
        self._model = target if self._optimizer is None else None
        self._open = True
        self._seen: int | None = None
        self.callback: Any = callback_class()(self)
        """The ``keras.callbacks.Callback`` to give ``model.fit(…, callbacks=[rec.callback])``."""

    def optimizer(self, model: Any) -> Any:
        """The optimizer recorded: the one given, else the model's; inside a ``LossScaleOptimizer``, the inner one.

        The inner optimizer's counter and rate are those of the updates applied: a step the loss
        scale skips (inf gradients) changes neither, and is not recorded.
        """
        if self._model is not None and model is not self._model:
            raise LrdslError(
                "rec.callback was given to another model's fit than the model recorded",
                hint="record that model: lrdsl.record(model), then model.fit(…, callbacks=[rec.callback])",
            )
        optimizer = self._optimizer if self._optimizer is not None else model.optimizer  # fit needs one
        while getattr(optimizer, "inner_optimizer", None) is not None:
            optimizer = optimizer.inner_optimizer
        return optimizer

    def begin(self, model: Any) -> None:
        """At ``fit``'s start: the counter the next update reads."""
        self._seen = _iterations(self.optimizer(model))

    def after_batch(self, model: Any) -> None:
        """Store the rate of every update since the last call."""
        if not self._open:
            return
        import keras

        if hasattr(model, "jax_state_sync"):
            model.jax_state_sync()  # JAX: write the jitted state back to the variables
        optimizer = self.optimizer(model)
        now = _iterations(optimizer)
        seen = now - 1 if self._seen is None else self._seen
        schedule = getattr(optimizer, "_learning_rate", None)
        every = getattr(optimizer, "gradient_accumulation_steps", None) or 1
        for n in range(seen, now):
            if (n + 1) % every:
                continue
            if isinstance(schedule, keras.optimizers.schedules.LearningRateSchedule):
                value = schedule(keras.ops.convert_to_tensor(n, dtype=_counter(optimizer).dtype))
            else:
                value = optimizer.learning_rate
            self._add([float(keras.ops.convert_to_numpy(value))])
        self._seen = now

    def close(self) -> None:
        """Stop recording: the callback does nothing after this."""
        self._open = False


def _counter(optimizer: Any) -> Any:
    """The counter the schedule is called with: every batch's (``iterations`` counts updates only)."""
    counter = getattr(optimizer, "_iterations", None)
    return optimizer.iterations if counter is None else counter


def _iterations(optimizer: Any) -> int:
    import keras

    return int(keras.ops.convert_to_numpy(_counter(optimizer)))


@functools.cache
def callback_class() -> type:
    """The callback class (defined, and Keras imported, on first use)."""
    import keras

    class RecordCallback(keras.callbacks.Callback):  # type: ignore[misc]
        """Stores the learning rate of each update of ``model.fit`` in a :class:`KerasRecording`."""

        def __init__(self, recording: KerasRecording) -> None:
            super().__init__()
            self.recording = recording

        def on_train_begin(self, logs: Any = None) -> None:
            self.recording.begin(self.model)

        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            self.recording.after_batch(self.model)

    return RecordCallback
