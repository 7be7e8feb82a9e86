"""Register ``lrdsl>Schedule`` with Keras in whichever order the two are imported.

``keras.models.load_model`` finds a saved ``lrdsl.keras.Schedule`` only if the class is
registered, and Keras imports no module of another package to find one. ``import lrdsl``
therefore registers it:

- Keras already imported: at once (:func:`register`, which imports ``lrdsl.keras``);
- Keras not imported yet: when it is. :func:`install` puts a finder first on ``sys.meta_path``
  that answers only for the top-level ``keras``: it asks the other finders for Keras' own spec
  and wraps that spec's loader's ``exec_module``, so the class is registered right after
  Keras' ``__init__`` has run; then the finder removes itself. Keras is never imported by
  lrdsl itself, and every other import passes through the finder with one string comparison.
"""

from __future__ import annotations

import contextlib
import sys
import warnings
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

_NAME = "keras"


def register() -> None:
    """Define and register ``lrdsl>Schedule`` (Keras is imported): ``import lrdsl.keras`` does it."""
    import lrdsl.keras

    lrdsl.keras.schedule_class()


def _register_quietly() -> None:
    try:
        register()
    except Exception as exc:  # a broken Keras must not break the user's own import of it
        warnings.warn(
            f"lrdsl could not register lrdsl>Schedule with Keras ({type(exc).__name__}: {exc}); "
            "import lrdsl.keras before keras.models.load_model to see why",
            UserWarning,
            stacklevel=2,
        )


class AfterKeras:
    """A meta-path finder that registers lrdsl's Keras classes once Keras has been imported."""

    def find_spec(self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None) -> Any:
        """Keras' own spec, its loader set to register lrdsl after it runs; ``None`` for any other module."""
        if fullname != _NAME:
            return None
        _uninstall()
        spec = None
        for finder in list(sys.meta_path):
            find = getattr(finder, "find_spec", None)
            if find is not None:
                spec = find(fullname, path, target)
                if spec is not None:
                    break
        loader = getattr(spec, "loader", None)
        run: Callable[[ModuleType], None] | None = getattr(loader, "exec_module", None)
        if run is None:
            return spec

        def exec_module(module: ModuleType) -> None:
            try:
                run(module)
            finally:
                with contextlib.suppress(AttributeError):  # the loader's own method again, for any later module
                    del loader.exec_module  # type: ignore[union-attr]
            if module.__name__ == _NAME:
                _register_quietly()

        with contextlib.suppress(AttributeError, TypeError):  # a loader that takes no attribute: not registered
            loader.exec_module = exec_module  # type: ignore[union-attr]  # this loader instance only
        return spec


def _uninstall() -> None:
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, AfterKeras)]


def install() -> None:
    """Register now if Keras is loaded, else when it is (see the module's doc); idempotent."""
    if _NAME in sys.modules:
        _register_quietly()
    elif not any(isinstance(f, AfterKeras) for f in sys.meta_path):
        sys.meta_path.insert(0, AfterKeras())
