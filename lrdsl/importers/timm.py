"""timm's schedulers (``timm.scheduler``: cosine, tanh, step, multistep, poly, constant, wsd, rsqrt) → lrdsl.

timm's schedulers are functions of the epoch ``e`` (``t_in_epochs=True``, its default) or of the
update. The loop assumed (``loop="train.py"``, the default) is timm's ``train.py``: after each optimizer
update it counts it (``num_updates += 1``) and calls ``step_update(num_updates=num_updates)``, and after
each epoch ``step(epoch + 1)``, so update ``t`` runs at ``f(t)`` and epoch ``e`` at ``f(e)`` (``t = 0``:
the rate the scheduler set when built): an epoch schedule ends with ``* quantize(1ep)``.
``loop="after_update"`` is a loop that calls ``step_update(t)`` after update ``t`` with that update's own
index (``step(e)`` after epoch ``e``): every value one update (epoch) late, the first held — the
``train.py`` expression ``* offset(-1)`` (``* offset(-1ep)``), or, where timm's first value is not
``f(0)`` (tanh and a first milestone at 1 without warm-up), that expression without its ``offset(1)``. With warm-up ``W`` from
``warmup_lr_init``, peak η (the optimizer's rate), floor ``lr_min`` and cycle length ``T = t_initial``:

- warm-up ``f(t) = init + t·(η − init)/W`` for ``t < W`` → ``linear(init→η, W)``;
- after it, ``warmup_prefix=True`` starts the decay at its own 0; ``False`` (the default of cosine,
  tanh and poly) keeps the run's clock → ``decay * offset(W)``;
- cosine ``lr_min + (η − lr_min)·(1 + cos(π·(t/T)^k))/2`` → ``cosine(η→lr_min, T)`` (``k = k_decay``);
- poly ``lr_min + (η − lr_min)·(1 − (t/T)^k)^power`` → ``poly(η→lr_min, T, power=power)``;
- tanh ``lr_min + (η − lr_min)·(1 − tanh(lb·(1 − p) + ub·p))/2``, then ``lr_min`` → ``fn(…, T) >> const(lr_min)``;
  its warm-up aims at ``f(W)`` (``warmup(linear, W, from=init)``) and, without one, epoch 0 runs at η;
- cycles (``cycle_limit > 1``): ``* restart(period=T, mult=cycle_mul, decay=cycle_decay, cycles=n)``;
  ``cycle_decay`` scales the peak only, so with ``lr_min > 0`` the expression is
  ``lr_min + body(η→0)·restart(decay) − body(lr_min→0)·restart``;
- step ``η·rate^⌊t/decay_t⌋`` → ``step(η, gamma=rate, every=decay_t)``; multistep: a milestone ``m``
  applies from ``t = m − 1`` (timm compares it with ``t + 1``) → ``multistep(η, gamma=rate, at=[m − 1, …])``.

- wsd ``lr_min + (η·stable(s) − lr_min)·decay(frac)``: ``const(η, S) >> sqrt(η→lr_min, D)`` (``1-sqrt``)
  for a constant stable phase; an ``rsqrt``/``power`` stable curve is multiplied by the decay factor.

Refused: ``plateau`` (it follows a metric) and noise (``noise_range_t``: seeded random factors).
"""

from __future__ import annotations

import math
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from lrdsl.errors import LrdslError
from lrdsl.importers import common
from lrdsl.importers.common import Args, Kwargs, bind, num, number, tidy, unknown, whole
from lrdsl.importers.common import literal as n
from lrdsl.importers.spec import bounded
from lrdsl.importers.verify import verified
from lrdsl.language import ast as A
from lrdsl.language import build as B
from lrdsl.language.echo import shown

SOURCE = "timm"
_WARMUP = ("warmup_t", "warmup_lr_init", "warmup_prefix")
_NOISE = ("noise_range_t", "noise_pct", "noise_std", "noise_seed")
_CYCLE = ("cycle_mul", "cycle_decay", "cycle_limit")
CLASSES: dict[str, tuple[str, ...]] = {
    "CosineLRScheduler": ("t_initial", "lr_min", *_CYCLE, *_WARMUP, "t_in_epochs", *_NOISE, "k_decay", "initialize"),
    "TanhLRScheduler": ("t_initial", "lb", "ub", "lr_min", *_CYCLE, *_WARMUP, "t_in_epochs", *_NOISE, "initialize"),
    "PolyLRScheduler": (
        "t_initial",
        "power",
        "lr_min",
        *_CYCLE,
        *_WARMUP,
        "t_in_epochs",
        *_NOISE,
        "k_decay",
        "initialize",
    ),
    "StepLRScheduler": ("decay_t", "decay_rate", *_WARMUP, "t_in_epochs", *_NOISE, "initialize"),
    "WSDLRScheduler": (
        "t_initial",
        "decay_t",
        "lr_min",
        "stable_fn",
        "stable_timescale",
        "stable_power",
        "decay_fn",
        "decay_power",
        "decay_ratio",
        "warmup_t",
        "warmup_lr_init",
        "t_in_epochs",
        *_NOISE,
        "initialize",
    ),
    "MultiStepLRScheduler": ("decay_t", "decay_rate", *_WARMUP, "t_in_epochs", *_NOISE, "initialize"),
}
"""Each scheduler class imported and its parameters after the optimizer, in order."""
_PREFIX_DEFAULT = {"StepLRScheduler": True, "MultiStepLRScheduler": True}
FACTORY = (
    "sched",
    "num_epochs",
    "decay_epochs",
    "decay_milestones",
    "cooldown_epochs",
    "patience_epochs",
    "decay_rate",
    "min_lr",
    "warmup_lr",
    "warmup_epochs",
    "warmup_prefix",
    "noise",
    "noise_pct",
    "noise_std",
    "noise_seed",
    "cycle_mul",
    "cycle_decay",
    "cycle_limit",
    "k_decay",
    "decay_fn",
    "stable_timescale",
    "plateau_mode",
    "step_on_epochs",
    "updates_per_epoch",
)
"""``create_scheduler_v2``'s parameters after the optimizer."""
REFUSED = {
    "plateau": "it lowers the rate when a metric stops improving, which no schedule of the step can say",
    "PlateauLRScheduler": "it lowers the rate when a metric stops improving, which no schedule of the step can say",
}


def _refuse(what: str) -> LrdslError:
    return LrdslError(f"{SOURCE} {what} cannot be imported: {REFUSED[what]}", hint="pick a schedule by epoch or step")


_DECAY_EPOCHS = {"wsd": 0.2, "rsqrt": 0.2}
"""``create_scheduler_v2``'s default ``decay_epochs`` where it is not 90: a fraction of the run."""


def _factory_clock(kw: Mapping[str, object]) -> tuple[bool, int | None]:
    """Whether ``create_scheduler_v2`` steps on epochs, and its ``updates_per_epoch`` (needed when it does not)."""
    on_epochs = bool(kw.get("step_on_epochs", True))
    upe_given = kw.get("updates_per_epoch")
    upe = whole(upe_given, "updates_per_epoch", SOURCE, least=1) if upe_given else None
    if not on_epochs and upe is None:
        raise LrdslError(
            f"{SOURCE} create_scheduler_v2: step_on_epochs=False needs updates_per_epoch",
            hint="give updates_per_epoch=… (the dataloader's length)",
        )
    return on_epochs, upe


def _factory_to_class(kw: Mapping[str, object]) -> tuple[str, dict[str, object], int | None, int]:
    """``create_scheduler_v2(**kw)`` as timm builds it: (class, its kwargs, updates per epoch, epochs run)."""
    sched = _factory_sched(kw)
    on_epochs, upe = _factory_clock(kw)
    scale = 1 if on_epochs else (upe or 1)
    num_epochs = number(kw.get("num_epochs", 300), "num_epochs", SOURCE)
    decay_epochs = kw.get("decay_epochs")
    decay = number(_DECAY_EPOCHS.get(sched, 90) if decay_epochs is None else decay_epochs, "decay_epochs", SOURCE)
    milestones = kw.get("decay_milestones", (90, 180, 270))
    if not isinstance(milestones, list | tuple):
        raise LrdslError(f"{SOURCE}: decay_milestones must be a list of epochs", hint="decay_milestones=[30, 60]")
    warmup_epochs = number(kw.get("warmup_epochs", 0), "warmup_epochs", SOURCE)
    cooldown = number(kw.get("cooldown_epochs", 0), "cooldown_epochs", SOURCE)
    warmup: dict[str, object] = {
        "warmup_lr_init": kw.get("warmup_lr", 1e-5),
        "warmup_t": warmup_epochs * scale,
        "warmup_prefix": bool(kw.get("warmup_prefix", False)),
        "t_in_epochs": on_epochs,
    }
    cycles = {k: kw.get(k, d) for k, d in (("cycle_mul", 1.0), ("cycle_decay", 0.1), ("cycle_limit", 1))}
    lr_min = kw.get("min_lr", 0.0)
    t_initial = num_epochs * scale
    rate = kw.get("decay_rate", 0.1)
    if sched == "cosine":
        cls, args = "CosineLRScheduler", {"t_initial": t_initial, "lr_min": lr_min, "k_decay": kw.get("k_decay", 1.0)}
        args |= cycles
    elif sched == "tanh":
        cls, args = "TanhLRScheduler", {"t_initial": t_initial, "lr_min": lr_min, **cycles}
    elif sched == "poly":
        cls, args = "PolyLRScheduler", {"t_initial": t_initial, "lr_min": lr_min, "power": rate, **cycles}
        args["k_decay"] = kw.get("k_decay", 1.0)
    elif sched == "step":
        cls, args = "StepLRScheduler", {"decay_t": decay * scale, "decay_rate": rate}
    elif sched == "constant":
        cls, args = "StepLRScheduler", {"decay_t": 1, "decay_rate": 1.0}
    elif sched == "multistep":
        cls = "MultiStepLRScheduler"
        args = {"decay_t": [number(m, "decay_milestones", SOURCE) * scale for m in milestones], "decay_rate": rate}
    elif sched in ("wsd", "rsqrt"):
        cls, args = "WSDLRScheduler", _wsd_args(sched, kw, warmup, t_initial, decay, scale)
        warmup.pop("warmup_prefix")
    else:
        raise LrdslError(
            f"{SOURCE} has no scheduler {shown(sched)}",
            hint="one of cosine, tanh, step, multistep, poly, constant, wsd, rsqrt",
        )
    args |= warmup
    run = _run_length(cls, args) + cooldown * scale
    epochs = math.ceil(run / scale)
    return cls, args, upe, max(epochs, 1)


def _factory_sched(kw: Mapping[str, object]) -> str:
    """``create_scheduler_v2``'s ``sched``, its arguments checked: none unknown, no noise, no plateau."""
    unknown(f"{SOURCE} create_scheduler_v2", kw, FACTORY)
    if kw.get("noise") is not None:
        raise LrdslError(
            f"{SOURCE} noise cannot be imported: it multiplies the rate by seeded random factors, which no schedule says",
            hint="leave noise out (noise=None)",
        )
    sched = str(kw.get("sched", "cosine"))
    if sched in REFUSED:
        raise _refuse(sched)
    return sched


def _wsd_args(
    sched: str, kw: Mapping[str, object], warmup: Mapping[str, object], t_initial: float, decay: float, scale: int
) -> dict[str, object]:
    """``WSDLRScheduler``'s arguments for ``sched="wsd"``/``"rsqrt"``: ``decay_epochs`` a fraction of the
    stable + decay length (after the warm-up unless ``warmup_prefix``) or a number of epochs."""
    w_t = number(warmup["warmup_t"], "warmup_epochs", SOURCE)
    t_sched = t_initial if warmup["warmup_prefix"] else t_initial - w_t
    decay_t = round(decay * t_sched if 0 < decay < 1 else decay * scale)
    if not 0 < decay_t <= t_sched:
        raise LrdslError(
            f"{SOURCE} {sched}: the decay ({decay_t}) must be in (0, the stable + decay length {num(t_sched)}]",
            hint="decay_epochs: a fraction in (0, 1) or a number of epochs",
        )
    stable = kw.get("stable_timescale")
    return {
        "t_initial": t_sched,
        "decay_t": decay_t,
        "lr_min": kw.get("min_lr", 0.0),
        "stable_fn": "rsqrt" if sched == "rsqrt" else "constant",
        "stable_timescale": None if stable is None else number(stable, "stable_timescale", SOURCE) * scale,
        "decay_fn": kw.get("decay_fn") or ("linear" if sched == "rsqrt" else "1-sqrt"),
    }


MAX_RUN = 1e15
"""The longest run (in epochs or updates) an import reads: lrdsl's runs last at most 1e15 steps."""


def cycles_length(t0: float, mul: float, n: int) -> float:
    """``T₀·(1 + m + … + m^(n−1))``: the length of ``n`` cycles, each ``mul`` times the last; an
    :class:`LrdslError` beyond :data:`MAX_RUN` (``cycle_mul=2, cycle_limit=100000`` has no float length)."""
    if mul == 1:
        total = t0 * n
    else:
        try:
            total = t0 * (mul**n - 1) / (mul - 1)
        except OverflowError:
            total = math.inf
    if not total <= MAX_RUN:
        raise LrdslError(
            f"{SOURCE}: {n} cycles of t_initial={num(t0)} growing by cycle_mul={num(mul)} last more than {MAX_RUN:.0e} "
            "epochs or updates",
            hint="lower cycle_limit: a run lasts at most 1e15 steps",
        )
    return total


def _run_length(cls: str, args: Mapping[str, Any]) -> float:
    """The schedule's length in its own unit, as timm's ``get_cycle_length`` counts it (warm-up included)."""
    warmup = float(args.get("warmup_t", 0))
    if cls == "WSDLRScheduler":
        return warmup + float(args["t_initial"])
    prefix = bool(args.get("warmup_prefix", _PREFIX_DEFAULT.get(cls, False)))
    if cls in ("StepLRScheduler", "MultiStepLRScheduler"):
        last = max(args["decay_t"]) if isinstance(args["decay_t"], list) and args["decay_t"] else 10
        return float(last if cls == "MultiStepLRScheduler" else 10 * float(args["decay_t"])) + warmup
    t0, mul, n = float(args["t_initial"]), float(args.get("cycle_mul", 1.0)), int(args.get("cycle_limit", 1))
    t = math.floor(cycles_length(t0, mul, max(n, 1)))
    return t + warmup if prefix else t


LOOPS = ("train.py", "after_update")
"""The loops :func:`from_timm` takes: timm's ``train.py`` (``step_update(t + 1)`` after update ``t``) and
one that calls ``step_update(t)`` after it (one step late)."""


def _loop(loop: object) -> str:
    if loop not in LOOPS:
        raise LrdslError(
            f"{SOURCE}: no loop {shown(loop)}",
            hint='loop="train.py" (step_update(t + 1) after update t) or loop="after_update" (step_update(t))',
        )
    return str(loop)


@dataclass(frozen=True)
class Rates:
    """A schedule's peak η, floor and unit (``ep`` for a schedule of the epoch, else steps)."""

    eta: float
    lr_min: float
    unit: str

    def dur(self, x: float) -> B.Quantity:
        """``x`` in the schedule's unit."""
        return B.Quantity(tidy(x), self.unit or "steps")


def _checked_class(cls: str, args: Mapping[str, object]) -> None:
    """An :class:`LrdslError` for a class lrdsl does not import, an argument it does not take, or noise."""
    if cls in REFUSED:
        raise _refuse(cls)
    if cls not in CLASSES:
        raise LrdslError(f"{SOURCE} has no scheduler {shown(cls)}", hint="one of " + ", ".join(CLASSES))
    unknown(f"{SOURCE} {cls}", args, CLASSES[cls])
    if args.get("noise_range_t") is not None:
        raise LrdslError(
            f"{SOURCE} noise cannot be imported: it multiplies the rate by seeded random factors, which no schedule says",
            hint="leave noise out (noise_range_t=None)",
        )


def _rates(cls: str, args: Mapping[str, object], lr: float | None) -> tuple[Rates, float, float]:
    """The schedule's :class:`Rates`, its warm-up length and the warm-up's first rate."""
    src = f"{SOURCE} {cls}"
    w = number(args.get("warmup_t", 0), "warmup_t", src)
    init = number(args.get("warmup_lr_init", 0.0), "warmup_lr_init", src)
    lr_min = number(args.get("lr_min", 0.0), "lr_min", src)
    if lr is None and (lr_min or (w and init)):
        raise LrdslError(
            f"{src}: lr_min and warmup_lr_init are absolute rates, so the expression needs the optimizer's",
            hint="give lr=… (the optimizer's rate)",
        )
    eta = 1.0 if lr is None else number(lr, "lr", SOURCE)
    return Rates(eta, lr_min, "ep" if args.get("t_in_epochs", True) else ""), w, init


def expression(cls: str, args: Mapping[str, object], lr: float | None, loop: str = "train.py") -> str:
    """The expression of ``timm.scheduler.<cls>(optimizer with lr, **args)`` stepped as ``loop`` does
    (:data:`LOOPS`): ``train.py``'s ``E``, or ``E * offset(-1)`` one step (epoch) late, first value held."""
    late = _loop(loop) == "after_update"
    _checked_class(cls, args)
    r, w, init = _rates(cls, args, lr)
    prefix = bool(args.get("warmup_prefix", _PREFIX_DEFAULT.get(cls, False))) or cls == "WSDLRScheduler"
    main, tail = _MAINS.get(cls, _decay)(cls, args, r)
    head = B.shape("linear", (n(init), n(r.eta)), r.dur(w)) if w else None
    moving = not (isinstance(main, A.Call) and main.name == "const")
    if w and not prefix and moving:
        main = B.mul(main, B.offset(r.dur(w)))
        head = B.warmup("linear", r.dur(w), from_=n(init)) if cls == "TanhLRScheduler" else head
    elif not w and (cls == "TanhLRScheduler" or (cls == "MultiStepLRScheduler" and _first_drop(args) <= 1)):
        head = B.shape("const", n(r.eta), r.dur(1))  # timm sets no rate before the first step: the optimizer's
        # after_update: step 1 runs at f(0), and the body's clock starts there
        main, late = (main if late else B.mul(main, B.offset(r.dur(1)))), False
    tree = B.seq(*(p for p in (head, main, tail) if p is not None))
    tree = B.mul(tree, B.call("quantize", B.Quantity(1, "ep"))) if r.unit else tree
    return B.text(B.mul(tree, B.offset(r.dur(-1))) if late else tree)


Main = tuple[A.Expr, A.Expr | None]
"""A schedule after its warm-up, and the phase after it (None when there is none)."""


def _step(cls: str, args: Mapping[str, object], r: Rates) -> Main:
    src = f"{SOURCE} {cls}"
    decay_t = number(args.get("decay_t"), "decay_t", src)
    gamma = number(args.get("decay_rate", 1.0), "decay_rate", src)
    # a fractional decay_t is exact (LANGUAGE.md §9.4): floor(t / decay_t) on timm's integer clock
    if gamma == 1:
        return B.shape("const", n(r.eta)), None
    return B.shape("step", n(r.eta), gamma=n(gamma), every=r.dur(decay_t)), None


def _multistep(cls: str, args: Mapping[str, object], r: Rates) -> Main:
    src = f"{SOURCE} {cls}"
    marks = args.get("decay_t")
    if not isinstance(marks, list | tuple):
        raise LrdslError(f"{src}: decay_t must be a list of milestones", hint="decay_t=[30, 60]")
    gamma = number(args.get("decay_rate", 1.0), "decay_rate", src)
    at = [r.dur(max(number(m, "decay_t", src) - 1, 0)) for m in marks]
    return (B.shape("multistep", n(r.eta), gamma=n(gamma), at=at) if marks else B.shape("const", n(r.eta))), None


_P = B.name("p")
_WSD_DECAY: dict[str, Callable[[float, float, B.Quantity, float, float], A.Expr]] = {
    "linear": lambda a, b, d, k, q: B.shape("linear", (n(a), n(b)), d),
    "1-sqrt": lambda a, b, d, k, q: B.shape("sqrt", (n(a), n(b)), d),
    "cosine": lambda a, b, d, k, q: B.shape("cosine", (n(a), n(b)), d),
    "power": lambda a, b, d, k, q: _fn(b, B.mul(n(a - b), B.sub(1, B.power(_P, n(k)))), d),
    "exp": lambda a, b, d, k, q: _fn(b, B.div(B.mul(n(a - b), B.sub(B.power(n(q), _P), n(q))), n(1 - q)), d),
}
"""timm's WSD decays from ``a`` to ``b`` over ``d`` (``k``: ``decay_power``, ``q``: ``decay_ratio``)."""


def _fn(low: float, formula: A.Expr, length: B.Quantity | None) -> A.Call:
    """``fn(low + formula, length)`` (``formula`` alone when ``low`` is 0)."""
    return B.fn(B.add(n(low), formula) if low else formula, length)


def _wsd(cls: str, args: Mapping[str, object], r: Rates) -> Main:
    """timm's WSD after its warm-up: ``lr_min + (max(η·stable(s), lr_min) − lr_min)·decay(frac)``."""
    src = f"{SOURCE} WSDLRScheduler"
    t0 = number(args.get("t_initial"), "t_initial", src)
    d = number(args.get("decay_t"), "decay_t", src)
    stable = str(args.get("stable_fn", "constant"))
    decay = str(args.get("decay_fn", "1-sqrt"))
    if stable not in ("constant", "rsqrt", "power") or decay not in _WSD_DECAY:
        raise LrdslError(
            f"{src}: stable_fn {shown(stable)} / decay_fn {shown(decay)} is not one of constant, rsqrt, power / "
            + ", ".join(_WSD_DECAY)
        )
    k = number(args.get("decay_power", 0.5), "decay_power", src)
    q = number(args.get("decay_ratio", 0.1), "decay_ratio", src)

    def shape(a: float, b: float) -> A.Expr:
        return _WSD_DECAY[decay](a, b, r.dur(d), k, q)

    hold = t0 - d
    if stable == "constant":
        return B.seq(*([B.shape("const", n(r.eta), r.dur(hold))] if hold else []), shape(r.eta, r.lr_min)), None
    curve = _stable_curve(args, r, stable)
    factor = B.seq(*([B.shape("const", 1, r.dur(hold))] if hold else []), shape(1.0, 0.0))
    if not r.lr_min:
        return B.mul(curve, factor), None
    return B.add(n(r.lr_min), B.mul(B.sub(curve, n(r.lr_min)), factor)), None


def _stable_curve(args: Mapping[str, object], r: Rates, stable: str) -> A.Expr:
    """WSD's ``rsqrt``/``power`` stable phase, ``η·(1 + s/scale)^−q``, above the floor."""
    src = f"{SOURCE} WSDLRScheduler"
    scale = number(args.get("stable_timescale") or args.get("warmup_t"), "stable_timescale", src)
    q = 0.5 if stable == "rsqrt" else number(args.get("stable_power", 0.5), "stable_power", src)
    if q == 0.5:
        curve = B.mul(B.shape("rsqrt", n(r.eta), warmup=r.dur(scale)), B.offset(r.dur(scale)))
    else:
        clock = B.name("u") if not r.unit else B.sub(B.name("e"), n(float(str(args.get("warmup_t", 0)))))
        curve = B.fn(B.mul(n(r.eta), B.power(B.add(1, B.div(clock, n(scale))), B.neg(n(q)))))
    return B.call("max", curve, n(r.lr_min)) if r.lr_min else curve


def _first_drop(args: Mapping[str, object]) -> float:
    marks = args.get("decay_t")
    return (
        min((float(m) for m in marks if isinstance(m, int | float)), default=math.inf)
        if isinstance(marks, list | tuple)
        else math.inf
    )


def _body(cls: str, args: Mapping[str, object], a: float, b: float, length: B.Quantity | None) -> A.Expr:
    """One cosine/poly/tanh cycle from ``a`` to ``b`` (over ``length``, else the restart's period)."""
    src = f"{SOURCE} {cls}"
    k = number(args.get("k_decay", 1.0), "k_decay", src)
    power = number(args.get("power", 0.5), "power", src)
    if cls == "CosineLRScheduler" and k == 1:
        return B.shape("cosine", (n(a), n(b)), duration=length)
    if cls == "PolyLRScheduler" and k == 1:
        return B.shape("poly", (n(a), n(b)), duration=length, power=n(power))
    pk = _P if k == 1 else B.power(_P, n(k))
    if cls == "CosineLRScheduler":
        return _fn(b, B.div(B.mul(n(a - b), B.add(1, B.math_call("cos", B.mul(B.name("pi"), pk)))), 2), length)
    if cls == "PolyLRScheduler":
        return _fn(b, B.mul(n(a - b), B.power(B.sub(1, pk), n(power))), length)
    lb, ub = number(args.get("lb", -7.0), "lb", src), number(args.get("ub", 3.0), "ub", src)
    angle = B.add(B.mul(n(lb), B.sub(1, _P)), B.mul(n(ub), _P))
    return _fn(b, B.div(B.mul(n(a - b), B.sub(1, B.math_call("tanh", angle))), 2), length)


def _decay(cls: str, args: Mapping[str, object], r: Rates) -> Main:
    """(the cosine/poly/tanh decay with its cycles, the phase after them)."""
    src = f"{SOURCE} {cls}"
    t0 = number(args.get("t_initial"), "t_initial", src)
    mul = number(args.get("cycle_mul", 1.0), "cycle_mul", src)
    gamma = number(args.get("cycle_decay", 1.0), "cycle_decay", src)
    count = whole(args.get("cycle_limit", 1), "cycle_limit", src, least=1)
    eta, lr_min = r.eta, r.lr_min
    tail = B.shape("const", n(lr_min)) if cls == "TanhLRScheduler" else None
    if count == 1:
        return _body(cls, args, eta, lr_min, r.dur(t0)), tail
    cycles_total = cycles_length(t0, mul, count)
    whole_cycles = float(cycles_total).is_integer()

    def restart(decay: float) -> A.Expr:
        return B.restart(
            period=r.dur(t0),
            mult=n(mul) if mul != 1 else None,
            decay=n(decay) if decay != 1 else None,
            cycles=count if whole_cycles else None,
        )

    if lr_min == 0 or gamma == 1:
        tree = B.mul(_body(cls, args, eta, lr_min, None), restart(gamma))
    else:
        decaying = B.mul(_body(cls, args, eta, 0, None), restart(gamma))
        tree = B.sub(B.add(n(lr_min), decaying), B.mul(_body(cls, args, lr_min, 0, None), restart(1)))
    if whole_cycles:
        return tree, tail
    # the last cycle ends between steps (epochs): timm drops to lr_min from the first one after it
    window = B.seq(B.shape("const", 1, r.dur(math.ceil(cycles_total))), B.shape("const", 0))
    if lr_min == 0:
        return B.mul(tree, window), None
    return B.add(n(lr_min), B.mul(B.sub(tree, n(lr_min)), window)), None


_MAINS: dict[str, Callable[[str, Mapping[str, object], Rates], Main]] = {
    "StepLRScheduler": _step,
    "MultiStepLRScheduler": _multistep,
    "WSDLRScheduler": _wsd,
}
"""The schedules that are not a cosine, poly or tanh decay (:func:`_decay`)."""


def library_values(
    module: types.ModuleType,
    cls: str,
    args: Mapping[str, object],
    lr: float,
    per_epoch: int,
    epochs: int,
    loop: str = "train.py",
) -> np.ndarray:
    """The rate of each update of timm's ``train.py`` loop: ``step_update(num_updates=t + 1)`` after update
    ``t`` and ``step(epoch + 1)`` after every epoch, for ``epochs`` epochs of ``per_epoch`` updates; with
    ``loop="after_update"``, ``step_update(num_updates=t)`` and ``step(epoch)`` (the update's own index)."""
    late = 1 if loop == "after_update" else 0
    import torch

    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)
    sched = getattr(module, cls)(opt, **args)
    seen, updates = [], 0
    for epoch in range(epochs):
        for _ in range(per_epoch):
            seen.append(opt.param_groups[0]["lr"])
            opt.step()
            updates += 1
            sched.step_update(num_updates=updates - late)
        sched.step(epoch + 1 - late)
    return np.array(seen, dtype=float)


def closed_values(
    module: types.ModuleType,
    cls: str,
    args: Mapping[str, object],
    lr: float,
    per_epoch: int,
    steps: Sequence[int],
    loop: str = "train.py",
) -> np.ndarray:
    """The rates :func:`library_values` records, at ``steps`` only, from timm's closed form: the scheduler's
    ``_get_lr(t)`` (what ``step(e)`` or ``step_update(u)`` sets, without noise), and at ``t = 0`` the rate
    the scheduler leaves on the optimizer when it is built. ``t`` is the epoch of the step for a schedule
    of the epoch (``t_in_epochs``), else the step itself; ``loop="after_update"`` reads ``_get_lr(t - 1)``."""
    late = 1 if loop == "after_update" else 0
    import torch

    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)
    sched = getattr(module, cls)(opt, **args)
    initial = float(opt.param_groups[0]["lr"])
    in_epochs = bool(args.get("t_in_epochs", True))
    out = []
    for step in steps:
        t = step // per_epoch if in_epochs else step
        out.append(initial if t == 0 else float(sched._get_lr(t - late)[0]))
    return np.array(out, dtype=float)


def imported(
    cls: str,
    args: Mapping[str, object],
    lr: float | None,
    per_epoch: int | None,
    epochs: int,
    library: types.ModuleType | None = None,
    loop: str = "train.py",
) -> str:
    """The expression, verified against ``library`` (``timm.scheduler`` when installed) over ``epochs`` epochs.

    Work is bounded by :data:`~lrdsl.importers.common.MAX_STEPPED` updates: a schedule of the epoch
    (``t_in_epochs``, constant within each epoch) is checked on the equivalent run of one update per
    epoch; what is still longer against timm's closed form (:func:`closed_values`) at sampled steps."""
    expr = expression(cls, args, lr, loop)
    source = f"{SOURCE} {cls}" + ("" if loop == "train.py" else f" ({loop})")
    module = library if library is not None else common.optional_module("timm.scheduler")
    if module is None:
        common.not_checked(source, "timm is not installed")
        return expr
    spe = per_epoch or 1
    if bool(args.get("t_in_epochs", True)) and spe * epochs > common.MAX_STEPPED:
        spe = 1  # the rate changes only between epochs: one update per epoch is the same schedule
    run = spe * epochs
    eta = 1.0 if lr is None else lr
    if run <= common.MAX_STEPPED:
        reference = common.library_run(SOURCE, lambda: library_values(module, cls, args, eta, spe, epochs, loop))
        return verified(expr, reference, source=source, steps_per_epoch=spe)
    # longer: timm's closed form at sampled steps, each cycle's and phase's boundaries among them
    t0 = args.get("t_initial")
    marks = [
        float(x) * (spe if args.get("t_in_epochs", True) else 1)
        for x in (t0, args.get("warmup_t"))
        if isinstance(x, int | float)
    ]
    steps = common.check_points(run, [m * k for m in marks for k in (1, 2, 3)])
    reference = common.library_run(SOURCE, lambda: closed_values(module, cls, args, eta, spe, steps, loop))
    return verified(expr, reference, source=source, steps_per_epoch=spe, steps=steps, total_steps=run)


@common.guarded(SOURCE)
def from_timm(
    *,
    lr: float | None = None,
    updates_per_epoch: int | None = None,
    library: types.ModuleType | None = None,
    loop: str = "train.py",
    **create_scheduler_v2_kwargs: object,
) -> str:
    """The expression of ``timm.scheduler.create_scheduler_v2(optimizer, **kwargs, updates_per_epoch=…)``.

    ``lr`` is the optimizer's rate (without it, the multiplier: η = 1, when no absolute rate is
    given); ``library`` is the ``timm.scheduler`` module to verify against (default: the installed one).
    Epoch-based schedules are written in ``ep``: evaluate them with ``steps_per_epoch=updates_per_epoch``.
    ``loop`` is how the scheduler is stepped: ``"train.py"`` (timm's: ``step_update(num_updates=t + 1)``
    after update ``t``, ``step(epoch + 1)`` after each epoch) or ``"after_update"`` (``step_update(t)``,
    ``step(epoch)``: one update or epoch late, the result ends with ``* offset(-1)`` or ``* offset(-1ep)``).
    """
    loop = _loop(loop)
    kw = dict(create_scheduler_v2_kwargs)
    if updates_per_epoch is not None:
        kw["updates_per_epoch"] = updates_per_epoch
    cls, args, upe, epochs = _factory_to_class(kw)
    return imported(cls, args, lr, upe, epochs, library, loop)


@common.guarded(SOURCE)
def from_spec(
    name: str,
    args: Args,
    kwargs: Kwargs,
    *,
    total_steps: int | None,
    steps_per_epoch: float | None,
    loop: str = "train.py",
) -> str:
    """``create_scheduler_v2(optimizer, sched="cosine", num_epochs=100, …)`` or a scheduler class call
    (``CosineLRScheduler(optimizer, t_initial=100, lr_min=1e-5)``), as written in training code or with the
    optimizer left out; the rate is ``lr=`` (an lrdsl keyword) or the optimizer's when written as a call
    (``SGD(params, lr=0.1)``); ``loop`` as in :func:`from_timm`."""
    loop = _loop(loop)
    args, kw, lr = common.spec_rate(SOURCE, args, kwargs)
    upe = common.per_epoch(steps_per_epoch, SOURCE)
    if name in ("create_scheduler_v2", "create_scheduler"):
        given = bind(name, FACTORY, args, kw, rest=True)
        if upe is not None and "updates_per_epoch" not in given:
            given["updates_per_epoch"] = upe
        cls, cargs, per, epochs = _factory_to_class(given)
        return imported(cls, cargs, lr, per, epochs, loop=loop)
    if name in REFUSED:
        raise _refuse(name)
    if name not in CLASSES:
        raise LrdslError(
            f"{SOURCE} has no scheduler {shown(name)}", hint="one of create_scheduler_v2, " + ", ".join(CLASSES)
        )
    given = bind(name, CLASSES[name], args, kw, rest=True)
    expression(name, given, lr, loop)  # the arguments' checks, before they are read below
    per_epoch = bool(given.get("t_in_epochs", True))
    length = _run_length(name, given) if name in CLASSES else 0.0
    if total_steps is not None:
        epochs = math.ceil(total_steps / (upe or 1))
    else:
        epochs = math.ceil(length if per_epoch else length / (upe or 1)) + 1
    return imported(name, given, lr, upe, epochs, loop=loop)


@common.guarded(SOURCE)
def from_config(
    config: object, *, total_steps: int | None, steps_per_epoch: float | None, loop: str = "train.py"
) -> str:
    """timm ``train.py``'s arguments (a parsed ``args.yaml``): the keys ``scheduler_kwargs`` reads
    (``sched``, ``epochs``, ``decay_epochs``, ``decay_milestones``, ``warmup_epochs``, ``cooldown_epochs``,
    ``decay_rate``, ``min_lr``, ``warmup_lr``, ``warmup_prefix``, ``lr_noise``, ``lr_cycle_*``,
    ``lr_k_decay``, ``sched_on_updates``) and ``lr``; missing keys take ``scheduler_kwargs``' defaults;
    ``loop`` as in :func:`from_timm`."""
    loop = _loop(loop)
    bounded(config)  # a document built in Python is held to a config file's bounds
    del total_steps
    if not isinstance(config, Mapping):
        raise LrdslError(f"{SOURCE}: a config must be a mapping of train.py arguments, not {type(config).__name__}")
    if "create_scheduler_v2" in config:
        return _factory_config(config, steps_per_epoch, loop)
    renames = {
        "sched": ("sched", "cosine"),
        "epochs": ("num_epochs", 100),
        "decay_epochs": ("decay_epochs", 30),
        "decay_milestones": ("decay_milestones", [30, 60]),
        "warmup_epochs": ("warmup_epochs", 5),
        "cooldown_epochs": ("cooldown_epochs", 0),
        "decay_rate": ("decay_rate", 0.1),
        "min_lr": ("min_lr", 0.0),
        "warmup_lr": ("warmup_lr", 1e-5),
        "warmup_prefix": ("warmup_prefix", False),
        "lr_noise": ("noise", None),
        "lr_cycle_mul": ("cycle_mul", 1.0),
        "lr_cycle_decay": ("cycle_decay", 0.1),
        "lr_cycle_limit": ("cycle_limit", 1),
        "lr_k_decay": ("k_decay", 1.0),
    }
    kw: dict[str, object] = {new: config.get(old, default) for old, (new, default) in renames.items()}
    kw["step_on_epochs"] = not bool(config.get("sched_on_updates", False))
    lr = config.get("lr")
    upe = common.per_epoch(steps_per_epoch, SOURCE)
    if upe is not None:
        kw["updates_per_epoch"] = upe
    cls, args, per, epochs = _factory_to_class(kw)
    return imported(cls, args, None if lr is None else number(lr, "lr", SOURCE), per, epochs, loop=loop)


def _factory_config(config: Mapping[str, object], steps_per_epoch: float | None, loop: str) -> str:
    """``{"lr": η, "create_scheduler_v2": {…}}`` (what ``lrdsl export timm`` writes): the factory's keyword
    arguments, read as :func:`from_spec` reads its call."""
    given = config["create_scheduler_v2"]
    if not isinstance(given, Mapping):
        raise LrdslError(f"{SOURCE}: create_scheduler_v2 must be a mapping of its keyword arguments")
    unknown(f"{SOURCE} config", {k: v for k, v in config.items() if k != "create_scheduler_v2"}, ("lr",))
    kw = bind("create_scheduler_v2", FACTORY, [], dict(given), rest=True)
    upe = common.per_epoch(steps_per_epoch, SOURCE)
    if upe is not None and "updates_per_epoch" not in kw:
        kw["updates_per_epoch"] = upe
    lr = config.get("lr")
    cls, args, per, epochs = _factory_to_class(kw)
    return imported(cls, args, None if lr is None else number(lr, "lr", SOURCE), per, epochs, loop=loop)


__all__: Sequence[str] = ("from_config", "from_spec", "from_timm")
