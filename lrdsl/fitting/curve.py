"""The fit of one curve: its values checked, their precision and tolerance, and the search
(:mod:`lrdsl.fitting.search`) that finds the expression reproducing every value."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from lrdsl.errors import LrdslError
from lrdsl.fitting.result import Fit
from lrdsl.tools.values import checked_values

Progress = Callable[[int, int], None] | None
"""``progress(done, total)``, called as each of the ``total`` structures has been tried."""


def fit_one(
    values: npt.ArrayLike,
    spe: float | None,
    tolerance: tuple[float | None, float | None],
    budget: float,
    progress: Progress,
) -> Fit:
    """:func:`fit` of one curve ``values``, ``tolerance`` its ``(rtol, atol)`` (``None``: the precision's own)."""
    from lrdsl.fitting.search import search

    y, precision, rtol, atol = _checked(values, *tolerance, budget)
    if spe is not None and not (np.isfinite(spe) and spe > 0):
        raise LrdslError("steps_per_epoch must be a positive number")
    return replace(search(y, spe, rtol, atol, budget, progress), precision=precision)


def fit_samples(
    values: npt.ArrayLike,
    rtol: float | None = None,
    atol: float | None = None,
    budget: float = 30.0,
    progress: Callable[[int, int], None] | None = None,
) -> Fit:
    """:func:`fit` of values taken one every ``k`` steps: durations are written in samples as ``Nep``
    (one sample an epoch), for the caller to read as ``N·k`` steps (:func:`lrdsl.logs.fit.fit_curve`)."""
    from lrdsl.fitting.search import search

    y, precision, rtol, atol = _checked(values, rtol, atol, budget)
    return replace(search(y, 1.0, rtol, atol, budget, progress, unit="ep"), precision=precision)


def _checked(
    values: npt.ArrayLike, rtol: float | None, atol: float | None, budget: float
) -> tuple[npt.NDArray[np.float64], str, float, float]:
    """The values checked, their precision, and the tolerance to fit them with (see :func:`fit`)."""
    float32 = isinstance(values, np.ndarray) and values.dtype == np.float32
    y = checked_values(values)
    precision = "float32" if float32 or _float32_recorded(y) else "float64"
    # neither given: the precision's; one given: the other as for float64 (what was asked, no more)
    chosen = tolerance(y, precision if rtol is None and atol is None else "float64")
    rtol = chosen[0] if rtol is None else rtol
    atol = chosen[1] if atol is None else atol
    if not (np.isfinite(rtol) and np.isfinite(atol) and rtol >= 0 and atol >= 0):
        raise LrdslError("rtol and atol must be finite and not negative")
    if not np.isfinite(budget) or budget <= 0:
        raise LrdslError("the time budget must be a positive number of seconds")
    return y, precision, rtol, atol


def tolerance(y: npt.NDArray[np.float64], precision: str) -> tuple[float, float]:
    """``(rtol, atol)`` for values computed in ``precision``.

    Float32: a progress ``u/d`` rounded to float32 moves a value by up to about π/2 units in the last
    place of the peak, however small the value (near the end of a cosine to 0 a relative tolerance
    alone cannot hold), so ``atol = 4·2⁻²⁴·max|y|`` beside ``rtol = 1e-6``.
    """
    if precision == "float32":
        return 1e-6, 4.0 * 2.0**-24 * float(np.max(np.abs(y)))
    return 1e-11, 0.0


def _float32_recorded(y: npt.NDArray[np.float64]) -> bool:
    """Whether ``y`` (checked on at most 4096 of its values) holds float32 numbers, widened (an ``.npy``
    of float32) or as their shortest decimals (a csv a float32 framework wrote), with at least one of
    8 significant digits or more: a float64 curve of round values (``0.5``, ``0.1``) is no recording."""
    from lrdsl.fitting.context import sample_steps

    seen = y[sample_steps(y.size)]
    if np.any(np.abs(seen) > float(np.finfo(np.float32).max)):
        return False
    with np.errstate(all="ignore"):
        narrow = seen.astype(np.float32)
    if np.all(narrow == seen):
        written = [repr(float(v)) for v in seen]
    else:
        written = [str(v) for v in narrow]
        if any(float(t) != v for t, v in zip(written, seen, strict=True)):
            return False
    return any(len(t.partition("e")[0].replace(".", "").replace("-", "").strip("0")) >= 8 for t in written)
