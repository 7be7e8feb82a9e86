"""An exported config as text: JSON, YAML, TOML, command-line flags, Python keyword arguments.

A config holds only numbers lrdsl computed, booleans, and names from the exporters' tables; numbers are written
with ``repr`` (they read back as the same float) and strings quoted as JSON strings (valid YAML, TOML and Python
too), so no text of the user's reaches the output unchecked.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from typing import Any

from lrdsl.errors import LrdslError

FORMATS = ("json", "yaml", "toml", "args", "python")


def scalar(value: object) -> str:
    """One value: ``true``/``false``, a number that reads back exactly, or a quoted string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    raise LrdslError(f"an exported value is {type(value).__name__}, not a number, a boolean or a name")


def _yaml(config: Mapping[str, Any], indent: str) -> list[str]:
    lines: list[str] = []
    for key, value in config.items():
        if isinstance(value, Mapping):
            lines.append(f"{indent}{key}:")
            lines.extend(_yaml(value, indent + "  "))
        else:
            lines.append(f"{indent}{key}: {scalar(value)}")
    return lines


def _toml(config: Mapping[str, Any], prefix: str) -> list[str]:
    lines = [f"{key} = {scalar(value)}" for key, value in config.items() if not isinstance(value, Mapping)]
    for key, value in config.items():
        if isinstance(value, Mapping):
            name = f"{prefix}{key}"
            lines.extend(["", f"[{name}]", *_toml(value, name + ".")])
    return lines


def structured(config: Mapping[str, Any], fmt: str) -> str:
    """``config`` as ``json``, ``yaml`` or ``toml``."""
    if fmt == "json":
        return json.dumps(config, indent=2)
    if fmt == "yaml":
        return "\n".join(_yaml(config, ""))
    if fmt == "toml":
        return "\n".join(_toml(config, "")).lstrip("\n")
    raise LrdslError(f"this framework's config has no {fmt!r} form", hint="one of json, yaml, toml")


def flat(config: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested keys joined by dots: ``{"a": {"b": 1}}`` → ``{"a.b": 1}``."""
    out: dict[str, Any] = {}
    for key, value in config.items():
        if isinstance(value, Mapping):
            out.update(flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def flags(config: Mapping[str, Any], dash: str = "--") -> str:
    """One ``--key value`` per line (a boolean ``true`` is the bare flag)."""
    out = []
    for key, value in config.items():
        if value is True:
            out.append(f"{dash}{key}")
        else:
            out.append(f"{dash}{key} {shlex.quote(value) if isinstance(value, str) else scalar(value)}")
    return " \\\n".join(out)


def checked(title: str, table: Mapping[str, tuple[str, ...]], item: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """``{"type": …, key: value}`` as its type, a row of ``table``, and its arguments, each key one of that row's;
    anything else is an :class:`LrdslError`."""
    kind = item.get("type")
    if not isinstance(kind, str) or kind not in table:
        raise LrdslError(f"{title}: a schedule's type must be one of " + ", ".join(table))
    unknown = set(item) - {"type", *table[kind]}
    if unknown:
        raise LrdslError(f"{title} {kind}: unknown argument(s) {sorted(map(str, unknown))[:5]}")
    return kind, {k: v for k, v in item.items() if k != "type"}


def table_call(title: str, table: Mapping[str, tuple[str, ...]], item: Mapping[str, Any], first: str = "") -> str:
    """``type(first, key=value, …)`` for ``{"type": …, key: value}`` (:func:`checked`; values by :func:`scalar`)."""
    kind, given = checked(title, table, item)
    args = [first] if first else []
    return f"{kind}(" + ", ".join([*args, *(f"{k}={scalar(v)}" for k, v in given.items())]) + ")"


def python_call(name: str, config: Mapping[str, Any]) -> str:
    """``name(key=value, …)`` with Python literals."""

    def lit(value: object) -> str:
        if isinstance(value, Mapping):
            return "{" + ", ".join(f"{json.dumps(k)}: {lit(v)}" for k, v in value.items()) + "}"
        if isinstance(value, bool):
            return repr(value)
        return scalar(value)

    body = "".join(f"    {key}={lit(value)},\n" for key, value in config.items())
    return f"{name}(\n{body})"
