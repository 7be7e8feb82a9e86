"""``lrdsl.keras.schedule``: a Keras 3 ``LearningRateSchedule`` from a schedule string.

Every schedule it returns is an instance of one class, ``lrdsl.keras.Schedule``, registered
with Keras as ``lrdsl>Schedule``. Its config is the schedule's canonical text, total steps,
steps per epoch and parameters, and ``from_config`` parses that text again: a saved model
reloads as the schedule it was saved with, in this process or in a fresh one, and two
schedules never share a registration. In a fresh process, ``from lrdsl.keras import
Schedule`` (or ``import lrdsl.keras`` after ``import keras``) registers the class before
``keras.models.load_model``.

Keras is imported only when the class is first needed, so that ``import lrdsl.keras`` stays
free of frameworks.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Mapping
from typing import Any

from lrdsl.ast import Schedule as _Tree


def schedule(
    text: str | _Tree,
    total_steps: int | None = None,
    steps_per_epoch: float | None = None,
    params: Mapping[str, float] | None = None,
) -> Any:
    """A ``keras.optimizers.schedules.LearningRateSchedule`` for ``keras.optimizers.Adam(learning_rate=…)``."""
    return schedule_class()(text, total_steps, steps_per_epoch, params)


@functools.cache
def schedule_class() -> type:
    """The registered ``lrdsl>Schedule`` class (defined, and Keras imported, on first use)."""
    import keras  # type: ignore[import-untyped]

    from lrdsl.api import as_schedule, lower
    from lrdsl.runtime import load_generated

    @keras.saving.register_keras_serializable(package="lrdsl", name="Schedule")
    class Schedule(keras.optimizers.schedules.LearningRateSchedule):  # type: ignore[misc]
        """A schedule given by its text: the generated Keras code for it, rebuilt from the text on reload."""

        def __init__(
            self,
            schedule: str | _Tree,
            total_steps: int | None = None,
            steps_per_epoch: float | None = None,
            params: Mapping[str, float] | None = None,
        ) -> None:
            super().__init__()
            tree = as_schedule(schedule)
            bound = dict(params or {})
            plan = lower(tree, total_steps, steps_per_epoch, bound)  # every parameter must be bound
            self.schedule = plan.text
            self.total_steps = plan.total
            self.steps_per_epoch = plan.steps_per_epoch
            self.params = {name: float(value) for name, value in bound.items()}
            module = load_generated(tree, "keras", plan.total, plan.steps_per_epoch, self.params)
            self._compiled = module.Schedule()

        def __call__(self, step: Any) -> Any:
            return self._compiled(step)

        def get_config(self) -> dict[str, Any]:
            return {
                "schedule": self.schedule,
                "total_steps": self.total_steps,
                "steps_per_epoch": self.steps_per_epoch,
                "params": dict(self.params),
            }

    Schedule.__module__, Schedule.__qualname__ = __name__, "Schedule"
    return Schedule


def __getattr__(name: str) -> Any:
    """``lrdsl.keras.Schedule``: the registered class (importing Keras)."""
    if name == "Schedule":
        return schedule_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if "keras" in sys.modules:  # Keras is already loaded: register at once, ready for load_model
    schedule_class()
