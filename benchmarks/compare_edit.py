"""How long ``lrdsl compare`` takes to name a difference and verify its edit on long runs.

    python -m benchmarks.compare_edit [--steps 1000000,10000000] [--repeat 1]

Each row compares ``warmup(linear, 1000) >> cosine(1e-3→1e-5)`` with itself one step late, with 3×
itself, and with itself (equal: the comparison alone, no search). Past 1e6 steps the edit is searched on
a sample of the steps and then verified over the whole run, a block at a time; the last column is the
time with the search over the time of the comparison of two equal expressions.
"""

from __future__ import annotations

import argparse
import functools

import lrdsl
from benchmarks.evaluate import best

A = "warmup(linear, 1000) >> cosine(1e-3→1e-5)"
EDITS = {"1 step late": f"({A}) * offset(-1)", "3 ×": f"3 * ({A})"}


def row(n: int, repeat: int) -> list[str]:
    """The lines of one run length: each edit's time beside the time of the comparison alone."""
    t_equal = best(functools.partial(lrdsl.compare, A, A, total_steps=n), repeat)
    lines = []
    for name, b in EDITS.items():
        t_named = best(functools.partial(lrdsl.compare, A, b, total_steps=n), repeat)
        found = lrdsl.compare(A, b, total_steps=n).suggestion == str(lrdsl.parse(b))
        lines.append(f"{n:>10} {name:>12} {t_equal:>8.2f} {t_named:>8.2f} {t_named / t_equal:>6.1f}  {found}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", default="1000000,10000000", help="run lengths, comma-separated")
    parser.add_argument("--repeat", type=int, default=1, help="best of this many calls")
    args = parser.parse_args()
    print(f"{'steps':>10} {'edit':>12} {'equal s':>8} {'named s':>8} {'ratio':>6}  suggestion found")
    print("\n".join(line for n in args.steps.split(",") for line in row(int(n), args.repeat)))


if __name__ == "__main__":
    main()
