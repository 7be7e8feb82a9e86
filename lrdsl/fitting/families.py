"""The table of phase fitters: a new shape is one more entry (a function ``(y, ctx) -> candidate pieces``).

Order matters: the first family that reproduces a segment is kept, so simpler shapes come first.
"""

from __future__ import annotations

from collections.abc import Callable

from lrdsl.fitting.context import Array, Context
from lrdsl.fitting.decays import exp_decay, inverse_time, rsqrt
from lrdsl.fitting.piece import Piece
from lrdsl.fitting.smooth import const, cosine, cut, exp, linear, poly

Fitter = Callable[[Array, Context], list[Piece]]

FAMILIES: dict[str, Fitter] = {
    "const": const,
    "linear": linear,
    "cosine": cosine,
    "exp_decay": exp_decay,
    "exp": exp,
    "poly": poly,
    "inverse_time": inverse_time,
    "rsqrt": rsqrt,
}


def fit_phase(y: Array, ctx: Context, flexible: bool) -> Piece | None:
    """The first family's piece that reproduces ``y`` exactly, its numbers simplified; ``None`` if none does."""
    for fitter in FAMILIES.values():
        for piece in fitter(y, ctx):
            done = piece.simplified(ctx, y, flexible)
            if done is not None:
                return done
    if flexible:  # the last phase may be cut by the end of the run
        for piece in cut(y, ctx):
            done = piece.simplified(ctx, y, False)
            if done is not None:
                return done
    return None
