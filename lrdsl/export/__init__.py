"""Verified export of an expression to a trainer's own scheduler config, and import back.

``export(expr, "hf", total_steps=1000)`` writes the config whose scheduler gives exactly ``expr``'s values over the
run (checked by reading the config back and, when the framework is installed, by stepping its real code), or
raises :class:`lrdsl.LrdslError` saying what the framework cannot express and what to use instead.
``read("deepspeed", config)`` is the expression of a config.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from lrdsl.errors import LrdslError
from lrdsl.export.table import FRAMEWORKS, framework

if TYPE_CHECKING:
    from lrdsl.export.core import Config

__all__ = ["FRAMEWORKS", "config", "export", "read"]


def config(
    expr: str,
    framework_name: str,
    total_steps: int | None = None,
    steps_per_epoch: float | None = None,
    *,
    samples_per_step: int | None = None,
    check: bool = True,
) -> Config:
    """The framework's config (a dict of its own keyword arguments) for ``expr`` over a run of ``total_steps``
    (default: the expression's own length); ``samples_per_step`` is Megatron's global batch."""
    from lrdsl.export.core import choose, confirm, curve_of

    fw = framework(framework_name)
    if not isinstance(expr, str):
        raise LrdslError(f"export takes an expression's text, not {type(expr).__name__}")
    curve = curve_of(expr, total_steps, steps_per_epoch)
    if framework_name == "megatron":
        from lrdsl.export.megatron import with_batch

        curve = with_batch(curve, samples_per_step)
    chosen = choose(fw, curve)
    if check:
        confirm(fw, curve, chosen)
    return chosen


def export(
    expr: str,
    framework: str,
    total_steps: int | None = None,
    steps_per_epoch: float | None = None,
    fmt: str = "json",
    *,
    samples_per_step: int | None = None,
) -> str:
    """The config of :func:`config` as text: ``json`` (the entry point's keyword arguments), ``yaml``, ``toml``,
    ``args`` (command-line flags) or ``python``."""
    from lrdsl.export.table import framework as find

    fw = find(framework)
    if fmt not in fw.FORMATS:
        raise LrdslError(f"{fw.TITLE}: no {fmt!r} format", hint="one of " + ", ".join(fw.FORMATS))
    return fw.render(config(expr, framework, total_steps, steps_per_epoch, samples_per_step=samples_per_step), fmt)


def read(framework_name: str, cfg: Mapping[str, Any] | str) -> Any:
    """The :class:`lrdsl.Schedule` (Megatron: the lr + weight-decay :class:`lrdsl.ScheduleSet`) of a config, given
    as a mapping or as JSON/YAML text; nothing in it is executed."""
    from lrdsl.export.sources import loaded
    from lrdsl.language.parser import parse, parse_set

    fw = framework(framework_name)
    from lrdsl.importers.common import mapped

    document = getattr(fw, "document", loaded)(cfg)  # a framework configured in YAML also reads YAML text
    text = mapped(f"{fw.TITLE} config", lambda: fw.read(document))
    tree = parse_set(text)
    return tree if len(tree.members) > 1 else parse(text)


class _Callable(types.ModuleType):
    """``lrdsl.export(…)`` is :func:`export`; ``lrdsl.export.read`` and the rest are this package's names."""

    def __call__(self, *args: Any, **kwargs: Any) -> str:
        return export(*args, **kwargs)


sys.modules[__name__].__class__ = _Callable
for _name in ("config", "export", "read", "FRAMEWORKS"):  # ``lrdsl.export`` reached lazily is the function
    setattr(export, _name, globals()[_name])
