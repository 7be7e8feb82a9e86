"""The lowered form: a closed-form, piecewise function of the step.

Lowering (:mod:`lrdsl.lowering`) decides every meaning of the language once and
produces this tree; the numpy interpreter and every code printer read only it.

Two layers:

* **Arithmetic** (``Arith``) over the local time ``u`` of the enclosing frame and,
  inside :class:`Recur`, the previous value ``lr``.
* **Schedules** (``Sched``): functions of the local time ``u``; at the root ``u``
  is the global step ``t``. Frame nodes give their
  children a new local time: :class:`Seq` shifts it, :class:`Clamp` caps it,
  :class:`Cycles` folds it into restart cycles (:class:`Unrolled` when they are few), :class:`Quantize` floors it,
:class:`Offset` advances it.

Every schedule node holds its value for ``u`` past its span: the lowering wraps
what it builds in :class:`Clamp` so that this is true.
"""

from __future__ import annotations

import dataclasses
import decimal
import functools
import math
import operator
import re
import sys
import typing
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar, Literal

if TYPE_CHECKING:  # numpy is imported where arrays are made: the parser reads this module's tables
    import numpy as np
    import numpy.typing as npt

# --------------------------------------------------------------------------- arithmetic


@dataclass(frozen=True, slots=True)
class Const:
    """A number; ``source``, when lowering folded it, is the arithmetic of constants it came from.

    ``source`` evaluated in float64 as printed (left to right, innermost first) gives exactly
    ``value``: a printer may show ``(0.1 - 4e-07) / 2`` for ``0.049999800000000004``. It takes no
    part in equality: two constants of one value are the same node.
    """

    value: float
    source: Arith | None = field(default=None, compare=False, hash=False, repr=False)


@dataclass(frozen=True, slots=True)
class Var:
    """``u`` (local time of the frame) or ``lr`` (the previous value, in :class:`Recur`)."""

    name: Literal["u", "lr"]


PARAM_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
"""A ``$parameter``'s name (without the ``$``): the grammar's ``PARAM`` token, checked equal by a test."""


def is_param_name(name: object) -> bool:
    """``name`` is a ``$parameter`` name the grammar accepts (without the ``$``)."""
    return isinstance(name, str) and name.isascii() and PARAM_NAME.fullmatch(name) is not None


@dataclass(frozen=True, slots=True)
class Param:
    """``$name``: a number the generated code takes as an argument (only in generated code's IR)."""

    name: str


Fails = Literal["never", "at infinity", "on overflow", "below 0", "at or below 0", "near 0"]
"""When ``math.<name>`` may raise (or give another value than numpy) where numpy gives an IEEE value:
``never``; ``at infinity`` (``sin ∞``); ``on overflow`` (``exp 1000``); ``below 0`` (``sqrt``);
``at or below 0`` (``log``); ``near 0`` (``floor`` of ``[-1, 0]`` is the int 0, numpy's ``-0.0``, and
``±∞``). The scalar printer prints the plain call where the argument's bound rules that out."""


@dataclass(frozen=True, slots=True)
class MathFunction:
    """One math function of one argument: every reader that computes, bounds or prints it reads this row.

    * ``numpy``: the numpy ufunc ``numpy.<numpy>`` the interpreter computes it with (with the C
      library's bits: :mod:`lrdsl.ir.libm`), and ``python``: how plain Python calls it
      (``math.<name>``, or a builtin such as ``abs``);
    * ``fails`` (:data:`Fails`): where ``python`` may raise; then ``helper`` names the IEEE helper of
      :mod:`lrdsl.ir.ieee` the scalar printer calls instead;
    * ``increasing``: it is non-decreasing on the whole line and total, so :mod:`lrdsl.ir.ranges` bounds it
      by its values at the ends of the argument's bound (a function with a rule of its own there needs
      none, one with neither is unbounded: sound, only less precise);
    * ``spelling``: the call by a printer's module (``"jnp"``, ``"ops"``, ``"math"``) where it is not
      ``<module>.<name>``; ``None`` there: that module lacks it, and ``gen`` refuses a schedule that uses it.
    """

    name: str
    numpy: str = ""
    python: str = ""
    fails: Fails = "never"
    helper: str | None = None
    increasing: bool = False
    spelling: Mapping[str, str | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "numpy", self.numpy or self.name)
        object.__setattr__(self, "python", self.python or f"math.{self.name}")

    def exact(self) -> Callable[[float], float]:
        """``python`` as a callable: what generated Python code calls (it may raise: ``fails``)."""
        import builtins

        if self.python.startswith("math."):
            return getattr(math, self.python[len("math.") :])  # type: ignore[no-any-return]
        return getattr(builtins, self.python)  # type: ignore[no-any-return]

    def spelled(self, module: str) -> str | None:
        """How code of a printer whose module is ``module`` calls it (``None``: it cannot)."""
        return self.spelling.get(module, f"{module}.{self.name}")


MATH: dict[str, MathFunction] = {
    f.name: f
    for f in [
        MathFunction("sin", fails="at infinity", helper="sin"),
        MathFunction("cos", fails="at infinity", helper="cos"),
        MathFunction("tan", fails="at infinity", helper="tan"),
        MathFunction("tanh", increasing=True),
        MathFunction("exp", fails="on overflow", helper="exp", increasing=True),
        MathFunction("log", fails="at or below 0", helper="log"),
        MathFunction("sqrt", fails="below 0", helper="sqrt"),
        MathFunction("abs", numpy="absolute", python="abs", spelling={"math": "abs"}),
        MathFunction("floor", fails="near 0", helper="floor", increasing=True),
        MathFunction("ceil", fails="near 0", helper="ceil", increasing=True),
    ]
}
"""The functions of one argument in formulas and constants (LANGUAGE.md §3, §8.3): one row each.

The parser, formatter and lowering accept exactly these names; the interpreter, :mod:`lrdsl.ir.ranges`,
:mod:`lrdsl.ir.libm` and every printer read the row. A new function is one more row here (and a line in
LANGUAGE.md's list, which is closed: ``tests/test_targets.py`` proves a row with a dummy ``atan``).
"""

MATH_FUNCTIONS: tuple[str, ...] = tuple(MATH)
"""The names of :data:`MATH`, in order (the parser's and the formatter's table)."""

OPERATORS: dict[str, str] = {
    "+": "add", "-": "subtract", "*": "multiply", "/": "divide", "**": "power", "min": "minimum", "max": "maximum",
}  # fmt: skip
"""The binary operations of :class:`Bin` and :class:`Combine`, with their numpy-style names
(the same in numpy, ``jax.numpy`` and ``keras.ops``)."""


@dataclass(frozen=True, slots=True)
class Bin:
    """``a op b`` for an operation of :data:`OPERATORS`: ``+ - * / **``, ``min`` and ``max``."""

    op: str
    a: Arith
    b: Arith


@dataclass(frozen=True, slots=True)
class Fn:
    """``name(arg)`` for ``neg`` (negation) and every function of :data:`MATH`."""

    name: str
    arg: Arith


@dataclass(frozen=True, slots=True)
class _ExactDivision:
    """``x`` divided by a positive exact rational ``c = p/q``, rounded to a whole number exactly."""

    x: Arith
    c: Fraction


@dataclass(frozen=True, slots=True)
class FloorDiv(_ExactDivision):
    """``⌊x / c⌋`` (:func:`floor_div`).

    For a whole step ``x`` it is the integer ``⌊x·q/p⌋``: interval ``k`` begins at the first whole
    step ``u ≥ k·c`` (LANGUAGE.md §9.4).
    """


@dataclass(frozen=True, slots=True)
class CeilDiv(_ExactDivision):
    """``⌈x / c⌉ = −⌊−x / c⌋``."""


@dataclass(frozen=True, slots=True)
class Count:
    """The number of exact rational thresholds ``m`` with ``m ≤ x`` (sorted ascending).

    ``m ≤ x`` ⟺ :func:`least_float` ``(m) ≤ x`` for every float ``x``, and ⟺ ``⌈m⌉ ≤ x`` for a whole ``x``.
    """

    x: Arith
    thresholds: tuple[Fraction, ...]


Arith = Const | Var | Param | Bin | Fn | FloorDiv | CeilDiv | Count


def reads(e: Arith, var: str) -> int:
    """How many times arithmetic ``e`` reads the variable ``var`` (``u`` or ``lr``)."""
    count, stack = 0, [e]
    while stack:
        n = stack.pop()
        if type(n) is Var:
            count += n.name == var
        else:
            stack.extend(children(n))
    return count


def least_float(m: Fraction) -> float:
    """The least float not below ``m``: ``x ≥ m`` ⟺ ``x ≥ least_float(m)`` exactly, for every float ``x``."""
    f = float(m)
    return f if Fraction(f) >= m else math.nextafter(f, math.inf)


def floor_div(x: float, c: Fraction) -> int:
    """``⌊x / c⌋`` exactly, for a float ``x`` and a positive rational ``c = p/q``: ``⌊x·q/p⌋`` in integers."""
    n, d = float(x).as_integer_ratio()
    return (n * c.denominator) // (d * c.numerator)


def ceil_div(x: float, c: Fraction) -> int:
    """``⌈x / c⌉`` exactly: ``−⌊−x / c⌋``."""
    return -floor_div(-x, c)


def times(k: int, c: Fraction) -> float:
    """``k·c`` correctly rounded to a float: the exact time where interval ``k`` of period ``c`` begins."""
    return float(k * c)


def floor_divs(x: npt.NDArray[np.float64], c: Fraction) -> npt.NDArray[np.float64]:
    """:func:`floor_div` of each float in ``x`` (as floats), vectorized.

    A whole period is numpy's ``floor_divide`` (exact: ``fmod`` is). Otherwise ``⌊y/p⌋ = ⌊⌊y⌋/p⌋`` for
    ``y = x·q``, exact wherever ``x·q`` is a float (checked with an error-free product: ``q < 2**26``
    splits ``x`` into halves whose products are exact) below ``2**53``; an element left over within
    ``1e-9`` (relative) of an interval's start is decided in integers by :func:`floor_div`.
    """
    import numpy as np

    p, q = c.numerator, c.denominator
    if q == 1 and p < 2**53:
        return np.asarray(np.floor_divide(x, float(p)), dtype=np.float64)
    with np.errstate(all="ignore"):
        y, exact = _product(x, q)
        k = np.asarray(np.floor_divide(np.floor(y), float(p)), dtype=np.float64)
        sure = exact & (np.abs(y) < 2.0**53) & (p < 2**53)
        if not sure.all():
            ratio = x / float(c)
            near = ~sure & np.isfinite(x) & ~(np.abs(ratio - np.round(ratio)) > 1e-9 * (1.0 + np.abs(ratio)))
            for i in np.flatnonzero(near):
                k.flat[i] = floor_div(float(x.flat[i]), c)
    return k


def _product(x: npt.NDArray[np.float64], q: int) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """``(x·q rounded, whether that is exact)``: Veltkamp's split of ``x`` and Knuth's two-sum."""
    import numpy as np

    y = x * float(q)
    if q >= 2**26:
        return y, np.zeros(np.shape(x), dtype=bool)
    c = 134217729.0 * x  # 2**27 + 1
    hi = c - (c - x)
    a, b = hi * q, (x - hi) * q  # each exact: 26 bits times at most 26 bits
    s = a + b
    v = s - a
    err = (a - (s - v)) + (b - v)
    return s, np.asarray((err == 0) & np.isfinite(s))


# --------------------------------------------------------------------------- schedules


@dataclass(frozen=True, slots=True)
class Formula:
    """A closed-form value ``expr(u)``. ``label`` and ``origin`` only serve diagnostics."""

    expr: Arith
    label: str = field(default="", compare=False)
    origin: tuple[int, int] | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Clamp:
    """``body`` at local time ``min(u, hi)``: holds the value at ``hi`` afterwards."""

    hi: float
    body: Sched


@dataclass(frozen=True, slots=True)
class Seq:
    """Piece ``k`` is active on ``breaks[k] ≤ u < breaks[k+1]`` and sees ``u − breaks[k]``.

    ``breaks[0] == 0``; the last piece stays active for every later ``u``.
    """

    breaks: tuple[float, ...]
    parts: tuple[Sched, ...]
    labels: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class Combine:
    """Pointwise ``+ - * /``, ``min`` or ``max`` of the parts, all at the same ``u``."""

    op: Literal["+", "-", "*", "/", "min", "max"]
    parts: tuple[Sched, ...]
    origin: tuple[int, int] | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Cycles:
    """Restart cycles of lengths ``period·multⁱ`` starting at ``S_i = period·(multⁱ−1)/(mult−1)``.

    At ``u`` in cycle ``i`` (``S_i ≤ u < S_{i+1}``) the value is
    ``decayⁱ · body((u − S_i) / multⁱ)``: the body is laid out on the first cycle
    and stretched with each later one. ``count`` is the number of cycles reached:
    ``u`` is capped at the end of cycle ``count − 1``, whose end value then holds.
    ``period`` and ``mult`` are exact rationals; :class:`CycleClock` is the one
    place that decides which cycle holds a time and where it starts.
    """

    body: Sched
    period: Fraction
    mult: Fraction
    decay: float
    count: int
    span: float

    @property
    def clock(self) -> CycleClock:
        """The (cached) clock of these cycles: where each starts and the body's time in it."""
        return cycle_clock(self.period, self.mult)

    def factor(self, i: int) -> float:
        """``decayⁱ``, the scale of cycle ``i``'s values: C's ``pow`` (as generated code computes it)."""
        if i == 0 or self.decay == 1.0:
            return 1.0
        try:
            return math.pow(self.decay, i)
        except OverflowError:  # IEEE's value, as numpy's (a whole power: odd ones keep the sign)
            return math.copysign(math.inf, self.decay) if i % 2 else math.inf


MAX_UNROLLED = 64
"""Restarts of at most this many cycles are unrolled by :func:`restart` into :class:`Unrolled`: a printer meets
:class:`Cycles` only beyond, where a table of cycles would grow with the run."""


@dataclass(frozen=True, slots=True)
class Unrolled:
    """Restart cycles written out as time-scaled pieces of one shared ``body`` (as optax's ``sgdr_schedule``
    joins its segments): data per piece, the body once.

    Piece ``i`` holds ``reach[i] ≤ u < reach[i+1]`` (``reach[0] = 0``; the last piece holds on, or the
    first below 0) and its value is ``factor[i] · body(max(u·scale[i] − shift[i], 0) / stretch[i])``.
    :func:`restart` fills the tables from :class:`CycleClock`, so this is :meth:`CycleClock.since`
    written as data: ``reach[i]`` is the least float that has reached cycle ``i``; for ``mult = 1`` and
    a period ``p/q``, ``(q, i·p, q)`` (``(1, 0, 1)`` in the first cycle: ``u`` itself); else
    ``(1, S_i, multⁱ)``; ``factor[i] = decayⁱ`` (C's ``pow``). ``period``, ``mult``, ``decay`` and
    ``span`` are the restart the tables came from: what ``explain`` names, and how a fast reader may place
    a time by the clock instead (:meth:`cycles`: the same values).
    """

    body: Sched
    reach: tuple[float, ...]
    scale: tuple[float, ...]
    shift: tuple[float, ...]
    stretch: tuple[float, ...]
    factor: tuple[float, ...]
    period: Fraction
    mult: Fraction
    decay: float
    span: float

    @property
    def count(self) -> int:
        """The number of pieces (cycles reached)."""
        return len(self.reach)

    def piece(self, u: float) -> int:
        """The piece that holds time ``u``: the last ``i`` with ``reach[i] ≤ u`` (0 below 0)."""
        import bisect

        return max(bisect.bisect_right(self.reach, u) - 1, 0)

    def local(self, u: float) -> tuple[int, float]:
        """``(i, max(u·scale[i] − shift[i], 0) / stretch[i])``: the piece of ``u`` and the body's time in it."""
        i = self.piece(u)
        return i, max(u * self.scale[i] - self.shift[i], 0.0) / self.stretch[i]

    def cycles(self) -> Cycles:
        """The same restart as :class:`Cycles` (whose clock placed these pieces: the same values)."""
        return Cycles(self.body, self.period, self.mult, self.decay, self.count, self.span)


def restart(body: Sched, period: Fraction, mult: Fraction, decay: float, count: int, span: float) -> Cycles | Unrolled:
    """Restart cycles of ``body`` (:class:`Cycles`' meaning): unrolled into :class:`Unrolled` for at most
    :data:`MAX_UNROLLED` cycles, each piece's start, stretch and ``decayⁱ`` read off the clock."""
    cycles = Cycles(body, period, mult, decay, count, span)
    if count > MAX_UNROLLED:
        return cycles
    clock = cycle_clock(period, mult)
    rows = [_piece(clock, i) for i in range(count)]
    return Unrolled(
        body,
        reach=tuple(clock.first_time(i) if i else 0.0 for i in range(count)),
        scale=tuple(r[0] for r in rows),
        shift=tuple(r[1] for r in rows),
        stretch=tuple(r[2] for r in rows),
        factor=tuple(cycles.factor(i) for i in range(count)),
        period=period,
        mult=mult,
        decay=decay,
        span=span,
    )


def _piece(clock: CycleClock, i: int) -> tuple[float, float, float]:
    """``(scale, shift, stretch)`` of cycle ``i``: :meth:`CycleClock.since` as ``max(u·scale − shift, 0)/stretch``."""
    if i == 0:
        return 1.0, 0.0, 1.0
    if clock.mult == 1:
        return float(clock.q), float(i * clock.p), float(clock.q)
    return 1.0, clock.start(i), clock.stretch(i)


@dataclass(frozen=True, slots=True)
class Quantize:
    """``body`` at ``⌊u/q⌋·q`` (``at_end``: at ``min((⌊u/q⌋+1)·q, hi)``), ``q`` an exact rational.

    ``⌊u/q⌋`` is exact (:func:`floor_div`) and ``k·q`` the float nearest the exact time (:func:`times`).
    """

    q: Fraction
    at_end: bool
    hi: float
    body: Sched


@dataclass(frozen=True, slots=True)
class Recur:
    """In interval ``k = ⌊min(u, hi)/every⌋`` the value is ``expr`` applied ``k+1`` times to ``init``.

    ``expr`` reads the previous value as ``Var("lr")``.
    """

    expr: Arith
    init: float
    every: Fraction
    hi: float
    origin: tuple[int, int] | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Offset:
    """``body`` at local time ``min(u, hi) + n``: its clock runs ``n`` ahead, held from ``hi`` on.

    ``n ≥ 0`` is any real number (``X * offset(0.75)``, LANGUAGE.md §8.1).
    """

    n: float
    hi: float
    body: Sched


Sched = Formula | Clamp | Seq | Combine | Cycles | Unrolled | Quantize | Recur | Offset


MAX_RECUR = 1_000_000
"""The most intervals ``[k·every, (k+1)·every)`` a ``recur`` phase of ``d`` steps may span: ``⌈d/every⌉``."""


def recur_intervals(node: Recur) -> int:
    """How many values ``node`` has: ``⌊hi/every⌋ + 1``, one per interval and the one held from ``hi`` on."""
    return floor_div(node.hi, node.every) + 1


def recur_overrun(hi: float, every: float, limit: int = MAX_RECUR) -> tuple[str, str] | None:
    """``(message, hint)`` when a ``recur`` phase of ``hi`` steps spans more than ``limit`` intervals."""
    intervals = hi / every
    if intervals <= limit:
        return None
    shown = math.ceil(intervals) if intervals < 1e15 else f"{intervals:.3g}"
    return (
        f"recur() would iterate over {shown} intervals of 'every'",
        f"at most {limit} intervals: use a larger 'every' or a closed form in fn()",
    )


# --------------------------------------------------------------------------- restart cycles

EXACT_BITS = 8192
"""Cycle ``i`` of ``mult = a/b`` is placed from an exact rational table while ``i·(bits(a)+bits(b)) ≤ EXACT_BITS``."""
BIG_BITS = 1 << 16
"""Beyond this many bits a start is compared in 60-digit decimal arithmetic instead of exact integers."""
TOL = 1e-12
"""Relative width (times ``1 + i·ln m``) of the window around a float start where the exact rule decides."""


class CycleClock:
    """Which restart cycle holds a time, and where it starts: the one rule every walker reads.

    Cycle ``i`` starts at ``S_i = P·(mⁱ − 1)/(m − 1)`` (``P·i`` when ``m = 1``) for the exact
    rationals ``P = p/q`` and ``m = a/b``. A time ``x`` (a float) lies in cycle ``i`` or a later
    one exactly when ``x ≥ S_i``; the cycle of ``x`` is the largest such ``i``. The comparison is
    exact, and costs O(1) however many cycles there are:

    * for the first ``exact`` cycles (``i·(bits(a)+bits(b)) ≤ EXACT_BITS``, where a start can be
      a whole step), against the least float not below ``S_i``, from a table of exact rationals;
    * beyond, against ``S̃_i = P·expm1(i·L)/D`` (``D = m − 1``, ``L = log1p(D)``) in float64, and
      only where ``x`` is within ``TOL·(1 + i·L)`` of ``S̃_i`` (far more than float64's error, so
      that any libm decides alike) by exact integers, or by 60-digit decimals past ``BIG_BITS``.

    The local time in cycle ``i`` is :meth:`since`, the one rule: ``(x·q − i·p)/q`` for ``m = 1``;
    else ``(x − start_i)/stretch_i`` with ``start_i = S_i`` and ``stretch_i = mⁱ`` correctly rounded
    for the first ``exact`` cycles and ``S̃_i``, ``exp(i·L)`` beyond (where no start is a whole step),
    never below 0. The interpreter, lowering's points and the printers compute exactly this.
    """

    __slots__ = ("D", "L", "P", "a", "b", "bits", "exact", "mult", "p", "period", "q")

    def __init__(self, period: Fraction, mult: Fraction) -> None:
        if period <= 0 or mult < 1:
            raise ValueError("a restart needs period > 0 and mult ≥ 1")
        self.period, self.mult = period, mult
        self.p, self.q = period.numerator, period.denominator
        self.a, self.b = mult.numerator, mult.denominator
        self.P = float(period)
        self.D = float(mult - 1)
        self.L = math.log1p(self.D)
        self.bits = self.a.bit_length() + self.b.bit_length()
        # Past 690/L a start is above 1e300: never reached, so the table stops there too.
        self.exact = min(EXACT_BITS // self.bits, int(690 / self.L) + 1) if mult != 1 else sys.maxsize

    # -- one cycle ----------------------------------------------------------------------------
    def start_ratio(self, i: int) -> tuple[int, int]:
        """``S_i`` as an integer ratio ``(numerator, denominator)``, not reduced (no gcd to pay)."""
        if self.mult == 1:
            return self.p * i, self.q
        if i == 0:
            return 0, 1
        a, b = self.a, self.b
        return self.p * (a**i - b**i), self.q * (a - b) * b ** (i - 1)

    def start_exact(self, i: int) -> Fraction:
        """``S_i`` as an exact rational."""
        return Fraction(*self.start_ratio(i))

    def approx(self, i: int) -> float:
        """``S̃_i``, the float64 formula for the start of cycle ``i`` (``mult ≠ 1``)."""
        return self.P * math.expm1(i * self.L) / self.D

    def reached(self, i: int, x: float) -> bool:
        """``x ≥ S_i``, exactly: ``x`` lies in cycle ``i`` or a later one."""
        if i <= 0:
            return True
        if i > self.exact:
            s = self.approx(i)
            if abs(x - s) > TOL * (1.0 + i * self.L) * s:
                return x > s
            if i * self.bits > BIG_BITS:
                return _decimal_reached(self, i, x)
        n, d = float(x).as_integer_ratio()
        num, den = self.start_ratio(i)
        return n * den >= num * d

    def start(self, i: int) -> float:
        """Where the local time of cycle ``i`` is measured from."""
        if i <= self.exact:
            return float(self.start_exact(i))
        return self.approx(i)

    def stretch(self, i: int) -> float:
        """``mⁱ``: how much longer cycle ``i`` is than the first."""
        if self.mult == 1:
            return 1.0
        if i <= self.exact:
            return float(self.mult**i)
        return math.exp(i * self.L)

    def index(self, x: float, last: int) -> int:
        """The cycle that holds time ``x``, at most ``last``."""
        if x <= 0 or last <= 0:
            return 0
        if self.mult == 1:
            n, d = float(x).as_integer_ratio()
            return int(min((n * self.q) // (d * self.p), last))
        guess = math.log1p(x * self.D / self.P) / self.L
        i = int(min(max(guess, 0.0), float(last)))
        while i > 0 and not self.reached(i, x):
            i -= 1
        while i < last and self.reached(i + 1, x):
            i += 1
        return i

    def local(self, x: float, last: int) -> tuple[int, float]:
        """``(i, since(x, i))``: the cycle of ``x`` (at most ``last``) and the body's time in it."""
        i = self.index(x, last)
        return i, self.since(x, i)

    def since(self, x: float, i: int) -> float:
        """The body's time at ``x`` in cycle ``i``: THE local-time rule, which every reader follows.

        * ``mult = 1``, period ``p/q``: ``x`` itself in the first cycle, then ``(x·q − i·p)/q`` in float64, ``x·q`` rounded once, ``i·p`` the
          exact integer rounded once, then one subtraction and one division (LANGUAGE.md §9.4). For a
          whole step ``x`` below ``2⁵³/q`` every operation but the division is exact; ``q = 1`` gives
          ``x − i·p``;
        * ``mult ≠ 1``: ``max(x − start_i, 0)/stretch_i`` (:meth:`start`, :meth:`stretch`).
        """
        if self.mult != 1:
            return max(x - self.start(i), 0.0) / self.stretch(i)
        return (x * self.q - float(i * self.p)) / self.q if i > 0 else x

    def since_each(self, x: npt.NDArray[np.float64], i: int | npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """:meth:`since` of each pair ``(x, i)`` over arrays, or of each ``x`` in one cycle ``i`` (the
        same float64 operations, into a new array)."""
        import numpy as np

        if isinstance(i, int):
            if self.mult != 1:
                local = np.maximum(x - self.start(i), 0.0)
                local /= self.stretch(i)
                return local
            if i == 0:
                return x.copy()
            local = x * float(self.q)
            local -= float(i * self.p)
            local /= self.q
            return local
        if self.mult != 1:
            local = np.maximum(x - self.starts(i), 0.0)
            local /= self.stretches(i)
            return local
        local = x * float(self.q)
        local -= whole_times(i, self.p)
        if self.q == 1:
            return local  # x − 0 is x: the first cycle needs no pass of its own
        local /= self.q
        np.copyto(local, x, where=i == 0)
        return local

    def first_time(self, i: int) -> float:
        """The least float that has reached cycle ``i``: where a walker reads the cycle's first value."""
        x = self.start(i)
        while not self.reached(i, x):
            x = math.nextafter(x, math.inf)
        while x > 0 and self.reached(i, math.nextafter(x, -math.inf)):
            x = math.nextafter(x, -math.inf)
        return x

    def count(self, span: float) -> int:
        """How many cycles start before ``span`` (at least 1)."""
        if span <= 0:
            return 1
        return self.index(math.nextafter(span, 0.0), sys.maxsize) + 1

    def span_of(self, n: int) -> float:
        """``S_n``: how long ``n`` whole cycles last (``inf`` past 1e300)."""
        if self.mult != 1 and n * self.L > 690:
            return math.inf
        return self.start(n)

    # -- many times at once (the interpreter; ``mult ≠ 1``) -------------------------------------
    def indices(self, x: npt.NDArray[np.float64], last: int) -> npt.NDArray[np.int64]:
        """The cycle of each time in ``x`` (all ≥ 0), at most ``last``: :meth:`index` of each."""
        import numpy as np

        with np.errstate(all="ignore"):
            guess = np.log1p(x * (self.D / self.P)) / self.L
        i = np.clip(np.nan_to_num(guess), 0, last).astype(np.int64)
        for _ in range(64):  # the guess is off by one at most; the loop only guards rounding
            back = (i > 0) & ~self._reached(i, x)
            i -= back
            ahead = (i < last) & self._reached(np.minimum(i + 1, last), x)
            i += ahead
            if not (back.any() or ahead.any()):
                break
        return i

    def starts(self, i: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """:meth:`start` of each ``i``."""
        return self._pick(i, 1, self._approx(i))

    def stretches(self, i: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """:meth:`stretch` of each ``i``."""
        import numpy as np

        with np.errstate(all="ignore"):
            return self._pick(i, 2, np.exp(i * self.L))

    def _approx(self, i: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        import numpy as np

        with np.errstate(all="ignore"):
            return np.asarray(self.P * np.expm1(i * self.L) / self.D, dtype=np.float64)

    def _pick(self, i: npt.NDArray[np.int64], column: int, beyond: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        low = i <= self.exact
        if low.any():
            table = _clock_table(self.period, self.mult, int(i[low].max()))[column]
            beyond[low] = table[i[low]]
        return beyond

    def _reached(self, i: npt.NDArray[np.int64], x: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
        """:meth:`reached` of each pair: a table below ``exact``, the float test with its window beyond."""
        import numpy as np

        s = self._approx(i)
        out: npt.NDArray[np.bool_] = x > s
        unsure = (i > self.exact) & (np.abs(x - s) <= TOL * (1.0 + i * self.L) * s)
        low = i <= self.exact
        if low.any():
            thresholds = _clock_table(self.period, self.mult, int(i[low].max()))[0]
            out[low] = x[low] >= thresholds[i[low]]
        for k in np.flatnonzero(unsure):
            out[k] = self.reached(int(i[k]), float(x[k]))
        return out


def whole_times(i: npt.NDArray[Any], a: int) -> npt.NDArray[np.float64]:
    """``i·a`` for whole ``i ≥ 0``, each the exact integer rounded once to float64 (as Python's ``float(i * a)``)."""
    import numpy as np

    if a * max(float(np.max(i, initial=0)), 1.0) < 2.0**62:
        return np.asarray(np.asarray(i, dtype=np.int64) * a, dtype=np.float64)
    whole = np.asarray(i, dtype=np.int64)
    return np.array([float(k * a) for k in whole.ravel().tolist()]).reshape(whole.shape)


def _decimal_reached(clock: CycleClock, i: int, x: float) -> bool:
    """``x ≥ S_i`` in 60-digit decimal arithmetic (a start with more than ``BIG_BITS`` bits)."""
    with decimal.localcontext(decimal.Context(prec=60)):
        m = decimal.Decimal(clock.a) / clock.b
        s = decimal.Decimal(clock.p) / clock.q * (m**i - 1) / (m - 1)
        return decimal.Decimal(x) >= s


@functools.lru_cache(maxsize=64)
def _clock_table(
    period: Fraction, mult: Fraction, upto: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """For cycles ``0 … upto`` (a power of two at least): the least float not below ``S_i``, ``S_i`` and ``mⁱ``."""
    import numpy as np

    clock = cycle_clock(period, mult)
    size = min(clock.exact, max(16, 1 << upto.bit_length())) + 1
    thresholds, starts, stretches = [], [], []
    for i in range(size):
        s = clock.start_exact(i)
        f = float(s)
        thresholds.append(f if Fraction(f) >= s else math.nextafter(f, math.inf))
        starts.append(f)
        stretches.append(float(mult**i))
    return np.array(thresholds), np.array(starts), np.array(stretches)


@functools.lru_cache(maxsize=256)
def cycle_clock(period: Fraction, mult: Fraction) -> CycleClock:
    """The (cached) :class:`CycleClock` of a restart."""
    return CycleClock(period, mult)


# --------------------------------------------------------------------------- walkers

SCHED_NODES: tuple[type, ...] = (Formula, Clamp, Seq, Combine, Cycles, Unrolled, Quantize, Recur, Offset)
ARITH_NODES: tuple[type, ...] = (Const, Var, Param, Bin, Fn, FloorDiv, CeilDiv, Count)
FAMILIES: dict[str, tuple[type, ...]] = {"sched": (), "arith": ()}
"""Each family's node kinds, as :func:`register` recorded them: what every walker must read."""


class Children(typing.NamedTuple):
    """A node kind's fields that hold IR nodes, ``(name, holds a tuple of them)``, and a function that
    reads them off a node (the walks over every node call it once per node)."""

    fields: tuple[tuple[str, bool], ...]
    get: Callable[[Any], tuple[Any, ...]]


CHILDREN: dict[type, Children] = {}
"""Each registered node kind's :class:`Children`, read off its annotations: the one table of the IR's shape."""


def register(kind: type, family: str) -> type:
    """Make ``kind`` a node of ``family`` (``"sched"`` or ``"arith"``): every walker must then read it.

    Its children are its fields annotated ``Arith``, ``Sched`` or a tuple of either (``Const.source``,
    ``Arith | None``, is a note on a constant, not a child). A walker defined afterwards that lacks a
    handler for ``kind`` fails at its definition.
    """
    hints = typing.get_type_hints(kind)
    kinds = {Arith: False, Sched: False, tuple[Arith, ...]: True, tuple[Sched, ...]: True}
    fields = tuple((f.name, kinds[hints[f.name]]) for f in dataclasses.fields(kind) if hints[f.name] in kinds)
    CHILDREN[kind] = Children(fields, _children_of(fields))
    FAMILIES[family] = (*FAMILIES[family], kind)
    return kind


def _children_of(fields: tuple[tuple[str, bool], ...]) -> Callable[[Any], tuple[Any, ...]]:
    names = [name for name, _ in fields]
    if not fields:
        return lambda node: ()
    if fields == ((names[0], True),):
        return operator.attrgetter(names[0])  # the tuple itself
    if not any(many for _, many in fields):
        get = operator.attrgetter(*names)
        return (lambda node: (get(node),)) if len(names) == 1 else get
    return lambda node: tuple(
        c for name, many in fields for c in (getattr(node, name) if many else (getattr(node, name),))
    )


for _kind in SCHED_NODES:
    register(_kind, "sched")
for _kind in ARITH_NODES:
    register(_kind, "arith")


def children(node: Any) -> tuple[Any, ...]:
    """The IR nodes directly under ``node``, in field order (a sequence's parts in order).

    A kind that was never registered (:func:`register`) is a ``TypeError``: no reader skips a node it
    does not know.
    """
    try:
        get = CHILDREN[type(node)].get
    except KeyError:
        raise TypeError(f"{type(node).__name__} is not a node of the IR") from None
    return get(node)


def nodes(node: Any) -> Iterator[Any]:
    """``node`` and every node under it, parents first (iterative: any depth)."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(children(n)))


def rebuilt(node: Any, fn: Callable[[Any], Any]) -> Any:
    """``node`` with each child ``c`` replaced by ``fn(c)`` (``node`` itself when none changed)."""
    try:
        fields = CHILDREN[type(node)].fields
    except KeyError:
        raise TypeError(f"{type(node).__name__} is not a node of the IR") from None
    changes: dict[str, Any] = {}
    for name, many in fields:
        value = getattr(node, name)
        new = tuple(fn(v) for v in value) if many else fn(value)
        if any(a is not b for a, b in zip(new, value)) if many else new is not value:
            changes[name] = new
    return dataclasses.replace(node, **changes) if changes else node


def handler_name(kind: type) -> str:
    """The method that reads nodes of ``kind``: ``Formula`` → ``_formula``, ``FloorDiv`` → ``_floor_div``."""
    return "_" + "".join("_" + c.lower() if c.isupper() else c for c in kind.__name__).lstrip("_")


class Walker:
    """The base of every reader of the IR: the interpreter, ``explain``, points and every printer.

    A subclass names the node families it reads (``WALKS``: ``"sched"``, ``"arith"``) and has one
    method per node kind of them (every kind :func:`register` recorded), named by :func:`handler_name`.
    Its dispatch table is built once, when the class is defined: a concrete walker that lacks a
    handler fails at import, not when a schedule first reaches that node (``abstract=True`` exempts
    a base class).
    """

    WALKS: ClassVar[tuple[str, ...]] = ("sched",)
    _dispatch: ClassVar[dict[type, Callable[..., Any]]] = {}

    def __init_subclass__(cls, abstract: bool = False, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if abstract:
            return
        table: dict[type, Callable[..., Any]] = {}
        missing = []
        for family in cls.WALKS:
            for kind in FAMILIES[family]:
                method = getattr(cls, handler_name(kind), None)
                if method is None:
                    missing.append(handler_name(kind))
                else:
                    table[kind] = method
        if missing:
            raise TypeError(f"{cls.__name__} reads the IR but has no {', '.join(missing)}")
        cls._dispatch = table

    def walk(self, node: Any, *args: Any) -> Any:
        """Read ``node`` with the handler for its kind."""
        return self._dispatch[type(node)](self, node, *args)


def bind_params(node: Any, values: Mapping[str, float]) -> Any:
    """``node`` with every ``Param`` named in ``values`` replaced by its value."""
    if type(node) is Param:
        return Const(values[node.name]) if node.name in values else node
    return rebuilt(node, lambda child: bind_params(child, values))


# --------------------------------------------------------------------------- a lowered schedule


@dataclass(frozen=True)
class Lowered:
    """A schedule resolved for one run: its IR, total steps and units."""

    ir: Sched
    total: int
    steps_per_epoch: float | None
    text: str
    arguments: tuple[tuple[str, float | None], ...] = ()
    """In symbolic lowering: the parameters left as arguments, with their default (or ``None``)."""
