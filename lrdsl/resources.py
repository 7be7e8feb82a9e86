"""What an installed lrdsl needs besides its code: the templates, its dependencies.

A wheel ships the templates, the grammar and the documentation's pages inside the package
(``lrdsl/templates``, ``lrdsl/grammar``, ``lrdsl/docs``); a source checkout keeps them at the top
level beside ``lrdsl/``. lrdsl is not on PyPI: it installs from a checkout (``pip install .``) or
from the wheel built there. The
parser runs from the grammar's tables (``lrdsl/language/lalr_tables.json``), not from the grammar.
When one of them, or a dependency (numpy, jinja2, pydantic), cannot be found, the
installation is broken, not the user's input: :func:`broken_install` says what is missing.
"""

from __future__ import annotations

import sys
from pathlib import Path

_PKG = Path(__file__).resolve().parent

REINSTALL = (
    "reinstall it with its dependencies: pip install . in a checkout of lrdsl (or pip install the wheel built from one)"
)


class BrokenInstall(ImportError):
    """lrdsl cannot run because a part of its installation is missing."""


def resource_dir(name: str) -> Path:
    """The directory ``grammar``, ``templates`` or ``docs``, wherever this install keeps it."""
    for candidate in (_PKG / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise BrokenInstall(_not_installed(f"its {name}/ directory is missing from {_PKG}"))


def broken_install(exc: ImportError) -> str:
    """One line naming what ``exc`` found missing, for the command line.

    Any import that fails while lrdsl runs is a broken install: the command line imports
    nothing optional but matplotlib/plotext, which ``lrdsl plot`` asks for itself.
    """
    if isinstance(exc, BrokenInstall):
        return str(exc)
    top = (exc.name or "").partition(".")[0]
    if isinstance(exc, ModuleNotFoundError) and top and top != "lrdsl":
        return _not_installed(f"the package {top!r} is missing")
    return _not_installed(str(exc))


def _not_installed(what: str) -> str:
    return f"lrdsl is not installed correctly: {what} (Python {sys.executable}); {REINSTALL}"
