"""Generated code: committed goldens, ruff-format clean, standalone, safe names, size."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import lrdsl
from lrdsl import ir
from lrdsl.api import generate
from lrdsl.codegen import TARGETS
from tests.frameworks import load
from tests.golden.regen import expected

ALLOWED_IMPORTS = {
    "python": {"math", "bisect"},
    "torch": {"math", "bisect", "torch.optim.lr_scheduler"},
    "paddle": {"math", "bisect", "paddle.optimizer.lr"},
    "optax": {"math", "jax", "jax.numpy"},
    "keras": {"math", "keras"},
}


@pytest.mark.parametrize("path", sorted(expected()), ids=lambda p: p.name)
def test_golden_is_current(path: Path) -> None:
    assert path.is_file(), "run: python -m tests.golden.regen"
    assert path.read_text(encoding="utf-8") == expected()[path], "generator changed: python -m tests.golden.regen"


RUFF_RULES = ["--select", "E,F,W,I,B,UP,SIM,RUF", "--ignore", "E501,RUF001,RUF002,RUF003"]
"""The project's own rule set (pyproject.toml): generated code is held to what a reviewer commits."""


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    """ruff at its default settings (``--isolated``: 88 columns, no configuration file read).

    Users paste generated code into repositories that keep ruff's (and black's) defaults.
    """
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    assert Path(ruff).is_file(), (
        "ruff is a test dependency (pip install -e '.[test]'): generated code is linted with it"
    )
    common = ["--isolated", "--target-version", "py310"]
    return subprocess.run([ruff, *args[:1], *common, *args[1:]], capture_output=True, text=True, check=False)


def assert_lint_and_format_clean(files: list[str]) -> None:
    """``files`` pass ruff's default rules, the project's, and ``ruff format`` at 88 columns."""
    for rules in ([], RUFF_RULES):
        checked = _ruff("check", "--no-cache", "--output-format", "concise", *rules, *files)
        assert checked.returncode == 0, checked.stdout + checked.stderr
    formatted = _ruff("format", "--check", "--diff", *files)
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr


def test_goldens_are_lint_and_format_clean() -> None:
    assert_lint_and_format_clean([str(p) for p in sorted(expected())])


@pytest.mark.parametrize("target", list(TARGETS))
def test_generated_code_of_every_case_is_lint_and_format_clean(target: str, tmp_path: Path) -> None:
    from tests.gen_cases import cases

    files = []
    for i, case in enumerate(cases()):
        path = tmp_path / f"case_{i}.py"
        path.write_text(generate(case["expr"], target, case["steps"], case["steps_per_epoch"]), encoding="utf-8")
        files.append(str(path))
    assert_lint_and_format_clean(files)


WIDE = [
    # long parameter lists, names and tables: each is laid out as ruff format would keep it
    ("$peak_learning_rate_for_this_run * cosine(1→$final_fraction_of_the_peak) * restart(mult=2)", 10**6, None),
    ("recur(lr * 0.5, every=10, from=0.1) * restart(period=30, mult=2, decay=0.5)", 100000, None),
    ("fn(exp(-u / 1234.5678) * cos(pi * u / 9876.54321) + sqrt(u + 0.0001) / log(u + 2.5), 1000)", None, None),
    ("min(fn(1 / (1 + exp(-u)), 100), linear(1→0, 100)) * quantize(7, at=end) * offset(3)", None, None),
    ("(multistep(10, at=[1ep, 20])) * restart(period=30, mult=2) * quantize(10, at=end)", 1000, 7.0),
]


@pytest.mark.parametrize("target", list(TARGETS))
def test_wide_expressions_and_names_stay_within_88_columns(target: str, tmp_path: Path) -> None:
    files = []
    for i, (expr, steps, spe) in enumerate(WIDE):
        params = {"peak_learning_rate_for_this_run": 0.1, "final_fraction_of_the_peak": 0.01}
        used = {k: v for k, v in params.items() if f"${k}" in expr}
        for name in (None, "A" + "very_long_schedule_name_" * 4):
            path = tmp_path / f"wide_{i}_{name is None}.py"
            path.write_text(generate(expr, target, steps, spe, name=name, params=used or None), encoding="utf-8")
            files.append(str(path))
    assert_lint_and_format_clean(files)


def test_a_hoisted_operation_is_format_clean(tmp_path: Path) -> None:
    """A wide operand moved to a temporary loses its enclosing parentheses, as ``ruff format`` writes it."""
    files = []
    for target in ("optax", "keras"):
        code = generate("fn(1e-300 * 1e-3 - max(709, 1e-300), 37)", target, 100)
        assert "x1 = (1e-300 * 0.001) - " in code
        path = tmp_path / f"{target}.py"
        path.write_text(code, encoding="utf-8")
        files.append(str(path))
    assert_lint_and_format_clean(files)


def test_random_schedules_are_lint_and_format_clean(tmp_path: Path) -> None:
    import random

    from fuzz.differential import make_case

    rng = random.Random(3)
    files = []
    for i in range(40):
        case = make_case(rng)
        for target in TARGETS:
            try:
                code = generate(case.text, target, case.total, case.spe, params=case.params)
            except lrdsl.LrdslError:
                break
            path = tmp_path / f"{target}_{i}.py"
            path.write_text(code, encoding="utf-8")
            files.append(str(path))
    assert len(files) > 50
    assert_lint_and_format_clean(files)


@pytest.mark.parametrize("target", list(TARGETS))
def test_generated_module_defines_only_the_schedule(target: str) -> None:
    code = generate("warmup(linear, 5ep) >> cosine(0.1→1e-6) * restart(mult=2)", target, 5000, 50, name="Custom_1")
    tree = ast.parse(code)
    imported = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            imported |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            assert node.name.startswith("_") or node.name in {"Custom_1", "lr_at"}
        elif isinstance(node, ast.Assign):
            assert all(isinstance(t, ast.Name) and t.id.isupper() for t in node.targets)
            assert isinstance(node.value, ast.Tuple)
        else:
            assert isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)  # the docstring
    assert imported <= ALLOWED_IMPORTS[target]
    assert "lrdsl" not in imported


@pytest.mark.parametrize("name", ["1abc", "a-b", "class", "os.system", "x; import os", "ünï", "", "_private", "float"])
def test_hostile_names_are_refused(name: str) -> None:
    with pytest.raises(lrdsl.LrdslError, match="name"):
        generate("cosine(1→0)", "python", 10, name=name)


def test_unknown_target_suggests() -> None:
    with pytest.raises(lrdsl.LrdslError, match="did you mean 'torch'"):
        generate("cosine(1→0)", "troch", 10)


def _code_and_tables(code: str) -> tuple[str, list[int]]:
    """The generated code without its module tuples (``_NAME = (…)``), and how many numbers each tuple holds."""
    tree = ast.parse(code)
    tables = [
        n
        for n in tree.body
        if isinstance(n, ast.Assign) and isinstance(n.value, ast.Tuple) and n.end_lineno is not None
    ]
    lines = code.splitlines()
    dropped = {k for n in tables for k in range(n.lineno - 1, n.end_lineno or n.lineno)}
    rest = "\n".join(line for k, line in enumerate(lines) if k not in dropped)
    return rest, [len(n.value.elts) for n in tables if isinstance(n.value, ast.Tuple)]


def test_size_grows_with_the_expression_not_the_steps() -> None:
    """Few restart cycles are unrolled: their starts, stretches and factors are data, at most
    ``ir.MAX_UNROLLED`` numbers a table, and the code around them is the body once; many cycles are
    placed by arithmetic. Either way the code does not grow with the run."""
    for target in TARGETS:
        sizes = []
        for steps in (30, 100, 640, 10**4, 10**9):
            rest, tables = _code_and_tables(generate("cosine(1→0) * restart(period=10)", target, steps))
            assert all(n <= ir.MAX_UNROLLED for n in tables), (target, steps)
            sizes.append(len(rest))
        assert max(sizes) - min(sizes) < 400, (target, sizes)
        assert max(sizes[:3]) - min(sizes[:3]) < 20, (target, sizes)  # 3, 10 and 64 cycles: only digits differ


def test_printers_read_only_the_ir() -> None:
    # Meaning is decided in lowering: no printer or template names a DSL construct.
    root = Path(lrdsl.__file__).parent
    printers = [root / "codegen" / f for f in ("emitter.py", "scalar.py", "tensor.py")]
    sources = [*printers, *(root.parent / "templates").glob("*.jinja")]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for word in (r"\bwarmup", r"\brestart\(", r"\bquantize\(", r"\bonecycle", r"lrdsl\.ast|lrdsl import ast"):
            assert not re.search(word, text), f"{path.name} mentions {word}"


HOSTILE = [
    'cosine(1→0, 100)  # """; import os; os.system("x")',
    "fn(u / 100, 100)  # __import__('os').system('x')\n>> const(0.1, 10)",
    "cosine($evil→0, 100)",
    "recur(lr * 0.5 + sin(lr), 100, every=10, from=1) >> const(0.1, 5)",
    "onecycle(0.1, 100) + cyclic(0→1e-3, 100, half=10, mode=exp_range, gamma=0.9)",
]


@pytest.mark.parametrize("expr", HOSTILE)
@pytest.mark.parametrize("target", list(TARGETS))
def test_hostile_expressions_yield_only_the_schedule(expr: str, target: str) -> None:
    params = {"evil": 0.5} if "$evil" in expr else None
    code = generate(expr, target, 200, None, params=params)
    tree = ast.parse(code)
    names = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    default = TARGETS[target].default_name
    assert all(n.startswith("_") or n in {default, "lr_at", f"make_{default}"} for n in names)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in {"eval", "exec", "__import__", "open", "compile"}
        if isinstance(node, ast.Attribute):
            assert node.attr != "system"
    strings = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    assert not any("import os" in s or "__import__" in s for s in strings)
    if params:  # a parameter becomes an argument with its bound value as default
        args = [a for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef,)) for a in n.args.kwonlyargs]
        assert [a.arg for a in args if a.arg == "evil"]


def test_decay_to_zero_is_exactly_zero() -> None:
    for expr in (
        "cosine(1→0, 100)",
        "linear(0.1→0, 100)",
        "poly(0.1→0, 100, power=3)",
        "wsd(1, 100, warmup=10, decay=10)",
    ):
        values = lrdsl.evaluate(expr, 100, steps=[100, 101, 10**12])
        assert values.tolist() == [0.0, 0.0, 0.0], expr
        lr = load(generate(expr, "python", 100), "zero_python").lr
        assert [lr(100), lr(10**12)] == [0.0, 0.0], expr
