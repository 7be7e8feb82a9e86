"""What a schedule's text decides whatever the run: constant arithmetic and the arguments every run refuses.

Both read only the syntax tree (no numpy, no lowering), so ``lrdsl check`` refuses without a run
what every run refuses, with the message lowering gives:

* :func:`constant` is the one evaluator of constant arithmetic (numbers, ``pi``, unary minus,
  ``+ - * / **``, the math functions and ``min``/``max``), with IEEE-safe errors. Lowering calls
  it with its parameters' values (symbolic numbers when generating code); :func:`value` with none.
* :func:`check_argument` refuses a value no run takes: ``restart(mult=m)`` needs
  ``1 ≤ m ≤ 1000``, a cycle count (``restart(cycles=n)``, ``repeat(n)``) a whole ``1 ≤ n ≤ 1e9``,
  ``onecycle(pct=p)`` ``0 < p < 1``, ``poly(power=k)`` and ``inverse_time(decay=k)`` ``k ≥ 0``,
  the arguments of :data:`POSITIVE` ``> 0``. :func:`check_steps`: ``wsd``'s ``warmup`` and
  ``decay`` in plain steps must round (half to even) to at least one step — ``decay=0.2`` is
  refused, ``decay=20%`` is a share of its span. :func:`check_exp`: an exponential ramp's ends are
  non-zero and of one sign; :func:`check_piecewise`: one value more than marks; :func:`percentage`:
  the durations of :data:`WHOLE_STEPS` are never a percentage. Lowering calls each on what it
  resolves; :func:`check` calls them on every constant argument of a tree.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterator
from typing import Any

from lrdsl.errors import LrdslError
from lrdsl.ir import MATH as MATH_ROWS
from lrdsl.language import ast as A
from lrdsl.language.signatures import MATH_FUNCS

MAX_MULT = 1000
"""The largest restart ``mult`` (cycle lengths grow as multⁱ)."""
MAX_CYCLES = 1e9
"""The most cycles a restart or repeat may count."""
COUNTS = (("restart", "cycles"), ("repeat", "n"))
"""The arguments that count cycles."""
POSITIVE = {
    ("exp_decay", "rate"): "exp_decay() rate",
    ("onecycle", "div"): "onecycle div",
    ("onecycle", "final_div"): "onecycle final_div",
    ("cyclic", "gamma"): "cyclic gamma",
}
"""The arguments that must be positive, each with its name in the message."""
CHECKED = (("restart", "mult"), *COUNTS, ("onecycle", "pct"), ("poly", "power"), ("inverse_time", "decay"), *POSITIVE)
"""Every argument :func:`check_argument` checks."""
STEPS = (("wsd", "warmup"), ("wsd", "decay"))
"""The durations :func:`check_steps` checks."""
WHOLE_STEPS = (
    *(("step", "every"), ("exp_decay", "every"), ("inverse_time", "every"), ("recur", "every")),
    *(("rsqrt", "warmup"), ("cyclic", "half"), ("restart", "period"), ("offset", "n")),
)
"""The durations that cannot be a percentage (:func:`percentage`): they do not scale with a span."""

MATH: dict[str, Callable[[float], float]] = {name: row.exact() for name, row in MATH_ROWS.items()}
"""Each math function of one argument, as Python's :mod:`math` computes it."""
_ROOT_HINT = "a fractional power needs a base ≥ 0: -(x ** (1/3)) is the cube root of -x"


def fail(node: A.Node | None, message: str, hint: str | None = None) -> LrdslError:
    """An :class:`LrdslError` located at ``node``."""
    return LrdslError(message, span=node.span if node is not None else None, hint=hint)


def constant(node: A.Node, param: Callable[[A.Param], Any], function: Callable[[str, list[Any]], Any]) -> Any:
    """The value of constant arithmetic: ``param`` gives each ``$parameter``'s, ``function`` computes a call.

    The result is a float, or whatever ``param`` and the operators on it give (lowering's
    symbolic numbers). Division by zero, a non-finite result and a negative base to a
    fractional power are :class:`LrdslError` at the node.
    """
    if isinstance(node, A.Num):
        return node.value
    if isinstance(node, A.Param):
        return param(node)
    if isinstance(node, A.Neg):
        return -constant(node.operand, param, function)
    if isinstance(node, A.Name) and node.id == "pi":
        return math.pi
    if isinstance(node, A.Call):
        args = [constant(a.value, param, function) for a in node.args]
        return _called(node, args, function)
    if isinstance(node, A.BinOp):
        return _operated(node, constant(node.left, param, function), constant(node.right, param, function))
    raise fail(node, "expected a constant")  # pragma: no cover - the parser guarantees it


_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
}
"""Constant arithmetic's operators."""


def _finite(node: A.Node, result: Any) -> Any:
    """``result``, or an :class:`LrdslError` at ``node`` when it is not finite."""
    if not math.isfinite(float(result)):
        raise fail(node, "number too large", hint="constants must stay finite")
    return result


def _called(node: A.Call, args: list[Any], function: Callable[[str, list[Any]], Any]) -> Any:
    """``name(args…)`` computed by ``function``; a pole, a domain error or an overflow at ``node``."""
    try:
        result = function(node.name, args)
    except (ValueError, ZeroDivisionError):
        raise fail(node, f"{node.name}() is not defined at {', '.join(f'{float(a):g}' for a in args)}") from None
    except OverflowError:
        raise fail(node, "number too large", hint="constants must stay finite") from None
    return _finite(node, result)


def _operated(node: A.BinOp, a: Any, b: Any) -> Any:
    """``a op b``: a float for numbers; division by zero, overflow, a negative base to a fractional power at ``node``."""
    if node.op == "**" and float(a) < 0 and not float(b).is_integer():
        raise fail(node, "a negative number to a fractional power has no real value", hint=_ROOT_HINT)
    try:
        out = _OPERATORS[node.op](a, b)
    except ZeroDivisionError:
        raise fail(node, "division by zero") from None
    except OverflowError:
        raise fail(node, "number too large", hint="constants must stay finite") from None
    _finite(node, out)
    return float(out) if isinstance(out, (int, float)) else out


class _Unknown(Exception):
    """A constant that names a parameter: its value is the run's."""


def _unbound(node: A.Param) -> float:
    raise _Unknown


def float_function(name: str, args: list[float]) -> float:
    """``name(args)`` of floats: a math function of one argument, or ``min``/``max`` of two."""
    if name in ("min", "max"):
        return min(args) if name == "min" else max(args)
    (x,) = args
    return float(MATH[name](x))


def value(node: A.Node) -> float | None:
    """The value of constant arithmetic without parameters, ``None`` when it names one."""
    try:
        return float(constant(node, _unbound, float_function))
    except _Unknown:
        return None


def check_argument(call: A.Call, name: str, number: float) -> None:
    """Refuse ``number`` as argument ``name`` of ``call`` when no run takes it (:data:`CHECKED`)."""
    node = call.arg(name) or call
    key = (call.name, name)
    if key == ("restart", "mult") and not 1 <= number <= MAX_MULT:
        raise fail(node, f"restart mult must be between 1 and {MAX_MULT:g}, got {number:g}")
    if key in COUNTS:
        if number != int(number) or number < 1:
            raise fail(node, f"a cycle count must be a whole number ≥ 1, got {number:g}")
        if number > MAX_CYCLES:
            raise fail(node, "too many cycles", hint="at most 1e9")
    if key == ("onecycle", "pct") and not 0 < number < 1:
        raise fail(node, f"onecycle pct must be between 0 and 1, got {number:g}")
    if key == ("poly", "power") and number < 0:
        raise fail(node, "poly() power must be ≥ 0")
    if key == ("inverse_time", "decay") and number < 0:
        raise fail(node, "inverse_time() decay must be ≥ 0")
    if key in POSITIVE and not number > 0:
        raise fail(node, f"{POSITIVE[key]} must be positive, got {number:g}")


def check_exp(call: A.Call, a: float, b: float) -> None:
    """``exp`` ramps (the shape, ``wsd(…, shape=exp)``) need non-zero ends of the same sign."""
    if a == 0 or b == 0 or (a < 0) != (b < 0):
        raise fail(
            call,
            f"{call}: exp needs non-zero ends of the same sign",
            hint="use linear or cosine to reach 0, or end at a small value such as 1e-8",
        )


def check_piecewise(call: A.Call) -> None:
    """``piecewise`` needs one value more than marks."""
    values, at = call.arg("values"), call.arg("at")
    if isinstance(values, A.ListExpr) and isinstance(at, A.ListExpr) and len(values.items) != len(at.items) + 1:
        raise fail(
            values,
            f"piecewise() needs one value more than marks: {len(values.items)} values, {len(at.items)} marks",
            hint="piecewise([v0, v1, v2], at=[m1, m2]): v0 before m1, v1 from m1, v2 from m2",
        )


def percentage(call: A.Call, name: str) -> LrdslError:
    """The error for a percentage given to a duration of :data:`WHOLE_STEPS`."""
    node = call.arg(name) or call
    if call.name == "restart":
        return fail(node, "restart period cannot be a percentage")
    if call.name == "offset":
        return fail(node, "an offset cannot be a percentage", hint="give it in steps or epochs: offset(5ep)")
    return fail(node, f"'{name}' cannot be a percentage", hint="give it in steps or epochs")


def _has_percent(node: A.Node) -> bool:
    if isinstance(node, A.Duration) and node.unit == "%":
        return True
    return any(isinstance(v, A.Node) and _has_percent(v) for v in node.__dict__.values())


def check_steps(call: A.Call, name: str) -> None:
    """Refuse a duration of :data:`STEPS` written in plain steps that rounds to no step (``decay=0.2``)."""
    node = call.arg(name)
    if not (isinstance(node, A.Duration) and node.unit == "steps"):
        return
    steps = value(node.value)
    if steps is None or steps < 0 or round(steps) >= 1:
        return  # a parameter's value is the run's; a negative duration is lowering's error
    if steps == 0:
        raise fail(node, f"{call.name}() '{name}' must be positive, got 0")
    raise fail(
        node,
        f"{call.name}() '{name}' of {steps:g} steps rounds to 0 steps",
        hint=f"give it at least one step, or a share of its span: {name}={steps * 100:g}%",
    )


def check(schedule: A.Schedule) -> None:
    """Refuse what every run refuses: each constant argument of :data:`CHECKED` and :data:`STEPS`, in source order.

    Constant arithmetic that fails (``1/0``) is refused where it is written. A schedule is immutable:
    one that passed is marked so, and not walked again (lowering checks every schedule it is given).
    """
    if getattr(schedule, "_runfree", False):
        return
    try:
        for call in _calls(schedule.expr):
            for arg in call.args:
                key = (call.name, arg.name)
                if key in CHECKED:
                    number = value(arg.value)
                    if number is not None:
                        check_argument(call, arg.name, number)
                elif key in STEPS:
                    check_steps(call, arg.name)
                elif key in WHOLE_STEPS and _has_percent(arg.value):
                    raise percentage(call, arg.name)
            _check_call(call)
    except LrdslError as err:
        raise err.with_source(schedule.source or str(schedule)) from None
    object.__setattr__(schedule, "_runfree", True)


def _check_call(call: A.Call) -> None:
    """The checks of a whole call: its exp ends, piecewise's counts."""
    if call.name == "piecewise":
        check_piecewise(call)
    ramp = call.arg("range")
    if call.name == "exp" and isinstance(ramp, A.Range) and ramp.start is not None:
        a, b = value(ramp.start), value(ramp.end)
        if a is not None and b is not None:
            check_exp(call, a, b)
    shape = call.arg("shape")
    if call.name == "wsd" and isinstance(shape, A.Name) and shape.id == "exp":
        peak, to = call.arg("peak"), call.arg("to")
        a = value(peak) if peak is not None else None
        b = value(to) if to is not None else 0.0
        if a is not None and b is not None:
            check_exp(call, a, b)


def _calls(node: A.Node) -> Iterator[A.Call]:
    """The calls under ``node``, in source order."""
    return (n for n in A.walk(node) if isinstance(n, A.Call))


def is_scalar(node: A.Node) -> bool:
    """Constant arithmetic (numbers, parameters, ``pi``, math functions of them): a scalar, not a phase."""
    if isinstance(node, (A.Num, A.Param)):
        return True
    if isinstance(node, A.Neg):
        return is_scalar(node.operand)
    if isinstance(node, A.Name):
        return node.id == "pi"
    if isinstance(node, A.Call):  # a math function of constants (LANGUAGE.md §8.3)
        return (
            node.name in MATH_FUNCS
            and bool(node.args)
            and node.is_math()
            and all(is_scalar(a.value) for a in node.args)
        )
    return isinstance(node, A.BinOp) and is_scalar(node.left) and is_scalar(node.right)
