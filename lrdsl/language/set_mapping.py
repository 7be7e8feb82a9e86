"""A schedule set given as a mapping ``{name: expression}`` (a YAML or JSON config), as its text.

    lr: "warmup(linear, 2k) >> cosine(3e-4→3e-5)"
    weight_decay: "linear(0.1→0.01)"
    ema: 0.999

Each value is one schedule (a string, or a number for a constant), parsed on its own so that an
error points into that value and names its member; the set is then the canonical text of the
members, one per line, which :func:`lrdsl.parse_set` reads like any other set text.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

from lrdsl.errors import LrdslError
from lrdsl.language.members import MAX_MEMBERS, clash, name_problem


def set_text(mapping: Mapping[str, object], parse: Callable[[str], object]) -> str:
    """The canonical set text of ``mapping`` (members in the mapping's order); ``parse`` reads each expression
    (the parser's, passed in: this module is below the parser)."""
    if not mapping:
        raise LrdslError("an empty mapping is not a schedule set", hint="give at least one member, e.g. {'lr': '1e-3'}")
    if len(mapping) > MAX_MEMBERS:
        raise LrdslError(f"a set has at most {MAX_MEMBERS} members; this one has {len(mapping)}")
    lines = [f"{name}: {_member_text(name, value, parse)}" for name, value in mapping.items()]
    problem_clash = clash(list(mapping))
    if problem_clash is not None:
        raise LrdslError(problem_clash[1], hint=problem_clash[2])
    return "\n".join(lines)


def _member_text(name: object, value: object, parse: Callable[[str], object]) -> str:
    """The canonical text of member ``name``: a number, or an expression read by ``parse``."""
    from lrdsl.language.numbers import format_number

    if not isinstance(name, str):
        raise LrdslError(f"a member name is a string, not {type(name).__name__}")
    problem = name_problem(name)
    if problem is not None:
        raise LrdslError(problem[0], hint=problem[1])
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(value) or value < 0:
            raise LrdslError(f"member '{name}': a constant must be finite and non-negative, not {value}")
        return format_number(float(value))
    if not isinstance(value, str):
        raise LrdslError(f"member '{name}' is a {type(value).__name__}, not a schedule text or a number")
    try:
        return str(parse(value))
    except LrdslError as err:
        raise LrdslError(
            f"in member '{name}': {err.message}", span=err.span, source=err.source, hint=err.hint
        ) from None
