"""``lrdsl fit``: the expression of a recorded curve (named shapes only, never ``fn``).

:func:`fit` tries, within a budget of candidate checks and of CPU seconds, the structures of :mod:`lrdsl.fitting.search` (a sequence of
phases, restarts, epoch quantization), keeps the candidates that ``lrdsl.evaluate`` shows reproduce every
value (``|v − y| ≤ atol + rtol·|y|``), and returns the one with the fewest phases, then the shortest text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy.typing as npt

from lrdsl.errors import LrdslError
from lrdsl.fitting.curve import Progress, fit_one, fit_samples, tolerance
from lrdsl.fitting.result import Fit, SetFit

__all__ = ["Fit", "Progress", "SetFit", "fit", "fit_one", "fit_samples", "tolerance"]


def fit(
    values: npt.ArrayLike | Callable[[int], float] | Mapping[str, npt.ArrayLike],
    steps_per_epoch: float | None = None,
    rtol: float | None = None,
    atol: float | None = None,
    total_steps: int | None = None,
    budget: float = 30.0,
    progress: Progress = None,
    names: Sequence[str] | None = None,
) -> Fit | SetFit:
    """The expression whose ``lr(0) … lr(N−1)`` are ``values`` (or ``values(t)`` for ``t < total_steps``).

    ``progress(done, total)`` is called as each of the ``total`` structures has been tried. Without
    ``rtol`` and ``atol``, float64 values fit with ``rtol=1e-11, atol=0``, and float32 values (a float32
    array, or float32 numbers widened or as their shortest decimals) with ``rtol=1e-6,
    atol=4·2⁻²⁴·max|y|`` (:func:`tolerance`); with one of them, the other is float64's.
    :attr:`Fit.precision` says which precision the values were found in. ``budget`` is in CPU seconds
    of this process (``time.process_time``), beside the bound on candidate checks.

    Several curves on one clock, a mapping ``{name: values}`` or a 2-D array of one row per step and one
    column per member of ``names``, give a :class:`SetFit`: the schedule set of each member's fit
    (:mod:`lrdsl.fitting.sets`; each member has the whole ``budget``).
    """
    from lrdsl.fitting.sets import columns, fit_set

    if isinstance(values, Mapping) or names is not None:
        return fit_set(columns(values, names), steps_per_epoch, (rtol, atol), budget, progress)
    if callable(values):
        if total_steps is None or total_steps < 1:
            raise LrdslError("fit of a function needs total_steps=")
        values = [values(t) for t in range(total_steps)]
    return fit_one(values, steps_per_epoch, (rtol, atol), budget, progress)
