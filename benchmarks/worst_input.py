"""The worst accepted input: the longest list and the longest chain of phases, end to end.

    python -m benchmarks.worst_input [--repeat 3]

Inputs are bounded by their size, never by time (``lrdsl/language/parser.py``: at most ``MAX_ITEMS`` items in
a list and ``MAX_PHASES`` phases joined by ``>>``, refused before parsing), so the worst accepted
input has a known cost. Each row times parsing, lowering, ``evaluate`` over the run and ``gen``
(which lowers again) for each target, and prints the generated code's lines.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from functools import partial

import lrdsl
from lrdsl.codegen import TARGETS
from lrdsl.language.parser import MAX_ITEMS, MAX_PHASES, _parse

INPUTS = {
    f"list of {MAX_ITEMS} milestones": (
        "multistep(0.1, at=[" + ", ".join(str(10 * i + 1) for i in range(MAX_ITEMS)) + "])",
        10 * MAX_ITEMS + 10,
    ),
    f"{MAX_PHASES} phases": (" >> ".join(f"cosine({0.1 + i * 1e-6}→0, 10)" for i in range(MAX_PHASES)), None),
}


def seconds(fn: Callable[[], object], repeat: int) -> float:
    """Best wall time of ``repeat`` calls of ``fn`` (parsing's cache cleared before each)."""
    best = float("inf")
    for _ in range(repeat):
        _parse.cache_clear()
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'input':<26}{'KB':>6}{'parse':>8}{'lower':>8}{'evaluate':>10}" + "".join(f"{t:>9}" for t in TARGETS))
    for label, (text, total) in INPUTS.items():
        row = [
            seconds(partial(lrdsl.parse, text), args.repeat),
            seconds(partial(lrdsl.lower, text, total), args.repeat),
            seconds(partial(lrdsl.evaluate, text, total), args.repeat),
        ]
        lines = []
        for target in TARGETS:
            row.append(seconds(partial(lrdsl.generate, text, target, total), args.repeat))
            lines.append(len(lrdsl.generate(text, target, total).splitlines()))
        print(f"{label:<26}{len(text.encode()) // 1000:>6}" + "".join(f"{s:>7.2f}s" for s in row[:2])
              + f"{row[2]:>9.2f}s" + "".join(f"{s:>8.2f}s" for s in row[3:]))  # fmt: skip
        print(f"{'':<26}generated lines: " + ", ".join(f"{t} {n}" for t, n in zip(TARGETS, lines)))


if __name__ == "__main__":
    main()
