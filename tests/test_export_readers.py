"""The trainer-config readers (DeepSpeed, Megatron, Composer, torchtune, torchtitan) and the fit of a log (its late
start, its durations in samples) build syntax trees with :mod:`lrdsl.language.build`: what a reader returns is the
formatter's text of that tree (parsing it and formatting it again gives it back), and no f-string, ``join`` or
format template in them spells the language."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest

from lrdsl.export import composer, deepspeed, megatron, torchtitan, torchtune
from lrdsl.language import build as B
from lrdsl.language.parser import parse, parse_set
from lrdsl.language.signatures import SIGNATURES

ROOT = Path(__file__).resolve().parents[1] / "lrdsl"
READERS = [ROOT / "export" / f"{m}.py" for m in ("composer", "deepspeed", "megatron", "torchtune", "torchtitan")]
SYNTAX = re.compile(r"→|>>|\b(" + "|".join(map(re.escape, SIGNATURES)) + r")\(")
"""What writes schedule text: an arrow, a sequence, or a call of the language."""


def _spelled(path: Path) -> list[str]:
    """Each f-string, ``join`` separator or format template (a string with ``{…}`` fields, docstrings aside) in
    ``path`` whose literal text spells the language."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    prose = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in prose:
            literal = node.value if re.search(r"\{\w+\}", node.value) else ""
        elif isinstance(node, ast.JoinedStr):
            literal = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
        elif (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("join", "format")
        ):
            owner = node.func.value
            literal = owner.value if isinstance(owner, ast.Constant) and isinstance(owner.value, str) else ""
        else:
            continue
        if SYNTAX.search(literal):
            found.append(f"{path.name}:{node.lineno}: {literal!r}")
    return found


@pytest.mark.parametrize("path", [*READERS, ROOT / "logs" / "fit.py"], ids=lambda p: p.name)
def test_no_reader_writes_schedule_text_by_hand(path: Path) -> None:
    assert _spelled(path) == []


MEGATRON = {
    "init_lr": 0.0,
    "max_lr": 3e-4,
    "min_lr": 3e-5,
    "lr_warmup_steps": 160,
    "lr_decay_steps": 4000,
    "start_wd": 0.01,
    "end_wd": 0.1,
    "wd_incr_steps": 4000,
    "wd_incr_style": "cosine",
    "wsd_decay_steps": 800,
}
ONECYCLE = {"cycle_min_lr": 1e-4, "cycle_max_lr": 1e-3, "cycle_first_step_size": 200, "cycle_second_step_size": 300}
CASES: list[tuple[Any, dict[str, Any]]] = [
    (composer, {"lr": 0.1, "max_duration": "1000ba", "scheduler": {"type": "StepScheduler", "step_size": "30ba"}}),
    (
        composer,
        {
            "lr": 1e-3,
            "max_duration": "1000ba",
            "scheduler": {"type": "PolynomialWithWarmupScheduler", "t_warmup": "0.1dur", "power": 3},
        },
    ),
    (composer, {"lr": 3, "max_duration": "1000ba", "scheduler": {"type": "ConstantScheduler", "alpha": 0.5}}),
    (deepspeed, {"optimizer": {"params": {"lr": 2e-4}}}),
    (
        deepspeed,
        {
            "optimizer": {"params": {"lr": 3e-4}},
            "scheduler": {"type": "WarmupCosineLR", "params": {"total_num_steps": 900, "warmup_num_steps": 100}},
        },
    ),
    (deepspeed, {"scheduler": {"type": "WarmupDecayLR", "params": {"total_num_steps": 500, "warmup_type": "linear"}}}),
    (
        deepspeed,
        {"scheduler": {"type": "OneCycle", "params": {**ONECYCLE, "decay_lr_rate": 0.01, "decay_step_size": 5}}},
    ),
    (megatron, {"increment": 4, "scheduler": {**MEGATRON, "lr_decay_style": "inverse-square-root"}}),
    (
        megatron,
        {"increment": 4, "scheduler": {**MEGATRON, "lr_decay_style": "WSD", "lr_wsd_decay_style": "exponential"}},
    ),
    (megatron, {**MEGATRON, "lr_decay_style": "WSD", "lr_wsd_decay_style": "minus_sqrt", "lr_warmup_steps": 0}),
    (torchtune, {"lr": 2e-5, "num_warmup_steps": 100, "num_training_steps": 1000, "num_cycles": 0}),
    (torchtune, {"lr": 2e-5, "num_warmup_steps": 0, "num_training_steps": 1000, "num_cycles": 0}),
    (torchtitan, {"optimizer": {"lr": 8e-4}, "lr_scheduler": {"warmup_steps": 0, "decay_ratio": 0.0}}),
    (torchtitan, {"optimizer": {"lr": 8e-4}, "lr_scheduler": {"warmup_steps": 200, "decay_type": "sqrt"}}),
]


@pytest.mark.parametrize(("reader", "config"), CASES, ids=lambda x: getattr(x, "NAME", ""))
def test_a_reader_returns_the_formatters_text(reader: Any, config: dict[str, Any]) -> None:
    text = reader.read(config)
    assert str(parse_set(text)) == text


def test_onecycle_with_momentum_reads_as_a_set_of_three_members() -> None:
    text = deepspeed.read({"scheduler": {"type": "OneCycle", "params": {**ONECYCLE, "cycle_min_mom": 0.85}}})
    assert text.splitlines() == [
        "lr: linear(1e-4→1e-3, 200) >> linear(1e-3→1e-4, 300) >> const(1e-4)",
        "betas[0]: const(0.85, 1) >> linear(0.89975→0.85, 199) >> linear(0.85→0.9, 300) >> const(0.9)",
        "betas[1]: 0.99",
    ]


def test_megatron_inverse_square_root_counts_samples_in_its_formula() -> None:
    text = megatron.read({"increment": 4, "scheduler": {**MEGATRON, "lr_decay_style": "inverse-square-root"}})
    lr = text.splitlines()[0]
    assert lr == "lr: linear(0→3e-4, 40) >> max(3e-5, fn(3e-4 * sqrt(160 / max(t * 4, 1)), 961)) >> const(3e-5)"


def test_a_phase_kept_whole_is_the_parsed_tree() -> None:
    rest = B.seq(B.shape("linear", (1, 0), 10), B.shape("const", 0))
    kept = B.after(B.shape("const", 0.5, 3), rest)
    assert B.text(kept) == "const(0.5, 3) >> (linear(1→0, 10) >> const(0))"
    assert parse(B.text(kept)).expr == kept
    assert B.text(B.seq(B.shape("const", 0.5, 3), rest)) == "const(0.5, 3) >> linear(1→0, 10) >> const(0)"


def test_a_built_set_is_the_parsed_set() -> None:
    built = B.schedule_set({"lr": B.shape("cosine", (1, 0), 10), "weight_decay": 0.01})
    assert parse_set(B.text(built)) == built
    assert B.text(B.schedule_set({"lr": 0.1})) == "0.1"  # the learning rate alone is its bare expression
    with pytest.raises(ValueError, match="another framework's spelling"):
        B.schedule_set({"b1": 0.9})
    with pytest.raises(ValueError, match="at least one member"):
        B.schedule_set({})
