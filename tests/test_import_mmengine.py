"""``lrdsl.from_mmengine``: a config's ``param_scheduler`` list, against mmengine's own schedulers.

mmengine is installed (``pip install mmengine-lite``, the ``import`` extra): each case builds the real
schedulers (``build_iter_from_epoch`` for ``convert_to_iter_based``) on an ``SGD`` optimizer and steps
them as mmengine's ``ParamSchedulerHook`` does — iteration-based ones after every iteration,
epoch-based ones after every epoch — and every iteration's rate is compared with ``lrdsl.evaluate``
of the import.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import lrdsl
from lrdsl.importers import mmengine as mm
from tests.frameworks import need

pytestmark = pytest.mark.frameworks
D = dict


def _mmengine_values(param_scheduler: list[dict[str, Any]], lr: float, epochs: int, ipe: int) -> np.ndarray:
    torch = need("torch")
    lib = need("mmengine.optim.scheduler")
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)
    scheds = []
    for entry in param_scheduler:
        kw = {k: v for k, v in entry.items() if k not in ("type", "convert_to_iter_based")}
        cls = getattr(lib, entry["type"])
        if entry.get("convert_to_iter_based"):
            scheds.append(cls.build_iter_from_epoch(opt, **kw, epoch_length=ipe))
        else:
            scheds.append(cls(opt, **kw))
    seen = []
    for _ in range(epochs):
        for _ in range(ipe):
            seen.append(opt.param_groups[0]["lr"])
            opt.step()
            for s in scheds:
                if not s.by_epoch:
                    s.step()
        for s in scheds:
            if s.by_epoch:
                s.step()
    return np.array(seen)


# (param_scheduler, max_epochs, iters_per_epoch)
CASES: list[tuple[list[dict[str, Any]], int, int]] = [
    # mmdet's default: an iteration warm-up overlapping epoch milestones (the two multiply)
    (
        [
            D(type="LinearLR", start_factor=0.001, by_epoch=False, begin=0, end=50),
            D(type="MultiStepLR", begin=0, end=12, by_epoch=True, milestones=[8, 11], gamma=0.1),
        ],
        12,
        10,
    ),
    # mmpretrain: an epoch warm-up converted to iterations, then a cosine per epoch
    (
        [
            D(type="LinearLR", start_factor=0.01, by_epoch=True, begin=0, end=3, convert_to_iter_based=True),
            D(type="CosineAnnealingLR", T_max=17, eta_min=1e-5, by_epoch=True, begin=3, end=20),
        ],
        20,
        7,
    ),
    (
        [
            D(type="LinearLR", start_factor=0.01, by_epoch=True, begin=0, end=3, convert_to_iter_based=True),
            D(type="CosineAnnealingLR", eta_min_ratio=0.01, by_epoch=True, begin=3, end=20, convert_to_iter_based=True),
        ],
        20,
        7,
    ),
    # mmseg: poly over iterations
    ([D(type="PolyLR", eta_min=1e-4, power=0.9, begin=0, end=300, by_epoch=False)], 30, 10),
    ([D(type="PolyLR", eta_min=0, power=2.0, begin=0, end=25, by_epoch=True)], 25, 4),
    ([D(type="PolyLR", eta_min=1e-3, power=1.0, begin=10, end=200, by_epoch=False)], 30, 10),
    (
        [
            D(type="ConstantLR", factor=0.25, begin=0, end=5, by_epoch=True),
            D(type="StepLR", step_size=3, gamma=0.5, begin=5, end=20),
        ],
        20,
        5,
    ),
    ([D(type="StepLR", step_size=40, gamma=0.7, by_epoch=False, begin=0, end=150)], 20, 10),
    ([D(type="ExponentialLR", gamma=0.9, begin=2, end=10)], 12, 3),
    ([D(type="ExponentialLR", gamma=0.99, by_epoch=False)], 10, 10),
    ([D(type="MultiStepLR", milestones=[0, 30, 60, 60], gamma=0.5, by_epoch=False, end=100)], 12, 10),
    ([D(type="OneCycleLR", eta_max=0.1, total_steps=200, by_epoch=False)], 20, 10),
    (
        [
            D(
                type="OneCycleLR",
                eta_max=0.1,
                by_epoch=True,
                begin=0,
                end=20,
                convert_to_iter_based=True,
                pct_start=0.25,
                anneal_strategy="linear",
                three_phase=True,
                div_factor=10.0,
                final_div_factor=100.0,
            )
        ],
        20,
        10,
    ),
    (
        [D(type="CosineRestartLR", periods=[50, 50, 50], restart_weights=[1, 1, 1], eta_min=1e-4, by_epoch=False)],
        20,
        10,
    ),
    (
        [
            D(
                type="CosineRestartLR",
                periods=[5, 10],
                restart_weights=[1, 0.5],
                eta_min_ratio=0.01,
                by_epoch=True,
                convert_to_iter_based=True,
            )
        ],
        20,
        10,
    ),
    (
        [
            D(type="LinearLR", start_factor=0.1, by_epoch=False, begin=0, end=30),
            D(type="CosineAnnealingLR", T_max=100, by_epoch=False, begin=30, end=130),
        ],
        20,
        10,
    ),
    # a cosine window shorter than its T_max, and a gap before the next window
    (
        [
            D(type="CosineAnnealingLR", T_max=10, eta_min=0.01, by_epoch=True, begin=0, end=6),
            D(type="ConstantLR", factor=0.5, by_epoch=True, begin=8, end=12),
        ],
        15,
        4,
    ),
    # windows that end inside a restart cycle, and a cosine run past T_max from the optimizer's rate
    (
        [D(type="CosineRestartLR", begin=1, end=3, by_epoch=True, periods=[3], restart_weights=[1.0], eta_min=1e-4)],
        6,
        3,
    ),
    (
        [
            D(type="ConstantLR", begin=0, end=3, by_epoch=True, factor=0.5),
            D(
                type="CosineRestartLR",
                begin=3,
                end=8,
                periods=[2, 4],
                restart_weights=[1.0, 0.5],
                eta_min=1e-4,
                by_epoch=False,
            ),
        ],
        10,
        1,
    ),
    ([D(type="CosineAnnealingLR", T_max=2, eta_min=1e-3, by_epoch=True, begin=0, end=7)], 10, 3),
    # overlapping scaling schedulers: a linear warm-up under an exponential decay
    (
        [
            D(type="LinearLR", start_factor=0.2, end_factor=1.0, by_epoch=False, begin=0, end=25),
            D(type="ExponentialLR", gamma=0.95, by_epoch=True, begin=1, end=10),
        ],
        12,
        5,
    ),
]


@pytest.mark.parametrize(
    ("ps", "epochs", "ipe"), CASES, ids=[f"{'+'.join(e['type'] for e in c[0])}-{i}" for i, c in enumerate(CASES)]
)
def test_param_scheduler_imports_exactly(ps: list[dict[str, Any]], epochs: int, ipe: int) -> None:
    expected = _mmengine_values(ps, 0.1, epochs, ipe)
    expr = lrdsl.from_mmengine(ps, max_epochs=epochs, iters_per_epoch=ipe, lr=0.1)
    got = lrdsl.evaluate(expr, epochs * ipe, steps_per_epoch=ipe)
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-15)


def test_expressions_read_as_a_person_writes_them() -> None:
    need("mmengine.optim.scheduler")
    mmdet = [
        D(type="LinearLR", start_factor=0.001, by_epoch=False, begin=0, end=500),
        D(type="MultiStepLR", begin=0, end=12, by_epoch=True, milestones=[8, 11], gamma=0.1),
    ]
    assert (
        lrdsl.from_mmengine(mmdet, max_epochs=12, iters_per_epoch=1000, lr=0.02)
        == "linear(2e-5→0.02, 499) * multistep(1, 12ep, gamma=0.1, at=[8ep, 11ep])"
    )
    warm_cos = [
        D(type="LinearLR", start_factor=0.01, by_epoch=True, begin=0, end=3, convert_to_iter_based=True),
        D(type="CosineAnnealingLR", eta_min_ratio=0.01, by_epoch=True, begin=3, end=20, convert_to_iter_based=True),
    ]
    assert lrdsl.from_mmengine(warm_cos, 20, 7) == "linear(0.01→1, 20) >> hold(1) >> cosine(1→0.01, 119)"
    # a window cut inside its cosine is one call: the formatter writes no parentheses around it
    past_t_max = [D(type="CosineAnnealingLR", T_max=2, eta_min=0.001, by_epoch=True, begin=0, end=7)]
    assert lrdsl.from_mmengine(past_t_max, max_epochs=10, iters_per_epoch=3, lr=0.1) == (
        "fn(1e-3 + 0.099 * (1 + cos(pi * p * 3.5)) / 2, 7ep) * quantize(1ep) >> const(1e-3)"
    )


def test_spec_and_config() -> None:
    need("mmengine.optim.scheduler")
    assert (
        mm.from_spec(
            "CosineAnnealingLR", [], {"T_max": 100, "by_epoch": False, "lr": 0.1}, total_steps=100, steps_per_epoch=None
        )
        == "cosine(0.1→0, 100)"
    )
    config = {
        "optim_wrapper": {"optimizer": {"type": "SGD", "lr": 0.02}},
        "train_cfg": {"max_epochs": 12},
        "param_scheduler": [
            {"type": "LinearLR", "start_factor": 0.001, "by_epoch": False, "begin": 0, "end": 500},
            {"type": "MultiStepLR", "begin": 0, "end": 12, "by_epoch": True, "milestones": [8, 11], "gamma": 0.1},
        ],
    }
    assert (
        mm.from_config(config, total_steps=None, steps_per_epoch=1000)
        == "linear(2e-5→0.02, 499) * multistep(1, 12ep, gamma=0.1, at=[8ep, 11ep])"
    )


REFUSALS: list[tuple[Any, str]] = [
    (
        [D(type="ReduceOnPlateauLR", monitor="loss")],
        "error: mmengine ReduceOnPlateauLR cannot be imported: it lowers the rate when a metric stops improving, which "
        "no schedule of the step can say\nhint: pick a schedule by step or epoch",
    ),
    (
        [D(type="QuadraticWarmupLR", end=5)],
        "error: mmengine has no LR scheduler 'QuadraticWarmupLR' that lrdsl reads\nhint: one of LinearLR, ConstantLR, "
        "StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, PolyLR, OneCycleLR, CosineRestartLR",
    ),
    (
        [
            D(type="LinearLR", start_factor=0.1, by_epoch=False, begin=0, end=50),
            D(type="CosineAnnealingLR", eta_min=1e-4, by_epoch=True, begin=0, end=10),
        ],
        "error: mmengine CosineAnnealingLR overlaps another scheduler's window and does not just scale the rate, so the "
        "two do not compose as a product\nhint: give the schedulers windows that do not overlap (begin/end)",
    ),
    (
        [D(type="CosineAnnealingLR", T_max=5, tmax=3)],
        "error: mmengine CosineAnnealingLR has no argument 'tmax'\nhint: it takes: begin, end, by_epoch, "
        "convert_to_iter_based, last_step, verbose, T_max, eta_min, eta_min_ratio",
    ),
    (
        [D(type="OneCycleLR", eta_max=0.1, by_epoch=True, end=10)],
        "error: mmengine OneCycleLR by epoch cannot be imported: stepped once per epoch, its phases end on epochs "
        "that onecycle(…) in steps does not place\nhint: set by_epoch=False, or convert_to_iter_based=True",
    ),
    (
        [
            D(type="LinearLR", start_factor=0.5, end_factor=0.5, by_epoch=True, begin=0, end=2),
            D(type="CosineAnnealingLR", T_max=2, eta_min=0.0, by_epoch=True, begin=2, end=8),
        ],
        "error: mmengine CosineAnnealingLR: its window runs past T_max from a rate (0.05) other than the optimizer's "
        "(0.1), where mmengine's step-to-step rule has no closed form\nhint: end the window at begin + T_max (+1), "
        "or start it at the optimizer's rate",
    ),
    (
        [
            D(type="CosineAnnealingLR", begin=1, end=6, by_epoch=True, T_max=2, eta_min=0.0),
            D(type="ExponentialLR", begin=20, end=30, by_epoch=False, gamma=0.9),
        ],
        "error: mmengine CosineAnnealingLR overlaps another scheduler's window and does not just scale the rate, so the "
        "two do not compose as a product\nhint: give the schedulers windows that do not overlap (begin/end)",
    ),
    (
        [D(type="OneCycleLR", eta_max=0.1, by_epoch=False, begin=0, end=3)],
        "error: mmengine OneCycleLR: pct_start × total_steps (0.3 × 3) leaves its rising phase no step\n"
        "hint: give more steps (total_steps or the window) or a larger pct_start",
    ),
    (
        "cosine",
        "error: mmengine: param_scheduler must be a dict or a list of dicts with a 'type'\nhint: param_scheduler = "
        "[dict(type='LinearLR', …), dict(type='CosineAnnealingLR', …)]",
    ),
]


@pytest.mark.parametrize(("ps", "message"), REFUSALS, ids=[f"refusal-{i}" for i in range(len(REFUSALS))])
def test_refusals_say_why(ps: Any, message: str) -> None:
    with pytest.raises(lrdsl.LrdslError) as info:
        lrdsl.from_mmengine(ps, max_epochs=10, iters_per_epoch=10, lr=0.1)
    assert str(info.value) == message


def test_an_absolute_floor_needs_the_rate() -> None:
    with pytest.raises(lrdsl.LrdslError) as info:
        lrdsl.from_mmengine(
            [D(type="PolyLR", eta_min=1e-4, by_epoch=False, end=100)], max_epochs=10, iters_per_epoch=10
        )
    assert str(info.value) == (
        "error: mmengine PolyLR: eta_min is an absolute rate, so the expression needs the optimizer's\n"
        "hint: give lr=… (optim_wrapper.optimizer.lr), or eta_min_ratio instead"
    )


def test_a_resumed_scheduler_imports_the_whole_schedule() -> None:
    need("mmengine.optim.scheduler")
    ps = [D(type="CosineAnnealingLR", T_max=100, by_epoch=False, last_step=40)]
    assert lrdsl.from_mmengine(ps, max_epochs=10, iters_per_epoch=10, lr=0.1) == "cosine(0.1→0, 100)"


def test_convert_to_iter_based_needs_the_epoch_length() -> None:
    with pytest.raises(lrdsl.LrdslError) as info:
        lrdsl.from_mmengine([D(type="LinearLR", end=3, convert_to_iter_based=True)], max_epochs=10)
    assert str(info.value) == (
        "error: mmengine LinearLR: convert_to_iter_based needs the iterations per epoch\n"
        "hint: give iters_per_epoch=… (CLI: --steps-per-epoch K)"
    )


SHARED_STEP = [
    # mmengine's own warm-up layout: the warm-up's last step (end − 1) is the decay's step 0, which leaves the rate
    (
        [
            D(type="LinearLR", start_factor=0.01, by_epoch=False, begin=0, end=11),
            D(type="CosineAnnealingLR", T_max=40, eta_min=1e-3, by_epoch=False, begin=10, end=51),
        ],
        "linear(1e-3→0.1, 10) >> cosine(0.1→1e-3, 40)",
    ),
    (
        [
            D(type="LinearLR", start_factor=0.1, by_epoch=False, begin=0, end=21),
            D(type="PolyLR", eta_min=1e-4, power=2.0, by_epoch=False, begin=20, end=81),
        ],
        "linear(0.01→0.1, 20) >> poly(0.1→1e-4, 60, power=2)",
    ),
    (
        [
            D(type="LinearLR", start_factor=0.5, by_epoch=False, begin=0, end=6),
            D(type="LinearLR", start_factor=1.0, end_factor=0.1, by_epoch=False, begin=5, end=50),
        ],
        "linear(0.05→0.1, 5) >> linear(0.1→0.01, 44)",
    ),
    # by epoch: the shared step is an epoch
    (
        [
            D(type="LinearLR", start_factor=0.25, by_epoch=True, begin=0, end=3),
            D(type="CosineAnnealingLR", T_max=7, eta_min=1e-3, by_epoch=True, begin=2, end=10),
        ],
        None,
    ),
]


@pytest.mark.parametrize(("ps", "text"), SHARED_STEP)
def test_a_warm_up_sharing_its_last_step_with_the_decay(ps: list[dict[str, Any]], text: str | None) -> None:
    """mmengine applies both schedulers on the shared step (the decay's step 0 leaves the rate), so the two read
    as the warm-up ``>>`` the decay, checked against mmengine's own schedulers at every iteration."""
    need("mmengine.optim.scheduler")
    got = lrdsl.from_mmengine(ps, max_epochs=10, iters_per_epoch=10, lr=0.1)
    if text is not None:
        assert got == text
    want = _mmengine_values(ps, 0.1, 10, 10)
    np.testing.assert_allclose(lrdsl.evaluate(got, total_steps=100, steps_per_epoch=10), want, rtol=1e-12, atol=1e-15)


def test_a_list_without_an_lr_scheduler_keeps_the_optimizers_rate() -> None:
    need("mmengine.optim.scheduler")
    config = {"optim_wrapper": {"optimizer": {"lr": 0.1}}, "train_cfg": {"max_iters": 50}, "param_scheduler": []}
    assert mm.from_config(config, total_steps=None, steps_per_epoch=None) == "0.1"
    with pytest.raises(lrdsl.LrdslError, match="param_scheduler has no LR scheduler"):
        lrdsl.from_mmengine([D(type="CosineAnnealingMomentum", T_max=5)], max_epochs=10)
