"""The command line on a schedule set (LANGUAGE.md §9.5): ``eval``, ``check`` and ``fmt`` of every member.

``eval`` prints one column per member (table, csv, json; npy as a structured array with one
float64 field per member); ``--member NAME`` picks one member, on the set's shared run, for
``eval``, ``check``, ``explain``, ``gen`` and ``plot``. Without ``--member``, ``explain`` prints every
member's table after a line naming it, ``gen`` writes one module of every member, and ``plot`` draws
each member on its own axis (:mod:`lrdsl.tools.plotting`; its warnings come from :func:`warn_set`).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import suppress
from typing import Any, Literal

from lrdsl.errors import LrdslError
from lrdsl.ir import Lowered
from lrdsl.language.ast import ScheduleSet
from lrdsl.language.members import DEFAULT
from lrdsl.language.parser import parse_set
from lrdsl.run.args import RunArgs

SET_COMMANDS = ("eval", "check", "fmt")
"""The commands that take a set of several members whole."""


def several(text: str) -> ScheduleSet | None:
    """The set ``text`` is, when it is one of several members or of one not named ``lr``; else ``None``."""
    parsed = parse_set(text)
    return None if parsed.names == (DEFAULT,) else parsed


def warn_set(args: argparse.Namespace, text: str, run: RunArgs) -> bool | None:
    """Each member's warnings of the set ``text`` (or of ``--member``), as ``check`` prints them; whether
    ``--strict`` refuses them. ``None`` when ``text`` is one schedule and no member is picked."""
    from lrdsl.run.sets import lower_set

    member = getattr(args, "member", None)
    parsed = several(text)
    if parsed is None and member in (None, DEFAULT):
        return None
    parsed = parsed or parse_set(text)
    plans: dict[str, Lowered] = {}
    with suppress(LrdslError):  # a run that does not resolve: the checks that read the text (the error comes later)
        plans = lower_set(parsed, run, member)
    return _warn(args, parsed, plans, run, member)


def run(args: argparse.Namespace, text: str, run: RunArgs, one: Callable[[Lowered], int]) -> int | None:
    """``args.command`` on the set ``text``, or ``None`` when ``text`` is one schedule and no member is picked.

    ``one`` runs the command on a single member's plan (the command line's own code for a schedule).
    """
    member = getattr(args, "member", None)
    parsed = several(text)
    if parsed is None and member in (None, DEFAULT):
        return None
    parsed = parsed or parse_set(text)
    from lrdsl.run.sets import lower_set

    if member is not None:
        return _member(args, parsed, member, run, one)
    if args.command == "fmt":
        print(str(parsed))
        return 0
    if args.command == "check":
        return _check(args, parsed, run)
    if args.command == "explain":
        return _explain(parsed, run, one)
    plans = lower_set(parsed, run)
    if _warn(args, parsed, plans, run):
        return 2
    return _eval(args, parsed, plans)


def _member(
    args: argparse.Namespace, parsed: ScheduleSet, member: str, run: RunArgs, one: Callable[[Lowered], int]
) -> int:
    """``args.command`` on the member ``member`` alone, on the set's run."""
    from lrdsl.run.sets import lower_set

    if args.command == "fmt":
        print(str(parsed.member(member)))
        return 0
    if args.command == "gen":
        return _gen(args, parsed, member, run)
    if args.command == "check":
        return _check(args, parsed, run, member)
    plan = lower_set(parsed, run, member)[member]
    return one(plan)


def _explain(parsed: ScheduleSet, run: RunArgs, one: Callable[[Lowered], int]) -> int:
    """``explain`` of every member on the set's run: a line ``NAME:`` before each member's table."""
    from lrdsl.run.sets import lower_set

    plans = lower_set(parsed, run)
    for k, (name, plan) in enumerate(plans.items()):
        print(("\n" if k else "") + f"{name}:", flush=True)
        status = one(plan)
        if status:
            return status
    return 0


def _gen(args: argparse.Namespace, parsed: ScheduleSet, member: str, run: RunArgs) -> int:
    """``gen --member NAME``: the member's code, for the set's run (its total when none is given)."""
    from lrdsl.api import generate
    from lrdsl.run.sets import lower_set, params_read
    from lrdsl.tools.output import write_text

    schedule = parsed.member(member)
    total = run.total_steps
    if total is None and len(parsed.members) > 1:
        total = lower_set(parsed, run, member)[member].total
    params = dict(run.params or {})
    read = params_read(schedule.expr)
    mine = {k: v for k, v in params.items() if k in read} if len(parsed.members) > 1 else params
    rates = (run.tokens_per_step, run.samples_per_step)
    code = generate(str(schedule), args.target, total, run.steps_per_epoch, args.name, mine, *rates)
    write_text(code, args.output)
    return 0


def _check(args: argparse.Namespace, parsed: ScheduleSet, run: RunArgs, only: str | None = None) -> int:
    """``check`` of a set (or of its member ``only``): warnings after a line naming the member, then the text."""
    from lrdsl.run.sets import lower_set

    plans: dict[str, Lowered] = {}
    try:  # the set's shared run, when it resolves; the text alone is checked otherwise
        plans = lower_set(parsed, run, only)
    except LrdslError:
        if run.total_steps is not None or only is not None:
            raise
    if _warn(args, parsed, plans, run, only):
        return 2
    print(str(parsed) if only is None else str(parsed.member(only)))
    return 0


def _warn(
    args: argparse.Namespace, parsed: ScheduleSet, plans: dict[str, Lowered], run: RunArgs, only: str | None = None
) -> bool:
    """Each member's warnings on stderr, after a line naming it, carets in the set's text; whether --strict refuses.

    A member without a plan (the set's run did not resolve) gets the checks that read its text alone
    (:func:`lrdsl.tools.set_lint.lint_members`, which :func:`lrdsl.lint` of a set runs too).
    """
    from lrdsl.tools.set_lint import lint_members

    severity: Literal["warning", "error"] = "error" if args.strict else "warning"
    found = lint_members(parsed, plans, run, only)
    shown = 0
    for name in parsed.names:
        lines = list(dict.fromkeys(d.render(severity) for d in found if d.member == name))
        if lines:
            print(f"in member '{name}':", file=sys.stderr)
            print("\n".join(lines), file=sys.stderr)
            shown += len(lines)
    if shown and args.strict:
        print(f"lrdsl: {shown} warning{'s' if shown > 1 else ''} treated as errors (--strict)", file=sys.stderr)
    return bool(shown) and args.strict


def _eval(args: argparse.Namespace, parsed: ScheduleSet, plans: dict[str, Lowered]) -> int:
    """``eval`` of a set: a column per member, in the set's order.

    csv and json are written ``CHUNK`` steps at a time, as for one schedule; npy holds the whole
    structured array (one int64 and one float64 per member for each step), bounded as ``evaluate`` is.
    """
    import numpy as np

    from lrdsl.lowering.lower import check_size
    from lrdsl.tools.output import output_to, write_text

    names = list(plans)
    first = next(iter(plans.values()))
    total = first.total
    at = np.array(args.at_steps, dtype=np.int64) if args.at_steps is not None else None
    count = at.size if at is not None else total
    source = parsed.source or str(parsed)
    if args.format == "table":
        index = _sample(count)
        rows = at[index] if at is not None else index
        columns = {name: _values(plan, name, rows, source) for name, plan in plans.items()}
        write_text(_table(parsed, total, plans, rows, index, columns) + "\n", args.output)
        return 0
    if args.format == "csv":
        with output_to(args.output) as out:
            out.write(",".join(["step", *names]) + "\n")
            for steps in _chunks(total, at):
                cols = [_values(plans[n], n, steps, source).tolist() for n in names]
                out.write("".join(f"{s},{','.join(repr(c[i]) for c in cols)}\n" for i, s in enumerate(steps.tolist())))
        return 0
    if args.format == "npy":
        check_size(count * (len(names) + 1))  # the whole table is held at once
        table = np.empty(count, dtype=[("step", np.int64), *((n, np.float64) for n in names)])
        done = 0
        for steps in _chunks(total, at):
            part = table[done : done + steps.size]
            part["step"] = steps
            for n in names:
                part[n] = _values(plans[n], n, steps, source)
            done += steps.size
        buf = io.BytesIO()
        np.save(buf, table)
        with output_to(args.output, binary=True) as fh:
            fh.write(buf.getvalue())
        return 0
    head = {"schedule": str(parsed), "total_steps": total, "steps_per_epoch": first.steps_per_epoch}
    with output_to(args.output) as out:  # json.dumps(head | {"step": [...], "members": {name: [...]}}), in chunks
        out.write(json.dumps(head)[:-1] + ', "step": [')
        for i, steps in enumerate(_chunks(total, at)):
            out.write((", " if i else "") + json.dumps(steps.tolist())[1:-1])
        out.write('], "members": {')
        for k, n in enumerate(names):
            out.write((", " if k else "") + json.dumps(n) + ": [")
            for i, steps in enumerate(_chunks(total, at)):
                out.write((", " if i else "") + json.dumps(_values(plans[n], n, steps, source).tolist())[1:-1])
            out.write("]")
        out.write("}}\n")
    return 0


def _chunks(total: int, at: Any) -> Iterator[Any]:
    """The steps to write: the ``--at`` steps at once, else ``CHUNK`` consecutive steps at a time."""
    import numpy as np

    from lrdsl.tools.output import CHUNK

    if at is not None:
        yield at
        return
    for start in range(0, total, CHUNK):
        yield np.arange(start, min(start + CHUNK, total), dtype=np.int64)


def _values(plan: Lowered, name: str, steps: Any, source: str) -> Any:
    """The member ``name`` at ``steps``; an error names the member, its caret in the set's text."""
    from lrdsl.ir.interpreter import evaluate_ir, evaluate_range
    from lrdsl.language.members import in_member

    try:
        if steps.size and steps[-1] - steps[0] == steps.size - 1 and bool((steps[1:] > steps[:-1]).all()):
            return evaluate_range(plan.ir, int(steps[0]), int(steps[-1]) + 1)  # as evaluate() does a run
        return evaluate_ir(plan.ir, steps)
    except LrdslError as err:
        raise in_member(name, err.with_source(source), True) from None


def _sample(count: int) -> Any:
    """The row indices of a table: every step of a short run, else the first, the last and 21 between."""
    import numpy as np

    if count <= 40:
        return np.arange(count, dtype=np.int64)
    return np.array(sorted({0, count - 1, *np.linspace(0, count - 1, 21).round().astype(int).tolist()}), dtype=np.int64)


def _table(
    parsed: ScheduleSet, total: int, plans: dict[str, Lowered], rows: Any, index: Any, columns: dict[str, Any]
) -> str:
    """A readable summary: the set, the run, then a row per sampled step with a column per member (``…``: a gap)."""
    from lrdsl.language.numbers import short_number

    spe = next(iter(plans.values())).steps_per_epoch
    head = [str(parsed), f"total {total} steps" + (f", {spe:g} steps per epoch" if spe else "")]
    names = list(columns)
    cells = [[short_number(float(v)) for v in columns[n].tolist()] for n in names]
    widths = [max(len(n), *(len(c) for c in col)) for n, col in zip(names, cells, strict=True)]
    lines = [*head, "  ".join([f"{'step':>12}", *(n.ljust(w) for n, w in zip(names, widths, strict=True))]).rstrip()]
    prev = -1
    for k, (i, step) in enumerate(zip(index.tolist(), rows.tolist(), strict=True)):
        if prev >= 0 and i > prev + 1:
            lines.append(f"{'…':>12}")
        lines.append(
            "  ".join([f"{step:>12}", *(col[k].ljust(w) for col, w in zip(cells, widths, strict=True))]).rstrip()
        )
        prev = i
    return "\n".join(lines)
