"""Run in its own process (paddle must not share a process with tensorflow).

Steps a real paddle optimizer with the generated scheduler on every tenth case (tests/test_targets.py
runs every case through the scheduler itself: this checks the optimizer reads it) and prints one JSON
object {case id: null if it matches, else a message}.
"""

from __future__ import annotations

import json
import sys

import numpy as np


def main() -> None:
    import paddle

    import lrdsl
    from lrdsl.api import generate
    from tests.frameworks import load
    from tests.gen_cases import F64, cases

    out: dict[str, str | None] = {}
    for case in cases()[::10]:
        n, spe = case["steps"], case["steps_per_epoch"]
        sched = load(generate(case["expr"], "paddle", n, spe), "paddle_target").Scheduler()
        layer = paddle.nn.Linear(2, 1)
        opt = paddle.optimizer.SGD(learning_rate=sched, parameters=layer.parameters())
        limit = min(n, 3000)
        seen = []
        for _ in range(limit):
            seen.append(opt.get_lr())
            loss = layer(paddle.ones([1, 2])).sum()
            loss.backward()
            opt.step()
            opt.clear_grad()
            sched.step()
        got, want = np.array(seen), lrdsl.evaluate(case["expr"], n, spe)[:limit]
        bad = np.flatnonzero(np.abs(got - want) > F64["atol"] + F64["rtol"] * np.abs(want))
        out[case["id"]] = None if not bad.size else f"first at {bad[0]}: {got[bad[0]]} vs {want[bad[0]]}"
    print(json.dumps({"version": paddle.__version__, "results": out}))


if __name__ == "__main__":
    sys.exit(main())
