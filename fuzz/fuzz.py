"""Fuzz the public API with arbitrary text: only ``LrdslError`` may escape, nothing may hang or be non-finite.

    python -m fuzz.fuzz [--inputs 100000] [--seed 0]

Inputs: mutations of valid schedules (the identity fixtures and the acceptance cases), random
token soups, random bytes, deep nesting and huge numbers. Each input is parsed, lowered for a
random run, evaluated at a few steps (values must be finite), and one in twenty is also
generated as python code, executed and compared with the interpreter.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import lrdsl
from lrdsl.integrations.runtime import load_generated

ROOT = Path(__file__).resolve().parents[1]
TOKENS = [
    "(", ")", "[", "]", ",", "=", "→", "->", ">>", "+", "-", "*", "/", "**", "#", "\n", " ", "ep", "%", "$p",
    "0", "1", "0.5", "1e-6", "3e-4", "1e309", "1e-400", "9" * 40, "-0", "inf", "nan", "1e18", "2ep", "50%",
    "true", "false", "u", "t", "p", "e", "lr", "pi", "sin(", "log(", "sqrt(", "floor(", "start", "end",
    "linear(", "cosine(", "exp(", "poly(", "step(", "multistep(", "exp_decay(", "inverse_time(", "rsqrt(",
    "fn(", "recur(", "warmup(", "hold(", "const(", "restart(", "repeat(", "quantize(", "min(", "max(",
    "onecycle(", "cyclic(", "wsd(", "period=", "mult=", "decay=", "cycles=", "every=", "from=", "at=", "dur=",
    "gamma=", "power=", "cycle=", "half=", "mode=", "pct=", "to=", "warmup=", "\u00e9", "\u200b", "\x00", "\\",
]  # fmt: skip


NUMBERS = ["0", "1", "2", "0.5", "1e-9", "1e-300", "1e300", "1e15", "1e16", "3", "100", "0.99", "1.5", "1e5"]


@dataclass
class Report:
    """What a fuzz run found."""

    inputs: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    crashes: list[tuple[str, str]] = field(default_factory=list)
    slowest: tuple[float, str] = (0.0, "")


def corpus() -> list[str]:
    """Valid schedules to mutate."""
    lines = (ROOT / "tests" / "fixtures" / "identity.lrdsl").read_text(encoding="utf-8").splitlines()
    out = [ln for ln in lines if ln and not ln.startswith("#")]
    seeds = ROOT.parent / "shared" / "acceptance" / "seeds.json"
    if seeds.is_file():
        out += [c["expr"] for c in json.loads(seeds.read_text(encoding="utf-8"))["cases"]]
    return out


def make_input(rng: random.Random, base: list[str]) -> str:
    """One fuzz input."""
    roll = rng.random()
    if roll < 0.45:  # keep the syntax: swap numbers, names and units
        text = rng.choice(base)
        for _ in range(rng.randint(1, 3)):
            text = re.sub(
                r"\d+(\.\d+)?(e-?\d+)?", lambda m: m.group() if rng.random() < 0.7 else rng.choice(NUMBERS), text
            )
            text = re.sub(
                r"\b(linear|cosine|exp|poly)\b",
                lambda m: m.group() if rng.random() < 0.7 else rng.choice(["linear", "cosine", "exp", "poly"]),
                text,
            )
            text = re.sub(r"(ep|%)", lambda m: m.group() if rng.random() < 0.8 else rng.choice(["ep", "%", ""]), text)
        return text
    if roll < 0.75:
        text = rng.choice(base)
        for _ in range(rng.randint(1, 4)):
            i, j = sorted(rng.randrange(len(text) + 1) for _ in range(2))
            op = rng.randrange(4)
            if op == 0:
                text = text[:i] + text[j:]
            elif op == 1:
                text = text[:i] + rng.choice(TOKENS) + text[i:]
            elif op == 2:
                text = text[:i] + text[i:j] * rng.randint(2, 5) + text[j:]
            else:
                text = text[:i] + str(rng.choice([0, -1, 1e-300, 1e300, 2**63, 0.1, 7, 1e15])) + text[j:]
        return text
    if roll < 0.88:
        return "".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 40)))
    if roll < 0.97:
        raw = bytes(rng.randrange(256) for _ in range(rng.randint(0, 80)))
        return raw.decode("utf-8", errors="replace") if rng.random() < 0.5 else raw.decode("latin-1")
    depth = rng.choice([10, 199, 200, 201, 5000, 20000])
    return "(" * depth + "cosine(1→0)" + ")" * depth


def check(text: str, rng: random.Random) -> str:
    """Run one input through the API; return what happened (raises on a crash)."""
    try:
        schedule = lrdsl.parse(text)
    except lrdsl.LrdslError:
        return "rejected by parse"
    total = rng.choice([None, 0, 1, 7, 1000, 100_000, 10**12])
    spe = rng.choice([None, 1, 3.5, 50, 1e9])
    steps = [0, 1, 5, 999, 10**6, 10**9]
    try:
        lr = lrdsl.evaluate(schedule, total_steps=total, steps_per_epoch=spe, steps=steps)
    except lrdsl.LrdslError:
        return "rejected by lowering or evaluation"
    if not all(math.isfinite(v) for v in lr):
        raise AssertionError(f"non-finite values {lr.tolist()}")
    if rng.random() < 0.05:
        lr_fn = load_generated(schedule, "python", total, spe).lr
        got = [lr_fn(s) for s in steps]
        if any(abs(a - b) > 1e-9 + 1e-6 * abs(b) for a, b in zip(got, lr.tolist())):
            raise AssertionError(f"python target {got} != interpreter {lr.tolist()}")
        return "evaluated and generated"
    return "evaluated"


def run(inputs: int, seed: int = 0) -> Report:
    """Fuzz ``inputs`` inputs; every exception but ``LrdslError`` is recorded as a crash."""
    rng = random.Random(seed)
    base = corpus()
    report = Report()
    for _ in range(inputs):
        text = make_input(rng, base)
        start = time.perf_counter()
        try:
            kind = check(text, rng)
        except Exception as exc:
            kind = "crash"
            report.crashes.append((text, f"{type(exc).__name__}: {exc}"[:300]))
        elapsed = time.perf_counter() - start
        if elapsed > report.slowest[0]:
            report.slowest = (elapsed, text[:120])
        report.kinds[kind] += 1
        report.inputs += 1
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    start = time.perf_counter()
    report = run(args.inputs, args.seed)
    print(f"{report.inputs} inputs in {time.perf_counter() - start:.0f} s (seed {args.seed})")
    for kind, count in sorted(report.kinds.items()):
        print(f"  {kind:<36} {count}")
    print(f"  slowest input: {report.slowest[0] * 1e3:.0f} ms: {report.slowest[1]!r}")
    for text, error in report.crashes[:20]:
        print(f"CRASH {error}\n  input: {text!r}")
    sys.exit(1 if report.crashes else 0)


if __name__ == "__main__":
    main()
