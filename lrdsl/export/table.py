"""Framework name → its exporter module (each defines ``TITLE``, ``FORMATS``, ``ALTERNATIVE``,
``candidates``, ``read``, ``refusal``, ``library``, ``render``, ``describe``: :class:`lrdsl.export.core.Framework`)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, cast

from lrdsl.errors import LrdslError

if TYPE_CHECKING:  # the table is read by the command line's parser, which loads no numpy
    from lrdsl.export.core import Framework

FRAMEWORKS: dict[str, str] = {
    "hf": "lrdsl.export.hf",
    "deepspeed": "lrdsl.export.deepspeed",
    "megatron": "lrdsl.export.megatron",
    "torchtitan": "lrdsl.export.torchtitan",
    "torch": "lrdsl.export.torch",
    "optax": "lrdsl.export.optax",
    "composer": "lrdsl.export.composer",
    "mmengine": "lrdsl.export.mmengine",
    "timm": "lrdsl.export.timm",
    "keras": "lrdsl.export.keras",
    "torchtune": "lrdsl.export.torchtune",
}
"""The frameworks ``lrdsl export`` writes and ``lrdsl.export.read`` reads, in the order the docs list them."""


def framework(name: str) -> Framework:
    """The exporter of ``name``; an :class:`LrdslError` listing the known names for any other."""
    if not isinstance(name, str) or name not in FRAMEWORKS:
        from lrdsl.language.echo import shown

        raise LrdslError(f"lrdsl export knows no framework {shown(name)}", hint="one of " + ", ".join(FRAMEWORKS))
    return cast("Framework", importlib.import_module(FRAMEWORKS[name]))
