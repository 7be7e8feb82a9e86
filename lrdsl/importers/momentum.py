"""The momentum PyTorch's ``OneCycleLR`` and ``CyclicLR`` cycle (``cycle_momentum=True``, their default), as the
member of a set: ``momentum`` (SGD, RMSprop) or ``betas[0]`` (the Adam family, whose momentum is β₁). The
mapping from numbers and the choice of the member; :mod:`lrdsl.importers.torch` reads the scheduler or the call
and checks the result against PyTorch.

``OneCycleLR`` anneals the momentum with the rate's phases and the rate's ``pct`` (PyTorch's
``get_lr``): with phase ends ``e₁ = pct·N − 1``, ``e₂ = N − 1`` (three phases: ``e₁``, ``e₂ = 2·pct·N − 2``,
``e₃ = N − 1``) and ``p = (t − eᵢ₋₁)/(eᵢ − eᵢ₋₁)`` in the phase holding ``t``, the momentum is
``anneal(hi → lo, p)``, then ``anneal(lo → hi, p)`` (and ``hi`` held in a third phase), where ``hi`` is
``max_momentum``, ``lo`` ``base_momentum`` and ``anneal`` the rate's cosine or linear ramp. When the phase ends
are whole steps, that is written phase by phase (``cosine(0.95→0.85, 29) >> cosine(0.85→0.95, 70) >> hold()``);
otherwise as the mirror of a one-cycle from ½ to 1 and back with those very phase ends,
``hi − (hi − lo)·(2·onecycle(1, N, div=2, final_div=1) − 1)``, whose ``2·x − 1`` runs 0 → 1 → 0.

``CyclicLR``'s momentum is ``hi − (hi − lo)·x`` where the rate is ``base_lr + (max_lr − base_lr)·x``: the rate's
cycle from ``hi`` to ``lo`` (:func:`lrdsl.importers.torch.momentum_member`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from lrdsl.errors import LrdslError
from lrdsl.importers.common import literal as n
from lrdsl.importers.spec import Call, Ref
from lrdsl.language import ast as A
from lrdsl.language import build as B

BETAS = ("Adam", "AdamW", "Adamax", "NAdam", "RAdam", "SparseAdam")
"""``torch.optim`` classes with ``betas``: a cycled momentum sets β₁ (``betas[0]``)."""
MOMENTUM = ("SGD", "RMSprop")
"""``torch.optim`` classes with ``momentum``."""
CHOICES = ("auto", "momentum", "betas[0]", "off")
"""What ``lrdsl import torch --momentum`` takes: the member to import a cycled momentum as, ``off`` (the rate
alone) or ``auto`` (the member the optimizer written in the call has; the rate alone and a note without one)."""
WHOLE = 1e-9
"""A phase end this close to a whole step is that step: at most a step's value moves by ~1e-16 of the ramp."""


def chosen_member(
    name: str, cycles: bool, args: Sequence[object], kwargs: dict[str, object], choice: str
) -> str | None:
    """The member a call of ``name`` (``cycles``: it cycles the momentum) imports its momentum as, by ``choice``
    (:data:`CHOICES`); None: the rate alone (with a note when the call cycles it and the optimizer is not written)."""
    if choice not in CHOICES:
        raise LrdslError(f"momentum= is one of {', '.join(CHOICES)}, not {choice!r}")
    written = _written_member(args, kwargs)
    if choice == "off" or (choice == "auto" and not cycles):
        return None
    if choice == "auto" and written is None:
        from lrdsl.importers.verify import remark

        remark(
            f"PyTorch's {name} also cycles the momentum (cycle_momentum=True): --momentum momentum (SGD, "
            "RMSprop) or --momentum betas[0] (the Adam family) imports it as a set"
        )
        return None
    if not cycles:
        raise LrdslError(
            f"PyTorch's {name} does not set the momentum",
            hint="only OneCycleLR and CyclicLR with cycle_momentum=True do: drop --momentum",
        )
    if written is not None and choice != "auto" and written != choice:
        raise LrdslError(
            f"the optimizer written in the call sets its momentum as {written}, not {choice}",
            hint=f"--momentum {written}",
        )
    return written if choice == "auto" else choice


def _written_member(args: Sequence[object], kwargs: dict[str, object]) -> str | None:
    """``momentum`` or ``betas[0]`` when the call's optimizer is written as a call of a known class, else None."""
    optimizer = kwargs.get("optimizer", args[0] if args and isinstance(args[0], Call | Ref) else None)
    name = optimizer.short if isinstance(optimizer, Call) else None
    return "betas[0]" if name in BETAS else "momentum" if name in MOMENTUM else None


def phase_ends(total: int, pct: float, three_phase: bool) -> list[float]:
    """PyTorch's ``end_step`` of each phase: ``float(pct·N) − 1``, (``float(2·pct·N) − 2``,) ``N − 1``."""
    if three_phase:
        return [float(pct * total) - 1, float(2 * pct * total) - 2, float(total - 1)]
    return [float(pct * total) - 1, float(total - 1)]


def onecycle_momentum(total: int, ends: Sequence[float], hi: float, lo: float, linear: bool) -> A.Expr:
    """``OneCycleLR``'s momentum over ``total`` steps with phase ends ``ends``: phase by phase when every end is a
    whole step, else the mirrored ``onecycle`` (module docstring)."""
    if ends[0] <= 0 or any(b <= a for a, b in itertools.pairwise(ends)):
        raise LrdslError(
            f"PyTorch's OneCycleLR ends its momentum phases at steps {', '.join(f'{e:g}' for e in ends)}: "
            "a phase with no steps, which lrdsl's onecycle does not write",
            hint="choose pct_start with pct_start · total_steps > 1 (below 0.5 with three_phase=True), "
            "or import the rate alone (momentum=False)",
        )
    if all(abs(e - round(e)) <= WHOLE for e in ends):
        parts: list[A.Node] = []
        start = 0
        for end, (a, b) in zip(ends, [(hi, lo), (lo, hi), (hi, hi)]):
            parts.append(B.shape("linear" if linear else "cosine", (n(a), n(b)), round(end) - start))
            start = round(end)
        return B.seq(*parts, B.shape("hold"))
    cycle = B.shape(
        "onecycle",
        n(1),
        total,
        pct=n((ends[0] + 1) / total),
        div=n(2),
        final_div=n(1),
        anneal="linear" if linear else None,
        three_phase=True if len(ends) == 3 else None,
    )
    swing = B.sub(B.mul(n(2), cycle), n(1))
    return B.sub(n(hi), B.mul(B.sub(n(hi), n(lo)), swing))
