"""``lrdsl.from_timm``: timm's cosine, tanh, step, multistep, poly and constant schedulers, against timm itself.

timm cannot be imported here (its package ``__init__`` loads the model zoo, which needs torchvision),
so, as in ``tests/parity/test_timm.py``, timm's own scheduler files run from the pinned wheel under a
bare ``timm`` package (``tests/parity/wheels.py``). Each case builds the real scheduler with
``create_scheduler_v2`` or the class, runs the loop of timm's ``train.py`` (7 updates per epoch,
30 epochs) and compares every update with ``lrdsl.evaluate`` of the import. The importer is also
given the wheel's module, so its own check runs against timm too. The parity rows are import tests.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import lrdsl
from lrdsl.importers import timm as timm_importer
from tests.frameworks import need
from tests.parity.test_timm import ROWS as PARITY_ROWS
from tests.parity.test_timm import E, S, _timm_values
from tests.parity.wheels import modules

pytestmark = pytest.mark.frameworks


def _scheduler_module() -> Any:
    return modules(["timm"], ["timm.scheduler"])["timm.scheduler"]


FACTORY: list[dict[str, Any]] = [
    {"sched": "cosine", "num_epochs": 20, "min_lr": 1e-5},
    {"sched": "cosine", "num_epochs": 20, "min_lr": 1e-5, "warmup_epochs": 3, "warmup_lr": 1e-4},
    {"sched": "cosine", "num_epochs": 20, "min_lr": 1e-5, "warmup_epochs": 3, "warmup_lr": 1e-4, "warmup_prefix": True},
    {"sched": "cosine", "num_epochs": 20, "min_lr": 1e-5, "k_decay": 1.5},
    {"sched": "cosine", "num_epochs": 4, "cycle_mul": 2, "cycle_decay": 0.5, "cycle_limit": 3},
    {"sched": "cosine", "num_epochs": 4, "min_lr": 1e-3, "cycle_mul": 2, "cycle_decay": 0.5, "cycle_limit": 3},
    {"sched": "cosine", "num_epochs": 4, "cycle_mul": 1.5, "cycle_limit": 5, "k_decay": 2.0},
    {"sched": "cosine", "num_epochs": 30, "warmup_epochs": 4, "warmup_lr": 0.0, "step_on_epochs": False},
    {"sched": "tanh", "num_epochs": 25, "min_lr": 1e-4},
    {"sched": "tanh", "num_epochs": 25, "min_lr": 1e-4, "warmup_epochs": 3, "warmup_lr": 1e-3},
    {"sched": "tanh", "num_epochs": 25, "min_lr": 1e-4, "warmup_epochs": 3, "warmup_lr": 1e-3, "warmup_prefix": True},
    {"sched": "tanh", "num_epochs": 6, "min_lr": 1e-4, "cycle_limit": 3, "cycle_decay": 0.5},
    {"sched": "tanh", "num_epochs": 20, "step_on_epochs": False},
    {"sched": "step", "decay_epochs": 5, "decay_rate": 0.5, "warmup_epochs": 2, "warmup_lr": 1e-3},
    {
        "sched": "step",
        "decay_epochs": 5,
        "decay_rate": 0.5,
        "warmup_epochs": 2,
        "warmup_lr": 1e-3,
        "warmup_prefix": True,
    },
    {"sched": "step", "decay_epochs": 3, "decay_rate": 0.7, "step_on_epochs": False},
    {"sched": "multistep", "decay_milestones": [8, 15, 22], "decay_rate": 0.3},
    {"sched": "multistep", "decay_milestones": [1, 15], "decay_rate": 0.3, "warmup_epochs": 3, "warmup_lr": 0.0},
    {"sched": "multistep", "decay_milestones": [5, 12], "decay_rate": 0.5, "step_on_epochs": False},
    {"sched": "poly", "num_epochs": 25, "min_lr": 1e-4, "decay_rate": 0.5},
    {"sched": "poly", "num_epochs": 20, "decay_rate": 2, "warmup_epochs": 5, "warmup_prefix": True, "warmup_lr": 0.0},
    {"sched": "poly", "num_epochs": 12, "decay_rate": 2, "k_decay": 2, "cycle_limit": 2, "cycle_decay": 0.5},
    {"sched": "constant", "num_epochs": 10, "warmup_epochs": 2},
    # a fractional step period (floor(t / 2.5) on timm's clock); a milestone at 1 (epoch 0 runs at the
    # optimizer's rate, as timm sets none before its first step); cycles ending between updates
    {
        "sched": "step",
        "decay_epochs": 2.5,
        "decay_rate": 0.5,
        "warmup_epochs": 3,
        "warmup_prefix": True,
        "warmup_lr": 0.0,
    },
    {"sched": "step", "decay_epochs": 2.5, "decay_rate": 0.5},
    {"sched": "multistep", "decay_milestones": [1, 5, 12], "decay_rate": 0.5},
    {"sched": "cosine", "num_epochs": 10, "min_lr": 1e-3, "cycle_limit": 3, "cycle_mul": 1.5, "step_on_epochs": False},
    {
        "sched": "poly",
        "num_epochs": 7,
        "cycle_limit": 2,
        "cycle_mul": 1.5,
        "cycle_decay": 0.5,
        "k_decay": 0.5,
        "decay_rate": 1.0,
        "step_on_epochs": False,
    },
    {"sched": "wsd", "num_epochs": 20, "warmup_epochs": 3, "warmup_lr": 1e-4},
    {
        "sched": "wsd",
        "num_epochs": 20,
        "warmup_epochs": 3,
        "warmup_lr": 1e-4,
        "min_lr": 1e-3,
        "decay_fn": "cosine",
        "decay_epochs": 5,
    },
    {
        "sched": "wsd",
        "num_epochs": 20,
        "warmup_epochs": 3,
        "warmup_prefix": True,
        "decay_fn": "linear",
        "step_on_epochs": False,
    },
    {"sched": "wsd", "num_epochs": 20, "decay_fn": "power", "decay_epochs": 0.3, "min_lr": 1e-4},
    {"sched": "wsd", "num_epochs": 20, "decay_fn": "exp", "decay_epochs": 0.3},
    {"sched": "rsqrt", "num_epochs": 25, "warmup_epochs": 4, "warmup_lr": 0.0},
    {"sched": "rsqrt", "num_epochs": 25, "warmup_epochs": 4, "warmup_lr": 0.0, "min_lr": 0.02, "step_on_epochs": False},
    {
        "sched": "rsqrt",
        "num_epochs": 25,
        "warmup_epochs": 4,
        "warmup_lr": 0.0,
        "stable_timescale": 10,
        "decay_fn": "1-sqrt",
    },
]


@pytest.mark.parametrize("kw", FACTORY, ids=[f"{c['sched']}-{i}" for i, c in enumerate(FACTORY)])
def test_create_scheduler_v2_imports_exactly(kw: dict[str, Any]) -> None:
    module = _scheduler_module()
    per_epoch = kw.get("step_on_epochs", True)
    expected = _timm_values(lambda m, o: m.create_scheduler_v2(o, **kw, updates_per_epoch=S)[0], per_epoch)
    expr = lrdsl.from_timm(lr=0.1, updates_per_epoch=S, library=module, **kw)
    np.testing.assert_allclose(lrdsl.evaluate(expr, S * E, steps_per_epoch=S), expected, rtol=1e-9, atol=1e-15)


def _after_update_values(kw: dict[str, Any]) -> np.ndarray:
    """The rate of each update of a loop that steps timm after the update with that update's own index:
    ``step_update(num_updates=t)`` after update ``t`` and ``step(epoch)`` after epoch ``epoch``."""
    torch = need("torch")
    module = _scheduler_module()
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    sched = module.create_scheduler_v2(opt, **kw, updates_per_epoch=S)[0]
    seen = []
    for epoch in range(E):
        for i in range(S):
            seen.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step_update(num_updates=epoch * S + i)
        sched.step(epoch)
    return np.array(seen)


@pytest.mark.parametrize("kw", FACTORY, ids=[f"{c['sched']}-{i}" for i, c in enumerate(FACTORY)])
def test_after_update_loop_imports_exactly(kw: dict[str, Any]) -> None:
    expected = _after_update_values(kw)
    expr = lrdsl.from_timm(lr=0.1, updates_per_epoch=S, library=_scheduler_module(), loop="after_update", **kw)
    np.testing.assert_allclose(lrdsl.evaluate(expr, S * E, steps_per_epoch=S), expected, rtol=1e-9, atol=1e-15)


def test_after_update_is_train_py_one_step_or_epoch_late() -> None:
    module = _scheduler_module()
    kw: dict[str, Any] = {"sched": "cosine", "num_epochs": 20, "min_lr": 1e-5}
    on_time = lrdsl.from_timm(lr=0.1, updates_per_epoch=S, library=module, **kw)
    late = lrdsl.from_timm(lr=0.1, updates_per_epoch=S, library=module, loop="after_update", **kw)
    assert late == f"{on_time} * offset(-1ep)"
    updates = {**kw, "step_on_epochs": False}
    assert lrdsl.from_timm(lr=0.1, updates_per_epoch=S, library=module, loop="after_update", **updates).endswith(
        "* offset(-1)"
    )
    # tanh without warm-up: timm's first rate is the optimizer's, not f(0); late, update 1 (epoch 1) runs at f(0)
    tanh = lrdsl.from_timm(
        lr=0.1, updates_per_epoch=S, library=module, loop="after_update", sched="tanh", num_epochs=25, min_lr=1e-4
    )
    assert "offset" not in tanh and tanh.startswith("(const(0.1, 1ep) >> fn(")
    with pytest.raises(lrdsl.LrdslError, match="no loop"):
        lrdsl.from_timm(lr=0.1, library=module, loop="before", **kw)


def test_cli_loop(capsys: pytest.CaptureFixture[str]) -> None:
    from lrdsl.cli import main

    _scheduler_module()
    spec = "CosineLRScheduler(t_initial=20, lr_min=1e-5, lr=0.1)"
    assert main(["import", "timm", spec, "--steps-per-epoch", str(S), "--loop", "after_update"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "cosine(0.1→1e-5, 20ep) * quantize(1ep) * offset(-1ep)"
    assert main(["import", "timm", spec, "--steps-per-epoch", str(S)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "cosine(0.1→1e-5, 20ep) * quantize(1ep)"
    assert main(["import", "torch", "StepLR(step_size=3, lr=0.1)", "--loop", "after_update"]) == 2
    assert "loop (--loop) is a timm option" in capsys.readouterr().err


# The parity rows' calls as (class, kwargs): their import equals the row's expression.
PARITY_CALLS: dict[str, tuple[str, dict[str, Any]]] = {
    "CosineLRScheduler": ("CosineLRScheduler", {"t_initial": 20, "lr_min": 1e-5}),
    "CosineLRScheduler warmup_prefix=True": (
        "CosineLRScheduler",
        {"t_initial": 20, "lr_min": 1e-5, "warmup_t": 3, "warmup_lr_init": 1e-4, "warmup_prefix": True},
    ),
    "CosineLRScheduler warm-up (warmup_prefix=False)": (
        "CosineLRScheduler",
        {"t_initial": 20, "lr_min": 1e-5, "warmup_t": 3, "warmup_lr_init": 1e-4},
    ),
    "CosineLRScheduler k_decay": ("CosineLRScheduler", {"t_initial": 20, "lr_min": 1e-5, "k_decay": 1.5}),
    "CosineLRScheduler cycles": (
        "CosineLRScheduler",
        {"t_initial": 4, "cycle_mul": 2, "cycle_decay": 0.5, "cycle_limit": 3},
    ),
    "CosineLRScheduler cycles, lr_min": (
        "CosineLRScheduler",
        {"t_initial": 4, "lr_min": 1e-3, "cycle_mul": 2, "cycle_decay": 0.5, "cycle_limit": 3},
    ),
    "CosineLRScheduler cycle_mul=1.5": ("CosineLRScheduler", {"t_initial": 4, "cycle_mul": 1.5, "cycle_limit": 5}),
    "CosineLRScheduler per update": ("CosineLRScheduler", {"t_initial": S * E, "warmup_t": 30, "t_in_epochs": False}),
    "StepLRScheduler": ("StepLRScheduler", {"decay_t": 5, "decay_rate": 0.5, "warmup_t": 2, "warmup_lr_init": 1e-3}),
    "MultiStepLRScheduler": ("MultiStepLRScheduler", {"decay_t": [8, 15, 22], "decay_rate": 0.3}),
    "PolyLRScheduler": ("PolyLRScheduler", {"t_initial": 25, "lr_min": 1e-4}),
    "PolyLRScheduler power=2, warmup_prefix=True": (
        "PolyLRScheduler",
        {"t_initial": 20, "power": 2, "warmup_t": 5, "warmup_prefix": True},
    ),
    "TanhLRScheduler": ("TanhLRScheduler", {"t_initial": 25, "lr_min": 1e-4}),
    "TanhLRScheduler warm-up (warmup_prefix=False)": (
        "TanhLRScheduler",
        {"t_initial": 25, "lr_min": 1e-4, "warmup_t": 3, "warmup_lr_init": 1e-3},
    ),
}


@pytest.mark.parametrize(("row", "make", "expr", "per_epoch"), PARITY_ROWS, ids=[r[0] for r in PARITY_ROWS])
def test_parity_row_imports_to_its_expression(row: str, make: Any, expr: str, per_epoch: bool) -> None:
    module = _scheduler_module()
    cls, kw = PARITY_CALLS[row]
    got = timm_importer.imported(cls, kw, 0.1, S, E, library=module)
    assert lrdsl.compare(got, expr, total_steps=S * E, steps_per_epoch=S, rtol=1e-12).equal, (got, expr)
    np.testing.assert_allclose(
        lrdsl.evaluate(got, S * E, steps_per_epoch=S), _timm_values(make, per_epoch), rtol=1e-9, atol=1e-15
    )


def test_expressions_read_as_a_person_writes_them() -> None:
    module = _scheduler_module()
    assert (
        lrdsl.from_timm(
            lr=0.1,
            updates_per_epoch=S,
            library=module,
            sched="cosine",
            num_epochs=20,
            min_lr=1e-5,
            warmup_epochs=3,
            warmup_lr=1e-4,
        )
        == "(linear(1e-4→0.1, 3ep) >> cosine(0.1→1e-5, 20ep) * offset(3ep)) * quantize(1ep)"
    )
    assert (
        lrdsl.from_timm(updates_per_epoch=S, library=module, sched="multistep", decay_milestones=[8, 15], num_epochs=20)
        == "multistep(1, gamma=0.1, at=[7ep, 14ep]) * quantize(1ep)"
    )


def test_spec_and_config() -> None:
    _scheduler_module()  # skip, or fail under LRDSL_REQUIRE_FRAMEWORKS, without the wheel
    assert (
        timm_importer.from_spec(
            "CosineLRScheduler", [], {"t_initial": 10, "lr_min": 1e-4, "lr": 0.1}, total_steps=None, steps_per_epoch=5
        )
        == "cosine(0.1→1e-4, 10ep) * quantize(1ep)"
    )
    assert (
        timm_importer.from_spec(
            "create_scheduler_v2",
            [],
            {"sched": "step", "decay_epochs": 2, "num_epochs": 8},
            total_steps=None,
            steps_per_epoch=5,
        )
        == "step(1, gamma=0.1, every=2ep) * quantize(1ep)"
    )
    config = {"sched": "cosine", "epochs": 50, "warmup_epochs": 5, "warmup_lr": 1e-5, "min_lr": 1e-6, "lr": 0.05}
    assert (
        timm_importer.from_config(config, total_steps=None, steps_per_epoch=10)
        == "(linear(1e-5→0.05, 5ep) >> cosine(0.05→1e-6, 50ep) * offset(5ep)) * quantize(1ep)"
    )


REFUSALS: list[tuple[str, dict[str, Any], str]] = [
    (
        "create_scheduler_v2",
        {"sched": "plateau"},
        "error: timm plateau cannot be imported: it lowers the rate when a metric stops improving, which no schedule "
        "of the step can say\nhint: pick a schedule by epoch or step",
    ),
    (
        "PlateauLRScheduler",
        {},
        "error: timm PlateauLRScheduler cannot be imported: it lowers the rate when a metric stops improving, which no "
        "schedule of the step can say\nhint: pick a schedule by epoch or step",
    ),
    (
        "create_scheduler_v2",
        {"sched": "wsd", "num_epochs": 10, "decay_epochs": 12},
        "error: timm wsd: the decay (12) must be in (0, the stable + decay length 10]\n"
        "hint: decay_epochs: a fraction in (0, 1) or a number of epochs",
    ),
    (
        "create_scheduler_v2",
        {"sched": "cosine", "noise": [0.5, 0.9]},
        "error: timm noise cannot be imported: it multiplies the rate by seeded random factors, which no schedule "
        "says\nhint: leave noise out (noise=None)",
    ),
    (
        "CosineLRScheduler",
        {"t_initial": 10, "noise_range_t": 5},
        "error: timm noise cannot be imported: it multiplies the rate by seeded random factors, which no schedule "
        "says\nhint: leave noise out (noise_range_t=None)",
    ),
    (
        "CosineLRScheduler",
        {"t_initial": 10, "lr_min": 1e-5},
        "error: timm CosineLRScheduler: lr_min and warmup_lr_init are absolute rates, so the expression needs the "
        "optimizer's\nhint: give lr=… (the optimizer's rate)",
    ),
    (
        "create_scheduler_v2",
        {"sched": "cosine", "step_on_epochs": False},
        "error: timm create_scheduler_v2: step_on_epochs=False needs updates_per_epoch\n"
        "hint: give updates_per_epoch=… (the dataloader's length)",
    ),
    (
        "create_scheduler_v2",
        {"sched": "cosin"},
        "error: timm has no scheduler 'cosin'\nhint: one of cosine, tanh, step, multistep, poly, constant, wsd, rsqrt",
    ),
]


@pytest.mark.parametrize(("name", "kw", "message"), REFUSALS, ids=[f"{r[0]}-{i}" for i, r in enumerate(REFUSALS)])
def test_refusals_say_why(name: str, kw: dict[str, Any], message: str) -> None:
    with pytest.raises(lrdsl.LrdslError) as info:
        timm_importer.from_spec(name, [], kw, total_steps=None, steps_per_epoch=None)
    assert str(info.value) == message


CLASS_CASES: list[tuple[str, dict[str, Any]]] = [
    (
        "WSDLRScheduler",
        {
            "t_initial": 20,
            "decay_t": 5,
            "stable_fn": "power",
            "stable_power": 0.3,
            "stable_timescale": 5,
            "warmup_t": 3,
        },
    ),
    (
        "WSDLRScheduler",
        {
            "t_initial": 140,
            "decay_t": 35,
            "stable_fn": "power",
            "stable_power": 0.3,
            "stable_timescale": 20,
            "warmup_t": 21,
            "t_in_epochs": False,
            "lr_min": 0.01,
            "decay_fn": "cosine",
        },
    ),
    (
        "TanhLRScheduler",
        {"t_initial": 8, "lb": -5.0, "ub": 4.0, "cycle_limit": 3, "cycle_mul": 1.5, "lr_min": 1e-3, "cycle_decay": 0.7},
    ),
    (
        "PolyLRScheduler",
        {"t_initial": 5, "power": 1.5, "cycle_limit": 4, "cycle_mul": 1.2, "warmup_t": 2, "warmup_prefix": True},
    ),
]


@pytest.mark.parametrize(("cls", "kw"), CLASS_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CLASS_CASES)])
def test_scheduler_class_imports_exactly(cls: str, kw: dict[str, Any]) -> None:
    _scheduler_module()
    expected = _timm_values(lambda m, o: getattr(m, cls)(o, **kw), kw.get("t_in_epochs", True))
    expr = timm_importer.from_spec(cls, [], {**kw, "lr": 0.1}, total_steps=S * E, steps_per_epoch=S)
    np.testing.assert_allclose(lrdsl.evaluate(expr, S * E, steps_per_epoch=S), expected, rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("CosineLRScheduler(optimizer, t_initial=100)", "cosine(1→0, 100ep) * quantize(1ep)"),
        ("CosineLRScheduler(optimizer, 100)", "cosine(1→0, 100ep) * quantize(1ep)"),
        ("CosineLRScheduler(SGD(p, lr=0.1), t_initial=100, lr_min=1e-5)", "cosine(0.1→1e-5, 100ep) * quantize(1ep)"),
        ("create_scheduler_v2(optimizer, sched='cosine', num_epochs=100)", "cosine(1→0, 100ep) * quantize(1ep)"),
        ("create_scheduler_v2(optimizer=optimizer, sched='cosine', num_epochs=100)", "cosine(1→0, 100ep)"),
    ],
)
def test_calls_as_written_in_training_code_optimizer_first(spec: str, expected: str) -> None:
    assert expected in lrdsl.importers.import_spec("timm", spec)


def test_a_long_run_is_checked_on_an_equivalent_run_or_at_sampled_steps() -> None:
    m = _scheduler_module()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # checked in full: no UncheckedImport
        # an epoch schedule of 1.5·10⁶ updates: checked on 300 epochs of one update
        assert timm_importer.from_timm(library=m, sched="cosine", num_epochs=300, updates_per_epoch=5000) == (
            "cosine(1→0, 300ep) * quantize(1ep)"
        )
        # 10⁶ epochs: checked against timm's closed form (_get_lr) at sampled epochs, in well under 50,000 calls
        expr = timm_importer.from_timm(library=m, sched="cosine", num_epochs=10, cycle_limit=100_000)
        assert expr == "cosine(1→0) * restart(period=10ep, decay=0.1, cycles=100000) * quantize(1ep)"
        kw: dict[str, Any] = {"num_epochs": 300, "updates_per_epoch": 5000, "step_on_epochs": False, "lr": 0.1}
        expr = timm_importer.from_timm(library=m, sched="cosine", warmup_epochs=2, **kw)
        assert expr == "linear(1e-5→0.1, 10000) >> cosine(0.1→0, 1500000) * offset(10000)"
        # the same, stepped after the update with its own index: checked at sampled steps against the closed form
        late = timm_importer.from_timm(library=m, sched="cosine", warmup_epochs=2, loop="after_update", **kw)
        assert late == f"({expr}) * offset(-1)"


@pytest.mark.parametrize(
    ("cls", "args"),
    [
        ("CosineLRScheduler", {"t_initial": 7, "lr_min": 0.01, "warmup_t": 2, "warmup_lr_init": 1e-3, "cycle_limit": 3,
                               "cycle_mul": 1.5, "cycle_decay": 0.5}),
        ("CosineLRScheduler", {"t_initial": 70, "lr_min": 0.01, "warmup_t": 5, "warmup_lr_init": 1e-3, "t_in_epochs": False}),
        ("TanhLRScheduler", {"t_initial": 9, "lr_min": 0.01}),
        ("StepLRScheduler", {"decay_t": 3, "decay_rate": 0.5, "warmup_t": 2, "warmup_lr_init": 0.01}),
        ("MultiStepLRScheduler", {"decay_t": [1, 4], "decay_rate": 0.5}),
        ("PolyLRScheduler", {"t_initial": 9, "power": 2, "warmup_t": 3, "warmup_lr_init": 0.0}),
    ],
)  # fmt: skip
def test_timms_closed_form_is_what_its_loop_sets(cls: str, args: dict[str, Any]) -> None:
    """The closed form a long run is checked against gives the rates each loop sets, at every step."""
    m = _scheduler_module()
    for loop in timm_importer.LOOPS:
        for per_epoch in (1, 3):
            stepped = timm_importer.library_values(m, cls, args, 0.1, per_epoch, 30, loop)
            closed = timm_importer.closed_values(m, cls, args, 0.1, per_epoch, list(range(30 * per_epoch)), loop)
            np.testing.assert_array_equal(closed, stepped)


def test_a_config_of_create_scheduler_v2_arguments() -> None:
    """``{"lr", "create_scheduler_v2": {…}}`` (what ``lrdsl export timm`` writes) is read as the factory's call, not
    as ``train.py``'s arguments (whose names differ: it would fall back to their defaults)."""
    kw = {"sched": "cosine", "num_epochs": 90, "min_lr": 1e-5, "step_on_epochs": False, "updates_per_epoch": 1}
    config = {"lr": 1e-3, "create_scheduler_v2": kw}
    assert timm_importer.from_config(config, total_steps=100, steps_per_epoch=None).startswith("cosine(1e-3→1e-5, 90)")
    with pytest.raises(lrdsl.LrdslError) as info:
        timm_importer.from_config({"lr": 0.1, "create_scheduler_v2": 3}, total_steps=None, steps_per_epoch=None)
    assert str(info.value) == "error: timm: create_scheduler_v2 must be a mapping of its keyword arguments"
    with pytest.raises(lrdsl.LrdslError) as info:
        timm_importer.from_config({"epochs": 9, "create_scheduler_v2": kw}, total_steps=None, steps_per_epoch=None)
    assert str(info.value) == "error: timm config has no argument 'epochs'\nhint: it takes: lr"
