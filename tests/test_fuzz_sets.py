"""The differential fuzz of schedule sets (``python -m fuzz.differential --sets``, fuzz/sets.py) finds nothing."""

from __future__ import annotations

import random

import lrdsl
from fuzz.differential import run
from fuzz.sets import OWN, RESERVED, make_set_case


def test_random_sets_are_valid_sets_of_two_to_five_members_sharing_their_parameters() -> None:
    rng = random.Random(5)
    sizes, shared = set(), 0
    for _ in range(200):
        case = make_set_case(rng)
        try:
            parsed = lrdsl.parse_set(case.text)
        except lrdsl.LrdslError:
            continue  # a schedule the lowering refuses (the fuzz checks that gen refuses it too)
        assert set(parsed.names) <= set(RESERVED + OWN)
        sizes.add(len(parsed.names))
        shared += sum("$b" in str(parsed.member(n)) for n in parsed.names) > 1
    assert sizes == {2, 3, 4, 5}
    assert shared > 40  # a $param read by several members, bound once


def test_the_set_fuzz_finds_nothing() -> None:
    """Every member: evaluate_set against the reference interpreter and the member alone; the python module's
    member functions and values(step) against evaluate_set."""
    report = run(40, seed=7, frameworks=0, sets=True)
    assert report.failures() == 0, report.crashes + report.hangs + report.disagreements
    assert report.kinds["compared (python set)"] > 15
    assert report.compared["set: member alone, the same"] > 40
    assert report.compared["reference: within an ulp"] > 1000
