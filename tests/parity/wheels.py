"""Libraries that cannot be installed normally here, imported from their real, pinned source.

fastai, timm and Composer (``mosaicml``) all require torchvision, for which no CPU build exists, and
Composer pins ``torch<2.7.1``. The README's test command installs their pinned wheels
(``tests/parity/no-deps.txt``) with ``pip install --no-deps --target .parity-libs``, off
``sys.path``, so nothing else in the environment sees them:

- fastai needs torchvision only in ``fastai.vision``: it is imported whole (:func:`package`) and
  trains for real.
- timm's and Composer's top-level ``__init__`` import their model zoos (torchvision). Their
  scheduler modules need only torch, so :func:`modules` runs those files, unchanged, under bare
  parent packages whose ``__init__`` is not run. The code under test is the library's own file, not
  a transcription.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
import types
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.frameworks import REQUIRED

LIBS = Path(__file__).resolve().parents[2] / ".parity-libs"


def _where(top: str) -> Path:
    root = LIBS / top
    if not (root / "__init__.py").is_file():
        message = f"{top} is not in {LIBS} (pip install --no-deps --target .parity-libs -r tests/parity/no-deps.txt)"
        if REQUIRED:
            pytest.fail(f"{message}; LRDSL_REQUIRE_FRAMEWORKS=1")
        pytest.skip(message)
    return root


def package(top: str) -> types.ModuleType:
    """Import the whole package ``top`` from ``.parity-libs`` (its ``__init__`` runs) and keep it."""
    if top in sys.modules:
        return sys.modules[top]
    root = _where(top)
    spec = importlib.util.spec_from_file_location(top, root / "__init__.py", submodule_search_locations=[str(root)])
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[top] = module
    spec.loader.exec_module(module)
    return module


def modules(
    bare: list[str], wanted: list[str], wire: Callable[[dict[str, types.ModuleType]], None] | None = None
) -> dict[str, types.ModuleType]:
    """Import ``wanted`` (in order) under the ``bare`` packages, whose ``__init__`` is not run.

    ``wire(loaded)`` runs after each import, to put on a bare package the names its real
    ``__init__`` would have re-exported. ``sys.modules`` is restored afterwards, so the rest of the
    test run still sees these packages as not installed.
    """
    top = bare[0].split(".")[0]
    root = _where(top)
    mine = [name for name in sys.modules if name == top or name.startswith(top + ".")]
    saved = {name: sys.modules.pop(name) for name in mine}
    loaded: dict[str, types.ModuleType] = {}
    try:
        for name in bare:
            path = root.parent.joinpath(*name.split("."))
            spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
            spec.submodule_search_locations = [str(path)]
            shell = importlib.util.module_from_spec(spec)
            shell.__path__ = [str(path)]
            sys.modules[name] = shell
            loaded[name] = shell
        for name in wanted:
            loaded[name] = importlib.import_module(name)
            if wire is not None:
                wire(loaded)
        return loaded
    finally:
        for name in [n for n in sys.modules if n == top or n.startswith(top + ".")]:
            del sys.modules[name]
        sys.modules.update(saved)
