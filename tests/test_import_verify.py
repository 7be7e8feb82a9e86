"""Every importer ends with :func:`lrdsl.importers.verify.verified`: equal values or an error, never a guess."""

from __future__ import annotations

import numpy as np
import pytest

import lrdsl
from lrdsl.importers.verify import verified


def test_an_expression_that_reproduces_the_values_is_returned() -> None:
    values = lrdsl.evaluate("cosine(0.1→0, 100)", 100).astype(np.float32)  # a float32 library
    assert verified("cosine(0.1→0, 100)", values, source="CosineDecay(0.1, 100)") == "cosine(0.1→0, 100)"


def test_a_departure_names_the_source_the_step_and_both_values() -> None:
    values = lrdsl.evaluate("linear(0.1→0, 100)", 100)
    with pytest.raises(lrdsl.LrdslError) as caught:
        verified("cosine(0.1→0, 100)", values, source="LinearLR(…)")
    err = caught.value
    assert err.message.startswith(
        "the expression imported from LinearLR(…) departs from the library's values at step 1: 0.0999"
    )
    assert err.hint is not None and err.hint.startswith("expression: cosine(0.1→0, 100);")


def test_check_points_cover_every_step_of_a_short_run_and_a_bounded_spread_of_a_long_one() -> None:
    from lrdsl.importers.common import MAX_STEPPED, check_points

    assert check_points(10) == list(range(10))
    points = check_points(10**12, marks=[123_456_789])
    assert len(points) <= MAX_STEPPED and points[:3] == [0, 1, 2] and points[-1] == 10**12 - 1
    assert {123_456_788, 123_456_789, 123_456_790} <= set(points)


def test_an_unchecked_import_says_so() -> None:
    from dataclasses import dataclass

    from lrdsl.importers.common import checked_form
    from lrdsl.importers.verify import UncheckedImport as NotChecked

    @dataclass(frozen=True)
    class Form:
        text: str = "cosine(0.1→0, 100)"
        natural: int = 100
        valid: int | None = None
        marks: tuple[int, ...] = ()

    with pytest.warns(NotChecked, match=r"StepLR: not checked against the library \(PyTorch is not installed\)"):
        checked_form(Form(), None, None, None, source="StepLR", library="PyTorch", api="from_torch", rtol=1e-9)
    asked: list[int] = []

    def reference(n: int) -> list[float]:
        asked.append(n)
        return [float(v) for v in lrdsl.evaluate("cosine(0.1→0, 10**9)", 10**9, steps=range(n))]

    long = Form(text="cosine(0.1→0, 1000000000)", natural=10**9)
    with pytest.warns(NotChecked, match=r"over the first 100,000 of 2,000,000,001 steps only"):
        checked_form(long, None, None, reference, source="X", library="PyTorch", api="from_torch", rtol=1e-9)
    assert asked == [100_000]


@pytest.mark.parametrize(
    ("module", "framework", "spec", "expr", "why"),
    [
        (
            "torch",
            "torch",
            "StepLR(lr=0.1, step_size=30)",
            "step(0.1, gamma=0.1, every=30)",
            "PyTorch is not installed",
        ),
        ("optax", "optax", "optax.cosine_decay_schedule(0.1, 100)", "cosine(0.1→0, 100)", "optax is not installed"),
    ],
)
def test_an_import_without_its_library_says_in_its_result_that_it_is_unchecked(
    module: str, framework: str, spec: str, expr: str, why: str
) -> None:
    from tests.test_broken_install import run_without

    proc = run_without(module, "import", framework, spec)
    assert proc.returncode == 0, proc.stderr
    *notes, line = proc.stdout.splitlines()[1:]
    assert line == expr
    assert any(n.startswith("# ") and n.endswith(f"not checked against the library ({why})") for n in notes), notes
    np.testing.assert_array_equal(lrdsl.evaluate(line, 100), lrdsl.evaluate(expr, 100))
