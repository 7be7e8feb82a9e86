"""HF transformers' schedules (``get_scheduler`` names) next to their lrdsl expressions, over every step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import lrdsl
from tests.frameworks import need

pytestmark = pytest.mark.frameworks
N, W = 300, 30

ROWS: list[tuple[str, Callable[[Any, Any], Any], str]] = [
    ("linear", lambda h, o: h.get_linear_schedule_with_warmup(o, W, N), "linear(0→0.1, 30) >> linear(0.1→0, 270)"),
    ("cosine", lambda h, o: h.get_cosine_schedule_with_warmup(o, W, N), "linear(0→0.1, 30) >> cosine(0.1→0, 270)"),
    (
        "cosine_with_restarts",
        lambda h, o: h.get_cosine_with_hard_restarts_schedule_with_warmup(o, W, N, num_cycles=3),
        "linear(0→0.1, 30) >> cosine(0.1→0) * repeat(3)",
    ),
    (
        "polynomial",
        lambda h, o: h.get_polynomial_decay_schedule_with_warmup(o, W, N, lr_end=1e-7, power=2.0),
        "linear(0→0.1, 30) >> poly(0.1→1e-7, 270, power=2)",
    ),
    ("constant", lambda h, o: h.get_constant_schedule(o), "0.1"),
    ("constant_with_warmup", lambda h, o: h.get_constant_schedule_with_warmup(o, W), "linear(0→0.1, 30) >> const(0.1)"),
    (
        "inverse_sqrt",
        lambda h, o: h.get_inverse_sqrt_schedule(o, W),
        "linear(0→0.1, 30) >> rsqrt(0.1, warmup=30) * offset(30)",
    ),
    (
        "cosine_with_min_lr",
        lambda h, o: h.get_cosine_with_min_lr_schedule_with_warmup(o, W, N, min_lr_rate=0.1),
        "linear(0→0.1, 30) >> cosine(0.1→0.01, 270)",
    ),
    (
        "warmup_stable_decay",
        lambda h, o: h.get_wsd_schedule(o, W, 60, num_training_steps=N),
        "wsd(0.1, warmup=30, decay=60, shape=cosine)",
    ),
    (
        "warmup_stable_decay min_lr_ratio linear",
        lambda h, o: h.get_wsd_schedule(o, W, 60, num_training_steps=N, decay_type="linear", min_lr_ratio=0.1),
        "linear(0.01→0.1, 30) >> const(0.1, 210) >> linear(0.1→0.01, 60)",
    ),
    (
        "warmup_stable_decay 1-sqrt",
        lambda h, o: h.get_wsd_schedule(o, W, 60, num_training_steps=N, warmup_type="1-sqrt", decay_type="1-sqrt"),
        "fn(0.1 * (1 - sqrt(1 - p)), 30) >> const(0.1, 210) >> sqrt(0.1→0, 60)",
    ),
]


@pytest.mark.parametrize(("row", "make", "expr"), ROWS, ids=[r[0] for r in ROWS])
def test_hf_schedule_equals_lrdsl(row: str, make: Callable[[Any, Any], Any], expr: str) -> None:
    torch = need("torch")
    hf = need("transformers.optimization")
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    sched = make(hf, opt)
    seen = []
    for _ in range(N):
        seen.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    np.testing.assert_allclose(lrdsl.evaluate(expr, N), seen, rtol=1e-9, atol=1e-15)
