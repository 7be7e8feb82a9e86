"""Warnings (LANGUAGE.md §8.5): valid schedules that are likely mistakes.

``lint(text, total_steps, steps_per_epoch, …)`` returns a :class:`Diagnostic` for each. The checks
are small functions in :data:`CHECKS`, one per warning; each reads the syntax tree (with its source
spans) and, where the run is known, the layout lowering gave it (:class:`Placed`, read from
``lower_schedule(…, layout=…)``, never computed again here):

* ``phase-clock``: a phase after another phase whose own milestones (``at=``, rsqrt's ``warmup=``)
  or ``every`` are counted in steps or epochs: they count from the phase's start, not the run's
  (``warmup(linear, 5ep) >> multistep(0.1, at=[30ep])`` drops at epoch 35). The hint shows the
  schedule with ``* offset(5ep)``. ``every=e`` warns only when the phase does not start on a whole
  multiple of ``e`` (otherwise its drops fall where the run's clock would put them);
  ``* offset(n)``, even ``offset(0)``, sets the phase's clock and silences the warning.
* ``cut-phase``: a phase whose explicit duration the run cuts (a cosine that never reaches its
  end), or that never starts; constant phases (``const``, ``hold``) lose nothing and are not reported.
* ``modifier-precedence``: ``A * B * quantize(q)``, where ``*`` groups from the left so the
  modifier applies to ``A`` too (also ``restart``, ``repeat``, ``offset``); writing the product in
  parentheses, ``(A * B) * quantize(q)``, says that both are meant.
* ``offset-global-clock``: an ``fn`` that reads ``t`` or ``e`` under ``* offset(n)`` (``n ≠ 0``):
  ``t`` and ``e`` stay the run's step and epochs on a late or early clock (LANGUAGE.md §9.1), so
  the offset does not move that part of the formula; ``u`` is the phase's own step.

Given no run argument at all, only the checks that read the text run and nothing is lowered.
Without ``total_steps`` the checks that need the layout run when the schedule lowers with what is
given (its own explicit durations), and are skipped when it does not; with ``total_steps`` a
schedule that cannot be evaluated for that run raises the :class:`~lrdsl.errors.LrdslError`
:func:`lrdsl.evaluate` would. Text that does not parse always raises.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import math
import os
import re
import sys
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

from lrdsl.errors import LrdslError, Span, render
from lrdsl.ir import Lowered
from lrdsl.language import ast as A
from lrdsl.language import runfree
from lrdsl.language.ast import make
from lrdsl.language.formatter import format_node
from lrdsl.language.numbers import format_number
from lrdsl.language.runfree import is_scalar
from lrdsl.language.signatures import SIGNATURES
from lrdsl.run.args import NO_RUN, RunArgs

if TYPE_CHECKING:
    from lrdsl.lowering.context import Ctx

Severity = Literal["warning", "error"]


@dataclass(frozen=True)
class Diagnostic:
    """One warning: where (``span``, 1-based ``line``/``column``), what (``code``, ``message``) and a ``hint``.

    ``str()`` renders it as errors are rendered (``line:col: warning: …``, the source line, a caret).
    """

    severity: Severity
    code: str
    message: str
    span: Span | None
    line: int | None
    column: int | None
    hint: str | None
    source: str = field(repr=False)
    member: str | None = None
    """Of a set (LANGUAGE.md §9.5): the member it is about; ``span``, ``line`` and ``column`` are in the set's text."""

    def render(self, severity: Severity | None = None) -> str:
        """The text shown to a user, as a ``warning`` or (``--strict``) an ``error``."""
        return render(self.message, self.span, self.source, self.hint, severity or self.severity)

    def __str__(self) -> str:
        """:meth:`render`, after a line ``in member 'NAME':`` for a set's member (as ``lrdsl check`` prints it)."""
        return (f"in member '{self.member}':\n" if self.member is not None else "") + self.render()


def lint_schedule(parsed: A.Schedule, run: RunArgs = NO_RUN) -> list[Diagnostic]:
    """The warnings of one schedule for ``run`` (:func:`lrdsl.lint` of a schedule), in source order."""
    from lrdsl.api import check_run

    check_run(run)
    runfree.check(parsed)  # what every run refuses, refused without one
    if not run.given:
        return lint_plan(parsed, None)  # no run: the checks that read the text alone, nothing lowered
    layout: Layout = {}
    plan: Lowered | None
    try:
        plan = run.lower(parsed, layout=layout)
    except LrdslError:
        if run.total_steps is not None:
            raise
        plan = None
    return lint_plan(parsed, plan, run, layout=layout)


def lint_plan(
    parsed: A.Schedule, plan: Lowered | None, run: RunArgs = NO_RUN, *, layout: Layout | None = None
) -> list[Diagnostic]:
    """The warnings of ``parsed`` laid out as ``plan`` (lowered for the run already), in source order.

    The checks read lowering's own layout of ``parsed`` (``layout``, recorded when ``plan`` was
    lowered; given none, ``parsed`` is lowered again for the plan's run to record it). Without a
    plan only the checks that read the syntax tree alone report. Of ``run`` they read the
    parameters and the rates (the plan holds the total and the steps per epoch).
    """
    source = parsed.source or str(parsed)
    found = [
        d for check in CHECKS.values() for d in check(Run(parsed, source, plan, _context(parsed, plan, run, layout)))
    ]
    return sorted(found, key=lambda d: (d.span.start if d.span else -1, d.code))


class LrdslWarning(UserWarning):
    """A lint warning given through Python's :mod:`warnings`: a valid schedule that is likely a mistake.

    The adapters (``lrdsl.torch``, Lightning, HF, Keras, Optax) give one per warning of
    :func:`lint` each time they build a schedule; the values never change. ``diagnostic`` is the
    :class:`Diagnostic`. Filter them as any warning:
    ``warnings.filterwarnings("ignore", category=lrdsl.LrdslWarning)``, or ``"error"`` to refuse.
    """

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep  # lrdsl/, not lrdsl/tools/


def warn(
    parsed: A.Schedule, plan: Lowered | None, run: RunArgs = NO_RUN, seen: set[str] | None = None
) -> list[Diagnostic]:
    """Each warning of :func:`lint_plan` as ``warnings.warn(LrdslWarning(…))`` at the first caller outside lrdsl.

    Warnings whose text is in ``seen`` are skipped, and those given are added to it (an adapter
    that resolves a schedule more than once warns once). Returns the warnings given.
    """
    level, frame = 1, sys._getframe(0)
    while frame.f_back is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    given = []
    for found in lint_plan(parsed, plan, run):
        text = str(found)
        if seen is not None:
            if text in seen:
                continue
            seen.add(text)
        warnings.warn(LrdslWarning(found), stacklevel=level)
        given.append(found)
    return given


# --------------------------------------------------------------------------- what the checks read


@dataclass(frozen=True)
class Placed:
    """A phase (a shape or composite call, or a restart with a known length) and where the run puts it.

    ``after``: whether phases come before it on its clock (sequence items it follows, at any level);
    ``written``: the durations written on those phases (:class:`Written`, ``None`` when one has none);
    ``item``: the innermost sequence item that holds it (what an offset would apply to);
    ``clocked``: under ``* offset(n)``. The numbers are ``None`` when the layout is not known:
    ``start`` (steps from its clock's start to its local 0), ``begin`` (the global step of its
    local 0), ``length`` (the steps it is laid out on, when explicit) and ``room`` (how many of
    them run). ``node`` is what a warning points at: the call, or ``X * restart(…)`` for a restart.
    """

    call: A.Call
    after: bool
    written: Written | None
    item: A.Node | None
    clocked: bool
    start: float | None = None
    begin: float | None = None
    length: float | None = None
    room: float | None = None
    node: A.Node | None = None


@dataclass
class Run:
    """The schedule, its text and (when it lowers) its plan and lowering context."""

    schedule: A.Schedule
    source: str
    plan: Lowered | None
    ctx: Ctx | None
    _placed: list[Placed] | None = None

    @property
    def placed(self) -> list[Placed]:
        """Every phase of the schedule, laid out when the run is known (computed once)."""
        if self._placed is None:
            self._placed = _Layout(self).phases()
        return self._placed

    @functools.cached_property
    def canonical(self) -> str:
        """The schedule's canonical text (computed once)."""
        return format_node(self.schedule.expr)

    @functools.cached_property
    def _line_starts(self) -> list[int]:
        return [0, *(m.end() for m in re.finditer("\n", self.source))]

    def warn(self, code: str, node: A.Node, message: str, hint: str | None) -> Diagnostic:
        """A warning at ``node``: its line and column as :func:`lrdsl.errors.line_of` counts them (in log time)."""
        return self.warn_at(code, node.span, message, hint)

    def warn_at(self, code: str, span: Span | None, message: str, hint: str | None) -> Diagnostic:
        """A warning at ``span`` of the source (see :meth:`warn`)."""
        line = column = None
        if span is not None:
            line = bisect.bisect_right(self._line_starts, span.start)
            column = span.start - self._line_starts[line - 1] + 1
        return Diagnostic("warning", code, message, span, line, column, hint, self.source)


Layout = dict[int, tuple[float, float, bool]]
"""Lowering's layout of a tree: ``id(node) → (t0, steps, explicit)`` (:func:`lrdsl.lowering.lower.lower_schedule`)."""


def _context(parsed: A.Schedule, plan: Lowered | None, run: RunArgs, layout: Layout | None = None) -> Ctx | None:
    """Lowering's context for the run, with lowering's layout of ``parsed`` (lowered again for it if not given)."""
    if plan is None:
        return None
    from lrdsl.lowering.context import Ctx

    tps = float(run.tokens_per_step) if run.tokens_per_step is not None else None
    sps = float(run.samples_per_step) if run.samples_per_step is not None else None
    if not layout:
        layout = {}
        with contextlib.suppress(LrdslError):  # the plan's own run: it lowers as the plan did
            run.but(total_steps=plan.total, steps_per_epoch=plan.steps_per_epoch).lower(parsed, layout=layout)
    bound = {k: float(v) for k, v in (run.params or {}).items()}
    return Ctx(spe=plan.steps_per_epoch, params=bound, tps=tps, sps=sps, layout=layout)


def _is_modifier(node: A.Node) -> A.Call | None:
    """The modifier call of ``X * modifier(…)``, else ``None``."""
    if isinstance(node, A.BinOp) and node.op == "*" and isinstance(node.right, A.Call):
        sig = SIGNATURES.get(node.right.name)
        if sig is not None and sig.role == "modifier":
            return node.right
    return None


@dataclass(frozen=True)
class Written:
    """The durations written on a run of phases, summed: ``5ep >> 10ep >> 100`` is ``15ep + 100``.

    ``order`` lists each unit of a plain number (``sums[unit]`` their total) at its first use, and
    every other duration (``$n ep``) in place; ``percent``: one is a share of the run.
    """

    order: tuple[str | A.Duration, ...] = ()
    sums: tuple[tuple[str, float], ...] = ()
    percent: bool = False

    def __add__(self, other: Written) -> Written:
        """The durations of ``self`` then ``other``: linear in the units and other durations, not the phases."""
        if not other.order:
            return self
        sums = dict(self.sums)
        new = tuple(t for t in other.order if not (isinstance(t, str) and t in sums))
        for unit, value in other.sums:
            sums[unit] = sums.get(unit, 0.0) + value
        return Written(self.order + new, tuple(sums.items()), self.percent or other.percent)

    def only(self, unit: str) -> float | None:
        """The sum when every duration is a plain number in ``unit`` (0 for none), else ``None``."""
        if any(not isinstance(t, str) or t != unit for t in self.order):
            return None
        return dict(self.sums).get(unit, 0.0)


def _one(d: A.Duration) -> Written:
    if isinstance(d.value, A.Num):
        return Written((d.unit,), ((d.unit, d.value.value),), d.unit == "%")
    return Written((d,), (), d.unit == "%")


@dataclass(frozen=True)
class _At:
    """Where the tree walk stands: phases before on the clock, their written durations, the item, the clock.

    ``origin``: the global step where the clock starts (0, or a restart body's first cycle), ``None``
    where lowering's layout is not known.
    """

    after: bool = False
    written: Written | None = Written()
    item: A.Node | None = None
    clocked: bool = False
    origin: float | None = 0.0
    cyclic: bool = False


class _Layout:
    """The phases of a schedule, each with the place lowering gave it (:func:`lower_schedule`'s ``layout``).

    The walk reads the tree for what the text says (which phases come first on a clock, the durations
    written on them, offsets); the numbers are lowering's own: ``(t0, steps, explicit)`` per node.
    """

    def __init__(self, run: Run) -> None:
        self.laid = run.ctx.layout if run.ctx is not None else None
        self.root = run.schedule.expr
        self.total = float(run.plan.total) if run.plan is not None else None
        self.out: list[Placed] = []
        self._written: dict[int, Written | None] = {}

    def phases(self) -> list[Placed]:
        """Every shape or composite call, with its place in the run."""
        self._build(self.root, _At())
        return self.out

    def _placed(self, call: A.Call, at: _At, node: A.Node | None = None) -> Placed:
        """``call`` (or the restart ``node`` it modifies) at its place: start, begin, length and room, when known."""
        t0, steps, explicit = self.laid.get(id(node or call), (None, None, False)) if self.laid else (None, None, False)
        start = None if t0 is None or at.origin is None else t0 - at.origin
        begin = None if at.cyclic else t0
        room = None if begin is None or self.total is None else self.total - begin
        length = steps if explicit else None
        if node is not None:
            return Placed(call, False, Written(), None, True, start, begin, length, room, node)
        return Placed(call, at.after, at.written, at.item, at.clocked, start, begin, length, room)

    def _build(self, node: A.Node, at: _At) -> None:
        if is_scalar(node):
            return
        mod = _is_modifier(node)
        if mod is not None and isinstance(node, A.BinOp):
            self._modifier(node, mod, at)
        elif isinstance(node, A.Seq):
            self._seq(node, at)
        elif isinstance(node, A.BinOp):
            for operand in (node.left, node.right):
                self._build(operand, at)
        elif isinstance(node, A.Call) and node.name in ("min", "max"):
            for arg in node.args:
                self._build(arg.value, at)
        elif isinstance(node, A.Call):
            self.out.append(self._placed(node, at))

    def _modifier(self, node: A.BinOp, mod: A.Call, at: _At) -> None:
        if mod.name == "quantize":
            self._build(node.left, at)
        elif mod.name == "offset":
            self._build(node.left, replace(at, clocked=True))
        else:  # restart, repeat: a clock of its own in every cycle
            placed = self._placed(mod, at, node)
            if placed.length is not None:  # cycles=n of a known first cycle
                self.out.append(placed)
            t0 = self.laid.get(id(node), (None,))[0] if self.laid else None
            self._build(node.left, _At(origin=t0, cyclic=True))

    def _seq(self, node: A.Seq, at: _At) -> None:
        written = at.written
        for i, item in enumerate(node.items):
            if i:
                written = _sum(written, self.written(node.items[i - 1]))
            self._build(item, replace(at, after=at.after or i > 0, written=written, item=item))

    def written(self, node: A.Node) -> Written | None:
        """The durations written on ``node`` (a phase or a sequence of them), once per node; ``None`` if one lacks one."""
        key = id(node)
        if key not in self._written:
            self._written[key] = self._written_one(node)
        return self._written[key]

    def _written_one(self, node: A.Node) -> Written | None:
        mod = _is_modifier(node)
        if mod is not None and isinstance(node, A.BinOp):
            return self.written(node.left) if mod.name == "quantize" else None
        if isinstance(node, A.Seq):
            total: Written | None = Written()
            for item in node.items:
                total = _sum(total, self.written(item))
                if total is None:
                    return None
            return total
        if (
            isinstance(node, A.Call)
            and node.name in SIGNATURES
            and SIGNATURES[node.name].role in ("shape", "composite")
        ):
            cycle = node.arg("cycle")
            dur = node.arg("dur")
            if isinstance(dur, A.Duration) and not (isinstance(cycle, A.Bool) and cycle.value):
                return _one(dur)
        return None


def _sum(a: Written | None, b: Written | None) -> Written | None:
    return None if a is None or b is None else a + b


# --------------------------------------------------------------------------- phase-clock

CLOCK_PARAMS: dict[str, tuple[str, ...]] = {
    "multistep": ("at",),
    "piecewise": ("at",),
    "rsqrt": ("warmup",),
    "step": ("every",),
    "exp_decay": ("every",),
    "inverse_time": ("every",),
    "recur": ("every",),
}
"""Each shape's arguments that count steps from the phase's start. ``every`` of ``exp_decay`` and
``inverse_time`` counts only with ``staircase=true`` (without, it is a smooth time scale)."""


def check_phase_clock(run: Run) -> Iterator[Diagnostic]:
    """A phase after another phase whose milestones or ``every`` count from its own start."""
    for placed in run.placed:
        call = placed.call
        if placed.clocked or not placed.after or placed.start == 0 or call.name not in CLOCK_PARAMS:
            continue
        for name in CLOCK_PARAMS[call.name]:
            arg = call.arg(name)
            if arg is None or not _counts_steps(call, name, arg, placed, run):
                continue
            yield _clock_warning(run, placed, name, arg)
            break


def _counts_steps(call: A.Call, name: str, arg: A.Node, placed: Placed, run: Run) -> bool:
    """Whether argument ``name`` of ``call`` counts steps from the phase's start in a way that shows."""
    if isinstance(arg, A.ListExpr):  # at=[…]: a % mark is a share of the phase itself
        return any(not (isinstance(m, A.Duration) and m.unit == "%") for m in arg.items)
    if name != "every":
        return True
    if call.name in ("exp_decay", "inverse_time"):
        staircase = call.arg("staircase")
        if not (isinstance(staircase, A.Bool) and staircase.value):
            return False
    every = _steps_of(arg, run)
    if every is not None and placed.start is not None:
        return not math.isclose(placed.start / every, round(placed.start / every), rel_tol=0, abs_tol=1e-9)
    written = placed.written
    if written is not None and isinstance(arg, A.Duration) and isinstance(arg.value, A.Num):
        total = written.only(arg.unit)
        if total is not None and arg.value.value > 0:
            ratio = total / arg.value.value
            return ratio != round(ratio)
    return True


def _steps_of(node: A.Node, run: Run) -> float | None:
    """A duration argument in steps, when the run's units are known."""
    if run.ctx is None:
        return None
    from lrdsl.lowering.context import duration

    try:
        value = duration(node, None, run.ctx)
    except LrdslError:
        return None
    return value if value else None


def _offset_expr(placed: Placed) -> A.Node | None:
    """The duration of the phases before ``placed``, as written (``5ep``, ``10ep + 100``) or in steps."""
    written = placed.written
    if written is not None and not written.percent:
        sums = dict(written.sums)
        terms = [
            _dur(sums[t], t) if isinstance(t, str) else t
            for t in written.order
            if not (isinstance(t, str) and not sums[t])
        ]
        if terms:
            expr: A.Node = terms[0]
            for term in terms[1:]:
                expr = make(A.BinOp, op="+", left=expr, right=term)
            return expr
    if placed.start is not None and placed.start > 0:
        return _dur(placed.start, "steps")
    return None


def _dur(value: float, unit: str) -> A.Duration:
    return make(A.Duration, value=make(A.Num, value=float(value)), unit=unit)


def _clock_warning(run: Run, placed: Placed, name: str, arg: A.Node) -> Diagnostic:
    call = placed.call
    they = "they count" if name == "at" else "it counts"
    offset = _offset_expr(placed)
    if offset is None or placed.item is None:
        hint = "to count from the run's start, apply * offset(n) to the phase, n the steps before it"
    else:
        start = format_node(offset)
        if placed.start is not None and start != format_number(placed.start):
            start = f"{start} = {format_number(placed.start)}"
        fixed = _fixed(run, placed.item, offset)
        hint = f"{they} from the phase's start (step {start}): to count from the run's start, write {fixed}"
    return run.warn(
        "phase-clock",
        call,
        f"the milestones at={format_node(arg)} of {call.name}() count from the start of its phase, not of the run"
        if name == "at"
        else f"{name}={format_node(arg)} of {call.name}() counts from the start of its phase, not of the run",
        hint,
    )


LONG = 160
"""The longest schedule a hint writes in full; a longer one shows the phase alone."""


def _fixed(run: Run, item: A.Node, offset: A.Node) -> str:
    """The schedule with ``item * offset(…)`` in place of ``item``; the phase alone for a long text."""
    mod = make(A.Call, name="offset", args=(make(A.Arg, name="n", value=offset),))
    moved = make(A.BinOp, op="*", left=item, right=mod)
    if "\n" in run.source.strip() or "#" in run.source or len(run.canonical) > LONG:
        return format_node(moved)  # the whole text only grows with the offset: not built for a long one
    whole = format_node(_replace(run.schedule.expr, item, moved))
    return format_node(moved) if len(whole) > LONG else whole


def _replace(node: A.Node, target: A.Node, new: A.Node) -> A.Node:
    """``node`` with the subtree ``target`` (by identity) replaced by ``new``."""
    if node is target:
        return new
    changes: dict[str, object] = {}
    for name, value in node.__dict__.items():
        if isinstance(value, A.Node):
            replaced = _replace(value, target, new)
            if replaced is not value:
                changes[name] = replaced
        elif isinstance(value, tuple) and any(isinstance(v, A.Node) for v in value):
            items = tuple(_replace(v, target, new) if isinstance(v, A.Node) else v for v in value)
            if any(a is not b for a, b in zip(items, value)):
                changes[name] = items
    if not changes:
        return node
    return make(type(node), **{**node.__dict__, **changes})


# --------------------------------------------------------------------------- cut-phase

LOSSLESS = ("const", "hold")
"""Phases whose values do not change with time: cutting them loses nothing."""


def check_cut_phase(run: Run) -> Iterator[Diagnostic]:
    """A phase whose explicit duration the run cuts, or that the run never reaches."""
    for placed in run.placed:
        d, room, begin = placed.length, placed.room, placed.begin
        if d is None or room is None or begin is None or room >= d or placed.call.name in LOSSLESS:
            continue
        call = placed.node or placed.call
        stop = format_number(begin + max(room, 0.0))
        if room <= 0:
            yield run.warn(
                "cut-phase",
                call,
                f"{call} never runs: it would start at step {format_number(begin)}, the run stops at step {stop}",
                "shorten the phases before it, or give a longer total",
            )
            continue
        yield run.warn(
            "cut-phase",
            call,
            f"{call} is cut after {format_number(room)} of its {format_number(d)} steps",
            f"it ends at step {format_number(begin + d)} but the run stops at step {stop}, so it never reaches "
            f"its end: give it {format_number(room)} steps, leave its duration out to fill the run, "
            "or give a longer total",
        )


# --------------------------------------------------------------------------- modifier-precedence

_GAP = re.compile(r"#[^\n]*")


def check_modifier_precedence(run: Run) -> Iterator[Diagnostic]:
    """``A * B * quantize(q)``: the modifier applies to the whole product, ``A`` too."""
    for node in A.walk(run.schedule.expr):
        mod = _is_modifier(node)
        if mod is None or not isinstance(node, A.BinOp):
            continue
        product = node.left
        if not (isinstance(product, A.BinOp) and product.op in ("*", "/")) or _is_modifier(product):
            continue
        if is_scalar(product.left) or is_scalar(product.right) or _in_parentheses(run, product, mod):
            continue
        a, b = format_node(product.left), format_node(product.right)
        op = product.op
        yield run.warn(
            "modifier-precedence",
            mod,
            f"{mod} applies to the whole product {a} {op} {b}, not only to {b}",
            f"'*' groups from the left: write {a} {op} ({b} * {mod}) for {b} alone, "
            f"or ({a} {op} {b}) * {mod} to say the whole product",
        )


def _in_parentheses(run: Run, product: A.Node, mod: A.Call) -> bool:
    """Whether the source writes ``(A * B) * modifier``: a ')' between the product and the modifier."""
    if product.span is None or mod.span is None:
        return False
    between = _GAP.sub("", run.source[product.span.end : mod.span.start])
    return ")" in between


# --------------------------------------------------------------------------- offset-global-clock

GLOBAL_CLOCK = ("t", "e")
"""The names of ``fn`` that read the run's clock, whatever frame the formula is in."""


def check_offset_global_clock(run: Run) -> Iterator[Diagnostic]:
    """``fn(… t …) * offset(n)``: the formula reads the run's step, which no offset moves."""
    seen: set[int] = set()
    for node in A.walk(run.schedule.expr):
        mod = _is_modifier(node)
        if mod is None or mod.name != "offset" or not isinstance(node, A.BinOp) or _is_zero(mod.arg("n")):
            continue
        for inner in A.walk(node.left):
            if not (isinstance(inner, A.Call) and inner.name == "fn") or id(inner) in seen:
                continue
            read = sorted({n.id for n in A.walk(inner) if isinstance(n, A.Name) and n.id in GLOBAL_CLOCK})
            if not read:
                continue
            seen.add(id(inner))
            names = " and ".join(read)
            yield run.warn(
                "offset-global-clock",
                inner,
                f"{format_node(inner)} reads {names}, the run's clock, which {mod} does not move",
                "t and e stay the run's step and epochs inside an offset: read u, the phase's own step "
                "(u divided by the steps per epoch for epochs), for a formula that runs late or early with it",
            )


def _is_zero(n: A.Node | None) -> bool:
    """Whether an offset's ``n`` is written as zero (``0``, ``0ep``): it sets the clock and moves nothing."""
    if isinstance(n, A.Duration):
        n = n.value
    return isinstance(n, A.Num) and n.value == 0


# --------------------------------------------------------------------------- rounded-epochs

ROUNDED_EPOCHS = 0.005
"""``rounded-epochs`` warns when rounding a duration in epochs to whole steps changes it by this share or more."""
_PERIODS = ("every", "half", "period", "q", "n")
"""Duration arguments that are never rounded (periods and offsets, LANGUAGE.md §9.1, §9.4)."""


def check_rounded_epochs(run: Run) -> Iterator[Diagnostic]:
    """A duration in epochs that lowering rounds to whole steps (LANGUAGE.md §2) though it is fractional by
    ``|round(d) − d| ≥ 0.5 %·d``: ``0.5ep`` at 13 steps per epoch lasts 6 steps, not 6.5. Periods and marks
    (exact, §9.4), restart bodies (laid out exactly), ``%``, ``tok`` and ``sa`` and flexible shares are not reported."""
    ctx = run.ctx
    if ctx is None or ctx.spe is None:
        return
    from lrdsl.lowering.context import exact_duration

    for arg in _rounded_durations(run.schedule.expr):
        units = {d.unit for d in A.walk(arg) if isinstance(d, A.Duration)}
        if "ep" not in units or units & {"%", "tok", "sa"}:
            continue
        try:
            steps = exact_duration(arg, None, ctx)
        except LrdslError:
            continue
        if steps is None or steps <= 0:
            continue
        whole = round(steps)
        if abs(whole - steps) >= ROUNDED_EPOCHS * steps:
            yield run.warn(
                "rounded-epochs",
                arg,
                f"{arg} is {format_number(float(steps))} steps at {format_number(ctx.spe)} steps per epoch "
                f"and rounds to {whole}",
                "durations round to whole steps; write the steps you mean, or a period (every=, at=) to stay exact",
            )


def _rounded_durations(node: A.Node) -> Iterator[A.Node]:
    """The duration arguments lowering rounds: phase lengths and other ``dur`` arguments, outside restart bodies."""
    mod = _is_modifier(node)
    if mod is not None and mod.name in ("restart", "repeat"):
        return  # a restart body is laid out exactly; the restart's own period is a period
    if isinstance(node, A.Call) and node.name in SIGNATURES:
        cycle = node.arg("cycle")
        for param in SIGNATURES[node.name].params:
            if param.kind != "dur" or param.name in _PERIODS:
                continue
            if node.name == "poly" and param.name == "dur" and isinstance(cycle, A.Bool) and cycle.value:
                continue  # poly(…, cycle=true)'s duration is its period
            value = node.arg(param.name)
            if isinstance(value, A.Duration):
                yield value
    for value in node.__dict__.values():
        children = value if isinstance(value, tuple) else (value,)
        for child in children:
            if isinstance(child, A.Node):
                yield from _rounded_durations(child)


CHECKS: dict[str, Callable[[Run], Iterator[Diagnostic]]] = {
    "phase-clock": check_phase_clock,
    "cut-phase": check_cut_phase,
    "modifier-precedence": check_modifier_precedence,
    "rounded-epochs": check_rounded_epochs,
    "offset-global-clock": check_offset_global_clock,
}
"""Every warning: its code and the function that finds it."""
