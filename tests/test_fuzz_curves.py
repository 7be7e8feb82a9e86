"""A small run of the curve fuzzer (``python -m fuzz.curves`` runs 2,000): recorded-curve files of every
suffix are read as finite float64 values, fitted and compared, or refused with a short, printable
``LrdslError``, never another exception."""

from __future__ import annotations

from fuzz.curves import run


def test_fuzzed_curve_files_never_crash() -> None:
    report = run(80, 0)
    assert not report.crashes, report.crashes[:3]
    assert report.inputs == 80
    assert report.read and report.refused  # both kinds of input were made
