"""detectron2's solver (``cfg.SOLVER``, ``build_lr_scheduler``) → the lrdsl expression.

detectron2's ``LRMultiplier`` sets the rate of step ``t`` to ``BASE_LR · M(t / MAX_ITER)``, where ``M``
is an fvcore ``ParamScheduler`` of the fraction of the run: ``WarmupParamScheduler(S, factor, W/N,
method, rescale_interval)`` around ``S`` = ``MultiStepParamScheduler`` (``WarmupMultiStepLR``: values
``GAMMA^k`` at ``STEPS``), ``CosineParamScheduler(1, BASE_LR_END/BASE_LR)`` (``WarmupCosineLR``) or
``StepWithFixedGammaParamScheduler`` (``WarmupStepWithFixedGammaLR``: ``NUM_DECAYS`` equal steps).
With ``N = MAX_ITER``, ``W = WARMUP_ITERS``, η = ``BASE_LR``:

- the warm-up runs steps ``0 … W − 1`` from ``factor·η·S(0)``: ``linear`` ramps to the rate that follows it
  → ``warmup(linear, W, from=…)``; ``constant`` holds → ``const(…, W)``;
- after it, ``rescale_interval=False`` (the default) evaluates ``S`` at the run's fraction ``t/N``: the
  schedule keeps the run's clock → ``S(N) * offset(W)``; ``True`` stretches ``S`` over the ``N − W``
  steps left → ``S(N − W)``;
- ``S`` is ``multistep(η, gamma=GAMMA, at=[…])`` (steps where fvcore's index changes), ``cosine(η→η·end, N)``,
  or another fvcore shape (``linear``, ``exp_decay``, ``poly``, ``const``, ``piecewise``).

The deprecated torch classes ``WarmupMultiStepLR`` and ``WarmupCosineLR`` (the calls of
:func:`from_spec`) multiply a warm-up factor into the schedule instead: a product of the two.
"""

from __future__ import annotations

import bisect
import math
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from lrdsl.errors import LrdslError
from lrdsl.importers import common
from lrdsl.importers.common import Args, Kwargs, bind, num, number, tidy, unknown, whole
from lrdsl.importers.common import literal as n_
from lrdsl.importers.spec import bounded
from lrdsl.importers.verify import unchecked, verified
from lrdsl.language import ast as A
from lrdsl.language import build as B
from lrdsl.language.echo import shown

SOURCE = "detectron2"
EPSILON = 1e-6
"""fvcore's ``ParamScheduler.WHERE_EPSILON``: a fraction ``where`` is read as ``where + 1e-6``."""
DEFAULTS: dict[str, object] = {
    "LR_SCHEDULER_NAME": "WarmupMultiStepLR",
    "MAX_ITER": 40000,
    "BASE_LR": 0.001,
    "BASE_LR_END": 0.0,
    "GAMMA": 0.1,
    "STEPS": (30000,),
    "NUM_DECAYS": 3,
    "WARMUP_FACTOR": 1.0 / 1000,
    "WARMUP_ITERS": 1000,
    "WARMUP_METHOD": "linear",
    "RESCALE_INTERVAL": False,
}
"""``detectron2/config/defaults.py``'s ``_C.SOLVER`` values that ``build_lr_scheduler`` reads."""
NAMES = ("WarmupMultiStepLR", "WarmupCosineLR", "WarmupStepWithFixedGammaLR")
SHAPES: dict[str, tuple[str, ...]] = {
    "ConstantParamScheduler": ("value",),
    "CosineParamScheduler": ("start_value", "end_value"),
    "ExponentialParamScheduler": ("start_value", "decay"),
    "LinearParamScheduler": ("start_value", "end_value"),
    "MultiStepParamScheduler": ("values", "num_updates", "milestones"),
    "PolynomialDecayParamScheduler": ("base_value", "power"),
    "StepParamScheduler": ("num_updates", "values"),
    "StepWithFixedGammaParamScheduler": ("base_value", "num_decays", "gamma", "num_updates"),
}
"""The fvcore parameter schedulers a ``WarmupParamScheduler`` may wrap, with their parameters."""


def _solver(config: object) -> dict[str, object]:
    if not isinstance(config, Mapping):
        raise LrdslError(f"{SOURCE}: the solver must be a mapping (cfg.SOLVER or the whole cfg)", hint="SOLVER: {…}")
    if "SOLVER" in config and isinstance(config["SOLVER"], Mapping):
        config = config["SOLVER"]
    given = {str(k).upper(): v for k, v in config.items()}
    return {key: given.get(key, default) for key, default in DEFAULTS.items()}


def main_scheduler(solver: Mapping[str, object]) -> dict[str, object]:
    """The fvcore scheduler ``build_lr_scheduler`` wraps for ``LR_SCHEDULER_NAME`` (as a description)."""
    name = str(solver["LR_SCHEDULER_NAME"])
    n = whole(solver["MAX_ITER"], "MAX_ITER", SOURCE, least=1)
    gamma = number(solver["GAMMA"], "GAMMA", SOURCE)
    if name == "WarmupMultiStepLR":
        raw = solver["STEPS"]
        if not isinstance(raw, list | tuple):
            raise LrdslError(f"{SOURCE}: STEPS must be a list of iterations", hint="STEPS: [60000, 80000]")
        steps = [whole(s, "STEPS", SOURCE) for s in raw if number(s, "STEPS", SOURCE) <= n]
        values = [gamma**k for k in range(len(steps) + 1)]
        return {"type": "MultiStepParamScheduler", "values": values, "milestones": steps, "num_updates": n}
    if name == "WarmupCosineLR":
        base = number(solver["BASE_LR"], "BASE_LR", SOURCE)
        if base == 0:
            raise LrdslError(
                f"{SOURCE} WarmupCosineLR: BASE_LR is 0, and detectron2 divides BASE_LR_END by it",
                hint="give the optimizer's rate as BASE_LR",
            )
        end = number(solver["BASE_LR_END"], "BASE_LR_END", SOURCE) / base
        if not 0 <= end <= 1:
            raise LrdslError(f"{SOURCE}: BASE_LR_END / BASE_LR must be in [0, 1], got {num(end)}")
        return {"type": "CosineParamScheduler", "start_value": 1, "end_value": end}
    if name == "WarmupStepWithFixedGammaLR":
        decays = whole(solver["NUM_DECAYS"], "NUM_DECAYS", SOURCE, least=1)
        return {
            "type": "StepWithFixedGammaParamScheduler",
            "base_value": 1.0,
            "gamma": gamma,
            "num_decays": decays,
            "num_updates": n,
        }
    raise LrdslError(f"{SOURCE} has no LR scheduler {shown(name)}", hint="one of " + ", ".join(NAMES))


class Powers(Sequence[float]):
    """``[base·γ⁰, base·γ¹, …, base·γ^(count−1)]`` without building it (fvcore's list for
    ``StepWithFixedGammaParamScheduler``, which ``num_decays=10⁹`` would make 8 GB)."""

    def __init__(self, base: float, gamma: float, count: int) -> None:
        self.base, self.gamma, self.size = base, gamma, count

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, k: Any) -> Any:
        if not isinstance(k, int) or not 0 <= k < self.size:
            raise IndexError(k)
        try:
            return self.base * self.gamma**k
        except OverflowError:
            raise LrdslError(
                f"{SOURCE} StepWithFixedGammaParamScheduler: gamma={num(self.gamma)} to the power {k} overflows"
            ) from None


MAX_LEVELS = 10_000
"""The most values a step schedule (multistep, piecewise) of an import takes in its run."""


_SMOOTH: dict[str, Callable[..., float]] = {
    "ConstantParamScheduler": lambda w, v: v,
    "CosineParamScheduler": lambda w, a, b: b + 0.5 * (a - b) * (1 + math.cos(math.pi * w)),
    "ExponentialParamScheduler": lambda w, a, d: a * d**w,
    "LinearParamScheduler": lambda w, a, b: b * w + a * (1 - w),
    "PolynomialDecayParamScheduler": lambda w, a, p: a * (1 - w) ** p,
}
"""fvcore's closed forms of ``where``, of their parameters in :data:`SHAPES`' order."""


def _value_fn(
    desc: Mapping[str, object],
) -> tuple[Callable[[float], float], Callable[[float], int] | None, Sequence[float]]:
    """fvcore's ``__call__`` of ``desc`` as a function of ``where``; for step-like ones also the index
    into their list of values, and that list."""
    kind = str(desc.get("type", ""))
    src = f"{SOURCE} {kind}"
    if kind not in SHAPES:
        raise LrdslError(
            f"{SOURCE}: no fvcore scheduler {shown(kind)} that lrdsl reads", hint="one of " + ", ".join(SHAPES)
        )
    unknown(src, {k: v for k, v in desc.items() if k != "type"}, SHAPES[kind])

    def f(key: str, default: float | None = None) -> float:
        return number(desc.get(key, default), key, src)

    if kind in _SMOOTH:
        formula, params = _SMOOTH[kind], [f(key) for key in SHAPES[kind]]
        return (lambda w: formula(w, *params)), None, []
    values = _levels(desc, kind, f)
    index = _multistep_index(desc, len(values)) if kind == "MultiStepParamScheduler" else _even_index(len(values))
    return (lambda w: values[index(w)]), index, values


def _levels(desc: Mapping[str, object], kind: str, f: Callable[..., float]) -> Sequence[float]:
    """A step scheduler's list of values (fixed-gamma powers without building them)."""
    src = f"{SOURCE} {kind}"
    if kind == "StepWithFixedGammaParamScheduler":
        return Powers(f("base_value"), f("gamma"), whole(desc.get("num_decays"), "num_decays", src, least=1) + 1)
    raw = desc.get("values")
    if not isinstance(raw, list | tuple) or not raw:
        raise LrdslError(f"{src}: values must be a non-empty list", hint="values=[1, 0.1, 0.01]")
    return [number(v, "values", src) for v in raw]


def _even_index(count: int) -> Callable[[float], int]:
    """fvcore's index into ``count`` values spread evenly over the run."""
    return lambda w: min(int((w + EPSILON) * count), count - 1)


def _multistep_index(desc: Mapping[str, object], count: int) -> Callable[[float], int]:
    """``MultiStepParamScheduler``'s index: the milestones passed by ``(where + ε)·num_updates``."""
    src = f"{SOURCE} MultiStepParamScheduler"
    n_raw, marks_raw = desc.get("num_updates"), desc.get("milestones")
    if marks_raw is None:
        n = whole(n_raw, "num_updates", src, least=1)
        width = math.ceil(n / float(count))
        marks = [width * (i + 1) for i in range(count - 1)]
    else:
        if not isinstance(marks_raw, list | tuple):
            raise LrdslError(f"{src}: milestones must be a list", hint="milestones=[60000, 80000]")
        marks = [whole(m, "milestones", src) for m in marks_raw]
        if n_raw is None:
            n, marks = marks[-1], marks[:-1]
        else:
            n = whole(n_raw, "num_updates", src, least=1)
    return lambda w: bisect.bisect_right(marks, int((w + EPSILON) * n))


def _first(lo: int, hi: int, past: Callable[[int], bool]) -> int:
    """The least ``t`` in ``[lo, hi)`` with ``past(t)``, for a ``past`` false then true; ``hi`` when there is none."""
    while lo < hi:
        mid = (lo + hi) // 2
        if past(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


@dataclass(frozen=True)
class Run:
    """What detectron2 composes a scheduler with: the optimizer's rate, the run and its warm-up."""

    base: float
    max_iter: int
    warmup_length: float = 0.0
    warmup_factor: float = 1.0
    warmup_method: str = "linear"
    rescale_interval: bool = False


def expression(desc: Mapping[str, object], run: Run) -> str:
    """``base · WarmupParamScheduler(desc, factor, warmup_length, method, rescale)(t / N)`` for ``t < N``."""
    n, length, base = run.max_iter, run.warmup_length, run.base
    if not 0 <= length < 1:
        raise LrdslError(
            f"{SOURCE}: warmup_length must be a fraction of the run in [0, 1), got {num(length)}",
            hint="warmup_length = warm-up iterations / max_iter",
        )
    if run.warmup_method not in ("linear", "constant"):
        raise LrdslError(f"{SOURCE}: WARMUP_METHOD {shown(run.warmup_method)} is not linear or constant")
    value, index, values = _value_fn(desc)
    # fvcore's composite: the warm-up holds while t/N + ε ≤ length (ε shifts it only past 10⁶ steps)
    w = _first(0, min(math.ceil(length * n) + 2, n), lambda t: t / n + EPSILON > length)
    if index is not None:
        main, moves = _stepped(desc, run, w, index, values)
    else:
        span = n - w if run.rescale_interval else n
        main, moves = _MAIN[str(desc["type"])](desc, base * value(0), base * value(1), span)
    if not w:
        return B.text(main)
    start = base * run.warmup_factor * value(0.0)
    head = B.warmup("linear", w, from_=n_(start)) if run.warmup_method == "linear" else B.shape("const", n_(start), w)
    shifted = moves and not run.rescale_interval
    return B.text(B.seq(head, B.mul(main, B.offset(w)) if shifted else main))


Main = Callable[[Mapping[str, object], float, float, int], tuple[A.Expr, bool]]
"""A smooth scheduler's expression from its first and last rate over ``span`` steps (and whether it moves)."""
_MAIN: dict[str, Main] = {
    "ConstantParamScheduler": lambda d, a, b, span: (B.shape("const", n_(a)), False),
    "CosineParamScheduler": lambda d, a, b, span: (B.shape("cosine", (n_(a), n_(b)), span), True),
    "LinearParamScheduler": lambda d, a, b, span: (B.shape("linear", (n_(a), n_(b)), span), True),
    "ExponentialParamScheduler": lambda d, a, b, span: (
        B.shape("exp_decay", n_(a), rate=n_(number(d["decay"], "decay", SOURCE)), every=span),
        True,
    ),
    "PolynomialDecayParamScheduler": lambda d, a, b, span: (
        B.shape("poly", (n_(a), 0), span, power=n_(number(d["power"], "power", SOURCE))),
        True,
    ),
}


def _stepped(
    desc: Mapping[str, object], run: Run, w: int, index: Callable[[float], int], values: Sequence[float]
) -> tuple[A.Expr, bool]:
    """A step scheduler's expression after the warm-up ``w`` (and whether it moves): ``multistep`` when every
    change has one ratio, else ``piecewise``; each change found by bisection on fvcore's index."""
    n, length, rescale = run.max_iter, run.warmup_length, run.rescale_interval

    def where(t: int) -> float:
        return (t / n - length) / (1.0 - length) if rescale else t / n

    first = w if rescale else 0
    marks, levels = [], [values[index(where(first))]]
    prev, t, changes = index(where(first)), max(first, w), 0
    while t < n:  # the index is non-decreasing in t: find each step where it changes by bisection
        t = _first(t, n, lambda u, i=prev: index(where(u)) != i)  # type: ignore[misc]
        if t == n:
            break
        changes += 1
        if changes > MAX_LEVELS:
            raise LrdslError(
                f"{SOURCE} {desc['type']}: the rate changes more than {MAX_LEVELS:,} times in this run",
                hint="a step schedule of that many steps is a smooth one: use Exponential or Cosine instead",
            )
        prev = index(where(t))
        if values[prev] != levels[-1]:  # a step to the same value (γᵏ underflowed to 0) is no change
            marks.append(t - w if rescale else t)
            levels.append(values[prev])
    base = run.base
    if not marks:
        return B.shape("const", n_(base * levels[0])), False
    ratios = {tidy(levels[i + 1] / levels[i]) for i in range(len(levels) - 1)} if all(levels) else {0.0, 1.0}
    if len(ratios) == 1:
        return B.shape("multistep", n_(base * levels[0]), gamma=n_(ratios.pop()), at=marks), True
    return B.shape("piecewise", [n_(base * v) for v in levels], at=marks), True


def fvcore_values(desc: Mapping[str, object], run: Run, steps: Sequence[int] | None = None) -> np.ndarray | None:
    """``lr(t)`` for each ``t`` of ``steps`` (default: the run, ``0 … N − 1``) from fvcore's own schedulers,
    composed as detectron2's ``WarmupParamScheduler`` and ``LRMultiplier`` compose them: each a closed form of
    ``where = t / N``, so a run of any length is checked at its sampled steps. ``None`` without fvcore."""
    ps = common.optional_module("fvcore.common.param_scheduler")
    if ps is None:
        return None
    sched = getattr(ps, str(desc["type"]))(**{k: v for k, v in desc.items() if k != "type"})
    length, rescale_interval = run.warmup_length, run.rescale_interval
    end_value = sched(0.0) if rescale_interval else sched(length)
    start_value = run.warmup_factor * sched(0.0)
    warm = (
        ps.ConstantParamScheduler(start_value)
        if run.warmup_method == "constant"
        else ps.LinearParamScheduler(start_value, end_value)
    )
    multiplier = ps.CompositeParamScheduler(
        [warm, sched],
        interval_scaling=["rescaled", "rescaled" if rescale_interval else "fixed"],
        lengths=[length, 1 - length],
    )
    at = range(run.max_iter) if steps is None else steps
    return np.array([run.base * multiplier(t / run.max_iter) for t in at], dtype=float)


def _checked(expr: str, desc: Mapping[str, object], run: Run, source: str) -> str:
    """``expr`` verified against fvcore at the run's sampled steps; unchecked (and said so) without fvcore, or
    for a ``StepWithFixedGammaParamScheduler`` whose list of values fvcore would build too long."""
    n = run.max_iter
    if (
        desc.get("type") == "StepWithFixedGammaParamScheduler"
        and number(desc.get("num_decays"), "num_decays", SOURCE) > MAX_LEVELS
    ):
        common.not_checked(source, f"fvcore would build a list of {desc['num_decays']} values")
        return expr
    marks = [run.warmup_length * n]
    for key in ("milestones",):
        raw = desc.get(key)
        if isinstance(raw, list | tuple):
            marks += [float(m) for m in raw if isinstance(m, int | float)]
    steps = common.check_points(n, marks)
    reference = common.library_run("fvcore", lambda: fvcore_values(desc, run, steps))
    if reference is None:
        common.not_checked(source, "neither detectron2 nor fvcore is installed")
        return expr
    return verified(expr, reference, source=source, steps=steps, total_steps=n)


def library_values(solver: Mapping[str, object], module: types.ModuleType) -> np.ndarray:
    """The rates of detectron2's own ``build_lr_scheduler(cfg, SGD)`` over ``MAX_ITER`` steps."""
    import torch

    config = common.optional_module("detectron2.config")
    assert config is not None
    cfg = config.get_cfg()
    for key, value in solver.items():
        setattr(cfg.SOLVER, key, value)
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=float(solver["BASE_LR"]))  # type: ignore[arg-type]
    sched = module.build_lr_scheduler(cfg, opt)
    seen = [opt.param_groups[0]["lr"]]
    for _ in range(int(solver["MAX_ITER"]) - 1):  # type: ignore[call-overload]
        opt.step()
        sched.step()  # not past the last step: fvcore's step schedulers have no value at where = 1
        seen.append(opt.param_groups[0]["lr"])
    return np.array(seen, dtype=float)


@common.guarded(SOURCE)
def from_detectron2(solver: object) -> str:
    """The expression of ``build_lr_scheduler(cfg, optimizer)`` for ``cfg.SOLVER`` as a dict (or the
    whole cfg); missing keys take detectron2's defaults. Verified against detectron2 when it is
    installed, else against fvcore's schedulers composed as detectron2 composes them.

    A LazyConfig (a mapping with ``lr_multiplier``, ``train.max_iter`` and ``optimizer.lr``) is read too.
    """
    bounded(solver)  # a document built in Python is held to a config file's bounds
    if isinstance(solver, Mapping) and "lr_multiplier" in solver:
        return _from_lazy(solver)
    s = _solver(solver)
    desc = main_scheduler(s)
    method = str(s["WARMUP_METHOD"])
    rescale = bool(s["RESCALE_INTERVAL"])
    n = whole(s["MAX_ITER"], "MAX_ITER", SOURCE, least=1)
    w = whole(s["WARMUP_ITERS"], "WARMUP_ITERS", SOURCE)
    if w >= n:
        raise LrdslError(
            f"{SOURCE}: WARMUP_ITERS ({w}) ≥ MAX_ITER ({n}): the run is all warm-up",
            hint="give fewer warm-up iterations than the run has",
        )
    run = Run(
        base=number(s["BASE_LR"], "BASE_LR", SOURCE),
        max_iter=n,
        warmup_length=min(w / n, 1.0),
        warmup_factor=number(s["WARMUP_FACTOR"], "WARMUP_FACTOR", SOURCE),
        warmup_method=method,
        rescale_interval=rescale,
    )
    expr = expression(desc, run)
    module = common.optional_module("detectron2.solver")
    source = f"{SOURCE} {s['LR_SCHEDULER_NAME']}"
    if module is not None and n <= common.MAX_STEPPED:
        reference = common.library_run(SOURCE, lambda: library_values(s, module))
        return verified(expr, reference, source=source)
    return _checked(expr, desc, run, source)  # fvcore's closed forms, composed as detectron2 composes them


def _target(node: Mapping[str, object]) -> str:
    return str(node.get("_target_", node.get("type", ""))).rsplit(".", 1)[-1]


def _plain(node: object, what: str) -> dict[str, object]:
    if not isinstance(node, Mapping):
        raise LrdslError(
            f"{SOURCE}: {what} must be a mapping with a '_target_'", hint="{'_target_': 'CosineParamScheduler', …}"
        )
    return {str(k): v for k, v in node.items() if k not in ("_target_", "type")}


def multiplier(node: object, *, max_iter: int, base: float) -> str:
    """The expression of ``LRMultiplier(opt, node, max_iter)`` for an fvcore scheduler or a
    ``WarmupParamScheduler`` given as a LazyConfig node (``{"_target_": …, **kwargs}``)."""
    args = _plain(node, "lr_multiplier")
    assert isinstance(node, Mapping)
    target = _target(node)
    if target == "LRMultiplier":
        inner = args.get("multiplier")
        n = whole(args.get("max_iter", max_iter), "max_iter", SOURCE, least=1)
        return multiplier(inner, max_iter=n, base=base)
    if target == "WarmupParamScheduler":
        known = ("scheduler", "warmup_factor", "warmup_length", "warmup_method", "rescale_interval")
        unknown(f"{SOURCE} WarmupParamScheduler", args, known)
        inner = args.get("scheduler")
        inner_args = _plain(inner, "scheduler")
        assert isinstance(inner, Mapping)
        desc = {"type": _target(inner), **inner_args}
        run = Run(
            base=base,
            max_iter=max_iter,
            warmup_length=number(args.get("warmup_length"), "warmup_length", SOURCE),
            warmup_factor=number(args.get("warmup_factor"), "warmup_factor", SOURCE),
            warmup_method=str(args.get("warmup_method", "linear")),
            rescale_interval=bool(args.get("rescale_interval", False)),
        )
    else:
        desc, run = {"type": target, **args}, Run(base=base, max_iter=max_iter)
    return _checked(expression(desc, run), desc, run, f"{SOURCE} {target}")


def _from_lazy(config: Mapping[str, object]) -> str:
    train = config.get("train")
    n = train.get("max_iter") if isinstance(train, Mapping) else None
    if n is None:
        raise LrdslError(f"{SOURCE}: the LazyConfig has no train.max_iter", hint="train = {'max_iter': 90000, …}")
    optimizer = config.get("optimizer")
    lr = optimizer.get("lr") if isinstance(optimizer, Mapping) else None
    base = 1.0 if lr is None else number(lr, "optimizer.lr", SOURCE)
    return multiplier(config["lr_multiplier"], max_iter=whole(n, "train.max_iter", SOURCE, least=1), base=base)


LEGACY: dict[str, tuple[str, ...]] = {
    "WarmupMultiStepLR": ("milestones", "gamma", "warmup_factor", "warmup_iters", "warmup_method", "last_epoch"),
    "WarmupCosineLR": ("max_iters", "warmup_factor", "warmup_iters", "warmup_method", "last_epoch"),
}
"""detectron2's deprecated torch schedulers (``detectron2.solver.lr_scheduler``), parameters after the optimizer."""


def legacy_expression(name: str, given: Mapping[str, object], base: float) -> str:
    """``base · warmup_factor(t) · S(t)``: the deprecated classes multiply their warm-up into the schedule."""
    src = f"{SOURCE} {name}"
    unknown(src, given, LEGACY[name])
    f = number(given.get("warmup_factor", 0.001), "warmup_factor", src)
    w = whole(given.get("warmup_iters", 1000), "warmup_iters", src)
    method = str(given.get("warmup_method", "linear"))
    if method not in ("linear", "constant"):
        raise LrdslError(f"{src}: warmup_method {shown(method)} is not linear or constant")
    rise = B.shape("linear", (n_(f), 1), w) if method == "linear" else B.shape("const", n_(f), w)
    warm = B.seq(rise, B.shape("const", 1))
    if name == "WarmupCosineLR":
        n = whole(given.get("max_iters"), "max_iters", src, least=1)
        cosine = B.shape("cosine", (n_(base), 0), n)
        return B.text(B.mul(warm, cosine) if w else cosine)
    marks = given.get("milestones")
    if isinstance(marks, list | tuple):
        marks = [number(m, "milestones", src) for m in marks]
    if not isinstance(marks, list | tuple) or list(marks) != sorted(marks):
        raise LrdslError(f"{src}: milestones must be an increasing list", hint="milestones=[60000, 80000]")
    gamma = number(given.get("gamma", 0.1), "gamma", src)
    body = B.shape("multistep", n_(base), gamma=n_(gamma), at=[whole(m, "milestones", src) for m in marks])
    if not w:
        return B.text(body)
    if all(number(m, "milestones", src) >= w for m in marks):
        linear = B.shape("linear", (n_(base * f), n_(base)), w)
        head = linear if method == "linear" else B.shape("const", n_(base * f), w)
        return B.text(B.seq(head, B.mul(body, B.offset(w))))
    return B.text(B.mul(warm, body))


@common.guarded(SOURCE)
def from_spec(name: str, args: Args, kwargs: Kwargs, *, total_steps: int | None, steps_per_epoch: float | None) -> str:
    """A deprecated class as called (``WarmupMultiStepLR(milestones=[…], gamma=0.1)``, optimizer left
    out; ``lr=`` the optimizer's rate, else the multiplier), or ``build_lr_scheduler(SOLVER={…})``."""
    del steps_per_epoch
    args, kw, lr = common.spec_rate(SOURCE, args, kwargs, at=1 if name == "build_lr_scheduler" else 0)
    base = 1.0 if lr is None else lr
    if name == "build_lr_scheduler":
        return from_detectron2(kw.get("SOLVER", kw) if not args else args[0])
    if name == "WarmupParamScheduler" or name in SHAPES:
        if total_steps is None:
            raise LrdslError(f"{SOURCE} {name}: the run's length (max_iter) is needed", hint="give --steps N")
        params = ("scheduler", "warmup_factor", "warmup_length", "warmup_method", "rescale_interval")
        given = bind(name, params if name == "WarmupParamScheduler" else SHAPES[name], args, kw, rest=True)
        return multiplier({"_target_": name, **given}, max_iter=total_steps, base=base)
    if name not in LEGACY:
        raise LrdslError(
            f"{SOURCE} has no scheduler {shown(name)} that lrdsl reads",
            hint="WarmupMultiStepLR(…), WarmupCosineLR(…), build_lr_scheduler(SOLVER={…}), or the config's SOLVER",
        )
    return _legacy(name, bind(name, LEGACY[name], args, kw, rest=True), base, total_steps)


def _legacy(name: str, given: Mapping[str, object], base: float, total_steps: int | None) -> str:
    """A deprecated class's expression, checked against detectron2's own class over the run's first steps."""
    expr = legacy_expression(name, given, base)
    if (
        name == "WarmupCosineLR"
        and total_steps is not None
        and total_steps > number(given["max_iters"], "max_iters", SOURCE)
    ):
        raise LrdslError(
            f"{SOURCE} WarmupCosineLR: past max_iters its cosine rises again, which this import does not follow",
            hint=f"run at most max_iters steps (--steps {given['max_iters']})",
        )
    module = common.optional_module("detectron2.solver.lr_scheduler")
    source = f"{SOURCE} {name}"
    run = total_steps or int(number(given.get("max_iters", 0), "max_iters", SOURCE)) or None
    run = common.checked_run(source, module, "detectron2", run)
    if module is None or run is None:
        return expr
    steps = min(run, common.MAX_STEPPED)
    if steps < run:
        unchecked(source, common.first_steps_note(run))

    def stepped() -> list[float]:
        import torch

        opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=base)
        sched = getattr(module, name)(opt, **{k: v for k, v in given.items() if k != "last_epoch"})
        seen = []
        for _ in range(steps):
            seen.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        return seen

    seen = common.library_run(SOURCE, stepped)
    return verified(expr, np.array(seen), source=source, steps=list(range(steps)), total_steps=run)


@common.guarded(SOURCE)
def from_config(config: object, *, total_steps: int | None, steps_per_epoch: float | None) -> str:
    """A parsed detectron2 YAML config (``SOLVER:`` …) or its ``SOLVER`` mapping."""
    del total_steps, steps_per_epoch
    return from_detectron2(config)


__all__: Sequence[str] = ("from_config", "from_detectron2", "from_spec")
