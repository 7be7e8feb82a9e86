"""Cold start of whole processes, and parse + validate + lower latency, in one run.

    python benchmarks/startup.py [--repeat 7]

Cold start: best wall time of ``--repeat`` runs of each command as a fresh process, next to
``python -c "import numpy"``, with lrdsl's bytecode compiled first, as ``pip install`` leaves an
installed package (and as numpy's already is): with ``PYTHONDONTWRITEBYTECODE`` set and no
``__pycache__``, every start would compile lrdsl from source, which is not what a user pays.
Latency: best of many in-process calls (parse memoisation off).
"""

from __future__ import annotations

import argparse
import compileall
import os
import subprocess
import sys
import time
from pathlib import Path

EXPR = "warmup(linear, 5ep) >> cosine(0.1→1e-6) * restart(mult=2)"
LONG = " >> ".join(f"cosine({0.1 / (i + 1)}→{0.01 / (i + 1)}, {100 + i}) * quantize(7)" for i in range(50))
COMMANDS = {
    'python -c "import numpy"': [sys.executable, "-c", "import numpy"],
    "lrdsl eval … --steps 10000 --format csv": [
        sys.executable,
        "-m",
        "lrdsl",
        "eval",
        EXPR,
        "--steps",
        "10000",
        "--steps-per-epoch",
        "50",
        "--format",
        "csv",
    ],
    "lrdsl gen --target torch …": [
        sys.executable,
        "-m",
        "lrdsl",
        "gen",
        "--target",
        "torch",
        EXPR,
        "--steps",
        "10000",
        "--steps-per-epoch",
        "50",
    ],
}


def compiled() -> dict[str, str]:
    """Compile lrdsl's bytecode (as pip does on install); the environment to start processes in."""
    import lrdsl

    compileall.compile_dir(Path(lrdsl.__file__).parent, quiet=1)
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def start(cmd: list[str], env: dict[str, str]) -> None:
    """Run ``cmd`` as a new process, its output discarded."""
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)


def cold(cmd: list[str], repeat: int) -> float:
    """Best wall time of running ``cmd`` as a new process."""
    env = compiled()
    times = []
    for _ in range(repeat):
        start_time = time.perf_counter()
        start(cmd, env)
        times.append(time.perf_counter() - start_time)
    return min(times)


def latency(text: str, repeat: int = 200) -> tuple[float, float]:
    """Best seconds of (parse + validate, lower) for ``text``."""
    import lrdsl
    from lrdsl.language.parser import _parse

    p_best = l_best = float("inf")
    for _ in range(repeat):
        _parse.cache_clear()
        start = time.perf_counter()
        schedule = lrdsl.parse(text)
        mid = time.perf_counter()
        lrdsl.lower(schedule, total_steps=100000, steps_per_epoch=50)
        end = time.perf_counter()
        p_best, l_best = min(p_best, mid - start), min(l_best, end - mid)
    return p_best, l_best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    base = None
    print(f"{'cold start (whole process)':<44} {'best':>8} {'ratio':>6}")
    for label, cmd in COMMANDS.items():
        t = cold(cmd, args.repeat)
        base = base or t
        print(f"{label:<44} {t * 1e3:>6.0f}ms {t / base:>6.2f}")
    print(f"\n{'parse + validate, lower':<44} {'parse':>8} {'lower':>8}")
    for label, text in (("design card (57 chars)", EXPR), (f"50 quantized phases ({len(LONG)} chars)", LONG)):
        p, lo = latency(text)
        print(f"{label:<44} {p * 1e3:>6.2f}ms {lo * 1e3:>6.2f}ms")


if __name__ == "__main__":
    main()
