"""``lrdsl eval`` of one resolved schedule: a table (a summary), or every step as csv, json or npy.

csv and json are written ``CHUNK`` steps at a time (:data:`lrdsl.tools.output.CHUNK`, read when they
run), so a long run streams in bounded memory; npy is built whole, after the size check.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from lrdsl.cli.arguments import steps_list
from lrdsl.errors import LrdslError
from lrdsl.ir import Lowered
from lrdsl.language.numbers import short_number
from lrdsl.tools import output

Values = Callable[[Any], Any]
"""lr at an array of steps, or over ``range(*at)`` for a (start, stop) pair."""


def evaluate(args: argparse.Namespace, plan: object, source: str) -> int:
    """Write ``plan``'s values at every step (or at ``--at``) in ``--format``; errors shown on ``source``."""
    import numpy as np

    from lrdsl.ir.interpreter import evaluate_ir, evaluate_range

    assert isinstance(plan, Lowered)

    def values(at: np.ndarray | tuple[int, int]) -> np.ndarray:
        try:
            return evaluate_range(plan.ir, *at) if isinstance(at, tuple) else evaluate_ir(plan.ir, at)
        except LrdslError as err:
            raise err.with_source(source) from None

    at = np.array(steps_list(args.at), dtype=np.int64) if args.at is not None else None
    if args.format == "table":
        try:
            rows = table_rows(plan, at)
        except LrdslError as err:  # its phase boundaries read values too
            raise err.with_source(source) from None
        output.write_text(table(plan, rows, values(rows[:, 1])) + "\n", args.output)
        return 0
    _FORMATS[args.format](args, plan, at, values)
    return 0


def _csv(args: argparse.Namespace, plan: Lowered, at: Any, values: Values) -> None:
    from lrdsl.tools.progress import LONG, Progress

    count = at.size if at is not None else plan.total
    with output.output_to(args.output) as out, Progress(count, _where(args), enabled=count >= LONG) as bar:
        out.write("step,lr\n")
        for block, lr in blocks(plan.total, at, values):
            out.write("".join(f"{s},{v!r}\n" for s, v in zip(block, lr.tolist())))
            bar.advance(len(block))


def _npy(args: argparse.Namespace, plan: Lowered, at: Any, values: Values) -> None:
    import numpy as np

    from lrdsl.lowering.lower import check_size
    from lrdsl.tools.progress import LONG, Progress

    count = at.size if at is not None else plan.total
    check_size(count)
    with Progress(count, "evaluating", enabled=count >= LONG) as bar:
        lr = np.empty(count, dtype=np.float64)
        done = 0
        for block, part in blocks(plan.total, at, values):
            lr[done : done + len(block)] = part
            done += len(block)
            bar.advance(len(block))
    buf = io.BytesIO()
    np.save(buf, lr)
    if args.output is None:
        sys.stdout.buffer.write(buf.getvalue())
    else:
        with output.output_to(args.output, binary=True) as fh:
            fh.write(buf.getvalue())


def _json(args: argparse.Namespace, plan: Lowered, at: Any, values: Values) -> None:
    from lrdsl.lowering.lower import check_size
    from lrdsl.tools.progress import LONG, Progress

    count = at.size if at is not None else plan.total
    check_size(count)
    head = {"schedule": plan.text, "total_steps": plan.total, "steps_per_epoch": plan.steps_per_epoch}
    bar = Progress(2 * count, _where(args), enabled=count >= LONG, unit="numbers")
    with output.output_to(args.output) as out, bar:
        # json.dumps(head | {"step": [...], "lr": [...]}), written a chunk at a time
        out.write(json.dumps(head)[:-1] + ', "step": [')
        for i, (block, _) in enumerate(blocks(plan.total, at, lambda a: None)):
            out.write((", " if i else "") + json.dumps(list(block))[1:-1])
            bar.advance(len(block))
        out.write('], "lr": [')
        for i, (block, lr) in enumerate(blocks(plan.total, at, values)):
            out.write((", " if i else "") + json.dumps(lr.tolist())[1:-1])
            bar.advance(len(block))
        out.write("]}\n")


_FORMATS: dict[str, Callable[[argparse.Namespace, Lowered, Any, Values], None]] = {
    "csv": _csv,
    "npy": _npy,
    "json": _json,
}


def _where(args: argparse.Namespace) -> str:
    """What the progress bar says is being written."""
    return f"writing {args.output}" if args.output else f"writing {args.format}"


def blocks(total: int, at: Any, values: Values) -> Iterator[tuple[Sequence[int], Any]]:
    """(steps, values): the ``--at`` steps at once, else ``CHUNK`` steps at a time."""
    if at is not None:
        yield at.tolist(), values(at)
        return
    chunk = output.CHUNK
    for start in range(0, total, chunk):
        stop = min(start + chunk, total)
        yield range(start, stop), values((start, stop))


def table_rows(plan: Lowered, at: Any) -> Any:
    """The rows of a table, the only steps evaluated for it: ``(index, step)`` pairs, shape ``(n, 2)``.

    Every step of a short run (or of ``--at``), else the first and the last, an even sample of
    21 and both sides of each phase boundary; ``index`` is the row's place among all the steps
    (a gap between two rows is marked ``…``).
    """
    import numpy as np

    count = at.size if at is not None else plan.total
    if count <= 40:
        keep = np.arange(count, dtype=np.int64)
    else:
        keep = np.array(sorted(_marks(plan, at, count)), dtype=np.int64)
    return np.stack([keep, at[keep] if at is not None else keep], axis=1)


def _marks(plan: Lowered, at: Any, count: int) -> set[int]:
    """The rows of a long table: the ends, an even sample of 21, and both sides of each phase boundary."""
    import numpy as np

    from lrdsl.tools.explain import phases

    marks = {0, count - 1, *np.linspace(0, count - 1, 21).round().astype(int).tolist()}
    for ph in phases(plan.ir, plan.total):
        for b in (ph.start, ph.end):
            step = math.ceil(b)
            idx = int(np.searchsorted(at, step)) if at is not None else min(max(step, 0), count)
            marks.update(i for i in (idx - 1, idx) if 0 <= i < count)
    return marks


def table(plan: Lowered, rows: Any, lr: Any) -> str:
    """A readable summary of the ``rows`` chosen by :func:`table_rows` and their values ``lr``."""
    head = f"{plan.text}\ntotal {plan.total} steps" + (
        f", {plan.steps_per_epoch:g} steps per epoch" if plan.steps_per_epoch else ""
    )
    lines = [head, f"{'step':>12}  lr"]
    prev = -1
    for (i, step), value in zip(rows.tolist(), lr.tolist()):
        if prev >= 0 and i > prev + 1:
            lines.append(f"{'…':>12}")
        lines.append(f"{step:>12}  {short_number(float(value))}")
        prev = i
    return "\n".join(lines)
