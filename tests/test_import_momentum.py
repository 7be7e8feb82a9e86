"""The momentum PyTorch's OneCycleLR and CyclicLR cycle, imported as a set member and checked against the real
optimizer's ``param_groups`` stepped over the run (``lrdsl.from_torch(…, momentum=True)``, ``lrdsl import torch``)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import lrdsl
from lrdsl.importers.torch import from_torch
from tests.frameworks import need

pytestmark = pytest.mark.frameworks


def _stepped(scheduler: Any, key: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The rate and the momentum ``key`` group 0 holds after 0 … n − 1 steps of the real scheduler."""
    group = scheduler.optimizer.param_groups[0]
    lrs, momenta = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in range(n):
            lrs.append(float(group["lr"]))
            momenta.append(float(group["betas"][0] if key == "betas[0]" else group["momentum"]))
            if i < n - 1:
                scheduler.step()
    return np.array(lrs), np.array(momenta)


def _optimizer(torch: Any, kind: str) -> Any:
    params = [torch.nn.Parameter(torch.zeros(1))]
    if kind == "SGD":
        return torch.optim.SGD(params, lr=0.1, momentum=0.9)
    return torch.optim.AdamW(params, lr=0.1)


GRID = [
    (pct, total, three, anneal)
    for pct in (0.3, 0.295, 0.25, 0.1, 0.37, 0.45)
    for total in (7, 33, 100, 1001)
    for three in (False, True)
    for anneal in ("cos", "linear")
]


@pytest.mark.parametrize(("pct", "total", "three", "anneal"), GRID)
def test_onecycle_momentum_is_pytorchs_at_every_step(pct: float, total: int, three: bool, anneal: str) -> None:
    """Fractional phase ends (``pct·N − 1`` not whole) are exact too; a phase with no steps is refused."""
    torch = need("torch")
    kind = "AdamW" if total % 2 else "SGD"
    key = "betas[0]" if kind == "AdamW" else "momentum"
    make = lambda: torch.optim.lr_scheduler.OneCycleLR(  # noqa: E731
        _optimizer(torch, kind), 0.1, total_steps=total, pct_start=pct, three_phase=three, anneal_strategy=anneal
    )
    first = float(pct * total) - 1
    if first <= 0 or (three and float(2 * pct * total) - 2 >= total - 1):
        with pytest.raises(lrdsl.LrdslError, match="a phase with no steps"):
            from_torch(make(), momentum=True)
        return
    text = from_torch(make(), momentum=True)
    assert lrdsl.parse_set(text).names == ("lr", key)
    ours = lrdsl.evaluate_set(text, total_steps=total)
    lr, momentum = _stepped(make(), key, total)
    np.testing.assert_allclose(ours[key], momentum, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ours["lr"], lr, rtol=1e-9)


def test_fractional_phases_read_as_a_mirrored_onecycle() -> None:
    torch = need("torch")
    sched = torch.optim.lr_scheduler.OneCycleLR(_optimizer(torch, "SGD"), 0.1, total_steps=33)
    assert from_torch(sched, momentum=True).splitlines()[1] == (
        "momentum: 0.95 - (0.95 - 0.85) * (2 * onecycle(1, 33, pct=0.3, div=2, final_div=1) - 1)"
    )
    whole = torch.optim.lr_scheduler.OneCycleLR(_optimizer(torch, "SGD"), 0.1, total_steps=100, pct_start=0.25)
    assert from_torch(whole, momentum=True).splitlines()[1] == (
        "momentum: cosine(0.95→0.85, 24) >> cosine(0.85→0.95, 75) >> hold()"
    )


CALLS: list[tuple[str, str, str | None, str, tuple[float, ...], dict[str, Any], int]] = [
    (
        "OneCycleLR(SGD(params, lr=0.1, momentum=0.9), max_lr=0.1, total_steps=33)",
        "momentum",
        None,
        "OneCycleLR",
        (),
        {"max_lr": 0.1, "total_steps": 33},
        33,
    ),
    (
        "OneCycleLR(AdamW(params), max_lr=0.1, total_steps=100, pct_start=0.25)",
        "betas[0]",
        None,
        "OneCycleLR",
        (),
        {"max_lr": 0.1, "total_steps": 100, "pct_start": 0.25},
        100,
    ),
    (
        "OneCycleLR(opt, 0.2, total_steps=57, three_phase=True, anneal_strategy='linear')",
        "betas[0]",
        "betas[0]",
        "OneCycleLR",
        (0.2,),
        {"total_steps": 57, "three_phase": True, "anneal_strategy": "linear"},
        57,
    ),
    (
        "OneCycleLR(optimizer, max_lr=0.1, epochs=3, steps_per_epoch=11, base_momentum=0.8)",
        "momentum",
        "momentum",
        "OneCycleLR",
        (),
        {"max_lr": 0.1, "epochs": 3, "steps_per_epoch": 11, "base_momentum": 0.8},
        33,
    ),
    (
        "CyclicLR(SGD(params, lr=0.1, momentum=0.9), 0.01, 0.1, step_size_up=5, step_size_down=7)",
        "momentum",
        None,
        "CyclicLR",
        (0.01, 0.1),
        {"step_size_up": 5, "step_size_down": 7},
        60,
    ),
    (
        "CyclicLR(Adam(params), 0.01, 0.1, 4, mode='exp_range', gamma=0.9)",
        "betas[0]",
        None,
        "CyclicLR",
        (0.01, 0.1, 4),
        {"mode": "exp_range", "gamma": 0.9},
        60,
    ),
]


@pytest.mark.parametrize(("call", "key", "flag", "name", "args", "kwargs", "total"), CALLS, ids=[c[0] for c in CALLS])
def test_cli_imports_the_cycled_momentum_as_pytorch_sets_it(
    call: str,
    key: str,
    flag: str | None,
    name: str,
    args: tuple[float, ...],
    kwargs: dict[str, Any],
    total: int,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``lrdsl import torch CALL`` prints the set when the call's optimizer (or ``--momentum``) names the member;
    the real scheduler of the same arguments sets those rates and momenta at every step of the run."""
    torch = need("torch")
    from lrdsl.cli import main

    assert main(["import", "torch", call, *(["--momentum", flag] if flag else [])]) == 0
    text = "\n".join(line for line in capsys.readouterr().out.splitlines() if not line.startswith("#"))
    assert lrdsl.parse_set(text).names == ("lr", key)
    opt = _optimizer(torch, "AdamW" if key == "betas[0]" else "SGD")
    lr, momentum = _stepped(getattr(torch.optim.lr_scheduler, name)(opt, *args, **kwargs), key, total)
    ours = lrdsl.evaluate_set(text, total_steps=total)
    np.testing.assert_allclose(ours[key], momentum, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ours["lr"], lr, rtol=1e-9)


def test_cli_says_the_momentum_is_left_out_when_the_optimizer_is_not_written(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from lrdsl.cli import main

    call = "OneCycleLR(optimizer, max_lr=0.1, total_steps=1000)"
    assert main(["import", "torch", call]) == 0
    assert capsys.readouterr().out == (
        f"# torch: {call}\n# PyTorch's OneCycleLR also cycles the momentum (cycle_momentum=True): --momentum momentum "
        "(SGD, RMSprop) or --momentum betas[0] (the Adam family) imports it as a set\nonecycle(0.1, 1000)\n"
    )
    for argv in (["--momentum", "off"], []):
        spec = "OneCycleLR(AdamW(params), max_lr=0.1, total_steps=1000, cycle_momentum=False)" if not argv else call
        assert main(["import", "torch", spec, *argv]) == 0
        assert capsys.readouterr().out.splitlines()[1:] == ["onecycle(0.1, 1000)"]
    assert lrdsl.importers.import_spec("torch", call) == "onecycle(0.1, 1000)"  # the API: the rate unless asked


WITHOUT_TORCH = (
    "import sys; sys.modules['torch'] = None; import importlib.util as u; find = u.find_spec;"
    " u.find_spec = lambda n, *a: None if n == 'torch' else find(n, *a);"
    " from lrdsl.cli import entry; entry()"
)


@pytest.mark.parametrize("call", [c[0] for c in CALLS[:3]] + [CALLS[4][0]])
def test_without_pytorch_the_same_set_is_mapped_from_the_arguments_and_says_so(
    call: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The mapping reads the call's arguments alone (PyTorch's phase ends computed as PyTorch computes them);
    the real scheduler only checks it."""
    import os
    import subprocess
    import sys

    need("torch")
    from lrdsl.cli import main
    from tests.conftest import ROOT

    assert main(["import", "torch", call, "--momentum", "betas[0]" if "Adam" in call else "momentum"]) == 0
    checked = capsys.readouterr().out.splitlines()
    argv = [sys.executable, "-c", WITHOUT_TORCH, "import", "torch", call]
    argv += ["--momentum", "betas[0]" if "Adam" in call else "momentum"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert [x for x in lines if not x.startswith("#")] == [x for x in checked if not x.startswith("#")]
    assert any("momentum: not checked against the library (PyTorch is not installed)" in x for x in lines)
