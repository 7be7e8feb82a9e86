"""Any arguments given to the HF, timm, mmengine and detectron2 importers give an expression or an
``LrdslError``, never another exception (a seeded sweep of wrong types, signs and sizes)."""

from __future__ import annotations

import contextlib
import logging
import random
from types import ModuleType
from typing import Any

import pytest

import lrdsl
from lrdsl.importers import detectron2, hf, mmengine, timm

JUNK: list[Any] = [
    None,
    "x",
    -1,
    0,
    1,
    2.5,
    1e308,
    float("nan"),
    [],
    [1, 2],
    {"a": 1},
    True,
    "cosine",
    [0],
    [-5, 3],
    {},
    [5, "x"],
    [5, None],
    [[3]],
    [30, 10.0],
    10**400,
    1e300,
    [1e300, 1e300],
    0.0,
    "\x1b[2J",
    100_000,
]
KEYS = [
    "num_warmup_steps", "num_training_steps", "num_cycles", "lr", "learning_rate", "t_initial", "decay_t", "warmup_t",
    "sched", "num_epochs", "milestones", "gamma", "T_max", "eta_min", "begin", "end", "by_epoch", "periods",
    "max_iters", "warmup_iters", "SOLVER", "scheduler", "warmup_length", "values", "num_updates", "start_value",
    "end_value", "total_steps", "eta_max", "cycle_limit", "cycle_mul", "decay_rate", "decay_milestones", "power",
    "num_decays", "base_value", "BASE_LR", "BASE_LR_END", "optimizer",
]  # fmt: skip
CONFIG_KEYS = [
    *KEYS,
    "lr_scheduler_type",
    "warmup_steps",
    "param_scheduler",
    "train_cfg",
    "MAX_ITER",
    "STEPS",
    "lr_multiplier",
    "train",
]
NAMES: list[tuple[ModuleType, list[str]]] = [
    (hf, [*hf.KINDS, "get_scheduler", "get_cosine_schedule_with_warmup"]),
    (timm, ["create_scheduler_v2", *timm.CLASSES, "PlateauLRScheduler"]),
    (mmengine, list(mmengine.KNOWN)),
    (
        detectron2,
        ["WarmupMultiStepLR", "WarmupCosineLR", "build_lr_scheduler", "WarmupParamScheduler", *detectron2.SHAPES],
    ),
]


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize(("module", "names"), NAMES, ids=[m.__name__.rsplit(".", 1)[-1] for m, _ in NAMES])
def test_wrong_arguments_are_lrdsl_errors(module: ModuleType, names: list[str]) -> None:
    logging.disable(logging.WARNING)
    rng = random.Random(7)
    try:
        for _ in range(120):
            kw = {k: rng.choice(JUNK) for k in rng.sample(KEYS, rng.randint(0, 4))}
            args = [rng.choice(JUNK) for _ in range(rng.randint(0, 2))]
            with contextlib.suppress(lrdsl.LrdslError):
                module.from_spec(
                    rng.choice(names),
                    args,
                    kw,
                    total_steps=rng.choice([None, 50]),
                    steps_per_epoch=rng.choice([None, 5, 2.5]),
                )
            config = rng.choice(
                [{k: rng.choice(JUNK) for k in rng.sample(CONFIG_KEYS, rng.randint(0, 4))}, rng.choice(JUNK)]
            )
            with contextlib.suppress(lrdsl.LrdslError):
                module.from_config(config, total_steps=rng.choice([None, 50]), steps_per_epoch=rng.choice([None, 5]))
    finally:
        logging.disable(logging.NOTSET)


@pytest.mark.parametrize(("module", "names"), NAMES, ids=[m.__name__.rsplit(".", 1)[-1] for m, _ in NAMES])
def test_a_config_built_in_python_is_held_to_a_files_bounds(module: ModuleType, names: list[str]) -> None:
    del names
    deep: Any = {"_target_": "LRMultiplier", "max_iter": 10}
    for _ in range(100_000):
        deep = {"_target_": "LRMultiplier", "multiplier": deep, "lr_scheduler_kwargs": deep}
    shared: Any = [1] * 10
    for _ in range(9):
        shared = [shared] * 10  # 10⁹ values once expanded, a few hundred objects
    for config in ({"lr_multiplier": deep, "train": {"max_iter": 10}}, {"param_scheduler": shared, "SOLVER": shared}):
        with pytest.raises(lrdsl.LrdslError, match=r"nested more than|values once its aliases"):
            module.from_config(config, total_steps=10, steps_per_epoch=None)
