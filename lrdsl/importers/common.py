"""What the importers of torch, Keras, Paddle and Optax share: numbers as text, the fitter fallback, and the
bounds on the work of a check (how many steps a library is stepped, sampled or called at)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

import numpy as np

from lrdsl.errors import LrdslError
from lrdsl.importers.verify import unchecked
from lrdsl.numbers import format_number

T = TypeVar("T")

MAX_STEPPED = 100_000
"""The most steps a check steps a library through (or samples a function at, for the fitter). A longer run of a
named form is checked at :func:`check_points` of it, with the library's closed form; so the work of an import
is bounded by counts, the same on every machine, and a long schedule is never refused for its length."""
SPREAD = 4_000
"""Evenly spread steps of a long run that are checked, besides its first and last :data:`EDGE` and its marks."""
EDGE = 1_000
MAX_MARKS = 4_000
"""Steps where a form changes (milestones, restarts) checked on both sides, at most this many."""
LONGEST = 10**15
"""The longest duration an lrdsl expression writes (the language's limit)."""


def not_checked(source: str, why: str) -> None:
    """Say (:func:`lrdsl.importers.verify.unchecked`) that the import of ``source`` was not checked against the
    library, and why."""
    unchecked(source, f"not checked against the library ({why})")


def duration(value: object, what: str) -> int | None:
    """``value`` as a whole number of steps (None when it is not one), an :class:`LrdslError` beyond :data:`LONGEST`."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        return None
    if abs(value) > LONGEST:
        big = isinstance(value, int) and abs(value) >= 10**308  # beyond float: shown by its digits
        shown = f"a {len(str(abs(value)))}-digit number of steps" if big else f"{float(value):.6g} steps"
        raise LrdslError(
            f"{what} is {shown}, longer than the longest duration an lrdsl expression writes ({LONGEST:.0e} steps)",
            hint="a schedule that long is constant for any real run: write the value it holds",
        )
    return int(value)


def check_points(n: int, marks: Sequence[int] = ()) -> list[int]:
    """The steps at which a run of ``n`` steps is checked: every step up to :data:`MAX_STEPPED`, else the first and
    last :data:`EDGE`, :data:`SPREAD` steps spread evenly, and each mark ±1 (the first :data:`MAX_MARKS`)."""
    if n <= MAX_STEPPED:
        return list(range(n))
    near = {m + d for m in list(marks)[:MAX_MARKS] for d in (-1, 0, 1)}
    spread = {n * i // SPREAD for i in range(SPREAD)}
    return sorted({*range(EDGE), *range(n - EDGE, n), *spread, *(t for t in near if 0 <= t < n)})


def angle_floor(points: Sequence[int], peak: float) -> float:
    """The absolute error of a float64 closed form at the largest of ``points``: its angle ``π·t/T`` rounds to
    ``t·2⁻⁵³`` (relative), so a cosine's value moves by up to about ``4e-16·t`` of its peak (``T ≥ 1``)."""
    return 4e-16 * max(points, default=0) * abs(peak)


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
    """An importer's named expression: its text, the steps its changes span, the steps it is valid for, and the
    steps where it changes (checked on both sides in a long run)."""

    @property
    def text(self) -> str: ...
    @property
    def natural(self) -> int: ...
    @property
    def valid(self) -> int | None: ...
    @property
    def marks(self) -> Sequence[int]: ...


def sampled_length(source: str, total: int, api: str) -> int:
    """``total`` if a function can be sampled that long for the fitter, else an :class:`LrdslError`."""
    if total > MAX_STEPPED:
        raise LrdslError(
            f"{source} is imported by sampling it: the run is {total:,} steps, and sampling calls the library at "
            f"most {MAX_STEPPED:,} times",
            hint=f"sample a shorter run that shows its shape ({api}(…, total_steps=N)), then scale its durations",
        )
    return total


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
    at: Callable[[list[int]], list[float]] | None = None,
) -> tuple[str, int | None]:
    """The expression of a scheduler and the steps it is valid for, checked against the library.

    Without a named ``form`` the scheduler is sampled over ``total`` steps (at most :data:`MAX_STEPPED`) and
    fitted. With one, it is checked over the run (``max(2·natural + 1, 50)`` steps without a total, never past
    ``valid``): ``reference(n)`` steps the library through the first ``n`` steps when ``n ≤ MAX_STEPPED``;
    a longer run is checked at :func:`check_points` with ``at(steps)``, the library's closed form at those
    steps (tolerance widened by :func:`angle_floor`), or without one over its first ``MAX_STEPPED`` steps with a
    :class:`~lrdsl.importers.verify.UncheckedImport` warning for the rest. Without ``reference`` (the library is not installed) the result
    is unchecked and says so (:class:`~lrdsl.importers.verify.UncheckedImport`).
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
        n = sampled_length(source, total, api)
        values = in_library(library, source, lambda: reference(n))
        expr = fitted(values, source=source, steps_per_epoch=spe, rtol=rtol)
        return verified(expr, values, source=source, steps_per_epoch=spe, rtol=rtol, atol=floor_of(values)), total
    n = total if total is not None else min(max(2 * form.natural + 1, 50), LONGEST)
    if form.valid is not None:
        n = min(n, form.valid)
    if n <= 0:
        return form.text, form.valid
    if reference is None:
        not_checked(source, f"{library} is not installed")
    elif n <= MAX_STEPPED:
        values = in_library(library, source, lambda: reference(n))
        verified(form.text, values, source=source, steps_per_epoch=spe, rtol=rtol, atol=floor_of(values))
    elif at is not None:
        points = check_points(n, form.marks)
        values = in_library(library, source, lambda: at(points))
        atol = floor_of(values) + angle_floor(points, max(map(abs, values), default=0.0))
        verified(
            form.text, values, source=source, steps_per_epoch=spe, rtol=rtol, atol=atol, steps=points, total_steps=n
        )
    else:  # no closed form: the first MAX_STEPPED steps are checked, and the result says the rest is not
        values = in_library(library, source, lambda: reference(MAX_STEPPED))
        first = list(range(MAX_STEPPED))
        verified(
            form.text, values, source=source, steps_per_epoch=spe, rtol=rtol, atol=floor_of(values), steps=first,
            total_steps=n,
        )  # fmt: skip
        not_checked(source, f"the run is {n:,} steps; its first {MAX_STEPPED:,} were, and {library} has no closed form")
    return form.text, form.valid
