"""The walk shared by every printer: one Python function per IR schedule node.

A printer subclass supplies how each node kind and each arithmetic operation is
written (its tables); the emitter walks the IR once, names functions and module
constants, and keeps generated code O(size of the IR).

Whether a frame's local time is a whole number of steps (``integral``) is decided
here from the IR alone: at the root it is; a piece of a :class:`~lrdsl.ir.Seq`
keeps it when its start is whole, and so on. Printers use it to compare and
divide on integers, which keeps float32 targets exact up to 2**31 steps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lrdsl import ir


def whole(x: float) -> bool:
    """``x`` is a whole number."""
    return float(x).is_integer()


def num(x: float) -> str:
    """A float literal: ``repr`` of the float (always with a dot or exponent)."""
    text = repr(float(x))
    return text


def safe_comment(text: str) -> str:
    """``text`` reduced to characters that cannot end a comment or a string."""
    return re.sub(r"[^A-Za-z0-9_ .,:;+\-*/%()\[\]=<>^→$]", "?", text)[:100]


@dataclass
class Emitter:
    """Collects function definitions and module constants while a printer walks the IR."""

    prefix: str = "_"
    defs: list[str] = field(default_factory=list)
    constants: list[str] = field(default_factory=list)
    counter: int = 0
    imports: set[str] = field(default_factory=set)

    def fresh(self, kind: str) -> str:
        """A new function name such as ``_phase_3``."""
        self.counter += 1
        return f"{self.prefix}{kind}_{self.counter}"

    def constant(self, kind: str, value: str) -> str:
        """A module-level constant ``_KIND_N = value``; returns its name."""
        self.counter += 1
        name = f"{self.prefix.upper()}{kind.upper()}_{self.counter}"
        self.constants.append(f"{name} = {value}")
        return name

    def define(self, name: str, doc: str, lines: list[str]) -> None:
        """Add ``def name(u):`` with a one-line comment and ``lines`` as its body."""
        body = "\n".join("    " + ln for ln in lines)
        comment = f"    # {safe_comment(doc)}\n" if doc else ""
        self.defs.append(f"def {name}(u):\n{comment}{body}")


def seq_integral(node: ir.Seq, integral: bool) -> list[bool]:
    """Whether each piece of ``node`` sees whole steps."""
    return [integral and whole(b) for b in node.breaks]


def cycles_integral(node: ir.Cycles, integral: bool) -> bool:
    """Whether a restart body sees whole steps (constant whole period)."""
    return integral and node.mult == 1 and node.period.denominator == 1


def quantize_integral(node: ir.Quantize, integral: bool) -> bool:
    """Whether a quantized body sees whole steps."""
    return integral and whole(node.q) and (not node.at_end or whole(node.hi))
