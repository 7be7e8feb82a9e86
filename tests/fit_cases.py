"""Every expression of the repository, as (id, expression, total steps, steps per epoch): the fit round trip's cases."""

from __future__ import annotations

from tests.conftest import seed_cases
from tests.golden.regen import SCHEDULES

Case = tuple[str, str, int, float | None]
V3_FORMS: list[tuple[str, str, int, float | None, str]] = [
    # (id, expression, total steps, steps per epoch, what fit prints: LANGUAGE.md §9's forms)
    (
        "late-1",
        "(warmup(linear, 20) >> cosine(1e-3→1e-5)) * offset(-1)",
        300,
        None,
        "(linear(0→1e-3, 20) >> cosine(1e-3→1e-5, 280)) * offset(-1)",
    ),
    ("late-3", "cosine(0.1→0, 300) * offset(-3)", 300, None, "cosine(0.1→0, 300) * offset(-3)"),
    (
        "late-epoch",
        "(linear(1e-4→0.1, 5ep) >> exp_decay(0.1, rate=0.9, every=1ep)) * offset(-1ep)",
        210,
        7,
        "(linear(1e-4→0.1, 35) >> exp_decay(0.1, rate=0.9, every=7)) * offset(-1ep)",
    ),
    (
        "inclusive-warmup",
        "warmup(linear, 20, inclusive=true) >> cosine(1e-3→0)",
        300,
        None,
        "linear(0→1e-3, 20, inclusive=true) >> cosine(1e-3→0)",
    ),
    (
        "inclusive-cosine",
        "linear(0→1e-3, 50) >> cosine(1e-3→1e-5, 250, inclusive=true)",
        300,
        None,
        "linear(0→1e-3, 50) >> cosine(1e-3→1e-5, inclusive=true)",
    ),
    (
        "pow-warmup",
        "warmup(pow, 30) >> cosine(0.1→0)",
        300,
        None,
        "pow(0→0.1, 30, power=2) >> cosine(0.1→0)",
    ),
    ("pow-decay", "pow(0.1→0, 300, power=3)", 300, None, "pow(0.1→0, power=3)"),
    (
        "inclusive-pow",
        "pow(0→0.1, 50, power=2, inclusive=true) >> cosine(0.1→0, 200)",
        250,
        None,
        "pow(0→0.1, 50, power=2, inclusive=true) >> cosine(0.1→0)",
    ),
    ("inclusive-poly", "poly(0.1→0, 300, power=2, inclusive=true)", 300, None, "poly(0.1→0, power=2, inclusive=true)"),
    (
        "fractional-runs-of-2-and-3",
        "exp_decay(0.1, rate=0.5, every=2.4, staircase=true)",
        480,
        None,
        "step(0.1, gamma=0.5, every=2.4)",
    ),
    ("fractional-step", "step(0.1, gamma=0.9, every=12.5)", 2500, None, "step(0.1, gamma=0.9, every=12.5)"),
    (
        "fractional-short",
        "exp_decay(1, rate=0.9, every=4.4, staircase=true)",
        200,
        None,
        "step(1, gamma=0.9, every=4.4)",
    ),
    (
        "fractional-epochs",
        "exp_decay(0.1, rate=0.97, every=2.4ep, staircase=true)",
        2000,
        7,
        "step(0.1, gamma=0.97, every=2.4ep)",
    ),
    (
        "fractional-keras",
        "exp_decay(1, rate=0.5, every=12009.6, staircase=true)",
        60000,
        None,
        "step(1, gamma=0.5, every=12009.6)",
    ),
]
"""The v3 forms fit prints: a late clock, ramps that include their end, ``pow``, fractional periods."""


def doc_expressions() -> list[str]:
    """The expressions of docs/translate.md's tables, read as tests/parity/test_translate_doc.py reads them."""
    from tests.parity import test_translate_doc

    return list(dict.fromkeys(test_translate_doc.EXPRESSIONS))


def round_trip_cases() -> list[Case]:
    out: list[Case] = [(c["id"], c["expr"], c["steps"], c["steps_per_epoch"]) for c in seed_cases()]
    out += [(f"doc-{i}", e, 210, 7) for i, e in enumerate(doc_expressions())]
    out += [(f"golden-{k}", e, n, spe) for k, (e, n, spe) in SCHEDULES.items()]
    return out
