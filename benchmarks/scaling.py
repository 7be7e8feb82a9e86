"""How ``evaluate`` scales: time vs the number of steps, and vs the number of phases, with a plot.

    python -m benchmarks.scaling [--max-steps 1e9] [--repeat 3] [--plot docs/scaling.png]

Steps: the design card, ``warmup(linear, 5ep) >> cosine(0.1→1e-6) * restart(mult=2)``, over
1e3 … 1e8 steps in one array (``lrdsl.evaluate``), and past 2e8 (the largest single array the
API returns) streamed through ``evaluate_range`` in chunks of 1e7 steps, as ``lrdsl eval
--format csv`` does; and ``cosine(0.1→1e-6) * restart(period=100)`` (one cycle per 100 steps).
Phases: ``k`` cosine phases of 1000 steps each, chained with ``>>`` (k = 1 … 1000): parse + lower\n(memo off), and evaluate over 1e6 steps.
Each point is the best of ``--repeat``; the time per step (or per phase) should stay flat.
"""

from __future__ import annotations

import argparse
import functools
import math

import lrdsl
from benchmarks.evaluate import best
from lrdsl.ir.interpreter import evaluate_range

DESIGN = "warmup(linear, 5ep) >> cosine(0.1→1e-6) * restart(mult=2)"
MANY = "cosine(0.1→1e-6) * restart(period=100)"
ARRAY_LIMIT = 200_000_000
CHUNK = 10_000_000


def run_steps(expr: str, n: int, epochs: bool) -> None:
    """``expr`` over ``n`` steps: one array up to 2e8, else streamed in chunks of 1e7."""
    spe = n / 100 if epochs else None
    if n <= ARRAY_LIMIT:
        lrdsl.evaluate(expr, n, spe)
        return
    plan = lrdsl.lower(lrdsl.parse(expr), total_steps=n, steps_per_epoch=spe)
    for start in range(0, n, CHUNK):
        evaluate_range(plan.ir, start, min(start + CHUNK, n))


def phases(k: int) -> str:
    """``k`` cosine phases of 1000 steps, each from a different peak."""
    return " >> ".join(f"cosine({0.1 / (i + 1):.6g}→{0.01 / (i + 1):.6g}, 1000)" for i in range(k))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-steps", type=float, default=1e8)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--plot", default="", help="write the two plots to this PNG (needs matplotlib)")
    args = parser.parse_args()
    sizes = [10**e for e in range(3, int(math.log10(args.max_steps)) + 1)]
    by_steps: dict[str, list[float]] = {"design card": [], "restart(period=100)": []}
    run_steps(DESIGN, 1000, True), run_steps(MANY, 1000, False)  # warm: imports, parse memo
    print(f"{'steps':>8} {'design card':>13} {'ns/step':>8} {'restart(period=100)':>20} {'ns/step':>8}")
    for n in sizes:
        repeat = args.repeat if n <= 10**8 else 1
        row = []
        for label, expr, epochs in (("design card", DESIGN, True), ("restart(period=100)", MANY, False)):
            t = best(functools.partial(run_steps, expr, n, epochs), repeat)
            by_steps[label].append(t)
            row.append(t)
        streamed = " (streamed)" if n > ARRAY_LIMIT else ""
        print(
            f"{n:>8.0e} {row[0]:>12.4f}s {row[0] / n * 1e9:>8.2f} {row[1]:>19.4f}s {row[1] / n * 1e9:>8.2f}{streamed}"
        )
    counts = [1, 3, 10, 30, 100, 300, 1000]
    by_phases: list[float] = []
    by_front: list[float] = []
    print(f"\n{'phases':>8} {'text':>9} {'parse+lower':>12} {'µs/phase':>9} {'evaluate 1e6':>13}")
    for k in counts:
        text = phases(k)
        from lrdsl.language.parser import _parse

        def front(t: str = text) -> None:
            _parse.cache_clear()
            lrdsl.lower(lrdsl.parse(t), total_steps=10**6)

        t_front = best(front, args.repeat)
        plan = lrdsl.lower(lrdsl.parse(text), total_steps=10**6)
        t_eval = best(lambda p=plan: evaluate_range(p.ir, 0, 10**6), args.repeat)  # type: ignore[misc]
        by_phases.append(t_eval)
        by_front.append(t_front)
        print(f"{k:>8} {len(text):>8}c {t_front * 1e3:>10.1f}ms {t_front / k * 1e6:>9.0f} {t_eval * 1e3:>11.1f}ms")
    if args.plot:
        _plot(args.plot, sizes, by_steps, counts, by_front, by_phases)
        print(f"\nwrote {args.plot}")


def _plot(
    path: str,
    sizes: list[int],
    by_steps: dict[str, list[float]],
    counts: list[int],
    by_front: list[float],
    by_phases: list[float],
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for label, times in by_steps.items():
        left.loglog(sizes, times, "o-", label=label)
    left.loglog(sizes, [by_steps["design card"][-1] * n / sizes[-1] for n in sizes], ":", color="grey", label="linear")
    if sizes[-1] > ARRAY_LIMIT:
        left.axvline(ARRAY_LIMIT, color="grey", lw=0.8)
        left.text(ARRAY_LIMIT * 1.1, min(by_steps["design card"]), "streamed", color="grey")
    left.set(xlabel="steps", ylabel="seconds", title="lrdsl.evaluate vs steps")
    left.legend()
    right.loglog(counts, by_front, "o-", label="parse + lower")
    right.loglog(counts, by_phases, "s-", label="evaluate 1e6 steps")
    right.loglog(counts, [by_front[-1] * k / counts[-1] for k in counts], ":", color="grey", label="linear")
    right.set(xlabel="phases", ylabel="seconds", title="vs expression size (k phases)")
    right.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=90)


if __name__ == "__main__":
    main()
