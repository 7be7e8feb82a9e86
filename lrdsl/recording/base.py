"""What every recording keeps: the learning rate of each update, per parameter group, and how to save it.

Update ``k`` (counted from 0 in the order the optimizer made them) of group ``g`` stored the rate
``r[k, g]`` the optimizer multiplied that update by. ``values`` is ``r[:, 0]``; ``groups`` is ``r``.
The rates are kept as float64 in one flat array (8 bytes a rate, plus 8 for the group count of the
update), at most ``max_updates`` updates.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from lrdsl.errors import LrdslError
from lrdsl.tools.closing import Closing
from lrdsl.tools.values import SUFFIXES, checked_values

MAX_UPDATES = 10_000_000
"""The most updates a recording keeps by default (80 MB a group): a port runs a few thousand."""


class Recording(Closing):
    """The learning rate each update used, stored as the optimizer reported it.

    ``values`` (group 0) and ``groups`` (updates × groups) are float64 arrays; ``save(path)`` writes
    one group in a format ``lrdsl fit`` and ``lrdsl compare`` read. A recording is a context manager:
    leaving the ``with`` block stops it (``close()``); the values stay.
    """

    def __init__(self, max_updates: int = MAX_UPDATES) -> None:
        if isinstance(max_updates, bool) or not isinstance(max_updates, int) or max_updates < 1:
            raise LrdslError(f"max_updates must be a positive whole number, not {max_updates!r}")
        self.max_updates = max_updates
        self._rates = array("d")
        self._widths = array("q")

    def _add(self, rates: Sequence[float]) -> None:
        """Store one update's rates, one per group."""
        if len(self._widths) >= self.max_updates:
            raise LrdslError(
                f"the recording is full: it keeps at most {self.max_updates:,} updates",
                hint="record a shorter run, or pass max_updates=… to lrdsl.record",
            )
        self._rates.extend(rates)
        self._widths.append(len(rates))

    def __len__(self) -> int:
        """The number of updates recorded."""
        return len(self._widths)

    @property
    def values(self) -> npt.NDArray[np.float64]:
        """Group 0's rate at each update, ``r[0, 0] … r[N−1, 0]`` (a copy)."""
        if not len(self._widths):
            return np.zeros(0)
        starts = np.concatenate(([0], np.cumsum(np.array(self._widths, dtype=np.int64))[:-1]))
        return np.array(self._rates, dtype=np.float64)[starts]

    @property
    def groups(self) -> npt.NDArray[np.float64]:
        """Every group's rate at each update: an array of shape (updates, groups) (a copy)."""
        widths = np.array(self._widths, dtype=np.int64)  # copies: a view would pin the arrays' size
        if not widths.size:
            return np.zeros((0, 0))
        changed = np.flatnonzero(widths != widths[0])
        if changed.size:
            k = int(changed[0])
            raise LrdslError(
                f"the optimizer had {widths[0]} parameter groups at update 0 and {widths[k]} at update {k}",
                hint="read each group's rates from .values of a recording started after the change",
            )
        return np.array(self._rates, dtype=np.float64).reshape(widths.size, int(widths[0]))

    def save(self, path: str | Path, group: int = 0) -> Path:
        """Write one group's rates to ``path`` for ``lrdsl fit`` / ``lrdsl compare``; return the path.

        The suffix picks the format, each as ``lrdsl eval --format`` writes it: ``.npy`` (a 1-D
        float64 array), ``.csv`` (``step,lr`` rows from step 0), ``.tsv`` (the same, tab-separated),
        ``.json`` (``{"step": [...], "lr": [...]}``), ``.txt`` (one value per line). Every digit is kept.
        """
        path = Path(path)
        if path.suffix.lower() not in SUFFIXES:
            raise LrdslError(
                f"cannot save to {path}: unknown format {path.suffix or '(no suffix)'!r}",
                hint="name the file .npy, .csv, .tsv, .json or .txt",
            )
        rates = self.groups if len(self) else np.zeros((0, 1))
        if isinstance(group, bool) or not isinstance(group, int) or not 0 <= group < max(rates.shape[1], 1):
            raise LrdslError(f"the optimizer has {rates.shape[1]} parameter groups; there is no group {group!r}")
        if not len(self):
            raise LrdslError(
                "nothing recorded: no update happened while recording",
                hint="run the training steps inside `with lrdsl.record(…) as rec:` (Keras: callbacks=[rec.callback])",
            )
        lr = checked_values(rates[:, group], f"the recorded rates of group {group}")
        suffix = path.suffix.lower()
        try:
            if suffix == ".npy":
                np.save(path, lr)
            elif suffix == ".json":
                path.write_text(json.dumps({"step": list(range(lr.size)), "lr": lr.tolist()}) + "\n", encoding="utf-8")
            elif suffix == ".txt":
                path.write_text("".join(f"{v!r}\n" for v in lr.tolist()), encoding="utf-8")
            else:
                sep = "\t" if suffix == ".tsv" else ","
                rows = "".join(f"{s}{sep}{v!r}\n" for s, v in enumerate(lr.tolist()))
                path.write_text(f"step{sep}lr\n" + rows, encoding="utf-8")
        except OSError as exc:
            raise LrdslError(f"cannot write {path}: {exc.strerror}") from None
        return path

    def close(self) -> None:
        """Stop recording (the values stay)."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {len(self)} updates>"
