"""How ``lrdsl check`` scales with the phases: lint and evaluate, for 1k … 4k phases.

    python -m benchmarks.lint [--phases 1000,2000,4000] [--repeat 3]

Each phase is ``piecewise([1, 0.5], 2, at=[1])`` joined by ``>>``: every phase after the first has
milestones that count from its own start, so each warns (``phase-clock``), the worst case of a
hint per phase. ``lint`` lays the phases out once and sums the durations before each phase as it
walks, so its time per phase stays flat (it was quadratic: 11 s for 1k phases, 46 s for 2k); the
last column is lint's time over ``evaluate``'s (``lrdsl eval``'s work) on the same text.
"""

from __future__ import annotations

import argparse
import functools

import lrdsl
from benchmarks.evaluate import best

PHASE = "piecewise([1, 0.5], 2, at=[1])"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--phases", default="1000,2000,4000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'phases':>7} {'KB':>5} {'lint s':>7} {'µs/phase':>9} {'eval s':>7} {'lint/eval':>9}")
    for n in (int(k) for k in args.phases.split(",")):
        text = " >> ".join([PHASE] * n)
        tree = lrdsl.parse(text)
        t_lint = best(functools.partial(lrdsl.lint, tree), args.repeat)
        t_eval = best(functools.partial(lrdsl.evaluate, tree), args.repeat)
        assert len(lrdsl.lint(tree)) == n - 1
        print(
            f"{n:>7} {len(text.encode()) / 1024:>5.0f} {t_lint:>7.3f} {t_lint / n * 1e6:>9.0f} "
            f"{t_eval:>7.3f} {t_lint / t_eval:>9.2f}"
        )


if __name__ == "__main__":
    main()
