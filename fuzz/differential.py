"""Differential fuzzing: the interpreter against the reference interpreter and generated code, at random steps
of random valid schedules.

    python -m fuzz.differential [--inputs 100000] [--seed 0] [--frameworks 50] [--skip cycles,recur] [--jobs 2]
    python -m fuzz.differential --sets [--inputs 2000]   # random schedule sets: fuzz/sets.py

Each input is a random valid schedule (every shape and composite; ``fn`` formulas over
``exp log sqrt ** sin cos tan floor ceil abs min max``; restarts, repeat, quantize, recur,
warm-ups, min/max, arithmetic between schedules, ``$parameters``) with a random total and
steps per epoch. The interpreter evaluates it at random steps, huge ones included (1e9, 2³¹,
2⁵³ − 1), and ``gen`` prints it as python code, which is called at the same steps; one input in
``--frameworks`` is also generated for torch (float64) and optax (float32, steps below 2³¹).

Before ``gen``, the fast interpreter's values are held against the reference interpreter's
(:mod:`lrdsl.ir.reference_interpreter`, the IR's meaning one step at a time) at the same steps: the
same steps refused, every value within one ulp (or within one ulp once numpy's ``pow`` is C's,
as the reference computes powers). An input with a ``recur`` of more than :data:`REFERENCE_RECUR`
intervals is left out of this check (the reference loops in Python, one interval at a time); values
under a restart of a fractional period are counted apart while :data:`CLOCK_GAP` holds.

Counted and printed with a reproducer:

- **crash**: an exception other than ``LrdslError``, from lrdsl or from the generated code;
- **hang**: a generated call over 1 s (``gen`` and the interpreter: over 10 s);
- **disagreement**: ``gen`` refuses a schedule that the interpreter computes at every step of
  the run, or accepts one that it refuses at a step; or a value differs. Float64 targets
  (python, torch) must agree within 1e-12 relative, float32 ones within ``tests/gen_cases.F32``.
  A float32 value outside that tolerance is a disagreement only if the same generated code,
  run in float64 (``int32``/``float32`` read as 64-bit under ``jax.enable_x64``), also
  disagrees; otherwise it is float32 rounding (counted, not a failure: ``sin(0.1·u)`` at
  ``u = 10⁶`` has no float32 digits left). When the float64 run is off by more than 1e-9, it is
  run once more with numpy's (the C library's) math functions in place of XLA's: XLA's own
  ``sin`` reduces a huge argument with an error near ``|x|·2⁻⁵³`` and its ``exp`` is off by an
  ulp or two, which an ill-conditioned formula (``sin(exp(u))``) turns into 1e-8; if that run
  agrees, the difference is XLA's math library, not the generated code (counted apart).

Both of numpy's dispatch paths: numpy's AVX-512 kernels of ``exp``, ``log``, ``tan``, ``tanh`` and
``pow`` differ from the C library's, which Python's ``math`` calls, by an ulp that cancellation can
magnify. The interpreter computes each math function with the C library's bits whichever path numpy
takes (:mod:`lrdsl.ir.libm`); powers over arrays stay numpy's. So by default (``--dispatch both``) the
same inputs run twice, each in its own process: ``native`` (numpy as installed, its SIMD kernels on)
and ``baseline`` (``NPY_DISABLE_CPU_FEATURES`` set before numpy is imported: the C library
everywhere). Each report prints numpy's runtime dispatch and how :mod:`lrdsl.ir.libm` computes each
function. On the native path, a float64 difference that the interpreter no longer shows when its
powers are C's ``pow`` element by element is numpy's ``pow`` (within an ulp of C's: the bound stated
in docs/codegen.md), counted apart, not a failure.

``--skip cycles`` leaves out inputs with restart cycles, ``--skip recur`` those with ``recur``,
to look at the rest alone.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shlex
import signal
import subprocess
import sys
import time
import types
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import lrdsl
from lrdsl import ir
from lrdsl.api import generate
from lrdsl.ir import interpreter, libm
from lrdsl.ir import reference_interpreter as interpreter_reference
from lrdsl.ir.interpreter import evaluate_ir, evaluate_range

BASELINE = "X86_V4 AVX512_ICL AVX512_SPR AVX512F AVX512_SKX"
"""What ``NPY_DISABLE_CPU_FEATURES`` turns off on the baseline path (numpy's AVX-512 kernels)."""

HUGE = [10**9, 2**31 - 1, 2**31, 2**53 - 1]
F64_RTOL = 1e-12
F32 = {"rtol": 2e-6, "atol": 5e-8}  # tests/gen_cases.py
FLOAT32_MAX = 3.4028234663852886e38
CALL_LIMIT = 1.0
LRDSL_LIMIT = 10.0
MAX_CODE = 1_000_000
"""Generated code longer than this (characters) is reported rather than loaded."""
CONFIRM = 1 << 20
CLOCK_GAP = False
"""``True`` counts values under a restart of a fractional period apart instead of as findings. It was
needed while the reference interpreter's cycle time (``CycleClock.local``) and the interpreter's
``(u·q − i·p)/q`` were two rules; the clock now has the one rule both read, so it stays ``False``."""
REFERENCE_RECUR = 1 << 14
"""Inputs with a ``recur`` of more intervals are not run by the reference interpreter (a Python loop per interval)."""
"""A refusal by ``gen`` is confirmed step by step when the run has at most this many steps."""

# --------------------------------------------------------------------------- random schedules

NUMBERS = ["0.1", "1e-3", "0.5", "3e-4", "1", "2.5", "0.05", "2", "1e-6", "10", "0.9", "0"]
DURATIONS = ["", "", ", 100", ", 37", ", 2ep", ", 25%", ", 1000", ", 1", ", 0", ", 3.5ep", ", 123456", ", 1e9"]
FUNCS = ["sin", "cos", "tan", "tanh", "exp", "log", "sqrt", "floor", "ceil", "abs"]
FORMULA_ATOMS = ["u", "t", "p", "u", "t", "pi", "1", "2", "0.5", "1e-3", "100", "709", "710", "1e-300", "0"]


@dataclass
class Case:
    """One input: the schedule text, the run, the parameter values and the steps to compare."""

    text: str
    total: int | None
    spe: float | None
    params: dict[str, float]
    steps: list[int] = field(default_factory=list)

    def command(self, target: str = "python") -> str:
        """The ``lrdsl gen`` command line that reproduces this input."""
        parts = ["lrdsl", "gen", "--target", target, self.text]
        if self.total is not None:
            parts += ["--steps", str(self.total)]
        if self.spe is not None:
            parts += ["--steps-per-epoch", repr(self.spe)]
        for k, v in self.params.items():
            parts += ["--set", f"{k}={v!r}"]
        return shlex.join(parts)


class Gen:
    """Random valid schedules (the language of LANGUAGE.md §1–§7)."""

    def __init__(self, rng: random.Random, spe: float | None) -> None:
        self.r = rng
        self.spe = spe
        self.flexible = False
        """Phases without their own duration (a restart body with a ``period``)."""

    def number(self, signed: bool = False) -> str:
        roll = self.r.random()
        if roll < 0.06:
            return self.r.choice(["$a", "$b"])
        value = self.r.choice(NUMBERS)
        return f"-{value}" if signed and self.r.random() < 0.15 and value != "0" else value

    def positive(self) -> str:
        return self.r.choice(["0.1", "1e-3", "0.5", "3e-4", "1", "2.5", "0.05", "2", "1e-6", "10", "0.9"])

    def dur(self) -> str:
        d = "" if self.flexible else self.r.choice(DURATIONS)
        return d if "ep" not in d or self.spe is not None else ", 50"

    def steps_text(self) -> str:
        epochs = ["1ep", "2ep"] if self.spe is not None and self.spe >= 1 else []
        return self.r.choice(["7", "13", "100", "1", "37", "1000", "2.5", "12.4", *epochs])  # exact (§9.4)

    def formula(self, depth: int, atoms: list[str]) -> str:
        r = self.r
        if depth <= 0 or r.random() < 0.25:
            atom = r.choice(atoms)
            return self.number() if atom == "1" and r.random() < 0.2 else atom
        roll = r.random()
        if roll < 0.35:
            op = r.choice(["+", "-", "*", "/", "**", "+", "*", "/"])
            return f"({self.formula(depth - 1, atoms)} {op} {self.formula(depth - 1, atoms)})"
        if roll < 0.75:
            return f"{r.choice(FUNCS)}({self.formula(depth - 1, atoms)})"
        if roll < 0.85:
            return f"{r.choice(['min', 'max'])}({self.formula(depth - 1, atoms)}, {self.formula(depth - 1, atoms)})"
        if roll < 0.92:
            return f"-{self.formula(depth - 1, atoms)}"
        return r.choice(
            [
                "exp(-u / 100)",
                "log(u + 1)",
                "sqrt(u)",
                "1 / (1 + u)",
                "(1 - p) ** 2",
                "0.1 * (1 + cos(pi * p)) / 2",
                "1 + 1 / exp(u)",
                "1e-3 * 0.5 ** floor(u / 7)",
                "u ** 2 / (1 + u ** 2)",
                "1 / (u - 5)",
                "2 ** 1024",
            ]
        )

    def phase(self) -> str:
        r = self.r
        a, b, d = self.number(True), self.number(True), self.dur()
        kind = r.choice(
            ["const", "linear", "cosine", "exp", "poly", "step", "multistep", "exp_decay", "inverse_time", "rsqrt"]
            + ["fn"] * 6
            + ["onecycle", "cyclic", "num", "recur", "wsd"]
        )
        if kind == "fn":
            atoms = FORMULA_ATOMS + (["e"] if self.spe is not None else [])
            return f"fn({self.formula(r.randint(1, 4), atoms)}{d})"
        if kind == "recur":
            expr = r.choice(
                [
                    *("lr * 0.9 + 1e-4", "sin(lr)", "exp(-lr)", "lr ** 1.0001", "lr * 0.5", "lr / (1 + lr)"),
                    self.formula(2, ["lr", "lr", "0.5", "1e-3", "pi", "2"]),
                ]
            )
            start = f", from={self.positive()}" if r.random() < 0.9 else ""
            return f"recur({expr}{d}, every={self.steps_text()}{start})"
        p, q = self.positive(), self.positive()
        return {
            "const": f"const({a}{d})",
            "linear": f"linear({a}→{b}{d})",
            "cosine": f"cosine({a}→{b}{d})",
            "exp": f"exp({p}→{q}{d})",
            "poly": f"poly({a}→{b}{d}, power={r.choice(['1', '2', '0.5', '3'])}"
            + (", cycle=true)" if r.random() < 0.2 else ")"),
            "step": f"step({a}{d}, gamma={r.choice(['0.5', '0.1', '2'])}, every={self.steps_text()})",
            "multistep": f"multistep({a}{d}, at=[{self.steps_text()}, {r.choice(['20', '200', '5000'])}])",
            "exp_decay": f"exp_decay({a}{d}, rate={r.choice(['0.9', '0.5', '1.01'])}, every={self.steps_text()},"
            f" staircase={r.choice(['true', 'false'])})",
            "inverse_time": f"inverse_time({a}{d}, decay={r.choice(['0.5', '0.01'])}, every={self.steps_text()},"
            f" staircase={r.choice(['true', 'false'])})",
            "rsqrt": f"rsqrt({p}{d}, warmup={self.steps_text()})",
            "onecycle": f"onecycle({p}{d}, three_phase={r.choice(['true', 'false'])},"
            f" anneal={r.choice(['cosine', 'linear'])})",
            "cyclic": f"cyclic({p}→{q}{d}, half={self.steps_text()},"
            f" mode={r.choice(['triangular', 'triangular2', 'exp_range'])}, gamma=0.99)",
            "wsd": f"wsd({p}{r.choice(['', ', 1000', ', 123456'])}, warmup={r.choice(['7', '13', '100'])},"
            f" decay={r.choice(['37', '100', '500'])})",
            "num": a,
        }[kind]

    def schedule(self, depth: int = 0) -> str:
        r = self.r
        if depth >= 3:
            return self.phase()
        form = r.choice(
            ["phase", "phase", "seq", "arith", "restart", "quantize", "minmax", "warmup", "scale", "offset"]
        )
        if form == "seq":
            parts = [self.schedule(depth + 1) for _ in range(r.randint(2, 3))]
            if r.random() < 0.15:
                parts.insert(1, f"hold({r.choice(['', '10', '1000'])})")
            return " >> ".join(parts)
        if form == "arith":
            return f"({self.schedule(depth + 1)}) {r.choice(['+', '-', '*', '/'])} ({self.schedule(depth + 1)})"
        if form == "scale":
            return f"{self.number()} * ({self.schedule(depth + 1)})"
        if form == "restart":
            opts = r.choice(
                [
                    *("", "mult=2", "mult=1.5, cycles=4", "decay=0.5", "period=50", "period=30, mult=2", "cycles=7"),
                    *("period=0.75", "period=2ep, decay=0.9", "cycles=3, decay=1.5", "period=7"),
                ]
            )
            if r.random() < 0.2:
                return f"({self.phase()}) * repeat({r.randint(1, 5)})"
            outer, self.flexible = self.flexible, self.flexible or "period" in opts or r.random() < 0.5
            try:
                return f"({self.schedule(depth + 1)}) * restart({opts})"
            finally:
                self.flexible = outer
        if form == "offset":
            n = r.choice(["5", "0.75", "-3", "1000", "-1000", "1e12", "-1e12", "3e12 + 0.5", "123456789012"])
            n = n if n != "5" or self.spe is None else "2ep"
            return f"({self.schedule(depth + 1)}) * offset({n})"
        if form == "quantize":
            q = r.choice(["10", "7", "1", "3", "2.5"] + (["1ep"] if self.spe is not None and self.spe >= 1 else []))
            return f"({self.schedule(depth + 1)}) * quantize({q}, at={r.choice(['start', 'end'])})"
        if form == "minmax":
            args = ", ".join(self.schedule(depth + 1) for _ in range(r.randint(2, 3)))
            return f"{r.choice(['min', 'max'])}({args})"
        if form == "warmup":
            shape = r.choice(["linear", "cosine", "poly", "exp"])
            start = ", from=1e-6" if shape == "exp" or r.random() < 0.3 else ""
            return f"warmup({shape}, {self.steps_text()}{start}) >> {self.phase()}"
        return self.phase()


def make_case(rng: random.Random) -> Case:
    """One random input."""
    spe = rng.choice([None, None, 1.0, 3.5, 7.0, 50.0, 0.1, 1e6])
    text = Gen(rng, spe).schedule()
    total = rng.choice(
        [0, 1, 7, 100, 1000, 12345, 10**5, 10**6, 10**9, 2**31 - 1, 10**12] + [None] * (rng.random() < 0.3)
    )
    params = {name: rng.choice([0.5, 2.0, 1e-3, 1.0, -1.0]) for name in sorted(set(re.findall(r"\$(\w+)", text)))}
    return Case(text, total, spe, params)


def pick_steps(rng: random.Random, total: int) -> list[int]:
    """Steps to compare at: the ends, random ones within the run, and huge ones."""
    top = max(total, 1)
    steps = {0, 1, 2, total - 1, total, total + 1, *HUGE}
    steps |= {rng.randrange(top + 1) for _ in range(6)}
    steps |= {rng.randrange(min(top, 1000) + 1) for _ in range(3)}
    return sorted(s for s in steps if s >= 0)


# --------------------------------------------------------------------------- the comparison


@dataclass
class Report:
    """What a run found."""

    inputs: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    crashes: list[str] = field(default_factory=list)
    hangs: list[str] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)
    classes: Counter[str] = field(default_factory=Counter)
    compared: Counter[str] = field(default_factory=Counter)
    slowest: tuple[float, str] = (0.0, "")
    path: str = "native"
    seconds: float = 0.0
    dispatch: dict[str, str] = field(default_factory=dict)
    """numpy's SIMD targets and how :mod:`lrdsl.ir.libm` computes each function, in the process that ran."""

    def merge(self, other: Report) -> None:
        """Add ``other``'s counts and findings to this report."""
        self.inputs += other.inputs
        self.kinds.update(other.kinds)
        self.classes.update(other.classes)
        self.compared.update(other.compared)
        self.crashes += other.crashes
        self.hangs += other.hangs
        self.disagreements += other.disagreements
        self.slowest = max(self.slowest, other.slowest)

    def failures(self) -> int:
        """Crashes, hangs and disagreements."""
        return len(self.crashes) + len(self.hangs) + len(self.disagreements)


class Hang(Exception):
    """A call ran past its time limit."""


@contextmanager
def limit(seconds: float) -> Iterator[None]:
    """Raise :class:`Hang` in the block after ``seconds`` (SIGALRM: the main thread only)."""

    def alarm(signum: int, frame: object) -> None:
        raise Hang(f"over {seconds:g} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def features(node: Any) -> set[str]:
    """``cycles`` / ``recur`` when the IR has restart cycles / a recur node."""
    kinds = {type(n) for n in ir.nodes(node)}
    return {
        name for name, kind in (("cycles", ir.Cycles), ("cycles", ir.Unrolled), ("recur", ir.Recur)) if kind in kinds
    }


def within_ulp(got: float, want: float) -> bool:
    """Equal, or one ulp apart (of the larger)."""
    return got == want or abs(got - want) <= math.ulp(max(abs(got), abs(want)))


def agree64(got: float, want: float) -> bool:
    """Equal, or within 1e-12 relative."""
    return got == want or abs(got - want) <= F64_RTOL * max(abs(got), abs(want))


def libm_value(code: str, step: int, jax: Any) -> float | None:
    """The optax code at 64 bits with numpy's math functions for XLA's (eagerly; ``None`` where it cannot run so).

    Separates what XLA's own ``sin``/``exp``/… contribute to a float64 difference from what the
    generated arithmetic does: the same code, the same operations, only the math library changed.
    """
    wide = code.replace("float32", "float64").replace("int32", "int64")
    for fn in ir.MATH_FUNCTIONS:
        wide = re.sub(rf"\bjnp\.{fn}\(", f"_libm_{fn}(", wide)
    module = types.ModuleType("optax_libm")

    def numpy_fn(f: Callable[[Any], Any]) -> Callable[[Any], Any]:
        return lambda x: jax.numpy.asarray(f(np.asarray(x)))

    for fn in ir.MATH_FUNCTIONS:
        module.__dict__[f"_libm_{fn}"] = numpy_fn(libm.array(fn))
    try:
        exec(compile(wide, "<generated optax_libm>", "exec"), module.__dict__)
        with jax.enable_x64(True):
            return float(module.schedule(step))
    except Exception:  # traced code (a recur loop) cannot call numpy: no verdict
        return None


def load(code: str, name: str) -> types.ModuleType:
    """Execute generated source as a module."""
    module = types.ModuleType(name)
    exec(compile(code, f"<generated {name}>", "exec"), module.__dict__)
    return module


def interpreter_values(node: ir.Sched, steps: list[int]) -> dict[int, float | str]:
    """The interpreter's value at each step, or its message where it refuses the step."""
    try:
        values = evaluate_ir(node, steps)
        return dict(zip(steps, values.tolist()))
    except lrdsl.LrdslError:
        out: dict[int, float | str] = {}
        for s in steps:
            try:
                out[s] = float(evaluate_ir(node, [s])[0])
            except lrdsl.LrdslError as err:
                out[s] = err.message
        return out


def refuses_somewhere(node: ir.Sched, total: int) -> bool | None:
    """Whether the interpreter refuses some step ``0 … total`` (``None``: too long to check)."""
    if total + 1 > CONFIRM:
        return None
    try:
        evaluate_range(node, 0, total + 1)
    except lrdsl.LrdslError:
        return True
    return False


class Checker:
    """Runs inputs and fills a :class:`Report`."""

    def __init__(self, report: Report, frameworks: int, skip: set[str]) -> None:
        self.report = report
        self.frameworks = frameworks
        self.skip = skip
        self._torch: Any = None
        self._jax: Any = None
        self.doing = ""
        """What runs now (named when it hangs)."""
        if frameworks:  # imported once, ahead of the first input's clock
            import jax
            import torch

            self._torch, self._jax = torch, jax

    def fail(self, kind: str, case: Case, what: str, klass: str) -> None:
        line = f"[{klass}] {what}\n  {case.command()}"
        {"crash": self.report.crashes, "hang": self.report.hangs, "disagreement": self.report.disagreements}[
            kind
        ].append(line)
        self.report.classes[f"{kind}:{klass}"] += 1

    def run(self, case: Case, rng: random.Random) -> str:
        """Check one input; return what happened."""
        try:
            with limit(LRDSL_LIMIT):
                plan = lrdsl.lower(case.text, case.total, case.spe, case.params)
        except lrdsl.LrdslError:
            return self.gen_rejects_too(case)
        klass = "+".join(sorted(features(plan.ir))) or "core"
        if features(plan.ir) & self.skip:
            return "skipped"
        case.total = plan.total
        case.steps = pick_steps(rng, plan.total)
        try:
            return self.check(case, plan, klass, rng)
        except Hang as exc:
            self.fail("hang", case, f"{self.doing}: {exc}", klass)
            return "hang"

    def check(self, case: Case, plan: Any, klass: str, rng: random.Random) -> str:
        self.doing = "the interpreter"
        with limit(LRDSL_LIMIT):
            want = interpreter_values(plan.ir, case.steps)
        self.doing = "the reference interpreter"
        with limit(LRDSL_LIMIT):
            if not self.reference(case, plan.ir, klass, want):
                return "disagreement"
        try:
            self.doing = "gen python"
            with limit(LRDSL_LIMIT):
                code = generate(case.text, "python", case.total, case.spe, params=case.params)
        except lrdsl.LrdslError as err:
            if any(isinstance(v, str) for v in want.values()):
                return "refused by both"
            self.doing = "the interpreter over the run"
            with limit(LRDSL_LIMIT):
                confirmed = refuses_somewhere(plan.ir, plan.total)
            if confirmed is False:
                self.fail(
                    "disagreement", case, f"gen refuses ({err.message}); the interpreter computes every step", klass
                )
                return "disagreement"
            return "refused by both" if confirmed else "refused by gen (run too long to confirm)"
        refused = [(s, v) for s, v in want.items() if isinstance(v, str)]
        if refused:
            step, message = refused[0]
            if "would iterate" in message:
                klass = "recur-limit"  # gen does not apply the interpreter's limit on recur intervals
            self.fail("disagreement", case, f"gen accepts; the interpreter refuses step {step}: {message}", klass)
            return "disagreement"
        values = {s: float(v) for s, v in want.items()}
        lr = load(code, "python_target").lr
        if not self.compare(case, klass, "python", lr, values):
            return "disagreement"
        if self.frameworks and rng.randrange(self.frameworks) == 0:
            self.frameworks_too(case, klass, values)
            return "compared (python, torch, optax)"
        return "compared (python)"

    def reference(self, case: Case, node: ir.Sched, klass: str, want: dict[int, float | str]) -> bool:
        """The fast interpreter's values (or refusals) against the reference interpreter's, within an ulp.

        A value further off is numpy's ``pow`` (an ulp of C's, which the reference calls) when the
        fast interpreter with C's ``pow`` is within the ulp.
        """
        if any(isinstance(n, ir.Recur) and ir.recur_intervals(n) > REFERENCE_RECUR for n in ir.nodes(node)):
            self.report.compared["reference: not run (a long recur)"] += 1
            return True
        gap = CLOCK_GAP and any(
            isinstance(n, (ir.Cycles, ir.Unrolled)) and n.mult == 1 and n.period.denominator > 1 for n in ir.nodes(node)
        )
        for step, fast in want.items():
            try:
                ref: float | str = interpreter_reference.value(node, step)
            except lrdsl.LrdslError as err:
                ref = err.message
            if isinstance(fast, str) or isinstance(ref, str):
                if isinstance(fast, str) != isinstance(ref, str):
                    what = f"reference at step {step}: {ref!r}; interpreter: {fast!r}"
                    self.fail("disagreement", case, what, f"reference-{klass}")
                    return False
                self.report.compared["reference: refused by both"] += 1
                continue
            if within_ulp(fast, ref):
                self.report.compared["reference: within an ulp"] += 1
                continue
            if within_ulp(self.with_c_pow(case, step), ref):
                self.report.compared["reference: within an ulp with C's pow"] += 1
                continue
            if gap:
                self.report.compared["reference: apart, a fractional restart period (CLOCK_GAP)"] += 1
                continue
            self.fail(
                "disagreement", case, f"reference lr({step}) = {ref!r}, interpreter {fast!r}", f"reference-{klass}"
            )
            return False
        return True

    def gen_rejects_too(self, case: Case) -> str:
        klass = "cycles" if re.search(r"\b(restart|repeat|cyclic)\(", case.text) else "core"
        try:
            with limit(LRDSL_LIMIT):
                generate(case.text, "python", case.total, case.spe, params=case.params)
        except lrdsl.LrdslError:
            return "rejected by lowering"
        except Hang as exc:
            self.fail("hang", case, f"gen python (lowering rejects it): {exc}", klass)
            return "hang"
        self.fail("disagreement", case, "lowering rejects it; gen accepts it", klass)
        return "disagreement"

    def compare(self, case: Case, klass: str, target: str, fn: Callable[[int], float], want: dict[int, float]) -> bool:
        for step, value in want.items():
            try:
                with limit(CALL_LIMIT):
                    got = float(fn(step))
            except Hang:
                self.fail("hang", case, f"{target} lr({step}) takes over {CALL_LIMIT:g} s", klass)
                return False
            except Exception as exc:
                self.fail("crash", case, f"{target} lr({step}): {type(exc).__name__}: {exc}"[:400], klass)
                return False
            if not agree64(got, value):
                if agree64(got, self.with_c_pow(case, step)):
                    self.report.compared["within numpy's pow (an ulp of C's)"] += 1
                    continue
                self.fail("disagreement", case, f"{target} lr({step}) = {got!r}, interpreter {value!r}", klass)
                return False
            self.report.compared["exact" if got == value else "within 1e-12"] += 1
        return True

    def with_c_pow(self, case: Case, step: int) -> float:
        """The interpreter's value at ``step`` with C's ``pow`` element by element for numpy's (NaN if refused)."""
        numpy_power = interpreter._BIN["**"]
        interpreter._BIN["**"] = libm.power_over
        try:
            plan = lrdsl.lower(case.text, case.total, case.spe, case.params)
            return float(evaluate_ir(plan.ir, [step])[0])
        except lrdsl.LrdslError:
            return math.nan
        finally:
            interpreter._BIN["**"] = numpy_power

    def frameworks_too(self, case: Case, klass: str, want: dict[int, float]) -> None:
        torch = self._torch
        self.doing = "gen torch"
        with limit(LRDSL_LIMIT):
            code = generate(case.text, "torch", case.total, case.spe, params=case.params)
        weight = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([weight], lr=0.0)
        sched = load(code, "torch_target").Scheduler(opt)

        def torch_lr(step: int) -> float:
            sched.step(step)
            return float(opt.param_groups[0]["lr"])

        if not self.compare(case, klass, "torch", torch_lr, want):
            return
        self.optax(case, klass, want)

    def optax(self, case: Case, klass: str, want: dict[int, float]) -> None:
        self.doing = "gen optax"
        try:
            with limit(LRDSL_LIMIT):
                code = generate(case.text, "optax", case.total, case.spe, params=case.params)
        except lrdsl.LrdslError as err:
            if "beyond float32's range" not in err.message:
                raise
            self.report.compared["optax refused: beyond float32's range"] += 1
            return
        if len(code) > MAX_CODE:
            self.fail("hang", case, f"optax code is {len(code) / 1e6:.0f} MB (too large to load)", klass)
            return
        schedule = load(code, "optax_target").schedule
        wide = load(code.replace("float32", "float64").replace("int32", "int64"), "optax_x64").schedule
        for step, value in want.items():
            if step >= 2**31 or abs(value) > FLOAT32_MAX:
                continue
            try:
                with limit(10 * CALL_LIMIT):
                    got = float(schedule(step))
            except Hang:
                self.fail("hang", case, f"optax schedule({step}) takes over {10 * CALL_LIMIT:g} s", klass)
                return
            except Exception as exc:
                self.fail("crash", case, f"optax schedule({step}): {type(exc).__name__}: {exc}"[:400], klass)
                return
            if abs(got - value) <= F32["atol"] + F32["rtol"] * abs(value):
                self.report.compared["optax within F32"] += 1
                continue
            with self._jax.enable_x64(True):
                got64 = float(wide(step))
            if abs(got64 - value) <= 1e-9 * abs(value) + 1e-300:
                self.report.compared["optax float32 rounding or range"] += 1
                continue
            libm = libm_value(code, step, self._jax)
            if libm is not None and abs(libm - value) <= 1e-9 * abs(value) + 1e-300:
                self.report.compared["optax float32 rounding, XLA's float64 math"] += 1
                continue
            self.fail(
                "disagreement", case, f"optax schedule({step}) = {got!r} (in float64: {got64!r}), interpreter {value!r}",
                klass,
            )  # fmt: skip
            return


def run(
    inputs: int, seed: int = 0, frameworks: int = 50, skip: frozenset[str] = frozenset(), sets: bool = False
) -> Report:
    """Check ``inputs`` random inputs (schedule sets with ``sets``: :mod:`fuzz.sets`)."""
    rng = random.Random(seed)
    report = Report(path=current_path(), dispatch=libm.dispatch())
    make, checker = _kind(report, frameworks, skip, sets)
    for _ in range(inputs):
        case = make(rng)
        start = time.perf_counter()
        try:
            kind = checker.run(case, rng)
        except Hang as exc:
            klass = "cycles" if re.search(r"\b(restart|repeat|cyclic)\(", case.text) else "core"
            checker.fail("hang", case, f"lowering: {exc}", klass)
            kind = "hang"
        except Exception as exc:
            checker.fail("crash", case, f"{type(exc).__name__}: {exc}"[:400], "core")
            kind = "crash"
        elapsed = time.perf_counter() - start
        report.slowest = max(report.slowest, (elapsed, case.command()))
        report.kinds[kind] += 1
        report.inputs += 1
    return report


def _kind(
    report: Report, frameworks: int, skip: frozenset[str], sets: bool
) -> tuple[Callable[[random.Random], Case], Checker]:
    """The inputs and their checker: single schedules, or sets (:mod:`fuzz.sets`, python code only)."""
    if not sets:
        return make_case, Checker(report, frameworks, set(skip))
    from fuzz.sets import SetChecker, make_set_case

    return make_set_case, SetChecker(report, 0, set(skip))


def current_path() -> str:
    """``baseline`` when numpy's AVX-512 kernels were disabled before it was imported, else ``native``."""
    return "baseline" if os.environ.get("NPY_DISABLE_CPU_FEATURES") else "native"


def frameworks_missing() -> str | None:
    """The frameworks ``--frameworks`` needs that cannot be imported (``None``: all can)."""
    import importlib.util

    missing = [m for m in ("torch", "jax") if importlib.util.find_spec(m) is None]
    return ", ".join(missing) or None


def on_both_paths(argv: list[str]) -> list[Report]:
    """Run this command once per dispatch path, each in a fresh process; their reports."""
    reports = []
    for path in ("native", "baseline"):
        env = {k: v for k, v in os.environ.items() if k != "NPY_DISABLE_CPU_FEATURES"}
        if path == "baseline":
            env["NPY_DISABLE_CPU_FEATURES"] = BASELINE
        proc = subprocess.run(
            [sys.executable, "-m", "fuzz.differential", *argv, "--dispatch", path, "--json"],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        lines = proc.stdout.strip().splitlines()
        if not lines:
            sys.exit(f"the {path} run printed no report (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
        doc: dict[str, Any] = json.loads(lines[-1])
        fields: dict[str, Any] = {
            k: Counter(v) if isinstance(v, dict) and k != "dispatch" else v for k, v in doc.items()
        }
        report = Report(**fields)
        report.slowest = tuple(report.slowest)  # type: ignore[assignment]
        reports.append(report)
    return reports


def show(report: Report, seed: int, count: int) -> None:
    """Print ``report`` for a person."""
    dispatch = report.dispatch
    ways = ", ".join(f"{k}: {v}" for k, v in dispatch.items() if k != "numpy SIMD" and v != "numpy")
    print(
        f"{report.inputs} inputs in {report.seconds:.0f} s (seed {seed}), {report.path} path:"
        f" numpy SIMD {dispatch.get('numpy SIMD', '?')}; C library's bits by {ways or 'numpy everywhere'}"
    )
    for kind, n in sorted(report.kinds.items()):
        print(f"  {kind:<44} {n}")
    for kind, n in sorted(report.compared.items()):
        print(f"  values {kind:<37} {n}")
    for klass, n in sorted(report.classes.items()):
        print(f"  {klass:<44} {n}")
    print(f"  slowest input: {report.slowest[0] * 1e3:.0f} ms: {report.slowest[1]}")
    for title, items in (("CRASH", report.crashes), ("HANG", report.hangs), ("DISAGREEMENT", report.disagreements)):
        for line in items[:count]:
            print(f"{title} {line}")


def _job(args: tuple[int, int, int, frozenset[str], bool]) -> Report:
    warnings.filterwarnings("ignore", category=RuntimeWarning)  # a spawned process starts with the defaults
    return run(*args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--frameworks", type=int, default=50, help="torch and optax on one input in N (0: never)")
    parser.add_argument("--skip", default="", help="comma-separated classes to leave out: cycles, recur")
    parser.add_argument("--jobs", type=int, default=1, help="processes (each takes a share of the inputs)")
    parser.add_argument(
        "--dispatch", choices=["both", "native", "baseline"], default="both",
        help="numpy's kernels: as installed (native), AVX-512 off (baseline), or the same inputs on both",
    )  # fmt: skip
    parser.add_argument("--sets", action="store_true", help="random schedule sets instead (fuzz/sets.py)")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON line")
    parser.add_argument("--show", type=int, default=30, help="findings printed per kind")
    args = parser.parse_args()
    if args.frameworks and not args.sets and frameworks_missing():
        parser.error(
            f"--frameworks needs torch and jax ({frameworks_missing()} cannot be imported); pass --frameworks 0"
        )
    warnings.filterwarnings("ignore", category=RuntimeWarning)  # numpy's overflow notes: refusals are counted
    skip = frozenset(s for s in args.skip.split(",") if s)
    start = time.perf_counter()
    if args.dispatch == "both":
        argv = [a for a in sys.argv[1:] if a != "--json"]
        argv = [a for i, a in enumerate(argv) if a != "--dispatch" and (i == 0 or argv[i - 1] != "--dispatch")]
        reports = on_both_paths([a for a in argv if not a.startswith("--dispatch=")])
        if args.json:
            print(json.dumps([_doc(r) for r in reports]))
        else:
            for report in reports:
                show(report, args.seed, args.show)
        sys.exit(1 if any(r.failures() for r in reports) else 0)
    if current_path() != args.dispatch:
        parser.error(f"--dispatch {args.dispatch}: this process's numpy is on the {current_path()} path")
    if args.jobs > 1:
        import multiprocessing

        shares = [args.inputs // args.jobs + (k < args.inputs % args.jobs) for k in range(args.jobs)]
        with multiprocessing.get_context("spawn").Pool(args.jobs) as pool:  # fork after jax's threads deadlocks
            jobs = [(n, args.seed * 1000 + k, args.frameworks, skip, args.sets) for k, n in enumerate(shares)]
            parts = pool.map(_job, jobs)
        report = parts[0]
        for part in parts[1:]:
            report.merge(part)
    else:
        report = run(args.inputs, args.seed, args.frameworks, skip, args.sets)
    report.seconds = time.perf_counter() - start
    if args.json:
        print(json.dumps(_doc(report)))
    else:
        show(report, args.seed, args.show)
    sys.exit(1 if report.failures() else 0)


def _doc(report: Report) -> dict[str, Any]:
    return {k: (dict(v) if isinstance(v, Counter) else v) for k, v in report.__dict__.items()}


if __name__ == "__main__":
    main()
