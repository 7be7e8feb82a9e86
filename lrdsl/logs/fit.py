""":func:`lrdsl.fit` of a log: over the steps it gives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from lrdsl.errors import LrdslError
from lrdsl.logs.base import Curve

if TYPE_CHECKING:
    from lrdsl.fitting import Fit


def fit_curve(
    log: Curve,
    steps_per_epoch: float | None = None,
    rtol: float | None = None,
    atol: float | None = None,
    budget: float = 30.0,
    progress: Callable[[int, int], None] | None = None,
) -> Fit:
    """The expression of the rates ``log`` gives, at the steps it gives them.

    A log of every step ``0 … N−1`` is :func:`lrdsl.fit` of its values. A log of every step from
    ``s₀ > 0`` on (a counter from 1, a Trainer log read with ``hf_log="after"``) is the fit ``E`` of
    ``lr(s₀ + i)`` written ``const(v₀, s₀) >> (E)``: the same schedule ``s₀`` steps late, its first value
    ``v₀`` held at the steps before ``s₀`` that the log does not give (a late clock, ``offset(-s₀)``, would
    also lengthen a phase that takes the run's length); it is checked with :func:`lrdsl.compare` at the
    steps given. A log with gaps (``logging_steps > 1``) is refused: fit reads consecutive steps.
    Without ``rtol`` and ``atol`` float32 values use :attr:`Curve.tolerance`, float64 ones fit's own.
    """
    from lrdsl.fitting import fit
    from lrdsl.tools.comparison import compare

    first, count = int(log.steps[0]), int(log.steps.size)
    if int(log.steps[-1]) - first != count - 1:
        raise LrdslError(
            f"{log.name} gives {count} of the steps {first}–{int(log.steps[-1])}, not each: fit reads consecutive steps",
            hint="log every step (logging_steps=1), or compare an expression with it: lrdsl compare EXPR FILE",
        )
    tolerance: dict[str, Any] = {}
    if rtol is None and atol is None and log.tolerance is not None:
        rtol, atol = log.tolerance
    tolerance.update({k: v for k, v in (("rtol", rtol), ("atol", atol)) if v is not None})
    values = log.values.astype(np.float32) if log.dtype == "float32" else log.values
    result = fit(values, steps_per_epoch=steps_per_epoch, budget=budget, progress=progress, **tolerance)
    if not first:
        return result
    late = f"const({float(log.values[0])!r}, {first}) >> ({result.expr})"
    departure = None if result.first_departure is None else result.first_departure + first
    checked = compare(late, log, first + count, steps_per_epoch, **tolerance).equal
    return replace(result, expr=late, first_departure=departure, exact=result.exact and checked)
