"""``ScheduleSet.bind``: every member resolved on one run, ``$params`` bound once, as ``evaluate_set`` runs them."""

from __future__ import annotations

import numpy as np
import pytest

import lrdsl

SET = """lr:            warmup(linear, 2ep) >> cosine($peak→$peak / 10)
weight_decay:  linear(0.1→0.01)
betas[1]:      linear(0.95→0.99, 10%) >> hold()
ema:           fn(min(0.9999, (1 + t) / (10 + t)))
loss.kl:       linear(0→1, 300)"""


def test_bound_set_is_evaluate_set_on_one_run() -> None:
    bound = lrdsl.parse_set(SET).bind(total_steps="10ep", steps_per_epoch=50, params={"peak": 3e-4})
    assert isinstance(bound, lrdsl.BoundScheduleSet)
    assert bound.total == bound.total_steps == 500 and bound.names == (
        "lr",
        "weight_decay",
        "betas[1]",
        "ema",
        "loss.kl",
    )
    expected = lrdsl.evaluate_set(SET, "10ep", 50, params={"peak": 3e-4})
    assert list(bound.values) == list(expected)
    for name, values in expected.items():
        np.testing.assert_array_equal(bound.values[name], values)
        assert not bound.values[name].flags.writeable
    some = bound.evaluate(steps=[0, 99, 10_000])
    np.testing.assert_array_equal(
        some["loss.kl"], lrdsl.evaluate(SET, "10ep", 50, [0, 99, 10_000], {"peak": 3e-4}, member="loss.kl")
    )


def test_a_member_is_a_bound_schedule_on_the_sets_run() -> None:
    bound = lrdsl.parse_set(SET).bind(500, 50, {"peak": 3e-4})
    lr = bound.member("lr")
    assert isinstance(lr, lrdsl.BoundSchedule) and lr.total == 500 and dict(lr.params) == {"peak": 3e-4}
    np.testing.assert_array_equal(lr.values, bound.values["lr"])
    ema = bound.member("ema")
    assert ema.params == () and ema.steps_per_epoch == 50  # a member receives the parameters it reads
    np.testing.assert_array_equal(ema.values, bound.values["ema"])
    with pytest.raises(lrdsl.LrdslError, match="this set has no member 'wd'"):
        bound.member("wd")


def test_without_a_total_the_run_is_the_longest_explicit_member() -> None:
    bound = lrdsl.parse_set("a: linear(0→1, 30)  b: cosine(1→0)").bind()
    assert bound.total == 30 and bound.values["b"].size == 30
    assert bound == lrdsl.parse_set("a: linear(0→1, 30)  b: cosine(1→0)").bind(None)
    assert repr(bound) == "BoundScheduleSet('a: linear(0→1, 30)\\nb: cosine(1→0)', total_steps=30)"


def test_explain_and_generate_use_the_bound_run(capsys: pytest.CaptureFixture[str]) -> None:
    from lrdsl.cli import main

    bound = lrdsl.parse_set(SET).bind(500, 50, {"peak": 3e-4})
    assert main(["explain", SET, "--steps", "500", "--steps-per-epoch", "50", "--set", "peak=3e-4"]) == 0
    assert bound.explain() + "\n" == capsys.readouterr().out
    code = bound.generate("python")
    assert code == lrdsl.generate(SET, "python", 500, 50, params={"peak": 3e-4})
    namespace: dict[str, object] = {}
    exec(compile(code, "gen", "exec"), namespace)
    values = namespace["values"]
    assert callable(values) and values(123)["betas[1]"] == bound.values["betas[1]"][123]


def test_errors_name_the_member_and_parameters_are_shared() -> None:
    parsed = lrdsl.parse_set(SET)
    with pytest.raises(lrdsl.LrdslError, match="in member 'lr': parameter \\$peak is not bound"):
        parsed.bind(500, 50)
    with pytest.raises(lrdsl.LrdslError, match="unused parameter: \\$nope"):
        parsed.bind(500, 50, params={"peak": 1.0, "nope": 2.0})
    with pytest.raises(lrdsl.LrdslError, match=r"lrdsl\.bind\(\) binds one schedule; this is a set"):
        lrdsl.bind(parsed, 500)
    assert lrdsl.parse("cosine(1→0)").bind(10).total == 10  # a schedule binds as before


def test_a_bound_set_shows_every_member_in_a_notebook() -> None:
    from tests.frameworks import need

    need("matplotlib")
    bound = lrdsl.parse_set("lr: cosine(1→0)\nloss.kl: fn(min(1, t / 5))").bind(10)
    shown = bound._repr_html_()
    assert shown.count("<svg") == 1 and shown.count('<table class="lrdsl-explain">') == 2
    assert "<code>loss.kl</code>" in shown and "fn(min(1, t / 5))" in shown and "10 steps" in shown
    assert 'id="member-1-schedule-0"' in shown
