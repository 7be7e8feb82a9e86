"""What every run refuses, refused by ``lrdsl check`` without a run, with the message ``evaluate`` gives.

The checks read only the syntax tree (:mod:`lrdsl.language.runfree`, numpy-free); lowering calls the same ones.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import lrdsl
from lrdsl.cli import main
from lrdsl.language import ast as A
from lrdsl.language import runfree

REFUSED = [
    ("cosine(1→0) * restart(mult=0.5)", "1:28: error: restart mult must be between 1 and 1000, got 0.5"),
    ("cosine(1→0) * restart(mult=4 ** 6)", "1:28: error: restart mult must be between 1 and 1000, got 4096"),
    ("wsd(0.1, warmup=10, decay=0.2)", "1:27: error: wsd() 'decay' of 0.2 steps rounds to 0 steps"),
    ("wsd(0.1, warmup=0.5, decay=10)", "1:17: error: wsd() 'warmup' of 0.5 steps rounds to 0 steps"),
    ("wsd(0.1, warmup=0, decay=10)", "1:17: error: wsd() 'warmup' must be positive, got 0"),
    (
        "warmup(linear, 5) >> cosine(1→0) * repeat(2.5)",
        "1:43: error: a cycle count must be a whole number ≥ 1, got 2.5",
    ),
    ("cosine(1→0) * restart(cycles=0)", "1:30: error: a cycle count must be a whole number ≥ 1, got 0"),
    ("cosine(1→0) * restart(cycles=2e9)", "1:30: error: too many cycles"),
    ("onecycle(0.1, pct=1.5)", "1:19: error: onecycle pct must be between 0 and 1, got 1.5"),
    ("poly(1→0, power=-1)", "1:17: error: poly() power must be ≥ 0"),
    ("inverse_time(0.1, decay=-1)", "1:25: error: inverse_time() decay must be ≥ 0"),
    ("exp_decay(0.1, rate=0)", "1:21: error: exp_decay() rate must be positive, got 0"),
    ("onecycle(0.1, div=0)", "1:19: error: onecycle div must be positive, got 0"),
    ("cyclic(0.1→1, half=10, gamma=-1)", "1:30: error: cyclic gamma must be positive, got -1"),
    ("exp(0→1)", "1:1: error: exp(0→1): exp needs non-zero ends of the same sign"),
    (
        "wsd(0.1, warmup=10, decay=10, shape=exp)",
        "1:1: error: wsd(0.1, warmup=10, decay=10, shape=exp): exp needs non-zero ends of the same sign",
    ),
    ("piecewise([1, 0.5], at=[10, 20])", "1:11: error: piecewise() needs one value more than marks: 2 values, 2 marks"),
    ("step(0.1, every=10%)", "1:17: error: 'every' cannot be a percentage"),
    ("cosine(1→0) * restart(period=10% + 5)", "1:30: error: restart period cannot be a percentage"),
    ("cosine(1→0) * offset(10%)", "1:22: error: an offset cannot be a percentage"),
    ("cosine(1→0) * repeat(1/0)", "1:22: error: division by zero"),
    ("cosine(1→0) * restart(mult=sqrt(-1))", "1:28: error: sqrt() is not defined at -1"),
]


@pytest.mark.parametrize(("text", "first_line"), REFUSED, ids=[r[0] for r in REFUSED])
def test_check_without_a_run_refuses_what_every_run_refuses(
    text: str, first_line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", text]) == 2
    err = capsys.readouterr().err
    assert err.split("\n")[0] == first_line
    for total in (10, 1000, 10**6):  # every run gives the same message
        with pytest.raises(lrdsl.LrdslError) as info:
            lrdsl.evaluate(text, total)
        assert str(info.value) + "\n" == err
    with pytest.raises(lrdsl.LrdslError):
        lrdsl.lint(text)


@pytest.mark.parametrize(
    "text",
    [
        "cosine(1→0) * restart(mult=$m)",  # the parameter's value is the run's
        "cosine(1→0) * restart(mult=1.5)",
        "wsd(0.1, warmup=10, decay=0.6)",  # rounds to one step
        "wsd(0.1, warmup=5%, decay=20%)",
        "wsd(0.1, warmup=1ep, decay=0.2ep)",  # a duration in epochs: the run's steps per epoch decide
        "exp($a→1)",
        "warmup(linear, 5) >> exp(→1e-3)",  # the start is the previous phase's end
        "wsd(0.1, warmup=10, decay=10, to=1e-3, shape=exp)",
        "fn(exp(-u / 100), 1000)",  # the math function, not the shape
    ],
)
def test_what_a_run_may_take_passes(text: str) -> None:
    runfree.check(lrdsl.parse(text))  # no error


def test_wsd_takes_percentages_of_its_span() -> None:
    np.testing.assert_array_equal(
        lrdsl.evaluate("wsd(0.1, warmup=5%, decay=20%)", 1000),
        lrdsl.evaluate("wsd(0.1, warmup=50, decay=200)", 1000),
    )
    np.testing.assert_array_equal(  # a share of the wsd's own span, not of the run
        lrdsl.evaluate("const(1, 200) >> wsd(0.1, 800, warmup=5%, decay=25%)", 1000),
        lrdsl.evaluate("const(1, 200) >> wsd(0.1, 800, warmup=40, decay=200)", 1000),
    )
    assert main(["check", "wsd(0.1, warmup=5%, decay=20%)", "--steps", "1000"]) == 0


def test_a_restarted_wsd_refuses_a_decay_of_no_step_as_check_does() -> None:
    text = "wsd(0.1, 10, warmup=2, decay=0.2) * restart()"
    with pytest.raises(lrdsl.LrdslError, match="rounds to 0 steps"):
        lrdsl.evaluate(text, 100)
    with pytest.raises(lrdsl.LrdslError, match="rounds to 0 steps"):
        lrdsl.lint(text)


def test_constant_arithmetic_without_parameters() -> None:
    def value(text: str) -> float | None:
        call = lrdsl.parse(f"const({text}, 1)").expr
        assert isinstance(call, A.Call)
        return runfree.value(call.args[0].value)

    assert value("2 * 3 - 1") == 5.0
    assert value("-(2 ** 3) / 4") == -2.0
    assert value("max(1, sqrt(16))") == 4.0
    assert value("pi") == pytest.approx(3.141592653589793)
    assert value("$lr * 2") is None


def test_check_without_a_run_loads_no_numpy() -> None:
    """The run-free refusals, and the warnings of a schedule that needs its run, in a fresh interpreter."""
    code = (
        "import sys, json\n"
        "from lrdsl.cli import main\n"
        "codes = [main(['check', t]) for t in sys.argv[1:]]\n"
        "print(json.dumps([codes, [m for m in sys.modules if m == 'numpy' or m.startswith('numpy.')]]))\n"
    )
    texts = [
        "cosine(1→0) * restart(mult=0.5)",
        "wsd(0.1, warmup=10, decay=0.2)",
        "warmup(linear, 5ep) >> multistep(0.1, at=[30ep, 60ep])",
        "wsd(0.1, 100, warmup=5%, decay=20%) * restart(mult=2, cycles=3)",
    ]
    out = subprocess.run([sys.executable, "-c", code, *texts], capture_output=True, text=True, timeout=120)
    codes, loaded = json.loads(out.stdout.splitlines()[-1])
    assert codes == [2, 2, 0, 0]
    assert loaded == []


def test_a_schedule_that_passed_is_not_walked_again_and_one_that_failed_always_fails() -> None:
    """``runfree.check`` marks a schedule that passed (trees are immutable); a refused one keeps being refused."""
    good = lrdsl.parse("cosine(0.1→0, 100)")
    runfree.check(good)
    assert getattr(good, "_runfree", False)
    lrdsl.evaluate(good, 10)  # lowering checks it again: nothing to walk
    for _ in range(2):
        with pytest.raises(lrdsl.LrdslError, match="mult"):
            lrdsl.evaluate("cosine(0.1→0) * restart(period=10, mult=0.5)", 100)
