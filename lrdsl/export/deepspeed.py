"""DeepSpeed: the config's ``optimizer`` and ``scheduler`` blocks (``deepspeed/runtime/lr_schedules.py``, 0.19).

The engine builds ``Scheduler(optimizer, **params)`` (``last_batch_iteration = −1``) and calls ``step()`` after each
optimizer step, never before the first; so update ``t + 1`` runs with ``last_batch_iteration = t − 1``:

- ``WarmupLR`` / ``WarmupDecayLR``: ``min`` at steps 0 and 1 (construction sets ``min``; ``s = 0`` gives ``min``),
  then ``min + Δ·s/W`` (``W = max(2, warmup_num_steps)``, ``s = t − 1``) or ``Δ·ln(s+1)/ln W``, the peak from
  ``t = W + 1`` (linear) or ``t = W`` (log); ``WarmupDecayLR`` then falls linearly to ``min`` at ``t = N + 1``
  (``N = total_num_steps``) and holds it;
- ``WarmupCosineLR``: 0 at step 0 (``get_lr`` before the first step), ``η·(r + (1 − r)·s/W)`` while ``s < W``,
  then ``η·(c + (1 − c)·(1 + cos πq)/2)``, ``q = min(1, (s − W + 1)/(N − W))``: the cosine starts one step into
  its decay, so ``η`` itself is never used after the warm-up;
- ``OneCycle``: the cycle's own counter is ``last_batch_iteration + 1 = t``: ``min→max`` linearly in
  ``cycle_first_step_size`` steps, back in ``cycle_second_step_size``, then ``min / (1 + rate·(t − T)/every)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from lrdsl.errors import LrdslError
from lrdsl.export.core import RTOL, Config, Curve, optimizer, real, tidy, walk
from lrdsl.export.importing import interface
from lrdsl.export.sources import section
from lrdsl.importers.common import in_library, number, whole
from lrdsl.language import ast as A
from lrdsl.language import build as B

TITLE = "DeepSpeed's lr_schedules"
FORMATS = ("json", "yaml", "toml", "python")
ALTERNATIVE = (
    "pass the expression as DeepSpeed's client scheduler: deepspeed.initialize(…, lr_scheduler=lambda opt: "
    "lrdsl.torch.scheduler(opt, EXPR, total_steps=N))"
)
TYPES = {
    "WarmupLR": ("warmup_min_lr", "warmup_max_lr", "warmup_num_steps", "warmup_type"),
    "WarmupDecayLR": ("total_num_steps", "warmup_min_lr", "warmup_max_lr", "warmup_num_steps", "warmup_type"),
    "WarmupCosineLR": ("total_num_steps", "warmup_min_ratio", "warmup_num_steps", "cos_min_ratio", "warmup_type"),
    "OneCycle": (
        "cycle_min_lr",
        "cycle_max_lr",
        "decay_lr_rate",
        "cycle_first_step_size",
        "cycle_second_step_size",
        "decay_step_size",
        "cycle_momentum",
        "cycle_first_stair_count",
        "cycle_second_stair_count",
        "cycle_min_mom",
        "cycle_max_mom",
        "decay_mom_rate",
    ),
}
"""The scheduler types this module reads and writes → their ``params`` keys."""


def _block(config: Mapping[str, Any]) -> tuple[str, dict[str, Any], float]:
    sched = config.get("scheduler")
    if sched is None:  # no scheduler: the optimizer's own rate throughout
        return "", {}, _lr(config)
    if not isinstance(sched, Mapping) or sched.get("type") not in TYPES:
        raise LrdslError(f"{TITLE}: the config needs a scheduler block of type " + ", ".join(TYPES))
    kind = str(sched["type"])
    params = dict(section(sched, "params", TITLE))
    unknown = set(params) - set(TYPES[kind])
    if unknown:
        raise LrdslError(f"{TITLE} {kind}: unknown params {sorted(map(str, unknown))[:5]}", hint=", ".join(TYPES[kind]))
    return kind, params, _lr(config)


def _lr(config: Mapping[str, Any]) -> float:
    lr = section(section(config, "optimizer", TITLE), "params", TITLE).get("lr", 1e-3)
    return number(lr, "optimizer.params.lr", TITLE)


def _warmup(params: Mapping[str, Any], lo: float, hi: float) -> tuple[A.Expr, int]:
    """The warm-up after the held first step, and ``W = max(2, warmup_num_steps)``."""
    w = max(2, whole(params.get("warmup_num_steps", 1000), "warmup_num_steps", TITLE, least=1))
    if params.get("warmup_type", "log") == "linear":
        return B.shape("linear", (lo, hi), w), w
    return B.shape("log", (lo, hi), w, inclusive=True), w


def _decay_steps(params: Mapping[str, Any], w: int) -> int:
    return max(1, whole(params.get("total_num_steps"), "total_num_steps", TITLE, least=1) - w)


def _onecycle(params: Mapping[str, Any]) -> A.Node:
    if params.get("cycle_first_stair_count") or params.get("cycle_second_stair_count"):
        raise LrdslError(f"{TITLE} OneCycle with stair counts is not read yet", hint="give stair counts of 0")
    lo = number(params.get("cycle_min_lr"), "cycle_min_lr", TITLE)
    hi = number(params.get("cycle_max_lr"), "cycle_max_lr", TITLE)
    first = whole(params.get("cycle_first_step_size", 2000), "cycle_first_step_size", TITLE, least=1)
    second = whole(params.get("cycle_second_step_size") or first, "cycle_second_step_size", TITLE, least=1)
    rate = number(params.get("decay_lr_rate", 0.0), "decay_lr_rate", TITLE)
    every = number(params.get("decay_step_size", 0), "decay_step_size", TITLE)
    tail = B.shape("inverse_time", lo, decay=rate, every=every) if rate and every else B.shape("const", lo)
    lr = B.seq(B.shape("linear", (lo, hi), first), B.shape("linear", (hi, lo), second), tail)
    if params.get("cycle_momentum", True) is False:
        return lr
    return B.schedule_set({"lr": lr, "betas[0]": _momentum(params, first, second), "betas[1]": 0.99})


def _momentum(params: Mapping[str, Any], first: int, second: int) -> A.Expr:
    """``betas[0]`` of ``OneCycle(cycle_momentum=True)``: ``cycle_min_mom`` at step 0 (set at construction), then, from
    the first step, ``max − (max − min)·t/F`` down to ``min`` at ``F``, back up to ``max`` at ``F + S`` and held (a
    ``decay_mom_rate`` is not read)."""
    lo = number(params.get("cycle_min_mom", 0.8), "cycle_min_mom", TITLE)
    hi = number(params.get("cycle_max_mom", 0.9), "cycle_max_mom", TITLE)
    if number(params.get("decay_mom_rate", 0.0), "decay_mom_rate", TITLE):
        raise LrdslError(f"{TITLE} OneCycle with decay_mom_rate is not read yet", hint="give decay_mom_rate 0")
    down = [B.shape("linear", (hi - (hi - lo) / first, lo), first - 1)] if first > 1 else []
    return B.seq(B.shape("const", lo, 1), *down, B.shape("linear", (lo, hi), second), B.shape("const", hi))


def _warmup_cosine(params: Mapping[str, Any], lr: float) -> A.Expr:
    """``WarmupCosineLR``: 0 at step 0, the warm-up from ``lr·r``, the cosine one step into its decay, the floor."""
    r = number(params.get("warmup_min_ratio", 0.0), "warmup_min_ratio", TITLE)
    c = number(params.get("cos_min_ratio", 1e-4), "cos_min_ratio", TITLE)
    up, w = _warmup(params, lr * r, lr)
    d, low = _decay_steps(params, w), lr * c
    body = [B.mul(B.shape("cosine", (lr, low), d), B.offset(1))] if d > 1 else []
    return B.seq(B.shape("const", 0, 1), up, *body, B.shape("const", low))


def _tree(config: Mapping[str, Any]) -> A.Node:
    kind, params, lr = _block(config)
    if not kind:
        return B.number(lr)
    if kind == "OneCycle":
        return _onecycle(params)
    if kind == "WarmupCosineLR":
        return _warmup_cosine(params, lr)
    lo = number(params.get("warmup_min_lr", 0.0), "warmup_min_lr", TITLE)
    hi = number(params.get("warmup_max_lr", 1e-3 if kind == "WarmupDecayLR" else lr), "warmup_max_lr", TITLE)
    up, w = _warmup(params, lo, hi)
    if kind == "WarmupLR":
        return B.seq(B.shape("const", lo, 1), up, B.shape("const", hi))
    decay = B.shape("linear", (hi, lo), _decay_steps(params, w))
    return B.seq(B.shape("const", lo, 1), up, decay, B.shape("const", lo))


def read(config: Mapping[str, Any]) -> str:
    """The expression of a DeepSpeed config (its ``scheduler`` block; ``optimizer.params.lr`` for the cosine;
    ``OneCycle`` with ``cycle_momentum``: the set of ``lr`` and both ``betas``)."""
    return B.text(_tree(config))


def _config(kind: str, lr: float, **params: Any) -> Config:
    return {"optimizer": {"params": {"lr": lr}}, "scheduler": {"type": kind, "params": params}}


def _warmups(curve: Curve) -> Iterator[Config]:
    lo, hi, p = curve.start, curve.peak, curve.first_peak
    for kind, w in (("linear", p - 1), ("log", p)):
        if w < 2:
            continue
        common = {"warmup_min_lr": lo, "warmup_max_lr": hi, "warmup_num_steps": w, "warmup_type": kind}
        yield _config("WarmupLR", hi, **common)
        after = curve.last_peak + 1
        if after < curve.n and curve.y[after] < hi:
            steps = round((hi - lo) / (hi - float(curve.y[after])))  # the decay's slope is Δ/(N − W) per step
            yield _config("WarmupDecayLR", hi, total_num_steps=curve.last_peak - 1 + steps, **common)


def _cosine(curve: Curve) -> Iterator[Config]:
    """``WarmupCosineLR``: 0 at step 0, a linear warm-up from step 1 whose end (``W``) is where the steps stop being
    equal (or one before: a long cosine's first step down is within 1e-12 of the warm-up's), then the cosine."""
    y = curve.y
    if curve.n < 4 or not curve.same(float(y[0]), 0.0):
        return
    slope = float(y[2] - y[1])
    off = np.abs(np.diff(y[2 : curve.n]) - slope) > RTOL * abs(slope) + curve.atol
    last = 2 + (int(np.argmax(off)) if off.any() else curve.n - 3)
    for w in (last, last - 1):
        eta = float(y[1]) + slope * w
        if w < 2 or eta <= 0:
            continue
        yield _config(
            "WarmupCosineLR",
            tidy(eta),
            total_num_steps=min(curve.settles(w), curve.n),
            warmup_min_ratio=tidy(float(y[1]) / eta),
            warmup_num_steps=w,
            cos_min_ratio=tidy(curve.end / eta),
            warmup_type="linear",
        )


def _onecycles(curve: Curve) -> Iterator[Config]:
    lo, hi, f = curve.start, curve.peak, curve.first_peak
    top = curve.first_at(float(curve.y[0]), f)
    if f < 1 or top > curve.n or top <= f:
        return
    params: dict[str, Any] = {
        "cycle_min_lr": lo,
        "cycle_max_lr": hi,
        "cycle_first_step_size": f,
        "cycle_second_step_size": top - f,
        "cycle_momentum": False,
    }
    beta = curve.members.get("betas[0]")
    if beta is not None:  # DeepSpeed's default: betas[0] cycles against the rate, from cycle_min_mom at step 0
        params.update(cycle_momentum=True, cycle_min_mom=tidy(float(beta[0])), cycle_max_mom=tidy(float(beta[top])))
    if top + 1 < curve.n and float(curve.y[top + 1]) < lo:
        params.update(decay_lr_rate=tidy(lo / float(curve.y[top + 1]) - 1), decay_step_size=1)
    yield _config("OneCycle", hi, **params)


def candidates(curve: Curve) -> Iterable[Config]:
    if curve.first_peak == 0 and curve.last_peak == curve.n - 1:
        yield {"optimizer": {"params": {"lr": curve.peak}}}  # a constant rate: no scheduler block
    yield from _warmups(curve)
    yield from _cosine(curve)
    yield from _onecycles(curve)


def refusal(curve: Curve) -> str | None:
    beta1 = curve.members.get("betas[1]")
    if beta1 is not None and not np.all(curve.near(beta1[: curve.n], 0.99)):
        return "OneCycle, its only schedule of betas, sets betas[1] to 0.99 while it cycles betas[0] (cycle_momentum)"
    beta0 = curve.members.get("betas[0]")
    if beta0 is not None and not curve.near(beta0[:1], float(np.min(beta0[: curve.n])))[0]:
        return (
            "OneCycle's betas[0] is cycle_min_mom at step 0 (set when it is built), then starts its cycle from "
            f"cycle_max_mom; this starts at {beta0[0]:.10g}, above its least value {np.min(beta0[: curve.n]):.10g}"
        )
    return _shape_refusal(curve)


def _shape_refusal(curve: Curve) -> str | None:
    y0, y1 = curve.start, float(curve.y[min(1, curve.n)])
    if curve.first_peak == 0:
        return (
            "every schedule of it but a constant rate (no scheduler block) starts below its peak: WarmupLR and "
            "WarmupDecayLR at warmup_min_lr, WarmupCosineLR at 0, OneCycle at cycle_min_lr; this starts at its peak "
            f"{y0:.10g} and then changes"
        )
    if curve.first_peak > 1 and not (curve.same(y0, y1) or curve.same(y0, 0.0)):
        return (
            "its warm-ups hold their first value for two steps (the engine steps the scheduler after each update, "
            "from last_batch_iteration = −1) and WarmupCosineLR starts at 0; OneCycle's ramps are linear from "
            f"cycle_min_lr at step 0 and back; this starts at {y0:.10g}, then {y1:.10g}"
        )
    return None


def describe(config: Config) -> str:
    sched = config.get("scheduler") or {"type": "no scheduler", "params": {}}
    args = ", ".join(f"{k}={v!r}" for k, v in sched["params"].items())
    return f"{sched['type']}({args})"


def library(
    config: Config, steps: Sequence[int]
) -> npt.NDArray[np.float64] | Mapping[str, npt.NDArray[np.float64]] | None:
    """DeepSpeed's own scheduler object, built as the engine builds it, stepped after each update (``OneCycle`` with
    ``cycle_momentum``: its ``betas`` too)."""
    mods = real("deepspeed.runtime.lr_schedules")
    if mods is None:
        return None
    torch, schedules = mods
    kind, params, lr = _block(config)
    if not kind:
        return np.full(len(steps), lr)
    opt = optimizer(torch, lr)
    sched = in_library(TITLE, "the exported config", lambda: getattr(schedules, kind)(opt, **params))
    group = opt.param_groups[0]

    def jump(t: int) -> tuple[float, ...]:
        sched.last_batch_iteration = t - 1
        return (float(sched.get_lr()[0]), *_betas(sched, t))

    values = walk(steps, lambda: (group["lr"], *group["betas"]), sched.step, jump)
    if not getattr(sched, "cycle_momentum", False):
        return values[:, 0]
    return {"lr": values[:, 0], "betas[0]": values[:, 1], "betas[1]": values[:, 2]}


def _betas(sched: Any, t: int) -> tuple[float, float]:
    """``OneCycle``'s betas at step ``t`` by its closed form (``cycle_min_mom`` at step 0, set at construction)."""
    if not getattr(sched, "cycle_momentum", False):
        return 0.0, 0.0
    beta0, beta1 = (sched.min_moms if t == 0 else sched.get_mom())[0]
    return float(beta0), float(beta1)


def render(config: Config, fmt: str) -> str:
    from lrdsl.export.formats import python_call, structured

    if fmt == "python":
        return python_call("dict", config)
    return structured(config, fmt)


def _length(document: Mapping[str, Any]) -> int:
    """The run a config describes (checked over it when ``--steps`` is not given)."""
    sched = (document.get("scheduler") or {}).get("params") or {}
    total = sched.get("total_num_steps") or sched.get("warmup_num_steps", 1000)
    if "cycle_first_step_size" in sched:
        total = 2 * sched["cycle_first_step_size"]
    return int(total) + 2 if isinstance(total, int | float) else 1000


from_config, from_spec = interface(__name__, _length)


def from_deepspeed(config: object, total_steps: int | None = None) -> str:
    """The expression of a DeepSpeed config (a dict, or its JSON/YAML text), checked against the framework's own scheduler when it is installed
    (``lrdsl.from_deepspeed``, ``lrdsl import deepspeed CONFIG``)."""
    return from_config(config, total_steps=total_steps, steps_per_epoch=None)
