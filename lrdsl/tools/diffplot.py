"""``lrdsl compare -o diff.png``: both curves on one axis, the steps where they differ marked."""

from __future__ import annotations

import numpy as np

from lrdsl.errors import LrdslError
from lrdsl.tools.comparison import Comparison
from lrdsl.tools.output import replacing
from lrdsl.tools.plotting import _require, literal_label

MAX_MARKS = 2000
"""Differing steps marked at most (an even sample of them beyond)."""


LABEL_LENGTH = 60
"""Characters of a curve's label shown in the legend (a long expression ends with '…')."""


def overlay(
    result: Comparison, path: str, labels: tuple[str, str] | None = None, size: tuple[int, int] = (900, 450)
) -> None:
    """Draw A and B against the step and a red tick under each differing step into ``path`` (.png/.svg).

    The curves are named ``labels``, by default ``result.labels`` (each expression's text), drawn as
    they are (a ``$`` is not mathtext). A run longer than ``lrdsl.tools.comparison.KEEP_AT_MOST`` steps is
    drawn at the steps the result keeps: an even sample and the first difference.
    """
    if not path.lower().endswith((".png", ".svg")):
        raise LrdslError(f"cannot tell the format of {path!r}", hint="use a .png or .svg file name")
    matplotlib = _require("matplotlib")
    matplotlib.use("Agg")
    plt = _require("matplotlib.pyplot")
    dpi = 100
    fig, ax = plt.subplots(figsize=(size[0] / dpi, size[1] / dpi), dpi=dpi)
    names = [_shown(label) for label in (labels or result.labels)]
    try:
        x = result.steps if result.steps.size == result.a.size else np.arange(result.a.size)
        (la,) = ax.plot(x, result.a, label=names[0], linewidth=1.6)
        la.set_gid("curve-a")
        (lb,) = ax.plot(x, result.b, label=names[1], linewidth=1.0, linestyle="--")
        lb.set_gid("curve-b")
        bad = np.flatnonzero(result.differing())
        if bad.size:
            shown = bad[np.linspace(0, bad.size - 1, min(bad.size, MAX_MARKS)).round().astype(int)]
            ax.scatter(
                x[shown],
                result.a[shown],
                s=6,
                color="red",
                zorder=3,
                label=f"differ ({result.differing_steps} steps)",
                gid="differ",
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


def _shown(label: str) -> str:
    """A curve's name in the legend: shortened, each ``$`` shown as it is."""
    short = label if len(label) <= LABEL_LENGTH else label[: LABEL_LENGTH - 1] + "…"
    return literal_label(short)
