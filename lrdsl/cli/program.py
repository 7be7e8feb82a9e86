"""The ``lrdsl`` command: parse the arguments, run the command's handler, turn failures into exit codes.

Every failure the user can cause exits with status 2 and one readable message on stderr
(line:column, the source line, a caret, a hint), never a traceback. The commands themselves are the
rows of :mod:`lrdsl.cli.registry`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from lrdsl.cli.registry import build_parser, command, names, subparser
from lrdsl.errors import LrdslError
from lrdsl.resources import broken_install

__all__ = ["COMMANDS", "OPTION_NAMES", "build_parser", "entry", "main"]

COMMANDS = names()
"""The subcommands, in the order the help lists them."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    from lrdsl.tools.output import standard_streams

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
    return _run(args)


def _run(args: argparse.Namespace) -> int:
    """The command's handler on ``args``; every failure as an exit status and one message on stderr."""
    try:
        status = command(args.command).run(args)
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


def _unrecognized(parser: argparse.ArgumentParser, name: str, unknown: Sequence[str]) -> int:
    """Exit 2 for options ``name`` does not take, with the one it has for each: ``--total-steps``
    (the Python API's and PyTorch's name) → ``--steps``, ``--steps_per_epoch`` → ``--steps-per-epoch``,
    a misspelling → the closest option."""
    from lrdsl.errors import did_you_mean

    sub = subparser(parser, name)
    known = [o for o in sub._option_string_actions if o.startswith("--")]
    hints = []
    for word in unknown:
        if not word.startswith("--"):
            continue
        option = word.split("=", 1)[0]
        dashed = option[2:].lower().replace("_", "-")
        ours = f"--{dashed}" if f"--{dashed}" in known else OPTION_NAMES.get(dashed)
        hint = f"did you mean '{ours}'?" if ours in known else did_you_mean(option, known)
        if hint:
            hints.append((option, hint))
    sub.print_usage(sys.stderr)
    print(f"lrdsl: error: unrecognized arguments: {' '.join(unknown)}", file=sys.stderr)
    for option, hint in hints:
        print(f"hint: {option}: {hint}" if len(hints) > 1 else f"hint: {hint}", file=sys.stderr)
    return 2


def _help(parser: argparse.ArgumentParser, topic: str | None) -> int:
    """``lrdsl help [COMMAND|NAME]``: the help of the whole command, of one subcommand, or the
    reference entries of a shape, modifier, operator, function or unit (``lrdsl/tools/reference.py``).
    An unknown topic exits 2 with the closest name and every name."""
    if topic is None:
        parser.print_help()
        return 0
    if topic in COMMANDS:
        subparser(parser, topic).print_help()
        return 0
    from lrdsl.errors import did_you_mean
    from lrdsl.tools import reference

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


def help_command(args: argparse.Namespace) -> int:
    """The ``help`` row's handler (``lrdsl help`` is answered before the handlers run; this is for callers)."""
    return _help(build_parser(), args.topic)


def entry() -> None:
    """Console-script entry point."""
    raise SystemExit(main())


if __name__ == "__main__":
    entry()
