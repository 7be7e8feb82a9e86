"""Importers: a scheduler object or config of another library → the lrdsl expression that means it.

Each ``from_X`` lives in ``lrdsl/importers/X.py``; every result is checked against the library's own
values (:func:`lrdsl.importers.verify.verified`) before it is returned, so an importer never guesses
silently.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOME = {
    "from_torch": "torch",
    "from_keras": "keras",
    "from_optax": "optax",
    "from_paddle": "paddle",
    "from_hf": "hf",
    "from_timm": "timm",
    "from_mmengine": "mmengine",
    "from_detectron2": "detectron2",
}
FRAMEWORKS = tuple(_HOME.values())
"""The names ``lrdsl import FRAMEWORK`` accepts, each a module of this package."""

__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    """``from_X``, imported from its module on first use (no framework is imported before)."""
    if name in _HOME:
        value = getattr(importlib.import_module(f"lrdsl.importers.{_HOME[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'lrdsl.importers' has no attribute {name!r}")
