"""``fit`` of a log that gives every k-th step (``logging_steps=k``, a csv with a step column every 50
steps): the schedule found from the logged values, checked exactly at the logged steps."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import lrdsl
from lrdsl.cli import main
from lrdsl.language import build as B
from lrdsl.language.parser import parse
from lrdsl.logs import read_curve
from lrdsl.logs.base import curve
from lrdsl.logs.fit import _in_steps, fit_curve


def _log(expr: str, total: int, every: int, first: int = 0) -> lrdsl.logs.Curve:
    steps = np.arange(first, total, every)
    return curve(Path("lr.csv"), steps, lrdsl.evaluate(expr, total)[steps])


@pytest.mark.parametrize(
    ("expr", "total", "every", "first"),
    [
        ("linear(0→1e-3, 500) >> cosine(1e-3→1e-5)", 5000, 50, 0),  # a csv every 50 steps
        ("step(0.1, gamma=0.5, every=30)", 600, 10, 9),  # HF logging_steps=10: steps 9, 19, 29, …
        ("exp_decay(0.1, rate=0.5, every=100)", 1000, 50, 0),
        ("cosine(0.1→1e-4) * restart(period=200)", 1000, 10, 0),
        ("multistep(0.1, gamma=0.1, at=[300, 600])", 1000, 20, 0),
    ],
)
def test_a_log_of_every_kth_step_fits_the_schedule(expr: str, total: int, every: int, first: int) -> None:
    log = _log(expr, total, every, first)
    result = fit_curve(log)
    assert result.exact, result.expr
    assert lrdsl.compare(result.expr, log, total).equal
    # the same schedule at every step, the unseen ones too (2 ** -0.5 every 50 is 0.5 every 100)
    np.testing.assert_allclose(lrdsl.evaluate(result.expr, total), lrdsl.evaluate(expr, total), rtol=1e-12, atol=0)
    assert any(f"every {every}th step from step {first}" in n for n in result.notes)


def test_a_one_based_log_with_gaps_holds_its_first_value() -> None:
    log = _log("linear(1→0, 20)", 20, 4, first=1)
    result = fit_curve(log)
    assert result.exact and result.expr.startswith("const(0.95, 1) >> ")
    assert lrdsl.compare(result.expr, log, 21).equal


def test_a_change_between_logged_steps_is_placed_on_the_grid() -> None:
    # logged at 9, 19, 29, …: the drop at 30 is first seen at 39, and placed at 30 (a multiple of 10)
    result = fit_curve(_log("step(0.1, gamma=0.5, every=30)", 300, 10, first=9))
    assert result.expr == "step(0.1, gamma=0.5, every=30)"
    assert "placed on the multiple of 10 between them" in result.notes[-1]


def test_uneven_gaps_are_refused_by_name() -> None:
    log = curve(Path("lr.csv"), [0, 10, 20, 25], [0.1, 0.1, 0.1, 0.1])
    with pytest.raises(lrdsl.LrdslError) as info:
        fit_curve(log)
    assert "every 10 steps, then 25 after 20: fit reads steps evenly spaced" in str(info.value)


def test_cli_fits_a_csv_every_50_steps(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expr = "linear(0→1e-3, 500) >> cosine(1e-3→1e-5)"
    steps = range(0, 5000, 50)
    y = lrdsl.evaluate(expr, 5000)
    path = tmp_path / "lr.csv"
    path.write_text("step,lr\n" + "".join(f"{s},{float(y[s])!r}\n" for s in steps), encoding="utf-8")
    assert not read_curve(path).dense
    assert main(["fit", str(path)]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[-1] == expr
    assert "the 49 steps between two logged ones are not seen" in err


@pytest.mark.parametrize(
    ("expr", "total"),
    [
        ("exp_decay(0.1, rate=0.5, every=2.4, staircase=true)", 480),  # 200 drops, runs of 2 and 3 steps
        ("step(0.1, gamma=0.9, every=2.5)", 480),
        ("step(0.1, gamma=0.5, every=0.6)", 12),  # two drops at some steps
    ],
)
def test_a_staircase_of_short_runs_is_one_step_decay(expr: str, total: int) -> None:
    y = lrdsl.evaluate(expr, total)
    result = lrdsl.fit(y)
    assert result.exact and result.expr.startswith("step(0.1, gamma=") and "every=" in result.expr, result.expr
    assert lrdsl.evaluate(result.expr, total).tolist() == y.tolist()


def test_a_staircase_logged_every_50_steps() -> None:
    # drops every 30 steps seen every 50: one or two drops between logged steps (every=0.6 samples)
    result = fit_curve(_log("step(0.1, gamma=0.5, every=30)", 600, 50))
    assert result.exact and result.expr == "step(0.1, gamma=0.5, every=30)"


@pytest.mark.parametrize(
    ("fitted", "k", "text"),
    [
        (
            "step(0.1, gamma=0.5, every=0.6ep) >> const(1e-3, 2.4ep)",
            50,
            "step(0.1, gamma=0.5, every=30) >> const(1e-3, 120)",
        ),
        ("multistep(0.1, at=[3ep, 6ep]) * offset(0.1ep)", 3, "multistep(0.1, at=[9, 18]) * offset(0.3)"),
        ("cosine(0.1→0, 7ep) * restart(period=7ep)", 1, "cosine(0.1→0, 7) * restart(period=7)"),
    ],
)
def test_a_sparse_logs_durations_in_samples_become_steps(fitted: str, k: int, text: str) -> None:
    assert B.text(_in_steps(parse(fitted).expr, k)) == text
