"""What a set's range check adds to ``lrdsl check SET``: lint of a 5-member set, with and without it.

    python -m benchmarks.set_lint [--steps 1000,1000000,1000000000000] [--repeat 5]

The same five expressions are linted twice on each run: named as optimizer members and ``ema``
(``weight_decay``, ``betas[1]``, ``ema``: each also checked against its range, on the plot's
sample of at most 4000 steps plus the phase boundaries) and under names of the user's own (no
range to check). The last column is their ratio: the range check's cost, flat in the run's length.
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable

import lrdsl
from benchmarks.evaluate import interleaved

MEMBERS = (
    ("lr", "warmup(linear, 2k) >> cosine(3e-4→3e-5)"),
    ("weight_decay", "linear(0.1→0.01)"),
    ("betas[1]", "linear(0.95→0.99, 10%) >> hold()"),
    ("ema", "fn(min(0.9999, (1 + t) / (10 + t)))"),
    ("loss.kl", "linear(0→1, 5k)"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", default="1000,1000000,1000000000000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    ranged = lrdsl.parse_set("\n".join(f"{n}: {e}" for n, e in MEMBERS))
    plain = lrdsl.parse_set("\n".join(f"mine{i}: {e}" for i, (_, e) in enumerate(MEMBERS)))
    print(f"{'steps':>14} {'ranged ms':>10} {'plain ms':>9} {'ratio':>6}")
    for total in (int(k) for k in args.steps.split(",")):
        fns: list[Callable[[], object]] = [functools.partial(lrdsl.lint, s, total_steps=total) for s in (ranged, plain)]
        t_ranged, t_plain = interleaved(fns, args.repeat)
        print(f"{total:>14} {t_ranged * 1e3:>10.2f} {t_plain * 1e3:>9.2f} {t_ranged / t_plain:>6.2f}")


if __name__ == "__main__":
    main()
