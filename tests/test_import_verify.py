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
