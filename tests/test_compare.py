"""``lrdsl compare`` and ``lrdsl.compare``: equal curves, the first difference, per-phase counts, files."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lrdsl
from lrdsl.tools.values import read_values, values_from_text
from tests.conftest import run_cli
from tests.frameworks import need

HF = "linear(0→0.1, 30) >> cosine(0.1→0, 270)"


def test_equal_expressions_written_differently() -> None:
    got = lrdsl.compare(HF, "linear(0→0.1, 30) >> cosine(0.1→0)", total_steps=300)
    assert got.equal and got.first_step is None and got.differing_steps == 0 and got.max_abs == 0.0


def test_an_off_by_one_warmup_is_found_at_its_first_step() -> None:
    got = lrdsl.compare(HF, "linear(0→0.1, 31) >> cosine(0.1→0)", total_steps=300)
    assert not got.equal and got.first_step == 1
    assert got.a_value == pytest.approx(0.1 / 30) and got.b_value == pytest.approx(0.1 / 31)
    assert got.differing_steps == 299
    assert [(p.label, p.differing) for p in got.phases] == [("linear(0→0.1, 30)", 29), ("cosine(0.1→0, 270)", 270)]


def test_values_against_an_expression_and_tolerances() -> None:
    want = lrdsl.evaluate("cosine(0.1→1e-3, 300)")
    f32 = want.astype(np.float32)
    assert not lrdsl.compare(f32, "cosine(0.1→1e-3, 300)").equal
    got = lrdsl.compare(f32, "cosine(0.1→1e-3, 300)", rtol=1e-6)
    assert got.equal and 0 < got.max_rel < 1e-7
    assert lrdsl.compare(list(want), want).equal
    assert lrdsl.compare(want + 1e-4, want, atol=2e-4).equal


def test_bad_input_is_an_lrdsl_error() -> None:
    with pytest.raises(lrdsl.LrdslError, match="neither schedule"):
        lrdsl.compare("cosine(0.1→0)", "0.1")
    with pytest.raises(lrdsl.LrdslError, match="A has 3 values and B 2"):
        lrdsl.compare([1, 2, 3], [1, 2])
    with pytest.raises(lrdsl.LrdslError, match="finite"):
        lrdsl.compare([1, float("nan")], [1, 2])
    with pytest.raises(lrdsl.LrdslError, match="rtol"):
        lrdsl.compare([1], [1], rtol=-1)


def _write_all(tmp_path: Path, values: np.ndarray) -> list[Path]:
    csv = tmp_path / "lr.csv"
    proc = run_cli("eval", HF, "--steps", "300", "--format", "csv", "-o", str(csv))
    assert proc.returncode == 0, proc.stderr
    txt = tmp_path / "lr.txt"
    txt.write_text("".join(f"{v!r}\n" for v in values.tolist()), encoding="utf-8")
    npy = tmp_path / "lr.npy"
    np.save(npy, values)
    js = tmp_path / "lr.json"
    js.write_text(json.dumps(values.tolist()), encoding="utf-8")
    doc = tmp_path / "eval.json"
    proc = run_cli("eval", HF, "--steps", "300", "--format", "json", "-o", str(doc))
    assert proc.returncode == 0, proc.stderr
    return [csv, txt, npy, js, doc]


def test_every_values_format_reads_back(tmp_path: Path) -> None:
    want = lrdsl.evaluate(HF, 300)
    for path in _write_all(tmp_path, want):
        np.testing.assert_array_equal(read_values(path), want, err_msg=str(path))


@pytest.mark.parametrize(
    ("text", "match"),
    [("step,lr\n0,0.1\n2,0.2\n", "expected step 1"), ("0.1\nabc\n", "line 2"), ("", "no values"), ("nan\n", "finite")],
)
def test_bad_values_files(tmp_path: Path, text: str, match: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(lrdsl.LrdslError, match=match):
        read_values(path)


def test_cli_exit_statuses_and_report(tmp_path: Path) -> None:
    csv = _write_all(tmp_path, lrdsl.evaluate(HF, 300))[0]
    same = run_cli("compare", str(csv), "linear(0→0.1, 30) >> cosine(0.1→0)")
    assert same.returncode == 0 and same.stdout.startswith("equal within"), same.stderr
    off = run_cli("compare", str(csv), "linear(0→0.1, 31) >> cosine(0.1→0)")
    assert off.returncode == 1, off.stderr
    assert "first at step 1: A 0.0033333333333333335, B 0.0032258064516129032" in off.stdout
    assert "       269                31–300  cosine(0.1→0)" in off.stdout
    assert run_cli("compare", str(tmp_path / "missing.csv"), "0.1").returncode == 2
    bad = run_cli("compare", "cosin(0.1→0)", "0.1", "--steps", "10")
    assert bad.returncode == 2 and "did you mean 'cosine'" in bad.stderr


def test_overlay_marks_the_differing_steps(tmp_path: Path) -> None:
    need("matplotlib")
    out = tmp_path / "diff.svg"
    proc = run_cli("compare", HF, "linear(0→0.1, 31) >> cosine(0.1→0)", "--steps", "300", "-o", str(out))
    assert proc.returncode == 1, proc.stderr
    svg = out.read_text(encoding="utf-8")
    assert 'id="curve-a"' in svg and 'id="curve-b"' in svg and 'id="differ"' in svg


# -- values read as they are, or refused


def test_a_byte_order_mark_is_not_part_of_the_first_value(tmp_path: Path) -> None:
    path = tmp_path / "lr.txt"
    path.write_bytes(b"\xef\xbb\xbf0.1\n0.2\n0.3\n")
    np.testing.assert_array_equal(read_values(path), [0.1, 0.2, 0.3])
    csv = tmp_path / "lr.csv"
    csv.write_bytes(b"\xef\xbb\xbfstep,lr\n0,0.1\n1,0.2\n")
    np.testing.assert_array_equal(read_values(csv), [0.1, 0.2])
    np.testing.assert_array_equal(values_from_text("\ufeff0.1\n0.2\n0.3\n"), [0.1, 0.2, 0.3])  # fit -
    proc = run_cli("compare", str(path), "linear(0.1→0.4, 3)")
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xe2\x80\x8b0.1\n0.2\n", "cannot read TMP: line 1: '\\u200b0.1' is not a number"),
        (b"0.1\n1_0\n", "cannot read TMP: line 2: '1_0' is not a number"),
        ("\uff11\n".encode(), "cannot read TMP: line 1: '１' is not a number"),
    ],
)
def test_a_first_line_that_is_not_a_header_is_not_skipped(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "lr.txt"
    path.write_bytes(data)
    with pytest.raises(lrdsl.LrdslError) as info:
        read_values(path)
    assert info.value.message == message.replace("TMP", str(path))


def test_json_curves_nested_deeply_or_with_huge_integers_are_refused(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    big = tmp_path / "big.json"
    big.write_text("[" + "9" * 400 + ", 0.1]")
    for path, message in [
        (deep, f"error: cannot read {deep}: nested too deeply (expected a list of numbers)\n"),
        (big, f"error: cannot read {big}: value 0 (400 digits) is too large for a float64 number\n"),
    ]:
        proc = run_cli("compare", str(path), "const(0.1)")
        assert (proc.returncode, proc.stderr) == (2, message)


@pytest.mark.parametrize(
    ("array", "kind"),
    [
        (np.array([1 + 2j, 0.5]), "complex numbers"),
        (np.array(["2020-01-01", "2020-01-02"], dtype="datetime64[D]"), "dates"),
        (np.array([1, 2], dtype="timedelta64[s]"), "time spans"),
        (np.array([True, False]), "booleans"),
        (np.array(["0.1", "0.2"]), "text"),
    ],
)
def test_npy_arrays_that_are_not_real_numbers_are_refused(tmp_path: Path, array: np.ndarray, kind: str) -> None:
    path = tmp_path / "lr.npy"
    np.save(path, array)
    proc = run_cli("compare", str(path), "const(0.1)")
    assert (proc.returncode, proc.stderr) == (2, f"error: {path} must be real numbers, not {kind}\n")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([1 + 2j, 1.0], "A values must be real numbers, not complex numbers"),
        ([True, False], "A values must be real numbers, not booleans"),
        (["0.1"], "A values must be real numbers, not text"),
        ([10**400, 1], "A values: a value is too large for a float64 number"),
    ],
)
def test_api_values_that_are_not_real_numbers_are_refused(values: list[object], message: str) -> None:
    with pytest.raises(lrdsl.LrdslError) as info:
        lrdsl.compare(values, [0.1, 0.1])  # type: ignore[arg-type]  # refused on purpose
    assert info.value.message == message


# -- streamed in blocks; one option grammar; the per-phase table


def test_a_long_run_is_compared_in_blocks_and_keeps_a_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = "linear(0→0.1, 30) >> cosine(0.1→0)", "linear(0→0.1, 31) >> cosine(0.1→0)"
    whole = lrdsl.compare(a, b, total_steps=3000)
    monkeypatch.setattr("lrdsl.tools.comparison.BLOCK", 7)
    monkeypatch.setattr("lrdsl.tools.comparison.KEEP_AT_MOST", 100)
    monkeypatch.setattr("lrdsl.tools.comparison.SAMPLE", 50)
    blocks = lrdsl.compare(a, b, total_steps=3000)
    for name in ("equal", "max_abs", "max_rel", "first_step", "a_value", "b_value", "differing_steps", "phases"):
        assert getattr(blocks, name) == getattr(whole, name), name
    assert blocks.total == 3000 and blocks.steps.size == blocks.a.size < 60
    assert {0, 1, 2, 3, 4, 2999} <= set(blocks.steps.tolist())  # the sample and the first difference's rows
    np.testing.assert_array_equal(blocks.a, whole.a[blocks.steps])
    from lrdsl.cli.commands.fit import report

    # a run longer than KEEP_AT_MOST is searched on a sample and gets the same verified edit
    assert report(blocks) == report(whole)
    assert blocks.difference == whole.difference and blocks.suggestion == whole.suggestion


def test_compare_memory_does_not_grow_with_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each block is evaluated on its own: no array as long as the run is asked of the interpreter."""
    import lrdsl.ir.interpreter as interpreter

    longest = []
    real = interpreter.evaluate_range

    def spy(node: object, start: int, stop: int) -> np.ndarray:
        longest.append(stop - start)
        return real(node, start, stop)  # type: ignore[arg-type]

    monkeypatch.setattr(interpreter, "evaluate_range", spy)
    monkeypatch.setattr("lrdsl.tools.comparison.BLOCK", 1000)
    got = lrdsl.compare("cosine(0.1→0)", "cosine(0.1→1e-9)", total_steps="5e6")
    assert not got.equal and got.total == 5_000_000 and max(longest) == 1000
    assert got.a.size == got.steps.size < 30_000


def test_compare_takes_steps_in_any_unit_as_every_command_does() -> None:
    got = lrdsl.compare("cosine(0.1→0)", "cosine(0.1→0, 10ep)", total_steps="10ep", steps_per_epoch=30)
    assert got.equal and got.total == 300
    proc = run_cli("compare", "cosine(0.1→0)", "cosine(0.1→0, 10ep)", "--steps", "10ep", "--steps-per-epoch", "30")
    assert proc.returncode == 0 and proc.stdout.startswith("equal within rtol 1e-09, atol 0 over 300 steps")
    proc = run_cli("compare", "cosine(0.1→0)", "cosine(0.1→0, 2Mtok)", "--steps", "2Mtok", "--tokens-per-step", "4k")
    assert proc.returncode == 0 and "over 500 steps" in proc.stdout, proc.stderr


@pytest.mark.parametrize("spe", [float("nan"), -1, 0, float("inf")])
def test_compare_refuses_a_run_no_run_can_have(spe: float) -> None:
    for a, b in (([0.1, 0.1], [0.1, 0.1]), ("cosine(1→0, 10)", "cosine(1→0, 10)")):
        with pytest.raises(lrdsl.LrdslError, match="steps per epoch"):
            lrdsl.compare(a, b, steps_per_epoch=spe)
    proc = run_cli("compare", "cosine(1→0, 10)", "cosine(1→0, 10)", "--steps-per-epoch", "-1")
    assert (proc.returncode, proc.stderr) == (2, "error: steps per epoch must be a positive number, got -1.0\n")


def test_a_syntax_error_is_reported_when_neither_side_has_a_length() -> None:
    with pytest.raises(lrdsl.LrdslError, match="unknown shape 'cosin'"):
        lrdsl.compare("cosin(0.1→0)", "cosin(0.1→0)")


def test_the_phase_table_lists_only_phases_where_steps_differ() -> None:
    from lrdsl.cli.commands.fit import report

    a = "warmup(linear, 10) >> multistep(0.1, at=[50, 100]) >> const(0.01, 20)"
    got = lrdsl.compare(a, "warmup(linear, 10) >> multistep(0.1, at=[50, 101]) >> const(0.01, 20)", total_steps=200)
    assert all(p.end > p.start for p in got.phases)  # no milestone rows: they span no step
    table = report(got).split("differing steps per phase:\n")[1].split("\ndifference:")[0].splitlines()
    assert table == ["         1                10–180  multistep(0.1, at=[50, 100])"]


def test_the_overlay_names_each_curve_by_its_expression_or_file(tmp_path: Path) -> None:
    need("matplotlib")
    values = tmp_path / "lr.npy"
    np.save(values, lrdsl.evaluate("cosine($a→0, 300)", params={"a": 0.1}))
    out = tmp_path / "diff.svg"
    proc = run_cli("compare", str(values), "linear(0→0.1, 31) >> cosine(0.1→0)", "--steps", "300", "-o", str(out))
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == f"lrdsl: wrote {out}: both curves, the differing steps marked\n"
    svg = out.read_text(encoding="utf-8")
    assert "lr.npy" in svg and ">A<" not in svg
    got = lrdsl.compare("cosine(0.1→0, 300)", read_values(values))
    assert got.labels == ("cosine(0.1→0, 300)", "B")


# -- what differs, and the verified edit that removes it

WARM = "warmup(linear, 20) >> cosine(1e-3→1e-5)"


@pytest.mark.parametrize(
    ("b", "kw", "said", "suggested"),
    [
        (  # a scheduler stepped after the update with that update's index
            f"({WARM}) * offset(-1)",
            {"total_steps": 300},
            "B is A 1 step late",
            "(warmup(linear, 20) >> cosine(1e-3→1e-5)) * offset(-1)",
        ),
        (  # a per-epoch scheduler stepped after the epoch
            f"({WARM}) * quantize(1ep) * offset(-1ep)",
            {"total_steps": "30ep", "steps_per_epoch": 10},
            "held per epoch and 1 epoch late",
            "(warmup(linear, 20) >> cosine(1e-3→1e-5)) * quantize(1ep) * offset(-1ep)",
        ),
        (  # max(1, t) / W: step 0 already warm
            f"const(5e-5, 1) >> ({WARM}) * offset(1)",
            {"total_steps": 300},
            "only step 0 differs: B starts at 5e-5",
            "const(5e-5, 1) >> (warmup(linear, 20) >> cosine(1e-3→1e-5)) * offset(1)",
        ),
        (  # ten epochs of 7 steps late: the shift is written in epochs
            f"({WARM}) * offset(-1ep)",
            {"total_steps": 300, "steps_per_epoch": 7},
            "B is A 1 epoch late",
            "(warmup(linear, 20) >> cosine(1e-3→1e-5)) * offset(-1ep)",
        ),
        (  # an absolute rate where a multiplier was meant
            f"3 * ({WARM})",
            {"total_steps": 300},
            "B is 3 × A",
            "3 * (warmup(linear, 20) >> cosine(1e-3→1e-5))",
        ),
        (  # one phase differs: replaced by the named shape of its steps
            "warmup(linear, 20) >> cosine(1e-3→0)",
            {"total_steps": 300},
            "only phase 2 differs (cosine(1e-3→1e-5), steps 20–299)",
            "warmup(linear, 20) >> cosine(1e-3→0)",
        ),
    ],
)
def test_a_difference_is_named_and_its_edit_verified(b: str, kw: dict[str, Any], said: str, suggested: str) -> None:
    got = lrdsl.compare(WARM, b, **kw)
    assert not got.equal and said in got.difference and got.suggestion == suggested
    # the suggestion is what it claims: equal to B over the run
    assert lrdsl.compare(got.suggestion, b, **kw).equal


def test_a_rounded_period_is_solved_from_the_drops() -> None:
    """Keras' ``ExponentialDecay(decay_steps=60, staircase=True)`` at 25 steps per epoch is every 2.4ep;
    a translation that rounded it to 2ep drops too early."""
    a = "linear(0→0.1, 5ep) >> exp_decay(0.1, rate=0.5, every=2ep, staircase=true)"
    b = "linear(0→0.1, 5ep) >> exp_decay(0.1, rate=0.5, every=2.4ep, staircase=true)"
    got = lrdsl.compare(a, b, total_steps="40ep", steps_per_epoch=25)
    assert got.difference == "the period of exp_decay differs: B drops every 2.4ep"
    assert got.suggestion == b
    b = "step(0.1, gamma=0.5, every=2.5ep)"
    step = lrdsl.compare("step(0.1, gamma=0.5, every=2ep)", b, total_steps=100, steps_per_epoch=10)
    assert step.difference == "the period of step differs: B drops every 2.5ep" and step.suggestion == b


def test_a_recorded_curve_against_an_expression_gets_the_edit_of_the_expression() -> None:
    values = lrdsl.evaluate(WARM, 300)
    got = lrdsl.compare(values, f"({WARM}) * offset(-1)")
    assert got.difference.startswith("A is B 1 step early") and got.suggestion == WARM
    both = lrdsl.compare(values, lrdsl.evaluate(f"({WARM}) * offset(-1)", 300))
    assert not both.equal and both.suggestion is None and both.difference == ""


def test_no_suggestion_when_nothing_simple_explains_it() -> None:
    got = lrdsl.compare(HF, "linear(0→0.1, 31) >> cosine(0.1→0)", total_steps=300)
    assert got.suggestion is None and got.difference.startswith("no simple edit")
    noisy = lrdsl.evaluate(HF, 300) * (1 + 1e-3 * np.sin(np.arange(300)))
    assert lrdsl.compare(HF, noisy).suggestion is None
    assert lrdsl.compare(HF, HF, total_steps=300).difference == ""


def test_the_cli_prints_one_suggestion_line_and_exits_1() -> None:
    proc = run_cli(
        "compare", WARM, f"({WARM}) * quantize(1ep) * offset(-1ep)", "--steps", "30ep", "--steps-per-epoch", "10"
    )
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert [ln for ln in lines if ln.startswith("suggestion: ")] == [
        "suggestion: (warmup(linear, 20) >> cosine(1e-3→1e-5)) * quantize(1ep) * offset(-1ep)"
    ]
    assert lines[-2].startswith("difference: B is A held per epoch and 1 epoch late")


@pytest.mark.parametrize(
    ("before", "said", "suggested"), [(True, "B is A 1 step early", "* offset(1)"), (False, "", None)]
)
def test_a_torch_loop_that_steps_its_scheduler_before_the_update(
    before: bool, said: str, suggested: str | None
) -> None:
    """``scheduler.step()`` before ``optimizer.step()`` (PyTorch warns of it): every update uses the next step's
    rate, recorded from the optimizer itself; compare names the shift and the expression that matches it."""
    torch = need("torch")
    import warnings

    a = "warmup(linear, 20) >> cosine(0.1→0, 80)"
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=0.1)
    ramp = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda i: i / 20 if i < 20 else 0.5 * (1 + float(np.cos(np.pi * (i - 20) / 80)))
    )
    with lrdsl.record(opt) as rec, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the order warning is the point of this loop
        for _ in range(100):
            if before:
                ramp.step()
            opt.zero_grad()
            p.sum().backward()
            opt.step()
            if not before:
                ramp.step()
    got = lrdsl.compare(a, rec.values, rtol=1e-12)
    assert got.equal is not before and got.difference.startswith(said)
    if suggested is None:
        assert got.suggestion is None
    else:
        assert got.suggestion == f"({a}) {suggested}"
        assert lrdsl.compare(got.suggestion, rec.values, rtol=1e-12).equal


def test_a_counter_max_1_t_is_step_0_taking_step_1s_value() -> None:
    """Coqui's NoamLR computes with ``step = max(last_epoch, 1)``: only step 0 differs from the plain Noam
    schedule, and the edit is the form docs/conventions.md gives for it."""
    w, t = 4000, np.arange(8000)
    step = np.maximum(t, 1)
    coqui = 1e-3 * w**0.5 * np.minimum(step * w**-1.5, step**-0.5)
    noam = "min(linear(0→1e-3, 4000), rsqrt(1e-3, warmup=4000))"
    got = lrdsl.compare(noam, coqui, rtol=1e-12)
    assert got.difference == "only step 0 differs: B starts at 2.5e-7 (the value of step 1, a counter max(1, t))"
    assert got.suggestion == f"{noam} * offset(1) * offset(-1)"


def test_a_factor_below_one_is_written_as_a_division() -> None:
    got = lrdsl.compare(WARM, lrdsl.evaluate(WARM, 300) / 3)
    assert got.difference.startswith("B is A / 3") and got.suggestion == f"({WARM}) / 3"


def test_a_flexible_phase_under_an_offset_and_an_unfitted_phase() -> None:
    """A clock one epoch ahead stretches a flexible cosine too: no pure shift of the values, yet the edit
    is found and verified. A phase no named shape gives is named, with its steps."""
    a = "linear(0→1, 50) >> cosine(1→0)"
    got = lrdsl.compare(a, f"({a}) * offset(1ep)", total_steps=300, steps_per_epoch=10)
    assert got.difference == "B is A on a clock 1 epoch ahead" and got.suggestion == f"({a}) * offset(1ep)"
    x = lrdsl.evaluate(a, 300)
    wavy = np.concatenate([x[:50], x[50:] * (1 + 1e-3 * np.sin(np.arange(250)))])
    got = lrdsl.compare(a, wavy)
    assert got.suggestion is None
    assert got.difference == "only phase 2 differs (cosine(1→0), steps 50–299); no named shape reproduces it"


def test_a_curve_of_extreme_values_is_searched_without_errors_or_warnings() -> None:
    import warnings

    values = np.array([1e308, 0.06666666666666668, 0.03333333333333334])  # found by fuzz/curves.py
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = lrdsl.compare(values, "cosine(0.1→0)")
    assert result.suggestion is None and not result.equal


@pytest.mark.parametrize(
    ("b", "said"),
    [
        (f"({WARM}) * offset(-1)", "B is A 1 step late"),
        (f"3 * ({WARM})", "B is 3 × A"),
        (f"const(5e-5, 1) >> ({WARM}) * offset(1)", "only step 0 differs: B starts at 5e-5"),
    ],
)
def test_a_run_of_ten_million_steps_gets_its_suggestion(b: str, said: str) -> None:
    """Searched on a sample of the steps, the edit verified at every step in blocks."""
    got = lrdsl.compare(WARM, b, total_steps=10_000_000)
    assert got.difference.startswith(said) and got.suggestion == str(lrdsl.parse(b))
    assert got.steps.size < 30_000  # the result keeps a sample, not the run


def test_a_sampled_search_does_not_suggest_an_edit_that_differs_off_the_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    """B is 2 × A but at step 1500: a factor the sample sees everywhere it looks, refused over the run."""
    monkeypatch.setattr("lrdsl.tools.comparison.KEEP_AT_MOST", 100)
    monkeypatch.setattr("lrdsl.tools.comparison.SAMPLE", 50)
    monkeypatch.setattr("lrdsl.tools.comparison.HEAD", 10)
    monkeypatch.setattr("lrdsl.tools.comparison.AROUND", 4)
    b = "const(2, 1500) >> const(1, 1) >> const(2)"  # step 1500 is not in the sample
    got = lrdsl.compare("const(1)", b, total_steps=3000)
    assert got.suggestion is None and not got.equal


def test_past_the_verified_bound_the_sentence_says_how_far(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("lrdsl.tools.comparison.KEEP_AT_MOST", 100)
    monkeypatch.setattr("lrdsl.fitting.edits.MAX_VERIFIED", 1000)
    monkeypatch.setattr("lrdsl.fitting.edits.BLOCK", 300)
    monkeypatch.setattr("lrdsl.tools.comparison.SAMPLE", 50)
    got = lrdsl.compare(WARM, f"3 * ({WARM})", total_steps=5000)
    assert got.suggestion == f"3 * ({WARM})"
    assert re.search(r"\(verified at every step up to 1e\+03 and at \d+ spread steps beyond\)$", got.difference)
