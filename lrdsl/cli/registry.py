"""The commands of ``lrdsl``, one table: name, help, arguments and handler of each.

The table drives everything that lists commands: the argument parser (:func:`build_parser`),
``lrdsl help`` and the shell completion scripts (:mod:`lrdsl.cli.completion`). A command is one
:class:`Command` row; its handler, ``"module:function"`` taking the parsed arguments and returning the
exit status, is imported only when the command runs (so ``lrdsl fmt`` loads neither numpy nor lowering).
Options shared between commands are the objects of :mod:`lrdsl.cli.arguments`, declared once.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from lrdsl.cli.arguments import (
    EXPR,
    MEMBER,
    RUN,
    SAMPLES_PER_STEP,
    STEPS,
    STEPS_PER_EPOCH,
    STRICT,
    TOKENS_PER_STEP,
    Arg,
    arg,
    number_arg,
    output,
)

Handler = Callable[[argparse.Namespace], int]


@dataclass(frozen=True)
class Command:
    """One subcommand: what ``lrdsl help`` says of it, what it takes, and the function that runs it."""

    name: str
    help: str
    arguments: tuple[Arg, ...]
    handler: str
    """``"module:function"``, imported when the command runs."""
    description: str | None = None
    epilog: str | None = None

    def run(self, args: argparse.Namespace) -> int:
        """Run the command on its parsed arguments; the exit status."""
        module, _, name = self.handler.partition(":")
        return cast(Handler, getattr(importlib.import_module(module), name))(args)


SCHEDULE = "lrdsl.cli.commands.schedule"
LOG_FILE = (
    arg("--column", default=None, metavar="NAME", help="the value column of a csv, or a TensorBoard tag"),
    arg(
        "--hf-log",
        choices=("before", "after"),
        default=None,
        help="trainer_state.json: the rate read before lr_scheduler.step() (transformers ≥ 4.51, default) or after",
    ),
)
"""The options of a log file: which column, and when a Hugging Face Trainer read its rates."""


def _frameworks() -> dict[str, Any]:
    """The ``import`` command's ``FRAMEWORK`` choices, read from the importers when a parser is built."""
    from lrdsl.importers import FRAMEWORKS

    return {"choices": FRAMEWORKS, "help": ", ".join(FRAMEWORKS)}


def _exporters() -> dict[str, Any]:
    """The ``export`` command's ``FRAMEWORK`` choices, read from the exporters' table when a parser is built."""
    from lrdsl.export.table import FRAMEWORKS

    return {"choices": list(FRAMEWORKS), "help": ", ".join(FRAMEWORKS)}


def _serve_arguments() -> tuple[Arg, ...]:
    """``lrdsl serve``'s options, declared beside the server (:mod:`lrdsl.serve.command`)."""
    from lrdsl.serve.command import ARGUMENTS

    return tuple(arg(*flags, **options) for flags, options in ARGUMENTS)


@cache
def commands() -> tuple[Command, ...]:
    """Every subcommand, in the order the help lists them."""
    return (
        Command(
            "eval",
            "evaluate lr(t) for every step",
            (
                EXPR,
                *RUN,
                MEMBER,
                arg("--at", default=None, metavar="STEPS", help="comma-separated steps to evaluate instead of 0…N−1"),
                arg(
                    "--format",
                    choices=["table", "csv", "json", "npy"],
                    default="table",
                    help="table (default): a summary, 12 significant digits; csv, json, npy: every step, every digit",
                ),
                output(),
                STRICT,
            ),
            f"{SCHEDULE}:run",
        ),
        Command(
            "check",
            "validate, print the canonical form and warn of likely mistakes",
            (EXPR, *RUN, MEMBER, STRICT),
            f"{SCHEDULE}:run",
            description="Validate a schedule and print its canonical form; likely mistakes are printed as "
            "warnings on stderr (exit 0). With the run's numbers (--steps, --steps-per-epoch, …) the schedule "
            "is also resolved for that run, and the warnings that need its layout are checked too.",
        ),
        Command("fmt", "print the canonical form", (EXPR, MEMBER), f"{SCHEDULE}:run"),
        Command(
            "explain",
            "show the resolved phases",
            (
                EXPR,
                *RUN,
                MEMBER,
                arg("--compact", action="store_true", help="one line per phase and the boundary steps"),
                STRICT,
            ),
            f"{SCHEDULE}:run",
        ),
        Command(
            "plot",
            "draw schedules (to a .png/.svg file, or the terminal)",
            (
                arg("expr", nargs="+", help="one or more schedules or sets ('-' for stdin, @FILE)"),
                *RUN,
                MEMBER,
                output("a .png or .svg file (default: plot in the terminal)"),
                arg("--log", action="store_true", help="logarithmic y axis (every member's)"),
                arg("--x", choices=["steps", "epochs"], default="steps", help="x axis unit"),
                arg("--label", action="append", default=None, help="legend label, once per schedule"),
                arg("--size", default=None, help="WxH: pixels for files, characters for the terminal"),
                STRICT,
            ),
            f"{SCHEDULE}:plot",
            description="Draw schedules on one axis. A schedule set is drawn one axis per member, stacked and "
            "sharing the step axis, each titled with its member's name; several sets share the axes by member.",
        ),
        Command(
            "gen",
            "generate framework code",
            (
                EXPR,
                *RUN,
                MEMBER,
                arg("--target", required=True, help="keras, torch, optax, python or paddle"),
                arg("--name", default=None, help="class or function name of the generated schedule"),
                output(),
                STRICT,
            ),
            f"{SCHEDULE}:run",
        ),
        Command(
            "compare",
            "where two schedules or recorded curves differ",
            (
                arg("a", help="an expression, @FILE, '-', or a values file (.csv, .txt, .npy, .json)"),
                arg("b", help="the same for the other side"),
                STEPS,
                STEPS_PER_EPOCH,
                TOKENS_PER_STEP,
                SAMPLES_PER_STEP,
                arg("--rtol", type=number_arg, default=1e-9, help="relative tolerance (default 1e-9)"),
                arg("--atol", type=number_arg, default=0.0, help="absolute tolerance (default 0)"),
                output("overlay both curves in a .png or .svg file"),
                *LOG_FILE,
            ),
            "lrdsl.cli.commands.fit:compare",
        ),
        Command(
            "fit",
            "the expression of a recorded curve",
            (
                arg(
                    "file",
                    help="values lr(0) … lr(N−1): .csv, .txt (one per line), .npy, .json, or '-'; or a training "
                    "log: a csv with a step column, a W&B or TensorBoard csv export, trainer_state.json, "
                    "events.out.tfevents.*",
                ),
                *LOG_FILE,
                STEPS_PER_EPOCH,
                arg("--rtol", type=number_arg, default=None, help="relative tolerance (default 1e-11, float32: 1e-6)"),
                arg(
                    "--atol", type=number_arg, default=None, help="absolute tolerance (default 0, float32: 4·2⁻²⁴·max)"
                ),
                arg("--budget", type=number_arg, default=30.0, help="CPU seconds to search at most (default 30)"),
            ),
            "lrdsl.cli.commands.fit:fit",
        ),
        Command(
            "import",
            "the expression of another library's scheduler call or config",
            (
                Arg(("framework",), {"metavar": "FRAMEWORK"}, late=_frameworks),
                arg(
                    "spec",
                    metavar="SPEC",
                    help="a call such as 'StepLR(step_size=30, lr=0.1)', a config file or its JSON/YAML text, '-'",
                ),
                STEPS,
                STEPS_PER_EPOCH,
                arg(
                    "--loop",
                    choices=("train.py", "after_update"),
                    default=None,
                    help="timm: train.py (step_update(t + 1) after update t, the default) or after_update "
                    "(step_update(t))",
                ),
                arg(
                    "--momentum",
                    choices=("auto", "momentum", "betas[0]", "off"),
                    default=None,
                    help="torch: the momentum a OneCycleLR or CyclicLR cycles, as a set member (auto, the default: "
                    "the member of the optimizer written in the call; off: the rate alone)",
                ),
                arg("--check", action="store_true", help="also step the real object and print the comparison"),
            ),
            "lrdsl.cli.commands.importing:run",
            description="Print the lrdsl expression of a scheduler as written for FRAMEWORK. SPEC is a call "
            "(read, never run: literal arguments only), a .json/.yaml/.yml config file, or a config's JSON/YAML text.",
            epilog="examples:\n"
            '  lrdsl import torch "OneCycleLR(max_lr=0.1, total_steps=1000)"\n'
            '  lrdsl import keras "CosineDecayRestarts(0.1, 1000, t_mul=2.0)"\n'
            "  lrdsl import keras schedule.json  # a get_config() dict",
        ),
        Command(
            "export",
            "the trainer's own config (HF, DeepSpeed, Megatron, torchtitan, Composer, mmengine, timm, torch, optax, keras, torchtune) with the same values",
            (
                Arg(("framework",), {"metavar": "FRAMEWORK"}, late=_exporters),
                EXPR,
                STEPS,
                STEPS_PER_EPOCH,
                TOKENS_PER_STEP,
                SAMPLES_PER_STEP,
                arg(
                    "--format",
                    choices=("json", "yaml", "toml", "args", "python"),
                    default="json",
                    help="json (the entry point's keyword arguments, the default), yaml, toml, args (flags), python",
                ),
            ),
            "lrdsl.cli.commands.exporting:run",
            description="Print FRAMEWORK's own scheduler configuration that gives exactly EXPR's values over the "
            "run, checked by stepping the framework's scheduler when it is installed, or refuse, saying what the "
            "framework cannot express. Megatron counts samples: --samples-per-step is the global batch.",
            epilog="examples:\n"
            '  lrdsl export hf "linear(0→3e-4, 500) >> cosine(3e-4→0)" --steps 10000\n'
            '  lrdsl export megatron "linear(0→3e-4, 500) >> cosine(3e-4→3e-5)" --steps 10000 '
            "--samples-per-step 512 --format args",
        ),
        Command(
            "serve",
            "the playground: a local page where a schedule is typed, drawn, checked and turned into code",
            _serve_arguments(),
            "lrdsl.serve.command:run",
            description="Serve the playground on this machine (127.0.0.1 unless --host says otherwise): an editor, "
            "the curve, errors with their caret, the phase table, the code for every target, overlay, compare, "
            "fit of a dropped curve file and import of a pasted call. Ctrl-C stops it. See docs/playground.md.",
        ),
        Command(
            "completion",
            "print a shell completion script",
            (arg("shell", choices=["bash", "zsh", "fish"]),),
            "lrdsl.cli.completion:command",
            description="Print a completion script for bash, zsh or fish. Load it in the shell's start-up file: "
            "bash: source <(lrdsl completion bash); zsh: source <(lrdsl completion zsh); "
            "fish: lrdsl completion fish | source",
        ),
        Command(
            "help",
            "show this help, a command's (lrdsl help eval), or a shape's (lrdsl help cosine)",
            (
                arg(
                    "topic",
                    nargs="?",
                    metavar="COMMAND|NAME",
                    help="a command, or a shape, modifier, function or unit",
                ),
            ),
            "lrdsl.cli.program:help_command",
        ),
    )


def names() -> tuple[str, ...]:
    """The subcommands' names, in the order the help lists them."""
    return tuple(c.name for c in commands())


def command(name: str) -> Command:
    """The row of the subcommand ``name``."""
    return next(c for c in commands() if c.name == name)


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors exit 2 with ``lrdsl: error: …``."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"lrdsl: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``lrdsl`` command, built from :func:`commands`."""
    from lrdsl import __version__

    parser = Parser(
        prog="lrdsl",
        description="Learning-rate schedules as one line of text.",
        epilog="example:\n"
        '  lrdsl eval "warmup(linear, 5ep) >> cosine(0.1→1e-6)" --steps 5000 --steps-per-epoch 50\n'
        "a command's options: lrdsl help COMMAND; a shape, modifier or unit: lrdsl help NAME (lrdsl help cosine);\n"
        "the documentation, page by page: lrdsl help PAGE.md (lrdsl help index.md lists them; start with tour.md)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"lrdsl {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser, metavar="COMMAND")
    for c in commands():
        shape = argparse.RawDescriptionHelpFormatter if c.epilog else argparse.HelpFormatter
        p = sub.add_parser(c.name, help=c.help, description=c.description, epilog=c.epilog, formatter_class=shape)
        for a in c.arguments:
            a.add_to(p)
    return parser


def subparser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    """The parser of the subcommand ``name`` in ``parser``."""
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return cast(argparse.ArgumentParser, sub.choices[name])
