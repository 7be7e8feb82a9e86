"""``lrdsl compare -o diff.png``: both curves on one axis, the steps where they differ marked."""

from __future__ import annotations

import numpy as np

from lrdsl.comparison import Comparison
from lrdsl.errors import LrdslError
from lrdsl.output import replacing
from lrdsl.plotting import _require

MAX_MARKS = 2000
"""Differing steps marked at most (an even sample of them beyond)."""


def overlay(
    result: Comparison, path: str, labels: tuple[str, str] = ("A", "B"), size: tuple[int, int] = (900, 450)
) -> None:
    """Draw A and B against the step and a red tick under each differing step into ``path`` (.png/.svg)."""
    if not path.lower().endswith((".png", ".svg")):
        raise LrdslError(f"cannot tell the format of {path!r}", hint="use a .png or .svg file name")
    matplotlib = _require("matplotlib")
    matplotlib.use("Agg")
    plt = _require("matplotlib.pyplot")
    dpi = 100
    fig, ax = plt.subplots(figsize=(size[0] / dpi, size[1] / dpi), dpi=dpi)
    try:
        x = np.arange(result.a.size)
        (la,) = ax.plot(x, result.a, label=labels[0], linewidth=1.6)
        la.set_gid("curve-a")
        (lb,) = ax.plot(x, result.b, label=labels[1], linewidth=1.0, linestyle="--")
        lb.set_gid("curve-b")
        bad = np.flatnonzero(result.differing())
        if bad.size:
            shown = bad[np.linspace(0, bad.size - 1, min(bad.size, MAX_MARKS)).round().astype(int)]
            ax.scatter(
                shown, result.a[shown], s=6, color="red", zorder=3, label=f"differ ({bad.size} steps)", gid="differ"
            )
        ax.set_xlabel("steps")
        ax.set_ylabel("learning rate")
        ax.grid(alpha=0.2)
        ax.legend(fontsize=8, loc="best")
        fig.tight_layout()
        with replacing(path, binary=True) as out:  # complete or untouched
            fig.savefig(out, dpi=dpi, format=path.rsplit(".", 1)[1].lower())
    finally:
        plt.close(fig)
