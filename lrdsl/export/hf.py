"""HF transformers: ``TrainingArguments`` fields for ``transformers.get_scheduler``.

HF's Trainer builds ``get_scheduler(lr_scheduler_type, optimizer, num_warmup_steps=warmup_steps,
num_training_steps=max_steps, scheduler_specific_kwargs=lr_scheduler_kwargs)``, a ``LambdaLR`` whose rate at step
``t`` (the step after ``t`` optimizer steps, the lrdsl ``t``) is ``learning_rate · λ(t)``. Every warm-up is
``t / W`` from 0 (WSD's from ``min_lr_ratio``), reaching the peak at ``t = W``; the decays take
``p = (t − W) / (N − W)``. The reading of a config is :func:`lrdsl.importers.hf.expression`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from lrdsl.errors import LrdslError
from lrdsl.export.core import Config, Curve, optimizer, real, tidy, walk
from lrdsl.importers.common import number, whole
from lrdsl.importers.hf import KINDS, REFUSED, expression

TITLE = "HF transformers' get_scheduler"
FORMATS = ("json", "yaml", "toml", "args", "python")
ALTERNATIVE = "run the expression itself: lrdsl.hf.Trainer(lr_schedule=EXPR, …) or lrdsl.torch.scheduler(opt, EXPR)"
KEYS = ("learning_rate", "lr_scheduler_type", "warmup_steps", "max_steps", "lr_scheduler_kwargs")
_WSD = ("linear", "cosine", "1-sqrt")


def _given(config: Mapping[str, Any]) -> tuple[str, dict[str, object], float]:
    """``get_scheduler``'s name, its keyword arguments and the optimizer's rate, as HF's Trainer passes them."""
    extra = set(config) - set(KEYS)
    if extra:
        raise LrdslError(
            f"{TITLE}: unknown TrainingArguments key(s) {sorted(extra)[:5]}", hint="keys: " + ", ".join(KEYS)
        )
    kind = str(config.get("lr_scheduler_type", "linear"))
    if kind not in KINDS:
        raise LrdslError(f"{TITLE} has no lr_scheduler_type of that name", hint="one of " + ", ".join(KINDS))
    if kind in REFUSED:
        raise LrdslError(f"{TITLE} {kind} is not a schedule of the step: {REFUSED[kind]}")
    lr = number(config.get("learning_rate", 5e-5), "learning_rate", TITLE)
    n = whole(config.get("max_steps"), "max_steps", TITLE, least=1)
    w = whole(config.get("warmup_steps", 0), "warmup_steps", TITLE)
    kwargs = config.get("lr_scheduler_kwargs") or {}
    if not isinstance(kwargs, Mapping):
        raise LrdslError(f"{TITLE}: lr_scheduler_kwargs must be a mapping")
    given: dict[str, object] = dict(kwargs)
    params = KINDS[kind][1]
    if "num_warmup_steps" in params:
        given["num_warmup_steps"] = w
    if "num_training_steps" in params:
        given["num_training_steps"] = n
    return kind, given, lr


def read(config: Mapping[str, Any]) -> str:
    """The expression of a ``TrainingArguments``-like mapping (``max_steps`` is the run)."""
    kind, given, lr = _given(config)
    return expression(kind, given, lr)


def _config(kind: str, curve: Curve, w: int, **kwargs: object) -> Config:
    out: Config = {"learning_rate": curve.peak, "lr_scheduler_type": kind}
    if w:
        out["warmup_steps"] = w
    out["max_steps"] = curve.n
    if kwargs:
        out["lr_scheduler_kwargs"] = dict(kwargs)
    return out


def _timescale(curve: Curve, w: int) -> int | None:
    """HF inverse_sqrt's ``timescale`` τ from the step after the warm-up: ``y = η·sqrt(τ / (τ + 1))``."""
    if w + 1 >= curve.n:
        return None
    y1, eta = float(curve.y[w + 1]), curve.peak
    return round(y1 * y1 / (eta * eta - y1 * y1)) if 0 < y1 < eta else None


def _wsd(curve: Curve, w: int) -> Iterator[Config]:
    s = curve.last_peak - w
    d = curve.settles(curve.last_peak) - curve.last_peak
    if d <= 0 or curve.end >= curve.peak:
        return
    kwargs: dict[str, object] = {"num_decay_steps": d}
    if w + s + d != curve.n:
        kwargs["num_stable_steps"] = s
    if curve.end:
        kwargs["min_lr_ratio"] = tidy(curve.end / curve.peak)
    for up in _WSD if w else ("linear",):
        for down in _WSD:
            more = {
                **({"warmup_type": up} if up != "linear" else {}),
                **({"decay_type": down} if down != "cosine" else {}),
            }
            yield _config("warmup_stable_decay", curve, w, **kwargs, **more)


def candidates(curve: Curve) -> Iterable[Config]:
    """HF configs that may give ``curve``: every ``lr_scheduler_type`` with its warm-up at the first peak."""
    w = curve.first_peak
    yield _config("constant" if w == 0 else "constant_with_warmup", curve, w)
    if w < curve.n - 1:
        yield _config("linear", curve, w)
        yield _config("cosine", curve, w)
        if curve.end > 0:
            yield _config("cosine_with_min_lr", curve, w, min_lr_rate=tidy(curve.end / curve.peak))
        cycles = len(curve.rises(w)) + 1
        if cycles > 1:
            yield _config("cosine_with_restarts", curve, w, num_cycles=cycles)
        power = curve.power(w, curve.n - w)
        if power is not None:
            yield _config("polynomial", curve, w, lr_end=curve.end, power=power)
    tau = _timescale(curve, w)
    if tau:
        default = w or 10_000
        yield _config("inverse_sqrt", curve, w, **({} if tau == default else {"timescale": tau}))
    yield from _wsd(curve, w)


def refusal(curve: Curve) -> str | None:
    """What no HF schedule can give, when it is one of the plain reasons."""
    y0 = curve.start
    if curve.first_peak and not (curve.same(y0, 0.0) or curve.same(y0, curve.end)):
        return (
            f"its warm-ups start at 0 (learning_rate·t/W; warmup_stable_decay's at min_lr_ratio·learning_rate, where it "
            f"also ends), and this one starts at {y0:.10g}"
        )
    return None


def describe(config: Config) -> str:
    kw = config.get("lr_scheduler_kwargs") or {}
    more = "".join(f", {k}={v!r}" for k, v in kw.items())
    return f"lr_scheduler_type={config['lr_scheduler_type']!r} (warmup_steps={config.get('warmup_steps', 0)}{more})"


def library(config: Config, steps: Sequence[int]) -> npt.NDArray[np.float64] | None:
    """HF's own scheduler, built as the Trainer builds it, at ``steps``."""
    mods = real("transformers")
    if mods is None:
        return None
    torch, transformers = mods
    kind, given, lr = _given(config)
    opt = optimizer(torch, lr)
    extra = {k: v for k, v in given.items() if k not in ("num_warmup_steps", "num_training_steps")}
    sched = transformers.get_scheduler(
        kind,
        opt,
        num_warmup_steps=given.get("num_warmup_steps", 0),
        num_training_steps=config["max_steps"],
        scheduler_specific_kwargs=extra,
    )
    lam = sched.lr_lambdas[0]
    return walk(steps, lambda: opt.param_groups[0]["lr"], sched.step, lambda t: lr * lam(t))


def render(config: Config, fmt: str) -> str:
    """``TrainingArguments`` fields as JSON, YAML, TOML, command-line flags or Python keywords."""
    from lrdsl.export.formats import flags, python_call, structured

    if fmt == "args":
        flat = {k: (json.dumps(v) if isinstance(v, dict) else v) for k, v in config.items()}
        return flags(flat)
    if fmt == "python":
        return python_call("TrainingArguments", config)
    return structured(config, fmt)
