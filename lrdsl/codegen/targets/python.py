"""The ``python`` target: a dependency-free function ``lr(step)`` in float64 (``math`` only)."""

from __future__ import annotations

from collections.abc import Sequence

from lrdsl.codegen.scalar import ScalarPrinter
from lrdsl.codegen.targets import Values, load, steps_list


class Printer(ScalarPrinter):
    """Plain Python: ``math``, ``bisect``, exact ``int`` steps."""

    TARGET = "python"


def run(code: str, steps: Sequence[int], name: str = "lr") -> Values:
    """``code``'s function ``name`` called at each step."""
    import numpy as np

    lr = getattr(load(code, "python_target"), name)
    return np.array([float(lr(t)) for t in steps_list(steps)], dtype=np.float64)
