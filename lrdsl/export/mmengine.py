"""mmengine: a config's ``param_scheduler`` list, iteration-based (``by_epoch=False``), with the optimizer's rate
(``optim_wrapper.optimizer.lr``) and the run (``train_cfg.max_iters``); ``mmengine/optim/scheduler/lr_scheduler.py``.

mmengine's ``ParamSchedulerHook`` steps every scheduler after each iteration; a scheduler acts while its step count
is in ``[begin, end)`` and then leaves the rate where it was (:mod:`lrdsl.importers.mmengine` has the arithmetic).
A warm-up ``LinearLR(start_factor=a/η, end_factor=1.0, begin=0, end=W+1)`` reaches ``η`` at step ``W``; the decay's
window begins at that same step ``W`` (its step 0 leaves the rate at ``η``), so the two share one step and the peak
is not held twice — the layout of ``linear(a→η, W) >> DECAY(η→m, D)``. The mmengine importer reads every list
written here (:func:`lrdsl.importers.mmengine.expression`), so ``lrdsl import mmengine`` takes the config back.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from lrdsl.errors import LrdslError
from lrdsl.export.core import Config, Curve, real, tidy, within_chained
from lrdsl.export.formats import python_call, scalar, structured
from lrdsl.export.sources import section
from lrdsl.importers.common import in_library, number, whole

TITLE = "mmengine's param_scheduler"
FORMATS = ("python", "json")
ALTERNATIVE = (
    "step lrdsl's own scheduler from a hook: lrdsl.torch.scheduler(optimizer, EXPR, total_steps=N) in a custom "
    "ParamSchedulerHook, or lrdsl gen torch EXPR"
)


def _run(config: Mapping[str, Any]) -> tuple[float, int, list[Mapping[str, Any]]]:
    lr = number(section(section(config, "optim_wrapper", TITLE), "optimizer", TITLE).get("lr"), "lr", TITLE)
    n = whole(section(config, "train_cfg", TITLE).get("max_iters"), "train_cfg.max_iters", TITLE, least=1)
    items = config.get("param_scheduler", [])
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise LrdslError(f"{TITLE}: param_scheduler must be a list of dicts with a 'type'")
    if any(i.get("by_epoch", True) for i in items):
        raise LrdslError(f"{TITLE}: only iteration-based schedulers are read here", hint="give by_epoch=False")
    return lr, n, items


def read(config: Mapping[str, Any]) -> str:
    """The expression of ``{"optim_wrapper": {"optimizer": {"lr"}}, "param_scheduler": […], "train_cfg":
    {"max_iters"}}``, read by lrdsl's mmengine importer (a warm-up sharing its last step with the decay included)."""
    from lrdsl.importers.mmengine import expression

    lr, n, items = _run(config)
    run = max([n, *(whole(i.get("end", n), "end", TITLE) for i in items)])
    return expression(list(items), lr=lr, iters_per_epoch=None, run_steps=run)


def _decays(curve: Curve, w: int) -> Iterator[dict[str, Any]]:
    d, eta, low = curve.decay_span(w), curve.peak, curve.end
    if d < 1:
        return
    window = {"begin": w, "end": w + d + 1, "by_epoch": False}
    yield {"type": "CosineAnnealingLR", "T_max": d, "eta_min": low, **window}
    yield {"type": "LinearLR", "start_factor": 1.0, "end_factor": tidy(low / eta), **window}
    power = curve.power(w, d)
    if power is not None:
        yield {"type": "PolyLR", "eta_min": low, "power": power, **window}
    if w + 1 < curve.n and 0 < curve.y[w + 1] < eta:
        yield {"type": "ExponentialLR", "gamma": tidy(float(curve.y[w + 1]) / eta), **window, "end": curve.n}


def candidates(curve: Curve) -> Iterable[Config]:
    eta, p, n = curve.peak, curve.first_peak, curve.n
    if eta <= 0 or (p and curve.start <= 0):
        return
    base = {"optim_wrapper": {"optimizer": {"lr": eta}}, "train_cfg": {"by_epoch": False, "max_iters": n}}
    warm = [{"type": "LinearLR", "start_factor": tidy(curve.start / eta), "end_factor": 1.0}]
    warm[0].update(begin=0, end=p + 1, by_epoch=False)
    head = warm if p else []
    if curve.last_peak == n - 1:
        yield {**base, "param_scheduler": head}
    for decay in _decays(curve, curve.last_peak):  # a held peak: a gap between the warm-up's window and the decay's
        yield {**base, "param_scheduler": [*head, decay]}


def refusal(curve: Curve) -> str | None:
    if curve.first_peak and curve.start <= 0:
        return "LinearLR scales the optimizer's rate by start_factor ≥ 0; a warm-up from 0 is start_factor 0"
    return None


def describe(config: Config) -> str:
    return "[" + ", ".join(_call(i) for i in config.get("param_scheduler", [])) + "]"


def _lit(value: object) -> str:
    return repr(value) if isinstance(value, bool) else scalar(value)


def _call(item: Mapping[str, Any]) -> str:
    """``dict(type=…, key=value, …)``: a scheduler as mmengine's Python config writes it."""
    return (
        f"dict(type={scalar(item['type'])}, "
        + ", ".join(f"{k}={_lit(v)}" for k, v in item.items() if k != "type")
        + ")"
    )


def library(config: Config, steps: Sequence[int]) -> npt.NDArray[np.float64] | None:
    """mmengine's own schedulers built from the list and stepped after each iteration, as its hook does."""
    mods = real("mmengine.optim.scheduler")
    if mods is None:
        return None
    from lrdsl.importers.mmengine import library_values

    lr, _, items = _run(config)
    last = within_chained(steps, TITLE)  # chainable: each scheduler reads the rate the others left
    values = in_library(TITLE, "the exported config", lambda: library_values(mods[1], list(items), lr, 1, last))
    return values[np.asarray(steps, dtype=np.int64)]


def render(config: Config, fmt: str) -> str:
    if fmt == "python":
        lr = scalar(config["optim_wrapper"]["optimizer"]["lr"])
        lines = ",\n".join(f"    {_call(i)}" for i in config["param_scheduler"])
        train = python_call("dict", config["train_cfg"])
        return f"optim_wrapper = dict(optimizer=dict(type='AdamW', lr={lr}))\nparam_scheduler = [\n{lines},\n]\ntrain_cfg = {train}"
    return structured(config, fmt)
