"""Which member of a schedule set (LANGUAGE.md §9.5) a log's column holds, by the column's name.

A training log names its hyper-parameter columns in its framework's spelling; each is read as the
reserved member it is (PyTorch's param-group key):

- the reserved names themselves (``lr``, ``weight_decay``, ``momentum``, ``betas[0]``, …), and the other
  frameworks' spellings :data:`lrdsl.language.members.OTHER_SPELLINGS` lists (``learning_rate``, ``wd``,
  ``b1``, ``beta_2``, ``epsilon``, …), in any case;
- the spellings of logs and trainer arguments in :data:`LOG_SPELLINGS` (``beta1``, ``adam_beta2``, …);
- Lightning's ``LearningRateMonitor`` names: ``lr-AdamW`` is ``lr``, ``lr-SGD-momentum`` is ``momentum``
  (``betas[0]`` for an Adam optimizer, whose β₁ Lightning logs as its momentum), ``lr-AdamW-weight_decay``
  is ``weight_decay``, with a param group (``lr-AdamW/pg1``) or a repeated optimizer (``lr-SGD-1``);
- a W&B export's ``<run> - NAME`` and a section's ``train/NAME`` are read as ``NAME``.

Any other column (a loss, an accuracy) is no member.
"""

from __future__ import annotations

import re

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

_LIGHTNING = re.compile(r"lr-(?P<optimizer>\w+?)(?:-\d+)?(?:/[^-]+)?(?:-(?P<what>momentum|weight_decay))?")
"""``LearningRateMonitor``'s names: ``lr-<optimizer>[-<n>][/<group>][-momentum|-weight_decay]``."""


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
    lightning = _LIGHTNING.fullmatch(name)
    if lightning is None:
        return None
    what = lightning.group("what")
    if what == "momentum" and "adam" in lightning.group("optimizer").lower():
        return "betas[0]"
    return what or "lr"
