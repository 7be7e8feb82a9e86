"""``lrdsl.from_detectron2``: ``cfg.SOLVER`` as ``build_lr_scheduler`` reads it, against fvcore's schedulers.

detectron2 is not on PyPI (it builds C++/CUDA extensions from source), so it cannot be installed here
or in CI. Its scheduling is a few lines of wiring around fvcore's parameter schedulers, and fvcore is
installed (the ``import`` extra): the reference below uses fvcore's real classes and **transcribes**
detectron2's wiring — ``build_lr_scheduler`` (``detectron2/solver/build.py``), ``WarmupParamScheduler``
and ``LRMultiplier`` (``detectron2/solver/lr_scheduler.py``), and the deprecated torch classes
``WarmupMultiStepLR``/``WarmupCosineLR`` of that file — from detectron2 at commit
``02b5c4e295e990042a714712c21dc79b731e8833`` (``__version__ = "0.6"``, June 2026). The same cases
were also run once against those real files (with fvcore and torch): largest relative difference
4.6e-14 (docs/import.md).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from typing import Any

import numpy as np
import pytest

import lrdsl
from lrdsl.importers import detectron2 as d2
from tests.frameworks import need

pytestmark = pytest.mark.frameworks


def _solver_values(solver: dict[str, Any]) -> np.ndarray:
    """``LRMultiplier(opt, WarmupParamScheduler(S, …), MAX_ITER)`` as detectron2 builds it (transcribed)."""
    ps = need("fvcore.common.param_scheduler")
    s = {**d2.DEFAULTS, **solver}
    n = s["MAX_ITER"]
    name = s["LR_SCHEDULER_NAME"]
    if name == "WarmupMultiStepLR":
        steps = [x for x in s["STEPS"] if x <= n]
        sched = ps.MultiStepParamScheduler(
            values=[s["GAMMA"] ** k for k in range(len(steps) + 1)], milestones=steps, num_updates=n
        )
    elif name == "WarmupCosineLR":
        sched = ps.CosineParamScheduler(1, s["BASE_LR_END"] / s["BASE_LR"])
    else:
        sched = ps.StepWithFixedGammaParamScheduler(
            base_value=1.0, gamma=s["GAMMA"], num_decays=s["NUM_DECAYS"], num_updates=n
        )
    length = min(s["WARMUP_ITERS"] / n, 1.0)
    rescale = s["RESCALE_INTERVAL"]
    end_value = sched(0.0) if rescale else sched(length)
    start_value = s["WARMUP_FACTOR"] * sched(0.0)
    if s["WARMUP_METHOD"] == "constant":
        warmup = ps.ConstantParamScheduler(start_value)
    else:
        warmup = ps.LinearParamScheduler(start_value, end_value)
    multiplier = ps.CompositeParamScheduler(
        [warmup, sched], interval_scaling=["rescaled", "rescaled" if rescale else "fixed"], lengths=[length, 1 - length]
    )
    # LRMultiplier: lr = base_lr · multiplier(last_epoch / max_iter), last_epoch = the step
    return np.array([s["BASE_LR"] * multiplier(t / n) for t in range(n)])


SOLVERS: list[dict[str, Any]] = [
    {"BASE_LR": 0.02, "MAX_ITER": 900, "STEPS": [600, 800], "WARMUP_ITERS": 100},
    {"BASE_LR": 0.02, "MAX_ITER": 900, "STEPS": [600, 800], "WARMUP_ITERS": 100, "RESCALE_INTERVAL": True},
    {"BASE_LR": 0.02, "MAX_ITER": 900, "STEPS": [600, 800, 1000], "WARMUP_ITERS": 100, "WARMUP_METHOD": "constant"},
    {"BASE_LR": 0.01, "MAX_ITER": 700, "STEPS": [100, 300, 500], "GAMMA": 0.3, "WARMUP_ITERS": 0},
    {
        "BASE_LR": 0.01,
        "MAX_ITER": 1000,
        "STEPS": [333, 666],
        "WARMUP_ITERS": 77,
        "WARMUP_FACTOR": 0.1,
        "RESCALE_INTERVAL": True,
    },
    {"MAX_ITER": 2000},
    {"LR_SCHEDULER_NAME": "WarmupCosineLR", "BASE_LR": 0.01, "BASE_LR_END": 1e-4, "MAX_ITER": 500, "WARMUP_ITERS": 50},
    {
        "LR_SCHEDULER_NAME": "WarmupCosineLR",
        "BASE_LR": 0.01,
        "MAX_ITER": 500,
        "WARMUP_ITERS": 50,
        "RESCALE_INTERVAL": True,
    },
    {"LR_SCHEDULER_NAME": "WarmupCosineLR", "BASE_LR": 0.01, "MAX_ITER": 500, "WARMUP_ITERS": 0},
    {
        "LR_SCHEDULER_NAME": "WarmupCosineLR",
        "BASE_LR": 0.1,
        "MAX_ITER": 300,
        "WARMUP_ITERS": 30,
        "WARMUP_METHOD": "constant",
    },
    {
        "LR_SCHEDULER_NAME": "WarmupStepWithFixedGammaLR",
        "BASE_LR": 0.01,
        "MAX_ITER": 1000,
        "WARMUP_ITERS": 30,
        "NUM_DECAYS": 3,
        "GAMMA": 0.5,
    },
    {
        "LR_SCHEDULER_NAME": "WarmupStepWithFixedGammaLR",
        "BASE_LR": 0.01,
        "MAX_ITER": 1000,
        "WARMUP_ITERS": 30,
        "NUM_DECAYS": 3,
        "GAMMA": 0.5,
        "RESCALE_INTERVAL": True,
    },
]


@pytest.mark.parametrize(
    "solver", SOLVERS, ids=[f"{s.get('LR_SCHEDULER_NAME', 'WarmupMultiStepLR')}-{i}" for i, s in enumerate(SOLVERS)]
)
def test_solver_imports_exactly(solver: dict[str, Any]) -> None:
    expected = _solver_values(solver)
    expr = lrdsl.from_detectron2(solver)
    np.testing.assert_allclose(lrdsl.evaluate(expr, len(expected)), expected, rtol=1e-9, atol=1e-15)


def test_expressions_read_as_a_person_writes_them() -> None:
    need("fvcore.common.param_scheduler")
    assert (
        lrdsl.from_detectron2({"SOLVER": {"BASE_LR": 0.02, "MAX_ITER": 90000, "STEPS": (60000, 80000)}})
        == "warmup(linear, 1000, from=2e-5) >> multistep(0.02, gamma=0.1, at=[60000, 80000]) * offset(1000)"
    )
    # rescale_interval stretches the schedule over the steps after the warm-up: its milestones move
    assert (
        lrdsl.from_detectron2(
            {"BASE_LR": 0.02, "MAX_ITER": 900, "STEPS": [600, 800], "WARMUP_ITERS": 100, "RESCALE_INTERVAL": True}
        )
        == "warmup(linear, 100, from=2e-5) >> multistep(0.02, gamma=0.1, at=[534, 712])"
    )
    assert (
        lrdsl.from_detectron2(
            {"LR_SCHEDULER_NAME": "WarmupCosineLR", "BASE_LR": 0.01, "MAX_ITER": 500, "WARMUP_ITERS": 50}
        )
        == "warmup(linear, 50, from=1e-5) >> cosine(0.01→0, 500) * offset(50)"
    )


def _legacy_values(name: str, kw: dict[str, Any], lr: float, n: int) -> np.ndarray:
    """The deprecated torch classes' ``get_lr`` (transcribed): ``base · warmup factor · schedule``."""
    f, w, method = kw.get("warmup_factor", 0.001), kw.get("warmup_iters", 1000), kw.get("warmup_method", "linear")
    out = []
    for t in range(n):
        factor = 1.0 if t >= w else (f if method == "constant" else f * (1 - t / w) + t / w)
        if name == "WarmupMultiStepLR":
            out.append(lr * factor * kw.get("gamma", 0.1) ** bisect_right(kw["milestones"], t))
        else:
            out.append(lr * factor * 0.5 * (1.0 + math.cos(math.pi * t / kw["max_iters"])))
    return np.array(out)


LEGACY: list[tuple[str, dict[str, Any], int]] = [
    ("WarmupMultiStepLR", {"milestones": [600, 800], "warmup_iters": 100}, 900),
    (
        "WarmupMultiStepLR",
        {"milestones": [50, 800], "warmup_iters": 100, "warmup_method": "constant", "gamma": 0.5},
        900,
    ),
    ("WarmupCosineLR", {"max_iters": 500, "warmup_iters": 100}, 500),
    ("WarmupCosineLR", {"max_iters": 400, "warmup_iters": 40, "warmup_factor": 0.1, "warmup_method": "constant"}, 400),
]


@pytest.mark.parametrize(("name", "kw", "n"), LEGACY, ids=[f"{r[0]}-{i}" for i, r in enumerate(LEGACY)])
def test_deprecated_classes_import_exactly(name: str, kw: dict[str, Any], n: int) -> None:
    expr = d2.from_spec(name, [], {**kw, "lr": 0.02}, total_steps=n, steps_per_epoch=None)
    np.testing.assert_allclose(lrdsl.evaluate(expr, n), _legacy_values(name, kw, 0.02, n), rtol=1e-9, atol=1e-15)


def test_deprecated_cosine_is_not_followed_past_its_end() -> None:
    with pytest.raises(lrdsl.LrdslError) as info:
        d2.from_spec("WarmupCosineLR", [], {"max_iters": 400}, total_steps=450, steps_per_epoch=None)
    assert str(info.value) == (
        "error: detectron2 WarmupCosineLR: past max_iters its cosine rises again, which this import does not follow\n"
        "hint: run at most max_iters steps (--steps 400)"
    )


def test_spec_and_config() -> None:
    need("fvcore.common.param_scheduler")
    assert (
        d2.from_spec(
            "WarmupMultiStepLR", [[600, 800]], {"warmup_iters": 100, "lr": 0.02}, total_steps=None, steps_per_epoch=None
        )
        == "linear(2e-5→0.02, 100) >> multistep(0.02, gamma=0.1, at=[600, 800]) * offset(100)"
    )
    assert d2.from_spec(
        "build_lr_scheduler",
        [],
        {"SOLVER": {"MAX_ITER": 500, "STEPS": [400], "WARMUP_ITERS": 0}},
        total_steps=None,
        steps_per_epoch=None,
    ) == ("multistep(1e-3, gamma=0.1, at=[400])")
    config = {
        "MODEL": {"META_ARCHITECTURE": "GeneralizedRCNN"},
        "SOLVER": {"base_lr": 0.01, "max_iter": 300, "steps": [200], "warmup_iters": 10},
    }
    assert (
        d2.from_config(config, total_steps=None, steps_per_epoch=None)
        == "warmup(linear, 10, from=1e-5) >> multistep(0.01, gamma=0.1, at=[200]) * offset(10)"
    )


REFUSALS: list[tuple[dict[str, Any], str]] = [
    (
        {"LR_SCHEDULER_NAME": "WarmupPolyLR"},
        "error: detectron2 has no LR scheduler 'WarmupPolyLR'\n"
        "hint: one of WarmupMultiStepLR, WarmupCosineLR, WarmupStepWithFixedGammaLR",
    ),
    (
        {"MAX_ITER": 100, "WARMUP_ITERS": 100},
        "error: detectron2: WARMUP_ITERS (100) ≥ MAX_ITER (100): the run is all warm-up\n"
        "hint: give fewer warm-up iterations than the run has",
    ),
    (
        {"MAX_ITER": 100, "STEPS": [50, 100], "WARMUP_ITERS": 10},
        "error: fvcore refuses these arguments: ValueError: Milestone must be smaller than total number of updates: "
        "num_updates=100, milestone=100\nhint: the library raised this when building or stepping the scheduler; fix "
        "the arguments it names",
    ),
    (
        {"MAX_ITER": 100, "STEPS": [50], "WARMUP_ITERS": 10, "WARMUP_METHOD": "exp"},
        "error: detectron2: WARMUP_METHOD 'exp' is not linear or constant",
    ),
]


@pytest.mark.parametrize(("solver", "message"), REFUSALS, ids=[f"refusal-{i}" for i in range(len(REFUSALS))])
def test_refusals_say_why(solver: dict[str, Any], message: str) -> None:
    with pytest.raises(lrdsl.LrdslError) as info:
        lrdsl.from_detectron2(solver)
    assert str(info.value) == message


def _lazy_values(node: dict[str, Any], max_iter: int, lr: float) -> np.ndarray:
    """A LazyConfig ``lr_multiplier`` built with fvcore's classes and detectron2's wiring (transcribed)."""
    ps = need("fvcore.common.param_scheduler")

    def build(d: dict[str, Any]) -> Any:
        return getattr(ps, d["_target_"].rsplit(".", 1)[-1])(**{k: v for k, v in d.items() if k != "_target_"})

    inner = build(node["scheduler"])
    length, rescale = node["warmup_length"], node.get("rescale_interval", False)
    end_value = inner(0.0) if rescale else inner(length)
    start_value = node["warmup_factor"] * inner(0.0)
    warmup = ps.LinearParamScheduler(start_value, end_value)
    m = ps.CompositeParamScheduler(
        [warmup, inner], interval_scaling=["rescaled", "rescaled" if rescale else "fixed"], lengths=[length, 1 - length]
    )
    return np.array([lr * m(t / max_iter) for t in range(max_iter)])


INNER: list[dict[str, Any]] = [
    {
        "_target_": "fvcore.common.param_scheduler.MultiStepParamScheduler",
        "values": [1.0, 0.1, 0.01],
        "milestones": [600, 800],
        "num_updates": 900,
    },
    {
        "_target_": "fvcore.common.param_scheduler.MultiStepParamScheduler",
        "values": [1.0, 0.5, 0.05],
        "num_updates": 900,
    },
    {"_target_": "fvcore.common.param_scheduler.CosineParamScheduler", "start_value": 1.0, "end_value": 0.05},
    {"_target_": "fvcore.common.param_scheduler.PolynomialDecayParamScheduler", "base_value": 1.0, "power": 0.9},
    {"_target_": "fvcore.common.param_scheduler.ExponentialParamScheduler", "start_value": 1.0, "decay": 0.02},
    {"_target_": "fvcore.common.param_scheduler.LinearParamScheduler", "start_value": 1.0, "end_value": 0.1},
    {"_target_": "fvcore.common.param_scheduler.StepParamScheduler", "num_updates": 900, "values": [1, 0.5, 0.3, 0.1]},
    {"_target_": "fvcore.common.param_scheduler.ConstantParamScheduler", "value": 0.5},
]


@pytest.mark.parametrize("rescale", [False, True], ids=["fixed", "rescaled"])
@pytest.mark.parametrize("inner", INNER, ids=[i["_target_"].rsplit(".", 1)[-1] + f"-{n}" for n, i in enumerate(INNER)])
def test_lazyconfig_warmup_param_scheduler_imports_exactly(inner: dict[str, Any], rescale: bool) -> None:
    node = {
        "_target_": "detectron2.solver.WarmupParamScheduler",
        "scheduler": inner,
        "warmup_length": 100 / 900,
        "warmup_factor": 0.001,
        "rescale_interval": rescale,
    }
    expected = _lazy_values(node, 900, 0.02)
    expr = lrdsl.from_detectron2({"lr_multiplier": node, "train": {"max_iter": 900}, "optimizer": {"lr": 0.02}})
    np.testing.assert_allclose(lrdsl.evaluate(expr, 900), expected, rtol=1e-9, atol=1e-15)
