"""torchtitan 0.3.0: ``LRSchedulersContainer.Config`` fields (``torchtitan/components/optimizer/lr_scheduler.py``).

torchtitan wraps each optimizer in a ``LambdaLR`` and steps it after every optimizer step, so step ``t`` runs with
``λ(t)``. With ``N = training.steps``, ``W = warmup_steps`` and ``D = round(N·decay_ratio)`` (``N − W`` without a
ratio), it keeps ``S = N + 1 − W − D`` stable steps and counts from 1: ``λ(t) = (t + 1)/W`` for ``t < W`` (the
peak at ``t = W − 1``), 1 for ``t < W + S``, then the decay at ``q = (t + 1 − W − S)/D`` from 1 to
``min_lr_factor`` (``linear``: ``1 − q``; ``sqrt``: ``1 − √q``; ``cosine``: ``(1 + cos πq)/2``). The last step
of the run has ``q = (D − 1)/D``: the floor itself is never used. As an expression this is the whole schedule
one step ahead: ``(linear(0→η, W) >> const(η, S) >> decay(η→m·η, D)) * offset(1)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from lrdsl.errors import LrdslError
from lrdsl.export.core import Config, Curve, optimizer, real, tidy, walk
from lrdsl.export.importing import interface
from lrdsl.export.sources import section
from lrdsl.importers.common import in_library, number, whole
from lrdsl.language import build as B

TITLE = "torchtitan's LRSchedulersContainer"
FORMATS = ("json", "yaml", "toml", "args", "python")
ALTERNATIVE = (
    "torchtitan takes no other schedule: replace its LRSchedulersContainer by lrdsl.torch.scheduler(opt, EXPR)"
)
FIELDS = ("warmup_steps", "total_steps", "decay_ratio", "decay_type", "min_lr_factor")
DECAYS = {"linear": "linear", "sqrt": "sqrt", "cosine": "cosine"}
"""torchtitan ``decay_type`` → the lrdsl shape with the same curve between its ends."""


def _layout(config: Mapping[str, Any]) -> tuple[float, dict[str, Any], int, int, int]:
    """The rate, the scheduler fields, and ``W``, ``S``, ``D`` as ``Config.build`` computes them."""
    if not {"optimizer", "lr_scheduler", "training"} & set(config):
        raise LrdslError(
            f"{TITLE}: a config has the sections optimizer, lr_scheduler and training; this one has none of them",
            hint='{"optimizer": {"lr": …}, "lr_scheduler": {"warmup_steps": …}, "training": {"steps": …}}',
        )
    sched = dict(section(config, "lr_scheduler", TITLE))
    unknown = set(sched) - set(FIELDS)
    if unknown:
        raise LrdslError(f"{TITLE}: unknown field(s) {sorted(map(str, unknown))[:5]}", hint=", ".join(FIELDS))
    lr = number(section(config, "optimizer", TITLE).get("lr", 8e-4), "optimizer.lr", TITLE)
    steps = section(config, "training", TITLE).get("steps", 10_000)
    n = whole(sched.get("total_steps") or steps, "training.steps", TITLE, least=1)
    w = min(whole(sched.get("warmup_steps", 200), "warmup_steps", TITLE), n)
    ratio = sched.get("decay_ratio")
    d = n - w if ratio is None else min(round(n * number(ratio, "decay_ratio", TITLE)), n - w)
    if d < 0 or sched.get("decay_type", "linear") not in DECAYS:
        raise LrdslError(f"{TITLE}: decay_ratio must be ≥ 0 and decay_type one of " + ", ".join(DECAYS))
    return lr, sched, w, n + 1 - w - d, d


def read(config: Mapping[str, Any]) -> str:
    """The expression of ``{"optimizer": {"lr"}, "lr_scheduler": {…}, "training": {"steps"}}``."""
    lr, sched, w, s, d = _layout(config)
    low = lr * number(sched.get("min_lr_factor", 0.0), "min_lr_factor", TITLE)
    parts = [B.shape("linear", (0, lr), w)] if w else []
    parts.append(B.shape("const", lr, s))
    if d:
        parts.append(B.shape(DECAYS[sched.get("decay_type", "linear")], (lr, low), d))
    return B.text(B.mul(B.seq(*parts), B.offset(1)))


def _warmups(curve: Curve) -> Iterator[int]:
    y0 = curve.start
    if curve.same(y0, curve.peak):
        yield 0
        yield 1
    elif y0 > 0:
        yield round(curve.peak / y0)


def candidates(curve: Curve) -> Iterable[Config]:
    n, eta = curve.n, curve.peak
    d = n - curve.last_peak
    for w in _warmups(curve):
        if w + d > n or eta <= 0:
            continue
        sched: dict[str, Any] = {"warmup_steps": w}
        if curve.last_peak == n - 1:  # no decay within the run
            yield {"optimizer": {"lr": eta}, "lr_scheduler": {**sched, "decay_ratio": 0.0}, "training": {"steps": n}}
        if d != n - w:
            ratio = tidy(d / n)
            sched["decay_ratio"] = ratio if round(n * ratio) == d else d / n
        for kind in DECAYS:
            more = {"decay_type": kind, "min_lr_factor": tidy(curve.end / eta)}
            yield {"optimizer": {"lr": eta}, "lr_scheduler": {**sched, **more}, "training": {"steps": n}}


def refusal(curve: Curve) -> str | None:
    y0 = curve.start
    if not curve.same(y0, curve.peak) and (y0 <= 0 or not float(curve.peak / y0).is_integer()):
        return (
            f"its warm-up is lr·(t + 1)/warmup_steps, so it starts at lr/warmup_steps; this starts at {y0:.10g}, "
            f"which is not its peak {curve.peak:.10g} over a whole number"
        )
    return None


def describe(config: Config) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in config["lr_scheduler"].items())


def library(config: Config, steps: Sequence[int]) -> npt.NDArray[np.float64] | None:
    """torchtitan's own container, built by ``Config.build`` and stepped after each optimizer step."""
    mods = real("torchtitan.components.optimizer.lr_scheduler")
    if mods is None:
        return None
    torch, mod = mods
    lr, sched, w, s, d = _layout(config)
    opt = optimizer(torch, lr)
    n = w + s + d - 1  # the run Config.build is given (training.steps, or the scheduler's total_steps)
    box = in_library(
        TITLE,
        "the exported config",
        lambda: mod.LRSchedulersContainer.Config(**sched).build(optimizers=[opt], training_steps=n),
    )
    lam = box.schedulers[0].lr_lambdas[0]
    return walk(steps, lambda: opt.param_groups[0]["lr"], box.step, lambda t: lr * lam(t))


def render(config: Config, fmt: str) -> str:
    from lrdsl.export.formats import flags, flat, python_call, structured

    if fmt == "args":
        return flags(flat(config))
    if fmt == "python":
        return python_call("LRSchedulersContainer.Config", config["lr_scheduler"])
    return structured(config, fmt)


def _length(document: Mapping[str, Any]) -> int:
    """The run a config describes (checked over it when ``--steps`` is not given)."""
    steps = (document.get("training") or {}).get("steps", 10_000)
    return int(steps) if isinstance(steps, int) and steps > 0 else 10_000


from_config, from_spec = interface(__name__, _length)


def from_torchtitan(config: object, total_steps: int | None = None) -> str:
    """The expression of torchtitan's config sections (a dict, or JSON/YAML text), checked against the framework's own scheduler when it is installed
    (``lrdsl.from_torchtitan``, ``lrdsl import torchtitan CONFIG``)."""
    return from_config(config, total_steps=total_steps, steps_per_epoch=None)
