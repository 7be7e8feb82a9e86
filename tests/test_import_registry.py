"""The one table of importers: every row satisfies the ``Importer`` protocol, and the package, ``lrdsl.from_*``,
the command line and the fuzzer all read it."""

from __future__ import annotations

import inspect

import lrdsl
from lrdsl.importers import FRAMEWORKS
from lrdsl.importers.registry import IMPORTERS, Importer
from lrdsl.importers.spec import parse_call
from lrdsl.importers.table import ENTRIES


def test_every_importer_satisfies_the_protocol_and_defines_the_fixed_interface() -> None:
    for name, row in IMPORTERS.items():
        assert isinstance(row, Importer) and row.name == name and row.accepts
        module = row.module()
        for function in ("from_spec", "from_config", row.entry):
            assert callable(getattr(module, function)), (name, function)
        for function in ("from_spec", "from_config"):
            keywords = inspect.signature(getattr(module, function)).parameters
            assert {"total_steps", "steps_per_epoch"} <= set(keywords), (name, function)


def test_the_table_feeds_the_package_the_command_line_and_the_fuzzer() -> None:
    import fuzz.imports

    assert set(FRAMEWORKS) == set(IMPORTERS) == set(fuzz.imports.FRAMEWORKS)
    assert {e for e in lrdsl.__all__ if e.startswith("from_")} == set(ENTRIES)
    for entry, name in ENTRIES.items():
        assert getattr(lrdsl, entry) is getattr(IMPORTERS[name].module(), entry)


def test_to_tree_gives_the_syntax_tree_of_the_verified_expression() -> None:
    call = parse_call("get_cosine_schedule_with_warmup(optimizer, 10, 100, learning_rate=0.1)")
    tree = IMPORTERS["hf"].to_tree(call)
    assert str(tree) == "linear(0→0.1, 10) >> cosine(0.1→0, 90)"
    assert (
        str(IMPORTERS["torch"].to_tree({"type": "StepLR", "step_size": 3, "lr": 0.1}))
        == "step(0.1, gamma=0.1, every=3)"
    )
