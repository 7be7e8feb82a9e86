"""Canonical text: identity fixtures (one per line) and random schedules round-trip."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lrdsl
from tests.strategies import schedule

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


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schedule(), st.integers(min_value=1, max_value=3000))
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
    assert tail[1] == tail[2]  # the end value holds
    if not re.search(r"offset\(-?\d*\.", text):  # a fractional offset's node ends between steps: the step
        assert tail[0] == tail[1]  # after its rounded span still reads it (a known doubt, docs/language.md)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("const(1, 100k)", "const(1, 100000)"),  # step counts print as plain numbers
        ("const(2.5M, 1.5k)", "const(2500000, 1500)"),
        ("const(1, 1T) >> const(2, 3B)", "const(1, 1000000000000) >> const(2, 3000000000)"),
        ("warmup(linear, 2000000000tok) >> const(1)", "warmup(linear, 2Btok) >> const(1)"),  # tokens with a suffix
        ("const(1, 0.5Btok + 2ep)", "const(1, 500Mtok + 2ep)"),
        ("const(1, 1234567sa)", "const(1, 1234567sa)"),  # no exact short form
        ("sqrt(1 -> 0, 10)", "sqrt(1→0, 10)"),
        ("const(1, dur = 2 * 5ep)", "const(1, 2 * 5ep)"),
        ("multistep(0.1, at=[30ep]) * offset(n=5ep)", "multistep(0.1, at=[30ep]) * offset(5ep)"),
    ],
)
def test_v2_spellings_print_canonically(text: str, canonical: str) -> None:
    parsed = lrdsl.parse(text)
    assert str(parsed) == canonical
    assert lrdsl.parse(canonical) == parsed


def _fewest_digits(value: float) -> str:
    """The spelling ``format_number`` promises, found the slow way: every digit count from one up."""
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    mantissa, sep, exponent = repr(value).partition("e")
    plain = f"{mantissa}e{int(exponent)}" if sep else mantissa
    for digits in range(17):
        mantissa, _, exponent = f"{value:.{digits}e}".partition("e")
        if float(f"{mantissa}e{exponent}") == value:
            sci = f"{mantissa}e{int(exponent)}"
            return sci if len(sci) < len(plain) else plain
    raise AssertionError(value)


@given(
    st.floats(allow_nan=False, allow_infinity=False) | st.decimals(places=6, min_value=-1e6, max_value=1e6).map(float)
)
@settings(max_examples=2000, deadline=None)
def test_a_number_is_spelled_with_the_fewest_digits_that_read_back(value: float) -> None:
    """``format_number`` starts from ``repr``'s digit count (the fewest that read back), not from one."""
    from lrdsl.language.numbers import format_number

    text = format_number(value)
    assert float(text) == value
    assert text == _fewest_digits(value)
