"""Keras 3's built-in schedules as code (``keras/src/optimizers/schedules/learning_rate_schedule.py``), for a user
who wants no generated class: one ``keras.optimizers.schedules`` object, called on ``optimizer.iterations = t``.

- ``CosineDecay(a, d, alpha, warmup_target=η, warmup_steps=W)``: ``linear(a→η, W) >> cosine(η→alpha·η, d)``, held;
- ``PolynomialDecay(η, d, end, power)``: ``poly(η→end, d, power=power)``, held;
- ``ExponentialDecay(η, s, r)``: ``η·r^(t/s)``; ``PiecewiseConstantDecay(boundaries, values)``: ``values[i]`` while
  ``t ≤ boundaries[i]`` (a constant, a step decay within the run);
- ``CosineDecayRestarts(η, P, t_mul, m_mul, alpha)``: SGDR restarts.

Keras computes in float32: the real schedule is compared at rtol 1e-5 (as lrdsl's Keras importer checks); the
choice of config is made at 1e-12 in float64 on the Keras importer's reading (:mod:`lrdsl.importers.keras`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from lrdsl.errors import LrdslError
from lrdsl.export.core import Config, Curve, real, tidy
from lrdsl.export.formats import checked, scalar, structured

TITLE = "Keras' built-in schedules"
FORMATS = ("python", "json")
ALTERNATIVE = "use lrdsl.keras.schedule(EXPR), or lrdsl gen keras EXPR for a standalone class"
LIBRARY_RTOL = 1e-5  # the library computes in float32
ARGS = {
    "CosineDecay": ("initial_learning_rate", "decay_steps", "alpha", "warmup_target", "warmup_steps"),
    "PolynomialDecay": ("initial_learning_rate", "decay_steps", "end_learning_rate", "power"),
    "ExponentialDecay": ("initial_learning_rate", "decay_steps", "decay_rate"),
    "PiecewiseConstantDecay": ("boundaries", "values"),
    "CosineDecayRestarts": ("initial_learning_rate", "first_decay_steps", "t_mul", "m_mul", "alpha"),
}
MAX_PIECES = 64
"""The most values a ``PiecewiseConstantDecay`` export lists."""


def _value(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    return scalar(value)


def _args(config: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    return checked(TITLE, ARGS, config)


def code(config: Mapping[str, Any], prefix: str = "keras.optimizers.schedules.") -> str:
    """The schedule as one line of Python."""
    kind, args = _args(config)
    return f"{prefix}{kind}(" + ", ".join(f"{k}={_value(v)}" for k, v in args.items()) + ")"


def read(config: Mapping[str, Any]) -> str:
    """The expression of ``{"type": …, …}``: the Keras importer's reading of the call (its library check is the
    export's own, :func:`library`)."""
    from lrdsl.importers.common import bind, mapped
    from lrdsl.importers.keras import SIGNATURES, _expr

    kind, args = _args(config)
    kw = bind(kind, SIGNATURES[kind], [], args)
    expr, _, _ = mapped(f"Keras' {kind}", lambda: _expr(kind, kw, None))
    if expr is None:
        raise LrdslError(f"{TITLE} {kind}: these arguments have no named form")
    return expr


def _decays(curve: Curve, w: int) -> Iterator[dict[str, Any]]:
    d, eta, low = curve.decay_span(w), curve.peak, curve.end
    if d < 1:
        return
    warm = {"warmup_target": eta, "warmup_steps": w} if w else {}
    start = curve.start if w else eta
    yield {"type": "CosineDecay", "initial_learning_rate": start, "decay_steps": d, "alpha": tidy(low / eta), **warm}
    if w:
        return
    power = curve.power(0, d)
    if power is not None:
        yield {"type": "PolynomialDecay", "initial_learning_rate": eta, "decay_steps": d}
        yield {"end_learning_rate": low, "power": power}
    if curve.n > 1 and 0 < curve.y[1] < eta:
        yield {"type": "ExponentialDecay", "initial_learning_rate": eta, "decay_steps": 1}
        yield {"decay_rate": tidy(float(curve.y[1]) / eta)}
    if 0 < low < eta:  # exp(η→b, N): the rate over the run, exact where a per-step rate rounds
        yield {"type": "ExponentialDecay", "initial_learning_rate": eta, "decay_steps": curve.n}
        yield {"decay_rate": tidy(low / eta)}


def _pieces(curve: Curve) -> Iterator[dict[str, Any]]:
    """``PiecewiseConstantDecay`` of a curve that changes at few steps (a change at ``b + 1`` is boundary ``b``)."""
    y = curve.y[: curve.n]
    changes = np.nonzero(np.abs(np.diff(y)) > curve.atol)[0]
    if 0 < len(changes) < MAX_PIECES:
        at = [int(c) for c in changes]
        yield {"type": "PiecewiseConstantDecay", "boundaries": at}
        yield {"values": [tidy(float(y[0])), *(tidy(float(y[b + 1])) for b in at)]}


def _restarts(curve: Curve) -> Iterator[dict[str, Any]]:
    rises, eta = curve.rises(0), curve.peak
    if curve.first_peak or not rises:
        return
    p = rises[0]
    t_mul = tidy((rises[1] - p) / p) if len(rises) > 1 else 1.0
    yield {"type": "CosineDecayRestarts", "initial_learning_rate": eta, "first_decay_steps": p, "t_mul": t_mul}
    yield {"m_mul": tidy(float(curve.y[p]) / eta), "alpha": 0.0}


def _joined(parts: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Candidates written in two halves (a type's first arguments, then the rest) joined into one."""
    items = list(parts)
    i = 0
    while i < len(items):
        if i + 1 < len(items) and "type" not in items[i + 1]:
            yield {**items[i], **items[i + 1]}
            i += 2
        else:
            yield items[i]
            i += 1


def candidates(curve: Curve) -> Iterable[Config]:
    if curve.peak <= 0:
        return
    yield from _joined(_decays(curve, curve.first_peak))
    yield from _joined(_pieces(curve))
    yield from _joined(_restarts(curve))


def refusal(curve: Curve) -> str | None:
    if curve.first_peak == 0 and curve.last_peak == curve.n - 1:
        return "a constant rate is no schedule in Keras: give the optimizer learning_rate=η itself"
    if curve.first_peak and curve.last_peak > curve.first_peak:
        return "CosineDecay's warm-up is followed by its decay at once: a held peak between them departs"
    return None


def describe(config: Config) -> str:
    return code(config)


def library(config: Config, steps: Sequence[int]) -> npt.NDArray[np.float64] | None:
    """The schedule built by Keras itself, called on each step (the Keras importer's caller: one call on the vector
    of steps where the schedule takes one)."""
    mods = real("keras")
    if mods is None:
        return None
    from lrdsl.importers.keras import _caller

    kind, args = _args(config)
    schedule = getattr(mods[1].optimizers.schedules, kind)(**args)
    return np.array(_caller(schedule)([int(t) for t in steps], False), dtype=float)


def render(config: Config, fmt: str) -> str:
    if fmt == "python":
        return f"schedule = {code(config)}\n# optimizer = keras.optimizers.AdamW(learning_rate=schedule)"
    return structured(config, fmt)
