"""Shared pieces of the importers in this package: numbers as a person writes them, argument checks."""

from __future__ import annotations

import functools
import importlib
import math
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar, cast

from lrdsl.cli.echo import clipped, shown
from lrdsl.errors import LrdslError
from lrdsl.numbers import format_number

T = TypeVar("T")


def num(value: float) -> str:
    """``value`` as written in an expression: 12 significant digits (``0.1 * 0.1`` prints ``0.01``)."""
    return format_number(float(f"{float(value):.12g}"))


def number(value: object, what: str, source: str) -> float:
    """``value`` as a finite float; anything else (a string, a list, ``nan``) is an :class:`LrdslError`."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2**1024:
        raise LrdslError(f"{source}: {what} is beyond a float's range: {shown(value)}", hint="write a literal number")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise LrdslError(
            f"{source}: {what} must be a finite number, got {shown(value)}", hint="write it as a literal number"
        )
    return float(value)


MAX_WHOLE = 1e15
"""The largest count (of steps, epochs, cycles, decays) an importer reads."""


def whole(value: object, what: str, source: str, *, least: int = 0) -> int:
    """``value`` as an int from ``least`` to 1e15 (a float that is a whole number is accepted): runs, like
    every step count of lrdsl, last at most 1e15 steps."""
    x = number(value, what, source)
    if x.is_integer() and x > MAX_WHOLE:
        raise LrdslError(
            f"{source}: {what} is {shown(value)}; lrdsl counts at most {MAX_WHOLE:.0e}",
            hint="runs last at most 1e15 steps",
        )
    if not x.is_integer() or x < least:
        raise LrdslError(
            f"{source}: {what} must be a whole number ≥ {least}, got {shown(value)}",
            hint="write a whole number of steps",
        )
    return int(x)


def bind(source: str, params: Sequence[str], args: Sequence[object], kwargs: Mapping[str, object]) -> dict[str, object]:
    """Positional ``args`` and ``kwargs`` bound to the names ``params``, as Python binds a call."""
    if len(args) > len(params):
        raise LrdslError(
            f"{source} takes at most {len(params)} positional arguments here, got {len(args)}",
            hint="leave the optimizer out of the call: " + ", ".join(params),
        )
    out: dict[str, object] = dict(zip(params, args, strict=False))
    for key, value in kwargs.items():
        if key in out:
            raise LrdslError(f"{source} got {shown(key)} twice", hint="give each argument once")
        out[key] = value
    return out


def take_optimizer(
    source: str, args: Sequence[object], kwargs: Mapping[str, object], *, at: int = 0
) -> tuple[list[object], dict[str, object], float | None]:
    """A call as written in training code, its optimizer taken out: ``f(optimizer, 100, 1000)``,
    ``f(optimizer=opt, …)`` or ``f(AdamW(params, lr=3e-4), …)`` → the other arguments and the optimizer's
    rate (``None`` when it is not written). The optimizer is the positional argument at ``at`` when that is
    a name, a call or a dict (a number there is the next parameter: the optimizer left out)."""
    from lrdsl.importers.spec import Call, Ref

    rest, kw = list(args), dict(kwargs)
    if "optimizer" in kw:
        optimizer: object = kw.pop("optimizer")
    elif len(rest) > at and isinstance(rest[at], Ref | Call | dict):
        optimizer = rest.pop(at)
    else:
        return rest, kw, None
    if isinstance(optimizer, Call):
        value = optimizer.kwargs.get("lr", optimizer.args[1] if len(optimizer.args) > 1 else None)
    elif isinstance(optimizer, dict):
        value = optimizer.get("lr")
    else:
        value = None
    if value is None or isinstance(value, Ref):
        return rest, kw, None
    return rest, kw, number(value, "the optimizer's lr", source)


def unknown(source: str, given: Mapping[str, object], known: Sequence[str]) -> None:
    """An :class:`LrdslError` naming the first argument of ``given`` that ``source`` does not take."""
    for key in given:
        if key not in known:
            raise LrdslError(f"{source} has no argument {shown(key)}", hint="it takes: " + ", ".join(known))


MAX_CHECKED_STEPS = 2_000_000
"""The longest run an importer samples from the library to fit an expression (an unnamed schedule)."""

MAX_STEPPED = 50_000
"""The most steps (or epochs) an import steps a library's scheduler object to check its result. A longer
run is checked at sampled steps of the library's closed form where it has one, on a scaled-down
equivalent run where one exists, else over its first ``MAX_STEPPED`` steps, and the import says so
(:func:`lrdsl.importers.verify.unchecked`). A bound on work, so the result is the same on every machine."""

DENSE = 10_000
"""Runs up to this long are compared at every step when a closed form is sampled; longer ones at a spread."""


def sample_steps(n: int, marks: Iterable[float] = ()) -> list[int]:
    """The steps of a run of ``n`` at which a closed form is compared: all of them up to :data:`DENSE`, else
    :data:`DENSE` evenly spread, the last, and each of ``marks`` (where the schedule changes) ±1."""
    if n <= DENSE:
        return list(range(n))
    near = {int(m) + d for m in marks if math.isfinite(m) for d in (-1, 0, 1)}
    return sorted({*(i * (n - 1) // (DENSE - 1) for i in range(DENSE)), n - 1, *(t for t in near if 0 <= t < n)})


def first_steps_note(n: float, unit: str = "steps") -> str:
    """What :func:`lrdsl.importers.verify.unchecked` says of a run checked over its first steps only."""
    return f"checked against the library over the first {MAX_STEPPED:,} of {n:,.0f} {unit} only (a longer run is not stepped)"


def checked_length(source: str, steps: float) -> int:
    """``steps`` if an unnamed schedule can be sampled over that many steps to be fitted, else an
    :class:`LrdslError` (a named closed form is never refused for its length: see :data:`MAX_STEPPED`)."""
    if not steps <= MAX_CHECKED_STEPS:
        raise LrdslError(
            f"{source} has no named form and is imported by sampling it: the run is {steps:.6g} steps, and "
            f"sampling reads at most {MAX_CHECKED_STEPS:,}",
            hint="sample a shorter run (the expression's durations scale with it), or write the schedule with fn(…)",
        )
    return int(steps)


def library_run(source: str, run: Callable[[], T]) -> T:
    """``run()``, which builds and steps the library's own scheduler; the library's refusal of the
    arguments (its ``ValueError``, ``AssertionError``, …) becomes an :class:`LrdslError` quoting it."""
    try:
        return run()
    except LrdslError:
        raise
    except Exception as error:  # the library's own checks, whatever their type
        raise LrdslError(
            f"{source} refuses these arguments: {type(error).__name__}: {clipped(str(error), 300)}",
            hint="the library raised this when building or stepping the scheduler; fix the arguments it names",
        ) from None


F = TypeVar("F", bound=Callable[..., str])


def guarded(source: str) -> Callable[[F], F]:
    """An importer's entry point whose arithmetic or comparison on a value the user gave (an overflow of
    ``gamma ** k``, a division by a zero rate, ``"a" < 1`` among milestones) is an :class:`LrdslError`
    naming ``source``, as the checks written before it would say, never an internal error."""

    def wrap(function: F) -> F:
        @functools.wraps(function)
        def run(*args: object, **kwargs: object) -> str:
            try:
                return function(*args, **kwargs)
            except LrdslError:
                raise
            except (TypeError, ValueError, ArithmeticError, IndexError, KeyError) as error:
                raise LrdslError(
                    f"{source}: an argument is not what the library takes ({type(error).__name__}: "
                    f"{clipped(str(error), 200)})",
                    hint="give numbers where the library takes numbers, lists of them where it takes lists",
                ) from None

        return cast(F, run)

    return wrap


def optional_module(name: str) -> types.ModuleType | None:
    """The module ``name`` if it imports here, else ``None``: the library is not installed, or its
    install is broken (timm without a working torchvision raises ``RuntimeError`` on import)."""
    try:
        return importlib.import_module(name)
    except Exception:  # any failure to import means: not available to check against
        return None
