"""Generated code computes wherever the interpreter does, and ``gen`` refuses what ``evaluate`` refuses."""

from __future__ import annotations

import json
import math
import os
import random
import subprocess
import sys
from typing import Any

import numpy as np
import pytest

import lrdsl
from lrdsl import ir
from lrdsl.api import generate
from lrdsl.codegen import verify
from lrdsl.ir import ieee, ranges
from lrdsl.ir.interpreter import arith
from tests.conftest import ROOT, run_cli
from tests.frameworks import load, need


def python_lr(expr: str, total: int, **kw: object) -> object:
    return load(generate(expr, "python", total, **kw), "ieee_target").lr  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the cases


def test_overflow_inside_a_formula_gives_the_interpreters_value() -> None:
    lr = python_lr("fn(1 + 1/exp(u), 1000)", 1000)
    steps = [0, 5, 709, 710, 999, 1000, 10**9]
    want = lrdsl.evaluate("fn(1 + 1/exp(u), 1000)", 1000, steps=steps)
    assert [lr(s) for s in steps] == want.tolist()
    assert lr(710) == 1.0


@pytest.mark.parametrize("expr", ["fn(1/(u-5), 10)", "fn(2 ** 1024, 10)"])
def test_gen_exits_2_with_the_interpreters_message(expr: str) -> None:
    evaluated = run_cli("eval", expr)
    generated = run_cli("gen", "--target", "python", expr)
    assert evaluated.returncode == generated.returncode == 2
    assert generated.stdout == ""
    assert generated.stderr == evaluated.stderr
    assert "^^^" in generated.stderr and "is inf at its local step" in generated.stderr


# --------------------------------------------------------------------------- IEEE arithmetic

SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, -2.5, 3.0, -3.0, 709.0, 710.0, 1e300, -1e300, math.inf, -math.inf, math.nan]


def same(got: float, want: float) -> bool:
    """Equal bits up to NaN payloads (and the sign of zero counts)."""
    if math.isnan(want):
        return math.isnan(got)
    return got == want and math.copysign(1.0, got) == math.copysign(1.0, want)


@pytest.mark.parametrize("name", ["exp", "log", "sqrt", "sin", "cos", "tan", "floor", "ceil"])
def test_unary_helpers_follow_numpy(name: str) -> None:
    helper = ieee.FUNCTIONS[name]
    with np.errstate(all="ignore"):
        for x in SPECIAL:
            want = float(getattr(np, name)(np.float64(x)))
            got = helper(x)
            assert isinstance(got, float)
            assert same(got, want) or (name in ("exp", "tan") and abs(got - want) <= 4e-16 * abs(want)), (name, x)


@pytest.mark.parametrize("name", ["div", "pow"])
def test_binary_helpers_follow_numpy(name: str) -> None:
    helper = ieee.FUNCTIONS[name]
    numpy_fn = np.divide if name == "div" else np.power
    with np.errstate(all="ignore"):
        for a in SPECIAL:
            for b in [*SPECIAL, 2.0, -2.0, 1 / 3, 1024.0, 309.0]:
                want = float(numpy_fn(np.float64(a), np.float64(b)))
                got = helper(a, b)
                if name == "pow" and a == -math.inf and b == 0.5:
                    assert math.isnan(want) and got == math.inf  # numpy takes x ** 0.5 as sqrt; C99 pow gives inf
                    continue
                assert same(got, want) or abs(got - want) <= 4e-16 * abs(want), (name, a, b, got, want)


@pytest.mark.parametrize(
    ("expr", "total", "steps"),
    [
        ("fn(1 / (1 + exp(u - 500)), 1000)", 1000, [0, 500, 1209, 1210]),  # exp overflows, 1/inf = 0
        ("fn(exp(-exp(u / 10)), 10000)", 10000, [0, 7090, 7100, 10000]),  # exp(-inf) = 0
        ("fn(1 + exp(log(u)), 10)", 10, [0, 1, 10]),  # log 0 = -inf
        ("fn(1 / (2 + 1 / (u - 5)), 10)", 10, [4, 5, 6]),  # 1/0 = inf, then 1/inf = 0
        ("fn(1 / (1 + 2 ** (u * 2)), 1000)", 1000, [0, 511, 512, 1000]),  # ** overflows
        ("fn(1 / (1 + u ** u), 1000)", 1000, [0, 1, 143, 144, 1000]),  # int ** int: float64, not exact
        ("fn(max(1 / -u, 0) + 1, 10)", 10, [0, 1]),  # -0.0 at u = 0, so -inf
        ("fn(max(1 / ceil(u - 0.5), 0) + 1, 10)", 10, [0, 1]),  # ceil(-0.5) is -0.0
        ("fn(u * u * u * u * 1e-60)", 10**12, [10**6 + 1, 2**31 - 1, 999_999_999_999]),  # float64 products
        ("fn(floor(u / 7) * floor(u / 3) * floor(u / 5) * 1e-40)", 10**12, [10**9 + 7, 999_999_999_999]),
        ("step(1, gamma=0.5, every=0.1) * restart(period=2.5)", 100, list(range(12))),  # numpy's floor_divide
        ("(linear(0→1) * quantize(0.1)) * restart(period=2.5)", 100, list(range(12))),
    ],
)
def test_generated_python_computes_where_the_interpreter_does(expr: str, total: int, steps: list[int]) -> None:
    lr = python_lr(expr, total)
    want = lrdsl.evaluate(expr, total, steps=steps).tolist()
    got = [lr(s) for s in steps]
    assert all(isinstance(g, float) for g in got)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)


def test_plain_math_where_it_is_safe() -> None:
    """The helpers appear only where the bounds cannot rule out a failure."""
    code = generate(
        "linear(0→1, 100) >> cosine(1→0.1, 200) >> exp(0.1→1e-3, 100) >> fn(sqrt(u) + log(u + 1))", "python", 500
    )
    assert "def _" in code and not any(f"def {ieee.name(h)}(" in code for h in ieee.SOURCE)
    assert "_ieee_log(" in generate("fn(1 / (1 - log(u)))", "python", 10)
    assert "_ieee_div(" in generate("fn(1 / (u - 5.5))", "python", 10)
    assert "_ieee_div(" not in generate("fn(1 / (u - 5))", "python", 4)  # u ≤ 4: never 0
    assert "math.log(" in generate("fn(log(u + 1))", "python", 10)


# --------------------------------------------------------------------------- gen's check


@pytest.mark.parametrize(
    ("expr", "total", "step"),
    [
        ("fn(1/(u-5), 10)", 10, 5),  # every step of a short run
        ("fn(2 ** 1024, 10)", 10, 0),
        ("fn(exp(u))", 1000, 710),  # the first failing step, as `lrdsl eval` names it
        ("fn(1/(u - 123456789))", 10**12, 123456789),  # found by bisection in a long run
        ("const(1, 100) >> fn(1/u, 10)", 10**12, 100),  # at a phase boundary
        ("fn(1/(u - 7), 10)", 8, 7),
        ("cosine(1→0, 100) / fn(u - 50, 100)", 10**9, 50),  # a quotient of schedules
        ("fn($a / (u - 5), 10)", 10, 5),
        ("recur(lr ** 1.0001, 123456, every=1, from=2)", 1, 0),  # the whole table, as evaluate computes it
    ],
)
def test_gen_refuses_what_evaluate_refuses(expr: str, total: int, step: int) -> None:
    params = {"a": 1.0} if "$a" in expr else None
    with pytest.raises(lrdsl.LrdslError) as evaluated:
        lrdsl.evaluate(expr, total, steps=[step], params=params)
    with pytest.raises(lrdsl.LrdslError) as generated:
        generate(expr, "python", total, params=params)
    assert str(generated.value) == str(evaluated.value)


@pytest.mark.parametrize(
    ("expr", "total"),
    [
        ("fn(1/(u - 7), 10)", 5),  # the pole lies after the run's end
        ("fn(1/(u - 123456789.5))", 10**12),  # between two steps
        ("fn(1/sin(u + 0.5))", 10**12),  # never 0 at a whole step (sampled)
        ("fn(1 + 1/exp(u))", 10**12),
        ("fn($a / (u - 5), 10)", 10),  # no value for $a: the caller's numbers are not checked
    ],
)
def test_gen_accepts_what_evaluate_computes(expr: str, total: int) -> None:
    code = generate(expr, "python", total)
    assert "def lr(" in code


def test_every_step_of_a_short_run_is_checked() -> None:
    # the bound over the whole run includes the pole: then every step is evaluated
    with pytest.raises(lrdsl.LrdslError, match="local step 777"):
        generate("fn(1 / (u - 777))", "python", verify.EXACT - 1)


# --------------------------------------------------------------------------- bounds


def test_bounds_contain_every_value() -> None:
    """Every value the interpreter computes over a box lies in the bound; NaN only where it is None."""
    from fuzz.differential import Gen

    rng = random.Random(7)
    gen = Gen(rng, None)
    checked = 0
    for _ in range(3000):
        text = gen.formula(rng.randint(1, 4), ["u", "u", "pi", "1", "2", "0.5", "1e-3", "100", "709", "710", "0"])
        try:
            plan = lrdsl.lower(f"fn({text}, 10)", 10)
        except lrdsl.LrdslError:
            continue
        expr = plan.ir.body.expr  # type: ignore[union-attr]
        lo = rng.choice([0.0, 0.5, 3.0, 700.0, 1e6])
        hi = lo + rng.choice([0.0, 1.0, 7.5, 100.0, 1e4])
        box = ranges.arith(expr, (lo, hi))
        u = np.concatenate([np.linspace(lo, hi, 257), [lo, hi]])
        with np.errstate(all="ignore"):
            values = np.broadcast_to(arith(expr, {"u": u}), u.shape)
        if box is None:
            continue
        checked += 1
        assert not np.isnan(values).any(), (text, lo, hi, box)
        assert (values >= box[0]).all() and (values <= box[1]).all(), (text, lo, hi, box, values.min(), values.max())
    assert checked > 1000


# --------------------------------------------------------------------------- differential fuzzing


def _fuzz(*argv: str, timeout: float = 900) -> tuple[subprocess.CompletedProcess[str], Any]:
    """``python -m fuzz.differential ARGV --json``: the process and its last stdout line, read as JSON."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "fuzz.differential", *argv, "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    lines = proc.stdout.strip().splitlines()
    assert lines, f"the fuzz printed no report (exit {proc.returncode}):\n{proc.stderr[-3000:]}"
    return proc, json.loads(lines[-1])


@pytest.mark.slow
def test_differential_fuzz_finds_nothing_on_either_dispatch_path() -> None:
    """A few thousand random schedules, restarts and recur included: the generated python agrees with
    the interpreter, and one in twenty also in torch and optax (``python -m fuzz.differential --help``),
    with numpy's kernels as installed (AVX-512 where the CPU has it) and with them off.
    """
    need("jax")
    need("torch")
    proc, reports = _fuzz("--inputs", "2000", "--seed", "3", "--frameworks", "20", "--dispatch", "both")
    assert [r["path"] for r in reports] == ["native", "baseline"]
    assert "AVX512" not in reports[1]["dispatch"]["numpy SIMD"] and "X86_V4" not in reports[1]["dispatch"]["numpy SIMD"]
    for report in reports:
        assert not report["crashes"] and not report["hangs"] and not report["disagreements"], report
        assert report["kinds"]["compared (python)"] > 1000 and report["kinds"]["compared (python, torch, optax)"] > 40
        assert report["compared"]["exact"] > 10 * report["compared"].get("within 1e-12", 0)
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_the_fuzz_without_its_frameworks_says_so() -> None:
    """``--frameworks`` without jax (or torch) installed: a usage error naming it, not a traceback."""
    code = (
        "import runpy, sys; sys.modules['jax'] = None; import importlib.util as u; find = u.find_spec;"
        " u.find_spec = lambda n, *a: None if n == 'jax' else find(n, *a);"
        " sys.argv = ['differential', '--inputs', '1', '--dispatch', 'native'];"
        " runpy.run_module('fuzz.differential', run_name='__main__')"
    )
    env = {k: v for k, v in os.environ.items() if k != "NPY_DISABLE_CPU_FEATURES"}
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True
    )
    assert proc.returncode == 2, proc.stderr
    assert "--frameworks needs torch and jax (jax cannot be imported); pass --frameworks 0" in proc.stderr
    assert "Traceback" not in proc.stderr


# --------------------------------------------------------------------------- the C library's bits


def test_an_ill_conditioned_formula_agrees_bit_for_bit_on_this_machines_numpy() -> None:
    """``1 − tanh(u/100)`` cancels: an ulp of ``tanh`` (numpy's AVX-512 kernel against the C library,
    which generated Python calls) became a difference beyond 1e-9 at 210 steps. Each math function
    of the interpreter now gives the C library's bits, whatever numpy dispatches to."""
    for expr in ("fn(1 - tanh(u / 100), 4000)", "fn(1 - exp(-u / 1e3), 4000)", "fn(log(1 + u / 1e4) - u / 1e4, 4000)",
                 "fn(tan(u / 3000) - u / 3000, 4000)"):  # fmt: skip
        lr = python_lr(expr, 4000)
        want = lrdsl.evaluate(expr, 4000)
        assert [lr(s) for s in range(4000)] == want.tolist(), expr


@pytest.mark.parametrize("name", ir.MATH_FUNCTIONS)
def test_every_math_function_has_the_c_librarys_bits(name: str) -> None:
    from lrdsl.ir import libm

    rng = np.random.default_rng(5)
    x = np.concatenate(
        [rng.uniform(-800, 800, 20000), rng.standard_normal(20000), np.exp(rng.uniform(-700, 700, 5000))]
    )
    with np.errstate(all="ignore"):
        got = arith(ir.Fn(name, ir.Var("u")), {"u": x})
    want = np.array([libm.scalar(name)(v) for v in x.tolist()])
    assert np.array_equal(got, want, equal_nan=True), (name, libm.chosen(name))


def test_numpys_power_is_within_an_ulp_of_cs() -> None:
    """The bound docs/codegen.md states for powers over arrays (numpy's, not the C library's):
    at most one ulp of the result from C's ``pow``, which generated Python calls."""
    rng = np.random.default_rng(11)
    a = np.concatenate([rng.uniform(0, 10, 50000), np.exp(rng.uniform(-50, 50, 50000))])
    b = np.concatenate([rng.uniform(-30, 30, 50000), rng.uniform(-5, 5, 50000)])
    with np.errstate(all="ignore"):
        got = np.power(a, b)
    want = np.array([math.pow(x, y) for x, y in zip(a.tolist(), b.tolist())])
    finite = np.isfinite(want) & (want != 0)
    assert (np.abs(got - want)[finite] <= np.spacing(np.abs(want))[finite]).all()


def test_a_square_is_numpys_square_not_cs_pow() -> None:
    """numpy squares (``x·x``, correctly rounded); C's ``pow(x, 2.0)`` may round a tie the other way:
    ``111434433.0 ** 2.0`` is 12417632858031490 in Python, 12417632858031488 in numpy. Under ``floor``
    that last bit is a whole unit (the differential fuzz found 709 against 710)."""
    u = 111434433
    assert u * u == 12417632858031489 and float(u) ** 2.0 != float(np.square(np.float64(u)))  # the tie, in C's pow
    expr = "fn(floor(u ** 2 / (1 + u ** 2)), 2e8) + fn((u / 1e3) ** 2 * 0, 1)"
    lr = python_lr(expr, 2 * 10**8)
    want = lrdsl.evaluate(expr, 2 * 10**8, steps=[u, u + 1, 3])
    assert [lr(u), lr(u + 1), lr(3)] == list(want)
    assert want[0] == 1.0  # u² and 1 + u² round to the same double


def test_recur_extremes_by_blocks_are_the_tables() -> None:
    """gen's bounds read a ``recur`` table's extremes over thousands of ranges: by blocks, exactly."""
    from lrdsl.codegen.verify import BLOCK, _table
    from lrdsl.ir.interpreter import recur_table

    node = lrdsl.lower("recur(sin(lr) + 0.5 * cos(3 * lr), 5000, from=2.5)", 5000 * 3000).ir
    while not isinstance(node, ir.Recur):
        node = node.body  # type: ignore[attr-defined]
    values = recur_table(node)
    size, extremes = _table(node)
    assert size == values.size > 2 * BLOCK
    rng = random.Random(7)
    spans = [(0, size - 1), (5, 5), (BLOCK - 1, BLOCK), (BLOCK, 2 * BLOCK - 1), (3, 2 * BLOCK + 3)]
    spans += [tuple(sorted(rng.sample(range(size), 2))) for _ in range(300)]
    for first, last in spans:
        part = values[first : last + 1]
        assert extremes(first, last) == (float(part.min()), float(part.max())), (first, last)
