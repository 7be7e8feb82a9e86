"""Error snapshots: a table of bad inputs and their exact messages (LANGUAGE.md §6)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

import lrdsl
from lrdsl.errors import Span
from tests.frameworks import need

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
        "1:13: error: unexpected end of input\n  cosine(0.1→0\n              ^\nhint: close the '(' opened at 1:7 with ')'",
    ),
    (
        "cosine(0.1 0)",
        {},
        "1:12: error: unexpected '0'\n  cosine(0.1 0)\n             ^\nhint: missing ',' between two arguments?",
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
        "1:20: error: cosine() has no argument 'foo'\n  cosine(0.1→0, 100, foo=1)\n                     ^^^\nhint: cosine(range, dur, inclusive)",
    ),
    (
        "cosine(0.1→0, durr=1)",
        {},
        "1:15: error: cosine() has no argument 'durr'\n  cosine(0.1→0, durr=1)\n                ^^^^\nhint: did you mean 'dur'?",
    ),
    (
        "multistep(0.1, milestones=[30, 60])",
        {},
        "1:16: error: multistep() has no argument 'milestones'\n  multistep(0.1, milestones=[30, 60])\n                 ^^^^^^^^^^\nhint: did you mean 'at'? (PyTorch's MultiStepLR: milestones=)",
    ),
    (
        "cosine(0.1→0) * restart(T_0=10, T_mult=2)",
        {},
        "1:25: error: restart() has no argument 'T_0'\n  cosine(0.1→0) * restart(T_0=10, T_mult=2)\n                          ^^^\nhint: did you mean 'period'? (PyTorch's CosineAnnealingWarmRestarts: T_0=)",
    ),
    (
        "cosine(0.1→0, 100, eta_min=0)",
        {},
        "1:20: error: cosine() has no argument 'eta_min'\n  cosine(0.1→0, 100, eta_min=0)\n                     ^^^^^^^\nhint: eta_min= (PyTorch) is the end of the range here: cosine(0.1→1e-6)",
    ),
    (
        "step(0.1, 100, lr=0.1, every=10)",
        {},
        "1:16: error: step() has no argument 'lr'\n  step(0.1, 100, lr=0.1, every=10)\n                 ^^\nhint: lr= (PyTorch) is the first argument here: step(0.1, …)",
    ),
    (
        "step(0.1, 100, step_size=10)",
        {},
        "1:16: error: step() has no argument 'step_size'\n  step(0.1, 100, step_size=10)\n                 ^^^^^^^^^\nhint: did you mean 'every'? (PyTorch's StepLR: step_size=)",
    ),
    (
        "warmup(linear, 5e) >> cosine(0.1→0, 100)",
        {},
        "1:17: error: unexpected 'e'\n  warmup(linear, 5e) >> cosine(0.1→0, 100)\n                  ^\nhint: write 5ep for 5 epochs, or 5e3 for a power of ten",
    ),
    (
        "cosine(0.1, 100)",
        {},
        "1:8: error: cosine() expects a range such as 0.1→1e-6\n  cosine(0.1, 100)\n         ^^^\nhint: write cosine(a→b) or cosine(→b) to start from the previous phase",
    ),
    (
        "linear(0→1, 100, 5)",
        {},
        "1:18: error: too many arguments to linear()\n  linear(0→1, 100, 5)\n                   ^\nhint: linear(range, dur, inclusive)",
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
        "step(1, every=1e-7)",
        {"total_steps": 100},
        "1:15: error: step() 'every' of 1e-07 steps is too short\n  step(1, every=1e-7)\n                ^^^^\n"
        "hint: a period is at least 1e-06 steps",
    ),
    (
        "multistep(0.1, 100, at=30)",
        {},
        "1:24: error: multistep() argument 'at' must be a list such as [30ep, 60ep]\n  multistep(0.1, 100, at=30)\n                         ^^",
    ),
    (
        "cosine(0.1→0, 100) >> >> const(1)",
        {},
        "1:23: error: unexpected '>>'\n  cosine(0.1→0, 100) >> >> const(1)\n                        ^^\nhint: expected a number, a name, a duration, a $parameter, '(', '-', …",
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
        "wsd(0.1, warmup=10, decay=0.2)",
        {"total_steps": 100},
        "1:27: error: wsd() 'decay' of 0.2 steps rounds to 0 steps\n  wsd(0.1, warmup=10, decay=0.2)\n"
        "                            ^^^\nhint: give it at least one step, or a share of its span: decay=20%",
    ),
    (
        "wsd(0.1, warmup=0, decay=10)",
        {"total_steps": 100},
        "1:17: error: wsd() 'warmup' must be positive, got 0\n  wsd(0.1, warmup=0, decay=10)\n                  ^",
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
        "1:8: error: warmup() argument 'shape' must be one of linear, cosine, exp, poly, sqrt, log, pow\n  warmup(lin, 5)\n         ^^^\nhint: did you mean 'linear'?",
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
        "1:15: error: a duration must be a non-negative number of steps\n  cosine(0.1→0, -5)\n                ^^\nhint: only an offset may be negative: X * offset(-5) is X five steps late",
    ),
    (
        "cosine(0.1→0, 100)\n  >> linear(0→1, 5ep)",
        {},
        "2:18: error: 5ep needs --steps-per-epoch\n    >> linear(0→1, 5ep)\n                   ^^^\nhint: pass steps_per_epoch=… (CLI: --steps-per-epoch K)",
    ),
    (
        "warmup(linear, 5 epochs)",
        {},
        "1:18: error: unexpected 'epochs'\n  warmup(linear, 5 epochs)\n                   ^^^^^^\nhint: write 5ep for 5 epochs",
    ),
    (
        "warmup(linear, 5 ep)",
        {},
        "1:18: error: unexpected 'ep'\n  warmup(linear, 5 ep)\n                   ^^\nhint: write 5ep for 5 epochs",
    ),
    (
        "warmup(linear, 5epochs)",
        {},
        "1:17: error: unexpected 'epochs'\n  warmup(linear, 5epochs)\n                  ^^^^^^\nhint: write 5ep for 5 epochs",
    ),
    (
        "const(0.1, 2.5Mep)",
        {},
        "1:12: error: 2500000ep needs --steps-per-epoch\n  const(0.1, 2.5Mep)\n             ^^^^^^\nhint: pass steps_per_epoch=… (CLI: --steps-per-epoch K)",
    ),
    (
        "warmup(linear, 2Btok)",
        {},
        "1:16: error: 2Btok needs --tokens-per-step\n  warmup(linear, 2Btok)\n                 ^^^^^\nhint: pass tokens_per_step=… (CLI: --tokens-per-step K)",
    ),
    (
        "const(0.1, 500 steps)",
        {},
        "1:16: error: unexpected 'steps'\n  const(0.1, 500 steps)\n                 ^^^^^\nhint: a duration in steps is a plain number: write 500",
    ),
    (
        "const(0.1, 10 %)",
        {},
        "1:15: error: unexpected character '%'\n  const(0.1, 10 %)\n                ^\nhint: write 10% with no space for 10 percent",
    ),
    (
        "const(0.1, 10) > const(0.01)",
        {},
        "1:16: error: unexpected character '>'\n  const(0.1, 10) > const(0.01)\n                 ^\nhint: did you mean '>>' (then)?",
    ),
    (
        "warmup(5ep)",
        {},
        "1:8: error: warmup needs a shape first: warmup(linear, 5ep)\n  warmup(5ep)\n         ^^^\nhint: shapes: linear, cosine, exp, poly, sqrt, log, pow",
    ),
    (
        "zzz(1)",
        {},
        "1:1: error: unknown shape 'zzz'\n  zzz(1)\n  ^^^\nhint: shapes: const, hold, linear, cosine, exp, poly, pow, sqrt, log, piecewise, step, multistep, exp_decay, inverse_time, rsqrt, fn, recur, warmup; composites: onecycle, cyclic, wsd; combinators: min, max; modifiers (after '*'): restart, repeat, offset, quantize",
    ),
    (
        "cosine(0.1→0, 100) cosine(1→0, 10)",
        {},
        "1:20: error: unexpected 'cosine'\n  cosine(0.1→0, 100) cosine(1→0, 10)\n                     ^^^^^^\nhint: missing '>>' between two phases?",
    ),
    (
        "cosine(0.1→0, 100))",
        {},
        "1:19: error: unexpected ')'\n  cosine(0.1→0, 100))\n                    ^\nhint: this ')' closes nothing: remove it",
    ),
    (
        "multistep(0.1, 100, at=[30 60])",
        {},
        "1:28: error: unexpected '60'\n  multistep(0.1, 100, at=[30 60])\n                             ^^\nhint: missing ',' between two items?",
    ),
    (
        "cosine(0.1→0, dur=100, 5)",
        {},
        "1:24: error: positional argument after a keyword argument\n  cosine(0.1→0, dur=100, 5)\n                         ^\nhint: write the arguments by position first, then name=value ones",
    ),
    (
        "cosine(0.1→0, 100) * ",
        {},
        "1:22: error: unexpected end of input\n  cosine(0.1→0, 100) * \n                       ^\nhint: expected a number, a name, a duration, a $parameter, '(', '-', …",
    ),
    (
        "const(1)",
        {"total_steps": 300000000},
        "error: 300000000 steps are too many to evaluate at once (the limit is 2e+08)\nhint: evaluate ranges with steps=…, or stream with `lrdsl eval … --format csv`",
    ),
    (
        "const(1, 10)",
        {"steps": [-1]},
        "error: steps must lie between 0 and 1e15",
    ),
    (
        "const(1, 10)",
        {"steps": [0.5]},
        "error: steps must be whole numbers",
    ),
    (
        "const(1, 10)",
        {"steps": [[0], [1, 2]]},
        "error: steps must be whole numbers: setting an array element with a sequence. The requested array has an inhomogeneous shape after 1 dimensions. The detected shape was (2,) + inhomogeneous part.",
    ),
    (
        "recur(lr * 1e300, 10, from=1)",
        {},
        "1:1: error: recur() is not finite after 2 iterations\n  recur(lr * 1e300, 10, from=1)\n  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
    ),
    (
        "onecycle(0.1, 2)",
        {},
        "1:1: error: onecycle over 2 steps leaves a phase with no steps\n  onecycle(0.1, 2)\n  ^^^^^^^^^^^^^^^^\nhint: PyTorch's OneCycleLR needs pct·N > 1 and phases of positive length",
    ),
    (
        "const(1, 5ep)",
        {"steps_per_epoch": 0},
        "error: steps per epoch must be a positive number, got 0",
    ),
    (
        "const(1, 5ep)",
        {"steps_per_epoch": 1e200},
        "error: steps per epoch of 1e+200 is too large\nhint: the limit is 1e+15",
    ),
    (
        "cosine(1→0, 1e306ep)",
        {"steps_per_epoch": 1000},
        "1:13: error: duration too large: its number of steps overflows\n  cosine(1→0, 1e306ep)\n              ^^^^^^^\nhint: the limit is 1e+15 steps",
    ),
    (
        "cosine(1→0)",
        {"total_steps": -1},
        "error: total steps must be a whole number from 0 to 1e+15, got -1",
    ),
    (
        "cosine($a→0, 10)",
        {"params": {"a": math.nan}},
        "error: parameter $a must be a finite number, got nan",
    ),
    (
        "cosine(1→0) * restart(cycles=2e9)",
        {"total_steps": 10},
        "1:30: error: too many cycles\n  cosine(1→0) * restart(cycles=2e9)\n                               ^^^\nhint: at most 1e9",
    ),
    (
        "cosine(1→0, 1e15) * restart(cycles=1e6)",
        {},
        "1:21: error: the restart cycles last longer than 1e+15 steps\n  cosine(1→0, 1e15) * restart(cycles=1e6)\n                      ^^^^^^^^^^^^^^^^^^^",
    ),
    (
        "cosine(1→0) * restart(period=1e-7)",
        {"total_steps": 10},
        "1:15: error: the first restart cycle would last 1e-07 steps\n  cosine(1→0) * restart(period=1e-7)\n                ^^^^^^^^^^^^^^^^^^^^\nhint: cycles must last at least 1e-06 steps",
    ),
    (
        "cosine(1→0) * restart(period=0.5)",
        {"total_steps": 1000000000000000, "steps": [0]},
        "1:15: error: too many restart cycles\n  cosine(1→0) * restart(period=0.5)\n                ^^^^^^^^^^^^^^^^^^^\nhint: use a longer period",
    ),
    (
        "cosine(1→0) * restart(mult=2, cycles=2000)",
        {"total_steps": 100},
        "1:15: error: 2000 restart cycles with mult 2.0 leave the first cycle shorter than 1e-06 steps\n  cosine(1→0) * restart(mult=2, cycles=2000)\n                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^\nhint: use fewer cycles or a smaller mult",
    ),
    (
        "cosine(1→0) * restart(period=10%)",
        {"total_steps": 100},
        "1:30: error: restart period cannot be a percentage\n  cosine(1→0) * restart(period=10%)\n                               ^^^",
    ),
    (
        "cosine(1→0) * restart()",
        {"total_steps": 0},
        "1:15: error: the restart cycles have no steps to fill\n  cosine(1→0) * restart()\n                ^^^^^^^^^\nhint: give --steps",
    ),
    (
        "step(1, 100, every=10%)",
        {},
        "1:20: error: 'every' cannot be a percentage\n  step(1, 100, every=10%)\n                     ^^^\nhint: give it in steps or epochs",
    ),
    (
        "poly(1→0, 10, power=-1)",
        {},
        "1:21: error: poly() power must be ≥ 0\n  poly(1→0, 10, power=-1)\n                      ^^",
    ),
    (
        "inverse_time(1, 10, decay=-1)",
        {},
        "1:27: error: inverse_time() decay must be ≥ 0\n  inverse_time(1, 10, decay=-1)\n                            ^^",
    ),
    (
        "fn(e, 10)",
        {},
        "1:4: error: e (epochs) needs --steps-per-epoch\n  fn(e, 10)\n     ^",
    ),
    (
        "[1]",
        {},
        "1:1: error: a list is not a schedule\n  [1]\n  ^^^\nhint: lists go inside a call, e.g. multistep(0.1, at=[30ep, 60ep])",
    ),
    (
        "cosin",
        {},
        "1:1: error: unknown name 'cosin'\n  cosin\n  ^^^^^\nhint: did you mean 'cosine'?",
    ),
    (
        "5ep",
        {},
        "1:1: error: a duration is not a schedule\n  5ep\n  ^^^\nhint: durations go inside a call, e.g. const(0.1, 5ep)",
    ),
    (
        "0.1→0",
        {},
        "1:4: error: unexpected '→'\n  0.1→0\n     ^\nhint: a range goes inside a call, e.g. linear(0→0.1, 500)",
    ),
    (
        "cosine(0.1→0, 1→2)",
        {},
        "1:15: error: cosine() argument 'dur' cannot be a range\n  cosine(0.1→0, 1→2)\n                ^^^\nhint: cosine(range, dur, inclusive)",
    ),
    (
        "poly(1→0, 10, cycle=1)",
        {},
        "1:21: error: poly() argument 'cycle' must be true or false\n  poly(1→0, 10, cycle=1)\n                      ^",
    ),
    (
        "const(5ep)",
        {},
        "1:7: error: a duration is not allowed in a constant\n  const(5ep)\n        ^^^",
    ),
    (
        "min(const(1))",
        {},
        "1:1: error: min() needs at least two schedules\n  min(const(1))\n  ^^^^^^^^^^^^^",
    ),
    (
        "step(0.1, 100)",
        {},
        "1:1: error: step() is missing its argument 'every'\n  step(0.1, 100)\n  ^^^^^^^^^^^^^^\nhint: step(value, dur, gamma, every)",
    ),
    (
        "multistep(0.1, 100, at=[])",
        {},
        "1:24: error: multistep() argument 'at' must not be empty\n  multistep(0.1, 100, at=[])\n                         ^^",
    ),
    (
        "multistep(0.1, 100, at=[1→2])",
        {},
        "1:25: error: expected a number, found a range\n  multistep(0.1, 100, at=[1→2])\n                          ^^^",
    ),
    (
        "const(sqrt(u))",
        {},
        "1:12: error: expected a number, found 'u'\n  const(sqrt(u))\n             ^\nhint: use $name for a parameter",
    ),
    (
        "const(cosine(1→0))",
        {},
        "1:7: error: expected a number, found cosine(…)\n  const(cosine(1→0))\n        ^^^^^^^^^^^\nhint: cosine(…) is a schedule, not a number",
    ),
    (
        "fn(min(u), 10)",
        {},
        "1:4: error: min() takes 2 arguments\n  fn(min(u), 10)\n     ^^^^^^",
    ),
    (
        "cosine(0.1→0, dur=1, dur=2)",
        {},
        "1:22: error: argument 'dur' given twice\n  cosine(0.1→0, dur=1, dur=2)\n                       ^^^",
    ),
    (
        "cosine(0.1 to 0)",
        {},
        "1:12: error: unexpected 'to'\n  cosine(0.1 to 0)\n             ^^\nhint: ranges are written a→b or a->b",
    ),
    (
        'warmup("linear", 5ep)',
        {},
        '1:8: error: unexpected character \'"\'\n  warmup("linear", 5ep)\n         ^\nhint: a schedule has no quotes: write names as they are, e.g. warmup(linear, 5ep)',
    ),
    (
        "warmup(linear, 5ep) -> cosine(0.1→0)",
        {},
        "1:21: error: unexpected '->'\n  warmup(linear, 5ep) -> cosine(0.1→0)\n                      ^^\nhint: did you mean '>>' (then)?",
    ),
    (
        "cosine(0.1→0) * restart(2)",
        {},
        "1:25: error: restart() takes named arguments only\n  cosine(0.1→0) * restart(2)\n                          ^\nhint: restart(period=…, mult=…, decay=…, cycles=…)",
    ),
    (
        "const(log(0), 10)",
        {},
        "1:7: error: log() is not defined at 0\n  const(log(0), 10)\n        ^^^^^^",
    ),
    (
        "cosine(0.1→0, 100) * offset(10%)",
        {},
        "1:29: error: an offset cannot be a percentage\n  cosine(0.1→0, 100) * offset(10%)\n                              ^^^\nhint: give it in steps or epochs: offset(5ep)",
    ),
    (
        "cosine(0.1→0, 100) * offset(100)",
        {},
        "1:22: error: offset(100) is not shorter than the 100 steps of the schedule it moves\n  cosine(0.1→0, 100) * offset(100)\n                       ^^^^^^^^^^^\nhint: an offset skips the start of its schedule: it must be shorter than that schedule",
    ),
    (
        "piecewise([0.1, 0.01], at=[10, 20])",
        {"total_steps": 30},
        "1:11: error: piecewise() needs one value more than marks: 2 values, 2 marks\n  piecewise([0.1, 0.01], at=[10, 20])\n            ^^^^^^^^^^^\nhint: piecewise([v0, v1, v2], at=[m1, m2]): v0 before m1, v1 from m1, v2 from m2",
    ),
    (
        "piecewise([0.1, 0.01, 0.001], at=[20, 10])",
        {"total_steps": 30},
        "1:34: error: piecewise() marks must be in increasing order\n  piecewise([0.1, 0.01, 0.001], at=[20, 10])\n                                   ^^^^^^^^",
    ),
    (
        "const(0.1, 5ep * 5ep)",
        {},
        "1:18: error: a duration can be multiplied or divided only by a plain number\n  const(0.1, 5ep * 5ep)\n                   ^^^\nhint: e.g. 2 * 5ep or 90ep / 3",
    ),
    (
        "const(0.1, -5ep)",
        {"steps_per_epoch": 10},
        "1:12: error: a duration must be a non-negative number of steps\n  const(0.1, -5ep)\n             ^^^^\nhint: only an offset may be negative: X * offset(-5) is X five steps late",
    ),
    (
        "piecewise(0.1, at=[10])",
        {"total_steps": 30},
        "1:11: error: piecewise() argument 'values' must be a list such as [0.1, 0.01]\n  piecewise(0.1, at=[10])\n            ^^^",
    ),
    (
        "cosine(0.1→0)",
        {"total_steps": "10x"},
        "error: the total must be a whole number of steps or a duration such as 90ep, 300Btok or 100k, got '10x'",
    ),
    (
        "const(0.1, 10)",
        {"steps": [True]},
        "error: steps must be whole numbers, not booleans",
    ),
    (
        "const(0.1, 5ep ** 2)",
        {},
        "1:12: error: expected a duration\n  const(0.1, 5ep ** 2)\n             ^^^^^^^^\nhint: durations add and subtract; they multiply by plain numbers",
    ),
    # LANGUAGE.md §9.1–§9.3
    (
        "linear(0→1, 1%, inclusive=true) >> cosine(1→0)",
        {"total_steps": 100},
        "1:1: error: inclusive=true needs at least 2 steps; this linear() resolves to 1 step (1% of 100 steps)\n  linear(0→1, 1%, inclusive=true) >> cosine(1→0)\n  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\nhint: a ramp that includes both ends needs a first and a last step: give it more steps, or leave inclusive out",
    ),
    (
        "warmup(linear, 1, inclusive=true) >> cosine(1→0, 10)",
        {},
        "1:1: error: inclusive=true needs at least 2 steps; this warmup() resolves to 1 step (written 1)\n  warmup(linear, 1, inclusive=true) >> cosine(1→0, 10)\n  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\nhint: a ramp that includes both ends needs a first and a last step: give it more steps, or leave inclusive out",
    ),
    (
        "linear(0→1, 0.5ep, inclusive=true) >> const(1, 3)",
        {"steps_per_epoch": 2},
        "1:1: error: inclusive=true needs at least 2 steps; this linear() resolves to 1 step (0.5ep at 2 steps per epoch)\n  linear(0→1, 0.5ep, inclusive=true) >> const(1, 3)\n  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\nhint: a ramp that includes both ends needs a first and a last step: give it more steps, or leave inclusive out",
    ),
    (
        "linear(0→1, inclusive=true) >> const(1, 3)",
        {"total_steps": 4},
        "1:1: error: inclusive=true needs at least 2 steps; this linear() resolves to 1 step (its share of 4 steps)\n  linear(0→1, inclusive=true) >> const(1, 3)\n  ^^^^^^^^^^^^^^^^^^^^^^^^^^^\nhint: a ramp that includes both ends needs a first and a last step: give it more steps, or leave inclusive out",
    ),
    (
        "cosine(1→0, 10 - 9.4, inclusive=true) >> const(1, 3)",
        {},
        "1:1: error: inclusive=true needs at least 2 steps; this cosine() resolves to 1 step (10 - 9.4, rounded to whole steps)\n  cosine(1→0, 10 - 9.4, inclusive=true) >> const(1, 3)\n  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\nhint: a ramp that includes both ends needs a first and a last step: give it more steps, or leave inclusive out",
    ),
    (
        "cosine(1→0, 10, inclusive=true) * restart(mult=2)",
        {"total_steps": 100},
        "1:27: error: inclusive=true is refused inside a restart body whose cycles grow (mult ≠ 1)\n  cosine(1→0, 10, inclusive=true) * restart(mult=2)\n                            ^^^^\nhint: a step of a stretched cycle is not a step of the run: use mult=1 or leave inclusive out",
    ),
    (
        "poly(0.1→1e-4, 30, cycle=true, inclusive=true)",
        {"total_steps": 100},
        "1:42: error: inclusive=true is refused with poly(…, cycle=true)\n  poly(0.1→1e-4, 30, cycle=true, inclusive=true)\n                                           ^^^^\nhint: leave inclusive out",
    ),
    (
        "warmup(linear, 10, power=3) >> cosine(1→0)",
        {"total_steps": 100},
        "1:26: error: warmup(linear, …) takes no power\n  warmup(linear, 10, power=3) >> cosine(1→0)\n                           ^\nhint: power= is for warmup(pow, d, power=k): the ramp (t/W)^k",
    ),
    (
        "pow(0→1, 10, power=-1)",
        {},
        "1:20: error: pow() power must be positive, got -1\n  pow(0→1, 10, power=-1)\n                     ^^",
    ),
    (
        "warmup(pow, 10, power=0) >> cosine(1→0)",
        {"total_steps": 100},
        "1:23: error: warmup() power must be positive, got 0\n  warmup(pow, 10, power=0) >> cosine(1→0)\n                        ^",
    ),
    (
        "pow(2, 3)",
        {},
        "1:1: error: pow is the power ramp pow(a→b, d, power=k), not a math function\n  pow(2, 3)\n  ^^^^^^^^^\nhint: for the power of two numbers write 2 ** 3",
    ),
    (
        "cosine(pow(2, -1)→0, 10)",
        {},
        "1:8: error: pow is the power ramp pow(a→b, d, power=k), not a math function\n  cosine(pow(2, -1)→0, 10)\n         ^^^^^^^^^^\nhint: for the power of two numbers write 2 ** (-1)",
    ),
    (
        "linear(1→0, 10) * offset(-1e15)",
        {},
        "1:19: error: the late schedule would last 1000000000000010 steps\n  linear(1→0, 10) * offset(-1e15)\n                    ^^^^^^^^^^^^^\nhint: a schedule lasts at most 1e+15 steps",
    ),
]


@pytest.mark.parametrize(("text", "kwargs", "message"), ERRORS, ids=[e[0][:40] for e in ERRORS])
def test_error_message(text: str, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(lrdsl.LrdslError) as info:
        lrdsl.evaluate(text, **kwargs)
    assert str(info.value) == message
    assert isinstance(info.value, ValueError)


GEN_ERRORS: list[tuple[str, dict[str, Any], str]] = [
    (
        "cosine(1→0, 10)",
        {"target": "jax"},
        "error: unknown target 'jax'\nhint: targets: python, torch, paddle, optax, keras",
    ),
    (
        "cosine($a→0, $n)",
        {"target": "python"},
        "1:14: error: $n sets a duration: give it a value when generating code\n  cosine($a→0, $n)\n               ^^\nhint: --set n=… (parameters in durations, periods and counts are baked in)",
    ),
    (
        "cosine($class→0, 10)",
        {"target": "python"},
        "error: parameter $class cannot be an argument of generated code\nhint: rename it (it clashes with a Python keyword or a name the code uses)",
    ),
    (
        "cosine(1→0, 10)",
        {"target": "python", "name": "1x"},
        "error: --name must be a Python identifier, got '1x'\nhint: letters, digits and underscores, not starting with a digit",
    ),
    (
        "cosine(1→0, 10)",
        {"target": "python", "name": "math"},
        "error: --name 'math' would shadow a builtin or a name the generated python code uses\nhint: choose another name",
    ),
    (
        "cosine(1→0, 10)",
        {"target": "python", "name": "_x"},
        "error: --name '_x' is reserved in generated code\nhint: choose a name without a leading _",
    ),
    (
        "lr: cosine(1→0)  ema: linear(0.9→0.99, 10)",
        {"target": "python", "name": "Sched"},
        "error: --name names the class of a set's python code, which has none\nhint: each member's function is named after the member",
    ),
    (
        "lr: cosine($ema→0)  ema: linear(0.9→0.99, 10)",
        {"target": "python"},
        "error: parameter $ema cannot be an argument of generated python code for this set\nhint: rename it (it clashes with a member's function or a name the code uses)",
    ),
    (
        "lr: cosine(1→0)  ema: linear(0.9→0.99, 10)",
        {"target": "torch", "name": "ema"},
        "error: --name 'ema' is the function of member 'ema'\nhint: choose another name",
    ),
    (
        "loss.kl: linear(1→0, 10)  loss_kl: cosine(1→0)",
        {"target": "python"},
        "error: members 'loss.kl' and 'loss_kl' would both be the function loss_kl() in generated code\nhint: rename one of them",
    ),
    (
        "values: linear(1→0, 10)  lr: cosine(1→0)",
        {"target": "python"},
        "error: member 'values' cannot be a function of generated python code: 'values' is a name it uses\nhint: rename the member (a Python keyword, a builtin or a name of the module's own code)",
    ),
    (
        "cosine(1→0, 10)",
        {"target": "python", "name": "float"},
        "error: --name 'float' would shadow a Python builtin\nhint: choose another name",
    ),
    (
        "exp_decay(1, rate=0.5, every=12345.678901, staircase=true)",
        {"target": "optax", "total_steps": 1000},
        "error: a period of 12345.678901 steps (= 12345678901/1000000) has no exact change steps in float32 code\n"
        "hint: float32 targets (optax, keras) need a period above one step whose reduced fraction p/q has"
        " p·q < 2**31: round it, or use the python, torch or paddle target",
    ),
    (
        "multistep(0.1, at=[" + ", ".join(["1"] * 10001) + "])",  # refused before parsing (~0.1 ms an item)
        {"target": "python"},
        "1:19: error: a list of more than 10000 items\n  multistep(0.1, at=[" + "1, " * 27 + "\n"
        "                    " + "^" * 82 + "\n"
        "hint: a regular pattern has a shorter form: step(…, every=…), exp_decay, or a restart",
    ),
    (
        " >> ".join(["const(1, 1)"] * 4097),  # refused before parsing (~1 ms a phase to lower and print)
        {"target": "python"},
        "1:61438: error: more than 4096 phases joined by >>\n  onst(1, 1)"
        + " >> const(1, 1)" * 6
        + "\n"
        + " " * 88
        + "^^\n"
        "hint: a repeated pattern has a shorter form: restart(), repeat() or step()",
    ),
    (
        "cosine(1e39→0, 10)",
        {"target": "optax"},
        "1:1: error: the constant 5e+38 is beyond float32's range (±3.4e38): the optax code would compute inf\n"
        "  cosine(1e39→0, 10)\n  ^^^^^^^^^^^^^^^^^^\n"
        "hint: scale the schedule into float32's range, or generate float64 code: --target python, torch or paddle",
    ),
    (
        "fn(exp(u / 10), 1000)",
        {"target": "keras"},
        "error: the schedule is 3.676e+38 at step 888, beyond float32's range (±3.4e38): the keras code would"
        " compute inf there\n"
        "hint: scale the schedule into float32's range, or generate float64 code: --target python, torch or paddle",
    ),
]


@pytest.mark.parametrize(("text", "kwargs", "message"), GEN_ERRORS, ids=[f"{e[0]}-{e[1]}" for e in GEN_ERRORS])
def test_generate_error_message(text: str, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(lrdsl.LrdslError) as info:
        lrdsl.generate(text, **kwargs)
    assert str(info.value) == message


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
    monkeypatch.setattr("lrdsl.ir.interpreter.MAX_RECUR", 10)
    lrdsl.evaluate("recur(lr * 0.5, 10, from=1)", steps=[0])
    lrdsl.evaluate("recur(lr * 0.5, 20, every=2, from=1)", steps=[0])
    for text in ("recur(lr * 0.5, 11, from=1)", "recur(lr * 0.5, 21, every=2, from=1)"):
        with pytest.raises(lrdsl.LrdslError, match="iterate over 11 intervals"):
            lrdsl.evaluate(text, steps=[0])
    with pytest.raises(lrdsl.LrdslError, match="iterate over 10000000 intervals"):  # every ≥ 1e-6 (§9.4)
        lrdsl.evaluate("recur(lr * 0.5, 10, every=1e-6, from=1) * restart(cycles=2)", 100)


NOT_TEXT: list[tuple[Any, str]] = [
    (5, "error: a schedule must be a string, not int"),
    ("x" * 1_000_001, "error: schedule text is 1000001 characters; the limit is 1000000"),
]


@pytest.mark.parametrize(("value", "message"), NOT_TEXT, ids=["not text", "too long"])
def test_input_that_is_not_a_schedule_text(value: Any, message: str) -> None:
    with pytest.raises(lrdsl.LrdslError) as info:
        lrdsl.evaluate(value)
    assert str(info.value) == message


TORCH_ERRORS: list[tuple[str, str]] = [
    (
        "language v2 record",
        "error: the schedule was saved under language v2, where periods and marks were not exact: 2.5 may now set "
        "some steps' values differently (LANGUAGE.md §9.4)\nhint: to continue the checkpoint from its step 0 on this "
        "version's values, build the scheduler with resume='branch'",
    ),
    (
        "group key type",
        "error: param groups are keyed by index or name, not float\nhint: e.g. {0: 'cosine(0.1→0)', 'head': 'cosine(1→0)'}",
    ),
    ("group index", "error: no param group 2: the optimizer has 2\nhint: groups are numbered from 0"),
    ("group name", "error: no param group is named 'neck'\nhint: the groups' names: 'body', 'head'"),
    (
        "group name, no names",
        "error: no param group is named 'head'\nhint: no group has a 'name': add one to its dict in the optimizer, or key the schedules by index",
    ),
    (
        "two groups named",
        "error: two param groups are named 'x'\nhint: give the groups distinct names, or key them by index",
    ),
    (
        "two schedules",
        "error: param group 0 has two schedules: 0 and 'body'\nhint: key each group once, by index or by name",
    ),
    (
        "no schedule",
        "error: param group 1 ('head') has no schedule\nhint: give every group one; a fixed value is const(…)",
    ),
    (
        "list length",
        "error: 3 schedules for 2 param groups\nhint: give one per group, in the order of optimizer.param_groups, or a dict by index or name",
    ),
    ("unused in every group", "error: unused parameter: $b\nhint: remove it or use it in the schedule"),
    (
        "mode",
        "error: mode must be 'absolute', 'scale' or 'ratio', got 'relative'\nhint: or leave it out: groups with different rates then keep their ratios",
    ),
    (
        "multiplier",
        "error: param group 1's lr_mult must be a finite number ≥ 0, got 'x'\nhint: lr_mult multiplies the schedule's value for that group",
    ),
    (
        "ratio of inf",
        "error: the param groups' lr must be finite numbers to keep their ratios, got 0.1, inf\nhint: set each group's value to a finite number, or pass mode='absolute'",
    ),
    (
        "key syntax",
        "error: key must name a param group's value, such as 'lr', 'momentum' or 'betas[0]', got 'betas[x]'",
    ),
    ("key missing", "error: param group 0 has no 'betas[0]'\nhint: its keys: "),  # then the keys SGD's groups have
    (
        "resume",
        "error: resume must be 'strict' or 'branch', got 'loose'\nhint: 'strict' refuses a checkpoint of another schedule; 'branch' continues it on this one",
    ),
    (
        "another schedule",
        "error: the checkpoint's schedule is const(0.1) (800 steps); this scheduler's is cosine(0.1→0) (1000 steps)\nhint: to continue the checkpoint from its step 0 on this schedule, build the scheduler with resume='branch'",
    ),
    (
        "group count",
        "error: param groups: the checkpoint has 1, this optimizer 2\nhint: build the optimizer with the param groups of the run that was saved",
    ),
    (
        "edited record",
        "error: the checkpoint's schedule record is not one lrdsl writes\nhint: a scheduler's state_dict()['lrdsl'] holds it; was the checkpoint edited?",
    ),
]
"""``lrdsl.torch.scheduler``'s messages about param groups, keys and checkpoints (tests/test_torch_*.py)."""


def _torch_error_cases() -> dict[str, Any]:
    """Each case: a function of ``torch`` that raises the message of its name."""

    def groups(torch: Any, *names: str | None) -> Any:
        made = [{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": 0.1} for _ in names]
        for group, name in zip(made, names):
            if name is not None:
                group["name"] = name
        return torch.optim.SGD(made, lr=0.1)

    def saved(torch: Any, expr: str, total: int) -> dict[str, Any]:
        state: dict[str, Any] = lrdsl.torch.scheduler(groups(torch, None), expr, total).state_dict()
        return state

    def v2(state: dict[str, Any]) -> dict[str, Any]:  # a record saved before the language version was recorded
        return {**state, "lrdsl": {k: v for k, v in state["lrdsl"].items() if k != "language"}}

    def mult(opt: Any, value: object) -> Any:
        if value is None:
            opt.param_groups[1]["lr"] = math.inf
        else:
            opt.param_groups[1]["lr_mult"] = value
        return opt

    sched = lrdsl.torch.scheduler
    return {
        "group key type": lambda t: sched(groups(t, "a", "b"), {1.5: "const(1)"}, 10),
        "group index": lambda t: sched(groups(t, "a", "b"), {2: "const(1)"}, 10),
        "group name": lambda t: sched(groups(t, "body", "head"), {"neck": "const(1)"}, 10),
        "group name, no names": lambda t: sched(groups(t, None, None), {"head": "const(1)"}, 10),
        "two groups named": lambda t: sched(groups(t, "x", "x"), {"x": "const(1)"}, 10),
        "two schedules": lambda t: sched(groups(t, "body", "head"), {0: "const(1)", "body": "const(2)"}, 10),
        "no schedule": lambda t: sched(groups(t, "body", "head"), {"body": "const(1)"}, 10),
        "list length": lambda t: sched(groups(t, None, None), ["const(1)"] * 3, 10),
        "unused in every group": lambda t: sched(
            groups(t, None, None), ["const($a)", "const(1)"], 10, params={"a": 1, "b": 2}
        ),
        "mode": lambda t: sched(groups(t, None), "const(1)", 10, mode="relative"),
        "multiplier": lambda t: sched(mult(groups(t, None, None), "x"), "const(1)", 10),
        "ratio of inf": lambda t: sched(mult(groups(t, None, None), None), "const(1)", 10, mode="ratio"),
        "key syntax": lambda t: sched(groups(t, None), "const(1)", 10, key="betas[x]"),
        "key missing": lambda t: sched(groups(t, None), "const(1)", 10, key="betas[0]"),
        "resume": lambda t: sched(groups(t, None), "const(1)", 10, resume="loose"),
        "another schedule": lambda t: sched(groups(t, None), "cosine(0.1→0)", 1000).load_state_dict(
            saved(t, "const(0.1)", 800)
        ),
        "group count": lambda t: sched(groups(t, None, None), "const(1)", 10).load_state_dict(saved(t, "const(1)", 10)),
        "language v2 record": lambda t: sched(groups(t, None), "step(1, gamma=0.5, every=2.5)", 10).load_state_dict(
            v2(saved(t, "step(1, gamma=0.5, every=2.5)", 10))
        ),
        "edited record": lambda t: sched(groups(t, None), "const(1)", 10).load_state_dict(
            {**saved(t, "const(1)", 10), "lrdsl": {"total_steps": 10}}
        ),
    }


@pytest.mark.frameworks
@pytest.mark.parametrize(("case", "message"), TORCH_ERRORS, ids=[c for c, _ in TORCH_ERRORS])
def test_torch_scheduler_error_message(case: str, message: str) -> None:
    from tests.frameworks import need

    torch = need("torch")
    with pytest.raises(lrdsl.LrdslError) as info:
        _torch_error_cases()[case](torch)
    got = str(info.value)
    assert got.startswith(message) if message.endswith(": ") else got == message


IMPORT_ERRORS: list[tuple[str, str, dict[str, Any], str | None, str]] = [
    (
        "keras",
        "CosineDecay(1, 1000)",
        {},
        None,
        "1:1: error: Keras computes CosineDecay in the dtype of initial_learning_rate: the int 1 makes it int32 (π is 3, "
        "a decay rate of 0.5 is 0)\n  CosineDecay(1, 1000)\n  ^^^^^^^^^^^\nhint: write initial_learning_rate=1.0",
    ),
    (
        "torch",
        "ExponentialLR(o, 'fast', lr=0.1)",
        {},
        None,
        "1:1: error: PyTorch's ExponentialLR: an argument is not what the library takes (could not convert string to "
        "float: 'fast')\n  ExponentialLR(o, 'fast', lr=0.1)\n  ^^^^^^^^^^^^^",
    ),
    (
        "tensorflow",
        "X()",
        {},
        None,
        "error: unknown framework 'tensorflow'\nhint: one of: torch, keras, optax, paddle, hf, timm, mmengine, detectron2, deepspeed, megatron, torchtitan, composer, torchtune",
    ),
    (
        "timm",
        "CosineLRScheduler(t_initial=20, lr=0.1)",
        {"loop": "before"},
        None,
        "1:1: error: timm: no loop 'before'\n  CosineLRScheduler(t_initial=20, lr=0.1)\n  ^^^^^^^^^^^^^^^^^\n"
        'hint: loop="train.py" (step_update(t + 1) after update t) or loop="after_update" (step_update(t))',
    ),
    (
        "torch",
        "StepLR(step_size=3, lr=0.1)",
        {"loop": "after_update"},
        None,
        "error: loop (--loop) is a timm option, not torch's\nhint: drop it",
    ),
    (
        "keras",
        "CosineDecay(0.1, 100)",
        {"momentum": "auto"},
        None,
        "error: momentum (--momentum) is a torch option, not keras's\nhint: drop it",
    ),
    (
        "torch",
        "OneCycleLR(AdamW(params), max_lr=0.1, total_steps=100)",
        {"momentum": "momentum"},
        None,
        "1:1: error: the optimizer written in the call sets its momentum as betas[0], not momentum\n"
        "  OneCycleLR(AdamW(params), max_lr=0.1, total_steps=100)\n  ^^^^^^^^^^\nhint: --momentum betas[0]",
    ),
    (
        "torch",
        "OneCycleLR(o, max_lr=0.1, total_steps=100)",
        {"momentum": "beta1"},
        None,
        "1:1: error: momentum= is one of auto, momentum, betas[0], off, not 'beta1'\n"
        "  OneCycleLR(o, max_lr=0.1, total_steps=100)\n  ^^^^^^^^^^",
    ),
    (
        "torch",
        "StepLR(o, 10, lr=0.1)",
        {"momentum": "momentum"},
        None,
        "1:1: error: PyTorch's StepLR does not set the momentum\n  StepLR(o, 10, lr=0.1)\n  ^^^^^^\n"
        "hint: only OneCycleLR and CyclicLR with cycle_momentum=True do: drop --momentum",
    ),
    ("torch", "StepLR(" + "1," * 50_000 + ")", {}, None, "error: SPEC is 100008 characters; the limit is 100000"),
    (
        "torch",
        "StepLR(opt,",
        {},
        None,
        "1:7: error: SPEC is not a Python call: '(' was never closed\n  StepLR(opt,\n        ^\nhint: write the call as in your code: 'OneCycleLR(max_lr=0.1, total_steps=1000)'",
    ),
    ("torch", "[1, 2]", {}, None, "1:1: error: SPEC must be a call such as 'StepLR(step_size=30)'\n  [1, 2]\n  ^^^^^^"),
    (
        "torch",
        "LambdaLR(opt, lr_lambda=lambda e: 0.9 ** e)",
        {},
        None,
        "1:25: error: SPEC arguments must be literals: this lambda is code, and a SPEC is never run\n  LambdaLR(opt, lr_lambda=lambda e: 0.9 ** e)\n                          ^^^^^^^^^^^^^^^^^^\nhint: in Python, give the object itself to lrdsl's from_<framework>(): it is sampled and verified",
    ),
    (
        "torch",
        "StepLR(*args)",
        {},
        None,
        "1:8: error: SPEC arguments are written out: '*' unpacking is code\n  StepLR(*args)\n         ^^^^^",
    ),
    (
        "torch",
        "StepLR(**kw)",
        {},
        None,
        "1:10: error: SPEC arguments are written out: '**' unpacking is code\n  StepLR(**kw)\n           ^^",
    ),
    ("torch", "StepLR(b'x')", {}, None, "1:8: error: a SPEC argument cannot be bytes\n  StepLR(b'x')\n         ^^^^"),
    (
        "optax",
        "piecewise_constant_schedule(0.1, {[1]: 0.5})",
        {},
        None,
        "1:35: error: a dict key in a SPEC is a number or a string\n  piecewise_constant_schedule(0.1, {[1]: 0.5})\n                                    ^^^",
    ),
    (
        "optax",
        "piecewise_constant_schedule(0.1, {**d})",
        {},
        None,
        "1:37: error: SPEC arguments are written out: '**' unpacking is code\n  piecewise_constant_schedule(0.1, {**d})\n                                      ^",
    ),
    (
        "torch",
        "StepLR(o, 30, lr=1e308 * 10)",
        {},
        None,
        "1:18: error: this arithmetic has no finite value\n  StepLR(o, 30, lr=1e308 * 10)\n                   ^^^^^^^^^^",
    ),
    (
        "torch",
        "StepLR(o, [30] * 2, lr=0.1)",
        {},
        None,
        "1:11: error: arithmetic in a SPEC is between numbers\n  StepLR(o, [30] * 2, lr=0.1)\n            ^^^^",
    ),
    (
        "torch",
        "f()(o, 30)",
        {},
        None,
        "1:1: error: a SPEC calls a name such as 'CosineDecay' or 'optax.linear_schedule'\n  f()(o, 30)\n  ^^^",
    ),
    (
        "torch",
        "StepLR(o, 30, 0.5, -1, 0.1, 7)",
        {},
        None,
        "1:1: error: StepLR() takes at most 5 positional arguments, got 6\n  StepLR(o, 30, 0.5, -1, 0.1, 7)\n  ^^^^^^",
    ),
    (
        "torch",
        "StepLR(o, step_siz=30, lr=0.1)",
        {},
        None,
        "1:1: error: StepLR() has no parameter 'step_siz'\n  StepLR(o, step_siz=30, lr=0.1)\n  ^^^^^^\nhint: did you mean 'step_size'?",
    ),
    (
        "torch",
        "StepLR(o, 30, step_size=30, lr=0.1)",
        {},
        None,
        "1:1: error: StepLR() got 'step_size' twice\n  StepLR(o, 30, step_size=30, lr=0.1)\n  ^^^^^^",
    ),
    ("torch", "StepLR(o, lr=0.1)", {}, None, "1:1: error: StepLR() needs step_size=\n  StepLR(o, lr=0.1)\n  ^^^^^^"),
    (
        "torch",
        "CosineLR(o, 10, lr=0.1)",
        {},
        None,
        "1:1: error: 'CosineLR' is not a scheduler of torch.optim.lr_scheduler\n  CosineLR(o, 10, lr=0.1)\n  ^^^^^^^^\nhint: did you mean 'CosineAnnealingLR'?",
    ),
    (
        "torch",
        "ReduceLROnPlateau(o, lr=0.1)",
        {},
        None,
        "1:1: error: cannot import ReduceLROnPlateau: ReduceLROnPlateau follows a metric (the loss), not the step: no expression of the step can say when it will reduce\n  ReduceLROnPlateau(o, lr=0.1)\n  ^^^^^^^^^^^^^^^^^\nhint: keep it in your training loop",
    ),
    (
        "torch",
        "StepLR(optimizer, 30)",
        {},
        None,
        "1:1: error: StepLR scales the optimizer's learning rate: give it with lr=\n  StepLR(optimizer, 30)\n  ^^^^^^\nhint: StepLR(SGD(params, lr=0.1), …) or StepLR(…, lr=0.1)",
    ),
    (
        "torch",
        "StepLR(optimizer, 30, lr='big')",
        {},
        None,
        "1:1: error: lr= must be a number, not 'big'\n  StepLR(optimizer, 30, lr='big')\n  ^^^^^^",
    ),
    (
        "torch",
        "StepLR(SGD(p, lr='big'), 30)",
        {},
        None,
        "1:1: error: the optimizer's learning rate must be a number, not 'big'\n  StepLR(SGD(p, lr='big'), 30)\n  ^^^^^^",
    ),
    (
        "torch",
        "CyclicLR(o, 0.1, 1.0, scale_fn=f)",
        {},
        None,
        "1:1: error: CyclicLR's scale_fn is a function: a SPEC cannot give one\n  CyclicLR(o, 0.1, 1.0, scale_fn=f)\n  ^^^^^^^^\nhint: call lrdsl.from_torch(scheduler) in Python: it samples the function",
    ),
    (
        "torch",
        "SequentialLR(o, schedulers=s, milestones=[3], lr=0.1)",
        {},
        None,
        "1:1: error: SequentialLR's schedulers= is a list of scheduler calls: [LinearLR(…), CosineAnnealingLR(…)]\n  SequentialLR(o, schedulers=s, milestones=[3], lr=0.1)\n  ^^^^^^^^^^^^",
    ),
    (
        "torch",
        "StepLR(o, step_size=n, lr=0.1)",
        {},
        None,
        "1:1: error: StepLR's step_size= must be written out, not 'n'\n  StepLR(o, step_size=n, lr=0.1)\n  ^^^^^^",
    ),
    (
        "torch",
        "OneCycleLR(o, max_lr=0.1)",
        {},
        None,
        "1:1: error: OneCycleLR needs total_steps=, or epochs= and steps_per_epoch=\n  OneCycleLR(o, max_lr=0.1)\n  ^^^^^^^^^^",
    ),
    (
        "torch",
        "OneCycleLR(o, max_lr=0.1, total_steps=10.5)",
        {},
        None,
        "1:1: error: OneCycleLR's total steps must be a positive whole number, not 10.5\n  OneCycleLR(o, max_lr=0.1, total_steps=10.5)\n  ^^^^^^^^^^",
    ),
    (
        "torch",
        "CyclicLR(o, 0.1, 1.0, mode='sine')",
        {},
        None,
        "1:1: error: PyTorch's CyclicLR is imported by sampling it: give the run's length\n  CyclicLR(o, 0.1, 1.0, mode='sine')\n  ^^^^^^^^\nhint: from_torch(scheduler, total_steps=N) (CLI: --steps N)",
    ),
    (
        "torch",
        "@CFG[1, 2].json",
        {},
        None,
        'error: a PyTorch scheduler config is a mapping such as {"class_path": …, "init_args": {…}}',
    ),
    (
        "torch",
        '@CFG{"step_size": 3}.json',
        {},
        None,
        "error: a PyTorch scheduler config names its class: class_path, type or name",
    ),
    (
        "torch",
        '@CFG{"class_path": "StepLR", "init_args": [1]}.json',
        {},
        None,
        "error: init_args must be a mapping of the scheduler's arguments",
    ),
    (
        "keras",
        "@CFG{nope.json",
        {},
        None,
        "error: TMP/c.json:1:2: not JSON: Expecting property name enclosed in double quotes",
    ),
    (
        "keras",
        "/nonexistent/schedule.json",
        {},
        None,
        "error: cannot read /nonexistent/schedule.json: No such file or directory",
    ),
    (
        "keras",
        "CosineDecays(0.1, 10)",
        {},
        None,
        "1:1: error: 'CosineDecays' is not a schedule of keras.optimizers.schedules\n  CosineDecays(0.1, 10)\n  ^^^^^^^^^^^^\nhint: did you mean 'CosineDecay'?",
    ),
    (
        "keras",
        "ExponentialDecay('a', 10, 0.5)",
        {},
        None,
        "1:1: error: ExponentialDecay's initial_learning_rate must be a finite number, not 'a'\n  ExponentialDecay('a', 10, 0.5)\n  ^^^^^^^^^^^^^^^^",
    ),
    (
        "keras",
        "InverseTimeDecay(0.1, 0, 0.5)",
        {},
        None,
        "1:1: error: InverseTimeDecay's decay_steps must be positive, not 0\n  InverseTimeDecay(0.1, 0, 0.5)\n  ^^^^^^^^^^^^^^^^",
    ),
    (
        "keras",
        "PiecewiseConstantDecay([10], [0.1])",
        {},
        None,
        "1:1: error: PiecewiseConstantDecay needs one value more than boundaries\n  PiecewiseConstantDecay([10], [0.1])\n  ^^^^^^^^^^^^^^^^^^^^^^",
    ),
    (
        "keras",
        "PiecewiseConstantDecay([10], [0.1, 'x'])",
        {},
        None,
        "1:1: error: PiecewiseConstantDecay's boundaries and values are numbers, not 'x'\n  PiecewiseConstantDecay([10], [0.1, 'x'])\n  ^^^^^^^^^^^^^^^^^^^^^^",
    ),
    (
        "keras",
        "PiecewiseConstantDecay(10, [0.1, 0.2])",
        {},
        None,
        "1:1: error: PiecewiseConstantDecay's boundaries is a list of numbers, not 10\n  PiecewiseConstantDecay(10, [0.1, 0.2])\n  ^^^^^^^^^^^^^^^^^^^^^^",
    ),
    (
        "keras",
        "@CFG[1].json",
        {},
        None,
        "error: a Keras schedule config is a mapping: get_config() or keras.optimizers.schedules.serialize()",
    ),
    (
        "keras",
        '@CFG{"class_name": "CosineDecay", "config": 3}.json',
        {},
        None,
        "error: a serialized Keras schedule has its arguments under 'config'",
    ),
    (
        "keras",
        '@CFG{"initial_learning_rate": 0.1, "name": "mine"}.json',
        {},
        None,
        "error: this config's name 'mine' does not say which Keras schedule it is\nhint: give keras.optimizers.schedules.serialize(schedule), which has 'class_name'",
    ),
    (
        "paddle",
        "CosineDecay(0.1, 10)",
        {},
        None,
        "1:1: error: 'CosineDecay' is not a scheduler of paddle.optimizer.lr\n  CosineDecay(0.1, 10)\n  ^^^^^^^^^^^\nhint: did you mean 'CosineAnnealingDecay'?",
    ),
    (
        "paddle",
        "ReduceOnPlateau(0.1)",
        {},
        None,
        "1:1: error: cannot import ReduceOnPlateau: ReduceOnPlateau follows a metric (the loss), not the step: no expression of the step can say when it will reduce\n  ReduceOnPlateau(0.1)\n  ^^^^^^^^^^^^^^^\nhint: keep it in your training loop",
    ),
    (
        "paddle",
        "LambdaDecay(0.1, lr_lambda=f)",
        {},
        None,
        "1:1: error: LambdaDecay takes a function: a SPEC cannot give one\n  LambdaDecay(0.1, lr_lambda=f)\n  ^^^^^^^^^^^\nhint: call lrdsl.from_paddle(scheduler) in Python: it samples the function",
    ),
    (
        "paddle",
        "NoamDecay('x', 10)",
        {},
        None,
        "1:1: error: NoamDecay's d_model must be a finite number, not 'x'\n  NoamDecay('x', 10)\n  ^^^^^^^^^",
    ),
    (
        "paddle",
        "PiecewiseDecay([10, 20], [0.1, 0.2])",
        {},
        None,
        "1:1: error: PiecewiseDecay needs one value more than boundaries\n  PiecewiseDecay([10, 20], [0.1, 0.2])\n  ^^^^^^^^^^^^^^",
    ),
    (
        "paddle",
        '@CFG{"T_max": 3}.json',
        {},
        None,
        'error: a Paddle scheduler config is a mapping with its class: {"name": "CosineAnnealingDecay", …}',
    ),
    (
        "optax",
        "optax.cosine_schedule(0.1, 10)",
        {},
        None,
        "1:1: error: 'cosine_schedule' is not an Optax schedule\n  optax.cosine_schedule(0.1, 10)\n  ^^^^^^^^^^^^^^^^^^^^^\nhint: did you mean 'cosine_decay_schedule'?",
    ),
    (
        "optax",
        "constant_schedule('x')",
        {},
        None,
        "1:1: error: value must be a number, not 'x'\n  constant_schedule('x')\n  ^^^^^^^^^^^^^^^^^",
    ),
    (
        "optax",
        "constant_schedule(1e308 * 10.0)",
        {},
        None,
        "1:19: error: this arithmetic has no finite value\n  constant_schedule(1e308 * 10.0)\n                    ^^^^^^^^^^^^",
    ),
    (
        "optax",
        "piecewise_constant_schedule(0.1, [1, 2])",
        {},
        None,
        "1:1: error: boundaries_and_scales is a dict {step: scale, …}\n  piecewise_constant_schedule(0.1, [1, 2])\n  ^^^^^^^^^^^^^^^^^^^^^^^^^^^",
    ),
    (
        "optax",
        "piecewise_interpolate_schedule('sine', 0.1, {10: 0.5})",
        {},
        None,
        "1:1: error: piecewise_interpolate_schedule's interpolate_type is 'linear' or 'cosine'\n  piecewise_interpolate_schedule('sine', 0.1, {10: 0.5})\n  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
    ),
    (
        "optax",
        "piecewise_interpolate_schedule('linear', 0.1, [10])",
        {},
        None,
        "1:1: error: boundaries_and_scales is a dict {step: scale, …}\n  piecewise_interpolate_schedule('linear', 0.1, [10])\n  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
    ),
    (
        "optax",
        "sgdr_schedule(3)",
        {},
        None,
        "1:1: error: sgdr_schedule's cosine_kwargs is a list of dicts of warmup_cosine_decay_schedule's arguments\n  sgdr_schedule(3)\n  ^^^^^^^^^^^^^",
    ),
    (
        "optax",
        "join_schedules([1, 2], [10])",
        {},
        None,
        "1:1: error: join_schedules' schedules is a list of schedule calls: [optax.constant_schedule(0.1), …]\n  join_schedules([1, 2], [10])\n  ^^^^^^^^^^^^^^",
    ),
    (
        "optax",
        "join_schedules([constant_schedule(0.1)], 10)",
        {},
        None,
        "1:1: error: join_schedules' boundaries is a list of steps\n  join_schedules([constant_schedule(0.1)], 10)\n  ^^^^^^^^^^^^^^",
    ),
    (
        "optax",
        "@CFG{}.json",
        {},
        None,
        'error: Optax schedules have no config file format: not supported\nhint: give the call: lrdsl import optax "optax.cosine_decay_schedule(0.1, decay_steps=1000)"',
    ),
    (
        "optax",
        "piecewise_interpolate_schedule('linear', 0.1, {10.5: 0.5})",
        {},
        None,
        "1:1: error: an Optax schedule that lrdsl does not recognise is imported by sampling it: give the run's length\n  piecewise_interpolate_schedule('linear', 0.1, {10.5: 0.5})\n  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\nhint: from_optax(schedule, total_steps=N) (CLI: --steps N)",
    ),
    (
        "keras",
        "PolynomialDecay(0.1, -5)",
        {"total_steps": 10},
        "keras",
        "1:1: error: Keras refuses PolynomialDecay(…): ValueError: Argument `decay_steps` must be > 0. Received: decay_steps=-5\n  PolynomialDecay(0.1, -5)\n  ^^^^^^^^^^^^^^^",
    ),
    (
        "optax",
        "constant_schedule(1e309)",
        {},
        None,
        "1:1: error: value must be finite, not inf\n  constant_schedule(1e309)\n  ^^^^^^^^^^^^^^^^^",
    ),
    (
        "optax",
        "cosine_decay_schedule(0.1, 0)",
        {"total_steps": 10},
        "optax",
        "1:1: error: Optax refuses cosine_decay_schedule(…): ValueError: The cosine_decay_schedule requires positive decay_steps, got decay_steps=0.\n  cosine_decay_schedule(0.1, 0)\n  ^^^^^^^^^^^^^^^^^^^^^",
    ),
    (
        "torch",
        "StepLR(o, 0, lr=0.1)",
        {"total_steps": 10},
        "torch",
        "1:1: error: PyTorch's StepLR fails in PyTorch itself: ZeroDivisionError: integer modulo by zero\n  StepLR(o, 0, lr=0.1)\n  ^^^^^^",
    ),
    (
        "keras",
        "@CFG{a: [.yaml",
        {},
        "yaml",
        "error: TMP/c.yaml: not YAML: while parsing a flow node\nexpected the node content, but found '<stream end>'\n  in \"<unicode string>\", line 1, column 6:\n    {a: [\n         ^",
    ),
]
"""lrdsl import FRAMEWORK SPEC: bad SPECs and configs (``@CFG…`` is a file with that text), the module
a row needs (the row is skipped without it), and the message (``TMP``: the file's folder)."""


@pytest.mark.parametrize(
    ("framework", "spec", "kwargs", "needs", "message"),
    IMPORT_ERRORS,
    ids=[f"{r[0]}:{r[1][:40]}" for r in IMPORT_ERRORS],
)
def test_import_error_message(
    framework: str, spec: str, kwargs: dict[str, Any], needs: str | None, message: str, tmp_path: Path
) -> None:
    from lrdsl.importers import import_spec

    if needs is not None:
        need(needs)
    if spec.startswith("@CFG"):
        body, _, suffix = spec[len("@CFG") :].rpartition(".")
        path = tmp_path / f"c.{suffix}"
        path.write_text(body, encoding="utf-8")
        spec = str(path)
    with pytest.raises(lrdsl.LrdslError) as info:
        import_spec(framework, spec, **kwargs)
    assert str(info.value).replace(str(tmp_path), "TMP") == message


UNSNAPSHOTTED = {
    "schedule too deeply nested": "a fallback: trees are bounded at 100 levels before lowering (tests/test_depth.py)",
    "a number in this schedule is out of range (…)": "a last resort behind the checks of every range",
    "this schedule tree is not one the parser produces: …": "trees built around the parser (tests/test_security.py)",
    "expected a Schedule, not …": "an object of another type given as a schedule (tests/test_security.py)",
    "refusing to generate code: … is not a … of the language": "printers' second check, behind the models' (test_security)",
    "the … target has no …, which this schedule needs": "every target today has every function and operation; a "
    "target row lacking one is snapshotted in tests/test_targets.py",
    "$… is not bound": "lowering binds every parameter before the interpreter runs (defence in depth)",
    "the formula reads '…', which is not defined here": "lowering produces only u and lr (defence in depth)",
    "total steps must be a whole number, got …": "an API argument type (tests/test_security.py)",
    "the checkpoint's scheduler state is not one lrdsl writes: … is …": "a crafted checkpoint (test_torch_checkpoint.py)",
    "the saved lrdsl>Schedule's … must be …, got …": "a crafted Keras config (tests/test_security.py)",
    "the saved lrdsl>Schedule's config has an unknown key …": "a crafted Keras config (tests/test_security.py)",
    "… has … values but the comparison covers … steps": "values given to compare(), not a schedule (tests/test_compare.py)",
    "the expression imported from … departs from the library's values at step …: … instead of …": (
        "an importer's own check against the library (tests/test_import_verify.py)"
    ),
    "lrdsl.keras.callback needs steps_per_epoch: model.fit does not know how many batches an epoch has": (
        "an argument of the Keras callback, not a schedule (tests/test_keras_callback.py)"
    ),
    "from_torch() takes a torch.optim.lr_scheduler object, not …": "an API argument (tests/test_import_torch.py)",
    "from_keras() takes a keras.optimizers.schedules.LearningRateSchedule or its config, not …": "an API argument "
    "(tests/test_import_keras.py)",
    "from_optax() takes a schedule function, not …": "an API argument (tests/test_import_optax.py)",
    "from_paddle() takes a paddle.optimizer.lr scheduler, not …": "an API argument (from_paddle of an object)",
    "total_steps must be a positive whole number, not …": "an API argument (tests/test_import_torch.py)",
    "the optimizer has … parameter groups; there is no group …": "an API argument (tests/test_import_torch.py)",
    "your … departs from its class's schedule at step …: … instead of …": "a live scheduler whose rate was changed "
    "(tests/test_import_torch.py)",
    "… is imported by sampling it, which needs PyTorch installed": "only without the framework; a SPEC never samples",
    "… is imported by sampling it, which needs Keras installed": "only without Keras installed",
    "… is imported by sampling it, which needs Paddle installed": "only without Paddle installed",
    "this Optax schedule is imported by sampling it, which needs optax installed": "only without optax installed",
    "… fails in Paddle itself: …: …": "a library's own failure on an object (a SPEC row above shows PyTorch's)",
    "the schedule fails in Keras itself: …: …": "a library's own failure while sampling an object",
    "the schedule fails in JAX itself: …: …": "a library's own failure while sampling an object",
    "Paddle refuses …(…): …: …": "Paddle runs in its own process, not in this one (paddle must not meet tensorflow)",
    "the imported schedule has the value …, which is not a finite number": "an object holding inf (SPECs refuse inf first)",
    "…: nothing to sample (the run has no steps)": "defence: every total is checked positive before",
    "… has no lrdsl expression that lrdsl.fit finds: the closest, …, departs at step … (max error …)": "a sampled "
    "object no fit reproduces",
    "a per-group argument has … values; group … has none": "defence: PyTorch checks the list against the groups first",
    "reading … needs PyYAML": "only without PyYAML installed",
}
"""Messages without a snapshot, each with the reason it cannot be reached from a schedule."""
OTHER_TESTS = (
    *("plotting.py", "resources.py", "comparison.py", "values.py", "diffplot.py", "hf.py"),
    *("cli/arguments.py", "cli/program.py", "tools/output.py", "cli/commands/fit.py", "cli/commands/importing.py"),
    *("cli/commands/schedule.py", "cli/commands/values.py", "cli/commands/exporting.py"),
)
"""Modules whose messages (options, files, extras, recorded values, trainer arguments) are checked in
test_cli.py, test_plot.py, test_bound.py, test_broken_install.py, test_compare.py, test_fit.py,
test_import_cli.py, test_hf_trainer.py and test_export_cli.py (output.py: standard streams and -o files, in
test_cli.py)."""
OTHER_PACKAGES = ("fitting", "importers", "recording", "logs", "serve", "export")
"""Packages whose messages are about recorded values, another library's arguments or a request's
fields, not a schedule's text: checked whole in test_fit.py, tests/test_import_*.py, test_record.py,
test_values_logs.py, test_serve_api.py and tests/test_export*.py (each refusal's reason)."""


def _message_patterns() -> list[tuple[str, str]]:
    """``(where, regex)`` for each message given to LrdslError or lowering's ``fail`` in lrdsl/."""
    import ast
    import re
    from pathlib import Path

    root = Path(lrdsl.__file__).parent
    out = []
    for path in sorted(root.rglob("*.py")):
        if {path.name, path.relative_to(root).as_posix()} & set(OTHER_TESTS) or path.parent.name in OTHER_PACKAGES:
            continue
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            index = {"LrdslError": 0, "fail": 1}.get(name)
            if index is None or len(node.args) <= index:
                continue
            if "pragma: no cover" in lines[node.lineno - 1]:
                continue
            arg = node.args[index]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                pattern = re.escape(arg.value)
            elif isinstance(arg, ast.JoinedStr):
                pattern = "".join(re.escape(v.value) if isinstance(v, ast.Constant) else ".*" for v in arg.values)
            else:
                continue
            out.append((f"{path.relative_to(root.parent)}:{node.lineno}", pattern))
    return out


def test_every_message_has_a_snapshot() -> None:
    """Each message lrdsl can give about a schedule appears, whole, in one of the tables above."""
    import re

    shown = [m for _, _, m in ERRORS + GEN_ERRORS + CONSTANTS] + [m for _, m in NOT_TEXT + TORCH_ERRORS]
    shown += [m for *_, m in IMPORT_ERRORS]
    from tests.test_sets import SET_ERRORS  # schedule sets: their table is beside their tests

    shown += [m for *_, m in SET_ERRORS]
    from tests.test_optax_sets import SET_ADAPTER_ERRORS  # the optax and keras adapters' refusals of a set

    shown += [m for *_, m in SET_ADAPTER_ERRORS]
    from tests.test_torch_sets import TORCH_SET_ERRORS  # the set adapter's: beside its tests

    shown += [m for *_, m in TORCH_SET_ERRORS]
    from tests.test_compare_sets import SET_COMPARE_ERRORS  # compare of sets: beside its tests

    shown += [m for *_, m in SET_COMPARE_ERRORS]
    missing = [
        f"{where}: {pattern}"
        for where, pattern in _message_patterns()
        if not any(re.fullmatch(pattern, known) for known in UNSNAPSHOTTED)
        and not any(re.search(rf"(^|error: ){pattern}", m, re.M) for m in shown)
    ]
    assert not missing, "add a snapshot to ERRORS or GEN_ERRORS for:\n" + "\n".join(missing)
