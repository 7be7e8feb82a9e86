"""The ``lrdsl compare`` and ``lrdsl fit`` commands: their bodies (their arguments are rows of :mod:`lrdsl.cli.registry`).

``compare`` exits 0 when the schedules agree within the tolerance, 1 when they differ; ``fit`` exits 0
when the expression it prints reproduces every value, 1 when it prints only the closest one found (and
the spans no named shape reproduces).
Bad input (an expression, a file) is an :class:`LrdslError`: exit 2.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lrdsl.errors import LrdslError

CONTEXT = 3
"""Steps shown on each side of the first difference."""


def compare(args: argparse.Namespace) -> int:
    """``lrdsl compare A B``: 0 when they agree within the tolerance, 1 when they differ."""
    from lrdsl.cli.arguments import read_text

    return _compare(args, read_text)


def fit(args: argparse.Namespace) -> int:
    """``lrdsl fit FILE``: 0 when the printed expression reproduces every value, 1 when it is the closest found."""
    from lrdsl.cli.arguments import read_text

    return _fit(args, read_text)


def _side(arg: str, read: Callable[[str], str], args: argparse.Namespace) -> Any:
    """An expression's text, or a recorded curve, or a log's hyper-parameter columns (a recorded set)."""
    from lrdsl.tools.values import looks_like_values

    if not looks_like_values(arg):
        return read(arg)
    text = read("-") if arg == "-" else None
    members = _members(args, arg, text)
    if members:
        return members
    return _curve(arg, args, read, text)


def _compare(args: argparse.Namespace, read: Callable[[str], str]) -> int:
    from lrdsl.tools.set_comparison import SetComparison, compare

    a, b = _side(args.a, read, args), _side(args.b, read, args)
    rates = getattr(args, "tokens_per_step", None), getattr(args, "samples_per_step", None)
    tolerance = args.rtol, args.atol
    float32 = [side.tolerance for side in (a, b) if getattr(side, "tolerance", None) is not None]
    if float32 and tolerance == (1e-9, 0.0):  # no tolerance given: a float32 log's
        tolerance = max(float32)
    result = compare(a, b, args.steps, args.steps_per_epoch, *tolerance, *rates)
    pair = _one_pair(result, args.output) if isinstance(result, SetComparison) else result
    print(set_report(result) if isinstance(result, SetComparison) else report(result))
    if args.output:
        _overlay(pair, args)
    return 0 if result.equal else 1


def _overlay(result: Any, args: argparse.Namespace) -> None:
    """``compare -o``: both curves of ``result`` drawn in the file ``args.output``."""
    import sys

    from lrdsl.tools.diffplot import overlay
    from lrdsl.tools.values import looks_like_values

    # each curve is named by its expression, or by the file its values come from
    labels = tuple(
        Path(arg).name if looks_like_values(arg) else own for arg, own in zip((args.a, args.b), result.labels)
    )
    try:
        overlay(result, args.output, labels)  # type: ignore[arg-type]
    except OSError as exc:
        raise LrdslError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    print(f"lrdsl: wrote {args.output}: both curves, the differing steps marked", file=sys.stderr)


def report(result: Any) -> str:
    """The text ``lrdsl compare`` prints for a :class:`lrdsl.tools.comparison.Comparison`: the rows around
    the first difference, and the phases of the expression where steps differ (a phase where none
    does, and a milestone's row, which spans no step, are left out)."""
    import numpy as np

    n = result.total or result.a.size
    if result.logged:  # a log that gives some steps: compared at those
        n = f"the {result.logged} logged"
    tol = f"rtol {result.rtol:g}, atol {result.atol:g}"
    head = f"max abs difference {result.max_abs!r}, max relative {result.max_rel!r}"
    if result.equal:
        return f"equal within {tol} over {n} steps\n{head}"
    lines = [
        f"differ at {result.differing_steps} of {n} steps ({tol})",
        head,
        f"first at step {result.first_step}: A {result.a_value!r}, B {result.b_value!r}",
        f"{'step':>10}  {'A':>24}  {'B':>24}",
    ]
    mask = result.differing()
    steps = result.steps if result.steps.size == result.a.size else np.arange(result.a.size)
    lo, hi = np.searchsorted(steps, [result.first_step - CONTEXT, result.first_step + CONTEXT + 1])
    if result.logged:  # rows, not steps, around the first difference
        at = int(np.searchsorted(steps, result.first_step))
        lo, hi = max(at - CONTEXT, 0), min(at + CONTEXT + 1, steps.size)
    for i in range(int(lo), int(hi)):
        mark = "  ≠" if mask[i] else ""
        lines.append(f"{int(steps[i]):>10}  {float(result.a[i])!r:>24}  {float(result.b[i])!r:>24}{mark}")
    shown = [ph for ph in result.phases if ph.differing and ph.end > ph.start]  # where the steps that differ are
    if shown:
        lines.append("differing steps per phase:")
        for ph in shown:
            span = f"{_step(ph.start)}–{_step(ph.end)}"
            lines.append(f"{ph.differing:>10}  {span:>20}  {'  ' * ph.depth}{ph.label}")
    if result.difference:
        lines.append(f"difference: {result.difference}")
    if result.suggestion is not None:
        lines.append(f"suggestion: {result.suggestion}")
    return "\n".join(lines)


def set_report(result: Any) -> str:
    """The text ``lrdsl compare`` prints for a :class:`lrdsl.tools.set_comparison.SetComparison`: each common
    member's :func:`report` after a line ``member 'NAME':``, then the members one side lacks."""
    agree = sum(c.equal for c in result.members.values())
    lines = [f"sets: {agree} of {len(result.members)} common members agree over {result.total} steps"]
    lines += [result.note] if result.note else []
    for name, one in result.members.items():
        lines.append(f"member {name!r}:")
        lines += ["  " + line for line in report(one).splitlines()]
    for side, names in (("A", result.only_a), ("B", result.only_b)):
        if names:
            lines.append(f"only in {side}: " + ", ".join(names))
    return "\n".join(lines)


def _one_pair(result: Any, output: str | None) -> Any:
    """The one pair of curves ``-o`` draws: a set compared with one schedule is its ``lr``; two sets are refused."""
    if output is None or (len(result.members) == 1 and not result.only_a and not result.only_b):
        return next(iter(result.members.values()), None)
    raise LrdslError(
        f"-o draws one pair of curves; these sets have {len(result.members)} members in common",
        hint="compare one member of each: lrdsl fmt SET --member NAME gives its text",
    )


def _step(x: float) -> str:
    from lrdsl.language.numbers import format_number

    return format_number(round(x, 6))


def _fit(args: argparse.Namespace, read: Callable[[str], str]) -> int:
    import sys

    from lrdsl.logs.fit import fit_curve
    from lrdsl.tools.progress import Progress

    text = read("-") if args.file == "-" else None
    members = _members(args, args.file, text)
    if members:
        return _fit_set(members, args)
    log = _curve(args.file, args, read, text)
    if log.steps[0]:
        first = int(log.steps[0])
        print(f"lrdsl: the log starts at step {first}: its first value is held at steps 0–{first - 1}", file=sys.stderr)
    label = "fitting " + ("stdin" if args.file == "-" else args.file)
    with Progress(1, label, unit="structures") as bar:

        def tried(done: int, total: int) -> None:
            bar.total = float(total)
            bar.update(done)

        result = fit_curve(
            log,
            steps_per_epoch=args.steps_per_epoch,
            rtol=args.rtol,  # None: each precision's own tolerance
            atol=args.atol,
            budget=args.budget,
            progress=tried,
        )
    _say(result, args, "")
    print(result.expr)
    for line in _inexact(result):
        print(line)
    return 0 if result.exact else 1


def _say(result: Any, args: argparse.Namespace, member: str) -> None:
    """A fit's notes and its precision, on stderr (``member``: ``"member 'NAME': "`` before each, or nothing)."""
    import sys

    for note in result.notes:
        print(f"lrdsl: {member}{note}", file=sys.stderr)
    if result.precision == "float32" and args.rtol is None and args.atol is None:
        print(f"{member}float32 values: fitted with rtol 1e-6 and atol 4·2⁻²⁴ of the largest", file=sys.stderr)


def _inexact(result: Any, member: str = "") -> list[str]:
    """What ``fit`` prints after an expression that is only the closest found: none for an exact one."""
    if result.exact:
        return []
    lines = [f"{member}not exact: max error {result.max_error!r}, first departing step {result.first_departure}"]
    lines += [
        f"{member}steps {a}–{b}: no named shape (written as the line between its ends)" for a, b in result.unmatched
    ]
    if not result.complete:
        lines.append(
            f"{member}the search stopped at its budget (--budget seconds, or its limit of candidates) before trying all"
        )
    return lines


def _members(args: argparse.Namespace, arg: str, text: str | None) -> Any:
    """The schedule set's members the log ``arg`` holds (two hyper-parameter columns or more; ``text`` when
    already read), their notes said on stderr, else ``None``; a log read for one column (``--column``,
    ``--hf-log``) is one curve."""
    from lrdsl.logs import members_from_text, read_members

    if getattr(args, "column", None) is not None or getattr(args, "hf_log", None) is not None:
        return None
    members = members_from_text(text, "stdin") if text is not None else read_members(arg)
    for log in (members or {}).values():
        _said(log)
    return members


def _fit_set(members: Any, args: argparse.Namespace) -> int:
    """``lrdsl fit`` of a log of several hyper-parameters: the set of each member's fit, one member per line."""
    import sys

    from lrdsl.logs.fit import fit_members
    from lrdsl.tools.progress import Progress

    label = "fitting " + ("stdin" if args.file == "-" else args.file)
    order = list(members)
    with Progress(1, label, unit="structures") as bar:

        def progress(name: str) -> Callable[[int, int], None]:
            def tried(done: int, total: int) -> None:
                bar.total = float(total * len(order))
                bar.update(order.index(name) * total + done)

            return tried

        result = fit_members(members, args.steps_per_epoch, args.rtol, args.atol, args.budget, progress)
    for name, one in result.members.items():
        _say(one, args, f"member {name!r}: ")
    for note in result.notes:
        print(f"lrdsl: {note}", file=sys.stderr)
    print(result.expr)
    for name, one in result.members.items():
        for line in _inexact(one, f"member {name!r}: "):
            print(line)
    return 0 if result.exact else 1


def _curve(arg: str, args: argparse.Namespace, read: Callable[[str], str], text: str | None = None) -> Any:
    """The log ``arg`` names (a file, or '-' for standard input, ``text`` when already read), its notes said on stderr."""
    from lrdsl.logs import curve_from_text, read_curve

    column, hf_log = getattr(args, "column", None), getattr(args, "hf_log", None)
    if arg == "-":
        log = curve_from_text(read("-") if text is None else text, "stdin", column, hf_log)
    else:
        log = read_curve(arg, column, hf_log)
    _said(log)
    return log


def _said(log: Any) -> None:
    """The notes of a log's reader on stderr."""
    import sys

    for note in log.notes:
        print(f"lrdsl: {Path(log.name).name}: {note}", file=sys.stderr)
