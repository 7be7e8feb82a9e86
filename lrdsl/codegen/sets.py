"""Code generation of a schedule set (LANGUAGE.md §9.5): one module, one function per member.

Every member is printed by its target's printer into one shared module (one :class:`Emitter`, so
node functions and constants never clash), and each member ``m`` gets a function named after it
(``betas[1]`` → ``betas_1``, ``loss.kl`` → ``loss_kl``) computing ``m(t)``, exactly as the
target's code for that schedule alone. What each framework adds around them (a PyTorch scheduler
setting every optimizer member, an Optax ``inject_hyperparams`` helper, a Keras optimizer wrapper,
a Paddle scheduler for ``lr``) is built by :mod:`lrdsl.codegen.set_parts`; the template only
places the strings.
"""

from __future__ import annotations

import keyword
import symtable

from lrdsl.codegen import TARGETS, Target, _argument_strings, _imports, check_name, check_parameter, verify
from lrdsl.codegen.emitter import Emitter, safe_comment
from lrdsl.codegen.printer import Printer
from lrdsl.codegen.set_parts import PARTS, Module
from lrdsl.errors import LrdslError, did_you_mean
from lrdsl.ir import Lowered
from lrdsl.language.members import in_member
from lrdsl.language.numbers import format_number

__all__ = ["function_name", "generate_set_lowered"]

_PROBE = "lrdsl_member_probe_3f9a"
"""Stand-in for a member's function name, to read the names the module uses around it."""


def function_name(member: str) -> str:
    """The Python name of member ``member``'s function: ``betas[1]`` → ``betas_1``, ``loss.kl`` → ``loss_kl``."""
    return member.replace(".", "_").replace("[", "_").replace("]", "")


def _target(target: str) -> Target:
    spec = TARGETS.get(target)
    if spec is None:
        raise LrdslError(
            f"unknown target '{target}'", hint=did_you_mean(target, TARGETS) or f"targets: {', '.join(TARGETS)}"
        )
    return spec


def _arguments(plans: dict[str, Lowered]) -> list[tuple[str, float | None]]:
    """The parameters left as arguments by any member, each once (a default any member gives)."""
    merged: dict[str, float | None] = {}
    for plan in plans.values():
        for name, default in plan.arguments:
            merged[name] = default if merged.get(name) is None else merged[name]
    return [(check_parameter(n), d) for n, d in merged.items()]


def _print_members(plans: dict[str, Lowered], printer: Printer, spec: Target) -> dict[str, str]:
    """Each member's root function, printed into the shared module; refusals name the member."""
    roots = {}
    for member, plan in plans.items():
        try:
            roots[member] = printer.sched(plan.ir, True)
            verify.check(plan)
            if spec.float32:
                verify.check_float32(plan, spec.name)
        except LrdslError as err:
            raise in_member(member, err, len(plans) > 1) from None
    return roots


def generate_set_lowered(plans: dict[str, Lowered], target: str, name: str | None = None) -> str:
    """Source code for every member of a set, each already lowered (symbolically) on the set's run.

    A member's function name must be a Python identifier no other name of the module uses (read
    from the module rendered with stand-ins, as :func:`lrdsl.codegen.generate_lowered` reads a
    ``--name``); two members may not map to one name.
    """
    spec = _target(target)
    parts = PARTS[target]
    if name is not None and target in ("python", "optax"):
        raise LrdslError(
            f"--name names the class of a set's {target} code, which has none",
            hint="each member's function is named after the member",
        )
    chosen = parts.default_name if name is None else check_name(name)
    arguments = _arguments(plans)
    emitter = Emitter(takes_params=bool(arguments))
    roots = _print_members(plans, spec.printer(emitter), spec)
    first = next(iter(plans.values()))
    text = "\n".join(f"    {safe_comment(m)}: {safe_comment(p.text)}" for m, p in plans.items())
    per_epoch = f" ({format_number(first.steps_per_epoch)} steps per epoch)" if first.steps_per_epoch else ""
    stand_ins = [(f"{_PROBE}_p{i}", d) for i, (_, d) in enumerate(arguments)]
    base = Module(
        members=roots,
        names={m: f"{_PROBE}_{i}" for i, m in enumerate(roots)},
        cls=chosen,
        arguments=[n for n, _ in stand_ins],
        strings=_argument_strings(stand_ins),
    )
    fields: dict[str, object] = {
        "schedule": text,
        "total": first.total,
        "per_epoch": per_epoch,
        "constants": "\n".join(emitter.constants),
        "functions": "\n\n\n".join(emitter.defs),
        "title": parts.title,
        "usage": parts.usage(list(plans)),
    }
    probe = _place(spec, parts.build(base), fields, emitter.imports | set(spec.printer.IMPORTS))
    _check_names(probe, base, chosen, name is not None, target, [n for n, _ in arguments])
    names = [n for n, _ in arguments]
    module = Module(roots, {m: function_name(m) for m in roots}, chosen, names, _argument_strings(arguments))
    return _place(spec, parts.build(module), fields, emitter.imports)


def _place(
    spec: Target, body: tuple[str, set[str], tuple[str, ...]], fields: dict[str, object], imports: set[str]
) -> str:
    """The set template filled in: the shared functions, then ``body`` (members and framework parts)."""
    from lrdsl.codegen import _used_imports

    code, more, extra = body
    rendered = _render_set(fields, code, imports | more, extra)
    return _render_set(fields, code, _used_imports(rendered, imports | more), extra)


def _render_set(fields: dict[str, object], body: str, imports: set[str], extra: tuple[str, ...]) -> str:
    import re

    from lrdsl.codegen import _env

    code = _env().get_template("set.py.jinja").render(imports=_imports(imports, extra), body=body, **fields)
    return re.sub(r"\n{4,}", "\n\n\n", code).rstrip("\n") + "\n"


def _module_names(code: str) -> set[str]:
    """The names a member's function or a ``$parameter`` would clash with in the generated module (``code``, with
    :data:`_PROBE` stand-ins for both): the module's own names, the names any function reads from the module, and
    every name of a scope that calls a member's function or takes the parameters (a local there would hide one,
    or be one). A local of a helper that does neither, such as the ``lr`` a recur's helper iterates or a
    ``_ieee_div(a, b)``'s ``a``, cannot: ``lr: …`` beside a ``recur`` member, or ``$a``, generate like any other.
    """
    out: set[str] = set()

    def walk(table: symtable.SymbolTable) -> None:
        names = table.get_identifiers()
        if table.get_type() == "module" or any(n.startswith(_PROBE) for n in names):
            out.update(names)
        else:
            out.update(s.get_name() for s in table.get_symbols() if s.is_global())
        for child in table.get_children():
            walk(child)

    walk(symtable.symtable(code, "<generated>", "exec"))
    return out


def _check_names(probe: str, module: Module, chosen: str, named: bool, target: str, params: list[str]) -> None:
    """Refuse a member whose function name is not an identifier, repeats, or is a name the code uses;
    and a ``$parameter`` that is a name the code uses (``probe``: the module with stand-ins for both)."""
    import builtins

    used = {n for n in _module_names(probe) if not n.startswith(_PROBE)} | set(dir(builtins))
    functions = {function_name(m): m for m in reversed(module.members)}
    if named and chosen in functions:
        raise LrdslError(
            f"--name {chosen!r} is the function of member '{functions[chosen]}'", hint="choose another name"
        )
    seen: dict[str, str] = {}
    for member in module.members:
        fn = function_name(member)
        if fn in seen:
            raise LrdslError(
                f"members '{seen[fn]}' and '{member}' would both be the function {fn}() in generated code",
                hint="rename one of them",
            )
        seen[fn] = member
        if keyword.iskeyword(fn) or fn.startswith("_") or fn in used:
            raise LrdslError(
                f"member '{member}' cannot be a function of generated {target} code: {fn!r} is a name it uses",
                hint="rename the member (a Python keyword, a builtin or a name of the module's own code)",
            )
    clash = next((n for n in params if n in used or n in seen or n == chosen), None)
    if clash is not None:
        raise LrdslError(
            f"parameter ${clash} cannot be an argument of generated {target} code for this set",
            hint="rename it (it clashes with a member's function or a name the code uses)",
        )
