""":func:`lrdsl.fit` of a log: over the steps it gives.

A log of every step is fitted as any curve. A log of every ``k``-th step (``s₀, s₀ + k, s₀ + 2k, …``)
is fitted on its values, one sample a unit (:func:`lrdsl.fitting.fit_samples`), and the durations found
are read as that many times ``k`` steps. The steps between two logged ones are not seen: a change
between two logged steps is placed on the multiple of ``k`` between them when that reproduces every
logged value (``step(0.1, gamma=0.5, every=30)`` from a log at steps 9, 19, 29, …), else on the logged
step that first shows it (a smooth shape is then started at the first logged step).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from lrdsl.errors import LrdslError
from lrdsl.language import ast as A
from lrdsl.language import build as B
from lrdsl.logs.base import Curve

if TYPE_CHECKING:
    from lrdsl.fitting import Fit, SetFit


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
    steps given. A log of every ``k``-th step is fitted by :func:`_fit_sparse`; a log with uneven gaps is
    refused. Without ``rtol`` and ``atol`` float32 values use :attr:`Curve.tolerance`, float64 ones fit's own.
    """
    from lrdsl.fitting import fit_one

    tolerance = _tolerance(log, rtol, atol)
    first, count = int(log.steps[0]), int(log.steps.size)
    if int(log.steps[-1]) - first != count - 1:
        return _fit_sparse(log, steps_per_epoch, tolerance, budget, progress)
    values = log.values.astype(np.float32) if log.dtype == "float32" else log.values
    result = fit_one(values, steps_per_epoch, (tolerance.get("rtol"), tolerance.get("atol")), budget, progress)
    if not first:
        return result
    return _late(log, result, result.expr, first, first + count, steps_per_epoch, tolerance)


def fit_members(
    curves: dict[str, Curve],
    steps_per_epoch: float | None = None,
    rtol: float | None = None,
    atol: float | None = None,
    budget: float = 30.0,
    progress: Callable[[str], Callable[[int, int], None] | None] | None = None,
) -> SetFit:
    """The schedule set of a log's members (:func:`lrdsl.logs.read_members`): each member's curve fitted by
    :func:`fit_curve` at the steps it gives, on the log's one step column (``budget`` is each member's);
    ``progress(name)`` gives the progress callback of member ``name``."""
    from lrdsl.fitting.sets import set_of

    fits = {}
    for name, log in curves.items():
        tell = None if progress is None else progress(name)
        fits[name] = fit_curve(log, steps_per_epoch, rtol, atol, budget, tell)
    total = max(int(log.steps[-1]) + 1 for log in curves.values())
    return set_of(fits, total)


def _tolerance(log: Curve, rtol: float | None, atol: float | None) -> dict[str, Any]:
    """The tolerance given, else the log's own (float32 values), else none (fit's default)."""
    if rtol is None and atol is None and log.tolerance is not None:
        rtol, atol = log.tolerance
    return {k: v for k, v in (("rtol", rtol), ("atol", atol)) if v is not None}


def _late(
    log: Curve, result: Fit, expr: str, lag: int, total: int, spe: float | None, tolerance: dict[str, Any]
) -> Fit:
    """``expr`` started ``lag`` steps late (``const(v₀, lag) >> (expr)``), checked at the logged steps."""
    from lrdsl.language.parser import parse
    from lrdsl.tools.comparison import compare_schedules

    late = B.text(B.after(B.shape("const", float(log.values[0]), lag), parse(expr).expr)) if lag else expr
    checked = compare_schedules(late, log, total, (spe, None, None), **tolerance).equal
    departure = None if result.first_departure is None else int(log.steps[result.first_departure])
    return replace(result, expr=late, first_departure=departure, exact=result.exact and checked)


def _fit_sparse(
    log: Curve,
    spe: float | None,
    tolerance: dict[str, Any],
    budget: float,
    progress: Callable[[int, int], None] | None,
) -> Fit:
    """The fit of a log of every ``k``-th step from ``s₀``: ``E``, fitted on the values one sample a unit,
    with its durations times ``k``, started at ``L = k·⌊s₀/k⌋`` (changes at multiples of ``k``) when
    that reproduces the logged values, else at ``s₀`` (``const(v₀, L) >> (E)`` when ``L > 0``). The run is
    ``L + n·k`` steps for ``n`` logged values: a last phase without a duration takes what is left of it."""
    from lrdsl.fitting import fit_samples
    from lrdsl.language.parser import parse

    k = _spacing(log)
    first, n = int(log.steps[0]), int(log.steps.size)
    values = log.values.astype(np.float32) if log.dtype == "float32" else log.values
    result = fit_samples(values, budget=budget, progress=progress, **tolerance)
    expr = B.text(_in_steps(parse(result.expr).expr, k))
    unmatched = tuple((int(log.steps[a]), int(log.steps[b])) for a, b in result.unmatched)
    result = replace(result, unmatched=unmatched)
    fitted, lag = result, first
    for lag in dict.fromkeys((k * (first // k), first)):
        fitted = _late(log, result, expr, lag, lag + n * k, spe, tolerance)
        if fitted.exact or not result.exact:
            break
    note = (
        f"the log gives every {k}th step from step {first}: the {k - 1} steps between two logged ones are not seen; "
        f"a change between two logged steps is placed on the multiple of {k} between them when that reproduces "
        f"the log, else on the logged step that shows it; the fit is for a run of {lag + n * k} steps"
    )
    return replace(fitted, notes=(*fitted.notes, note))


def _in_steps(node: A.Node, k: int) -> A.Node:
    """``node`` with each duration in samples (``Nep``, one sample an epoch) as ``N·k`` steps, exactly: ``2.4ep``
    of 50 steps is ``120``, the product of the number as written (its shortest decimal) and ``k``."""
    if isinstance(node, A.Duration) and node.unit == "ep" and isinstance(node.value, A.Num):
        steps = Fraction(repr(node.value.value)) * k
        return B.duration(steps.numerator if steps.denominator == 1 else float(steps))
    fields: dict[str, object] = {}
    for key, value in node.__dict__.items():
        if isinstance(value, A.Node):
            fields[key] = _in_steps(value, k)
        elif isinstance(value, tuple):
            fields[key] = tuple(_in_steps(v, k) if isinstance(v, A.Node) else v for v in value)
    return A.make(type(node), **{**node.__dict__, **fields}) if fields else node


def _spacing(log: Curve) -> int:
    """The one gap ``k`` between the logged steps; an :class:`LrdslError` when they are unevenly spaced."""
    gaps = np.diff(log.steps)
    odd = np.flatnonzero(gaps != gaps[0])
    if odd.size:
        i = int(odd[0])
        raise LrdslError(
            f"{log.name} gives steps {int(log.steps[0])}, {int(log.steps[1])}, … every {int(gaps[0])} steps, then "
            f"{int(log.steps[i + 1])} after {int(log.steps[i])}: fit reads steps evenly spaced",
            hint="compare an expression with it: lrdsl compare EXPR FILE",
        )
    return int(gaps[0])
