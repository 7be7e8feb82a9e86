"""``lrdsl.from_hf``: every ``get_scheduler`` name, several parameter sets each, against HF's own scheduler.

Each case builds the real ``transformers`` scheduler on an ``SGD`` optimizer, steps it over the run and
compares every step with ``lrdsl.evaluate`` of the imported expression (the importer also checks
itself; this comparison is independent of that check). The parity rows of ``tests/parity/test_hf.py``
are import tests too: the import of each row's call equals the row's expression.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import lrdsl
from lrdsl.importers import hf
from tests.frameworks import need
from tests.parity.test_hf import ROWS as PARITY_ROWS

pytestmark = pytest.mark.frameworks

# (name, num_warmup_steps, num_training_steps, learning_rate, scheduler-specific kwargs, steps compared)
CASES: list[tuple[str, int | None, int | None, float | None, dict[str, Any], int]] = [
    ("linear", 30, 300, 0.1, {}, 300),
    ("linear", 0, 137, None, {}, 150),
    ("cosine", 30, 300, 0.1, {}, 300),
    ("cosine", 7, 250, 3e-4, {"num_cycles": 1.5}, 250),
    ("cosine", 0, 200, None, {"num_cycles": 0.25}, 200),
    ("cosine_with_restarts", 30, 300, 0.1, {"num_cycles": 3}, 320),
    ("cosine_with_restarts", 10, 301, 0.1, {"num_cycles": 4}, 301),
    ("cosine_with_restarts", 5, 105, None, {}, 120),
    ("polynomial", 30, 300, 0.1, {"lr_end": 1e-4, "power": 2.0}, 330),
    ("polynomial", 0, 200, 1e-3, {}, 200),
    ("polynomial", 12, 90, 0.5, {"lr_end": 0.01, "power": 0.5}, 100),
    ("constant", None, None, 0.1, {}, 50),
    ("constant_with_warmup", 30, None, 0.1, {}, 200),
    ("constant_with_warmup", 0, None, None, {}, 20),
    ("inverse_sqrt", 30, None, 0.1, {}, 400),
    ("inverse_sqrt", 25, None, None, {"timescale": 100}, 400),
    ("inverse_sqrt", 0, None, 0.1, {}, 300),
    ("cosine_with_min_lr", 30, 300, 0.1, {"min_lr_rate": 0.1}, 300),
    ("cosine_with_min_lr", 10, 200, 0.1, {"min_lr": 1e-3, "num_cycles": 0.7}, 200),
    ("cosine_warmup_with_min_lr", 30, 300, 0.1, {"min_lr_rate": 0.1}, 300),
    ("cosine_warmup_with_min_lr", 30, 300, 0.1, {"min_lr_rate": 0.05, "warmup_lr_rate": 0.1}, 300),
    ("cosine_warmup_with_min_lr", 1, 120, None, {"min_lr_rate": 0.0, "warmup_lr_rate": 0.2}, 120),
    ("cosine_warmup_with_min_lr", 0, 100, 0.1, {"min_lr": 1e-3}, 100),
    ("cosine_warmup_with_min_lr", 30, 31, 3e-4, {"min_lr_rate": 0.5, "num_cycles": 1.0, "warmup_lr_rate": 0.1}, 31),
    ("warmup_stable_decay", 30, 300, 0.1, {"num_decay_steps": 60}, 320),
    (
        "warmup_stable_decay",
        30,
        300,
        0.1,
        {"num_decay_steps": 60, "decay_type": "linear", "warmup_type": "cosine", "min_lr_ratio": 0.1},
        320,
    ),
    (
        "warmup_stable_decay",
        20,
        None,
        None,
        {"num_decay_steps": 50, "num_stable_steps": 100, "warmup_type": "1-sqrt", "decay_type": "1-sqrt"},
        200,
    ),
    (
        "warmup_stable_decay",
        20,
        None,
        0.1,
        {"num_decay_steps": 40, "num_stable_steps": 60, "min_lr_ratio": 0.05, "num_cycles": 0.3},
        150,
    ),
]


def _hf_values(name: str, w: int | None, n: int | None, lr: float | None, kw: dict[str, Any], steps: int) -> np.ndarray:
    """The rate of each of ``steps`` updates under ``transformers.get_scheduler`` (η = ``lr`` or 1)."""
    torch = need("torch")
    optimization = need("transformers.optimization")
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0 if lr is None else lr)
    sched = optimization.get_scheduler(
        name, opt, num_warmup_steps=w, num_training_steps=n, scheduler_specific_kwargs=kw
    )
    seen = []
    for _ in range(steps):
        seen.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return np.array(seen)


@pytest.mark.parametrize(
    ("name", "w", "n", "lr", "kw", "steps"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_import_equals_hf(
    name: str, w: int | None, n: int | None, lr: float | None, kw: dict[str, Any], steps: int
) -> None:
    expected = _hf_values(name, w, n, lr, kw, steps)
    expr = lrdsl.from_hf(name, w, n, learning_rate=lr, **kw)
    np.testing.assert_allclose(lrdsl.evaluate(expr, steps), expected, rtol=1e-9, atol=1e-15)


def test_every_scheduler_type_is_known() -> None:
    """A name HF adds to ``SchedulerType`` fails here until the importer knows it."""
    trainer_utils = need("transformers.trainer_utils")
    assert {t.value for t in trainer_utils.SchedulerType} == set(hf.KINDS)
    optimization = need("transformers.optimization")
    assert {getattr(optimization, f).__name__ for f, _ in hf.KINDS.values()} == set(hf.FUNCTIONS)


def test_names_read_as_a_person_writes_them() -> None:
    assert lrdsl.from_hf("cosine", 30, 300, learning_rate=0.1) == "linear(0→0.1, 30) >> cosine(0.1→0, 270)"
    assert lrdsl.from_hf("get_cosine_schedule_with_warmup", 100, 1000) == "linear(0→1, 100) >> cosine(1→0, 900)"
    assert (
        lrdsl.from_hf("cosine_with_restarts", 30, 300, num_cycles=3) == "linear(0→1, 30) >> cosine(1→0, 90) * repeat(3)"
    )
    assert lrdsl.from_hf("inverse_sqrt", 30) == "linear(0→1, 30) >> rsqrt(1, warmup=30) * offset(30)"


@pytest.mark.parametrize(("row", "make", "expr"), PARITY_ROWS, ids=[r[0] for r in PARITY_ROWS])
def test_parity_row_imports_to_its_expression(row: str, make: Any, expr: str) -> None:
    """``from_hf`` of the parity row's call evaluates to the row's expression (N = 300, W = 30, η = 0.1)."""
    calls: dict[str, tuple[str, dict[str, Any]]] = {
        "linear": ("linear", {}),
        "cosine": ("cosine", {}),
        "cosine_with_restarts": ("cosine_with_restarts", {"num_cycles": 3}),
        "polynomial": ("polynomial", {"lr_end": 1e-7, "power": 2.0}),
        "constant": ("constant", {}),
        "constant_with_warmup": ("constant_with_warmup", {}),
        "inverse_sqrt": ("inverse_sqrt", {}),
        "cosine_with_min_lr": ("cosine_with_min_lr", {"min_lr_rate": 0.1}),
        "warmup_stable_decay": ("warmup_stable_decay", {"num_decay_steps": 60}),
        "warmup_stable_decay min_lr_ratio linear": (
            "warmup_stable_decay",
            {"num_decay_steps": 60, "decay_type": "linear", "min_lr_ratio": 0.1},
        ),
        "warmup_stable_decay 1-sqrt": (
            "warmup_stable_decay",
            {"num_decay_steps": 60, "warmup_type": "1-sqrt", "decay_type": "1-sqrt"},
        ),
    }
    name, kw = calls[row]
    n = None if name in ("constant", "constant_with_warmup", "inverse_sqrt") else 300
    got = lrdsl.from_hf(name, 30, n, learning_rate=0.1, **kw)
    assert lrdsl.compare(got, expr, total_steps=300, rtol=1e-12).equal, (got, expr)


def test_spec_and_config() -> None:
    need("transformers.optimization")
    assert (
        hf.from_spec("get_cosine_schedule_with_warmup", [100, 1000], {}, total_steps=None, steps_per_epoch=None)
        == "linear(0→1, 100) >> cosine(1→0, 900)"
    )
    assert (
        hf.from_spec(
            "get_scheduler",
            ["cosine_with_restarts"],
            {"num_warmup_steps": 10, "scheduler_specific_kwargs": {"num_cycles": 2}},
            total_steps=210,
            steps_per_epoch=None,
        )
        == "linear(0→1, 10) >> cosine(1→0, 100) * repeat(2)"
    )
    assert (
        hf.from_spec(
            "get_linear_schedule_with_warmup", [], {"num_warmup_steps": 5}, total_steps=50, steps_per_epoch=None
        )
        == "linear(0→1, 5) >> linear(1→0, 45)"
    )
    config = {"lr_scheduler_type": "cosine", "learning_rate": 3e-4, "warmup_steps": 0.1, "max_steps": 1000}
    assert (
        hf.from_config(config, total_steps=None, steps_per_epoch=None) == "linear(0→3e-4, 100) >> cosine(3e-4→0, 900)"
    )
    config = {
        "lr_scheduler_type": "warmup_stable_decay",
        "warmup_ratio": 0.05,
        "lr_scheduler_kwargs": '{"num_decay_steps": 100}',
    }
    assert (
        hf.from_config(config, total_steps=1000, steps_per_epoch=None)
        == "linear(0→5e-5, 50) >> const(5e-5, 850) >> cosine(5e-5→0, 100)"
    )
    assert hf.from_config({}, total_steps=400, steps_per_epoch=None) == "linear(5e-5→0, 400)"


REFUSALS: list[tuple[dict[str, Any], str]] = [
    (
        {"name": "reduce_lr_on_plateau"},
        "error: HF transformers reduce_lr_on_plateau cannot be imported: it lowers the rate when a metric stops "
        "improving, which no schedule of the step can say\nhint: pick a schedule by step instead",
    ),
    (
        {"name": "greedy"},
        "error: HF transformers greedy cannot be imported: it raises and lowers the rate from the training loss as "
        "it goes, which no schedule of the step can say\nhint: pick a schedule by step instead",
    ),
    (
        {"name": "cosin", "num_warmup_steps": 1},
        "error: HF transformers has no schedule 'cosin'\nhint: one of the get_scheduler names (linear, cosine, "
        "cosine_with_restarts, polynomial, constant, constant_with_warmup, inverse_sqrt, reduce_lr_on_plateau, "
        "cosine_with_min_lr, cosine_warmup_with_min_lr, warmup_stable_decay, greedy) or their functions "
        "(get_…_schedule…)",
    ),
    (
        {"name": "polynomial", "num_warmup_steps": 1, "num_training_steps": 10},
        "error: HF transformers polynomial: lr_end is an absolute rate, so the expression needs the optimizer's\n"
        "hint: give learning_rate=… (the optimizer's lr)",
    ),
    (
        {"name": "linear", "num_warmup_steps": 10, "num_training_steps": 10},
        "error: HF transformers linear: num_warmup_steps (10) ≥ num_training_steps (10) leaves nothing after the "
        "warm-up\nhint: give more training steps than warm-up steps",
    ),
    (
        {"name": "cosine", "num_warmup_steps": 1, "num_training_steps": 10, "power": 2},
        "error: HF transformers cosine has no argument 'power'\nhint: it takes: last_epoch, num_warmup_steps, "
        "num_training_steps, num_cycles",
    ),
    (
        {"name": "cosine_with_min_lr", "num_warmup_steps": 1, "num_training_steps": 10},
        "error: HF transformers cosine_with_min_lr needs exactly one of min_lr and min_lr_rate\n"
        "hint: give min_lr_rate=0.1, say",
    ),
    (
        {"name": "linear", "num_warmup_steps": 2.5, "num_training_steps": 10},
        "error: HF transformers linear: num_warmup_steps must be a whole number ≥ 0, got 2.5\n"
        "hint: write a whole number of steps",
    ),
    (
        {"name": "warmup_stable_decay", "num_warmup_steps": 1, "num_decay_steps": 3},
        "error: HF transformers warmup_stable_decay needs num_training_steps or num_stable_steps\n"
        "hint: give num_training_steps=N",
    ),
]


@pytest.mark.parametrize(
    ("call", "message"), REFUSALS, ids=[str(r[0]["name"]) + f"-{i}" for i, r in enumerate(REFUSALS)]
)
def test_refusals_say_why(call: dict[str, Any], message: str) -> None:
    with pytest.raises(lrdsl.LrdslError) as info:
        lrdsl.from_hf(**call)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (
            "get_cosine_schedule_with_warmup(optimizer, num_warmup_steps=100, num_training_steps=1000)",
            "linear(0→1, 100) >> cosine(1→0, 900)",
        ),
        ("get_cosine_schedule_with_warmup(optimizer, 100, 1000)", "linear(0→1, 100) >> cosine(1→0, 900)"),
        ("get_cosine_schedule_with_warmup(optimizer=opt, num_warmup_steps=100, num_training_steps=1000)", "cosine(1→0"),
        (
            "get_cosine_schedule_with_warmup(AdamW(model.parameters(), lr=3e-4), 100, 1000)",
            "linear(0→3e-4, 100) >> cosine(3e-4→0, 900)",
        ),
        ("get_scheduler('cosine', optimizer, num_warmup_steps=100, num_training_steps=1000)", "cosine(1→0, 900)"),
        ("get_scheduler('linear', optimizer, 10, 100)", "linear(0→1, 10) >> linear(1→0, 90)"),
        ("get_cosine_schedule_with_warmup(100, 1000)", "linear(0→1, 100) >> cosine(1→0, 900)"),
    ],
)
def test_calls_as_written_in_training_code_optimizer_first(spec: str, expected: str) -> None:
    assert expected in lrdsl.importers.import_spec("hf", spec)


# --- HF's own expected values through the importer ------------------------------------------------------
# From huggingface/transformers, tests/optimization/test_optimization.py (Apache-2.0), at commit
# 74714520aed84bb44c9e6724ba805d2cd1e1eff7: ScheduleInitTest.test_schedulers — each scheduler of an
# AdamW(m.parameters(), lr=10.0), its arguments, and the rates of its first 10 steps (tolerance 1e-2).
HF_COMMON = "num_warmup_steps=2, num_training_steps=10"
HF_TESTS: list[tuple[str, list[float]]] = [
    ("get_constant_schedule(AdamW(m.parameters(), lr=10.0))", [10.0] * 10),
    (
        "get_constant_schedule_with_warmup(AdamW(m.parameters(), lr=10.0), num_warmup_steps=4)",
        [0.0, 2.5, 5.0, 7.5, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0],
    ),
    (
        f"get_linear_schedule_with_warmup(AdamW(m.parameters(), lr=10.0), {HF_COMMON})",
        [0.0, 5.0, 10.0, 8.75, 7.5, 6.25, 5.0, 3.75, 2.5, 1.25],
    ),
    (
        f"get_cosine_schedule_with_warmup(AdamW(m.parameters(), lr=10.0), {HF_COMMON})",
        [0.0, 5.0, 10.0, 9.61, 8.53, 6.91, 5.0, 3.08, 1.46, 0.38],
    ),
    (
        f"get_cosine_with_hard_restarts_schedule_with_warmup(AdamW(m.parameters(), lr=10.0), {HF_COMMON}, num_cycles=2)",
        [0.0, 5.0, 10.0, 8.53, 5.0, 1.46, 10.0, 8.53, 5.0, 1.46],
    ),
    (
        f"get_polynomial_decay_schedule_with_warmup(AdamW(m.parameters(), lr=10.0), {HF_COMMON}, power=2.0, lr_end=1e-7)",
        [0.0, 5.0, 10.0, 7.656, 5.625, 3.906, 2.5, 1.406, 0.625, 0.156],
    ),
    (
        "get_inverse_sqrt_schedule(AdamW(m.parameters(), lr=10.0), num_warmup_steps=2)",
        [0.0, 5.0, 10.0, 8.165, 7.071, 6.325, 5.774, 5.345, 5.0, 4.714],
    ),
]


@pytest.mark.filterwarnings("ignore::lrdsl.importers.verify.UncheckedImport")
@pytest.mark.parametrize(("spec", "expected"), HF_TESTS, ids=[s.split("(")[0] for s, _ in HF_TESTS])
def test_hf_own_expected_values(spec: str, expected: list[float]) -> None:
    """The call exactly as HF's test writes it (optimizer first): the expression gives HF's table."""
    expr = lrdsl.importers.import_spec("hf", spec)
    np.testing.assert_allclose(lrdsl.evaluate(expr, 10), expected, atol=1e-2, rtol=0, err_msg=expr)
