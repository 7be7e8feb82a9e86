"""``lrdsl.export`` and the ``export`` command: formats, reading configs back, and the errors of bad input."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
import tomllib
from hypothesis import given, settings
from hypothesis import strategies as st

import lrdsl
from lrdsl.export import config, export, read
from tests.frameworks import need

COSINE = "linear(0→1e-3, 100) >> cosine(1e-3→1e-4, 900)"


@pytest.fixture(autouse=True)
def _transformers() -> None:
    need("transformers")


@pytest.mark.parametrize("fmt", ["json", "yaml", "toml"])
def test_structured_formats_read_back_as_the_config(fmt: str) -> None:
    yaml = pytest.importorskip("yaml")
    text = export(COSINE, "hf", fmt=fmt)
    loads = {"json": json.loads, "yaml": yaml.safe_load, "toml": tomllib.loads}[fmt]
    assert loads(text) == config(COSINE, "hf")


def test_args_and_python_formats() -> None:
    args = export(COSINE, "hf", fmt="args")
    assert "--lr_scheduler_type cosine_with_min_lr" in args and "'{\"min_lr_rate\": 0.1}'" in args
    code = export(COSINE, "hf", fmt="python")
    assert code.startswith("TrainingArguments(") and "max_steps=1000," in code


def test_the_package_is_callable_and_reads_back() -> None:
    assert lrdsl.export(COSINE, "hf") == export(COSINE, "hf")
    assert lrdsl.export.read("hf", config(COSINE, "hf")) == lrdsl.parse(
        "linear(0→0.001, 100) >> cosine(0.001→0.0001, 900)"
    )


def test_read_takes_json_text_and_files(tmp_path: Path) -> None:
    cfg = config(COSINE, "hf")
    (tmp_path / "args.json").write_text(json.dumps(cfg))
    assert read("hf", json.dumps(cfg)) == read("hf", str(tmp_path / "args.json")) == read("hf", cfg)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: export(COSINE, "nemo"), "lrdsl export knows no framework 'nemo'"),
        (lambda: export(COSINE, "deepspeed", fmt="args"), "no 'args' format"),
        (lambda: export("cosin(1→0, 10)", "hf"), "unknown shape 'cosin'"),
        (lambda: export("linear(1→-1, 10)", "hf"), "goes below 0"),
        (lambda: export("cosine(1→0)", "hf"), "flexible phase and no total"),
        (lambda: export("cosine(1→0)", "hf", total_steps=20_000_000), "runs up to 16,000,000"),
        (lambda: export("weight_decay: 0.1", "hf", total_steps=10), "no lr member"),
        (lambda: read("hf", "[1, 2]"), "a config is a mapping"),
        (lambda: read("hf", "{nope"), "the config is not JSON"),
        (
            lambda: read("hf", {"lr_scheduler_type": "reduce_lr_on_plateau", "max_steps": 10}),
            "not a schedule of the step",
        ),
        (lambda: read("hf", {"learning_rate": 1e-3, "max_steps": 10, "scheduler": 1}), "unknown TrainingArguments key"),
        (lambda: read("deepspeed", {"scheduler": {"type": "LRRangeTest"}}), "needs a scheduler block of type"),
        (lambda: read("deepspeed", {"scheduler": {"type": "WarmupLR", "params": {"x": 1}}}), "unknown params"),
        (lambda: read("megatron", {"scheduler": {"max_lr": 1, "min_lr": 2, "init_lr": 0}}), "asserts 0 ≤ min_lr"),
        (lambda: read("torchtitan", {"lr_scheduler": {"decay_type": "exp"}}), "decay_type one of"),
    ],
)
def test_bad_input_is_an_lrdsl_error(call: object, message: str) -> None:
    with pytest.raises(lrdsl.LrdslError) as info:
        call()  # type: ignore[operator]
    assert message in str(info.value)


def test_the_command(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from lrdsl.cli import main

    (tmp_path / "e.lr").write_text(COSINE)
    assert main(["export", "hf", f"@{tmp_path / 'e.lr'}", "--steps", "1000"]) == 0
    assert json.loads(capsys.readouterr().out) == config(COSINE, "hf", 1000)
    with pytest.raises(SystemExit):
        main(["export", "nemo", COSINE])


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["linear", "cosine", "WSD", "log", "sqrt", "OneCycle", "WarmupLR", "x"]),
)
KEYS = st.sampled_from(
    [
        "learning_rate", "lr_scheduler_type", "warmup_steps", "max_steps", "lr_scheduler_kwargs", "scheduler",
        "optimizer", "params", "type", "lr", "warmup_num_steps", "total_num_steps", "warmup_type", "increment",
        "init_lr", "max_lr", "min_lr", "lr_warmup_steps", "lr_decay_steps", "lr_decay_style", "start_wd", "end_wd",
        "wd_incr_steps", "wd_incr_style", "lr_scheduler", "decay_ratio", "decay_type", "training", "steps",
        "cycle_min_lr", "cycle_max_lr", "cycle_first_step_size", "min_lr_factor", "num_warmup_steps",
        "num_training_steps", "num_cycles", "_component_", "epochs", "max_steps_per_epoch",
    ]
)  # fmt: skip
DOCUMENTS = st.recursive(SCALARS, lambda inner: st.dictionaries(KEYS, inner, max_size=6), max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["hf", "deepspeed", "megatron", "torchtitan", "torchtune"]),
    st.dictionaries(KEYS, DOCUMENTS, max_size=8),
)
def test_any_document_reads_or_is_an_lrdsl_error(name: str, document: dict[str, object]) -> None:
    with contextlib.suppress(lrdsl.LrdslError):
        read(name, document)


PHASES = st.sampled_from(
    ["linear({a}→{b}, {d})", "cosine({a}→{b}, {d})", "const({a}, {d})", "sqrt({a}→{b}, {d})", "exp({a}→{b}, {d})"]
)


@st.composite
def expressions(draw: st.DrawFn) -> str:
    values = st.sampled_from(["0", "1e-3", "3e-4", "1e-5", "1"])
    parts = [
        draw(PHASES).format(a=draw(values), b=draw(values), d=draw(st.integers(1, 40)))
        for _ in range(draw(st.integers(1, 4)))
    ]
    return f"({' >> '.join(parts)}) * offset({draw(st.integers(-2, 2))})"


@settings(max_examples=60, deadline=None)
@given(expressions(), st.sampled_from([None, 1, 2, 30, 100]))
def test_any_expression_exports_exactly_or_is_refused(expr: str, steps: int | None) -> None:
    """Whatever is exported was checked in transformers' own scheduler (a mismatch would be an LrdslError saying
    "is not exact", which no expression may reach)."""
    try:
        config(expr, "hf", steps)
    except lrdsl.LrdslError as error:
        assert "is not exact" not in str(error)


def test_a_long_run_is_checked_at_every_boundary_and_spread_steps() -> None:
    """Over 100,000 steps a config is compared at each phase boundary ±2 (the peak's first and last step, where the
    run settles, every restart), the first and last 1,000 steps and 4,000 spread ones: not every step."""
    from lrdsl.export.core import curve_of

    n = 400_000
    steps = set(
        curve_of("linear(0→1e-3, 2000) >> const(1e-3, 5000) >> cosine(1e-3→0, 93000) * repeat(4)", n, None).checked()
    )
    for boundary in (2000, 7000, 100_000, 193_000, 286_000, 379_000):
        assert set(range(boundary - 2, boundary + 3)) <= steps
    assert len(steps) < 8_000


_DS = {"optimizer": {"params": {"lr": 1e-3}}, "scheduler": {"type": "WarmupLR", "params": {"warmup_bogus": 1}}}
_MEGATRON = {
    "increment": 4,
    "scheduler": {
        **{"init_lr": 0.0, "max_lr": 1e-3, "lr_warmup_steps": 400, "min_lr": 0.0, "lr_decay_steps": 4000},
        **{"lr_decay_style": "zigzag", "start_wd": 0.01, "end_wd": 0.01, "wd_incr_steps": 4000},
        "wd_incr_style": "constant",
    },
}
BAD_CONFIGS = [
    (
        "composer",
        {"lr": 1e-3, "max_duration": "1000ba", "scheduler": {"type": "LinearWithWarmupScheduler", "t_warmup": "5ep"}},
        'error: Composer\'s schedulers: t_warmup must be a time in batches ("100ba") or of the run ("0.1dur")',
    ),
    (
        "deepspeed",
        _DS,
        "error: DeepSpeed's lr_schedules WarmupLR: unknown params ['warmup_bogus']\n"
        "hint: warmup_min_lr, warmup_max_lr, warmup_num_steps, warmup_type",
    ),
    (
        "megatron",
        _MEGATRON,
        "error: Megatron-core's OptimizerParamScheduler: lr_decay_style must be one of constant, linear, cosine, "
        "inverse-square-root, WSD, with lr_warmup_steps < lr_decay_steps",
    ),
    (
        "torchtitan",
        {"optimizer": {"lr": 1e-3}, "lr_scheduler": {"bogus": 1}, "training": {"steps": 1000}},
        "error: torchtitan's LRSchedulersContainer: unknown field(s) ['bogus']\n"
        "hint: warmup_steps, total_steps, decay_ratio, decay_type, min_lr_factor",
    ),
    (
        "torchtitan",
        {"num_warmup_steps": "x", "lr": None},
        "error: torchtitan's LRSchedulersContainer: a config has the sections optimizer, lr_scheduler and training; "
        "this one has none of them\n"
        'hint: {"optimizer": {"lr": …}, "lr_scheduler": {"warmup_steps": …}, "training": {"steps": …}}',
    ),
    (
        "optax",
        {"schedules": 3, "boundaries": []},
        "error: Optax's built-in schedules: give schedules, a list of one or two, and boundaries, a list",
    ),
    (
        "torch",
        {"lr": 0.1, "schedulers": [], "milestones": []},
        "error: PyTorch's built-in schedulers: give schedulers, a list of one or two, and milestones, a list",
    ),
]


@pytest.mark.parametrize(
    ("name", "cfg", "message"), BAD_CONFIGS, ids=[f"{row[0]}-{i}" for i, row in enumerate(BAD_CONFIGS)]
)
def test_a_config_the_reader_cannot_take_says_why(name: str, cfg: dict[str, object], message: str) -> None:
    with pytest.raises(lrdsl.LrdslError) as info:
        read(name, cfg)
    assert str(info.value) == message


def test_a_structured_form_the_framework_lacks_is_refused() -> None:
    from lrdsl.export.formats import structured

    with pytest.raises(lrdsl.LrdslError) as info:
        structured({"lr": 0.1}, "xml")
    assert str(info.value) == "error: this framework's config has no 'xml' form\nhint: one of json, yaml, toml"
