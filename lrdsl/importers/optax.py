"""Optax: a schedule function (a closure), or a call of a schedule builder, → the expression it follows.

An Optax schedule is a plain function of the step ``count``. The built-in ones are recognised by the
function's module and ``__qualname__`` (``optax.schedules._schedule`` ``polynomial_schedule.<locals>.schedule``,
…, ``optax.schedules._join`` ``join_schedules.<locals>.schedule``); their arguments are read from the
closure cells named by ``__code__.co_freevars``, so ``linear_schedule``, ``warmup_constant_schedule``,
``warmup_cosine_decay_schedule``, ``sgdr_schedule`` and the one-cycles (built from those) are recognised
through what they return. Each maps to named shapes:

- ``polynomial_schedule(a, b, power, transition_steps=S, transition_begin=B)`` → ``const(a, B) >>
  poly(a→b, S, power=P)`` (``linear`` when ``power`` is 1).
- ``piecewise_constant_schedule(v, {b: s, …})`` → ``piecewise([v, v·s, …], at=[b, …])`` (the change is at
  the boundary step; scales multiply).
- ``exponential_decay(v, S, r, transition_begin=B, staircase, end_value=E)`` → ``const(v, B) >>
  exp_decay(v, rate=r, every=S)``, inside ``max(…, E)`` (``min`` when the rate grows).
- ``cosine_decay_schedule(v, D, alpha, exponent)`` → ``cosine(v→v·alpha, D)``; with an exponent ≠ 1,
  ``fn(…, D)`` of Optax's formula.
- ``piecewise_interpolate_schedule(kind, v, {b: s, …})`` → ``linear``/``cosine`` phases between the boundaries.
- ``join_schedules(schedules, boundaries)`` → each schedule cut at its boundary, joined with ``>>`` (each sees
  ``count − boundary``); a cosine or polynomial cut inside becomes ``fn(…)`` over ``u``.

Any other function is sampled over ``total_steps`` (at most ``common.MAX_STEPPED``) and fitted. Every result
is checked against the schedule itself, in float32 (relative 1e-5): called on every step of a run up to
``common.MAX_STEPPED`` steps, else at ``common.check_points`` of it (a schedule is a function of the step).
"""

from __future__ import annotations

import difflib
import importlib.util
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lrdsl.errors import LrdslError
from lrdsl.importers.common import (
    LONGEST,
    MAX_STEPPED,
    REQUIRED,
    Args,
    Kwargs,
    angle_floor,
    bind,
    check_points,
    duration,
    fitted,
    mapped,
    not_checked,
    sampled_length,
)
from lrdsl.importers.common import literal as n
from lrdsl.importers.spec import Call
from lrdsl.importers.verify import verified
from lrdsl.language import ast as A
from lrdsl.language import build as B

RTOL = 1e-5
"""Optax computes in float32."""

Text = Callable[[int], A.Expr]
"""A phase's expression over its first ``k`` steps (``k`` up to its duration)."""
Tail = Callable[[int | None], A.Expr]
"""A flexible continuation: its expression with an optional explicit duration."""


@dataclass
class Part:
    """A schedule as lrdsl phases: ``phases`` (duration, text of the first k steps), then ``tail`` (a flexible
    continuation, text with an optional explicit duration), else ``end`` held."""

    phases: list[tuple[int, Text]] = field(default_factory=list)
    tail: Tail | None = None
    end: float = 0.0
    inner: list[int] = field(default_factory=list)

    def text(self) -> str:
        """The expression: a constant as its number, a run of identical blocks as ``(…) * repeat(n)``."""
        return B.text(self.tree())

    def tree(self) -> A.Expr:
        """The expression's syntax tree (:meth:`text`)."""
        parts = [f(d) for d, f in self.phases]
        if self.tail is not None:
            tail = self.tail(None)
            if not parts and isinstance(tail, A.Call) and tail.name == "const" and len(tail.args) == 1:
                return tail.args[0].value
            return B.seq(*parts, tail)
        texts = [B.text(p) for p in parts]
        for size in range(1, len(parts) // 2 + 1):
            count = len(parts) // size
            if len(parts) % size == 0 and texts == texts[:size] * count:
                return B.mul(B.seq(*parts[:size]), B.call("repeat", count))
        return B.seq(*parts) if parts else n(self.end)

    def cut(self, m: int) -> list[tuple[int, Text]]:
        """The first ``m`` steps as phases of explicit durations."""
        out: list[tuple[int, Text]] = []
        left = m
        for d, f in self.phases:
            if left <= 0:
                return out
            k = min(d, left)
            out.append((k, f))
            left -= k
        if left > 0:
            tail = self.tail if self.tail is not None else _held(self.end)
            out.append((left, tail))
        return out

    def natural(self) -> int:
        return sum(d for d, _ in self.phases)

    def marks(self) -> list[int]:
        """The steps where a phase ends, and the boundaries inside a piecewise tail."""
        out, end = list(self.inner), 0
        for d, _ in self.phases:
            end += d
            out.append(end)
        return out


def _held(v: float) -> Tail:
    """``const(v)``, with a duration when one is given."""
    return lambda k: B.shape("const", n(v), duration=k)


def _constant_part(v: float) -> Part:
    """The schedule that holds ``v``."""
    return Part(end=v, tail=_held(v))


def _linear(a: float, b: float, d: int) -> Text:
    return lambda k: B.shape("linear", (n(a), n(b if k == d else a + (b - a) * k / d)), k)


def _wave(d: int) -> A.Expr:
    """``1 + cos(pi * u / d)``: twice a cosine's fraction of its way down, over ``d`` steps."""
    return B.add(1, B.math_call("cos", B.div(B.mul(B.name("pi"), B.name("u")), d)))


def _cosine(a: float, b: float, d: int) -> Text:
    def text(k: int) -> A.Expr:
        if k == d:
            return B.shape("cosine", (n(a), n(b)), d)
        if b == 0:
            return B.fn(B.div(B.mul(n(a), _wave(d)), 2), k)
        return B.fn(B.add(n(b), B.div(B.mul(B.sub(n(a), n(b)), _wave(d)), 2)), k)

    return text


def _poly(a: float, b: float, power: float, d: int) -> Text:
    if power == 1:
        return _linear(a, b, d)

    def text(k: int) -> A.Expr:
        if k == d:
            return B.shape("poly", (n(a), n(b)), d, power=n(power))
        fall = B.power(B.sub(1, B.div(B.name("u"), d)), n(power))
        return B.fn(B.add(n(b), B.mul(B.sub(n(a), n(b)), fall)), k)

    return text


def _count(x: object, what: str = "a step count") -> int | None:
    """``x`` as a whole number of steps, or None; an error beyond the longest duration lrdsl writes."""
    return duration(x, what)


def _f(x: object, what: str) -> float:
    try:
        value = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise LrdslError(f"{what} must be a number, not {x!r}") from None
    if not math.isfinite(value):
        raise LrdslError(f"{what} must be finite, not {value!r}")
    return value


def _polynomial(init: object, end: object, power: object, steps: object, begin: object) -> Part | None:
    a, b, p = _f(init, "init_value"), _f(end, "end_value"), _f(power, "power")
    s, bgn = _count(steps, "transition_steps"), _count(begin, "transition_begin")
    if s is None or bgn is None:
        return None
    if s <= 0:
        return _constant_part(a)
    phases: list[tuple[int, Text]] = [(max(bgn, 0), _held(a))] if bgn > 0 else []
    return Part([*phases, (s, _poly(a, b, p, s))], None, b)


def _exponential(
    init: object, steps: object, rate: object, begin: object, staircase: bool, end: object | None
) -> Part | None:
    v, r = _f(init, "init_value"), _f(rate, "decay_rate")
    bgn = _count(begin)
    if bgn is None:
        return None
    if _f(steps, "transition_steps") <= 0 or r == 0:
        return _constant_part(v)
    s = _f(steps, "transition_steps")
    if float(s).is_integer() and abs(s) <= LONGEST:
        rate, every = n(r), (int(s) if s != 1 or staircase else None)
    elif not staircase:
        rate, every = B.power(n(r), B.div(1, n(s))), None
    else:
        return None
    floor = None if end is None else _f(end, "end_value")
    clip = "max" if r < 1 else "min"

    def tail(k: int | None) -> A.Expr:
        body = B.shape("exp_decay", n(v), duration=k, rate=rate, every=every, staircase=True if staircase else None)
        if floor is None:
            return body
        return B.call(clip, body, B.shape("const", n(floor), duration=k) if k is not None else n(floor))

    start = v if floor is None else (max(v, floor) if r < 1 else min(v, floor))
    phases: list[tuple[int, Text]] = [(max(bgn, 0), _held(start))] if bgn > 0 else []
    return Part(phases, tail, 0.0)


def _cosine_decay(init: object, steps: object, alpha: object, exponent: object) -> Part | None:
    v, a, e = _f(init, "init_value"), _f(alpha, "alpha"), _f(exponent, "exponent")
    d = _count(steps, "decay_steps")
    if d is None or d <= 0:
        return None
    if e == 1:
        return Part([(d, _cosine(v, v * a, d))], None, v * a)
    formula = B.mul(n(v), B.add(B.mul(B.sub(1, n(a)), B.power(B.mul(0.5, _wave(d)), n(e))), n(a)))
    return Part([(d, lambda k: B.fn(formula, k))], None, v * a)


def _piecewise_constant(init: object, scales: object) -> Part | None:
    v = _f(init, "init_value")
    if not scales:
        return _constant_part(v)
    if not isinstance(scales, dict):
        raise LrdslError("boundaries_and_scales is a dict {step: scale, …}")
    values, at = [v], []
    for b, s in sorted((_f(b, "a boundary"), _f(s, "a scale")) for b, s in scales.items()):
        values.append(values[-1] * s)
        at.append(max(int(duration(math.ceil(b), "a boundary") or 0), 0))
    levels = [n(x) for x in values]
    return Part(end=values[-1], tail=lambda k: B.shape("piecewise", levels, duration=k, at=at), inner=at)


def _interpolate(kind: str, init: object, bounds: Any, scales: Any) -> Part | None:
    v = _f(init, "init_value")
    counted = [_count(b) for b in bounds]
    bs = [b for b in counted if b is not None]
    if len(bs) != len(counted) or any(b < 0 for b in bs) or bs != sorted(bs):
        return None
    values = [v]
    for s in scales:
        values.append(values[-1] * _f(s, "a scale"))
    make = _linear if kind == "linear" else _cosine
    phases: list[tuple[int, Text]] = []
    start = 0
    for i, b in enumerate(bs):
        if b > start:
            phases.append((b - start, make(values[i], values[i + 1], b - start)))
        start = max(start, b)
    return Part(phases, None, values[-1])


def _cells(fn: Any) -> dict[str, Any]:
    """The closure variables of ``fn`` by name (an empty cell is left out)."""
    out: dict[str, Any] = {}
    for name, cell in zip(fn.__code__.co_freevars, fn.__closure__ or (), strict=False):
        try:
            out[name] = cell.cell_contents
        except ValueError:
            continue
    return out


def _recognise(fn: Any) -> Part | None:
    """The phases of a built-in Optax schedule function, or None for any other function."""
    module, qual = getattr(fn, "__module__", ""), getattr(fn, "__qualname__", "")
    if not callable(fn) or not hasattr(fn, "__code__") or not str(module).startswith("optax."):
        return None
    c = _cells(fn)
    if qual.endswith("<lambda>") and len(c) == 1:  # constant_schedule, and the constant fall-backs
        v = _f(next(iter(c.values())), "value")
        return _constant_part(v)
    if qual == "polynomial_schedule.<locals>.schedule":
        return _polynomial(c["init_value"], c["end_value"], c["power"], c["transition_steps"], c["transition_begin"])
    if qual == "piecewise_constant_schedule.<locals>.schedule":
        return _piecewise_constant(c["init_value"], c["boundaries_and_scales"])
    if qual == "exponential_decay.<locals>.schedule":
        return _exponential(
            c["init_value"], c["transition_steps"], c["decay_rate"], c["transition_begin"], bool(c["staircase"]),
            c["end_value"],
        )  # fmt: skip
    if qual == "cosine_decay_schedule.<locals>.schedule":
        return _cosine_decay(c["init_value"], c["decay_steps"], c["alpha"], c["exponent"])
    if qual == "piecewise_interpolate_schedule.<locals>.schedule":
        kind = getattr(c["interpolate_fn"], "__name__", "")
        kinds = {"_linear_interpolate": "linear", "_cosine_interpolate": "cosine"}
        if kind not in kinds:
            return None
        return _interpolate(kinds[kind], c["init_value"], c["boundaries"], c["scales"])
    if qual == "join_schedules.<locals>.schedule":
        return _join([_recognise(s) for s in c["schedules"]], list(c["boundaries"]))
    return None


def _join(parts: list[Part | None], boundaries: list[Any]) -> Part | None:
    bs = [_count(b) for b in boundaries]
    if any(p is None for p in parts) or any(b is None for b in bs) or len(bs) != len(parts) - 1:
        return None
    at = [b for b in bs if b is not None]
    if at != sorted(at) or (at and at[0] < 0):
        return None
    phases: list[tuple[int, Text]] = []
    start = 0
    for part, b in zip(parts, at, strict=False):
        assert part is not None
        if b > start:
            phases += part.cut(b - start)
        start = b
    last = parts[-1]
    assert last is not None
    return Part(phases + last.phases, last.tail, last.end)


# --- checking -------------------------------------------------------------------------------------------


INT32 = 2**31 - 1
"""Optax's step ``count`` is an int32 that stops at this value (``safe_increment``)."""


def _sample(fn: Callable[[Any], Any], n: int) -> list[float]:
    """The schedule's values at ``0 … n−1`` (called on each step as an int32, as Optax's ``count``)."""
    return _sample_at(fn, list(range(n)))


def _sample_at(fn: Callable[[Any], Any], steps: list[int]) -> list[float]:
    """The schedule's values at ``steps`` (each below 2³¹), called with the vector of steps as int32 (``jax.vmap``),
    or one call per step when the function cannot be mapped. At most :data:`MAX_STEPPED` steps or spread
    points are asked for, so the vector is bounded."""
    import jax
    import jax.numpy as jnp
    import numpy as np

    try:
        try:
            out = np.asarray(jax.vmap(fn)(jnp.asarray(steps, dtype=jnp.int32)), dtype=float).reshape(-1)
            if out.size == len(steps):
                return [float(x) for x in out]
        except Exception:  # a schedule that cannot be mapped: one call per step
            pass
        return [float(fn(jnp.int32(t))) for t in steps]
    except Exception as exc:
        raise LrdslError(f"the schedule fails in JAX itself: {type(exc).__name__}: {exc}") from None


def _checked(part: Part | None, fn: Callable[[Any], Any] | None, total: int | None, spe: float | None) -> str:
    """The expression of ``part`` (or the fitter's), checked against ``fn`` over the run: at every step up to
    :data:`MAX_STEPPED`, else at :func:`check_points` (an Optax schedule is a closed form of the step: any
    step can be asked for). Steps from 2³¹ − 1 on are not asked for: Optax's count stops there."""
    source = "the Optax schedule"
    if part is None:
        if total is None:
            raise LrdslError(
                "an Optax schedule that lrdsl does not recognise is imported by sampling it: give the run's length",
                hint="from_optax(schedule, total_steps=N) (CLI: --steps N)",
            )
        if fn is None:
            raise LrdslError("this Optax schedule is imported by sampling it, which needs optax installed")
        values = _sample(fn, sampled_length(source, total, "from_optax"))
        expr = fitted(values, source=source, steps_per_epoch=spe, rtol=RTOL)
        atol = 1e-6 * max(abs(v) for v in values)
        return verified(expr, values, source=source, steps_per_epoch=spe, rtol=RTOL, atol=atol)
    expr = part.text()
    if fn is None:
        not_checked(source, "optax is not installed")
        return expr
    n = total if total is not None else min(max(2 * part.natural() + 1, 50), LONGEST)
    if n <= MAX_STEPPED:
        values = _sample(fn, n)
        atol = 1e-6 * max(abs(v) for v in values)
        verified(expr, values, source=source, steps_per_epoch=spe, rtol=RTOL, atol=atol)
        return expr
    points = [t for t in check_points(n, part.marks()) if t < INT32]
    values = _sample_at(fn, points)
    atol = 1e-6 * max(abs(v) for v in values) + angle_floor(points, max(abs(v) for v in values))
    verified(expr, values, source=source, steps_per_epoch=spe, rtol=RTOL, atol=atol, steps=points, total_steps=n)
    return expr


def from_optax(
    schedule_fn: Callable[[Any], Any], total_steps: int | None = None, *, steps_per_epoch: float | None = None
) -> str:
    """The expression of an Optax schedule function, verified against it over ``total_steps``.

    A built-in schedule is recognised and written with named shapes (checked over ``total_steps``, or
    twice its own span); any other function needs ``total_steps``: it is sampled and fitted.
    """
    if not callable(schedule_fn):
        raise LrdslError(f"from_optax() takes a schedule function, not {type(schedule_fn).__name__}")
    if total_steps is not None and (_count(total_steps) is None or total_steps < 1):
        raise LrdslError(f"total_steps must be a positive whole number, not {total_steps!r}")
    return _checked(_recognise(schedule_fn), schedule_fn, total_steps, steps_per_epoch)


# --- calls as written ----------------------------------------------------------------------------------

SIGNATURES: dict[str, tuple[tuple[str, object], ...]] = {
    "constant_schedule": (("value", REQUIRED),),
    "polynomial_schedule": (
        ("init_value", REQUIRED),
        ("end_value", REQUIRED),
        ("power", REQUIRED),
        ("transition_steps", REQUIRED),
        ("transition_begin", 0),
    ),
    "linear_schedule": (("init_value", REQUIRED), ("end_value", REQUIRED), ("transition_steps", REQUIRED),
                        ("transition_begin", 0)),
    "piecewise_constant_schedule": (("init_value", REQUIRED), ("boundaries_and_scales", None)),
    "exponential_decay": (("init_value", REQUIRED), ("transition_steps", REQUIRED), ("decay_rate", REQUIRED),
                          ("transition_begin", 0), ("staircase", False), ("end_value", None)),
    "cosine_decay_schedule": (("init_value", REQUIRED), ("decay_steps", REQUIRED), ("alpha", 0.0), ("exponent", 1.0)),
    "piecewise_interpolate_schedule": (("interpolate_type", REQUIRED), ("init_value", REQUIRED),
                                       ("boundaries_and_scales", None)),
    "linear_onecycle_schedule": (("transition_steps", REQUIRED), ("peak_value", REQUIRED), ("pct_start", 0.3),
                                 ("pct_final", 0.85), ("div_factor", 25.0), ("final_div_factor", 1e4)),
    "cosine_onecycle_schedule": (("transition_steps", REQUIRED), ("peak_value", REQUIRED), ("pct_start", 0.3),
                                 ("div_factor", 25.0), ("final_div_factor", 1e4)),
    "warmup_constant_schedule": (("init_value", REQUIRED), ("peak_value", REQUIRED), ("warmup_steps", REQUIRED)),
    "warmup_cosine_decay_schedule": (("init_value", REQUIRED), ("peak_value", REQUIRED), ("warmup_steps", REQUIRED),
                                     ("decay_steps", REQUIRED), ("end_value", 0.0), ("exponent", 1.0)),
    "warmup_exponential_decay_schedule": (("init_value", REQUIRED), ("peak_value", REQUIRED),
                                          ("warmup_steps", REQUIRED), ("transition_steps", REQUIRED),
                                          ("decay_rate", REQUIRED), ("transition_begin", 0), ("staircase", False),
                                          ("end_value", None)),
    "sgdr_schedule": (("cosine_kwargs", REQUIRED),),
    "join_schedules": (("schedules", REQUIRED), ("boundaries", REQUIRED)),
}  # fmt: skip
"""Optax's schedule builders and their parameters (optax/schedules/_schedule.py, _join.py)."""


def _begin(kw: dict[str, Any]) -> float:
    return max(_f(kw["transition_begin"], "transition_begin"), 0)


def _constant(kw: dict[str, Any]) -> Part | None:
    v = _f(kw["value"], "value")
    return _constant_part(v)


def _polynomial_call(kw: dict[str, Any]) -> Part | None:
    return _polynomial(kw["init_value"], kw["end_value"], kw["power"], kw["transition_steps"], _begin(kw))


def _linear_call(kw: dict[str, Any]) -> Part | None:
    return _polynomial(kw["init_value"], kw["end_value"], 1, kw["transition_steps"], _begin(kw))


def _exponential_call(kw: dict[str, Any], init: str = "init_value") -> Part | None:
    staircase = bool(kw["staircase"])
    return _exponential(kw[init], kw["transition_steps"], kw["decay_rate"], _begin(kw), staircase, kw["end_value"])


def _interpolate_call(kw: dict[str, Any]) -> Part | None:
    kind, pairs = kw["interpolate_type"], kw["boundaries_and_scales"] or {}
    if kind not in ("linear", "cosine"):
        raise LrdslError("piecewise_interpolate_schedule's interpolate_type is 'linear' or 'cosine'")
    if not isinstance(pairs, dict):
        raise LrdslError("boundaries_and_scales is a dict {step: scale, …}")
    items = sorted(pairs.items())
    return _interpolate(kind, kw["init_value"], [b for b, _ in items], [s for _, s in items])


def _onecycle(kw: dict[str, Any], kind: str) -> Part | None:
    """``linear_onecycle_schedule`` and ``cosine_onecycle_schedule``: Optax's interpolation of their points."""
    n, peak = _f(kw["transition_steps"], "transition_steps"), _f(kw["peak_value"], "peak_value")
    if duration(n, "transition_steps") is None or n <= 0:
        return None
    div, final = _f(kw["div_factor"], "div_factor"), _f(kw["final_div_factor"], "final_div_factor")
    start = int(_f(kw["pct_start"], "pct_start") * n)
    if kind == "linear":
        pairs = {start: div, int(_f(kw["pct_final"], "pct_final") * n): 1.0 / div, int(n): 1.0 / final}
    else:
        pairs = {start: div, int(n): 1.0 / (div * final)}
    items = sorted(pairs.items())
    return _interpolate(kind, peak / div, [b for b, _ in items], [s for _, s in items])


def _warmup_exponential(kw: dict[str, Any]) -> Part | None:
    up = _polynomial(kw["init_value"], kw["peak_value"], 1, kw["warmup_steps"], 0)
    return _join([up, _exponential_call(kw, "peak_value")], [kw["warmup_steps"]])


def _sgdr(kw: dict[str, Any]) -> Part | None:
    cycles = kw["cosine_kwargs"]
    if not isinstance(cycles, list | tuple) or not all(isinstance(c, dict) for c in cycles) or not cycles:
        raise LrdslError("sgdr_schedule's cosine_kwargs is a list of dicts of warmup_cosine_decay_schedule's arguments")
    parts: list[Part | None] = []
    bounds: list[float] = []
    step = 0.0
    for c in cycles:
        parts.append(
            _warmup_cosine(bind("warmup_cosine_decay_schedule", SIGNATURES["warmup_cosine_decay_schedule"], [], c))
        )
        step += _f(c.get("decay_steps"), "decay_steps")
        bounds.append(step)
    return _join(parts, bounds[:-1])


def _joined(kw: dict[str, Any]) -> Part | None:
    subs = kw["schedules"]
    if not isinstance(subs, list | tuple) or not all(isinstance(s, Call) for s in subs):
        raise LrdslError("join_schedules' schedules is a list of schedule calls: [optax.constant_schedule(0.1), …]")
    if not isinstance(kw["boundaries"], list | tuple):
        raise LrdslError("join_schedules' boundaries is a list of steps")
    return _join([_part_of_call(*_bound(s)) for s in subs], list(kw["boundaries"]))


BUILDERS: dict[str, Callable[[dict[str, Any]], Part | None]] = {
    "constant_schedule": _constant,
    "polynomial_schedule": _polynomial_call,
    "linear_schedule": _linear_call,
    "piecewise_constant_schedule": lambda kw: _piecewise_constant(kw["init_value"], kw["boundaries_and_scales"]),
    "exponential_decay": _exponential_call,
    "cosine_decay_schedule": lambda kw: _cosine_decay(kw["init_value"], kw["decay_steps"], kw["alpha"], kw["exponent"]),
    "piecewise_interpolate_schedule": _interpolate_call,
    "linear_onecycle_schedule": lambda kw: _onecycle(kw, "linear"),
    "cosine_onecycle_schedule": lambda kw: _onecycle(kw, "cosine"),
    "warmup_constant_schedule": lambda kw: _polynomial(kw["init_value"], kw["peak_value"], 1, kw["warmup_steps"], 0),
    "warmup_cosine_decay_schedule": lambda kw: _warmup_cosine(kw),
    "warmup_exponential_decay_schedule": _warmup_exponential,
    "sgdr_schedule": _sgdr,
    "join_schedules": _joined,
}
"""Each builder of :data:`SIGNATURES` → its phases, following Optax's source for the composite builders."""


def _part_of_call(name: str, kw: dict[str, Any]) -> Part | None:
    """The phases of a builder call (:data:`BUILDERS`)."""
    return BUILDERS[name](kw)


def _warmup_cosine(kw: dict[str, Any]) -> Part | None:
    peak, end = _f(kw["peak_value"], "peak_value"), _f(kw["end_value"], "end_value")
    alpha = 0.0 if peak == 0.0 else end / peak
    up = _polynomial(kw["init_value"], peak, 1, kw["warmup_steps"], 0)
    down = _cosine_decay(
        peak, _f(kw["decay_steps"], "decay_steps") - _f(kw["warmup_steps"], "warmup_steps"), alpha, kw["exponent"]
    )
    return _join([up, down], [kw["warmup_steps"]])


def _bound(call: Call) -> tuple[str, dict[str, Any]]:
    name = call.short
    if name not in SIGNATURES:
        close = difflib.get_close_matches(name, list(SIGNATURES), n=1)
        raise LrdslError(
            f"{name!r} is not an Optax schedule",
            hint=f"did you mean {close[0]!r}?" if close else "one of: " + ", ".join(SIGNATURES),
        )
    return name, bind(name, SIGNATURES[name], call.args, call.kwargs)


def _real(name: str, kw: dict[str, Any]) -> Callable[[Any], Any]:
    """The real Optax schedule of a builder call (nested calls built first)."""
    import optax  # type: ignore[import-untyped]

    args = dict(kw)
    if name == "join_schedules":
        args["schedules"] = [_real(*_bound(s)) for s in kw["schedules"]]
    try:
        fn: Callable[[Any], Any] = getattr(optax, name)(**args)
    except Exception as exc:
        raise LrdslError(f"Optax refuses {name}(…): {type(exc).__name__}: {exc}") from None
    return fn


def from_spec(name: str, args: Args, kwargs: Kwargs, *, total_steps: int | None, steps_per_epoch: float | None) -> str:
    """A builder call as written (``"optax.warmup_cosine_decay_schedule(0.0, 0.1, 50, 350)"``) → its expression.

    Mapped by its arguments; when optax is installed the real schedule is built and checked.
    """
    name, kw = _bound(Call(name, args, kwargs))
    part = mapped(f"Optax's {name}", lambda: _part_of_call(name, kw))
    fn = _real(name, kw) if importlib.util.find_spec("optax") is not None else None
    return _checked(part, fn, total_steps, steps_per_epoch)


def from_config(config: object, *, total_steps: int | None, steps_per_epoch: float | None) -> str:
    """Optax has no config format: a SPEC is a call (``optax.cosine_decay_schedule(0.1, 1000)``)."""
    raise LrdslError(
        "Optax schedules have no config file format: not supported",
        hint='give the call: lrdsl import optax "optax.cosine_decay_schedule(0.1, decay_steps=1000)"',
    )
