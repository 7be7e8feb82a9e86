"""A config to import back: a mapping, a ``.json``/``.yaml``/``.yml`` file, or JSON text; read, never executed,
and held to the SPEC reader's bounds (:func:`lrdsl.importers.spec.bounded`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from lrdsl.errors import LrdslError
from lrdsl.importers.spec import bounded, is_config, load_config
from lrdsl.language.echo import clipped

MAX_TEXT = 1_000_000


def section(document: Mapping[str, Any], key: str, title: str) -> Mapping[str, Any]:
    """``document[key]``, a mapping (``{}`` when it is absent); anything else is an :class:`LrdslError`."""
    value = document.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise LrdslError(f"{title}: {key} must be a mapping of keys, not {type(value).__name__}")
    return value


def loaded(config: Mapping[str, Any] | str) -> Mapping[str, Any]:
    """``config`` as a mapping."""
    if isinstance(config, str):
        if is_config(config):
            document = load_config(config)
        elif len(config) > MAX_TEXT:
            raise LrdslError(f"the config has {len(config):,} characters; at most {MAX_TEXT:,}")
        else:
            try:
                document = bounded(json.loads(config))
            except RecursionError:
                raise LrdslError("the config is nested too deeply to read") from None
            except json.JSONDecodeError as exc:
                raise LrdslError(
                    f"the config is not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}): {clipped(config, 80)}",
                    hint="give a JSON object, or a .json/.yaml file",
                ) from None
    else:
        document = bounded(config)
    if not isinstance(document, Mapping):
        raise LrdslError(f"a config is a mapping of keys, not {type(document).__name__}")
    return document
