"""The ``lrdsl import FRAMEWORK SPEC`` command: a scheduler call or config of another library → expression.

SPEC is a call as a user writes it (``"OneCycleLR(max_lr=0.1, total_steps=1000)"``), read with Python's
``ast`` and never executed, the path of a JSON/YAML config, or the config's JSON/YAML text. It prints a comment naming the source and
the expression, with a comment line before it for each part of the result that could not be checked
against the library (not installed, or a run too long to step: see ``docs/import.md``). ``--check`` also requires the framework: the importer builds the real object, steps it,
and the comparison is printed (exit 1 when it differs, which an importer reports as an error first).
Bad input is an :class:`LrdslError`: exit 2.
"""

from __future__ import annotations

import argparse

from lrdsl.errors import LrdslError
from lrdsl.language.echo import printable


def run(args: argparse.Namespace) -> int:
    """Run ``import``."""
    from lrdsl.cli.arguments import read_text
    from lrdsl.importers import import_spec
    from lrdsl.importers.verify import noting, recording

    spec = read_text(args.spec) if args.spec == "-" or args.spec.startswith("@") else args.spec
    total = _total(args)
    with recording() as checks, noting() as notes:
        expr = import_spec(
            args.framework,
            spec,
            total_steps=total,
            steps_per_epoch=args.steps_per_epoch,
            loop=args.loop,
            momentum=args.momentum or ("auto" if args.framework == "torch" else None),
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
    from lrdsl.cli.commands.fit import report

    equal = True
    for source, result in checks:
        print(f"# checked against {source}:")
        print("\n".join(f"# {line}" for line in report(result).splitlines()))
        equal = equal and bool(result.equal)
    return 0 if equal else 1


def _total(args: argparse.Namespace) -> int | None:
    """``--steps`` in whole steps: as in every command, 5000 or a duration (90ep with ``--steps-per-epoch``)."""
    if not isinstance(args.steps, str):
        return args.steps  # type: ignore[no-any-return]
    from lrdsl.lowering.context import Ctx
    from lrdsl.lowering.lower import total_from_text

    return total_from_text(args.steps, Ctx(spe=args.steps_per_epoch, params={}))


def _one_line(spec: str) -> str:
    """The SPEC on one line, for the comment above the expression (control characters escaped)."""
    return printable(" ".join(spec.split()))
