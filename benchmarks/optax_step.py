"""The generated Optax schedule vs Optax's own under ``jax.jit``, scalar and vectorised, in one run.

    python benchmarks/optax_step.py [--steps 1000000] [--repeat 20]

Schedule: SGDR with a first cycle of 1000 steps doubling, ``cosine(0.1→0) * restart(period=1000, mult=2)``;
Optax's own is ``optax.sgdr_schedule`` with the same cycles.
"""

from __future__ import annotations

import argparse
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax

import lrdsl

EXPR = "cosine(0.1→0) * restart(period=1000, mult=2)"


def timed(fn: object, arg: object, repeat: int) -> float:
    """Best seconds of ``fn(arg)`` after one warm-up call."""
    fn(arg).block_until_ready()  # type: ignore[operator]
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn(arg).block_until_ready()  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    n = args.steps
    ours = lrdsl.optax.schedule(EXPR, n)
    cycles, length, total = [], 1000, 0
    while total < n:
        cycles.append(
            {"init_value": 0.1, "decay_steps": length, "warmup_steps": 0, "peak_value": 0.1, "end_value": 0.0}
        )
        total, length = total + length, length * 2
    theirs = optax.sgdr_schedule(cycles)
    steps = jnp.arange(n, dtype=jnp.int32)
    np.testing.assert_allclose(
        np.asarray(jax.jit(jax.vmap(ours))(steps))[:4000],
        np.asarray(jax.jit(jax.vmap(theirs))(steps))[:4000],
        rtol=1e-5,
        atol=1e-7,
    )
    print(f"jax {jax.__version__}, optax {optax.__version__}, best of {args.repeat}")
    print(f"{'under jax.jit':<40} {'lrdsl':>10} {'optax':>10} {'ratio':>6}")
    s_ours = timed(jax.jit(ours), jnp.int32(n // 2), args.repeat)
    s_theirs = timed(jax.jit(theirs), jnp.int32(n // 2), args.repeat)
    print(f"{'scalar call':<40} {s_ours * 1e6:>8.1f}µs {s_theirs * 1e6:>8.1f}µs {s_ours / s_theirs:>6.2f}")
    v_ours = timed(jax.jit(jax.vmap(ours)), steps, max(3, args.repeat // 4))
    v_theirs = timed(jax.jit(jax.vmap(theirs)), steps, max(3, args.repeat // 4))
    print(f"{f'vmap over {n:.0e} steps':<40} {v_ours * 1e3:>8.2f}ms {v_theirs * 1e3:>8.2f}ms {v_ours / v_theirs:>6.2f}")
    print(f"{'cycles in the schedule':<40} {'table':>10} {len(cycles):>10}")


if __name__ == "__main__":
    main()
