"""Every target on one table: the shared cases and random schedules, each evaluated in its framework.

A target is a module of :mod:`lrdsl.codegen.targets` and a row of :data:`lrdsl.codegen.TARGETS`; its
``run(code, steps)`` evaluates generated code in the real framework (torch and paddle step a real
scheduler, optax runs under ``jit``/``vmap``, keras on this process's backend). What is specific to
one target (resume, param groups, float32 at 2**31, backends, optimizers) stays in tests/test_gen_*.py.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import math
import sys
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import lrdsl
from lrdsl import ir
from lrdsl.api import generate
from lrdsl.codegen import TARGETS, Target, generate_lowered
from lrdsl.codegen.tensor import TENSOR_OPS
from tests.frameworks import need
from tests.gen_cases import F32, F64, case_ids, cases
from tests.strategies import schedule

FRAMEWORK = {"python": None, "torch": "torch", "paddle": "paddle", "optax": "jax", "keras": "keras"}
"""The module each target's ``run`` imports (skipped without it, failed under LRDSL_REQUIRE_FRAMEWORKS=1)."""
KNOWN_GAPS: dict[tuple[str, str], str] = {}
"""``(target, case id)`` → why that target cannot give the case's values yet: a strict xfail each."""


def _target(name: str) -> Target:
    if FRAMEWORK[name] is not None:
        need(FRAMEWORK[name])
    return TARGETS[name]


def _tolerance(name: str) -> dict[str, float]:
    return F32 if TARGETS[name].float32 else F64


def _case_params() -> list[Any]:
    out = []
    for target in TARGETS:
        for case, case_id in zip(cases(), case_ids(), strict=True):
            gap = KNOWN_GAPS.get((target, case_id))
            marks = [pytest.mark.xfail(reason=gap, strict=True)] if gap else []
            out.append(pytest.param(target, case, id=f"{target}-{case_id}", marks=marks))
    return out


@pytest.mark.frameworks
@pytest.mark.parametrize(("target", "case"), _case_params())
def test_every_target_gives_the_interpreters_values_on_every_case(target: str, case: dict[str, Any]) -> None:
    """Every step of the run, a few past its end, and the far end of the target's step type."""
    spec = _target(target)
    n, spe = case["steps"], case["steps_per_epoch"]
    code = generate(case["expr"], target, n, spe)
    steps = list(range(n)) if n <= 20000 else sorted({*range(0, n, max(1, n // 20000)), n - 1})
    far = 2**31 - 1 if spec.float32 else 10**12
    steps += [n, n + 5, far]
    got = spec.run(code, steps)
    np.testing.assert_allclose(got, lrdsl.evaluate(case["expr"], n, spe, steps=steps), **_tolerance(target))
    if spec.float32:  # the code computes in float32 throughout
        np.testing.assert_array_equal(got, got.astype(np.float32))


@pytest.mark.parametrize("case", cases(), ids=case_ids())
def test_python_code_is_dependency_free(case: dict[str, Any]) -> None:
    code = generate(case["expr"], "python", case["steps"], case["steps_per_epoch"])
    imports = {a.name for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Import) for a in n.names}
    assert imports <= set(sys.stdlib_module_names)


# --------------------------------------------------------------------------- random schedules

# Derandomized: CI sees the same examples every run (found failures are fixed, not flaky).
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


def _lowered(text: str, total: int) -> lrdsl.Schedule:
    try:
        parsed = lrdsl.parse(text)
        lrdsl.lower(parsed, total, 40)
        lrdsl.evaluate(parsed, total, 40, steps=[0])
    except lrdsl.LrdslError:
        assume(False)
    return parsed


def _grid(total: int) -> list[int]:
    ends = {0, 1, total // 3, total // 2, total - 1, total, total + 1, 3 * total + 7, 2**31 - 1}
    return sorted(ends | {int(s) for s in np.linspace(0, total, 25)})


@pytest.mark.frameworks
@pytest.mark.parametrize("target", list(TARGETS))
@SETTINGS
@given(text=schedule(), total=st.integers(min_value=1, max_value=2000))
def test_every_target_equals_the_interpreter_on_random_schedules(target: str, text: str, total: int) -> None:
    spec = _target(target)
    parsed = _lowered(text, total)
    steps = _grid(total)
    got = spec.run(generate(parsed, target, total, 40), steps)
    np.testing.assert_allclose(got, lrdsl.evaluate(parsed, total, 40, steps=steps), **_tolerance(target))


# --------------------------------------------------------------------------- the operation tables


def _module(target: str) -> Any:
    """The module a target's printer spells its calls with (``math``, ``jax.numpy``, ``keras.ops``)."""
    prefix = TARGETS[target].printer.MODULE
    return importlib.import_module({"math": "math", "jnp": "jax.numpy", "ops": "keras.ops"}[prefix])


@pytest.mark.frameworks
@pytest.mark.parametrize("target", list(TARGETS))
def test_every_declared_operation_and_function_exists_in_the_targets_module(target: str) -> None:
    """The tables are the truth: each operation a printer declares and each function's spelling is
    an attribute of the real module (``abs`` is Python's builtin)."""
    _target(target)
    module, printer = _module(target), TARGETS[target].printer
    assert set(printer.OPS) <= {op for op in TENSOR_OPS if hasattr(module, op)}
    for name in ir.MATH:
        spelled = printer.function(name)
        assert spelled == "abs" or hasattr(module, spelled.rsplit(".", 1)[1]), (target, name, spelled)


ATAN = ir.MathFunction("atan", numpy="arctan", increasing=True, spelling={"jnp": "jnp.arctan", "ops": "ops.arctan"})
"""A function the language does not have (LANGUAGE.md §8.3's list is closed): one row, and nothing else."""


def _plan(expr: ir.Arith, total: int) -> ir.Lowered:
    """A lowered schedule of one formula of ``u`` held after ``total`` steps."""
    plan = lrdsl.lower(lrdsl.parse(f"fn(u, {total})"), total)
    return dataclasses.replace(plan, ir=ir.Clamp(hi=float(total), body=ir.Formula(expr, "atan")))


@pytest.mark.frameworks
@pytest.mark.parametrize("target", list(TARGETS))
def test_a_new_math_function_is_one_row(target: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """``atan`` registered as one row of :data:`lrdsl.ir.MATH`: the interpreter, the bounds and every
    target compute it, with no other change."""
    spec = _target(target)
    monkeypatch.setitem(ir.MATH, "atan", ATAN)
    arg = ir.Bin("-", ir.Bin("/", ir.Var("u"), ir.Const(10.0)), ir.Const(3.0))
    expr = ir.Bin("*", ir.Const(0.1), ir.Bin("+", ir.Const(2.0), ir.Fn("atan", arg)))  # positive: paddle refuses < 0
    plan = _plan(expr, 60)
    steps = list(range(70))
    want = np.array([0.1 * (2.0 + math.atan(min(t, 60) / 10 - 3)) for t in steps])
    from lrdsl.ir.interpreter import evaluate_ir

    np.testing.assert_allclose(evaluate_ir(plan.ir, np.array(steps)), want, rtol=1e-15)
    code = generate_lowered(plan, target)
    got = spec.run(code, steps)
    np.testing.assert_allclose(got, want, **_tolerance(target))


def test_a_new_math_function_is_bounded_by_its_row(monkeypatch: pytest.MonkeyPatch) -> None:
    from lrdsl.ir import ranges

    monkeypatch.setitem(ir.MATH, "atan", ATAN)
    lo, hi = ranges.arith(ir.Fn("atan", ir.Var("u")), (0.0, math.inf))  # type: ignore[misc]
    assert lo <= 0.0 and math.pi / 2 <= hi < 1.6
    monkeypatch.setitem(ir.MATH, "atan", dataclasses.replace(ATAN, increasing=False))
    assert ranges.arith(ir.Fn("atan", ir.Var("u")), (0.0, 1.0)) is None  # no rule: unbounded, still sound


def test_a_target_lacking_an_operation_is_refused_by_gen(monkeypatch: pytest.MonkeyPatch) -> None:
    """A target row whose printer lacks ``searchsorted`` (as MLX does): ``gen`` refuses a schedule whose
    code needs it, with an LrdslError, and prints one that does not."""
    base = TARGETS["optax"]

    class Lacking(base.printer):  # type: ignore[misc, name-defined]
        TARGET = "lacking"
        OPS = base.printer.OPS - {"searchsorted"}

    monkeypatch.setitem(TARGETS, "lacking", dataclasses.replace(base, name="lacking", printer=Lacking))
    text = "(warmup(linear, 10%) >> cosine(0.1→0)) * restart(period=37, mult=1.5, decay=0.7)"
    assert "searchsorted" in generate(text, "optax", 400)
    with pytest.raises(lrdsl.LrdslError) as info:
        generate(text, "lacking", 400)
    assert str(info.value) == (
        "error: the lacking target has no operation 'searchsorted', which this schedule needs\n"
        "hint: generate another target: --target python, torch or paddle (float64, every function)"
    )
    assert "def schedule" in generate("cosine(0.1→0, 100)", "lacking", 100)


def test_a_target_lacking_a_math_function_is_refused_by_gen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(ir.MATH, "tanh", dataclasses.replace(ir.MATH["tanh"], spelling={"ops": None}))
    with pytest.raises(lrdsl.LrdslError, match=r"the keras target has no function 'tanh'"):
        generate("fn(0.1 * (1 - tanh(u / 50)), 100)", "keras", 100)
    generate("fn(0.1 * (1 - tanh(u / 50)), 100)", "optax", 100)


def test_a_tensor_target_is_its_table_of_spellings() -> None:
    """Keras' printer is the jax one with other spellings: class attributes, no method of its own."""
    from lrdsl.codegen.targets.keras import Printer

    assert not [name for name, value in vars(Printer).items() if callable(value) and not name.startswith("__")]
    printer = Printer.__new__(Printer)  # the spellings read no state
    assert printer.to_float("u + 1") == 'ops.cast(u + 1, "float32")'
    assert printer.array("T", True) == 'ops.convert_to_tensor(T, dtype="int32")'
    assert printer.full_like("u", "0.5") == 'ops.full_like(u, 0.5, dtype="float32")'
