"""Import times: each importer on short and very long runs, with what its check against the library did.

    python -m benchmarks.imports [--repeat 3]

The check of an import is bounded in *work* (``lrdsl.importers._write.MAX_STEPPED`` steps stepped, a
closed form sampled at ``DENSE`` steps), never in wall time, so a long run costs about what a short one
does. Each row is the best of ``--repeat`` calls in this process, the library already imported (its
import time is the same for every row and is not the importer's); the last column says how the result
was checked. Libraries that are not installed are skipped (timm runs from its pinned wheel when the
parity wheels are there, as its tests do); Paddle runs in a process of its own, as in the tests, and
its rows include that process's start.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from lrdsl.importers import import_spec
from lrdsl.importers.verify import noting, recording

MM_LONG = {
    "param_scheduler": [
        {"type": "LinearLR", "start_factor": 0.001, "by_epoch": False, "begin": 0, "end": 1000},
        {"type": "CosineAnnealingLR", "by_epoch": False, "begin": 1000, "end": 2_000_000},
    ],
    "train_cfg": {"max_iters": 2_000_000},
    "optim_wrapper": {"optimizer": {"lr": 0.1}},
}
MM_EPOCHS = {
    "param_scheduler": [{"type": "CosineAnnealingLR", "by_epoch": True, "begin": 0, "end": 300}],
    "train_cfg": {"max_epochs": 300},
}

CASES: list[tuple[str, str, str, dict[str, int]]] = [
    ("transformers", "hf", "get_cosine_schedule_with_warmup(optimizer, 100, 1000)", {}),
    ("transformers", "hf", "get_cosine_schedule_with_warmup(optimizer, 100, 1000000000)", {}),
    ("fvcore", "detectron2", "CosineParamScheduler(start_value=1, end_value=0)", {"total_steps": 1000}),
    ("fvcore", "detectron2", "CosineParamScheduler(start_value=1, end_value=0)", {"total_steps": 10**9}),
    (
        "fvcore",
        "detectron2",
        "StepWithFixedGammaParamScheduler(base_value=1, num_decays=1000000000, gamma=0.1, num_updates=100)",
        {"total_steps": 100},
    ),
    ("fvcore", "detectron2", "MultiStepParamScheduler(values=[1, 0.1, 0.01], num_updates=900)", {"total_steps": 10**9}),
    ("mmengine", "mmengine", "@MM_LONG (2·10⁶ iterations)", {}),
    ("mmengine", "mmengine", "@MM_EPOCHS (300 epochs × 5000)", {"steps_per_epoch": 5000}),
    ("keras", "keras", "CosineDecay(0.1, 1000)", {}),
    ("keras", "keras", "CosineDecay(0.1, 1000000000)", {"total_steps": 10**9}),
]
PADDLE = [
    "CosineAnnealingDecay(learning_rate=0.1, T_max=1000)",
    "CosineAnnealingDecay(learning_rate=0.1, T_max=100000000)",
]
TIMM: list[dict[str, object]] = [
    {"sched": "cosine", "num_epochs": 100},
    {"sched": "cosine", "num_epochs": 300, "updates_per_epoch": 5000},
    {"sched": "cosine", "num_epochs": 10, "cycle_limit": 100_000},
]


def _how(notes: list[str], checks: int) -> str:
    if notes:
        return notes[0].split(": ", 1)[1]
    return "checked against the library" if checks else "—"


def timed(run: Callable[[], str], repeat: int) -> tuple[float, str, str]:
    """Best seconds of ``repeat`` calls of ``run``, its expression, and how it was checked."""
    best, expr, how = float("inf"), "", ""
    for _ in range(repeat):
        with recording() as checks, noting() as notes, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = time.perf_counter()
            expr = run()
            best = min(best, time.perf_counter() - start)
        how = _how(notes, len(checks))
    return best, expr, how


def rows(repeat: int) -> list[tuple[str, str, float, str]]:
    """``(framework, SPEC, seconds, how it was checked)`` for every case whose library is here."""
    out = []
    folder = Path(tempfile.mkdtemp())
    for module, framework, spec, kw in CASES:
        if importlib.util.find_spec(module) is None:
            continue
        target = spec
        if spec.startswith("@"):
            name = spec[1:].split()[0]
            target = str(folder / f"{name}.json")
            Path(target).write_text(json.dumps(globals()[name]))
        import_spec(framework, target, **kw)  # the library's import, outside the timing

        def run(f: str = framework, t: str = target, k: dict[str, int] = kw) -> str:
            return import_spec(f, t, **k)

        seconds, _, how = timed(run, repeat)
        out.append((framework, spec, seconds, how))
    out += _timm(repeat) + _paddle(repeat)
    return out


def _timm(repeat: int) -> list[tuple[str, str, float, str]]:
    from lrdsl.importers import timm

    module = None
    if importlib.util.find_spec("timm") is None:
        try:
            from tests.parity.wheels import modules

            module = modules(["timm"], ["timm.scheduler"])["timm.scheduler"]
        except Exception:  # no wheel here: skip timm
            return []
    out = []
    for kw in TIMM:

        def run(k: dict[str, object] = kw) -> str:
            return timm.from_timm(library=module, **k)  # type: ignore[arg-type]

        seconds, _, how = timed(run, repeat)
        out.append(
            ("timm", "create_scheduler_v2(" + ", ".join(f"{k}={v!r}" for k, v in kw.items()) + ")", seconds, how)
        )
    return out


def _paddle(repeat: int) -> list[tuple[str, str, float, str]]:
    if importlib.util.find_spec("paddle") is None:
        return []
    out = []
    for spec in PADDLE:
        best, how = float("inf"), ""
        for _ in range(repeat):
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "lrdsl", "import", "paddle", spec], capture_output=True, text=True
            )
            best = min(best, time.perf_counter() - start)
            lines = done.stdout.splitlines()
            how = lines[1][2:].split(": ", 1)[1] if len(lines) > 2 else "checked against the library"
        out.append(("paddle (process)", spec, best, how))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # the notes of unchecked imports are the table's last column
    table = rows(args.repeat)
    width = max(len(s) for _, s, _, _ in table)
    print(f"{'framework':<17} {'SPEC':<{width}} {'seconds':>8}  check")
    for framework, spec, seconds, how in table:
        print(f"{framework:<17} {spec:<{width}} {seconds:8.3f}  {how}")


if __name__ == "__main__":
    main()
