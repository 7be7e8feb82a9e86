"""torchtune 0.6.1: its one scheduler, ``torchtune.training.lr_schedulers.get_cosine_schedule_with_warmup``.

The recipes (``full_finetune_single_device.py`` and the others) build it from the config's ``lr_scheduler``
component as ``get_cosine_schedule_with_warmup(optimizer, num_warmup_steps=W, num_training_steps=N,
num_cycles=c)`` with ``N = epochs · steps_per_epoch`` (``steps_per_epoch`` = the dataloader's batches //
``gradient_accumulation_steps``, at most ``max_steps_per_epoch``), and step it after each optimizer step: update
``t`` (from 0) runs at ``lr·λ(t)``, a ``LambdaLR`` with

- ``λ(t) = t / max(1, W)`` while ``t < W`` (from 0, the peak at ``t = W``);
- then ``λ(t) = max(0, (1 + cos(2π·c·p))/2) = cos²(π·c·p)``, ``p = (t − W) / max(1, N − W)``.

``c = ½`` is one half-cosine to 0 at ``t = N`` (``linear(0→η, W) >> cosine(η→0, N − W)``), ``c = 0`` holds the peak
(``linear(0→η, W) >> const(η)``), any other ``c`` is a wave of ``2c`` half-cosines between η and 0. HF's
``get_cosine_schedule_with_warmup`` is the same function, so a config reads as HF's ``cosine``
(:func:`lrdsl.importers.hf.expression`).

A config is either the function's keyword arguments with the optimizer's rate, ``{"lr", "num_warmup_steps",
"num_training_steps", "num_cycles"}`` (``--format json``), or a recipe config's blocks (``optimizer``,
``lr_scheduler``, ``epochs``, ``max_steps_per_epoch``), read as the recipe reads them: ``N = epochs ·
max_steps_per_epoch`` (an epoch with fewer optimizer steps shortens the run: give ``--steps``), numbers as OmegaConf
reads them (``lr: 2e-5`` is a number, where YAML 1.1 reads text), and no ``lr_scheduler`` a constant rate.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from lrdsl.errors import LrdslError
from lrdsl.export.core import TIGHT, Config, Curve, optimizer, real, tidy, walk
from lrdsl.export.importing import imported
from lrdsl.export.sources import MAX_TEXT, loaded, section
from lrdsl.importers.common import in_library, number, whole
from lrdsl.importers.hf import expression
from lrdsl.importers.spec import is_config, load_yaml
from lrdsl.language import build as B
from lrdsl.language.echo import shown

TITLE = "torchtune's get_cosine_schedule_with_warmup"
FORMATS = ("json", "yaml", "args", "python")
ALTERNATIVE = (
    "torchtune has no other scheduler: return lrdsl.torch.scheduler(optimizer, EXPR, total_steps=N) from the "
    "recipe's _setup_lr_scheduler"
)
COMPONENT = "torchtune.training.lr_schedulers.get_cosine_schedule_with_warmup"
COMPONENTS = (COMPONENT, "torchtune.training.get_cosine_schedule_with_warmup")
KEYS = ("lr", "num_warmup_steps", "num_training_steps", "num_cycles")
BLOCK = ("_component_", "num_warmup_steps", "num_cycles")
"""The keys of a recipe's ``lr_scheduler`` block (the recipe passes the optimizer, ``num_training_steps`` and
``last_epoch`` itself, over any the block gives)."""
_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def _omega(value: object) -> object:
    """A number as OmegaConf reads YAML (``2e-5`` without a dot is a number; PyYAML reads it as text)."""
    return float(value) if isinstance(value, str) and _NUMBER.fullmatch(value.strip()) else value


def _run(document: Mapping[str, Any], steps: int | None) -> int:
    """The recipe's ``num_training_steps``: ``epochs · max_steps_per_epoch``, else ``steps`` (``--steps``)."""
    epochs, per = document.get("epochs"), document.get("max_steps_per_epoch")
    if epochs is not None and per is not None:
        n = whole(_omega(epochs), "epochs", TITLE, least=1) * whole(_omega(per), "max_steps_per_epoch", TITLE, least=1)
        return whole(n, "epochs · max_steps_per_epoch", TITLE, least=1)
    if steps is not None:
        return steps
    raise LrdslError(
        f"{TITLE}: the recipe passes num_training_steps = epochs · steps per epoch (the dataloader's batches // "
        "gradient_accumulation_steps, at most max_steps_per_epoch), and this config gives no max_steps_per_epoch",
        hint="give epochs and max_steps_per_epoch, or the run: --steps N",
    )


def arguments(document: Mapping[str, Any], steps: int | None = None) -> Config:
    """The function's keyword arguments and the optimizer's ``lr`` of ``document``: those already, or a recipe
    config's blocks (its run from ``epochs · max_steps_per_epoch``, else ``steps``)."""
    if "optimizer" not in document and "lr_scheduler" not in document:
        return dict(document)
    lr = section(document, "optimizer", TITLE).get("lr")
    if lr is None:
        raise LrdslError(f"{TITLE}: the optimizer block gives no lr", hint="optimizer: {_component_: …, lr: 2e-5}")
    block = section(document, "lr_scheduler", TITLE)
    if not block:  # the recipe runs without a scheduler: the optimizer's rate throughout
        return {"lr": _omega(lr), "num_warmup_steps": 0, "num_training_steps": 1, "num_cycles": 0.0}
    unknown = set(block) - set(BLOCK)
    if unknown:
        raise LrdslError(
            f"{TITLE}: unknown lr_scheduler key(s) {sorted(map(str, unknown))[:5]}",
            hint="keys: " + ", ".join(BLOCK) + " (the recipe passes num_training_steps and last_epoch itself)",
        )
    component = block.get("_component_")
    if component not in COMPONENTS:
        raise LrdslError(
            f"{TITLE}: lr_scheduler._component_ is {shown(component)}; torchtune's one scheduler is {COMPONENT}"
        )
    out = {k: _omega(block[k]) for k in ("num_warmup_steps", "num_cycles") if k in block}
    return {"lr": _omega(lr), **out, "num_training_steps": _run(document, steps)}


def _given(config: Mapping[str, Any]) -> tuple[float, int, int, float]:
    """``lr``, ``W``, ``N`` and ``num_cycles`` of the keyword arguments (both counts are required, as in
    torchtune)."""
    unknown = set(config) - set(KEYS)
    if unknown:
        raise LrdslError(f"{TITLE}: unknown key(s) {sorted(map(str, unknown))[:5]}", hint="keys: " + ", ".join(KEYS))
    lr = number(config.get("lr"), "lr", TITLE)
    w = whole(config.get("num_warmup_steps"), "num_warmup_steps", TITLE)
    n = whole(config.get("num_training_steps"), "num_training_steps", TITLE, least=1)
    cycles = number(config.get("num_cycles", 0.5), "num_cycles", TITLE)
    if cycles != 0 and n <= w:
        raise LrdslError(
            f"{TITLE}: num_warmup_steps ({w}) ≥ num_training_steps ({n}) leaves no steps for the cosine",
            hint="give more training steps than warm-up steps",
        )
    return lr, w, n, cycles


def read(config: Mapping[str, Any] | str) -> str:
    """The expression of the keyword arguments, or of a recipe config's blocks (:func:`arguments`; text:
    :func:`document`)."""
    lr, w, n, cycles = _given(arguments(document(config)))
    if cycles == 0:
        return B.text(B.seq(B.shape("linear", (0, lr), w), B.shape("const", lr)) if w else B.number(lr))
    return expression("cosine", {"num_warmup_steps": w, "num_training_steps": n, "num_cycles": cycles}, lr)


def _rounded(c: float) -> Iterator[float]:
    """``c`` with the fewest significant digits within 1e-9 of it, then ``c`` itself (each is checked)."""
    for digits in range(1, 16):
        short = float(f"{c:.{digits}g}")
        if abs(short - c) <= 1e-9 * abs(c):
            yield short
            break
    yield tidy(c)


def _cycles(curve: Curve, w: int) -> Iterator[float]:
    """``num_cycles`` read off the wave after the warm-up: ``y/η = cos²(π·c·k/D)`` at ``k`` steps in, first the
    step after the peak, then where the angle is near π/4 (where ``arccos`` is best conditioned)."""
    d, eta = curve.n - w, curve.peak
    if d < 2 or eta <= 0:
        return

    def angle(k: int) -> float | None:
        share = float(curve.y[w + k]) / eta
        return math.acos(math.sqrt(share)) if 0 <= share <= 1 else None

    first = angle(1)
    if not first:
        return
    c = first * d / math.pi
    k = max(1, min(d - 1, round(d / (4 * c))))
    at = angle(k)
    if at is not None and at < math.pi / 2:
        c = at * d / (math.pi * k)
    yield from _rounded(c)


def candidates(curve: Curve) -> Iterable[Config]:
    """The configs that may give ``curve``: its warm-up ends at the first peak; then held (``num_cycles`` 0), one
    half-cosine to 0 (the default ½, not written) or the wave's ``num_cycles``."""
    w = curve.first_peak
    base: Config = {"lr": curve.peak, "num_warmup_steps": w, "num_training_steps": curve.n}
    if curve.last_peak == curve.n - 1:
        yield {**base, "num_cycles": 0.0}
    if w < curve.n:
        yield base
        for cycles in _cycles(curve, w):
            if cycles not in (0.0, 0.5):
                yield {**base, "num_cycles": cycles}


def _held(curve: Curve, w: int) -> int | None:
    """The first step from ``w`` where the value is the same three steps running, unless it is constant."""
    seg = curve.y[w : curve.n]
    if seg.size < 3 or np.all(curve.near(seg, float(seg[0]))):
        return None
    same = np.abs(np.diff(seg)) <= TIGHT * np.maximum(np.abs(seg[1:]), np.abs(seg[:-1]))
    run = same[1:] & same[:-1]
    return w + int(np.argmax(run)) if run.any() else None


def refusal(curve: Curve) -> str | None:
    """The torchtune rules this curve breaks, when they are the plain ones."""
    w, reasons = curve.first_peak, []
    if w and not curve.same(curve.start, 0.0):
        reasons.append(f"its warm-up is lr·t/num_warmup_steps from 0, and this one starts at {curve.start:.10g}")
    held = _held(curve, w)
    if held is not None:
        reasons.append(
            f"after its warm-up it is lr·cos²(π·num_cycles·p), p = (t − W)/(N − W), which holds a value only when "
            f"it is constant (num_cycles 0); this one holds {curve.y[held]:.10g} from step {held}"
        )
    elif curve.end > 0 and curve.end < curve.peak and curve.y[curve.n] <= np.min(curve.y[w : curve.n]):
        reasons.append(f"its cosine (num_cycles 0.5) ends at 0, with no floor, and this one ends at {curve.end:.10g}")
    return "; ".join(reasons) or None


def describe(config: Config) -> str:
    return ", ".join(f"{k}={config[k]!r}" for k in KEYS if k in config)


def library(config: Config, steps: Sequence[int]) -> npt.NDArray[np.float64] | None:
    """torchtune's own scheduler, built as its recipes build it, at ``steps``."""
    mods = real("torchtune.training.lr_schedulers")
    if mods is None:
        return None
    torch, mod = mods
    lr, w, n, cycles = _given(arguments(config))
    opt = optimizer(torch, lr)
    sched = in_library(
        TITLE, "the exported config", lambda: mod.get_cosine_schedule_with_warmup(opt, w, n, num_cycles=cycles)
    )
    lam = sched.lr_lambdas[0]
    return walk(steps, lambda: opt.param_groups[0]["lr"], sched.step, lambda t: lr * lam(t))


def recipe(config: Config) -> Config:
    """The blocks of a recipe config that give ``config``: one epoch of ``N`` optimizer steps."""
    block: Config = {
        "_component_": COMPONENT,
        **{k: config[k] for k in ("num_warmup_steps", "num_cycles") if k in config},
    }
    return {
        "epochs": 1,
        "max_steps_per_epoch": config["num_training_steps"],
        "optimizer": {"_component_": "torch.optim.AdamW", "lr": config["lr"]},
        "lr_scheduler": block,
    }


def render(config: Config, fmt: str) -> str:
    """The keyword arguments as JSON or Python; a recipe config's blocks as YAML or ``tune run`` overrides."""
    from lrdsl.export.formats import flat, python_call, scalar, structured

    if fmt == "python":
        call = python_call("get_cosine_schedule_with_warmup", {k: v for k, v in config.items() if k != "lr"})
        call = call.replace("(\n", "(\n    optimizer,\n", 1)  # the optimizer first, as the recipe passes it
        return (
            f"# optimizer = torch.optim.AdamW(params, lr={scalar(config['lr'])})\n"
            f"from torchtune.training.lr_schedulers import get_cosine_schedule_with_warmup\n\n"
            f"scheduler = {call}"
        )
    if fmt == "json":
        return structured(config, fmt)
    blocks = recipe(config)
    if fmt == "args":
        pairs = {k: v for k, v in flat(blocks).items() if k != "optimizer._component_"}
        return " \\\n".join(f"{k}={v if isinstance(v, str) else scalar(v)}" for k, v in pairs.items())
    note = (
        f"# num_training_steps = epochs · max_steps_per_epoch = {config['num_training_steps']} when an epoch has at "
        "least that many optimizer steps (batches // gradient_accumulation_steps)\n"
    )
    return note + structured(blocks, "yaml")


def document(config: object) -> Mapping[str, Any]:
    """A mapping, a ``.json``/``.yaml`` file, or JSON or YAML text (read, never executed; bounded)."""
    if isinstance(config, str) and not is_config(config) and not config.lstrip().startswith(("{", "[")):
        if len(config) > MAX_TEXT:
            raise LrdslError(f"the config has {len(config):,} characters; at most {MAX_TEXT:,}")
        config = load_yaml(config, "the torchtune config")
        if not isinstance(config, Mapping):
            raise LrdslError(f"a config is a mapping of keys, not {type(config).__name__}")
    return loaded(config)  # type: ignore[arg-type]


def from_config(config: object, *, total_steps: int | None, steps_per_epoch: float | None) -> str:
    """The expression of a config (keyword arguments or a recipe's blocks), checked against torchtune's own
    scheduler when it is installed; ``total_steps`` is the run of a recipe config without
    ``max_steps_per_epoch``."""
    del steps_per_epoch
    if total_steps is not None:
        whole(total_steps, "--steps", TITLE, least=1)
    kwargs = arguments(document(config), total_steps)
    n = whole(kwargs.get("num_training_steps"), "num_training_steps", TITLE, least=1)
    return imported(sys.modules[__name__], kwargs, total_steps, n)


def from_spec(
    name: str, args: list[object], kwargs: dict[str, object], *, total_steps: int | None, steps_per_epoch: float | None
) -> str:
    """Refused: torchtune is configured, not called."""
    raise LrdslError(f"{TITLE} is configured, not called: give its config (a .json or .yaml file, or YAML text)")


def from_torchtune(config: object, total_steps: int | None = None) -> str:
    """The expression of a torchtune config (a dict, a file, or JSON/YAML text), checked against torchtune's own
    scheduler when it is installed (``lrdsl.from_torchtune``, ``lrdsl import torchtune CONFIG``)."""
    return from_config(config, total_steps=total_steps, steps_per_epoch=None)
