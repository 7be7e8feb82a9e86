"""``parse(…).bind(…)``: a schedule bound to a run, its repr, its HTML, and ``lrdsl.plot``."""

from __future__ import annotations

import numpy as np
import pytest

import lrdsl
from lrdsl.cli import main
from lrdsl.errors import LrdslError
from tests.frameworks import need

EXAMPLE = "warmup(linear, 5ep) >> cosine(0.1→1e-6) * restart(mult=2)"


def test_repr_is_short() -> None:
    assert repr(lrdsl.parse(EXAMPLE)) == f"Schedule('{EXAMPLE}')"
    long = lrdsl.parse(EXAMPLE + " >> const(1e-6, 100) >> linear(1e-6→0.1, 50)")
    assert repr(long) == "Schedule('warmup(linear, 5ep) >> …')"
    one = lrdsl.parse("fn(" + " + ".join(["sin(u)"] * 20) + ", 10)")
    assert len(repr(one)) == len("Schedule('')") + 60 and repr(one).endswith("…')")


def test_bind_resolves_at_once_with_a_caret() -> None:
    with pytest.raises(LrdslError) as info:
        lrdsl.parse("cosine(0.1→0, 5ep)").bind()
    assert str(info.value).startswith("1:15: error: 5ep needs --steps-per-epoch")
    with pytest.raises(LrdslError, match="flexible phase and no total"):
        lrdsl.bind("cosine(0.1→0)")


def test_a_bound_schedule_does_what_the_command_does(capsys: pytest.CaptureFixture[str]) -> None:
    run = lrdsl.parse(EXAMPLE).bind(total_steps=5000, steps_per_epoch=50)
    assert run.total == 5000 and run == lrdsl.bind(EXAMPLE, 5000, 50)
    np.testing.assert_array_equal(run.evaluate(), lrdsl.evaluate(EXAMPLE, 5000, 50))
    np.testing.assert_array_equal(run.evaluate(steps=[928, 929]), lrdsl.evaluate(EXAMPLE, 5000, 50, steps=[928, 929]))
    assert run.generate("optax") == lrdsl.generate(EXAMPLE, "optax", 5000, 50)
    assert main(["explain", EXAMPLE, "--steps", "5000", "--steps-per-epoch", "50"]) == 0
    assert run.explain() + "\n" == capsys.readouterr().out
    assert repr(run) == f"BoundSchedule('{EXAMPLE}', total_steps=5000, steps_per_epoch=50)"


def test_parameters_are_bound_with_the_run() -> None:
    run = lrdsl.parse("cosine($peak→0, 10)").bind(params={"peak": 2.0})
    assert run.evaluate(steps=[0]).tolist() == [2.0]
    assert repr(run) == "BoundSchedule('cosine($peak→0, 10)', total_steps=10, params={'peak': 2.0})"
    assert "def lr(step" in run.generate("python")


def test_html_of_a_bound_and_an_unbound_schedule() -> None:
    need("matplotlib")
    page = lrdsl.parse("cosine(0.1→0, 100)  # a comment with <b>markup</b>")._repr_html_()
    assert "<svg" in page and "<table" in page and "<b>" not in page
    assert "cosine(0.1→0, 100)" in page and "100 steps" in page
    unbound = lrdsl.parse("cosine($peak→0) >> const(0)")._repr_html_()
    assert "<svg" not in unbound and ".bind(total_steps=…, steps_per_epoch=…)" in unbound
    assert "cosine($peak→0) &gt;&gt; const(0)" in unbound


def test_html_without_matplotlib_says_what_draws_the_curve(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(module: str) -> None:
        raise LrdslError(f"lrdsl plot needs {module.split('.')[0]}", hint="install it: pip install 'lrdsl[plot]'")

    monkeypatch.setattr("lrdsl.tools.plotting._require", missing)
    page = lrdsl.bind("cosine(0.1→0, 100)")._repr_html_()
    assert "<svg" not in page and "<table" in page
    assert "lrdsl plot needs matplotlib: install it: pip install &#x27;lrdsl[plot]&#x27;" in page


def test_plot_returns_a_figure() -> None:
    need("matplotlib")
    from matplotlib.figure import Figure

    fig = lrdsl.plot(EXAMPLE, "onecycle(0.1)", total_steps=5000, steps_per_epoch=50, log=True, x="epochs")
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    assert [
        line.get_label() for line in ax.get_lines() if line.get_gid() and line.get_gid().startswith("schedule-")
    ] == [
        EXAMPLE,
        "onecycle(0.1)",
    ]
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "epochs"
    assert round(fig.get_figwidth() * fig.dpi) == 900


def test_plot_draws_on_given_axes_and_takes_bound_schedules() -> None:
    need("matplotlib")
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.subplots()
    run = lrdsl.bind(EXAMPLE, 5000, 50)
    assert run.plot(ax=ax) is fig
    line = next(ln for ln in ax.get_lines() if ln.get_gid() == "schedule-0")
    x, y = line.get_data()
    np.testing.assert_array_equal(y, lrdsl.evaluate(EXAMPLE, 5000, 50, steps=np.asarray(x, dtype=np.int64)))


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((), {}, "plot() needs at least one schedule"),
        (("cosine(1→0)",), {"total_steps": 10, "x": "epochs"}, "a plot in epochs needs the steps per epoch"),
        (("cosine(1→0)",), {"total_steps": 10, "x": "days"}, "x must be 'steps' or 'epochs', got 'days'"),
        (("cosine(1→0)",), {}, "this schedule has a flexible phase and no total"),
    ],
)
def test_plot_errors(args: tuple[str, ...], kwargs: dict[str, object], message: str) -> None:
    need("matplotlib")
    with pytest.raises(LrdslError, match=message.replace("(", r"\(").replace(")", r"\)")):
        lrdsl.plot(*args, **kwargs)  # type: ignore[arg-type]
