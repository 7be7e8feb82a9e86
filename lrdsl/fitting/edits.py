"""What differs between an expression ``E`` and a curve ``y`` of the same run, and the edit of ``E`` that gives ``y``.

``compare`` calls :func:`name_difference` when the two differ. It tries a fixed list of simple
explanations, each a candidate text checked against ``y`` by evaluating it over the whole run with
``compare``'s tolerance (``|a − b| ≤ atol + rtol·max(|a|, |b|)`` at every step):

* only step 0 differs: ``(E) * offset(1) * offset(-1)`` when step 0 takes step 1's value (a counter
  ``max(1, t)``), else ``const(v, 1) >> (E) * offset(1)`` (a warm-up whose step 0 is ``v``);
* a constant factor: ``c * (E)`` or ``(E) / k`` (a multiplier read as an absolute rate, or the reverse);
* a shift: ``(E) * offset(-k)`` is ``E`` k steps late (LANGUAGE.md §9.1), ``(E) * offset(k)`` early,
  for k aligning the first difference and k in 1…3 steps and 1 epoch each way;
* a per-epoch scheduler stepped after the epoch: ``(E) * quantize(1ep) * offset(-1ep)`` (and the
  plain ``(E) * quantize(1ep)``);
* a period: the ``every=`` of the one ``step``/``exp_decay``/``inverse_time`` whose drops differ,
  solved from the drop steps of ``y`` (drop k at the first whole step ``u ≥ k·e``, §9.4);
* one phase of a sequence: that phase replaced by the named shapes ``fit`` finds for its steps, or
  named when none is found.

The work is bounded: at most :data:`MAX_CANDIDATES` candidates are evaluated and a phase longer
than :data:`MAX_FITTED` steps is named, not fitted. A run longer than :data:`MAX_STEPS` steps is
searched on a sample of its steps (``Problem.steps``: the first and last steps, the steps around
each phase boundary and the first difference, and evenly spread steps); a candidate that matches
there is then evaluated over the whole run, :data:`BLOCK` steps at a time, against the curve read
the same way — over the first :data:`MAX_VERIFIED` steps and the sample beyond them when the run is
longer, and the sentence says so.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from lrdsl.errors import LrdslError
from lrdsl.language import ast as A
from lrdsl.language import build as B
from lrdsl.language.numbers import format_number

if TYPE_CHECKING:
    from lrdsl import ir

Array = npt.NDArray[np.float64]
Steps = npt.NDArray[np.int64]
Run = tuple[float | None, float | None, float | None]

MAX_STEPS = 1_000_000
"""Runs longer than this are searched on a sample of their steps (:class:`Sides`)."""
MAX_VERIFIED = 100_000_000
"""Steps of a sampled run over which a candidate is evaluated at every step (then at the sample beyond)."""
BLOCK = 1_000_000
"""Steps of a sampled run evaluated at a time when a candidate is verified."""
MAX_CANDIDATES = 24
"""Candidate edits evaluated at most."""
ALIGN = 64
"""Shifts up to this many steps are tried for aligning the first difference."""
WINDOW = 8
"""Steps from the first difference that a shift must align before it is evaluated."""
MAX_FITTED = 200_000
"""The longest phase whose steps are fitted to a named shape (longer ones are named, not solved)."""
PERIODIC = ("step", "exp_decay", "inverse_time")


@dataclass(frozen=True)
class Named:
    """What differs (``difference``, a sentence) and the verified whole corrected text (``suggestion``)."""

    difference: str
    suggestion: str | None = None


@dataclass(frozen=True)
class Sides:
    """A run read at a sample: ``E`` at any sorted steps, the curve over any range of steps."""

    x_at: Callable[[Steps], Array]
    y_range: Callable[[int, int], Array]


@dataclass(frozen=True)
class Problem:
    """The expression ``text`` (its values ``x``), the curve ``y`` it is compared with, and the run."""

    text: str
    x: Array
    y: Array
    run: Run
    rtol: float
    atol: float
    names: tuple[str, str] = ("A", "B")
    """How ``E`` and the curve are called in the sentences."""
    steps: Steps | None = None
    """The sorted steps ``x`` and ``y`` are read at; ``None``: every step ``0 … y.size − 1``."""
    total: int = 0
    """The steps of the run when ``steps`` is a sample."""
    sides: Sides | None = None
    """How ``E`` and the curve are read beyond the sample (given with ``steps``)."""

    @property
    def spe(self) -> float | None:
        return self.run[0]

    @property
    def n(self) -> int:
        """The steps of the run."""
        return self.y.size if self.steps is None else self.total

    @property
    def at(self) -> Steps:
        """The steps of ``x`` and ``y``."""
        return np.arange(self.y.size, dtype=np.int64) if self.steps is None else self.steps

    def x_at(self, steps: Steps) -> Array:
        """The values of ``E`` at the sorted ``steps``."""
        return self.x[steps] if self.sides is None else self.sides.x_at(steps)

    def y_range(self, lo: int, hi: int) -> Array:
        """The curve's values at the steps ``lo … hi − 1``."""
        return self.y[lo:hi] if self.sides is None else self.sides.y_range(lo, hi)

    def hit(self, bad: npt.NDArray[np.bool_], lo: int, hi: int) -> bool:
        """Whether a step of ``[lo, hi)`` read in ``x`` and ``y`` differs (``bad`` is their mask)."""
        at = self.at
        return bool(bad[int(np.searchsorted(at, lo)) : int(np.searchsorted(at, hi))].any())

    def differ(self, got: Array, want: Array) -> npt.NDArray[np.bool_]:
        return np.asarray(np.abs(got - want) > self.atol + self.rtol * np.maximum(np.abs(got), np.abs(want)))


class _Budget:
    def __init__(self) -> None:
        self.left = MAX_CANDIDATES
        self.partly = False
        """Whether the last verified text was evaluated at every step only up to :data:`MAX_VERIFIED`."""

    def verified(self, p: Problem, edit: A.Node) -> str | None:
        """The canonical text of the tree ``edit`` (the formatter's parentheses and numbers) when it evaluates
        to ``p.y`` at every step; ``None`` otherwise."""
        from lrdsl.api import as_schedule, lower
        from lrdsl.ir.interpreter import evaluate_ir, evaluate_range

        if self.left <= 0:
            return None
        self.left -= 1
        try:
            tree = as_schedule(B.text(edit))
            plan = lower(tree, p.n, p.run[0], None, tokens_per_step=p.run[1], samples_per_step=p.run[2])
            got = evaluate_range(plan.ir, 0, p.n) if p.steps is None else evaluate_ir(plan.ir, p.steps)
            if not _equal(p, got, p.y) or (p.steps is not None and not self._everywhere(p, plan.ir)):
                return None
        except (LrdslError, OverflowError, ZeroDivisionError, ValueError):
            return None
        return str(tree)

    def _everywhere(self, p: Problem, node: ir.Sched) -> bool:
        """``node`` equals the curve at every step of a sampled run up to :data:`MAX_VERIFIED` (the
        sample beyond was checked already), :data:`BLOCK` steps at a time."""
        from lrdsl.ir.interpreter import evaluate_range

        end = min(p.n, MAX_VERIFIED)
        self.partly = end < p.n
        return all(
            _equal(p, evaluate_range(node, lo, min(lo + BLOCK, end)), p.y_range(lo, min(lo + BLOCK, end)))
            for lo in range(0, end, BLOCK)
        )


def _equal(p: Problem, got: Array, want: Array) -> bool:
    return bool(got.shape == want.shape and np.all(np.isfinite(got)) and not p.differ(got, want).any())


def name_difference(p: Problem, phases: list[tuple[int, int, str]]) -> Named:
    """The first explanation that a verified edit confirms; else a sentence for what was seen.

    ``phases`` are ``E``'s top-level phases as ``(first step, step after the last, label)``.
    """
    budget = _Budget()
    with np.errstate(all="ignore"):  # candidates may overflow (a factor of 1e308): they are refused by value
        bad = p.differ(p.x, p.y)
        if not bad.any():
            return Named("")
        for found in _explanations(p, bad, phases, budget):
            if found.suggestion is not None:
                return _partly(p, found) if budget.partly else found
        return _unexplained(p, bad, phases)


def _partly(p: Problem, found: Named) -> Named:
    """``found``, saying how far its edit was evaluated at every step."""
    beyond = int(np.count_nonzero(p.at >= MAX_VERIFIED))
    said = f" (verified at every step up to {MAX_VERIFIED:.0e} and at {beyond} spread steps beyond)"
    return Named(found.difference + said, found.suggestion)


def _explanations(
    p: Problem, bad: npt.NDArray[np.bool_], phases: list[tuple[int, int, str]], budget: _Budget
) -> Iterator[Named]:
    from lrdsl.api import as_schedule

    e, other = p.names
    whole = as_schedule(p.text).expr
    undone = next((t for t in (budget.verified(p, c) for c in _peeled(whole)) if t is not None), None)
    if not bad[1:].any():
        v = format_number(float(p.y[0]))
        held = p.n > 1 and not p.differ(p.x[1:2], p.y[:1]).any()  # max(1, t): step 0 takes step 1's value
        text = undone or (held and budget.verified(p, B.mul(whole, B.offset(1), B.offset(-1)))) or None
        text = text or budget.verified(p, B.seq(B.call("const", float(p.y[0]), 1), B.mul(whole, B.offset(1))))
        said = "the value of step 1, a counter max(1, t)" if held else "a warm-up already warm at step 0"
        yield Named(f"only step 0 differs: {other} starts at {v} ({said})", text)
    factor = _factor(p)
    if factor is not None:
        spelled, inverse = factor
        scaled = B.div(whole, spelled) if inverse else B.mul(spelled, whole)
        shown = B.text(spelled)
        times = f"{e} / {shown}" if inverse else f"{shown} × {e}"
        text = undone or budget.verified(p, scaled)
        yield Named(f"{other} is {times}: a multiplier read as an absolute rate, or the reverse", text)
    shifts = _shifts(p, bad)
    # a flexible phase under an offset also changes its span: one step and one epoch each way are
    # evaluated even when the values alone do not line up
    unaligned = [k for k in _usual_shifts(p) if k not in shifts]
    for k in shifts + unaligned:
        n = _spoken(abs(k), p.spe)
        shifted = B.mul(whole, B.offset(_steps(-k, p.spe)))
        text = (undone if k in shifts else None) or budget.verified(p, shifted)
        late = "late (a scheduler stepped after the update with that update's index)" if k > 0 else "early"
        said = (
            f"{other} is {e} {n} {late}"
            if k in shifts
            else f"{other} is {e} on a clock {n} " + ("behind" if k > 0 else "ahead")
        )
        yield Named(said, text)
    if undone is not None:
        yield Named(f"{other} is {e} without its outer modifier", undone)
    if p.spe is not None:
        per_epoch = B.mul(whole, B.call("quantize", B.Quantity(1, "ep")))
        text = budget.verified(p, B.mul(per_epoch, B.offset(B.Quantity(-1, "ep"))))
        yield Named(
            f"{other} is {e} held per epoch and 1 epoch late (a per-epoch scheduler stepped after the epoch)", text
        )
        text = budget.verified(p, per_epoch)
        yield Named(f"{other} is {e} held per epoch (a scheduler stepped once per epoch)", text)
    yield from _periods(p, bad, phases, budget)
    yield from _one_phase(p, bad, phases, budget)


def _peeled(node: A.Node) -> list[A.Node]:
    """``node`` without what an edit of this module adds around it: ``X * offset(n)``, ``X * quantize(q)``,
    ``c * X``, ``X / k`` and ``const(v, 1) >> X * offset(1)`` give ``X`` (at most three layers)."""
    out: list[A.Node] = []
    for _ in range(3):
        if isinstance(node, A.BinOp) and node.op == "*" and isinstance(node.right, A.Call):
            if node.right.name not in ("offset", "quantize"):
                break
            node = node.left
        elif isinstance(node, A.BinOp) and node.op == "*" and isinstance(node.left, A.Num):
            node = node.right
        elif isinstance(node, A.BinOp) and node.op == "/" and isinstance(node.right, A.Num):
            node = node.left
        elif (
            isinstance(node, A.Seq)
            and len(node.items) == 2
            and isinstance(node.items[0], A.Call)
            and node.items[0].name == "const"
            and isinstance(node.items[1], A.BinOp)
            and isinstance(node.items[1].right, A.Call)
            and node.items[1].right.name == "offset"
        ):
            node = node.items[1].left
        else:
            break
        out.append(node)
    return out


def _factor(p: Problem) -> tuple[A.Expr, bool] | None:
    """The shortest spelling of ``c`` with ``y = c·x`` at the largest ``|x|`` (and 0 where ``x`` is 0), and
    whether it is the divisor ``k`` of ``y = x / k`` instead."""
    from lrdsl.fitting.spelling import spellings

    i = int(np.argmax(np.abs(p.x)))
    if p.x[i] == 0 or p.y[i] == 0:
        return None
    c = float(p.y[i] / p.x[i])
    if c == 1 or p.differ(c * p.x, p.y).any():
        return None
    # c itself, or 1 / k (a rate divided by a whole or short number: 1 / 3 rather than 0.3333333333)
    written = [(s, False) for s in spellings(c)] + [(s, True) for s in spellings(1 / c)[:3]]
    plain = [(s, inverse) for s, inverse in written if "**" not in B.text(s)]
    fits = [f for f in plain if math.isfinite(k := _number(*f)) and not p.differ(k * p.x, p.y).any()]
    return min(fits, key=lambda f: len(B.text(f[0])) + (len("1 / ") if f[1] else 0)) if fits else None


def _number(spelled: A.Expr, inverse: bool) -> float:
    """The value of a factor's spelling, or of ``1 / k`` when ``inverse`` (``inf`` where ``k`` is 0)."""
    from lrdsl.fitting.spelling import number

    k = number(spelled)
    if inverse:
        return 1 / k if k else math.inf
    return k


def _shifts(p: Problem, bad: npt.NDArray[np.bool_]) -> list[int]:
    """Shifts ``k`` (late when positive) under which ``x`` matches ``y`` where both are defined: first
    those that align the first difference, then 1…3 steps and one epoch each way."""
    n, at = p.n, p.at
    i = int(np.argmax(bad))
    window, want = at[i : i + WINDOW], p.y[i : i + WINDOW]
    ks: list[int] = []
    for k in range(1, min(ALIGN, n - 1) + 1):
        for s in (k, -k):
            keep = window - s < n
            if window[0] - s < 0 or not keep.any():
                continue
            if not p.differ(p.x_at(window[keep] - s), want[keep]).any():
                ks.append(s)
        if len(ks) >= 2:
            break
    epoch = [int(p.spe), -int(p.spe)] if p.spe and float(p.spe).is_integer() and p.spe < n else []
    ks += [1, -1, 2, -2, 3, -3, *epoch]
    out: list[int] = []
    for k in dict.fromkeys(ks):
        keep = at - k < n  # late (k > 0): step t takes lr(max(t − k, 0)); early: lr(t + |k|) while defined
        if abs(k) < n and not p.differ(p.x_at(np.maximum(at[keep] - k, 0)), p.y[keep]).any():
            out.append(k)
    return out


def _usual_shifts(p: Problem) -> list[int]:
    """One step and one epoch each way (late first)."""
    epoch = [int(p.spe), -int(p.spe)] if p.spe and float(p.spe).is_integer() and 1 < p.spe < p.n else []
    return [k for k in [1, -1, *epoch] if abs(k) < p.n]


def _steps(k: int, spe: float | None) -> int | B.Quantity:
    """``k`` steps (late when negative, as ``offset`` takes them): in epochs when a whole number of them."""
    return B.Quantity(k / spe, "ep") if spe and k % spe == 0 else k


def _spoken(k: int, spe: float | None) -> str:
    """``k`` steps in words: ``3 steps``, or ``1 epoch`` when it is a whole number of epochs."""
    count, unit = (format_number(k / spe), "epoch") if spe and k % spe == 0 else (str(k), "step")
    return f"{count} {unit}" + ("" if count == "1" else "s")


def _periods(
    p: Problem, bad: npt.NDArray[np.bool_], phases: list[tuple[int, int, str]], budget: _Budget
) -> Iterator[Named]:
    """The ``every=`` of a periodic decay, solved from the steps where ``y`` drops inside its phase."""
    from lrdsl.api import as_schedule
    from lrdsl.tools.linting import _replace

    tree = as_schedule(p.text)
    calls = [
        c for c in A.walk(tree.expr) if isinstance(c, A.Call) and c.name in PERIODIC and c.arg("every") is not None
    ]
    first = int(p.at[int(np.argmax(bad))])
    lo, hi = next(((lo, hi) for lo, hi, _ in phases if lo <= first < hi), (0, p.n))
    if len(calls) != 1:
        return
    call = calls[0]
    written = call.arg("every")
    in_epochs = isinstance(written, A.Duration) and written.unit == "ep"
    # the drops of the phase's first MAX_STEPS steps bound the period; the candidates are verified over the run
    for every in _solved_periods(p.y_range(lo, min(hi, lo + MAX_STEPS)), p.spe, in_epochs):
        new = A.Arg(name="every", value=every)
        fixed = A.Call(name=call.name, args=tuple(new if a.name == "every" else a for a in call.args))
        text = budget.verified(p, _replace(tree.expr, call, fixed))
        yield Named(f"the period of {call.name} differs: {p.names[1]} drops every {B.text(every)}", text)


def _solved_periods(y: Array, spe: float | None, in_epochs: bool) -> list[A.Expr]:
    """Periods ``e`` (as written: ``2.4ep`` or ``37.5``) whose drops ``⌈k·e⌉`` are the drops of ``y``
    (§9.4), and those a whole period ``P`` of steps has when the drops are its multiples (a period that
    rounds to ``P``); the shortest first, in epochs first when ``in_epochs``."""
    drops = np.flatnonzero(y[1:] != y[:-1]) + 1
    if drops.size == 0:
        return []
    ks = np.arange(1, drops.size + 1, dtype=np.float64)
    spans = [(float(np.max((drops - 1) / ks)), float(np.min(drops / ks)))]  # drop k at ⌈k·e⌉ = d: (d − 1)/k < e ≤ d/k
    if np.all(drops == drops[0] * ks):
        spans.append((drops[0] - 0.5, drops[0] + 0.49))
    out: dict[A.Expr, None] = {}
    for lo, hi in spans:
        for unit, scale in ((("ep", spe),) if spe else ()) + (("steps", 1.0),):
            a, b = lo / scale, hi / scale
            for digits in range(0, 4):
                q = 10**digits
                shortest = [v for v in (round((a + b) / 2 * q) / q, math.floor(b * q) / q) if a < v <= b and v > 0]
                out.update((B.duration(B.Quantity(v, unit)), None) for v in shortest)
                if shortest:
                    break
    return sorted(out, key=lambda d: ((isinstance(d, A.Duration) and d.unit == "ep") != in_epochs, len(B.text(d))))[:4]


def _one_phase(
    p: Problem, bad: npt.NDArray[np.bool_], phases: list[tuple[int, int, str]], budget: _Budget
) -> Iterator[Named]:
    """One top-level phase differs: that phase replaced by the named shape fitted to its steps of ``y``."""
    from lrdsl.api import as_schedule
    from lrdsl.fitting.context import Context
    from lrdsl.fitting.families import fit_phase
    from lrdsl.fitting.segments import fit_sequence, render
    from lrdsl.tools.linting import _replace

    hit = [(j, lo, hi) for j, (lo, hi, _) in enumerate(phases) if p.hit(bad, lo, hi)]
    tree = as_schedule(p.text)
    if len(hit) != 1 or not isinstance(tree.expr, A.Seq) or len(tree.expr.items) != len(phases):
        return
    j, lo, hi = hit[0]
    if hi - lo > MAX_FITTED:
        return
    ctx = Context(p.rtol, p.atol, p.spe)
    y = p.y_range(lo, hi)
    for flexible in (True, False):  # the phase's own length left to the sequence first, as written most often
        one = fit_phase(y, ctx, flexible)
        pieces = [one] if one is not None else fit_sequence(y, ctx, flexible)
        if not pieces:
            continue
        item = as_schedule(render(pieces, ctx, flexible)).expr
        text = budget.verified(p, _replace(tree.expr, tree.expr.items[j], item))
        yield Named(f"only phase {j + 1} differs ({phases[j][2]}, steps {lo}–{hi - 1})", text)


def _unexplained(p: Problem, bad: npt.NDArray[np.bool_], phases: list[tuple[int, int, str]]) -> Named:
    """A sentence for a difference no simple edit explains: where it is."""
    if not bad[1:].any():
        return Named("only step 0 differs")
    hit = [(j, lo, hi, label) for j, (lo, hi, label) in enumerate(phases) if p.hit(bad, lo, hi)]
    if len(hit) == 1 and len(phases) > 1:
        j, lo, hi, label = hit[0]
        why = "no named shape reproduces it" if hi - lo <= MAX_FITTED else f"not fitted: longer than {MAX_FITTED} steps"
        return Named(f"only phase {j + 1} differs ({label}, steps {lo}–{hi - 1}); {why}")
    return Named("no simple edit (shift, factor, step 0, period, one phase) explains it")
