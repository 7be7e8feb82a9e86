"""The nesting bound (lrdsl/language/depth.py): exactly MAX_DEPTH levels pass and one more fails through every
entry point, no input recurses past it, and every walker of the deepest trees stays far below
Python's default recursion limit."""

from __future__ import annotations

import json
import pickle
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pydantic
import pytest

import lrdsl
from lrdsl.cli import main
from lrdsl.codegen import TARGETS, generate_lowered
from lrdsl.language import ast as A
from lrdsl.language.depth import MAX_DEPTH
from lrdsl.lowering.lower import lower_schedule
from lrdsl.tools.explain import compact, phases, render
from tests.conftest import run_cli

MESSAGE = f"expression nested deeper than {MAX_DEPTH} levels"

SHAPES: dict[str, Callable[[int], str]] = {
    # each builds a schedule whose tree is exactly d levels deep
    "minus signs": lambda d: "const(" + "-" * (d - 3) + "1, 10)",
    "sum of numbers": lambda d: "1" + " + 1" * (d - 1),
    "formula": lambda d: "fn(" + " + ".join(["u"] * (d - 2)) + ", 10)",
    "scaled phase": lambda d: "const(1, 10)" + " * 1" * (d - 4),
    "sum of phases": lambda d: " + ".join(["const(1, 10)"] * (d - 3)),
    "bracketed sequences": lambda d: "(" * (d - 1) + "1" + " >> 2)" * (d - 1),
    "nested min": lambda d: "min(" * ((d - 1) // 2) + "1" + ", 2)" * ((d - 1) // 2) + " + 1" * ((d - 1) % 2),
    "math functions": lambda d: "fn(" + "sin(" * ((d - 3) // 2) + "u" + ")" * ((d - 3) // 2) + " + u" * ((d - 1) % 2) + ", 10)",
    "recur": lambda d: "recur(lr" + " * 1" * (d - 3) + ", 10, from=1)",
    "quantized": lambda d: "const(1, 10)" + " * quantize(2)" * (d - 4),
    "duration": lambda d: "const(1, " + " + ".join(["1"] * (d - 3)) + ")",
    "power": lambda d: " ** ".join(["1"] * d),
    "milestones": lambda d: "multistep(1, 10, at=[" + " + ".join(["1"] * (d - 4)) + "])",
}  # fmt: skip


def depth(node: Any) -> int:
    """Levels of a tree: nodes on its longest path, the Schedule wrapper not counted."""
    best, stack = 0, [(node.expr if isinstance(node, A.Schedule) else node, 1)]
    while stack:
        item, level = stack.pop()
        best = max(best, level)
        for value in item.__dict__.values():
            for child in value if isinstance(value, tuple) else (value,):
                if isinstance(child, A.Node):
                    stack.append((child, level + 1))
    return best


def deeper(data: dict[str, Any]) -> dict[str, Any]:
    """A dumped schedule one level deeper (its expression negated)."""
    return {**data, "expr": {"kind": "neg", "operand": data["expr"]}}


@contextmanager
def frames(budget: int) -> Iterator[None]:
    """Run with at most ``budget`` Python frames above the caller's."""
    here, f = 0, sys._getframe()
    while f is not None:
        here, f = here + 1, f.f_back
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(here + budget)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


@pytest.mark.parametrize("shape", SHAPES)
def test_shapes_are_as_deep_as_asked(shape: str) -> None:
    for d in (5, 6, MAX_DEPTH):
        assert depth(lrdsl.parse(SHAPES[shape](d))) == d


@pytest.mark.parametrize("shape", SHAPES)
def test_parse_accepts_the_bound_and_refuses_one_more(shape: str) -> None:
    lrdsl.parse(SHAPES[shape](MAX_DEPTH))
    with pytest.raises(lrdsl.LrdslError) as info:
        lrdsl.parse(SHAPES[shape](MAX_DEPTH + 1))
    assert info.value.message == MESSAGE and info.value.span is not None
    assert str(info.value).splitlines()[2].strip().startswith("^")


@pytest.mark.parametrize(
    "text",
    [
        "const(" + "-" * 1000 + "1, 10)",
        "+".join(["1"] * 1000),
        "fn(" + "+".join(["u"] * 1000) + ", 10)",
        "const(1,10)" + " * 1" * 1000,
        "(" * 200 + "-" * 5000 + "1" + ")" * 200,
        "2" + " ** 2" * 10_000,
        "min(" * 150 + "1" + ", 2)" * 150,
    ],
    ids=["minus", "sum", "formula", "product", "brackets", "power", "calls"],
)
def test_very_deep_text_is_an_error_not_a_recursion(text: str) -> None:
    with frames(MAX_DEPTH * 3), pytest.raises(lrdsl.LrdslError, match=MESSAGE):
        lrdsl.parse(text)


def test_caret_at_the_operator_one_level_too_deep() -> None:
    lrdsl.parse("1 +\n" * (MAX_DEPTH - 1) + "1")  # the last '+' is level 1, the first one level 99
    with pytest.raises(lrdsl.LrdslError) as info:
        lrdsl.parse("1 +\n" * (MAX_DEPTH + 1) + "1")  # the first '+' is level 101
    assert str(info.value).splitlines()[:3] == [f"1:3: error: {MESSAGE}", "  1 +", "    ^"]


def test_chains_without_depth_parse_at_any_length() -> None:
    long = " >> ".join(["const(1, 1)"] * 3000)
    with frames(MAX_DEPTH * 3):
        schedule = lrdsl.parse(long)
        assert str(schedule) == long
        assert str(lrdsl.parse("(" * 199 + "const(1, 1)" + ")" * 199)) == "const(1, 1)"
    assert isinstance(schedule.expr, A.Seq) and len(schedule.expr.items) == 3000


def test_cli_exit_status_at_the_bound(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", SHAPES["sum of numbers"](MAX_DEPTH)]) == 0
    assert main(["check", SHAPES["sum of numbers"](MAX_DEPTH + 1)]) == 2
    assert MESSAGE in capsys.readouterr().err


def test_cli_deep_input_exits_2_with_a_caret() -> None:
    proc = run_cli("eval", "+".join(["1"] * 1000), "--steps", "10")
    assert proc.returncode == 2, proc.stderr
    # 999 operators, the last one is level 1: level 101 is the 899th, in column 2 · 899
    assert proc.stderr.startswith(f"1:1798: error: {MESSAGE}\n") and "Traceback" not in proc.stderr
    assert proc.stderr.splitlines()[2].strip() == "^"


class Config(pydantic.BaseModel):
    lr: lrdsl.ScheduleField


@pytest.mark.parametrize("shape", ["minus signs", "nested min", "bracketed sequences"])
def test_schedule_field_at_the_bound(shape: str) -> None:
    Config(lr=SHAPES[shape](MAX_DEPTH))  # type: ignore[arg-type]
    with pytest.raises(pydantic.ValidationError, match=MESSAGE):
        Config(lr=SHAPES[shape](MAX_DEPTH + 1))  # type: ignore[arg-type]


@pytest.mark.parametrize("shape", SHAPES)
def test_model_validate_at_the_bound(shape: str) -> None:
    schedule = lrdsl.parse(SHAPES[shape](MAX_DEPTH))
    data = schedule.model_dump()
    assert A.Schedule.model_validate(data) == schedule
    assert A.Schedule.model_validate_json(schedule.model_dump_json()) == schedule
    with pytest.raises(pydantic.ValidationError, match=MESSAGE):
        A.Schedule.model_validate(deeper(data))


def test_model_validate_json_at_the_bound() -> None:
    data = lrdsl.parse(SHAPES["minus signs"](MAX_DEPTH)).model_dump()
    with pytest.raises(pydantic.ValidationError, match=MESSAGE):
        A.Schedule.model_validate_json(json.dumps(deeper(data)))


def test_deep_or_cyclic_data_is_refused_before_pydantic_recurses() -> None:
    node: dict[str, Any] = {"kind": "num", "value": 1.0}
    for _ in range(100_000):
        node = {"kind": "neg", "operand": node}
    with frames(MAX_DEPTH * 3), pytest.raises(pydantic.ValidationError, match=MESSAGE):
        A.Schedule.model_validate({"expr": node})
    with frames(MAX_DEPTH * 3), pytest.raises(pydantic.ValidationError, match=MESSAGE):
        A.Neg.model_validate(node)
    cyclic: dict[str, Any] = {"kind": "neg"}
    cyclic["operand"] = cyclic
    nested: list[Any] = []
    nested.append(nested)
    for data in ({"expr": cyclic}, {"expr": {"kind": "seq", "items": nested}}):
        with pytest.raises(pydantic.ValidationError, match=MESSAGE):
            A.Schedule.model_validate(data)
    with pytest.raises(pydantic.ValidationError):  # pydantic's JSON parser stops at 200 nested containers
        A.Schedule.model_validate_json('{"expr": ' + '{"kind": "neg", "operand": ' * 10_000 + "1" + "}" * 10_001)


def test_nodes_built_in_python_are_bounded() -> None:
    node: A.Expr = A.Num(value=1.0)
    for _ in range(MAX_DEPTH - 1):
        node = A.Neg(operand=node)
    assert depth(A.Schedule(expr=node)) == MAX_DEPTH
    with pytest.raises(pydantic.ValidationError, match=MESSAGE):
        A.Neg(operand=node)


@pytest.mark.parametrize("how", ["built", "unpickled", "in a list"])
def test_a_node_built_from_checked_nodes_is_bounded_by_their_recorded_heights(how: str) -> None:
    """A checked node records its levels, so a parent checks without walking; unpickled nodes are walked once."""
    node: A.Expr = A.Num(value=1.0)
    for _ in range(MAX_DEPTH - (3 if how == "in a list" else 2)):
        node = A.Neg(operand=node)
    if how == "unpickled":
        node = pickle.loads(pickle.dumps(node))
    if how == "in a list":
        outer: A.Expr = A.Call(
            name="max", args=(A.Arg(name="parts", value=node), A.Arg(name="parts", value=A.Num(value=2.0)))
        )
    else:
        outer = A.Neg(operand=node)
    assert depth(A.Schedule(expr=outer)) == MAX_DEPTH
    with pytest.raises(pydantic.ValidationError, match=MESSAGE):
        A.Neg(operand=outer)


@pytest.mark.parametrize("shape", SHAPES)
def test_every_walker_of_the_deepest_trees_fits_in_500_frames(shape: str) -> None:
    """Python's default limit is 1000 frames: half of them are left to the caller."""
    text = SHAPES[shape](MAX_DEPTH)
    with frames(500):
        from lrdsl.language.parser import _parse

        _parse.cache_clear()
        schedule = lrdsl.parse(text)
        assert lrdsl.parse(str(schedule)) == schedule
        hash(schedule)
        assert A.Schedule.model_validate_json(schedule.model_dump_json()) == schedule
        plan = lower_schedule(schedule, 100)
        lrdsl.evaluate(schedule, 100)
        render(phases(plan.ir, plan.total), plan.total, None, plan.text)
        compact(plan)
        symbolic = lower_schedule(schedule, 100, symbolic=True)
        for target in TARGETS:
            compile(generate_lowered(symbolic, target=target), target, "exec")


def test_a_long_run_of_warmups_is_lowered_without_recursion() -> None:
    """Each warm-up aims at the start of the phase after it: a run of them is resolved in a loop."""
    text = " >> ".join(["warmup(linear, 1)"] * 2000) + " >> const(1, 1)"
    with frames(MAX_DEPTH * 3):
        lr = lrdsl.evaluate(text)
    assert lr.size == 2001 and lr[-1] == 1.0
    assert lrdsl.evaluate("warmup(linear, 2) >> warmup(cosine, 2, from=0.5) >> const(1, 2)").tolist() == [
        0.0, 0.25, 0.5, 0.75, 1.0, 1.0
    ]  # fmt: skip
