"""The ``lrdsl import FRAMEWORK SPEC`` command: a scheduler call or config of another library → expression.

SPEC is a call as a user writes it (``"OneCycleLR(max_lr=0.1, total_steps=1000)"``), read with Python's
``ast`` and never executed, or the path of a JSON/YAML config. It prints a comment naming the source and
the expression, with a comment line before it for each part of the result that could not be checked
against the library (not installed, or a run too long to step: see ``docs/import.md``). ``--check`` also requires the framework: the importer builds the real object, steps it,
and the comparison is printed (exit 1 when it differs, which an importer reports as an error first).
Bad input is an :class:`LrdslError`: exit 2.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from lrdsl.echo import printable
from lrdsl.errors import LrdslError


def add_parsers(sub: Any, number: Callable[[str], float], whole: Callable[[str], int]) -> None:
    """Add ``import`` to the subcommands ``sub`` (number types from the CLI)."""
    from lrdsl.importers import FRAMEWORKS

    p = sub.add_parser(
        "import",
        help="the expression of another library's scheduler call or config",
        description="Print the lrdsl expression of a scheduler as written for FRAMEWORK. SPEC is a call "
        "(read, never run: literal arguments only) or a .json/.yaml/.yml config file.",
        epilog="examples:\n"
        '  lrdsl import torch "OneCycleLR(max_lr=0.1, total_steps=1000)"\n'
        '  lrdsl import keras "CosineDecayRestarts(0.1, 1000, t_mul=2.0)"\n'
        "  lrdsl import keras schedule.json  # a get_config() dict",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("framework", choices=FRAMEWORKS, metavar="FRAMEWORK", help=", ".join(FRAMEWORKS))
    p.add_argument("spec", metavar="SPEC", help="a call such as 'StepLR(step_size=30, lr=0.1)', a config file, '-'")
    p.add_argument("--steps", type=whole, default=None, metavar="N", help="total steps of the run")
    p.add_argument(
        "--steps-per-epoch", type=number, default=None, metavar="K", help="steps in one epoch (epoch-based options)"
    )
    p.add_argument(
        "--loop",
        choices=("train.py", "after_update"),
        default=None,
        help="timm: train.py (step_update(t + 1) after update t, the default) or after_update (step_update(t))",
    )
    p.add_argument("--check", action="store_true", help="also step the real object and print the comparison")


def run(args: argparse.Namespace, read: Callable[[str], str]) -> int:
    """Run ``import``; ``read`` resolves ``-`` and ``@FILE`` to text."""
    from lrdsl.importers import import_spec
    from lrdsl.importers.verify import noting, recording

    spec = read(args.spec) if args.spec == "-" or args.spec.startswith("@") else args.spec
    with recording() as checks, noting() as notes:
        expr = import_spec(
            args.framework, spec, total_steps=args.steps, steps_per_epoch=args.steps_per_epoch, loop=args.loop
        )
    print(f"# {args.framework}: {_one_line(spec)}")
    for note in dict.fromkeys(notes):
        print(f"# {printable(note)}")
    print(expr)
    if not args.check:
        return 0
    if not checks:
        raise LrdslError(
            f"--check needs {args.framework} installed: nothing was compared",
            hint="pip install the library, or drop --check (the expression is printed above)",
        )
    from lrdsl.commands_fit import report

    equal = True
    for source, result in checks:
        print(f"# checked against {source}:")
        print("\n".join(f"# {line}" for line in report(result).splitlines()))
        equal = equal and bool(result.equal)
    return 0 if equal else 1


def _one_line(spec: str) -> str:
    """The SPEC on one line, for the comment above the expression (control characters escaped)."""
    return printable(" ".join(spec.split()))
