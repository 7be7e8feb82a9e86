"""AST → IR: where every context-dependent meaning of the language is decided.

* ``natural(node, enclosing)``: a node's explicit duration in steps, or ``None``
  when it is flexible (LANGUAGE.md §2).
* ``place(node, S)``: the node inside an enclosing span of ``S`` steps: laid out on
  its own duration if explicit (cut at ``S``), otherwise on ``S``.
* ``build(node, d)``: the node laid out on ``d`` steps; the result holds its end
  value afterwards.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from lrdsl import ir
from lrdsl.errors import LrdslError
from lrdsl.ir import Lowered
from lrdsl.language import ast as A
from lrdsl.language import runfree
from lrdsl.language.runfree import is_scalar
from lrdsl.language.signatures import SIGNATURES
from lrdsl.lowering import arith as X
from lrdsl.lowering.composites import COMPOSITES
from lrdsl.lowering.context import FROM_WARMUP, MAX_STEPS, Ctx, const, duration, fail
from lrdsl.lowering.modifiers import build_offset, build_quantize, build_restart, offset_natural, restart_natural
from lrdsl.lowering.shapes import SHAPES
from lrdsl.lowering.symbolic import Number

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


def lower_schedule(
    schedule: A.Schedule,
    total_steps: int | str | None = None,
    steps_per_epoch: float | None = None,
    params: Mapping[str, float] | None = None,
    symbolic: bool = False,
    tokens_per_step: float | None = None,
    samples_per_step: float | None = None,
    *,
    layout: dict[int, tuple[float, float, bool]] | None = None,
) -> Lowered:
    """Resolve ``schedule`` for a run of ``total_steps`` (or its own explicit duration).

    ``total_steps`` is a whole number of steps or the text of a duration in any unit
    (``"90ep"``, ``"300Btok"``, ``"100k"``; LANGUAGE.md §8.4). With ``symbolic`` (code
    generation), parameters that set values stay ``ir.Param`` nodes; unbound ones are allowed
    there and become required arguments of the generated code. ``layout``, when given, receives
    where each node of the tree is laid out: ``id(node) → (t0, steps, explicit)``, ``t0`` the global
    step of its local 0 (in a restart body: in the first cycle), ``steps`` the span it is built
    on, ``explicit`` whether that is its own duration (the layout lint reads).
    """
    source = schedule.source or str(schedule)
    runfree.check(schedule)  # what every run refuses, first and as `lrdsl check` words it
    ctx = Ctx(
        spe=run_rate(steps_per_epoch),
        params=_params(params),
        symbolic=symbolic,
        tps=run_rate(tokens_per_step, "tokens per step"),
        sps=run_rate(samples_per_step, "samples per step"),
        layout=layout,
    )
    if isinstance(total_steps, str):
        total_steps = total_from_text(total_steps, ctx)
    try:
        root = schedule.expr
        if total_steps is None:
            span = natural(root, None, ctx)
            if span is None:
                raise fail(
                    _first_flexible(root, ctx),
                    "this schedule has a flexible phase and no total",
                    hint="give the total: --steps N (API: total_steps=N)",
                )
        else:
            span = float(_total(total_steps))
        lowered = place(root, span, ctx)
        refuse_unused(ctx.params, ctx.used)
    except LrdslError as err:
        raise err.with_source(source) from None
    except RecursionError:
        raise LrdslError("schedule too deeply nested", source=source) from None
    except (ArithmeticError, ValueError) as exc:  # a last resort: the ranges the language allows are checked above
        raise LrdslError(
            f"a number in this schedule is out of range ({exc})",
            source=source,
            span=schedule.expr.span,
            hint="use durations, periods and factors of sensible size",
        ) from None
    free = sorted(ctx.used - ctx.structural) if symbolic else []
    arguments = tuple((name, ctx.params.get(name)) for name in free)
    if ctx.structural:  # baked in: also where a formula took it symbolically before it set the layout
        from lrdsl.lowering.points import bind

        lowered = bind(lowered, {name: ctx.params[name] for name in ctx.structural})
    return Lowered(lowered, int(span), ctx.spe, str(schedule), arguments)


def refuse_unused(given: Iterable[str], used: Iterable[str], where: str = "the schedule") -> None:
    """An :class:`LrdslError` naming each parameter of ``given`` not in ``used`` (``$name``), if any."""
    unused = sorted(set(given).difference(used))
    if unused:
        raise LrdslError(
            f"unused parameter{'s' if len(unused) > 1 else ''}: " + ", ".join(f"${u}" for u in unused),
            hint=f"remove it or use it in {where}",
        )


def run_rate(value: float | None, what: str = "steps per epoch") -> float | None:
    """A rate of the run (steps per epoch, tokens or samples per step) as a float in ``(0, MAX_STEPS]``."""
    if value is None:
        return None
    spe = real_number(value)
    if spe is None and _infinite(value):
        spe = math.inf
    if spe is None or spe <= 0:
        raise LrdslError(f"{what} must be a positive number, got {value!r}")
    if spe > MAX_STEPS:
        raise LrdslError(f"{what} of {spe:g} is too large", hint=f"the limit is {MAX_STEPS:.0e}")
    return spe


def _infinite(value: object) -> bool:
    """``value`` is a real number beyond float64's range upwards (``inf``, ``10**400``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return False
    try:
        return float(value) == math.inf
    except OverflowError:  # an int or Fraction beyond float64
        return not str(value).startswith("-")
    except ValueError:
        return False


TOTAL = re.compile(r"([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?[kMBT]?(ep|tok|sa)?")
"""The total of a run as text (``90ep``, ``300Btok``, ``100k``): the grammar's number and duration tokens."""


def total_from_text(text: str, ctx: Ctx) -> int:
    """Whole steps of a total given in any unit, rounded half to even like every duration."""
    from lrdsl.language.parser import number_value

    if not isinstance(text, str) or not text.isascii() or TOTAL.fullmatch(text.strip()) is None:
        raise LrdslError(
            f"the total must be a whole number of steps or a duration such as 90ep, 300Btok or 100k, got {text!r}"
        )
    text = text.strip()
    unit = next((u for u in ("ep", "tok", "sa") if text.endswith(u)), "steps")
    number = number_value(text[: len(text) - len(unit)] if unit != "steps" else text)
    if unit == "steps":
        if not number.is_integer():
            raise LrdslError(f"total steps must be a whole number, got {text!r}")
        return _total(int(number))
    node = A.Duration(value=A.Num(value=number), unit=unit)
    steps = duration(node, None, ctx)
    assert steps is not None
    return _total(int(steps))


def _total(value: int) -> int:
    total = real_number(value)
    if total is None or not total.is_integer() or not 0 <= total <= MAX_STEPS:
        raise LrdslError(f"total steps must be a whole number from 0 to {MAX_STEPS:.0e}, got {value!r}")
    return int(total)


def _params(params: Mapping[str, float] | None) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, value in (params or {}).items():
        number = real_number(value)
        if number is None:
            raise LrdslError(f"parameter ${name} must be a finite number, got {value!r}")
        out[name] = number
    return out


def real_number(value: object) -> float | None:
    """``value`` as a finite float if it is a real number of any type (numpy's too), never a bool."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):  # numpy's bool is not a Real
        return None
    try:
        number = float(value)
    except (OverflowError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _first_flexible(node: A.Node, ctx: Ctx) -> A.Node:
    if isinstance(node, A.Seq):
        for item in node.items:
            if natural(item, None, ctx) is None:
                return _first_flexible(item, ctx)
    return node


def _modifier(node: A.Node) -> tuple[A.Node, A.Call] | None:
    if (
        isinstance(node, A.BinOp)
        and node.op == "*"
        and isinstance(node.right, A.Call)
        and node.right.name in SIGNATURES
        and SIGNATURES[node.right.name].role == "modifier"
    ):
        return node.left, node.right
    return None


def natural(node: A.Node, enclosing: float | None, ctx: Ctx) -> float | None:
    """The explicit duration of ``node`` in steps, or ``None`` if it is flexible."""
    if is_scalar(node):
        return None  # numbers, parameters and constant arithmetic are flexible
    mod = _modifier(node)
    if mod is not None:
        body, call = mod
        if call.name == "quantize":
            return natural(body, enclosing, ctx)
        if call.name == "offset":
            return offset_natural(body, call, enclosing, ctx, natural)
        return restart_natural(body, call, ctx, natural)
    if isinstance(node, A.Seq):
        parts = [natural(i, None, ctx) for i in node.items]
        return None if any(p is None for p in parts) else sum(p for p in parts if p is not None)
    if isinstance(node, A.BinOp):
        return _longest([node.left, node.right], ctx)
    if isinstance(node, A.Call):
        if SIGNATURES[node.name].variadic:
            return _longest([a.value for a in node.args], ctx)
        if node.name == "poly" and isinstance(node.arg("cycle"), A.Bool) and node.arg("cycle").value:  # type: ignore[union-attr]
            return None
        dur = node.arg("dur")
        return duration(dur, enclosing, ctx) if dur is not None else None
    return None  # numbers, parameters and constant arithmetic are flexible


def _longest(operands: list[A.Expr], ctx: Ctx) -> float | None:
    """``A + B``, ``min(A, B)``…: explicit when every phase operand is (the longest).

    Scalar operands (``0.5 * cosine(…, 100)``) take any span and do not count.
    """
    phases = [op for op in operands if not is_scalar(op)]
    parts = [natural(op, None, ctx) for op in phases]
    if not parts or any(p is None for p in parts):
        return None
    return max(p for p in parts if p is not None)


def laid_out(node: A.Node, steps: float, explicit: bool, ctx: Ctx) -> None:
    """Record, when asked (``ctx.layout``), that ``node`` is built on ``steps`` from global step ``ctx.t0``."""
    if ctx.layout is not None:
        ctx.layout[id(node)] = (ctx.t0, steps, explicit)


def place(node: A.Node, span: float, ctx: Ctx) -> ir.Sched:
    """``node`` inside an enclosing span of ``span`` steps (cut there if it is longer)."""
    d = natural(node, span, ctx)
    laid_out(node, d if d is not None else span, d is not None, ctx)
    if d is None:
        d = span
    built = build(node, d, ctx.but(enclosing=span))
    return ir.Clamp(span, built) if d > span else built


def build(node: A.Node, d: float, ctx: Ctx) -> ir.Sched:
    """``node`` laid out on ``d`` steps, holding its end value afterwards."""
    if not (isinstance(node, A.Call) and node.name == "warmup"):
        ctx = ctx.but(next_start=None)
    mod = _modifier(node)
    if mod is not None:
        return _build_modified(*mod, d, ctx)
    if isinstance(node, A.Seq):
        return _seq(node, d, ctx)
    if is_scalar(node):
        return ir.Formula(X.c(const(node, ctx)), label=str(node))
    if isinstance(node, A.BinOp):
        pair = (place(node.left, d, ctx), place(node.right, d, ctx))
        return ir.Combine(node.op, pair, origin=_origin(node))  # type: ignore[arg-type]
    if isinstance(node, A.Call):
        return _build_call(node, d, ctx)
    value = const(node, ctx)
    return ir.Formula(X.c(value), label=str(node))


def _build_modified(body: A.Node, call: A.Call, d: float, ctx: Ctx) -> ir.Sched:
    """``body * quantize(…)``, ``* offset(…)`` or ``* restart(…)`` laid out on ``d`` steps."""
    if call.name == "quantize":
        return build_quantize(body, call, d, ctx, place)
    if call.name == "offset":
        return build_offset(body, call, d, ctx, natural, place, point)
    return build_restart(body, call, d, ctx, natural, place)


def _build_call(node: A.Call, d: float, ctx: Ctx) -> ir.Sched:
    """``min``/``max`` of schedules, a composite or a shape, laid out on ``d`` steps."""
    if node.name in ("min", "max"):
        parts = tuple(place(a.value, d, ctx) for a in node.args)
        return ir.Combine(node.name, parts, origin=_origin(node))  # type: ignore[arg-type]
    if node.name in COMPOSITES:
        return COMPOSITES[node.name](node, d, ctx)
    return SHAPES[node.name](node, d, ctx)


def _origin(node: A.Node) -> tuple[int, int] | None:
    return (node.span.start, node.span.end) if node.span else None


def _split(rem: float, k: int, exact: bool) -> list[float]:
    """``rem`` steps shared by ``k`` flexible phases: equal shares, whole steps adding up to ``rem``."""
    if exact:
        return [rem / k] * k
    return [float(round((i + 1) * rem / k) - round(i * rem / k)) for i in range(k)]


def _seq(node: A.Seq, span: float, ctx: Ctx) -> ir.Sched:
    items = node.items
    sizes, flexible = _sizes(items, span, ctx)
    starts = [sum(sizes[:i]) for i in range(len(items))]
    built: list[ir.Sched | None] = [None] * len(items)

    def lower_at(i: int, prev: float | object | None) -> None:
        """Build item ``i``; a run of warm-ups is built after the phase that ends it, backwards."""
        j = i
        while isinstance(items[j], A.Call) and items[j].name == "warmup":  # type: ignore[union-attr]
            if j + 1 >= len(items):
                raise fail(
                    items[j],
                    "warmup at the end: nothing to warm up to",
                    hint="follow it with a phase: warmup(linear, 5ep) >> cosine(0.1→0)",
                )
            j += 1
        for k in range(j, i - 1, -1):
            sub = ctx.but(t0=ctx.t0 + starts[k], prev_end=prev if k == i else FROM_WARMUP, enclosing=span)
            if k < j:
                nxt = built[k + 1]
                assert nxt is not None
                sub = sub.but(next_start=point(nxt, 0.0, ctx))
            laid_out(items[k], sizes[k], k not in flexible, sub)
            built[k] = build(items[k], sizes[k], sub)

    prev = ctx.prev_end
    i = 0
    while i < len(items):
        lower_at(i, prev)
        while isinstance(items[i], A.Call) and items[i].name == "warmup":  # type: ignore[union-attr]
            i += 1
        last = built[i]
        assert last is not None
        prev = point(last, sizes[i], ctx)
        i += 1

    result = _joined(items, starts, sizes, built, span)
    return ir.Clamp(span, result) if sum(sizes) > span else result


def _sizes(items: Sequence[A.Node], span: float, ctx: Ctx) -> tuple[list[float], list[int]]:
    """Each phase's steps: its natural length, the flexible ones (listed second) sharing what is left of ``span``."""
    lengths = [natural(item, span, ctx) for item in items]
    flexible = [i for i, n in enumerate(lengths) if n is None]
    if flexible:
        rem = max(0.0, span - sum(n for n in lengths if n is not None))
        for i, share in zip(flexible, _split(rem, len(flexible), ctx.exact)):
            lengths[i] = share
    return [n if n is not None else 0.0 for n in lengths], flexible


def _joined(
    items: Sequence[A.Node], starts: list[float], sizes: list[float], built: list[ir.Sched | None], span: float
) -> ir.Sched:
    """The built phases as one :class:`~lrdsl.ir.Seq` (or the one phase that occupies steps)."""
    breaks: list[float] = []
    parts: list[ir.Sched] = []
    labels: list[str] = []
    for item, start, size, part in zip(items, starts, sizes, built):
        if part is None or size <= 0 or (start >= span and parts):
            continue  # a zero-length phase occupies no steps; one past the span is cut
        breaks.append(start)
        parts.append(part)
        labels.append(str(item))
    if not parts:
        parts, breaks, labels = [built[-1]], [0.0], [str(items[-1])]  # type: ignore[list-item]
    return parts[0] if len(parts) == 1 else ir.Seq(tuple(breaks), tuple(parts), tuple(labels))


def point(node: ir.Sched, u: float, ctx: Ctx) -> Number:
    """The value of ``node`` at local time ``u`` (a :class:`Sym` over parameters when symbolic)."""
    from lrdsl.lowering.points import point as at

    if not ctx.symbolic:
        return at(node, u)
    return at(node, u, {name: ctx.params.get(name, 1.0) for name in ctx.used})


MAX_AT_ONCE = 200_000_000
"""The most steps evaluated into one array (1.6 GB of float64); stream larger runs in ranges."""


def check_size(count: int) -> None:
    """An :class:`LrdslError` when ``count`` steps would not fit in one array."""
    if count > MAX_AT_ONCE:
        raise LrdslError(
            f"{count} steps are too many to evaluate at once (the limit is {MAX_AT_ONCE:.0e})",
            hint="evaluate ranges with steps=…, or stream with `lrdsl eval … --format csv`",
        )


def _steps(steps: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """``steps`` as whole numbers: any real number type (numpy's, ``Fraction``…), never a bool."""
    import numpy as np

    if isinstance(steps, (list, tuple)) and any(isinstance(x, (bool, np.bool_)) for x in steps):
        raise LrdslError("steps must be whole numbers, not booleans")
    try:
        arr = np.asarray(steps)
    except (TypeError, ValueError) as exc:
        raise LrdslError(f"steps must be whole numbers: {exc}") from None
    if arr.dtype.kind == "O":  # Fraction, big ints…: each a real number
        values = [real_number(x) for x in arr.reshape(-1)]
        if any(v is None for v in values):
            raise LrdslError("steps must be whole numbers")
        arr = np.array(values, dtype=np.float64)
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.floor(arr)):
            raise LrdslError("steps must be whole numbers")
    elif arr.dtype.kind not in "iu" and arr.size:
        raise LrdslError("steps must be whole numbers")
    if arr.size and (arr.min() < 0 or arr.max() > 1e15):
        raise LrdslError("steps must lie between 0 and 1e15")
    return arr.astype(np.int64).reshape(-1)
