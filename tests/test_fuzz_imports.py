"""A small run of the import fuzzer (``python -m fuzz.imports`` runs 2,000): SPECs, config files, checkpoints
and Keras configs give an expression or a short, printable ``LrdslError``, never another exception."""

from __future__ import annotations

import pytest

from fuzz.imports import run


@pytest.mark.parametrize("seed", [0])
def test_fuzzed_specs_configs_and_checkpoints_never_crash(seed: int) -> None:
    report = run(60, seed)
    assert not report.crashes, report.crashes[:3]
    assert report.inputs == 60
