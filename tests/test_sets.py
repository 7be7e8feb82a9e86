"""Schedule sets (LANGUAGE.md §9.5): several named schedules on one run's clock."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import lrdsl
from lrdsl.cli import main
from lrdsl.language.ast import checked_set

FIVE = """lr:            warmup(linear, 20) >> cosine($peak→$peak / 10)
weight_decay:  linear(0.1→0.01)
betas[1]:      linear(0.95→0.99, 10%) >> hold()
ema:           fn(min(0.9999, (1 + t) / (10 + t)))    # timm/TF form
loss.kl:       linear(0→1, 30)
"""
CANONICAL = """lr: warmup(linear, 20) >> cosine($peak→$peak / 10)
weight_decay: linear(0.1→0.01)
betas[1]: linear(0.95→0.99, 10%) >> hold()
ema: fn(min(0.9999, (1 + t) / (10 + t)))
loss.kl: linear(0→1, 30)"""
RUN: dict[str, Any] = {"total_steps": 100, "params": {"peak": 1e-3}}

_MANY = "\n".join(f"m{i}: {i}" for i in range(65))
_MANY_LAST = "65:1: error: a set has at most 64 members; this one has 65\n  m64: 64\n  ^^^\nhint: split the set, or schedule fewer hyper-parameters"

SET_ERRORS: list[tuple[str, Any, dict[str, Any], str]] = [
    (
        "parse",
        "lr: cosine(1e-3→0)\nweight_decay: linear(0.1→0)",
        {},
        "1:1: error: this text is a set of schedules (lr, weight_decay), not one schedule\n  lr: cosine(1e-3→0)\n  ^^\nhint: read it with lrdsl.parse_set(text), or pick one with lrdsl.evaluate(text, member=…)",
    ),
    (
        "parse",
        "weight_decay: 0.1",
        {},
        "1:1: error: this text is a set of schedules (weight_decay), not one schedule\n  weight_decay: 0.1\n  ^^^^^^^^^^^^\nhint: read it with lrdsl.parse_set(text), or pick one with lrdsl.evaluate(text, member=…)",
    ),
    (
        "parse_set",
        "lr: 1 lr: 2",
        {},
        "1:7: error: member 'lr' is given twice\n  lr: 1 lr: 2\n        ^^\nhint: each member appears once",
    ),
    (
        "parse_set",
        "betas: 0.9\nbetas[0]: 0.9",
        {},
        "2:1: error: members 'betas' and 'betas[0]' both set betas\n  betas[0]: 0.9\n  ^^^^^^^^\nhint: give either betas or its entries",
    ),
    (
        "parse_set",
        "lr: 1e-3\nwd: 0.1",
        {},
        "2:1: error: 'wd' is another framework's spelling\n  wd: 0.1\n  ^^\nhint: did you mean 'weight_decay'?",
    ),
    (
        "parse_set",
        "learning_rate: 1e-3",
        {},
        "1:1: error: 'learning_rate' is another framework's spelling\n  learning_rate: 1e-3\n  ^^^^^^^^^^^^^\nhint: did you mean 'lr'?",
    ),
    (
        "parse_set",
        "b1: 0.9",
        {},
        "1:1: error: 'b1' is another framework's spelling\n  b1: 0.9\n  ^^\nhint: did you mean 'betas[0]'?",
    ),
    (
        "parse_set",
        "b2: 0.999",
        {},
        "1:1: error: 'b2' is another framework's spelling\n  b2: 0.999\n  ^^\nhint: did you mean 'betas[1]'?",
    ),
    (
        "parse_set",
        "beta_1: 0.9",
        {},
        "1:1: error: 'beta_1' is another framework's spelling\n  beta_1: 0.9\n  ^^^^^^\nhint: did you mean 'betas[0]'?",
    ),
    (
        "parse_set",
        "beta_2: 0.99",
        {},
        "1:1: error: 'beta_2' is another framework's spelling\n  beta_2: 0.99\n  ^^^^^^\nhint: did you mean 'betas[1]'?",
    ),
    (
        "parse_set",
        "epsilon: 1e-8",
        {},
        "1:1: error: 'epsilon' is another framework's spelling\n  epsilon: 1e-8\n  ^^^^^^^\nhint: did you mean 'eps'?",
    ),
    (
        "parse_set",
        "betas[2]: 0.9",
        {},
        "1:1: error: 'betas[2]' is not an optimizer's beta\n  betas[2]: 0.9\n  ^^^^^^^^\nhint: Adam's betas are betas[0] and betas[1]",
    ),
    (
        "parse_set",
        "betas[10]: 0.9",
        {},
        "1:1: error: 'betas[10]' is not a member name\n  betas[10]: 0.9\n  ^^^^^^^^^\nhint: a member name is an identifier, dotted names allowed (loss.kl), with one digit index (betas[1])",
    ),
    (
        "parse_set",
        "loss . kl: 1",
        {},
        "1:1: error: a member name is written without spaces\n  loss . kl: 1\n  ^^^^^^^^^\nhint: write loss.kl",
    ),
    (
        "parse_set",
        "lr: cosine(1e-3→0)\nweight_decay: cosin(0.1→0)",
        {},
        "2:15: error: in member 'weight_decay': unknown shape 'cosin'\n  weight_decay: cosin(0.1→0)\n                ^^^^^\nhint: did you mean 'cosine'?",
    ),
    ("parse_set", _MANY, {}, _MANY_LAST),
    ("parse_set", 5, {}, "error: a schedule set must be a string or a mapping, not int"),
    (
        "parse_set",
        {},
        {},
        "error: an empty mapping is not a schedule set\nhint: give at least one member, e.g. {'lr': '1e-3'}",
    ),
    ("parse_set", {f"m{i}": 1 for i in range(65)}, {}, "error: a set has at most 64 members; this one has 65"),
    ("parse_set", {1: "0.1"}, {}, "error: a member name is a string, not int"),
    ("parse_set", {"ema": -1}, {}, "error: member 'ema': a constant must be finite and non-negative, not -1"),
    ("parse_set", {"ema": [1]}, {}, "error: member 'ema' is a list, not a schedule text or a number"),
    (
        "parse_set",
        {"ema": "linear(0.9→0.99"},
        {},
        "1:16: error: in member 'ema': unexpected end of input\n  linear(0.9→0.99\n                 ^\nhint: close the '(' opened at 1:7 with ')'",
    ),
    ("parse_set", {"wd": "0.1"}, {}, "error: 'wd' is another framework's spelling\nhint: did you mean 'weight_decay'?"),
    (
        "evaluate",
        "lr: cosine(1e-3→0)\nema: 0.999",
        {"total_steps": 10, "member": "weight_decay"},
        "error: this set has no member 'weight_decay'\nhint: its members: lr, ema",
    ),
    (
        "evaluate",
        "cosine(1e-3→0)",
        {"total_steps": 10, "member": "ema"},
        "error: this set has no member 'ema'\nhint: its members: lr",
    ),
    (
        "evaluate_set",
        "lr: cosine($peak→0)\nweight_decay: linear(0.1→0.01)",
        {"total_steps": 10, "params": {"peak": 1, "floor": 0}},
        "error: unused parameter: $floor\nhint: remove it or use it in one of the members",
    ),
    (
        "evaluate_set",
        "lr: cosine($peak→0)\nweight_decay: linear(0.1→0.01)",
        {"total_steps": 10},
        "1:12: error: in member 'lr': parameter $peak is not bound\n  lr: cosine($peak→0)\n             ^^^^^\nhint: bind it: --set peak=… or params={'peak': …}",
    ),
    (
        "evaluate_set",
        "lr: cosine(1e-3→0)\nweight_decay: linear(0.1→0.01)",
        {},
        "1:5: error: in member 'lr': this schedule has a flexible phase and no total\n  lr: cosine(1e-3→0)\n      ^^^^^^^^^^^^^^\nhint: give the total: --steps N (API: total_steps=N)",
    ),
    (
        "evaluate_set",
        "lr: cosine(1e-3→0, 100)\nweight_decay: linear(0.1→0.01, 5ep)",
        {},
        "2:32: error: in member 'weight_decay': 5ep needs --steps-per-epoch\n  weight_decay: linear(0.1→0.01, 5ep)\n                                 ^^^\nhint: pass steps_per_epoch=… (CLI: --steps-per-epoch K)",
    ),
    ("checked_set", 1, {}, "error: expected a ScheduleSet, not int"),
    (
        "parse_set",
        "lr[0]: 1e-3",
        {},
        "1:1: error: 'lr[0]': lr is one number, it takes no index\n  lr[0]: 1e-3\n  ^^^^^\nhint: write lr",
    ),
    (
        "parse_set",
        "lr: cosine(1→0\nema: 0.5",
        {},
        "2:1: error: unexpected 'ema'\n  ema: 0.5\n  ^^^\nhint: close the '(' opened at 1:11 before the next member",
    ),
    (
        "parse_set",
        "lr: 1 ema 0.5",
        {},
        "1:11: error: unexpected '0.5'\n  lr: 1 ema 0.5\n            ^^^\nhint: missing ':' after the member name 'ema'?",
    ),
    (
        "parse_set",
        "cosine(1→0) ema: 1",
        {},
        "1:13: error: unexpected 'ema'\n  cosine(1→0) ema: 1\n              ^^^\nhint: in a set every schedule is named: write lr: before the first one",
    ),
    (
        "parse_set",
        "lr: 1 >> ema: 2",
        {},
        "1:13: error: unexpected ':'\n  lr: 1 >> ema: 2\n              ^\nhint: a member (NAME: EXPR) starts after a whole schedule, not after an operator",
    ),
    (
        "parse_set",
        "lr: 1, ema: 2",
        {},
        "1:6: error: unexpected ','\n  lr: 1, ema: 2\n       ^\nhint: members are separated by spaces or new lines, not ','",
    ),
    (
        "bind",
        {"lr": "cosine(1→0)", "ema": 0.9},
        {"total_steps": 10},
        "error: lrdsl.bind() binds one schedule; this is a set\nhint: bind a set with its method: lrdsl.parse_set(text).bind(total_steps=…)",
    ),
]
"""Every error a set can cause, with its exact message (tests/test_errors.py reads this table too)."""


_FUNCS: dict[str, Callable[..., Any]] = {
    "parse": lrdsl.parse,
    "parse_set": lrdsl.parse_set,
    "bind": lrdsl.bind,
    "evaluate": lrdsl.evaluate,
    "evaluate_set": lrdsl.evaluate_set,
    "checked_set": checked_set,
}


@pytest.mark.parametrize(("func", "given", "kwargs", "message"), SET_ERRORS)
def test_set_error_message(func: str, given: Any, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(lrdsl.LrdslError) as info:
        _FUNCS[func](given, **kwargs)
    assert str(info.value) == message


# ----------------------------------------------------------------------------- parsing and formatting


def test_members_on_one_line_or_many_parse_alike_and_print_one_per_line() -> None:
    one_line = " ".join(line.split("#")[0] for line in FIVE.splitlines())
    a, b = lrdsl.parse_set(FIVE), lrdsl.parse_set(one_line)
    assert a == b
    assert a.names == ("lr", "weight_decay", "betas[1]", "ema", "loss.kl")
    assert str(a) == CANONICAL
    assert lrdsl.parse_set(str(a)) == a


def test_a_text_without_names_is_the_set_of_lr_and_prints_bare() -> None:
    text = "warmup(linear, 5ep) >> cosine(0.1→1e-6)"
    s = lrdsl.parse_set(text)
    assert s.names == ("lr",)
    assert str(s) == text
    assert str(lrdsl.parse_set("lr: " + text)) == text
    assert lrdsl.parse("lr: " + text) == lrdsl.parse(text)
    assert s.member("lr") == lrdsl.parse(text)


def test_a_schedule_tree_and_dump_are_unchanged_by_sets() -> None:
    text = "warmup(linear, 5ep) >> cosine(0.1→1e-6) * restart(mult=2)"
    dump = lrdsl.parse(text).model_dump()
    assert dump["kind"] == "schedule" and set(dump) == {"kind", "expr"}
    assert lrdsl.parse("lr:" + text).model_dump() == dump
    assert "ScheduleSet" not in json.dumps(lrdsl.Schedule.model_json_schema())


def test_comments_and_newlines_between_members() -> None:
    s = lrdsl.parse_set("# the run\nlr: 1e-3 # peak\n\n  ema:\n   0.999\n")
    assert str(s) == "lr: 1e-3\nema: 0.999"


def test_betas_entries_together_are_allowed() -> None:
    assert lrdsl.parse_set("betas[0]: 0.9 betas[1]: 0.95").names == ("betas[0]", "betas[1]")


def test_at_most_64_members() -> None:
    assert len(lrdsl.parse_set("\n".join(f"m{i}: {i}" for i in range(64))).members) == 64


def test_mapping_is_a_set() -> None:
    s = lrdsl.parse_set({"lr": "cosine(1e-3 -> 0, 100)", "weight_decay": 0.1, "loss.kl": "linear(0→1, 10)"})
    assert str(s) == "lr: cosine(1e-3→0, 100)\nweight_decay: 0.1\nloss.kl: linear(0→1, 10)"
    assert lrdsl.evaluate({"lr": "cosine(1→0, 4)"}).tolist() == lrdsl.evaluate("cosine(1→0, 4)").tolist()


# ----------------------------------------------------------------------------- pydantic API


def test_json_round_trip_and_schema() -> None:
    s = lrdsl.parse_set(FIVE)
    again = lrdsl.ScheduleSet.model_validate_json(s.model_dump_json())
    assert again == s and str(again) == CANONICAL
    assert lrdsl.ScheduleSet.model_validate(s.model_dump()) == s
    dumped = s.model_dump(mode="json")
    assert dumped["kind"] == "set" and [m["name"] for m in dumped["members"]] == list(s.names)
    schema = lrdsl.ScheduleSet.model_json_schema()
    assert schema["$ref"] == "#/$defs/ScheduleSet" and "Member" in schema["$defs"]


def test_a_tree_the_parser_would_refuse_is_refused() -> None:
    import pydantic

    dumped = lrdsl.parse_set("lr: 1 ema: 0.5").model_dump(mode="json")
    dumped["members"][1]["name"] = "wd"
    with pytest.raises(pydantic.ValidationError, match="another framework's spelling"):
        lrdsl.ScheduleSet.model_validate(dumped)
    dumped["members"][1]["name"] = "lr"
    with pytest.raises(pydantic.ValidationError, match="given twice"):
        lrdsl.ScheduleSet.model_validate(dumped)
    forged = lrdsl.ScheduleSet.model_construct(members=())
    with pytest.raises(lrdsl.LrdslError, match="not one the parser produces"):
        lrdsl.evaluate_set(forged)


def test_schedule_set_field_takes_text_mappings_and_numbers() -> None:
    from pydantic import BaseModel, ValidationError

    class Config(BaseModel):
        schedules: lrdsl.ScheduleSetField

    c = Config(schedules={"lr": "cosine(1→0, 10)", "weight_decay": 0.1})
    assert c.model_dump() == {"schedules": "lr: cosine(1→0, 10)\nweight_decay: 0.1"}
    assert Config.model_validate_json(c.model_dump_json()) == c
    assert str(Config(schedules=3e-4).schedules) == "3e-4"
    assert str(Config(schedules="lr: 1 ema: 0.5").schedules) == "lr: 1\nema: 0.5"
    with pytest.raises(ValidationError, match="did you mean 'betas\\[1\\]'"):
        Config(schedules={"b2": 0.999})
    with pytest.raises(ValidationError, match="not list"):
        Config(schedules=[1])
    assert "anyOf" in Config.model_json_schema()["properties"]["schedules"]


# ----------------------------------------------------------------------------- evaluation


def test_the_five_member_set_evaluates_each_member_as_a_schedule_alone() -> None:
    values = lrdsl.evaluate_set(FIVE, **RUN)
    assert list(values) == ["lr", "weight_decay", "betas[1]", "ema", "loss.kl"]
    alone = {
        "lr": lrdsl.evaluate("warmup(linear, 20) >> cosine($peak→$peak / 10)", **RUN),
        "weight_decay": lrdsl.evaluate("linear(0.1→0.01)", 100),
        "betas[1]": lrdsl.evaluate("linear(0.95→0.99, 10%) >> hold()", 100),
        "ema": lrdsl.evaluate("fn(min(0.9999, (1 + t) / (10 + t)))", 100),
        "loss.kl": lrdsl.evaluate("linear(0→1, 30)", 100),
    }
    for name, expected in alone.items():
        assert values[name].dtype == np.float64 and values[name].shape == (100,)
        np.testing.assert_array_equal(values[name], expected)
    t = np.arange(100)
    np.testing.assert_allclose(values["ema"], np.minimum(0.9999, (1 + t) / (10 + t)), rtol=1e-15)
    assert values["betas[1]"][10:].tolist() == [0.99] * 90


def test_evaluate_picks_one_member_and_steps_select() -> None:
    ema = lrdsl.evaluate(FIVE, member="ema", **RUN)
    np.testing.assert_array_equal(ema, lrdsl.evaluate_set(FIVE, **RUN)["ema"])
    at = lrdsl.evaluate_set(FIVE, steps=[0, 50, 99], **RUN)
    assert at["loss.kl"].tolist() == [0.0, 1.0, 1.0]
    assert isinstance(lrdsl.evaluate_set("cosine(1→0, 10)"), dict)


def test_without_a_total_the_run_is_the_longest_explicit_member() -> None:
    values = lrdsl.evaluate_set("a: linear(0→1, 30)  b: cosine(1→0)  c: const(2, 10)")
    assert {len(v) for v in values.values()} == {30}
    np.testing.assert_array_equal(values["b"], lrdsl.evaluate("cosine(1→0)", 30))
    assert values["c"][-1] == 2.0  # a member that ends early holds its end value
    assert len(lrdsl.evaluate("a: linear(0→1, 30)  b: cosine(1→0)", member="b")) == 30


def test_parameters_are_bound_once_for_every_member() -> None:
    text = "lr: cosine($peak→0, 10)  ema: const($peak, 10)  loss.kl: linear(0→1, 10)"
    values = lrdsl.evaluate_set(text, params={"peak": 0.5})
    assert values["ema"].tolist() == [0.5] * 10
    with pytest.raises(lrdsl.LrdslError, match="unused parameter: \\$zz"):
        lrdsl.evaluate_set(text, params={"peak": 0.5, "zz": 1})


def test_a_schedule_alone_keeps_its_own_errors() -> None:
    with pytest.raises(lrdsl.LrdslError) as info:
        lrdsl.evaluate("cosine(0.1→0)")
    assert "in member" not in str(info.value)


# ----------------------------------------------------------------------------- command line


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_cli_eval_csv_has_a_column_per_member(capsys: pytest.CaptureFixture[str]) -> None:
    out = _cli(capsys, "eval", FIVE, "--steps", "100", "--set", "peak=1e-3", "--format", "csv")
    lines = out.splitlines()
    assert lines[0] == "step,lr,weight_decay,betas[1],ema,loss.kl" and len(lines) == 101
    table = np.array([[float(x) for x in line.split(",")] for line in lines[1:]])
    values = lrdsl.evaluate_set(FIVE, **RUN)
    for i, name in enumerate(values, start=1):
        np.testing.assert_array_equal(table[:, i], values[name])


def test_cli_eval_json_and_npy(capsys: pytest.CaptureFixture[str], tmp_path: Any) -> None:
    values = lrdsl.evaluate_set(FIVE, **RUN)
    data = json.loads(_cli(capsys, "eval", FIVE, "--steps", "100", "--set", "peak=1e-3", "--format", "json"))
    assert data["total_steps"] == 100 and data["step"] == list(range(100))
    assert data["schedule"] == CANONICAL
    assert {k: np.array(v) for k, v in data["members"].items()}.keys() == values.keys()
    for name, v in data["members"].items():
        np.testing.assert_array_equal(v, values[name])
    path = tmp_path / "v.npy"
    _cli(capsys, "eval", FIVE, "--steps", "100", "--set", "peak=1e-3", "--format", "npy", "-o", str(path))
    table = np.load(path)
    assert table.dtype.names == ("step", *values)
    for name in values:
        np.testing.assert_array_equal(table[name], values[name])
    assert table["step"].tolist() == list(range(100))


def test_cli_eval_table_and_member(capsys: pytest.CaptureFixture[str]) -> None:
    out = _cli(capsys, "eval", "lr: cosine(1→0, 4)  ema: linear(0.5→1, 4)")
    assert out.splitlines()[3:] == [
        "        step  lr              ema",
        "           0  1               0.5",
        "           1  0.853553390593  0.625",
        "           2  0.5             0.75",
        "           3  0.146446609407  0.875",
    ]
    out = _cli(capsys, "eval", FIVE, "--steps", "100", "--set", "peak=1e-3", "--member", "ema", "--format", "csv")
    lines = out.splitlines()
    assert lines[0] == "step,lr" and float(lines[2].split(",")[1]) == 2 / 11
    long = _cli(capsys, "eval", FIVE, "--steps", "1000", "--set", "peak=1e-3").splitlines()
    assert long[7].split()[0] == "0" and "…" in long[8]


def test_cli_check_fmt_and_refusals(capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(capsys, "fmt", FIVE) == CANONICAL + "\n"
    assert _cli(capsys, "fmt", FIVE, "--member", "ema") == "fn(min(0.9999, (1 + t) / (10 + t)))\n"
    assert _cli(capsys, "check", FIVE) == CANONICAL + "\n"
    assert "1.1e-3" not in _cli(capsys, "explain", FIVE, "--steps", "100", "--set", "peak=1e-3", "--member", "lr")
    code = _cli(capsys, "gen", FIVE, "--member", "loss.kl", "--target", "python")
    namespace: dict[str, Any] = {}
    exec(compile(code, "gen", "exec"), namespace)  # the generated module, for the set's run
    explained = _cli(capsys, "explain", FIVE, "--steps", "100", "--set", "peak=1e-3")  # every member, named
    names = [line for line in explained.splitlines() if line.endswith(":") and not line.startswith(" ")]
    assert names == ["lr:", "weight_decay:", "betas[1]:", "ema:", "loss.kl:"]
    assert explained.count("total 100 steps") == 5


def test_cli_check_names_the_member_of_a_warning(capsys: pytest.CaptureFixture[str]) -> None:
    text = "lr: cosine(1→0, 100)\nema: warmup(linear, 200) >> cosine(1→0)"
    assert main(["check", text, "--steps", "100"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("in member 'ema':\n2:6: warning: warmup(linear, 200) is cut after 100 of its 200 steps")
    assert main(["eval", text, "--steps", "100", "--strict"]) == 2  # eval warns as check does, before any output
    captured = capsys.readouterr()
    assert captured.out == "" and "2:6: error: warmup(linear, 200) is cut" in captured.err


def test_cli_eval_errors_name_the_member(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", FIVE, "--steps", "100"]) == 2
    err = capsys.readouterr().err
    assert "1:45: error: in member 'lr': parameter $peak is not bound" in err
    assert main(["eval", FIVE, "--steps", "100", "--set", "peak=1", "--member", "nope"]) == 2
    assert "this set has no member 'nope'" in capsys.readouterr().err


def test_cli_reads_a_set_from_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Any) -> None:
    path = tmp_path / "run.lrdsl"
    path.write_text(FIVE, encoding="utf-8")
    out = _cli(capsys, "eval", f"@{path}", "--steps", "3", "--set", "peak=1", "--format", "csv")
    assert out.splitlines()[0] == "step,lr,weight_decay,betas[1],ema,loss.kl"
    assert io.StringIO(out).read().count("\n") == 4


# ----------------------------------------------------------------------------- bounds


@pytest.mark.parametrize("shape", ["sum of numbers", "milestones", "bracketed sequences"])
def test_the_deepest_members_dump_and_load(shape: str) -> None:
    """A member is a level of the tree, so the deepest set fits pydantic's JSON parser (200 nested containers)."""
    import pydantic

    from lrdsl.language.depth import MAX_DEPTH
    from tests.test_depth import MESSAGE, SHAPES

    s = lrdsl.parse_set(f"lr: 1\nema: {SHAPES[shape](MAX_DEPTH - 1)}")
    assert lrdsl.ScheduleSet.model_validate_json(s.model_dump_json()) == s
    data = s.model_dump()
    data["members"][1]["expr"] = {"kind": "neg", "operand": data["members"][1]["expr"]}
    with pytest.raises(pydantic.ValidationError, match=MESSAGE):
        lrdsl.ScheduleSet.model_validate(data)
    with pytest.raises(lrdsl.LrdslError, match=MESSAGE):
        lrdsl.parse_set(f"lr: 1\nema: {SHAPES[shape](MAX_DEPTH)}")
    alone = lrdsl.parse_set(f"lr: {SHAPES[shape](MAX_DEPTH)}")  # `lr` alone is the schedule, as deep
    assert lrdsl.parse(str(alone)).model_dump() == lrdsl.parse(SHAPES[shape](MAX_DEPTH)).model_dump()


# ----------------------------------------------------------------------------- properties

_NAMES = ["lr", "weight_decay", "momentum", "dampening", "betas[0]", "betas[1]", "eps", "ema", "loss.kl", "muon.m"]


def test_random_sets_round_trip_and_evaluate_as_their_members() -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from tests.strategies import schedule

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(st.sampled_from(_NAMES), min_size=1, max_size=4, unique=True), st.data(), st.booleans())
    def check(names: list[str], data: st.DataObject, one_line: bool) -> None:
        exprs = [data.draw(schedule()) for _ in names]
        text = (" " if one_line else "\n").join(f"{n}: {e}" for n, e in zip(names, exprs, strict=True))
        s = lrdsl.parse_set(text)
        assert s.names == tuple(names)
        assert lrdsl.parse_set(str(s)) == s
        assert lrdsl.ScheduleSet.model_validate_json(s.model_dump_json()) == s
        for n, e in zip(names, exprs, strict=True):
            assert s.member(n) == lrdsl.parse(e)
        try:
            values = lrdsl.evaluate_set(s, total_steps=200, steps_per_epoch=20)
        except lrdsl.LrdslError:
            return
        for n, e in zip(names, exprs, strict=True):
            np.testing.assert_array_equal(values[n], lrdsl.evaluate(e, 200, 20))

    check()


def test_cli_csv_and_json_stream_in_chunks(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("lrdsl.tools.output.CHUNK", 7)
    values = lrdsl.evaluate_set(FIVE, **RUN)
    out = _cli(capsys, "eval", FIVE, "--steps", "100", "--set", "peak=1e-3", "--format", "csv")
    table = np.array([[float(x) for x in line.split(",")] for line in out.splitlines()[1:]])
    assert table[:, 0].tolist() == list(range(100))
    data = json.loads(_cli(capsys, "eval", FIVE, "--steps", "100", "--set", "peak=1e-3", "--format", "json"))
    assert data["step"] == list(range(100))
    for i, name in enumerate(values, start=1):
        np.testing.assert_array_equal(table[:, i], values[name])
        np.testing.assert_array_equal(data["members"][name], values[name])
    at = _cli(capsys, "eval", FIVE, "--steps", "100", "--set", "peak=1e-3", "--format", "csv", "--at", "99,0,50")
    assert [line.split(",")[0] for line in at.splitlines()] == ["step", "99", "0", "50"]
    assert float(at.splitlines()[1].split(",")[5]) == 1.0  # loss.kl at step 99
