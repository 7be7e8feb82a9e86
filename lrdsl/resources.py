"""Locating the grammar and the templates, in a wheel or in the source tree.

A wheel ships them inside the package (``lrdsl/grammar``, ``lrdsl/templates``);
a source checkout keeps them at the top level beside ``lrdsl/``.
"""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """The directory ``grammar`` or ``templates``, wherever this install keeps it."""
    for candidate in (_PKG / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"lrdsl is installed without its {name}/ directory")
