"""Canonical text: identity fixtures (one per line) and random schedules round-trip."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lrdsl

IDENTITY = Path(__file__).parent / "fixtures" / "identity.lrdsl"
LINES = [ln for ln in IDENTITY.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]


@pytest.mark.parametrize("line", LINES)
def test_identity(line: str) -> None:
    parsed = lrdsl.parse(line)
    assert str(parsed) == line
    assert lrdsl.parse(str(parsed)) == parsed


def test_spacing_comments_and_ascii_arrow_do_not_matter() -> None:
    messy = """
        warmup( linear , 5ep )   # ramp up
        >> cosine( 0.1 -> 1e-6 )
           * restart( mult = 2 )
    """
    assert lrdsl.parse(messy) == lrdsl.parse("warmup(linear, 5ep) >> cosine(0.1→1e-6) * restart(mult=2)")
    assert str(lrdsl.parse(messy)) == "warmup(linear, 5ep) >> cosine(0.1→1e-6) * restart(mult=2)"


def test_keyword_and_positional_forms_are_one_tree() -> None:
    assert lrdsl.parse("const(0.1, dur=14ep)") == lrdsl.parse("const(value=0.1, dur=14ep)")
    assert str(lrdsl.parse("const(value=0.1, dur=14ep)")) == "const(0.1, 14ep)"


# -- random valid schedules ---------------------------------------------------------------------
_pos = st.sampled_from(["0.1", "1e-3", "0.5", "3e-4", "1", "2.5", "0.05"])
_dur = st.sampled_from(["", ", 100", ", 37", ", 2ep", ", 25%", ", 1000"])


@st.composite
def _phase(draw: st.DrawFn) -> str:
    a, b = draw(_pos), draw(_pos)
    d = draw(_dur)
    kind = draw(
        st.sampled_from(
            [
                "const",
                "linear",
                "cosine",
                "exp",
                "poly",
                "step",
                "multistep",
                "exp_decay",
                "inverse_time",
                "rsqrt",
                "fn",
                "onecycle",
                "cyclic",
                "num",
            ]
        )
    )
    return {
        "const": f"const({a}{d})",
        "linear": f"linear({a}→{b}{d})",
        "cosine": f"cosine({a}→{b}{d})",
        "exp": f"exp({a}→{b}{d})",
        "poly": f"poly({a}→{b}{d}, power={draw(st.sampled_from(['1', '2', '0.5']))})",
        "step": f"step({a}{d}, gamma=0.5, every={draw(st.sampled_from(['7', '1ep', '100']))})",
        "multistep": f"multistep({a}{d}, at=[10, 20ep])",
        "exp_decay": f"exp_decay({a}{d}, rate=0.9, every=13, staircase={draw(st.sampled_from(['true', 'false']))})",
        "inverse_time": f"inverse_time({a}{d}, decay=0.5, every=10)",
        "rsqrt": f"rsqrt({a}{d}, warmup=50)",
        "fn": f"fn({a} * (1 + cos(pi * p)) / 2 + 1e-6 * u / (1 + t){d})",
        "onecycle": f"onecycle({a}, 200, three_phase={draw(st.sampled_from(['true', 'false']))})",
        "cyclic": f"cyclic({a}→{b}{d}, half=25, mode={draw(st.sampled_from(['triangular', 'triangular2']))})",
        "num": a,
    }[kind]


@st.composite
def _schedule(draw: st.DrawFn, depth: int = 0) -> str:
    if depth >= 2:
        return draw(_phase())
    form = draw(st.sampled_from(["phase", "seq", "sum", "restart", "quantize", "minmax", "warmup"]))
    sub = lambda: draw(_schedule(depth + 1))  # noqa: E731
    if form == "seq":
        return f"{sub()} >> {sub()}"
    if form == "sum":
        return f"({sub()}) {draw(st.sampled_from(['+', '*']))} ({sub()})"
    if form == "restart":
        opts = draw(
            st.sampled_from(["", "mult=2", "mult=1.5, cycles=4", "decay=0.5", "period=50", "period=30, mult=2"])
        )
        body = draw(_phase())
        if "period" in opts:
            body = body.split(",")[0] + ")" if "(" in body and body.count(",") and not body.startswith("fn") else body
        return f"({body}) * restart({opts})"
    if form == "quantize":
        return f"({sub()}) * quantize({draw(st.sampled_from(['10', '1ep', '7']))}, at={draw(st.sampled_from(['start', 'end']))})"
    if form == "minmax":
        return f"{draw(st.sampled_from(['min', 'max']))}({sub()}, {sub()})"
    if form == "warmup":
        return f"warmup({draw(st.sampled_from(['linear', 'cosine', 'poly']))}, 50) >> {draw(_phase())}"
    return draw(_phase())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_schedule(), st.integers(min_value=1, max_value=3000))
def test_random_schedules_round_trip_and_are_finite(text: str, total: int) -> None:
    try:
        parsed = lrdsl.parse(text)
    except lrdsl.LrdslError:
        return  # the generator can build an invalid combination; errors are tested elsewhere
    assert lrdsl.parse(str(parsed)) == parsed
    assert str(lrdsl.parse(str(parsed))) == str(parsed)
    try:
        values = lrdsl.evaluate(parsed, total_steps=total, steps_per_epoch=40)
    except lrdsl.LrdslError:
        return
    assert values.shape == (total,)
    assert np.isfinite(values).all()
    tail = lrdsl.evaluate(parsed, total_steps=total, steps_per_epoch=40, steps=[total, total + 1, 10**9])
    assert np.isfinite(tail).all()
    assert tail[0] == tail[1] == tail[2]  # the end value holds
