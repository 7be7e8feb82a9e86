"""The ``torch`` target: a ``torch.optim.lr_scheduler.LRScheduler`` computing the closed form."""

from __future__ import annotations

from collections.abc import Sequence

from lrdsl.codegen.scalar import ScalarPrinter
from lrdsl.codegen.targets import Values, load, steps_list


class Printer(ScalarPrinter):
    """The Python printer's code inside a PyTorch scheduler class (float64 Python values)."""

    TARGET = "torch"


def run(code: str, steps: Sequence[int], name: str = "Scheduler") -> Values:
    """The rate a real ``torch.optim.SGD`` holds at each step: the next step as a training loop takes it
    (``optimizer.step()``, ``scheduler.step()``), any other by a jump (``scheduler.step(t)``)."""
    import numpy as np
    import torch

    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=1.0)
    scheduler = getattr(load(code, "torch_target"), name)(optimizer)
    seen = []
    for t in steps_list(steps):
        if t == scheduler.last_epoch + 1:  # the next step: as a training loop steps it
            optimizer.step()
            scheduler.step()
        else:
            scheduler.step(t)  # the closed form: jump to step t
        seen.append(float(optimizer.param_groups[0]["lr"]))
    return np.array(seen, dtype=np.float64)
