"""The syntax tree's calls to the floors above it, filled by ``import lrdsl`` (no import goes up).

The syntax tree (:mod:`lrdsl.language.ast`) is the ground floor: it imports nothing that reads it. A few of
its methods still do upper-floor work for the user's convenience:

- ``parse``, ``parse_set``: a tree validated from data (JSON, a dict, ``model_construct``) is
  checked by re-parsing its canonical text (:func:`lrdsl.language.ast.checked`);
- ``bind``: ``Schedule.bind(…)`` is :func:`lrdsl.bind` (resolution for a run, numpy, lowering);
- ``bind_set``: ``ScheduleSet.bind(…)`` is :func:`lrdsl.run.bound_set.bind_set` (every member on one run);
- ``schedule_html``: a schedule's notebook display draws its curve (:mod:`lrdsl.tools.notebook`).

The tree calls them through :data:`UPPER`, which ``lrdsl/__init__.py`` fills when the package is
imported — always before any of its modules, so the table is full whenever a tree exists. The
functions it puts there import their modules on first call, so filling it loads nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

UPPER: dict[str, Callable[..., Any]] = {}
"""Operation name → the upper floor's function (see the module's doc for the names)."""


def upper(name: str) -> Callable[..., Any]:
    """The function registered for ``name`` by ``import lrdsl``."""
    try:
        return UPPER[name]
    except KeyError:
        raise RuntimeError(
            f"lrdsl.language.hooks: {name!r} is not registered (lrdsl/__init__.py fills the table)"
        ) from None
