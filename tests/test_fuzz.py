"""A small run of the fuzz harness (fuzz/fuzz.py runs 100,000): only LrdslError may escape."""

from __future__ import annotations

import pytest

from fuzz.fuzz import run


@pytest.mark.parametrize("seed", [11, 12])
def test_fuzzed_text_never_crashes(seed: int) -> None:
    report = run(3000, seed)
    assert not report.crashes, report.crashes[:5]
    assert report.kinds["evaluated"] + report.kinds["evaluated and generated"] > 300  # it reaches evaluation
    assert report.slowest[0] < 5.0, report.slowest


def test_resource_bounds_give_clear_errors() -> None:
    import lrdsl

    cases = {
        "(" * 10000 + "1" + ")" * 10000: "nested deeper",
        "const(1, " + "9" * 30 + ")": "too large",
        "cosine(1→0) * restart(period=1e-9)": "first restart cycle",
        "cosine(1→0) * restart(cycles=1e9, mult=1.5)": "shorter than",
        "cosine(1→0, 10) * restart(cycles=1e9, mult=1.5)": "longer than",
        "recur(lr * 0.5, every=1, from=1)": "iterate",
        "const(1e309)": "too large",
        "x" * 1_000_001: "limit",
    }
    for text, words in cases.items():
        with pytest.raises(lrdsl.LrdslError, match=words):
            lrdsl.evaluate(text, total_steps=10**8, steps=[0])
    with pytest.raises(lrdsl.LrdslError, match="too many to evaluate at once"):
        lrdsl.evaluate("cosine(1→0)", total_steps=10**12)
