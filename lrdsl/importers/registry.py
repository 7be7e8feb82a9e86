"""The importers, one :class:`Library` per row of :data:`lrdsl.importers.table.ROWS`.

Each satisfies :class:`Importer`: the framework's name (a module of this
package), its Python entry point (``from_torch``), what it accepts, and :meth:`Importer.to_tree`, a call as
written or a config → the syntax tree of its expression, verified against the library when it is installed.
This module imports no framework and no other importer: a row loads its module on first use.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from lrdsl.importers.table import ROWS, entry_of, module_of

if TYPE_CHECKING:
    from lrdsl.language.ast import Schedule


@runtime_checkable
class Importer(Protocol):
    """What every importer offers (a test checks each row of :data:`IMPORTERS`)."""

    @property
    def name(self) -> str:
        """The framework's name, as ``lrdsl import NAME`` takes it."""
        ...

    @property
    def entry(self) -> str:
        """The Python entry point, ``lrdsl.<entry>`` (``from_torch``)."""
        ...

    @property
    def accepts(self) -> str:
        """What the entry point and ``lrdsl import`` take, in a sentence."""
        ...

    def to_tree(
        self, spec: object, *, total_steps: int | None = None, steps_per_epoch: float | None = None
    ) -> Schedule:
        """A call as written (:class:`lrdsl.importers.spec.Call`) or a parsed config → the expression's tree."""
        ...


@dataclass(frozen=True)
class Library:
    """An importer that lives in ``lrdsl/importers/<name>.py`` (or :data:`~lrdsl.importers.table.ELSEWHERE`), which defines ``from_spec``, ``from_config`` and
    the entry point, each returning the verified expression."""

    name: str
    entry: str
    accepts: str

    def module(self) -> ModuleType:
        """The importer's module (its framework is imported only when it is used)."""
        return importlib.import_module(module_of(self.name))

    def to_tree(
        self, spec: object, *, total_steps: int | None = None, steps_per_epoch: float | None = None
    ) -> Schedule:
        """``spec`` (a :class:`~lrdsl.importers.spec.Call`, or a config document) → the expression's tree."""
        from lrdsl.importers.spec import Call
        from lrdsl.language.parser import parse

        module = self.module()
        if isinstance(spec, Call):
            text = module.from_spec(
                spec.short, spec.args, spec.kwargs, total_steps=total_steps, steps_per_epoch=steps_per_epoch
            )
        else:
            text = module.from_config(spec, total_steps=total_steps, steps_per_epoch=steps_per_epoch)
        return parse(str(text))


IMPORTERS: dict[str, Library] = {name: Library(name, entry_of(name), accepts) for name, accepts in ROWS.items()}
"""Every importer, by framework name, from :data:`lrdsl.importers.table.ROWS`."""
