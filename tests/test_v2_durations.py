"""LANGUAGE.md §8.4: duration arithmetic, ``tok`` and ``sa``, suffixes ``k M B T``, the total in any unit."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import lrdsl


def _drops(text: str, total: int | str, **kw: float) -> list[int]:
    lr = lrdsl.evaluate(text, total, **kw)  # type: ignore[arg-type]
    return [int(i) + 1 for i in np.flatnonzero(np.diff(lr) != 0)]


@pytest.mark.parametrize(
    ("text", "boundary"),
    [
        ("const(1, 6ep - 199) >> const(2)", 6 * 100 - 199),
        ("const(1, 90% - 5ep) >> const(2)", 900 - 50 * 1),
        ("const(1, 2 * 5ep) >> const(2)", 1000),
        ("const(1, 5ep * 2 + 3) >> const(2)", 1003),
        ("const(1, (6ep - 2) / 4) >> const(2)", 150),  # 149.5 rounds half to even
        ("const(1, 2.5ep - 0.5) >> const(2)", 250),  # 249.5 → 250
        ("const(1, 1k) >> const(2)", 1000),
        ("const(1, 0.0005M) >> const(2)", 500),
    ],
)
def test_duration_arithmetic_at_the_boundary(text: str, boundary: int) -> None:
    spe = 100 if "90%" not in text else 10
    got = lrdsl.evaluate(text, 2000 if "90%" not in text else 1000, spe, steps=[boundary - 1, boundary, boundary + 1])
    assert list(got) == [1.0, 2.0, 2.0]


def test_tokens_and_samples_per_step() -> None:
    # 2B tokens at 4M tokens per step: 500 steps of warm-up
    text = "warmup(linear, 2Btok) >> const(0.1)"
    got = lrdsl.evaluate(text, "300Btok", tokens_per_step=4e6, steps=[499, 500, 501])
    np.testing.assert_allclose(got, [0.1 * 499 / 500, 0.1, 0.1])
    assert lrdsl.lower(text, "300Btok", tokens_per_step=4e6).total == 75000
    got = lrdsl.evaluate("const(1, 640sa) >> const(2)", 100, samples_per_step=64, steps=[9, 10, 11])
    assert list(got) == [1.0, 2.0, 2.0]
    with pytest.raises(lrdsl.LrdslError, match="needs --tokens-per-step"):
        lrdsl.evaluate("const(1, 2tok)")
    with pytest.raises(lrdsl.LrdslError, match="needs --samples-per-step"):
        lrdsl.evaluate("const(1, 2sa)")


def test_suffixes_are_exact_and_print_back() -> None:
    assert lrdsl.evaluate("const(2.5M, 1)")[0] == 2_500_000
    assert lrdsl.evaluate("const(0.1k, 1)")[0] == 100
    assert lrdsl.evaluate("const(1T, 1)")[0] == 1e12
    s = lrdsl.parse("warmup(linear, 2Btok) >> cosine(1→0, 2.5Msa)")
    assert str(s) == "warmup(linear, 2Btok) >> cosine(1→0, 2.5Msa)"
    assert lrdsl.parse(str(s)) == s


@pytest.mark.parametrize(("total", "steps"), [("100k", 100_000), ("90ep", 1125), ("1.5M", 1_500_000), (700, 700)])
def test_total_in_any_unit(total: int | str, steps: int) -> None:
    assert lrdsl.lower("linear(1→0)", total, 12.5).total == steps


@pytest.mark.parametrize("total", ["5%", "1e3x", "١٠٠", "2.5", "-5"])
def test_bad_totals(total: str) -> None:
    with pytest.raises(lrdsl.LrdslError):
        lrdsl.lower("linear(1→0)", total)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("const(1, 5ep * 2ep)", "only by a plain number"),
        ("const(1, 5 - 1ep)", "non-negative"),
        ("const(1, -5ep)", "non-negative"),  # v3: -5ep parses (an offset may be negative)
        ("const(1, 5ep / 0)", "division by zero"),
    ],
)
def test_duration_arithmetic_errors(text: str, message: str) -> None:
    with pytest.raises(lrdsl.LrdslError, match=message):
        lrdsl.evaluate(text, 100, 10)


def test_cli_units() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "lrdsl", "eval", "warmup(linear, 2Btok) >> const(0.1)", "--steps", "300Btok",
         "--tokens-per-step", "4M", "--at", "250,500", "--format", "csv"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "250,0.05" in run.stdout and "500,0.1" in run.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "lrdsl", "eval", "linear(1→0)", "--steps", "9x"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
