"""The names of a schedule set's members (LANGUAGE.md §9.5): which are allowed, reserved, refused.

A member name is an identifier, dotted names allowed (``loss.kl``), optionally with one digit
index (``betas[1]``). The reserved names are the optimizer hyper-parameters, spelled as PyTorch
param-group keys; other frameworks' spellings of them are refused with the PyTorch spelling as
the hint, so that one text means the same member whichever framework it is written for.
"""

from __future__ import annotations

import re

from lrdsl.errors import LrdslError

MAX_MEMBERS = 64
"""The most members of one set."""

RESERVED = ("lr", "weight_decay", "momentum", "dampening", "betas[0]", "betas[1]", "eps")
"""The optimizer hyper-parameters, as PyTorch's param-group keys."""

OTHER_SPELLINGS = {
    "learning_rate": "lr",
    "b1": "betas[0]",
    "b2": "betas[1]",
    "beta_1": "betas[0]",
    "beta_2": "betas[1]",
    "epsilon": "eps",
    "wd": "weight_decay",
}
"""Optax's, Keras' and common spellings of the reserved names, refused with PyTorch's as the hint."""

DEFAULT = "lr"
"""The member of a text with no ``NAME:``: a schedule alone is the learning rate."""

_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*(\.[A-Za-z_][A-Za-z_0-9]*)*(\[[0-9]\])?")


def base(name: str) -> str:
    """``name`` without its index: ``betas[1]`` → ``betas``."""
    return name.split("[", 1)[0]


def name_problem(name: str) -> tuple[str, str | None] | None:
    """``(message, hint)`` when ``name`` cannot name a member, else ``None``."""
    if not _NAME.fullmatch(name):
        return (
            f"'{name}' is not a member name",
            "a member name is an identifier, dotted names allowed (loss.kl), with one digit index (betas[1])",
        )
    if name in OTHER_SPELLINGS:
        return f"'{name}' is another framework's spelling", f"did you mean '{OTHER_SPELLINGS[name]}'?"
    if base(name) == "betas" and name not in ("betas", "betas[0]", "betas[1]"):
        return f"'{name}' is not an optimizer's beta", "Adam's betas are betas[0] and betas[1]"
    if name != base(name) and base(name) in RESERVED:
        return f"'{name}': {base(name)} is one number, it takes no index", f"write {base(name)}"
    return None


def clash(names: list[str]) -> tuple[int, str, str | None] | None:
    """``(index, message, hint)`` for the first name in ``names`` that repeats or overlaps an earlier one."""
    seen: set[str] = set()
    for i, name in enumerate(names):
        if name in seen:
            return i, f"member '{name}' is given twice", "each member appears once"
        whole, indexed = base(name), name != base(name)
        other = next((n for n in seen if n != name and base(n) == whole and (indexed != (n != base(n)))), None)
        if other is not None:
            return i, f"members '{other}' and '{name}' both set {whole}", f"give either {whole} or its entries"
        seen.add(name)
    return None


def in_member(name: str, err: LrdslError, several: bool) -> LrdslError:
    """``err`` naming the member it comes from (when the set has several: one schedule's errors stay as they are)."""
    if not several:
        return err
    return LrdslError(f"in member '{name}': {err.message}", span=err.span, source=err.source, hint=err.hint)
