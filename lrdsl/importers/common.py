"""What every importer shares: numbers, the argument binder, the bounds on the work of a check (how many
steps a library is stepped, sampled or called at, and where a long run is compared), the fitter fallback,
and the one path that runs the library and verifies an expression against it."""

from __future__ import annotations

import functools
import importlib
import math
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol, TypeVar, cast

from lrdsl.errors import LrdslError
from lrdsl.importers.verify import unchecked
from lrdsl.language.echo import clipped, shown

if TYPE_CHECKING:
    import numpy as np

    from lrdsl.language import ast as A

T = TypeVar("T")

Args = list[object]
"""A call's positional arguments as written (read by :mod:`lrdsl.importers.spec`)."""
Kwargs = dict[str, object]
"""A call's keyword arguments as written."""

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


def check_points(n: int, marks: Iterable[float] = ()) -> list[int]:
    """The steps at which a run of ``n`` steps is checked: every step up to :data:`MAX_STEPPED`, else the first and
    last :data:`EDGE`, :data:`SPREAD` steps spread evenly, and each mark ±1 (the first :data:`MAX_MARKS`)."""
    if n <= MAX_STEPPED:
        return list(range(n))
    finite = [int(m) for m in marks if math.isfinite(m)]
    near = {m + d for m in finite[:MAX_MARKS] for d in (-1, 0, 1)}
    spread = {n * i // SPREAD for i in range(SPREAD)}
    return sorted({*range(EDGE), *range(n - EDGE, n), *spread, *(t for t in near if 0 <= t < n)})


def angle_floor(points: Sequence[int], peak: float) -> float:
    """The absolute error of a float64 closed form at the largest of ``points``: its angle ``π·t/T`` rounds to
    ``t·2⁻⁵³`` (relative), so a cosine's value moves by up to about ``4e-16·t`` of its peak (``T ≥ 1``)."""
    return 4e-16 * max(points, default=0) * abs(peak)


def tidy(x: float) -> float:
    """``x`` with the fewest significant digits within 1e-13 of it: ``0.1·0.1`` is ``0.01``.

    The libraries compute in float64 (Keras, Optax in float32); a value within 1e-13 is the same value
    to the verification's tolerance and reads as the number the user wrote.
    """
    x = float(x)
    if not math.isfinite(x):
        raise LrdslError(f"the imported schedule has the value {x!r}, which is not a finite number")
    if x == 0:
        return 0.0
    for digits in range(1, 17):
        y = float(f"{x:.{digits}g}")
        if abs(y - x) <= 1e-13 * abs(x):
            return y
    return x  # pragma: no cover - 17 digits always round-trip


def literal(x: float) -> A.Expr:
    """The syntax tree of the number ``x`` (:func:`tidy`): what importers build expressions from."""
    from lrdsl.language.build import number

    return number(tidy(x))


def num(x: float) -> str:
    """``x`` (:func:`tidy`) as the formatter spells a number: the one number printer of the importers."""
    from lrdsl.language.build import text

    return text(literal(x))


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
    import numpy as np

    from lrdsl.fitting import fit_one

    y = np.asarray(values, dtype=float)
    if y.size == 0:
        raise LrdslError(f"{source}: nothing to sample (the run has no steps)")
    result = fit_one(y, steps_per_epoch, (rtol, 1e-12 * float(np.max(np.abs(y)))), 30.0, None)
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


def known(name: str, refused: Mapping[str, str], names: Iterable[str], what: str) -> None:
    """An :class:`LrdslError` for a class ``name`` that is ``refused`` (saying why) or not one of ``names``
    (``what`` they are: "a scheduler of torch.optim.lr_scheduler"), naming the closest one."""
    import difflib

    if name in refused:
        raise LrdslError(f"cannot import {name}: {refused[name]}", hint="keep it in your training loop")
    listed = list(names)
    if name not in listed:
        close = difflib.get_close_matches(name, listed, n=1)
        raise LrdslError(
            f"{shown(name)} is not {what}",
            hint=f"did you mean {close[0]!r}?" if close else "one of: " + ", ".join(listed),
        )


def stepped(step: Callable[[], object], read: Callable[[], float], n: int) -> list[float]:
    """A scheduler's next ``n`` values: ``read()`` now and after each of ``n − 1`` calls of ``step()``."""
    out: list[float] = []
    for i in range(n):
        out.append(float(read()))
        if i < n - 1:
            step()
    return out


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
        unchecked(source, first_steps_note(n))
    return form.text, form.valid


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


REQUIRED = object()
"""A parameter's default that says: the call must give it."""


def bind(
    name: str,
    params: Sequence[str | tuple[str, object]],
    args: Sequence[object],
    kwargs: Mapping[str, object],
    *,
    rest: bool = False,
) -> dict[str, object]:
    """``args`` and ``kwargs`` of a call of ``name`` bound to ``params`` in order, as Python binds a call: the
    one argument binder of the importers.

    A parameter ``(key, default)`` is in the result with its default when not given (:data:`REQUIRED`: it must
    be given); a bare ``key`` only when given. Too many positional arguments, one given twice, a missing
    required one, or (unless ``rest``: the caller checks them) an unknown keyword is an :class:`LrdslError`.
    """
    import difflib

    pairs = [(p, None) if isinstance(p, str) else p for p in params]
    names = [key for key, _ in pairs]
    if len(args) > len(names):
        raise LrdslError(f"{name}() takes at most {len(names)} positional arguments, got {len(args)}")
    out: dict[str, object] = dict(zip(names, args, strict=False))
    for key, value in kwargs.items():
        if key not in names and not rest:
            close = difflib.get_close_matches(key, names, n=1)
            hint = f"did you mean {close[0]!r}?" if close else "its parameters: " + ", ".join(names)
            raise LrdslError(f"{name}() has no parameter {shown(key)}", hint=hint)
        if key in out:
            raise LrdslError(f"{name}() got {shown(key)} twice")
        out[key] = value
    for p in params:
        if isinstance(p, tuple) and p[0] not in out:
            if p[1] is REQUIRED:
                raise LrdslError(f"{name}() needs {p[0]}=")
            out[p[0]] = p[1]
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
    value = written_rate(optimizer)
    return rest, kw, None if value is None else number(value, "the optimizer's lr", source)


def spec_rate(
    source: str, args: Sequence[object], kwargs: Mapping[str, object], *, key: str = "lr", at: int = 0
) -> tuple[list[object], dict[str, object], float | None]:
    """:func:`take_optimizer`, and the rate: ``key=`` (an lrdsl keyword, a number) when given, else the
    optimizer's written rate, else ``None``."""
    rest, kw, written = take_optimizer(source, args, kwargs, at=at)
    given = kw.pop(key, None)
    return rest, kw, written if given is None else number(given, key, source)


def per_epoch(steps_per_epoch: float | None, source: str) -> int | None:
    """The steps per epoch an import was given, a whole number ≥ 1 (``None`` when not given)."""
    return None if steps_per_epoch is None else whole(steps_per_epoch, "steps per epoch", source, least=1)


def checked_run(source: str, module: types.ModuleType | None, library: str, run: int | None) -> int | None:
    """The run's length when the import of ``source`` can be checked against ``library`` (its ``module``
    installed, the length known); else ``None``, having said why (:func:`not_checked`)."""
    if module is None:
        not_checked(source, f"{library} is not installed")
        return None
    if run is None:
        not_checked(source, "the run's length is not known: give --steps N")
    return run


def written_rate(optimizer: object) -> object:
    """The learning rate written in an optimizer argument, unchecked: ``SGD(params, lr=0.1)`` and ``{"lr": 0.1}``
    give 0.1, a number is itself; ``None`` when none is written (a bare name, a call without it)."""
    from lrdsl.importers.spec import Call, Ref

    if isinstance(optimizer, Call):
        value = optimizer.kwargs.get("lr", optimizer.args[1] if len(optimizer.args) > 1 else None)
    elif isinstance(optimizer, dict):
        value = optimizer.get("lr")
    else:
        value = optimizer
    return None if isinstance(value, Ref) else value


def unknown(source: str, given: Mapping[str, object], known: Sequence[str]) -> None:
    """An :class:`LrdslError` naming the first argument of ``given`` that ``source`` does not take."""
    for key in given:
        if key not in known:
            raise LrdslError(f"{source} has no argument {shown(key)}", hint="it takes: " + ", ".join(known))


MAX_CHECKED_STEPS = 2_000_000
"""The longest run an importer samples from the library to fit an expression (an unnamed schedule)."""


def first_steps_note(n: float, unit: str = "steps") -> str:
    """What :func:`lrdsl.importers.verify.unchecked` says of a run stepped over its first steps only."""
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
