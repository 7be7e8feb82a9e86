"""How schedules show themselves in Python and Jupyter.

``repr`` is short: ``Schedule('warmup(linear, 5ep) >> …')``. In a notebook a bound schedule
(``parse(text).bind(total_steps=…)``) shows its canonical text, its curve as inline SVG (the
drawing of ``lrdsl plot``, when matplotlib is installed) and the table of ``lrdsl explain``. A
schedule with its own explicit duration shows the same; one that needs a run says how to bind it.
A bound set (``parse_set(text).bind(…)``) shows its text and run, every member's curve on its own
axis of one drawing and each member's table. Every piece of text taken from the schedule is HTML-escaped.
"""

from __future__ import annotations

import html
import io
from typing import TYPE_CHECKING

from lrdsl.errors import LrdslError
from lrdsl.language.formatter import SHORT, short_text

__all__ = ["PLOT_SIZE", "SHORT", "bound_html", "bound_set_html", "schedule_html", "short_text"]

if TYPE_CHECKING:
    from lrdsl.ir import Lowered
    from lrdsl.language.ast import Schedule
    from lrdsl.run.bound import BoundSchedule
    from lrdsl.run.bound_set import BoundScheduleSet
    from lrdsl.tools.plotting import Drawn

PLOT_SIZE = (640, 300)
"""Pixels of the plot in a notebook."""


def schedule_html(schedule: Schedule) -> str:
    """A parsed schedule: shown whole when it has its own duration, else its text and how to bind it."""
    try:
        return bound_html(schedule.bind())
    except LrdslError as err:
        reason = html.escape(err.message)
        return (
            f'<div class="lrdsl-schedule"><p><code>{html.escape(str(schedule))}</code></p>'
            f"<p>To see its curve and phases, bind it to a run: "
            f"<code>.bind(total_steps=…, steps_per_epoch=…)</code> ({reason}).</p></div>"
        )


def bound_html(bound: BoundSchedule) -> str:
    """A bound schedule: its text and run, its curve (inline SVG) and its phases (a table)."""
    from lrdsl.tools.plotting import curves

    plan = bound.plan
    return (
        f'<div class="lrdsl-schedule"><p><code>{html.escape(plan.text)}</code><br>{html.escape(_run(plan))}</p>'
        f"{_svg(curves([plan]), PLOT_SIZE)}{_phases(plan)}</div>"
    )


def bound_set_html(bound: BoundScheduleSet) -> str:
    """A bound set: its text and run, every member's curve on its own axis (one inline SVG), and
    each member's phases after its name."""
    from lrdsl.tools.plotting import member_curves

    plans = dict(bound.plans)
    first = next(iter(plans.values()))
    size = (PLOT_SIZE[0], 60 + 150 * len(plans))
    tables = "".join(f"<p><code>{html.escape(name)}</code></p>{_phases(plan)}" for name, plan in plans.items())
    return (
        f'<div class="lrdsl-schedule"><pre>{html.escape(str(bound.schedules))}</pre><p>{html.escape(_run(first))}</p>'
        f"{_svg(member_curves([plans]), size)}{tables}</div>"
    )


def _run(plan: Lowered) -> str:
    """``1000 steps, 50 steps per epoch``."""
    from lrdsl.language.numbers import format_number

    spe = plan.steps_per_epoch
    return f"{plan.total} steps" + (f", {format_number(spe)} steps per epoch" if spe else "")


def _phases(plan: Lowered) -> str:
    """The phases of ``lrdsl explain`` as an HTML table."""
    from lrdsl.tools.explain import phases

    rows = []
    for r in phases(plan.ir, plan.total):
        indent = f' style="padding-left: {0.5 + 1.5 * r.depth:g}em"' if r.depth else ""
        cells = [_step(r.start), _step(r.end), f"{r.first:.6g}", f"{r.last:.6g}"]
        rows.append(
            "<tr>"
            + "".join(f'<td style="text-align: right">{c}</td>' for c in cells)
            + f"<td{indent}>{html.escape(r.label)}</td></tr>"
        )
    head = "".join(f"<th>{h}</th>" for h in ("start", "end", "lr at start", "lr at end", "phase"))
    return f'<table class="lrdsl-explain"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _step(x: float) -> str:
    from lrdsl.language.numbers import format_number

    return format_number(round(x, 6))


def _svg(items: Drawn, size: tuple[int, int]) -> str:
    """The curves as an ``<svg>`` element, or a note saying what draws it."""
    from lrdsl.tools.plotting import to_file

    try:
        out = io.StringIO()
        to_file(items, out, size=size, format="svg")
    except LrdslError as err:  # matplotlib is missing
        return f"<p><em>{html.escape(err.message)}: {html.escape(err.hint or '')}</em></p>"
    text = out.getvalue()
    return text[text.index("<svg") :]
