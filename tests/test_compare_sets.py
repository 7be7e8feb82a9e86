"""``lrdsl compare`` and ``lrdsl.compare`` of schedule sets: member by member, on one clock (LANGUAGE.md §9.5)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lrdsl
from lrdsl.tools.comparison import Comparison
from lrdsl.tools.set_comparison import SetComparison
from tests.conftest import run_cli

A = "lr: linear(1→0, 100)\nweight_decay: cosine(0.1→0)\nema: 0.99"
B = "lr: linear(1→0, 100) * offset(-1)\nweight_decay: cosine(0.1→0)\nloss.kl: 1"

SET_COMPARE_ERRORS: list[tuple[Any, Any, dict[str, Any], str]] = [
    (
        "ema: 0.9\nloss.kl: 1",
        "cosine(1→0, 10)",
        {},
        "error: B is one schedule and A a set with no member 'lr' to compare it with\n"
        "hint: its members: ema, loss.kl; give B as a set too",
    ),
    (
        "cosine(1→0, 10)",
        {"ema": 0.9},
        {},
        "error: A is one schedule and B a set with no member 'lr' to compare it with\n"
        "hint: its members: ema; give A as a set too",
    ),
    (
        "ema: cosine(1→0)\nwd2: cosine(1→0)",
        "ema: cosine(1→0)",
        {},
        "1:6: error: in member 'ema': this schedule has a flexible phase and no total\n  ema: cosine(1→0)\n"
        "       ^^^^^^^^^^^\nhint: give the total: --steps N (API: total_steps=N)",
    ),
    (
        "ema: cosine(1→0, 10)\nwd2: exp(0→1, 10)",
        "ema: 1\nwd2: 1",
        {},
        "2:6: error: in member 'wd2': exp(0→1, 10): exp needs non-zero ends of the same sign\n"
        "  wd2: exp(0→1, 10)\n       ^^^^^^^^^^^^\n"
        "hint: use linear or cosine to reach 0, or end at a small value such as 1e-8",
    ),
    (
        "lr: 1\nema: 1",
        "lr: 1\nema: 1",
        {"total_steps": 600_000_000},
        "error: comparing 2 members over 600000000 steps is too much work (the limit is 1e+09 steps in all)\n"
        "hint: compare a shorter run (--steps)",
    ),
    ("lr: 1\nema: 1", "lr: 1\nema: 1", {"total_steps": 0}, "error: the comparison needs at least one step"),
]
"""Each refusal of a set comparison: ``(a, b, keyword arguments, message)``."""


@pytest.mark.parametrize(("a", "b", "kwargs", "message"), SET_COMPARE_ERRORS)
def test_error_messages(a: Any, b: Any, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(lrdsl.LrdslError) as info:
        lrdsl.compare(a, b, **kwargs)
    assert str(info.value) == message


def test_two_sets_member_by_member_with_the_difference_named() -> None:
    got = lrdsl.compare(A, B)
    assert isinstance(got, SetComparison) and not got.equal
    assert list(got.members) == ["lr", "weight_decay"]
    assert got.only_a == ("ema",) and got.only_b == ("loss.kl",)
    lr, wd = got.members["lr"], got.members["weight_decay"]
    assert got.total == lr.total == wd.total == 101  # one clock: B's lr lasts a step longer, the run too
    assert lr.first_step == 1 and lr.max_abs == pytest.approx(0.01) and lr.max_rel == 1.0
    assert "1 step late" in lr.difference and lr.suggestion == "linear(1→0, 100) * offset(-1)"
    assert wd.equal and wd.max_abs == 0.0
    want = lrdsl.evaluate_set(A, total_steps=101)["weight_decay"]
    assert np.array_equal(wd.a, want)  # weight_decay fills the set's run, as evaluate_set resolves it


def test_one_epoch_late_is_named_in_its_member() -> None:
    a = "lr: step(1, gamma=0.5, every=3ep)\nmomentum: linear(0.85→0.95, 9ep)"
    b = "lr: step(1, gamma=0.5, every=3ep) * offset(-1ep)\nmomentum: linear(0.85→0.95, 9ep)"
    got = lrdsl.compare(a, b, steps_per_epoch=10)
    assert isinstance(got, SetComparison)
    assert got.members["lr"].first_step == 30 and "1 epoch late" in got.members["lr"].difference
    assert got.members["momentum"].equal


def test_equal_sets_and_a_mapping() -> None:
    got = lrdsl.compare(A, {"lr": "linear(1→0, 100)", "weight_decay": "cosine(0.1→0)", "ema": 0.99})
    assert isinstance(got, SetComparison) and got.equal and got.total == 100
    assert not lrdsl.compare(A, lrdsl.parse_set("lr: linear(1→0, 100)\nweight_decay: cosine(0.1→0)")).equal


def test_a_set_and_one_schedule_compare_the_sets_lr_on_the_sets_run() -> None:
    got = lrdsl.compare("lr: cosine(1→0)\nema: const(0.9, 200)", "cosine(1→0, 200)")
    assert isinstance(got, SetComparison) and got.equal and got.total == 200
    assert list(got.members) == ["lr"] and got.note == "B is one schedule: compared with A's member 'lr'"
    values = lrdsl.evaluate("cosine(1→0, 200)") * 2
    got = lrdsl.compare(values, "lr: cosine(2→0)\nema: 0.9")
    assert (
        isinstance(got, SetComparison) and got.equal and got.note == "A is one schedule: compared with B's member 'lr'"
    )


def test_schedules_alone_still_give_one_comparison() -> None:
    assert isinstance(lrdsl.compare("cosine(1→0, 10)", "lr: cosine(1→0, 10)"), Comparison)


def test_cli_prints_each_member_and_exits_as_a_single_compare(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(A, encoding="utf-8")
    (tmp_path / "b.txt").write_text(B, encoding="utf-8")
    out = run_cli("compare", f"@{tmp_path / 'a.txt'}", f"@{tmp_path / 'b.txt'}")
    assert out.returncode == 1, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "sets: 1 of 2 common members agree over 101 steps"
    assert lines[1] == "member 'lr':" and lines[2] == "  differ at 100 of 101 steps (rtol 1e-09, atol 0)"
    assert "  suggestion: linear(1→0, 100) * offset(-1)" in lines
    at = lines.index("member 'weight_decay':")
    assert lines[at + 1 : at + 3] == [
        "  equal within rtol 1e-09, atol 0 over 101 steps",
        "  max abs difference 0.0, max relative 0.0",
    ]
    assert lines[-2:] == ["only in A: ema", "only in B: loss.kl"]
    same = run_cli("compare", f"@{tmp_path / 'a.txt'}", "linear(1→0, 100)")
    assert same.returncode == 0 and "B is one schedule: compared with A's member 'lr'" in same.stdout


def test_cli_overlay_of_two_sets_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(A, encoding="utf-8")
    out = run_cli("compare", f"@{tmp_path / 'a.txt'}", f"@{tmp_path / 'a.txt'}", "-o", str(tmp_path / "x.svg"))
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr == (
        "error: -o draws one pair of curves; these sets have 3 members in common\n"
        "hint: compare one member of each: lrdsl fmt SET --member NAME gives its text\n"
    )


def test_a_set_and_a_recorded_set_of_values() -> None:
    text = "lr: warmup(linear, 10) >> cosine(1e-3→1e-5)\nmomentum: linear(0.85→0.95, 20) >> hold()"
    recorded = lrdsl.evaluate_set(text, total_steps=40)
    got = lrdsl.compare(text, recorded)
    assert isinstance(got, SetComparison) and got.equal and got.total == 40  # the values' 40 steps are the run
    late = {"lr": recorded["lr"], "momentum": np.concatenate([[0.85], recorded["momentum"][:-1]]), "ema": [1.0] * 40}
    got = lrdsl.compare(late, text)
    assert isinstance(got, SetComparison) and got.only_a == ("ema",) and got.members["lr"].equal
    assert got.members["momentum"].first_step == 1 and "A is B 1 step late" in got.members["momentum"].difference
    with pytest.raises(lrdsl.LrdslError, match="did you mean 'lr'"):
        lrdsl.compare(text, {"learning_rate": recorded["lr"]})


def test_cli_compares_a_set_with_a_logs_hyper_parameter_columns(tmp_path: Path) -> None:
    text = "lr: warmup(linear, 10) >> cosine(1e-3→1e-5)\nweight_decay: cosine(0.1→0.01)"
    values = lrdsl.evaluate_set(text, total_steps=40)
    rows = [f"{t},{float(values['lr'][t])!r},{float(values['weight_decay'][t])!r},0.5" for t in range(40)]
    log = tmp_path / "metrics.csv"
    log.write_text("step,lr-AdamW,lr-AdamW-weight_decay,loss\n" + "\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "set.txt").write_text(text, encoding="utf-8")
    out = run_cli("compare", f"@{tmp_path / 'set.txt'}", str(log))
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == "sets: 2 of 2 common members agree over 40 steps"
    assert "lrdsl: metrics.csv: column 'lr-AdamW-weight_decay' as member weight_decay" in out.stderr
    one = run_cli("compare", "warmup(linear, 10) >> cosine(1e-3→2e-5)", str(log))
    assert one.returncode == 1 and "A is one schedule: compared with B's member 'lr'" in one.stdout
    column = run_cli("compare", "warmup(linear, 10) >> cosine(1e-3→1e-5)", str(log), "--column", "lr-AdamW")
    assert column.returncode == 0 and column.stdout.startswith("equal within")
