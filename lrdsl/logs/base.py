"""What a log reader returns (:class:`Curve`), and the checks every reader shares.

A log gives the rate at some steps, not necessarily every one: a :class:`Curve` holds lrdsl's step of
each value (increasing, from 0) beside the values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from lrdsl.errors import LrdslError

MAX_BYTES = 512 * 2**20
"""The largest log file read (a bound on the work: 512 MiB of text is some 20 million rows)."""
SHORT_DIGITS = 8
"""A value written with at most this many significant digits is a short decimal (``0.5``, ``3e-4``)."""
FLOAT32_RTOL = 1e-6
"""The relative tolerance of float32 values: a float32 rate is within 2⁻²⁴ (6e-8) of the exact value, and
its inputs (a progress ``u/d`` in float32) move it by a few more units in the last place."""
FLOAT32_ATOL_ULPS = 4.0 * 2.0**-24
"""The absolute tolerance of float32 values, as a fraction of the largest: near the end of a cosine to 0 a
rounded progress moves a value by units in the last place of the peak, which no relative tolerance holds."""


@dataclass(frozen=True)
class Curve:
    """Rates read from a log: ``values[i]`` is lrdsl's ``lr(steps[i])``; ``steps`` increase from 0 or more.

    ``dtype`` is ``"float32"`` when every value is a float32 number and not a short decimal (a float32
    framework's log), else ``"float64"``; :attr:`tolerance` is then the one to fit or compare with.
    ``notes`` say what the reader decided (a step mapping, a column chosen, the precision), for stderr.
    """

    steps: npt.NDArray[np.int64]
    values: npt.NDArray[np.float64]
    name: str
    dtype: str = "float64"
    notes: tuple[str, ...] = field(default=())

    @property
    def dense(self) -> bool:
        """Whether the curve gives every step ``0 … N−1`` (what :func:`lrdsl.fit` reads)."""
        return bool(self.steps[0] == 0 and self.steps[-1] == self.steps.size - 1)

    @property
    def tolerance(self) -> tuple[float, float] | None:
        """``(rtol, atol)`` for float32 values: ``1e-6`` and ``4·2⁻²⁴·max|v|``; ``None`` for float64."""
        if self.dtype != "float32":
            return None
        return FLOAT32_RTOL, FLOAT32_ATOL_ULPS * float(np.max(np.abs(self.values)))


def curve(
    path: Path, steps: list[int] | npt.NDArray[np.int64], values: list[float] | npt.NDArray[np.float64], *notes: str
) -> Curve:
    """A checked :class:`Curve` of ``path``: at least one value, each finite, steps whole, ≥ 0 and increasing."""
    from lrdsl.tools.values import checked_values

    y = checked_values(values, str(path))
    s = np.asarray(steps, dtype=np.int64)
    if s.shape != y.shape:  # pragma: no cover - each reader pairs them
        raise LrdslError(f"{path}: {s.size} steps for {y.size} values")
    if s[0] < 0:
        raise LrdslError(f"cannot read {path}: step {s[0]} is negative")
    back = np.flatnonzero(np.diff(s) <= 0)
    if back.size:
        i = int(back[0])
        raise LrdslError(
            f"cannot read {path}: step {s[i + 1]} comes after step {s[i]}",
            hint="each step appears once, in increasing order",
        )
    dtype = "float32" if float32_values(y) else "float64"
    if dtype == "float32":
        notes += (
            "float32 values (each a float32 number, not a short decimal): fit and compare use rtol 1e-6 and atol "
            "4·2⁻²⁴ of the largest unless given --rtol or --atol",
        )
    return Curve(s, y, str(path), dtype, notes)


def float32_values(y: npt.NDArray[np.float64]) -> bool:
    """Whether every value of ``y`` is a float32 number and one at least is no short decimal (more than
    :data:`SHORT_DIGITS` significant digits as Python writes it): a float32 framework's rates, widened.
    A float64 curve of round values (``0.5``, ``0.25``) is no float32 one."""
    with np.errstate(over="ignore"):
        narrow = y.astype(np.float32)
    if not np.array_equal(narrow.astype(np.float64), y):
        return False
    seen = y[np.unique(np.linspace(0, y.size - 1, min(y.size, 4096)).astype(np.int64))]
    return any(_digits(repr(float(v))) > SHORT_DIGITS for v in seen)


def _digits(text: str) -> int:
    mantissa = text.lower().partition("e")[0].lstrip("+-").replace(".", "")
    return len(mantissa.strip("0"))


def checked_size(path: Path) -> None:
    """An :class:`LrdslError` when ``path`` is larger than :data:`MAX_BYTES` (or cannot be read)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise LrdslError(f"cannot read {path}: {exc.strerror}") from None
    if size > MAX_BYTES:
        raise LrdslError(
            f"cannot read {path}: {size} bytes is more than the {MAX_BYTES // 2**20} MiB a log may have",
            hint="export only the learning-rate series",
        )
