"""Time of ``lrdsl.fit`` per curve by length, and the share of curves fitted exactly: ``python -m benchmarks.fit``.

Each curve is evaluated at each length and fitted from its values alone (the steps per epoch given
where the curve counts epochs). Seconds are the process's CPU time (what the fit costs, whatever
else runs on the machine) and the wall time, both the mean and the largest over the curves.
``--max-steps N`` stops at that length.
"""

from __future__ import annotations

import argparse
import os
import time

import lrdsl

CURVES = [
    "linear(0→0.1, 5%) >> cosine(0.1→1e-6)",
    "step(0.1, gamma=0.5, every={tenth})",
    "cosine(0.1→1e-4) * restart(period={tenth}, mult=2)",
    "linear(0.01→0.1, 10%) >> const(0.1, 60%) >> linear(0.1→0.01)",
    "exp_decay(0.1, rate=0.5, every={tenth})",
    "poly(0.1→1e-4, power=2)",
    "linear(0→3e-4, 2%) >> const(3e-4, 78%) >> sqrt(3e-4→0)",
    "linear(0→1e-3, {tenth}) >> rsqrt(1e-3, warmup={tenth}) * offset({tenth})",
    "piecewise([0.1, 0.05, 5e-3], at=[{tenth}, {half}])",
    "onecycle(0.1)",
    "warmup(linear, 5ep) >> cosine(0.1→1e-6) * restart(mult=2)",
]
LENGTHS = (1_000, 10_000, 100_000, 1_000_000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-steps", type=int, default=LENGTHS[-1])
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'steps':>10} {'mean cpu s':>10} {'max cpu s':>10} {'mean wall s':>11} {'max wall s':>10} {'exact':>6}")
    for n in (n for n in LENGTHS if n <= args.max_steps):
        cpu, wall, missed = [], [], []
        for expr in CURVES:
            spe = max(1, n // 200) if "ep" in expr else None  # 200 epochs
            values = lrdsl.evaluate(expr.format(tenth=n // 10, half=n // 2), n, spe)
            start, clock = time.process_time(), time.perf_counter()
            if not lrdsl.fit(values, steps_per_epoch=spe, budget=60).exact:
                missed.append(expr)
            cpu.append(time.process_time() - start)
            wall.append(time.perf_counter() - clock)
        exact = f"{len(CURVES) - len(missed)}/{len(CURVES)}"
        note = f"  missed: {'; '.join(missed)}" if missed else ""
        row = (
            f"{n:>10} {sum(cpu) / len(cpu):>10.2f} {max(cpu):>10.2f} {sum(wall) / len(wall):>11.2f} {max(wall):>10.2f}"
        )
        print(f"{row} {exact:>6}{note}", flush=True)


if __name__ == "__main__":
    main()
