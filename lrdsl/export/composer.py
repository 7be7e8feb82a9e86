"""Composer: a scheduler of ``composer.optim.scheduler`` (0.32) with Composer time strings, and the optimizer's rate.

A Composer scheduler is a function ``α(state)`` of the trainer's timestamp; ``compile_composer_scheduler`` wraps it
in a ``LambdaLR`` stepped after each batch, so update ``t`` runs at ``lr · α(batch = t)``. Every time the export
writes is in batches (``"Nba"``) and the run is ``max_duration = "Nba"``:

- ``ConstantScheduler(alpha, t_max)``: ``α`` before ``t_max``, then 1;
- ``LinearScheduler(alpha_i, alpha_f, t_max)``: ``α_i + (α_f − α_i)·min(1, t/T)``;
- ``CosineAnnealingScheduler(t_max, alpha_f)``: ``α_f + (1 − α_f)·(1 + cos π·min(1, t/T))/2``;
- ``PolynomialScheduler(power, t_max, alpha_f)``: ``α_f + (1 − α_f)·(1 − min(1, t/T))^p``;
- ``ExponentialScheduler(gamma, decay_period)``: ``γ^(t/P)``; ``StepScheduler(step_size, gamma)``: ``γ^⌊t/S⌋``;
- the ``…WithWarmupScheduler`` forms rise ``linear(0 → α_i, W)`` first (always from 0) and then run the decay over
  ``q = min(1, (t − W)/(T − W))``; Composer requires their ``t_max ≥ max_duration``, so their decay cannot end
  before the run does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from lrdsl.errors import LrdslError
from lrdsl.export.core import Config, Curve, optimizer, real, tidy, walk
from lrdsl.export.formats import python_call, scalar, structured
from lrdsl.export.importing import interface
from lrdsl.importers.common import in_library, number
from lrdsl.language import ast as A
from lrdsl.language import build as B

TITLE = "Composer's schedulers"
FORMATS = ("json", "yaml", "python")
ALTERNATIVE = (
    "pass the expression as Composer's scheduler: Trainer(…, schedulers=lambda state: "
    "lrdsl.evaluate(EXPR, total_steps=N, steps=[int(state.timestamp.batch)])[0] / LR)"
)
ARGS = {
    "ConstantScheduler": ("alpha", "t_max"),
    "LinearScheduler": ("alpha_i", "alpha_f", "t_max"),
    "CosineAnnealingScheduler": ("t_max", "alpha_f"),
    "PolynomialScheduler": ("power", "t_max", "alpha_f"),
    "ExponentialScheduler": ("gamma", "decay_period"),
    "StepScheduler": ("step_size", "gamma"),
    "ConstantWithWarmupScheduler": ("t_warmup", "alpha", "t_max"),
    "LinearWithWarmupScheduler": ("t_warmup", "alpha_i", "alpha_f", "t_max"),
    "CosineAnnealingWithWarmupScheduler": ("t_warmup", "t_max", "alpha_f"),
    "PolynomialWithWarmupScheduler": ("t_warmup", "power", "t_max", "alpha_f"),
}
"""The schedulers an export writes and an import reads → their keyword arguments."""
_TIME = re.compile(r"(\d+(?:\.\d+)?(?:e\d+)?)(ba|dur|ep)")


def _max(config: Mapping[str, Any]) -> int:
    """``max_duration`` in batches (``"Nba"`` or a whole number)."""
    value = config.get("max_duration")
    if isinstance(value, str) and value.endswith("ba") and value[:-2].isdigit() and 0 < int(value[:-2]) <= 10**15:
        return int(value[:-2])
    raise LrdslError(f'{TITLE}: max_duration must be a number of batches, "Nba"', hint='e.g. "max_duration": "1000ba"')


def _time(value: object, what: str, n: int) -> int:
    """A time string in batches: ``"Nba"``, or ``"Xdur"`` (``int(X·N)``, as Composer converts it)."""
    match = _TIME.fullmatch(value) if isinstance(value, str) else None
    if match is None or match.group(2) == "ep":
        raise LrdslError(f'{TITLE}: {what} must be a time in batches ("100ba") or of the run ("0.1dur")')
    x = float(match.group(1))
    if match.group(2) == "dur":
        return int(x * n)
    if not x.is_integer() or x > 10**15:
        raise LrdslError(f"{TITLE}: {what} must be a whole number of batches")
    return int(x)


@dataclass(frozen=True)
class _Args:
    """A scheduler's arguments, read with Composer's defaults."""

    item: Mapping[str, Any]
    n: int

    def num(self, key: str, default: float) -> float:
        return number(self.item.get(key, default), key, TITLE)

    def time(self, key: str, default: str) -> int:
        return _time(self.item.get(key, default), key, self.n)


def _scheduler(config: Mapping[str, Any]) -> tuple[str, _Args, float]:
    item = config.get("scheduler")
    if not isinstance(item, Mapping) or item.get("type") not in ARGS:
        raise LrdslError(f"{TITLE}: the config needs a scheduler whose type is one of " + ", ".join(ARGS))
    kind = str(item["type"])
    unknown = set(item) - {"type", *ARGS[kind]}
    if unknown:
        raise LrdslError(f"{TITLE} {kind}: unknown argument(s) {sorted(map(str, unknown))[:5]}")
    return kind, _Args(item, _max(config)), number(config.get("lr"), "lr", TITLE)


def _decay(kind: str, a: _Args, lr: float, span: int) -> A.Expr:
    """The decay of ``kind`` from ``lr`` over ``span`` steps, then its floor."""
    low = lr * a.num("alpha_f", 0.0)
    floor = B.shape("const", low)
    if span < 1:
        return floor
    if "Linear" in kind:
        return B.seq(B.shape("linear", (lr * a.num("alpha_i", 1.0), low), span), floor)
    if "Cosine" in kind:
        return B.seq(B.shape("cosine", (lr, low), span), floor)
    power = a.num("power", 2.0 if "Warmup" in kind else float("nan"))
    return B.seq(B.shape("poly", (lr, low), span, power=power), floor)


def _plain(kind: str, a: _Args, lr: float) -> A.Expr:
    if kind == "ConstantScheduler":
        t = a.time("t_max", "1dur")
        return B.seq(B.shape("const", lr * a.num("alpha", 1.0), t), B.shape("const", lr)) if t else B.number(lr)
    if kind == "ExponentialScheduler":
        every = a.time("decay_period", "1ba")
        return B.shape("exp_decay", lr, rate=a.num("gamma", 0.0), every=max(every, 1))
    if kind == "StepScheduler":
        return B.shape("step", lr, gamma=a.num("gamma", 0.1), every=max(a.time("step_size", "1ba"), 1))
    return _decay(kind, a, lr, a.time("t_max", "1dur"))


def read(config: Mapping[str, Any]) -> str:
    """The expression of ``{"lr": η, "max_duration": "Nba", "scheduler": {"type": …, …}}``."""
    kind, a, lr = _scheduler(config)
    if "Warmup" not in kind:
        return B.text(_plain(kind, a, lr))
    w, t = a.time("t_warmup", "0ba"), a.time("t_max", "1dur")
    if t < a.n:
        raise LrdslError(f"{TITLE} {kind}: t_max ({t} batches) must be ≥ max_duration ({a.n}), as Composer requires")
    top = lr * a.num("alpha" if kind.startswith("Constant") else "alpha_i", 1.0)
    rest = B.shape("const", top) if kind.startswith("Constant") else _decay(kind, a, lr, t - w)
    return B.text(B.seq(B.shape("linear", (0, top), w), rest) if w else rest)


def _ba(k: int) -> str:
    return f"{k}ba"


def _decays(curve: Curve, w: int) -> Iterator[dict[str, Any]]:
    """The decays from the peak at ``w`` over the rest of the run: linear, cosine, polynomial."""
    d, eta = curve.decay_span(w), curve.peak
    if d < 1:
        return
    alpha = tidy(curve.end / eta)
    yield {"type": "Linear", "alpha_f": alpha, "t_max": _ba(w + d)}
    yield {"type": "CosineAnnealing", "alpha_f": alpha, "t_max": _ba(w + d)}
    power = curve.power(w, d)
    if power is not None:
        yield {"type": "Polynomial", "power": power, "alpha_f": alpha, "t_max": _ba(w + d)}


def _plains(curve: Curve) -> Iterator[dict[str, Any]]:
    eta, y = curve.peak, curve.y
    for decay in _decays(curve, 0):
        kind = decay.pop("type")
        yield {"type": f"{kind}Scheduler", **({"alpha_i": 1.0} if kind == "Linear" else {}), **decay}
    if curve.n > 1 and 0 < y[1] < eta:
        yield {"type": "ExponentialScheduler", "gamma": tidy(float(y[1]) / eta), "decay_period": "1ba"}
        if 0 < curve.end < eta:  # exp(η→b, N): γ = b/η per N batches, exact where a per-batch ratio rounds
            yield {"type": "ExponentialScheduler", "gamma": tidy(curve.end / eta), "decay_period": _ba(curve.n)}
    drops = np.nonzero(~curve.near(y[1 : curve.n], float(y[0])))[0]
    if len(drops) and 0 < y[1 + drops[0]] < eta:
        first = 1 + int(drops[0])
        yield {"type": "StepScheduler", "step_size": _ba(first), "gamma": tidy(float(y[first]) / eta)}


def _warmups(curve: Curve) -> Iterator[dict[str, Any]]:
    w, n = curve.first_peak, curve.n
    if curve.last_peak == n - 1:
        yield {"type": "ConstantWithWarmupScheduler", "t_warmup": _ba(w), "alpha": 1.0, "t_max": _ba(n)}
    for decay in _decays(curve, w):
        if int(decay["t_max"][:-2]) < n:  # Composer refuses t_max < max_duration for these
            continue
        kind = decay.pop("type")
        extra = {"alpha_i": 1.0} if kind == "Linear" else {}
        yield {"type": f"{kind}WithWarmupScheduler", "t_warmup": _ba(w), **extra, **decay}


def candidates(curve: Curve) -> Iterable[Config]:
    eta = curve.peak
    if eta <= 0:
        return
    schedulers = _plains(curve) if curve.first_peak == 0 else _warmups(curve)
    if curve.first_peak == 0 and curve.last_peak == curve.n - 1:
        schedulers = iter([{"type": "ConstantScheduler", "alpha": 1.0, "t_max": "0ba"}])
    for item in schedulers:
        yield {"lr": eta, "max_duration": _ba(curve.n), "scheduler": item}


def refusal(curve: Curve) -> str | None:
    if curve.first_peak and not curve.same(curve.start, 0.0):
        return (
            "its warm-ups (the …WithWarmupScheduler forms) rise from 0 (LinearScheduler(alpha_i=0.0)); "
            f"this starts at {curve.start:.10g}"
        )
    settled = curve.settles(curve.last_peak)
    if curve.first_peak and settled < curve.n:
        return (
            "its warm-up schedulers need t_max ≥ max_duration, so their decay cannot end before the run; "
            f"this one settles at step {settled} of {curve.n}"
        )
    return None


def describe(config: Config) -> str:
    item = dict(config.get("scheduler") or {})
    kind = item.pop("type", "?")
    return f"{kind}({', '.join(f'{k}={scalar(v)}' for k, v in item.items())}) at lr={scalar(config.get('lr'))}"


class _State:
    """What Composer's schedulers read of the trainer's ``State``: the timestamp, the run, the optimizers."""

    def __init__(self, timestamp: Any, max_duration: Any, optimizers: list[Any]) -> None:
        self.timestamp, self.max_duration, self.optimizers = timestamp, max_duration, optimizers
        self.dataloader_len = None


def stepped(schedulers: Any, time: Any, config: Mapping[str, Any], steps: Sequence[int]) -> npt.NDArray[np.float64]:
    """``config`` built by Composer's own ``schedulers`` and ``time`` modules (``composer.optim.scheduler``,
    ``composer.core.time``), compiled to its ``LambdaLR`` and stepped after each batch as ``Trainer.fit`` does."""
    import torch

    kind, _, lr = _scheduler(config)
    args = {k: v for k, v in config["scheduler"].items() if k != "type"}
    opt = optimizer(torch, lr)
    state = _State(time.Timestamp(), time.Time.from_timestring(str(config["max_duration"])), [opt])
    made = in_library(TITLE, "the exported config", lambda: getattr(schedulers, kind)(**args))
    sched = in_library(TITLE, "the exported config", lambda: schedulers.compile_composer_scheduler(made, state))

    def step() -> None:
        state.timestamp = state.timestamp.to_next_batch()
        sched.step()

    def jump(t: int) -> float:
        state.timestamp = time.Timestamp(batch=t)
        return lr * float(made(state))

    return walk(steps, lambda: opt.param_groups[0]["lr"], step, jump)


def library(config: Config, steps: Sequence[int]) -> npt.NDArray[np.float64] | None:
    """Composer's own schedulers (when ``composer`` imports: it needs torchvision)."""
    mods = real("composer.optim.scheduler", "composer.core.time")
    if mods is None:
        return None
    return stepped(mods[1], mods[2], config, steps)


def render(config: Config, fmt: str) -> str:
    if fmt == "python":
        item = dict(config["scheduler"])
        kind = item.pop("type")
        return (
            f"# optimizer = torch.optim.AdamW(params, lr={scalar(config['lr'])})\n"
            f"# Trainer(…, max_duration={scalar(config['max_duration'])}, schedulers=scheduler)\n"
            f"scheduler = {python_call(kind, item)}"
        )
    return structured(config, fmt)


from_config, from_spec = interface(__name__, _max)


def from_composer(config: object, total_steps: int | None = None) -> str:
    """The expression of a Composer scheduler config (a dict, or its JSON/YAML text), checked against Composer's own
    scheduler when it is installed (``lrdsl.from_composer``, ``lrdsl import composer CONFIG``)."""
    return from_config(config, total_steps=total_steps, steps_per_epoch=None)
