"""The commands on one schedule (or a set): ``eval``, ``check``, ``fmt``, ``explain``, ``gen`` and ``plot``.

A set of several members, or ``--member``, goes to :mod:`lrdsl.cli.commands.sets`; one schedule is
parsed, checked for likely mistakes (``--strict`` makes them errors, exit 2) and run here. ``eval``'s
output formats are in :mod:`lrdsl.cli.commands.values`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from contextlib import suppress
from typing import Any

from lrdsl.cli.arguments import params, rates, read_text, run_args, size, steps_list
from lrdsl.errors import LrdslError
from lrdsl.run.args import NO_RUN
from lrdsl.tools.output import cannot_write, write_text


def run(args: argparse.Namespace) -> int:
    """``eval``, ``check``, ``fmt``, ``explain`` or ``gen`` of the schedule (or set) ``args.expr``."""
    from lrdsl.api import as_schedule
    from lrdsl.cli.commands.sets import run as run_set

    text = read_text(args.expr)
    run = run_args(args, params(args.set)) if args.command != "fmt" else NO_RUN
    args.at_steps = steps_list(args.at) if getattr(args, "at", None) is not None else None
    if args.command == "gen" and getattr(args, "member", None) is None:
        return _gen(args, text, text)  # one module, for a schedule or a whole set
    done = run_set(args, text, run, lambda plan: _one(args, plan, text))
    if done is not None:  # a schedule set (LANGUAGE.md §9.5), or --member of one
        return done
    schedule = as_schedule(text)
    return _ONE_SCHEDULE[args.command](args, schedule, text)


def _fmt(args: argparse.Namespace, schedule: Any, text: str) -> int:
    """``lrdsl fmt``: the canonical form."""
    print(str(schedule))
    return 0


def _check(args: argparse.Namespace, schedule: Any, text: str) -> int:
    """``lrdsl check``: the canonical form on stdout, warnings on stderr; ``--strict``: warnings are errors."""
    from lrdsl.tools.set_lint import lint

    found = lint(schedule, args.steps, args.steps_per_epoch, None, params(args.set), *rates(args))
    if report(found, args.strict):
        return 2
    print(str(schedule))
    return 0


def _gen(args: argparse.Namespace, schedule: Any, text: str) -> int:
    """``lrdsl gen``: the code of the schedule, or of every member of a set, for ``--target``."""
    from lrdsl.api import as_schedule, generate
    from lrdsl.cli.commands.sets import _warn, several

    bound = params(args.set)
    parsed = several(text)
    if parsed is not None:  # a set: each member's warnings, then one module
        if _warn(args, parsed, {}, run_args(args, bound)):
            return 2
        schedule = parsed
    elif warn(args, [as_schedule(text)], bound):
        return 2
    code = generate(schedule, args.target, args.steps, args.steps_per_epoch, args.name, bound, *rates(args))
    write_text(code, args.output)
    return 0


def _resolved(args: argparse.Namespace, schedule: Any, text: str) -> int:
    """``lrdsl eval`` and ``lrdsl explain``: the schedule resolved for the run, then :func:`_one`."""
    from lrdsl.api import lower

    bound = params(args.set)
    plan = lower(schedule, args.steps, args.steps_per_epoch, bound, *rates(args))
    if warn(args, [schedule], bound, plan):
        return 2
    return _one(args, plan, text if args.command == "eval" else schedule.source or text)


_ONE_SCHEDULE: dict[str, Callable[[argparse.Namespace, Any, str], int]] = {
    "fmt": _fmt,
    "check": _check,
    "eval": _resolved,
    "explain": _resolved,
}
"""Each command's body on one schedule (not a set)."""


def _one(args: argparse.Namespace, plan: Any, source: str) -> int:
    """``explain`` or ``eval`` of one resolved schedule (or of one member of a set, on the set's run)."""
    if args.command == "explain":
        from lrdsl.tools.explain import compact, phases, render

        try:  # a value explain reads (a phase's end) can fail: shown on the user's text
            table = compact(plan) if args.compact else render(phases(plan.ir, plan.total, True), *_head(plan))
        except LrdslError as err:
            raise err.with_source(source) from None
        print(table)
        return 0
    from lrdsl.cli.commands.values import evaluate

    return evaluate(args, plan, source)


def _head(plan: Any) -> tuple[int, float | None, str]:
    """The arguments of ``explain.render`` after the rows: the run's total, steps per epoch and text."""
    return plan.total, plan.steps_per_epoch, plan.text


def plot(args: argparse.Namespace) -> int:
    """``lrdsl plot``: one or more schedules drawn to a .png/.svg file or the terminal.

    A set is drawn one axis per member (``--member NAME``: that member alone), each member's
    warnings first, as ``check`` prints them.
    """
    from lrdsl.api import as_schedule
    from lrdsl.cli.commands.sets import warn_set
    from lrdsl.language.parser import parse_set
    from lrdsl.tools.plotting import plot_command

    texts, bound, pixels = [read_text(e) for e in args.expr], params(args.set), size(args.size)
    run = run_args(args, bound)
    done = {t: warn_set(args, t, run) for t in texts}  # a set's warnings, by member; None: a schedule
    if warn(args, [as_schedule(t) for t, d in done.items() if d is None], bound) or any(done.values()):
        return 2
    how = (args.output, args.log, args.x, args.label, pixels)
    try:
        out = plot_command(texts, run, *how, args.member)
    except OSError as exc:
        if args.output is None:
            raise
        raise cannot_write(args.output, exc) from None
    if out is not None:
        print(out)
    else:
        members = {n: None for t in texts for n in ([args.member] if args.member else parse_set(t).names)}
        drawn = "" if list(members) == ["lr"] else f", {count(len(members), 'member')}"  # one axis each
        say(f"wrote {args.output}: {count(len(texts), 'schedule')}{drawn}")
    return 0


def report(found: Sequence[Any], strict: bool) -> bool:
    """Print each warning once on stderr (as errors with ``--strict``); whether ``--strict`` refuses them."""
    severity = "error" if strict else "warning"
    shown = list(dict.fromkeys(d.render(severity) for d in found))  # plot's schedules may repeat one
    for text in shown:
        print(text, file=sys.stderr)
    if shown and strict:
        print(
            f"lrdsl: {len(shown)} warning{'s' if len(shown) > 1 else ''} treated as errors (--strict)", file=sys.stderr
        )
    return bool(shown) and strict


def warn(args: argparse.Namespace, schedules: Sequence[Any], bound: dict[str, float], plan: Any = None) -> bool:
    """``check``'s warnings for ``eval``/``explain``/``plot``/``gen``, before any output; whether ``--strict`` refuses.

    A schedule that does not lower for the run (``gen`` with unbound parameters) gets the checks that read
    only its text; its errors are the command's own to report.
    """
    from lrdsl.api import lower
    from lrdsl.tools.linting import lint_plan

    found = []
    for schedule in schedules:
        here = plan
        if here is None:
            with suppress(LrdslError):
                here = lower(schedule, args.steps, args.steps_per_epoch, bound, *rates(args))
        found += lint_plan(schedule, here, run_args(args, bound))
    return report(found, args.strict)


def say(line: str) -> None:
    """One line for the user on stderr (what a command wrote), never mixed into the data on stdout."""
    if sys.stderr is not None:
        print(f"lrdsl: {line}", file=sys.stderr)


def count(n: int, noun: str) -> str:
    """``1 schedule``, ``2 schedules``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"
