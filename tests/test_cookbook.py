"""docs/cookbook.md: every code block is evaluated over the run its text names, at the steps the text
names, against values worked out by hand (not read back from the interpreter)."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest

import lrdsl
from tests.conftest import ROOT

PAGE = (ROOT / "docs" / "cookbook.md").read_text(encoding="utf-8")
BLOCKS = [b.strip() for b in re.findall(r"^```\n(.*?)^```$", PAGE, re.S | re.M)]

IMAGENET: dict[str, Any] = {"total_steps": "90ep", "steps_per_epoch": 5005}
WSD_RUN: dict[str, Any] = {"total_steps": "100k"}
HALF_SQRT = 1 - math.sqrt(0.5)

RECIPES: dict[str, tuple[dict[str, Any], dict[int, float]]] = {
    "warmup(linear, 5ep) >> multistep(0.1, at=[30ep, 60ep, 80ep]) * offset(5ep)": (
        IMAGENET,
        {5005: 0.02, 150149: 0.1, 150150: 0.01, 300299: 0.01, 300300: 1e-3, 400400: 1e-4},
    ),
    "warmup(linear, 5ep) >> multistep(0.1, at=[30ep, 60ep, 80ep])": (
        IMAGENET,
        {150150: 0.1, 175174: 0.1, 175175: 0.01},
    ),
    "warmup(linear, 5ep) >> step(0.1, gamma=0.1, every=30ep) * offset(5ep)": (
        IMAGENET,
        {150149: 0.1, 150150: 0.01, 300300: 1e-3},
    ),
    "wsd(3e-4, warmup=2000, decay=20k)": (WSD_RUN, {1000: 1.5e-4, 2000: 3e-4, 79999: 3e-4, 90000: 1.5e-4}),
    "wsd(3e-4, warmup=2000, decay=20k, shape=cosine)": (WSD_RUN, {1000: 1.5e-4, 79999: 3e-4, 90000: 1.5e-4}),
    "wsd(3e-4, warmup=2000, decay=20k, shape=sqrt)": (WSD_RUN, {2000: 3e-4, 79999: 3e-4, 90000: 3e-4 * HALF_SQRT}),
    "wsd(3e-4, warmup=2000, decay=20k, to=3e-6, shape=exp)": (WSD_RUN, {79999: 3e-4, 90000: 3e-5, 100000: 3e-6}),
    "linear(0→3e-4, 2000) >> hold() >> sqrt(→0, 20k)": (
        WSD_RUN,
        {1000: 1.5e-4, 79999: 3e-4, 90000: 3e-4 * HALF_SQRT, 100000: 0.0},
    ),
    "warmup(linear, 2000) >> cosine(3e-4→3e-5)": (
        {"total_steps": "250k"},
        {1000: 1.5e-4, 2000: 3e-4, 126000: 1.65e-4, 250000: 3e-5},
    ),
    "linear(6e-4 / 2001→6e-4, 2000) >> cosine(6e-4→6e-5)": (
        {"total_steps": "600k"},
        {0: 6e-4 / 2001, 1: 6e-4 * 2 / 2001, 2000: 6e-4, 301000: 3.3e-4, 600000: 6e-5},
    ),
    "linear(0→5e-4, 4000) >> rsqrt(5e-4, warmup=4000) * offset(4000)": (
        {"total_steps": "100k"},
        {2000: 2.5e-4, 4000: 5e-4, 16000: 2.5e-4},
    ),
    "rsqrt(0.01, warmup=10k)": ({"total_steps": "100k"}, {0: 0.01, 10000: 0.01, 40000: 5e-3}),
    "warmup(linear, 2000, inclusive=true) >> cosine(3e-4→0)": (
        {"total_steps": "10k"},
        {0: 0.0, 1000: 3e-4 * 1000 / 1999, 1999: 3e-4, 2000: 3e-4, 6000: 1.5e-4, 10000: 0.0},
    ),
    "(warmup(linear, 20) >> cosine(1e-3→1e-5)) * offset(-1)": (
        {"total_steps": 1000},
        {0: 0.0, 1: 0.0, 11: 5e-4, 21: 1e-3, 511: 5.05e-4},
    ),
    "min(linear(0→1e-3, 25k), rsqrt(1e-3, warmup=25k)) * offset(1)": (
        {"total_steps": "100k"},
        {0: 4e-8, 24999: 1e-3, 99999: 5e-4},
    ),
    "(linear(1e-4→0.1, 3ep) >> cosine(0.1→1e-5, 20ep) * offset(3ep)) * quantize(1ep)": (
        {"total_steps": "30ep", "steps_per_epoch": 7},
        {
            0: 1e-4,
            6: 1e-4,
            14: 1e-4 + 2 / 3 * (0.1 - 1e-4),
            21: 1e-5 + (0.1 - 1e-5) * (1 + math.cos(0.15 * math.pi)) / 2,
            140: 1e-5,
        },
    ),
    "warmup(linear, 1000, from=2e-5) >> multistep(0.02, at=[210k, 250k]) * offset(1000)": (
        {"total_steps": "270k"},
        {0: 2e-5, 500: 0.01001, 1000: 0.02, 209999: 0.02, 210000: 2e-3, 250000: 2e-4},
    ),
    "const(0.01, 10ep) >> recur(lr * exp(-0.1), every=1ep)": (
        {"total_steps": "30ep", "steps_per_epoch": 50},
        {499: 0.01, 500: 0.01 * math.exp(-0.1), 549: 0.01 * math.exp(-0.1), 550: 0.01 * math.exp(-0.2)},
    ),
    "cosine(0.1→0) * quantize(1ep)": (
        {"total_steps": "90ep", "steps_per_epoch": 100},
        {
            0: 0.1,
            99: 0.1,
            100: 0.05 * (1 + math.cos(math.pi / 90)),
            199: 0.05 * (1 + math.cos(math.pi / 90)),
            4500: 0.05,
        },
    ),
    "warmup(linear, 375Mtok) >> cosine(6e-4→6e-5, 260Btok - 375Mtok)": (
        {"total_steps": "300Btok", "tokens_per_step": 0.5e6},
        {375: 3e-4, 750: 6e-4, 260375: 3.3e-4, 520000: 6e-5, 599999: 6e-5},
    ),
    "wsd(4e-4, warmup=2Btok, decay=50Btok, shape=sqrt)": (
        {"total_steps": "1Ttok", "tokens_per_step": 4e6},
        {250: 2e-4, 500: 4e-4, 237499: 4e-4, 243750: 4e-4 * HALF_SQRT, 250000: 0.0},
    ),
}
"""Each block of the cookbook → (the run its text names, {step: value by hand})."""

SETS: dict[str, tuple[dict[str, Any], dict[str, dict[int, float]]]] = {
    "lr:           warmup(linear, 10ep, inclusive=true) >> cosine(5e-4→1e-6)\n"
    "weight_decay: cosine(0.04→0.4)\n"
    "ema:          cosine(0.996→1)": (
        {"total_steps": "100ep", "steps_per_epoch": 100},
        {
            "lr": {0: 0.0, 999: 5e-4, 1000: 5e-4, 5500: (5e-4 + 1e-6) / 2},
            "weight_decay": {0: 0.04, 5000: 0.22},
            "ema": {0: 0.996, 5000: 0.998},
        },
    ),
    "momentum:     linear(0.85→0.95, 300) >> hold()\nweight_decay: linear(0.2→0)": (
        {"total_steps": 5000},
        {
            "momentum": {0: 0.85, 150: 0.9, 300: 0.95, 4999: 0.95},
            "weight_decay": {0: 0.2, 2500: 0.1, 4999: 0.2 * (1 - 4999 / 5000)},
        },
    ),
    "lr:           warmup(linear, 1000) >> cosine(3e-4→3e-5)\n"
    "weight_decay: cosine(0.1→0.01)\n"
    "betas[1]:     linear(0.95→0.99, 1000) >> hold()\n"
    "ema:          fn(min(0.9999, (1 + t) / (10 + t)))\n"
    "loss.kl:      (linear(0→1, 50%) >> hold()) * restart(cycles=4)": (
        {"total_steps": 10000},
        {
            "lr": {1000: 3e-4, 5500: 1.65e-4},
            "weight_decay": {5000: 0.055},
            "betas[1]": {500: 0.97, 1000: 0.99, 9999: 0.99},
            "ema": {0: 0.1, 90: 0.91},
            "loss.kl": {0: 0.0, 500: 0.4, 1250: 1.0, 2499: 1.0, 2500: 0.0, 3000: 0.4},
        },
    ),
}
"""Each block of schedule sets → (the run its text names, {member: {step: value by hand}})."""


def test_every_block_is_checked_and_every_check_is_a_block() -> None:
    assert sorted(BLOCKS) == sorted([*RECIPES, *SETS])


@pytest.mark.parametrize("expr", list(RECIPES))
def test_recipe_gives_the_hand_computed_values(expr: str) -> None:
    run, want = RECIPES[expr]
    got = lrdsl.evaluate(expr, **run, steps=list(want))
    assert got.tolist() == pytest.approx(list(want.values()), rel=1e-9, abs=1e-15)


@pytest.mark.parametrize("expr", list(RECIPES))
def test_recipe_text_names_its_run(expr: str) -> None:
    """The first "Run:" paragraph after each block gives the run the test uses."""
    run, _ = RECIPES[expr]
    rest = PAGE.split(f"```\n{expr}\n```", 1)[1]
    after = rest[rest.index("Run:") :].split("\n\n", 1)[0]
    assert f"--steps {run['total_steps']}" in after
    for key, flag in (("steps_per_epoch", "--steps-per-epoch"), ("tokens_per_step", "--tokens-per-step")):
        if key in run:
            assert flag in after
