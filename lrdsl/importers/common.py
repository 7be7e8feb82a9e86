"""What the importers of torch, Keras, Paddle and Optax share: numbers as text, the fitter fallback."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

import numpy as np

from lrdsl.errors import LrdslError
from lrdsl.numbers import format_number

T = TypeVar("T")


def num(x: float) -> str:
    """``x`` with the fewest significant digits within 1e-13 of it: ``0.1·0.1`` prints as ``0.01``.

    The libraries compute in float64 (Keras, Optax in float32); a value within 1e-13 is the same value
    to the verification's tolerance and reads as the number the user wrote.
    """
    x = float(x)
    if not math.isfinite(x):
        raise LrdslError(f"the imported schedule has the value {x!r}, which is not a finite number")
    if x == 0:
        return "0"
    for digits in range(1, 17):
        y = float(f"{x:.{digits}g}")
        if abs(y - x) <= 1e-13 * abs(x):
            return format_number(y)
    return format_number(x)  # pragma: no cover - 17 digits always round-trip


def group(text: str) -> str:
    """``text`` in parentheses when an operator inside would bind looser than ``*``."""
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if depth == 0 and (text.startswith(">>", i) or (ch in "+-" and i > 0 and text[i - 1] == " ")):
            return f"({text})"
    return text


def mapped(source: str, build: Callable[[], T]) -> T:
    """``build()`` (an importer's mapping of arguments to an expression), with an argument of the wrong type
    (a string or a list where the library takes a number) an :class:`LrdslError` naming ``source``."""
    try:
        return build()
    except (TypeError, ValueError, ArithmeticError) as exc:
        if isinstance(exc, LrdslError):
            raise
        raise LrdslError(f"{source}: an argument is not what the library takes ({exc})") from None


def floor_of(values: Sequence[float]) -> float:
    """The absolute tolerance of a float64 library's values: 1e-12 of their largest magnitude (a recursion such
    as PyTorch's cosine drifts by that much over a million steps, where the value is near 0)."""
    return 1e-12 * max((abs(v) for v in values), default=0.0)


def fitted(values: Sequence[float] | np.ndarray, *, source: str, steps_per_epoch: float | None, rtol: float) -> str:
    """The expression :func:`lrdsl.fit` finds for ``values`` (the library's, sampled); an error when none is exact."""
    from lrdsl.fitting import fit

    y = np.asarray(values, dtype=float)
    if y.size == 0:
        raise LrdslError(f"{source}: nothing to sample (the run has no steps)")
    result = fit(y, steps_per_epoch=steps_per_epoch, rtol=rtol, atol=1e-12 * float(np.max(np.abs(y))))
    if not result.exact:
        raise LrdslError(
            f"{source} has no lrdsl expression that lrdsl.fit finds: the closest, {result.expr}, departs at step "
            f"{result.first_departure} (max error {result.max_error:.3g})",
            hint="write it with fn(…) over t, or record its values and compare: lrdsl compare EXPR values.csv",
        )
    return result.expr


def in_library(library: str, what: str, run: Callable[[], T]) -> T:
    """``run()``, with a failure inside the library (not an :class:`LrdslError`) reported as one that names it."""
    try:
        return run()
    except LrdslError:
        raise
    except Exception as exc:
        raise LrdslError(f"{what} fails in {library} itself: {type(exc).__name__}: {exc}") from None


class NamedForm(Protocol):
    """An importer's named expression: its text, the steps its changes span, the steps it is valid for."""

    @property
    def text(self) -> str: ...
    @property
    def natural(self) -> int: ...
    @property
    def valid(self) -> int | None: ...


def checked_form(
    form: NamedForm | None,
    total: int | None,
    spe: float | None,
    reference: Callable[[int], list[float]] | None,
    *,
    source: str,
    library: str,
    api: str,
    rtol: float,
) -> tuple[str, int | None]:
    """The expression of a scheduler and the steps it is valid for, checked against ``reference(n)``.

    Without a named ``form`` the scheduler is sampled over ``total`` steps and fitted. With one, it
    is checked over the run (``max(2·natural + 1, 50)`` steps without a total, never past ``valid``)
    when the library can be run; otherwise returned unchecked.
    """
    from lrdsl.importers.verify import verified

    if form is None:
        if total is None:
            raise LrdslError(
                f"{source} is imported by sampling it: give the run's length",
                hint=f"{api}(scheduler, total_steps=N) (CLI: --steps N)",
            )
        if reference is None:
            raise LrdslError(f"{source} is imported by sampling it, which needs {library} installed")
        values = in_library(library, source, lambda: reference(total))
        expr = fitted(values, source=source, steps_per_epoch=spe, rtol=rtol)
        return verified(expr, values, source=source, steps_per_epoch=spe, rtol=rtol, atol=floor_of(values)), total
    n = total if total is not None else max(2 * form.natural + 1, 50)
    if form.valid is not None:
        n = min(n, form.valid)
    if reference is not None and n > 0:
        values = in_library(library, source, lambda: reference(n))
        verified(form.text, values, source=source, steps_per_epoch=spe, rtol=rtol, atol=floor_of(values))
    return form.text, form.valid
