"""The table of phase fitters: a new shape is one more entry (a function ``(y, ctx) -> candidate pieces``).

Order matters: the first family that reproduces a segment is kept, so simpler shapes come first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from lrdsl.fitting.context import Array, Context
from lrdsl.fitting.decays import exp_decay, inverse_time, rsqrt
from lrdsl.fitting.offsets import cosine_offset, decay_offset, rsqrt_offset, shape_offset
from lrdsl.fitting.piece import Piece, awkward, wordiness
from lrdsl.fitting.smooth import const, cosine, cut, exp, linear, log, poly, pow_, sqrt

Fitter = Callable[[Array, Context], list[Piece]]

FAMILIES: dict[str, Fitter] = {
    "const": const,
    "linear": linear,
    "cosine": cosine,
    "exp_decay": exp_decay,
    "exp": exp,
    "poly": poly,
    "pow": pow_,
    "inverse_time": inverse_time,
    "rsqrt": rsqrt,
    "sqrt": sqrt,
    "log": log,
}
OFFSET_FAMILIES: dict[str, Fitter] = {
    "rsqrt": rsqrt_offset,
    "cosine": cosine_offset,
    "shape": shape_offset,
    "exp_decay": decay_offset,
}
"""Phases on a clock running ahead (``* offset(n)``), tried after every plain family."""
RIVALLED = frozenset({"exp_decay"})
"""Families whose exact piece with long numbers gives way to a later family's plain one (the search for
it costs checks on every segment: only where a plain rival is known to exist, ``exp`` and the clocks ahead)."""


def fit_phase(y: Array, ctx: Context, flexible: bool) -> Piece | None:
    """The first family's piece that reproduces ``y`` exactly, its numbers simplified; ``None`` if none does.

    When the first exact piece is an ``exp_decay`` whose numbers are not plain (:meth:`Piece.plain`), every
    later family is tried too and the plain piece with the fewest words is kept (:func:`_fit_phase`).

    Of one family's candidates, the first with plain numbers (``exp_decay(0.1, rate=0.5, every=50)``
    rather than ``rate=0.9862327``) or its rival reading when that reads shorter
    (``linear(0→1e-3, 20, inclusive=true)`` rather than ``linear(0→0.02 / 19, 20)``), else the first exact one. A segment already fitted (the same
    values at the same step, as restarts and the partial cover ask again) is answered from memory.
    """
    key = (y.__array_interface__["data"][0], y.size, y.strides, flexible, ctx.start, ctx.spe, ctx.unit)
    if key in ctx.work.phases:
        return ctx.work.phases[key][1]
    ctx.work.spend()
    piece = _fit_phase(y, ctx, flexible)
    ctx.work.phases[key] = (y, piece)  # the memo holds y: its address is not reused by other values
    return piece


def _fit_phase(y: Array, ctx: Context, flexible: bool) -> Piece | None:
    """The first family's exact piece when its numbers are plain; else, for a family of :data:`RIVALLED`,
    of every family's exact piece (the clocks ahead included) the plain one with the fewest words, else
    that first one: the geometric ``exp(0.1→1e-3, 100, inclusive=true)`` rather than
    ``exp_decay(0.1, rate=0.9545484566618)``."""
    pieces = _candidates(y, ctx, flexible)
    first = next(pieces, None)
    if first is None or first.plain() or first.family not in RIVALLED:
        return first
    return min((p for p in pieces if p.plain()), key=wordiness, default=first)


def _candidates(y: Array, ctx: Context, flexible: bool) -> Iterator[Piece]:
    """Each family's exact piece in turn: the plain families, a last phase cut by the run, the clocks ahead."""
    for fitter in FAMILIES.values():
        piece = _family(fitter, y, ctx, flexible)
        if piece is not None:
            yield piece
    if flexible:  # the last phase may be cut by the end of the run
        piece = _first_exact(cut(y, ctx), y, ctx, False)
        if piece is not None:
            yield piece
    for fitter in OFFSET_FAMILIES.values():
        piece = _family(fitter, y, ctx, flexible)
        if piece is not None:
            yield piece


def _family(fitter: Fitter, y: Array, ctx: Context, flexible: bool) -> Piece | None:
    """Of one family's candidates, the plainest exact one (a rival reading tried when the first reads
    awkwardly), else the first exact one."""
    first, best = None, None
    for piece in fitter(y, ctx):
        if best is not None and not (piece.rival and awkward(best)):
            break  # a rival reading is tried only when the first reads awkwardly
        done = piece.simplified(ctx, y, flexible)
        if done is not None and done.plain() and (best is None or wordiness(done) < wordiness(best)):
            best = done
        first = first or done
    return best or first


def _first_exact(pieces: list[Piece], y: Array, ctx: Context, flexible: bool) -> Piece | None:
    """The first of ``pieces`` that reproduces ``y``, its numbers simplified."""
    for piece in pieces:
        done = piece.simplified(ctx, y, flexible)
        if done is not None:
            return done
    return None
