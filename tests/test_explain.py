"""``explain`` shows every breakpoint in global steps, milestones and step drops included (LANGUAGE.md §8.5)."""

from __future__ import annotations

import numpy as np
import pytest

import lrdsl
from lrdsl.tools.explain import MAX_MARKS_SHOWN, boundaries, compact, phases, render, steps_text

TRAP_FIXED = "warmup(linear, 5ep) >> multistep(0.1, at=[30ep, 60ep, 90ep], gamma=0.1) * offset(5ep)"


def _points(text: str, total: int, spe: float | None = None) -> list[tuple[float, float, float, str]]:
    """The breakpoint rows (start == end): step, lr just before, lr at it, label."""
    plan = lrdsl.lower(text, total, spe)
    return [(r.start, r.first, r.last, r.label) for r in phases(plan.ir, plan.total) if r.start == r.end]


def _jumps(text: str, total: int, spe: float | None = None) -> list[int]:
    """The steps where the interpreter's values change, found by evaluating every step."""
    lr = lrdsl.evaluate(text, total, spe)
    return (np.flatnonzero(np.diff(lr) != 0) + 1).tolist()


def test_milestones_after_a_warm_up_in_global_steps() -> None:
    rows = _points(TRAP_FIXED, 1000, 10)
    assert [(s, label) for s, _, _, label in rows] == [(300, "milestone 1"), (600, "milestone 2"), (900, "milestone 3")]
    np.testing.assert_allclose([(b, a) for _, b, a, _ in rows], [(0.1, 0.01), (0.01, 1e-3), (1e-3, 1e-4)], rtol=1e-12)
    plan = lrdsl.lower(TRAP_FIXED, 1000, 10)
    assert boundaries(plan) == [0, 50, 300, 600, 900, 1000]
    assert "300–300    milestone 1" in compact(plan)


@pytest.mark.parametrize(
    ("text", "total", "spe", "flat_from"),
    [
        ("multistep(0.1, at=[30ep, 60ep, 90ep])", 1000, 10, 0),
        ("multistep(0.1, at=[300, 50, 300])", 1000, None, 0),  # unsorted, repeated: one row per distinct step
        ("step(0.1, gamma=0.5, every=100)", 1000, None, 0),
        ("step(1, gamma=0.5, every=4) * offset(1.5)", 40, None, 0),  # fractional offset: drops at 3, 7, 11, …
        ("piecewise([0.1, 0.01, 1e-3], at=[30ep, 60ep])", 1000, 10, 0),
        ("warmup(linear, 50) >> 0.5 * piecewise([0.1, 0.01], at=[300])", 1000, None, 50),
        ("exp_decay(1, rate=0.5, every=100, staircase=true)", 1000, None, 0),
        ("const(1, 100) >> step(1, every=30)", 400, None, 0),
        ("linear(0→1, 1000) * quantize(100)", 1000, None, 0),
        ("recur(lr * 0.5, every=200, from=1)", 1000, None, 0),
        ("poly(0.1→0, 250, cycle=true)", 1000, None, 1000),  # smooth between its periods: rows at 251, 501, 751
    ],
)
def test_every_jump_of_the_values_is_a_row(text: str, total: int, spe: float | None, flat_from: int) -> None:
    """Where the values are piecewise constant, the rows start exactly where they change; each breakpoint
    row shows the interpreter's values on both sides of it."""
    plan = lrdsl.lower(text, total, spe)
    rows = phases(plan.ir, plan.total)
    jumps = [j for j in _jumps(text, total, spe) if j > flat_from]
    assert set(jumps) <= {r.start for r in rows}
    assert {r.start for r in rows if r.start == r.end and r.start > flat_from} <= set(jumps)
    lr = lrdsl.evaluate(text, total, spe)
    points = _points(text, total, spe)
    assert points or text.startswith("piecewise")  # a piecewise on its own: its pieces are the rows
    for step, before, after, _ in points:
        np.testing.assert_allclose([before, after], lr[int(step) - 1 : int(step) + 1], rtol=1e-12)


def test_a_cycling_poly_has_a_row_per_period() -> None:
    assert [(s, label) for s, *_, label in _points("poly(0.1→0, 250, cycle=true)", 1000)] == [
        (251, "period 2"),
        (501, "period 3"),
        (751, "period 4"),
    ]


def test_many_drops_are_counted_not_listed() -> None:
    rows = _points("step(0.1, gamma=0.5, every=7)", 1000)
    assert len(rows) == MAX_MARKS_SHOWN
    assert [s for s, *_ in rows] == [7 * k for k in range(1, MAX_MARKS_SHOWN + 1)]
    assert rows[-1][3] == f"drop {MAX_MARKS_SHOWN} (and {142 - MAX_MARKS_SHOWN} more, every 7 steps)"


def test_the_explain_command_prints_the_milestones(capsys: pytest.CaptureFixture[str]) -> None:
    from lrdsl.cli import main

    assert main(["explain", TRAP_FIXED, "--steps", "1000", "--steps-per-epoch", "10"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-3:] == [
        "       300        300            0.1           0.01    milestone 1",
        "       600        600           0.01          0.001    milestone 2",
        "       900        900          0.001         0.0001    milestone 3",
    ]


@pytest.mark.parametrize(
    ("text", "label"),
    [
        (
            "cosine(1→0) * restart(period=4750/7, decay=0.123456789)",
            "7 cycle(s): first 678.571429 steps, mult 1, decay 0.123457",
        ),
        ("cosine(1→0) * offset(4750/7)", "cosine(1→0), its clock 678.571429 steps ahead"),
    ],
)
def test_numbers_in_a_rows_text_are_rounded_as_its_columns(text: str, label: str) -> None:
    plan = lrdsl.lower(text, 4750)
    assert phases(plan.ir, plan.total)[0].label == label


def test_a_value_explain_cannot_read_is_shown_on_the_users_text() -> None:
    from tests.conftest import run_cli

    text = "fn(exp(u*100), 10) * offset(5)"  # infinite from local step 7.1 on; the phase ends at local step 10
    caret = f"1:1: error: fn(exp(u * 100), 10) is inf at its local step 10\n  {text}\n  {'^' * 18}\n"
    for args in (["explain", text], ["eval", text], ["explain", text, "--compact"], ["plot", text]):
        proc = run_cli(*args, "--steps", "100")
        assert (proc.returncode, proc.stderr.split("hint:")[0]) == (2, caret), args
    proc = run_cli("eval", text, "--steps", "100", "--at", "3")  # the interpreter names the local step, not a value
    assert proc.stderr.startswith("1:1: error: fn(exp(u * 100), 10) is inf at its local step 8\n")


def test_each_phase_shows_its_first_two_steps_and_its_last() -> None:
    """A warm-up's step 0 is 0 before any training, and its last step stops short of the peak."""
    plan = lrdsl.lower("warmup(linear, 250) >> cosine(0.1→0, 1000)")
    rows = phases(plan.ir, plan.total, with_steps=True)
    lr = lrdsl.evaluate("warmup(linear, 250) >> cosine(0.1→0, 1000)")
    assert [[s for s, _ in r.steps] for r in rows] == [[0, 1, 249], [250, 251, 1249]]
    assert all(v == lr[s] for r in rows for s, v in r.steps)
    table = render(rows, plan.total, None, plan.text).splitlines()
    assert table[3].endswith("warmup(linear, 250) to 0.1")
    assert table[4].strip() == "step 0: 0, step 1: 4e-4 … step 249: 0.0996"
    assert table[6].strip() == "step 250: 0.1, step 251: 0.0999998 … step 1249: 2.4674e-7"
    # a phase of one or two steps lists each; a milestone row spans no step and has no line
    short = lrdsl.lower("const(1, 1) >> const(2, 2) >> multistep(1, 10, at=[5])")
    rows = phases(short.ir, short.total, with_steps=True)
    assert [r.steps for r in rows] == [((0, 1.0),), ((1, 2.0), (2, 2.0)), ((3, 1.0), (4, 1.0), (12, 0.1)), ()]
    assert steps_text(rows[1].steps) == "step 1: 2, step 2: 2"
    assert phases(short.ir, short.total)[0].steps == ()  # only asked for: the eval table reads the rows
