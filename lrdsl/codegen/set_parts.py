"""What each target's module of a schedule set holds beside its node functions, as code strings.

Every target writes one function per member and ``values(step)`` (every member by its name in the
set). Around them: PyTorch, a ``LRScheduler`` whose ``step()`` sets every optimizer member of every
param group; Optax, ``inject(optimizer)`` building ``optax.inject_hyperparams``; Keras, a
``LearningRateSchedule`` for ``lr`` and ``wrap(optimizer_class)``, a subclass computing the other
optimizer members from ``self.iterations`` inside the step; Paddle, a ``LRScheduler`` for ``lr``.
The reserved member names are PyTorch's param-group keys; :data:`OPTAX_NAMES` and
:data:`KERAS_NAMES` map them to those frameworks' argument names.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["KERAS_NAMES", "OPTAX_NAMES", "PARTS", "Module", "Parts"]

OPTAX_NAMES = {
    "lr": "learning_rate",
    "betas[0]": "b1",
    "betas[1]": "b2",
    "weight_decay": "weight_decay",
    "momentum": "momentum",
    "eps": "eps",
}
"""Optax's argument names of the reserved members (``dampening`` has none: it stays a function)."""

KERAS_NAMES = {
    "betas[0]": "beta_1",
    "betas[1]": "beta_2",
    "weight_decay": "weight_decay",
    "momentum": "momentum",
    "eps": "epsilon",
}
"""Keras' optimizer attributes of the reserved members other than ``lr`` (its schedule's own)."""

TORCH_KEYS = ("lr", "weight_decay", "momentum", "dampening", "betas[0]", "betas[1]", "eps")
"""PyTorch's param-group keys: the reserved member names as they are."""


@dataclass(frozen=True)
class Module:
    """A set's module in the making: each member's root node function and function name, the class
    name, the parameters' names and the argument strings of :func:`lrdsl.codegen._argument_strings`."""

    members: dict[str, str]
    names: dict[str, str]
    cls: str
    arguments: list[str]
    strings: dict[str, Any]

    def sig(self, head: str, fixed: list[str], tail: str, indent: int = 0) -> str:
        """A ``def`` line with ``fixed`` arguments then the parameters (keyword-only)."""
        out: str = self.strings["signature"](head, fixed, tail, indent)
        return out

    def pdict(self, head: str, indent: int) -> str:
        """``head{"a": a, …}``: the parameters as a dict."""
        out: str = self.strings["params_dict"](head, indent)
        return out

    def call(self, member: str, arg: str, params: str = "p") -> str:
        """A call of ``member``'s function at ``arg`` (passing the parameters ``params`` when there are any)."""
        return f"{self.names[member]}({arg}, **{params})" if self.arguments else f"{self.names[member]}({arg})"

    def bound(self, member: str) -> str:
        """``member``'s function of the step alone (its parameters bound from ``p``)."""
        fn = self.names[member]
        return f"functools.partial({fn}, **p)" if self.arguments else fn

    def params_lines(self, indent: int) -> list[str]:
        """``p = {…}`` when there are parameters."""
        return [self.pdict("p = ", indent)] if self.arguments else []


def _function(module: Module, member: str, args: list[str], doc: str, body: list[str], tail: str = ":") -> str:
    head = module.sig(f"def {module.names[member]}", args, tail)
    lines = [f'    """{doc}"""', *("    " + ln for ln in module.params_lines(4)), *("    " + ln for ln in body)]
    return head + "\n" + "\n".join(lines)


def _root(module: Module, member: str, u: str) -> str:
    return f"{module.members[member]}({u}, p)" if module.arguments else f"{module.members[member]}({u})"


def _scalar_members(module: Module) -> list[str]:
    doc = "This member's value at 0-based optimizer step ``step``."
    return [
        _function(
            module, m, ["step: int"], doc, [f"return float({_root(module, m, 'max(int(step), 0)')})"], " -> float:"
        )
        for m in module.members
    ]


def _values(module: Module, annotation: str, arg: str = "step") -> str:
    head = module.sig("def values", [f"{arg}{annotation}"], " -> dict[str, float]:" if annotation else ":")
    entries = [f'"{m}": {module.call(m, arg)}' for m in module.members]
    lines = [
        f'    """Every member at 0-based optimizer step ``{arg}``, by its name in the set."""',
        *("    " + ln for ln in module.params_lines(4)),
        module.strings["bracketed"]("    return {", entries, "", 4, "}"),
    ]
    return head + "\n" + "\n".join(lines)


def _optimizer_members(module: Module, names: dict[str, str] | tuple[str, ...]) -> list[str]:
    return [m for m in module.members if m in names]


def _listing(members: list[str]) -> str:
    return ", ".join(members) if members else "none"


def _torch_checks(module: Module, members: list[str]) -> list[str]:
    keys = list(dict.fromkeys(m.split("[", 1)[0] for m in members))
    quoted = ", ".join(f'"{k}"' for k in keys) + ("," if len(keys) == 1 else "")
    lines = [
        f"for key in ({quoted}):",
        "    if any(key not in group for group in optimizer.param_groups):",
        "        name = type(optimizer).__name__",
        '        raise ValueError(f"{name} has no {key!r}, which this schedule set sets")',
    ]
    if "weight_decay" in members:
        lines += [
            'self.decayed = [group["weight_decay"] != 0 for group in optimizer.param_groups]',
            "if not any(self.decayed):",
            "    raise ValueError(",
            '        "every param group has weight_decay 0, which this schedule set keeps at 0: "',
            '        "create the optimizer with a nonzero weight_decay"',
            "    )",
        ]
    return lines if members else []


def _torch_writes(members: list[str]) -> list[str]:
    """The loop setting each param group's members from ``v0``, ``v1``, … (in ``members``' order)."""
    value = {m: f"v{i}" for i, m in enumerate(members)}
    lines = []
    for m in members:
        if m == "weight_decay":
            lines += ["if decayed:", f'    group["weight_decay"] = {value[m]}']
        elif m.startswith("betas["):
            if m == "betas[1]" and "betas[0]" in members:
                continue
            first = value.get("betas[0]", 'group["betas"][0]')
            second = value.get("betas[1]", 'group["betas"][1]')
            lines.append(f'group["betas"] = ({first}, {second})')
        else:
            lines.append(f'group["{m}"] = {value[m]}')
    loop = "for group in groups:"
    if "weight_decay" in members:
        loop = "for group, decayed in zip(groups, self.decayed, strict=True):"
    return ["groups = self.optimizer.param_groups", loop, *("    " + ln for ln in lines)] if members else []


def _torch(module: Module) -> tuple[str, set[str], tuple[str, ...]]:
    members = _optimizer_members(module, TORCH_KEYS)
    init = module.sig("    def __init__", ["self", "optimizer", "last_epoch=-1"], ":", 4)
    reads = [f"v{i} = {module.call(m, 't', 'self.params')}" for i, m in enumerate(members)]
    step = ["self.last_epoch = self.last_epoch + 1 if epoch is None else int(epoch)"]
    step += ["t = self.last_epoch", *reads, *_torch_writes(members)] if members else []
    step.append('self._last_lr = [group["lr"] for group in self.optimizer.param_groups]')
    body = [
        module.strings["bracketed"](f"class {module.cls}(", ["LRScheduler"], ":"),
        f'    """Sets every optimizer member of every param group at ``last_epoch``: {_listing(members)}.',
        "",
        "    The reserved member names are PyTorch's param-group keys; an optimizer lacking one is",
        "    refused. A param group created with weight_decay 0 keeps it at 0 (a no-decay group).",
        "    ``values()`` gives every member of the set, the non-optimizer ones too.",
        '    """',
        "",
        init,
        "        " + module.pdict("self.params = ", 8),
        *("        " + ln for ln in _torch_checks(module, members)),
        "        super().__init__(optimizer, last_epoch)",
        "",
        "    def step(self, epoch=None):",
        '        """Advance one step (or jump to ``epoch``) and set every member in closed form."""',
        *("        " + ln for ln in step),
        "",
        "    def get_lr(self):",
        '        return [group["lr"] for group in self.optimizer.param_groups]',
        "",
        "    def values(self):",
        '        """Every member of the set at ``last_epoch``, by its name in the set."""',
        f"        return values(self.last_epoch{', **self.params' if module.arguments else ''})",
        "",
        "    def load_state_dict(self, state_dict):",
        '        """Restore ``last_epoch`` and set the optimizer\'s members at once."""',
        "        super().load_state_dict(state_dict)",
        "        self.step(self.last_epoch)",
    ]
    code = _join([*_scalar_members(module), _values(module, ": int"), "\n".join(body)])
    return code, set(), ("from torch.optim.lr_scheduler import LRScheduler",)


def _join(parts: list[str]) -> str:
    return "\n\n\n".join(parts)


def _python(module: Module) -> tuple[str, set[str], tuple[str, ...]]:
    return _join([*_scalar_members(module), _values(module, ": int")]), set(), ()


def _paddle(module: Module) -> tuple[str, set[str], tuple[str, ...]]:
    parts = [*_scalar_members(module), _values(module, ": int")]
    if "lr" in module.members:
        call = f"{module.names['lr']}(%s, **self.params)"
        parts.append(
            "\n".join(
                [
                    module.strings["bracketed"](f"class {module.cls}(", ["LRScheduler"], ":"),
                    '    """A ``paddle.optimizer.lr.LRScheduler`` of member lr at ``last_epoch``."""',
                    "",
                    module.sig("    def __init__", ["self", "last_epoch=-1"], ":", 4),
                    "        " + module.pdict("self.params = ", 8),
                    f"        super().__init__(learning_rate={call % '0'}, last_epoch=last_epoch)",
                    "",
                    "    def get_lr(self):",
                    f"        return {call % 'self.last_epoch'}",
                ]
            )
        )
    return _join(parts), set(), ("from paddle.optimizer.lr import LRScheduler",) if "lr" in module.members else ()


def _tensor_members(module: Module, doc: str, u: str, out: str) -> list[str]:
    return [
        _function(module, m, ["step"], doc, [f"u = {u}", f"return {out % _root(module, m, 'u')}"])
        for m in module.members
    ]


def _optax(module: Module) -> tuple[str, set[str], tuple[str, ...]]:
    members = _optimizer_members(module, OPTAX_NAMES)
    doc = "This member at Optax's step count ``step`` (jit-, vmap- and grad-safe)."
    parts = _tensor_members(module, doc, "jnp.asarray(step).astype(jnp.int32)", "%s.astype(jnp.float32)")
    parts.append(_values(module, ""))
    if members:
        entries = [f'"{OPTAX_NAMES[m]}": {module.bound(m)}' for m in members]
        lines = [
            module.sig("def inject", ["optimizer"], ":")[:-2] + ", **kwargs):"
            if module.arguments
            else "def inject(optimizer, **kwargs):",
            f'    """``optax.inject_hyperparams(optimizer)`` with these members as schedules: {_listing(members)}.',
            "",
            "    Optax's names: " + ", ".join(f"{m} is {OPTAX_NAMES[m]}" for m in members) + ".",
            "    ``kwargs`` are the optimizer's other arguments; an optimizer lacking one of these is refused.",
            '    """',
            "    import inspect",
            "",
            *("    " + ln for ln in module.params_lines(4)),
            module.strings["bracketed"]("    schedules = {", entries, "", 4, "}"),
            "    accepted = inspect.signature(optimizer).parameters",
            "    missing = [name for name in schedules if name not in accepted]",
            "    if missing:",
            '        name = getattr(optimizer, "__name__", repr(optimizer))',
            '        missing = ", ".join(missing)',
            '        raise ValueError(f"{name} takes no {missing}, which this schedule set sets")',
            "    return optax.inject_hyperparams(optimizer)(**schedules, **kwargs)",
        ]
        parts.append("\n".join(lines))
    extra = {"functools"} if members and module.arguments else set()
    return _join(parts), extra, ("import optax",) if members else ()


def _keras_schedule(module: Module) -> str:
    registered = f"{module.cls}_{hashlib.sha256(repr(module.members).encode()).hexdigest()[:12]}"
    lines = [
        module.strings["bracketed"](
            "@keras.saving.register_keras_serializable(", ['package="lrdsl"', f'name="{registered}"']
        ),
        module.strings["bracketed"](f"class {module.cls}(", ["keras.optimizers.schedules.LearningRateSchedule"], ":"),
        '    """Member lr as a Keras 3 schedule, built only from ``keras.ops``: it runs on every backend."""',
    ]
    if module.arguments:
        lines += ["", module.sig("    def __init__", ["self"], ":", 4), "        super().__init__()"]
        lines.append("        " + module.pdict("self.params = ", 8))
    lines += [
        "",
        "    def __call__(self, step):",
        f"        return {module.call('lr', 'step', 'self.params')}",
        "",
        "    def get_config(self):",
        f"        return {'dict(self.params)' if module.arguments else '{}'}",
    ]
    return "\n".join(lines)


_NONZERO = [
    "",
    "    class Momentum:",
    '        """A scheduled momentum that SGD\'s ``momentum != 0`` reads as set (a jax array has no bool)."""',
    "",
    "        __hash__ = None",
    "",
    "        def __init__(self, value):",
    "            self.value = value",
    "",
    "        def __eq__(self, other):",
    "            return False",
    "",
    "        def __ne__(self, other):",
    "            return True",
    "",
    "        def __jax_array__(self):",
    "            return self.value",
]
"""The momentum's stand-in on jax: Keras' SGD tests ``self.momentum != 0`` in Python in its step."""


def _keras_value(members: list[str]) -> list[str]:
    """The statements of ``scheduled()``'s loop: each member's tensor (momentum in its stand-in on jax)."""
    if "momentum" not in members:
        return ["                setattr(self, name, schedule(self.iterations))"]
    return [
        "                value = schedule(self.iterations)",
        '                if name == "momentum" and keras.backend.backend() == "jax":',
        "                    value = Momentum(value)",
        "                setattr(self, name, value)",
    ]


def _keras_wrap(module: Module, members: list[str]) -> str:
    entries = [f'"{KERAS_NAMES[m]}": {module.bound(m)}' for m in members]
    head = module.sig("def wrap", ["optimizer_class"], ":")
    listing = ", ".join(KERAS_NAMES[m] for m in members)
    body = [
        f'    """``optimizer_class`` computing {listing} from ``self.iterations`` in each step.',
        "",
        "    Keras 3 compiles its hyper-parameters into the train step as Python floats, so a callback",
        "    setting them has no effect (jax): this subclass sets them inside the step that uses them.",
        "    An optimizer lacking one of them is refused.",
        '    """',
        *("    " + ln for ln in module.params_lines(4)),
        module.strings["bracketed"]("    schedules = {", entries, "", 4, "}"),
        *(_NONZERO if "momentum" in members else []),
        "",
        "    class Scheduled(optimizer_class):",
        "        def __init__(self, *args, **kwargs):",
        "            super().__init__(*args, **kwargs)",
        "            missing = [name for name in schedules if not hasattr(self, name)]",
        "            if missing:",
        "                name = optimizer_class.__name__",
        '                missing = ", ".join(missing)',
        '                raise ValueError(f"{name} has no {missing}, which this set schedules")',
        "            self.fixed = {name: getattr(self, name) for name in schedules}",
        "",
        "        def build(self, variables):",
        "            # SGD makes momentum slots only for a nonzero momentum",
        '            if "momentum" in schedules:',
        "                self.momentum = 1.0",
        "            super().build(variables)",
        "            self.restore()",
        "",
        "        def scheduled(self):",
        "            for name, schedule in schedules.items():",
        *_keras_value(members),
        "",
        "        def restore(self):",
        "            for name, value in self.fixed.items():",
        "                setattr(self, name, value)",
        "",
        "        def _apply_weight_decay(self, variables):",
        "            self.scheduled()",
        "            try:",
        "                super()._apply_weight_decay(variables)",
        "            finally:",
        "                self.restore()",
        "",
        "        def update_step(self, gradient, variable, learning_rate):",
        "            self.scheduled()",
        "            try:",
        "                super().update_step(gradient, variable, learning_rate)",
        "            finally:",
        "                self.restore()",
        "",
        "    Scheduled.__name__ = Scheduled.__qualname__ = optimizer_class.__name__",
        "    return Scheduled",
    ]
    return head + "\n" + "\n".join(body)


def _keras(module: Module) -> tuple[str, set[str], tuple[str, ...]]:
    members = _optimizer_members(module, KERAS_NAMES)
    doc = "This member at Keras' step ``step`` (``keras.ops``: every backend)."
    parts = _tensor_members(module, doc, 'ops.cast(step, "int32")', 'ops.cast(%s, "float32")')
    parts.append(_values(module, ""))
    if "lr" in module.members:
        parts.append(_keras_schedule(module))
    if members:
        parts.append(_keras_wrap(module, members))
    extra = {"functools"} if members and module.arguments else set()
    return _join(parts), extra, ()


@dataclass(frozen=True)
class Parts:
    """A target's set module: its builder, default class name, title and usage line."""

    build: Callable[[Module], tuple[str, set[str], tuple[str, ...]]]
    default_name: str
    title: str
    usage: Callable[[list[str]], str]


def _usage(text: str) -> Callable[[list[str]], str]:
    return lambda members: text


def _usage_with(members: list[str], optimizer: dict[str, str], text: str) -> str:
    """``text`` when the set has an optimizer member, else how to call the member functions."""
    if any(m in optimizer for m in members):
        return text
    return "Call each member's function, or values(step), with the optimizer's step count."


PARTS: dict[str, Parts] = {
    "python": Parts(_python, "values", "Dependency-free schedule functions, one per member of a set.",
                    _usage("Call each member's function, or values(step), with the 0-based optimizer step.")),
    "torch": Parts(_torch, "Scheduler", "A PyTorch scheduler setting every optimizer member of a set.",
                   _usage("Create Scheduler(optimizer); call scheduler.step() after each optimizer.step().")),
    "paddle": Parts(_paddle, "Scheduler", "A PaddlePaddle scheduler for lr and functions for the other members.",
                    _usage("Pass Scheduler() as the optimizer's learning_rate; call scheduler.step() each step.")),
    "optax": Parts(_optax, "schedule", "Optax schedules, one per member of a set.",
                   lambda members: _usage_with(members, OPTAX_NAMES, "Build the optimizer with inject(optax.adamw); Optax calls each with its step count.")),
    "keras": Parts(_keras, "Schedule", "A Keras 3 schedule for lr and an optimizer wrapper for the other members.",
                   lambda members: _usage_with(members, {"lr": "", **KERAS_NAMES}, "Use wrap(keras.optimizers.AdamW)(learning_rate=Schedule()).")),
}  # fmt: skip
"""Each target's set module."""
