"""docs/conventions.md: every lrdsl form in its tables gives, at every step of a run, the values of
the training code's pattern it stands for, written here as that code computes them (numpy), with
the loop's clock simulated where the row is about the loop: a scheduler stepped after update ``k``
with index ``i`` sets the rate update ``k + 1`` uses, and update 0 uses the rate set at construction."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

import lrdsl
from tests.conftest import ROOT

PAGE = (ROOT / "docs" / "conventions.md").read_text(encoding="utf-8")
FORMS = re.findall(r"^\|[^\n]*\| `([^`\n]+)` \|$", PAGE, re.M)
"""The last column of every table row: the lrdsl forms."""

Array = npt.NDArray[np.float64]


def cosine_to(lo: float, hi: float, x: Array) -> Array:
    """``lo + (hi − lo)·(1 + cos πx)/2``: the cosine of every codebase below, at progress ``x``."""
    out: Array = lo + (hi - lo) * (1 + np.cos(np.pi * x)) / 2
    return out


def hf_linear(t: Array) -> Array:  # transformers.get_linear_schedule_with_warmup's lr_lambda
    w, n = 2000, 10000
    return np.where(t < w, t / max(1, w), np.maximum(0.0, (n - t) / max(1, n - w)))


def nanogpt(t: Array) -> Array:  # nanoGPT train.py get_lr, lr_decay_iters = 10000
    lr, lo, w, decay = 6e-4, 6e-5, 2000, 10000
    ratio = np.clip((t - w) / (decay - w), 0, 1)
    return np.where(t < w, lr * t / w, np.where(t > decay, lo, cosine_to(lo, lr, ratio)))


def build_nanogpt(t: Array) -> Array:  # build-nanogpt get_lr: (it + 1) / warmup_steps
    lr, lo, w, top = 6e-4, 6e-5, 715, 19073
    ratio = np.clip((t - w) / (top - w), 0, 1)
    return np.where(t < w, lr * (t + 1) / w, np.where(t > top, lo, cosine_to(lo, lr, ratio)))


def noam(step: Array, lr: float, w: float) -> Array:
    out: Array = lr * w**0.5 * np.minimum(step * w**-1.5, step**-0.5)
    return out


def coqui(t: Array) -> Array:  # step = max(self.last_epoch, 1)
    return noam(np.maximum(t, 1.0), 1e-3, 4000)


def linspace_warmup(t: Array) -> Array:  # np.concatenate((np.linspace(0, peak, W), decay))
    w, n, peak = 2000, 10000, 3e-4
    curve = np.concatenate((np.linspace(0, peak, w), cosine_to(0.0, peak, np.arange(n - w) / (n - w))))
    out: Array = curve[t.astype(int)]
    return out


def len_minus_1(t: Array) -> Array:  # a 500-step linear warm-up, then a cosine table over len − 1 intervals
    n = 9500
    table = cosine_to(1e-5, 1e-3, np.arange(n) / (n - 1))
    return np.where(t < 500, 1e-3 * t / 500, table[np.clip(t.astype(int) - 500, 0, n - 1)])


def deepspeed_log(t: Array) -> Array:  # WarmupLR(warmup_min_lr=0, warmup_max_lr=1e-3, warmup_type="log")
    w = 1000
    gamma = np.where(t < w, np.log(t + 1) / np.log(w), 1.0)
    out: Array = 1e-3 * gamma
    return out


def yolox(iters: Array) -> Array:  # yoloxwarmcos, 300 epochs of 100 iterations, 5 warm-up, 15 without aug
    lr, lo, w, total, no_aug = 0.01, 5e-4, 500, 30000, 1500
    warm = lr * (iters / w) ** 2
    cos = cosine_to(lo, lr, (iters - w) / (total - w - no_aug))
    return np.where(iters <= w, warm, np.where(iters >= total - no_aug, lo, cos))


def yolox_loop(t: Array) -> Array:  # update_lr(progress_in_iter + 1) after each update; the optimizer starts at 0
    return late(lambda i: yolox(i + 1), t, initial=0.0)


def torch_cosine(t: Array) -> Array:  # CosineAnnealingLR(T_max=100), scheduler.step() after each update
    return cosine_to(0.0, 0.1, np.minimum(t, 100) / 100)


def timm_cosine(num_updates: Array) -> Array:  # CosineLRScheduler(t_initial=N, warmup_t=500, warmup_lr_init=1e-6)
    w, n, lr, lo = 500, 2000, 1e-3, 1e-5
    return np.where(num_updates < w, 1e-6 + num_updates * (lr - 1e-6) / w, cosine_to(lo, lr, num_updates / n))


def timm_loop(t: Array) -> Array:  # num_updates += 1, then step_update(num_updates)
    return late(lambda i: timm_cosine(i + 1), t, initial=timm_cosine(np.zeros(1))[0])


def warm_cosine(i: Array, w: int, n: int, lr: float, lo: float) -> Array:
    """timm's per-update ``CosineLRScheduler`` with a linear warm-up from 0 (``warmup_prefix=True``)."""
    return np.where(i < w, lr * i / w, cosine_to(lo, lr, np.clip((i - w) / (n - w), 0, 1)))


def swin(t: Array) -> Array:  # step_update(epoch * num_steps + idx) after the update
    return late(lambda i: warm_cosine(i, 20, 1000, 1e-3, 1e-5), t, initial=0.0)


def deit_epoch(e: Array) -> Array:  # timm's CosineLRScheduler per epoch as DeiT builds it (warmup_prefix=False)
    w, n, lr, lo, init = 5, 30, 5e-4, 1e-5, 1e-6
    return np.where(e < w, init + e * (lr - init) / w, cosine_to(lo, lr, e / n))


def deit(t: Array) -> Array:  # lr_scheduler.step(epoch) after each epoch of 10 updates, 30 epochs
    return deit_epoch(np.maximum(t // 10 - 1, 0))


def t2t(t: Array) -> Array:  # global step from 0, (step + 1) in the formula
    step = t + 1.0
    out: Array = 5000.0 * 512**-0.5 * np.minimum(step * 4000**-1.5, step**-0.5)
    return out


def espnet(t: Array) -> Array:  # step_num = self.last_epoch + 1
    return noam(t + 1.0, 1e-3, 25000)


def multistep_per_epoch(t: Array) -> Array:  # MultiStepLR(milestones=[30, 60]) stepped once per epoch of 10
    drops = np.searchsorted([30, 60], t // 10, side="right")
    return np.asarray(0.1 * 0.1**drops, dtype=np.float64)


def keras_epoch(t: Array) -> Array:  # LearningRateScheduler: schedule(epoch) at each epoch's start, 90 epochs of 10
    return cosine_to(0.0, 0.1, (t // 10) / 90)


def late(f: Callable[[Array], Array], t: Array, initial: float) -> Array:
    """The loop: after update ``k`` the scheduler sets ``f(k)`` for update ``k + 1`` (``f`` applies
    whatever index the loop passes); update 0 uses ``initial``, the rate set at construction."""
    return np.where(t == 0, initial, f(np.maximum(t - 1, 0)))


ROWS: dict[str, tuple[dict[str, Any], Callable[[Array], Array]]] = {
    "warmup(linear, 2000) >> linear(1→0)": ({"total_steps": 10000}, hf_linear),
    "warmup(linear, 2000) >> cosine(6e-4→6e-5, 8000)": ({"total_steps": 10000}, nanogpt),
    "warmup(linear, 715, from=6e-4 / 715, inclusive=true) >> cosine(6e-4→6e-5, 18358)": (
        {"total_steps": 20000},
        build_nanogpt,
    ),
    "min(linear(0→1e-3, 4000), rsqrt(1e-3, warmup=4000)) * offset(1) * offset(-1)": ({"total_steps": 10000}, coqui),
    "warmup(linear, 2000, inclusive=true) >> cosine(3e-4→0)": ({"total_steps": 10000}, linspace_warmup),
    "linear(0→1e-3, 500) >> cosine(1e-3→1e-5, 9500, inclusive=true)": ({"total_steps": 10000}, len_minus_1),
    "warmup(log, 1000, inclusive=true) >> const(1e-3)": ({"total_steps": 3000}, deepspeed_log),
    "warmup(pow, 5ep) >> cosine(0.01→5e-4, 280ep) >> const(5e-4)": (
        {"total_steps": "300ep", "steps_per_epoch": 100},
        yolox_loop,
    ),
    "cosine(0.1→0, 100)": ({"total_steps": 150}, torch_cosine),
    "linear(1e-6→1e-3, 500) >> cosine(1e-3→1e-5) * offset(500)": ({"total_steps": 2000}, timm_loop),
    "(warmup(linear, 20) >> cosine(1e-3→1e-5)) * offset(-1)": ({"total_steps": 1000}, swin),
    "(linear(1e-6→5e-4, 5ep) >> cosine(5e-4→1e-5) * offset(5ep)) * quantize(1ep) * offset(-1ep)": (
        {"total_steps": "30ep", "steps_per_epoch": 10},
        deit,
    ),
    "5000 * 512 ** -0.5 * 4000 ** -0.5 * min(linear(0→1, 4000), rsqrt(1, warmup=4000)) * offset(1)": (
        {"total_steps": 20000},
        t2t,
    ),
    "min(linear(0→1e-3, 25k), rsqrt(1e-3, warmup=25k)) * offset(1)": ({"total_steps": 100000}, espnet),
    "multistep(0.1, at=[30ep, 60ep])": ({"total_steps": "90ep", "steps_per_epoch": 10}, multistep_per_epoch),
    "cosine(0.1→0) * quantize(1ep)": ({"total_steps": "90ep", "steps_per_epoch": 10}, keras_epoch),
}
"""Each lrdsl form of the page → (its run, the pattern's values at steps ``t``)."""


def test_every_form_on_the_page_is_checked_and_every_check_is_on_the_page() -> None:
    assert len(FORMS) >= 16
    assert sorted(set(FORMS)) == sorted(ROWS)


@pytest.mark.parametrize("form", list(ROWS))
def test_the_form_gives_the_patterns_values_at_every_step(form: str) -> None:
    run, pattern = ROWS[form]
    got = lrdsl.evaluate(form, **run)
    want = pattern(np.arange(len(got), dtype=np.float64))
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-15)


def test_the_late_loop_is_simulated_not_assumed() -> None:
    """The Swin loop, run as a loop: set the rate after each update with that update's index."""

    def f(i: int) -> float:
        return float(warm_cosine(np.array([i], dtype=np.float64), 20, 1000, 1e-3, 1e-5)[0])

    rate, used = f(0), []
    for idx in range(1000):
        used.append(rate)  # update idx runs at the current rate
        rate = f(idx)  # then step_update(idx)
    np.testing.assert_allclose(lrdsl.evaluate("(warmup(linear, 20) >> cosine(1e-3→1e-5)) * offset(-1)", 1000), used)
