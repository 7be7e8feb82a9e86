"""A fitted phase: a form with named numbers, built as a syntax tree with the shortest spellings that stay exact."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from lrdsl.fitting.context import Array, Context, sample_steps
from lrdsl.fitting.spelling import cost, number, spellings, text
from lrdsl.language import ast as A
from lrdsl.language import build as B
from lrdsl.language.signatures import SIGNATURES

Words = Mapping[str, A.Expr | None]
"""Each fitted number's spelling by name; ``None`` leaves its argument out (a composite's default)."""


@dataclass(frozen=True)
class Form:
    """A phase with holes for its fitted numbers: ``head >> callee(first, duration, **named, **fixed) * times``,
    all of it ``* outer`` when ``outer`` is given.

    ``first`` names the numbers of the first argument: one value (``("a",)``), a range (``("a", "b")``,
    ``a→b``) or the values of a list (``piecewise``), as the callee's first parameter takes them; ``named``
    maps a keyword to the number it holds (``rate`` ← ``r``); ``fixed`` holds arguments already known
    (``every=Quantity(50)``, ``inclusive=True``, ``mode="triangular2"``); ``times`` is a modifier of the
    call (``offset(n)``, ``restart(…)``); ``head`` the phases before it, built or with holes of their own.
    """

    callee: str
    first: tuple[str, ...]
    named: tuple[tuple[str, str], ...] = ()
    fixed: tuple[tuple[str, B.Given], ...] = ()
    times: A.Expr | None = None
    head: tuple[Form | A.Expr, ...] = ()
    outer: A.Expr | None = None

    def build(self, words: Words, duration: B.Quantity | None) -> A.Expr:
        """The tree with ``words`` in the holes and ``duration`` as the call's own (none: flexible)."""
        given = [_word(words, h) for h in self.first]
        kind = SIGNATURES[self.callee].params[0].kind
        first: B.Given = (given[0], given[1]) if kind == "range" else given if kind == "values" else given[0]
        given_args: dict[str, B.Given | None] = {"duration": duration, **{k: words[h] for k, h in self.named}}
        call = B.call(self.callee, first, **(given_args | dict(self.fixed)))  # a fixed duration (25%) wins
        main = call if self.times is None else B.mul(call, self.times)
        heads = [h.build(words, None) if isinstance(h, Form) else h for h in self.head]
        whole = B.seq(*heads, main)
        return whole if self.outer is None else B.mul(whole, self.outer)

    def with_fixed(self, **fixed: B.Given) -> Form:
        """This form with more arguments written out (``inclusive=True``)."""
        return replace(self, fixed=(*self.fixed, *fixed.items()))

    def argument(self, name: str) -> B.Given | None:
        """The fixed argument ``name`` (``every``), ``None`` when it is not written."""
        return dict(self.fixed).get(name)


def offset_by(n: int, ctx: Context) -> A.Expr:
    """``offset(n)``: a clock ``n`` steps (of ``ctx``'s unit) ahead."""
    return _offset(ctx.quantity(n))


@functools.lru_cache(maxsize=1024)
def _offset(n: B.Quantity) -> A.Expr:
    """``offset(n)``, built once: every candidate on that clock shares it (nodes are immutable)."""
    return B.offset(n)


def _word(words: Words, hole: str) -> A.Expr:
    """The spelling in ``hole``, which a first argument needs (only a keyword's may be left out)."""
    word = words[hole]
    if word is None:
        raise ValueError(f"the number {hole!r} of a first argument cannot be left out")
    return word


@dataclass(frozen=True)
class Piece:
    """One phase over ``length`` steps of the curve, e.g. ``Form("cosine", ("a", "b"))`` with ``a``, ``b`` fitted.

    Its duration is written unless the phase is flexible (the last of the run); ``spelled`` holds the
    numbers spelled so far (:func:`lrdsl.fitting.spelling.spellings`); ``phases`` counts the phases it
    stands for.
    """

    family: str
    form: Form
    numbers: dict[str, float]
    length: int
    spelled: dict[str, A.Expr] = field(default_factory=dict)
    phases: int = 1
    approx: Array | None = field(default=None, compare=False, repr=False)
    """The fitted values at the steps ``sample_steps(length)``: a quick filter before the exact check."""
    duration: int | None = None
    """The phase's own duration when the run cuts it (longer than ``length``)."""
    offset: int = 0
    """Steps its clock runs ahead (``* offset(n)`` in the form): its explicit duration is ``length + n``."""
    structural: tuple[int, ...] = ()
    """Step counts written in the form (a warm-up), which its numbers may be ratios of."""
    unmatched: bool = False
    """A span no family reproduces, written as a stand-in (a partial fit's)."""
    rival: bool = False
    """A second reading of the candidate before it (``inclusive=true``): tried even when that one is
    exact, and kept when its numbers read shorter."""
    model: Callable[[Mapping[str, float]], Array] | None = field(default=None, compare=False, repr=False)
    """Its values at the steps ``sample_steps(length)`` for given numbers: a spelling far off there is
    rejected without parsing an expression (most are: ``0.1`` for ``0.1000052``)."""

    def tree(self, ctx: Context, flexible: bool, left_out: frozenset[str] = frozenset()) -> A.Expr | None:
        """The phase as a syntax tree, each number as spelled (else its literal), those of ``left_out``
        left out; ``None`` when a number not yet spelled is not finite (no expression holds it)."""
        words: dict[str, A.Expr | None] = {}
        for k, v in self.numbers.items():
            if k in self.spelled:
                words[k] = self.spelled[k]
            elif not math.isfinite(v):
                return None
            else:
                words[k] = B.number(v)
        for k in left_out:
            words[k] = None
        if self.family == "const" and flexible:
            return words["a"]
        steps = self.duration if self.duration is not None else None if flexible else self.length + self.offset
        return self.form.build(words, None if steps is None else ctx.quantity(steps))

    def built(self, ctx: Context, flexible: bool, left_out: frozenset[str] = frozenset()) -> A.Expr:
        """:meth:`tree` of a phase whose numbers are finite (a fitted one); else a ``ValueError``."""
        tree = self.tree(ctx, flexible, left_out)
        if tree is None:
            raise ValueError(f"a {self.family} phase with a number that is not finite has no text")
        return tree

    def render(self, ctx: Context, flexible: bool, left_out: frozenset[str] = frozenset()) -> str:
        """The phase's text, the formatter's (:meth:`built`)."""
        return B.text(self.built(ctx, flexible, left_out))

    def reproduces(self, ctx: Context, want: Array, flexible: bool) -> bool:
        """Whether the phase's text gives ``want`` (:meth:`Context.reproduces`)."""
        tree = self.tree(ctx, flexible)
        return tree is not None and ctx.reproduces(B.text(tree), want)

    def known(self) -> frozenset[int]:
        """Step counts the phase shows (its duration, warm-up, offset): a number may be a ratio of them."""
        n = self.length + self.offset
        return frozenset({n, n + 1, n - 1, *self.structural})

    def plain(self) -> bool:
        """Whether every number is written briefly: at most 6 characters (``0.1``, ``1e-6``, ``0.0025``), or
        a short exact formula (``20480 ** -0.5``, ``6e-4 / 201``, ``512 ** -0.5 * 4000 ** -0.5``)."""
        texts = [text(s) for s in self.spelled.values()]
        return all(len(t) <= 6 or (" " in t and len(t) <= (28 if "**" in t else 16)) for t in texts)

    def simplified(self, ctx: Context, want: Array, flexible: bool) -> Piece | None:
        """This piece with each number spelled as briefly as keeps ``want`` reproduced; ``None`` if not exact.

        Spellings are tried one number at a time (``0`` first), the others as fitted or already chosen;
        a number fitted as a speck next to the others (``6.9e-18`` beside ``0.1``) is written ``0`` first,
        as it would otherwise spoil the last, smallest values while the others are tried.
        """
        if self.approx is not None and not ctx.roughly(self.approx, want[sample_steps(want.size)]):
            return None
        scale = max(abs(v) for v in self.numbers.values())
        specks = {k: B.number(0) for k, v in self.numbers.items() if 0 < abs(v) <= 1e-12 * scale}
        if specks:
            done = replace(self, spelled={**self.spelled, **specks})._simplified(ctx, want, flexible)
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
            before = len(piece.spelled)
            for name, value in self.numbers.items():
                if name in piece.spelled:
                    continue  # spelled, or a speck written 0
                for spelling in [B.number(0), *spellings(value, denominators, warmups=(*self.structural, n))]:
                    trial = replace(piece, spelled={**piece.spelled, name: spelling})
                    if self._exact(trial, ctx, want, flexible):
                        piece = trial
                        break
            if piece.spelled.keys() == self.numbers.keys():
                return piece
            if len(piece.spelled) == before:
                return None  # nothing spelled: a second round would try the same
        return None

    @staticmethod
    def _exact(trial: Piece, ctx: Context, want: Array, flexible: bool) -> bool:
        """Whether ``trial`` reproduces ``want``: a constant by its number, any other phase evaluated."""
        if trial.family == "const":
            return ctx.close(np.full(want.size, number(trial.spelled["a"])), want)
        if trial.model is not None:
            values = {k: number(trial.spelled[k]) if k in trial.spelled else v for k, v in trial.numbers.items()}
            if not ctx.roughly(trial.model(values), want[sample_steps(want.size)]):
                return False
        return trial.reproduces(ctx, want, flexible)


def wordiness(piece: Piece) -> int:
    """How much a person reads in ``piece``'s numbers (:func:`lrdsl.fitting.spelling.cost` of each)."""
    known = piece.known()
    return sum(cost(s, known) for s in piece.spelled.values())


def awkward(piece: Piece) -> bool:
    """Whether a number of ``piece`` has 3 significant digits or more (``0.102``, ``0.099505``, ``0.02 / 19``)."""
    return any(len(re.sub(r"e[-+]?\d+|\D", "", text(s)).strip("0")) >= 3 for s in piece.spelled.values())
