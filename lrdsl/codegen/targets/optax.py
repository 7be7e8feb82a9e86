"""The ``optax`` target: a jit- and vmap-safe function of the step count in ``jax.numpy`` (float32)."""

from __future__ import annotations

from collections.abc import Sequence

from lrdsl.codegen.targets import Values, load, steps_list
from lrdsl.codegen.tensor import TensorPrinter


class Printer(TensorPrinter):
    """``jax.numpy`` (``jnp``) and ``jax.lax``; every operation of :data:`~lrdsl.codegen.tensor.TENSOR_OPS`."""

    TARGET = "optax"


def run(code: str, steps: Sequence[int], name: str = "schedule") -> Values:
    """``code``'s schedule under ``jax.jit(jax.vmap(…))`` over int32 steps."""
    import jax
    import jax.numpy as jnp
    import numpy as np

    schedule = getattr(load(code, "optax_target"), name)
    at = jnp.asarray(steps_list(steps), dtype=jnp.int32)
    return np.asarray(jax.jit(jax.vmap(schedule))(at)).astype(np.float64)
