"""Evaluating restart cycles: each of the interpreter's ways (slices, fold, gathered) on one run.

    python benchmarks/restarts.py [--steps 1e6] [--repeat 7]

Prints the best process-CPU time of ``--repeat`` calls per case, in milliseconds. To compare two
trees, run it with each on ``PYTHONPATH`` in turn (the cases are the same rows).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import lrdsl
from lrdsl.api import lower
from lrdsl.ir.interpreter import evaluate_ir, evaluate_range

CASES = [
    ("few long cycles, mult 2 (slices)", "cosine(1→0) * restart(period=1000, mult=2)", "range"),
    ("175 cycles, mult 1.05 (slices)", "cosine(1→0) * restart(period=10, mult=1.05)", "range"),
    ("400 cycles of 2500.5 (slices)", "cosine(1→0) * restart(period=2500.5)", "range"),
    ("whole period 100 (fold, mod)", "cosine(1→0) * restart(period=100)", "range"),
    ("period 7/3, 400k cycles (gathered)", "cosine(1→0) * restart(period=7/3)", "range"),
    ("period 2.5, decay 0.9 (gathered)", "cosine(1→0) * restart(period=2.5, decay=0.9)", "range"),
    ("period 7/3, unsorted steps", "cosine(1→0) * restart(period=7/3)", "reversed"),
    ("mult 1.5, unsorted steps", "cosine(1→0) * restart(period=8, mult=1.5)", "reversed"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=float, default=1e6)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    n = int(args.steps)
    print(f"lrdsl from {lrdsl.__file__}, {n} steps")
    for label, expr, how in CASES:
        ir = lower(expr, n).ir
        backwards = np.arange(n - 1, -1, -1, dtype=np.float64)
        best = float("inf")
        for _ in range(args.repeat):
            start = time.process_time()
            if how == "range":
                evaluate_range(ir, 0, n)
            else:
                evaluate_ir(ir, backwards)
            best = min(best, time.process_time() - start)
        print(f"{label:38} {best * 1e3:9.1f} ms")


if __name__ == "__main__":
    main()
