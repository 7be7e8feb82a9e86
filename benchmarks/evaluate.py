"""Evaluating a whole run: lrdsl vs hand-written numpy vs PyTorch's loop vs Optax, in one run.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/evaluate.py [--sizes 1e4,1e6,1e7]
        [--torch-max 1e6] [--repeat 9]

Schedules: A = linear warm-up of 500 steps then cosine restarts of 1000·2ⁱ steps;
B = the design card, warmup(linear, 5ep) >> cosine(0.1→1e-6) * restart(mult=2), 100 epochs.
Columns: best time of ``--repeat``, lrdsl and the hand forms interleaved (one call of each in
turn, so that a busy machine slows them alike); the ratio is to the hand-written per-segment numpy
form, for B the in-place one (:func:`hand_b_in_place`: no temporary array), the form to beat.
``--clock cpu`` times with the process's CPU time instead of the wall clock (steadier on a
shared machine). Optax's jit compile time is shown separately (first call minus a warm call).
"""

from __future__ import annotations

import argparse
import functools
import math
import time
from collections.abc import Callable

import numpy as np

import lrdsl

A = "linear(0→0.1, 500) >> cosine(0.1→0) * restart(period=1000, mult=2)"
B = "warmup(linear, 5ep) >> cosine(0.1→1e-6) * restart(mult=2)"


def hand_a(n: int) -> np.ndarray:
    """Per-segment closed form of A: a slice per phase and per cycle."""
    t = np.arange(n, dtype=np.float64)
    out = np.empty(n)
    w = min(n, 500)
    out[:w] = t[:w] * (0.1 / 500)
    start, length = 500, 1000
    while start < n:
        end = min(start + length, n)
        out[start:end] = 0.05 * (1 + np.cos(np.pi * (t[start:end] - start) / length))
        start, length = start + length, 2 * length
    return out


def hand_b(n: int) -> np.ndarray:
    """Per-segment closed form of B (3 cycles fitted exactly into the steps after the warm-up)."""
    t = np.arange(n, dtype=np.float64)
    out = np.empty(n)
    w = min(n, round(5 * n / 100))
    out[:w] = t[:w] * (0.1 / w)
    p = (n - w) / 7
    for i, s in enumerate((0.0, p, 3 * p)):
        a, b = w + math.ceil(s), min(n, w + math.ceil(s + p * 2**i))
        out[a:b] = 1e-6 + (0.1 - 1e-6) / 2 * (1 + np.cos(np.pi * (t[a:b] - w - s) / (p * 2**i)))
    return out


def hand_b_in_place(n: int) -> np.ndarray:
    """Per-segment closed form of B written in place: the steps in the output, each segment shifted,
    scaled, ``cos`` and affine in its own slice, with no temporary array (what a careful hand writes)."""
    out = np.arange(n, dtype=np.float64)
    w = min(n, round(5 * n / 100))
    out[:w] *= 0.1 / w
    p = (n - w) / 7
    for i, s in enumerate((0.0, p, 3 * p)):
        seg = out[w + math.ceil(s) : min(n, w + math.ceil(s + p * 2**i))]
        seg -= w + s
        seg *= np.pi / (p * 2**i)
        np.cos(seg, out=seg)
        seg += 1.0
        seg *= (0.1 - 1e-6) / 2
        seg += 1e-6
    return out


CLOCK: Callable[[], float] = time.perf_counter


def best(fn: Callable[[], object], repeat: int) -> float:
    """Best time of ``repeat`` calls."""
    return interleaved([fn], repeat)[0]


def interleaved(fns: list[Callable[[], object]], repeat: int) -> list[float]:
    """Best time of each of ``fns`` over ``repeat`` rounds, each round calling every one in turn."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, kept in zip(fns, times):
            start = CLOCK()
            fn()
            kept.append(CLOCK() - start)
    return [min(kept) for kept in times]


def torch_loop(expr: str, n: int) -> float:
    """Seconds to step PyTorch's SequentialLR(LinearLR, CosineAnnealingWarmRestarts) n times."""
    import torch
    from torch.optim import lr_scheduler as L

    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    warm = 500 if expr == A else round(5 * n / 100)
    period = 1000 if expr == A else max(1, round((n - warm) / 7))
    sched = L.SequentialLR(
        opt, [L.LinearLR(opt, 1e-3, 1.0, warm), L.CosineAnnealingWarmRestarts(opt, period, 2)], milestones=[warm]
    )
    start = time.perf_counter()
    for _ in range(n):
        opt.param_groups[0]["lr"]
        sched.step()
    return time.perf_counter() - start


def optax_times(expr: str, n: int, spe: float | None, repeat: int) -> tuple[float, float]:
    """(compile seconds, run seconds) of jit(vmap(generated optax schedule)) over n steps."""
    import jax
    import jax.numpy as jnp

    fn = jax.jit(jax.vmap(lrdsl.optax.schedule(expr, n, spe)))
    steps = jnp.arange(n, dtype=jnp.int32)
    start = time.perf_counter()
    fn(steps).block_until_ready()
    first = time.perf_counter() - start
    run = best(lambda: fn(steps).block_until_ready(), repeat)
    return first - run, run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1e4,1e6,1e7")
    parser.add_argument("--torch-max", type=float, default=1e6, help="largest size to step PyTorch through")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall")
    args = parser.parse_args()
    global CLOCK
    CLOCK = time.process_time if args.clock == "cpu" else time.perf_counter
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    print(
        f"{'schedule':<9}{'steps':>10} {'hand numpy':>11} {'lrdsl':>9} {'ratio':>6} "
        f"{'torch loop':>11} {'ratio':>7} {'optax jit':>10} {'ratio':>6} {'compile':>8}"
    )
    for label, expr, hand in (("A", A, hand_a), ("B design", B, hand_b_in_place)):
        for n in sizes:
            spe = None if expr == A else n / 100
            ref = lrdsl.evaluate(expr, n, spe)
            np.testing.assert_allclose(hand(n), ref, rtol=1e-9, atol=1e-12)  # the same curve
            if expr == B:
                np.testing.assert_allclose(hand_b(n), ref, rtol=1e-9, atol=1e-12)
            t_hand, t_ours = interleaved(
                [functools.partial(hand, n), functools.partial(lrdsl.evaluate, expr, n, spe)], args.repeat
            )
            t_torch = torch_loop(expr, n) if n <= args.torch_max else float("nan")
            compile_s, t_optax = optax_times(expr, n, spe, args.repeat)
            print(
                f"{label:<9}{n:>10.0e} {t_hand * 1e3:>9.1f}ms {t_ours * 1e3:>7.1f}ms {t_ours / t_hand:>6.2f} "
                f"{t_torch * 1e3:>9.0f}ms {t_torch / t_hand:>7.0f} {t_optax * 1e3:>8.1f}ms "
                f"{t_optax / t_hand:>6.2f} {compile_s:>7.2f}s"
            )


if __name__ == "__main__":
    main()
