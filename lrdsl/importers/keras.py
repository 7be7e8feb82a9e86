"""Keras 3: a ``keras.optimizers.schedules`` object, its ``get_config()`` (or ``serialize``) dict, or a call.

``lr(t)`` is the schedule called on ``optimizer.iterations = t``. Each built-in class maps to named shapes:

- ``ExponentialDecay(η, s, r, staircase)`` → ``exp_decay(η, rate=r, every=s[, staircase=true])``.
- ``PiecewiseConstantDecay(boundaries, values)`` → ``piecewise(values, at=[b + 1, …])``: Keras' boundaries
  are inclusive (``step ≤ b`` still has the earlier value), so each change is at ``⌊b⌋ + 1``.
- ``PolynomialDecay(η, s, end, power, cycle)`` → ``poly(η→end, s, power=P[, cycle=true])``.
- ``InverseTimeDecay(η, s, k, staircase)`` → ``inverse_time(η, decay=k, every=s[, staircase=true])``.
- ``CosineDecay(η, s, alpha)`` → ``cosine(η→η·alpha, s)``; with ``warmup_target=w, warmup_steps=W``:
  ``linear(η→w, W) >> cosine(w→w·alpha, s)`` (the decay starts after the warm-up).
- ``CosineDecayRestarts(η, s, t_mul, m_mul, alpha)`` → ``η·alpha + cosine(η·(1−alpha)→0) * restart(period=s,
  mult=t_mul, decay=m_mul)``: ``m_mul`` scales the amplitude above the floor, not the floor.

A period that is not a whole number of steps (``decay_steps=2.5``) is written as a rate per step where the
shape allows it; a staircase keeps it, exact (``every=12009.6, staircase=true``: LANGUAGE.md §9.4) where
Keras' float32 quotient drops at the same steps over the run checked (:func:`_float32_drops`), else it is
sampled; other schedules (subclasses, custom ones) are sampled and fitted. The result is checked
against Keras itself (float32: relative 1e-5) at every step of runs up to 4000 steps, else at 4000 steps
spread over the run and each boundary ±1.
"""

from __future__ import annotations

import difflib
import importlib.util
import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from lrdsl.errors import LrdslError
from lrdsl.importers.common import REQUIRED, Args, Kwargs, bind, checked_length, fitted, mapped, num, tidy
from lrdsl.importers.common import literal as n
from lrdsl.importers.spec import bounded
from lrdsl.importers.verify import unchecked, verified
from lrdsl.language import ast as A
from lrdsl.language import build as B
from lrdsl.language.echo import clipped, shown

RTOL = 1e-5
"""Keras computes in float32."""
DENSE = 4000
"""Runs up to this many steps are checked at every step."""
MAX_DROPS = 1_000_000
"""A fractional staircase with more drops than this in the run is sampled, not compared drop by drop."""
MAX_DROPS_CHECKED = 1000
"""The first drops of a fractional staircase are also checked against Keras itself, each ±1."""

SIGNATURES: dict[str, tuple[tuple[str, object], ...]] = {
    "ExponentialDecay": (
        ("initial_learning_rate", REQUIRED),
        ("decay_steps", REQUIRED),
        ("decay_rate", REQUIRED),
        ("staircase", False),
        ("name", "ExponentialDecay"),
    ),
    "PiecewiseConstantDecay": (("boundaries", REQUIRED), ("values", REQUIRED), ("name", "PiecewiseConstant")),
    "PolynomialDecay": (
        ("initial_learning_rate", REQUIRED),
        ("decay_steps", REQUIRED),
        ("end_learning_rate", 0.0001),
        ("power", 1.0),
        ("cycle", False),
        ("name", "PolynomialDecay"),
    ),
    "InverseTimeDecay": (
        ("initial_learning_rate", REQUIRED),
        ("decay_steps", REQUIRED),
        ("decay_rate", REQUIRED),
        ("staircase", False),
        ("name", "InverseTimeDecay"),
    ),
    "CosineDecay": (
        ("initial_learning_rate", REQUIRED),
        ("decay_steps", REQUIRED),
        ("alpha", 0.0),
        ("name", "CosineDecay"),
        ("warmup_target", None),
        ("warmup_steps", 0),
    ),
    "CosineDecayRestarts": (
        ("initial_learning_rate", REQUIRED),
        ("first_decay_steps", REQUIRED),
        ("t_mul", 2.0),
        ("m_mul", 1.0),
        ("alpha", 0.0),
        ("name", "SGDRDecay"),
    ),
}
"""Keras 3's schedules and their parameters with defaults (keras/src/optimizers/schedules)."""

_BY_NAME = {
    "ExponentialDecay": "ExponentialDecay",
    "InverseTimeDecay": "InverseTimeDecay",
    "PiecewiseConstant": "PiecewiseConstantDecay",
    "PolynomialDecay": "PolynomialDecay",
    "CosineDecay": "CosineDecay",
    "SGDRDecay": "CosineDecayRestarts",
}
"""The default ``name`` of each class: how a bare ``get_config()`` dict says which class it is."""


def _number(kw: dict[str, Any], key: str, name: str) -> float:
    value = kw[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise LrdslError(f"{name}'s {key} must be a finite number, not {shown(value)}")
    return float(value)


def _whole(x: float) -> bool:
    return float(x).is_integer()


def _float32_drops(period: float, n: int) -> list[int] | None:
    """The steps below ``n`` where a staircase of ``period`` steps drops, when Keras' float32
    ``floor(float32(t) / float32(period))`` drops exactly there too, else None.

    lrdsl's interval ``k`` begins at the first whole step ``t ≥ k·s``, ``s`` the exact rational of the period's
    decimal text (LANGUAGE.md §9.4). Keras divides in float32, where ``float32(s) ≠ s`` and the quotient is
    rounded: it drops a step late where ``k·s`` is whole (``decay_steps=2.4``: ``36 / 2.4 = 15`` is
    ``14.999999`` in float32) and far into a run (``12009.6``: the 257th drop, at 3086468, is a step early). Each drop ``b`` is
    compared on both sides (``b − 1`` in interval ``k − 1``, ``b`` in ``k``); more than
    :data:`MAX_DROPS` of them in the run is None too (sampled instead)."""
    import numpy as np

    exact = Fraction(num(period))
    count = math.floor(n / exact) if n > 0 else 0  # drop k at ⌈k·s⌉ ≤ n: its step before is in the run
    if count > MAX_DROPS:
        return None
    k = np.arange(1, count + 1, dtype=np.int64)
    drops = -((-k * exact.numerator) // exact.denominator)  # ⌈k·s⌉, exactly
    s32 = np.float32(period)
    with np.errstate(all="ignore"):
        at = np.floor(drops.astype(np.float32) / s32)
        before = np.floor((drops - 1).astype(np.float32) / s32)
    if not (np.array_equal(at, k.astype(np.float32)) and np.array_equal(before, (k - 1).astype(np.float32))):
        return None
    return [int(b) for b in drops if b < n]


Form = tuple["A.Expr | None", int, list[int]]
"""An expression tree (None: no named form), its natural length, its boundaries (checked on both sides)."""


def _piecewise(name: str, kw: dict[str, Any], total: int | None) -> Form:
    bounds, values = list(kw["boundaries"]), list(kw["values"])
    if len(bounds) != len(values) - 1 or not bounds:
        raise LrdslError("PiecewiseConstantDecay needs one value more than boundaries")
    for v in (*bounds, *values):
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise LrdslError(f"PiecewiseConstantDecay's boundaries and values are numbers, not {shown(v)}")
    at = [max(math.floor(b) + 1, 0) for b in bounds]
    if at != sorted(at):
        return None, at[0], at
    return B.shape("piecewise", [n(v) for v in values], at=at), at[-1], at


def _rate(name: str, kw: dict[str, Any]) -> float:
    """``initial_learning_rate``, which must be a float: Keras computes in its dtype."""
    eta = _number(kw, "initial_learning_rate", name)
    if isinstance(kw["initial_learning_rate"], int):
        raise LrdslError(
            f"Keras computes {name} in the dtype of initial_learning_rate: the int {kw['initial_learning_rate']} makes "
            "it int32 (π is 3, a decay rate of 0.5 is 0)",
            hint=f"write initial_learning_rate={kw['initial_learning_rate']}.0",
        )
    return tidy(eta)


def _decay(name: str, kw: dict[str, Any], total: int | None) -> Form:
    """``ExponentialDecay`` → ``exp_decay``, ``InverseTimeDecay`` → ``inverse_time``."""
    eta = _rate(name, kw)
    steps, rate = _number(kw, "decay_steps", name), _number(kw, "decay_rate", name)
    if steps <= 0:
        raise LrdslError(f"{name}'s decay_steps must be positive, not {num(steps)}")
    shape, key = ("exp_decay", "rate") if name == "ExponentialDecay" else ("inverse_time", "decay")
    stair = True if kw["staircase"] else None
    if _whole(steps):
        every = None if steps == 1 and not stair else int(steps)
        return B.shape(shape, eta, **{key: n(rate)}, every=every, staircase=stair), int(steps) * 4, [int(steps)]
    natural = math.ceil(steps) * 4
    if stair:
        drops = _float32_drops(steps, total if total is not None else max(2 * natural + 1, 50))
        if drops is None:
            return None, natural, []
        return B.shape(shape, eta, **{key: n(rate)}, every=n(steps), staircase=True), natural, drops[:MAX_DROPS_CHECKED]
    if name == "ExponentialDecay":  # r^(t/s) = (r^(1/s))^t
        return B.shape("exp_decay", eta, rate=B.power(n(rate), B.div(1, n(steps)))), natural, []
    return B.shape("inverse_time", eta, decay=B.div(n(rate), n(steps))), natural, []


def _polynomial(name: str, kw: dict[str, Any], total: int | None) -> Form:
    eta, steps = _rate(name, kw), _number(kw, "decay_steps", name)
    end, power = n(_number(kw, "end_learning_rate", name)), n(_number(kw, "power", name))
    if not _whole(steps) or steps <= 0:
        return None, math.ceil(max(steps, 1)) * 3, []
    s = int(steps)
    if kw["cycle"]:
        return B.shape("poly", (eta, end), s, power=power, cycle=True), 3 * s, [s, 2 * s, 3 * s]
    return B.shape("poly", (eta, end), s, power=power), s, [s]


def _cosine(name: str, kw: dict[str, Any], total: int | None) -> Form:
    eta = _rate(name, kw)
    steps, alpha = _number(kw, "decay_steps", name), _number(kw, "alpha", name)
    if not _whole(steps) or steps <= 0:
        return None, math.ceil(max(steps, 1)), []
    s = int(steps)
    if kw["warmup_target"] is None:
        return B.shape("cosine", (eta, n(eta * alpha)), s), s, [s]
    top, w = _number(kw, "warmup_target", name), _number(kw, "warmup_steps", name)
    if not _whole(w) or w < 0:
        return None, s + math.ceil(max(w, 0)), []
    decay = B.shape("cosine", (n(top), n(top * alpha)), s)
    if w == 0:
        return decay, s, [s]
    return B.seq(B.shape("linear", (eta, n(top)), int(w)), decay), int(w) + s, [int(w), int(w) + s]


def _restarts(name: str, kw: dict[str, Any], total: int | None) -> Form:
    eta = _rate(name, kw)
    first = _number(kw, "first_decay_steps", name)
    t_mul, m_mul = _number(kw, "t_mul", name), _number(kw, "m_mul", name)
    alpha = _number(kw, "alpha", name)
    if first <= 0 or t_mul <= 0:
        return None, 100, []
    ends: list[int] = []
    stop, period = 0.0, first
    while stop < 1e6 and len(ends) < 12:
        stop += period
        ends.append(math.floor(stop))
        period *= t_mul
    natural = ends[min(2, len(ends) - 1)]
    mult = n(t_mul) if t_mul != 1 else None
    if m_mul == 1:
        return B.mul(B.shape("cosine", (eta, n(eta * alpha))), B.restart(period=n(first), mult=mult)), natural, ends
    restart = B.restart(period=n(first), mult=mult, decay=n(m_mul))
    body = B.mul(B.shape("cosine", (n(eta * (1 - alpha)), 0)), restart)
    return (body if alpha == 0 else B.add(n(eta * alpha), body)), natural, ends


FORMS: dict[str, Callable[[str, dict[str, Any], int | None], Form]] = {
    "PiecewiseConstantDecay": _piecewise,
    "ExponentialDecay": _decay,
    "InverseTimeDecay": _decay,
    "PolynomialDecay": _polynomial,
    "CosineDecay": _cosine,
    "CosineDecayRestarts": _restarts,
}
"""Each class of :data:`SIGNATURES` → its builder ``(name, arguments, run checked) → Form``."""


def _expr(name: str, kw: dict[str, Any], total: int | None = None) -> tuple[str | None, int, list[int]]:
    """The expression of class ``name`` with arguments ``kw`` (None: no named form), its natural length, its
    boundaries (steps checked on both sides); ``total`` is the run checked (default: twice the natural length)."""
    tree, natural, marks = FORMS[name](name, kw, total)
    return (None if tree is None else B.text(tree)), natural, marks


def _steps(n: int, bounds: list[int]) -> list[int] | None:
    """The steps checked in a run of ``n``: None (every step) up to DENSE steps, else a spread and each boundary ±1."""
    if n <= DENSE:
        return None
    stride = max(n // DENSE, 1)
    near = {b + d for b in bounds for d in (-1, 0, 1)}
    return sorted({*range(0, n, stride), n - 1, *(t for t in near if 0 <= t < n)})


def _check(
    expr: str | None,
    keras_at: Callable[[list[int], bool], list[float]] | None,
    natural: int,
    bounds: list[int],
    total: int | None,
    spe: float | None,
    source: str,
) -> str:
    """``expr`` verified against Keras (``keras_at(steps, scalar)``), or the fitter's expression when ``expr`` is None.

    Keras is called once on the vector of steps; a step where that disagrees is called again alone, as
    the optimizer calls it (on a vector, XLA may turn a float32 division into a product and move a
    boundary by one step).
    """
    if expr is None:
        if total is None:
            raise LrdslError(
                f"{source} is imported by sampling it: give the run's length",
                hint="from_keras(schedule, total_steps=N) (CLI: --steps N)",
            )
        if keras_at is None:
            raise LrdslError(f"{source} is imported by sampling it, which needs Keras installed")
        checked_length(source, total)  # an unnamed schedule is sampled over the whole run to be fitted
        values = keras_at(list(range(total)), False)
        expr = fitted(values, source=source, steps_per_epoch=spe, rtol=RTOL)
        atol = 1e-6 * max(abs(v) for v in values)
        return verified(expr, values, source=source, steps_per_epoch=spe, rtol=RTOL, atol=atol)
    if keras_at is None:
        unchecked(source, "not checked against the library (Keras is not installed)")
        return expr
    from lrdsl.api import evaluate

    n = total if total is not None else max(2 * natural + 1, 50)
    at = _steps(n, bounds)
    where = list(range(n)) if at is None else at
    values = keras_at(where, False)
    atol = 1e-6 * max(abs(v) for v in values)
    mine = evaluate(expr, n, spe, steps=where)
    bad = [i for i, (a, b) in enumerate(zip(mine, values, strict=True)) if abs(a - b) > atol + RTOL * abs(b)]
    if bad and len(bad) <= 200:
        for i, v in zip(bad, keras_at([where[i] for i in bad], True), strict=True):
            values[i] = v
    return verified(expr, values, source=source, steps_per_epoch=spe, rtol=RTOL, atol=atol, steps=at, total_steps=n)


def _caller(schedule: Any) -> Callable[[list[int], bool], list[float]]:
    """Keras' values at the given steps: one call on their vector, or (``scalar``, or when the schedule
    cannot take a vector) one call per step."""

    def call(steps: list[int], scalar: bool) -> list[float]:
        import keras  # type: ignore[import-untyped]

        try:
            if (
                not scalar
                and type(schedule) is keras.optimizers.schedules.CosineDecay
                and schedule.warmup_target is not None
            ):
                return _cosine_warmup(keras, schedule, steps)
            if not scalar:
                try:
                    out = keras.ops.convert_to_numpy(schedule(keras.ops.convert_to_tensor(steps, dtype="int32")))
                    return [float(v) for v in out.reshape(-1)] if out.size == len(steps) else call(steps, True)
                except (TypeError, ValueError):  # CosineDecay's warm-up: a branch on the step
                    pass
            return [float(keras.ops.convert_to_numpy(schedule(t))) for t in steps]
        except Exception as exc:
            raise LrdslError(
                f"the schedule fails in Keras itself: {type(exc).__name__}: {clipped(str(exc), 300)}"
            ) from None

    return call


def _cosine_warmup(keras: Any, schedule: Any, steps: list[int]) -> list[float]:
    """``CosineDecay`` with a warm-up on a vector of steps: its ``__call__`` with the branch on the step (an
    ``ops.cond``, scalar only) taken per element; the arithmetic is Keras' own ``_warmup_function`` and
    ``_decay_function``."""
    ops = keras.ops
    lr0 = ops.convert_to_tensor(schedule.initial_learning_rate)
    dtype = lr0.dtype
    decay_steps = ops.cast(schedule.decay_steps, dtype)
    target = ops.cast(schedule.warmup_target, dtype)
    warmup = ops.cast(schedule.warmup_steps, dtype)
    t = ops.minimum(ops.cast(ops.convert_to_tensor(steps), dtype), decay_steps + warmup)
    up = schedule._warmup_function(t, warmup, target, lr0)
    down = schedule._decay_function(t - warmup, decay_steps, target, dtype)
    return [float(v) for v in ops.convert_to_numpy(ops.where(t < warmup, up, down)).reshape(-1)]


def from_keras(schedule_or_config: Any, *, total_steps: int | None = None, steps_per_epoch: float | None = None) -> str:
    """The expression of a Keras ``LearningRateSchedule`` (or its ``get_config()``/``serialize`` dict), verified.

    ``total_steps`` is the run's length: needed for schedules imported by sampling (subclasses), and the
    span checked against Keras (default: twice the schedule's own decay span).
    """
    if isinstance(schedule_or_config, dict):
        return from_config(schedule_or_config, total_steps=total_steps, steps_per_epoch=steps_per_epoch)
    import keras

    S = keras.optimizers.schedules
    if not isinstance(schedule_or_config, S.LearningRateSchedule):
        raise LrdslError(
            f"from_keras() takes a keras.optimizers.schedules.LearningRateSchedule or its config, "
            f"not {type(schedule_or_config).__name__}"
        )
    name = type(schedule_or_config).__name__
    source = f"Keras' {name}"
    expr: str | None = None
    natural, bounds = 100, list[int]()
    if name in SIGNATURES and type(schedule_or_config) is getattr(S, name):
        kw = dict(schedule_or_config.get_config())
        expr, natural, bounds = mapped(source, lambda: _expr(name, kw, total_steps))
    return _check(expr, _caller(schedule_or_config), natural, bounds, total_steps, steps_per_epoch, source)


def _keras() -> Any | None:
    """Keras' schedules module when Keras imports here, else None (the result is then not verified)."""
    if importlib.util.find_spec("keras") is None:
        return None
    try:
        import keras

        return keras.optimizers.schedules
    except Exception:  # a backend that cannot load: the mapping stands unverified
        return None


def from_spec(name: str, args: Args, kwargs: Kwargs, *, total_steps: int | None, steps_per_epoch: float | None) -> str:
    """A schedule call as written (``"CosineDecayRestarts(0.1, 1000, t_mul=2.0)"``) → its expression."""
    if name not in SIGNATURES:
        close = difflib.get_close_matches(name, list(SIGNATURES), n=1)
        raise LrdslError(
            f"{shown(name)} is not a schedule of keras.optimizers.schedules",
            hint=f"did you mean {close[0]!r}?" if close else "one of: " + ", ".join(SIGNATURES),
        )
    kw = bind(name, SIGNATURES[name], args, kwargs)
    for key in ("boundaries", "values"):
        if key in kw and not isinstance(kw[key], list | tuple):
            raise LrdslError(f"{name}'s {key} is a list of numbers, not {shown(kw[key])}")
    expr, natural, bounds = mapped(f"Keras' {name}", lambda: _expr(name, kw, total_steps))
    S = _keras()
    call = None
    if S is not None:
        try:
            schedule = getattr(S, name)(**kw)
        except Exception as exc:
            raise LrdslError(f"Keras refuses {name}(…): {type(exc).__name__}: {clipped(str(exc), 300)}") from None
        call = _caller(schedule)
    return _check(expr, call, natural, bounds, total_steps, steps_per_epoch, f"Keras' {name}")


def from_config(config: object, *, total_steps: int | None, steps_per_epoch: float | None) -> str:
    """A ``get_config()`` dict (its class told by its ``name``), ``serialize()``'s ``{"class_name", "config"}``, or
    ``{"type": class, …its arguments}`` (what ``lrdsl export keras --format json`` writes)."""
    bounded(config)  # a document built in Python is held to a config file's bounds
    if not isinstance(config, dict):
        raise LrdslError("a Keras schedule config is a mapping: get_config() or keras.optimizers.schedules.serialize()")
    if "class_name" in config:
        name, kw = str(config["class_name"]), config.get("config")
        if not isinstance(kw, dict):
            raise LrdslError("a serialized Keras schedule has its arguments under 'config'")
    elif "type" in config:  # lrdsl export keras --format json: the class and its keyword arguments
        name, kw = str(config["type"]), {k: v for k, v in config.items() if k != "type"}
    else:
        kw = config
        label = config.get("name")
        name = _BY_NAME.get(str(label), "")
        if not name:
            raise LrdslError(
                f"this config's name {shown(label)} does not say which Keras schedule it is",
                hint="give keras.optimizers.schedules.serialize(schedule), which has 'class_name'",
            )
    return from_spec(name, [], dict(kw), total_steps=total_steps, steps_per_epoch=steps_per_epoch)
