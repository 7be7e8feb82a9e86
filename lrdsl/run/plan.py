"""The plan of a run, for a trainer to log once: the whole curve and the explain table.

Every runtime adapter returns the same :class:`Plan` (``lrdsl.torch.scheduler(…).plan()``):
``values[t]`` is what the adapter sets at optimizer step ``t`` (0-based), for
``t = 0 … total_steps − 1``, and ``phases`` are the rows ``lrdsl explain`` prints. Log the
curve as scalars and the table as text (TensorBoard, W&B) before training; the values the
optimizer then sees equal the plan's, step by step.

A plan is a schedule resolved for one run, so :class:`Plan` is :class:`lrdsl.run.bound.BoundSchedule`
(one type): ``expr``, ``total_steps`` (the run's length, resolved), ``steps_per_epoch``,
``values``, ``phases``, ``scale``, ``table()``, ``rows()``.
"""

from __future__ import annotations

from lrdsl.run.bound import BoundSchedule, bind

__all__ = ["Plan", "make_plan"]

Plan = BoundSchedule
"""A schedule resolved for one run, as an adapter plans it (the same type as ``parse(…).bind(…)``)."""

make_plan = bind
"""The :class:`Plan` of a schedule for a run (:func:`lrdsl.bind`): ``make_plan(schedule, total_steps,
steps_per_epoch, params, *, tokens_per_step, samples_per_step, scale)``, the arguments of
:func:`lrdsl.evaluate`; its ``values`` are evaluate's values times ``scale``, so a run of more steps
than evaluate takes at once (``lrdsl.lowering.lower.MAX_AT_ONCE``) raises :class:`LrdslError` when they are read."""
