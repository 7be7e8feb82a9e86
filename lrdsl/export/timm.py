"""timm: the arguments of ``timm.scheduler.create_scheduler_v2`` (timm 1.0), stepped on updates.

The export writes ``step_on_epochs=False`` with ``updates_per_epoch=1``, so every "epoch" count is a number of
updates, and ``warmup_prefix=True``, so the decay starts from its own 0 after the warm-up. timm's ``train.py``
calls ``step_update(num_updates=t + 1)`` after update ``t``: update ``t`` runs at ``f(t)``, ``f(0)`` being the rate
the scheduler sets when it is built. With ``W = warmup_epochs``, ``T = num_epochs``:

- warm-up ``warmup_lr + t·(η − warmup_lr)/W`` for ``t < W`` → ``linear(warmup_lr→η, W)``;
- ``cosine``: ``min_lr + (η − min_lr)·(1 + cos(π·s/T))/2`` and ``min_lr`` after ``T`` → ``cosine(η→min_lr, T)``;
- ``poly``: ``min_lr + (η − min_lr)·(1 − s/T)^decay_rate`` → ``poly(η→min_lr, T, power=decay_rate)``;
- ``step``: ``η·decay_rate^⌊t/decay_epochs⌋``; ``constant``: ``η``.

A config is read by lrdsl's timm importer (:mod:`lrdsl.importers.timm`), which holds timm's arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from lrdsl.errors import LrdslError
from lrdsl.export.core import Config, Curve, real, tidy, walk
from lrdsl.export.formats import python_call, structured
from lrdsl.export.sources import section
from lrdsl.importers.common import in_library, number

TITLE = "timm's create_scheduler_v2"
FORMATS = ("json", "python")
ALTERNATIVE = "use lrdsl.torch.scheduler(optimizer, EXPR, total_steps=N) in place of timm's scheduler"
KEY = "create_scheduler_v2"


def _built(config: Mapping[str, Any]) -> tuple[str, dict[str, object], float, int]:
    """The scheduler class timm's factory builds, its arguments, the rate and the run in updates."""
    from lrdsl.importers.timm import _factory_to_class

    lr = number(config.get("lr"), "lr", TITLE)
    kw = dict(section(config, KEY, TITLE))
    if kw.get("step_on_epochs", True) or kw.get("updates_per_epoch") != 1:
        raise LrdslError(f"{TITLE}: only schedules stepped on updates are read here", hint=_ON_UPDATES)
    cls, args, _, epochs = _factory_to_class(kw)
    return cls, args, lr, epochs


_ON_UPDATES = "give step_on_epochs=False and updates_per_epoch=1 (every count is then in updates)"


def read(config: Mapping[str, Any]) -> str:
    """The expression of ``{"lr": η, "create_scheduler_v2": {…}}``, read by the timm importer."""
    from lrdsl.importers.timm import expression

    cls, args, lr, _ = _built(config)
    return expression(cls, args, lr)


def _common(curve: Curve, w: int) -> dict[str, Any]:
    warm = {"warmup_epochs": w, "warmup_lr": curve.start, "warmup_prefix": True} if w else {}
    return {"step_on_epochs": False, "updates_per_epoch": 1, **warm}


def _decays(curve: Curve, w: int) -> Iterator[dict[str, Any]]:
    d, low = curve.decay_span(w), curve.end
    if d < 1:
        return
    yield {"sched": "cosine", "num_epochs": d, "min_lr": low}
    power = curve.power(w, d)
    if power is not None:
        yield {"sched": "poly", "num_epochs": d, "min_lr": low, "decay_rate": power}


def _steps(curve: Curve, w: int) -> Iterator[dict[str, Any]]:
    y, eta = curve.y, curve.peak
    drops = np.nonzero(~curve.near(y[w + 1 : curve.n], eta))[0]
    if len(drops) and 0 < y[w + 1 + drops[0]] < eta:
        k = 1 + int(drops[0])
        yield {"sched": "step", "num_epochs": curve.n - w, "decay_epochs": k, "decay_rate": tidy(float(y[w + k]) / eta)}


def candidates(curve: Curve) -> Iterable[Config]:
    eta, w = curve.peak, curve.first_peak
    if eta <= 0:
        return
    items: list[dict[str, Any]] = []
    if curve.last_peak == curve.n - 1:
        items.append({"sched": "constant", "num_epochs": curve.n - w})
    items += [*_decays(curve, w), *_steps(curve, w)]
    for item in items:
        yield {"lr": eta, KEY: {**item, **_common(curve, w)}}


def refusal(curve: Curve) -> str | None:
    if curve.last_peak > curve.first_peak:
        return "its decays start right after the warm-up (no stable phase with warmup_prefix); a held peak departs"
    return None


def describe(config: Config) -> str:
    args = {"lr": config.get("lr"), **config.get(KEY, {})}
    return f"{KEY}(" + ", ".join(f"{k}={v!r}" for k, v in args.items()) + ")"


def stepped(module: Any, config: Mapping[str, Any], steps: Sequence[int]) -> npt.NDArray[np.float64]:
    """``config`` built by timm's own ``create_scheduler_v2`` (``module`` is ``timm.scheduler``) over a one-parameter
    SGD and stepped as timm's ``train.py`` steps it, at ``steps``; a long run (``steps`` not the whole run) at each
    checked step by ``step_update(num_updates=t)``, which computes the rate from ``t`` alone."""
    import torch

    _built(config)  # its checks
    lr = float(config["lr"])
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)
    kw = dict(config[KEY])
    sched, _ = in_library(TITLE, "the exported config", lambda: module.create_scheduler_v2(opt, **kw))
    group, first, count = opt.param_groups[0], opt.param_groups[0]["lr"], [0]

    def step() -> None:
        count[0] += 1
        sched.step_update(num_updates=count[0])

    def jump(t: int) -> float:  # step_update sets the rate of update t from t alone (timm's _get_lr)
        if t:
            sched.step_update(num_updates=t)
        return float(group["lr"]) if t else float(first)

    return walk(steps, lambda: group["lr"], step, jump)


def library(config: Config, steps: Sequence[int]) -> npt.NDArray[np.float64] | None:
    """timm's own factory and scheduler (when ``timm`` imports: it needs torchvision)."""
    mods = real("timm.scheduler")
    return None if mods is None else stepped(mods[1], config, steps)


def render(config: Config, fmt: str) -> str:
    if fmt == "python":
        return (
            f"# optimizer = torch.optim.AdamW(params, lr={config['lr']!r})\n"
            f"scheduler, _ = {python_call('create_scheduler_v2', {'optimizer': True, **config[KEY]})}".replace(
                "optimizer=True", "optimizer=optimizer"
            )
        )
    return structured(config, fmt)
