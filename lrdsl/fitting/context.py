"""What every fitter shares: the tolerance, the time unit, the deadline, and numbers as a person writes them.

A value ``v`` reproduces a recorded ``y`` when ``|v − y| ≤ atol + rtol·|y|``.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from lrdsl.errors import LrdslError

if TYPE_CHECKING:
    from lrdsl.fitting.piece import Piece
    from lrdsl.language.build import Quantity

Array = npt.NDArray[np.float64]
SAMPLE = 4096
"""Steps checked before a candidate is evaluated over every step of its segment."""
WORK = 4000
"""Candidate checks (an expression evaluated, a phase's families tried) one fit makes at most, plus
:data:`WORK_PER_BREAK` for each candidate breakpoint of the curve (a staircase of 1000 drops needs more
than a cosine).

The search stops there, as at its deadline, and returns what it has: the same answer on every machine,
whatever its speed. A curve of named shapes needs a few hundred to a few thousand.
"""
WORK_PER_BREAK = 16
WORK_MAX = 20_000
"""Candidate checks at most, however many breakpoints (noise has one per step)."""


@functools.lru_cache(maxsize=1024)
def sample_steps(n: int) -> npt.NDArray[np.int64]:
    """The steps of a segment of ``n`` a candidate is estimated and first checked on: every step up to
    :data:`SAMPLE`, else :data:`SAMPLE` evenly spaced ones with steps 1, 2 and ``n − 2``.

    A fit asks for the same few lengths thousands of times: each is made once, read-only."""
    if n <= SAMPLE:
        at = np.arange(n, dtype=np.int64)
    else:
        spread = np.concatenate([np.linspace(0, n - 1, SAMPLE).round(), [1, 2, n - 2]])
        at = np.unique(spread).astype(np.int64)
    at.flags.writeable = False
    return at


@dataclass
class Work:
    """Candidate checks left, shared by every :class:`Context` derived from one fit's, and the phases
    fitted so far and the breakpoints found (by the address, length and strides of their values, which
    the memo keeps alive)."""

    left: int = WORK
    phases: dict[tuple[object, ...], tuple[Array, Piece | None]] = field(default_factory=dict)
    marks: dict[tuple[object, ...], tuple[Array, list[int]]] = field(default_factory=dict)

    def spend(self) -> None:
        self.left -= 1


@dataclass(frozen=True)
class Context:
    """Tolerance, steps per epoch, the unit durations are printed in (``""`` or ``"ep"``), the deadline
    (in this process's CPU seconds, ``time.process_time``: other work on the machine does not spend it).

    ``start`` is the step of the curve at which the segment being fitted starts (the clock an
    ``offset`` keeps).
    """

    rtol: float
    atol: float
    spe: float | None
    unit: str = ""
    deadline: float = field(default_factory=lambda: time.process_time() + 30.0)
    start: int = 0
    work: Work = field(default_factory=Work, compare=False)

    def in_epochs(self) -> Context:
        """The context of a curve sampled once per epoch: durations print as ``Nep``, one epoch a step."""
        return replace(self, unit="ep", spe=1.0)

    def exhausted(self) -> bool:
        """Whether the deadline has passed or the checks of :data:`WORK` are spent."""
        return self.work.left <= 0 or time.process_time() > self.deadline

    def quantity(self, steps: float) -> Quantity:
        """A duration of ``steps`` (steps of the curve being fitted) in this context's unit, as a tree
        builder's (:class:`lrdsl.language.build.Quantity`)."""
        from lrdsl.language.build import Quantity

        return Quantity(float(steps), self.unit or "steps")

    def close(self, got: Array, want: Array) -> bool:
        """Whether every value of ``got`` reproduces ``want``."""
        return bool(np.all(np.abs(got - want) <= self.atol + self.rtol * np.abs(want)))

    def roughly(self, got: Array, want: Array) -> bool:
        """A quick filter before the exact check: within 100 times the tolerance (or 1e-12 of the scale)."""
        slack = 100.0 * (self.atol + self.rtol * np.abs(want)) + 1e-12 * float(np.max(np.abs(want)))
        return bool(np.all(np.abs(got - want) <= slack))

    def evaluate(self, text: str, total: int, steps: npt.NDArray[np.int64] | None = None) -> Array | None:
        """``text`` evaluated over ``total`` steps (at ``steps``), or ``None`` when it is not a valid schedule."""
        from lrdsl.api import evaluate

        try:
            return evaluate(text, total, self.spe, steps=steps)
        except (LrdslError, OverflowError, ZeroDivisionError, ValueError):
            return None

    def reproduces(self, text: str, want: Array) -> bool:
        """Whether ``text`` over ``len(want)`` steps gives ``want``: a sample first, then every step.

        The text is parsed and lowered once for both.
        """
        from lrdsl.api import lower
        from lrdsl.ir.interpreter import evaluate_ir, evaluate_range

        self.work.spend()
        n = want.size
        try:
            plan = lower(text, n, self.spe)
            if n > SAMPLE:
                at = sample_steps(n)
                if not self.close(evaluate_ir(plan.ir, at), want[at]):
                    return False
            return self.close(evaluate_range(plan.ir, 0, plan.total), want)
        except (LrdslError, OverflowError, ZeroDivisionError, ValueError):
            return False
