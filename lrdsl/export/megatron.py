"""Megatron-core: ``OptimizerParamScheduler`` keyword arguments, in samples
(``megatron/core/optimizer_param_scheduler.py``, megatron-core 0.16).

Megatron's training loop builds the scheduler with every length in samples (iterations × global batch ``B``) —
``lr_warmup_steps = lr_warmup_iters·B``, ``lr_decay_steps = lr_decay_iters·B``, ``wd_incr_steps = train_iters·B``,
``wsd_decay_steps = lr_wsd_decay_iters·B`` — and calls ``step(increment=B)`` after each iteration; the
constructor itself calls ``step(0)``. So iteration ``t`` runs with ``num_steps = t·B``:

- warm-up: ``init_lr + (max_lr − init_lr)·t/W`` for ``t ≤ W`` (the peak at ``t = W``);
- ``linear`` / ``cosine``: from ``max_lr`` at ``W`` to ``min_lr`` at ``D = lr_decay_iters``, then ``min_lr``;
- ``inverse-square-root``: ``max(min_lr, max_lr·sqrt(max(W, 1)/max(t, 1)))`` up to ``D``;
- ``WSD``: ``max_lr`` up to ``A = D − lr_wsd_decay_iters``, then the decay style over the last iterations;
- weight decay: ``start_wd → end_wd`` over ``train_iters`` (``constant``, ``linear``, ``cosine``), rising only.

Its rates are Python floats (float64).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from lrdsl.errors import LrdslError
from lrdsl.export.core import Config, Curve, optimizer, real, tidy, walk
from lrdsl.export.importing import interface
from lrdsl.importers.common import in_library, number, whole
from lrdsl.language import ast as A
from lrdsl.language import build as B

TITLE = "Megatron-core's OptimizerParamScheduler"
FORMATS = ("json", "yaml", "toml", "args", "python")
ALTERNATIVE = (
    "Megatron takes no other schedule: run lrdsl.torch.scheduler(opt, EXPR) on the optimizer in place of the "
    "OptimizerParamScheduler"
)
KEYS = (
    "init_lr",
    "max_lr",
    "min_lr",
    "lr_warmup_steps",
    "lr_decay_steps",
    "lr_decay_style",
    "start_wd",
    "end_wd",
    "wd_incr_steps",
    "wd_incr_style",
    "wsd_decay_steps",
    "lr_wsd_decay_style",
)
STYLES = ("constant", "linear", "cosine", "inverse-square-root", "WSD")


def _exponential(hi: float, lo: float, d: int) -> A.Expr:
    """Megatron's WSD ``exponential`` decay: ``lo + (hi − lo)·(2·0.5^p − 1)``, ``p`` the decay's progress."""
    wave = B.sub(B.mul(2, B.power(0.5, B.name("p"))), 1)
    return B.fn(B.add(lo, B.mul(B.sub(hi, lo), wave)), d)


WSD_STYLES: dict[str, Callable[[float, float, int], A.Expr]] = {
    "linear": lambda hi, lo, d: B.shape("linear", (hi, lo), d),
    "cosine": lambda hi, lo, d: B.shape("cosine", (hi, lo), d),
    "minus_sqrt": lambda hi, lo, d: B.shape("sqrt", (hi, lo), d),
    "exponential": _exponential,
}
"""``lr_wsd_decay_style`` → the decay from ``hi`` to ``lo`` over ``d`` iterations."""
DEFAULT_WD = 0.01
"""Megatron's ``--weight-decay`` default: the weight decay of an expression with no ``weight_decay`` member."""


def with_batch(curve: Curve, samples_per_step: int | None) -> Curve:
    if samples_per_step is None:
        raise LrdslError(
            "Megatron's scheduler counts samples: the export needs the global batch",
            hint="give --samples-per-step B (Megatron's --global-batch-size)",
        )
    b = whole(samples_per_step, "samples_per_step", TITLE, least=1)
    return dataclasses.replace(curve, batch=b)


def _iters(sched: Mapping[str, Any], key: str, b: int, default: object = None) -> int:
    samples = whole(sched.get(key, default), key, TITLE)
    if samples % b:
        raise LrdslError(f"{TITLE}: {key} ({samples}) is not a whole number of iterations of {b} samples")
    return samples // b


def _lr(sched: Mapping[str, Any], b: int) -> A.Expr:
    init, hi, lo = (number(sched.get(k), k, TITLE) for k in ("init_lr", "max_lr", "min_lr"))
    if not (0 <= lo <= hi and init <= hi):
        raise LrdslError(f"{TITLE} asserts 0 ≤ min_lr ≤ max_lr and init_lr ≤ max_lr", hint="its warm-up only rises")
    w, d = _iters(sched, "lr_warmup_steps", b), _iters(sched, "lr_decay_steps", b)
    style = sched.get("lr_decay_style")
    if style not in STYLES or not 0 <= w < d:
        raise LrdslError(
            f"{TITLE}: lr_decay_style must be one of {', '.join(STYLES)}, with lr_warmup_steps < lr_decay_steps"
        )
    head = [B.shape("linear", (init, hi), w)] if w else []
    if style == "constant":
        return B.seq(*head, B.shape("const", hi))
    if style == "inverse-square-root":
        # max_lr·sqrt(max(W·B, 1) / max(t·B, 1)) in samples: with no warm-up the 1 is one sample, not one iteration
        ratio = B.div(max(w * b, 1), B.math_call("max", B.mul(B.name("t"), b), 1))
        decay = B.fn(B.mul(hi, B.math_call("sqrt", ratio)), d - w + 1)
        return B.seq(*head, B.call("max", lo, decay), B.shape("const", lo))
    if style == "WSD":
        return B.seq(*head, *_wsd(sched, b, hi, lo, w, d), B.shape("const", lo))
    return B.seq(*head, B.shape(style, (hi, lo), d - w), B.shape("const", lo))


def _wsd(sched: Mapping[str, Any], b: int, hi: float, lo: float, w: int, d: int) -> list[A.Expr]:
    """WSD after the warm-up: ``max_lr`` held to ``A = D − lr_wsd_decay_iters``, then the decay style to ``D``."""
    a = d - _iters(sched, "wsd_decay_steps", b)
    kind = sched.get("lr_wsd_decay_style")
    if kind not in WSD_STYLES or not w <= a < d:
        raise LrdslError(
            f"{TITLE}: WSD needs lr_wsd_decay_style one of {', '.join(WSD_STYLES)} and wsd_decay_steps within the decay"
        )
    stable = [B.shape("const", hi, a - w)] if a > w else []
    return [*stable, WSD_STYLES[kind](hi, lo, d - a)]


def _wd(sched: Mapping[str, Any], b: int) -> A.Expr:
    start, end = (number(sched.get(k), k, TITLE) for k in ("start_wd", "end_wd"))
    if not 0 <= start <= end:
        raise LrdslError(f"{TITLE} asserts 0 ≤ start_wd ≤ end_wd: its weight decay only rises")
    n = _iters(sched, "wd_incr_steps", b)
    style = sched.get("wd_incr_style")
    if style == "constant" or start == end:
        return B.number(end)
    if style not in ("linear", "cosine") or n < 1:
        raise LrdslError(f"{TITLE}: wd_incr_style must be constant, linear or cosine, over wd_incr_steps ≥ 1")
    return B.seq(B.shape(style, (start, end), n), B.shape("const", end))


def read(config: Mapping[str, Any]) -> str:
    """The lr + weight-decay set of ``{"increment": B, "scheduler": {…}}`` (a bare scheduler mapping: ``B = 1``)."""
    sched = config.get("scheduler", config)
    if not isinstance(sched, Mapping):
        raise LrdslError(f"{TITLE}: scheduler must be a mapping of its keyword arguments")
    unknown = set(sched) - set(KEYS)
    if unknown:
        raise LrdslError(f"{TITLE}: unknown argument(s) {sorted(map(str, unknown))[:5]}", hint=", ".join(KEYS))
    b = whole(config.get("increment", 1), "increment", TITLE, least=1)
    return B.text(B.schedule_set({"lr": _lr(sched, b), "weight_decay": _wd(sched, b)}))


def _wd_configs(curve: Curve) -> Iterator[dict[str, Any]]:
    n = curve.n * curve.batch
    wd = curve.members.get("weight_decay")
    if wd is None:
        yield {"start_wd": DEFAULT_WD, "end_wd": DEFAULT_WD, "wd_incr_steps": n, "wd_incr_style": "constant"}
        return
    start, end = tidy(float(wd[0])), tidy(float(wd[curve.n]))
    if not 0 <= start <= end:
        return
    if start == end:
        yield {"start_wd": start, "end_wd": end, "wd_incr_steps": n, "wd_incr_style": "constant"}
        return
    for style in ("linear", "cosine"):
        yield {"start_wd": start, "end_wd": end, "wd_incr_steps": n, "wd_incr_style": style}


def _lr_configs(curve: Curve) -> Iterator[dict[str, Any]]:
    b, w, hi = curve.batch, curve.first_peak, curve.peak
    base = {"init_lr": curve.start, "max_lr": hi, "lr_warmup_steps": w * b}
    d = curve.settles(w)
    if curve.last_peak == curve.n - 1 or d > curve.n:
        yield {
            **base,
            "min_lr": curve.end if curve.end <= hi else hi,
            "lr_decay_steps": max(curve.n, w + 1) * b,
            "lr_decay_style": "constant",
        }
    if w < d <= curve.n:
        for style in ("linear", "cosine"):
            yield {**base, "min_lr": curve.end, "lr_decay_steps": d * b, "lr_decay_style": style}
    a = curve.last_peak
    d = curve.settles(a)
    if w <= a < d <= curve.n:
        for kind in ("linear", "cosine", "minus_sqrt"):
            yield {
                **base,
                "min_lr": curve.end,
                "lr_decay_steps": d * b,
                "lr_decay_style": "WSD",
                "wsd_decay_steps": (d - a) * b,
                "lr_wsd_decay_style": kind,
            }
    yield {**base, "min_lr": 0.0, "lr_decay_steps": max(curve.n, w + 1) * b, "lr_decay_style": "inverse-square-root"}


def candidates(curve: Curve) -> Iterable[Config]:
    if curve.start > curve.peak:
        return
    for lr in _lr_configs(curve):
        for wd in _wd_configs(curve):
            yield {"increment": curve.batch, "scheduler": {**lr, **wd}}


def refusal(curve: Curve) -> str | None:
    wd = curve.members.get("weight_decay")
    if wd is not None and float(wd[curve.n]) < float(wd[0]):
        return "its weight decay only rises (end_wd ≥ start_wd, over train_iters); this one falls"
    if curve.rises(curve.first_peak):
        return "its rate rises only in the warm-up; this one rises again later"
    return None


def describe(config: Config) -> str:
    s = config["scheduler"]
    return ", ".join(
        f"{k}={s[k]!r}" for k in ("lr_decay_style", "lr_warmup_steps", "lr_decay_steps", "wd_incr_style") if k in s
    )


def library(config: Config, steps: Sequence[int]) -> Mapping[str, npt.NDArray[np.float64]] | None:
    """Megatron's own ``OptimizerParamScheduler``, stepped by the global batch as its training loop steps it: the
    rate and weight decay of each iteration."""
    mods = real("megatron.core.optimizer_param_scheduler")
    if mods is None:
        return None
    torch, mod = mods
    b = int(config["increment"])
    opt = optimizer(torch, 1.0)
    sched = in_library(TITLE, "the exported config", lambda: mod.OptimizerParamScheduler(opt, **config["scheduler"]))
    group = opt.param_groups[0]

    def jump(t: int) -> tuple[float, float]:
        sched.num_steps = t * b
        return float(sched.get_lr(group)), float(sched.get_wd(group))

    pairs = walk(steps, lambda: (group["lr"], group["weight_decay"]), lambda: sched.step(increment=b), jump)
    return {"lr": pairs[:, 0], "weight_decay": pairs[:, 1]}


ARGS = {
    "max_lr": "lr",
    "min_lr": "min-lr",
    "init_lr": "lr-warmup-init",
    "lr_warmup_steps": "lr-warmup-iters",
    "lr_decay_steps": "lr-decay-iters",
    "lr_decay_style": "lr-decay-style",
    "wsd_decay_steps": "lr-wsd-decay-iters",
    "lr_wsd_decay_style": "lr-wsd-decay-style",
    "start_wd": "start-weight-decay",
    "end_wd": "end-weight-decay",
    "wd_incr_style": "weight-decay-incr-style",
}
"""``OptimizerParamScheduler`` argument → ``pretrain_gpt.py`` flag (``…_steps`` in samples → ``…-iters``)."""


def render(config: Config, fmt: str) -> str:
    from lrdsl.export.formats import flags, python_call, structured

    s, b = config["scheduler"], int(config["increment"])
    if fmt == "args":
        out: dict[str, Any] = {"train-iters": s["wd_incr_steps"] // b, "global-batch-size": b}
        for key, flag in ARGS.items():
            if key in s:
                out[flag] = s[key] // b if key.endswith("_steps") else s[key]
        if s["wd_incr_style"] == "constant":
            out["weight-decay"] = out.pop("end-weight-decay")
            out.pop("start-weight-decay")
        return flags(out)
    if fmt == "python":
        return python_call("OptimizerParamScheduler", {"optimizer": "optimizer", **s}).replace(
            '"optimizer"', "optimizer", 1
        )
    return structured(config, fmt)


def _length(document: Mapping[str, Any]) -> int:
    """The run a config describes (checked over it when ``--steps`` is not given)."""
    sched = document.get("scheduler", document)
    steps, b = sched.get("wd_incr_steps", 1000), document.get("increment", 1)
    return max(1, int(steps) // int(b)) if isinstance(steps, int) and isinstance(b, int) and b > 0 else 1000


from_config, from_spec = interface(__name__, _length)


def from_megatron(config: object, total_steps: int | None = None) -> str:
    """The expression of megatron-core OptimizerParamScheduler arguments (a dict, or JSON/YAML text); the lr and weight-decay set, checked against the framework's own scheduler when it is installed
    (``lrdsl.from_megatron``, ``lrdsl import megatron CONFIG``)."""
    return from_config(config, total_steps=total_steps, steps_per_epoch=None)
