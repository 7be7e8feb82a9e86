"""Shared checks of the exporters' tests: a table row exports and runs in the framework's real code with the
expression's values, or is refused with its reason; configs read back to the same values."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lrdsl
from lrdsl.export import config, read
from lrdsl.export.table import framework
from lrdsl.importers.verify import UncheckedImport
from tests.frameworks import need

LIBS = Path(__file__).resolve().parents[1] / ".parity-libs"


@pytest.fixture(scope="module")
def parity_libs() -> Iterator[None]:
    """``.parity-libs`` (deepspeed, megatron-core, torchtitan; tests/parity/no-deps.txt) on the path, at the end,
    for one test module."""
    added = str(LIBS) not in sys.path
    if added:
        sys.path.append(str(LIBS))
    yield
    if added:
        sys.path.remove(str(LIBS))


def real_values(name: str, cfg: dict[str, Any], n: int) -> dict[str, np.ndarray]:
    """The framework's real scheduler, constructed from ``cfg`` and stepped through ``n`` steps."""
    got = framework(name).library(cfg, list(range(n)))
    assert got is not None, f"{name} is not importable"
    return dict(got) if not isinstance(got, np.ndarray) else {"lr": got}


def close(a: np.ndarray, b: np.ndarray, rtol: float = 1e-12) -> None:
    np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * float(np.max(np.abs(b))))


def check_row(name: str, module: str, expr: str, outcome: str, n: int, **kw: Any) -> None:
    """``outcome`` is the scheduler's name the export must pick, or ``"refused: TEXT"`` with a part of the reason."""
    need(module)
    if outcome.startswith("refused: "):
        with pytest.raises(lrdsl.LrdslError) as info:
            config(expr, name, n, **kw)
        assert outcome.removeprefix("refused: ") in str(info.value)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("error", UncheckedImport)  # the library check must run
        cfg = config(expr, name, n, **kw)
    assert outcome in repr(cfg)
    want = lrdsl.evaluate_set(expr, total_steps=n)
    rtol = getattr(framework(name), "LIBRARY_RTOL", 1e-12)  # float32 frameworks: float32's tolerance
    for member, values in real_values(name, cfg, n).items():
        if member in want:
            close(values, want[member], rtol)
    back = read(name, cfg)  # import ∘ export: the same values
    again = lrdsl.evaluate_set(back, total_steps=n)
    for member, values in want.items():
        close(again[member], values)


def check_long(name: str, module: str, expr: str, n: int, **kw: Any) -> None:
    """A run of ``n`` > 100,000 steps exports, checked in the real code at spread steps through its closed form."""
    from lrdsl.importers.common import check_points

    need(module)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UncheckedImport)
        cfg = config(expr, name, n, **kw)
    steps = check_points(n, [0, n // 2, n - 1])
    got = framework(name).library(cfg, steps)
    assert got is not None
    lr = got["lr"] if not isinstance(got, np.ndarray) else got
    close(lr, lrdsl.evaluate(expr, total_steps=n, steps=steps))


def check_importer(name: str, module: str, expr: str, n: int, **kw: Any) -> None:
    """The importer interface (``lrdsl import NAME CONFIG``) reads an exported config back, checked in the library;
    a call is refused (the framework is configured, not called)."""
    need(module)
    fw = framework(name)
    cfg = config(expr, name, n, **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UncheckedImport)
        text = fw.from_config(cfg, total_steps=n, steps_per_epoch=None)  # type: ignore[attr-defined]
    want, got = lrdsl.evaluate_set(expr, total_steps=n), lrdsl.evaluate_set(text, total_steps=n)
    for member, values in want.items():
        close(got[member], values)
    with pytest.raises(lrdsl.LrdslError, match="is configured, not called"):
        fw.from_spec("Scheduler", [], {}, total_steps=n, steps_per_epoch=None)  # type: ignore[attr-defined]


CODED = ("optax",)
"""Frameworks whose importer reads no config file: ``lrdsl import`` takes the call ``--format python`` writes."""


def exported(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The rows of a table that export (not the refused ones)."""
    return [row for row in rows if not row[1].startswith("refused: ")]


def import_source(name: str, cfg: dict[str, Any], folder: Path) -> str:
    """What a user gives ``lrdsl import NAME``: the ``--format json`` file, or the call of ``--format python`` for
    a framework whose importer reads no config file."""
    fw = framework(name)
    if name in CODED:
        line = next(line for line in fw.render(cfg, "python").splitlines() if not line.startswith("#"))
        return line.split(" = ", 1)[1]
    path = folder / f"{name}.json"
    path.write_text(fw.render(cfg, "json"), encoding="utf-8")
    return str(path)


def check_import(name: str, module: str, expr: str, n: int, folder: Path, **kw: Any) -> None:
    """``lrdsl import NAME`` of what ``lrdsl export NAME`` wrote gives the expression's values (import ∘ export),
    checked against the framework's real scheduler where the importer does so."""
    from lrdsl.importers import import_spec
    from lrdsl.importers.verify import noting

    need(module)
    cfg = config(expr, name, n, check=False, **kw)
    with noting():
        text = import_spec(name, import_source(name, cfg, folder), total_steps=n)
    want, got = lrdsl.evaluate_set(expr, total_steps=n), lrdsl.evaluate_set(text, total_steps=n)
    for member, values in want.items():
        close(got[member], values)
