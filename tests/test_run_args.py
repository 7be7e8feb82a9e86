"""The run's arguments held together (:class:`lrdsl.run.args.RunArgs`): what every internal function takes.

The public entry points keep spelling the five arguments out; behind them one value is passed, so its
fields must be theirs, in their order, and it must resolve a schedule exactly as they do.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import lrdsl
import lrdsl.keras
import lrdsl.optax
import lrdsl.torch
from lrdsl.api import evaluate_lowered
from lrdsl.errors import LrdslError
from lrdsl.integrations.runtime import RUN_KEYWORDS
from lrdsl.run.args import KEYWORDS, NO_RUN, RunArgs
from lrdsl.run.sets import lower_set

ENTRY_POINTS: list[Callable[..., Any]] = [
    lrdsl.evaluate,
    lrdsl.evaluate_set,
    lrdsl.lower,
    lrdsl.bind,
    lrdsl.lint,
    lrdsl.torch.scheduler,
    lrdsl.keras.schedule,
    lrdsl.keras.optimizer,
    lrdsl.optax.schedule,
    lrdsl.optax.inject,
]


@pytest.mark.parametrize("entry", ENTRY_POINTS, ids=lambda f: f"{f.__module__}.{f.__qualname__}")
def test_the_public_signatures_take_the_run_in_its_fields_order(entry: Callable[..., Any]) -> None:
    names = [n for n in inspect.signature(entry).parameters if n in KEYWORDS]
    assert names == list(KEYWORDS) == list(RUN_KEYWORDS)


def test_a_run_lowers_a_schedule_as_the_public_lower_does() -> None:
    text = "warmup(linear, 2ep) >> cosine($peak→0, 300Btok)"
    run = RunArgs("1000", 10, {"peak": 0.5}, tokens_per_step=1e9)
    plan, public = run.lower(lrdsl.parse(text)), lrdsl.lower(text, "1000", 10, {"peak": 0.5}, 1e9)
    assert (plan.total, plan.text) == (public.total, public.text)
    mine = evaluate_lowered(plan, None, text)
    np.testing.assert_array_equal(lrdsl.evaluate(text, "1000", 10, None, {"peak": 0.5}, 1e9), mine)


def test_given_is_whether_any_argument_is() -> None:
    assert not NO_RUN.given and not RunArgs(params={}).given
    for changed in ({"total_steps": 0}, {"steps_per_epoch": 5}, {"params": {"a": 1.0}}, {"samples_per_step": 2}):
        assert NO_RUN.but(**changed).given


def test_of_reads_an_adapters_bound_arguments() -> None:
    given = inspect.signature(lrdsl.torch.scheduler).bind(None, "const(1)", 10, tokens_per_step=4.0)
    given.apply_defaults()
    assert RunArgs.of(given.arguments) == RunArgs(10, None, None, 4.0, None)


def test_a_set_lowers_with_each_members_params_and_the_longest_run() -> None:
    plans = lower_set("lr: cosine($a→0, 100)  ema: const($b, 40)", RunArgs(params={"a": 1.0, "b": 0.5}))
    assert {name: plan.total for name, plan in plans.items()} == {"lr": 100, "ema": 100}
    with pytest.raises(LrdslError, match=r"unused parameter: \$c"):
        lower_set("lr: cosine($a→0, 100)  ema: const(1, 40)", RunArgs(params={"a": 1.0, "c": 2.0}))


@pytest.mark.parametrize(
    ("text", "params"),
    [
        ("momentum: cosine(0.9→0.5, 2ep)", None),  # an error of the member itself: no steps per epoch
        ("momentum: cosine(0.9→$lo, 100)", {"lo": 0.5, "nope": 1.0}),  # a parameter it does not read
    ],
)
def test_generating_a_set_of_one_member_refuses_what_evaluating_it_refuses(
    text: str, params: dict[str, float] | None
) -> None:
    with pytest.raises(LrdslError) as evaluated:
        lrdsl.evaluate_set(text, 100, params=params)
    with pytest.raises(LrdslError) as generated:
        lrdsl.generate(text, "python", 100, params=params)
    assert (generated.value.message, generated.value.hint) == (evaluated.value.message, evaluated.value.hint)
