"""The case table every code-generation target is checked on: the acceptance cases plus ours.

Ours cover every IR node: each shape, fractional and whole restart periods, geometric
cycles, quantize at both ends, recur, composites, combinators, epochs and percentages.
"""

from __future__ import annotations

from typing import Any

from tests.conftest import seed_cases

OWN: list[tuple[str, str, int, float | None]] = [
    ("ramps", "linear(0→1, 100) >> cosine(1→0.1, 200) >> exp(0.1→1e-3, 100) >> poly(1e-3→0, 50, power=1.5)", 500, None),
    ("step", "step(0.1, gamma=0.5, every=7)", 100, None),
    ("multistep", "multistep(0.1, gamma=0.1, at=[30, 60, 2ep])", 100, 20),
    ("exp-decay", "exp_decay(0.1, rate=0.9, every=13, staircase=true) + exp_decay(0.1, rate=0.9, every=13)", 200, None),
    ("inverse-time", "inverse_time(0.1, decay=0.5, every=10, staircase=true) * inverse_time(1, decay=0.01)", 200, None),
    ("noam", "min(linear(0→1, 40), rsqrt(1, warmup=40)) * 512 ** -0.5", 300, None),
    (
        "fn",
        "fn(0.1 * (1 + cos(pi * p)) / 2 + 1e-4 * e + 1e-6 * t, 100) >> fn(abs(sin(u / 10)) * 0.01 + sqrt(u + 1)"
        " * 1e-4 + exp(-u / 50) * 1e-3 + floor(u / 7) * 1e-5 + ceil(u / 9) * 1e-5 + min(u, 5) * 1e-5"
        " + max(u, 5) * 1e-6 + log(u + 1) * 1e-4 + tan(1e-3 * u))",
        300,
        25,
    ),
    ("recur", "recur(lr * 0.9 + 1e-3, every=5, from=0.1)", 200, None),
    ("tanh", "fn(0.05 * (1 - tanh(u / 50 - 2)), 200) >> recur(lr * (1 + tanh(-lr)), every=10)", 300, None),
    ("poly-cycle", "poly(0.1→1e-4, 30, power=2, cycle=true)", 200, None),
    (
        "restart-geometric",
        "(warmup(linear, 10%) >> cosine(0.1→0)) * restart(period=37, mult=1.5, decay=0.7)",
        400,
        None,
    ),
    ("restart-derived", "cosine(1→0) * restart(cycles=5)", 333, None),
    ("restart-fractional", "linear(1→0, 3ep) * repeat(4) >> const(0.01)", 300, 7.5),
    ("quantize", "linear(0→1, 100) * quantize(7) + linear(0→1, 100) * quantize(9, at=end)", 120, None),
    ("onecycle", "onecycle(0.1, 250, three_phase=true) >> onecycle(0.05, 251, anneal=linear, pct=0.25)", 501, None),
    (
        "cyclic",
        "cyclic(1e-3→6e-3, half=20, mode=triangular2) + cyclic(0→1e-3, half=13, mode=exp_range, gamma=0.99)",
        300,
        None,
    ),
    ("wsd", "wsd(1e-3, warmup=50, decay=70, to=1e-5)", 400, None),
    ("floor-plus-decayed", "0.1 + cosine(0.9→0) * restart(period=10, mult=2, decay=0.5)", 300, None),
    ("combinators", "max(exp(1→1e-4, 200), 0.01) - min(1e-3, linear(0→0.01, 50)) / 2", 250, None),
    ("epochs", "linear(0→1, 0.5ep) >> hold(1ep) >> cosine(→0)", 100, 13),
    ("restart-seq-body", "(linear(1→0, 10) >> const(0.5)) * restart(period=25)", 100, None),
    ("cut-and-held", "linear(0→1, 100) >> cosine(1→0, 500)", 300, None),
    # LANGUAGE.md §8
    ("v2-sqrt-log", "sqrt(1e-4→0.1, 37) >> sqrt(→0, 50) >> log(0→0.1, 40) >> log(→1e-3, 33)", 200, None),
    ("v2-piecewise", "piecewise([0.1, 0.01, 1e-3, 1e-4], at=[1ep, 77, 2.5ep])", 150, 40),
    ("v2-warmups", "warmup(sqrt, 20) >> const(0.1, 30) >> warmup(log, 25) >> cosine(0.2→0)", 150, None),
    (
        "v2-wsd",
        "wsd(1e-3, 100, warmup=10, decay=30, shape=sqrt) >> wsd(1e-3, 100, warmup=10, decay=31,"
        " shape=exp, to=1e-5) >> wsd(1e-3, 100, warmup=10, decay=30, shape=cosine)",
        300,
        None,
    ),
    ("v2-offset-trap", "warmup(linear, 5ep) >> multistep(0.1, at=[30ep, 60ep, 90ep]) * offset(5ep)", 1000, 10),
    ("v2-offset-timm", "linear(1e-4→0.1, 3ep) >> cosine(0.1→1e-5, 20ep) * offset(3ep)", 300, 13),
    ("v2-offset-fractional", "step(1, gamma=0.5, every=4) * offset(1.5) >> linear(0→10, 10) * offset(0.75)", 40, None),
    (
        "v2-offset-restart",
        "(linear(1→0, 10) * offset(2) >> const(0.5, 3.5)) * restart(mult=1.5) + fn(t, 5) * offset(3)",
        60,
        None,
    ),
    ("v2-offset-rsqrt", "rsqrt(1e-3, warmup=500) * offset(500)", 900, None),
    (
        "v2-durations",
        "const(0.1, 6ep - 199) >> linear(0.1→0, 2 * 1.5ep + 7) >> piecewise([1, 2], at=[90% - 20])",
        800,
        100,
    ),
    ("v2-math", "fn(0.1 * (1 - tanh(u / 50)), 100) >> const(0.1 * cos(pi / 12)) + sqrt(2) * 1e-3", 200, None),
    # LANGUAGE.md §9.1–§9.3
    ("v3-late-clock", "(warmup(linear, 20) >> cosine(1e-3→1e-5)) * offset(-1)", 200, None),
    ("v3-late-epoch", "cosine(1→0, 10) * offset(-2.5) >> multistep(1, at=[2ep, 3ep]) * offset(-1ep)", 80, 8),
    (
        "v3-late-restart",
        "(linear(0→1, 6) * offset(-2) >> const(0.5, 3)) * restart(mult=1.5) + fn(u, 5) * offset(-1.5) * 1e-3",
        90,
        None,
    ),
    (
        "v3-inclusive",
        "warmup(linear, 20, from=3e-4 / 20, inclusive=true) >> cosine(3e-4→1e-5, 60, inclusive=true)"
        " >> log(→0.1, 30, inclusive=true) >> poly(→1e-3, 25, power=3, inclusive=true) >> exp(→1e-5, 25, inclusive=true)"
        " >> sqrt(→0.1, 20, inclusive=true) >> pow(→0, 20, power=1.5, inclusive=true)",
        210,
        None,
    ),
    (
        "v3-inclusive-restart",
        "(warmup(cosine, 20%, inclusive=true) >> linear(1→0, inclusive=true)) * restart(period=23)",
        100,
        None,
    ),
    (
        "v3-pow",
        "warmup(pow, 30) >> pow(0.1→1e-3, 50, power=3) >> warmup(pow, 20, power=0.5, from=1e-3) >> pow(0.1→0, power=1.5)",
        200,
        None,
    ),
    # LANGUAGE.md §9.4: periods and marks are exact rationals of their decimal text, never rounded
    (
        "v3-exact-periods",
        "exp_decay(1, rate=0.5, every=2.2ep, staircase=true) + step(1, gamma=0.5, every=12.4)"
        " + inverse_time(1, decay=1, every=3.3, staircase=true) + poly(1→0, 2.5ep, cycle=true)",
        300,
        25,
    ),
    (
        "v3-exact-marks",
        "multistep(1, gamma=0.5, at=[2.2ep, 7.5, 4.04ep]) + piecewise([1, 2, 3], at=[1.5ep, 3.3ep])",
        200,
        25,
    ),
    ("v3-exact-quantize", "linear(0→1, 100) * quantize(2.5) + cosine(1→0, 100) * quantize(0.3ep, at=end)", 120, 25),
    ("v3-exact-restart", "cosine(1→0) * restart(period=2.2ep) + recur(lr * 0.9, every=2.5, from=1)", 200, 25),
]


def cases() -> list[dict[str, Any]]:
    """Acceptance cases and ours as ``{id, expr, steps, steps_per_epoch}``."""
    out = [
        {"id": c["id"], "expr": c["expr"], "steps": c["steps"], "steps_per_epoch": c["steps_per_epoch"]}
        for c in seed_cases()
    ]
    out += [{"id": i, "expr": e, "steps": n, "steps_per_epoch": k} for i, e, n, k in OWN]
    return out


def case_ids() -> list[str]:
    """Ids of :func:`cases`."""
    return [c["id"] for c in cases()]


F64 = {"rtol": 1e-6, "atol": 1e-12}
F32 = {"rtol": 2e-6, "atol": 5e-8}

BIG: list[tuple[str, str, int, list[int]]] = [
    # float32 targets: boundaries placed exactly near 2**24 and 2**31
    (
        "whole-period-near-2^31",
        "linear(1→0) * restart(period=7)",
        2**31 - 1,
        [7 * 306783378 - 1, 7 * 306783378, 7 * 306783378 + 1, 2**31 - 2],
    ),
    (
        "geometric-near-2^30",
        "cosine(1→0) * restart(period=1000, mult=2)",
        2**31 - 1,
        [1000 * (2**20 - 1) - 1, 1000 * (2**20 - 1), 1000 * (2**20 - 1) + 1, 2**31 - 2],
    ),
    (
        "fractional-geometric",
        "cosine(1→0) * restart(mult=2)",
        2**31 - 1,
        [306783378 - 1, 306783378, 306783378 + 1, 920350134, 920350135],
    ),
    ("boundary-2^24+1", "linear(0→1, 16777217) >> const(2)", 2**25, [2**24 - 1, 2**24, 2**24 + 1, 2**24 + 2]),
    (
        "multistep-2^24+1",
        "multistep(1, gamma=0.5, at=[16777217, 2147483000])",
        2**31 - 1,
        [2**24, 2**24 + 1, 2147482999, 2147483000],
    ),
    (
        "quantize-near-2^31",
        "linear(0→1) * quantize(1000003)",
        2**31 - 1,
        [1000003 * 2147 - 1, 1000003 * 2147, 2**31 - 2],
    ),
    (
        "piecewise-2^24+1",
        "piecewise([1, 0.5, 0.25], at=[16777217, 2147483000])",
        2**31 - 1,
        [2**24, 2**24 + 1, 2**24 + 2, 2147482999, 2147483000, 2147483001],
    ),
    ("sqrt-cool-down-2^31", "sqrt(1→0, 2147483000)", 2**31 - 1, [2147482999, 2147483000, 2147483001]),
    (
        "offset-near-2^31",
        "linear(0→1, 16777217) >> multistep(1, gamma=0.5, at=[2147480000]) * offset(16777217)",
        2**31 - 1,
        [16777216, 16777217, 2147479999, 2147480000, 2147480001, 2**31 - 2],
    ),
    ("decay-to-zero", "cosine(1→0, 2000000000) >> const(0)", 2**31 - 1, [1999999999, 2000000000, 2**31 - 2]),
    # fractional offsets: the clock is the int32 step plus a constant fraction, milestones exact
    (
        "fractional-offset-milestone",
        "linear(0→1, 3) >> multistep(1, gamma=0.5, at=[2147479990]) * offset(3.5)",
        2**31 - 1,
        [2147479988, 2147479989, 2147479990, 2147479991],
    ),
    (
        "fractional-offset-staircase",
        "linear(0→1, 2) >> step(1, gamma=0.5, every=500000000) * offset(0.25)",
        2**31 - 1,
        [500000001, 500000002, 500000003, 1500000001, 1500000002, 2**31 - 2],
    ),
    # LANGUAGE.md §9.1–§9.2 near 2**31: a late clock's drop one step late, an inclusive ramp's last step
    (
        "late-clock-near-2^31",
        "multistep(1, 2147480005, gamma=0.5, at=[2147480000]) * offset(-1) >> const(7)",
        2**31 - 1,
        [0, 1, 2147480000, 2147480001, 2147480005, 2147480006],
    ),
    (
        "late-fractional-near-2^31",
        "step(1, gamma=0.5, every=1000000000) * offset(-0.5)",
        2**31 - 1,
        [0, 1, 1000000000, 1000000001, 2000000000, 2000000001],
    ),
    (
        "inclusive-near-2^31",
        "linear(1→0, 2147480000, inclusive=true) >> const(7)",
        2**31 - 1,
        [2147479998, 2147479999, 2147480000, 2147480001],
    ),
    (
        "fractional-offset-end",
        "cosine(1→0, 2147479990) * offset(0.5) >> const(7)",
        2**31 - 1,
        [2147479988, 2147479989, 2147479990, 2147479991],
    ),
    # LANGUAGE.md §9.4: Keras ExponentialDecay(decay_steps=12009.6, staircase=True) drops at 12010, 24020, 36029
    (
        "fractional-period-near-2^31",
        "exp_decay(1, rate=0.5, every=12009.6, staircase=true) + step(1, gamma=0.5, every=200000000.5)",
        2**31 - 1,
        [12009, 12010, 24019, 24020, 36028, 36029, 60047, 60048, 1000000002, 1000000003, 2000000004, 2000000005],
    ),
]
