"""What :func:`lrdsl.fit` returns."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Fit:
    """A fitted expression; ``exact`` when it reproduces every value, else the closest found.

    ``unmatched`` lists the spans ``(first step, last step)`` no named shape reproduces (written in
    ``expr`` as the line between their ends; the other phases are exact); ``complete`` is false when
    the search stopped at its budget (seconds, or candidate checks) before trying every structure;
    ``precision`` the precision the values were found to be computed in.
    """

    expr: str
    exact: bool
    max_error: float
    first_departure: int | None
    unmatched: tuple[tuple[int, int], ...] = ()
    complete: bool = True
    precision: str = "float64"
    """``"float32"`` when the values were read as float32 (and fitted at its tolerance)."""
    notes: tuple[str, ...] = field(default=())
    """What the fit decided that the expression does not show (steps a log did not give), for stderr."""


@dataclass(frozen=True)
class SetFit:
    """A fitted schedule set (LANGUAGE.md §9.5): ``members[name]`` is the :class:`Fit` of that member's curve.

    ``expr`` is the set's canonical text, one member per line (a set of ``lr`` alone: the bare
    expression); every member was fitted on the same steps, the set's one clock. ``notes`` say what was
    decided (columns read as members, columns left out), for stderr.
    """

    expr: str
    members: dict[str, Fit]
    notes: tuple[str, ...] = field(default=())

    @property
    def exact(self) -> bool:
        """Whether every member's expression reproduces its curve."""
        return all(f.exact for f in self.members.values())

    @property
    def complete(self) -> bool:
        """Whether every member's search tried every structure before its budget ran out."""
        return all(f.complete for f in self.members.values())
