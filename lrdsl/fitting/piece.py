"""A fitted phase: a template with named numbers, rendered with the shortest spellings that stay exact."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from lrdsl.fitting.context import Array, Context, sample_steps
from lrdsl.fitting.spelling import cost, number, spellings


@dataclass(frozen=True)
class Piece:
    """One phase over ``length`` steps of the curve, e.g. ``cosine({a}→{b}{d})`` with ``a``, ``b`` fitted.

    ``{d}`` becomes ``, <duration>``, or nothing when the phase is flexible (the last of the run).
    ``fixed`` holds parts already written out (``every=50``); ``phases`` counts the phases it stands for.
    """

    family: str
    template: str
    numbers: dict[str, float]
    length: int
    fixed: dict[str, str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    phases: int = 1
    approx: Array | None = field(default=None, compare=False, repr=False)
    """The fitted values at the steps ``sample_steps(length)``: a quick filter before the exact check."""
    duration: int | None = None
    """The phase's own duration when the run cuts it (longer than ``length``)."""
    offset: int = 0
    """Steps its clock runs ahead (``* offset(n)`` in the template): its explicit duration is ``length + n``."""
    structural: tuple[int, ...] = ()
    """Step counts written in the template (a warm-up), which its numbers may be ratios of."""
    unmatched: bool = False
    """A span no family reproduces, written as a stand-in (a partial fit's)."""
    rival: bool = False
    """A second reading of the candidate before it (``inclusive=true``): tried even when that one is
    exact, and kept when its numbers read shorter."""
    model: Callable[[Mapping[str, float]], Array] | None = field(default=None, compare=False, repr=False)
    """Its values at the steps ``sample_steps(length)`` for given numbers: a spelling far off there is
    rejected without parsing an expression (most are: ``0.1`` for ``0.1000052``)."""

    def render(self, ctx: Context, flexible: bool) -> str:
        words = {k: self.texts.get(k, repr(v) if v != 0 else "0") for k, v in self.numbers.items()}
        d = "" if flexible else f", {ctx.dur(self.length + self.offset)}"
        if self.duration is not None:
            d = f", {ctx.dur(self.duration)}"
        if self.family == "const" and flexible:
            return words["a"]
        return self.template.format(d=d, **words, **self.fixed)

    def known(self) -> frozenset[int]:
        """Step counts the phase shows (its duration, warm-up, offset): a number may be a ratio of them."""
        n = self.length + self.offset
        return frozenset({n, n + 1, n - 1, *self.structural})

    def plain(self) -> bool:
        """Whether every number is written briefly: at most 6 characters (``0.1``, ``1e-6``, ``0.0025``), or
        a short exact formula (``20480 ** -0.5``, ``6e-4 / 201``, ``512 ** -0.5 * 4000 ** -0.5``)."""
        return all(len(t) <= 6 or (" " in t and len(t) <= (28 if "**" in t else 16)) for t in self.texts.values())

    def simplified(self, ctx: Context, want: Array, flexible: bool) -> Piece | None:
        """This piece with each number spelled as briefly as keeps ``want`` reproduced; ``None`` if not exact.

        Spellings are tried one number at a time (``0`` first), the others as fitted or already chosen;
        a number fitted as a speck next to the others (``6.9e-18`` beside ``0.1``) is written ``0`` first,
        as it would otherwise spoil the last, smallest values while the others are tried.
        """
        if self.approx is not None and not ctx.roughly(self.approx, want[sample_steps(want.size)]):
            return None
        scale = max(abs(v) for v in self.numbers.values())
        specks = {k: "0" for k, v in self.numbers.items() if 0 < abs(v) <= 1e-12 * scale}
        if specks:
            done = replace(self, texts={**self.texts, **specks})._simplified(ctx, want, flexible)
            if done is not None:
                return done
        return self._simplified(ctx, want, flexible)

    def _simplified(self, ctx: Context, want: Array, flexible: bool) -> Piece | None:
        piece = self
        # ``6e-4 / 201``: a slope over the phase's length (or one step more: ``peak·(t + 1)/W``)
        n = self.length + self.offset
        denominators = (n, n + 1, n - 1, ctx.start, ctx.start + 1)
        # twice: a number no spelling fits beside another as fitted (off by more than the tolerance at
        # its end of the curve) is tried again once that one is spelled
        for _ in range(2):
            before = len(piece.texts)
            for name, value in self.numbers.items():
                if name in piece.texts:
                    continue  # spelled, or a speck written 0
                for text in ["0", *spellings(value, denominators, warmups=(*self.structural, n))]:
                    trial = replace(piece, texts={**piece.texts, name: text})
                    if self._exact(trial, ctx, want, flexible):
                        piece = trial
                        break
            if piece.texts.keys() == self.numbers.keys():
                return piece
            if len(piece.texts) == before:
                return None  # nothing spelled: a second round would try the same
        return None

    @staticmethod
    def _exact(trial: Piece, ctx: Context, want: Array, flexible: bool) -> bool:
        """Whether ``trial`` reproduces ``want``: a constant by its number, any other phase evaluated."""
        if trial.family == "const" and not trial.fixed:
            return ctx.close(np.full(want.size, number(trial.texts["a"])), want)
        if trial.model is not None:
            values = {k: number(trial.texts[k]) if k in trial.texts else v for k, v in trial.numbers.items()}
            if not ctx.roughly(trial.model(values), want[sample_steps(want.size)]):
                return False
        return ctx.reproduces(trial.render(ctx, flexible), want)


def wordiness(piece: Piece) -> int:
    """How much a person reads in ``piece``'s numbers (:func:`lrdsl.fitting.spelling.cost` of each)."""
    known = piece.known()
    return sum(cost(t, known) for t in piece.texts.values())


def awkward(piece: Piece) -> bool:
    """Whether a number of ``piece`` has 3 significant digits or more (``0.102``, ``0.099505``, ``0.02 / 19``)."""
    return any(len(re.sub(r"e[-+]?\d+|\D", "", t).strip("0")) >= 3 for t in piece.texts.values())
