"""Code generation: one lowered schedule printed as standalone framework code.

Each target is a row of :data:`TARGETS`: a printer (how IR becomes code), a Jinja
skeleton (where the printed strings go), a default name and a usage line. Python
computes every code string; the templates only place them.
"""

from __future__ import annotations

import functools
import keyword
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import jinja2

from lrdsl.ast import Schedule
from lrdsl.codegen import verify
from lrdsl.codegen.emitter import Emitter, safe_comment
from lrdsl.codegen.scalar import ScalarPrinter
from lrdsl.codegen.tensor import KerasPrinter, TensorPrinter
from lrdsl.errors import LrdslError, did_you_mean
from lrdsl.formatter import format_number
from lrdsl.lowering.lower import Lowered

STDLIB = frozenset({"math", "bisect"})


@dataclass(frozen=True)
class Target:
    """One code-generation target."""

    name: str
    printer: Callable[[Emitter], ScalarPrinter | TensorPrinter]
    template: str
    default_name: str
    title: str
    usage: str
    extra_imports: tuple[str, ...] = ()


TARGETS: dict[str, Target] = {
    t.name: t
    for t in [
        Target("python", ScalarPrinter, "python.py.jinja", "lr", "A dependency-free learning-rate function.",
               "Call lr(step) with the 0-based optimizer step."),
        Target("torch", ScalarPrinter, "torch.py.jinja", "Scheduler", "A PyTorch learning-rate scheduler.",
               "Create Scheduler(optimizer); call scheduler.step() after each optimizer.step().",
               ("from torch.optim.lr_scheduler import LRScheduler",)),
        Target("paddle", ScalarPrinter, "paddle.py.jinja", "Scheduler", "A PaddlePaddle learning-rate scheduler.",
               "Pass Scheduler() as the optimizer's learning_rate; call scheduler.step() after each step.",
               ("from paddle.optimizer.lr import LRScheduler",)),
        Target("optax", TensorPrinter, "optax.py.jinja", "schedule", "An Optax schedule.",
               "Pass it as the learning rate: optax.adam(schedule); Optax calls it with its step count."),
        Target("keras", KerasPrinter, "keras.py.jinja", "Schedule", "A Keras 3 learning-rate schedule.",
               "Use keras.optimizers.Adam(learning_rate=Schedule())."),
    ]
}  # fmt: skip


def generate(
    schedule: str | Schedule,
    target: str,
    total_steps: int | None = None,
    steps_per_epoch: float | None = None,
    name: str | None = None,
    params: Mapping[str, float] | None = None,
) -> str:
    """Standalone source code for ``schedule`` in ``target`` (see :data:`TARGETS`)."""
    from lrdsl.api import as_schedule
    from lrdsl.lowering.lower import lower_schedule

    parsed = as_schedule(schedule)
    plan = lower_schedule(parsed, total_steps, steps_per_epoch, params, symbolic=True)
    try:
        return generate_lowered(plan, target, name)
    except LrdslError as err:
        raise err.with_source(parsed.source or plan.text) from None


def generate_lowered(plan: Lowered, target: str, name: str | None = None) -> str:
    """Source code for an already lowered schedule; an error where ``evaluate`` refuses it (:mod:`.verify`)."""
    spec = TARGETS.get(target)
    if spec is None:
        raise LrdslError(
            f"unknown target '{target}'", hint=did_you_mean(target, TARGETS) or f"targets: {', '.join(TARGETS)}"
        )
    verify.check(plan)
    name = spec.default_name if name is None else check_name(name)
    arguments = [(check_parameter(p), default) for p, default in plan.arguments]
    emitter = Emitter(takes_params=bool(arguments))
    printer = spec.printer(emitter)
    root = printer.sched(plan.ir, True)
    per_epoch = f" ({format_number(plan.steps_per_epoch)} steps per epoch)" if plan.steps_per_epoch else ""
    code = (
        _env()
        .get_template(spec.template)
        .render(
            title=spec.title,
            schedule=safe_comment(plan.text) if len(plan.text) <= 100 else safe_comment(plan.text[:97]) + "...",
            total=plan.total,
            per_epoch=per_epoch,
            usage=spec.usage,
            imports=_imports(emitter.imports, spec.extra_imports),
            constants="\n".join(emitter.constants),
            functions="\n\n\n".join(emitter.defs),
            root=root,
            name=name,
            **_argument_strings(arguments),
        )
    )
    return re.sub(r"\n{4,}", "\n\n\n", code).rstrip("\n") + "\n"


def check_name(name: str) -> str:
    """``name`` if it is a plain ASCII Python identifier that is not a keyword."""
    if not (isinstance(name, str) and name.isascii() and name.isidentifier()) or keyword.iskeyword(name):
        raise LrdslError(
            f"--name must be a Python identifier, got {name!r}",
            hint="letters, digits and underscores, not starting with a digit",
        )
    if name.startswith("_") or name in {"lr_at", "math", "bisect", "jax", "jnp", "keras", "ops", "LRScheduler"}:
        raise LrdslError(f"--name {name!r} is reserved in generated code", hint="choose another name")
    return name


RESERVED = frozenset({
    "step", "optimizer", "last_epoch", "mode", "key", "self", "count", "u", "p", "lr", "params", "math",
    "bisect", "jnp", "jax", "ops", "keras", "min", "max", "int", "float", "abs", "range", "len", "type", "super",
})  # fmt: skip
"""Names a parameter may not take in generated code (arguments, modules and builtins it uses)."""


def check_parameter(name: str) -> str:
    """``name`` if a ``$parameter`` of that name can be an argument of generated code."""
    if keyword.iskeyword(name) or name in RESERVED or name.startswith("_"):
        raise LrdslError(
            f"parameter ${name} cannot be an argument of generated code",
            hint="rename it (it clashes with a Python keyword or a name the code uses)",
        )
    return name


def _argument_strings(arguments: list[tuple[str, float | None]]) -> dict[str, object]:
    """The code strings that carry parameters through a template (all empty without any)."""
    if not arguments:
        return {
            "keyword_args": "",
            "pass_params": "",
            "params_dict": "{}",
            "pass_self_params": "",
            "config": "{}",
            "all_defaults": True,
        }
    ordered = sorted(arguments, key=lambda a: a[1] is not None)  # required ones first
    parts = [f"{n}: float" if d is None else f"{n}: float = {d!r}" for n, d in ordered]
    mapping = "{" + ", ".join(f'"{n}": {n}' for n, _ in arguments) + "}"
    return {
        "keyword_args": ", *, " + ", ".join(parts),
        "pass_params": ", " + mapping,
        "params_dict": mapping,
        "pass_self_params": ", self.params",
        "config": "dict(self.params)",
        "all_defaults": all(d is not None for _, d in arguments),
    }


def _imports(names: set[str], extra: tuple[str, ...]) -> str:
    def line(n: str) -> str:
        return n if n.startswith("from ") else f"import {n}"

    std = sorted(line(n) for n in names if n in STDLIB)
    third = sorted({line(n) for n in names if n not in STDLIB} | set(extra), key=lambda s: (s.startswith("from "), s))
    return "\n".join(std) + ("\n\n" + "\n".join(third) if third else "")


@functools.cache
def _env() -> jinja2.Environment:

    from lrdsl.resources import resource_dir

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resource_dir("templates"))),
        keep_trailing_newline=True,
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


__all__ = ["TARGETS", "Target", "check_name", "generate", "generate_lowered"]
