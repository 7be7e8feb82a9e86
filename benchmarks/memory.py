"""Peak memory of ``lrdsl eval --format csv`` and ``lrdsl compare`` over a huge run (streamed in chunks).

    python benchmarks/memory.py [--steps 100000000]

Runs the CLI as a child process writing to /dev/null and reports its peak resident set
size, next to that of a process that only imports numpy and lrdsl.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time

EXPR = "warmup(linear, 5ep) >> cosine(0.1→1e-6) * restart(mult=2)"


def peak_kib(cmd: list[str]) -> tuple[int, float]:
    """(peak RSS in KiB, seconds) of ``cmd`` run alone as a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL)
    if done.returncode not in (0, 1):  # compare exits 1 when the schedules differ
        raise SystemExit(f"{cmd} failed with status {done.returncode}")
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(before, after), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=100_000_000)
    args = parser.parse_args()
    base, _ = peak_kib([sys.executable, "-c", "import numpy, lrdsl; lrdsl.parse('cosine(1→0)')"])
    run, seconds = peak_kib(
        [
            sys.executable,
            "-m",
            "lrdsl",
            "eval",
            EXPR,
            "--steps",
            str(args.steps),
            "--steps-per-epoch",
            str(args.steps // 100),
            "--format",
            "csv",
            "-o",
            "/dev/null",
        ]
    )
    print(f"{'process':<52} {'peak RSS':>10} {'time':>8}")
    print(f"{'import numpy, lrdsl':<52} {base / 1024:>8.0f}MB")
    print(f"{f'lrdsl eval --steps {args.steps:.0e} --format csv (streamed)':<52} {run / 1024:>8.0f}MB {seconds:>7.0f}s")
    compared, compare_seconds = peak_kib(
        [sys.executable, "-m", "lrdsl", "compare", "cosine(0.1→0)", "cosine(0.1→1e-9)", "--steps", str(args.steps)]
    )
    label = f"lrdsl compare (two expressions) --steps {args.steps:.0e}"
    print(f"{label:<52} {compared / 1024:>8.0f}MB {compare_seconds:>7.0f}s")
    print(f"a float64 array of {args.steps:.0e} steps alone would take {args.steps * 8 / 2**20:.0f}MB")


if __name__ == "__main__":
    main()
