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

from lrdsl.echo import clipped, shown
from lrdsl.errors import LrdslError
from lrdsl.importers.common import (
    bind,
    check_points,
    guarded,
    library_run,
    num,
    number,
    optional_module,
    take_optimizer,
    unknown,
    whole,
)
from lrdsl.importers.spec import bounded
from lrdsl.importers.verify import unchecked, verified

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


def _cosine(top: str, low: float, eta: float, cycles: float, dur: int) -> str:
    """HF's cosine from η to ``low`` over ``dur`` steps with ``cycles`` waves (½: one half-cosine)."""
    if cycles == 0.5:
        return f"cosine({top}→{num(low)}, {dur})"
    ratio = low / eta
    wave = f"(1 + cos(2 * pi * {num(cycles)} * p)) / 2"
    if ratio == 0:
        return f"fn({scaled(top, f'max(0, {wave})')}, {dur})"
    return f"fn({scaled(top, f'({num(ratio)} + {num(1 - ratio)} * {wave})')}, {dur})"


def scaled(top: str, factor: str) -> str:
    """``top * factor``, or ``factor`` alone when ``top`` is 1 (the multiplier form)."""
    if top != "1":
        return f"{top} * {factor}"
    depth = 0
    for i, ch in enumerate(factor):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0 and i < len(factor) - 1:
            return factor
    return factor[1:-1] if factor.startswith("(") else factor


def _warmup(top: str, w: int) -> list[str]:
    return [f"linear(0→{top}, {w})"] if w > 0 else []


def expression(kind: str, given: Mapping[str, object], learning_rate: float | None) -> str:
    """The expression of HF's ``kind`` called with ``given`` (its keyword arguments, optimizer aside)."""
    params = ("last_epoch", *KINDS[kind][1])
    unknown(f"{SOURCE} {kind}", given, params)
    if kind in REFUSED:
        raise LrdslError(f"{SOURCE} {kind} cannot be imported: {REFUSED[kind]}", hint="pick a schedule by step instead")
    eta = 1.0 if learning_rate is None else number(learning_rate, "learning_rate", SOURCE)
    top = num(eta)
    if kind == "constant":
        return top
    w = whole(given.get("num_warmup_steps"), "num_warmup_steps", f"{SOURCE} {kind}")
    if kind == "constant_with_warmup":
        return " >> ".join([*_warmup(top, w), f"const({top})"]) if w else top
    if kind == "inverse_sqrt":
        tau = given.get("timescale")
        t = whole(tau, "timescale", SOURCE, least=1) if tau is not None else (w or 10_000)
        return " >> ".join([*_warmup(top, w), f"rsqrt({top}, warmup={t}) * offset({t})"])
    if kind == "warmup_stable_decay":
        return _wsd(given, w, eta, top)
    n = whole(given.get("num_training_steps"), "num_training_steps", f"{SOURCE} {kind}", least=1)
    if n <= w:
        raise LrdslError(
            f"{SOURCE} {kind}: num_warmup_steps ({w}) ≥ num_training_steps ({n}) leaves nothing after the warm-up",
            hint="give more training steps than warm-up steps",
        )
    d = n - w
    if kind == "linear":
        return " >> ".join([*_warmup(top, w), f"linear({top}→0, {d})"])
    if kind == "cosine":
        cycles = number(given.get("num_cycles", 0.5), "num_cycles", SOURCE)
        return " >> ".join([*_warmup(top, w), _cosine(top, 0.0, eta, cycles, d)])
    if kind == "cosine_with_restarts":
        c = whole(given.get("num_cycles", 1), "num_cycles", SOURCE, least=1)
        body = (
            f"cosine({top}→0, {d // c}) * repeat({c})"
            if d % c == 0
            else f"cosine({top}→0) * restart(period={num(d / c)}, cycles={c})"
        )
        return " >> ".join([*_warmup(top, w), body])
    if kind == "polynomial":
        if learning_rate is None:
            raise LrdslError(
                f"{SOURCE} polynomial: lr_end is an absolute rate, so the expression needs the optimizer's",
                hint="give learning_rate=… (the optimizer's lr)",
            )
        end = number(given.get("lr_end", 1e-7), "lr_end", SOURCE)
        power = number(given.get("power", 1.0), "power", SOURCE)
        if not end < eta:
            raise LrdslError(f"{SOURCE} polynomial: lr_end ({num(end)}) must be below learning_rate ({top})")
        return " >> ".join([*_warmup(top, w), f"poly({top}→{num(end)}, {d}, power={num(power)})"])
    # cosine_with_min_lr, cosine_warmup_with_min_lr
    cycles = number(given.get("num_cycles", 0.5), "num_cycles", SOURCE)
    ratio = _min_lr_rate(kind, given, learning_rate)
    decay = _cosine(top, eta * ratio, eta, cycles, d)
    if kind == "cosine_with_min_lr":
        return " >> ".join([*_warmup(top, w), decay])
    rate = given.get("warmup_lr_rate")
    if rate is None:
        whole_run = " >> ".join([*_warmup(top, w), decay])
        return f"({whole_run}) * offset(1)" if w else f"{decay} * offset(1)"
    start = num(eta * number(rate, "warmup_lr_rate", SOURCE))
    head = [f"linear({start}→{top}, {w - 1})", f"const({top}, 1)"] if w >= 2 else [f"const({start}, 1)"] * w
    if d == 1:  # the one step after the warm-up is already at the end of the cosine
        wave = max(0.0, ratio + (1 - ratio) * (1 + math.cos(2 * math.pi * cycles)) / 2)
        return " >> ".join([*head, f"const({num(eta * wave)})"])
    return " >> ".join([*head, f"{decay} * offset(1)"])


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


_WSD_UP = {
    "linear": "linear({lo}→{hi}, {d})",
    "cosine": "cosine({lo}→{hi}, {d})",
    "1-sqrt": "fn({up}, {d})",
}
_WSD_DOWN = {"linear": "linear({hi}→{lo}, {d})", "1-sqrt": "sqrt({hi}→{lo}, {d})"}


def _wsd(given: Mapping[str, object], w: int, eta: float, top: str) -> str:
    src = f"{SOURCE} warmup_stable_decay"
    d = whole(given.get("num_decay_steps"), "num_decay_steps", src)
    if given.get("num_stable_steps") is not None:
        s = whole(given["num_stable_steps"], "num_stable_steps", src)
    elif given.get("num_training_steps") is not None:
        s = whole(given["num_training_steps"], "num_training_steps", src) - w - d
        if s < 0:
            raise LrdslError(
                f"{src}: warm-up and decay are longer than num_training_steps", hint="check the step counts"
            )
    else:
        raise LrdslError(f"{src} needs num_training_steps or num_stable_steps", hint="give num_training_steps=N")
    m = number(given.get("min_lr_ratio", 0.0), "min_lr_ratio", src)
    cycles = number(given.get("num_cycles", 0.5), "num_cycles", src)
    up, down = str(given.get("warmup_type", "linear")), str(given.get("decay_type", "cosine"))
    for which, value in (("warmup_type", up), ("decay_type", down)):
        if value not in _WSD_UP:
            raise LrdslError(f"{src}: {which} {shown(value)} is not one of linear, cosine, 1-sqrt")
    lo = num(eta * m)
    rise = "(1 - sqrt(1 - p))" if m == 0 else f"({num(m)} + {num(1 - m)} * (1 - sqrt(1 - p)))"
    fields = {"lo": lo, "hi": top, "up": scaled(top, rise)}
    phases = [_WSD_UP[up].format(d=w, **fields)] if w else []
    if s:
        phases.append(f"const({top}, {s})")
    if d:
        phases.append(
            _cosine(top, eta * m, eta, cycles, d) if down == "cosine" else _WSD_DOWN[down].format(d=d, **fields)
        )
    if not phases:
        raise LrdslError(f"{src}: every phase has 0 steps", hint="give num_decay_steps or num_training_steps")
    if d == 0 or (down == "cosine" and cycles != 0.5):
        phases.append(f"const({lo})")  # HF's rate after the decay is min_lr_ratio·η
    return " >> ".join(phases)


def library_values(
    kind: str, given: Mapping[str, object], learning_rate: float | None, steps: Sequence[int]
) -> np.ndarray | None:
    """``lr(t)`` for each ``t`` of ``steps`` from HF's own scheduler, or ``None`` when transformers (or torch)
    is not installed. HF's schedulers are ``LambdaLR``: the rate of step ``t`` is ``η·λ(t)``, which this
    reads from the scheduler's own ``lr_lambdas`` (its closed form), so a run of any length is checked
    at its sampled steps without stepping it."""
    optimization = optional_module("transformers.optimization")
    torch = optional_module("torch")
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
    steps = check_points(n, [*marks, sum(marks[:2])])
    reference = library_run(SOURCE, lambda: library_values(kind, given, learning_rate, steps))
    source = f"{SOURCE} {KINDS[kind][0]}"
    if reference is None:
        unchecked(source, "not checked against the library (transformers is not installed)")
        return expr
    return verified(expr, reference, source=source, steps=steps, total_steps=n)


@guarded(SOURCE)
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


@guarded(SOURCE)
def from_spec(
    name: str,
    args: list[object],
    kwargs: dict[str, object],
    *,
    total_steps: int | None,
    steps_per_epoch: float | None,
) -> str:
    """A call as written in training code: ``get_cosine_schedule_with_warmup(optimizer, 100, 1000)``,
    ``get_scheduler("cosine", optimizer, num_warmup_steps=100, num_training_steps=1000)``, or with the
    optimizer left out (``get_cosine_schedule_with_warmup(100, 1000)``).

    The optimizer may be a name (the expression is then HF's multiplier, η = 1) or a call that writes its
    rate (``AdamW(params, lr=3e-4)``); ``learning_rate=`` (an lrdsl keyword) gives η too and wins. A
    missing ``num_training_steps`` is ``total_steps``.
    """
    del steps_per_epoch  # HF schedules count optimizer steps
    args, kw, written = take_optimizer(SOURCE, args, kwargs, at=1 if name == "get_scheduler" else 0)
    lr = kw.pop("learning_rate", None)
    learning_rate = written if lr is None else number(lr, "learning_rate", SOURCE)
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


@guarded(SOURCE)
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
