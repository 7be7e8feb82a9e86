"""What :func:`lrdsl.fit` returns."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fit:
    """A fitted expression; ``exact`` when it reproduces every value, else the closest found."""

    expr: str
    exact: bool
    max_error: float
    first_departure: int | None
