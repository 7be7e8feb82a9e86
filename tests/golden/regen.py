"""Regenerate the committed golden files: ``python -m tests.golden.regen``.

Each golden is the exact output of ``lrdsl gen`` for one schedule and target;
tests/test_golden.py fails when the generator's output changes without them.
"""

from __future__ import annotations

from pathlib import Path

from lrdsl.api import generate
from lrdsl.codegen import TARGETS

HERE = Path(__file__).resolve().parent
SCHEDULES: dict[str, tuple[str, int, float | None]] = {
    "design_card": ("warmup(linear, 5ep) >> cosine(0.1→1e-6) * restart(mult=2)", 5000, 50),
    "onecycle": ("onecycle(0.1)", 1000, None),
    "step_decay": ("const(0.1, 14ep) >> step(0.025, gamma=0.25, every=15ep)", 1000, 10),
}


def expected() -> dict[Path, str]:
    """Golden path → the text it must hold."""
    out = {}
    for key, (expr, steps, spe) in SCHEDULES.items():
        for target in TARGETS:
            out[HERE / f"{key}_{target}.py"] = generate(expr, target, steps, spe)
    return out


if __name__ == "__main__":
    for path, text in expected().items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(HERE.parent.parent)}")
