"""``lrdsl fit``: the expression of a recorded curve (named shapes only, never ``fn``).

:func:`fit` tries, within a time budget, the structures of :mod:`lrdsl.fitting.search` (a sequence of
phases, restarts, epoch quantization), keeps the candidates that ``lrdsl.evaluate`` shows reproduce every
value (``|v − y| ≤ atol + rtol·|y|``), and returns the one with the fewest phases, then the shortest text.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from lrdsl.errors import LrdslError
from lrdsl.fitting.result import Fit
from lrdsl.values import checked_values

__all__ = ["Fit", "fit"]


def fit(
    values: npt.ArrayLike | Callable[[int], float],
    steps_per_epoch: float | None = None,
    rtol: float = 1e-11,
    atol: float = 0.0,
    total_steps: int | None = None,
    budget: float = 30.0,
    progress: Callable[[int, int], None] | None = None,
) -> Fit:
    """The expression whose ``lr(0) … lr(N−1)`` are ``values`` (or ``values(t)`` for ``t < total_steps``).

    ``progress(done, total)`` is called as each of the ``total`` structures has been tried.
    """
    from lrdsl.fitting.search import search

    if callable(values):
        if total_steps is None or total_steps < 1:
            raise LrdslError("fit of a function needs total_steps=")
        values = [values(t) for t in range(total_steps)]
    y = checked_values(values)
    if not (np.isfinite(rtol) and np.isfinite(atol) and rtol >= 0 and atol >= 0):
        raise LrdslError("rtol and atol must be finite and not negative")
    if steps_per_epoch is not None and not (np.isfinite(steps_per_epoch) and steps_per_epoch > 0):
        raise LrdslError("steps_per_epoch must be a positive number")
    if not np.isfinite(budget) or budget <= 0:
        raise LrdslError("the time budget must be a positive number of seconds")
    return search(y, steps_per_epoch, rtol, atol, budget, progress)
