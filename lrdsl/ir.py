"""The lowered form: a closed-form, piecewise function of the step.

Lowering (:mod:`lrdsl.lowering`) decides every meaning of the language once and
produces this tree; the numpy interpreter and every code printer read only it.

Two layers:

* **Arithmetic** (``Arith``) over the local time ``u`` of the enclosing frame and,
  inside :class:`Recur`, the previous value ``lr``.
* **Schedules** (``Sched``): functions of the local time ``u``; at the root ``u``
  is the global step ``t``. Frame nodes give their
  children a new local time: :class:`Seq` shifts it, :class:`Clamp` caps it,
  :class:`Cycles` folds it into restart cycles, :class:`Quantize` floors it.

Every schedule node holds its value for ``u`` past its span: the lowering wraps
what it builds in :class:`Clamp` so that this is true.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

# --------------------------------------------------------------------------- arithmetic


@dataclass(frozen=True, slots=True)
class Const:
    """A number."""

    value: float


@dataclass(frozen=True, slots=True)
class Var:
    """``u`` (local time of the frame) or ``lr`` (the previous value, in :class:`Recur`)."""

    name: Literal["u", "lr"]


@dataclass(frozen=True, slots=True)
class Param:
    """``$name``: a number the generated code takes as an argument (only in generated code's IR)."""

    name: str


@dataclass(frozen=True, slots=True)
class Bin:
    """``a op b`` for ``+ - * / **``, ``min`` and ``max``."""

    op: Literal["+", "-", "*", "/", "**", "min", "max"]
    a: Arith
    b: Arith


@dataclass(frozen=True, slots=True)
class Fn:
    """``name(arg)`` for ``neg sin cos tan exp log sqrt abs floor ceil``."""

    name: Literal["neg", "sin", "cos", "tan", "exp", "log", "sqrt", "abs", "floor", "ceil"]
    arg: Arith


@dataclass(frozen=True, slots=True)
class FloorDiv:
    """``⌊x / c⌋`` for a positive constant ``c``: integer-exact when ``x`` is a whole step."""

    x: Arith
    c: float


@dataclass(frozen=True, slots=True)
class CeilDiv:
    """``⌈x / c⌉`` for a positive constant ``c``: integer-exact when ``x`` is a whole step."""

    x: Arith
    c: float


@dataclass(frozen=True, slots=True)
class Count:
    """The number of thresholds ``m`` with ``m ≤ x`` (thresholds sorted ascending)."""

    x: Arith
    thresholds: tuple[float, ...]


Arith = Const | Var | Param | Bin | Fn | FloorDiv | CeilDiv | Count

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
    ``u`` is capped at the end of cycle ``count − 1``, whose end value then holds. ``period`` and ``mult`` are exact
    rationals so that every boundary is placed exactly; ``starts`` lists the exact
    ``S_i`` that fall within the node's span when ``mult ≠ 1``.
    """

    body: Sched
    period: Fraction
    mult: Fraction
    decay: float
    count: int
    span: float
    starts: tuple[Fraction, ...] = ()


@dataclass(frozen=True, slots=True)
class Quantize:
    """``body`` at ``⌊u/q⌋·q`` (``at_end``: at ``min((⌊u/q⌋+1)·q, hi)``)."""

    q: float
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
    every: float
    hi: float
    origin: tuple[int, int] | None = field(default=None, compare=False)


Sched = Formula | Clamp | Seq | Combine | Cycles | Quantize | Recur
