"""``lrdsl import deepspeed|megatron|torchtitan CONFIG``: the importer interface
(:mod:`lrdsl.importers`: ``from_config`` and ``from_spec``) over an exporter's reading of its config, checked
against the framework's real scheduler when it is installed."""

from __future__ import annotations

from collections.abc import Mapping
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


def no_calls(title: str) -> LrdslError:
    return LrdslError(f"{title} is configured, not called: give its config (a .json or .yaml file)")
