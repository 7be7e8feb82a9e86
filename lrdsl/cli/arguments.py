"""The command line's arguments: the number types, and each shared option declared once.

An :class:`Arg` is one ``add_argument`` call kept as data, so that the registry
(:mod:`lrdsl.cli.registry`) builds the parsers from it and the completion scripts read it. The
options of a run (``--steps``, ``--steps-per-epoch``, ``--tokens-per-step``, ``--samples-per-step``,
``--set``) and ``--member`` are the objects below, shared by every command that takes them, so they
mean the same everywhere: ``--steps`` is always the run's total, whole steps (``5000``, ``1e5``) or a
duration in any unit (``90ep``, ``300Btok``, ``100k``).
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lrdsl.errors import LrdslError
from lrdsl.run.args import RunArgs

_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
"""Numbers on the command line are written as in the language: ASCII digits only, no '_' between
them, no 'inf' or 'nan' (Python's int() and float() take '１', '٣', '1_000' and 'nan')."""
_WITH_UNIT = re.compile(r"(?P<number>([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?)(?P<unit>[A-Za-z%]+)")
"""A number followed by a unit or suffix (``90ep``, ``100k``): language v2 (LANGUAGE.md §8.4)."""


def is_number(text: str) -> bool:
    """Whether ``text`` is a number written as in the language (``50``, ``2.5e3``)."""
    return _NUMBER.fullmatch(text.strip()) is not None


def whole_number(text: str) -> int:
    """A whole number written in any form: ``5000``, ``1e5``, ``100000.0``.

    Raises ``ValueError`` with a message naming what is wrong. Units and suffixes (``90ep``,
    ``100k``) are refused with a hint that writes the number without them.
    """
    text = text.strip()
    if not is_number(text):
        raise ValueError(f"expected a whole number such as 5000 or 1e5, got {text!r}{unit_hint(text)}")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is too large: runs last at most 1e15 steps")
    if not value.is_integer():
        raise ValueError(f"expected a whole number such as 5000 or 1e5, got {text!r}")
    return int(value)


def unit_hint(text: str) -> str:
    """For ``100k`` or ``90ep``: how to write it in steps."""
    m = _WITH_UNIT.fullmatch(text)
    if m is None:
        return ""
    number, unit = m["number"], m["unit"]
    from lrdsl.language.syntax_errors import SUFFIXES, scaled

    if unit in SUFFIXES:
        return f" (here write {scaled(number, unit)})"
    if unit == "ep":
        return " (give steps here: epochs × --steps-per-epoch)"
    return " (give a number of steps)"


def whole_arg(text: str) -> int:
    """An argparse type: a whole number such as 5000 or 1e5."""
    try:
        return whole_number(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def total_arg(text: str) -> int | str:
    """An argparse type: the total as whole steps (5000) or a duration in any unit (90ep, 300Btok, 100k)."""
    if is_number(text):
        return whole_arg(text)  # 5000, 1e5, 100000.0
    from lrdsl.lowering.lower import TOTAL

    if not (text.isascii() and TOTAL.fullmatch(text)):
        cut = re.fullmatch(r"([0-9]+(\.[0-9]*)?|\.[0-9]+)[eE]", text)  # '5e': 'ep' or an exponent cut short
        hint = f" (did you mean {cut[1]}ep?)" if cut else ""
        raise argparse.ArgumentTypeError(f"expected whole steps or a duration such as 90ep or 100k, got {text!r}{hint}")
    return text


def rate_arg(text: str) -> float:
    """An argparse type: a positive number, with a suffix k M B T allowed (4M tokens per step)."""
    from lrdsl.language.parser import number_value
    from lrdsl.lowering.lower import TOTAL

    if not (text.isascii() and TOTAL.fullmatch(text)) or text.endswith(("ep", "tok", "sa")):
        raise argparse.ArgumentTypeError(f"expected a number such as 4096 or 4M, got {text!r}")
    return number_value(text)


def number_arg(text: str) -> float:
    """An argparse type: a number such as 50 or 2.5e3."""
    if not is_number(text):
        raise argparse.ArgumentTypeError(f"expected a number such as 50 or 2.5e3, got {text!r}")
    return float(text)


@dataclass(frozen=True)
class Arg:
    """One argument of a command: ``parser.add_argument(*flags, **options)``."""

    flags: tuple[str, ...]
    options: dict[str, Any] = field(default_factory=dict)
    late: Callable[[], dict[str, Any]] | None = None
    """Options read only when a parser is built (the importers' names, which import the importers)."""

    def add_to(self, parser: argparse.ArgumentParser) -> None:
        """Declare the argument on ``parser``."""
        parser.add_argument(*self.flags, **self.settings())

    def settings(self) -> dict[str, Any]:
        """The keyword arguments of ``add_argument``."""
        return self.options | (self.late() if self.late is not None else {})

    @property
    def valued(self) -> bool:
        """Whether an option takes a value (``--steps N``), unlike a flag (``--strict``)."""
        return bool(self.flags[0].startswith("-")) and self.options.get("action") not in ("store_true", "version")


def arg(*flags: str, **options: Any) -> Arg:
    """An :class:`Arg`, written like ``add_argument``."""
    return Arg(flags, options)


EXPR = arg("expr", help="the schedule, '-' for stdin, or @FILE")
STEPS = arg(
    "--steps", type=total_arg, default=None, metavar="N", help="total of the run: 5000, 5e3, 90ep, 300Btok, 100k"
)
STEPS_PER_EPOCH = arg(
    "--steps-per-epoch",
    type=number_arg,
    default=None,
    metavar="K",
    help="steps in one epoch (for 'ep' and epoch-based options)",
)
TOKENS_PER_STEP = arg("--tokens-per-step", type=rate_arg, default=None, help="tokens in one step (for 'tok')")
SAMPLES_PER_STEP = arg("--samples-per-step", type=rate_arg, default=None, help="samples in one step (for 'sa')")
PARAM = arg("--set", action="append", default=[], metavar="NAME=VALUE", help="bind a $parameter")
MEMBER = arg("--member", default=None, metavar="NAME", help="of a schedule set, the member to use (lr, ema, …)")
STRICT = arg("--strict", action="store_true", help="treat warnings (likely mistakes) as errors (exit 2)")
RUN = (STEPS, STEPS_PER_EPOCH, TOKENS_PER_STEP, SAMPLES_PER_STEP, PARAM)
"""The run a schedule is resolved for: every command that resolves one takes these."""


def output(help: str = "write to this file instead of stdout") -> Arg:
    """``-o/--output FILE``."""
    return arg("-o", "--output", default=None, help=help)


def read_text(expr: str) -> str:
    """A schedule given on the command line: the text itself, ``-`` for stdin, or ``@FILE``."""
    if expr == "-":
        return sys.stdin.read()
    if expr.startswith("@"):
        path = Path(expr[1:])
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise LrdslError(f"cannot read {path}: {exc.strerror if isinstance(exc, OSError) else exc}") from None
    return expr


def params(pairs: Sequence[str]) -> dict[str, float]:
    """``--set NAME=VALUE`` pairs as the ``$parameters`` they bind."""
    out: dict[str, float] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip().lstrip("$")
        if not sep or not name.isidentifier():
            raise LrdslError(f"--set expects name=value, got {pair!r}")
        if not is_number(value):
            raise LrdslError(f"--set {name}: {value!r} is not a number")
        out[name] = float(value)
    return out


def rates(args: argparse.Namespace) -> tuple[float | None, float | None]:
    """``--tokens-per-step`` and ``--samples-per-step`` (for ``tok`` and ``sa``)."""
    return getattr(args, "tokens_per_step", None), getattr(args, "samples_per_step", None)


def run_args(args: argparse.Namespace, bound: Mapping[str, float] | None = None) -> RunArgs:
    """The run the options give: ``--steps``, ``--steps-per-epoch``, the parameters ``bound`` (``--set``), the rates."""
    return RunArgs(args.steps, args.steps_per_epoch, bound, *rates(args))


def size(text: str | None) -> tuple[int, int] | None:
    """``--size WxH``: pixels for files, characters for the terminal."""
    if text is None:
        return None
    w, sep, h = text.lower().partition("x")
    if not (sep and w.isascii() and w.isdigit() and h.isascii() and h.isdigit()) or not (
        0 < int(w) <= 10000 and 0 < int(h) <= 10000
    ):
        raise LrdslError(f"--size expects WxH such as 900x450, got {text!r}")
    return int(w), int(h)


def steps_list(text: str) -> list[int]:
    """``--at 0,50,100``: whole steps from 0 to 1e15."""
    out = []
    for part in text.split(","):
        part = part.strip()
        if not is_number(part):
            raise LrdslError(f"--at expects whole steps separated by commas, got {part!r}{unit_hint(part)}")
        value = float(part)
        if not value.is_integer() or not 0 <= value <= 1e15:
            raise LrdslError(f"--at step {part} must be a whole number from 0 to 1e15")
        out.append(int(value))
    return out
