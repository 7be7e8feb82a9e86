"""The ``lrdsl`` command: ``eval``, ``check``, ``explain``, ``fmt``, ``gen``.

Every failure the user can cause exits with status 2 and one readable message
on stderr (line:column, the source line, a caret, a hint), never a traceback.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

from lrdsl.errors import LrdslError
from lrdsl.numbers import short_number
from lrdsl.output import CHUNK, cannot_write, output_to, write_text
from lrdsl.resources import broken_install

_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
"""Numbers on the command line are written as in the language: ASCII digits only, no '_' between
them, no 'inf' or 'nan' (Python's int() and float() take '１', '٣', '1_000' and 'nan')."""
_WITH_UNIT = re.compile(r"(?P<number>([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?)(?P<unit>[A-Za-z%]+)")
"""A number followed by a unit or suffix (``90ep``, ``100k``): language v2 (LANGUAGE.md §8.4)."""


def _is_number(text: str) -> bool:
    return _NUMBER.fullmatch(text.strip()) is not None


def whole_number(text: str) -> int:
    """A whole number written in any form: ``5000``, ``1e5``, ``100000.0``.

    Raises ``ValueError`` with a message naming what is wrong. Units and suffixes (``90ep``,
    ``100k``) are language v2: until then they are refused with a hint that writes the
    number without them (this is where they will be read).
    """
    text = text.strip()
    if not _is_number(text):
        raise ValueError(f"expected a whole number such as 5000 or 1e5, got {text!r}{_unit_hint(text)}")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is too large: runs last at most 1e15 steps")
    if not value.is_integer():
        raise ValueError(f"expected a whole number such as 5000 or 1e5, got {text!r}")
    return int(value)


def _unit_hint(text: str) -> str:
    """For ``100k`` or ``90ep``: how to write it in steps today."""
    m = _WITH_UNIT.fullmatch(text)
    if m is None:
        return ""
    number, unit = m["number"], m["unit"]
    from lrdsl.syntax_errors import SUFFIXES, scaled

    if unit in SUFFIXES:
        return f" (here write {scaled(number, unit)})"
    if unit == "ep":
        return " (give steps here: epochs × --steps-per-epoch)"
    return " (give a number of steps)"


def _whole_arg(text: str) -> int:
    """An argparse type: a whole number such as 5000 or 1e5."""
    try:
        return whole_number(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _total_arg(text: str) -> int | str:
    """An argparse type: the total as whole steps (5000) or a duration in any unit (90ep, 300Btok, 100k)."""
    if _is_number(text):
        return _whole_arg(text)  # 5000, 1e5, 100000.0
    from lrdsl.lowering.lower import TOTAL

    if not (text.isascii() and TOTAL.fullmatch(text)):
        cut = re.fullmatch(r"([0-9]+(\.[0-9]*)?|\.[0-9]+)[eE]", text)  # '5e': 'ep' or an exponent cut short
        hint = f" (did you mean {cut[1]}ep?)" if cut else ""
        raise argparse.ArgumentTypeError(f"expected whole steps or a duration such as 90ep or 100k, got {text!r}{hint}")
    return text


def _rate_arg(text: str) -> float:
    """An argparse type: a positive number, with a suffix k M B T allowed (4M tokens per step)."""
    from lrdsl.lowering.lower import TOTAL
    from lrdsl.parser import number_value

    if not (text.isascii() and TOTAL.fullmatch(text)) or text.endswith(("ep", "tok", "sa")):
        raise argparse.ArgumentTypeError(f"expected a number such as 4096 or 4M, got {text!r}")
    return number_value(text)


def _number_arg(text: str) -> float:
    """An argparse type: a number such as 50 or 2.5e3."""
    if not _is_number(text):
        raise argparse.ArgumentTypeError(f"expected a number such as 50 or 2.5e3, got {text!r}")
    return float(text)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"lrdsl: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _read(expr: str) -> str:
    if expr == "-":
        return sys.stdin.read()
    if expr.startswith("@"):
        path = Path(expr[1:])
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise LrdslError(f"cannot read {path}: {exc.strerror if isinstance(exc, OSError) else exc}") from None
    return expr


def _params(pairs: Sequence[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip().lstrip("$")
        if not sep or not name.isidentifier():
            raise LrdslError(f"--set expects name=value, got {pair!r}")
        if not _is_number(value):
            raise LrdslError(f"--set {name}: {value!r} is not a number")
        out[name] = float(value)
    return out


def _size(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    w, sep, h = text.lower().partition("x")
    if not (sep and w.isascii() and w.isdigit() and h.isascii() and h.isdigit()) or not (
        0 < int(w) <= 10000 and 0 < int(h) <= 10000
    ):
        raise LrdslError(f"--size expects WxH such as 900x450, got {text!r}")
    return int(w), int(h)


def _steps_list(text: str) -> list[int]:
    out = []
    for part in text.split(","):
        part = part.strip()
        if not _is_number(part):
            raise LrdslError(f"--at expects whole steps separated by commas, got {part!r}{_unit_hint(part)}")
        value = float(part)
        if not value.is_integer() or not 0 <= value <= 1e15:
            raise LrdslError(f"--at step {part} must be a whole number from 0 to 1e15")
        out.append(int(value))
    return out


def _common(p: argparse.ArgumentParser, steps: bool = True) -> None:
    p.add_argument("expr", help="the schedule, '-' for stdin, or @FILE")
    if steps:
        p.add_argument(
            "--steps",
            type=_total_arg,
            default=None,
            metavar="N",
            help="total of the run: 5000, 5e3, 90ep, 300Btok, 100k",
        )
        p.add_argument("--steps-per-epoch", type=_number_arg, default=None, help="steps in one epoch (for 'ep')")
        p.add_argument("--tokens-per-step", type=_rate_arg, default=None, help="tokens in one step (for 'tok')")
        p.add_argument("--samples-per-step", type=_rate_arg, default=None, help="samples in one step (for 'sa')")
        p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="bind a $parameter")
    p.add_argument("--member", default=None, metavar="NAME", help="of a schedule set, the member to use (lr, ema, …)")


def _strict(p: argparse.ArgumentParser) -> None:
    p.add_argument("--strict", action="store_true", help="treat warnings (likely mistakes) as errors (exit 2)")


COMMANDS = ("eval", "check", "fmt", "explain", "plot", "gen", "compare", "fit", "import", "completion", "help")
"""The subcommands, in the order the help lists them."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``lrdsl`` command."""
    from lrdsl import __version__

    parser = _Parser(
        prog="lrdsl",
        description="Learning-rate schedules as one line of text.",
        epilog="example:\n"
        '  lrdsl eval "warmup(linear, 5ep) >> cosine(0.1→1e-6)" --steps 5000 --steps-per-epoch 50\n'
        "a command's options: lrdsl help COMMAND; a shape, modifier or unit: lrdsl help NAME (lrdsl help cosine);\n"
        "the documentation, page by page: lrdsl help PAGE.md (lrdsl help index.md lists them; start with tour.md)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"lrdsl {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="COMMAND")
    p = sub.add_parser("eval", help="evaluate lr(t) for every step")
    _common(p)
    p.add_argument("--at", default=None, metavar="STEPS", help="comma-separated steps to evaluate instead of 0…N−1")
    p.add_argument(
        "--format",
        choices=["table", "csv", "json", "npy"],
        default="table",
        help="table (default): a summary, 12 significant digits; csv, json, npy: every step, every digit",
    )
    p.add_argument("-o", "--output", default=None, help="write to this file instead of stdout")
    _strict(p)
    p = sub.add_parser(
        "check",
        help="validate, print the canonical form and warn of likely mistakes",
        description="Validate a schedule and print its canonical form; likely mistakes are printed as "
        "warnings on stderr (exit 0). With the run's numbers (--steps, --steps-per-epoch, …) the schedule "
        "is also resolved for that run, and the warnings that need its layout are checked too.",
    )
    _common(p)
    _strict(p)
    p = sub.add_parser("fmt", help="print the canonical form")
    _common(p, steps=False)
    p = sub.add_parser("explain", help="show the resolved phases")
    _common(p)
    p.add_argument("--compact", action="store_true", help="one line per phase and the boundary steps")
    _strict(p)
    p = sub.add_parser("plot", help="draw schedules (to a .png/.svg file, or the terminal)")
    p.add_argument("expr", nargs="+", help="one or more schedules ('-' for stdin, @FILE)")
    p.add_argument(
        "--steps", type=_total_arg, default=None, metavar="N", help="total of the run: 5000, 5e3, 90ep, 300Btok, 100k"
    )
    p.add_argument(
        "--steps-per-epoch", type=_number_arg, default=None, metavar="K", help="steps in one epoch (for 'ep')"
    )
    p.add_argument("--tokens-per-step", type=_rate_arg, default=None, help="tokens in one step (for 'tok')")
    p.add_argument("--samples-per-step", type=_rate_arg, default=None, help="samples in one step (for 'sa')")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="bind a $parameter")
    p.add_argument("-o", "--output", default=None, help="a .png or .svg file (default: plot in the terminal)")
    p.add_argument("--log", action="store_true", help="logarithmic learning-rate axis")
    p.add_argument("--x", choices=["steps", "epochs"], default="steps", help="x axis unit")
    p.add_argument("--label", action="append", default=None, help="legend label, once per schedule")
    p.add_argument("--size", default=None, help="WxH: pixels for files, characters for the terminal")
    _strict(p)
    p = sub.add_parser("gen", help="generate framework code")
    _common(p)
    p.add_argument("--target", required=True, help="keras, torch, optax, python or paddle")
    p.add_argument("--name", default=None, help="class or function name of the generated schedule")
    p.add_argument("-o", "--output", default=None, help="write to this file instead of stdout")
    _strict(p)
    from lrdsl.commands_fit import add_parsers

    add_parsers(sub, _number_arg, _whole_arg, _total_arg, _rate_arg)
    from lrdsl.commands_import import add_parsers as add_import

    add_import(sub, _number_arg, _whole_arg)
    p = sub.add_parser(
        "completion",
        help="print a shell completion script",
        description="Print a completion script for bash, zsh or fish. Load it in the shell's start-up file: "
        "bash: source <(lrdsl completion bash); zsh: source <(lrdsl completion zsh); "
        "fish: lrdsl completion fish | source",
    )
    p.add_argument("shell", choices=["bash", "zsh", "fish"])
    p = sub.add_parser("help", help="show this help, a command's (lrdsl help eval), or a shape's (lrdsl help cosine)")
    p.add_argument("topic", nargs="?", metavar="COMMAND|NAME", help="a command, or a shape, modifier, function or unit")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    from lrdsl.output import standard_streams

    with standard_streams():  # a closed stdout is an error; errors never go into stdout's data
        try:
            return _main(argv)
        except LrdslError as err:  # stdout closed or full while the help or --version was written
            print(str(err), file=sys.stderr)
            return 2


def _main(argv: Sequence[str] | None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    if not argv:
        parser.print_help()
        return 0
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        return _unrecognized(parser, args.command, unknown)
    if args.command == "help":
        return _help(parser, args.topic)
    try:
        status = _dispatch(args)
        sys.stdout.flush()  # a full disk fails here, while the error can still be reported
        return status
    except LrdslError as err:
        print(str(err), file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except MemoryError:
        print("lrdsl: error: out of memory; stream large runs with --format csv", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except ImportError as exc:
        print(f"lrdsl: error: {broken_install(exc)}", file=sys.stderr)
        return 3
    except Exception as exc:
        print(
            f"lrdsl: internal error: {type(exc).__name__}: {exc} (please report this with the expression)",
            file=sys.stderr,
        )
        return 3


OPTION_NAMES = {
    "total-steps": "--steps", "num-training-steps": "--steps", "max-steps": "--steps", "num-steps": "--steps",
    "total-iters": "--steps", "iters": "--steps", "iterations": "--steps",
}  # fmt: skip
"""Other libraries' names for an option (PyTorch's ``total_steps``, HF's ``num_training_steps``, …), dashed."""


def _unrecognized(parser: argparse.ArgumentParser, command: str, unknown: Sequence[str]) -> int:
    """Exit 2 for options ``command`` does not take, with the one it has for each: ``--total-steps``
    (the Python API's and PyTorch's name) → ``--steps``, ``--steps_per_epoch`` → ``--steps-per-epoch``,
    a misspelling → the closest option."""
    from lrdsl.errors import did_you_mean

    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[command]
    known = [o for o in sub._option_string_actions if o.startswith("--")]
    hints = []
    for word in unknown:
        if not word.startswith("--"):
            continue
        name = word.split("=", 1)[0]
        dashed = name[2:].lower().replace("_", "-")
        ours = f"--{dashed}" if f"--{dashed}" in known else OPTION_NAMES.get(dashed)
        hint = f"did you mean '{ours}'?" if ours in known else did_you_mean(name, known)
        if hint:
            hints.append((name, hint))
    sub.print_usage(sys.stderr)
    print(f"lrdsl: error: unrecognized arguments: {' '.join(unknown)}", file=sys.stderr)
    for name, hint in hints:
        print(f"hint: {name}: {hint}" if len(hints) > 1 else f"hint: {hint}", file=sys.stderr)
    return 2


def _rates(args: argparse.Namespace) -> tuple[float | None, float | None]:
    """``--tokens-per-step`` and ``--samples-per-step`` (for ``tok`` and ``sa``)."""
    return args.tokens_per_step, args.samples_per_step


def _help(parser: argparse.ArgumentParser, topic: str | None) -> int:
    """``lrdsl help [COMMAND|NAME]``: the help of the whole command, of one subcommand, or the
    reference entries of a shape, modifier, operator, function or unit (``lrdsl/reference.py``).
    An unknown topic exits 2 with the closest name and every name."""
    if topic is None:
        parser.print_help()
        return 0
    if topic in COMMANDS:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                action.choices[topic].print_help()
        return 0
    from lrdsl import reference
    from lrdsl.errors import did_you_mean

    entries = reference.lookup(topic)
    shown = None if entries else reference.doc_page(topic)
    if shown is not None:
        print(shown, end="")
        return 0
    if not entries:
        known = reference.names()
        close = did_you_mean(topic, [*COMMANDS, *known])
        lines = [f"lrdsl: error: no command or name {topic!r}", *([f"hint: {close}"] if close else [])]
        lines += [f"commands: {', '.join(COMMANDS)}", *reference.index(), f"pages: {', '.join(reference.pages())}"]
        print("\n".join(lines), file=sys.stderr)
        return 2
    print("\n\n".join(reference.text(e) for e in entries))
    return 0


def _dispatch(args: argparse.Namespace) -> int:
    if args.command in ("compare", "fit"):
        from lrdsl.commands_fit import run

        return run(args, _read)
    if args.command == "import":
        from lrdsl.commands_import import run as run_import

        return run_import(args, _read)
    if args.command == "completion":
        from lrdsl.completion import script

        print(script(args.shell, build_parser()), end="")
        return 0
    from lrdsl.api import as_schedule, lower

    if args.command == "plot":
        from lrdsl.plotting import plot_command

        texts, params, size = [_read(e) for e in args.expr], _params(args.set), _size(args.size)
        from lrdsl.commands_set import refuse, several

        for t in texts:
            if (parsed := several(t)) is not None:
                raise refuse("plot", parsed)
        if _warn(args, [as_schedule(t) for t in texts], params):
            return 2
        try:
            out = plot_command(
                texts,
                args.steps,
                args.steps_per_epoch,
                params,
                args.output,
                args.log,
                args.x,
                args.label,
                size,
                *_rates(args),
            )
        except OSError as exc:
            if args.output is None:
                raise
            raise cannot_write(args.output, exc) from None
        if out is not None:
            print(out)
        else:
            _say(f"wrote {args.output}: {_count(len(texts), 'schedule')}")
        return 0
    text = _read(args.expr)
    from lrdsl.commands_set import run as run_set

    params, rates = (_params(args.set), _rates(args)) if args.command != "fmt" else ({}, (None, None))
    args.at_steps = _steps_list(args.at) if getattr(args, "at", None) is not None else None
    done = run_set(args, text, params, rates, lambda plan: _one(args, plan, text))
    if done is not None:  # a schedule set (LANGUAGE.md §9.5), or --member of one
        return done
    schedule = as_schedule(text)
    if args.command == "check":
        return _check(args, schedule)
    if args.command == "fmt":
        print(str(schedule))
        return 0
    if args.command == "gen":
        from lrdsl.api import generate

        if _warn(args, [schedule], _params(args.set)):
            return 2
        code = generate(
            schedule, args.target, args.steps, args.steps_per_epoch, args.name, _params(args.set), *_rates(args)
        )
        write_text(code, args.output)
        return 0
    plan = lower(schedule, args.steps, args.steps_per_epoch, _params(args.set), *_rates(args))
    if _warn(args, [schedule], _params(args.set), plan):
        return 2
    return _one(args, plan, text if args.command == "eval" else schedule.source or text)


def _one(args: argparse.Namespace, plan: Any, source: str) -> int:
    """``explain`` or ``eval`` of one resolved schedule (or of one member of a set, on the set's run)."""
    if args.command == "explain":
        from lrdsl.explain import compact, phases, render

        try:  # a value explain reads (a phase's end) can fail: shown on the user's text
            table = compact(plan) if args.compact else render(phases(plan.ir, plan.total, True), *_head(plan))
        except LrdslError as err:
            raise err.with_source(source) from None
        print(table)
        return 0
    return _eval(args, plan, source)


def _head(plan: Any) -> tuple[int, float | None, str]:
    """The arguments of ``explain.render`` after the rows: the run's total, steps per epoch and text."""
    return plan.total, plan.steps_per_epoch, plan.text


def _check(args: argparse.Namespace, schedule: Any) -> int:
    """``lrdsl check``: the canonical form on stdout, warnings on stderr; ``--strict``: warnings are errors."""
    from lrdsl.linting import lint

    found = lint(schedule, args.steps, args.steps_per_epoch, None, _params(args.set), *_rates(args))
    if _report(found, args.strict):
        return 2
    print(str(schedule))
    return 0


def _report(found: Sequence[Any], strict: bool) -> bool:
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


def _warn(args: argparse.Namespace, schedules: Sequence[Any], params: dict[str, float], plan: Any = None) -> bool:
    """``check``'s warnings for ``eval``/``explain``/``plot``/``gen``, before any output; whether ``--strict`` refuses.

    A schedule that does not lower for the run (``gen`` with unbound parameters) gets the checks that read
    only its text; its errors are the command's own to report.
    """
    from lrdsl.api import lower
    from lrdsl.linting import lint_plan

    found = []
    for schedule in schedules:
        here = plan
        if here is None:
            with suppress(LrdslError):
                here = lower(schedule, args.steps, args.steps_per_epoch, params, *_rates(args))
        found += lint_plan(schedule, here, params, *_rates(args))
    return _report(found, args.strict)


def _say(line: str) -> None:
    """One line for the user on stderr (what a command wrote), never mixed into the data on stdout."""
    if sys.stderr is not None:
        print(f"lrdsl: {line}", file=sys.stderr)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _eval(args: argparse.Namespace, plan: object, source: str) -> int:
    import numpy as np

    from lrdsl.interpreter import evaluate_ir, evaluate_range
    from lrdsl.ir import Lowered

    assert isinstance(plan, Lowered)

    def values(at: np.ndarray | tuple[int, int]) -> np.ndarray:
        """lr at the steps ``at``, or over ``range(*at)`` for a (start, stop) pair."""
        try:
            return evaluate_range(plan.ir, *at) if isinstance(at, tuple) else evaluate_ir(plan.ir, at)
        except LrdslError as err:
            raise err.with_source(source) from None

    at = np.array(_steps_list(args.at), dtype=np.int64) if args.at is not None else None
    if args.format == "table":
        try:
            rows = _table_rows(plan, at)
        except LrdslError as err:  # its phase boundaries read values too
            raise err.with_source(source) from None
        write_text(_table(plan, rows, values(rows[:, 1])) + "\n", args.output)
        return 0
    from lrdsl.progress import LONG, Progress

    count = at.size if at is not None else plan.total
    where = f"writing {args.output}" if args.output else f"writing {args.format}"
    if args.format == "csv":
        with output_to(args.output) as out, Progress(count, where, enabled=count >= LONG) as bar:
            out.write("step,lr\n")
            for block, lr in _blocks(plan.total, at, values):
                out.write("".join(f"{s},{v!r}\n" for s, v in zip(block, lr.tolist())))
                bar.advance(len(block))
        return 0
    from lrdsl.lowering.lower import check_size

    check_size(count)
    if args.format == "npy":
        with Progress(count, "evaluating", enabled=count >= LONG) as bar:
            lr = np.empty(count, dtype=np.float64)
            for i, (block, part) in enumerate(_blocks(plan.total, at, values)):
                lr[i * CHUNK : i * CHUNK + len(block)] = part
                bar.advance(len(block))
        buf = io.BytesIO()
        np.save(buf, lr)
        if args.output is None:
            sys.stdout.buffer.write(buf.getvalue())
        else:
            with output_to(args.output, binary=True) as fh:
                fh.write(buf.getvalue())
        return 0
    head = {"schedule": plan.text, "total_steps": plan.total, "steps_per_epoch": plan.steps_per_epoch}
    with output_to(args.output) as out, Progress(2 * count, where, enabled=count >= LONG, unit="numbers") as bar:
        # json.dumps(head | {"step": [...], "lr": [...]}), written a chunk at a time
        out.write(json.dumps(head)[:-1] + ', "step": [')
        for i, (block, _) in enumerate(_blocks(plan.total, at, lambda a: None)):
            out.write((", " if i else "") + json.dumps(list(block))[1:-1])
            bar.advance(len(block))
        out.write('], "lr": [')
        for i, (block, lr) in enumerate(_blocks(plan.total, at, values)):
            out.write((", " if i else "") + json.dumps(lr.tolist())[1:-1])
            bar.advance(len(block))
        out.write("]}\n")
    return 0


def _blocks(total: int, at: Any, values: Callable[[Any], Any]) -> Iterator[tuple[Sequence[int], Any]]:
    """(steps, values) for csv: the ``--at`` steps at once, else ``CHUNK`` steps at a time."""
    if at is not None:
        yield at.tolist(), values(at)
        return
    for start in range(0, total, CHUNK):
        stop = min(start + CHUNK, total)
        yield range(start, stop), values((start, stop))


def _table_rows(plan: object, at: Any) -> Any:
    """The rows of a table, the only steps evaluated for it: ``(index, step)`` pairs, shape ``(n, 2)``.

    Every step of a short run (or of ``--at``), else the first and the last, an even sample of
    21 and both sides of each phase boundary; ``index`` is the row's place among all the steps
    (a gap between two rows is marked ``…``).
    """
    import numpy as np

    from lrdsl.explain import phases
    from lrdsl.ir import Lowered

    assert isinstance(plan, Lowered)
    count = at.size if at is not None else plan.total
    if count <= 40:
        keep = np.arange(count, dtype=np.int64)
    else:
        marks = {0, count - 1, *np.linspace(0, count - 1, 21).round().astype(int).tolist()}
        for ph in phases(plan.ir, plan.total):
            for b in (ph.start, ph.end):
                step = math.ceil(b)
                idx = int(np.searchsorted(at, step)) if at is not None else min(max(step, 0), count)
                marks.update(i for i in (idx - 1, idx) if 0 <= i < count)
        keep = np.array(sorted(marks), dtype=np.int64)
    return np.stack([keep, at[keep] if at is not None else keep], axis=1)


def _table(plan: object, rows: Any, lr: Any) -> str:
    """A readable summary of the ``rows`` chosen by :func:`_table_rows` and their values ``lr``."""
    from lrdsl.ir import Lowered

    assert isinstance(plan, Lowered)
    head = f"{plan.text}\ntotal {plan.total} steps" + (
        f", {plan.steps_per_epoch:g} steps per epoch" if plan.steps_per_epoch else ""
    )
    lines = [head, f"{'step':>12}  lr"]
    prev = -1
    for (i, step), value in zip(rows.tolist(), lr.tolist()):
        if prev >= 0 and i > prev + 1:
            lines.append(f"{'…':>12}")
        lines.append(f"{step:>12}  {short_number(float(value))}")
        prev = i
    return "\n".join(lines)


def entry() -> None:
    """Console-script entry point."""
    raise SystemExit(main())


if __name__ == "__main__":
    entry()
