"""The ``lrdsl`` command line: the command table (:mod:`lrdsl.cli.registry`), its arguments
(:mod:`lrdsl.cli.arguments`), the commands' bodies (:mod:`lrdsl.cli.commands`), completion scripts,
and the output helpers (standard streams, ``-o`` files, quoting user text back).

``lrdsl.cli.main`` and ``lrdsl.cli.entry`` (in :mod:`lrdsl.cli.program`) are the entry points (``python -m lrdsl``, the ``lrdsl``
script); they are loaded on first use, so that modules importing :mod:`lrdsl.language.echo` or
:mod:`lrdsl.tools.output` do not load the command table.
"""

from __future__ import annotations

from typing import Any

__all__ = ["build_parser", "entry", "main", "short_number"]


def __getattr__(name: str) -> Any:
    if name in ("build_parser", "entry", "main"):
        from lrdsl.cli import program

        return getattr(program, name)
    if name == "short_number":  # the table's number format, imported from here by older code
        from lrdsl.language.numbers import short_number

        return short_number
    raise AttributeError(f"module 'lrdsl.cli' has no attribute {name!r}")
