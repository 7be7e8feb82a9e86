"""Every expression of the repository, as (id, expression, total steps, steps per epoch): the fit round trip's cases."""

from __future__ import annotations

from tests.conftest import seed_cases
from tests.golden.regen import SCHEDULES

Case = tuple[str, str, int, float | None]


def doc_expressions() -> list[str]:
    """The expressions of docs/translate.md's tables, read as tests/parity/test_translate_doc.py reads them."""
    from tests.parity import test_translate_doc

    return list(dict.fromkeys(test_translate_doc.EXPRESSIONS))


def round_trip_cases() -> list[Case]:
    out: list[Case] = [(c["id"], c["expr"], c["steps"], c["steps_per_epoch"]) for c in seed_cases()]
    out += [(f"doc-{i}", e, 210, 7) for i, e in enumerate(doc_expressions())]
    out += [(f"golden-{k}", e, n, spe) for k, (e, n, spe) in SCHEDULES.items()]
    return out
