"""The ``paddle`` target: a ``paddle.optimizer.lr.LRScheduler`` computing the closed form."""

from __future__ import annotations

from collections.abc import Sequence

from lrdsl.codegen.scalar import ScalarPrinter
from lrdsl.codegen.targets import Values, load, steps_list


class Printer(ScalarPrinter):
    """The Python printer's code inside a Paddle scheduler class (float64 Python values)."""

    TARGET = "paddle"


def run(code: str, steps: Sequence[int], name: str = "Scheduler") -> Values:
    """The scheduler's rate at each step (Paddle's own ``LRScheduler``): the next step by ``step()``, any
    other by a jump (``step(t)``)."""
    import numpy as np

    scheduler = getattr(load(code, "paddle_target"), name)()
    seen = []
    for t in steps_list(steps):
        if t == scheduler.last_epoch + 1:
            scheduler.step()
        else:
            scheduler.step(t)
        seen.append(float(scheduler()))
    return np.array(seen, dtype=np.float64)
