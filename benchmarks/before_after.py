"""The same measurements on two versions of lrdsl, interleaved in one run: before/after a change.

    python -m benchmarks.before_after --base REV [--repeat 5] [--only evaluate-design,fit]

``REV`` (a commit, branch or tag of this checkout) is exported with ``git archive`` to a temporary
directory; the working tree is "after". Each version runs in its own worker process (its tree
first on ``sys.path``) that times one row on request, and the two are asked alternately
(before, after, before, after, …), keeping the best of ``--repeat`` each, so load on a shared
machine hits both alike. Rows use only the public API (``lrdsl.evaluate``, ``generate``, ``fit``,
``lint``, ``from_torch``, the adapters and the command line), which both versions share. A ratio
above 1 means "after" is slower.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

ROWS: dict[str, str] = {
    "evaluate-design": "evaluate `warmup(linear, 5ep) >> cosine(0.1→1e-6) * restart(mult=2)`, 1e7 steps",
    "evaluate-many": "evaluate `cosine(0.1→1e-6) * restart(period=100)`, 1e7 steps (1e5 cycles)",
    "evaluate-64": "evaluate `cosine(0.1→1e-6) * restart(period=15625)`, 1e6 steps (64 cycles)",
    "evaluate-frac": "evaluate `cosine(0.1→0) * restart(period=2.2ep)`, 1e6 steps, 25 steps/epoch",
    "generate": "generate the design card in all five targets",
    "torch-step": "`lrdsl.torch.scheduler(...).step()`, restarts with mult=2, per step (20,000 steps)",
    "parse-format": "parse and format the design card, per text (200 texts)",
    "lint": "lint the design card at 1e6 steps",
    "import-torch": "`from_torch(OneCycleLR(total_steps=10,000))`",
    "fit": "fit the design card's curve, 1e5 steps",
    "cold-eval": "`lrdsl eval … --steps 10000 --steps-per-epoch 100 --format csv`, a whole process",
}

DESIGN = "warmup(linear, 5ep) >> cosine(0.1→1e-6) * restart(mult=2)"

WORKER = r"""
import json, os, subprocess, sys, time, warnings
warnings.simplefilter("ignore")
import numpy as np
import lrdsl

DESIGN = %(design)r


def timed(fn, per=1):
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) / per


def row(name):
    if name == "evaluate-design":
        return timed(lambda: lrdsl.evaluate(DESIGN, 10_000_000, 100_000))
    if name == "evaluate-many":
        return timed(lambda: lrdsl.evaluate("cosine(0.1→1e-6) * restart(period=100)", 10_000_000))
    if name == "evaluate-64":
        return timed(lambda: lrdsl.evaluate("cosine(0.1→1e-6) * restart(period=15625)", 1_000_000))
    if name == "evaluate-frac":
        return timed(lambda: lrdsl.evaluate("cosine(0.1→0) * restart(period=2.2ep)", 1_000_000, 25))
    if name == "generate":
        return timed(lambda: [lrdsl.generate(DESIGN, t, 10_000, 100) for t in ("python", "torch", "paddle", "optax", "keras")])
    if name == "torch-step":
        import torch
        torch.set_num_threads(1)
        opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        sched = lrdsl.torch.scheduler(opt, "cosine(0.1→0) * restart(period=1000, mult=2)", total_steps=20_000)
        def run():
            for _ in range(20_000):
                sched.step()
        return timed(run, 20_000)
    if name == "parse-format":
        texts = [DESIGN.replace("5ep", f"{k + 1}ep") for k in range(200)]
        return timed(lambda: [str(lrdsl.parse(t)) for t in texts], 200)
    if name == "lint":
        return timed(lambda: lrdsl.lint(DESIGN, total_steps=1_000_000, steps_per_epoch=10_000))
    if name == "import-torch":
        import torch
        def run():
            opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
            lrdsl.from_torch(torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=10_000))
        return timed(run)
    if name == "fit":
        curve = lrdsl.evaluate(DESIGN, 100_000, 1_000)
        return timed(lambda: lrdsl.fit(curve, steps_per_epoch=1_000))
    if name == "cold-eval":
        cmd = [sys.executable, "-m", "lrdsl", "eval", DESIGN, "--steps", "10000", "--steps-per-epoch", "100", "--format", "csv"]
        return timed(lambda: subprocess.run(cmd, check=True, capture_output=True, env=os.environ))
    raise SystemExit(f"unknown row {name}")


for line in sys.stdin:
    name = line.strip()
    try:
        print(json.dumps({"seconds": row(name)}), flush=True)
    except Exception as exc:  # a row the other version lacks is reported, not fatal
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}"[:200]}), flush=True)
"""


def export(rev: str, into: Path) -> Path:
    """The tree of ``rev`` (``git archive``) unpacked into ``into``."""
    archive = into / "base.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(archive), rev], check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "tree", filter="data")
    return into / "tree"


class Worker:
    """One Python process with ``tree`` first on its path, timing the rows it is sent."""

    def __init__(self, tree: Path) -> None:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tree), os.environ.get("PYTHONPATH", "")]))
        env.setdefault("KERAS_BACKEND", "jax")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", WORKER % {"design": DESIGN}],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=tree,
            env=env,
        )

    def time(self, name: str) -> float | str:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(name + "\n")
        self.proc.stdin.flush()
        answer = json.loads(self.proc.stdout.readline())
        return float(answer["seconds"]) if "seconds" in answer else str(answer["error"])

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def _shown(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.1f} µs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", required=True, help="the commit to compare with (before)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="", help="comma-separated rows: " + ",".join(ROWS))
    args = parser.parse_args()
    names = [n for n in args.only.split(",") if n] or list(ROWS)
    with tempfile.TemporaryDirectory() as tmp:
        before, after = Worker(export(args.base, Path(tmp))), Worker(ROOT)
        print(f"| row | before ({args.base[:10]}) | after | after / before |")
        print("|---|---:|---:|---:|")
        for name in names:
            best: dict[str, float] = {"before": float("inf"), "after": float("inf")}
            error = ""
            for _ in range(args.repeat + 1):  # the first of each is a warm-up, kept only if it is the best
                for label, worker in (("before", before), ("after", after)):
                    got = worker.time(name)
                    if isinstance(got, str):
                        error = f"{label}: {got}"
                    else:
                        best[label] = min(best[label], got)
            if error:
                print(f"| {ROWS[name]} | — | — | {error} |")
                continue
            ratio = best["after"] / best["before"]
            print(f"| {ROWS[name]} | {_shown(best['before'])} | {_shown(best['after'])} | {ratio:.2f} |", flush=True)
        before.close()
        after.close()


if __name__ == "__main__":
    main()
