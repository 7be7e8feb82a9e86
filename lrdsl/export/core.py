"""What every exporter shares: the run's values, the features a trainer's config is read from, and the choice of
the one config whose values are the expression's.

An export is *exact or refused*. A framework proposes candidate configs from the curve's features (its peak, where
it first and last reaches it, the value it ends at, …); each candidate is read back (:func:`Framework.read`, the
framework's own arithmetic written as an lrdsl expression) and kept only when its values equal the expression's at
every checked step, ``|a − b| ≤ 1e-12·|b| + 1e-12·max|lr|``. The kept config is then constructed and stepped in the
framework's real code when it is installed (:func:`confirm`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from lrdsl.errors import LrdslError
from lrdsl.importers.common import MAX_STEPPED, check_points
from lrdsl.importers.verify import unchecked

Config = dict[str, Any]
RTOL = 1e-12
TIGHT = 8 * 2.0**-52
MAX_DENSE = 16_000_000
"""The longest run whose every step is evaluated to read its features (128 MB of float64, evaluated in
:data:`CHUNK`-step pieces)."""
CHUNK = 1_000_000
"""The steps evaluated at once while reading a run's values (bounds the interpreter's temporaries)."""
MAX_CHAINED = 2_000_000
"""The most steps a check steps a chainable scheduler through (PyTorch's ``SequentialLR``, mmengine's list), whose
rate at a step depends on the rate the step before left: it has no closed form to call at a sampled step."""


def tidy(x: float) -> float:
    """``x`` with the fewest significant digits within 1e-13 of it (a ratio read off two values, ``0.1`` rather
    than ``0.09999999999999999``)."""
    x = float(x)
    if x == 0 or not math.isfinite(x):
        return x
    for digits in range(1, 17):
        y = float(f"{x:.{digits}g}")
        if abs(y - x) <= 1e-13 * abs(x):
            return y
    return x  # pragma: no cover - 17 digits always round-trip


@dataclass(frozen=True)
class Curve:
    """The expression over a run of ``n`` steps: ``y[t]`` for ``t = 0 … n`` (``y[n]``, one step past the run, is the
    value it ends at), and, for a set, its other members."""

    n: int
    y: npt.NDArray[np.float64]
    members: Mapping[str, npt.NDArray[np.float64]]
    batch: int = 1
    """Samples per step (Megatron's global batch: its scheduler counts samples)."""
    edges: tuple[int, ...] = ()
    """Where the lr member's phases and restart cycles start (lrdsl's own layout, :func:`lrdsl.tools.explain.boundaries`)."""

    @cached_property
    def peak(self) -> float:
        """The largest value in the run (as its fewest digits: :func:`tidy`)."""
        return tidy(float(np.max(self.y[: self.n])))

    @property
    def start(self) -> float:
        return tidy(float(self.y[0]))

    @property
    def end(self) -> float:
        """The value after the run (where a decay that ends with it lands)."""
        return tidy(float(self.y[self.n]))

    @cached_property
    def atol(self) -> float:
        return RTOL * float(np.max(np.abs(self.y)))

    def same(self, a: float, b: float) -> bool:
        """``a`` is ``b`` to the export's tolerance (``RTOL`` of ``b`` and of the largest value)."""
        return abs(a - b) <= RTOL * abs(b) + self.atol

    @staticmethod
    def near(values: npt.NDArray[np.float64], value: float) -> npt.NDArray[np.bool_]:
        """Where ``values`` are ``value`` but for rounding (8 ulps): where a phase reaches its end, told apart from
        the last steps of a long cosine, which come within 1e-12 of it."""
        return np.abs(values - value) <= TIGHT * np.maximum(np.abs(values), abs(value))

    @cached_property
    def _at_peak(self) -> npt.NDArray[np.bool_]:
        return self.near(self.y[: self.n], float(np.max(self.y[: self.n])))

    @cached_property
    def first_peak(self) -> int:
        return int(np.argmax(self._at_peak))

    @cached_property
    def last_peak(self) -> int:
        return self.n - 1 - int(np.argmax(self._at_peak[::-1]))

    def first_at(self, value: float, start: int = 0) -> int:
        """The first step from ``start`` (within the run and the step after it) whose value is ``value`` (8 ulps);
        ``n + 1`` when there is none."""
        hit = self.near(self.y[start:], value)
        return start + int(np.argmax(hit)) if hit.any() else self.n + 1

    def settles(self, start: int) -> int:
        """The first step from ``start`` at the value the run ends at (:meth:`first_at` of ``y[n]``)."""
        return self.first_at(float(self.y[self.n]), start)

    def rises(self, start: int) -> list[int]:
        """The steps after ``start`` where the value goes up (a restart)."""
        d = np.diff(self.y[start : self.n])
        return [start + 1 + int(i) for i in np.nonzero(d > RTOL * np.abs(self.y[start : self.n - 1]) + self.atol)[0]]

    def decay_span(self, w: int) -> int:
        """The steps of a decay from step ``w`` to where the run settles at its end value (or to the run's end)."""
        settled = self.settles(w)
        return (settled if settled <= self.n else self.n) - w

    def power(self, w: int, d: int) -> float | None:
        """The power ``k`` of a polynomial decay from the peak at ``w`` to the end value in ``d`` steps, from its
        value halfway: ``(y − end)/(η − end) = (1 − p)^k``; None when that value is not strictly between."""
        mid = w + d // 2
        if mid <= w or self.peak <= self.end or mid >= len(self.y):
            return None
        share = (float(self.y[mid]) - self.end) / (self.peak - self.end)
        rest = 1 - (mid - w) / d
        if not 0 < share < 1 or not 0 < rest < 1:
            return None
        return tidy(math.log(share) / math.log(rest))

    def marks(self) -> list[int]:
        return [self.first_peak, self.last_peak, self.settles(self.last_peak)]

    def checked(self) -> list[int]:
        """The steps a config is compared at: every step of a run up to ``MAX_STEPPED``; a longer one at its first
        and last 1,000 steps, 4,000 spread steps and each phase boundary ±2 (where the expression's phases and
        restart cycles start, the peak's first and last step, where the run settles, where it rises;
        :func:`lrdsl.importers.common.check_points` keeps the first 4,000)."""
        if self.n <= MAX_STEPPED:
            return check_points(self.n)
        edges = [*self.edges, *self.marks(), *self.rises(0)]
        return check_points(self.n, [m + d for m in edges for d in (-1, 0, 1)])


class Framework(Protocol):
    """One trainer: its candidate configs for a curve, its arithmetic as an expression, its real code.

    A module ``lrdsl/export/<name>.py``, listed in :data:`lrdsl.export.table.FRAMEWORKS` under its name. A
    float32 framework's values are compared at its own ``LIBRARY_RTOL`` (``RTOL`` otherwise)."""

    __name__: str
    TITLE: str
    FORMATS: tuple[str, ...]
    ALTERNATIVE: str

    def candidates(self, curve: Curve) -> Iterable[Config]: ...
    def read(self, config: Mapping[str, Any]) -> str: ...
    def refusal(self, curve: Curve) -> str | None: ...
    def library(
        self, config: Config, steps: Sequence[int]
    ) -> npt.NDArray[np.float64] | Mapping[str, npt.NDArray[np.float64]] | None: ...
    def render(self, config: Config, fmt: str) -> str: ...
    def describe(self, config: Config) -> str: ...


def departure(
    curve: Curve, values: npt.NDArray[np.float64], steps: Sequence[int], member: str = "lr", rtol: float = RTOL
) -> int | None:
    """The first of ``steps`` where ``values`` (one per step) differ from the curve's ``member`` by more than ``rtol``
    of the value and of the largest value; None when none do."""
    want = (curve.y if member == "lr" else curve.members[member])[np.asarray(steps, dtype=np.int64)]
    atol = rtol * float(np.max(np.abs(want))) if len(want) else 0.0
    bad = np.nonzero(~(np.abs(values - want) <= rtol * np.abs(want) + atol))[0]
    return int(np.asarray(steps)[bad[0]]) if bad.size else None


def evaluate_text(expr: str, n: int, steps: Sequence[int]) -> dict[str, npt.NDArray[np.float64]]:
    """Every member of ``expr`` (a candidate's reading) at ``steps`` of a run of ``n`` steps."""
    from lrdsl.api import evaluate_set

    return evaluate_set(expr, total_steps=n, steps=np.asarray(steps, dtype=np.int64))


def matches(fw: Framework, curve: Curve, config: Config, steps: Sequence[int]) -> tuple[bool, int]:
    """Whether ``config``'s reading gives the curve's values at ``steps`` (every member the reading has), and the
    first step where it does not (``n`` when it does)."""
    try:
        got = evaluate_text(fw.read(config), curve.n, steps)
    except LrdslError:
        return False, -1
    first = curve.n
    for name, values in got.items():
        if name != "lr" and name not in curve.members:
            continue
        at = departure(curve, values, steps, name)
        first = min(first, curve.n if at is None else at)
    return first == curve.n, first


def choose(fw: Framework, curve: Curve) -> Config:
    """The first candidate of ``fw`` whose values are the curve's; an :class:`LrdslError` saying why there is none."""
    steps = curve.checked()
    nearest: tuple[int, Config] | None = None
    for config in fw.candidates(curve):
        ok, first = matches(fw, curve, config, steps)
        if ok:
            return config
        if nearest is None or first > nearest[0]:
            nearest = (first, config)
    raise refused(fw, curve, nearest)


def refused(fw: Framework, curve: Curve, nearest: tuple[int, Config] | None) -> LrdslError:
    reasons = [r for r in (fw.refusal(curve),) if r]
    if nearest is not None and nearest[0] >= 0:
        step, config = nearest
        got = evaluate_text(fw.read(config), curve.n, [step])
        wrong = [
            m for m in got if (m == "lr" or m in curve.members) and departure(curve, got[m], [step], m) is not None
        ]
        member = wrong[0] if wrong else "lr"
        want = curve.y if member == "lr" else curve.members[member]
        reasons.append(
            f"the nearest, {fw.describe(config)}, departs at step {step} "
            f"({member} {got[member][0]:.10g} where the expression has {want[step]:.10g})"
        )
    reason = "; ".join(reasons) or "none of its schedules has this shape"
    return LrdslError(f"{fw.TITLE} cannot express this schedule exactly: {reason}", hint=fw.ALTERNATIVE)


def confirm(fw: Framework, curve: Curve, config: Config) -> None:
    """Construct ``config`` in the framework's real code and compare its values with the curve's at
    :meth:`Curve.checked` (stepped through the run when it has at most :data:`MAX_STEPPED` steps, else by its
    closed form at each checked step, or stepped through :data:`MAX_CHAINED` steps when it has none), at ``RTOL``
    or the framework's ``LIBRARY_RTOL`` (float32 frameworks)."""
    steps = curve.checked()
    got = fw.library(config, steps)
    if got is None:
        name = fw.__name__.rpartition(".")[2]  # the module lrdsl/export/<name>.py
        unchecked(f"lrdsl export {name}", f"not checked against {fw.TITLE} (it is not installed)")
        return
    members = got if isinstance(got, Mapping) else {"lr": got}
    for member, values in members.items():
        if member != "lr" and member not in curve.members:
            continue
        at = departure(curve, values, steps, member, getattr(fw, "LIBRARY_RTOL", RTOL))
        if at is not None:
            want = (curve.y if member == "lr" else curve.members[member])[at]
            raise LrdslError(
                f"{fw.TITLE} gives {member} {values[list(steps).index(at)]:.17g} at step {at} where the expression "
                f"has {want:.17g}: {fw.describe(config)} is not exact",
                hint=fw.ALTERNATIVE,
            )


def real(*modules: str) -> list[Any] | None:
    """The framework's modules (torch first), or None when one of them is not installed."""
    from lrdsl.importers.common import optional_module

    found = [optional_module(name) for name in ("torch", *modules)]
    return None if any(m is None for m in found) else found


def optimizer(torch: Any, lr: float) -> Any:
    """A one-parameter AdamW at rate ``lr``: what a scheduler under test drives."""
    return torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=lr)


def walk(
    steps: Sequence[int], read: Callable[[], Any], step: Callable[[], Any], jump: Callable[[int], Any]
) -> npt.NDArray[np.float64]:
    """A library object's rate at each of ``steps``: stepped through them one by one (``read``, then ``step``) when
    they are the whole run of at most :data:`MAX_STEPPED` steps, else ``jump(t)`` (its closed form) at each."""
    if len(steps) <= MAX_STEPPED and list(steps) == list(range(len(steps))):
        return stepped(steps, read, step, "")
    return np.array([jump(t) for t in steps], dtype=float)


def within_chained(steps: Sequence[int], title: str) -> int:
    """The steps a chainable scheduler (``title``'s) is stepped through to reach each of ``steps`` (the last of them
    + 1); an :class:`LrdslError` when that is more than :data:`MAX_CHAINED`."""
    last = max(steps) + 1 if len(steps) else 0
    if last > MAX_CHAINED:
        raise LrdslError(
            f"{title}: a check of this config steps its scheduler through the run ({last:,} steps), and steps at most "
            f"{MAX_CHAINED:,}: it is chainable (each step reads the rate the step before left), so no step of it "
            "can be computed alone",
            hint="export a run of at most 2,000,000 steps, or use a framework whose scheduler is a closed form",
        )
    return last


def stepped(
    steps: Sequence[int], read: Callable[[], Any], step: Callable[[], Any], title: str
) -> npt.NDArray[np.float64]:
    """``read()`` at each of ``steps`` (sorted), stepping the object once after every step from 0 to the last of
    them; an :class:`LrdslError` when that is more than :data:`MAX_CHAINED` steps (``title``: whose scheduler)."""
    import warnings

    last = within_chained(steps, title)
    wanted = np.zeros(last, dtype=bool)
    wanted[np.asarray(steps, dtype=np.int64)] = True
    out = []
    with warnings.catch_warnings():  # no update runs between steps (PyTorch warns of that), only the scheduler
        warnings.filterwarnings("ignore", message=r"Detected call of `lr_scheduler\.step\(\)` before")
        for t in range(last):
            if wanted[t]:
                out.append(read())
            step()
    return np.array(out, dtype=float)


def _own_length(tree: Any, steps_per_epoch: float | None) -> int:
    """The run of a set without a total: its longest member's own duration (members with none share it)."""
    from lrdsl.run.bound import bind

    lengths, first = [], None
    for name in tree.names:
        try:
            lengths.append(bind(tree.member(name), None, steps_per_epoch).total)
        except LrdslError as error:
            first = first or error
    if not lengths and first is not None:
        raise first
    return max(lengths)


def curve_of(expr: str, total_steps: int | None, steps_per_epoch: float | None) -> Curve:
    """The expression's values over its run (every member of a set), one step past the end included."""
    from lrdsl.language.parser import parse_set

    tree = parse_set(expr)
    n = total_steps
    if n is None:
        n = _own_length(tree, steps_per_epoch)
    if n < 1:
        raise LrdslError(f"the run has {n} steps; an export needs at least 1", hint="give --steps N")
    if n > MAX_DENSE:
        raise LrdslError(
            f"the run has {n} steps; export reads a schedule's shape from every step of runs up to {MAX_DENSE:,}",
            hint=f"export a run of at most {MAX_DENSE:,} steps (a longer one: lrdsl's own adapters run any length)",
        )
    values = _dense(tree, n, steps_per_epoch)
    if "lr" not in values:
        raise LrdslError("the set has no lr member to export", hint="name the learning rate lr: …")
    y = values.pop("lr")
    if not np.all(np.isfinite(y)) or np.min(y[:n]) < 0:
        raise LrdslError("trainers' schedules are finite rates ≥ 0; this one goes below 0")
    return Curve(n, y, values, edges=_edges(tree, n, steps_per_epoch) if n > MAX_STEPPED else ())


def _edges(tree: Any, n: int, steps_per_epoch: float | None) -> tuple[int, ...]:
    """The steps where the lr member's phases and restart cycles start (a long run's checked boundaries)."""
    from lrdsl.api import lower
    from lrdsl.tools.explain import boundaries

    plan = lower(tree.member("lr"), total_steps=n, steps_per_epoch=steps_per_epoch)
    return tuple(math.ceil(b) for b in boundaries(plan))


def _dense(tree: Any, n: int, steps_per_epoch: float | None) -> dict[str, npt.NDArray[np.float64]]:
    """Every member at every step ``0 … n``, evaluated :data:`CHUNK` steps at a time."""
    from lrdsl.api import evaluate_set

    pieces = [
        evaluate_set(tree, total_steps=n, steps_per_epoch=steps_per_epoch, steps=np.arange(a, min(a + CHUNK, n + 1)))
        for a in range(0, n + 1, CHUNK)
    ]
    return {name: np.concatenate([p[name] for p in pieces]) for name in pieces[0]}
