"""from_torch: real torch.optim.lr_scheduler objects imported and compared over every step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import lrdsl
from tests.frameworks import need
from tests.parity.test_torch import ROWS, _torch_values

pytestmark = pytest.mark.frameworks

# (case, factory (lr_scheduler module, optimizer) → scheduler, total steps given to the importer)
CASES: list[tuple[str, Callable[[Any, Any], Any], int | None]] = [
    ("StepLR default gamma", lambda L, o: L.StepLR(o, 7), 100),
    ("StepLR no total", lambda L, o: L.StepLR(o, step_size=4, gamma=0.7), None),
    ("MultiStepLR repeated and 0", lambda L, o: L.MultiStepLR(o, [10, 10, 30, 0], gamma=0.5), 100),
    ("MultiStepLR unsorted", lambda L, o: L.MultiStepLR(o, [60, 15]), 100),
    ("ConstantLR defaults", lambda L, o: L.ConstantLR(o), 30),
    ("ConstantLR total_iters=0", lambda L, o: L.ConstantLR(o, factor=0.5, total_iters=0), 50),
    ("LinearLR defaults", lambda L, o: L.LinearLR(o), 30),
    ("LinearLR total_iters=0", lambda L, o: L.LinearLR(o, total_iters=0), 50),
    ("LinearLR decay", lambda L, o: L.LinearLR(o, start_factor=1.0, end_factor=0.05, total_iters=80), 200),
    ("ExponentialLR", lambda L, o: L.ExponentialLR(o, gamma=0.9), 120),
    ("PolynomialLR defaults", lambda L, o: L.PolynomialLR(o), 50),
    ("PolynomialLR power 1.5", lambda L, o: L.PolynomialLR(o, total_iters=70, power=1.5), 100),
    ("CosineAnnealingLR longer run", lambda L, o: L.CosineAnnealingLR(o, T_max=40, eta_min=1e-3), 200),
    ("CosineAnnealingLR no total", lambda L, o: L.CosineAnnealingLR(o, T_max=40, eta_min=1e-3), None),
    ("CosineAnnealingWarmRestarts T_mult=3", lambda L, o: L.CosineAnnealingWarmRestarts(o, 5, 3, 1e-5), 300),
    (
        "CyclicLR unequal halves",
        lambda L, o: L.CyclicLR(o, 0.01, 0.1, step_size_up=10, step_size_down=30, cycle_momentum=False),
        200,
    ),
    (
        "CyclicLR triangular2 unequal",
        lambda L, o: L.CyclicLR(o, 0.01, 0.1, step_size_up=10, step_size_down=30, mode="triangular2"),
        200,
    ),
    (
        "CyclicLR exp_range unequal",
        lambda L, o: L.CyclicLR(o, 0.01, 0.1, step_size_up=10, step_size_down=15, mode="exp_range", gamma=0.99),
        200,
    ),
    (
        "OneCycleLR epochs x steps_per_epoch",
        lambda L, o: L.OneCycleLR(o, max_lr=0.5, epochs=4, steps_per_epoch=25, pct_start=0.4),
        100,
    ),
    ("OneCycleLR no total", lambda L, o: L.OneCycleLR(o, max_lr=0.5, total_steps=80, div_factor=5.0), None),
    (
        "SequentialLR three",
        lambda L, o: L.SequentialLR(o, [L.ConstantLR(o, 0.1, 100), L.ExponentialLR(o, 0.9), L.StepLR(o, 10)], [20, 50]),
        150,
    ),
    (
        "SequentialLR cut cosine and poly",
        lambda L, o: L.SequentialLR(
            o,
            [
                L.CosineAnnealingLR(o, 100, eta_min=1e-3),
                L.PolynomialLR(o, 80, 2.0),
                L.CosineAnnealingWarmRestarts(o, 10),
            ],
            [30, 60],
        ),
        150,
    ),
    (
        "SequentialLR warm-up shorter than its milestone",
        lambda L, o: L.SequentialLR(o, [L.LinearLR(o, 0.1, total_iters=10), L.MultiStepLR(o, [20, 40])], [25]),
        150,
    ),
    (
        "ChainedScheduler three factors",
        lambda L, o: L.ChainedScheduler(
            [L.LinearLR(o, 0.1, total_iters=10), L.StepLR(o, 20, 0.5), L.PolynomialLR(o, 100, 1.0)]
        ),
        150,
    ),
    ("LambdaLR exponential", lambda L, o: L.LambdaLR(o, lambda e: 0.95**e), 100),
    ("LambdaLR warm-up", lambda L, o: L.LambdaLR(o, lambda e: min(1.0, (e + 1) / 10)), 100),
    ("MultiplicativeLR", lambda L, o: L.MultiplicativeLR(o, lambda e: 0.9), 100),
    (
        "SequentialLR with a LambdaLR (fitted whole)",
        lambda L, o: L.SequentialLR(o, [L.LambdaLR(o, lambda e: (e + 1) / 20), L.ExponentialLR(o, 0.95)], [20]),
        120,
    ),
]


def _optimizer(torch: Any, lr: float = 0.1) -> Any:
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr, momentum=0.9)


def _check(make: Callable[[Any, Any], Any], total: int | None) -> str:
    torch = need("torch")
    sched = make(torch.optim.lr_scheduler, _optimizer(torch))
    expr = str(lrdsl.from_torch(sched, total_steps=total))
    n = total or 41
    np.testing.assert_allclose(lrdsl.evaluate(expr, n), _torch_values(make, n), rtol=1e-9, atol=1e-15)
    return expr


@pytest.mark.parametrize(("row", "make", "expr", "steps"), ROWS, ids=[r[0] for r in ROWS])
def test_parity_row_imports_to_its_expression(row: str, make: Callable[[Any, Any], Any], expr: str, steps: int) -> None:
    got = _check(make, steps)
    np.testing.assert_allclose(lrdsl.evaluate(got, steps), lrdsl.evaluate(expr, steps), rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize(("case", "make", "total"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.filterwarnings("ignore:PyTorch's CosineAnnealingLR is imported for its first")
def test_scheduler_imports_exactly(case: str, make: Callable[[Any, Any], Any], total: int | None) -> None:
    _check(make, total)


def test_named_forms() -> None:
    torch = need("torch")
    L, o = torch.optim.lr_scheduler, _optimizer(torch)
    assert lrdsl.from_torch(L.StepLR(o, 30, 0.5)) == "step(0.1, gamma=0.5, every=30)"
    o = _optimizer(torch)
    assert lrdsl.from_torch(L.CosineAnnealingLR(o, 40), total_steps=100) == (
        "(cosine(0.1→0, 40) >> cosine(0→0.1, 40)) * restart()"
    )
    o = _optimizer(torch)
    seq = L.SequentialLR(o, [L.LinearLR(o, 0.01, total_iters=30), L.CosineAnnealingLR(o, 270)], [30])
    assert lrdsl.from_torch(seq, total_steps=300) == "linear(1e-3→0.1, 30) >> cosine(0.1→0, 270)"


def test_every_class_of_the_module_is_covered() -> None:
    torch = need("torch")
    from lrdsl.importers.torch import REFUSED, SIGNATURES

    L = torch.optim.lr_scheduler
    classes = {
        n
        for n, c in vars(L).items()
        if isinstance(c, type) and issubclass(c, L.LRScheduler) and not n.startswith("_") and c is not L.LRScheduler
    }
    assert classes == set(SIGNATURES) | set(REFUSED)


@pytest.mark.parametrize("case", ["OneCycleLR", "SequentialLR", "LambdaLR", "CosineAnnealingWarmRestarts"])
def test_mid_run_imports_the_whole_schedule_and_leaves_the_object_alone(case: str) -> None:
    torch = need("torch")
    make: Callable[[Any, Any], Any] = {
        "OneCycleLR": lambda L, o: L.OneCycleLR(o, max_lr=0.1, total_steps=120),
        "SequentialLR": lambda L, o: L.SequentialLR(o, [L.ConstantLR(o, 0.5, 50), L.StepLR(o, 9)], [30]),
        "LambdaLR": lambda L, o: L.LambdaLR(o, lambda e: 1 / (1 + e)),
        "CosineAnnealingWarmRestarts": lambda L, o: L.CosineAnnealingWarmRestarts(o, 11, 2),
    }[case]
    opt = _optimizer(torch)
    sched = make(torch.optim.lr_scheduler, opt)
    for _ in range(57):
        opt.step()
        sched.step()
    lr, state = opt.param_groups[0]["lr"], sched.state_dict()
    expr = lrdsl.from_torch(sched, total_steps=120)
    np.testing.assert_allclose(lrdsl.evaluate(expr, 120), _torch_values(make, 120), rtol=1e-9, atol=1e-15)
    assert opt.param_groups[0]["lr"] == lr
    assert repr(sched.state_dict()) == repr(state)


def test_param_group() -> None:
    torch = need("torch")
    p = [torch.nn.Parameter(torch.zeros(1)) for _ in range(2)]
    opt = torch.optim.SGD([{"params": [p[0]], "lr": 0.1}, {"params": [p[1]], "lr": 0.02}], lr=0.1)
    sched = torch.optim.lr_scheduler.CyclicLR(opt, [1e-3, 1e-4], [0.1, 0.01], step_size_up=5, cycle_momentum=False)
    assert lrdsl.from_torch(sched, group=1) == "cyclic(1e-4→0.01, half=5)"
    sched = torch.optim.lr_scheduler.StepLR(
        torch.optim.SGD([{"params": [p[0]], "lr": 0.1}, {"params": [p[1]], "lr": 0.02}]), 3
    )
    assert lrdsl.from_torch(sched, group=1) == "step(0.02, gamma=0.1, every=3)"
    with pytest.raises(lrdsl.LrdslError, match="no group 2"):
        lrdsl.from_torch(sched, group=2)


def test_unknown_subclass_is_sampled_and_fitted() -> None:
    torch = need("torch")

    base: Any = torch.optim.lr_scheduler.LRScheduler

    class Halving(base):  # type: ignore[misc]
        def get_lr(self) -> list[float]:
            return [base * 0.5 ** (self.last_epoch // 10) for base in self.base_lrs]

    opt = _optimizer(torch)
    sched = Halving(opt)
    for _ in range(13):
        opt.step()
        sched.step()
    expr = lrdsl.from_torch(sched, total_steps=60)
    want = [0.1 * 0.5 ** (t // 10) for t in range(60)]
    np.testing.assert_allclose(lrdsl.evaluate(expr, 60), want, rtol=1e-12)
    with pytest.raises(lrdsl.LrdslError, match="is imported by sampling it: give the run's length"):
        lrdsl.from_torch(sched)


def test_refused_and_bad_arguments() -> None:
    torch = need("torch")
    L = torch.optim.lr_scheduler
    with pytest.raises(lrdsl.LrdslError, match="ReduceLROnPlateau follows a metric"):
        lrdsl.from_torch(L.ReduceLROnPlateau(_optimizer(torch)))
    with pytest.raises(lrdsl.LrdslError, match=r"takes a torch\.optim\.lr_scheduler object, not str"):
        lrdsl.from_torch("StepLR")
    with pytest.raises(lrdsl.LrdslError, match="total_steps must be a positive whole number"):
        lrdsl.from_torch(L.StepLR(_optimizer(torch), 3), total_steps=0)


def test_a_rate_changed_outside_the_scheduler_is_an_error() -> None:
    torch = need("torch")
    opt = _optimizer(torch)
    sched = torch.optim.lr_scheduler.StepLR(opt, 5)
    opt.param_groups[0]["lr"] = 0.3
    with pytest.raises(lrdsl.LrdslError, match="departs from its class's schedule at step 0"):
        lrdsl.from_torch(sched)


SPECS: list[tuple[str, Callable[[Any, Any], Any], int | None]] = [
    ("StepLR(optimizer, step_size=30, gamma=0.5, lr=0.1)", lambda L, o: L.StepLR(o, 30, 0.5), 200),
    ("torch.optim.lr_scheduler.StepLR(SGD(params, lr=0.1), 30, 0.5)", lambda L, o: L.StepLR(o, 30, 0.5), 200),
    ("OneCycleLR(opt, max_lr=0.1, total_steps=300)", lambda L, o: L.OneCycleLR(o, max_lr=0.1, total_steps=300), 300),
    (
        "OneCycleLR(opt, 0.2, epochs=3, steps_per_epoch=40, anneal_strategy='linear', three_phase=True)",
        lambda L, o: L.OneCycleLR(o, 0.2, epochs=3, steps_per_epoch=40, anneal_strategy="linear", three_phase=True),
        120,
    ),
    (
        "SequentialLR(opt, schedulers=[LinearLR(opt, start_factor=0.01, total_iters=30),"
        " CosineAnnealingLR(opt, T_max=300 - 30)], milestones=[30], lr=0.1)",
        lambda L, o: L.SequentialLR(
            o, [L.LinearLR(o, start_factor=0.01, total_iters=30), L.CosineAnnealingLR(o, 270)], [30]
        ),
        300,
    ),
    (
        "ChainedScheduler([ConstantLR(AdamW(p, lr=0.1), factor=0.1, total_iters=20), ExponentialLR(o, gamma=0.99)])",
        lambda L, o: L.ChainedScheduler([L.ConstantLR(o, factor=0.1, total_iters=20), L.ExponentialLR(o, gamma=0.99)]),
        100,
    ),
    (
        "CyclicLR(opt, 1e-3, 0.1, step_size_up=10, mode='exp_range', gamma=0.99)",
        lambda L, o: L.CyclicLR(o, 1e-3, 0.1, 10, mode="exp_range", gamma=0.99),
        100,
    ),
    (
        "CosineAnnealingWarmRestarts(o, T_0=10, T_mult=2, eta_min=1e-4, last_epoch=-1, lr=0.1)",
        lambda L, o: L.CosineAnnealingWarmRestarts(o, 10, 2, 1e-4),
        150,
    ),
    ("PolynomialLR(o, total_iters=50, power=3.0, lr=0.1)", lambda L, o: L.PolynomialLR(o, 50, 3.0), 80),
]


@pytest.mark.parametrize(("spec", "make", "total"), SPECS, ids=[s[0].partition("(")[0] for s in SPECS])
def test_spec_imports_exactly(spec: str, make: Callable[[Any, Any], Any], total: int | None) -> None:
    from lrdsl.importers import import_spec

    expr = import_spec("torch", spec, total_steps=total)
    n = total or 100
    np.testing.assert_allclose(lrdsl.evaluate(expr, n), _torch_values(make, n), rtol=1e-9, atol=1e-15)


def _compared(seen: list[tuple[str, Any]]) -> int:
    """The most library values one check of an import compared."""
    return max(len(result.b) for _, result in seen)


@pytest.mark.parametrize(
    "spec",
    [
        "OneCycleLR(max_lr=0.1, total_steps=1000000000)",
        "CosineAnnealingWarmRestarts(lr=0.1, T_0=1000000, T_mult=2)",
        "StepLR(lr=0.1, step_size=1000000000)",
        "SequentialLR(schedulers=[LinearLR(lr=0.1, total_iters=1000000), CosineAnnealingLR(T_max=100000000)],"
        " milestones=[1000000])",
        "ChainedScheduler([ExponentialLR(gamma=0.999999, lr=0.1), MultiStepLR(milestones=[500000000])])",
    ],
)
def test_a_long_named_form_is_checked_at_a_bounded_number_of_steps(spec: str) -> None:
    need("torch")
    from lrdsl.importers import import_spec
    from lrdsl.importers.common import MAX_STEPPED
    from lrdsl.importers.verify import recording

    with recording() as seen:
        expr = import_spec("torch", spec)
    assert seen and _compared(seen) <= MAX_STEPPED  # PyTorch's closed form at spread steps, not 10⁹ steps
    assert "e+" not in expr and len(expr) < 200


def test_a_duration_beyond_the_language_is_a_clear_error() -> None:
    from lrdsl.importers import import_spec

    with pytest.raises(lrdsl.LrdslError, match=r"LinearLR's total_iters is 1e\+300 steps, longer than the longest"):
        import_spec("torch", "LinearLR(lr=0.1, total_iters=1e300)")
    with pytest.raises(lrdsl.LrdslError, match=r"this number is beyond a float's range") as caught:
        import_spec("torch", f"StepLR(lr=0.1, step_size={10**400})")  # the SPEC reader refuses it first, at its column
    assert caught.value.span is not None


def test_a_long_run_of_a_cosine_is_checked_against_pytorchs_closed_form() -> None:
    torch = need("torch")
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(_optimizer(torch), T_max=37)
    expr = lrdsl.from_torch(sched, total_steps=10**9)
    assert expr == "(cosine(0.1→0, 37) >> cosine(0→0.1, 37)) * restart()"


def test_sampling_a_long_run_is_refused_by_its_count() -> None:
    torch = need("torch")
    sched = torch.optim.lr_scheduler.LambdaLR(_optimizer(torch), lambda e: 1 / (1 + e))
    with pytest.raises(
        lrdsl.LrdslError, match=r"the run is 1,000,000,000 steps, and sampling calls the library at most"
    ):
        lrdsl.from_torch(sched, total_steps=10**9)


def test_a_per_group_list_in_a_spec_is_a_clear_error() -> None:
    from lrdsl.importers import import_spec

    with pytest.raises(lrdsl.LrdslError, match=r"CyclicLR's base_lr= gives one value per parameter group \(2 here\)"):
        import_spec("torch", "CyclicLR(base_lr=[1, 2], max_lr=[5, 6], step_size_up=4)")
    assert import_spec("torch", "CyclicLR(base_lr=[1], max_lr=[5], step_size_up=4)") == "cyclic(1→5, half=4)"


class _Counting:
    """A stateful ``lr_lambda``: records the epochs it is called with."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def __call__(self, epoch: int) -> float:
        self.calls.append(epoch)
        return 0.5 ** (epoch // 10)


def test_a_stateful_lr_lambda_is_called_once_per_step_in_order_on_a_copy() -> None:
    torch = need("torch")
    fn = _Counting()
    sched = torch.optim.lr_scheduler.LambdaLR(_optimizer(torch), fn)
    before = list(fn.calls)
    expr = lrdsl.from_torch(sched, total_steps=200)
    assert expr == "step(0.1, gamma=0.5, every=10)"
    assert fn.calls == before  # the user's own lambda is never called: a copy is
    copies: list[_Counting] = []
    original = _Counting.__call__

    def spy(self: _Counting, epoch: int) -> float:
        if self is not fn and self not in copies:
            copies.append(self)
        return original(self, epoch)

    _Counting.__call__ = spy  # type: ignore[method-assign]
    try:
        lrdsl.from_torch(sched, total_steps=200)
    finally:
        _Counting.__call__ = original  # type: ignore[method-assign]
    assert len(copies) == 1 and copies[0].calls[len(before) :] == list(range(200))  # it starts as a copy of fn


def test_a_fresh_lambda_whose_rate_was_changed_outside_is_an_error() -> None:
    torch = need("torch")
    opt = _optimizer(torch)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda e: 0.5 ** (e // 10))
    opt.param_groups[0]["lr"] = 0.3
    with pytest.raises(lrdsl.LrdslError, match=r"your LambdaLR departs from its class's schedule at step 0: 0.3"):
        lrdsl.from_torch(sched, total_steps=100)


def test_a_subclass_with_a_closed_form_get_lr_is_sampled_from_a_fresh_copy() -> None:
    torch = need("torch")
    base: Any = torch.optim.lr_scheduler.LRScheduler

    class Ramp(base):  # type: ignore[misc]
        def get_lr(self) -> list[float]:
            return [lr * (self.last_epoch + 1) / 100 for lr in self.base_lrs]

    opt = _optimizer(torch)
    sched = Ramp(opt)
    expr = lrdsl.from_torch(sched, total_steps=200)
    np.testing.assert_allclose(lrdsl.evaluate(expr, 200), [0.1 * (t + 1) / 100 for t in range(200)], rtol=1e-12)
    for _ in range(30):
        opt.step()
        sched.step()
    assert lrdsl.from_torch(sched, total_steps=200) == expr


def test_a_cosine_without_a_total_says_it_holds_after_t_max() -> None:
    torch = need("torch")
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(_optimizer(torch), T_max=37)
    with pytest.warns(UserWarning, match=r"imported for its first 38 steps.*rises again after T_max"):
        assert lrdsl.from_torch(sched) == "cosine(0.1→0, 37)"
    opt = _optimizer(torch)
    L = torch.optim.lr_scheduler
    seq = L.SequentialLR(opt, [L.LinearLR(opt, 0.1, total_iters=5), L.CosineAnnealingLR(opt, 20)], [5])
    with pytest.warns(UserWarning, match=r"SequentialLR is imported for its first 26 steps"):
        lrdsl.from_torch(seq)


def test_the_config_lrdsl_export_writes() -> None:
    """``{"lr", "schedulers": [{"type", …}], "milestones"}``: a ``SequentialLR`` of them (one alone: that one)."""
    from lrdsl.importers import torch as torch_importer

    warm = {"type": "LinearLR", "start_factor": 0.01, "total_iters": 100}
    decay = {"type": "CosineAnnealingLR", "T_max": 900, "eta_min": 1e-5}
    config = {"lr": 1e-3, "schedulers": [warm, decay], "milestones": [100]}
    got = torch_importer.from_config(config, total_steps=1000, steps_per_epoch=None)
    assert got == "linear(1e-5→1e-3, 100) >> cosine(1e-3→1e-5, 900)"
    one = {"lr": 1e-3, "schedulers": [warm], "milestones": []}
    assert torch_importer.from_config(one, total_steps=1000, steps_per_epoch=None).startswith("linear(1e-5→1e-3, 100)")
    with pytest.raises(lrdsl.LrdslError) as info:
        torch_importer.from_config({"lr": 1e-3, "schedulers": [3]}, total_steps=1000, steps_per_epoch=None)
    assert str(info.value) == 'error: schedulers must be a non-empty list of {"type": …, …arguments} mappings'
