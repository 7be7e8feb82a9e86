"""Which member of a schedule set (LANGUAGE.md §9.5) a log's column holds, by the column's name.

A training log names its hyper-parameter columns in its framework's spelling; each is read as the
reserved member it is (PyTorch's param-group key):

- the reserved names themselves (``lr``, ``weight_decay``, ``momentum``, ``betas[0]``, …), and the other
  frameworks' spellings :data:`lrdsl.language.members.OTHER_SPELLINGS` lists (``learning_rate``, ``wd``,
  ``b1``, ``beta_2``, ``epsilon``, …), in any case;
- the spellings of logs and trainer arguments in :data:`LOG_SPELLINGS` (``beta1``, ``adam_beta2``, …);
- Lightning's ``LearningRateMonitor`` names: ``lr-AdamW`` is ``lr``, with a param group (``lr-AdamW/pg1``) or
  a repeated optimizer (``lr-SGD-1``); a rate's name followed by ``-weight_decay`` is ``weight_decay``, and
  by ``-momentum`` is ``momentum``, or ``betas[0]`` when the name says an Adam optimizer
  (``lr-AdamW-momentum``): Lightning logs an Adam optimizer's β₁ as its momentum. A scheduler named
  ``lr`` (lrdsl's ``scheduler_config``) logs ``lr``, ``lr-momentum``, ``lr-weight_decay``: there the
  optimizer is not named and ``lr-momentum`` is read as ``momentum`` (:func:`ambiguous` says so);
- a W&B export's ``<run> - NAME`` and a section's ``train/NAME`` are read as ``NAME``.

Any other column (a loss, an accuracy) is no member.
"""

from __future__ import annotations

import re

from lrdsl.errors import LrdslError
from lrdsl.language.members import OTHER_SPELLINGS, RESERVED

LOG_SPELLINGS = {
    "beta1": "betas[0]",
    "beta2": "betas[1]",
    "adam_beta1": "betas[0]",
    "adam_beta2": "betas[1]",
    "adam_epsilon": "eps",
    "betas_0": "betas[0]",
    "betas_1": "betas[1]",
}
"""Spellings of logs and trainer arguments (Hugging Face's ``adam_beta1``, …) beside the other frameworks'."""

BETA1 = (
    "Lightning logs an Adam optimizer's betas[0] as its momentum too: if this run's optimizer is one, rename the member"
)
"""The note on a column :func:`ambiguous` reads as ``momentum``."""
_LIGHTNING = re.compile(r"lr-\w+?(?:-\d+)?(?:/[^-]+)?")
"""``LearningRateMonitor``'s name of a rate: ``lr-<optimizer>[-<n>][/<group>]``; its momentum and weight decay
are that name (or the scheduler's own name, ``lr`` for lrdsl's) followed by ``-momentum`` or ``-weight_decay``."""


def member_of(header: str) -> str | None:
    """The reserved member the log column ``header`` holds, or ``None`` (see the module's text)."""
    name = header.rpartition(" - ")[2].strip()
    for candidate in (name, name.rpartition("/")[2]):
        key = candidate.lower()
        if key in RESERVED:
            return key
        found = OTHER_SPELLINGS.get(key) or LOG_SPELLINGS.get(key)
        if found is not None:
            return found
    rate, _, what = name.rpartition("-")
    if what in ("momentum", "weight_decay"):
        if member_of(rate) != "lr":
            return None
        return "betas[0]" if what == "momentum" and "adam" in rate.lower() else what
    return "lr" if _LIGHTNING.fullmatch(name) is not None else None


def ambiguous(header: str) -> bool:
    """Whether the column ``header`` read as ``momentum`` may be an Adam optimizer's β₁ (``betas[0]``): a
    Lightning ``-momentum`` column whose name does not say the optimizer."""
    return member_of(header) == "momentum" and header.lower().endswith("-momentum")


def members_of(names: list[str], where: str, hint: str) -> tuple[dict[str, int], list[int]]:
    """``({member: index}, [index left out])`` of a log's series ``names`` (csv columns, TensorBoard tags), in
    their order; two series that hold one member are an error of ``where``, with ``hint``."""
    found: dict[str, int] = {}
    left: list[int] = []
    for i, name in enumerate(names):
        member = member_of(name)
        if member is None:
            left.append(i)
        elif member in found:
            raise LrdslError(f"{where} {names[found[member]][:40]!r} and {name[:40]!r} both hold {member}", hint=hint)
        else:
            found[member] = i
    return found, left
