"""``lrdsl export FRAMEWORK EXPR [--steps N] [--steps-per-epoch K] [--samples-per-step B] [--format …]``: the
trainer's own config with exactly the expression's values (see :mod:`lrdsl.export`)."""

from __future__ import annotations

import argparse
import sys

from lrdsl.errors import LrdslError
from lrdsl.export.formats import FORMATS
from lrdsl.export.table import FRAMEWORKS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command's arguments (the CLI registry adds ``parser`` under the name ``export``)."""
    parser.add_argument("framework", choices=list(FRAMEWORKS), help="the trainer whose config to write")
    parser.add_argument("expr", help="the expression (or set), or @FILE")
    parser.add_argument(
        "--steps", type=int, default=None, help="optimizer steps in the run (default: the expression's own)"
    )
    parser.add_argument("--steps-per-epoch", type=float, default=None, help="steps per epoch, for ep durations")
    parser.add_argument(
        "--samples-per-step", type=int, default=None, help="samples per step (Megatron: the global batch size)"
    )
    parser.add_argument("--format", choices=FORMATS, default="json", help="json (default), yaml, toml, args, python")


def _text(expr: str) -> str:
    if not expr.startswith("@"):
        return expr
    from lrdsl.language.echo import clipped

    try:
        with open(expr[1:], encoding="utf-8") as f:
            return f.read(1_000_001)[:1_000_000]
    except (OSError, UnicodeDecodeError) as exc:
        raise LrdslError(f"cannot read {clipped(expr[1:])}: {getattr(exc, 'strerror', None) or exc}") from None


def run(args: argparse.Namespace) -> int:
    """Print the config; an :class:`LrdslError` (the refusal) goes to the CLI's handler (exit status 2)."""
    from lrdsl.export import export

    out = export(
        _text(args.expr),
        args.framework,
        total_steps=args.steps,
        steps_per_epoch=args.steps_per_epoch,
        fmt=args.format,
        samples_per_step=args.samples_per_step,
    )
    sys.stdout.write(out + "\n")
    return 0
