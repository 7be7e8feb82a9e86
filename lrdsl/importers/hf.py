"""HF transformers' schedules (every ``get_scheduler`` name) → the lrdsl expression.

HF's schedules are ``LambdaLR`` multipliers of the optimizer's rate η. With ``W`` warm-up steps,
``N`` training steps and ``D = N − W``, at step ``t`` (``u = t − W``, ``p = u / D``):

- warm-up (every name but ``constant``): ``η·t/W`` → ``linear(0→η, W)``
- ``linear``: ``η·(1 − p)`` → ``linear(η→0, D)``
- ``cosine``: ``η·max(0, (1 + cos 2πcp)/2)``, ``c = num_cycles`` → ``cosine(η→0, D)`` for ``c = ½``
- ``cosine_with_restarts``: ``η·(1 + cos(π·(cp mod 1)))/2``, 0 after ``N`` → ``cosine(η→0) * restart(period=D/c, cycles=c)``
- ``polynomial``: ``lr_end + (η − lr_end)·(1 − p)^power`` → ``poly(η→lr_end, D, power=k)``
- ``constant``: ``η``; ``constant_with_warmup``: ``linear(0→η, W) >> const(η)``
- ``inverse_sqrt``: ``η·sqrt(τ/(u + τ))``, ``τ = timescale`` → ``rsqrt(η, warmup=τ) * offset(τ)``
- ``cosine_with_min_lr``: the cosine with floor ``r·η`` → ``cosine(η→r·η, D)``
- ``cosine_warmup_with_min_lr``: the same one step ahead (HF evaluates it at ``t + 1``) → ``… * offset(1)``
- ``warmup_stable_decay``: warm-up, ``const(η, S)``, decay in ``D_decay`` steps, each between
  ``m·η`` and ``η`` (``m = min_lr_ratio``); ``1-sqrt`` decay is ``sqrt(η→m·η)``.

``reduce_lr_on_plateau`` and ``greedy`` follow a metric and are refused. Without ``learning_rate``
the expression is the multiplier (η = 1); ``polynomial``'s ``lr_end`` and ``min_lr`` are absolute
rates, so they need it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence

import numpy as np

from lrdsl.errors import LrdslError
from lrdsl.importers import common
from lrdsl.importers.common import Args, Kwargs, bind, num, number, tidy, unknown, whole
from lrdsl.importers.common import literal as n
from lrdsl.importers.spec import bounded
from lrdsl.importers.verify import verified
from lrdsl.language import ast as A
from lrdsl.language import build as B
from lrdsl.language.echo import clipped, shown

KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "linear": ("get_linear_schedule_with_warmup", ("num_warmup_steps", "num_training_steps")),
    "cosine": ("get_cosine_schedule_with_warmup", ("num_warmup_steps", "num_training_steps", "num_cycles")),
    "cosine_with_restarts": (
        "get_cosine_with_hard_restarts_schedule_with_warmup",
        ("num_warmup_steps", "num_training_steps", "num_cycles"),
    ),
    "polynomial": (
        "get_polynomial_decay_schedule_with_warmup",
        ("num_warmup_steps", "num_training_steps", "lr_end", "power"),
    ),
    "constant": ("get_constant_schedule", ()),
    "constant_with_warmup": ("get_constant_schedule_with_warmup", ("num_warmup_steps",)),
    "inverse_sqrt": ("get_inverse_sqrt_schedule", ("num_warmup_steps", "timescale")),
    "reduce_lr_on_plateau": ("get_reduce_on_plateau_schedule", ()),
    "cosine_with_min_lr": (
        "get_cosine_with_min_lr_schedule_with_warmup",
        ("num_warmup_steps", "num_training_steps", "num_cycles", "last_epoch", "min_lr", "min_lr_rate"),
    ),
    "cosine_warmup_with_min_lr": (
        "get_cosine_with_min_lr_schedule_with_warmup_lr_rate",
        (
            "num_warmup_steps",
            "num_training_steps",
            "num_cycles",
            "last_epoch",
            "min_lr",
            "min_lr_rate",
            "warmup_lr_rate",
        ),
    ),
    "warmup_stable_decay": (
        "get_wsd_schedule",
        (
            "num_warmup_steps",
            "num_decay_steps",
            "num_training_steps",
            "num_stable_steps",
            "warmup_type",
            "decay_type",
            "min_lr_ratio",
            "num_cycles",
        ),
    ),
    "greedy": ("get_greedy_schedule", ()),
}
"""``get_scheduler`` name → (its function in ``transformers.optimization``, that function's parameters after the optimizer)."""

FUNCTIONS = {function: kind for kind, (function, _) in KINDS.items()}
REFUSED = {
    "reduce_lr_on_plateau": "it lowers the rate when a metric stops improving, which no schedule of the step can say",
    "greedy": "it raises and lowers the rate from the training loss as it goes, which no schedule of the step can say",
}
SOURCE = "HF transformers"


def _kind(name: object) -> str:
    name = str(name)
    key = name.removeprefix("SchedulerType.").lower() if name.startswith("SchedulerType.") else name
    if key in KINDS:
        return key
    if key in FUNCTIONS:
        return FUNCTIONS[key]
    raise LrdslError(
        f"{SOURCE} has no schedule {shown(name)}",
        hint="one of the get_scheduler names (" + ", ".join(KINDS) + ") or their functions (get_…_schedule…)",
    )


P, PI = B.name("p"), B.name("pi")


def _warmup(top: A.Expr, w: int) -> list[A.Expr]:
    return [B.shape("linear", (0, top), w)] if w > 0 else []


def _cosine(eta: float, low: float, cycles: float, dur: int) -> A.Expr:
    """HF's cosine from η to ``low`` over ``dur`` steps with ``cycles`` waves (½: one half-cosine)."""
    if cycles == 0.5:
        return B.shape("cosine", (n(eta), n(low)), dur)
    ratio = low / eta
    rise = B.add(1, B.math_call("cos", B.mul(2, PI, n(cycles), P)))  # 1 + cos(2π·cycles·p)
    if ratio == 0:
        return B.fn(B.scale(B.math_call("max", 0, B.div(rise, 2)), tidy(eta)), dur)
    return B.fn(B.scale(B.add(n(ratio), B.div(B.mul(n(1 - ratio), rise), 2)), tidy(eta)), dur)


Given = Mapping[str, object]


def _warmup_count(kind: str, given: Given) -> int:
    return whole(given.get("num_warmup_steps"), "num_warmup_steps", f"{SOURCE} {kind}")


def _decay_steps(kind: str, given: Given, w: int) -> int:
    """The steps after the warm-up: ``num_training_steps − num_warmup_steps``, at least 1."""
    total = whole(given.get("num_training_steps"), "num_training_steps", f"{SOURCE} {kind}", least=1)
    if total <= w:
        raise LrdslError(
            f"{SOURCE} {kind}: num_warmup_steps ({w}) ≥ num_training_steps ({total}) leaves nothing after the warm-up",
            hint="give more training steps than warm-up steps",
        )
    return total - w


def _constant_with_warmup(kind: str, given: Given, eta: float, learning_rate: float | None) -> A.Expr:
    w = _warmup_count(kind, given)
    return B.seq(*_warmup(n(eta), w), B.shape("const", n(eta))) if w else n(eta)


def _inverse_sqrt(kind: str, given: Given, eta: float, learning_rate: float | None) -> A.Expr:
    w, tau = _warmup_count(kind, given), given.get("timescale")
    t = whole(tau, "timescale", SOURCE, least=1) if tau is not None else (w or 10_000)
    return B.seq(*_warmup(n(eta), w), B.mul(B.shape("rsqrt", n(eta), warmup=t), B.offset(t)))


def _linear(kind: str, given: Given, eta: float, learning_rate: float | None) -> A.Expr:
    w = _warmup_count(kind, given)
    return B.seq(*_warmup(n(eta), w), B.shape("linear", (n(eta), 0), _decay_steps(kind, given, w)))


def _half_cosine(kind: str, given: Given, eta: float, learning_rate: float | None) -> A.Expr:
    w = _warmup_count(kind, given)
    d = _decay_steps(kind, given, w)
    cycles = number(given.get("num_cycles", 0.5), "num_cycles", SOURCE)
    return B.seq(*_warmup(n(eta), w), _cosine(eta, 0.0, cycles, d))


def _restarts(kind: str, given: Given, eta: float, learning_rate: float | None) -> A.Expr:
    w = _warmup_count(kind, given)
    d = _decay_steps(kind, given, w)
    c = whole(given.get("num_cycles", 1), "num_cycles", SOURCE, least=1)
    if d % c == 0:
        body = B.mul(B.shape("cosine", (n(eta), 0), d // c), B.call("repeat", c))
    else:
        body = B.mul(B.shape("cosine", (n(eta), 0)), B.restart(period=n(d / c), cycles=c))
    return B.seq(*_warmup(n(eta), w), body)


def _polynomial(kind: str, given: Given, eta: float, learning_rate: float | None) -> A.Expr:
    w = _warmup_count(kind, given)
    d = _decay_steps(kind, given, w)
    if learning_rate is None:
        raise LrdslError(
            f"{SOURCE} polynomial: lr_end is an absolute rate, so the expression needs the optimizer's",
            hint="give learning_rate=… (the optimizer's lr)",
        )
    end = number(given.get("lr_end", 1e-7), "lr_end", SOURCE)
    power = number(given.get("power", 1.0), "power", SOURCE)
    if not end < eta:
        raise LrdslError(f"{SOURCE} polynomial: lr_end ({num(end)}) must be below learning_rate ({num(eta)})")
    return B.seq(*_warmup(n(eta), w), B.shape("poly", (n(eta), n(end)), d, power=n(power)))


def _cosine_with_min_lr(kind: str, given: Given, eta: float, learning_rate: float | None) -> A.Expr:
    w = _warmup_count(kind, given)
    d = _decay_steps(kind, given, w)
    cycles = number(given.get("num_cycles", 0.5), "num_cycles", SOURCE)
    ratio = _min_lr_rate(kind, given, learning_rate)
    decay = _cosine(eta, eta * ratio, cycles, d)
    if kind == "cosine_with_min_lr":
        return B.seq(*_warmup(n(eta), w), decay)
    rate = given.get("warmup_lr_rate")
    if rate is None:
        return B.mul(B.seq(*_warmup(n(eta), w), decay), B.offset(1))
    start = n(eta * number(rate, "warmup_lr_rate", SOURCE))
    if w >= 2:
        head = [B.shape("linear", (start, n(eta)), w - 1), B.shape("const", n(eta), 1)]
    else:
        head = [B.shape("const", start, 1)] * w
    if d == 1:  # the one step after the warm-up is already at the end of the cosine
        wave = max(0.0, ratio + (1 - ratio) * (1 + math.cos(2 * math.pi * cycles)) / 2)
        return B.seq(*head, B.shape("const", n(eta * wave)))
    return B.seq(*head, B.mul(decay, B.offset(1)))


FORMS = {
    "constant": lambda kind, given, eta, lr: n(eta),
    "constant_with_warmup": _constant_with_warmup,
    "inverse_sqrt": _inverse_sqrt,
    "warmup_stable_decay": lambda kind, given, eta, lr: _wsd(given, _warmup_count(kind, given), eta),
    "linear": _linear,
    "cosine": _half_cosine,
    "cosine_with_restarts": _restarts,
    "polynomial": _polynomial,
    "cosine_with_min_lr": _cosine_with_min_lr,
    "cosine_warmup_with_min_lr": _cosine_with_min_lr,
}
"""Each schedule of :data:`KINDS` that is imported → its builder ``(kind, arguments, η, optimizer's rate) → tree``."""


def expression(kind: str, given: Mapping[str, object], learning_rate: float | None) -> str:
    """The expression of HF's ``kind`` called with ``given`` (its keyword arguments, optimizer aside)."""
    params = ("last_epoch", *KINDS[kind][1])
    unknown(f"{SOURCE} {kind}", given, params)
    if kind in REFUSED:
        raise LrdslError(f"{SOURCE} {kind} cannot be imported: {REFUSED[kind]}", hint="pick a schedule by step instead")
    eta = 1.0 if learning_rate is None else number(learning_rate, "learning_rate", SOURCE)
    return B.text(FORMS[kind](kind, given, eta, learning_rate))


def _min_lr_rate(kind: str, given: Mapping[str, object], learning_rate: float | None) -> float:
    min_lr, rate = given.get("min_lr"), given.get("min_lr_rate")
    if (min_lr is None) == (rate is None):
        raise LrdslError(
            f"{SOURCE} {kind} needs exactly one of min_lr and min_lr_rate", hint="give min_lr_rate=0.1, say"
        )
    if rate is not None:
        return number(rate, "min_lr_rate", SOURCE)
    if learning_rate is None:
        raise LrdslError(
            f"{SOURCE} {kind}: min_lr is an absolute rate, so the expression needs the optimizer's",
            hint="give learning_rate=… (the optimizer's lr), or min_lr_rate instead",
        )
    if learning_rate == 0:
        raise LrdslError(
            f"{SOURCE} {kind}: learning_rate is 0, and HF divides min_lr by it",
            hint="give the optimizer's rate, or min_lr_rate instead of min_lr",
        )
    return number(min_lr, "min_lr", SOURCE) / learning_rate


def _wsd_counts(given: Given, w: int, src: str) -> tuple[int, int]:
    """The stable and decay steps of ``get_wsd_schedule``."""
    d = whole(given.get("num_decay_steps"), "num_decay_steps", src)
    if given.get("num_stable_steps") is not None:
        return whole(given["num_stable_steps"], "num_stable_steps", src), d
    if given.get("num_training_steps") is None:
        raise LrdslError(f"{src} needs num_training_steps or num_stable_steps", hint="give num_training_steps=N")
    s = whole(given["num_training_steps"], "num_training_steps", src) - w - d
    if s < 0:
        raise LrdslError(f"{src}: warm-up and decay are longer than num_training_steps", hint="check the step counts")
    return s, d


def _wsd(given: Given, w: int, eta: float) -> A.Expr:
    src = f"{SOURCE} warmup_stable_decay"
    s, d = _wsd_counts(given, w, src)
    m = number(given.get("min_lr_ratio", 0.0), "min_lr_ratio", src)
    cycles = number(given.get("num_cycles", 0.5), "num_cycles", src)
    up, down = str(given.get("warmup_type", "linear")), str(given.get("decay_type", "cosine"))
    for which, value in (("warmup_type", up), ("decay_type", down)):
        if value not in ("linear", "cosine", "1-sqrt"):
            raise LrdslError(f"{src}: {which} {shown(value)} is not one of linear, cosine, 1-sqrt")
    lo, hi = n(eta * m), n(eta)
    root = B.sub(1, B.math_call("sqrt", B.sub(1, P)))  # 1 − √(1 − p)
    rise = root if m == 0 else B.add(n(m), B.mul(n(1 - m), root))
    ups = {"linear": B.shape("linear", (lo, hi), w), "cosine": B.shape("cosine", (lo, hi), w)}
    phases: list[A.Expr] = [ups.get(up) or B.fn(B.scale(rise, tidy(eta)), w)] if w else []
    if s:
        phases.append(B.shape("const", hi, s))
    if d:
        downs = {"linear": "linear", "1-sqrt": "sqrt"}
        phases.append(_cosine(eta, eta * m, cycles, d) if down == "cosine" else B.shape(downs[down], (hi, lo), d))
    if not phases:
        raise LrdslError(f"{src}: every phase has 0 steps", hint="give num_decay_steps or num_training_steps")
    if d == 0 or (down == "cosine" and cycles != 0.5):
        phases.append(B.shape("const", lo))  # HF's rate after the decay is min_lr_ratio·η
    return B.seq(*phases)


def library_values(
    kind: str, given: Mapping[str, object], learning_rate: float | None, steps: Sequence[int]
) -> np.ndarray | None:
    """``lr(t)`` for each ``t`` of ``steps`` from HF's own scheduler, or ``None`` when transformers (or torch)
    is not installed. HF's schedulers are ``LambdaLR``: the rate of step ``t`` is ``η·λ(t)``, which this
    reads from the scheduler's own ``lr_lambdas`` (its closed form), so a run of any length is checked
    at its sampled steps without stepping it."""
    optimization = common.optional_module("transformers.optimization")
    torch = common.optional_module("torch")
    if optimization is None or torch is None:
        return None
    eta = 1.0 if learning_rate is None else learning_rate
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=eta)
    kwargs = {k: v for k, v in given.items() if k != "last_epoch"}
    sched = getattr(optimization, KINDS[kind][0])(opt, **kwargs)
    base = float(sched.base_lrs[0])
    lam = sched.lr_lambdas[0]
    return np.array([base * lam(t) for t in steps], dtype=float)


def _horizon(kind: str, given: Mapping[str, object], total_steps: int | None) -> int:
    """The steps the result is checked over: the run when known, else past every phase."""
    n = given.get("num_training_steps")
    if isinstance(n, int | float) and not isinstance(n, bool) and kind != "warmup_stable_decay":
        return int(n)  # a whole number: expression() checked it
    if total_steps is not None:
        return total_steps
    parts = [given.get(k) for k in ("num_warmup_steps", "num_decay_steps", "num_stable_steps", "num_training_steps")]
    return int(sum(v for v in parts if isinstance(v, int | float))) + 100


def imported(
    kind: str, given: Mapping[str, object], learning_rate: float | None, total_steps: int | None = None
) -> str:
    """The expression of ``kind`` with ``given``, verified against transformers when it is installed."""
    expr = expression(kind, given, learning_rate)
    n = _horizon(kind, given, total_steps)
    parts = [given.get(k) for k in ("num_warmup_steps", "num_decay_steps", "num_stable_steps", "num_training_steps")]
    marks = [float(v) for v in parts if isinstance(v, int | float) and not isinstance(v, bool)]
    steps = common.check_points(n, [*marks, sum(marks[:2])])
    reference = common.library_run(SOURCE, lambda: library_values(kind, given, learning_rate, steps))
    source = f"{SOURCE} {KINDS[kind][0]}"
    if reference is None:
        common.not_checked(source, "transformers is not installed")
        return expr
    return verified(expr, reference, source=source, steps=steps, total_steps=n)


@common.guarded(SOURCE)
def from_hf(
    name: str,
    num_warmup_steps: int | None = None,
    num_training_steps: int | None = None,
    *,
    learning_rate: float | None = None,
    **scheduler_specific_kwargs: object,
) -> str:
    """The expression of ``transformers.get_scheduler(name, opt, num_warmup_steps, num_training_steps,
    scheduler_specific_kwargs)``; ``name`` may also be the schedule's function (``get_cosine_schedule_with_warmup``).

    ``learning_rate`` is the optimizer's rate η; without it the expression is HF's multiplier (η = 1).
    """
    kind = _kind(name)
    given: dict[str, object] = dict(scheduler_specific_kwargs)
    if num_warmup_steps is not None and kind != "constant":
        given["num_warmup_steps"] = num_warmup_steps
    if num_training_steps is not None and "num_training_steps" in KINDS[kind][1]:
        given["num_training_steps"] = num_training_steps
    return imported(kind, given, learning_rate)


@common.guarded(SOURCE)
def from_spec(name: str, args: Args, kwargs: Kwargs, *, total_steps: int | None, steps_per_epoch: float | None) -> str:
    """A call as written in training code: ``get_cosine_schedule_with_warmup(optimizer, 100, 1000)``,
    ``get_scheduler("cosine", optimizer, num_warmup_steps=100, num_training_steps=1000)``, or with the
    optimizer left out (``get_cosine_schedule_with_warmup(100, 1000)``).

    The optimizer may be a name (the expression is then HF's multiplier, η = 1) or a call that writes its
    rate (``AdamW(params, lr=3e-4)``); ``learning_rate=`` (an lrdsl keyword) gives η too and wins. A
    missing ``num_training_steps`` is ``total_steps``.
    """
    del steps_per_epoch  # HF schedules count optimizer steps
    at = 1 if name == "get_scheduler" else 0
    args, kw, learning_rate = common.spec_rate(SOURCE, args, kwargs, key="learning_rate", at=at)
    if name == "get_scheduler":
        given = bind(
            "get_scheduler",
            ("name", "num_warmup_steps", "num_training_steps", "scheduler_specific_kwargs"),
            args,
            kw,
            rest=True,
        )
        kind = _kind(str(given.pop("name", "")))
        extra = given.pop("scheduler_specific_kwargs", None) or {}
        if not isinstance(extra, dict):
            raise LrdslError("get_scheduler: scheduler_specific_kwargs must be a dict", hint="{'num_cycles': 3}")
        given.update(extra)
        if kind == "constant":
            given.pop("num_warmup_steps", None)
        for key in ("num_warmup_steps", "num_training_steps"):
            if key not in KINDS[kind][1]:
                given.pop(key, None)
    else:
        kind = _kind(name)
        given = bind(name, KINDS[kind][1] + ("last_epoch",), args, kw, rest=True)
    wanted = "num_training_steps" in KINDS[kind][1] and given.get("num_training_steps") is None
    if wanted and total_steps is not None and given.get("num_stable_steps") is None:
        given["num_training_steps"] = total_steps
    return imported(kind, given, learning_rate, total_steps)


@common.guarded(SOURCE)
def from_config(config: object, *, total_steps: int | None, steps_per_epoch: float | None) -> str:
    """``TrainingArguments``-like keys: ``lr_scheduler_type`` (``linear``), ``learning_rate`` (5e-5),
    ``warmup_steps`` (a fraction of the run below 1, as HF 5 reads it), ``warmup_ratio`` (HF 4),
    ``lr_scheduler_kwargs``, ``max_steps`` (else ``total_steps``).

    As HF's Trainer: warm-up steps are ``int(warmup_steps)``, or ``ceil(N·fraction)``.
    """
    bounded(config)  # a document built in Python is held to a config file's bounds
    del steps_per_epoch
    if not isinstance(config, Mapping):
        raise LrdslError(f"{SOURCE}: a config must be a mapping of TrainingArguments keys, not {type(config).__name__}")
    kind = _kind(str(config.get("lr_scheduler_type", "linear")))
    lr = number(config.get("learning_rate", 5e-5), "learning_rate", SOURCE)
    max_steps = config.get("max_steps", -1)
    n = whole(max_steps, "max_steps", SOURCE) if isinstance(max_steps, int) and max_steps > 0 else total_steps
    if n is None:
        raise LrdslError(f"{SOURCE}: the config has no max_steps", hint="give the run's length: --steps N")
    ws = number(config.get("warmup_steps", 0), "warmup_steps", SOURCE)
    ratio = number(config.get("warmup_ratio", 0.0), "warmup_ratio", SOURCE)
    w = int(ws) if ws >= 1 else math.ceil(n * (ws or ratio))
    extra = config.get("lr_scheduler_kwargs") or {}
    if isinstance(extra, str):
        try:
            extra = json.loads(extra)
        except ValueError as error:
            raise LrdslError(f"{SOURCE}: lr_scheduler_kwargs is not JSON: {clipped(str(error), 300)}") from None
    if not isinstance(extra, dict):
        raise LrdslError(f"{SOURCE}: lr_scheduler_kwargs must be a mapping", hint="{'num_cycles': 3}")
    given: dict[str, object] = dict(extra)
    if kind != "constant" and "num_warmup_steps" in KINDS[kind][1]:
        given["num_warmup_steps"] = w
    if "num_training_steps" in KINDS[kind][1]:
        given["num_training_steps"] = n
    return imported(kind, given, lr, n)


__all__: Sequence[str] = ("from_config", "from_hf", "from_spec")
