"""Epoch-level curves: constant over each epoch (whole steps per epoch), fitted on one value per epoch.

``y`` equals ``X * quantize(1ep)`` when it is constant on each ``[k·K, (k+1)·K)`` and ``X`` evaluated at
the epoch starts is the curve ``z_k = y[k·K]``; ``X`` is fitted on ``z`` (a sequence, or restarts when
that has fewer phases) with durations printed in epochs.
"""

from __future__ import annotations

import numpy as np

from lrdsl.fitting.context import Array, Context
from lrdsl.fitting.segments import fit_sequence, joins, render
from lrdsl.language import build as B
from lrdsl.language.parser import as_schedule


def quantized(y: Array, ctx: Context) -> str | None:
    spe = ctx.spe
    if spe is None or not float(spe).is_integer() or spe < 2 or y.size < 2 * spe:
        return None
    k = int(spe)
    starts = y[::k]
    held = np.repeat(starts, k)[: y.size]
    if not ctx.close(held, y):
        return None
    from lrdsl.fitting.cycles import restarts

    sub = ctx.in_epochs()
    pieces = fit_sequence(starts, sub)
    bodies = [render(pieces, sub)] if pieces else []
    if pieces is None or len(pieces) > 1:  # restarts per epoch (timm's cycle_mul) may be fewer phases
        cycled = restarts(starts, sub)
        bodies += [cycled] if cycled else []
    if not bodies:
        return None
    body = min(bodies, key=lambda b: (joins(b), len(b)))
    return B.text(B.mul(as_schedule(body).expr, B.call("quantize", B.Quantity(1, "ep"))))
