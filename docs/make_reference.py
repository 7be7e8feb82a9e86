"""Write the language reference: docs/reference.md and one small picture per entry in docs/reference/.

    python -m docs.make_reference [--out docs]      (or: python docs/make_reference.py)

The page is :func:`lrdsl.tools.reference.page` (the signature table plus the prose of
``lrdsl/tools/reference.py``); each picture draws the entry's example over its run with ``lrdsl plot``'s
sampling (boundaries exact, faint lines at phase boundaries). ``tests/test_reference.py`` fails
when the page differs from what this writes, or when a picture is missing or left over.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import lrdsl
from lrdsl.tools import reference
from lrdsl.tools.plotting import curves, new_figure

ROOT = Path(__file__).resolve().parents[1]
SIZE = (360, 130)
"""Pixels of each picture."""


def draw(entry: reference.Entry, path: Path) -> None:
    """The entry's example over its run, as a small PNG without legend or labels."""
    ex = entry.example
    plan = lrdsl.lower(ex.expr, ex.total, ex.steps_per_epoch, None, ex.tokens_per_step, ex.samples_per_step)
    (curve,) = curves([plan])
    fig = new_figure(SIZE)
    ax = fig.add_axes((0.11, 0.17, 0.86, 0.76))
    ax.plot(curve.x, curve.y, linewidth=1.3, color="#1f77b4")
    for m in curve.marks:
        ax.axvline(m, color="#1f77b4", alpha=0.15, linewidth=0.8)
    for t in ex.at:
        ax.axvline(t, color="#d62728", alpha=0.25, linewidth=0.6, linestyle=":")
    ax.tick_params(labelsize=7, length=2, pad=1)
    ax.yaxis.get_offset_text().set_fontsize(7)
    ax.grid(alpha=0.2)
    ax.margins(x=0.01, y=0.08)
    fig.savefig(str(path), format="png", metadata={"Software": None})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(ROOT / "docs"))
    args = parser.parse_args(argv)
    out = Path(args.out)
    folder = out / "reference"
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {out / e.picture for e in reference.ENTRIES}
    for stale in set(folder.glob("*")) - wanted:
        stale.unlink()
    for entry in reference.ENTRIES:
        draw(entry, out / entry.picture)
    (out / "reference.md").write_text(reference.page(), encoding="utf-8")
    print(f"wrote {out / 'reference.md'} and {len(wanted)} pictures in {folder}")


if __name__ == "__main__":
    main()
