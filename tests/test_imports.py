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
    "lrdsl.language.ast",
    "lrdsl.language.parser",
    "lrdsl.language.lalr",
    "lrdsl.lowering",
    "lrdsl.language.formatter",
    "lrdsl.language.field",
    "lark",
    "pydantic",
)


def _loaded_by(module: str) -> list[str]:
    """Every module a fresh interpreter has loaded after ``import module``."""
    code = f"import sys, json; import {module}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    loaded: list[str] = json.loads(out.stdout)
    return loaded


@pytest.mark.parametrize("module", ["lrdsl.ir.interpreter", "lrdsl.tools.explain", "lrdsl.codegen", "lrdsl.ir"])
def test_readers_of_the_ir_never_load_the_front_end(module: str) -> None:
    loaded = _loaded_by(module)
    front = [m for m in loaded if m.startswith(FRONT_END)]
    assert not front, f"import {module} loads {front}"


def test_importing_the_package_loads_nothing_heavy() -> None:
    loaded = _loaded_by("lrdsl")
    assert not [m for m in loaded if m.startswith((*FRONT_END, "numpy", "jinja2"))]


def _modules() -> dict[str, Path]:
    """Every module of the package by its dotted name (a package by its own name)."""
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


MODULES = _modules()


def _module_imports(path: Path) -> set[str]:
    """The ``lrdsl`` modules ``path`` imports anywhere, lazily inside functions too (not ``TYPE_CHECKING``).

    ``from lrdsl import ir`` imports the module ``lrdsl.ir``; it counts as an import of the package
    ``lrdsl`` itself only for a name its ``__init__`` defines (``from lrdsl import __version__``,
    ``import lrdsl``). Python runs a package's ``__init__`` before any of its modules whatever
    imports them, so that run is no edge of the graph.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            tree.body.remove(node)
    found: set[str] = set()
    for sub in ast.walk(tree):
        if isinstance(sub, ast.Import):
            found.update(a.name for a in sub.names)
        elif isinstance(sub, ast.ImportFrom) and sub.module:
            names = [f"{sub.module}.{a.name}" for a in sub.names]
            found.update(n for n in names if n in MODULES)
            if any(n not in MODULES for n in names):
                found.add(sub.module)
    return {m for m in found if m.startswith("lrdsl")}


LAZY_ON_PURPOSE: dict[tuple[str, str], str] = {}
"""Imports inside a function that close a cycle, each with the reason it cannot be avoided: none.

The syntax tree's calls upward (``Schedule.bind``, its notebook display, a tree validated from data
re-parsed) go through ``lrdsl.language.hooks``, which ``import lrdsl`` fills (docs/architecture.md)."""


def test_no_import_cycles() -> None:
    graph = {
        name: {m for m in _module_imports(path) if m in MODULES and m != name and (name, m) not in LAZY_ON_PURPOSE}
        for name, path in MODULES.items()
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


GROUND = (
    "lrdsl.language.ast",
    "lrdsl.language.parser",
    "lrdsl.language.formatter",
    "lrdsl.language.field",
    "lrdsl.language.depth",
    "lrdsl.language.numbers",
    "lrdsl.language.signatures",
    "lrdsl.language.syntax_errors",
    "lrdsl.language.lalr",
    "lrdsl.language.members",
    "lrdsl.language.set_mapping",
    "lrdsl.language.runfree",
    "lrdsl.errors",
    "lrdsl.language.hooks",
)
"""The syntax tree's floor: text, trees, their checks and canonical text."""
BELOW_GROUND = ("lrdsl.ir",)
"""What the ground floor reads besides itself: the IR's name tables (``MATH_FUNCTIONS``, ``is_param_name``)."""


@pytest.mark.parametrize("module", GROUND)
def test_the_syntax_tree_is_the_ground_floor(module: str) -> None:
    """The syntax tree imports nothing above it (api, bound, lowering, notebook, plotting…), lazily neither."""
    up = sorted(_module_imports(MODULES[module]) - set(GROUND) - set(BELOW_GROUND))
    assert not up, f"{module} imports {up}"


def test_the_tree_reaches_the_upper_floors_through_the_table_import_lrdsl_fills() -> None:
    code = (
        "from lrdsl.language.ast import Schedule\n"
        "data = {'kind': 'schedule', 'expr': {'kind': 'call', 'name': 'const', 'args': ["
        "{'kind': 'arg', 'name': 'value', 'value': {'kind': 'num', 'value': 0.5}},"
        "{'kind': 'arg', 'name': 'dur', 'value': {'kind': 'dur', 'value': {'kind': 'num', 'value': 3.0},"
        " 'unit': 'steps'}}]}}\n"
        "s = Schedule.model_validate(data)\n"
        "print(s, s.bind().total, 'lrdsl-schedule' in s._repr_html_())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.split() == ["const(0.5,", "3)", "3", "True"]


@pytest.mark.parametrize(
    "argv",
    [
        ["fmt", "warmup(linear, 5ep) >> cosine(0.1→1e-6) * restart(mult=2)"],
        ["check", "warmup(linear, 5ep) >> multistep(0.1, at=[30ep]) # a comment"],
        ["check", "cosine(1→0, 100) >> step(0.5, every=30)"],
    ],
)
def test_fmt_and_check_without_a_run_load_neither_numpy_nor_lowering(argv: list[str]) -> None:
    code = (
        "import contextlib, io, json, sys\n"
        "from lrdsl.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.redirect_stderr(io.StringIO()) as err:\n"
        f"    status = main({argv!r})\n"
        "print(json.dumps([status, out.getvalue(), err.getvalue(), sorted(sys.modules)]))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    status, out, err, loaded = json.loads(run.stdout)
    assert status == 0 and out.strip(), err  # the command ran and printed the canonical text
    heavy = [m for m in loaded if m.startswith(("numpy", "lrdsl.lowering", "lrdsl.ir.interpreter"))]
    assert not heavy, f"lrdsl {argv[0]} loads {heavy}"


COLD_EVAL = (
    "lrdsl.codegen",
    "lrdsl.language.syntax_errors",
    "lrdsl.tools.plotting",
    "lrdsl.tools.explain",
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
    assert "numpy" in loaded and "lrdsl.ir.interpreter" in loaded  # the test runs the real command
