"""Optax's built-in schedules as code: ``optax.join_schedules`` of a ``linear_schedule`` warm-up and a
``cosine_decay_schedule``, ``linear_schedule``, ``polynomial_schedule`` or ``exponential_decay``
(``optax/schedules/_schedule.py``, _join.py).

A schedule is a function of the update count (``count`` 0 for the first update: the lrdsl ``t``);
``join_schedules`` calls the next schedule with ``count − boundary``, so the decay starts from its own 0 at
``t = W``. Optax computes in float32: the real schedule is compared at float32's tolerance (rtol 1e-6). A config is
read back by lrdsl's optax importer from the code it renders.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from lrdsl.errors import LrdslError
from lrdsl.export.core import Config, Curve, real, tidy
from lrdsl.export.formats import scalar, table_call

TITLE = "Optax's built-in schedules"
FORMATS = ("python", "json")
ALTERNATIVE = "use lrdsl.optax.schedule(EXPR), or lrdsl gen optax EXPR for a standalone function"
LIBRARY_RTOL = 1e-6  # the library computes in float32
ARGS = {
    "linear_schedule": ("init_value", "end_value", "transition_steps"),
    "cosine_decay_schedule": ("init_value", "decay_steps", "alpha"),
    "polynomial_schedule": ("init_value", "end_value", "power", "transition_steps"),
    "exponential_decay": ("init_value", "transition_steps", "decay_rate"),
    "constant_schedule": ("value",),
}


def code(config: Mapping[str, Any], prefix: str = "optax.") -> str:
    items, marks = config.get("schedules"), config.get("boundaries") or []
    if not isinstance(items, list) or not items or len(items) > 2 or not isinstance(marks, list):
        raise LrdslError(f"{TITLE}: give schedules, a list of one or two, and boundaries, a list")
    calls = [prefix + table_call(TITLE, ARGS, item) for item in items]
    if len(calls) == 1:
        return calls[0]
    return f"{prefix}join_schedules([{', '.join(calls)}], boundaries=[{', '.join(map(scalar, marks))}])"


def read(config: Mapping[str, Any]) -> str:
    """The expression of ``{"schedules": […], "boundaries": […]}``, read by the optax importer."""
    from lrdsl.export.importing import read_call

    return read_call("optax", code(config, ""))


def _decays(curve: Curve, w: int) -> Iterator[dict[str, Any]]:
    d = curve.decay_span(w)
    if d < 1:
        return
    eta, low = curve.peak, curve.end
    yield {"type": "cosine_decay_schedule", "init_value": eta, "decay_steps": d, "alpha": tidy(low / eta)}
    yield {"type": "linear_schedule", "init_value": eta, "end_value": low, "transition_steps": d}
    power = curve.power(w, d)
    if power is not None:
        yield {
            "type": "polynomial_schedule",
            "init_value": eta,
            "end_value": low,
            "power": power,
            "transition_steps": d,
        }
    if w + 1 < curve.n and 0 < curve.y[w + 1] < eta:
        rate = float(curve.y[w + 1]) / eta  # as few digits as hold over the run, else all of them
        for r in dict.fromkeys((tidy(rate), rate)):
            yield {"type": "exponential_decay", "init_value": eta, "transition_steps": 1, "decay_rate": r}


def candidates(curve: Curve) -> Iterable[Config]:
    w, eta = curve.first_peak, curve.peak
    warm = {"type": "linear_schedule", "init_value": curve.start, "end_value": eta, "transition_steps": w}
    if not w and curve.last_peak == curve.n - 1:
        yield {"schedules": [{"type": "constant_schedule", "value": eta}], "boundaries": []}
    if w and curve.last_peak == curve.n - 1:
        yield {"schedules": [warm], "boundaries": []}
    for decay in _decays(curve, w):
        yield {"schedules": [warm, decay] if w else [decay], "boundaries": [w] if w else []}


def refusal(curve: Curve) -> str | None:
    return None


def describe(config: Config) -> str:
    return code(config)


def library(config: Config, steps: Sequence[int]) -> npt.NDArray[np.float64] | None:
    """The schedule built by Optax itself, evaluated at each step's count."""
    mods = real("optax", "jax.numpy")
    if mods is None:
        return None
    _, optax, jnp = mods
    parts = [
        getattr(optax, item["type"])(**{k: v for k, v in item.items() if k != "type"}) for item in config["schedules"]
    ]
    fn = parts[0] if len(parts) == 1 else optax.join_schedules(parts, boundaries=config["boundaries"])
    counts = jnp.asarray(np.asarray(steps, dtype=np.int64).clip(max=2**31 - 1), dtype=jnp.int32)
    return np.asarray(fn(counts), dtype=float)


def render(config: Config, fmt: str) -> str:
    from lrdsl.export.formats import structured

    if fmt == "python":
        return f"schedule = {code(config)}"
    return structured(config, fmt)
