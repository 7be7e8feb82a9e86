"""A progress bar for long work, on a terminal only.

The bar is drawn on ``stderr`` when it is a terminal, and only once the work has taken longer than
``delay`` seconds: short work, pipes, files and tests see nothing. It is one line, redrawn in place
at most ten times a second and erased when the work ends, so that what the command prints
afterwards starts on a clean line::

    with Progress(total, "writing lr.csv") as bar:
        for start in range(0, total, chunk):
            ...
            bar.update(start + chunk)

Used by ``lrdsl eval`` (csv, json and npy of 1e7 steps or more) and ``lrdsl plot``; the same
class serves any loop that knows how much work it has (``update``) or counts it (``advance``).
"""

from __future__ import annotations

import shutil
import sys
import time
from typing import IO

from lrdsl.tools.closing import Closing

LONG = 10_000_000
"""Runs of at least this many steps are long enough to show progress for."""
DELAY = 0.5
"""Seconds of work before the bar appears (work that ends sooner prints nothing)."""


class Progress(Closing):
    """Progress of ``total`` units of work, labelled ``label``, drawn on ``stream`` (default stderr).

    ``enabled=False`` (or a stream that is not a terminal) makes every call a no-op; ``delay``
    (default :data:`DELAY`) is how long the work runs before the bar appears.
    """

    def __init__(
        self,
        total: float,
        label: str,
        *,
        stream: IO[str] | None = None,
        enabled: bool = True,
        delay: float | None = None,
        unit: str = "steps",
    ) -> None:
        self.total = max(float(total), 0.0)
        self.label = label
        self.unit = unit
        self.stream = stream if stream is not None else sys.stderr
        self.delay = DELAY if delay is None else delay
        self.done = 0.0
        self.shown = False
        self._start = time.monotonic()
        self._last = -1.0
        self.active = enabled and _is_terminal(self.stream)

    def update(self, done: float) -> None:
        """``done`` units of the total are finished."""
        self.done = min(max(float(done), 0.0), self.total)
        if not self.active:
            return
        now = time.monotonic()
        if now - self._start < self.delay or (self.shown and now - self._last < 0.1 and self.done < self.total):
            return
        self._last = now
        self.shown = True
        self._write("\r" + self.line(now - self._start) + "\x1b[K")

    def advance(self, amount: float = 1.0) -> None:
        """``amount`` more units are finished."""
        self.update(self.done + amount)

    def line(self, elapsed: float) -> str:
        """The bar's text after ``elapsed`` seconds: label, bar, percentage, counts, time left."""
        fraction = self.done / self.total if self.total else 1.0
        left = elapsed * (1 - fraction) / fraction if fraction > 0 else None
        tail = f" {fraction:4.0%}  {_count(self.done)}/{_count(self.total)} {self.unit}"
        if left is not None and fraction < 1:
            tail += f"  {_duration(left)} left"
        width = shutil.get_terminal_size((80, 24)).columns
        label = self.label if len(self.label) <= 40 else self.label[:39] + "…"
        room = max(10, min(40, width - len(label) - len(tail) - 4))
        filled = round(room * fraction)
        return f"{label} [{'#' * filled}{'-' * (room - filled)}]{tail}"

    def close(self) -> None:
        """Erase the bar, if it was drawn."""
        if self.shown:
            self._write("\r\x1b[K")
            self.shown = False
        self.active = False

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a closed or broken terminal: the work goes on without a bar
            self.active = False


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _count(value: float) -> str:
    """``12.5M``-style counts for the bar."""
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if value >= size:
            return f"{value / size:.3g}{suffix}"
    return f"{value:.0f}"


def _duration(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"
