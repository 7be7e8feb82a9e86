"""``lrdsl.fit`` of several curves on one clock: a schedule set (LANGUAGE.md §9.5).

Each member's curve ``y_m(0) … y_m(N−1)`` is fitted alone (:func:`lrdsl.fitting.fit_one`, with its own
precision and tolerance and the whole ``budget``: a set of ``k`` members may take ``k`` budgets), and
the set is the members' expressions, ``name: expr`` one per line, in the order given. Every curve gives
the same steps, so every expression is on the set's clock: ``lrdsl.evaluate_set(expr, total_steps=N)``
gives each member's values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from lrdsl.errors import LrdslError
from lrdsl.fitting.result import Fit, SetFit

if TYPE_CHECKING:
    from lrdsl.fitting.curve import Progress

Columns = Mapping[str, npt.ArrayLike]
"""One curve per member name."""


def columns(values: object, names: Sequence[str] | None) -> dict[str, npt.ArrayLike]:
    """The member curves of ``values``: a mapping ``{name: values}``, or a 2-D array of one row per step and
    one column per member of ``names``; each name checked as a set's member name is (before any search)."""
    from lrdsl.language.parser import as_set

    if isinstance(values, Mapping):
        if names is not None:
            raise LrdslError("names= is for a 2-D array; a mapping names its members itself")
        found = dict(values)
    else:
        table = _table(values)
        if table.ndim != 2 or names is None or table.shape[1] != len(names):
            shape = "×".join(map(str, table.shape))
            raise LrdslError(
                f"a set is fitted from a 2-D array of one row per step and one column per name: got shape {shape} "
                f"for {0 if names is None else len(names)} names",
                hint="or give a mapping {name: values}",
            )
        found = {name: table[:, j] for j, name in enumerate(names)}
        if len(found) != len(names):
            raise LrdslError("each member name appears once in names=")
    as_set({name: 0.0 for name in found})  # the names' errors: 'learning_rate' → did you mean 'lr'?, …
    return found


def _table(values: object) -> npt.NDArray[Any]:
    """``values`` as an array (an array as it is: float32 kept, fit reads the precision); rows of unequal
    lengths as an array of objects, refused by its shape. Each member's column is then checked as any values are."""
    if isinstance(values, np.ndarray):
        return values
    try:
        return np.asarray(values)
    except ValueError:
        return np.asarray(values, dtype=object)


def fit_set(
    curves: Columns, spe: float | None, tolerance: tuple[float | None, float | None], budget: float, progress: Progress
) -> SetFit:
    """Every member's curve fitted on one clock (see the module's text); ``progress`` counts over every member."""
    from lrdsl.fitting.curve import fit_one
    from lrdsl.tools.values import checked_values

    ys = {name: _kept(curve, name, checked_values) for name, curve in curves.items()}
    lengths = {name: y.size for name, y in ys.items()}
    if len(set(lengths.values())) > 1:
        shown = ", ".join(f"{name} {n}" for name, n in lengths.items())
        raise LrdslError(
            f"the members' curves have different lengths: {shown}", hint="give each member a value at every step"
        )
    fits = {}
    for i, (name, y) in enumerate(ys.items()):
        try:
            fits[name] = fit_one(y, spe, tolerance, budget, _counted(progress, i, len(ys)))
        except LrdslError as err:
            raise LrdslError(f"member '{name}': {err.message}", hint=err.hint) from None
    return set_of(fits, max(lengths.values()))


def set_of(fits: dict[str, Fit], total: int, notes: tuple[str, ...] = ()) -> SetFit:
    """The :class:`SetFit` of each member's :class:`Fit` over ``total`` steps: its text the canonical set of
    their expressions, and a note when the set's own run (its longest explicit duration) is not ``total``."""
    from lrdsl.language.parser import as_set
    from lrdsl.run.sets import lower_set

    text = str(as_set({name: f.expr for name, f in fits.items()}))
    try:
        own: int | None = next(iter(lower_set(text).values())).total
    except LrdslError:
        own = None
    if own != total:
        notes += (
            f"the members were fitted on {total} steps: evaluate the set with --steps {total} (total_steps={total})",
        )
    return SetFit(text, fits, notes)


def _kept(curve: npt.ArrayLike, name: str, checked: Callable[..., npt.NDArray[np.float64]]) -> npt.NDArray[np.floating]:
    """The member's values, checked (named after the member), kept float32 when given so (fit reads the precision)."""
    y = checked(curve, f"member '{name}' values")
    return y.astype(np.float32) if isinstance(curve, np.ndarray) and curve.dtype == np.float32 else y


def _counted(progress: Progress, i: int, k: int) -> Progress:
    """``progress`` of member ``i`` of ``k``: its ``done`` of ``total`` structures counted among every member's."""
    if progress is None:
        return None
    tell = progress
    return lambda done, total: tell(i * total + done, k * total)
