"""The structures tried on a whole curve, each a function ``(y, ctx) -> expression | None``; the best exact one wins."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from lrdsl.fitting.context import Array, Context
from lrdsl.fitting.result import Fit
from lrdsl.fitting.segments import fit_sequence, render

Structure = Callable[[Array, Context], str | None]


def sequence(y: Array, ctx: Context) -> str | None:
    pieces = fit_sequence(y, ctx)
    return render(pieces, ctx) if pieces else None


def structures() -> dict[str, Structure]:
    from lrdsl.fitting.composites import composites
    from lrdsl.fitting.cycles import restarts
    from lrdsl.fitting.quantized import quantized

    return {"composite": composites, "quantize": quantized, "sequence": sequence, "restart": restarts}


def phases_of(expr: str) -> int:
    """Phases joined by ``>>``, a ``piecewise`` counting one per value (it is as many constants)."""
    return expr.count(">>") + 1 + sum(expr[at:].partition("]")[0].count(",") for at in _piecewise_starts(expr))


def _piecewise_starts(expr: str) -> list[int]:
    return [i for i in range(len(expr)) if expr.startswith("piecewise([", i)]


def search(
    y: Array,
    spe: float | None,
    rtol: float,
    atol: float,
    budget: float,
    progress: Callable[[int, int], None] | None = None,
) -> Fit:
    ctx = Context(rtol, atol, spe, deadline=time.monotonic() + budget)
    found: list[str] = []
    tried = structures()
    for done, (name, structure) in enumerate(tried.items()):
        if progress is not None:
            progress(done, len(tried))
        if ctx.out_of_time():
            break
        expr = structure(y, ctx)
        if expr is not None and ctx.reproduces(expr, y):
            found.append(expr)
            if name == "composite":
                break  # one call: nothing has fewer phases
    if not found and not ctx.out_of_time():  # last: two phases meeting between steps
        from lrdsl.fitting.fractions import fractional

        expr = fractional(y, ctx)
        if expr is not None and ctx.reproduces(expr, y):
            found.append(expr)
    if progress is not None:
        progress(len(tried), len(tried))
    if found:
        best = min(found, key=lambda e: (phases_of(e), len(e)))
        return Fit(best, True, _max_error(best, y, ctx), None)
    return _closest(y, ctx)


def _max_error(expr: str, y: Array, ctx: Context) -> float:
    got = ctx.evaluate(expr, y.size)
    return float(np.max(np.abs(got - y))) if got is not None else float("inf")


def _closest(y: Array, ctx: Context) -> Fit:
    """No exact expression: a line from the first value to the last (the plainest summary), and where it departs."""
    from lrdsl.numbers import format_number

    expr = f"linear({format_number(float(y[0]))}→{format_number(float(y[-1]))})"
    got = ctx.evaluate(expr, y.size)
    assert got is not None
    bad = np.flatnonzero(np.abs(got - y) > ctx.atol + ctx.rtol * np.abs(y))
    return Fit(expr, False, float(np.max(np.abs(got - y))), int(bad[0]) if bad.size else None)
