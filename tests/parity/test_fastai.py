"""fastai's ``fit_one_cycle``, ``fit_flat_cos`` and ``fit_sgdr`` next to lrdsl, over every batch.

fastai needs torchvision only in ``fastai.vision``; ``tests/parity/wheels.py`` imports the pinned
wheel (installed without dependencies) and a real ``Learner`` trains a linear model on 7 (or
``nb``) batches per epoch; ``Recorder`` gives the rate of every batch.

fastai keeps its phase boundaries in a float32 tensor and the position as a float64 sum of
``1/N``: values agree to float32 position precision (``ATOL``, 1e-6 of the peak), not to 1e-9.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import lrdsl
from lrdsl.tools.explain import boundaries
from tests.frameworks import need
from tests.parity.wheels import package

pytestmark = pytest.mark.frameworks
ATOL = 1e-7  # 1e-6 of the 0.1 peak: 2**-24 of a phase times the steepest slope, with margin

# (row, fit (learner), lrdsl expression, hyper-parameter recorded)
ROWS: list[tuple[str, Callable[[Any], Any], str, str]] = [
    (
        "fit_one_cycle",
        lambda learn: learn.fit_one_cycle(10, lr_max=0.1),
        "(cosine(4e-3→0.1, 25%) >> cosine(0.1→1e-6)) * repeat(1)",
        "lr",
    ),
    (
        "fit_one_cycle momentum",
        lambda learn: learn.fit_one_cycle(10, lr_max=0.1),
        "(cosine(0.95→0.85, 25%) >> cosine(0.85→0.95)) * repeat(1)",
        "mom",
    ),
    (
        "fit_one_cycle pct_start=0.3, div=10, div_final=100",
        lambda learn: learn.fit_one_cycle(10, lr_max=0.1, pct_start=0.3, div=10, div_final=100),
        "(cosine(0.01→0.1, 30%) >> cosine(0.1→1e-3)) * repeat(1)",
        "lr",
    ),
    (
        "fit_flat_cos",
        lambda learn: learn.fit_flat_cos(10, lr=0.1),
        "(const(0.1, 75%) >> cosine(0.1→1e-6)) * repeat(1)",
        "lr",
    ),
    (
        "fit_sgdr",
        lambda learn: learn.fit_sgdr(3, 1, lr_max=0.1),
        "cosine(0.1→0) * restart(period=1ep, mult=2)",
        "lr",
    ),
    (
        "fit_sgdr cycle_len=2, cycle_mult=3",
        lambda learn: learn.fit_sgdr(2, 2, lr_max=0.1, cycle_mult=3),
        "cosine(0.1→0) * restart(period=2ep, mult=3)",
        "lr",
    ),
]


def _fastai_values(fit: Callable[[Any], Any], key: str, nb: int) -> np.ndarray:
    """Train for real and return what fastai set for ``key`` at every batch."""
    torch = need("torch")
    package("fastai")
    basics = need("fastai.basics")
    need("fastai.callback.schedule")  # patches fit_one_cycle, fit_flat_cos, fit_sgdr onto Learner
    x = torch.linspace(-1, 1, nb * 4).unsqueeze(1)
    data = list(zip(x, 3 * x, strict=True))
    loaders = basics.DataLoaders(
        basics.DataLoader(data, bs=4, shuffle=False, drop_last=True), basics.DataLoader(data[:4], bs=4)
    )
    learn = basics.Learner(loaders, torch.nn.Linear(1, 1), loss_func=basics.MSELossFlat(), opt_func=basics.SGD)
    with learn.no_bar(), learn.no_logging():
        fit(learn)
    assert learn.dls.train.n == nb * 4
    return np.array(learn.recorder.lrs if key == "lr" else learn.recorder.hps[key])


@pytest.mark.parametrize(("row", "fit", "expr", "key"), ROWS, ids=[r[0] for r in ROWS])
@pytest.mark.parametrize("nb", [7, 8])
def test_fastai_fit_equals_lrdsl(row: str, fit: Callable[[Any], Any], expr: str, key: str, nb: int) -> None:
    seen = _fastai_values(fit, key, nb)
    want = lrdsl.evaluate(expr, len(seen), steps_per_epoch=nb)
    if row.startswith("fit_sgdr"):
        late = _late_restarts(seen, want, expr, nb)
        seen, want = np.delete(seen, late), np.delete(want, late)
    np.testing.assert_allclose(want, seen, rtol=0, atol=ATOL)


def _late_restarts(seen: np.ndarray, want: np.ndarray, expr: str, nb: int) -> list[int]:
    """Steps where fastai restarts a step late: it still gives the end of the cycle before (0).

    Its float32 boundary ``float32(3/7) > 3/7`` is above the position it sums in float64, so the
    batch that should start the third cycle evaluates the second at position 1.
    """
    plan = lrdsl.lower(expr, len(seen), steps_per_epoch=nb)
    starts = {int(b) for b in boundaries(plan) if 0 < b < len(seen)}
    late = [i for i in range(len(seen)) if abs(seen[i] - want[i]) > ATOL]
    for i in late:
        assert i in starts and seen[i] < 1e-12 and abs(seen[i + 1] - want[i + 1]) <= ATOL, (i, seen[i], want[i])
    return late


def test_fastai_sgdr_restarts_its_third_cycle_a_step_late() -> None:
    """The trap in docs/translate.md, as fastai 2.8 behaves: step ``3·nb`` gets ~0, not ``lr_max``."""
    for nb in (7, 12):
        seen = _fastai_values(lambda learn: learn.fit_sgdr(3, 1, lr_max=0.1), "lr", nb)
        assert seen[3 * nb] < 1e-12 and seen[3 * nb + 1] > 0.099
        assert seen[nb] == pytest.approx(0.1)
