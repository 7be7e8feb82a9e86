"""PyTorch's built-in schedulers as code, for a user who wants no generated class: ``LinearLR`` for a warm-up and
``CosineAnnealingLR``, ``LinearLR``, ``PolynomialLR`` or ``ExponentialLR`` for the decay, joined by ``SequentialLR`` at the warm-up's
end (``torch/optim/lr_scheduler.py``, torch 2.13).

Every scheduler is stepped after each optimizer step; step ``t`` uses the rate after ``t`` calls. ``SequentialLR``
calls the next scheduler's ``step(0)`` at its milestone, so the decay starts from its own step 0 at ``t = W``. A
config is read by lrdsl's torch importer (:func:`lrdsl.importers.torch.from_spec`) from the code it renders.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from lrdsl.errors import LrdslError
from lrdsl.export.core import Config, Curve, optimizer, real, stepped, tidy
from lrdsl.export.formats import scalar, table_call

TITLE = "PyTorch's built-in schedulers"
FORMATS = ("python", "json")
ALTERNATIVE = "use lrdsl.torch.scheduler(optimizer, EXPR), or lrdsl gen torch EXPR for a standalone class"
ARGS = {
    "LinearLR": ("start_factor", "end_factor", "total_iters"),
    "CosineAnnealingLR": ("T_max", "eta_min"),
    "PolynomialLR": ("total_iters", "power"),
    "ExponentialLR": ("gamma",),
}
"""The schedulers an export writes → the keyword arguments it may give them."""


def code(config: Mapping[str, Any], opt: str = "optimizer") -> str:
    """The scheduler as one line of Python over an optimizer named ``opt``."""
    items = config.get("schedulers")
    marks = config.get("milestones") or []
    if not isinstance(items, list) or not items or len(items) > 2 or not isinstance(marks, list):
        raise LrdslError(f"{TITLE}: give schedulers, a list of one or two, and milestones, a list")
    calls = [table_call(TITLE, ARGS, item, opt) for item in items]
    if len(calls) == 1:
        return calls[0]
    return f"SequentialLR({opt}, schedulers=[{', '.join(calls)}], milestones=[{', '.join(map(scalar, marks))}])"


def read(config: Mapping[str, Any]) -> str:
    """The expression of ``{"lr": η, "schedulers": […], "milestones": […]}``, read by the torch importer."""
    from lrdsl.export.importing import read_call

    lr = config.get("lr")
    if isinstance(lr, bool) or not isinstance(lr, int | float) or not math.isfinite(lr):
        raise LrdslError(f"{TITLE}: lr must be the optimizer's rate, a finite number")
    return read_call("torch", code(config, "opt")[:-1] + f", lr={scalar(float(lr))})")


def _decays(curve: Curve, w: int) -> Iterator[dict[str, Any]]:
    d = curve.decay_span(w)
    if d < 1:
        return
    eta, low = curve.peak, curve.end
    if w + 1 < curve.n and 0 < curve.y[w + 1] < eta:
        yield {"type": "ExponentialLR", "gamma": tidy(float(curve.y[w + 1]) / eta)}
    if w + d >= curve.n:  # past T_max PyTorch's cosine rises again (its period is 2·T_max): never in the run
        yield {"type": "CosineAnnealingLR", "T_max": d, "eta_min": low}
    yield {"type": "LinearLR", "start_factor": 1.0, "end_factor": tidy(low / eta), "total_iters": d}
    power = curve.power(w, d)
    if low == 0 and power is not None:
        yield {"type": "PolynomialLR", "total_iters": d, "power": power}


def candidates(curve: Curve) -> Iterable[Config]:
    w, eta = curve.first_peak, curve.peak
    warm = {"type": "LinearLR", "start_factor": tidy(curve.start / eta), "total_iters": w}
    if eta <= 0 or (curve.start <= 0 and w):
        return
    if w and curve.last_peak == curve.n - 1:
        yield {"lr": eta, "schedulers": [warm], "milestones": []}
    for decay in _decays(curve, w):
        yield {"lr": eta, "schedulers": [warm, decay] if w else [decay], "milestones": [w] if w else []}


def refusal(curve: Curve) -> str | None:
    if curve.first_peak and curve.start <= 0:
        return "LinearLR's start_factor must be above 0, so a warm-up cannot start at 0"
    return None


def describe(config: Config) -> str:
    return code(config)


def library(config: Config, steps: Sequence[int]) -> npt.NDArray[np.float64] | None:
    """The schedulers built by PyTorch itself from the config and stepped after each (empty) update, through the
    last checked step (they are chainable: :func:`lrdsl.export.core.stepped` bounds the steps)."""
    mods = real("torch.optim.lr_scheduler")
    if mods is None:
        return None
    torch, schedulers = mods
    opt = optimizer(torch, float(config["lr"]))
    built = [
        getattr(schedulers, item["type"])(opt, **{k: v for k, v in item.items() if k != "type"})
        for item in config["schedulers"]
    ]
    sched = built[0] if len(built) == 1 else schedulers.SequentialLR(opt, built, milestones=config["milestones"])
    return stepped(steps, lambda: opt.param_groups[0]["lr"], sched.step, TITLE)


def render(config: Config, fmt: str) -> str:
    from lrdsl.export.formats import structured

    if fmt == "python":
        return f"# optimizer = torch.optim.AdamW(params, lr={scalar(float(config['lr']))})\nscheduler = {code(config)}"
    return structured(config, fmt)
