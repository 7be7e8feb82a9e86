"""Schedules drawn on one axis: ``lrdsl plot`` (a PNG/SVG file or the terminal) and ``lrdsl.plot`` (a figure).

A schedule set (LANGUAGE.md §9.5) is drawn one axis per member, stacked, sharing the step axis:
each axis titled with its member's name, its y axis in the member's own units. Given several
texts, each member's axis holds that member of every text that has it (one colour per text).

matplotlib (files, figures) and plotext (the terminal) are optional: ``pip install lrdsl[plot]``.
Both are imported only here, only when a plot is drawn; figures are built outside pyplot, but
for the one :func:`plot` returns. Phase boundaries come from :func:`lrdsl.tools.explain.boundaries`,
the same marks ``lrdsl explain --compact`` prints.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from lrdsl.errors import LrdslError
from lrdsl.ir import Lowered
from lrdsl.ir.interpreter import evaluate_ir
from lrdsl.language.members import DEFAULT
from lrdsl.run.args import RunArgs
from lrdsl.tools.explain import boundaries

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from lrdsl.language.ast import Schedule, ScheduleSet
    from lrdsl.run.bound import BoundSchedule
    from lrdsl.run.bound_set import BoundScheduleSet

MAX_POINTS = 4000
"""Points drawn per schedule: every step up to this, else an even sample plus each boundary ±1."""


@dataclass(frozen=True)
class Curve:
    """One schedule ready to draw: its label, x and y, and its phase boundaries (in x units).

    ``math``: the label is the user's, drawn as matplotlib draws text (``$…$`` is mathtext);
    otherwise it is the schedule's text, drawn as it is (a ``$parameter`` stays a dollar sign).
    """

    label: str
    x: np.ndarray
    y: np.ndarray
    marks: tuple[float, ...]
    math: bool = False
    number: int | None = None
    """In a figure of members: the text it comes from (0, 1, …), which sets its colour and SVG id."""


Drawn = Sequence[Curve] | Mapping[str, Sequence[Curve]]
"""What a figure shows: curves on one axis, or each member's curves on its own axis (by member name)."""


def curves(
    plans: Sequence[Lowered],
    labels: Sequence[str] | None = None,
    x_unit: str = "steps",
    done: Callable[[], None] | None = None,
    sources: Sequence[str] | None = None,
) -> list[Curve]:
    """Sample each lowered schedule over its run (boundaries kept exactly); ``done()`` after each.

    A value that is not finite is an :class:`LrdslError` shown on ``sources[i]``, the text of schedule ``i``.
    """
    out = []
    for i, plan in enumerate(plans):
        try:
            out.append(_curve(plan, labels[i] if labels is not None and i < len(labels) else None, x_unit))
        except LrdslError as err:
            raise err.with_source(sources[i]) if sources is not None and i < len(sources) else err from None
        if done is not None:
            done()
    return out


def sample_steps(plan: Lowered, marks: Sequence[float] | None = None) -> np.ndarray:
    """The steps that show ``plan``: ``0 … T−1`` for ``T ≤ MAX_POINTS``, else ``MAX_POINTS`` evenly spread
    steps plus ``⌈b⌉ − 1, ⌈b⌉, ⌈b⌉ + 1`` for each boundary ``b`` (``marks``, default :func:`boundaries`)."""
    total = max(plan.total, 1)
    if total <= MAX_POINTS:
        return np.arange(total)
    around = [m + d for m in (boundaries(plan) if marks is None else marks) for d in (-1, 0, 1)]
    steps = np.unique(np.concatenate([np.linspace(0, total - 1, MAX_POINTS).round(), np.ceil(around)]))
    return steps[(steps >= 0) & (steps < total)].astype(np.int64)


def _curve(plan: Lowered, label: str | None, x_unit: str) -> Curve:
    """One lowered schedule sampled over its run, named ``label`` (the user's) or by its text."""
    total = max(plan.total, 1)
    marks = boundaries(plan)
    steps = sample_steps(plan, marks)
    y = evaluate_ir(plan.ir, steps)
    scale = 1.0
    if x_unit == "epochs":
        if not plan.steps_per_epoch:
            raise LrdslError(
                "a plot in epochs needs the steps per epoch", hint="--steps-per-epoch K (API: steps_per_epoch=K)"
            )
        scale = 1.0 / plan.steps_per_epoch
    marks_x = tuple(m * scale for m in marks if 0 < m < total)
    return Curve(plan.text if label is None else label, steps * scale, y, marks_x, label is not None)


def member_plans(schedule: object, run: RunArgs, member: str | None = None) -> dict[str, Lowered]:
    """``schedule`` resolved for ``run``, by member: ``{"lr": plan}`` for one schedule, else every member
    of the set on the set's shared run (or only ``member``, an error naming the members if it has none such).

    ``schedule`` is text, a parsed schedule or set, a mapping ``{name: expression}``, or a bound schedule
    or set (:mod:`lrdsl.run.bound`), which brings its own run.
    """
    from lrdsl.language.ast import Schedule
    from lrdsl.language.parser import as_set, parse_text
    from lrdsl.run.sets import lower_set

    bound: Mapping[str, Lowered] | None = getattr(schedule, "plans", None)
    if _plan_of(schedule) is not None:  # a bound schedule: the set of `lr` alone, on its run
        bound = {DEFAULT: schedule.plan}  # type: ignore[attr-defined]
    if isinstance(bound, Mapping):
        if member is not None and member not in bound:
            as_set(getattr(schedule, "schedule", None) or schedule.schedules).member(member)  # type: ignore[attr-defined]
        return dict(bound) if member is None else {member: bound[member]}
    if isinstance(schedule, str):
        schedule = parse_text(schedule)  # a Schedule, or a ScheduleSet of several members
    if isinstance(schedule, Schedule) and member in (None, DEFAULT):
        return {DEFAULT: run.lower(schedule)}
    return lower_set(as_set(schedule), run, member)  # type: ignore[arg-type]


def member_curves(
    runs: Sequence[Mapping[str, Lowered]],
    labels: Sequence[str] | None = None,
    x_unit: str = "steps",
    done: Callable[[], None] | None = None,
    sources: Sequence[str] | None = None,
) -> Drawn:
    """The curves of each text's plans (:func:`member_plans`): on one axis when every text is one
    schedule (``{"lr": plan}``), else by member, in the order the members first appear."""
    if all(list(plans) == [DEFAULT] for plans in runs):
        return curves([plans[DEFAULT] for plans in runs], labels, x_unit, done, sources)
    from lrdsl.language.members import in_member

    out: dict[str, list[Curve]] = {}
    for i, plans in enumerate(runs):
        label = labels[i] if labels is not None and i < len(labels) else None
        for name, plan in plans.items():
            try:
                curve = _curve(plan, label, x_unit)
            except LrdslError as err:
                shown = err.with_source(sources[i]) if sources is not None and i < len(sources) else err
                raise in_member(name, shown, True) from None
            out.setdefault(name, []).append(replace(curve, number=i))
            if done is not None:
                done()
    return out


def default_size(items: Drawn, terminal: bool = False) -> tuple[int, int]:
    """A figure's size when none is given: 900×450 pixels (100×25 characters) for one axis; a set's
    figure grows with its members, 180 pixels (16 lines) each."""
    n = len(items) if isinstance(items, Mapping) else 1
    if terminal:
        return (100, 25 if n == 1 else 16 * n)
    return (900, max(450, 60 + 180 * n))


def _require(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise LrdslError(
            f"lrdsl plot needs {module.split('.')[0]}", hint="install it: pip install 'lrdsl[plot]'"
        ) from None


def new_figure(size: tuple[int, int] = (900, 450), dpi: int = 100) -> Figure:
    """An empty matplotlib figure of ``size`` pixels, outside pyplot (no backend, no global state)."""
    figure = _require("matplotlib.figure")
    fig: Figure = figure.Figure(figsize=(size[0] / dpi, size[1] / dpi), dpi=dpi)
    return fig


def draw(items: Sequence[Curve], ax: Axes, log: bool = False, x_unit: str = "steps", member: str | None = None) -> None:
    """Draw ``items`` on ``ax``: one line per schedule (SVG id ``schedule-i``), faint lines at its boundaries.

    ``member``: the axis is that member's of a set, titled with its name (SVG ids ``member-k-schedule-i``
    are set by :func:`draw_figure`); an empty ``x_unit`` leaves the x axis unlabelled.
    """
    shown = [mathtext_label(c.label) if c.math else literal_label(c.label) for c in items]
    gid = ax.get_gid() if member is not None else None
    prefix = f"{gid}-" if gid else ""
    for i, c in enumerate(items):
        k = i if c.number is None else c.number
        colour: dict[str, Any] = {} if c.number is None else {"color": f"C{k % 10}"}
        (line,) = ax.plot(c.x, c.y, label=shown[i], linewidth=1.4, **colour)
        line.set_gid(f"{prefix}schedule-{k}")
        for m in c.marks:
            ax.axvline(m, color=line.get_color(), alpha=0.15, linewidth=0.8, gid=f"{prefix}boundary-{k}")
    if log:
        ax.set_yscale("log")
    if x_unit:
        ax.set_xlabel(x_unit)
    ax.set_ylabel("learning rate" if member in (None, DEFAULT) else "value")
    if member is not None:
        ax.set_title(literal_label(member), fontsize=10)
    ax.grid(alpha=0.2)
    ax.legend(fontsize=8, loc="best")


def draw_figure(fig: Figure, items: Drawn, log: bool = False, x_unit: str = "steps") -> None:
    """``items`` on ``fig``: one axis for curves, or one axis per member (SVG id ``member-k``), stacked
    and sharing the x axis, labelled on the lowest."""
    if not isinstance(items, Mapping):
        draw(items, fig.subplots(), log, x_unit)
        return
    axes = fig.subplots(len(items), 1, sharex=True, squeeze=False)[:, 0]
    for k, (ax, (name, group)) in enumerate(zip(axes, items.items(), strict=True)):
        ax.set_gid(f"member-{k}")
        draw(group, ax, log, x_unit if k == len(items) - 1 else "", name)


def literal_label(text: str) -> str:
    """``text`` as matplotlib shows it letter for letter: each ``$`` escaped (no mathtext)."""
    return text.replace("$", r"\$")


def mathtext_label(label: str) -> str:
    """A user's legend label, which matplotlib reads as mathtext between ``$`` signs: checked here,
    so that a label matplotlib cannot draw is an :class:`LrdslError`, not a failure inside ``savefig``."""
    from matplotlib import cbook
    from matplotlib.mathtext import MathTextParser

    if not cbook.is_math_text(label):
        return label
    try:
        MathTextParser("path").parse(label)
    except ValueError as exc:
        reason = str(exc).strip().splitlines()[-1].split(": ", 1)[-1].split("  (at char")[0]
        raise LrdslError(
            f"the label {label[:60]!r} is not mathtext matplotlib can draw: {reason[:100]}",
            hint=r"write a dollar sign as \$ to show it as it is",
        ) from None
    return label


def to_file(
    items: Drawn,
    path: str | IO[Any],
    log: bool = False,
    x_unit: str = "steps",
    size: tuple[int, int] | None = None,
    dpi: int = 100,
    format: str | None = None,
) -> None:
    """Draw ``items`` into ``path`` (format from its suffix: .png or .svg, or ``format``); ``size`` in pixels
    (default: :func:`default_size`)."""
    if format is None:
        if not isinstance(path, str) or not path.lower().endswith((".png", ".svg")):
            raise LrdslError(f"cannot tell the format of {path!r}", hint="use a .png or .svg file name")
        format = path.rsplit(".", 1)[1].lower()
    fig = new_figure(size or default_size(items), dpi)
    draw_figure(fig, items, log, x_unit)
    fig.tight_layout()
    if isinstance(path, str):
        from lrdsl.tools.output import replacing

        with replacing(path, binary=True) as out:  # complete or untouched (lrdsl/output.py)
            fig.savefig(out, dpi=dpi, format=format)
    else:
        fig.savefig(path, dpi=dpi, format=format)


def to_terminal(items: Drawn, log: bool = False, x_unit: str = "steps", size: tuple[int, int] | None = None) -> str:
    """The plot as text (plotext), ``size`` in characters (default: :func:`default_size`).

    A set's members are drawn one under the other, each after a line ``NAME:`` and on an equal share
    of the height (at least 8 lines), on the same x range.
    """
    width, height = size or default_size(items, terminal=True)
    if not isinstance(items, Mapping):
        return _terminal(items, log, x_unit, (width, height))
    rows = max(8, height // len(items) - 1)
    return "\n".join(f"{name}:\n" + _terminal(group, log, x_unit, (width, rows)) for name, group in items.items())


def _terminal(items: Sequence[Curve], log: bool, x_unit: str, size: tuple[int, int]) -> str:
    """One axis as text (plotext)."""
    plt = _require("plotext")
    plt.clear_figure()
    plt.plotsize(*size)
    plt.theme("clear")
    for c in items:
        y = np.clip(c.y, 1e-300, None) if log else c.y
        plt.plot(c.x.tolist(), y.tolist(), label=c.label[:60], marker="braille")
        for m in c.marks:
            plt.vline(m)
    if log:
        plt.yscale("log")
    plt.xlabel(x_unit)
    return re.sub(r"\x1b\[[0-9;]*m", "", str(plt.build()))  # the clear theme still emits resets


def plot_command(
    exprs: Sequence[str],
    run: RunArgs,
    output: str | None,
    log: bool,
    x_unit: str,
    labels: Sequence[str] | None,
    size: tuple[int, int] | None,
    member: str | None = None,
) -> str | None:
    """``lrdsl plot``: returns the terminal text, or ``None`` after writing ``output``.

    ``run.total_steps`` is the total in any unit (``5000``, ``"90ep"``, ``"300Btok"``), as ``lrdsl eval`` takes it.
    A set is drawn one axis per member (:func:`member_curves`); ``member`` draws that member alone.
    """
    from lrdsl.tools.progress import LONG, Progress

    runs = [member_plans(text, run, member) for text in exprs]
    long = any(plan.total >= LONG for plans in runs for plan in plans.values())
    parts = sum(len(plans) for plans in runs) + 1
    with Progress(parts, "plotting", enabled=long, unit="parts") as bar:  # each curve, then drawing
        items = member_curves(runs, labels, x_unit, done=bar.advance, sources=exprs)
        drawn: str | None = None
        if output:
            to_file(items, output, log, x_unit, size)
        else:
            drawn = to_terminal(items, log, x_unit, size)
        bar.advance()
    return drawn


def plot(
    *schedules: str | Schedule | ScheduleSet | Mapping[str, object] | BoundSchedule | BoundScheduleSet,
    total_steps: int | str | None = None,
    steps_per_epoch: float | None = None,
    params: Mapping[str, float] | None = None,
    labels: Sequence[str] | None = None,
    log: bool = False,
    x: str = "steps",
    ax: Axes | None = None,
    size: tuple[int, int] | None = None,
    dpi: int = 100,
    tokens_per_step: float | None = None,
    samples_per_step: float | None = None,
    member: str | None = None,
) -> Figure:
    """``schedules`` drawn on one axis, as ``lrdsl plot`` draws them: a matplotlib figure.

    Each schedule is text, a parsed schedule, or a bound schedule (``parse(…).bind(…)``), which
    brings its own run; the others are resolved with ``total_steps`` (steps, or a duration in any
    unit such as ``"90ep"``), ``steps_per_epoch``, ``params``, ``tokens_per_step`` and ``samples_per_step``. ``x`` is ``"steps"`` or ``"epochs"``; ``log`` makes the learning-rate axis
    logarithmic. Given ``ax``, draws there and returns its figure. Otherwise the figure is new,
    ``size`` pixels (900×450; a set's, 60 + 180 per member high), and closed in pyplot: a notebook
    shows it once, as the cell's value, and ``fig.savefig("lr.png")`` saves it.

    A schedule set (text, a :class:`~lrdsl.ScheduleSet`, a mapping, or a bound set) is drawn on the
    same figure one axis per member, stacked, sharing the step axis (``fig.axes[k]`` is the ``k``-th
    member, titled with its name); ``member`` draws that member alone. A figure of several axes is
    always new: ``ax`` is refused for it.
    """
    if not schedules:
        raise LrdslError(
            "plot() needs at least one schedule", hint="e.g. lrdsl.plot('cosine(0.1→0)', total_steps=1000)"
        )
    if x not in ("steps", "epochs"):
        raise LrdslError(f"x must be 'steps' or 'epochs', got {x!r}")
    run = RunArgs(total_steps, steps_per_epoch, params, tokens_per_step, samples_per_step)
    items = member_curves([member_plans(s, run, member) for s in schedules], labels, x)
    if ax is None:
        pyplot = _require("matplotlib.pyplot")
        width, height = size or default_size(items)
        fig = pyplot.figure(figsize=(width / dpi, height / dpi), dpi=dpi)
        pyplot.close(fig)  # shown once in a notebook: as the value returned, not again when the cell ends
        draw_figure(fig, items, log, x)
        fig.tight_layout()
        return fig  # type: ignore[no-any-return]
    if isinstance(items, Mapping) and len(items) > 1:
        raise LrdslError(
            f"a set of {len(items)} members is drawn on {len(items)} axes, not on the one ax= given",
            hint="leave out ax= (the figure is made for it), or draw one member: member='NAME'",
        )
    if isinstance(items, Mapping):
        ((name, group),) = items.items()
        draw(group, ax, log, x, name)
    else:
        draw(items, ax, log, x)
    return ax.figure  # type: ignore[return-value]


def _plan_of(schedule: object) -> Lowered | None:
    """A bound schedule's run (:class:`lrdsl.run.bound.BoundSchedule` sits above this module: read, not imported)."""
    plan = getattr(schedule, "plan", None)
    return plan if isinstance(plan, Lowered) else None
