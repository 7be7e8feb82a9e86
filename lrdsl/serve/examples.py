"""The cookbook's schedules (``docs/cookbook.md``) as the playground's examples: title, text and run.

Each fenced block of the cookbook without a language is one expression; the section's heading
is its title; the first ``Run: `--steps N --steps-per-epoch K``` line after it in its section
gives its run. Read once, from the documentation the package ships.
"""

from __future__ import annotations

import functools
import itertools
import re
from typing import Any

RUN = re.compile(r"Run: `([^`]*)`")
SUFFIX = {"k": 1e3, "M": 1e6, "B": 1e9, "G": 1e9, "T": 1e12}


def _count(text: str) -> float:
    """``5005``, ``0.5M``, ``4k`` as a number."""
    scale = SUFFIX.get(text[-1:], 1.0)
    return float(text[:-1] if scale != 1.0 else text) * scale


def _run(flags: str) -> dict[str, Any]:
    """``--steps 90ep --steps-per-epoch 5005`` as the API's run fields."""
    out: dict[str, Any] = {}
    words = flags.split()
    for flag, value in itertools.pairwise(words):
        if flag == "--steps":
            out["total_steps"] = int(value) if value.isdigit() else value
        elif flag == "--steps-per-epoch":
            out["steps_per_epoch"] = _count(value)
        elif flag == "--tokens-per-step":
            out["tokens_per_step"] = _count(value)
    return out


@functools.cache
def examples() -> tuple[dict[str, Any], ...]:
    """Every expression of the cookbook with its section's title and its run (an empty run: its own length)."""
    from lrdsl.resources import BrokenInstall, resource_dir

    try:
        text = (resource_dir("docs") / "cookbook.md").read_text(encoding="utf-8")
    except (BrokenInstall, OSError):
        return ()
    found: list[dict[str, Any]] = []
    title = ""
    lines = text.splitlines()
    k = 0
    while k < len(lines):
        line = lines[k]
        if line.startswith("## "):
            title = line[3:].strip()
        elif line == "```":
            end = lines.index("```", k + 1)
            block = [b for b in lines[k + 1 : end] if b.strip()]
            section = "\n".join(lines[end + 1 :]).split("\n## ", 1)[0]
            run = RUN.search(section)  # the block's own run, else the next one its section gives
            if len(block) == 1:
                found.append({"title": title, "expr": block[0].strip(), **(_run(run.group(1)) if run else {})})
            k = end
        k += 1
    return tuple(found)
