"""``lrdsl compare``: where two schedules (expressions or recorded values) differ, step by step.

Steps ``t`` and ``t'`` agree when ``|a − b| ≤ atol + rtol·max(|a|, |b|)``. ``max_rel`` is the largest
``|a − b| / max(|a|, |b|)`` (0 where both are 0).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from lrdsl.ast import Schedule
from lrdsl.errors import LrdslError
from lrdsl.values import checked_values

Side = str | Schedule | npt.ArrayLike
"""One side of a comparison: an expression (text or parsed) or the values ``lr(0) … lr(N−1)``."""


@dataclass(frozen=True)
class PhaseCount:
    """How many of the steps ``[start, end)`` of one phase of A (from ``explain``) differ."""

    depth: int
    start: float
    end: float
    label: str
    differing: int


@dataclass(frozen=True)
class Comparison:
    """The result of :func:`compare`: ``first_step`` is ``None`` when every step agrees."""

    equal: bool
    max_abs: float
    max_rel: float
    first_step: int | None
    a_value: float | None
    b_value: float | None
    differing_steps: int
    phases: tuple[PhaseCount, ...] = ()
    a: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0), repr=False)
    b: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0), repr=False)
    rtol: float = 1e-9
    atol: float = 0.0

    def differing(self) -> npt.NDArray[np.bool_]:
        """A mask of the steps that differ beyond the tolerance."""
        return _differ(self.a, self.b, self.rtol, self.atol)


def _is_expression(side: Side) -> bool:
    return isinstance(side, (str, Schedule))


def _total(side: Side, steps_per_epoch: float | None) -> int | None:
    from lrdsl.api import lower

    if _is_expression(side):
        try:
            return lower(side, None, steps_per_epoch).total  # type: ignore[arg-type]
        except LrdslError:
            return None  # a flexible phase: the total must come from elsewhere
    return None


def _values(side: Side, total: int, steps_per_epoch: float | None, name: str) -> npt.NDArray[np.float64]:
    from lrdsl.api import evaluate

    if _is_expression(side):
        return evaluate(side, total, steps_per_epoch)  # type: ignore[arg-type]
    values = checked_values(side, f"{name} values")
    if values.size < total:
        raise LrdslError(f"{name} has {values.size} values but the comparison covers {total} steps")
    return values[:total]


def _differ(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64], rtol: float, atol: float) -> npt.NDArray[np.bool_]:
    diff = np.abs(a - b)
    return np.asarray(diff > atol + rtol * np.maximum(np.abs(a), np.abs(b)))


def compare(
    a: Side,
    b: Side,
    total_steps: int | None = None,
    steps_per_epoch: float | None = None,
    rtol: float = 1e-9,
    atol: float = 0.0,
) -> Comparison:
    """Compare ``a`` and ``b`` over ``total_steps`` steps.

    Without ``total_steps`` the run is as long as the values given (both the same length), else the
    longer of the two expressions' own durations.
    """
    if not (np.isfinite(rtol) and np.isfinite(atol) and rtol >= 0 and atol >= 0):
        raise LrdslError("rtol and atol must be finite and not negative")
    total = total_steps if total_steps is not None else _default_total(a, b, steps_per_epoch)
    if total < 1:
        raise LrdslError("the comparison needs at least one step")
    av = _values(a, total, steps_per_epoch, "A")
    bv = _values(b, total, steps_per_epoch, "B")
    bad = _differ(av, bv, rtol, atol)
    diff = np.abs(av - bv)
    scale = np.maximum(np.abs(av), np.abs(bv))
    rel = np.divide(diff, scale, out=np.zeros_like(diff), where=scale > 0)
    where = np.flatnonzero(bad)
    first = int(where[0]) if where.size else None
    return Comparison(
        equal=first is None,
        max_abs=float(diff.max()),
        max_rel=float(rel.max()),
        first_step=first,
        a_value=float(av[first]) if first is not None else None,
        b_value=float(bv[first]) if first is not None else None,
        differing_steps=int(where.size),
        phases=_phase_counts(a, b, total, steps_per_epoch, bad),
        a=av,
        b=bv,
        rtol=rtol,
        atol=atol,
    )


def _default_total(a: Side, b: Side, steps_per_epoch: float | None) -> int:
    lengths = [checked_values(s, n + " values").size for s, n in ((a, "A"), (b, "B")) if not _is_expression(s)]
    if lengths:
        if len(set(lengths)) > 1:
            raise LrdslError(
                f"A has {lengths[0]} values and B {lengths[1]}", hint="give --steps to compare the first N"
            )
        return lengths[0]
    totals = [t for t in (_total(a, steps_per_epoch), _total(b, steps_per_epoch)) if t is not None]
    if not totals:
        raise LrdslError("neither schedule has a length of its own", hint="give the run's length with --steps")
    return max(totals)


def _phase_counts(
    a: Side, b: Side, total: int, steps_per_epoch: float | None, bad: npt.NDArray[np.bool_]
) -> tuple[PhaseCount, ...]:
    """Differing steps per phase of A (of B when A is values; none when both are values)."""
    from lrdsl.api import lower
    from lrdsl.explain import phases

    side = a if _is_expression(a) else b if _is_expression(b) else None
    if side is None:
        return ()
    plan = lower(side, total, steps_per_epoch)  # type: ignore[arg-type]
    counts = np.concatenate([[0], np.cumsum(bad)])
    out = []
    for row in phases(plan.ir, plan.total):
        lo, hi = (min(max(int(np.ceil(x)), 0), total) for x in (row.start, row.end))
        out.append(PhaseCount(row.depth, row.start, row.end, row.label, int(counts[hi] - counts[lo])))
    return tuple(out)
