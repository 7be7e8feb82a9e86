"""``lrdsl plot`` and ``lrdsl.plot`` of a schedule set: one axis per member, sharing the step axis."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

import lrdsl
from lrdsl.cli import main
from tests.conftest import run_cli
from tests.frameworks import need

SET = """lr:            warmup(linear, 5ep) >> cosine($peak→$peak / 10)
weight_decay:  linear(0.1→0.01)
betas[1]:      linear(0.95→0.99, 10%) >> hold()
ema:           fn(min(0.9999, (1 + t) / (10 + t)))
loss.kl:       linear(0→1, 300)"""
RUN = {"total_steps": 1000, "steps_per_epoch": 10, "params": {"peak": 3e-4}}
CLI_RUN = ["--steps", "1000", "--steps-per-epoch", "10", "--set", "peak=3e-4"]
SVG = "{http://www.w3.org/2000/svg}"


def test_api_draws_each_member_on_its_own_axis_sharing_the_steps() -> None:
    need("matplotlib")
    fig = lrdsl.plot(SET, **RUN)  # type: ignore[arg-type]
    expected = lrdsl.evaluate_set(SET, **RUN)  # type: ignore[arg-type]
    assert [ax.get_title() for ax in fig.axes] == list(expected)
    for ax, (name, values) in zip(fig.axes, expected.items(), strict=True):
        (line,) = [ln for ln in ax.get_lines() if ln.get_gid() and "schedule" in ln.get_gid()]
        np.testing.assert_array_equal(np.asarray(line.get_ydata()), values)  # 1000 steps: every step drawn
        np.testing.assert_array_equal(np.asarray(line.get_xdata()), np.arange(1000))
        assert ax.get_ylabel() == ("learning rate" if name == "lr" else "value")
    shared = fig.axes[0].get_shared_x_axes()
    assert all(shared.joined(fig.axes[0], ax) for ax in fig.axes)
    assert [ax.get_xlabel() for ax in fig.axes] == ["", "", "", "", "steps"]  # the lowest axis says the unit


def test_api_takes_parsed_mapping_and_bound_sets_and_a_member() -> None:
    need("matplotlib")
    parsed = lrdsl.parse_set(SET)
    bound = parsed.bind(**RUN)  # type: ignore[arg-type]
    for given in (parsed, bound):
        fig = lrdsl.plot(given, **({} if given is bound else RUN))  # type: ignore[arg-type]
        assert len(fig.axes) == 5
    mapping = {"lr": "cosine(1→0)", "weight_decay": 0.05}
    fig = lrdsl.plot(mapping, total_steps=10)
    np.testing.assert_array_equal(fig.axes[1].get_lines()[0].get_ydata(), np.full(10, 0.05))
    one = lrdsl.plot(SET, member="ema", **RUN)  # type: ignore[arg-type]
    (ax,) = one.axes
    assert ax.get_title() == "ema"
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), lrdsl.evaluate(SET, member="ema", **RUN))  # type: ignore[arg-type]
    assert len(bound.plot(member="loss.kl").axes) == 1
    with pytest.raises(lrdsl.LrdslError, match="this set has no member 'nope'"):
        lrdsl.plot(bound, member="nope")


def test_a_schedule_alone_keeps_its_one_axis() -> None:
    need("matplotlib")
    fig = lrdsl.plot("cosine(1→0)", "lr: linear(1→0)", total_steps=100)
    (ax,) = fig.axes
    assert ax.get_title() == "" and ax.get_ylabel() == "learning rate" and len(ax.get_lines()) == 2
    assert tuple(fig.get_size_inches() * fig.dpi) == (900, 450)


def test_an_ax_is_refused_for_several_members_and_takes_one() -> None:
    need("matplotlib")
    from matplotlib.figure import Figure

    ax = Figure().subplots()
    with pytest.raises(lrdsl.LrdslError) as info:
        lrdsl.plot(SET, ax=ax, **RUN)  # type: ignore[arg-type]
    assert str(info.value) == (
        "error: a set of 5 members is drawn on 5 axes, not on the one ax= given\n"
        "hint: leave out ax= (the figure is made for it), or draw one member: member='NAME'"
    )
    assert lrdsl.plot(SET, ax=ax, member="betas[1]", **RUN) is ax.figure  # type: ignore[arg-type]
    assert ax.get_title() == "betas[1]"


def test_svg_has_an_axis_per_member_with_its_lines(tmp_path: Path) -> None:
    need("matplotlib")
    out = tmp_path / "set.svg"
    proc = run_cli("plot", SET, "cosine($peak→0)", *CLI_RUN, "--x", "epochs", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    root = ET.parse(out).getroot()
    ids = [g.get("id", "") for g in root.iter(f"{SVG}g")]
    assert [i for i in ids if i.startswith("member-") and i.count("-") == 1] == [f"member-{k}" for k in range(5)]
    lines = sorted(i for i in ids if "-schedule-" in i)
    assert lines == sorted(
        ["member-0-schedule-0", "member-0-schedule-1", *(f"member-{k}-schedule-0" for k in range(1, 5))]
    )
    assert "member-0-boundary-0" in ids  # the warm-up's end, marked on the lr axis
    assert "epochs" in out.read_text() and "weight_decay" in out.read_text()


def test_png_of_a_set_grows_with_its_members(tmp_path: Path) -> None:
    need("matplotlib")
    import struct

    out = tmp_path / "set.png"
    assert run_cli("plot", SET, *CLI_RUN, "-o", str(out)).returncode == 0
    assert struct.unpack(">II", out.read_bytes()[16:24]) == (900, 60 + 180 * 5)
    assert run_cli("plot", SET, *CLI_RUN, "-o", str(out), "--size", "640x900").returncode == 0
    assert struct.unpack(">II", out.read_bytes()[16:24]) == (640, 900)


def test_cli_member_warnings_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    need("matplotlib")
    out = str(tmp_path / "one.png")
    assert main(["plot", SET, *CLI_RUN, "--member", "ema", "-o", out]) == 0
    assert capsys.readouterr().err == f"lrdsl: wrote {out}: 1 schedule, 1 member\n"
    assert main(["plot", SET, "cosine($peak→0)", *CLI_RUN, "-o", out]) == 0
    assert capsys.readouterr().err == f"lrdsl: wrote {out}: 2 schedules, 5 members\n"
    trap = "lr: warmup(linear, 5ep) >> multistep(0.1, at=[30ep])\nema: linear(0.9→0.99, 10)"
    assert main(["plot", trap, "--steps", "1000", "--steps-per-epoch", "10", "-o", out]) == 0
    err = capsys.readouterr().err
    assert err.startswith("in member 'lr':\n1:28: warning: the milestones at=[30ep] of multistep() count")
    assert main(["plot", trap, "--steps", "1000", "--steps-per-epoch", "10", "-o", out, "--strict"]) == 2
    assert "treated as errors (--strict)" in capsys.readouterr().err
    assert main(["plot", SET, *CLI_RUN, "--member", "nope", "-o", out]) == 2
    assert capsys.readouterr().err == (
        "error: this set has no member 'nope'\nhint: its members: lr, weight_decay, betas[1], ema, loss.kl\n"
    )
    assert main(["plot", SET, "--steps", "1000", "--steps-per-epoch", "10", "-o", out]) == 2
    assert "in member 'lr': parameter $peak is not bound" in capsys.readouterr().err


def test_cli_reads_a_set_from_a_file_and_steps_mean_the_run(tmp_path: Path) -> None:
    need("matplotlib")
    path = tmp_path / "run.lrdsl"
    path.write_text("lr: cosine(1→0)\nema: linear(0.9→0.99, 30)\n", encoding="utf-8")
    fig = lrdsl.plot(lrdsl.parse_set(path.read_text(encoding="utf-8")), total_steps="2ep", steps_per_epoch=50)
    assert [len(ax.get_lines()[0].get_xdata()) for ax in fig.axes] == [100, 100]  # one run: --steps for every member
    out = tmp_path / "run.svg"
    proc = run_cli("plot", f"@{path}", "--steps", "2ep", "--steps-per-epoch", "50", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "member-1-schedule-0" in out.read_text()


def test_terminal_draws_each_member_after_its_name() -> None:
    need("plotext")
    proc = run_cli("plot", SET, *CLI_RUN, "--size", "80x60")
    assert proc.returncode == 0, proc.stderr
    heads = [line for line in proc.stdout.splitlines() if line.endswith(":") and not line.startswith(" ")]
    assert heads == ["lr:", "weight_decay:", "betas[1]:", "ema:", "loss.kl:"]
    assert max(len(line) for line in proc.stdout.splitlines()) <= 80
