"""The README's shown command output is what the command prints today."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from lrdsl.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _shown() -> list[tuple[str, str]]:
    """Each ``$ lrdsl …`` line of a plain fenced block of README.md with the lines under it."""
    found, block, fence = [], [], None
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            if fence is None:
                fence, block = line, []
                continue
            if fence == "```" and block and block[0].startswith("$ lrdsl "):
                found.append((block[0][2:], "\n".join(block[1:]) + "\n"))
            fence = None
        elif fence is not None:
            block.append(line)
    return found


def test_the_readme_shows_command_output() -> None:
    assert _shown(), "README.md shows no `$ lrdsl …` block"


@pytest.mark.parametrize(("command", "output"), _shown())
def test_the_readmes_output_is_todays(command: str, output: str, capsys: pytest.CaptureFixture[str]) -> None:
    main(shlex.split(command)[1:])  # an error's block shows what it prints on stderr
    shown = capsys.readouterr()
    assert shown.out + shown.err == output
