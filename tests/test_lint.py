"""Warnings (LANGUAGE.md §8.5): ``lrdsl.lint``, ``lrdsl check`` and ``--strict``; a snapshot of every message."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

import lrdsl
from lrdsl.cli import main
from lrdsl.tools.linting import CHECKS

TRAP = "warmup(linear, 5ep) >> multistep(0.1, at=[30ep, 60ep, 90ep], gamma=0.1)"

WARNINGS: list[tuple[str, dict[str, Any], str]] = [
    (
        TRAP,
        {},
        "1:24: warning: the milestones at=[30ep, 60ep, 90ep] of multistep() count from the start of its phase, "
        "not of the run\n"
        "  warmup(linear, 5ep) >> multistep(0.1, at=[30ep, 60ep, 90ep], gamma=0.1)\n"
        "                         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "hint: they count from the phase's start (step 5ep): to count from the run's start, write "
        "warmup(linear, 5ep) >> multistep(0.1, gamma=0.1, at=[30ep, 60ep, 90ep]) * offset(5ep)",
    ),
    (
        "const(1, 100) >> (warmup(linear, 5ep) >> step(0.1, gamma=0.5, every=30ep))",
        {"total_steps": 2000, "steps_per_epoch": 10},
        "1:42: warning: every=30ep of step() counts from the start of its phase, not of the run\n"
        "  const(1, 100) >> (warmup(linear, 5ep) >> step(0.1, gamma=0.5, every=30ep))\n"
        "                                           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "hint: it counts from the phase's start (step 100 + 5ep = 150): to count from the run's start, write "
        "const(1, 100) >> (warmup(linear, 5ep) >> step(0.1, gamma=0.5, every=30ep) * offset(100 + 5ep))",
    ),
    (
        "warmup(linear, 5%) >> multistep(0.1, at=[300])",
        {},
        "1:23: warning: the milestones at=[300] of multistep() count from the start of its phase, not of the run\n"
        "  warmup(linear, 5%) >> multistep(0.1, at=[300])\n"
        "                        ^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "hint: to count from the run's start, apply * offset(n) to the phase, n the steps before it",
    ),
    (
        "linear(0→1, 100) >> cosine(1→0, 1000)",
        {"total_steps": 800},
        "1:21: warning: cosine(1→0, 1000) is cut after 700 of its 1000 steps\n"
        "  linear(0→1, 100) >> cosine(1→0, 1000)\n"
        "                      ^^^^^^^^^^^^^^^^^\n"
        "hint: it ends at step 1100 but the run stops at step 800, so it never reaches its end: give it 700 steps, "
        "leave its duration out to fill the run, or give a longer total",
    ),
    (
        "linear(0→1, 800) >> const(1) >> cosine(1→0, 100)",
        {"total_steps": 800},
        "1:33: warning: cosine(1→0, 100) never runs: it would start at step 800, the run stops at step 800\n"
        "  linear(0→1, 800) >> const(1) >> cosine(1→0, 100)\n"
        "                                  ^^^^^^^^^^^^^^^^\n"
        "hint: shorten the phases before it, or give a longer total",
    ),
    (
        "cosine(1→0, 100) * linear(1→0, 100) * quantize(10)",
        {},
        "1:39: warning: quantize(10) applies to the whole product cosine(1→0, 100) * linear(1→0, 100), "
        "not only to linear(1→0, 100)\n"
        "  cosine(1→0, 100) * linear(1→0, 100) * quantize(10)\n"
        "                                        ^^^^^^^^^^^^\n"
        "hint: '*' groups from the left: write cosine(1→0, 100) * (linear(1→0, 100) * quantize(10)) for "
        "linear(1→0, 100) alone, or (cosine(1→0, 100) * linear(1→0, 100)) * quantize(10) to say the whole product",
    ),
    (
        "linear(0→1, 0.5ep) >> cosine(1→0)",
        {"total_steps": 100, "steps_per_epoch": 13},
        "1:13: warning: 0.5ep is 6.5 steps at 13 steps per epoch and rounds to 6\n"
        "  linear(0→1, 0.5ep) >> cosine(1→0)\n"
        "              ^^^^^\n"
        "hint: durations round to whole steps; write the steps you mean, or a period (every=, at=) to stay exact",
    ),
    (
        "(warmup(linear, 5) >> fn(0.1 * 0.99 ** (t - 5))) * offset(-1)",
        {},
        "1:23: warning: fn(0.1 * 0.99 ** (t - 5)) reads t, the run's clock, which offset(-1) does not move\n"
        "  (warmup(linear, 5) >> fn(0.1 * 0.99 ** (t - 5))) * offset(-1)\n"
        "                        ^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "hint: t and e stay the run's step and epochs inside an offset: read u, the phase's own step "
        "(u divided by the steps per epoch for epochs), for a formula that runs late or early with it",
    ),
]


@pytest.mark.parametrize(("text", "kwargs", "message"), WARNINGS, ids=[w[0][:40] for w in WARNINGS])
def test_warning_message(text: str, kwargs: dict[str, Any], message: str) -> None:
    (found,) = lrdsl.lint(text, **kwargs)
    assert str(found) == message
    assert found.severity == "warning"
    assert (found.line, found.column) == tuple(int(x) for x in message.split(":")[:2])
    assert found.render("error").startswith(message.split(": warning:")[0] + ": error:")


CLEAN: list[tuple[str, dict[str, Any]]] = [
    (TRAP + " * offset(5ep)", {}),
    (TRAP + " * offset(0)", {}),  # the clock set on purpose: milestones count from the phase's start
    ("warmup(linear, 5ep) >> multistep(0.1, at=[30%, 60%])", {}),  # shares of the phase itself
    ("warmup(linear, 10ep) >> step(0.1, every=5ep)", {}),  # drops fall where the run's clock puts them
    ("warmup(linear, 100) >> step(0.1, every=1ep)", {"total_steps": 1000, "steps_per_epoch": 50}),
    ("warmup(linear, 5ep) >> exp_decay(0.1, rate=0.5, every=3ep)", {}),  # smooth: no drops
    ("multistep(0.1, 100, at=[30, 60]) >> const(1e-3)", {}),  # the first phase
    ("const(1, 50) >> multistep(1, at=[30]) * restart(period=100)", {"total_steps": 500}),  # each cycle's clock
    ("(cosine(1→0, 100) * linear(1→0, 100)) * quantize(10)", {}),  # the whole product, said so
    ("0.5 * linear(1→0, 100) * quantize(10)", {}),  # quantizing a constant factor changes nothing
    ("linear(1→0, 100) * offset(10) * quantize(5)", {}),  # modifiers in a row
    ("const(0.1, 1000) >> cosine(0.1→0)", {"total_steps": 800}),  # a cut constant loses nothing
    ("linear(0→1, 100) >> cosine(1→0, 1000)", {"total_steps": 1100}),
    ("cosine(1→0, 100) * restart()", {"total_steps": 250}),  # without cycles=, the last cycle is cut by design
    # LANGUAGE.md §9.4: periods, marks, restart bodies, %, tok, sa and shares are never reported as rounded
    ("step(1, every=0.5ep) * restart(period=1.5ep)", {"total_steps": 100, "steps_per_epoch": 13}),
    ("multistep(1, at=[0.5ep, 1.3ep])", {"total_steps": 100, "steps_per_epoch": 13}),
    ("linear(0→1, 1.004ep) >> cosine(1→0, 10%)", {"total_steps": 1000, "steps_per_epoch": 13}),  # 13.052: 0.4 %
    (
        "linear(0→1, 0.5ep) * repeat(3) >> const(1, 7tok) >> cosine(1→0)",
        {"total_steps": 100, "steps_per_epoch": 13, "tokens_per_step": 2},
    ),
    ("(warmup(linear, 5) >> fn(0.1 * 0.99 ** u)) * offset(-1)", {}),  # u: the late phase's own step
    ("fn(0.1 * 0.99 ** t, 100) * offset(0)", {}),  # offset(0) moves nothing
    ("fn(0.1 * 0.99 ** t, 100) >> const(1e-3) * offset(-1)", {}),  # the offset is not around the fn
]


def test_an_offset_around_fn_reading_e_warns_once() -> None:
    """A late formula in epochs: one warning per fn, however many offsets are around it."""
    (found,) = lrdsl.lint("fn(0.1 * exp(-e), 100) * offset(-1ep) * offset(2)", steps_per_epoch=10)
    assert found.code == "offset-global-clock" and "reads e, the run's clock" in found.message
    # the same formula on u runs late with the offset; on t it does not
    on_u = lrdsl.evaluate("fn(0.1 * 0.9 ** u, 100) * offset(-3)", 10)
    on_t = lrdsl.evaluate("fn(0.1 * 0.9 ** t, 100) * offset(-3)", 10)
    np.testing.assert_allclose(on_u[3:], 0.1 * 0.9 ** np.arange(7))
    assert not np.allclose(on_t, on_u)


@pytest.mark.parametrize(("text", "kwargs"), CLEAN, ids=[c[0][:40] for c in CLEAN])
def test_no_warning(text: str, kwargs: dict[str, Any]) -> None:
    assert lrdsl.lint(text, **kwargs) == []


def test_the_trap_warns_and_its_fix_drops_at_epochs_30_60_90() -> None:
    """The warm-up + multistep trap (issue 14): the hint's text is the fix, evaluated."""
    (found,) = lrdsl.lint(TRAP, total_steps=1000, steps_per_epoch=10)
    assert found.code == "phase-clock"
    assert found.hint is not None and "* offset(5ep)" in found.hint
    fixed = found.hint.split("write ", 1)[1]
    assert lrdsl.lint(fixed, total_steps=1000, steps_per_epoch=10) == []
    drops = np.flatnonzero(np.diff(lrdsl.evaluate(fixed, 1000, 10)) < 0) + 1
    assert drops.tolist() == [300, 600, 900]
    as_written = np.flatnonzero(np.diff(lrdsl.evaluate(TRAP, 1000, 10)) < 0) + 1
    assert as_written.tolist() == [350, 650, 950]


@pytest.mark.parametrize(
    ("text", "kwargs", "drops"),
    [
        ("const(1, 100) >> (warmup(linear, 5ep) >> step(0.1, gamma=0.5, every=30ep))", {}, [300, 600, 900]),
        ("warmup(linear, 5%) >> multistep(0.1, at=[300, 600])", {}, [300, 600]),
        ("warmup(linear, 50) >> 0.5 * piecewise([1, 0.1], at=[200])", {}, [200]),
        ("warmup(linear, 500) >> rsqrt(1, warmup=500)", {}, []),
    ],
)
def test_every_fix_keeps_the_run_clock(text: str, kwargs: dict[str, Any], drops: list[int]) -> None:
    """With the run known, each hint's corrected text puts the marks at the run's steps."""
    (found,) = lrdsl.lint(text, total_steps=1000, steps_per_epoch=10, **kwargs)
    assert found.hint is not None
    fixed = found.hint.split("write ", 1)[1]
    lr = lrdsl.evaluate(fixed, 1000, 10)
    assert lrdsl.lint(fixed, total_steps=1000, steps_per_epoch=10) == []
    if drops:
        assert (np.flatnonzero(np.diff(lr) < 0) + 1).tolist()[-len(drops) :] == drops
    else:  # rsqrt(1, warmup=500) * offset(500): decays from the end of the warm-up on
        assert lr[500] == 1.0 and lr[501] < 1.0


def test_lint_takes_evaluates_arguments_and_reports_in_source_order() -> None:
    text = "warmup(linear, 5ep) >> multistep(0.1, at=[30ep]) * cosine(1→0, 100) * quantize(1ep) >> cosine(1→0, 9ep)"
    kwargs: dict[str, Any] = {"total_steps": 1000, "steps_per_epoch": 10, "steps": [0, 1], "params": {}}
    found = lrdsl.lint(text, **kwargs)
    assert [d.code for d in found] == ["phase-clock", "modifier-precedence"]
    assert [d.column for d in found] == sorted(d.column or 0 for d in found)
    assert lrdsl.lint(lrdsl.parse(text), **kwargs) == found


def test_without_the_run_only_what_needs_no_layout_is_checked() -> None:
    # no total: a flexible schedule cannot be laid out, the syntactic warnings still come
    assert [d.code for d in lrdsl.lint(TRAP)] == ["phase-clock"]
    assert lrdsl.lint("linear(0→1, 100) >> cosine(1→0, 1000)") == []  # the run is the phases: nothing cut
    # a run that the schedule does not fit is an error, as in evaluate
    with pytest.raises(lrdsl.LrdslError, match="needs --steps-per-epoch"):
        lrdsl.lint(TRAP, total_steps=1000)
    with pytest.raises(lrdsl.LrdslError, match="unknown shape"):
        lrdsl.lint("cosin(1→0)")


def test_inside_a_restart_the_layout_is_lowerings_own() -> None:
    """Each 20-step cycle puts step() at its step 10: every=5 drops where the cycle's clock would, every=7 not."""
    assert lrdsl.lint("(linear(1→0.5) >> step(0.5, 10, every=5)) * restart(cycles=2)", 40) == []
    (found,) = lrdsl.lint("(linear(1→0.5) >> step(0.5, 10, every=7)) * restart(cycles=2)", 40)
    assert found.code == "phase-clock" and "phase's start (step 10)" in (found.hint or "")


def test_lint_of_a_plan_reads_the_layout_of_that_plan() -> None:
    from lrdsl.tools.linting import lint_plan

    text = "cosine(1→0, 60) >> step(0.5, 20, every=10)"
    plan = lrdsl.lower(text, 70)
    (found,) = lint_plan(lrdsl.parse(text), plan)
    assert (found.code, found.span) == ("cut-phase", lrdsl.lint(text, 70)[0].span)
    assert found.message == "step(0.5, 20, every=10) is cut after 10 of its 20 steps"


def test_a_multi_line_schedule_gets_the_fixed_phase_only() -> None:
    text = "warmup(linear, 5ep)   # ramp\n>> multistep(0.1, at=[30ep, 60ep])"
    (found,) = lrdsl.lint(text)
    assert (found.line, found.column) == (2, 4)
    assert found.hint is not None and found.hint.endswith("write multistep(0.1, at=[30ep, 60ep]) * offset(5ep)")


def test_check_prints_warnings_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", TRAP]) == 0
    out, err = capsys.readouterr()
    assert out == "warmup(linear, 5ep) >> multistep(0.1, gamma=0.1, at=[30ep, 60ep, 90ep])\n"
    assert err == WARNINGS[0][2] + "\n"


def test_check_strict_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--strict", TRAP]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("1:24: error: the milestones at=[30ep, 60ep, 90ep] of multistep() count")
    assert err.endswith("\nlrdsl: 1 warning treated as errors (--strict)\n")
    assert main(["check", "--strict", TRAP + " * offset(5ep)"]) == 0


def test_check_with_the_run_checks_its_layout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "linear(0→1, 100) >> cosine(1→0, 1000)", "--steps", "800"]) == 0
    assert "is cut after 700 of its 1000 steps" in capsys.readouterr().err
    assert main(["check", "linear(0→1, 100) >> exp(0→1, 1000)", "--steps", "800"]) == 2
    assert "exp needs non-zero ends" in capsys.readouterr().err
    assert main(["check", "linear(0→1, 100) >> cosine(1→0, 1000)", "--steps", "90ep", "--steps-per-epoch", "10"]) == 0
    assert "cut after 800 of its 1000 steps" in capsys.readouterr().err


def _warning_patterns() -> list[tuple[str, str]]:
    """``(where, regex)`` of each message given to ``warn`` in lrdsl/tools/linting.py: a text, an f-string or a choice of them."""
    import ast
    from pathlib import Path

    def regexes(node: ast.expr) -> list[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [re.escape(node.value)]
        if isinstance(node, ast.JoinedStr):
            return ["".join(re.escape(str(v.value)) if isinstance(v, ast.Constant) else ".*" for v in node.values)]
        if isinstance(node, ast.IfExp):
            return regexes(node.body) + regexes(node.orelse)
        raise AssertionError(f"linting.py:{node.lineno}: write the message in the call to warn(), as text")

    path = Path(lrdsl.__file__).parent / "tools" / "linting.py"
    out: list[tuple[str, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "warn" and len(node.args) >= 3:
            out.extend((f"linting.py:{node.lineno}", pattern) for pattern in regexes(node.args[2]))
    return out


def test_every_warning_has_a_snapshot() -> None:
    """Each message a warning can give appears, whole, in WARNINGS; each check has at least one."""
    patterns = _warning_patterns()
    assert len(patterns) >= len(CHECKS)
    first_lines = [m.split("\n")[0].split(": warning: ", 1)[1] for _, _, m in WARNINGS]
    missing = [f"{where}: {p}" for where, p in patterns if not any(re.fullmatch(p, line) for line in first_lines)]
    assert not missing, "add a snapshot to WARNINGS for:\n" + "\n".join(missing)
    codes = {d.code for text, kwargs, _ in WARNINGS for d in lrdsl.lint(text, **kwargs)}
    assert codes == set(CHECKS)


@pytest.mark.parametrize(
    ("text", "total", "first_line"),
    [
        (
            "const(1, 100) >> cosine(1→0, 50) * repeat(3)",
            200,
            "1:18: cosine(1→0, 50) * repeat(3) is cut after 100 of its 150",
        ),
        ("cosine(1→0, 100) * offset(20)", 50, "1:1: cosine(1→0, 100) is cut after 70 of its 100"),  # 20 skipped, 50 run
        ("linear(0→1, 60%) >> cosine(1→0, 60%)", 1000, "1:21: cosine(1→0, 60%) is cut after 400 of its 600"),
        ("warmup(linear, 100ep) >> cosine(1→0)", 1000, "1:1: warmup(linear, 100ep) is cut after 1000 of its 4000"),
    ],
)
def test_cut_phases_in_every_layout(text: str, total: int, first_line: str) -> None:
    (found,) = lrdsl.lint(text, total, 40)
    assert f"{found.line}:{found.column}: {found.message}".startswith(first_line)
    lr = lrdsl.evaluate(text, total, 40)
    assert lr.size == total  # the run is as long as the total: the phase is cut, not the run stretched


def test_lint_and_diagnostic_are_public_names() -> None:
    import lrdsl.tools.linting

    assert {"lint", "Diagnostic"} <= set(lrdsl.__all__)
    assert lrdsl.lint is lrdsl.tools.set_lint.lint and lrdsl.Diagnostic is lrdsl.tools.linting.Diagnostic


def test_many_phases_each_hint_sums_the_phases_before() -> None:
    """The durations before each phase are summed as the layout walks (benchmarks/lint.py: linear time)."""
    found = lrdsl.lint(" >> ".join(["piecewise([1, 0.5], 2, at=[1])"] * 300))
    assert len(found) == 299
    assert [d.hint.rsplit("offset(", 1)[1] if d.hint else None for d in found[::149]] == ["2)", "300)", "598)"]
    assert [d.column for d in found[:2]] == [35, 69]
