"""Fuzz the surfaces that read other people's text: import SPECs, config files, checkpoints, Keras configs.

    python -m fuzz.imports [--inputs 2000] [--seed 0]

Only ``LrdslError`` may escape (and the ``UncheckedImport`` warning), every message must be short
(under 4,000 characters) and free of raw control characters, and nothing may hang: each input's work is
bounded by the importers' own bounds, and the slowest input is printed. Inputs:

- SPECs: valid calls of the HF, timm, mmengine, detectron2 and Keras importers, optimizer first or not,
  with arguments swapped for hostile values (huge or non-finite numbers, strings, lists, ``int(1e10)``,
  ``np.float64(1.0)``, escape codes), cut, repeated or nested deep;
- configs: JSON and YAML documents of the keys the importers read with junk values, YAML alias chains
  (bombs), recursive aliases and deep nesting, written to a file and imported as ``lrdsl import`` does;
- checkpoints: a scheduler's state dict and its schedule record with fields replaced by junk, read by
  ``lrdsl.integrations.checkpoint.resume_state`` and ``check_resume``; Keras ``lrdsl>Schedule`` configs the same way.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lrdsl
from lrdsl.importers import import_spec
from lrdsl.importers.registry import IMPORTERS
from lrdsl.integrations.checkpoint import ScheduleRecord, check_resume, resume_state

SPECS: list[tuple[str, str]] = [
    ("hf", "get_cosine_schedule_with_warmup(optimizer, num_warmup_steps=10, num_training_steps=100)"),
    ("hf", "get_linear_schedule_with_warmup(AdamW(m.parameters(), lr=3e-4), 10, 100)"),
    ("hf", "get_scheduler('cosine_with_restarts', optimizer, 5, 100, scheduler_specific_kwargs={'num_cycles': 3})"),
    ("hf", "get_wsd_schedule(optimizer, 10, 20, num_stable_steps=50, min_lr_ratio=0.1)"),
    ("hf", "get_polynomial_decay_schedule_with_warmup(optimizer, 10, 100, lr_end=1e-7, power=2.0, learning_rate=0.1)"),
    ("timm", "CosineLRScheduler(optimizer, t_initial=20, lr_min=1e-5, warmup_t=3, warmup_lr_init=1e-4, lr=0.1)"),
    ("timm", "create_scheduler_v2(optimizer, sched='step', num_epochs=30, decay_epochs=10, decay_rate=0.5)"),
    ("timm", "create_scheduler_v2(sched='cosine', num_epochs=10, cycle_limit=3, cycle_mul=2.0)"),
    ("mmengine", "CosineAnnealingLR(optimizer, T_max=100, by_epoch=False, begin=0, end=100, lr=0.1)"),
    ("mmengine", "MultiStepLR(milestones=[30, 60], gamma=0.1, by_epoch=False, begin=0, end=100)"),
    ("detectron2", "WarmupMultiStepLR(optimizer, milestones=[30, 60], gamma=0.1, warmup_iters=10)"),
    ("detectron2", "StepWithFixedGammaParamScheduler(base_value=1, num_decays=3, gamma=0.1, num_updates=100)"),
    ("detectron2", "build_lr_scheduler(SOLVER={'BASE_LR': 0.1, 'MAX_ITER': 100, 'STEPS': [50], 'WARMUP_ITERS': 10})"),
    ("keras", "CosineDecay(0.1, 1000, alpha=0.1, warmup_target=0.2, warmup_steps=10)"),
    ("keras", "PiecewiseConstantDecay([100, 110], [1.0, 0.1, 0.01])"),
    ("keras", "ExponentialDecay(0.1, 3, 0.96, staircase=True)"),
]
HOSTILE = [
    "0", "-1", "1e300", "1" + "0" * 400, "10**400", "1e-320", "'x'", "[]", "[5, 'x']", "None", "True", "{}",
    "int(1e10)", "np.float64(1.0)", "np.float32(1e39)", "float('nan')", "'\\x1b[2J'", "optimizer", "2**62",
    "100000", "-0.0", "[[[[1]]]]", "(1, 2)", "{'a': [1] * 3}",
]  # fmt: skip
CONFIG_KEYS = [
    "lr_scheduler_type", "learning_rate", "warmup_steps", "max_steps", "sched", "epochs", "lr", "cycle_limit",
    "param_scheduler", "train_cfg", "SOLVER", "BASE_LR", "MAX_ITER", "STEPS", "LR_SCHEDULER_NAME", "lr_multiplier",
    "train", "class_name", "config", "initial_learning_rate", "decay_steps", "name", "type", "T_max", "milestones",
    "optimizer", "lr_scheduler", "num_warmup_steps", "num_training_steps", "num_cycles", "max_steps_per_epoch",
]  # fmt: skip
JUNK: list[Any] = [
    None, 0, -1, 1, 0.5, 1e300, 10**400, "x", "\x1b[2J", [], [5, "x"], [1e300], {}, {"type": "CosineAnnealingLR"},
    [{"type": "LinearLR", "end": 10**9, "by_epoch": False}], True, "cosine", "WarmupCosineLR", 2_000_000,
]  # fmt: skip
FRAMEWORKS = tuple(IMPORTERS)
"""Configs are fuzzed against every importer of the one table."""


@dataclass
class Report:
    """What a fuzz run found."""

    inputs: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    crashes: list[tuple[str, str]] = field(default_factory=list)
    slowest: tuple[float, str] = (0.0, "")


def spec_input(rng: random.Random) -> tuple[str, str]:
    """A framework and a SPEC: a valid call with some arguments made hostile."""
    framework, text = rng.choice(SPECS)
    roll = rng.random()
    if roll < 0.6:
        parts = text.split(", ")
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(parts))
            key, eq, _ = parts[i].rpartition("=")
            parts[i] = f"{key}{eq}{rng.choice(HOSTILE)}" if eq and "(" not in key else rng.choice(HOSTILE)
        text = ", ".join(parts)
        if not text.endswith(")"):
            text += ")"
    elif roll < 0.8:
        i, j = sorted(rng.randrange(len(text) + 1) for _ in range(2))
        text = text[:i] + text[i:j] * rng.randint(0, 3) + text[j:]
    elif roll < 0.9:
        depth = rng.choice([30, 60, 5000])
        text = text.replace("(", "(" + "[" * depth, 1).replace(")", "]" * depth + ")", 1)
    else:
        text = text.replace("0.1", "+".join(["1"] * rng.choice([10, 30_000])), 1)
    return framework, text


def config_input(rng: random.Random) -> tuple[str, str, str]:
    """A framework, a file suffix and a document: junk under the importers' keys, or a hostile YAML shape."""
    roll = rng.random()
    framework = rng.choice(FRAMEWORKS)
    if roll < 0.6:
        doc: Any = {k: rng.choice(JUNK) for k in rng.sample(CONFIG_KEYS, rng.randint(0, 6))}
        if rng.random() < 0.3:
            doc = {"SOLVER": doc} if rng.random() < 0.5 else {"param_scheduler": [doc]}
        return framework, ".json", json.dumps(doc, default=str)
    if roll < 0.8:
        levels, width = rng.randint(2, 12), rng.randint(2, 12)
        lines = ["begin:", "  a0: &a0 [" + ", ".join(["1"] * width) + "]"]
        lines += [f"  a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]" for i in range(1, levels)]
        return framework, ".yaml", "\n".join(lines) + "\n"
    if roll < 0.9:
        return framework, ".yaml", rng.choice(["a: &a [1, *a]\n", "a: &a {b: *a}\n", "- &x [*x]\n"])
    depth = rng.choice([40, 60, 1000, 100_000])
    return framework, rng.choice([".json", ".yaml"]), "[" * depth + "]" * depth


def checkpoint_input(rng: random.Random) -> dict[str, Any]:
    """A scheduler state dict with some fields (or fields of its record) replaced by junk."""
    record = ScheduleRecord(("cosine(1→0)",), 100, 10.0, params=(("peak", 0.1),)).as_dict()
    state: dict[str, Any] = {"last_epoch": 10, "_step_count": 11, "base_values": [0.1], "branches": [], "lrdsl": record}
    for _ in range(rng.randint(1, 3)):
        target = state if rng.random() < 0.5 else record
        key = rng.choice([*target, "extra"])
        target[key] = rng.choice([*JUNK, float("nan"), float("inf"), "\x1b]0;x\x07" * 100, ["a"] * 10])
    return state


def _check_message(error: lrdsl.LrdslError) -> None:
    text = str(error)
    if len(text) > 4000:
        raise AssertionError(f"a {len(text):,}-character message")
    if any(ch in text for ch in "\x1b\x07\x00"):
        raise AssertionError("a raw control character in a message")


def one(rng: random.Random, folder: Path) -> tuple[str, str]:
    """Run one input; return (its kind, a description); raise on a crash."""
    roll = rng.random()
    try:
        if roll < 0.5:
            framework, text = spec_input(rng)
            kind, what = f"spec {framework}", text
            import_spec(framework, text, total_steps=rng.choice([None, 50, 1000]))
        elif roll < 0.8:
            framework, suffix, body = config_input(rng)
            kind, what = f"config {framework}", body[:200]
            path = folder / f"c{suffix}"
            path.write_text(body, encoding="utf-8")
            import_spec(framework, str(path), total_steps=rng.choice([None, 50]))
        elif roll < 0.9:
            state = checkpoint_input(rng)
            kind, what = "checkpoint", repr(state)[:200]
            current = ScheduleRecord(("cosine(1→0)",), 100)
            got = resume_state(state, 1)
            check_resume(got.record, current, got.step, rng.choice(["strict", "branch"]))
        else:
            from lrdsl.keras import checked_config

            config = {"schedule": "cosine(1→0, 10)", "total_steps": 10, "steps_per_epoch": None, "params": {}}
            config[rng.choice([*config, "extra"])] = rng.choice(JUNK)
            kind, what = "keras config", repr(config)[:200]
            checked_config(config)
    except lrdsl.LrdslError as error:
        _check_message(error)
        return kind + " refused", what
    return kind + " accepted", what


def run(inputs: int, seed: int = 0) -> Report:
    """Fuzz ``inputs`` inputs; every exception but ``LrdslError`` (and any overlong message) is a crash."""
    rng = random.Random(seed)
    report = Report()
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # UncheckedImport, and the libraries' own deprecation warnings
        for _ in range(inputs):
            start = time.perf_counter()
            state = rng.getstate()
            try:
                kind, what = one(rng, Path(tmp))
            except Exception as exc:
                rng.setstate(state)
                kind, what = "crash", _describe(rng, Path(tmp))
                report.crashes.append((what, f"{type(exc).__name__}: {exc}"[:300]))
            elapsed = time.perf_counter() - start
            if elapsed > report.slowest[0]:
                report.slowest = (elapsed, what[:120])
            report.kinds[kind.split()[0] + " " + kind.split()[-1]] += 1
            report.inputs += 1
    return report


def _describe(rng: random.Random, folder: Path) -> str:
    """The input a crashing call was given (re-drawn from the same random state)."""
    roll = rng.random()
    draw: Callable[[], object]
    if roll < 0.5:
        draw = lambda: spec_input(rng)  # noqa: E731
    elif roll < 0.8:
        draw = lambda: config_input(rng)  # noqa: E731
    elif roll < 0.9:
        draw = lambda: checkpoint_input(rng)  # noqa: E731
    else:
        draw = lambda: "a Keras config"  # noqa: E731
    return repr(draw())[:300]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inputs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    start = time.perf_counter()
    report = run(args.inputs, args.seed)
    print(f"{report.inputs} inputs in {time.perf_counter() - start:.0f} s (seed {args.seed})")
    for kind, count in sorted(report.kinds.items()):
        print(f"  {kind:<28} {count}")
    print(f"  slowest input: {report.slowest[0] * 1e3:.0f} ms: {report.slowest[1]!r}")
    for text, error in report.crashes[:20]:
        print(f"CRASH {error}\n  input: {text}")
    sys.exit(1 if report.crashes else 0)


if __name__ == "__main__":
    main()
