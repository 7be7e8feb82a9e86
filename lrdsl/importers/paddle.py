"""PaddlePaddle: a ``paddle.optimizer.lr`` scheduler object, or a call of one, → the expression it follows.

``lr(t)`` is the scheduler's ``last_lr`` after ``t`` calls of ``step()`` (what the optimizer uses for
update ``t + 1``); ``η`` is its ``learning_rate``:

- ``StepDecay``, ``MultiStepDecay``, ``ExponentialDecay``, ``LinearLR``, ``CosineAnnealingDecay``,
  ``CosineAnnealingWarmRestarts`` and ``CyclicLR`` follow PyTorch's conventions and get the same forms as
  :mod:`lrdsl.importers.torch` (``step``, ``multistep``, ``exp_decay``, ``linear``, ``cosine`` — rising
  again after ``T_max`` in a longer run —, ``cosine(…) * restart(…)``, ``cyclic``).
- ``NoamDecay(d_model=d, warmup_steps=W, learning_rate=η)`` → ``η · d ** -0.5 * min(linear(0→W ** -0.5, W)
  >> 1, rsqrt(W ** -0.5, warmup=W))``: the decay is in the global step, and step 0 gives 0.
- ``PiecewiseDecay(boundaries, values)`` → ``piecewise(values, at=boundaries)`` (the change is at the
  boundary step, unlike Keras).
- ``NaturalExpDecay(η, γ)`` → ``exp_decay(η, rate=exp(-γ))``; ``InverseTimeDecay(η, γ)`` →
  ``inverse_time(η, decay=γ)``; ``PolynomialDecay`` → ``poly(η→end_lr, s, power=P[, cycle=true])``.
- ``LinearWarmup(learning_rate=X, warmup_steps=W, start_lr=a, end_lr=b)`` → ``linear(a→b, W) >> X``
  (a wrapped scheduler starts at its own step 0).
- ``OneCycleLR(max_learning_rate=M, total_steps=N, divide_factor=D, end_learning_rate=E, …)`` →
  ``onecycle(M, N, div=D, final_div=(M/D)/E, …)``: Paddle's end rate is absolute.
- ``LambdaDecay``, ``MultiplicativeDecay``, a ``CyclicLR`` with ``scale_fn`` and other subclasses are
  sampled and fitted; ``ReduceOnPlateau`` is refused (it follows a metric).

The result is checked against Paddle itself: a fresh scheduler of the same class and arguments, stepped
over the run, and a copy of the user's over its next steps (the user's object is never stepped).
"""

from __future__ import annotations

import copy
import importlib.util
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lrdsl.errors import LrdslError
from lrdsl.importers import torch as torch_forms
from lrdsl.importers.common import (
    REQUIRED,
    Args,
    Kwargs,
    bind,
    checked_form,
    checked_length,
    in_library,
    known,
    mapped,
    stepped,
)
from lrdsl.importers.common import literal as n
from lrdsl.importers.spec import Call, bounded
from lrdsl.importers.verify import unchecked
from lrdsl.language import ast as A
from lrdsl.language import build as B
from lrdsl.language.echo import clipped, shown

RTOL = 1e-9
LR = ("learning_rate", REQUIRED)
SIGNATURES: dict[str, tuple[tuple[str, object], ...]] = {
    "NoamDecay": (("d_model", REQUIRED), ("warmup_steps", REQUIRED), ("learning_rate", 1.0)),
    "PiecewiseDecay": (("boundaries", REQUIRED), ("values", REQUIRED)),
    "NaturalExpDecay": (LR, ("gamma", REQUIRED)),
    "InverseTimeDecay": (LR, ("gamma", REQUIRED)),
    "PolynomialDecay": (LR, ("decay_steps", REQUIRED), ("end_lr", 0.0001), ("power", 1.0), ("cycle", False)),
    "LinearWarmup": (LR, ("warmup_steps", REQUIRED), ("start_lr", REQUIRED), ("end_lr", REQUIRED)),
    "ExponentialDecay": (LR, ("gamma", REQUIRED)),
    "MultiStepDecay": (LR, ("milestones", REQUIRED), ("gamma", 0.1)),
    "StepDecay": (LR, ("step_size", REQUIRED), ("gamma", 0.1)),
    "LambdaDecay": (LR, ("lr_lambda", REQUIRED)),
    "CosineAnnealingDecay": (LR, ("T_max", REQUIRED), ("eta_min", 0.0)),
    "MultiplicativeDecay": (LR, ("lr_lambda", REQUIRED)),
    "OneCycleLR": (
        ("max_learning_rate", REQUIRED),
        ("total_steps", REQUIRED),
        ("divide_factor", 25.0),
        ("end_learning_rate", 0.0001),
        ("phase_pct", 0.3),
        ("anneal_strategy", "cos"),
        ("three_phase", False),
    ),
    "CyclicLR": (
        ("base_learning_rate", REQUIRED),
        ("max_learning_rate", REQUIRED),
        ("step_size_up", REQUIRED),
        ("step_size_down", None),
        ("mode", "triangular"),
        ("exp_gamma", 1.0),
        ("scale_fn", None),
        ("scale_mode", "cycle"),
    ),
    "LinearLR": (LR, ("total_steps", REQUIRED), ("start_factor", 1.0 / 3), ("end_factor", 1.0)),
    "CosineAnnealingWarmRestarts": (LR, ("T_0", REQUIRED), ("T_mult", 1), ("eta_min", 0.0)),
}
"""``paddle.optimizer.lr``'s schedulers and their parameters (before ``last_epoch``, ``verbose``)."""
REFUSED = {
    "ReduceOnPlateau": "ReduceOnPlateau follows a metric (the loss), not the step: no expression of the step "
    "can say when it will reduce",
}


@dataclass(frozen=True)
class Sched:
    """A Paddle scheduler described by its class name and constructor arguments."""

    name: str
    kw: dict[str, Any] = field(default_factory=dict)


def _as_torch(s: Sched) -> tuple[torch_forms.Sched, float] | None:
    """The PyTorch scheduler with the same convention, and its base rate (None: Paddle's own form)."""
    k = s.kw
    pairs: dict[str, tuple[str, dict[str, Any]]] = {
        "StepDecay": ("StepLR", {"step_size": k.get("step_size"), "gamma": k.get("gamma")}),
        "MultiStepDecay": ("MultiStepLR", {"milestones": k.get("milestones"), "gamma": k.get("gamma")}),
        "ExponentialDecay": ("ExponentialLR", {"gamma": k.get("gamma")}),
        "CosineAnnealingDecay": ("CosineAnnealingLR", {"T_max": k.get("T_max"), "eta_min": k.get("eta_min")}),
        "CosineAnnealingWarmRestarts": (
            "CosineAnnealingWarmRestarts",
            {"T_0": k.get("T_0"), "T_mult": k.get("T_mult"), "eta_min": k.get("eta_min")},
        ),
        "LinearLR": (
            "LinearLR",
            {
                "start_factor": k.get("start_factor"),
                "end_factor": k.get("end_factor"),
                "total_iters": k.get("total_steps"),
            },
        ),
    }
    if s.name in pairs:
        name, kw = pairs[s.name]
        return torch_forms.Sched(name, kw), float(k["learning_rate"])
    if s.name == "CyclicLR":
        kw = {
            "base_lr": k["base_learning_rate"],
            "max_lr": k["max_learning_rate"],
            "step_size_up": k["step_size_up"],
            "step_size_down": k["step_size_down"],
            "mode": k["mode"],
            "gamma": k["exp_gamma"],
            "scale_fn": k["scale_fn"],
        }
        return torch_forms.Sched("CyclicLR", kw), float(k["base_learning_rate"])
    return None


def _float(k: dict[str, Any], key: str, name: str) -> float:
    value = k[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise LrdslError(f"{name}'s {key} must be a finite number, not {shown(value)}")
    return float(value)


def _piece(s: Sched, total: int | None) -> torch_forms.Piece | None:
    """The expression of ``s`` (None: only the fitter can say): PyTorch's form where Paddle's class has the
    same convention, else Paddle's own (:data:`FORMS`)."""
    same = _as_torch(s)
    if same is not None:
        return torch_forms._piece(same[0], same[1], 0, total)
    form = FORMS.get(s.name)
    return None if form is None else form(s.kw, s.name, total)


def _flexible(tree: A.Expr, natural: int) -> torch_forms.Piece:
    """A piece that no ``SequentialLR`` cuts (Paddle has none)."""
    return torch_forms.Piece(tree, natural, None, lambda m: None)


def _noam(k: dict[str, Any], name: str, total: int | None) -> torch_forms.Piece | None:
    d, w, eta = _float(k, "d_model", name), k["warmup_steps"], _float(k, "learning_rate", name)
    if not torch_forms._whole(w) or w < 1 or d <= 0:
        return None
    w = int(w)
    root = B.power(w, B.neg(0.5))
    coef = B.power(n(d), B.neg(0.5))
    rise = B.seq(B.shape("linear", (0, root), w), B.number(1))
    tree = B.mul(coef if eta == 1 else B.mul(n(eta), coef), B.call("min", rise, B.shape("rsqrt", root, warmup=w)))
    return _flexible(tree, 2 * w)


def _piecewise(k: dict[str, Any], name: str, total: int | None) -> torch_forms.Piece | None:
    bounds, values = list(k["boundaries"]), list(k["values"])
    if not bounds or len(values) < len(bounds) + 1:
        raise LrdslError("PiecewiseDecay needs one value more than boundaries")
    at = [max(math.ceil(_float({"b": b}, "b", name)), 0) for b in bounds]
    if at != sorted(at):
        return None
    kept = [n(_float({"v": v}, "v", name)) for v in values[: len(bounds) + 1]]
    return _flexible(B.shape("piecewise", kept, at=at), at[-1] + 1)


def _natural_exp(k: dict[str, Any], name: str, total: int | None) -> torch_forms.Piece | None:
    eta, gamma = _float(k, "learning_rate", name), _float(k, "gamma", name)
    return _flexible(B.shape("exp_decay", n(eta), rate=B.math_call("exp", B.neg(n(gamma)))), 100)


def _inverse_time(k: dict[str, Any], name: str, total: int | None) -> torch_forms.Piece | None:
    eta, gamma = _float(k, "learning_rate", name), _float(k, "gamma", name)
    return _flexible(B.shape("inverse_time", n(eta), decay=n(gamma)), 100)


def _polynomial(k: dict[str, Any], name: str, total: int | None) -> torch_forms.Piece | None:
    eta, steps = _float(k, "learning_rate", name), k["decay_steps"]
    end, power = _float(k, "end_lr", name), _float(k, "power", name)
    if not torch_forms._whole(steps) or steps < 1:
        return None
    length, cycle = int(steps), bool(k["cycle"])
    tree = B.shape("poly", (n(eta), n(end)), length, power=n(power), cycle=True if cycle else None)
    return _flexible(tree, 3 * length if cycle else length)


def _linear_warmup(k: dict[str, Any], name: str, total: int | None) -> torch_forms.Piece | None:
    w = k["warmup_steps"]
    a, b = _float(k, "start_lr", name), _float(k, "end_lr", name)
    if not torch_forms._whole(w) or w < 1:
        return None
    w = int(w)
    ramp = B.shape("linear", (n(a), n(b)), w)
    inner = k["learning_rate"]
    if not isinstance(inner, Sched):
        return _flexible(B.seq(ramp, B.shape("const", n(_float(k, "learning_rate", name)))), w)
    rest = _piece(inner, None if total is None else max(total - w, 0))
    if rest is None:
        return None
    valid = None if rest.valid is None else w + rest.valid
    return torch_forms.Piece(B.seq(ramp, rest.tree), w + rest.natural, valid, lambda m: None)


def _onecycle(k: dict[str, Any], name: str, total: int | None) -> torch_forms.Piece | None:
    top, steps = _float(k, "max_learning_rate", name), k["total_steps"]
    div, end = _float(k, "divide_factor", name), _float(k, "end_learning_rate", name)
    pct = _float(k, "phase_pct", name)
    shaped = k["anneal_strategy"] in ("cos", "linear")
    if not torch_forms._whole(steps) or steps < 1 or end <= 0 or div <= 0 or not shaped:
        return None
    length = int(steps)
    tree = B.shape(
        "onecycle",
        n(top),
        length,
        pct=n(pct) if pct != 0.3 else None,
        div=n(div) if div != 25 else None,
        final_div=n(top / div / end),
        anneal="linear" if k["anneal_strategy"] == "linear" else None,
        three_phase=True if k["three_phase"] else None,
    )
    return torch_forms.Piece(tree, length, length, lambda m: None)


FORMS: dict[str, Callable[[dict[str, Any], str, int | None], torch_forms.Piece | None]] = {
    "NoamDecay": _noam,
    "PiecewiseDecay": _piecewise,
    "NaturalExpDecay": _natural_exp,
    "InverseTimeDecay": _inverse_time,
    "PolynomialDecay": _polynomial,
    "LinearWarmup": _linear_warmup,
    "OneCycleLR": _onecycle,
}
"""Paddle's classes without a PyTorch twin → their builders ``(arguments, class name, run length) → Piece``
(None: no exact form). The others (``LambdaDecay``, ``MultiplicativeDecay``) are sampled and fitted."""


def _describe(obj: Any) -> Sched | None:
    """The class name and constructor arguments of a built-in Paddle scheduler (None: another class)."""
    from paddle.optimizer import lr as L

    name = type(obj).__name__
    if name in REFUSED and isinstance(obj, getattr(L, name)):
        raise LrdslError(f"cannot import {name}: {REFUSED[name]}", hint="keep it in your training loop")
    if name not in SIGNATURES or getattr(L, name) is not type(obj):
        return None
    d = obj.__dict__
    if name == "OneCycleLR":
        lrs, ends = obj._lr_config, obj._step_config
        return Sched(
            name,
            {
                "max_learning_rate": lrs[1],
                "total_steps": obj.total_steps,
                "divide_factor": lrs[1] / lrs[0],
                "end_learning_rate": lrs[-1],
                "phase_pct": (ends[1] + 1) / obj.total_steps,
                "anneal_strategy": {"_cos_annealing": "cos", "_linear_annealing": "linear"}.get(
                    getattr(obj.anneal_func, "__name__", ""), "custom"
                ),
                "three_phase": len(lrs) == 4,
            },
        )
    if name == "CyclicLR":
        up = obj.cycle_size * obj.step_up_pct
        up = round(up) if abs(up - round(up)) < 1e-9 else up
        own = getattr(obj.scale_fn, "__func__", None) in (
            L.CyclicLR._triangular_scale_fn,
            L.CyclicLR._triangular2_scale_fn,
            L.CyclicLR._exp_range_scale_fn,
        )
        return Sched(
            name,
            {
                "base_learning_rate": obj.base_lr,
                "max_learning_rate": obj.max_lr,
                "step_size_up": up,
                "step_size_down": round(obj.cycle_size - up),
                "mode": obj.mode,
                "exp_gamma": obj.gamma,
                "scale_fn": None if own else obj.scale_fn,
                "scale_mode": obj.scale_mode,
            },
        )
    kw: dict[str, Any] = {}
    for key, _ in SIGNATURES[name]:
        if key == "learning_rate" and name != "LinearWarmup":
            kw[key] = obj.base_lr
        elif key == "total_steps" and name == "LinearLR":
            kw[key] = obj.total_steps
        else:
            kw[key] = d[key]
    if name == "LinearWarmup" and isinstance(kw["learning_rate"], L.LRScheduler):
        inner = _describe(kw["learning_rate"])
        if inner is None:
            return None
        kw["learning_rate"] = inner
    return Sched(name, kw)


def _build(s: Sched) -> Any:
    from paddle.optimizer import lr as L

    kw = dict(s.kw)
    if isinstance(kw.get("learning_rate"), Sched):
        kw["learning_rate"] = _build(kw["learning_rate"])
    for key in ("lr_lambda", "scale_fn"):  # a callable object may keep state: step a copy of it
        if kw.get(key) is not None:
            kw[key] = copy.deepcopy(kw[key])
    if s.name == "CyclicLR":
        kw["step_size_up"] = int(kw["step_size_up"])
        kw["exp_gamma"] = float(kw["exp_gamma"])
        if kw["step_size_down"] is not None:
            kw["step_size_down"] = int(kw["step_size_down"])
    return getattr(L, s.name)(**kw)


def _run(sched: Any, n: int) -> list[float]:
    """``lr(0) … lr(n−1)`` from the scheduler's current state, stepping it (a copy or a fresh one)."""
    return stepped(sched.step, lambda: sched.last_lr, n)


def _import(
    s: Sched | None,
    total: int | None,
    spe: float | None,
    reference: Callable[[int], list[float]] | None,
    source: str,
) -> tuple[str, int | None]:
    piece = None if s is None else mapped(source, lambda: _piece(s, total))
    if piece is None and total is not None:
        checked_length(source, total)  # an unnamed schedule is sampled over the whole run to be fitted
    if reference is None:
        unchecked(source, "not checked against the library (Paddle is not installed)")
    return checked_form(piece, total, spe, reference, source=source, library="Paddle", api="from_paddle", rtol=RTOL)


def from_paddle(scheduler: Any, *, total_steps: int | None = None, steps_per_epoch: float | None = None) -> str:
    """The expression a ``paddle.optimizer.lr`` scheduler follows, verified against Paddle.

    ``total_steps`` is the run's length: needed for schedulers imported by sampling, and it lets a
    ``CosineAnnealingDecay`` shorter than the run rise again as Paddle's does.
    """
    from paddle.optimizer import lr as L

    if not isinstance(scheduler, L.LRScheduler):
        raise LrdslError(f"from_paddle() takes a paddle.optimizer.lr scheduler, not {type(scheduler).__name__}")
    if total_steps is not None and (not torch_forms._whole(total_steps) or total_steps < 1):
        raise LrdslError(f"total_steps must be a positive whole number, not {shown(total_steps)}")
    s = _describe(scheduler)
    source = f"Paddle's {type(scheduler).__name__}"
    if s is not None:
        sched = s
        reference: Callable[[int], list[float]] = lambda n: _run(_build(sched), n)  # noqa: E731
    else:

        def reference(n: int) -> list[float]:
            twin = copy.deepcopy(scheduler)
            twin.last_epoch = -1
            twin.last_lr = twin.base_lr
            twin.step()
            return _run(twin, n)

    expr, valid = _import(s, total_steps, steps_per_epoch, reference, source)
    _check_tail(scheduler, expr, total_steps if valid is None else valid, steps_per_epoch)
    return expr


def _check_tail(scheduler: Any, expr: str, total: int | None, spe: float | None) -> None:
    """A copy of the user's scheduler, stepped on from where it is, agrees with ``expr``."""
    import lrdsl

    here = scheduler.last_epoch
    n = min((total if total is not None else here + 50) - here, 1000)
    if not isinstance(here, int) or here < 0 or n <= 0:
        return
    values = in_library("Paddle", "the scheduler", lambda: _run(copy.deepcopy(scheduler), n))
    want = lrdsl.evaluate(expr, here + n, spe, steps=list(range(here, here + n)))
    for i, (a, b) in enumerate(zip(values, want, strict=True)):
        if abs(a - b) > 1e-15 + RTOL * max(abs(a), abs(b)):
            raise LrdslError(
                f"your {type(scheduler).__name__} departs from its class's schedule at step {here + i}: {a!r} "
                f"instead of {float(b)!r}",
                hint="its state was edited outside the scheduler",
            )


def _sched_of_call(name: str, args: list[object], kwargs: dict[str, object]) -> Sched:
    known(name, REFUSED, SIGNATURES, "a scheduler of paddle.optimizer.lr")
    kw = bind(name, (*SIGNATURES[name], ("last_epoch", -1), ("verbose", False)), args, kwargs)
    kw.pop("last_epoch")
    kw.pop("verbose")
    if kw.get("lr_lambda") is not None or kw.get("scale_fn") is not None:
        raise LrdslError(
            f"{name} takes a function: a SPEC cannot give one",
            hint="call lrdsl.from_paddle(scheduler) in Python: it samples the function",
        )
    if name == "LinearWarmup" and isinstance(kw["learning_rate"], Call):
        inner = kw["learning_rate"]
        kw["learning_rate"] = _sched_of_call(inner.short, inner.args, inner.kwargs)
    return Sched(name, kw)


def from_spec(name: str, args: Args, kwargs: Kwargs, *, total_steps: int | None, steps_per_epoch: float | None) -> str:
    """A scheduler call as written (``"CosineAnnealingDecay(learning_rate=0.1, T_max=300)"``) → its expression.

    Mapped by its arguments; when Paddle is installed the real scheduler is built and stepped to verify.
    """
    s = _sched_of_call(name, args, kwargs)
    reference = None
    if importlib.util.find_spec("paddle") is not None:

        def reference(n: int) -> list[float]:
            try:
                built = _build(s)
            except Exception as exc:
                raise LrdslError(f"Paddle refuses {name}(…): {type(exc).__name__}: {clipped(str(exc), 300)}") from None
            return _run(built, n)

    return _import(s, total_steps, steps_per_epoch, reference, f"Paddle's {name}")[0]


def from_config(config: object, *, total_steps: int | None, steps_per_epoch: float | None) -> str:
    """A scheduler in a config (PaddleClas/PaddleOCR style ``{"name": "…", …arguments}``)."""
    bounded(config)  # a document built in Python is held to a config file's bounds
    if not isinstance(config, dict) or not isinstance(config.get("name", config.get("type")), str):
        raise LrdslError('a Paddle scheduler config is a mapping with its class: {"name": "CosineAnnealingDecay", …}')
    name = str(config.get("name", config.get("type")))
    kwargs = {k: v for k, v in config.items() if k not in ("name", "type")}
    return from_spec(name, [], kwargs, total_steps=total_steps, steps_per_epoch=steps_per_epoch)
