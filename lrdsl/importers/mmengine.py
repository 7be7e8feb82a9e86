"""mmengine's ``param_scheduler`` (a config's list of dicts) → the lrdsl expression.

mmengine steps every scheduler of the list after each iteration (``by_epoch=False``) or after each
epoch (``by_epoch=True``); a scheduler acts only while its step count is in ``[begin, end)`` and then
leaves the rate where it was. ``convert_to_iter_based=True`` rewrites an epoch-based scheduler in
iterations (``begin``, ``end``, ``T_max``, ``periods``, ``step_size``, ``milestones``, ``total_steps``
times the iterations per epoch), as ``build_iter_from_epoch`` does. In the window, with local step
``s = step − begin``, ``T = end − begin − 1`` and ``v`` the rate the window starts from:

- ``LinearLR``: ``v·(a + (b − a)·s/T)`` → ``linear(a·v→b·v, T)``: the end factor is reached at ``end − 1``;
- ``ConstantLR``: ``f·v`` for ``s < T``, then ``v`` → ``const(f·v, T) >> const(v)``;
- ``StepLR``, ``MultiStepLR`` (milestones count from ``begin``), ``ExponentialLR`` → ``step``, ``multistep``, ``exp_decay``;
- ``CosineAnnealingLR``: ``η + (v − η)·(1 + cos(πs/T_max))/2``, ``η = eta_min`` or ``eta_min_ratio``·the
  optimizer's rate, ``T_max`` defaulting to ``end − begin`` → ``cosine(v→η, T_max)``;
- ``PolyLR``: ``η + (v − η)·(1 − s/T)^power`` → ``poly(v→η, T, power=power)``;
- ``OneCycleLR`` (PyTorch's, over ``total_steps``) → ``onecycle(eta_max, total_steps, …)``;
- ``CosineRestartLR``: cycle ``i`` is ``cosine(w_i·η₀→η, periods[i])``; after the last the rate stays
  at its last step's value.

Epoch-based windows whose rate moves inside them end with ``* quantize(1ep)``. Windows that overlap
multiply (every scheduler scales the rate the others left) and are written as a product of factors;
that is exact only for schedulers that scale the rate (all above but ``OneCycleLR``,
``CosineRestartLR`` and a cosine or poly with a floor), and the rest are refused when they overlap.
``ReduceOnPlateauLR`` is refused (it follows a metric); momentum schedulers are skipped (they do not
set the rate).
"""

from __future__ import annotations

import itertools
import math
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from lrdsl.errors import LrdslError
from lrdsl.importers import common
from lrdsl.importers.common import Args, Kwargs, num, number, tidy, whole
from lrdsl.importers.common import literal as n
from lrdsl.importers.spec import bounded
from lrdsl.importers.verify import unchecked, verified
from lrdsl.language import ast as A
from lrdsl.language import build as B
from lrdsl.language.echo import shown

SOURCE = "mmengine"
INF = 1_000_000_000
"""mmengine's ``INF``: the ``end`` of a scheduler without one."""
KNOWN = (
    "LinearLR",
    "ConstantLR",
    "StepLR",
    "MultiStepLR",
    "ExponentialLR",
    "CosineAnnealingLR",
    "PolyLR",
    "OneCycleLR",
    "CosineRestartLR",
)
PARAMS: dict[str, tuple[str, ...]] = {
    "LinearLR": ("start_factor", "end_factor"),
    "ConstantLR": ("factor",),
    "StepLR": ("step_size", "gamma"),
    "MultiStepLR": ("milestones", "gamma"),
    "ExponentialLR": ("gamma",),
    "CosineAnnealingLR": ("T_max", "eta_min", "eta_min_ratio"),
    "PolyLR": ("eta_min", "power"),
    "OneCycleLR": (
        "eta_max",
        "total_steps",
        "pct_start",
        "anneal_strategy",
        "div_factor",
        "final_div_factor",
        "three_phase",
    ),
    "CosineRestartLR": ("periods", "restart_weights", "eta_min", "eta_min_ratio"),
}
COMMON = ("type", "begin", "end", "by_epoch", "convert_to_iter_based", "last_step", "verbose")


@dataclass
class Window:
    """One scheduler: its kind, arguments (in its own unit) and window ``[begin, end)`` in that unit."""

    kind: str
    args: dict[str, object]
    by_epoch: bool
    begin: int
    end: int
    raw: dict[str, object] = field(default_factory=dict)


def _entries(param_scheduler: object) -> list[dict[str, object]]:
    if isinstance(param_scheduler, Mapping):
        if "param_scheduler" in param_scheduler:
            param_scheduler = param_scheduler["param_scheduler"]
        else:
            param_scheduler = [param_scheduler]
    if not isinstance(param_scheduler, list | tuple) or not all(isinstance(e, Mapping) for e in param_scheduler):
        raise LrdslError(
            f"{SOURCE}: param_scheduler must be a dict or a list of dicts with a 'type'",
            hint="param_scheduler = [dict(type='LinearLR', …), dict(type='CosineAnnealingLR', …)]",
        )
    return [dict(e) for e in param_scheduler]


def windows(param_scheduler: object, iters_per_epoch: int | None, *, rate_known: bool = False) -> list[Window]:
    """The config's LR schedulers, each converted to iterations when it asks to be; none (the optimizer's rate
    held) only when ``rate_known``."""
    out = [w for entry in _entries(param_scheduler) if (w := _window(entry, iters_per_epoch)) is not None]
    if not out and not rate_known:
        raise LrdslError(
            f"{SOURCE}: param_scheduler has no LR scheduler", hint="add one, e.g. dict(type='CosineAnnealingLR')"
        )
    return out


def _kind(entry: Mapping[str, object]) -> str | None:
    """The LR scheduler ``entry`` names (None for one of another hyper-parameter); its arguments checked."""
    kind = str(entry.get("type", "")).rsplit(".", 1)[-1]
    if kind.endswith("Momentum") or (kind.endswith("ParamScheduler") and entry.get("param_name") != "lr"):
        return None  # another hyper-parameter than the rate
    if kind == "ReduceOnPlateauLR":
        raise LrdslError(
            f"{SOURCE} ReduceOnPlateauLR cannot be imported: it lowers the rate when a metric stops improving, "
            "which no schedule of the step can say",
            hint="pick a schedule by step or epoch",
        )
    if kind not in KNOWN:
        raise LrdslError(
            f"{SOURCE} has no LR scheduler {shown(kind)} that lrdsl reads", hint="one of " + ", ".join(KNOWN)
        )
    for key in entry:
        if key not in COMMON and key not in PARAMS[kind]:
            raise LrdslError(
                f"{SOURCE} {kind} has no argument {shown(key)}",
                hint="it takes: " + ", ".join(COMMON[1:] + PARAMS[kind]),
            )
    return kind


def _window(entry: Mapping[str, object], iters_per_epoch: int | None) -> Window | None:
    """``entry``'s window (None when it schedules another hyper-parameter)."""
    kind = _kind(entry)
    if kind is None:
        return None
    args = {k: v for k, v in entry.items() if k in PARAMS[kind]}
    begin = whole(entry.get("begin", 0), "begin", f"{SOURCE} {kind}")
    end = whole(entry.get("end", INF), "end", f"{SOURCE} {kind}")
    if end <= begin:
        raise LrdslError(f"{SOURCE} {kind}: end ({end}) must be after begin ({begin})")
    w = Window(kind, args, bool(entry.get("by_epoch", True)), begin, end, dict(entry))
    if entry.get("convert_to_iter_based") and w.by_epoch:
        _to_iterations(w, iters_per_epoch)
    if kind == "OneCycleLR" and w.by_epoch:
        raise LrdslError(
            f"{SOURCE} OneCycleLR by epoch cannot be imported: stepped once per epoch, its phases end on "
            "epochs that onecycle(…) in steps does not place",
            hint="set by_epoch=False, or convert_to_iter_based=True",
        )
    return w


def _to_iterations(w: Window, iters_per_epoch: int | None) -> None:
    """``w`` (by epoch) rewritten in iterations, as mmengine's ``build_iter_from_epoch`` does."""
    if iters_per_epoch is None:
        raise LrdslError(
            f"{SOURCE} {w.kind}: convert_to_iter_based needs the iterations per epoch",
            hint="give iters_per_epoch=… (CLI: --steps-per-epoch K)",
        )
    k, args = iters_per_epoch, w.args
    for key in ("T_max", "step_size", "total_steps"):
        if args.get(key) is not None:
            args[key] = number(args[key], key, SOURCE) * k
    for key, kind in (("milestones", "MultiStepLR"), ("periods", "CosineRestartLR")):
        if w.kind == kind:
            args[key] = [number(m, key, SOURCE) * k for m in _list(args, key, kind)]
    w.begin, w.end, w.by_epoch = int(w.begin * k), w.end if w.end == INF else int(w.end * k), False


def _list(args: Mapping[str, object], key: str, kind: str) -> list[object]:
    value = args.get(key)
    if not isinstance(value, list | tuple) or not value:
        raise LrdslError(f"{SOURCE} {kind}: {key} must be a non-empty list", hint=f"{key}=[8, 11]")
    return list(value)


Dur = Callable[[float], B.Quantity]
"""A window's count (its unit: iterations or epochs) as a duration."""


@dataclass
class Phase:
    """A window's expression over its ``length`` (in its unit) and the rate it leaves."""

    text: A.Expr
    end_value: float
    hold: B.Quantity | None = None
    """The steps the rate holds at the window's end value after ``text`` (``text``'s own end value)."""
    settled: bool = False
    """Whether ``text`` ends at ``end_value`` (lrdsl holds a phase's end value, mmengine its last step's)."""


def _cos(v: float, eta: float, s: float, t: float) -> float:
    return eta + (v - eta) * (1 + math.cos(math.pi * s / t)) / 2


def _held(shape: A.Expr, natural: float, end_value: float, length: int, dur: Dur) -> Phase:
    """``shape`` over its ``natural`` length, then its end value held for the rest of ``length``."""
    return Phase(shape, end_value, dur(length - natural) if length > natural else None, True)


def _cosine_cut(top: float, eta: float, fraction: float, length: B.Quantity) -> A.Expr:
    """``fn(η + (top − η)·(1 + cos(π·p·fraction))/2, length)``: a cosine cut at ``fraction`` of its period."""
    wave = B.add(1, B.math_call("cos", B.mul(B.name("pi"), B.name("p"), n(fraction))))
    formula = B.div(B.mul(n(top - eta), wave), 2)
    return B.fn(B.add(n(eta), formula) if eta else formula, length)


def _linear(w: Window, v: float, base: float, length: int, dur: Dur) -> Phase:
    src, a, t = f"{SOURCE} {w.kind}", w.args, w.end - w.begin - 1
    lo = number(a.get("start_factor", 1 / 3), "start_factor", src)
    hi = number(a.get("end_factor", 1.0), "end_factor", src)
    if t <= 0:
        return Phase(B.shape("const", n(lo * v), dur(length)), lo * v, settled=True)
    if length <= t:
        reach = lo + (hi - lo) * length / t
        end_value = v * (lo + (hi - lo) * (length - 1) / t)
        return Phase(B.shape("linear", (n(lo * v), n(reach * v)), dur(length)), end_value)
    return _held(B.shape("linear", (n(lo * v), n(hi * v)), dur(t)), t, hi * v, length, dur)


def _constant(w: Window, v: float, base: float, length: int, dur: Dur) -> Phase:
    t = w.end - w.begin - 1
    f = number(w.args.get("factor", 1 / 3), "factor", f"{SOURCE} {w.kind}")
    if length <= t:
        return Phase(B.shape("const", n(f * v), dur(length)), f * v, settled=True)
    both = B.seq(B.shape("const", n(f * v), dur(t)), B.shape("const", n(v), dur(length - t)))
    return Phase(both, v, settled=True)


def _step(w: Window, v: float, base: float, length: int, dur: Dur) -> Phase:
    src = f"{SOURCE} {w.kind}"
    k = number(w.args.get("step_size"), "step_size", src)
    g = number(w.args.get("gamma", 0.1), "gamma", src)
    drops = math.floor((length - 1) / k)
    text = B.shape("step", n(v), dur(length), gamma=n(g), every=dur(k))
    return Phase(text, v * g**drops, settled=drops == math.floor(length / k))


def _multistep(w: Window, v: float, base: float, length: int, dur: Dur) -> Phase:
    src = f"{SOURCE} {w.kind}"
    g = number(w.args.get("gamma", 0.1), "gamma", src)
    marks = sorted(number(m, "milestones", src) for m in _list(w.args, "milestones", w.kind))
    inside = [m for m in marks if m < length]
    if not inside:
        return Phase(B.shape("const", n(v), dur(length)), v, settled=True)
    text = B.shape("multistep", n(v), dur(length), gamma=n(g), at=[dur(m) for m in inside])
    return Phase(text, v * g ** len(inside), settled=length not in marks)


def _exponential(w: Window, v: float, base: float, length: int, dur: Dur) -> Phase:
    g = number(w.args.get("gamma"), "gamma", f"{SOURCE} {w.kind}")
    every = None if dur(1).unit == "steps" else dur(1)
    return Phase(B.shape("exp_decay", n(v), dur(length), rate=n(g), every=every), v * g ** (length - 1))


def _cosine(w: Window, v: float, base: float, length: int, dur: Dur) -> Phase:
    src, a = f"{SOURCE} {w.kind}", w.args
    eta = _eta_min(a, base, src)
    tmax = number(a["T_max"], "T_max", src) if a.get("T_max") else float(w.end - w.begin)
    last = _cos(v, eta, length - 1, tmax)
    if length == tmax + 1:
        return _held(B.shape("cosine", (n(v), n(eta)), dur(tmax)), tmax, last, length, dur)
    if length == tmax:
        return Phase(B.shape("cosine", (n(v), n(eta)), dur(tmax)), last)
    if length > tmax + 1 and not math.isclose(v, base, rel_tol=1e-12):
        raise LrdslError(
            f"{src}: its window runs past T_max from a rate ({num(v)}) other than the optimizer's ({num(base)}), "
            "where mmengine's step-to-step rule has no closed form",
            hint="end the window at begin + T_max (+1), or start it at the optimizer's rate",
        )
    return Phase(_cosine_cut(v, eta, length / tmax, dur(length)), last)


def _poly(w: Window, v: float, base: float, length: int, dur: Dur) -> Phase:
    src, a, t = f"{SOURCE} {w.kind}", w.args, w.end - w.begin - 1
    eta = number(a.get("eta_min", 0.0), "eta_min", src)
    power = number(a.get("power", 1.0), "power", src)
    last = eta + (v - eta) * (1 - (length - 1) / t) ** power if t > 0 else v
    if length == t + 1:
        return _held(B.shape("poly", (n(v), n(eta)), dur(t), power=n(power)), t, last, length, dur)
    decay = B.mul(n(v - eta), B.power(B.sub(1, B.mul(B.name("p"), n(length / t))), n(power)))
    return Phase(B.fn(B.add(n(eta), decay) if eta else decay, dur(length)), last)


def phase(w: Window, v: float, base: float, length: int, dur: Dur) -> Phase:
    """The expression of window ``w`` for its first ``length`` steps (its unit), entered at rate ``v``."""
    return _PHASES[w.kind](w, v, base, length, dur)


def _eta_min(a: Mapping[str, object], base: float, src: str) -> float:
    if a.get("eta_min") is not None and a.get("eta_min_ratio") is not None:
        raise LrdslError(f"{src}: give eta_min or eta_min_ratio, not both")
    if a.get("eta_min_ratio") is not None:
        return base * number(a["eta_min_ratio"], "eta_min_ratio", src)
    return number(a.get("eta_min", 0.0) or 0.0, "eta_min", src)


def _onecycle(w: Window, v: float, base: float, length: int, dur: Dur) -> Phase:
    src = f"{SOURCE} OneCycleLR"
    a = w.args
    total = int(number(a["total_steps"], "total_steps", src)) if a.get("total_steps") else w.end - w.begin
    if length > total:
        raise LrdslError(
            f"{src}: its window is longer than total_steps ({total}), which mmengine refuses to step past",
            hint="set end = begin + total_steps",
        )
    top = number(a.get("eta_max", 0), "eta_max", src)
    pct = number(a.get("pct_start", 0.3), "pct_start", src)
    if not pct * total > 1:
        raise LrdslError(
            f"{src}: pct_start × total_steps ({num(pct)} × {total}) leaves its rising phase no step",
            hint="give more steps (total_steps or the window) or a larger pct_start",
        )
    opts: dict[str, B.Given | None] = {}
    for key, name, default in (
        ("pct_start", "pct", 0.3),
        ("div_factor", "div", 25.0),
        ("final_div_factor", "final_div", 1e4),
    ):
        value = number(a.get(key, default), key, src)
        opts[name] = n(value) if value != default else None
    opts["anneal"] = "linear" if a.get("anneal_strategy", "cos") == "linear" else None
    opts["three_phase"] = True if a.get("three_phase") else None
    low = top / number(a.get("div_factor", 25.0), "div_factor", src)
    low /= number(a.get("final_div_factor", 1e4), "final_div_factor", src)
    return Phase(B.shape("onecycle", n(top), dur(total), **opts), low, settled=length == total)


def _restarts(w: Window, v: float, base: float, length: int, dur: Dur) -> Phase:
    src = f"{SOURCE} CosineRestartLR"
    periods = [number(p, "periods", src) for p in _list(w.args, "periods", w.kind)]
    weights = [number(x, "restart_weights", src) for x in _list({"r": w.args.get("restart_weights", [1])}, "r", w.kind)]
    if len(weights) != len(periods):
        raise LrdslError(f"{src}: periods and restart_weights must have the same length")
    eta = _eta_min(w.args, base, src)
    if length >= sum(periods):
        last = _cos(base * weights[-1], eta, periods[-1] - 1, periods[-1])
        cycles = [B.shape("cosine", (n(base * x), n(eta)), dur(p)) for p, x in zip(periods, weights, strict=True)]
        same = len(set(periods)) == 1 and len(set(weights)) == 1
        text = B.mul(cycles[0], B.call("repeat", len(periods))) if same else B.seq(*cycles)
        if length > sum(periods):
            return Phase(B.seq(text, B.shape("const", n(last), dur(length - sum(periods)))), last, settled=True)
        return Phase(text, last)
    # the window ends inside a cycle: the whole cycles, then the cut one, and the rate of its last step
    parts: list[A.Expr] = []
    left = float(length)
    for p, x in zip(periods, weights, strict=True):
        top = base * x
        if left >= p:
            parts.append(B.shape("cosine", (n(top), n(eta)), dur(p)))
            left -= p
            continue
        parts.append(_cosine_cut(top, eta, left / p, dur(left)))
        return Phase(B.seq(*parts), _cos(top, eta, left - 1, p))
    raise AssertionError("unreachable: the window is shorter than the cycles")  # pragma: no cover


_PHASES: dict[str, Callable[[Window, float, float, int, Dur], Phase]] = {
    "LinearLR": _linear,
    "ConstantLR": _constant,
    "StepLR": _step,
    "MultiStepLR": _multistep,
    "ExponentialLR": _exponential,
    "CosineAnnealingLR": _cosine,
    "PolyLR": _poly,
    "OneCycleLR": _onecycle,
    "CosineRestartLR": _restarts,
}
"""Each scheduler's phase builder: ``(window, rate entered at, optimizer's rate, length, duration) → Phase``."""


def _span(w: Window, k: int, run_steps: int | None) -> tuple[int, int]:
    """The iterations ``[start, stop)`` of window ``w`` (``k`` per epoch), cut at the run's end."""
    scale = k if w.by_epoch else 1
    end = w.begin * scale if w.end == INF and run_steps is None else w.end * scale
    if run_steps is not None:
        end = min(end, run_steps)
    return w.begin * scale, end


def _no_absolute_rate(ws: list[Window]) -> None:
    """An :class:`LrdslError` when a window sets an absolute floor (``eta_min``), which needs the optimizer's rate."""
    absolute = [
        w.kind for w in ws if w.kind in ("CosineAnnealingLR", "PolyLR", "CosineRestartLR") and w.args.get("eta_min")
    ]
    if absolute:
        raise LrdslError(
            f"{SOURCE} {absolute[0]}: eta_min is an absolute rate, so the expression needs the optimizer's",
            hint="give lr=… (optim_wrapper.optimizer.lr), or eta_min_ratio instead",
        )


def expression(param_scheduler: object, *, lr: float | None, iters_per_epoch: int | None, run_steps: int | None) -> str:
    """The expression of ``param_scheduler`` over a run of ``run_steps`` iterations (η = ``lr``, else 1)."""
    ws = windows(param_scheduler, iters_per_epoch, rate_known=lr is not None)
    if lr is None:
        _no_absolute_rate(ws)
    base = 1.0 if lr is None else number(lr, "lr", SOURCE)
    if not ws:  # no LR scheduler: mmengine leaves the optimizer's rate as it is
        return B.text(n(base))
    k = iters_per_epoch or 1

    if run_steps is None and any(w.end == INF for w in ws):
        raise LrdslError(
            f"{SOURCE}: a scheduler without an end needs the run's length",
            hint="give max_epochs=… (CLI: --steps N)",
        )
    spans = [_span(w, k, run_steps) for w in ws]
    live = [(w, s) for w, s in zip(ws, spans, strict=True) if s[1] > s[0]]
    order = sorted(live, key=lambda ws_: ws_[1][0])
    overlap = any(a[1][1] > b[1][0] and not _shares_a_step(a, b, k) for a, b in itertools.pairwise(order))
    if overlap:
        return _product(order, base, k, run_steps or max(stop for _, (_, stop) in order))
    return _sequence(order, base, k, run_steps)


Span = tuple[Window, tuple[int, int]]
"""A window and the iterations ``[start, stop)`` it acts on."""


def _unchanged_at_first_step(w: Window) -> bool:
    """Whether ``w``'s step 0 leaves the rate it is entered at as it is (mmengine's chainable ``_get_value`` at
    ``last_step == 0``): a cosine, poly, exponential or step decay, a ``LinearLR`` from factor 1."""
    if w.kind in ("CosineAnnealingLR", "PolyLR", "ExponentialLR", "StepLR"):
        return True
    if w.kind == "MultiStepLR":
        marks = w.args.get("milestones")
        return not isinstance(marks, list | tuple) or 0 not in marks
    return w.kind == "LinearLR" and w.args.get("start_factor", 1 / 3) == 1


def _shares_a_step(a: Span, b: Span, k: int) -> bool:
    """Whether ``b``'s window begins on ``a``'s last step (its epoch, by epoch) and leaves the rate there as ``a``
    sets it: the layout mmengine's own configs use for a warm-up and its decay (``end = W + 1``, ``begin = W``).
    At that step ``a`` makes its last update and ``b`` its step 0, in either order the rate ``a`` sets; from the
    next step only ``b`` acts. So the two are ``a``'s first ``b.begin − a.begin`` steps, then ``b`` entered at
    ``a``'s last value."""
    (wa, (_, stop)), (wb, (start, _)) = a, b
    unit = k if wb.by_epoch else 1
    return wa.by_epoch == wb.by_epoch and stop - start == unit and _unchanged_at_first_step(wb)


def _sequence(order: list[Span], base: float, k: int, run_steps: int | None) -> str:
    """Windows that follow one another (or share one step, :func:`_shares_a_step`): each phase entered at the rate
    the one before it leaves, gaps held."""
    phases: list[A.Expr] = []
    cursor, v, settled = 0, base, True
    for i, (w, (start, stop)) in enumerate(order):
        if start > cursor:
            gap = _steps(start - cursor, k, w.by_epoch)
            phases.append(B.call("hold", gap) if phases and settled else B.shape("const", n(v), gap))
        p = _window_phase(w, v, base, stop - start, k)
        cut = order[i + 1][1][0] if i + 1 < len(order) else stop
        if cut < stop:  # the next window takes over on this one's last step, from the rate this one sets there
            if cut > start:
                phases.append(_window_phase(w, v, base, cut - start, k).text)
            v, cursor, settled = p.end_value, cut, True
            continue
        phases.append(p.text)
        v, cursor, settled = p.end_value, stop, p.settled
        if p.hold is not None:
            phases.append(B.call("hold", p.hold))
    if run_steps is not None and cursor < run_steps and not settled:
        phases.append(B.shape("const", n(v)))
    while len(phases) > 1 and isinstance(phases[-1], A.Call) and phases[-1].name == "hold":
        phases.pop()
    return B.text(B.seq(*phases))


def _steps(count: int, k: int, by_epoch: bool) -> B.Quantity:
    return B.Quantity(count // k, "ep") if by_epoch and k > 1 and count % k == 0 else B.Quantity(count)


def _window_phase(w: Window, v: float, base: float, steps: int, k: int) -> Phase:
    """``phase`` of ``w`` over ``steps`` iterations, written in epochs when ``w`` counts them."""
    if not w.by_epoch:
        return phase(w, v, base, steps, lambda x: B.Quantity(tidy(x)))
    p = phase(w, v, base, math.ceil(steps / k), lambda x: B.Quantity(tidy(x), "ep"))
    if w.kind not in ("StepLR", "MultiStepLR", "ConstantLR"):
        p.text = B.mul(p.text, B.call("quantize", B.Quantity(1, "ep")))
    return p


_FACTORS = ("LinearLR", "ConstantLR", "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "PolyLR")


def _product(order: list[tuple[Window, tuple[int, int]]], base: float, k: int, run_steps: int) -> str:
    """Overlapping windows: each scales the rate the others leave, so the rate is the product of factors."""
    factors = []
    for i, (w, (start, stop)) in enumerate(order):
        floor = w.kind in ("CosineAnnealingLR", "PolyLR") and (w.args.get("eta_min") or w.args.get("eta_min_ratio"))
        if w.kind == "CosineAnnealingLR":  # past T_max mmengine adds a term of the optimizer's rate
            tmax = number(w.args["T_max"], "T_max", SOURCE) if w.args.get("T_max") else float(w.end - w.begin)
            floor = floor or (stop - start) / (k if w.by_epoch else 1) > tmax + 1
        if w.kind not in _FACTORS or floor:
            raise LrdslError(
                f"{SOURCE} {w.kind} overlaps another scheduler's window and does not just scale the rate, "
                "so the two do not compose as a product",
                hint="give the schedulers windows that do not overlap (begin/end)",
            )
        p = _window_phase(w, base if i == 0 else 1.0, base, stop - start, k)
        lead = [B.shape("const", n(base if i == 0 else 1.0), _steps(start, k, w.by_epoch))] if start else []
        after = [B.shape("const", n(p.end_value))] if not p.settled and stop < run_steps else []
        factors.append(B.seq(*lead, p.text, *after))
    return B.text(B.mul(*factors))


def library_values(
    module: types.ModuleType, param_scheduler: object, lr: float, iters_per_epoch: int, epochs: int
) -> np.ndarray:
    """The rate of each iteration under mmengine's own schedulers, stepped as its ``ParamSchedulerHook``
    does: iteration-based ones after every iteration, epoch-based ones after every epoch."""
    import torch

    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)
    scheds = []
    for entry in _entries(param_scheduler):
        kind = str(entry.get("type", "")).rsplit(".", 1)[-1]
        if kind not in KNOWN:
            continue
        # the whole schedule, not a resumed tail: last_step (a resumed state) is left out
        kw = {
            key: val
            for key, val in entry.items()
            if key not in ("type", "convert_to_iter_based", "last_step", "verbose")
        }
        cls = getattr(module, kind)
        if entry.get("convert_to_iter_based") and kw.get("by_epoch", True):
            scheds.append(cls.build_iter_from_epoch(opt, **kw, epoch_length=iters_per_epoch))
        else:
            scheds.append(cls(opt, **kw))
    seen = []
    for _ in range(epochs):
        for _ in range(iters_per_epoch):
            seen.append(opt.param_groups[0]["lr"])
            opt.step()
            for s in scheds:
                if not s.by_epoch:
                    s.step()
        for s in scheds:
            if s.by_epoch:
                s.step()
    return np.array(seen, dtype=float)


def imported(
    param_scheduler: object,
    *,
    max_epochs: int | None,
    iters_per_epoch: int | None,
    lr: float | None,
    total_steps: int | None = None,
    library: types.ModuleType | None = None,
) -> str:
    """The expression, verified against ``library`` (``mmengine.optim.scheduler`` when installed).

    mmengine's schedulers are stepped (each reads the rate the others left), so the check steps at most
    :data:`~lrdsl.importers.common.MAX_STEPPED` iterations: a longer run of epoch-based windows is checked
    on its equivalent of one iteration per epoch, anything else over its first iterations, and the import
    says so (:func:`~lrdsl.importers.verify.unchecked`)."""
    k = iters_per_epoch or 1
    run = max_epochs * k if max_epochs is not None else total_steps
    expr = expression(param_scheduler, lr=lr, iters_per_epoch=iters_per_epoch, run_steps=run)
    source = f"{SOURCE} param_scheduler"
    module = library if library is not None else common.optional_module("mmengine.optim.scheduler")
    run = common.checked_run(source, module, "mmengine", run)
    if module is None or run is None:
        return expr
    eta = 1.0 if lr is None else lr
    if run > common.MAX_STEPPED and k > 1 and run // k <= common.MAX_STEPPED:
        # epoch-based windows only: their rate changes between epochs, so one iteration per epoch is the same
        # schedule; the check runs on it when the mapping writes the same expression for it
        epochs = math.ceil(run / k)
        if expression(param_scheduler, lr=lr, iters_per_epoch=1, run_steps=epochs) == expr:
            ref = common.library_run(SOURCE, lambda: library_values(module, param_scheduler, eta, 1, epochs))
            return verified(expr, ref, source=source, steps_per_epoch=1)
    steps = min(run, common.MAX_STEPPED)
    reference = common.library_run(
        SOURCE, lambda: library_values(module, param_scheduler, eta, k, math.ceil(steps / k))
    )
    if steps == run:
        return verified(expr, reference[:run], source=source, steps_per_epoch=k)
    unchecked(source, common.first_steps_note(run))
    at = list(range(steps))
    return verified(expr, reference[:steps], source=source, steps_per_epoch=k, steps=at, total_steps=run)


@common.guarded(SOURCE)
def from_mmengine(
    param_scheduler: object,
    max_epochs: int | None = None,
    iters_per_epoch: int | None = None,
    *,
    lr: float | None = None,
    library: types.ModuleType | None = None,
) -> str:
    """The expression of an mmengine config's ``param_scheduler`` (a dict, or the list of dicts) over
    ``max_epochs`` epochs of ``iters_per_epoch`` iterations. ``lr`` is the optimizer's rate (without
    it, the multiplier: η = 1); epoch counts are written in ``ep`` (evaluate with
    ``steps_per_epoch=iters_per_epoch``)."""
    bounded(param_scheduler)  # a document built in Python is held to a config file's bounds
    epochs = None if max_epochs is None else whole(max_epochs, "max_epochs", SOURCE, least=1)
    ipe = None if iters_per_epoch is None else whole(iters_per_epoch, "iters_per_epoch", SOURCE, least=1)
    return imported(param_scheduler, max_epochs=epochs, iters_per_epoch=ipe, lr=lr, library=library)


@common.guarded(SOURCE)
def from_spec(name: str, args: Args, kwargs: Kwargs, *, total_steps: int | None, steps_per_epoch: float | None) -> str:
    """One scheduler as a call, ``CosineAnnealingLR(optimizer, T_max=100, by_epoch=False)`` (the optimizer
    may be left out; arguments by keyword); ``lr=`` or the optimizer written as a call gives the rate."""
    args, kw, lr = common.spec_rate(SOURCE, args, kwargs)
    if args:
        raise LrdslError(f"{SOURCE} {name}: give its arguments by keyword", hint=f"{name}(begin=0, end=100, …)")
    ipe = common.per_epoch(steps_per_epoch, SOURCE)
    return imported([{"type": name, **kw}], max_epochs=None, iters_per_epoch=ipe, lr=lr, total_steps=total_steps)


@common.guarded(SOURCE)
def from_config(config: object, *, total_steps: int | None, steps_per_epoch: float | None) -> str:
    """A parsed config: its ``param_scheduler`` (or the list itself); the run's length is
    ``train_cfg.max_epochs`` (or ``max_iters``) when the config has it, else ``total_steps``; the rate is
    ``optim_wrapper.optimizer.lr`` when present."""
    bounded(config)  # a document built in Python is held to a config file's bounds
    ipe = common.per_epoch(steps_per_epoch, SOURCE)
    max_epochs = None
    lr = None
    if isinstance(config, Mapping):
        train = config.get("train_cfg")
        if isinstance(train, Mapping):
            if train.get("max_epochs") is not None:
                max_epochs = whole(train["max_epochs"], "train_cfg.max_epochs", SOURCE, least=1)
            elif train.get("max_iters") is not None and total_steps is None:
                total_steps = whole(train["max_iters"], "train_cfg.max_iters", SOURCE, least=1)
        wrapper = config.get("optim_wrapper")
        optimizer = wrapper.get("optimizer") if isinstance(wrapper, Mapping) else config.get("optimizer")
        if isinstance(optimizer, Mapping) and optimizer.get("lr") is not None:
            lr = number(optimizer["lr"], "optimizer.lr", SOURCE)
    return imported(config, max_epochs=max_epochs, iters_per_epoch=ipe, lr=lr, total_steps=total_steps)


__all__: Sequence[str] = ("from_config", "from_mmengine", "from_spec")
