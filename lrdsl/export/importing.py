"""``lrdsl import deepspeed|megatron|torchtitan CONFIG``: the importer interface
(:mod:`lrdsl.importers`: ``from_config`` and ``from_spec``) over an exporter's reading of its config, checked
against the framework's real scheduler when it is installed."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from lrdsl.errors import LrdslError
from lrdsl.export.core import Framework
from lrdsl.export.sources import loaded
from lrdsl.importers.common import check_points, mapped
from lrdsl.importers.verify import unchecked, verified


def imported(fw: Framework, config: Mapping[str, Any] | str, total_steps: int | None, length: int) -> str:
    """The expression (Megatron: the lr + weight-decay set) of ``config``, its learning rate compared with the
    framework's own scheduler over ``total_steps`` (default ``length``, the config's own run) at rtol 1e-12."""
    document = loaded(config)
    text = mapped(f"{fw.TITLE} config", lambda: fw.read(document))
    n = total_steps or length
    steps = check_points(n)
    reference = fw.library(dict(document), steps)
    source = f"{fw.TITLE} config"
    if reference is None:
        unchecked(source, "not checked against the library (it is not installed)")
        return text
    lr = reference["lr"] if isinstance(reference, Mapping) else reference
    scale = float(np.max(np.abs(lr))) if len(lr) else 0.0
    verified(text, lr, source=source, rtol=1e-12, atol=1e-12 * scale, steps=steps, total_steps=n)
    return text


def read_call(importer: str, call_text: str) -> str:
    """The expression lrdsl's ``importer`` (``torch``, ``optax``) reads from a call the exporter rendered (its
    numbers and names are the exporter's own), with its library check's notes kept out of the result."""
    import importlib

    from lrdsl.importers.spec import parse_call
    from lrdsl.importers.verify import noting

    call = parse_call(call_text)
    reader = importlib.import_module(f"lrdsl.importers.{importer}")
    with noting():
        return str(reader.from_spec(call.short, call.args, call.kwargs, total_steps=None, steps_per_epoch=None))


def interface(module: str, length: Callable[[Mapping[str, Any]], int]) -> tuple[Callable[..., str], Callable[..., str]]:
    """``from_config`` and ``from_spec`` (:mod:`lrdsl.importers`' interface) of the exporter ``module``; ``length``
    is the run a config describes (checked over it when ``--steps`` is not given)."""

    def from_config(config: object, *, total_steps: int | None, steps_per_epoch: float | None) -> str:
        """The expression of a config, checked against the library (the framework counts optimizer steps)."""
        del steps_per_epoch
        document = loaded(config)  # type: ignore[arg-type]
        return imported(sys.modules[module], document, total_steps, length(document))

    def from_spec(
        name: str,
        args: list[object],
        kwargs: dict[str, object],
        *,
        total_steps: int | None,
        steps_per_epoch: float | None,
    ) -> str:
        """Refused: the framework has no scheduler call to read, only configs."""
        title = sys.modules[module].TITLE
        raise LrdslError(f"{title} is configured, not called: give its config (a .json or .yaml file)")

    return from_config, from_spec
