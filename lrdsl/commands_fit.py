"""The ``lrdsl compare`` and ``lrdsl fit`` commands: their arguments, and their bodies.

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


def add_parsers(
    sub: Any,
    number: Callable[[str], float],
    whole: Callable[[str], int],
    total: Callable[[str], int | str] | None = None,
    rate: Callable[[str], float] | None = None,
) -> None:
    """Add ``compare`` and ``fit`` to the subcommands ``sub`` (number types from the CLI: ``total`` reads
    ``--steps`` as every command does, 5000 or 90ep; ``rate`` reads ``--tokens-per-step``)."""
    p = sub.add_parser("compare", help="where two schedules or recorded curves differ")
    p.add_argument("a", help="an expression, @FILE, '-', or a values file (.csv, .txt, .npy, .json)")
    p.add_argument("b", help="the same for the other side")
    p.add_argument(
        "--steps",
        type=total or whole,
        default=None,
        metavar="N",
        help="steps compared: 5000, 5e3, 90ep, 300Btok, 100k (default: the values' length)",
    )
    p.add_argument("--steps-per-epoch", type=number, default=None, help="steps in one epoch (for 'ep')")
    if rate is not None:
        p.add_argument("--tokens-per-step", type=rate, default=None, help="tokens in one step (for 'tok')")
        p.add_argument("--samples-per-step", type=rate, default=None, help="samples in one step (for 'sa')")
    p.add_argument("--rtol", type=number, default=1e-9, help="relative tolerance (default 1e-9)")
    p.add_argument("--atol", type=number, default=0.0, help="absolute tolerance (default 0)")
    p.add_argument("-o", "--output", default=None, help="overlay both curves in a .png or .svg file")
    _log_options(p)
    p = sub.add_parser("fit", help="the expression of a recorded curve")
    p.add_argument(
        "file",
        help="values lr(0) … lr(N−1): .csv, .txt (one per line), .npy, .json, or '-'; or a training log: a csv with "
        "a step column, a W&B or TensorBoard csv export, trainer_state.json, events.out.tfevents.*",
    )
    _log_options(p)
    p.add_argument("--steps-per-epoch", type=number, default=None, help="steps in one epoch (epochs, quantize)")
    p.add_argument("--rtol", type=number, default=None, help="relative tolerance (default 1e-11, float32: 1e-6)")
    p.add_argument("--atol", type=number, default=None, help="absolute tolerance (default 0, float32: 4·2⁻²⁴·max)")
    p.add_argument("--budget", type=number, default=30.0, help="CPU seconds to search at most (default 30)")


def run(args: argparse.Namespace, read: Callable[[str], str]) -> int:
    """Run ``compare`` or ``fit``; ``read`` resolves ``-`` and ``@FILE`` to text."""
    if args.command == "compare":
        return _compare(args, read)
    return _fit(args, read)


def _side(arg: str, read: Callable[[str], str], args: argparse.Namespace) -> Any:
    from lrdsl.values import looks_like_values

    if looks_like_values(arg):
        return _curve(arg, args, read)
    return read(arg)


def _compare(args: argparse.Namespace, read: Callable[[str], str]) -> int:
    import sys

    from lrdsl.comparison import compare
    from lrdsl.values import looks_like_values

    a, b = _side(args.a, read, args), _side(args.b, read, args)
    rates = getattr(args, "tokens_per_step", None), getattr(args, "samples_per_step", None)
    tolerance = args.rtol, args.atol
    float32 = [side.tolerance for side in (a, b) if getattr(side, "tolerance", None) is not None]
    if float32 and tolerance == (1e-9, 0.0):  # no tolerance given: a float32 log's
        tolerance = max(float32)
    result = compare(a, b, args.steps, args.steps_per_epoch, *tolerance, *rates)
    print(report(result))
    if args.output:
        from lrdsl.diffplot import overlay

        # each curve is named by its expression, or by the file its values come from
        labels = tuple(
            Path(arg).name if looks_like_values(arg) else own for arg, own in zip((args.a, args.b), result.labels)
        )
        try:
            overlay(result, args.output, labels)  # type: ignore[arg-type]
        except OSError as exc:
            raise LrdslError(f"cannot write {args.output}: {exc.strerror or exc}") from None
        print(f"lrdsl: wrote {args.output}: both curves, the differing steps marked", file=sys.stderr)
    return 0 if result.equal else 1


def report(result: Any) -> str:
    """The text ``lrdsl compare`` prints for a :class:`lrdsl.comparison.Comparison`: the rows around
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


def _step(x: float) -> str:
    from lrdsl.numbers import format_number

    return format_number(round(x, 6))


def _fit(args: argparse.Namespace, read: Callable[[str], str]) -> int:
    import sys

    from lrdsl.logs.fit import fit_curve
    from lrdsl.progress import Progress

    log = _curve(args.file, args, read)
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
    for note in result.notes:
        print(f"lrdsl: {note}", file=sys.stderr)
    if result.precision == "float32" and args.rtol is None and args.atol is None:
        print("float32 values: fitted with rtol 1e-6 and atol 4·2⁻²⁴ of the largest", file=sys.stderr)
    print(result.expr)
    if result.exact:
        return 0
    print(f"not exact: max error {result.max_error!r}, first departing step {result.first_departure}")
    for first, last in result.unmatched:
        print(f"steps {first}–{last}: no named shape (written as the line between its ends)")
    if not result.complete:
        print("the search stopped at its budget (--budget seconds, or its limit of candidates) before trying all")
    return 1


def _log_options(p: Any) -> None:
    """The options of a log file: which column, and when a Hugging Face Trainer read its rates."""
    p.add_argument("--column", default=None, metavar="NAME", help="the value column of a csv, or a TensorBoard tag")
    p.add_argument(
        "--hf-log",
        choices=("before", "after"),
        default=None,
        help="trainer_state.json: the rate read before lr_scheduler.step() (transformers ≥ 4.51, default) or after",
    )


def _curve(arg: str, args: argparse.Namespace, read: Callable[[str], str]) -> Any:
    """The log ``arg`` names (a file, or '-' for standard input), its notes said on stderr."""
    import sys

    from lrdsl.logs import curve_from_text, read_curve

    column, hf_log = getattr(args, "column", None), getattr(args, "hf_log", None)
    log = curve_from_text(read("-"), "stdin", column, hf_log) if arg == "-" else read_curve(arg, column, hf_log)
    for note in log.notes:
        print(f"lrdsl: {Path(log.name).name}: {note}", file=sys.stderr)
    return log
