"""Importers: a scheduler object or config of another library → the lrdsl expression that means it.

Each ``from_X`` lives in ``lrdsl/importers/X.py``; every result is checked against the library's own
values (:func:`lrdsl.importers.verify.verified`) before it is returned, so an importer never guesses
silently.

One table, :data:`lrdsl.importers.registry.IMPORTERS`, lists them (``lrdsl.from_*``, the command's choices
and the fuzzers read it). The command ``lrdsl import FRAMEWORK SPEC`` reaches each module through one fixed
interface; every ``lrdsl/importers/<framework>.py`` defines::

    def from_spec(name: str, args: list[object], kwargs: dict[str, object], *,
                  total_steps: int | None, steps_per_epoch: float | None) -> str
    def from_config(config: object, *, total_steps: int | None, steps_per_epoch: float | None) -> str

``from_spec`` gets a call as the user wrote it (``name`` without its module path, the arguments as
Python values read by :mod:`lrdsl.importers.spec`: literals, :class:`~lrdsl.importers.spec.Call` for a
nested call, :class:`~lrdsl.importers.spec.Ref` for a bare name) and returns the expression text;
``from_config`` gets a parsed JSON/YAML document and may raise ``LrdslError`` "not supported" for a
library without configs. Both end with :func:`lrdsl.importers.verify.verified` when the library is
installed, and raise :class:`lrdsl.errors.LrdslError` for anything they cannot import.
"""

from __future__ import annotations

import importlib
from typing import Any

from lrdsl.importers.registry import IMPORTERS
from lrdsl.importers.table import ENTRIES as _HOME
from lrdsl.importers.table import module_of

FRAMEWORKS = tuple(IMPORTERS)
"""The names ``lrdsl import FRAMEWORK`` accepts, each a module of this package."""

__all__ = [*sorted(_HOME), "import_spec"]


def import_spec(
    framework: str,
    spec: str,
    *,
    total_steps: int | None = None,
    steps_per_epoch: float | None = None,
    loop: str | None = None,
    momentum: str | None = None,
) -> str:
    """The expression of ``spec`` (a call's text, a config file's path, or a config written out: JSON or YAML) for
    ``framework``.

    ``loop`` (timm only) is how the scheduler is stepped: see :func:`lrdsl.importers.timm.from_timm`.
    ``momentum`` (torch only: ``auto``, ``momentum``, ``betas[0]``, ``off``) imports the momentum a ``OneCycleLR``
    or ``CyclicLR`` cycles as a set (:func:`lrdsl.importers.momentum.chosen_member`); None, the rate alone.

    A result that was not (wholly) compared with the library (it is not installed, or a long run past what
    it can give) ends with a comment saying so, ``  # SOURCE: not checked against the library (…)``: still an
    expression. (``lrdsl import`` prints these notes as comment lines above the expression instead.)
    """
    from lrdsl.importers.verify import collecting, noting

    options: dict[str, Any] = {"total_steps": total_steps, "steps_per_epoch": steps_per_epoch}
    for key, value, owner in (("loop", loop, "timm"), ("momentum", momentum, "torch")):
        if value is None:
            continue
        if framework != owner:
            from lrdsl.errors import LrdslError

            raise LrdslError(f"{key} (--{key}) is a {owner} option, not {framework}'s", hint="drop it")
        options[key] = value
    if collecting():  # the caller prints the notes (lrdsl import: comment lines above the expression)
        return _import_spec(framework, spec, **options)
    with noting() as notes:
        expr = _import_spec(framework, spec, **options)
    return expr + "".join(f"  # {note}" for note in list(dict.fromkeys(notes))[:1])


def _import_spec(framework: str, spec: str, **options: Any) -> str:
    from lrdsl.errors import LrdslError, Span
    from lrdsl.importers.spec import is_config, is_literal, load_config, load_literal, parse_call

    if framework not in FRAMEWORKS:
        raise LrdslError(f"unknown framework {framework!r}", hint="one of: " + ", ".join(FRAMEWORKS))
    module = IMPORTERS[framework].module()
    if is_config(spec) or is_literal(spec):
        config = load_config(spec.strip()) if is_config(spec) else load_literal(spec)
        return str(module.from_config(config, **options))
    call = parse_call(spec)
    try:
        expr = module.from_spec(call.short, call.args, call.kwargs, **options)
    except LrdslError as err:
        if err.source is not None or call.span is None:
            raise
        head = Span(call.span.start, call.span.start + len(call.name))
        raise LrdslError(err.message, span=head, source=spec.strip(), hint=err.hint) from None
    return str(expr)


def __getattr__(name: str) -> Any:
    """``from_X``, imported from its module on first use (no framework is imported before)."""
    if name in _HOME:
        value = getattr(importlib.import_module(module_of(_HOME[name])), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'lrdsl.importers' has no attribute {name!r}")
