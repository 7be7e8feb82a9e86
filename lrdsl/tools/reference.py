"""The language reference: one entry per shape, modifier, combinator, operator, composite, math
function and unit.

Rendered two ways from the same data: as ``docs/reference.md`` (``python -m docs.make_reference``,
which also draws each entry's example) and in the terminal by ``lrdsl help NAME``. Signatures,
parameter kinds, choices and defaults are read from :mod:`lrdsl.language.signatures` and the IR's table of
math functions; this module holds only the prose (what a parameter means, the formula, an
example), so a new parameter or default shows up in both without an edit here, and a parameter
without a description fails ``tests/test_reference.py``.

An example's values (``lr(t)`` at a few steps) are computed by :func:`lrdsl.evaluate` when the
entry is rendered, never written by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast, get_args

from lrdsl.language.numbers import format_number
from lrdsl.language.signatures import DEFAULTS, MATH_FUNCS, RAMPS, SIGNATURES, Sig

Kind = Literal["shape", "modifier", "combinator", "operator", "composite", "function", "unit", "option"]

SECTIONS: tuple[tuple[Kind, str, str], ...] = (
    ("shape", "Shapes", "A shape is one phase: its value at local step `u` of its span `d` (`p = u/d`)."),
    ("modifier", "Modifiers", "Applied with `*`: `X * restart(…)` changes how X's time runs."),
    ("operator", "Operators", "Loosest first: `>>`, then `+ -`, then `* /`; all left-associative."),
    ("combinator", "Combinators", "Pointwise combinations of whole schedules."),
    ("composite", "Composites", "Named schedules that expand into the shapes above (`lrdsl explain` shows how)."),
    (
        "function",
        "Math functions",
        "In `fn(…)` and `recur(…)` formulas and in any constant (LANGUAGE.md §8.3): `cosine(0.1→0.1 * cos(pi / 12))`.",
    ),
    ("unit", "Units and numbers", "Where a duration is expected (`d`, `every=`, `at=[…]`, `period=`, …)."),
    ("option", "Options", "Arguments that several shapes take, with the same meaning in each."),
)
"""The page's sections: kind, title, one line of introduction."""


@dataclass(frozen=True)
class Example:
    """An expression, the run it is evaluated over, and the steps whose values are shown."""

    expr: str
    total: int | str | None = 100
    steps_per_epoch: float | None = None
    tokens_per_step: float | None = None
    samples_per_step: float | None = None
    at: tuple[int, ...] = ()

    def options(self) -> str:
        """The command-line options that reproduce this run: ``--steps 100 --steps-per-epoch 10``."""
        out = []
        if self.total is not None:
            out.append(f"--steps {self.total}")
        for flag, value in (
            ("--steps-per-epoch", self.steps_per_epoch),
            ("--tokens-per-step", self.tokens_per_step),
            ("--samples-per-step", self.samples_per_step),
        ):
            if value is not None:
                out.append(f"{flag} {format_number(float(value))}")
        return " ".join(out)


@dataclass(frozen=True)
class Entry:
    """One reference entry. ``name`` is the call's name (its signature comes from the table), or
    the operator or unit as written; ``usage`` is the signature line of an entry without one."""

    kind: Kind
    name: str
    summary: str
    formula: str
    example: Example
    notes: tuple[str, ...] = ()
    like: str = ""
    usage: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def slug(self) -> str:
        """The entry's picture and anchor name: ``shape-cosine``, ``operator-then``, ``unit-ep``."""
        return f"{self.kind}-{SLUGS.get(self.name, self.name)}"

    @property
    def picture(self) -> str:
        """The picture's path relative to docs/."""
        return f"reference/{self.slug}.png"

    @property
    def signature(self) -> str:
        """The signature line: from the signature table for calls, else ``usage``."""
        if self.kind == "function":
            return self.usage or f"{self.name}({', '.join('xy'[: MATH_FUNCS[self.name]])})"
        sig = SIGNATURES.get(self.name)
        if sig is None or self.kind not in ("shape", "modifier", "combinator", "composite"):
            return self.usage
        return ("X * " if self.kind == "modifier" else "") + signature_line(sig)


SLUGS = {">>": "then", "+": "plus", "*": "times", "%": "percent", "k M B T": "suffixes", "2 * 5ep": "arithmetic"}
"""File-name-safe names of entries whose name is not a word."""

INCLUSIVE = "`true`: the last step takes the end value (`linspace(a, b, d)`): the shape over `d − 1` steps, then held"
"""The meaning of ``inclusive=`` (LANGUAGE.md §9.2), the same for every ramp."""
DUR = ("the phase's length: steps, `ep`, `%`, `tok` or `sa`", "none: the phase is flexible")
PARAMS_TEXT = """
const         value        the value
linear        range        start `a` and end `b`; `→b` starts from the previous phase's end value
poly          power        the exponent `k`
pow           power        the exponent `k > 0`: slow at first for `k > 1`
poly          cycle        Keras' `cycle=True`: `d` is the decay period, which grows to `d·⌈u/d⌉`; flexible
piecewise     values       the values `v0 … vn`
piecewise     at           the `n` marks where the value changes, increasing, from the phase's start
step          value        the start value `a`
step          gamma        the factor of each drop
step          every        the steps between drops `e`, counted from the phase's start; exact, not rounded
multistep     value        the start value `a`
multistep     gamma        the factor of each drop
multistep     at           the drops `mᵢ`, counted from the phase's start (`* offset(…)` to count from the run's)
exp_decay     value        the start value `a`
exp_decay     rate         the factor `r` per `every` steps
exp_decay     every        the steps `e` per factor of `rate`
exp_decay     staircase    floor the exponent: one drop per `every`
inverse_time  value        the start value `a`
inverse_time  decay        the rate `k`
inverse_time  every        the steps `e` per unit of time
inverse_time  staircase    floor `u/e`
rsqrt         value        the value `a` up to step `w`
rsqrt         warmup       `w`: constant before it, `a·sqrt(w/u)` after
fn            expr         arithmetic over `t` (global step), `u`, `p`, `e` (epochs), `pi` and the math functions
recur         expr         arithmetic over `lr` (the previous value), `pi` and the math functions
recur         every        the steps of one interval
recur         from         the value the first application starts from | the previous phase's end value
warmup        shape        the ramp's shape
warmup        dur          the warm-up's length
warmup        from         the value at step 0
warmup        power        the exponent `k` of `warmup(pow, …)`; refused for the other shapes
restart       period       the first cycle `P` (a duration) | X's own duration; with neither, derived so that `cycles` cycles fill the span
restart       mult         each cycle is `mult` times longer than the one before (≥ 1, may be fractional)
restart       decay        the values of cycle `i` are multiplied by `decayⁱ`
restart       cycles       the number of cycles; the last value holds after them | 3 when the first cycle is derived, else until the span ends
repeat        n            the number of cycles: `X * restart(cycles=n)`
offset        n            how far ahead X's clock runs (behind when negative): a duration, not rounded (`0.75` is allowed), not `%`
quantize      q            the interval length, exact: the value at `u` is X at `⌊u/q⌋·q`
quantize      at           which end of each interval gives its value
min           parts        two or more schedules or numbers
max           parts        two or more schedules or numbers
onecycle      max          the peak
onecycle      pct          the fraction of the span spent rising
onecycle      div          the start is `max/div`
onecycle      final_div    the end is `max/div/final_div`
onecycle      anneal       the shape of each phase
onecycle      three_phase  PyTorch's `three_phase`: up, back down to `max/div`, then to the end
cyclic        range        from the base `a` to the peak `b` and back
cyclic        half         the steps up, and the steps down
cyclic        mode         `triangular2` halves the amplitude each cycle, `exp_range` scales it by `gammaᵘ`
cyclic        gamma        the factor per step of `exp_range`
wsd           peak         the stable value
wsd           warmup       the linear warm-up from 0
wsd           decay        the cool-down at the end of the span
wsd           to           the value at the end of the cool-down
wsd           shape        the cool-down's shape
"""
"""The meanings of the calls' parameters, a row each: call, parameter, meaning, and after `` | `` what
happens when an optional parameter without a default is left out."""


def _params(text: str) -> dict[tuple[str, str], tuple[str, str]]:
    """:data:`PARAMS_TEXT` read into ``(call, parameter) → (meaning, when left out)``."""
    rows: dict[tuple[str, str], tuple[str, str]] = {}
    for line in text.strip().splitlines():
        call, name, meaning = line.split(maxsplit=2)
        meaning, _, omitted = meaning.partition(" | ")
        rows[call, name] = (meaning, omitted)
    return rows


PARAMS: dict[tuple[str, str], tuple[str, str]] = {
    **_params(PARAMS_TEXT),
    **{(name, "inclusive"): (INCLUSIVE, "") for name in (*RAMPS, "warmup")},
}
"""``(call, parameter) → (meaning, what happens when it is left out)``; the second only for an
optional parameter without a default in :data:`lrdsl.language.signatures.DEFAULTS`. A ``range`` or ``dur``
parameter not listed here reads the generic text (:func:`describe`)."""

ENTRIES_TEXT = """
shape const
summary: A constant; a bare number `0.1` is the same.
value: v
example: const(0.1, 50) >> const(0.01) @ 0 49 50
like: PyTorch `ConstantLR` (a factor for `d` steps), Optax `constant_schedule`

shape hold
summary: Holds the previous phase's end value (WSD's stable phase).
value: the previous phase's end value
example: linear(0→0.1, 20) >> hold(60) >> linear(→0, 20) @ 20 79 90

shape linear
summary: A straight line from `a` to `b`.
value: a + (b − a)·p
example: linear(0.1→0.01, 100) @ 0 50 100
like: PyTorch `LinearLR`, Optax `linear_schedule`

shape cosine
summary: Half a cosine from `a` to `b`.
value: b + (a − b)·(1 + cos πp)/2
example: cosine(0.1→0, 100) @ 0 50 100
like: PyTorch `CosineAnnealingLR`, Optax `cosine_decay_schedule`, Keras `CosineDecay`

shape exp
summary: Log-linear interpolation: a straight line on a log axis.
value: a·(b/a)^p
example: exp(0.1→1e-3, 100) @ 0 50 100
note: `a` and `b` must be non-zero and of the same sign.

shape poly
summary: A polynomial decay from `a` to `b`.
value: b + (a − b)·(1 − p)^k
example: poly(0.1→0, 100, power=2) @ 0 50 100
note: With `cycle=true` the phase is flexible and the period at `u` is `d·max(1, ⌈u/d⌉)` (Keras).
like: PyTorch `PolynomialLR`, Keras `PolynomialDecay`, Optax `polynomial_schedule`

shape pow
summary: A power ramp: slow at first for `k > 1`, the `(t/W)^k` warm-up.
value: a + (b − a)·p^k
example: pow(0→0.1, 100, power=2) @ 0 50 100
note: The opposite curvature of `poly` (`b + (a − b)·(1 − p)^k`, fast at first): for `(t/W)^k` use `pow`.
note: `sqrt` is `pow` with `power=0.5`. `pow(2, 3)` is not a number: write `2 ** 3`.
like: YOLOX's `(t/W)²` warm-up (`warmup(pow, W)`), DeepSpeed/Megatron power warm-ups

shape sqrt
summary: The "1−sqrt" cool-down: fast at first, flat at the end.
value: a + (b − a)·√p
example: sqrt(0.1→0, 100) @ 0 25 100
note: `sqrt(2)` with constant arguments is the math function (a number).
like: HF `warmup_stable_decay(decay_type="1-sqrt")`, Megatron `minus_sqrt` (Hägele et al. 2024)

shape log
summary: A logarithmic ramp, reaching `b` at `u = d`.
value: a + (b − a)·ln(1 + u)/ln(1 + d)
example: log(0→0.1, 99) @ 0 9 99
note: DeepSpeed's `WarmupLR(warmup_type="log", warmup_num_steps=W)` divides by `ln W` and peaks at step `W − 1`: it is `log(0→peak, W − 1)`.
like: DeepSpeed `WarmupLR(warmup_type="log")`

shape piecewise
summary: Constant pieces: `vᵢ` from mark `mᵢ`.
value: vᵢ, i = the number of marks mⱼ ≤ u
example: piecewise([0.1, 0.01, 1e-3], at=[30, 60]) @ 29 30 60
note: One value more than marks. Keras' boundaries are inclusive (step 100 still has `v0`): Keras `PiecewiseConstantDecay([100], …)` is `at=[101]`.
like: Optax `piecewise_constant_schedule`, Paddle `PiecewiseDecay`, Keras `PiecewiseConstantDecay`

shape step
summary: Multiplies by `gamma` every `every` steps.
value: a·g^⌊u/e⌋
example: step(0.1, gamma=0.5, every=25) @ 24 25 50
like: PyTorch `StepLR`

shape multistep
summary: Multiplies by `gamma` at each mark.
value: a·g^(number of mᵢ ≤ u)
example: multistep(0.1, at=[50, 75]) @ 49 50 75
note: The marks count from the phase's start: after a warm-up, add `* offset(warm-up)` to count from the run's start (see `offset`).
like: PyTorch `MultiStepLR`

shape exp_decay
summary: Exponential decay by `rate` per `every` steps.
value: a·r^(u/e), a·r^⌊u/e⌋ with staircase=true
example: exp_decay(0.1, rate=0.5, every=25) @ 0 25 50
like: PyTorch `ExponentialLR`, Keras `ExponentialDecay`, Optax `exponential_decay`

shape inverse_time
summary: Inverse-time decay.
value: a / (1 + k·u/e), ⌊u/e⌋ with staircase=true
example: inverse_time(0.1, decay=1, every=25) @ 0 25 75
like: Keras `InverseTimeDecay`

shape rsqrt
summary: Inverse square root after `warmup` steps.
value: a·sqrt(w / max(u, w))
example: linear(0→0.1, 25) >> rsqrt(0.1, warmup=25) * offset(25) @ 10 25 99
note: After a warm-up of `w` steps, `* offset(w)` keeps the run's clock: `a·sqrt(w/t)` in the global step `t` (HF `inverse_sqrt`, fairseq); without it the decay restarts at the warm-up's end.
like: inverse-sqrt, Noam (`min(linear(…) >> 1, rsqrt(…))`), big_vision `rsqrt`

shape fn
summary: Any closed form: the escape hatch.
value: EXPR
example: fn(0.1 * (1 - p) ** 3, 100) @ 0 50 100
note: `t` is the global step at which the phase starts plus `u`; `e = t / steps_per_epoch`.

shape recur
summary: A value computed from the previous one, once per interval.
value: in interval k = ⌊u/every⌋: EXPR applied k + 1 times to `from`
example: const(0.1, 10) >> recur(lr * 0.9, every=10) @ 9 10 20
like: Keras `LearningRateScheduler(fn(epoch, lr))`

shape warmup
summary: Ramps from `from` to the start value of the phase that follows it.
value: ramp(shape) from `from` to the next phase's start
example: warmup(linear, 20) >> cosine(0.1→0, 80) @ 0 10 20
note: `linear`, `cosine` (a rising half cosine), `exp` (needs a non-zero `from`), `poly` (power 2, fast at first), `pow` (`power=k`, slow at first), `sqrt` and `log` ramp as the shapes of the same name.
note: With `inclusive=true` the warm-up's last step already takes the next phase's start value, which the next phase's first step takes again (`concatenate((linspace(0, peak, W), decay))`).
note: An error when nothing follows, or when that phase takes its own start from the warm-up (`→b`).

modifier restart
summary: Repeats X in cycles that may grow and decay.
value: cycle i lasts P·multⁱ; its values are X's (stretched to the cycle) times decayⁱ
example: cosine(0.1→0) * restart(period=25, mult=2) @ 24 25 50 total=175
note: X is laid out on the first cycle and stretched with each later one: a `10%` warm-up in X stays 10% of every cycle.
note: A decay above a floor is a floor plus a decayed body: `0.01 + cosine(0.09→0) * restart(…, decay=0.5)`.
like: PyTorch `CosineAnnealingWarmRestarts`, Keras `CosineDecayRestarts`, SGDR

modifier repeat
summary: Repeats X `n` times over the span.
value: X * restart(cycles=n)
example: (linear(0→0.1, 10) >> cosine(0.1→0, 40)) * repeat(2) @ 10 50 60
like: HF `cosine_with_restarts`, Optax `sgdr_schedule`

modifier offset
summary: Runs X's clock `n` ahead: a phase after another keeps the run's clock.
value: X at local time u + n
example: warmup(linear, 10) >> multistep(0.1, at=[50, 75]) * offset(10) @ 10 49 50
note: With an explicit duration `d` the node lasts `d − n`; a flexible X gets the node's span plus `n`.
note: Its start value (what a warm-up before it aims at) is X at `u = max(0, n)`.
note: A negative `n` is a late clock: X's start value holds for `|n|` steps, then X runs (`X at max(0, u + n)`). With an explicit `d` the node lasts `d + |n|`; a flexible X keeps the node's span and its last `|n|` steps are never reached: `X * offset(-1)` is X one step late, a scheduler stepped after the update with that update's index (see conventions.md).
like: timm's `warmup_prefix=False`, Composer's `*WithWarmupScheduler` milestones

modifier quantize
summary: Makes X piecewise constant over intervals of `q`: epoch-level schedules.
value: X at the start (or end) of the interval of u
example: linear(0.1→0, 100) * quantize(25) @ 0 24 25
note: `A * B * quantize(q)` quantizes the product (operators are left-associative).
like: Keras `LearningRateScheduler`, timm `t_in_epochs=True`

operator >>
summary: Sequence: B starts, with its local time at 0, where A's span ends.
value: A(t) for t < d_A, then B(t − d_A)
example: linear(0→0.1, 20) >> cosine(0.1→0, 80) @ 19 20 60
note: Flexible phases (no duration) share equally what the explicit ones leave.
like: PyTorch `SequentialLR`, Optax `join_schedules`
usage: A >> B

operator +
summary: Pointwise sum or difference.
value: A(t) ± B(t)
example: 0.01 + cosine(0.09→0) * restart(period=25, decay=0.5) @ 0 25 50
usage: A + B, A - B
aliases: -

operator *
summary: Pointwise product or quotient; `X * modifier(…)` applies a modifier.
value: A(t) · B(t), A(t) / B(t)
example: (const(0.1, 20) >> const(1)) * exp_decay(0.1, rate=0.9, every=10) @ 0 19 20
like: PyTorch `ChainedScheduler` (factors multiply)
usage: A * B, A / B
aliases: /

combinator min
summary: The pointwise minimum.
value: min(A(t), B(t), …)
example: min(linear(0→0.1, 25) >> 0.1, rsqrt(0.1, warmup=25)) @ 10 25 99
like: Noam / Transformer `min(step·w^-1.5, step^-0.5)`

combinator max
summary: The pointwise maximum: a floor under a decay.
value: max(A(t), B(t), …)
example: max(exp_decay(0.1, rate=0.5, every=10), 0.01) @ 0 10 50
like: Optax `exponential_decay(end_value=…)`

composite onecycle
summary: PyTorch's `OneCycleLR` over the node's span `N`.
value: max/div → max at step pct·N − 1 → max/div/final_div at step N − 1
example: onecycle(0.1) @ 0 29 99
like: PyTorch `OneCycleLR` (exactly, including its phase ends one step early)

composite cyclic
summary: PyTorch's `CyclicLR`: up in `half` steps, down in `half` steps.
value: a + (b − a)·triangle(u)·scale
example: cyclic(1e-3→0.1, half=25) @ 0 25 50
like: PyTorch `CyclicLR`, Paddle `CyclicLR`

composite wsd
summary: Warm-up, stable, decay: a linear warm-up from 0, a hold at `peak`, a cool-down to `to`.
value: linear(0→peak, warmup) >> const(peak) >> shape(peak→to, decay)
example: wsd(0.1, warmup=10, decay=20) @ 10 80 90
note: Only the cool-down takes `shape`; `shape=exp` needs a non-zero `to`.
like: HF `warmup_stable_decay` (its default cool-down is `shape=cosine`), MiniCPM, Hägele et al. 2024

function sin
summary: Sine (radians).
value: sin x
example: fn(0.05 * (1 + sin(2 * pi * p)), 100) @ 0 25 75

function cos
summary: Cosine (radians), here in a constant.
value: cos x
example: cosine(0.1→0.1 * cos(pi / 3), 100) @ 0 100

function tan
summary: Tangent (radians).
value: tan x
example: fn(0.1 * (1 - tan(pi / 4 * p)), 100) @ 0 50

function tanh
summary: Hyperbolic tangent.
value: tanh x
example: fn(0.05 * (1 - tanh(10 * p - 5)), 100) @ 0 50
like: timm `TanhLRScheduler` (`lb=-7, ub=3`: `tanh(10·p − 7)`)

function exp
summary: eˣ.
value: eˣ
example: fn(0.1 * exp(-5 * p), 100) @ 0 20
note: With a range or a duration, `exp(a→b, d)` is the shape.

function log
summary: Natural logarithm.
value: ln x
example: fn(0.1 / (1 + log(1 + u)), 100) @ 0 99
note: With a range, `log(a→b, d)` is the shape.

function sqrt
summary: Square root.
value: √x
example: fn(0.1 * sqrt(1 - p), 100) @ 0 75
note: With a range, `sqrt(a→b, d)` is the shape; `const(sqrt(512) ** -1)` is a number.

function abs
summary: Absolute value.
value: |x|
example: fn(0.1 * abs(1 - 2 * p), 100) @ 0 50

function floor
summary: The largest whole number ≤ x.
value: ⌊x⌋
example: fn(0.1 * 0.5 ** floor(u / 25), 100) @ 24 25

function ceil
summary: The smallest whole number ≥ x.
value: ⌈x⌉
example: fn(0.1 / ceil((u + 1) / 25), 100) @ 24 25

function min
summary: The smaller of two numbers (inside a formula; of schedules it is the combinator).
value: min(x, y)
example: fn(0.1 * min(u / 20, 1), 100) @ 10 20

function max
summary: The larger of two numbers (inside a formula; of schedules it is the combinator).
value: max(x, y)
example: fn(max(0.1 * (1 - p), 0.02), 100) @ 50 90

function pi
summary: The constant π.
value: π = 3.14159…
example: fn(0.05 * (1 + cos(pi * p)), 100) @ 0 50
usage: pi

unit steps
summary: A plain number is a number of optimizer steps.
value: n steps
example: cosine(0.1→0, 80) @ 0 40 80
usage: 500

unit ep
summary: Epochs: multiplied by the steps per epoch, then rounded (half to even) where a duration.
value: n · steps_per_epoch
example: warmup(linear, 2ep) >> cosine(0.1→0) @ 10 20 60 total=10ep steps_per_epoch=10
note: Needs `--steps-per-epoch K` (API `steps_per_epoch=K`).
note: A period (`every=`, `period=`, `half=`, `quantize`'s interval) or a mark (`at=[…]`) is never rounded: it is the exact rational of its text, `2.2ep` at 25 steps per epoch is 55, and interval `k` begins at the first step `≥ k·e`.
usage: 5ep

unit %
summary: A percentage of the enclosing span.
value: n/100 · span
example: warmup(linear, 10%) >> cosine(0.1→0) @ 5 10 55
usage: 10%

unit tok
summary: Tokens: divided by the tokens per step, then rounded.
value: n / tokens_per_step
example: warmup(linear, 200Mtok) >> cosine(3e-4→3e-5) @ 25 50 500 total=2Btok tokens_per_step=4e+06
note: Needs `--tokens-per-step N` (API `tokens_per_step=N`); the total may be tokens too.
usage: 2Btok

unit sa
summary: Samples: divided by the samples per step, then rounded.
value: n / samples_per_step
example: warmup(linear, 12.8ksa) >> cosine(0.1→0) @ 25 50 75 samples_per_step=256
note: Needs `--samples-per-step N` (API `samples_per_step=N`).
usage: 12.8ksa

unit k M B T
summary: Number suffixes: 10³, 10⁶, 10⁹, 10¹², directly after the digits.
value: n·10³ … n·10¹²
example: cosine(0.1→0, 10k) @ 0 5000 total=10k
note: `lrdsl fmt` keeps the suffix on token and sample counts (`2Btok`) and writes other numbers in full (`10000`).
usage: 100k, 2.5M, 300Btok
aliases: k M B T

unit 2 * 5ep
summary: Duration arithmetic: `+` and `-` between durations, `*` and `/` by a number.
value: computed exactly, then rounded once (half to even); never negative
example: linear(0→0.1, 2ep) >> cosine(0.1→0, 90% - 2ep) @ 20 55 90 total=10ep steps_per_epoch=10
usage: 6ep - 199, 90% - 5ep, 2 * 5ep, (6ep - 2) / 4
aliases: arithmetic

option inclusive
summary: A ramp that takes its end value at its last step, as `np.linspace(a, b, d)` does.
value: X(a→b, d − 1) >> hold(1): p = min(u/(d − 1), 1)
example: linear(0→0.1, 11, inclusive=true) >> const(0.1) @ 0 5 10 total=20
note: Taken by `linear`, `cosine`, `exp`, `poly`, `pow`, `sqrt`, `log` and `warmup`; default `false`, where the end value comes one step after the phase (the next phase's first step).
note: For `log` the value is `a + (b − a)·ln(1 + u)/ln(d)` (DeepSpeed's log warm-up).
note: An error when the phase resolves to 1 step (the message says where that length came from); refused inside a restart body with `mult ≠ 1` and with `poly(…, cycle=true)`.
note: Which one a training script means: see conventions.md.
like: `np.linspace(a, b, d)`, a cosine over `len − 1` intervals
usage: linear(a→b, d, inclusive=true)
"""
"""Every entry, in page order within each section: a block each, separated by a blank line. The first
line is the kind and the name; then ``key: text`` lines: ``summary``, ``value`` (the formula),
``example`` (the expression, then after `` @ `` its steps and the run when it is not 100 steps:
``total=10ep steps_per_epoch=10``), ``note`` (one line each), ``like``, ``usage``, ``aliases``."""


def _entries(text: str) -> tuple[Entry, ...]:
    """:data:`ENTRIES_TEXT` read into entries."""
    return tuple(_entry(block) for block in text.strip().split("\n\n"))


_KEYS = {"summary", "value", "example", "note", "like", "usage", "aliases"}


def _entry(block: str) -> Entry:
    """One block of :data:`ENTRIES_TEXT`."""
    head, *lines = block.splitlines()
    kind, name = head.split(maxsplit=1)
    if kind not in get_args(Kind):
        raise ValueError(f"a reference entry of no kind: {head!r}")
    fields: dict[str, list[str]] = {}
    for line in lines:
        key, _, value = line.partition(": ")
        fields.setdefault(key, []).append(value)
    if not set(fields) <= _KEYS:
        raise ValueError(f"{head}: no entry has {sorted(set(fields) - _KEYS)}")
    one = {key: values[0] for key, values in fields.items()}
    return Entry(
        cast(Kind, kind),
        name,
        one["summary"],
        one["value"],
        _example(one["example"]),
        notes=tuple(fields.get("note", ())),
        like=one.get("like", ""),
        usage=one.get("usage", ""),
        aliases=tuple(one.get("aliases", "").split()),
    )


def _example(text: str) -> Example:
    """``step(0.1, every=25) @ 24 25 50 total=10ep steps_per_epoch=10`` read into an :class:`Example`."""
    expr, _, rest = text.rpartition(" @ ")
    at = tuple(int(t) for t in rest.split() if "=" not in t)
    run: dict[str, Any] = {}
    for key, _, value in (item.partition("=") for item in rest.split() if "=" in item):
        run[key] = (int(value) if value.isdigit() else value) if key == "total" else float(value)
    return Example(expr, **run, at=at)


ENTRIES: tuple[Entry, ...] = _entries(ENTRIES_TEXT)
"""Every entry, in page order within each section."""


def signature_line(sig: Sig) -> str:
    """``cosine(a→b, d)``, ``step(value, d, gamma=0.1, every=…)``, ``min(A, B, …)``: from the table."""
    if sig.variadic:
        return f"{sig.name}(A, B, …)"
    parts = []
    for p in sig.params:
        if p.kind == "range":
            parts.append("a→b")
        elif p.name == "dur":
            parts.append("d")
        elif p.positional:
            parts.append(p.name)
        elif (sig.name, p.name) in DEFAULTS:
            parts.append(f"{p.name}={_default(DEFAULTS[sig.name, p.name])}")
        else:
            parts.append(f"{p.name}=…")
    return f"{sig.name}({', '.join(parts)})"


def _default(value: float | bool | str) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return value
    return format_number(value)


_KINDS = {
    "value": "number",
    "range": "range",
    "dur": "duration",
    "bool": "true or false",
    "durs": "list of durations",
    "count": "whole number ≥ 1",
    "sched": "schedules",
    "values": "list of numbers",
}


def describe(sig: Sig) -> list[tuple[str, str, str, str]]:
    """``(parameter, type, default, meaning)`` of each parameter of ``sig``."""
    rows = []
    for p in sig.params:
        meaning, omitted = PARAMS.get((sig.name, p.name), ("", ""))
        if not meaning and p.kind == "range":
            meaning = "start `a` and end `b`; `→b` starts from the previous phase's end value"
        if not meaning and p.name == "dur":
            meaning, omitted = DUR
        kind = _KINDS.get(p.kind, "")
        if p.kind in ("shape", "enum"):
            kind = " · ".join(f"`{c}`" for c in p.choices)
        elif p.kind == "formula":
            kind = f"formula of {', '.join(p.vars)}"
        if p.required:
            default = "required"
        elif (sig.name, p.name) in DEFAULTS:
            default = f"`{_default(DEFAULTS[sig.name, p.name])}`"
        else:
            default = omitted
        name = "a→b" if p.kind == "range" else "d" if p.name == "dur" else p.name
        rows.append((name, kind, default, meaning))
    return rows


def lookup(name: str) -> list[Entry]:
    """The entries called ``name`` (``exp`` is a shape and a function), or ``[]``."""
    return [e for e in ENTRIES if name == e.name or name in e.aliases]


def names(kind: Kind | None = None) -> list[str]:
    """Every name ``lrdsl help`` knows (of one kind), in page order."""
    found = (n for e in ENTRIES if kind in (None, e.kind) for n in (e.name, *e.aliases))
    return list(dict.fromkeys(n for n in found if " " not in n))


def index() -> list[str]:
    """Every name by kind, one line each: ``shapes: const, hold, …``."""
    return [f"{title.lower()}: {', '.join(names(kind))}" for kind, title, _ in SECTIONS]


def values(example: Example) -> list[tuple[int, float]]:
    """``(t, lr(t))`` at the example's steps, from the interpreter."""
    from lrdsl.api import evaluate

    got = evaluate(
        example.expr,
        example.total,
        example.steps_per_epoch,
        steps=list(example.at),
        tokens_per_step=example.tokens_per_step,
        samples_per_step=example.samples_per_step,
    )
    return [(t, float(v)) for t, v in zip(example.at, got)]


def _value(v: float) -> str:
    return format_number(float(f"{v:.6g}"))


def run(example: Example) -> str:
    """The example's run in words: ``100 steps``, ``10ep at 10 steps per epoch``."""
    out = f"{example.total} steps" if isinstance(example.total, int) else str(example.total)
    for what, value in (
        ("steps per epoch", example.steps_per_epoch),
        ("tokens per step", example.tokens_per_step),
        ("samples per step", example.samples_per_step),
    ):
        if value is not None:
            out += f", {format_number(float(value))} {what}"
    return out


def _eval_command(example: Example) -> str:
    at = ",".join(str(t) for t in example.at)
    return f'lrdsl eval "{example.expr}" {example.options()} --at {at}'


# -- the terminal -------------------------------------------------------------------------------


def text(entry: Entry) -> str:
    """One entry as ``lrdsl help NAME`` prints it."""
    lines = [
        f"{entry.signature}    ({KIND_LABELS[entry.kind]})",
        f"  {_plain(entry.summary)}",
        f"  value: {entry.formula}",
    ]
    sig = SIGNATURES.get(entry.name)
    if sig is not None and entry.kind not in ("function", "operator", "unit") and sig.params:
        rows = describe(sig)
        width = max(len(r[0]) for r in rows)
        lines.append("  parameters:")
        for name, kind, default, meaning in rows:
            tail = f" ({_plain(default)})" if default else ""
            lines.append(f"    {name.ljust(width)}  {_plain(kind)}{tail}: {_plain(meaning)}")
    for note in entry.notes:
        lines.append(f"  note: {_plain(note)}")
    if entry.like:
        lines.append(f"  like: {_plain(entry.like)}")
    got = values(entry.example)
    lines += [
        f"  example: {entry.example.expr}",
        f"    $ {_eval_command(entry.example)}",
        "    " + "   ".join(f"lr({t}) = {_value(v)}" for t, v in got),
        *_more(entry),
    ]
    return "\n".join(lines)


def _more(entry: Entry) -> list[str]:
    """Where the entry's section and picture are: the reference page this install ships, and ``lrdsl help``."""
    docs = docs_dir()
    if docs is None:
        return []
    lines = [f"  more: lrdsl help reference.md, or {docs / 'reference.md'}#{entry.slug}"]
    picture = docs / entry.picture
    if picture.is_file():  # a checkout has the pictures; a wheel ships the pages only
        lines.append(f"  picture: {picture}")
    return lines


# -- the documentation's pages ------------------------------------------------------------------


def docs_dir() -> Path | None:
    """The documentation's pages: ``lrdsl/docs`` in a wheel, ``docs/`` beside ``lrdsl/`` in a checkout."""
    from lrdsl.resources import BrokenInstall, resource_dir

    try:
        return resource_dir("docs")
    except BrokenInstall:
        return None


def pages() -> list[str]:
    """The pages ``lrdsl help PAGE.md`` prints: ``cli.md``, ``cookbook.md``, …, ``tour.md``."""
    docs = docs_dir()
    return [] if docs is None else sorted(p.name for p in docs.glob("*.md"))


def doc_page(topic: str) -> str | None:
    """The markdown of page ``topic`` (``tour.md``, or ``tour`` when no command or name is called so)."""
    name = topic if topic.endswith(".md") else f"{topic}.md"
    docs = docs_dir()
    if docs is None or name not in pages():
        return None
    return (docs / name).read_text(encoding="utf-8")


def _plain(markdown: str) -> str:
    return markdown.replace("`", "")


# -- the page -----------------------------------------------------------------------------------

KIND_LABELS: dict[str, str] = {
    "shape": "shape",
    "modifier": "modifier, applied with '*'",
    "operator": "operator",
    "combinator": "combinator",
    "composite": "composite shape",
    "function": "math function",
    "unit": "duration unit",
    "option": "an argument of several shapes",
}


def markdown(entry: Entry) -> list[str]:
    """One entry as a section of docs/reference.md."""
    lines = [f"### `{entry.name}` {{#{entry.slug}}}", ""]
    lines += [f"`{entry.signature}`", "", entry.summary, "", f"**Value:** `{entry.formula}`", ""]
    sig = SIGNATURES.get(entry.name)
    if sig is not None and entry.kind not in ("function", "operator", "unit") and sig.params:
        lines += ["| parameter | type | default | meaning |", "|---|---|---|---|"]
        lines += [f"| `{n}` | {k} | {d} | {m} |" for n, k, d, m in describe(sig)]
        lines.append("")
    lines += [f"- {note}" for note in entry.notes]
    if entry.like:
        lines.append(f"- Like: {entry.like}.")
    if entry.notes or entry.like:
        lines.append("")
    got = values(entry.example)
    lines += [
        f"Example: `{entry.example.expr}` over {run(entry.example)}:",
        "",
        "| t | " + " | ".join(str(t) for t, _ in got) + " |",
        "|---|" + "---|" * len(got),
        "| lr(t) | " + " | ".join(_value(v) for _, v in got) + " |",
        "",
        f"![{entry.name}: the example drawn]({entry.picture})",
        "",
    ]
    return lines


HEADER = """# Language reference

Every shape, modifier, operator, combinator, composite, math function and unit, with its
signature, value, defaults and an example drawn over its run. The signatures and defaults are read
from the table the parser uses (`lrdsl/language/signatures.py`), the prose from `lrdsl/tools/reference.py`, the
values from the interpreter: this page is generated by `python -m docs.make_reference` and
`tests/test_reference.py` fails when it is out of date. In the terminal, `lrdsl help NAME` prints
one entry (`lrdsl help cosine`, `lrdsl help restart`, `lrdsl help ep`).

Notation: a phase spans `d` steps; `u` is its local step (`0 ≤ u < d`), `p = u/d` its progress,
`t` the global step. After its span a phase holds its end value. [The language](language.md)
explains the rules (durations, flexible phases, rounding) and every decision;
[the cookbook](cookbook.md) puts the pieces together. `d` is always the duration, positional
after the values or `dur=`; a parameter without a default is required or says what its absence
means. Examples are written in canonical form (as `lrdsl fmt` prints them); their values are
rounded to 6 significant digits, and the picture marks the steps they are read at with dotted
lines.
"""


def page() -> str:
    """docs/reference.md, whole."""
    lines = [HEADER]
    for kind, title, intro in SECTIONS:
        lines += [f"## {title}", "", intro, ""]
        for entry in ENTRIES:
            if entry.kind == kind:
                lines += markdown(entry)
    return "\n".join(lines).rstrip() + "\n"
