"""The table of phase fitters: a new shape is one more entry (a function ``(y, ctx) -> candidate pieces``).

Order matters: the first family that reproduces a segment is kept, so simpler shapes come first.
"""

from __future__ import annotations

from collections.abc import Callable

from lrdsl.fitting import decays, smooth
from lrdsl.fitting.context import Array, Context
from lrdsl.fitting.piece import Piece

Fitter = Callable[[Array, Context], list[Piece]]

FAMILIES: dict[str, Fitter] = {
    "const": smooth.const,
    "linear": smooth.linear,
    "cosine": smooth.cosine,
    "exp_decay": decays.exp_decay,
    "exp": smooth.exp,
    "poly": smooth.poly,
    "inverse_time": decays.inverse_time,
    "rsqrt": decays.rsqrt,
}


def fit_phase(y: Array, ctx: Context, flexible: bool) -> Piece | None:
    """The first family's piece that reproduces ``y`` exactly, its numbers simplified; ``None`` if none does."""
    for fitter in FAMILIES.values():
        for piece in fitter(y, ctx):
            done = piece.simplified(ctx, y, flexible)
            if done is not None:
                return done
    if flexible:  # the last phase may be cut by the end of the run
        for piece in smooth.cut(y, ctx):
            done = piece.simplified(ctx, y, False)
            if done is not None:
                return done
    return None
