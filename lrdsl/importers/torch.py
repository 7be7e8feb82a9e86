"""PyTorch: a ``torch.optim.lr_scheduler`` object, or a call of one, → the expression it follows.

Each built-in class maps to named shapes with PyTorch's conventions made explicit (``lr(t)`` is the rate
after ``t`` calls of ``scheduler.step()``, PyTorch's ``last_epoch``); ``η`` below is the group's base
rate (``initial_lr``):

- ``StepLR(step_size=s, gamma=γ)`` → ``step(η, gamma=γ, every=s)``; ``MultiStepLR`` → ``multistep``.
- ``ConstantLR(factor=f, total_iters=k)`` → ``const(η·f, k) >> const(η)`` (``k = 0``: ``η·f`` for ever,
  as PyTorch's recursion gives). ``LinearLR`` → ``linear(η·s→η·e, k)``, held after ``k``.
- ``ExponentialLR(gamma=γ)`` → ``exp_decay(η, rate=γ)``; ``PolynomialLR(total_iters=k, power=P)`` →
  ``poly(η→0, k, power=P)``.
- ``CosineAnnealingLR(T_max=T, eta_min=m)`` → ``cosine(η→m, T)``; when the run is longer than ``T + 1``
  steps PyTorch's cosine rises again: ``(cosine(η→m, T) >> cosine(m→η, T)) * restart()``.
- ``CosineAnnealingWarmRestarts`` → ``cosine(η→m) * restart(period=T_0, mult=T_mult)``.
- ``CyclicLR`` → ``cyclic(…)`` (equal halves), else a floor plus a triangle ``* restart(…)``.
- ``OneCycleLR`` → ``onecycle(max, N, …)`` with ``N = total_steps`` or ``epochs·steps_per_epoch``.
- ``SequentialLR`` → its schedulers joined with ``>>``, each cut at its milestone (a cut cosine or
  polynomial is written ``fn(…)``); ``ChainedScheduler`` → the product of its (multiplicative) members.
- ``LambdaLR``, ``MultiplicativeLR``, a ``CyclicLR`` with ``scale_fn`` and any other subclass: sampled
  from a copy and fitted (:func:`lrdsl.fit`). ``ReduceLROnPlateau`` is refused: it follows a metric.

The result is checked against PyTorch itself: a fresh scheduler of the same class and parameters (on a
throw-away optimizer) is stepped over the run, and the user's own scheduler, copied, over its next steps;
the user's objects are never stepped. A scheduler mid-run (``last_epoch > 0``) imports the whole schedule.
A run longer than ``common.MAX_STEPPED`` steps is checked at ``common.check_points`` of it with PyTorch's
closed form there (:func:`_closed`), so no import steps PyTorch more than that, whatever the run's length.
"""

from __future__ import annotations

import copy
import importlib.util
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from lrdsl.errors import LrdslError
from lrdsl.importers.common import (
    REQUIRED,
    Args,
    Kwargs,
    bind,
    checked_form,
    duration,
    in_library,
    known,
    mapped,
    not_checked,
    stepped,
    tidy,
    written_rate,
)
from lrdsl.importers.common import literal as n
from lrdsl.importers.spec import Call, Ref
from lrdsl.language import ast as A
from lrdsl.language import build as B

RTOL = 1e-9
"""PyTorch computes in float64: its recursions stay within this of the closed forms."""

SIGNATURES: dict[str, tuple[tuple[str, object], ...]] = {
    "LambdaLR": (("lr_lambda", REQUIRED),),
    "MultiplicativeLR": (("lr_lambda", REQUIRED),),
    "StepLR": (("step_size", REQUIRED), ("gamma", 0.1)),
    "MultiStepLR": (("milestones", REQUIRED), ("gamma", 0.1)),
    "ConstantLR": (("factor", 1.0 / 3), ("total_iters", 5)),
    "LinearLR": (("start_factor", 1.0 / 3), ("end_factor", 1.0), ("total_iters", 5)),
    "ExponentialLR": (("gamma", REQUIRED),),
    "SequentialLR": (("schedulers", REQUIRED), ("milestones", REQUIRED)),
    "PolynomialLR": (("total_iters", 5), ("power", 1.0)),
    "CosineAnnealingLR": (("T_max", REQUIRED), ("eta_min", 0.0)),
    "ChainedScheduler": (("schedulers", REQUIRED),),
    "CyclicLR": (
        ("base_lr", REQUIRED),
        ("max_lr", REQUIRED),
        ("step_size_up", 2000),
        ("step_size_down", None),
        ("mode", "triangular"),
        ("gamma", 1.0),
        ("scale_fn", None),
        ("scale_mode", "cycle"),
        ("cycle_momentum", True),
        ("base_momentum", 0.8),
        ("max_momentum", 0.9),
    ),
    "CosineAnnealingWarmRestarts": (("T_0", REQUIRED), ("T_mult", 1), ("eta_min", 0.0)),
    "OneCycleLR": (
        ("max_lr", REQUIRED),
        ("total_steps", None),
        ("epochs", None),
        ("steps_per_epoch", None),
        ("pct_start", 0.3),
        ("anneal_strategy", "cos"),
        ("cycle_momentum", True),
        ("base_momentum", 0.85),
        ("max_momentum", 0.95),
        ("div_factor", 25.0),
        ("final_div_factor", 1e4),
        ("three_phase", False),
    ),
}
"""Each class's parameters after the optimizer (before ``last_epoch``), with PyTorch 2.13's defaults."""

REFUSED = {
    "ReduceLROnPlateau": "ReduceLROnPlateau follows a metric (the loss), not the step: no expression of the "
    "step can say when it will reduce",
}
ABSOLUTE = ("CyclicLR", "OneCycleLR")
"""Classes that set their own rates rather than scaling the optimizer's."""
MULTIPLICATIVE = ("StepLR", "MultiStepLR", "ConstantLR", "LinearLR", "ExponentialLR", "PolynomialLR")
"""Classes whose step multiplies the current rate: in a ``ChainedScheduler`` their factors multiply."""


@dataclass(frozen=True)
class Sched:
    """A scheduler described by its class name and constructor arguments (nested ones for Sequential/Chained)."""

    name: str
    kw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Piece:
    """An expression for one scheduler: its syntax tree, and what a ``SequentialLR`` needs to cut it.

    ``natural``: steps over which its changes happen (checked without a total); ``valid``: the tree
    equals PyTorch for ``t < valid`` (``None``: for every step); ``cut(m)``: the first ``m`` steps as a
    phase of explicit duration ``m`` (``None`` when lrdsl cannot cut it exactly).
    """

    tree: A.Expr
    natural: int
    valid: int | None
    cut: Callable[[int], A.Expr | None]
    marks: tuple[int, ...] = ()

    @property
    def text(self) -> str:
        """The expression's canonical text (the formatter's)."""
        return B.text(self.tree)


def _uncut(m: int) -> None:
    """The cut of a piece lrdsl cannot cut exactly."""
    return None


def _whole(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x) and float(x).is_integer()


def _steps(s: Sched, key: str) -> int | None:
    """The argument ``key`` of ``s`` as whole steps (None: not whole); an error beyond lrdsl's longest duration."""
    return duration(s.kw[key], f"{s.name}'s {key}")


def _count(s: Sched, key: str, least: int) -> int | None:
    """The argument ``key`` of ``s`` as whole steps of at least ``least`` (None: another value, sampled)."""
    n = _steps(s, key)
    return n if n is not None and n >= least else None


def _pick(value: Any, g: int) -> float:
    """A per-group argument (a number, or a list with one per group) for group ``g``."""
    if isinstance(value, list | tuple):
        if g >= len(value):
            raise LrdslError(f"a per-group argument has {len(value)} values; group {g} has none")
        value = value[g]
    return float(value)


def _const(value: float, length: int | None = None) -> A.Expr:
    return B.shape("const", n(value)) if length is None else B.shape("const", n(value), length)


def _held(value: float) -> Piece:
    """A rate held for ever (a scheduler of no steps)."""
    return Piece(_const(value), 1, None, lambda m: _const(value, m))


def _cosine_formula(top: float, low: float, angle: A.Expr) -> A.Expr:
    """``low + (top − low)·(1 + cos(angle))/2`` (``top·(1 + cos(angle))/2`` when ``low`` is 0), over ``u``."""
    half = B.add(1, B.math_call("cos", angle))
    if tidy(low) == 0:
        return B.div(B.mul(n(top), half), 2)
    return B.add(n(low), B.div(B.mul(B.sub(n(top), n(low)), half), 2))


U, PI = B.name("u"), B.name("pi")


def _step_lr(s: Sched, base: float, g: int, total: int | None) -> Piece | None:
    every = _count(s, "step_size", 1)
    if every is None:
        return None
    gamma = n(s.kw["gamma"])
    return Piece(
        B.shape("step", n(base), gamma=gamma, every=every),
        3 * every,
        None,
        lambda m: B.shape("step", n(base), m, gamma=gamma, every=every),
    )


def _multistep_lr(s: Sched, base: float, g: int, total: int | None) -> Piece | None:
    gamma = n(s.kw["gamma"])
    counted = [duration(m, "MultiStepLR's milestone") for m in s.kw["milestones"]]
    at = sorted(m for m in counted if m is not None and m >= 0)
    if not at:
        return _held(base)
    return Piece(
        B.shape("multistep", n(base), gamma=gamma, at=at),
        at[-1] + 1,
        None,
        lambda m: B.shape("multistep", n(base), m, gamma=gamma, at=at),
        tuple(at),
    )


def _constant_lr(s: Sched, base: float, g: int, total: int | None) -> Piece | None:
    f, k = base * float(s.kw["factor"]), _count(s, "total_iters", 0)
    if k is None:
        return None
    if k == 0:  # PyTorch applies the factor at step 0 and never undoes it
        return _held(f)

    def cut(m: int) -> A.Expr:
        return _const(f, m) if m <= k else B.seq(_const(f, k), _const(base, m - k))

    return Piece(B.seq(_const(f, k), _const(base)), k, None, cut, (k,))


def _linear_lr(s: Sched, base: float, g: int, total: int | None) -> Piece | None:
    s0, e0, k = float(s.kw["start_factor"]), float(s.kw["end_factor"]), _count(s, "total_iters", 0)
    if k is None:
        return None
    if k == 0:  # the start factor at step 0, then PyTorch holds it
        return _held(base * s0)
    ramp = B.shape("linear", (n(base * s0), n(base * e0)), k)

    def cut(m: int) -> A.Expr:
        if m <= k:
            return B.shape("linear", (n(base * s0), n(base * (s0 + (e0 - s0) * m / k))), m)
        return B.seq(ramp, _const(base * e0, m - k))

    return Piece(ramp, k, None, cut, (k,))


def _exponential_lr(s: Sched, base: float, g: int, total: int | None) -> Piece | None:
    rate = n(s.kw["gamma"])
    return Piece(
        B.shape("exp_decay", n(base), rate=rate), 100, None, lambda m: B.shape("exp_decay", n(base), m, rate=rate)
    )


def _polynomial_lr(s: Sched, base: float, g: int, total: int | None) -> Piece | None:
    k, power = _count(s, "total_iters", 0), n(s.kw["power"])
    if k is None:
        return None
    if k == 0:
        return _held(base)
    tree = B.shape("poly", (n(base), 0), k, power=power)

    def cut(m: int) -> A.Expr:
        if m >= k:
            return tree if m == k else B.seq(tree, _const(0, m - k))
        return B.fn(B.mul(n(base), B.power(B.sub(1, B.div(U, k)), power)), m)

    return Piece(tree, k, None, cut, (k,))


def _cosine_annealing_lr(s: Sched, base: float, g: int, total: int | None) -> Piece | None:
    t, eta = _count(s, "T_max", 1), float(s.kw["eta_min"])
    if t is None:
        return None
    tree = B.shape("cosine", (n(base), n(eta)), t)

    def cut(m: int) -> A.Expr:
        return tree if m == t else B.fn(_cosine_formula(base, eta, B.div(B.mul(PI, U), t)), m)

    if total is not None and total > t + 1:  # PyTorch's cosine rises again after T_max
        rising = B.mul(B.seq(tree, B.shape("cosine", (n(eta), n(base)), t)), B.restart())
        return Piece(rising, t, None, cut, (t, 2 * t))
    return Piece(tree, t, t + 1, cut, (t,))


def _warm_restarts(s: Sched, base: float, g: int, total: int | None) -> Piece | None:
    t0, mult, eta = _count(s, "T_0", 1), s.kw["T_mult"], float(s.kw["eta_min"])
    if t0 is None or not (_whole(mult) and mult >= 1):
        return None
    mult = int(mult)
    cosine = B.shape("cosine", (n(base), n(eta)))

    def restarts(cycles: int | None = None) -> A.Expr:
        return B.mul(cosine, B.restart(period=t0, mult=mult if mult != 1 else None, cycles=cycles))

    def cut(m: int) -> A.Expr | None:
        if mult == 1:  # the angle of u within its cycle: pi * (u - t0 * floor(u / t0)) / t0
            local = B.sub(U, B.mul(t0, B.math_call("floor", B.div(U, t0))))
            return B.fn(_cosine_formula(base, eta, B.div(B.mul(PI, local), t0)), m)
        end, cycles = t0, 1
        while end < m:
            end, cycles = end + t0 * mult**cycles, cycles + 1
        return restarts(cycles) if end == m else None

    return Piece(restarts(), t0 * (1 + mult + mult * mult), None, cut, _restarts(t0, mult))


def _cyclic(s: Sched, base: float, g: int, total: int | None) -> Piece | None:
    k = s.kw
    if k.get("scale_fn") is not None or k["mode"] not in ("triangular", "triangular2", "exp_range"):
        return None
    lo, hi = _pick(k["base_lr"], g), _pick(k["max_lr"], g)
    up = float(k["step_size_up"])
    down = float(k["step_size_down"]) if k["step_size_down"] is not None else up
    if not (up > 0 and down > 0 and up.is_integer() and down.is_integer()):
        return None  # PyTorch's halves are whole steps; others are sampled
    duration(up + down, "CyclicLR's cycle (step_size_up + step_size_down)")
    mode, gamma = k["mode"], n(k["gamma"])
    return Piece(_cycle(lo, hi, int(up), int(down), mode, gamma), math.ceil(3 * (up + down)), None, _uncut)


def _cycle(lo: float, hi: float, up: int, down: int, mode: str, gamma: A.Expr) -> A.Expr:
    """A ``CyclicLR`` of whole halves ``up`` and ``down``: ``cyclic(…)`` when they are equal, else a triangle."""
    if up == down:
        return B.shape(
            "cyclic",
            (n(lo), n(hi)),
            half=up,
            mode=mode if mode != "triangular" else None,
            gamma=gamma if mode == "exp_range" else None,
        )
    if mode == "triangular":
        return B.mul(B.seq(B.shape("linear", (n(lo), n(hi)), up), B.shape("linear", (n(hi), n(lo)), down)), B.restart())
    h = n(hi - lo)
    body = B.seq(B.shape("linear", (0, h), up), B.shape("linear", (h, 0), down))
    if mode == "triangular2":
        return B.add(n(lo), B.mul(body, B.restart(decay=0.5)))
    return B.add(n(lo), B.mul(body, B.restart(), B.shape("exp_decay", 1, rate=gamma)))


def _onecycle_total(k: dict[str, Any]) -> int:
    if k["total_steps"] is not None:
        total = k["total_steps"]
    elif k["epochs"] is not None and k["steps_per_epoch"] is not None:
        total = k["epochs"] * k["steps_per_epoch"]
    else:
        raise LrdslError("OneCycleLR needs total_steps=, or epochs= and steps_per_epoch=")
    steps = duration(total, "OneCycleLR's total_steps")
    if steps is None or steps < 1:
        raise LrdslError(f"OneCycleLR's total steps must be a positive whole number, not {total!r}")
    return steps


def _unless(value: object, default: float) -> A.Expr | None:
    """``value``'s literal, or None (left out) when it is the default."""
    return None if float(value) == default else n(float(value))  # type: ignore[arg-type]


def _onecycle(s: Sched, base: float, g: int, total: int | None) -> Piece | None:
    k = s.kw
    steps = _onecycle_total(k)
    if k["anneal_strategy"] not in ("cos", "linear"):
        return None
    tree = B.shape(
        "onecycle",
        n(_pick(k["max_lr"], g)),
        steps,
        pct=_unless(k["pct_start"], 0.3),
        div=_unless(k["div_factor"], 25.0),
        final_div=_unless(k["final_div_factor"], 1e4),
        anneal="linear" if k["anneal_strategy"] == "linear" else None,
        three_phase=True if k["three_phase"] else None,
    )
    first = int(float(k["pct_start"]) * steps) - 1
    marks = (first, 2 * first) if k["three_phase"] else (first,)
    return Piece(tree, steps, steps, lambda m: tree if m == steps else None, marks)


def _sequential(s: Sched, base: float, g: int, total: int | None) -> Piece | None:
    subs: list[Sched] = list(s.kw["schedulers"])
    ms = list(s.kw["milestones"])
    if len(ms) != len(subs) - 1 or not all(_whole(m) and m >= 0 for m in ms) or ms != sorted(ms):
        return None
    ends = [int(m) for m in ms]
    phases: list[A.Expr] = []
    marks: list[int] = []
    start = 0
    for sub, end in zip(subs[:-1], ends, strict=True):
        if end == start:  # a milestone at its own start: PyTorch skips the scheduler
            continue
        piece = _piece(sub, base, g, None)
        cut = None if piece is None else piece.cut(end - start)
        if piece is None or cut is None:
            return None
        marks += [start + m for m in piece.marks if m < end - start] + [end]
        phases.append(cut)
        start = end
    last = _piece(subs[-1], base, g, None if total is None else max(total - start, 0))
    if last is None:
        return None
    marks += [start + m for m in last.marks]
    valid = None if last.valid is None else start + last.valid
    return Piece(B.seq(*phases, last.tree), start + last.natural, valid, _uncut, tuple(marks))


def _rises(s: Sched) -> bool:
    """Whether PyTorch's ``s`` goes on past the steps its expression is valid for (a CosineAnnealingLR rises
    again after ``T_max``; a OneCycleLR raises there instead)."""
    if s.name == "SequentialLR":
        return _rises(s.kw["schedulers"][-1])
    if s.name == "ChainedScheduler":
        return any(_rises(x) for x in s.kw["schedulers"])
    return s.name == "CosineAnnealingLR"


def _multiplies(s: Sched) -> bool:
    """Whether each step of ``s`` multiplies the rate it finds (so in a chain the members' factors multiply):
    the classes of MULTIPLICATIVE, a CosineAnnealingLR down to 0 (its step is ``lr·c(t)/c(t−1)`` until
    ``T_max``), and chains of those."""
    if s.name == "ChainedScheduler":
        return all(_multiplies(x) for x in s.kw["schedulers"])
    if s.name == "CosineAnnealingLR":
        return float(s.kw["eta_min"]) == 0.0
    return s.name in MULTIPLICATIVE


def _chained(s: Sched, base: float, g: int, total: int | None) -> Piece | None:
    """The product of the members (each but the last with base 1). A cosine member is a factor over its
    ``T_max + 1`` steps only: at ``T_max + 1`` PyTorch's cosine adds to the rate rather than multiply it."""
    subs: list[Sched] = list(s.kw["schedulers"])
    if not subs or not all(_multiplies(x) for x in subs):
        return None
    pieces = [_piece(x, 1.0 if i < len(subs) - 1 else base, g, None) for i, x in enumerate(subs)]
    done = [p for p in pieces if p is not None]
    if len(done) < len(pieces):
        return None
    valids = [p.valid for p in done if p.valid is not None]
    valid = min(valids) if valids else None
    if valid is not None and total is not None and total > valid:
        return None  # past a cosine's T_max the chain is no product: sampled
    marks = tuple(m for p in done for m in p.marks)

    def cut(m: int) -> A.Expr | None:
        cuts = [p.cut(m) for p in done]
        return None if any(c is None for c in cuts) else B.mul(*(c for c in cuts if c is not None))

    return Piece(B.mul(*(p.tree for p in done)), max(p.natural for p in done), valid, cut, marks)


Form = Callable[[Sched, float, int, "int | None"], "Piece | None"]
FORMS: dict[str, Form] = {
    "StepLR": _step_lr,
    "MultiStepLR": _multistep_lr,
    "ConstantLR": _constant_lr,
    "LinearLR": _linear_lr,
    "ExponentialLR": _exponential_lr,
    "PolynomialLR": _polynomial_lr,
    "CosineAnnealingLR": _cosine_annealing_lr,
    "CosineAnnealingWarmRestarts": _warm_restarts,
    "CyclicLR": _cyclic,
    "OneCycleLR": _onecycle,
    "SequentialLR": _sequential,
    "ChainedScheduler": _chained,
}
"""Each class with a named form → its builder ``(scheduler, base rate, group, run length) → Piece`` (None: the
arguments have no exact form, sampled). The others (``LambdaLR``, ``MultiplicativeLR``) are sampled and fitted."""


def _piece(s: Sched, base: float, g: int, total: int | None) -> Piece | None:
    """The expression of ``s`` for group ``g`` (base rate ``base``), or None when only the fitter can say."""
    form = FORMS.get(s.name)
    return None if form is None else form(s, base, g, total)


# --- live objects ------------------------------------------------------------------------------------


def _describe(obj: Any) -> Sched | None:
    """The class name and constructor arguments of a built-in scheduler object (None: another class)."""
    from torch.optim import lr_scheduler as L

    name = type(obj).__name__
    if name in REFUSED and isinstance(obj, getattr(L, name)):
        raise LrdslError(f"cannot import {name}: {REFUSED[name]}", hint="keep it in your training loop")
    if getattr(L, name, None) is not type(obj):
        return None
    d = obj.__dict__
    if name in ("LambdaLR", "MultiplicativeLR"):
        return Sched(name, {"lr_lambda": list(obj.lr_lambdas)})
    if name == "MultiStepLR":
        return Sched(name, {"milestones": sorted(obj.milestones.elements()), "gamma": obj.gamma})
    if name in ("SequentialLR", "ChainedScheduler"):
        subs = [_describe(s) for s in obj._schedulers]
        if any(s is None for s in subs):
            return None
        kw: dict[str, Any] = {"schedulers": subs}
        if name == "SequentialLR":
            kw["milestones"] = list(obj._milestones)
        return Sched(name, kw)
    if name == "CyclicLR":
        up = obj.total_size * obj.step_ratio
        up = round(up) if abs(up - round(up)) < 1e-9 else up
        return Sched(
            name,
            {
                "base_lr": [float(x) for x in obj.base_lrs],
                "max_lr": [float(x) for x in obj.max_lrs],
                "step_size_up": up,
                "step_size_down": obj.total_size - up,
                "mode": obj.mode,
                "gamma": obj.gamma,
                "scale_fn": obj._scale_fn_custom,
                "scale_mode": obj.scale_mode,
                "cycle_momentum": False,
                "base_momentum": 0.8,
                "max_momentum": 0.9,
            },
        )
    if name == "OneCycleLR":
        groups = obj.optimizer.param_groups
        phases = obj._schedule_phases
        return Sched(
            name,
            {
                "max_lr": [float(gr["max_lr"]) for gr in groups],
                "total_steps": obj.total_steps,
                "epochs": None,
                "steps_per_epoch": None,
                "pct_start": (phases[0]["end_step"] + 1) / obj.total_steps,
                "anneal_strategy": getattr(obj, "_anneal_func_type", "custom"),
                "cycle_momentum": False,
                "base_momentum": 0.85,
                "max_momentum": 0.95,
                "div_factor": float(groups[0]["max_lr"]) / float(groups[0]["initial_lr"]),
                "final_div_factor": float(groups[0]["initial_lr"]) / float(groups[0]["min_lr"]),
                "three_phase": len(phases) == 3,
            },
        )
    return Sched(name, {key: d[key] for key, _ in SIGNATURES[name]})


def _optimizer(lrs: Sequence[float]) -> Any:
    import torch

    groups = [{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr} for lr in lrs]
    return torch.optim.SGD(groups, lr=lrs[0], momentum=0.9)


def _build(s: Sched, opt: Any) -> Any:
    """A fresh scheduler of ``s``'s class and arguments on ``opt``."""
    from torch.optim import lr_scheduler as L

    cls = getattr(L, s.name)
    kw = dict(s.kw)
    if s.name in ("SequentialLR", "ChainedScheduler"):
        subs = [_build(x, opt) for x in kw.pop("schedulers")]
        return cls(opt, subs, **kw) if s.name == "SequentialLR" else cls(subs, opt)
    if s.name in ABSOLUTE:
        kw["cycle_momentum"] = False
    for key in ("lr_lambda", "scale_fn"):  # a callable object may keep state: step a copy of it
        if kw.get(key) is not None:
            kw[key] = copy.deepcopy(kw[key])
    return cls(opt, **kw)


def _run(sched: Any, g: int, n: int) -> list[float]:
    """``lr(0) … lr(n−1)`` of group ``g`` from the scheduler's current state, stepping it (a copy or a fresh one)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return stepped(sched.step, lambda: sched.optimizer.param_groups[g]["lr"], n)


def _library(what: str, f: Callable[[], list[float]]) -> list[float]:
    return in_library("PyTorch", what, f)


def _import(
    s: Sched | None,
    base: float,
    g: int,
    total: int | None,
    spe: float | None,
    reference: Callable[[int], list[float]] | None,
    source: str,
    at: Callable[[list[int]], list[float]] | None = None,
) -> tuple[str, int | None]:
    """The expression of ``s`` (the fitter's when ``s`` is None or has no named form) and the steps it is valid for."""
    piece = None if s is None else mapped(source, lambda: _piece(s, base, g, total))
    try:
        return checked_form(
            piece, total, spe, reference, source=source, library="PyTorch", api="from_torch", rtol=RTOL, at=at
        )
    except LrdslError as err:
        if piece is None and s is not None and s.name == "ChainedScheduler" and not _multiplies(s):
            raise LrdslError(
                f"{source} has no lrdsl expression: {_why_not_product(s)}",
                hint="run the members in a SequentialLR, or record the rates and compare: lrdsl compare EXPR values.csv",
            ) from err
        raise


def _why_not_product(s: Sched) -> str:
    """Why a chain is not the product of its members (the first member whose step does not multiply)."""
    for sub in s.kw["schedulers"]:
        if sub.name == "CosineAnnealingLR":
            return (
                f"its CosineAnnealingLR has eta_min={sub.kw['eta_min']!r}; each step moves the rate toward eta_min "
                "and the other members scale that, a recursion that is no product of closed forms"
            )
        if not _multiplies(sub):
            return f"its {sub.name} sets the rate rather than scale it, so the members' factors do not multiply"
    return "its members do not multiply"  # pragma: no cover - called for a chain that is no product


def _precision(opt: Any, g: int) -> tuple[float, float]:
    """The relative and absolute (of the peak) tolerances of group ``g``: a ``torch.Tensor`` rate in float32
    (PyTorch then computes the group's rates in float32, as Optax does) gets float32's, else float64's."""
    import torch

    lr = opt.param_groups[g]["lr"]
    if isinstance(lr, torch.Tensor) and lr.dtype != torch.float64:
        return 1e-5, 1e-6
    return RTOL, 1e-12


def from_torch(
    scheduler: Any,
    group: int = 0,
    *,
    total_steps: int | None = None,
    steps_per_epoch: float | None = None,
    momentum: bool = False,
) -> str:
    """The expression ``scheduler`` follows for ``optimizer.param_groups[group]``, verified against PyTorch.

    ``total_steps`` is the run's length: needed for schedulers imported by sampling (``LambdaLR``,
    ``MultiplicativeLR``, other subclasses), and it lets a ``CosineAnnealingLR`` shorter than the run rise
    again as PyTorch's does; without it a ``CosineAnnealingLR`` is imported for ``T_max + 1`` steps (a
    warning says so). With ``momentum=True`` a ``OneCycleLR`` or ``CyclicLR`` that cycles the momentum
    (``cycle_momentum=True``) imports as a set, ``lr: …`` and ``momentum: …`` (or ``betas[0]: …`` when the
    optimizer has betas), the momentum checked against PyTorch's too (:func:`momentum_member`).
    """
    expr = _from_torch(scheduler, group, total_steps, steps_per_epoch)
    if not momentum:
        return expr
    from lrdsl.language.parser import parse_set

    key, cycled = momentum_member(scheduler, group)
    return str(parse_set(f"lr: {expr}\n{key}: {cycled}"))


def momentum_member(scheduler: Any, group: int = 0) -> tuple[str, str]:
    """The member name (``momentum`` or ``betas[0]``) and expression of the momentum a ``OneCycleLR`` or
    ``CyclicLR`` with ``cycle_momentum=True`` sets, checked against PyTorch's value at every step of a cycle
    (:func:`lrdsl.importers.common.check_points` of it for a longer one).

    ``OneCycleLR``'s momentum runs each phase from its start to its end momentum with the rate's anneal
    (``max_momentum → base_momentum`` while the rate rises, and back), then holds, phase ends as the object holds
    them (:func:`lrdsl.importers.momentum.onecycle_momentum`); ``CyclicLR``'s is
    ``max_momentum − (max_momentum − base_momentum) · x`` where the rate is ``base_lr + (max_lr − base_lr) · x``.
    """
    name = type(scheduler).__name__
    if name not in ABSOLUTE or not getattr(scheduler, "cycle_momentum", False):
        raise LrdslError(
            f"PyTorch's {name} does not set the momentum",
            hint="only OneCycleLR and CyclicLR with cycle_momentum=True do: import the rate alone (momentum=False)",
        )
    key = "betas[0]" if scheduler.use_beta1 else "momentum"
    s = _describe(scheduler)
    assert s is not None  # a OneCycleLR or CyclicLR of PyTorch's own class
    if name == "OneCycleLR":
        values = scheduler.optimizer.param_groups[group]
        hi, lo = float(values["max_momentum"]), float(values["base_momentum"])
        ends: list[float] | None = [float(phase["end_step"]) for phase in scheduler._schedule_phases]
    else:
        hi, lo = float(scheduler.max_momentums[group]), float(scheduler.base_momentums[group])
        ends = None
    tree, length = _cycled(s, hi, lo, ends)
    text = str(tree)
    _check_momentum(scheduler, group, key, text, length)
    return key, text


def _cycled(s: Sched, hi: float, lo: float, ends: Sequence[float] | None = None) -> tuple[A.Expr, int]:
    """The momentum ``s`` (a ``OneCycleLR`` or ``CyclicLR``) cycles between ``hi`` (``max_momentum``) and ``lo``
    (``base_momentum``), and the steps to check it over. ``ends``: a ``OneCycleLR``'s phase ends as the object
    holds them (else computed from ``pct_start`` as PyTorch computes them)."""
    from lrdsl.importers.momentum import onecycle_momentum, phase_ends

    if s.name == "CyclicLR":
        return _cyclic_momentum(s, hi, lo)
    total = _onecycle_total(s.kw)
    ends = phase_ends(total, s.kw["pct_start"], bool(s.kw["three_phase"])) if ends is None else ends
    return onecycle_momentum(total, ends, hi, lo, s.kw["anneal_strategy"] == "linear"), total


def _cyclic_momentum(s: Sched, hi: float, lo: float) -> tuple[A.Expr, int]:
    """The rate's cycle with ``hi`` in place of ``base_lr`` and ``lo`` in place of ``max_lr``."""
    up, down = s.kw["step_size_up"], s.kw["step_size_down"]
    down = up if down is None else down
    if s.kw["scale_fn"] is not None or not (float(up).is_integer() and float(down).is_integer()):
        raise LrdslError(
            "PyTorch's CyclicLR's momentum follows a scale_fn or halves that are not whole steps",
            hint="import the rate alone (momentum=False)",
        )
    if up != down and s.kw["mode"] != "triangular":
        raise LrdslError(
            f"PyTorch's CyclicLR's momentum in mode {s.kw['mode']!r} with unequal halves falls from "
            "max_momentum, which lrdsl writes only for equal halves",
            hint="use equal halves (step_size_down=None), or import the rate alone (momentum=False)",
        )
    return _cycle(hi, lo, int(up), int(down), s.kw["mode"], n(s.kw["gamma"])), 3 * int(up + down)


def _check_momentum(scheduler: Any, g: int, key: str, text: str, length: int) -> None:
    """``text`` is the momentum PyTorch's own scheduler (a copy, set to each step in closed form) sets, to ``RTOL``
    (:func:`lrdsl.importers.verify.verified`: ``lrdsl import --check`` prints the comparison)."""
    from lrdsl.importers.common import check_points
    from lrdsl.importers.verify import verified

    steps = check_points(length)
    theirs = _library("momentum", lambda: _momentum_at(scheduler, g, key, steps))
    source = f"PyTorch's {type(scheduler).__name__}'s {key}"
    verified(text, theirs, source=source, rtol=RTOL, steps=steps, total_steps=length)


def _momentum_at(scheduler: Any, g: int, key: str, steps: Sequence[int]) -> list[float]:
    """The ``key`` group ``g`` of a copy of ``scheduler`` holds at each of ``steps`` (its ``get_lr`` is closed form)."""
    copied = _copy(scheduler)
    group = copied.optimizer.param_groups[g]
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for t in steps:
            copied.last_epoch = t - 1
            copied.step()
            out.append(float(group["betas"][0] if key == "betas[0]" else group["momentum"]))
    return out


def _momentum_of_call(s: Sched, key: str) -> str:
    """The momentum of the call ``s`` as ``key`` sets it: from the real scheduler (built on an SGD with momentum or
    an AdamW) when PyTorch is installed, else mapped from the arguments alone, unchecked (a note says so)."""
    if importlib.util.find_spec("torch") is None:
        not_checked(f"PyTorch's {s.name}'s momentum", "PyTorch is not installed")
        hi, lo = _pick(s.kw["max_momentum"], 0), _pick(s.kw["base_momentum"], 0)
        return str(_cycled(s, hi, lo)[0])
    built = in_library("PyTorch", f"{s.name} with cycle_momentum=True", lambda: _cycling(s, key))
    return momentum_member(built)[1]


def _cycling(s: Sched, key: str) -> Any:
    """A fresh scheduler of the call ``s``, cycling the momentum, on an optimizer with ``key``."""
    import torch
    from torch.optim import lr_scheduler as L

    params = [torch.nn.Parameter(torch.zeros(1))]
    opt = torch.optim.AdamW(params) if key == "betas[0]" else torch.optim.SGD(params, lr=0.1, momentum=0.9)
    return getattr(L, s.name)(opt, **{**s.kw, "cycle_momentum": True})


def _from_torch(scheduler: Any, group: int, total_steps: int | None, steps_per_epoch: float | None) -> str:
    """:func:`from_torch` of the rate alone."""
    from torch.optim import lr_scheduler as L

    if not isinstance(scheduler, L.LRScheduler | L.ReduceLROnPlateau):
        raise LrdslError(f"from_torch() takes a torch.optim.lr_scheduler object, not {type(scheduler).__name__}")
    opt = scheduler.optimizer
    if not (isinstance(group, int) and 0 <= group < len(opt.param_groups)):
        raise LrdslError(f"the optimizer has {len(opt.param_groups)} parameter groups; there is no group {group!r}")
    if total_steps is not None and (not _whole(total_steps) or total_steps < 1):
        raise LrdslError(f"total_steps must be a positive whole number, not {total_steps!r}")
    s = _describe(scheduler)
    lrs = [float(gr.get("initial_lr", gr["lr"])) for gr in opt.param_groups]
    source = f"PyTorch's {type(scheduler).__name__}"
    at: Callable[[list[int]], list[float]] | None = None
    if s is not None:
        sched = s
        reference: Callable[[int], list[float]] = lambda n: _run(_build(sched, _optimizer(lrs)), group, n)  # noqa: E731
        at = lambda steps: _closed(sched, lrs, group, steps)  # noqa: E731
    else:
        reference = lambda n: _restarted(scheduler, group, n)  # noqa: E731
    expr, valid = _import(s, lrs[group], group, total_steps, steps_per_epoch, reference, source, at)
    if total_steps is None and valid is not None and s is not None and _rises(s):
        warnings.warn(
            f"{source} is imported for its first {valid} steps, after which lrdsl holds the last value; "
            "PyTorch's CosineAnnealingLR rises again after T_max: give total_steps= to import the whole run",
            UserWarning,
            stacklevel=3,
        )
    rtol, floor = _precision(opt, group)
    end = total_steps if valid is None else valid
    if getattr(scheduler, "last_epoch", None) == 0 and (s is None or s.name in ("LambdaLR", "MultiplicativeLR")):
        # sampled from a copy at its start: stepping another copy would call a stateful lambda twice per step;
        # the rate the user's optimizer holds now is checked against the expression's first value
        _check_rate(scheduler, group, expr, end, steps_per_epoch, rtol, floor)
        return expr
    _check_tail(scheduler, group, expr, end, steps_per_epoch, source, rtol, floor)
    return expr


def _check_rate(
    scheduler: Any, g: int, expr: str, total: int | None, spe: float | None, rtol: float, floor: float
) -> None:
    """The rate of group ``g`` now (step 0) is the expression's first value, to the group's precision."""
    import lrdsl

    a = float(scheduler.optimizer.param_groups[g]["lr"])
    b = float(lrdsl.evaluate(expr, total, spe, steps=[0])[0])
    if abs(a - b) > floor * max(abs(a), abs(b)) + rtol * max(abs(a), abs(b)):
        raise LrdslError(
            f"your {type(scheduler).__name__} departs from its class's schedule at step 0: {a!r} instead of {b!r}",
            hint="its optimizer's rate was changed outside the scheduler, or its state was edited",
        )


def _copy(scheduler: Any) -> Any:
    """A deep copy of the scheduler and its optimizer that shares the parameters and drops the optimizer state."""
    opt = scheduler.optimizer
    memo: dict[int, Any] = {id(p): p for gr in opt.param_groups for p in gr["params"]}
    memo[id(opt.state)] = {}
    return copy.deepcopy(scheduler, memo)


CLOSED = ("StepLR", "MultiStepLR", "ConstantLR", "LinearLR", "ExponentialLR", "PolynomialLR", "CosineAnnealingLR")
"""Classes with PyTorch's own closed form (``_get_closed_form_lr``): their value at any step, without stepping."""


def _restarts(t0: int, mult: int) -> tuple[int, ...]:
    """The steps where ``CosineAnnealingWarmRestarts(T_0=t0, T_mult=mult)`` restarts (the first 64)."""
    out: list[int] = []
    end, period = t0, t0
    while len(out) < 64 and end <= 10**15:
        out.append(end)
        period *= mult
        end += period
    return tuple(out)


def _closed(s: Sched, lrs: Sequence[float], g: int, steps: Sequence[int]) -> list[float]:
    """PyTorch's value of group ``g`` at each of ``steps`` without stepping through the run: its closed form
    (``_get_closed_form_lr``; ``get_lr`` at ``last_epoch = t`` for the one-cycle and cyclic classes, which compute
    from it; the restart state for ``CosineAnnealingWarmRestarts``, counted as its ``step()`` counts), members
    composed for ``SequentialLR`` (each from its milestone) and ``ChainedScheduler`` (the product of factors)."""
    if s.name == "SequentialLR":
        return _closed_sequence(s, lrs, g, steps)
    if s.name == "ChainedScheduler":
        out = [float(lrs[g])] * len(steps)
        for sub in s.kw["schedulers"]:
            out = [a * b / lrs[g] for a, b in zip(out, _closed(sub, lrs, g, steps), strict=True)]
        return out
    sched = _build(s, _optimizer(lrs))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [_closed_at(s.name, sched, g, t) for t in steps]


def _closed_sequence(s: Sched, lrs: Sequence[float], g: int, steps: Sequence[int]) -> list[float]:
    """A ``SequentialLR`` at ``steps``: each member's closed form, from its milestone."""
    from bisect import bisect_right

    ms = [int(m) for m in s.kw["milestones"]]
    out: list[float] = [0.0] * len(steps)
    for i, sub in enumerate(s.kw["schedulers"]):
        start = ms[i - 1] if i > 0 else 0
        mine = [j for j, t in enumerate(steps) if bisect_right(ms, t) == i]
        for j, v in zip(mine, _closed(sub, lrs, g, [steps[j] - start for j in mine]), strict=True):
            out[j] = v
    return out


def _closed_at(name: str, sched: Any, g: int, t: int) -> float:
    """The rate of group ``g`` of a fresh ``sched`` of class ``name`` at step ``t``, set as its ``step()`` sets it."""
    sched.last_epoch = t
    if name in CLOSED:
        return float(sched._get_closed_form_lr()[g])
    if name == "CosineAnnealingWarmRestarts":
        t_i, t_cur = sched.T_0, t
        if sched.T_mult == 1:
            t_cur %= t_i
        while t_cur >= t_i:
            t_cur, t_i = t_cur - t_i, t_i * sched.T_mult
        sched.T_i, sched.T_cur = t_i, t_cur
    elif name not in ABSOLUTE:
        raise LrdslError(f"PyTorch's {name} has no closed form")  # pragma: no cover - named forms only
    return float(sched.get_lr()[g])


def _restarted(scheduler: Any, g: int, n: int) -> list[float]:
    """An unknown subclass from its start: a copy with the rates and ``last_epoch`` of a fresh construction
    (rates back to ``initial_lr``, ``last_epoch = -1``, then the constructor's first step)."""
    twin = _copy(scheduler)
    for gr in twin.optimizer.param_groups:
        gr["lr"] = gr.get("initial_lr", gr["lr"])
    twin.last_epoch = -1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        twin._initial_step()
    return _run(twin, g, n)


def _check_tail(
    scheduler: Any, g: int, expr: str, total: int | None, spe: float | None, source: str, rtol: float, floor: float
) -> None:
    """The user's scheduler (a copy) over its next steps agrees with ``expr`` there, to the group's precision:
    ``|a − b| ≤ floor·peak + rtol·max(|a|, |b|)``, the import's own tolerance."""
    import lrdsl

    here = getattr(scheduler, "last_epoch", None)
    if here is None and getattr(scheduler, "_schedulers", None):
        here = scheduler._schedulers[0].last_epoch
    if not isinstance(here, int) or here < 0:
        return
    n = min((total if total is not None else here + 50) - here, 1000)
    if n <= 0:
        return
    values = _library(source, lambda: _run(_copy(scheduler), g, n))
    want = lrdsl.evaluate(expr, total if total is not None else here + n, spe, steps=list(range(here, here + n)))
    atol = floor * max(max(map(abs, values)), float(max(abs(want))))
    bad = [
        i for i, (a, b) in enumerate(zip(values, want, strict=True)) if abs(a - b) > atol + rtol * max(abs(a), abs(b))
    ]
    if bad:
        i = bad[0]
        raise LrdslError(
            f"your {type(scheduler).__name__} departs from its class's schedule at step {here + i}: {values[i]!r} "
            f"instead of {float(want[i])!r}",
            hint="its optimizer's rate was changed outside the scheduler, or its state was edited",
        )


# --- calls as written ----------------------------------------------------------------------------------


def _lr_of(optimizer: object) -> float | None:
    """The learning rate written in an optimizer argument: ``SGD(params, lr=0.1)``, ``{"lr": 0.1}``, ``0.1``."""
    value = written_rate(optimizer)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise LrdslError(f"the optimizer's learning rate must be a number, not {value!r}")
    return float(value)


def _known(name: str) -> None:
    """An :class:`LrdslError` for a class that is refused or is no scheduler of PyTorch."""
    known(name, REFUSED, SIGNATURES, "a scheduler of torch.optim.lr_scheduler")


def _rate_given(kw: dict[str, object]) -> float | None:
    """The rate a call gives (``lr=``, else the optimizer's), both taken out of ``kw``."""
    lr = kw.pop("lr")
    if lr is not None and (isinstance(lr, bool) or not isinstance(lr, int | float)):
        raise LrdslError(f"lr= must be a number, not {lr!r}")
    written = _lr_of(kw.pop("optimizer"))
    return written if lr is None else float(lr)


def _no_functions(name: str, kw: dict[str, object]) -> None:
    for key in ("lr_lambda", "scale_fn"):
        if kw.get(key) is not None:
            raise LrdslError(
                f"{name}'s {key} is a function: a SPEC cannot give one",
                hint="call lrdsl.from_torch(scheduler) in Python: it samples the function",
            )


def _sched_of_call(name: str, args: list[object], kwargs: dict[str, object]) -> tuple[Sched, float | None]:
    """The scheduler a call describes, and the learning rate it gives (``lr=`` or the optimizer's)."""
    _known(name)
    if name == "ChainedScheduler":
        params: tuple[tuple[str, object], ...] = (*SIGNATURES[name], ("optimizer", None), ("lr", None))
    else:
        params = (("optimizer", None), *SIGNATURES[name], ("last_epoch", -1), ("lr", None))
    kw = bind(name, params, args, kwargs)
    lr = _rate_given(kw)
    kw.pop("last_epoch", None)  # a scheduler mid-run: the whole schedule is imported
    _no_functions(name, kw)
    if name in ("SequentialLR", "ChainedScheduler"):
        subs = kw["schedulers"]
        if not isinstance(subs, list | tuple) or not subs or not all(isinstance(x, Call) for x in subs):
            raise LrdslError(f"{name}'s schedulers= is a list of scheduler calls: [LinearLR(…), CosineAnnealingLR(…)]")
        nested = [_sched_of_call(x.short, x.args, x.kwargs) for x in subs]
        kw["schedulers"] = [x for x, _ in nested]
        lr = lr if lr is not None else next((r for _, r in nested if r is not None), None)
    for key, value in kw.items():
        if isinstance(value, Ref | Call) and key != "schedulers":
            raise LrdslError(f"{name}'s {key}= must be written out, not {getattr(value, 'name', value)!r}")
    return Sched(name, kw), lr


def _needs_base(s: Sched) -> bool:
    if s.name in ("SequentialLR", "ChainedScheduler"):
        return any(_needs_base(x) for x in s.kw["schedulers"])
    return s.name not in ABSOLUTE


def from_spec(
    name: str,
    args: Args,
    kwargs: Kwargs,
    *,
    momentum: str | None = None,
    total_steps: int | None,
    steps_per_epoch: float | None,
) -> str:
    """A scheduler call as written (``"StepLR(optimizer, step_size=30, lr=0.1)"``) → its expression.

    The optimizer's rate comes from ``lr=`` (an lrdsl addition) or the optimizer written as a call,
    ``StepLR(SGD(params, lr=0.1), …)``; ``CyclicLR`` and ``OneCycleLR`` set their own rates. The call is
    mapped by its arguments alone; when PyTorch is installed the real scheduler is built and stepped to
    verify the result. ``momentum`` (``auto``, ``momentum``, ``betas[0]``, ``off``; None: the rate alone) imports
    the momentum a ``OneCycleLR`` or ``CyclicLR`` cycles as a set (:func:`lrdsl.importers.momentum.chosen_member`).
    """
    s, lr = _sched_of_call(name, args, kwargs)
    if lr is None and _needs_base(s):
        raise LrdslError(
            f"{name} scales the optimizer's learning rate: give it with lr=",
            hint=f"{name}(SGD(params, lr=0.1), …) or {name}(…, lr=0.1)",
        )
    _one_group(s)
    base = 1e-3 if lr is None else lr
    reference = at = None
    if importlib.util.find_spec("torch") is not None:
        reference = lambda n: _run(_build(s, _optimizer([base])), 0, n)  # noqa: E731
        at = lambda steps: _closed(s, [base], 0, steps)  # noqa: E731
    rate = _import(s, base, 0, total_steps, steps_per_epoch, reference, f"PyTorch's {name}", at)[0]
    if momentum is None:
        return rate
    from lrdsl.importers.momentum import chosen_member
    from lrdsl.language.parser import parse_set

    cycles = s.name in ABSOLUTE and s.kw["cycle_momentum"] is not False
    key = chosen_member(name, cycles, args, kwargs, momentum)
    return rate if key is None else str(parse_set(f"lr: {rate}\n{key}: {_momentum_of_call(s, key)}"))


PER_GROUP = {"CyclicLR": ("base_lr", "max_lr"), "OneCycleLR": ("max_lr",)}
"""Arguments PyTorch takes as one value per parameter group."""


def _one_group(s: Sched) -> None:
    """A SPEC imports one group's schedule: a per-group list of more than one value is an error that says so."""
    if s.name in ("SequentialLR", "ChainedScheduler"):
        for sub in s.kw["schedulers"]:
            _one_group(sub)
        return
    for key in PER_GROUP.get(s.name, ()):
        value = s.kw.get(key)
        if isinstance(value, list | tuple):
            if len(value) != 1:
                raise LrdslError(
                    f"{s.name}'s {key}= gives one value per parameter group ({len(value)} here); a SPEC imports "
                    "the schedule of one group",
                    hint=f"give that group's value ({key}={value[0]!r} for the first), or in Python "
                    "lrdsl.from_torch(scheduler, group=g)",
                )
            s.kw[key] = value[0]


def _exported(config: dict[str, object], *, total_steps: int | None, steps_per_epoch: float | None) -> str:
    """``{"lr", "schedulers": [{"type": …, …arguments}], "milestones": […]}`` read as the ``SequentialLR`` call
    (one scheduler: that call), the rate given by ``lr``."""
    items = config["schedulers"]
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) and "type" in i for i in items):
        raise LrdslError('schedulers must be a non-empty list of {"type": …, …arguments} mappings')
    calls = [Call(str(i["type"]), [], {k: v for k, v in i.items() if k != "type"}) for i in items]
    rest = {k: v for k, v in config.items() if k not in ("schedulers", "milestones")}
    if len(calls) == 1:
        return from_spec(
            calls[0].short, [], {**calls[0].kwargs, **rest}, total_steps=total_steps, steps_per_epoch=steps_per_epoch
        )
    kwargs = {"schedulers": calls, "milestones": config.get("milestones"), **rest}
    return from_spec("SequentialLR", [], kwargs, total_steps=total_steps, steps_per_epoch=steps_per_epoch)


def from_config(
    config: object, *, total_steps: int | None, steps_per_epoch: float | None, momentum: str | None = None
) -> str:
    """A scheduler in a config: Lightning's ``{"class_path": "torch.optim.lr_scheduler.StepLR", "init_args": {…}}``,
    ``{"type"|"name": "StepLR", …arguments}``, or ``{"lr", "schedulers": [{"type", …}], "milestones"}`` (what
    ``lrdsl export torch --format json`` writes: a ``SequentialLR`` of them, or the one scheduler); ``momentum`` as
    for :func:`from_spec`."""
    if not isinstance(config, dict):
        raise LrdslError('a PyTorch scheduler config is a mapping such as {"class_path": …, "init_args": {…}}')
    if "schedulers" in config and not {"class_path", "type", "name"} & set(config):
        return _exported(config, total_steps=total_steps, steps_per_epoch=steps_per_epoch)
    if "class_path" in config:
        name, kwargs = str(config["class_path"]), config.get("init_args") or {}
    elif "type" in config or "name" in config:
        kwargs = {k: v for k, v in config.items() if k not in ("type", "name")}
        name = str(config.get("type", config.get("name")))
    else:
        raise LrdslError("a PyTorch scheduler config names its class: class_path, type or name")
    if not isinstance(kwargs, dict):
        raise LrdslError("init_args must be a mapping of the scheduler's arguments")
    return from_spec(
        name.rpartition(".")[2],
        [],
        dict(kwargs),
        total_steps=total_steps,
        steps_per_epoch=steps_per_epoch,
        momentum=momentum,
    )
