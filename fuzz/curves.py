"""Fuzz the recorded curves that ``fit`` and ``compare`` read: files of every suffix, and arrays in Python.

    python -m fuzz.curves [--inputs 2000] [--seed 0]

Only ``LrdslError`` may escape (a warning is a finding); every message must be short (under 4,000 characters) and free of raw
control characters; a curve that is read must be finite float64 values, which ``lrdsl.fit`` and
``lrdsl.compare`` then take (on at most 64 values, so each input's work stays small), and a table is
also fitted at the steps it gives (every k-th step, maybe unevenly). Curves are lines, or the v3 forms of
:data:`V3_CURVES` (late and early clocks, ``inclusive=true``, ``pow``, fractional periods). Inputs: CSV, TSV,
text, JSON and ``.npy`` files made from valid curves with hostile changes (a byte-order mark, headers,
blank or ragged lines, NaN/inf, huge integers and exponents, non-ASCII digits, deep JSON nesting,
binary junk, arrays of complex numbers, dates, strings, objects or several dimensions, truncation).
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

import lrdsl
from lrdsl.logs import read_curve
from lrdsl.logs.fit import fit_curve
from lrdsl.tools.values import read_values

NUMBERS = [
    "0.1", "1e-3", "5e-324", "1e308", "-0.0", "nan", "inf", "-inf", "1" + "0" * 400, "1e999", "0x10", "1_0",
    "１", "٣", "", " ", "1,5", "+.5", "1e", "e5", "NaN", "True", "None", "'0.1'", "\x1b[2J", "0.1\x00",
]  # fmt: skip
HEADERS = ["", "lr\n", "step,lr\n", "learning_rate\n", "\ufeff", "\ufefflr\n", "Step,Value\n", "a,b,c\n", "#\n"]


@dataclass
class Report:
    inputs: int = 0
    read: int = 0
    refused: int = 0
    crashes: list[tuple[str, str]] = field(default_factory=list)
    slowest: tuple[float, str] = (0.0, "")


V3_CURVES = [
    "(warmup(linear, 5) >> cosine(0.1→0)) * offset(-1)",  # a late clock (LANGUAGE.md §9.1)
    "cosine(0.1→1e-4) * offset(3)",
    "warmup(linear, 8, inclusive=true) >> exp(0.1→1e-3, inclusive=true)",  # §9.2
    "pow(0→0.1, 10, power=2, inclusive=true) >> poly(0.1→0, power=2, inclusive=true)",  # §9.3
    "exp_decay(0.1, rate=0.5, every=2.4, staircase=true)",  # §9.4
    "step(0.1, gamma=0.5, every=0.6)",
]
"""Curves of the v3 forms (LANGUAGE.md §9), which ``fit`` reads back."""


def _curve(rng: random.Random) -> list[float]:
    n = rng.choice([0, 1, 2, 3, 10, 40, 64])
    if n and rng.random() < 0.3:
        return [float(v) for v in lrdsl.evaluate(rng.choice(V3_CURVES), n)]
    base = rng.choice([0.1, 1e-300, 1e300, 1.0])
    return [base * (1 - i / max(n, 1)) for i in range(n)]


def _text_file(rng: random.Random, sep: str) -> bytes:
    lines = [repr(v) for v in _curve(rng)]
    for _ in range(rng.choice([0, 0, 1, 3])):
        if lines:
            lines[rng.randrange(len(lines))] = rng.choice(NUMBERS)
    if rng.random() < 0.3:  # a step column: every step, or every k-th from s₀ (a log with gaps), maybe uneven
        k, s0 = rng.choice([(1, 0), (1, 1), (10, 9), (50, 0), (4, 1)])
        steps = [s0 + k * i + (rng.random() < 0.05) for i in range(len(lines))]
        lines = [f"{s}{sep}{v}" for s, v in zip(steps, lines, strict=True)]
    if rng.random() < 0.2 and lines:  # ragged
        lines[rng.randrange(len(lines))] += sep + "1"
    text = rng.choice(HEADERS) + "\n".join(lines) + rng.choice(["", "\n", "\n\n", "\r\n"])
    data = text.encode("utf-8", "surrogatepass")
    if rng.random() < 0.1:
        data = data[: rng.randrange(len(data) + 1)]
    if rng.random() < 0.05:
        data += bytes(rng.randrange(256) for _ in range(16))
    return data


def _json_file(rng: random.Random) -> bytes:
    values: object = _curve(rng)
    kind = rng.randrange(6)
    if kind == 1:
        values = {"values": values}
    elif kind == 3:
        values = [10**400, 0.1]
    elif kind == 4:
        values = {"a": [1, 2], "b": "x"}
    text = json.dumps(values)
    if kind == 2:  # nested deep
        depth = rng.choice([2, 100, 5000, 10**5])
        text = "[" * depth + text + "]" * depth
    return text.encode()


def _npy_file(rng: random.Random) -> bytes:
    curve = np.array(_curve(rng))
    choice = rng.randrange(8)
    arrays: list[Callable[[], np.ndarray]] = [
        lambda: curve,
        lambda: curve.astype(np.float32),
        lambda: curve.astype(np.complex128),
        lambda: np.array(["2020-01-01"] * 3, dtype="datetime64[D]"),
        lambda: np.array(["0.1", "x"]),
        lambda: np.zeros((3, 2, 2)),
        lambda: np.array([True, False]),
        lambda: np.array([1, 2**62], dtype=np.int64),
    ]
    buffer = io.BytesIO()
    with np.errstate(over="ignore"):  # 1e300 as float32 is inf: an input like any other
        np.save(buffer, arrays[choice](), allow_pickle=False)
    data = buffer.getvalue()
    if rng.random() < 0.1:
        data = data[: rng.randrange(len(data) + 1)]
    return data


MAKERS: list[tuple[str, Callable[[random.Random], bytes]]] = [
    (".csv", lambda rng: _text_file(rng, ",")),
    (".tsv", lambda rng: _text_file(rng, "\t")),
    (".txt", lambda rng: _text_file(rng, " ")),
    (".json", _json_file),
    (".npy", _npy_file),
]


def _check_message(message: str) -> str | None:
    if len(message) >= 4000:
        return f"a message of {len(message)} characters"
    if any(ord(c) < 32 and c not in "\n\t" for c in message):
        return "a raw control character in the message"
    return None


def one(rng: random.Random, folder: Path, report: Report) -> None:
    suffix, make = rng.choice(MAKERS)
    data = make(rng)
    path = folder / f"curve{suffix}"
    path.write_bytes(data)
    shown = f"{suffix} {data[:80]!r}"
    start = time.perf_counter()
    try:
        values = read_values(path)
        if values.dtype != np.float64 or not np.isfinite(values).all():
            report.crashes.append((shown, f"read non-finite or non-float64 values: {values.dtype}"))
            return
        report.read += 1
        if 0 < len(values) <= 64:
            lrdsl.fit(values)
            lrdsl.compare(values, "cosine(0.1→0)")
            if suffix in (".csv", ".tsv", ".txt"):  # at the steps the file gives (a log with gaps too)
                fit_curve(read_curve(path), budget=5.0)
    except lrdsl.LrdslError as err:
        report.refused += 1
        bad = _check_message(str(err))
        if bad:
            report.crashes.append((shown, bad))
    except Exception as err:  # the point: report anything but LrdslError
        report.crashes.append((shown, f"{type(err).__name__}: {err}"[:300]))
    took = time.perf_counter() - start
    if took > report.slowest[0]:
        report.slowest = (took, shown)


def run(inputs: int, seed: int) -> Report:
    """Fuzz ``inputs`` curve files from ``seed``."""
    rng = random.Random(seed)
    report = Report()
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("error")  # a numpy warning on the terminal is a finding too
        for _ in range(inputs):
            report.inputs += 1
            one(rng, Path(tmp), report)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fuzz.curves", description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    report = run(args.inputs, args.seed)
    print(f"{report.inputs} inputs: {report.read} read, {report.refused} refused, {len(report.crashes)} crashes")
    print(f"slowest input: {report.slowest[0]:.3f} s {report.slowest[1]}")
    for shown, what in report.crashes[:20]:
        print(f"CRASH {what}\n    {shown}")
    return 1 if report.crashes else 0


if __name__ == "__main__":
    sys.exit(main())
