"""float64 math functions over arrays with the C library's bits: what Python's ``math`` returns.

Generated Python calls ``math.exp``, ``math.log``, ``math.tan``, ``math.tanh`` … (the C library);
the interpreter calls numpy over arrays. Where numpy dispatches to its own SIMD kernels (AVX-512:
SVML's ``exp``, ``log``, ``tan``, ``tanh``, ``pow``), their results differ from the C library's by
an ulp here and there, and cancellation magnifies that ulp: ``fn(1 - tanh(u / 100), 4000)`` differs
beyond 1e-9 at hundreds of steps. So each function of :data:`lrdsl.ir.MATH` (its row's ``numpy`` ufunc) is computed by
the cheapest of these ways that gives ``math``'s bits on a probe of a few thousand arguments (chosen
once per process, at first use):

1. ``numpy`` — numpy's own loop (where it already calls the C library, or is exact: ``sqrt``);
2. ``numpy, reversed`` — the same ufunc reading a reversed view into a forward buffer: that pair of
   strides takes numpy's scalar loop, which calls the C library (then one more copy; ``exp``,
   ``log``, ``tan`` on AVX-512, about 2× the cost);
3. ``fdlibm, from expm1`` — ``tanh`` only, whose every numpy loop is numpy's own: the C
   library's formula over ``expm1`` computed with the C library's bits (about 5× the cost);
4. ``math`` — ``math.<name>`` per element (about 30× the cost), with numpy's IEEE value where
   ``math`` raises (``exp(1000)`` is ``inf``).

``pow`` is not among them: powers are in most shapes (``poly``, ``step``, ``exp_decay`` …) and
neither numpy loop gives the C library's ``pow`` on AVX-512, so a power over an array stays numpy's
(its error bound is stated and tested: docs/codegen.md, "Exactness"). A scalar (``recur``'s table,
one interval at a time) calls ``math`` for every function and ``math.pow`` for powers, as the
generated code does.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
ArrayFn = Callable[..., Any]
"""``f(x, out=None)``: ``x`` an array (or float), ``out`` an optional float64 array of its shape."""

SMALL = 8
"""Arrays this short are computed element by element (a one-element view has no stride to reverse)."""


def _probe() -> Array:
    """Arguments that reach every branch of the usual implementations, both signs, and the edges."""
    wide = np.linspace(-750.0, 750.0, 3001)
    small = np.geomspace(1e-300, 1e-3, 300)
    near_one = 1.0 + np.linspace(-1e-3, 1e-3, 201)
    edges = np.array([0.0, -0.0, 1.0, np.inf, -np.inf, np.nan, 2.0**-1074, 1.7e308])
    return np.concatenate([wide, small, -small, near_one, np.geomspace(1e-3, 1e6, 1000), edges])


def scalar(name: str) -> Callable[[float], float]:
    """``math.<name>`` with numpy's IEEE value where ``math`` raises (overflow, a pole, a domain)."""
    from lrdsl.ir import MATH, MathFunction

    row = MATH.get(name, MathFunction(name, fails="on overflow"))  # expm1 (for tanh) is no function of the language
    if row.fails == "never":
        return row.exact()
    exact, ieee = row.exact(), getattr(np, row.numpy)

    def call(x: float) -> float:
        try:
            return float(exact(x))
        except (OverflowError, ValueError):
            with np.errstate(all="ignore"):
                return float(ieee(np.float64(x)))

    return call


def power(a: float, b: float) -> float:
    """``a ** b`` as C's ``pow`` (``math.pow``), with numpy's IEEE value where ``math.pow`` raises."""
    try:
        return math.pow(a, b)
    except (OverflowError, ValueError, ZeroDivisionError):
        with np.errstate(all="ignore"):
            return float(np.power(np.float64(a), np.float64(b)))


def power_over(a: Any, b: Any, out: Array | None = None) -> Any:
    """:func:`power` element by element over arrays (about 30× numpy's ``power``; for checks)."""
    values = np.asarray(_POWER(a, b), dtype=np.float64)
    if out is None:
        return values if values.ndim else values[()]
    out[...] = values
    return out


_POWER = np.frompyfunc(power, 2, 1)


def _numpy(name: str) -> ArrayFn:
    from lrdsl.ir import MATH

    fn: ArrayFn = getattr(np, MATH[name].numpy if name in MATH else name)
    return fn


def _reversed(name: str) -> ArrayFn:
    ufunc = _numpy(name)

    def call(x: Any, out: Array | None = None) -> Any:
        a = np.asarray(x, dtype=np.float64)
        if a.ndim != 1 or a.size < SMALL:
            return _per_element(name)(a, out)
        backwards = np.empty_like(a)
        ufunc(a[::-1], out=backwards)  # only the input reversed: numpy would flip a pair of reversed views
        if out is None:
            return backwards[::-1].copy()
        out[...] = backwards[::-1]
        return out

    return call


def _per_element(name: str) -> ArrayFn:
    each = np.frompyfunc(scalar(name), 1, 1)

    def call(x: Any, out: Array | None = None) -> Any:
        a = np.asarray(x, dtype=np.float64)
        values = np.asarray(each(a), dtype=np.float64) if a.size else np.empty(a.shape)
        if out is None:
            return values if a.ndim else values[()]
        out[...] = values
        return out

    return call


def _tanh_from_expm1(name: str) -> ArrayFn | None:
    """``tanh`` as the C library computes it (fdlibm's ``s_tanh.c``, glibc's too), from ``expm1``
    with the C library's bits: ``1 − 2/(expm1(2|x|) + 2)`` for ``|x| ≥ 1``, ``−t/(t + 2)`` with
    ``t = expm1(−2|x|)`` below, ``x·(1 + x)`` under 2⁻⁵⁵, ±1 from 22, the sign of ``x``."""
    if name != "tanh":
        return None
    expm1 = array("expm1")

    def call(x: Any, out: Array | None = None) -> Any:
        given = np.asarray(x, dtype=np.float64)
        a = given.reshape(-1)
        size = np.abs(a)
        big = size >= 1.0
        arg = size * 2.0
        np.negative(arg, out=arg, where=~big)
        t = np.asarray(expm1(arg))
        z = t + 2.0
        np.negative(t, out=t)
        t[big] = -2.0
        np.divide(t, z, out=z)  # −2/(t + 2) for |x| ≥ 1, −t/(t + 2) below
        np.add(z, 1.0, out=z, where=big)
        np.copysign(z, a, out=z)
        tiny, flat = size < 2.0**-55, size >= 22.0
        if tiny.any():
            z[tiny] = a[tiny] * (1.0 + a[tiny])
        if flat.any():
            z[flat] = np.copysign(1.0, a[flat])
        z = z.reshape(given.shape)
        if out is None:
            return z if given.ndim else z[()]
        out[...] = z
        return out

    return call


WAYS: dict[str, Callable[[str], ArrayFn | None]] = {
    "numpy": _numpy,
    "numpy, reversed": _reversed,
    "fdlibm, from expm1": _tanh_from_expm1,
    "math": _per_element,
}
"""The ways to compute a function over an array, cheapest first (``None``: not a way for that name)."""


@functools.cache
def chosen(name: str) -> str:
    """The cheapest way of :data:`WAYS` that gives ``math.<name>``'s bits on the probe."""
    x = _probe()
    want = np.array([scalar(name)(v) for v in x.tolist()])
    with np.errstate(all="ignore"):
        for way, make in WAYS.items():
            function = make(name)
            if way == "math" or (function is not None and np.array_equal(function(x.copy()), want, equal_nan=True)):
                return way
    return "math"


@functools.cache
def array(name: str) -> ArrayFn:
    """``name`` over float64 arrays, with the C library's bits (:func:`chosen` says how)."""
    function = WAYS[chosen(name)](name)
    assert function is not None
    return function


def dispatch() -> dict[str, str]:
    """How each function is computed in this process, and numpy's SIMD targets (for reports)."""
    from lrdsl.ir import MATH

    out = {name: chosen(name) for name in MATH}
    out["numpy SIMD"] = " ".join(simd_targets()) or "none"
    return out


def simd_targets() -> list[str]:
    """The CPU features numpy dispatches its kernels to here (``X86_V4``, ``AVX512_SKX`` …)."""
    import importlib

    for module in ("numpy._core._multiarray_umath", "numpy.core._multiarray_umath"):  # numpy 2, numpy 1
        try:
            umath = importlib.import_module(module)
        except ImportError:
            continue
        features: dict[str, bool] = getattr(umath, "__cpu_features__", {})
        return [f for f in getattr(umath, "__cpu_dispatch__", []) if features.get(f)]
    return []
