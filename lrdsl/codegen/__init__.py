"""Code generation: one lowered schedule printed as standalone framework code.

Each target is a module of :mod:`lrdsl.codegen.targets` (its printer's tables and a ``run``
adapter) and a row of :data:`TARGETS` (a Jinja skeleton, where the printed strings go, a default
name, a usage line, the template's imports). Python computes every code string; the templates
only place them.
"""

from __future__ import annotations

import builtins
import functools
import hashlib
import keyword
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import jinja2

from lrdsl.codegen import verify
from lrdsl.codegen.emitter import WIDTH, Emitter, safe_comment
from lrdsl.codegen.names import used_beside
from lrdsl.codegen.printer import Printer
from lrdsl.codegen.targets import keras as _keras
from lrdsl.codegen.targets import optax as _optax
from lrdsl.codegen.targets import paddle as _paddle
from lrdsl.codegen.targets import python as _python
from lrdsl.codegen.targets import torch as _torch
from lrdsl.errors import LrdslError, did_you_mean
from lrdsl.ir import Lowered, is_param_name
from lrdsl.language.numbers import format_number

STDLIB = frozenset({"math", "bisect", "decimal", "functools"})


@dataclass(frozen=True)
class Target:
    """One code-generation target: its module's printer and ``run``, and how its code is laid out.

    ``printer`` prints the IR (its tables: module prefix, operations, imports); ``template`` places
    the printed strings; ``default_name``, ``title`` and ``usage`` are the module's name and text;
    ``extra_imports`` the imports the template itself adds; ``run(code, steps)`` evaluates generated
    code in the framework (float64 values, one per step); ``float32``: its values are float32, so a
    constant or value beyond float32's range is refused.
    """

    name: str
    printer: type[Printer]
    template: str
    default_name: str
    title: str
    usage: str
    run: Callable[[str, Sequence[int]], Any]
    extra_imports: tuple[str, ...] = ()
    float32: bool = False


TARGETS: dict[str, Target] = {
    t.name: t
    for t in [
        Target("python", _python.Printer, "python.py.jinja", "lr", "A dependency-free learning-rate function.",
               "Call lr(step) with the 0-based optimizer step.", _python.run),
        Target("torch", _torch.Printer, "torch.py.jinja", "Scheduler", "A PyTorch learning-rate scheduler.",
               "Create Scheduler(optimizer); call scheduler.step() after each optimizer.step().", _torch.run,
               ("from torch.optim.lr_scheduler import LRScheduler",)),
        Target("paddle", _paddle.Printer, "paddle.py.jinja", "Scheduler",
               "A PaddlePaddle learning-rate scheduler.",
               "Pass Scheduler() as the optimizer's learning_rate; call scheduler.step() after each step.",
               _paddle.run, ("from paddle.optimizer.lr import LRScheduler",)),
        Target("optax", _optax.Printer, "optax.py.jinja", "schedule", "An Optax schedule.",
               "Pass it as the learning rate: optax.adam(schedule); Optax calls it with its step count.",
               _optax.run, float32=True),
        Target("keras", _keras.Printer, "keras.py.jinja", "Schedule", "A Keras 3 learning-rate schedule.",
               "Use keras.optimizers.Adam(learning_rate=Schedule()).", _keras.run, float32=True),
    ]
}  # fmt: skip
"""Every target, one row each: a new target is a module of :mod:`lrdsl.codegen.targets` and a row here."""


def generate_lowered(plan: Lowered, target: str, name: str | None = None) -> str:
    """Source code for an already lowered schedule.

    The module is first rendered with a stand-in for ``name`` to read the names its code uses
    (:func:`used_beside`); ``name`` must be none of them. Keras code registers its class as
    ``lrdsl>NAME_HASH``, ``HASH`` from that rendering, so that no two schedules share a registration.
    A schedule that ``evaluate`` would refuse over the run is refused here too (:mod:`.verify`).
    """
    spec = TARGETS.get(target)
    if spec is None:
        raise LrdslError(
            f"unknown target '{target}'", hint=did_you_mean(target, TARGETS) or f"targets: {', '.join(TARGETS)}"
        )
    chosen = spec.default_name if name is None else check_name(name)
    arguments = [(check_parameter(p), default) for p, default in plan.arguments]
    emitter = Emitter(takes_params=bool(arguments))
    printer = spec.printer(emitter)
    root = printer.sched(plan.ir, True)  # refuses any name the IR cannot hold, before anything reads it
    verify.check(plan)
    if spec.float32:
        verify.check_float32(plan, target)
    per_epoch = f" ({format_number(plan.steps_per_epoch)} steps per epoch)" if plan.steps_per_epoch else ""
    fields: dict[str, object] = {
        "schedule": safe_comment(plan.text) if len(plan.text) <= 100 else safe_comment(plan.text[:97]) + "...",
        "total": plan.total,
        "per_epoch": per_epoch,
        "constants": "\n".join(emitter.constants),
        "functions": "\n\n\n".join(emitter.defs),
        "root": root,
        **_argument_strings(arguments),
    }
    probe = _render(spec, fields, _PROBE, emitter.imports | _possible_imports(spec))
    if chosen in used_beside(probe, _PROBE):
        raise LrdslError(
            f"--name {chosen!r} would shadow a builtin or a name the generated {target} code uses",
            hint="choose another name",
        )
    registered = f"{chosen}_{hashlib.sha256(probe.encode()).hexdigest()[:12]}"
    code = _render(spec, fields, chosen, emitter.imports, registered)
    return _render(spec, fields, chosen, _used_imports(code, emitter.imports), registered)


_PROBE = "lrdsl_probe_7c1e5a"
"""A stand-in for a name chosen by the user, to read what the generated code uses around it."""


def _render(spec: Target, fields: dict[str, object], name: str, imports: set[str], registered: str = "") -> str:
    """``spec``'s template filled in; ``registered`` is the Keras registration name."""
    code = (
        _env()
        .get_template(spec.template)
        .render(
            title=spec.title,
            usage=spec.usage,
            imports=_imports(imports, spec.extra_imports),
            name=name,
            registered=registered or name,
            **fields,
        )
    )
    return re.sub(r"\n{4,}", "\n\n\n", code).rstrip("\n") + "\n"


def _used_imports(code: str, imports: set[str]) -> set[str]:
    """The modules of ``imports`` whose bound name (``jnp`` for ``jax.numpy as jnp``) ``code`` reads.

    Read from the code outside its docstrings, comments and import lines (where a schedule's own
    text appears): a bound name is read where it stands as a whole word there. A scan of the text,
    not of its syntax tree, which cost seconds for a module of 20,000 phases.
    """
    parts = code.split('"""')
    outside = "\n".join(parts[0::2])  # the docstrings are the odd parts
    lines = [ln.split("#", 1)[0] for ln in outside.splitlines() if not re.match(r"\s*(import|from) ", ln)]
    read = set(re.findall(r"[A-Za-z_][A-Za-z_0-9]*", "\n".join(lines)))

    def bound(spec: str) -> str:
        if " as " in spec:
            return spec.rsplit(" as ", 1)[1]
        if spec.startswith("from "):
            return spec.rsplit(" import ", 1)[1]
        return spec.split(".")[0]

    return {spec for spec in imports if bound(spec) in read}


def _possible_imports(spec: Target) -> set[str]:
    """Every module a printer of ``spec`` may import, whether this schedule needs it or not."""
    return set(STDLIB) | set(spec.printer.IMPORTS)


def check_name(name: str) -> str:
    """``name`` if it is a plain ASCII Python identifier, not a keyword or builtin, not ``_``-prefixed.

    :func:`generate_lowered` also refuses a name the generated code itself uses (read from that code).
    """
    if not (isinstance(name, str) and name.isascii() and name.isidentifier()) or keyword.iskeyword(name):
        raise LrdslError(
            f"--name must be a Python identifier, got {name!r}",
            hint="letters, digits and underscores, not starting with a digit",
        )
    if name.startswith("_"):
        raise LrdslError(f"--name {name!r} is reserved in generated code", hint="choose a name without a leading _")
    if hasattr(builtins, name):
        raise LrdslError(f"--name {name!r} would shadow a Python builtin", hint="choose another name")
    return name


@functools.cache
def reserved_parameters() -> frozenset[str]:
    """Names a ``$parameter`` may not take: those the code of any target uses around its arguments.

    Read from each template rendered with a stand-in parameter (:func:`used_beside`), so that a
    schedule's parameters suit every target alike.
    """
    out: set[str] = set()
    for spec in TARGETS.values():
        fields: dict[str, object] = {
            "schedule": "",
            "total": 0,
            "per_epoch": "",
            "constants": "",
            "functions": "",
            "root": "_root",
            **_argument_strings([(_PROBE, None)]),
        }
        code = _render(spec, fields, _PROBE + "_name", _possible_imports(spec))
        out |= used_beside(code, _PROBE)
    return frozenset(n for n in out if _PROBE not in n)


def check_parameter(name: str) -> str:
    """``name`` if a ``$parameter`` of that name can be an argument of generated code."""
    if not is_param_name(name) or keyword.iskeyword(name) or name.startswith("_") or name in reserved_parameters():
        raise LrdslError(
            f"parameter ${name} cannot be an argument of generated code",
            hint="rename it (it clashes with a Python keyword or a name the code uses)",
        )
    return name


def bracketed(head: str, items: list[str], tail: str = "", indent: int = 0, close: str = ")") -> str:
    """``head(items)tail`` on one line when it fits in :data:`~lrdsl.codegen.emitter.WIDTH` columns
    at ``indent``, else one item a line with a trailing comma: the two layouts ``ruff format`` keeps
    as they are (the trailing comma holds the second one open)."""
    one = f"{head}{', '.join(items)}{close}{tail}"
    if indent + len(one) <= WIDTH or not items:
        return one
    pad = " " * (indent + 4)
    return f"{head}\n" + "".join(f"{pad}{item},\n" for item in items) + " " * indent + close + tail


def _argument_strings(arguments: list[tuple[str, float | None]]) -> dict[str, object]:
    """The code strings that carry parameters through a template (all empty without any).

    ``signature(head, fixed, tail, indent)`` lays out a ``def`` line with the fixed arguments and,
    after ``*``, the parameters; ``params_dict(head, indent)`` the statement ``head{"a": a, …}``.
    """
    ordered = sorted(arguments, key=lambda a: a[1] is not None)  # required ones first
    parts = [f"{n}: float" if d is None else f"{n}: float = {d!r}" for n, d in ordered]
    keywords = ["*", *parts] if parts else []
    entries = [f'"{n}": {n}' for n, _ in arguments]

    def signature(head: str, fixed: list[str], tail: str = ":", indent: int = 0) -> str:
        return bracketed(f"{head}(", [*fixed, *keywords], tail, indent)

    def params_dict(head: str, indent: int = 0) -> str:
        return bracketed(f"{head}{{", entries, "", indent, "}")

    return {
        "signature": signature,
        "params_dict": params_dict,
        "bracketed": bracketed,
        "has_params": bool(arguments),
        "pass_params": ", p" if arguments else "",
        "pass_self_params": ", self.params" if arguments else "",
        "config": "dict(self.params)" if arguments else "{}",
        "all_defaults": all(d is not None for _, d in arguments),
    }


def _imports(names: set[str], extra: tuple[str, ...]) -> str:
    def line(n: str) -> str:
        return n if n.startswith("from ") else f"import {n}"

    std = sorted(line(n) for n in names if n in STDLIB)
    third = sorted({line(n) for n in names if n not in STDLIB} | set(extra), key=lambda s: (s.startswith("from "), s))
    return "\n\n".join("\n".join(group) for group in (std, third) if group)


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
