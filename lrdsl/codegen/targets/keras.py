"""The ``keras`` target: a Keras 3 ``LearningRateSchedule`` in ``keras.ops`` (every backend, float32)."""

from __future__ import annotations

from collections.abc import Sequence

from lrdsl.codegen.targets import Values, load, steps_list
from lrdsl.codegen.tensor import TensorPrinter


class Printer(TensorPrinter):
    """``keras.ops``: runs on every Keras 3 backend."""

    TARGET = "keras"
    MODULE = "ops"
    IMPORTS = frozenset({"math", "keras", "from keras import ops"})
    SEARCH = 'side="right"'  # keras.ops.searchsorted takes no method
    DTYPE = '"{}"'
    CAST = "ops.cast({x}, {dtype})"
    ARRAY = "ops.convert_to_tensor"
    LOOP = "ops.fori_loop"


def run(code: str, steps: Sequence[int], name: str = "Schedule") -> Values:
    """``code``'s schedule called on each step as an int32 tensor (the configured Keras backend)."""
    import numpy as np
    from keras import ops  # type: ignore[import-untyped]

    schedule = getattr(load(code, "keras_target"), name)()
    values = schedule(ops.convert_to_tensor(steps_list(steps), dtype="int32"))
    return np.asarray(ops.convert_to_numpy(values)).astype(np.float64)
