"""Time of ``lrdsl.fit`` per curve by length, and the share of curves fitted exactly: ``python -m benchmarks.fit``."""

from __future__ import annotations

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
]
LENGTHS = (1_000, 10_000, 100_000, 1_000_000)


def main() -> None:
    print(f"{'steps':>10} {'mean s':>8} {'max s':>8} {'exact':>6}")
    for n in LENGTHS:
        times, missed = [], []
        for expr in CURVES:
            values = lrdsl.evaluate(expr.format(tenth=n // 10, half=n // 2), n)
            start = time.perf_counter()
            if not lrdsl.fit(values, budget=60).exact:
                missed.append(expr)
            times.append(time.perf_counter() - start)
        exact = len(CURVES) - len(missed)
        note = f"  missed: {'; '.join(missed)}" if missed else ""
        print(f"{n:>10} {sum(times) / len(times):>8.2f} {max(times):>8.2f} {exact:>3}/{len(CURVES)}{note}", flush=True)


if __name__ == "__main__":
    main()
