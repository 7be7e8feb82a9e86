"""Generated code of every target still runs, with the interpreter's numbers, under unusual names.

``results(target)`` checks each allowed ``--name`` and ``$parameter`` name in real code of that
target. Paddle runs it in its own process (it must not share one with other frameworks):
``LRDSL_TARGET=paddle python -m tests.names_worker`` prints one JSON object
{check: null if it matches, else a message}.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import numpy as np

EXPR = "recur(lr * 0.99, 50, every=10, from=0.1) >> cosine(${param}→0) * restart(mult=2)"
TOTAL = 300
STEPS = 120
NAMES = ["step", "u", "p", "value", "count", "self", "lr", "key", "index", "optimizer", "update", "i", "schedule"]
"""Unusual names for the generated function or class (``p`` is refused in Optax code with parameters)."""
PARAMS = ["value", "u", "count", "lr", "params", "group", "base", "epoch", "uf", "local"]
"""Unusual ``$parameter`` names, allowed for every target."""


def results(target: str) -> dict[str, str | None]:
    """``{check: None if the values match the interpreter, else a message}`` for ``target``."""
    import lrdsl
    from lrdsl.api import generate
    from tests.frameworks import load
    from tests.gen_cases import F32, F64

    tol = F32 if target in ("optax", "keras") else F64
    out: dict[str, str | None] = {}
    checks = [(name, "peak") for name in NAMES if not (target == "optax" and name == "p")]
    checks += [(None, param) for param in PARAMS]
    for name, param in checks:
        expr = EXPR.format(param=param)
        want = lrdsl.evaluate(expr, TOTAL, params={param: 0.5})[:STEPS]
        key = f"{target}:{name}:${param}"
        try:
            module = load(generate(expr, target, TOTAL, name=name, params={param: 0.1}), f"names_{target}")
            got = _run(target, module, name or _default(target), {param: 0.5})
        except Exception as exc:  # reported as the check's failure
            out[key] = f"{type(exc).__name__}: {exc}"
            continue
        bad = np.flatnonzero(np.abs(got - want) > tol["atol"] + tol["rtol"] * np.abs(want))
        out[key] = None if not bad.size else f"first at {bad[0]}: {got[bad[0]]} vs {want[bad[0]]}"
    return out


def _default(target: str) -> str:
    from lrdsl.codegen import TARGETS

    return TARGETS[target].default_name


def _run(target: str, module: Any, name: str, params: dict[str, float]) -> np.ndarray:
    """The first ``STEPS`` values of the generated schedule ``name`` of ``module`` with ``params``."""
    obj = getattr(module, name)
    if target == "python":
        return np.array([obj(t, **params) for t in range(STEPS)])
    if target == "torch":
        import torch

        weight = torch.nn.Parameter(torch.zeros(1))
        opt = torch.optim.SGD([weight], lr=1.0)
        sched = obj(opt, **params)
        seen = []
        for _ in range(STEPS):
            seen.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        return np.array(seen)
    if target == "paddle":
        sched = obj(**params)
        seen = []
        for _ in range(STEPS):
            seen.append(sched())
            sched.step()
        return np.array(seen)
    if target == "optax":
        import jax
        import jax.numpy as jnp

        fn = getattr(module, "make_" + name)(**params)
        return np.asarray(jax.jit(fn)(jnp.arange(STEPS)), dtype=np.float64)
    from keras import ops

    sched = obj(**params)
    return np.asarray(ops.convert_to_numpy(sched(ops.arange(STEPS, dtype="int32"))), dtype=np.float64)


def main() -> None:
    target = os.environ["LRDSL_TARGET"]
    print(json.dumps({"target": target, "results": results(target)}))


if __name__ == "__main__":
    sys.exit(main())
