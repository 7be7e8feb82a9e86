"""IEEE helpers printed into generated scalar code where plain ``math`` could raise.

The interpreter computes in float64 numpy: ``exp`` overflows to ``inf``, ``1/inf`` is 0,
``log 0`` is ``−inf``, ``x/0`` is ``±inf`` and ``0/0``, ``log(−1)``, ``sqrt(−1)``, ``sin ∞``
and ``(−8)**(1/3)`` are NaN. Python's ``math`` functions and operators raise
(``OverflowError``, ``ValueError``, ``ZeroDivisionError``) or return a complex number there, so a
schedule such as ``fn(1 + 1/exp(u))``, which is 1.0 for large ``u``, would crash. Each helper
is ``math``'s function where that is defined and numpy's IEEE result where it raises; the
scalar printer calls one only where :mod:`lrdsl.ir.ranges` cannot prove that the plain
call is safe. :data:`SOURCE` is the text printed; the functions below are that same text,
executed, so that tests check exactly what is generated.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

SOURCE: dict[str, str] = {
    "exp": """def _ieee_exp(x):
    # e ** x; inf when it overflows (IEEE, as numpy)
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf""",
    "log": """def _ieee_log(x):
    # natural logarithm; -inf at 0 and nan below (IEEE, as numpy)
    if x > 0 or x != x:
        return math.log(x)
    return -math.inf if x == 0 else math.nan""",
    "sqrt": """def _ieee_sqrt(x):
    # square root; nan below 0 (IEEE, as numpy)
    return math.sqrt(x) if x >= 0 or x != x else math.nan""",
    "sin": """def _ieee_sin(x):
    # nan at +-inf (IEEE, as numpy)
    return math.nan if math.isinf(x) else math.sin(x)""",
    "cos": """def _ieee_cos(x):
    # nan at +-inf (IEEE, as numpy)
    return math.nan if math.isinf(x) else math.cos(x)""",
    "tan": """def _ieee_tan(x):
    # nan at +-inf (IEEE, as numpy)
    return math.nan if math.isinf(x) else math.tan(x)""",
    "floor": """def _ieee_floor(x):
    # a float with the sign of x, as numpy (floor(-0.0) is -0.0); +-inf and nan stay
    return math.copysign(math.floor(x), x) if math.isfinite(x) else x""",
    "ceil": """def _ieee_ceil(x):
    # a float with the sign of x, as numpy (ceil(-0.5) is -0.0); +-inf and nan stay
    return math.copysign(math.ceil(x), x) if math.isfinite(x) else x""",
    "div": """def _ieee_div(a, b):
    # a / b; +-inf or nan when b is 0 (IEEE, as numpy)
    if b:
        return a / b
    if math.isnan(a) or a == 0:
        return math.nan
    return math.copysign(math.inf, a) * math.copysign(1.0, b)""",
    "pow": """def _ieee_pow(a, b):
    # a ** b as C99 pow (as numpy): inf when it overflows, nan for a negative base and a fraction
    try:
        return math.pow(a, b)
    except OverflowError:
        return -math.inf if a < 0 and b % 2 == 1 else math.inf
    except ValueError:
        if a == 0:  # a negative power of zero
            return math.copysign(math.inf, a) if b % 2 == 1 else math.inf
        return math.nan""",
}
"""Helper name → its definition as printed (``ruff format`` clean)."""


def name(helper: str) -> str:
    """The name generated code calls ``helper`` by (``exp`` → ``_ieee_exp``: no phase is named so)."""
    return "_ieee_" + helper


def _compile() -> dict[str, Callable[..., Any]]:
    namespace: dict[str, Any] = {"math": math}
    for text in SOURCE.values():
        exec(compile(text, "<lrdsl ieee helpers>", "exec"), namespace)
    return {h: namespace[name(h)] for h in SOURCE}


FUNCTIONS = _compile()
"""Helper name → the printed definition, executed."""


def pow_(a: float, b: float) -> float:
    """``a ** b`` as numpy computes it (the printed ``_ieee_pow``)."""
    return float(FUNCTIONS["pow"](a, b))


__all__ = ["FUNCTIONS", "SOURCE", "name", "pow_"]
