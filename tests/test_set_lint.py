"""``lrdsl check SET`` and ``lrdsl.lint(set)``: every check on every member, carets in the set's text, and ranges."""

from __future__ import annotations

import pytest

import lrdsl
from lrdsl.cli import main

TRAP = (
    "lr: warmup(linear, 5ep) >> multistep(0.1, at=[30ep])\nweight_decay: linear(0.1→-0.1)\nbetas[1]: linear(0.95→1.2)"
)
RUN = {"total_steps": 1000, "steps_per_epoch": 10}


def test_lint_of_a_set_names_each_member_and_points_into_the_set() -> None:
    found = lrdsl.lint(TRAP, **RUN)  # type: ignore[arg-type]
    assert [(d.member, d.code, d.line, d.column) for d in found] == [
        ("lr", "phase-clock", 1, 28),
        ("weight_decay", "member-range", 2, 1),
        ("betas[1]", "member-range", 3, 1),
    ]
    assert str(found[1]) == (
        "in member 'weight_decay':\n"
        "2:1: warning: weight_decay is -2e-4 at step 501, outside [0, ∞)\n"
        "  weight_decay: linear(0.1→-0.1)\n"
        "  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "hint: PyTorch's optimizers refuse a negative weight_decay"
    )
    assert found[2].render("error").startswith("3:1: error: betas[1] is 1 at step 200, outside [0, 1)\n")
    assert lrdsl.lint(lrdsl.parse_set(TRAP), **RUN) == found  # type: ignore[arg-type]


def test_check_prints_what_lint_returns(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", TRAP, "--steps", "1000", "--steps-per-epoch", "10"]) == 0
    out, err = capsys.readouterr()
    assert out == str(lrdsl.parse_set(TRAP)) + "\n"
    assert err == "".join(str(d) + "\n" for d in lrdsl.lint(TRAP, **RUN))  # type: ignore[arg-type]
    assert main(["check", TRAP, "--steps", "1000", "--steps-per-epoch", "10", "--member", "betas[1]", "--strict"]) == 2
    err = capsys.readouterr().err
    assert (
        err.startswith("in member 'betas[1]':\n3:1: error: betas[1] is 1 at step 200")
        and "lr" not in err.split("\n")[0][17:]
    )
    assert err.endswith("lrdsl: 1 warning treated as errors (--strict)\n")


@pytest.mark.parametrize(
    ("member", "expr", "message"),
    [
        ("weight_decay", "-0.01", "weight_decay is -0.01 at step 0, outside [0, ∞)"),
        ("eps", "linear(1e-8→-1e-8)", "eps is -2e-10 at step 51, outside [0, ∞)"),
        ("betas[0]", "linear(0.9→1, 50) >> hold()", "betas[0] is 1 at step 50, outside [0, 1)"),
        ("betas[1]", "const(-0.1, 10) >> const(0.99)", "betas[1] is -0.1 at step 0, outside [0, 1)"),
        ("momentum", "linear(0.9→1.1)", "momentum is 1.002 at step 51, outside [0, 1]"),
        ("dampening", "linear(0→-1)", "dampening is -0.01 at step 1, outside [0, 1]"),
        ("ema", "fn(1 + t / 1000)", "ema is 1.001 at step 1, outside [0, 1]"),
    ],
)
def test_a_member_out_of_its_range_is_reported_at_its_first_step(member: str, expr: str, message: str) -> None:
    (found,) = lrdsl.lint(f"lr: cosine(1→0)\n{member}: {expr}", total_steps=100)
    assert (found.code, found.member, found.message, found.line) == ("member-range", member, message, 2)


def test_members_within_their_range_and_other_names_are_silent() -> None:
    text = """lr: cosine(1→-1)
weight_decay: linear(0.1→0)
momentum: linear(0.85→1)
dampening: 1
betas[0]: 0
betas[1]: linear(0.95→0.999)
ema: fn(min(0.9999, (1 + t) / (10 + t)))
loss.kl: linear(0→5)
muon.momentum: 1.5"""
    assert lrdsl.lint(text, total_steps=1000) == []  # lr has no range, nor do the user's own names
    assert lrdsl.lint("cosine(1→-1)", total_steps=10) == []  # a schedule alone is unchanged


def test_the_range_check_reads_a_bounded_sample_and_keeps_boundaries() -> None:
    text = "lr: cosine(1→0)\nweight_decay: const(0.1, 123456789) >> const(-0.1)"
    (found,) = lrdsl.lint(text, total_steps=10**12)
    assert found.message == "weight_decay is -0.1 at step 123456789, outside [0, ∞)"


def test_a_mapping_a_run_that_does_not_resolve_and_what_every_run_refuses() -> None:
    (found,) = lrdsl.lint({"lr": "cosine(1→0)", "ema": "linear(0.9→1.5, 10)"}, total_steps=20)
    assert (found.member, found.line, found.column) == ("ema", 2, 1)
    assert lrdsl.lint("lr: cosine(1→0)\nema: linear(0.9→1.5)") == []  # no run: only the checks of the text
    with pytest.raises(lrdsl.LrdslError, match="in member 'lr': 5ep needs --steps-per-epoch"):
        lrdsl.lint("lr: cosine(1→0, 5ep)\nema: 0.9", total_steps=10)  # a total given: the set's run must resolve
    with pytest.raises(lrdsl.LrdslError) as info:
        lrdsl.lint("lr: cosine(1→0)\nema: cosine(1→0) * restart(mult=0.5)")
    assert str(info.value).startswith("2:") and "in member 'ema': " in str(info.value)


def test_eval_of_a_set_warns_of_a_member_out_of_range_and_strict_refuses(capsys: pytest.CaptureFixture[str]) -> None:
    text = "lr: cosine(1→0)\nbetas[1]: linear(0.95→1.05)"
    assert main(["eval", text, "--steps", "10", "--format", "csv"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("step,lr,betas[1]\n") and "outside [0, 1)" in captured.err
    assert main(["eval", text, "--steps", "10", "--strict"]) == 2
    assert capsys.readouterr().out == ""
