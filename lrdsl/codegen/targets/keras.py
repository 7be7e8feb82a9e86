"""The ``keras`` target: a Keras 3 ``LearningRateSchedule`` in ``keras.ops`` (every backend, float32)."""

from __future__ import annotations

from collections.abc import Sequence

from lrdsl.codegen.emitter import num
from lrdsl.codegen.targets import Values, load, steps_list
from lrdsl.codegen.tensor import TensorPrinter


class Printer(TensorPrinter):
    """``keras.ops``: runs on every Keras 3 backend."""

    TARGET = "keras"
    MODULE = "ops"
    IMPORTS = frozenset({"math", "keras", "from keras import ops"})
    SEARCH = 'side="right"'  # keras.ops.searchsorted takes no method

    def to_float(self, x: str) -> str:
        """``x`` as float32."""
        return f'ops.cast({x}, "float32")'

    def to_int(self, x: str) -> str:
        """``x`` as int32."""
        return f'ops.cast({x}, "int32")'

    def array(self, name: str, integer: bool) -> str:
        """The module tuple ``name`` as a 1-D tensor."""
        return f'ops.convert_to_tensor({name}, dtype="{"int32" if integer else "float32"}")'

    def fori(self, count: str, body: str, init: float, like: str) -> str:
        """``init`` (shaped like ``like``) updated by ``body(i, lr)`` for ``i < count``."""
        return f"ops.fori_loop(0, {count}, {body}, {self.full_like(like, num(init))})"

    def full_like(self, u: str, value: str) -> str:
        """A float32 tensor shaped like ``u`` filled with ``value``."""
        return f'ops.full_like({u}, {value}, dtype="float32")'


def run(code: str, steps: Sequence[int], name: str = "Schedule") -> Values:
    """``code``'s schedule called on each step as an int32 tensor (the configured Keras backend)."""
    import numpy as np
    from keras import ops  # type: ignore[import-untyped]

    schedule = getattr(load(code, "keras_target"), name)()
    values = schedule(ops.convert_to_tensor(steps_list(steps), dtype="int32"))
    return np.asarray(ops.convert_to_numpy(values)).astype(np.float64)
