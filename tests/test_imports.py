"""Import discipline: the readers of the IR load only the IR, and no module imports itself back."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import lrdsl

PACKAGE = Path(lrdsl.__file__).resolve().parent
FRONT_END = (
    "lrdsl.ast",
    "lrdsl.parser",
    "lrdsl.lalr",
    "lrdsl.lowering",
    "lrdsl.formatter",
    "lrdsl.field",
    "lark",
    "pydantic",
)


def _loaded_by(module: str) -> list[str]:
    """Every module a fresh interpreter has loaded after ``import module``."""
    code = f"import sys, json; import {module}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    loaded: list[str] = json.loads(out.stdout)
    return loaded


@pytest.mark.parametrize("module", ["lrdsl.interpreter", "lrdsl.explain", "lrdsl.codegen", "lrdsl.ir"])
def test_readers_of_the_ir_never_load_the_front_end(module: str) -> None:
    loaded = _loaded_by(module)
    front = [m for m in loaded if m.startswith(FRONT_END)]
    assert not front, f"import {module} loads {front}"


def test_importing_the_package_loads_nothing_heavy() -> None:
    loaded = _loaded_by("lrdsl")
    assert not [m for m in loaded if m.startswith((*FRONT_END, "numpy", "jinja2"))]


def _module_imports(path: Path) -> set[str]:
    """The ``lrdsl`` modules ``path`` imports anywhere, lazily inside functions too (not ``TYPE_CHECKING``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            tree.body.remove(node)
    found: set[str] = set()
    for sub in ast.walk(tree):
        if isinstance(sub, ast.Import):
            found.update(a.name for a in sub.names)
        elif isinstance(sub, ast.ImportFrom) and sub.module:
            found.add(sub.module)
            found.update(f"{sub.module}.{a.name}" for a in sub.names)
    return {m for m in found if m.startswith("lrdsl")}


LAZY_ON_PURPOSE = {
    ("lrdsl.ast", "lrdsl.parser"): "a Schedule validated from data (JSON, a dict) is re-parsed from its canonical text",
    ("lrdsl.ast", "lrdsl.bound"): "Schedule.bind(…) is lrdsl.bind(schedule, …), for notebooks",
    ("lrdsl.ast", "lrdsl.notebook"): "a Schedule's repr and notebook display",
    ("lrdsl.keras_hook", "lrdsl.keras"): "import lrdsl registers lrdsl>Schedule once Keras is (or gets) imported",
}
"""Imports inside a function that close a cycle, each with the reason it cannot be avoided."""


def test_no_import_cycles() -> None:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    graph = {
        name: {m for m in _module_imports(path) if m in modules and m != name and (name, m) not in LAZY_ON_PURPOSE}
        for name, path in modules.items()
    }
    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for dep in sorted(graph[name]):
            if state.get(dep) == 1:
                cycle = [*trail[trail.index(dep) :], dep] if dep in trail else [name, dep]
                pytest.fail("import cycle: " + " → ".join(cycle))
            if dep not in state:
                visit(dep, [*trail, dep])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])


COLD_EVAL = (
    "lrdsl.codegen",
    "lrdsl.syntax_errors",
    "lrdsl.plotting",
    "lrdsl.explain",
    "jinja2",
    "matplotlib",
    "torch",
    "jax",
)
"""What ``lrdsl eval … --format csv`` never needs: code generation, error rendering, plots, frameworks."""


def test_eval_on_the_command_line_loads_only_what_it_needs() -> None:
    code = (
        "import contextlib, io, json, sys\n"
        "from lrdsl.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "    status = main(['eval', 'warmup(linear, 5ep) >> cosine(0.1→1e-6) * restart(mult=2)',\n"
        "                   '--steps', '10000', '--steps-per-epoch', '50', '--format', 'csv'])\n"
        "assert status == 0 and out.getvalue().count('\\n') == 10001\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    loaded = json.loads(out.stdout)
    assert not [m for m in loaded if m.startswith(COLD_EVAL)]
    assert "numpy" in loaded and "lrdsl.interpreter" in loaded  # the test runs the real command
