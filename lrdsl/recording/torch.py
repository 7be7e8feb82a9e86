"""Recording a PyTorch optimizer: each ``optimizer.step()`` stores every group's ``lr`` as it begins.

A step pre-hook (``optimizer.register_step_pre_hook``) runs before the update and reads
``param_groups[g]["lr"]`` (a float or a tensor, read with ``float()``): the rate that update uses,
whatever changed it before (a scheduler, a callback, a hand-written rule). A step that does not
run (``GradScaler.step`` skipping one with inf gradients) is not an update and is not recorded.
Closing the recording removes the hook.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from lrdsl.errors import LrdslError
from lrdsl.recording.base import Recording


def _rates(groups: Sequence[Mapping[str, Any]]) -> list[float]:
    """Each group's ``lr`` as a float, else an :class:`LrdslError` naming the group."""
    out = []
    for g, group in enumerate(groups):
        value: Any = group.get("lr")
        try:
            out.append(float(value))
        except (TypeError, ValueError, RuntimeError):
            raise LrdslError(
                f"parameter group {g} has lr={str(value)[:40]}, not a number",
                hint="lrdsl.record reads the rate an optimizer keeps in param_groups[…]['lr']",
            ) from None
    return out


class TorchRecording(Recording):
    """The rates of a ``torch.optim.Optimizer``, recorded from its creation until :meth:`close`."""

    def __init__(self, optimizer: Any, max_updates: int) -> None:
        super().__init__(max_updates)
        _rates(optimizer.param_groups)  # a group without a numeric lr is refused now, not at the first step
        self.optimizer = optimizer
        self._handle: Any = optimizer.register_step_pre_hook(self._before_step)

    def _before_step(self, optimizer: Any, args: Any, kwargs: Any) -> None:
        self._add(_rates(optimizer.param_groups))

    def close(self) -> None:
        """Remove the hook: later steps are not recorded."""
        if self._handle is not None:
            self._handle.remove()
            self._handle = None
