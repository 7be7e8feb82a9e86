"""Recording an Optax optimizer: ``rec.observe(opt_state)`` after each update reads the rate it used.

Optax keeps no callback and the state is a value, so the loop hands each new state over::

    rec = lrdsl.record(tx)                    # tx = optax.inject_hyperparams(optax.adam)(learning_rate=…)
    for batch in data:
        params, opt_state = train_step(params, opt_state, batch)   # jitted
        rec.observe(opt_state)

Two states hold the rate:

- ``optax.inject_hyperparams`` (and ``lrdsl.optax.inject``): its update ``n`` (``count = n`` before it)
  computes ``learning_rate(n)``, keeps it in ``state.hyperparams["learning_rate"]`` and sets ``count``
  to ``n + 1``: the state after update ``n`` holds the rate it used. Each such state in the tree
  (``optax.multi_transform`` of several) is one group, in the tree's order.
- a plain ``optax.adam(schedule)`` keeps only ``ScaleByScheduleState.count`` (``n + 1`` after update
  ``n``) and not the schedule: ``lrdsl.record(tx, schedule=schedule)`` stores ``schedule(count − 1)``.
  Without ``schedule=`` such a state is refused, as is one that holds neither.

The counters must go up by one between two calls (a skipped call loses a rate, which is refused) or
stay (no update happened: ``optax.MultiSteps`` updates every ``k``-th call only; the initial state); a
state stacked by ``jax.lax.scan`` (the counter an array of consecutive counts) is several updates.
``observe`` reads numbers, so it runs outside ``jax.jit``, on the state the jitted step returns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import numpy.typing as npt

from lrdsl.errors import LrdslError
from lrdsl.recording.base import Recording

Path = tuple[object, ...]
MAX_NODES = 100_000
"""The most nodes of a state searched for the states that hold the rate (once, at the first call)."""


class OptaxRecording(Recording):
    """The rates of an Optax optimizer's updates, each read by ``rec.observe(opt_state)``."""

    def __init__(self, tx: Any, schedule: Callable[[Any], Any] | None, max_updates: int) -> None:
        super().__init__(max_updates)
        self.tx = tx
        self.schedule = schedule
        self._paths: list[Path] | None = None
        self._count = 0  # the updates made before the last call

    def observe(self, opt_state: Any) -> None:
        """Store the rate of every update since the last call, read from the state after them."""
        if self._paths is None:
            self._paths = self._find(opt_state)
        found = [_follow(opt_state, path) for path in self._paths]
        counts = _numbers(found[0].count, "count")
        if counts.size == 1 and int(counts[0]) == self._count:
            return  # no update since the last call (a mini-step of optax.MultiSteps, or the initial state)
        if self.schedule is not None:
            rates = [_numbers(self.schedule(found[0].count - 1), "the schedule's value")]
        else:
            rates = [_numbers(state.hyperparams["learning_rate"], "learning_rate") for state in found]
        first, expected = int(counts[0]), self._count + 1
        if first != expected or np.any(np.diff(counts) != 1):
            raise LrdslError(
                f"rec.observe() got the state after update {first - 1}, expected the one after update {expected - 1}",
                hint="call rec.observe(opt_state) once after every update, with the state the update returned",
            )
        for k in range(counts.size):
            self._add([float(r[k] if r.size == counts.size else r[0]) for r in rates])
        self._count = int(counts[-1])

    def _find(self, opt_state: Any) -> list[Path]:
        """Where the states holding the rate are in ``opt_state`` (looked up once)."""
        injected = [p for p, node in _walk(opt_state) if _holds_rate(node)]
        if self.schedule is not None:
            counters = [p for p, node in _walk(opt_state) if type(node).__name__ == "ScaleByScheduleState"]
            if counters:
                return counters[:1]
            raise LrdslError(
                "the optimizer's state has no ScaleByScheduleState: no step count to call the schedule on",
                hint="schedule= is for an optimizer built as optax.adam(schedule) (or scale_by_schedule)",
            )
        if injected:
            return injected
        raise LrdslError(
            "the optimizer's state does not hold its learning rate",
            hint="build it with optax.inject_hyperparams(optax.adam)(learning_rate=schedule), or pass "
            "the schedule: lrdsl.record(tx, schedule=schedule) for optax.adam(schedule)",
        )


def _holds_rate(node: object) -> bool:
    hyper = getattr(node, "hyperparams", None)
    return isinstance(hyper, dict) and "learning_rate" in hyper and hasattr(node, "count")


def _walk(node: object) -> Iterator[tuple[Path, object]]:
    """Every node of a state (tuples, named tuples, lists, dicts), breadth-first, with its path."""
    queue: list[tuple[Path, object]] = [((), node)]
    for seen, (path, item) in enumerate(queue):
        if seen >= MAX_NODES:
            raise LrdslError(f"the optimizer's state has more than {MAX_NODES:,} nodes to search for its rate")
        yield path, item
        if _holds_rate(item):
            continue
        if isinstance(item, (tuple, list)):
            queue.extend(((*path, i), sub) for i, sub in enumerate(item))
        elif isinstance(item, dict):
            queue.extend(((*path, key), item[key]) for key in sorted(item, key=str))


def _follow(node: Any, path: Path) -> Any:
    for key in path:
        node = node[key]
    return node


def _numbers(value: object, what: str) -> npt.NDArray[np.float64]:
    """``value`` as a 1-D float64 array (a scalar is one update), read from the device."""
    try:
        return np.atleast_1d(np.asarray(value, dtype=np.float64)).reshape(-1)
    except Exception as exc:  # a JAX tracer raises its own error types
        raise LrdslError(
            f"cannot read {what} from the state: {type(exc).__name__}",
            hint="call rec.observe(opt_state) outside jax.jit, on the state the jitted step returns",
        ) from None
