"""Schedules drawn on one axis: ``lrdsl plot`` (a PNG/SVG file or the terminal) and ``lrdsl.plot`` (a figure).

matplotlib (files, figures) and plotext (the terminal) are optional: ``pip install lrdsl[plot]``.
Both are imported only here, only when a plot is drawn; figures are built outside pyplot, but
for the one :func:`plot` returns. Phase boundaries come from :func:`lrdsl.tools.explain.boundaries`,
the same marks ``lrdsl explain --compact`` prints.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from lrdsl.errors import LrdslError
from lrdsl.ir import Lowered
from lrdsl.ir.interpreter import evaluate_ir
from lrdsl.tools.explain import boundaries

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from lrdsl.language.ast import Schedule
    from lrdsl.run.bound import BoundSchedule

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


def _curve(plan: Lowered, label: str | None, x_unit: str) -> Curve:
    """One lowered schedule sampled over its run, named ``label`` (the user's) or by its text."""
    total = max(plan.total, 1)
    marks = boundaries(plan)
    if total <= MAX_POINTS:
        steps = np.arange(total)
    else:
        around = [m + d for m in marks for d in (-1, 0, 1)]
        steps = np.unique(np.concatenate([np.linspace(0, total - 1, MAX_POINTS).round(), np.ceil(around)]))
        steps = steps[(steps >= 0) & (steps < total)].astype(np.int64)
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


def draw(items: Sequence[Curve], ax: Axes, log: bool = False, x_unit: str = "steps") -> None:
    """Draw ``items`` on ``ax``: one line per schedule (SVG id ``schedule-i``), faint lines at its boundaries."""
    shown = [mathtext_label(c.label) if c.math else literal_label(c.label) for c in items]
    for i, c in enumerate(items):
        (line,) = ax.plot(c.x, c.y, label=shown[i], linewidth=1.4)
        line.set_gid(f"schedule-{i}")
        for m in c.marks:
            ax.axvline(m, color=line.get_color(), alpha=0.15, linewidth=0.8, gid=f"boundary-{i}")
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(x_unit)
    ax.set_ylabel("learning rate")
    ax.grid(alpha=0.2)
    ax.legend(fontsize=8, loc="best")


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
    items: Sequence[Curve],
    path: str | IO[Any],
    log: bool = False,
    x_unit: str = "steps",
    size: tuple[int, int] = (900, 450),
    dpi: int = 100,
    format: str | None = None,
) -> None:
    """Draw ``items`` into ``path`` (format from its suffix: .png or .svg, or ``format``); ``size`` in pixels."""
    if format is None:
        if not isinstance(path, str) or not path.lower().endswith((".png", ".svg")):
            raise LrdslError(f"cannot tell the format of {path!r}", hint="use a .png or .svg file name")
        format = path.rsplit(".", 1)[1].lower()
    fig = new_figure(size, dpi)
    draw(items, fig.subplots(), log, x_unit)
    fig.tight_layout()
    if isinstance(path, str):
        from lrdsl.tools.output import replacing

        with replacing(path, binary=True) as out:  # complete or untouched (lrdsl/output.py)
            fig.savefig(out, dpi=dpi, format=format)
    else:
        fig.savefig(path, dpi=dpi, format=format)


def to_terminal(
    items: Sequence[Curve], log: bool = False, x_unit: str = "steps", size: tuple[int, int] = (100, 25)
) -> str:
    """The plot as text (plotext), ``size`` in characters."""
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
    steps: int | str | None,
    spe: float | None,
    params: Mapping[str, float],
    output: str | None,
    log: bool,
    x_unit: str,
    labels: Sequence[str] | None,
    size: tuple[int, int] | None,
    tokens_per_step: float | None = None,
    samples_per_step: float | None = None,
) -> str | None:
    """``lrdsl plot``: returns the terminal text, or ``None`` after writing ``output``.

    ``steps`` is the total in any unit (``5000``, ``"90ep"``, ``"300Btok"``), as ``lrdsl eval`` takes it.
    """
    from lrdsl.api import as_schedule, lower
    from lrdsl.tools.progress import LONG, Progress

    plans = []
    for text in exprs:
        schedule = as_schedule(text)
        plans.append(lower(schedule, steps, spe, params, tokens_per_step, samples_per_step))
    long = any(plan.total >= LONG for plan in plans)
    with Progress(len(plans) + 1, "plotting", enabled=long, unit="parts") as bar:  # each schedule, then drawing
        items = curves(plans, labels, x_unit, done=bar.advance, sources=exprs)
        drawn: str | None = None
        if output:
            to_file(items, output, log, x_unit, size or (900, 450))
        else:
            drawn = to_terminal(items, log, x_unit, size or (100, 25))
        bar.advance()
    return drawn


def plot(
    *schedules: str | Schedule | BoundSchedule,
    total_steps: int | str | None = None,
    steps_per_epoch: float | None = None,
    params: Mapping[str, float] | None = None,
    labels: Sequence[str] | None = None,
    log: bool = False,
    x: str = "steps",
    ax: Axes | None = None,
    size: tuple[int, int] = (900, 450),
    dpi: int = 100,
    tokens_per_step: float | None = None,
    samples_per_step: float | None = None,
) -> Figure:
    """``schedules`` drawn on one axis, as ``lrdsl plot`` draws them: a matplotlib figure.

    Each schedule is text, a parsed schedule, or a bound schedule (``parse(…).bind(…)``), which
    brings its own run; the others are resolved with ``total_steps`` (steps, or a duration in any
    unit such as ``"90ep"``), ``steps_per_epoch``, ``params``, ``tokens_per_step`` and ``samples_per_step``. ``x`` is ``"steps"`` or ``"epochs"``; ``log`` makes the learning-rate axis
    logarithmic. Given ``ax``, draws there and returns its figure. Otherwise the figure is new,
    ``size`` pixels, and closed in pyplot: a notebook shows it once, as the cell's value, and
    ``fig.savefig("lr.png")`` saves it.
    """
    from lrdsl.api import lower

    if not schedules:
        raise LrdslError(
            "plot() needs at least one schedule", hint="e.g. lrdsl.plot('cosine(0.1→0)', total_steps=1000)"
        )
    if x not in ("steps", "epochs"):
        raise LrdslError(f"x must be 'steps' or 'epochs', got {x!r}")
    plans = [
        _plan_of(s) or lower(s, total_steps, steps_per_epoch, params, tokens_per_step, samples_per_step)  # type: ignore[arg-type]
        for s in schedules
    ]
    items = curves(plans, labels, x)
    if ax is None:
        pyplot = _require("matplotlib.pyplot")
        fig = pyplot.figure(figsize=(size[0] / dpi, size[1] / dpi), dpi=dpi)
        pyplot.close(fig)  # shown once in a notebook: as the value returned, not again when the cell ends
        ax = fig.subplots()
        draw(items, ax, log, x)
        fig.tight_layout()
        return fig  # type: ignore[no-any-return]
    draw(items, ax, log, x)
    return ax.figure  # type: ignore[return-value]


def _plan_of(schedule: object) -> Lowered | None:
    """A bound schedule's run (:class:`lrdsl.run.bound.BoundSchedule` sits above this module: read, not imported)."""
    plan = getattr(schedule, "plan", None)
    return plan if isinstance(plan, Lowered) else None
