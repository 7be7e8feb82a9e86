"""The momentum PyTorch's ``OneCycleLR`` and ``CyclicLR`` cycle (``cycle_momentum=True``, their default), as the
member of a set: ``momentum`` (SGD, RMSprop) or ``betas[0]`` (the Adam family, whose momentum is β₁).

``OneCycleLR`` anneals the momentum with the rate's phases and the rate's ``pct`` (PyTorch's
``get_lr``): with phase ends ``e₁ = pct·N − 1``, ``e₂ = N − 1`` (three phases: ``e₁``, ``e₂ = 2·pct·N − 2``,
``e₃ = N − 1``) and ``p = (t − eᵢ₋₁)/(eᵢ − eᵢ₋₁)`` in the phase holding ``t``, the momentum is
``anneal(hi → lo, p)``, then ``anneal(lo → hi, p)`` (and ``hi`` held in a third phase), where ``hi`` is
``max_momentum``, ``lo`` ``base_momentum`` and ``anneal`` the rate's cosine or linear ramp. When the phase ends
are whole steps, that is written phase by phase (``cosine(0.95→0.85, 29) >> cosine(0.85→0.95, 70) >> hold()``);
otherwise as the mirror of a one-cycle from ½ to 1 and back with those very phase ends,
``hi − (hi − lo)·(2·onecycle(1, N, div=2, final_div=1) − 1)``, whose ``2·x − 1`` runs 0 → 1 → 0.

``CyclicLR``'s momentum is ``hi − (hi − lo)·x`` where the rate is ``base_lr + (max_lr − base_lr)·x``: the rate's
cycle from ``hi`` to ``lo``.
"""

from __future__ import annotations

import importlib.util
import itertools
import warnings
from collections.abc import Sequence
from typing import Any

from lrdsl.errors import LrdslError
from lrdsl.importers.common import in_library, not_checked
from lrdsl.importers.common import literal as n
from lrdsl.importers.spec import Call, Ref
from lrdsl.importers.torch import (
    ABSOLUTE,
    RTOL,
    Sched,
    _copy,
    _cycle,
    _describe,
    _library,
    _onecycle_total,
    _pick,
)
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


def momentum_member(scheduler: Any, group: int = 0) -> tuple[str, str]:
    """The member name (``momentum`` or ``betas[0]``) and expression of the momentum a ``OneCycleLR`` or
    ``CyclicLR`` with ``cycle_momentum=True`` sets, checked against PyTorch's value at every step of a cycle
    (:func:`lrdsl.importers.common.check_points` of it for a longer one)."""
    name = type(scheduler).__name__
    if name not in ABSOLUTE or not getattr(scheduler, "cycle_momentum", False):
        raise LrdslError(
            f"PyTorch's {name} does not set the momentum",
            hint="only OneCycleLR and CyclicLR with cycle_momentum=True do: import the rate alone (momentum=False)",
        )
    key = "betas[0]" if scheduler.use_beta1 else "momentum"
    s = _describe(scheduler)
    assert s is not None  # a OneCycleLR or CyclicLR of PyTorch's own class
    if name == "OneCycleLR":
        values = scheduler.optimizer.param_groups[group]
        hi, lo = float(values["max_momentum"]), float(values["base_momentum"])
        ends: list[float] | None = [float(phase["end_step"]) for phase in scheduler._schedule_phases]
    else:
        hi, lo = float(scheduler.max_momentums[group]), float(scheduler.base_momentums[group])
        ends = None
    tree, length = cycled(s, hi, lo, ends)
    text = str(tree)
    _check_momentum(scheduler, group, key, text, length)
    return key, text


def of_call(rate: str, s: Sched, args: list[object], kwargs: dict[str, object], choice: str) -> str:
    """``rate`` (the import of the call ``s``), or the set of it and the momentum ``s`` cycles, as ``choice``
    (:data:`CHOICES`) says; the momentum checked against PyTorch when it is installed."""
    if choice not in CHOICES:
        raise LrdslError(f"momentum= is one of {', '.join(CHOICES)}, not {choice!r}")
    cycles = s.name in ABSOLUTE and s.kw["cycle_momentum"] is not False
    written = _written_member(args, kwargs)
    if choice == "off" or (choice == "auto" and not cycles):
        return rate
    if choice == "auto" and written is None:
        from lrdsl.importers.verify import remark

        remark(
            f"PyTorch's {s.name} also cycles the momentum (cycle_momentum=True): --momentum momentum (SGD, "
            "RMSprop) or --momentum betas[0] (the Adam family) imports it as a set"
        )
        return rate
    key = written if choice == "auto" else choice
    assert key is not None
    if not cycles:
        raise LrdslError(
            f"PyTorch's {s.name} does not set the momentum",
            hint="only OneCycleLR and CyclicLR with cycle_momentum=True do: drop --momentum",
        )
    if written is not None and written != key:
        raise LrdslError(
            f"the optimizer written in the call sets its momentum as {written}, not {key}",
            hint=f"--momentum {written}",
        )
    from lrdsl.language.parser import parse_set

    return str(parse_set(f"lr: {rate}\n{key}: {_of_spec(s, key)}"))


def _written_member(args: list[object], kwargs: dict[str, object]) -> str | None:
    """``momentum`` or ``betas[0]`` when the call's optimizer is written as a call of a known class, else None."""
    optimizer = kwargs.get("optimizer", args[0] if args and isinstance(args[0], Call | Ref) else None)
    name = optimizer.short if isinstance(optimizer, Call) else None
    return "betas[0]" if name in BETAS else "momentum" if name in MOMENTUM else None


def _of_spec(s: Sched, key: str) -> str:
    """The momentum of the call ``s`` as ``key`` sets it: from the real scheduler (built on an SGD with momentum or
    an AdamW) when PyTorch is installed, else mapped from the arguments alone, unchecked (a note says so)."""
    if importlib.util.find_spec("torch") is None:
        not_checked(f"PyTorch's {s.name}'s momentum", "PyTorch is not installed")
        hi, lo = _pick(s.kw["max_momentum"], 0), _pick(s.kw["base_momentum"], 0)
        return str(cycled(s, hi, lo)[0])
    return momentum_member(in_library("PyTorch", f"{s.name} with cycle_momentum=True", lambda: _built(s, key)))[1]


def _built(s: Sched, key: str) -> Any:
    """A fresh scheduler of the call ``s``, cycling the momentum, on an optimizer with ``key``."""
    import torch
    from torch.optim import lr_scheduler as L

    params = [torch.nn.Parameter(torch.zeros(1))]
    opt = torch.optim.AdamW(params) if key == "betas[0]" else torch.optim.SGD(params, lr=0.1, momentum=0.9)
    return getattr(L, s.name)(opt, **{**s.kw, "cycle_momentum": True})


def cycled(s: Sched, hi: float, lo: float, ends: Sequence[float] | None = None) -> tuple[A.Expr, int]:
    """The momentum ``s`` (a ``OneCycleLR`` or ``CyclicLR``) cycles between ``hi`` (``max_momentum``) and ``lo``
    (``base_momentum``), and the steps to check it over. ``ends``: a ``OneCycleLR``'s phase ends as the object
    holds them (else computed from ``pct_start`` as PyTorch computes them)."""
    if s.name == "OneCycleLR":
        return _onecycle_momentum(s, hi, lo, ends), _onecycle_total(s.kw)
    return _cyclic_momentum(s, hi, lo)


def _phase_ends(s: Sched) -> list[float]:
    """PyTorch's ``end_step`` of each phase: ``float(pct·N) − 1``, (``float(2·pct·N) − 2``,) ``N − 1``."""
    total, pct = _onecycle_total(s.kw), s.kw["pct_start"]
    if s.kw["three_phase"]:
        return [float(pct * total) - 1, float(2 * pct * total) - 2, float(total - 1)]
    return [float(pct * total) - 1, float(total - 1)]


def _onecycle_momentum(s: Sched, hi: float, lo: float, ends: Sequence[float] | None) -> A.Expr:
    """Phase by phase when every phase end is a whole step, else the mirrored ``onecycle`` (module docstring)."""
    ends = list(_phase_ends(s) if ends is None else ends)
    if ends[0] <= 0 or any(b <= a for a, b in itertools.pairwise(ends)):
        raise LrdslError(
            f"PyTorch's OneCycleLR ends its momentum phases at steps {', '.join(f'{e:g}' for e in ends)}: "
            "a phase with no steps, which lrdsl's onecycle does not write",
            hint="choose pct_start with pct_start · total_steps > 1 (below 0.5 with three_phase=True), "
            "or import the rate alone (momentum=False)",
        )
    linear = s.kw["anneal_strategy"] == "linear"
    if all(abs(e - round(e)) <= WHOLE for e in ends):
        values = [(hi, lo), (lo, hi), (hi, hi)]
        parts: list[A.Node] = []
        start = 0
        for end, (a, b) in zip(ends, values):
            parts.append(B.shape("linear" if linear else "cosine", (n(a), n(b)), round(end) - start))
            start = round(end)
        return B.seq(*parts, B.shape("hold"))
    cycle = B.shape(
        "onecycle",
        n(1),
        _onecycle_total(s.kw),
        pct=n((ends[0] + 1) / _onecycle_total(s.kw)),
        div=n(2),
        final_div=n(1),
        anneal="linear" if linear else None,
        three_phase=True if s.kw["three_phase"] else None,
    )
    swing = B.sub(B.mul(n(2), cycle), n(1))
    return B.sub(n(hi), B.mul(B.sub(n(hi), n(lo)), swing))


def _cyclic_momentum(s: Sched, hi: float, lo: float) -> tuple[A.Expr, int]:
    """The rate's cycle with ``hi`` in place of ``base_lr`` and ``lo`` in place of ``max_lr``."""
    up, down = s.kw["step_size_up"], s.kw["step_size_down"]
    down = up if down is None else down
    if s.kw["scale_fn"] is not None or not (float(up).is_integer() and float(down).is_integer()):
        raise LrdslError(
            "PyTorch's CyclicLR's momentum follows a scale_fn or halves that are not whole steps",
            hint="import the rate alone (momentum=False)",
        )
    if up != down and s.kw["mode"] != "triangular":
        raise LrdslError(
            f"PyTorch's CyclicLR's momentum in mode {s.kw['mode']!r} with unequal halves falls from "
            "max_momentum, which lrdsl writes only for equal halves",
            hint="use equal halves (step_size_down=None), or import the rate alone (momentum=False)",
        )
    return _cycle(hi, lo, int(up), int(down), s.kw["mode"], n(s.kw["gamma"])), 3 * int(up + down)


def _check_momentum(scheduler: Any, g: int, key: str, text: str, length: int) -> None:
    """``text`` is the momentum PyTorch's own scheduler (a copy, set to each step in closed form) sets, to ``RTOL``
    (:func:`lrdsl.importers.verify.verified`: ``lrdsl import --check`` prints the comparison)."""
    from lrdsl.importers.common import check_points
    from lrdsl.importers.verify import verified

    steps = check_points(length)
    theirs = _library("momentum", lambda: _momentum_at(scheduler, g, key, steps))
    source = f"PyTorch's {type(scheduler).__name__}'s {key}"
    verified(text, theirs, source=source, rtol=RTOL, steps=steps, total_steps=length)


def _momentum_at(scheduler: Any, g: int, key: str, steps: Sequence[int]) -> list[float]:
    """The ``key`` group ``g`` of a copy of ``scheduler`` holds at each of ``steps`` (its ``get_lr`` is closed form)."""
    copied = _copy(scheduler)
    group = copied.optimizer.param_groups[g]
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for t in steps:
            copied.last_epoch = t - 1
            copied.step()
            out.append(float(group["betas"][0] if key == "betas[0]" else group["momentum"]))
    return out
