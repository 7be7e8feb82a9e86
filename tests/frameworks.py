"""Importing a real framework in tests: skip when absent, fail when CI requires it."""

from __future__ import annotations

import importlib
import os
import types
from typing import Any

import pytest

REQUIRED = os.environ.get("LRDSL_REQUIRE_FRAMEWORKS") == "1"
_KEEP: list[types.ModuleType] = []


def need(module: str) -> Any:
    """``import module``, or skip (fail under ``LRDSL_REQUIRE_FRAMEWORKS=1``)."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        if REQUIRED:
            pytest.fail(f"{module} is required (LRDSL_REQUIRE_FRAMEWORKS=1) but cannot be imported: {exc}")
        pytest.skip(f"{module} is not installed")


def load(code: str, name: str) -> types.ModuleType:
    """Execute generated source as a fresh module (it must import only its framework)."""
    module = types.ModuleType(name)
    exec(compile(code, f"<generated {name}>", "exec"), module.__dict__)
    _KEEP.append(module)  # a dropped module has its globals cleared; keep it for the test run
    return module
