"""Error snapshots: a table of bad inputs and their exact messages (LANGUAGE.md §6)."""

from __future__ import annotations

from typing import Any

import pytest

import lrdsl
from lrdsl.errors import Span

ERRORS: list[tuple[str, dict[str, Any], str]] = [
    ("cosin(0.1→0)", {}, "1:1: error: unknown shape 'cosin'\n  cosin(0.1→0)\n  ^^^^^\nhint: did you mean 'cosine'?"),
    (
        "cosine(0.1→0, 5ep)",
        {},
        "1:15: error: 5ep needs --steps-per-epoch\n  cosine(0.1→0, 5ep)\n                ^^^\nhint: pass steps_per_epoch=… (CLI: --steps-per-epoch K)",
    ),
    (
        "exp(0→1e-3, 100)",
        {},
        "1:1: error: exp(0→1e-3, 100): exp needs non-zero ends of the same sign\n  exp(0→1e-3, 100)\n  ^^^^^^^^^^^^^^^^\nhint: use linear or cosine to reach 0, or end at a small value such as 1e-8",
    ),
    (
        "warmup(linear, 100)",
        {},
        "1:1: error: warmup at the end: nothing to warm up to\n  warmup(linear, 100)\n  ^^^^^^^^^^^^^^^^^^^\nhint: follow it with a phase: warmup(linear, 5ep) >> cosine(0.1→0)",
    ),
    (
        "cosine(0.1→0) >> warmup(linear, 100)",
        {"total_steps": 1000},
        "1:18: error: warmup at the end: nothing to warm up to\n  cosine(0.1→0) >> warmup(linear, 100)\n                   ^^^^^^^^^^^^^^^^^^^\nhint: follow it with a phase: warmup(linear, 5ep) >> cosine(0.1→0)",
    ),
    (
        "warmup(linear, 100) >> cosine(→0)",
        {"total_steps": 1000},
        "1:31: error: cosine(→0) takes its start from the warm-up before it\n  warmup(linear, 100) >> cosine(→0)\n                                ^^\nhint: a warm-up ramps to the next phase's start: give that phase an explicit start",
    ),
    (
        "cosine(→0, 100)",
        {},
        "1:8: error: cosine(→0, 100) has no previous phase to start from\n  cosine(→0, 100)\n         ^^\nhint: give an explicit start",
    ),
    (
        "cosine(0.1→0)",
        {},
        "1:1: error: this schedule has a flexible phase and no total\n  cosine(0.1→0)\n  ^^^^^^^^^^^^^\nhint: give the total: --steps N (API: total_steps=N)",
    ),
    ("", {}, "1:1: error: empty schedule\n  \n  ^\nhint: write a schedule such as 'cosine(0.1→0)'"),
    (
        "   # only a comment",
        {},
        "1:1: error: empty schedule\n     # only a comment\n  ^^^^^^^^^^^^^^^^^^^\nhint: write a schedule such as 'cosine(0.1→0)'",
    ),
    (
        "cosine(0.1→0",
        {},
        "1:13: error: unexpected end of input\n  cosine(0.1→0\n              ^\nhint: expected ')', ',', '>>', ']'",
    ),
    (
        "cosine(0.1 0)",
        {},
        "1:12: error: unexpected '0'\n  cosine(0.1 0)\n             ^\nhint: expected ')', '*', '**', '+', ',', '-', …",
    ),
    (
        "cosine(0.1→0, 100) * restart(period=10)",
        {},
        "1:37: error: the restarted schedule has its own duration and a period\n  cosine(0.1→0, 100) * restart(period=10)\n                                      ^^\nhint: give one of them: cosine(0.1→0) * restart(period=…) or cosine(0.1→0, …) * restart()",
    ),
    (
        "restart(mult=2)",
        {},
        "1:1: error: restart(…) is a modifier: apply it with '*'\n  restart(mult=2)\n  ^^^^^^^\nhint: e.g. cosine(0.1→0) * restart(…)",
    ),
    (
        "cosine(0.1→0, 100, foo=1)",
        {},
        "1:20: error: cosine() has no argument 'foo'\n  cosine(0.1→0, 100, foo=1)\n                     ^^^\nhint: cosine(range, dur)",
    ),
    (
        "cosine(0.1→0, durr=1)",
        {},
        "1:15: error: cosine() has no argument 'durr'\n  cosine(0.1→0, durr=1)\n                ^^^^\nhint: did you mean 'dur'?",
    ),
    (
        "cosine(0.1, 100)",
        {},
        "1:8: error: cosine() expects a range such as 0.1→1e-6\n  cosine(0.1, 100)\n         ^^^\nhint: write cosine(a→b) or cosine(→b) to start from the previous phase",
    ),
    (
        "linear(0→1, 100, 5)",
        {},
        "1:18: error: too many arguments to linear()\n  linear(0→1, 100, 5)\n                   ^\nhint: linear(range, dur)",
    ),
    (
        "const(1e309)",
        {},
        "1:7: error: number 1e309 is too large\n  const(1e309)\n        ^^^^^\nhint: numbers must be finite",
    ),
    (
        "const(inf)",
        {},
        "1:7: error: expected a number, found 'inf'\n  const(inf)\n        ^^^\nhint: numbers must be finite",
    ),
    (
        "cosine($peak→0, 100)",
        {},
        "1:8: error: parameter $peak is not bound\n  cosine($peak→0, 100)\n         ^^^^^\nhint: bind it: --set peak=… or params={'peak': …}",
    ),
    (
        "cosine(0.1→0, 100)",
        {"params": {"lr": 1.0}},
        "error: unused parameter: $lr\nhint: remove it or use it in the schedule",
    ),
    (
        "fn(log(u), 100)",
        {},
        "1:1: error: fn(log(u), 100) is -inf at its local step 0\n  fn(log(u), 100)\n  ^^^^^^^^^^^^^^^\nhint: check for division by zero, log of 0 or overflow",
    ),
    (
        "fn(x * u, 100)",
        {},
        "1:4: error: unknown variable 'x' in fn()\n  fn(x * u, 100)\n     ^\nhint: variables here: t, u, p, e, pi",
    ),
    (
        "fn(sinh(u), 100)",
        {},
        "1:4: error: unknown function 'sinh'\n  fn(sinh(u), 100)\n     ^^^^\nhint: did you mean 'sin'?",
    ),
    (
        "linear(0→1, 100) / linear(0→1, 100)",
        {},
        "1:1: error: a quotient is nan at its local step 0\n  linear(0→1, 100) / linear(0→1, 100)\n  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\nhint: check for division by zero, log of 0 or overflow",
    ),
    (
        "quantize(10)",
        {},
        "1:1: error: quantize(…) is a modifier: apply it with '*'\n  quantize(10)\n  ^^^^^^^^\nhint: e.g. cosine(0.1→0) * quantize(…)",
    ),
    (
        "cosine(0.1→0) * restart(mult=0.5)",
        {"total_steps": 100},
        "1:30: error: restart mult must be between 1 and 1000, got 0.5\n  cosine(0.1→0) * restart(mult=0.5)\n                               ^^^",
    ),
    (
        "cosine(0.1→0) * repeat(2.5)",
        {"total_steps": 100},
        "1:24: error: a cycle count must be a whole number ≥ 1, got 2.5\n  cosine(0.1→0) * repeat(2.5)\n                         ^^^",
    ),
    (
        "step(0.1, 100, every=0)",
        {},
        "1:22: error: step() 'every' must be positive, got 0\n  step(0.1, 100, every=0)\n                       ^",
    ),
    (
        "multistep(0.1, 100, at=30)",
        {},
        "1:24: error: multistep() argument 'at' must be a list such as [30ep, 60ep]\n  multistep(0.1, 100, at=30)\n                         ^^",
    ),
    (
        "cosine(0.1→0, 100) >> >> const(1)",
        {},
        "1:23: error: unexpected '>>'\n  cosine(0.1→0, 100) >> >> const(1)\n                        ^^\nhint: expected '(', '-', '[', a $parameter, a duration, a name, …",
    ),
    (
        "cosine(0.1→0, 100) $ 2",
        {},
        "1:20: error: unexpected character '$'\n  cosine(0.1→0, 100) $ 2\n                     ^\nhint: a parameter is '$' followed by a name, e.g. $peak",
    ),
    ("linear", {}, "1:1: error: 'linear' is a shape: call it, e.g. linear(…)\n  linear\n  ^^^^^^"),
    (
        "onecycle(0.1, pct=1.5)",
        {"total_steps": 100},
        "1:19: error: onecycle pct must be between 0 and 1, got 1.5\n  onecycle(0.1, pct=1.5)\n                    ^^^",
    ),
    (
        "wsd(1, warmup=60, decay=60)",
        {"total_steps": 100},
        "1:1: error: wsd warm-up (60) and decay (60) exceed its 100 steps\n  wsd(1, warmup=60, decay=60)\n  ^^^^^^^^^^^^^^^^^^^^^^^^^^^",
    ),
    (
        "poly(1→0, power=2, cycle=true)",
        {"total_steps": 100},
        "1:1: error: poly(…, cycle=true) needs its decay period\n  poly(1→0, power=2, cycle=true)\n  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\nhint: e.g. poly(0.1→1e-4, 1000, cycle=true)",
    ),
    (
        "warmup(lin, 5)",
        {},
        "1:8: error: warmup() argument 'shape' must be one of linear, cosine, exp, poly, sqrt, log\n  warmup(lin, 5)\n         ^^^\nhint: did you mean 'linear'?",
    ),
    (
        "cosine(0.1→0, 100) * quantize(10, at=middle)",
        {},
        "1:38: error: quantize() argument 'at' must be one of start, end\n  cosine(0.1→0, 100) * quantize(10, at=middle)\n                                       ^^^^^^",
    ),
    (
        "((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))",
        {},
        "1:201: error: brackets nested deeper than 200\n  ((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((\n                                                    ^\nhint: flatten the expression",
    ),
    (
        "const(" + "-" * 99 + "1, 10)",  # call, argument, 99 minus signs: the last one is level 101
        {},
        "1:105: error: expression nested deeper than 100 levels\n  "
        + "-" * 94
        + "1, 10)\n  "
        + " " * 93
        + "^\nhint: each operator, call, argument and number is one level: simplify the expression",
    ),
    (
        "recur(lr * 2, every=1)",
        {"total_steps": 100},
        "1:1: error: recur() has no previous phase to start from\n  recur(lr * 2, every=1)\n  ^^^^^^^^^^^^^^^^^^^^^^\nhint: give an explicit start",
    ),
    (
        "const(1, 1e20)",
        {},
        "1:10: error: duration of 1e+20 steps is too large\n  const(1, 1e20)\n           ^^^^\nhint: the limit is 1e+15 steps",
    ),
    (
        "sin(u)",
        {},
        "1:1: error: unknown shape 'sin'\n  sin(u)\n  ^^^\nhint: math functions go inside fn(…), e.g. fn(sin(u))",
    ),
    (
        "cosine(0.1→0, -5)",
        {},
        "1:15: error: a duration must be a non-negative number of steps\n  cosine(0.1→0, -5)\n                ^^",
    ),
    (
        "cosine(0.1→0, 100)\n  >> linear(0→1, 5ep)",
        {},
        "2:18: error: 5ep needs --steps-per-epoch\n    >> linear(0→1, 5ep)\n                   ^^^\nhint: pass steps_per_epoch=… (CLI: --steps-per-epoch K)",
    ),
]


@pytest.mark.parametrize(("text", "kwargs", "message"), ERRORS, ids=[e[0][:40] for e in ERRORS])
def test_error_message(text: str, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(lrdsl.LrdslError) as info:
        lrdsl.evaluate(text, **kwargs)
    assert str(info.value) == message
    assert isinstance(info.value, ValueError)


CONSTANTS: list[tuple[str, dict[str, Any], str]] = [
    ("const((0-8) ** (1/3), 10)", {}, "1:7: error: a negative number to a fractional power has no real value"),
    (
        "const($a ** 0.5, 10)",
        {"params": {"a": -4.0}},
        "1:7: error: a negative number to a fractional power has no real value",
    ),
    ("const(1, (0-8) ** 0.5)", {}, "1:10: error: a negative number to a fractional power has no real value"),
    ("const(10 ** 400, 10)", {}, "1:7: error: number too large"),
    ("const((0-10) ** 401, 10)", {}, "1:7: error: number too large"),
    ("const(1e308 * 10, 10)", {}, "1:7: error: number too large"),
    ("const(" + "9" * 400 + ", 10)", {}, "1:7: error: number " + "9" * 400 + " is too large"),
    ("const(1 / 0, 10)", {}, "1:7: error: division by zero"),
    ("const(0 ** -1, 10)", {}, "1:7: error: division by zero"),
    ("const(1 / (0 * $a), 10)", {"params": {"a": 2.0}}, "1:7: error: division by zero"),
]


@pytest.mark.parametrize(("text", "kwargs", "start"), CONSTANTS, ids=[c[0][:40] for c in CONSTANTS])
def test_constant_arithmetic_errors(text: str, kwargs: dict[str, Any], start: str) -> None:
    """Every escape of constant arithmetic (complex powers, overflow, division by zero) has a caret."""
    for run in (lrdsl.evaluate, lambda text, **kw: lrdsl.generate(text, "python", **kw)):
        with pytest.raises(lrdsl.LrdslError) as info:
            run(text, **kwargs)
        assert str(info.value).startswith(start + "\n")
        assert "^" in str(info.value).splitlines()[2]


def test_negative_base_to_a_whole_power_is_real() -> None:
    assert lrdsl.evaluate("const((0-2) ** 3 + 9, 1)").tolist() == [1.0]
    assert lrdsl.evaluate("const(-(8 ** (1/3)) + 3, 1)").tolist() == [1.0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("const(１, 10)", "1:7: error: unexpected character '１'\n  const(１, 10)\n        ^^"),
        ("const(1٣, 10)", "1:8: error: unexpected character '٣'\n  const(1٣, 10)\n         ^"),
        ("cosine(0.1→0, ５ep)", "1:15: error: unexpected character '５'\n  cosine(0.1→0, ５ep)\n                ^^"),
    ],
)
def test_only_ascii_digits_are_numbers(text: str, message: str) -> None:
    """LANGUAGE.md §8.4: a regex \\d (or Python's float()) would read '１' and '٣' as digits."""
    with pytest.raises(lrdsl.LrdslError) as info:
        lrdsl.parse(text)
    assert str(info.value) == message + "\nhint: numbers are written with the digits 0-9"


def test_digits_are_not_grouped_with_underscores() -> None:
    with pytest.raises(lrdsl.LrdslError) as info:
        lrdsl.parse("const(1_000, 10)")
    assert str(info.value) == (
        "1:8: error: unexpected '_000'\n  const(1_000, 10)\n         ^\nhint: digits are not grouped with '_': write 1000 or 1e3"
    )


def test_byte_order_mark_at_the_start_is_accepted() -> None:
    assert lrdsl.parse("\ufeffcosine(0.1→0, 100)") == lrdsl.parse("cosine(0.1→0, 100)")
    with pytest.raises(lrdsl.LrdslError) as info:
        lrdsl.parse("\ufeffcosin(0.1→0)")
    assert str(info.value).splitlines()[:3] == ["1:1: error: unknown shape 'cosin'", "  cosin(0.1→0)", "  ^^^^^"]
    with pytest.raises(lrdsl.LrdslError, match="unexpected character"):
        lrdsl.parse("const(1, 10) >> \ufeffconst(1, 10)")  # elsewhere it is no white space


@pytest.mark.parametrize(
    ("source", "span", "lines"),
    [
        ("\tcosin(0.1→0)", (1, 6), ["          cosin(0.1→0)", "          ^^^^^"]),
        ("a\tb\tcosin", (4, 9), ["  a       b       cosin", "                  ^^^^^"]),
        ("学习率 = x", (6, 7), ["  学习率 = x", "           ^"]),
        ("ｘ + y", (0, 1), ["  ｘ + y", "  ^^"]),
        ("é́ x", (3, 4), ["  é́ x", "    ^"]),  # e + two combining accents: one column
        ("x\u202ey z", (4, 5), ["  xy z", "     ^"]),  # a direction override is not printed
        ("x\x1by", (2, 3), ["  x\ufffdy", "    ^"]),  # nor is a control character
        ("x y\r", (2, 3), ["  x y", "    ^"]),  # a CRLF line ending
    ],
)
def test_caret_is_aligned_by_display_width(source: str, span: tuple[int, int], lines: list[str]) -> None:
    err = lrdsl.LrdslError("message", span=Span(*span), source=source)
    assert str(err).split("\n")[1:] == lines


def test_caret_after_a_tab_in_a_parsed_schedule() -> None:
    with pytest.raises(lrdsl.LrdslError) as info:
        lrdsl.parse("const(1, 10)\n\t>>\tcosin(1→0)")
    assert str(info.value).splitlines()[:3] == [
        "2:5: error: unknown shape 'cosin'",
        "          >>      cosin(1→0)",
        "                  ^^^^^",
    ]


def test_recur_spans_at_most_a_million_intervals() -> None:
    """At most 1e6 intervals [k·every, (k+1)·every) in the phase (docs/language.md), and no more."""
    assert lrdsl.evaluate("recur(lr * 0.5 + 0.5, 1e6, from=2)", steps=[0, 10**6]).tolist() == [1.5, 1.0]
    with pytest.raises(lrdsl.LrdslError) as info:
        lrdsl.evaluate("recur(lr * 0.5, 1e6 + 1, from=1)", steps=[0])
    assert str(info.value).splitlines()[0] == "1:1: error: recur() would iterate over 1000001 intervals of 'every'"
    assert info.value.hint == "at most 1000000 intervals: use a larger 'every' or a closed form in fn()"


def test_recur_limit_counts_intervals_not_values(monkeypatch: pytest.MonkeyPatch) -> None:
    """⌈d/every⌉ ≤ MAX_RECUR: the value held after the phase is one more, not one interval more."""
    monkeypatch.setattr("lrdsl.interpreter.MAX_RECUR", 10)
    lrdsl.evaluate("recur(lr * 0.5, 10, from=1)", steps=[0])
    lrdsl.evaluate("recur(lr * 0.5, 20, every=2, from=1)", steps=[0])
    for text in ("recur(lr * 0.5, 11, from=1)", "recur(lr * 0.5, 21, every=2, from=1)"):
        with pytest.raises(lrdsl.LrdslError, match="iterate over 11 intervals"):
            lrdsl.evaluate(text, steps=[0])
    with pytest.raises(lrdsl.LrdslError, match="iterate over 1e\\+301 intervals"):
        lrdsl.evaluate("recur(lr * 0.5, 10, every=1e-300, from=1) * restart(cycles=2)", 100)
