"""The ``lrdsl`` command: ``eval``, ``check``, ``explain``, ``fmt``, ``gen``.

Every failure the user can cause exits with status 2 and one readable message
on stderr (line:column, the source line, a caret, a hint), never a traceback.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from lrdsl.errors import LrdslError

CHUNK = 100_000
"""Steps evaluated at a time when streaming csv output."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"lrdsl: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _read(expr: str) -> str:
    if expr == "-":
        return sys.stdin.read()
    if expr.startswith("@"):
        path = Path(expr[1:])
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise LrdslError(f"cannot read {path}: {exc.strerror if isinstance(exc, OSError) else exc}") from None
    return expr


def _params(pairs: Sequence[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip().lstrip("$")
        if not sep or not name.isidentifier():
            raise LrdslError(f"--set expects name=value, got {pair!r}")
        try:
            out[name] = float(value)
        except ValueError:
            raise LrdslError(f"--set {name}: {value!r} is not a number") from None
    return out


def _size(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    w, sep, h = text.lower().partition("x")
    if not (sep and w.isdigit() and h.isdigit()) or not (0 < int(w) <= 10000 and 0 < int(h) <= 10000):
        raise LrdslError(f"--size expects WxH such as 900x450, got {text!r}")
    return int(w), int(h)


def _steps_list(text: str) -> list[int]:
    out = []
    for part in text.split(","):
        part = part.strip()
        try:
            value = float(part)
        except ValueError:
            raise LrdslError(f"--at expects whole steps separated by commas, got {part!r}") from None
        if not value.is_integer() or not 0 <= value <= 1e15:
            raise LrdslError(f"--at step {part} must be a whole number from 0 to 1e15")
        out.append(int(value))
    return out


def _common(p: argparse.ArgumentParser, steps: bool = True) -> None:
    p.add_argument("expr", help="the schedule, '-' for stdin, or @FILE")
    if steps:
        p.add_argument("--steps", type=int, default=None, help="total steps of the run")
        p.add_argument("--steps-per-epoch", type=float, default=None, help="steps in one epoch (for 'ep')")
        p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="bind a $parameter")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``lrdsl`` command."""
    parser = _Parser(prog="lrdsl", description="Learning-rate schedules as one line of text.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    p = sub.add_parser("eval", help="evaluate lr(t) for every step")
    _common(p)
    p.add_argument("--at", default=None, help="comma-separated steps to evaluate instead of 0…N−1")
    p.add_argument("--format", choices=["table", "csv", "json", "npy"], default="table")
    p.add_argument("-o", "--output", default=None, help="write to this file instead of stdout")
    p = sub.add_parser("check", help="validate and print the canonical form")
    _common(p, steps=False)
    p = sub.add_parser("fmt", help="print the canonical form")
    _common(p, steps=False)
    p = sub.add_parser("explain", help="show the resolved phases")
    _common(p)
    p.add_argument("--compact", action="store_true", help="one line per phase and the boundary steps")
    p = sub.add_parser("plot", help="draw schedules (to a .png/.svg file, or the terminal)")
    p.add_argument("expr", nargs="+", help="one or more schedules ('-' for stdin, @FILE)")
    p.add_argument("--steps", type=int, default=None, help="total steps of the run")
    p.add_argument("--steps-per-epoch", type=float, default=None, help="steps in one epoch (for 'ep')")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="bind a $parameter")
    p.add_argument("-o", "--output", default=None, help="a .png or .svg file (default: plot in the terminal)")
    p.add_argument("--log", action="store_true", help="logarithmic learning-rate axis")
    p.add_argument("--x", choices=["steps", "epochs"], default="steps", help="x axis unit")
    p.add_argument("--label", action="append", default=None, help="legend label, once per schedule")
    p.add_argument("--size", default=None, help="WxH: pixels for files, characters for the terminal")
    p = sub.add_parser("gen", help="generate framework code")
    _common(p)
    p.add_argument("--target", required=True, help="keras, torch, optax, python or paddle")
    p.add_argument("--name", default=None, help="class or function name of the generated schedule")
    p.add_argument("-o", "--output", default=None, help="write to this file instead of stdout")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return _dispatch(args)
    except LrdslError as err:
        print(str(err), file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except MemoryError:
        print("lrdsl: error: out of memory; stream large runs with --format csv", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        print(
            f"lrdsl: internal error: {type(exc).__name__}: {exc} (please report this with the expression)",
            file=sys.stderr,
        )
        return 3


def _dispatch(args: argparse.Namespace) -> int:
    from lrdsl.api import as_schedule, lower

    if args.command == "plot":
        from lrdsl.plot import plot_command

        out = plot_command(
            [_read(e) for e in args.expr],
            args.steps,
            args.steps_per_epoch,
            _params(args.set),
            args.output,
            args.log,
            args.x,
            args.label,
            _size(args.size),
        )
        if out is not None:
            print(out)
        return 0
    text = _read(args.expr)
    schedule = as_schedule(text)
    if args.command in ("check", "fmt"):
        print(str(schedule))
        return 0
    if args.command == "gen":
        from lrdsl.codegen import generate

        code = generate(schedule, args.target, args.steps, args.steps_per_epoch, args.name, _params(args.set))
        _write_text(code, args.output)
        return 0
    plan = lower(schedule, args.steps, args.steps_per_epoch, _params(args.set))
    if args.command == "explain":
        from lrdsl.explain import compact, phases, render

        if args.compact:
            print(compact(plan))
        else:
            print(render(phases(plan.ir, plan.total), plan.total, plan.steps_per_epoch, plan.text))
        return 0
    return _eval(args, plan, text)


def _write_text(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        Path(output).write_text(text, encoding="utf-8")


def _eval(args: argparse.Namespace, plan: object, source: str) -> int:
    import numpy as np

    from lrdsl.interpreter import evaluate_ir, evaluate_range
    from lrdsl.lowering.lower import Lowered

    assert isinstance(plan, Lowered)

    def values(at: np.ndarray | tuple[int, int]) -> np.ndarray:
        """lr at the steps ``at``, or over ``range(*at)`` for a (start, stop) pair."""
        try:
            return evaluate_range(plan.ir, *at) if isinstance(at, tuple) else evaluate_ir(plan.ir, at)
        except LrdslError as err:
            raise err.with_source(source) from None

    at = np.array(_steps_list(args.at), dtype=np.int64) if args.at else None
    if args.format == "csv":
        out: TextIO = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
        try:
            out.write("step,lr\n")
            for block, lr in _blocks(plan.total, at, values):
                out.write("".join(f"{s},{v!r}\n" for s, v in zip(block, lr.tolist())))
        finally:
            if out is not sys.stdout:
                out.close()
        return 0
    from lrdsl.api import check_size

    check_size(at.size if at is not None else plan.total)
    steps = at if at is not None else np.arange(plan.total, dtype=np.int64)
    lr = values(at) if at is not None else values((0, plan.total))
    if args.format == "npy":
        if args.output is None:
            buf = io.BytesIO()
            np.save(buf, lr)
            sys.stdout.buffer.write(buf.getvalue())
        else:
            with open(args.output, "wb") as fh:
                np.save(fh, lr)
        return 0
    if args.format == "json":
        doc = {
            "schedule": plan.text,
            "total_steps": plan.total,
            "steps_per_epoch": plan.steps_per_epoch,
            "step": steps.tolist(),
            "lr": lr.tolist(),
        }
        _write_text(json.dumps(doc) + "\n", args.output)
        return 0
    _write_text(_table(plan, steps, lr) + "\n", args.output)
    return 0


def _blocks(total: int, at: Any, values: Callable[[Any], Any]) -> Iterator[tuple[Sequence[int], Any]]:
    """(steps, values) for csv: the ``--at`` steps at once, else ``CHUNK`` steps at a time."""
    if at is not None:
        yield at.tolist(), values(at)
        return
    for start in range(0, total, CHUNK):
        stop = min(start + CHUNK, total)
        yield range(start, stop), values((start, stop))


def _table(plan: object, steps: object, lr: object) -> str:
    """A readable summary: every row for short runs, else phase boundaries and an even sample."""
    import numpy as np

    from lrdsl.explain import phases
    from lrdsl.lowering.lower import Lowered

    assert isinstance(plan, Lowered) and isinstance(steps, np.ndarray) and isinstance(lr, np.ndarray)
    head = f"{plan.text}\ntotal {plan.total} steps" + (
        f", {plan.steps_per_epoch:g} steps per epoch" if plan.steps_per_epoch else ""
    )
    if steps.size <= 40:
        keep = np.arange(steps.size)
    else:
        marks = {0, steps.size - 1, *np.linspace(0, steps.size - 1, 21).round().astype(int).tolist()}
        for ph in phases(plan.ir, plan.total):
            for b in (ph.start, ph.end):
                idx = int(np.searchsorted(steps, np.ceil(b)))
                marks.update(i for i in (idx - 1, idx) if 0 <= i < steps.size)
        keep = np.array(sorted(marks))
    rows = [head, f"{'step':>12}  lr"]
    prev = -1
    for i in keep.tolist():
        if prev >= 0 and i > prev + 1:
            rows.append(f"{'…':>12}")
        rows.append(f"{int(steps[i]):>12}  {float(lr[i])!r}")
        prev = i
    return "\n".join(rows)


def entry() -> None:
    """Console-script entry point."""
    raise SystemExit(main())


if __name__ == "__main__":
    entry()
