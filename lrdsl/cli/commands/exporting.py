"""``lrdsl export FRAMEWORK EXPR``: the trainer's own config with exactly the expression's values (:mod:`lrdsl.export`)."""

from __future__ import annotations

import argparse
import sys

from lrdsl.cli.arguments import read_text
from lrdsl.errors import LrdslError


def run(args: argparse.Namespace) -> int:
    """Print the framework's config; a refusal is an :class:`LrdslError` (exit status 2)."""
    from lrdsl.api import run_steps
    from lrdsl.export import export
    from lrdsl.run.args import RunArgs

    samples = args.samples_per_step
    if samples is not None and samples != int(samples):
        raise LrdslError(f"--samples-per-step must be a whole number of samples, got {samples:g}")
    total = args.steps
    if isinstance(total, str):  # a duration: 90ep, 300Btok
        total = run_steps(RunArgs(total, args.steps_per_epoch, None, args.tokens_per_step, samples))
    out = export(
        read_text(args.expr),
        args.framework,
        total_steps=total,
        steps_per_epoch=args.steps_per_epoch,
        fmt=args.format,
        samples_per_step=None if samples is None else int(samples),
    )
    sys.stdout.write(out + "\n")
    return 0
