"""Untrusted input never becomes code: trees from JSON or dicts, hand-built trees, names, numbers.

A schedule tree validated from JSON, a dict or built with ``model_construct`` reaches code
generation only if it is exactly a tree the parser produces; the printers refuse any other
name on their own. ``--name`` and ``$parameter`` names never shadow what the code uses.
"""

from __future__ import annotations

import copy
import json
import os
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pydantic
import pytest

import lrdsl
from lrdsl import ir
from lrdsl.api import as_schedule, generate
from lrdsl.codegen import TARGETS, generate_lowered
from lrdsl.integrations.runtime import load_generated
from lrdsl.language import ast as A
from lrdsl.lowering.lower import Lowered
from tests.frameworks import need, run_worker
from tests.gen_cases import cases
from tests.names_worker import results

IDENTITY = Path(__file__).parent / "fixtures" / "identity.lrdsl"
VALID = [c["expr"] for c in cases()] + [
    ln for ln in IDENTITY.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")
]


def _payload(marker: Path) -> str:
    """Python that creates ``marker`` if it is ever executed."""
    return f"__import__('pathlib').Path({str(marker)!r}).touch() or u"


def _swap(tree: Any, key: str, old: object, new: object) -> bool:
    """Replace the first ``key: old`` in a dumped tree with ``key: new`` (in place)."""
    if isinstance(tree, dict):
        if key in tree and tree[key] == old and type(tree[key]) is type(old):
            tree[key] = new
            return True
        return any(_swap(v, key, old, new) for v in tree.values())
    if isinstance(tree, list):
        return any(_swap(v, key, old, new) for v in tree)
    return False


def _dump(text: str) -> dict[str, Any]:
    """The JSON dump of a parsed schedule, as plain dicts and lists."""
    tree: dict[str, Any] = json.loads(lrdsl.parse(text).model_dump_json())
    return tree


def _tampered(text: str, key: str, old: object, new: object) -> dict[str, Any]:
    tree = _dump(text)
    assert _swap(tree, key, old, new), (text, key, old)
    return tree


_KINDS: dict[str, type[A.Node]] = {
    cls.KIND: cls
    for cls in (A.Num, A.Param, A.Name, A.Bool, A.Neg, A.BinOp, A.Seq, A.Duration, A.Range, A.ListExpr, A.Arg, A.Call)
}


def _construct(value: Any) -> Any:
    """A dumped tree rebuilt with ``model_construct`` (no validation at all)."""
    if isinstance(value, dict) and value.get("kind") in _KINDS:
        fields = {k: _construct(v) for k, v in value.items() if k != "kind"}
        return _KINDS[value["kind"]].model_construct(**fields)
    if isinstance(value, list):
        return tuple(_construct(v) for v in value)
    return value


def _unchecked(tree: dict[str, Any]) -> A.Schedule:
    return A.Schedule.model_construct(expr=_construct(tree["expr"]))


# Every place of a tree where text or a number reaches lowering or code: (schedule, key, old value).
PLACES = [
    ("fn(u, 10)", "id", "u"),  # a formula variable
    ("recur(lr * 0.9, 10, from=0.1)", "id", "lr"),
    ("cosine(0.1→0, 10) * quantize(2, at=end)", "id", "end"),  # an enum value
    ("warmup(linear, 5) >> const(0.1)", "id", "linear"),  # a shape name
    ("cosine($peak→0, 10)", "name", "peak"),  # a parameter
    ("fn(exp(u), 10)", "name", "exp"),  # a math function
    ("cosine(0.1→0, 10)", "name", "cosine"),  # a shape
    ("cosine(0.1→0, 10)", "name", "dur"),  # an argument name
    ("linear(0→1, 10) + 0.5", "op", "+"),
    ("cosine(0.1→0, 1ep)", "unit", "ep"),
]


@pytest.mark.parametrize(("text", "key", "old"), PLACES)
def test_text_from_json_is_refused_at_every_place_and_never_runs(text: str, key: str, old: str, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    hostile = _tampered(text, key, old, _payload(marker))
    with pytest.raises(pydantic.ValidationError):
        A.Schedule.model_validate_json(json.dumps(hostile))
    with pytest.raises(pydantic.ValidationError):
        A.Schedule.model_validate(hostile)
    bypass = _unchecked(hostile)  # built without validation: the API re-checks it
    for target in TARGETS:
        with pytest.raises(lrdsl.LrdslError, match="not one the parser produces"):
            generate(bypass, target, 100, 10)
    with pytest.raises(lrdsl.LrdslError):
        load_generated(bypass, "python", 100, 10).lr(1)
    with pytest.raises(lrdsl.LrdslError):
        lrdsl.evaluate(bypass, 100, 10)  # was a KeyError
    assert not marker.exists()


def test_the_reported_injection_is_refused(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = lrdsl.parse("fn(u, 10)").model_dump_json()
    text = text.replace('"id":"u"', '"id":' + json.dumps(_payload(marker)))
    with pytest.raises(pydantic.ValidationError, match="is not a name of the language"):
        load_generated(A.Schedule.model_validate_json(text), "python").lr(1)
    assert not marker.exists()


@pytest.mark.parametrize(
    ("text", "key", "old", "new"),
    [
        ("cosine(0.1→0, 10)", "value", 10.0, float("nan")),
        ("cosine(0.1→0, 10)", "value", 10.0, float("inf")),
        ("cosine(0.1→0, 10)", "value", 10.0, -1.0),
        ("cosine(0.1→0, 10)", "value", 10.0, True),
        ("cosine(0.1→0, 10)", "value", 10.0, "10"),
        ("poly(1→0, 10, cycle=true)", "value", True, 1),
        ("poly(1→0, 10, cycle=true)", "value", True, "true"),
        ("multistep(0.1, at=[3, 6])", "items", [], []),  # an empty list
        ("cosine($peak→0, 10)", "name", "peak", "pëak"),  # not the grammar's ASCII identifier
        ("cosine($peak→0, 10)", "name", "peak", "1peak"),
        ("cosine($peak→0, 10)", "name", "peak", 7),
        ("fn(u, 10)", "id", "u", "end"),  # a word of the language, but not a variable of fn()
        ("recur(lr * 0.9, 10, from=0.1)", "id", "lr", "t"),  # fn()'s variable, not recur()'s
        ("cosine(0.1→0, 10) * quantize(2, at=end)", "id", "end", "u"),
        ("cosine(0.1→0, 10)", "name", "cosine", "sin"),  # a math function as a phase
        ("fn(exp(u), 10)", "name", "exp", "cosine"),  # a shape inside a formula
        ("cosine(0.1→0, 10)", "name", "dur", "x0"),  # a math argument name on a shape
    ],
)
def test_trees_the_parser_would_not_produce_are_refused(text: str, key: str, old: object, new: object) -> None:
    tree = _dump(text)
    if key == "items":  # nested list: a list inside multistep's list
        tree["expr"]["args"][1]["value"]["items"].append({"kind": "list", "items": []})
    else:
        assert _swap(tree, key, old, new)
    with pytest.raises(pydantic.ValidationError):
        A.Schedule.model_validate(tree)
    with pytest.raises(pydantic.ValidationError):
        A.Schedule.model_validate_json(json.dumps(tree))
    if key != "items" and new == old:  # 1 for True: the API goes on with the parser's own tree, equal to this one
        assert as_schedule(_unchecked(tree)) is lrdsl.parse(text)
    else:
        with pytest.raises(lrdsl.LrdslError):
            lrdsl.evaluate(_unchecked(tree), 100)


def test_unknown_fields_and_kinds_are_refused() -> None:
    tree = _dump("cosine(0.1→0, 10)")
    with pytest.raises(pydantic.ValidationError):
        A.Schedule.model_validate({**tree, "text": "__import__('os')"})
    bad = copy.deepcopy(tree)
    bad["expr"]["kind"] = "code"
    with pytest.raises(pydantic.ValidationError):
        A.Schedule.model_validate(bad)


@pytest.mark.parametrize("text", VALID)
def test_every_parsed_schedule_survives_json_and_dict(text: str) -> None:
    parsed = lrdsl.parse(text)
    again = A.Schedule.model_validate_json(parsed.model_dump_json())
    assert again == parsed and str(again) == str(parsed)
    assert A.Schedule.model_validate(parsed.model_dump()) == parsed
    assert as_schedule(_unchecked(_dump(text))) == parsed  # the API takes a hand-built copy too


def test_malformed_hand_built_trees_are_errors_not_crashes() -> None:
    deep: A.Node = A.Num.model_construct(value=1.0)
    for _ in range(100_000):
        deep = A.Neg.model_construct(operand=deep)
    for tree in [
        A.Schedule.model_construct(),
        A.Schedule.model_construct(expr=A.Call.model_construct(name="cosine", args=None)),
        A.Schedule.model_construct(expr="cosine(0.1→0)"),
        A.Schedule.model_construct(expr=deep),
    ]:
        with pytest.raises(lrdsl.LrdslError):
            lrdsl.evaluate(tree, 10)
    stripped = A.Schedule.model_construct(expr=A.Num.model_construct(value=0.1))
    object.__setattr__(stripped, "_source", 7)  # a forged source that is not even text
    assert list(lrdsl.evaluate(stripped, 3)) == [0.1, 0.1, 0.1]


def test_a_schedule_field_rechecks_a_schedule_instance(tmp_path: Path) -> None:
    class Config(pydantic.BaseModel):
        lr: lrdsl.ScheduleField

    hostile = _unchecked(_tampered("fn(u, 10)", "id", "u", _payload(tmp_path / "pwned")))
    with pytest.raises(pydantic.ValidationError, match="not one the parser produces"):
        Config(lr=hostile)
    assert Config(lr=lrdsl.parse("cosine(0.1→0)")).lr == lrdsl.parse("cosine(0.1→0)")


def test_a_schedule_with_a_forged_source_is_checked_by_its_tree() -> None:
    tree = _unchecked(_tampered("fn(u, 10)", "id", "u", "os"))
    object.__setattr__(tree, "_source", "fn(u, 10)")  # forged: the text of another tree
    with pytest.raises(lrdsl.LrdslError):
        lrdsl.evaluate(tree)


@pytest.mark.frameworks
def test_framework_adapters_refuse_a_hand_built_tree(tmp_path: Path) -> None:
    torch = need("torch")
    need("optax")
    marker = tmp_path / "pwned"
    hostile = _unchecked(_tampered("fn(u, 10)", "id", "u", _payload(marker)))
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    with pytest.raises(lrdsl.LrdslError):
        lrdsl.torch.scheduler(opt, hostile)
    with pytest.raises(lrdsl.LrdslError):
        lrdsl.optax.schedule(hostile)(1)
    assert not marker.exists()


# -- the printers refuse what lowering never produces (defence in depth) ------------------------


def _formula(expr: ir.Arith) -> ir.Sched:
    return ir.Clamp(10.0, ir.Formula(expr, label="x"))


EVIL = "__import__('os').getpid()"
PRINTER_CASES = {
    "var": _formula(ir.Var(EVIL)),  # type: ignore[arg-type]
    "param": _formula(ir.Param('peak"] + ' + EVIL + ' + p["peak')),
    "bin": _formula(ir.Bin(f"+ {EVIL} +", ir.Const(1.0), ir.Const(2.0))),  # type: ignore[arg-type]
    "fn": _formula(ir.Fn(EVIL, ir.Const(1.0))),  # type: ignore[arg-type]
    "combine": ir.Combine(f"+ {EVIL} +", (_formula(ir.Const(1.0)), _formula(ir.Const(2.0)))),  # type: ignore[arg-type]
}


@pytest.mark.parametrize("target", list(TARGETS))
@pytest.mark.parametrize("case", list(PRINTER_CASES))
def test_printers_refuse_a_name_lowering_never_produces(target: str, case: str) -> None:
    plan = Lowered(PRINTER_CASES[case], 10, None, "x")
    with pytest.raises(lrdsl.LrdslError, match="refusing to generate code"):
        generate_lowered(plan, target)
    assert "lr_at" in generate_lowered(Lowered(_formula(ir.Const(0.5)), 10, None, "x"), "torch")


@pytest.mark.parametrize("target", list(TARGETS))
def test_a_hostile_argument_name_is_refused(target: str) -> None:
    plan = Lowered(_formula(ir.Param("peak")), 10, None, "x", arguments=(("peak=__import__('os')", 0.1),))
    with pytest.raises(lrdsl.LrdslError, match="cannot be an argument"):
        generate_lowered(plan, target)


# -- names of the generated function or class, and of parameters --------------------------------

REFUSED_NAMES = {
    "python": ["float", "int", "max", "min", "range", "print", "ValueError", "math", "bisect"],
    "torch": ["float", "max", "zip", "super", "math", "bisect", "lr_at", "LRScheduler"],
    "paddle": ["float", "int", "max", "math", "lr_at", "LRScheduler"],
    "optax": ["float", "int", "math", "jax", "jnp", "p"],
    "keras": ["float", "int", "math", "keras", "ops"],
}


@pytest.mark.parametrize(("target", "name"), [(t, n) for t, names in REFUSED_NAMES.items() for n in names])
def test_a_name_that_would_shadow_what_the_code_uses_is_refused(target: str, name: str) -> None:
    with pytest.raises(lrdsl.LrdslError, match="--name"):
        generate("recur(lr * 0.9, 10, from=0.1) >> cosine($peak→0) * restart(mult=2)", target, 300, name=name)


@pytest.mark.parametrize(
    "name", ["index", "step", "self", "optimizer", "key", "mode", "last_epoch", "p", "math", "jnp"]
)
def test_a_parameter_name_that_clashes_in_any_target_is_refused(name: str) -> None:
    for target in TARGETS:
        with pytest.raises(lrdsl.LrdslError, match="cannot be an argument"):
            generate(f"cosine(${name}→0)", target, 100, params={name: 0.5})


@pytest.mark.frameworks
@pytest.mark.parametrize("target", ["python", "torch", "optax", "keras"])
def test_code_runs_with_unusual_names_and_parameters(target: str) -> None:
    if target == "keras":
        os.environ.setdefault("KERAS_BACKEND", "jax")
    need({"python": "math", "torch": "torch", "optax": "jax", "keras": "keras"}[target])
    report = results(target)
    assert len(report) >= 20
    assert not {k: v for k, v in report.items() if v is not None}


@pytest.mark.frameworks
def test_paddle_code_runs_with_unusual_names_and_parameters() -> None:
    need("paddle")
    report = run_worker("tests.names_worker", {"LRDSL_TARGET": "paddle"})
    assert len(report["results"]) >= 20


# -- numbers of any real type, never a bool, never NaN or infinity ---------------------------------

E = "warmup(linear, 1ep) >> cosine($peak→0)"


@pytest.mark.parametrize(
    ("total", "spe", "peak"),
    [
        (np.int64(100), np.float32(10), np.float32(0.5)),
        (np.int32(100), np.int64(10), np.float64(0.5)),
        (np.uint16(100), Fraction(10), Fraction(1, 2)),
        (100.0, np.float16(10), 0.5),
        (np.float32(100), 10, np.int8(1) / 2),
    ],
)
def test_numbers_of_any_real_type_are_accepted(total: Any, spe: Any, peak: Any) -> None:
    want = lrdsl.evaluate(E, 100, 10.0, params={"peak": 0.5})
    np.testing.assert_array_equal(lrdsl.evaluate(E, total, spe, params={"peak": peak}), want)
    steps = [np.int64(3), Fraction(5), 7.0, np.uint8(9), np.float32(11)]
    np.testing.assert_array_equal(
        lrdsl.evaluate(E, total, spe, steps=steps, params={"peak": peak}), want[[3, 5, 7, 9, 11]]
    )
    assert lrdsl.lower(E, total, spe, params={"peak": peak}).total == 100
    assert generate(E, "python", total, spe, params={"peak": peak}) == generate(
        E, "python", 100, 10, params={"peak": 0.5}
    )


@pytest.mark.parametrize(
    "bad",
    [
        {"total_steps": True},
        {"total_steps": np.bool_(True)},
        {"total_steps": 100.5},
        {"total_steps": np.float64("nan")},
        {"total_steps": "100x"},  # text is a duration (LANGUAGE.md §8.4): "100" and "10ep" are valid
        {"steps_per_epoch": np.float32("inf")},
        {"steps_per_epoch": False},
        {"params": {"peak": True}},
        {"params": {"peak": np.bool_(False)}},
        {"params": {"peak": np.float32("nan")}},
        {"params": {"peak": float("-inf")}},
        {"params": {"peak": "0.5"}},
        {"steps": [True, 2]},
        {"steps": [Fraction(1, 2)]},
        {"steps": np.array([True])},
        {"steps": [np.float64("nan")]},
    ],
)
def test_bools_and_non_finite_numbers_are_refused(bad: dict[str, Any]) -> None:
    kwargs: dict[str, Any] = {"total_steps": 100, "steps_per_epoch": 10, "params": {"peak": 0.5}, **bad}
    with pytest.raises(lrdsl.LrdslError):
        lrdsl.evaluate(E, **kwargs)
    if "steps" not in bad:
        with pytest.raises(lrdsl.LrdslError):
            generate(E, "python", **kwargs)


@pytest.mark.frameworks
def test_adapters_take_numpy_numbers() -> None:
    torch = need("torch")
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    sched = lrdsl.torch.scheduler(opt, E, np.int64(100), np.float32(10), {"peak": np.float32(0.5)})
    want = lrdsl.evaluate(E, 100, 10, params={"peak": 0.5})
    seen = []
    for _ in range(20):
        seen.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    np.testing.assert_allclose(seen, want[:20], rtol=1e-12, atol=0)


def test_the_grammar_and_the_ir_agree_on_parameter_names() -> None:
    from lrdsl import ir
    from lrdsl.language.parser import _lark

    assert _lark().get_terminal("PARAM").pattern.value == r"\$" + ir.PARAM_NAME.pattern


def test_a_tree_is_a_field_of_a_pydantic_model_and_has_a_json_schema() -> None:
    class Saved(pydantic.BaseModel):
        tree: A.Schedule

    parsed = lrdsl.parse("warmup(linear, 5) >> cosine(0.1→0, 10) * restart(mult=2)")
    saved = Saved(tree=parsed.model_dump())  # type: ignore[arg-type]
    assert saved.tree is parsed  # checked, then the parser's own tree
    assert Saved.model_validate_json(saved.model_dump_json()).tree == parsed
    assert json.loads(saved.model_dump_json())["tree"] == json.loads(parsed.model_dump_json())
    with pytest.raises(pydantic.ValidationError, match="is not a function name"):
        Saved(tree=_tampered("cosine(0.1→0, 10)", "name", "cosine", "cosinus"))  # type: ignore[arg-type]
    assert Saved.model_json_schema()["properties"]["tree"]["type"] == "object"
    schema = A.Schedule.model_json_schema()
    assert schema["$ref"] == "#/$defs/Schedule"
    kinds = {d["properties"]["kind"]["const"] for d in schema["$defs"].values()}
    assert kinds == {c.KIND for c in (*_KINDS.values(), A.Schedule)}
    assert schema["$defs"]["Seq"]["properties"]["items"]["minItems"] == 2
    assert schema["$defs"]["Call"]["required"] == ["name", "args"]


def test_nodes_are_immutable_and_survive_copy_and_pickle() -> None:
    import pickle

    parsed = lrdsl.parse("cosine(0.1→0, 10) * restart(period=5)")
    with pytest.raises(AttributeError, match="immutable"):
        parsed.expr = A.Num(value=1.0)  # type: ignore[misc]
    for again in (copy.deepcopy(parsed), pickle.loads(pickle.dumps(parsed))):
        assert again == parsed and hash(again) == hash(parsed) and again.source == parsed.source
        assert again.expr.span == parsed.expr.span


KERAS_CONFIGS: list[Any] = [
    {"schedule": "cosine(1→0, 10)", "total_steps": 10, "steps_per_epoch": None, "params": [1, 2]},
    {"schedule": "cosine(1→0, 10)", "total_steps": 10, "steps_per_epoch": None, "params": {"a": "x"}},
    {"schedule": 5},
    {"schedule": "cosine(1→0, 10)", "total_steps": "10"},
    {"schedule": "cosine(1→0, 10)", "total_steps": 1e400},
    {"schedule": "cosine(1→0, 10)", "total_steps": 10**400},
    {"schedule": "cosine(1→0, 10)", "params": {"a": 10**400}},
    {"schedule": "cosine(1→0, 10)", "total_steps": 10, "steps_per_epoch": [1]},
    {"schedule": "cosine(1→0, 10)", "total_steps": 10, "code": "import os"},
    {"schedule": "\x1b[2J"},
    [1, 2],
]


@pytest.mark.parametrize("config", KERAS_CONFIGS, ids=[repr(c)[:40] for c in KERAS_CONFIGS])
def test_a_crafted_keras_config_is_an_lrdsl_error(config: Any) -> None:
    need("keras")
    import lrdsl.keras

    with pytest.raises(lrdsl.LrdslError) as err:
        lrdsl.keras.schedule_class().from_config(config)
    assert "\x1b" not in str(err.value)


def test_a_keras_config_round_trips() -> None:
    need("keras")
    import lrdsl.keras

    s = lrdsl.keras.schedule("cosine(1→$low, 10)", params={"low": 0.1})
    again = type(s).from_config(s.get_config())
    assert again.get_config() == s.get_config()
