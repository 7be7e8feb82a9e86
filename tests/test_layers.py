"""The package's floors: each folder imports only from the floors below it (lazy imports included).

A floor may import from any lower floor and from its own; a folder not in the table fails the test
until it is placed. ``TYPE_CHECKING`` imports are exempt (annotations only). Module-level cycles are
refused separately, floors or not (``tests/test_imports.py``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import lrdsl

PACKAGE = Path(lrdsl.__file__).resolve().parent

FLOORS: tuple[tuple[str, frozenset[str], str], ...] = (
    ("errors", frozenset({"errors"}), "the one exception type and its rendering"),
    ("ir", frozenset({"ir"}), "the IR, its tables (math functions, operations), its interpreters and bounds"),
    ("language", frozenset({"language"}), "text ↔ syntax tree: reads the IR's name tables, nothing above"),
    ("lowering", frozenset({"lowering"}), "meaning: syntax tree → IR, decided once"),
    ("codegen", frozenset({"codegen", "resources"}), "IR → code of each target; the installed templates"),
    (
        "python api",
        frozenset({"api", "run", "tools", "fitting", "logs", "recording"}),
        "evaluate, bind, explain, lint, compare, plot, fit, logs, record: each other's peers",
    ),
    ("libraries", frozenset({"importers", "export"}), "other libraries' schedulers and trainers' configs, both ways"),
    (
        "adapters",
        frozenset({"torch", "keras", "optax", "lightning", "hf", "integrations"}),
        "the runtime adapters and what they share (checkpoints, generated-code loading, Keras registration)",
    ),
    (
        "front ends",
        frozenset({"cli", "serve", "__main__", "__init__"}),
        "the command line, the playground, the package",
    ),
)
"""From the ground up: a floor's name, its folders (or top-level modules), and what it is for."""

FLOOR_OF = {folder: k for k, (_, folders, _) in enumerate(FLOORS) for folder in folders}


def folder_of(module: str) -> str:
    """``lrdsl.language.ast`` → ``language``; ``lrdsl.torch`` → ``torch``; ``lrdsl`` → ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports(path: Path) -> set[str]:
    """The ``lrdsl`` modules ``path`` imports anywhere (in functions too), but under ``TYPE_CHECKING``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    checking = [n for n in ast.walk(tree) if isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test)]
    skipped = {id(sub) for n in checking for stmt in n.body for sub in ast.walk(stmt)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{a.name}" for a in node.names] if node.module == "lrdsl" else [node.module]
            found.update(names)
    return {m for m in found if m.startswith("lrdsl.") and m != "lrdsl.__version__"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_every_folder_has_a_floor() -> None:
    folders = {folder_of(module_name(p)) for p in PACKAGE.rglob("*.py")}
    assert folders <= set(FLOOR_OF), f"place these in FLOORS: {sorted(folders - set(FLOOR_OF))}"


def test_no_folder_imports_from_a_floor_above_it() -> None:
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = folder_of(module_name(path))
        for target in sorted(imports(path)):
            wanted = folder_of(target)
            if FLOOR_OF.get(wanted, len(FLOORS)) > FLOOR_OF[source]:
                upward.append(f"{path.relative_to(PACKAGE.parent)} ({FLOORS[FLOOR_OF[source]][0]}) imports {target}")
    assert not upward, "imports from a higher floor:\n" + "\n".join(upward)


def test_the_top_level_holds_only_the_public_modules() -> None:
    top = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert top == sorted(
        ["__init__", "__main__", "api", "errors", "resources", "torch", "keras", "optax", "lightning", "hf"]
    )
    assert len(top) <= 12


def test_the_floors_are_documented() -> None:
    text = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    for name, _, _ in FLOORS:
        assert f"**{name}**" in text, name
