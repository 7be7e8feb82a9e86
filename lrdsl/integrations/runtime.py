"""Load generated code into a live module: the runtime adapters' one mechanism.

The adapters (``lrdsl.torch``, ``lrdsl.optax``, ``lrdsl.keras``) do not re-implement anything:
they generate the same source ``lrdsl gen`` prints and execute it, so their numbers are the
generated code's by construction.
"""

from __future__ import annotations

import hashlib
import sys
import types
from collections.abc import Mapping

from lrdsl.language.ast import Schedule
from lrdsl.run.args import KEYWORDS

SCHEDULE_KEYWORD = "schedule"
"""The keyword of the schedule (text or a parsed :class:`lrdsl.Schedule`) in every adapter."""
RUN_KEYWORDS = KEYWORDS
"""The keywords every adapter takes for the run, each meaning what :func:`lrdsl.evaluate`'s does: the run's
total (whole steps or a duration, ``"90ep"``), steps in an epoch, the ``$parameters``' values, and the rates
``tok`` and ``sa`` need (``docs/integrations.md``, "One signature")."""


def schedule_given(schedule: str | Schedule | None, text: str | Schedule | None) -> str | Schedule:
    """The schedule an adapter was given as ``schedule`` or by the older keyword ``text`` (exactly one)."""
    if (schedule is None) == (text is None):
        raise TypeError("give the schedule once: as the first argument or schedule=…")
    return schedule if schedule is not None else text  # type: ignore[return-value]


def load_generated(
    schedule: str | Schedule,
    target: str,
    total_steps: int | None = None,
    steps_per_epoch: float | None = None,
    params: Mapping[str, float] | None = None,
    name: str | None = None,
    *,
    tokens_per_step: float | None = None,
    samples_per_step: float | None = None,
) -> types.ModuleType:
    """The module that ``lrdsl gen --target TARGET`` would write, imported."""
    from lrdsl.api import generate

    code = generate(
        schedule,
        target,
        total_steps,
        steps_per_epoch,
        name=name,
        params=params,
        tokens_per_step=tokens_per_step,
        samples_per_step=samples_per_step,
    )
    key = hashlib.sha256(code.encode()).hexdigest()[:16]
    module_name = f"lrdsl._generated_{target}_{key}"
    module = sys.modules.get(module_name)
    if module is None:
        module = types.ModuleType(module_name)
        module.__file__ = f"<lrdsl generated {target}>"
        exec(compile(code, module.__file__, "exec"), module.__dict__)
        sys.modules[module_name] = module  # keeps its globals alive and makes it picklable by name
    return module
