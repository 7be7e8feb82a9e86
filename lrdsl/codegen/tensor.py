"""Tensor printers (targets ``optax`` and ``keras``): jit-, vmap-safe, float32 values.

No Python branching on the step: phases are chosen with ``where`` after every
piece is evaluated on a clamped time, so each branch stays finite. Where a
frame's time is whole steps it stays an ``int32`` tensor: phase boundaries,
restart cycles, ``⌊u/e⌋`` and quantization are integer operations, exact for
every step below 2**31; only the value formulas run in float32.

A target is a subclass that changes the tables (module prefix, casts, arrays): one module of
:mod:`lrdsl.codegen.targets` each.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from typing import ClassVar

import lrdsl.codegen.verify as verify
from lrdsl import ir
from lrdsl.codegen.emitter import COMBINED, Emitter, bare, cycles_integral, num, quantize_integral, whole
from lrdsl.codegen.names import known, param_key
from lrdsl.codegen.printer import Printer
from lrdsl.codegen.scalar import ScalarPrinter, mentions_params

INT32_MAX = 2**31 - 1
RIGHT = 'side="right"'


TENSOR_BINARY = {"min": "minimum", "max": "maximum", "**": "power"}
"""Binary operations that tensor code spells as a function (the rest are operators)."""


TENSOR_OPS = (
    *("where", "minimum", "maximum", "power", "take", "searchsorted", "clip", "floor", "ceil", "exp"),
    *("log1p", "expm1", "left_shift", "right_shift", "floor_divide", "mod", "abs", "sign"),
)
"""The tensor operations the tensor printers call through :meth:`~lrdsl.codegen.printer.Printer.op`, by
their name in ``jax.numpy`` and ``keras.ops`` (both have each: tests/test_targets.py imports them)."""


class TensorPrinter(Printer):
    """Prints IR as functions of a tensor ``u`` (int32 where steps are whole, else float32)."""

    MODULE = "jnp"
    OPS = frozenset(TENSOR_OPS)
    IMPORTS = frozenset({"math", "jax", "jax.numpy as jnp"})
    DTYPE = "jnp.{}"
    """A dtype (``float32``, ``int32``) as the module spells it: ``jnp.float32`` (Keras: the string ``"float32"``)."""
    CAST = "{atom}.astype({dtype})"
    """``x`` converted to ``dtype``: ``{x}`` the operand, ``{atom}`` it parenthesized where needed."""
    ARRAY = "jnp.asarray"
    """The call that makes a module tuple a 1-D tensor (with ``dtype=``)."""
    LOOP = "jax.lax.fori_loop"
    """``LOOP(lower, upper, body, init)``: ``init`` updated by ``body(i, value)`` for ``lower ≤ i < upper``."""
    SEARCH = RIGHT + ', method="compare_all"'
    """``searchsorted``'s keywords: the restart tables hold at most 64 entries, where comparing with all of them at
    once is twice as fast under ``jit`` as jnp's default scan (7.5 vs 15 ns a call in a ``fori_loop``)."""

    def __init__(self, emitter: Emitter) -> None:
        super().__init__(emitter)
        self._uses_float_u = False
        self._uses_u = False
        self.frac = 0.0
        """In an integral frame, the time is the int32 ``u`` plus this constant fraction (0 ≤ frac < 1)."""
        self.frac_cap: float | None = None
        """A formula under a clamp in a fractional frame: its time is ``min(u + frac, frac_cap)``."""

    FRACTIONAL: ClassVar[tuple[type, ...]] = (ir.Formula, ir.Seq, ir.Combine)
    """Nodes printed exactly in a fractional frame; a clamp too when it holds a formula, and the rest
    read the time as float32 ``u + frac``."""

    def sched(self, node: ir.Sched, integral: bool) -> str:
        """Define a function for ``node`` (see :meth:`Printer.sched`), keeping a fractional frame exact.

        A fractional frame (a fractional offset or break over whole steps) keeps its time as the int32
        ``u`` and the constant ``frac``: ``u + frac < b`` is ``u < ⌈b − frac⌉``, exact to 2**31.
        """
        frac = self.frac if integral else 0.0
        exact = isinstance(node, self.FRACTIONAL) or (isinstance(node, ir.Clamp) and isinstance(node.body, ir.Formula))
        if not frac or exact:
            if frac == self.frac:  # the common case: no state to set, and no frame more per level
                name: str = self._dispatch[type(node)](self, node, integral)
                return name
            outer, self.frac = self.frac, frac
            try:
                name = self._dispatch[type(node)](self, node, integral)
                return name
            finally:
                self.frac = outer
        outer, self.frac = self.frac, 0.0
        try:
            child: str = self._dispatch[type(node)](self, node, False)
        finally:
            self.frac = outer
        name = self.em.fresh("fractional")
        at = f"{self.to_float('u')} + {num(frac)}"
        self.em.define(name, f"its time is u + {num(frac)}", [f"return {self.em.invoke(child, at)}"])
        return name

    def split(self, shift: float) -> tuple[int, float]:
        """``frac + shift`` as a whole part and a fraction in [0, 1)."""
        whole_part = math.floor(self.frac + shift)
        return whole_part, (self.frac + shift) - whole_part

    # -- the target's spellings: read from its table (DTYPE, CAST, ARRAY, LOOP) -------------------
    def to_float(self, x: str) -> str:
        """``x`` as float32."""
        return self.CAST.format(x=x, atom=_atom(x), dtype=self.DTYPE.format("float32"))

    def to_int(self, x: str) -> str:
        """``x`` as int32."""
        return self.CAST.format(x=x, atom=_atom(x), dtype=self.DTYPE.format("int32"))

    def call(self, fn: str, *args: str) -> str:
        """``M.fn(args)`` for where/minimum/maximum/power/take/searchsorted/full_like."""
        return f"{self.op(fn)}({', '.join(bare(a) for a in args)})"

    def table(self, kind: str, values: list[float], integer: bool) -> str:
        """A module constant holding ``values``, as an array expression."""
        name = self.em.constant(kind, [str(int(v)) if integer else num(v) for v in values])
        return self.array(name, integer)

    def array(self, name: str, integer: bool) -> str:
        """The module tuple ``name`` as a 1-D array."""
        return f"{self.ARRAY}({name}, dtype={self.DTYPE.format('int32' if integer else 'float32')})"

    def fori(self, count: str, body: str, init: float, like: str) -> str:
        """``init`` (shaped like ``like``) updated by ``body(i, lr)`` for ``i < count``."""
        return f"{self.LOOP}(0, {count}, {body}, {self.full_like(like, num(init))})"

    def full_like(self, u: str, value: str) -> str:
        """A float32 tensor shaped like ``u`` filled with ``value``."""
        return f"{self.MODULE}.full_like({u}, {value}, dtype={self.DTYPE.format('float32')})"

    # -- arithmetic ---------------------------------------------------------------------------
    def arith(self, e: ir.Arith, integral: bool) -> str:
        """``e`` as a float expression; ``uf`` is the float32 local time, ``u`` the int one."""
        code: str = self._dispatch[type(e)](self, e, integral)
        return code

    def _const(self, e: ir.Const, integral: bool) -> str:
        source = self.shown_source(e)
        if source is not None:
            return self.in_source(lambda: self.arith(source, integral))
        if e.value == math.pi:
            return "math.pi"
        return num(e.value) if e.value >= 0 else f"({num(e.value)})"

    def _param(self, e: ir.Param, integral: bool) -> str:
        return f'p["{param_key(e)}"]'

    def _var(self, e: ir.Var, integral: bool) -> str:
        if known(e.name, ir.Var, "name") == "lr":
            return "lr"
        self._uses_float_u = True
        return "uf"

    def _bin(self, e: ir.Bin, integral: bool) -> str:
        known(e.op, ir.Bin, "op")
        a, b = self.em.fit(self.arith(e.a, integral), self.arith(e.b, integral))
        if e.op in TENSOR_BINARY:
            return self.call(TENSOR_BINARY[e.op], a, b)
        return f"({a} {e.op} {b})"

    def _fn(self, e: ir.Fn, integral: bool) -> str:
        known(e.name, ir.Fn, "name")
        (a,) = self.em.fit(self.arith(e.arg, integral))
        return f"(-{a})" if e.name == "neg" else f"{self.function(e.name)}({bare(a)})"

    def _whole_u(self, e: ir.FloorDiv | ir.CeilDiv | ir.Count, integral: bool) -> bool:
        """``e`` reads the frame's own whole-step time: its integer form is exact."""
        exact = integral and e.x == ir.Var("u")
        self._uses_u = self._uses_u or exact
        return exact

    def _floor_div(self, e: ir.FloorDiv, integral: bool) -> str:
        if self._whole_u(e, integral) and whole(e.c) and e.c <= INT32_MAX:
            # ⌊(u + frac)/c⌋ = u // c for a whole c and 0 ≤ frac < 1; under a cap, the smaller
            return self.to_float(self._capped(f"u // {int(e.c)}", math.floor, e.c))
        if self._whole_u(e, integral) and not self.frac and e.c <= INT32_MAX:  # ⌊u·q/p⌋ in int32 (§9.4)
            return self.to_float(self._capped(self._exact_quotient("u", e.c, "a period"), math.floor, e.c))
        (x,) = self.em.fit(self.arith(e.x, integral))
        return self.call("floor", f"{x} / {num(e.c)}")

    def _ceil_div(self, e: ir.CeilDiv, integral: bool) -> str:
        if self._whole_u(e, integral) and whole(e.c) and e.c <= INT32_MAX:
            ceiled = f"u // {int(e.c)} + 1" if self.frac else f"-((-u) // {int(e.c)})"  # u + frac is no multiple of c
            return self.to_float(self._capped(ceiled, math.ceil, e.c))
        if self._whole_u(e, integral) and not self.frac and e.c <= INT32_MAX:  # ⌈u/c⌉ = −⌊−u·q/p⌋ in int32
            ceiled = f"-{_atom(self._exact_quotient('(-u)', e.c, 'a period'))}"
            return self.to_float(self._capped(ceiled, math.ceil, e.c))
        (x,) = self.em.fit(self.arith(e.x, integral))
        return self.call("ceil", f"{x} / {num(e.c)}")

    def _exact_quotient(self, x: str, c: Fraction, what: str) -> str:
        """``⌊x/c⌋`` of an int32 ``x`` for ``c = p/q > 1``: ``(x // p)·q + ((x mod p)·q) // p``, exact in int32
        when ``p·q < 2**31``; else the float32 target is refused (LANGUAGE.md §9.4)."""
        verify.float32_period(c, what)
        p, q = c.numerator, c.denominator
        return f"({x} // {p}) * {q} + (({x} % {p}) * {q}) // {p}"

    def _capped(self, index: str, rounding: Callable[[float], int], c: float | Fraction) -> str:
        """``index`` of the time, no larger than that of the cap of a fractional frame."""
        if self.frac_cap is None:
            return index
        return self.call("minimum", index, str(min(rounding(self.frac_cap / c), INT32_MAX)))

    def _count(self, e: ir.Count, integral: bool) -> str:
        exact = self._whole_u(e, integral)
        x = "u" if exact else self.em.fit(self.arith(e.x, integral))[0]
        total = ""
        for m in e.thresholds:
            if exact:  # whole u: u + frac ≥ m  ⟺  u ≥ ⌈m − frac⌉ (and the cap reaches m)
                first = math.ceil(m - Fraction(self.frac))
                if first > INT32_MAX or (self.frac_cap is not None and self.frac_cap < m):
                    continue
                term = self.to_float(f"u >= {first}")
            else:
                term = self.to_float(f"{x} >= {num(ir.least_float(m))}")
            if total:
                before, term = self.em.fit(total, term)
                total = f"({before} + {term})"
            else:
                total = term
        return total or self.full_like("u", "0.0")

    # -- schedules ----------------------------------------------------------------------------

    def _formula(self, node: ir.Formula, integral: bool, cap: str | None = None) -> str:
        self._uses_float_u = self._uses_u = False
        self.em.start()
        expr = self.arith(node.expr, integral)
        if self._uses_float_u:
            uf = self.to_float("u") if integral else "u"
            if integral and self.frac:
                uf = f"{uf} + {num(self.frac)}"
                if self.frac_cap is not None:
                    uf = self.call("minimum", uf, num(self.frac_cap))
            self.em.body.insert(0, f"uf = {uf}")
        elif not self._uses_u:
            expr = self.full_like("u", expr)
        if cap is not None and (self._uses_float_u or self._uses_u):
            self.em.body.insert(0, cap)
        name = self.em.fresh("phase", node.label)
        self.em.define(name, node.label, [f"return {bare(expr)}"])
        return name

    def _clamp(self, node: ir.Clamp, integral: bool) -> str:
        if integral and self.frac:  # over a formula (else sched() made the frame float32)
            outer, self.frac_cap = self.frac_cap, node.hi
            try:
                return self._formula(node.body, True)  # type: ignore[arg-type]
            finally:
                self.frac_cap = outer
        keep = integral and whole(node.hi) and node.hi <= INT32_MAX
        u = "u" if keep or not integral else self.to_float("u")
        hi = str(int(node.hi)) if keep else num(node.hi)
        if isinstance(node.body, ir.Formula):  # one function: cap u, then the formula
            name = self._formula(node.body, keep, cap=f"u = {self.call('minimum', u, hi)}")
            return name
        child = self.sched(node.body, keep)
        name = self.em.fresh("hold")
        self.em.define(
            name, f"holds its value after {hi} steps", [f"return {self.em.invoke(child, self.call('minimum', u, hi))}"]
        )
        return name

    def _seq(self, node: ir.Seq, integral: bool) -> str:
        if integral:
            return self._seq_integral(node)
        lines = []
        for j, part in enumerate(node.parts):
            b = node.breaks[j]
            shifted = "u" if b == 0 else self.call("maximum", f"u - {num(b)}", "0.0")
            lines.append(f"v{j} = {self.em.invoke(self.sched(part, False), shifted)}")
        return self._select(node, lines, [num(b) for b in node.breaks[1:]])

    def _seq_integral(self, node: ir.Seq) -> str:
        """Over whole steps ``u`` (plus ``frac``): piece ``j`` sees ``u + frac − b_j``, split into an
        int32 part and a constant fraction; ``u + frac < b``  ⟺  ``u < ⌈b − frac⌉``."""
        firsts = [math.ceil(b - self.frac) for b in node.breaks]
        parts = node.parts[: sum(first <= INT32_MAX for first in firsts)]  # an int32 step never reaches the rest
        lines = []
        for j, part in enumerate(parts):
            shift, frac = self.split(-node.breaks[j])
            outer, self.frac = self.frac, frac
            try:
                child = self.sched(part, True)
            finally:
                self.frac = outer
            shifted = "u" if shift == 0 else self.call("maximum", f"u - {-shift}", "0")
            lines.append(f"v{j} = {self.em.invoke(child, shifted)}")
        return self._select(node, lines, [str(first) for first in firsts[1 : len(parts)]])

    def _select(self, node: ir.Seq, lines: list[str], bounds: list[str]) -> str:
        """The value of the piece that holds ``u``: ``where(u < bound, earlier, later)``."""
        value = f"v{len(lines) - 1}"
        for j in range(len(lines) - 2, -1, -1):
            chosen = self.call("where", f"u < {bounds[j]}", f"v{j}", value)
            if j:
                lines.append(f"v{j} = {chosen}")
                value = f"v{j}"
            else:
                value = chosen
        name = self.em.fresh("phases")
        self.em.define(name, "one phase after another", [*lines, f"return {value}"])
        return name

    def _combine(self, node: ir.Combine, integral: bool) -> str:
        known(node.op, ir.Combine, "op")
        calls = [self.em.invoke(self.sched(part, integral), "u") for part in node.parts]
        self.em.start()
        expr = calls[0]
        for c in calls[1:]:
            a, b = self.em.fit(expr, c)
            if node.op in ("min", "max"):
                expr = self.call("minimum" if node.op == "min" else "maximum", a, b)
            else:
                expr = f"({a} {node.op} {b})"
        name = self.em.fresh(COMBINED[node.op])
        self.em.define(name, f"pointwise {node.op}", [f"return {bare(expr)}"])
        return name

    def _cycles(self, node: ir.Cycles, integral: bool) -> str:
        """Many cycles (lowering unrolls up to ``ir.MAX_UNROLLED``), two ways: ``mult = 1``, the cycle by
        integer division where the frame's time is whole steps and int32 holds the products, else
        ``⌊u/P⌋`` in float32; ``mult ≠ 1``, the closed-form logarithm (docs/codegen.md)."""
        body, last = self.cycle_body(node, integral)
        if node.mult == 1:
            lines, index = self._cycle_quotient(node, integral, last)
        else:
            clock = ir.cycle_clock(node.period, node.mult)
            uf = self.to_float("u") if integral else "u"
            growth = f"i * {num(clock.L)}"
            guess = self.call("log1p", f"{uf} * {num(clock.D / clock.P)}")
            lines = [
                f"i = {self.call('floor', f'{guess} / {num(clock.L)}')}",
                f"i = {self.call('clip', 'i', '0.0', f'{last}.0')}",
                f"since = {uf} - {num(clock.P)} * {self.call('expm1', growth)} / {num(clock.D)}",
                f"local = {self.call('maximum', 'since', '0.0')} / {self.call('exp', growth)}",
            ]
            index = self.to_int("i")
        value = self.em.invoke(body, "local")
        if node.decay != 1.0:
            value = f"{self.call('power', num(node.decay), self.to_float(index))} * {value}"
        lines.append(f"return {value}")
        name = self.em.fresh(body.lstrip("_").rstrip("0123456789").rstrip("_") + "_cycles")
        self.em.define(name, f"{node.count} restart cycle(s), the first {float(node.period):g} steps", lines)
        return name

    def _cycle_quotient(self, node: ir.Cycles, integral: bool, last: int) -> tuple[list[str], str]:
        """``mult = 1``: lines setting ``i`` and ``local``, and the cycle index as an int tensor."""
        a, b = node.period.numerator, node.period.denominator
        span = max(node.span, node.clock.span_of(node.count))
        if integral and b == 1 and a <= INT32_MAX:
            return [f"i = {self.call('minimum', f'u // {a}', str(last))}", f"local = u - i * {a}"], "i"
        if integral and a * b <= INT32_MAX and span * b <= INT32_MAX:  # i = ⌊u·b/a⌋ without overflow
            lines = [
                f"i = (u // {a}) * {b} + ((u % {a}) * {b}) // {a}",
                f"i = {self.call('minimum', 'i', str(last))}",
                f"rest = (u - (i // {b}) * {a}) * {b} - (i % {b}) * {a}",
                f"local = {self.to_float('rest')} / {b}.0",
            ]
            return lines, "i"
        uf = self.to_float("u") if integral else "u"
        p = num(float(node.period))
        lines = [
            f"i = {self.call('floor', f'{uf} / {p}')}",
            f"i = {self.call('minimum', 'i', f'{last}.0')}",
            f"local = {uf} - i * {p}",
        ]
        return lines, self.to_int("i")

    def _unrolled(self, node: ir.Unrolled, integral: bool) -> str:
        """The body once, the pieces as tables: ``i`` from a search of the pieces' first steps, the body's
        time ``(u − origin_i)/stretch_i`` with ``origin_i = shift_i/scale_i`` and ``stretch_i`` over ``scale_i``.

        Over whole steps the search runs on int32 first steps (``⌈reach_i⌉``) and the time is the whole
        ``u − first_i`` plus the fraction ``first_i − origin_i``: only the small remainder is float32.
        """
        inner = cycles_integral(node, integral)
        body = self.sched(node.body, inner)
        name = self.em.fresh(body.lstrip("_").rstrip("0123456789").rstrip("_") + "_cycles")
        if node.count == 1:
            self.em.define(
                name, f"1 restart cycle, {float(node.period):g} steps", [f"return {self.em.invoke(body, 'u')}"]
            )
            return name
        origins = [s / c for s, c in zip(node.shift, node.scale, strict=True)]
        stretches = [s / c for s, c in zip(node.stretch, node.scale, strict=True)]
        if integral:
            steps = [float(math.ceil(r)) for r in node.reach]
            first = self.table("cycle_first_step", steps, True)
            lines = [f"first = {first}", f"i = {self.call('searchsorted', 'first', 'u', self.SEARCH)} - 1"]
            since = f"u - {self.call('take', 'first', 'i')}"
            if not inner:
                exact = [
                    Fraction(c) - Fraction(s) / Fraction(k)
                    for c, s, k in zip(steps, node.shift, node.scale, strict=True)
                ]
                offsets = self.table("cycle_offset", [float(x) for x in exact], False)  # rounded once
                since = f"{self.to_float(since)} + {self.call('take', offsets, 'i')}"
        else:
            reach = self.table("cycle_reach", list(node.reach), False)
            starts = self.table("cycle_starts", origins, False)
            lines = [f"i = {self.call('searchsorted', reach, 'u', self.SEARCH)} - 1"]
            since = self.call("maximum", f"u - {self.call('take', starts, 'i')}", "0.0")
        if node.mult != 1:
            lines += [
                f"since = {since}",
                f"local = since / {self.call('take', self.table('cycle_stretch', stretches, False), 'i')}",
            ]
        else:
            lines.append(f"local = {since}")
        value = self.em.invoke(body, "local")
        if node.decay != 1.0:
            value = f"{self.call('take', self.table('cycle_decay', list(node.factor), False), 'i')} * {value}"
        lines.append(f"return {value}")
        self.em.define(name, f"{node.count} restart cycles, the first {float(node.period):g} steps", lines)
        return name

    def _quantize(self, node: ir.Quantize, integral: bool) -> str:
        keep = quantize_integral(node, integral) and node.hi <= INT32_MAX
        body = self.sched(node.body, keep)
        if keep:
            q = str(int(node.q))
            at = (
                self.call("minimum", f"(u // {q} + 1) * {q}", str(int(node.hi))) if node.at_end else f"(u // {q}) * {q}"
            )
        elif integral and not self.frac and node.q <= INT32_MAX:  # ⌊u/q⌋ exact in int32, k·q in float32 (§9.4)
            q = num(node.q)
            k = self.to_float(self._exact_quotient("u", node.q, "a quantize interval"))
            at = self.call("minimum", f"({k} + 1.0) * {q}", num(node.hi)) if node.at_end else f"{k} * {q}"
        else:
            uf = self.to_float("u") if integral else "u"
            q = num(node.q)
            k = self.call("floor", f"{uf} / {q}")
            at = self.call("minimum", f"({k} + 1.0) * {q}", num(node.hi)) if node.at_end else f"{k} * {q}"
        name = self.em.fresh("quantized")
        self.em.define(name, f"constant over intervals of {q} steps", [f"return {self.em.invoke(body, at)}"])
        return name

    def _offset(self, node: ir.Offset, integral: bool) -> str:
        # int32 where the cap is whole and the sum fits, a fractional n kept as a constant fraction
        k = math.floor(node.n)
        keep = integral and not self.frac and whole(node.hi) and node.hi + k <= INT32_MAX
        if keep:
            outer, self.frac = self.frac, node.n - k
            try:
                body = self.sched(node.body, True)
            finally:
                self.frac = outer
            at = self.call("minimum", "u", str(int(node.hi)))
            at = f"{at} + {k}" if k else at
        else:
            body = self.sched(node.body, False)
            uf = self.to_float("u") if integral else "u"
            at = f"{self.call('minimum', uf, num(node.hi))} + {num(node.n)}"
        name = self.em.fresh("offset")
        self.em.define(name, f"its clock {num(node.n)} steps ahead", [f"return {self.em.invoke(body, at)}"])
        return name

    def _recur(self, node: ir.Recur, integral: bool) -> str:
        if integral and whole(node.every) and whole(node.hi):
            lines = [f"k = {self.call('minimum', 'u', str(int(node.hi)))} // {int(node.every)}"]
        elif integral and not self.frac and whole(node.hi) and node.hi <= INT32_MAX and node.every <= INT32_MAX:
            uc = self.call("minimum", "u", str(int(node.hi)))
            lines = [f"uc = {uc}", f"k = {self._exact_quotient('uc', node.every, 'a recur period')}"]
        else:
            uf = self.to_float("u") if integral else "u"
            lines = [
                f"uc = {self.call('minimum', uf, num(node.hi))}",
                f"k = {self.to_int(self.call('floor', f'uc / {num(node.every)}'))}",
            ]
        name = self.em.fresh("recur")
        if not mentions_params(node.expr):
            # The values are computed once, in float64 Python, and gathered: O(1) per call.
            values = ScalarPrinter(self.em).recur_values(node)
            table = self.array(f"{values}()", False)
            lines.append(f"return {self.call('take', table, 'k + 1')}")
            self.em.define(name, "the value of interval k, from a table built once", lines)
            return name
        # With parameters the table depends on them: a fixed trip count with a mask (vmap-safe).
        self._uses_float_u = self._uses_u = False
        self.em.start()
        expr = self.arith(node.expr, integral)
        hoisted, self.em.body = self.em.body, []
        lines += [
            "",
            "def update(j, lr):",
            *("    " + h for h in hoisted),
            f"    return {self.call('where', 'j <= k', expr, 'lr')}",
            "",
            f"return {self.fori(str(ir.recur_intervals(node)), 'update', node.init, 'u')}",
        ]
        self.em.define(name, "the previous value, updated once per interval", lines)
        return name


def _atom(x: str) -> str:
    """``x`` parenthesised unless it is a name or already one bracketed group."""
    if x.isidentifier() or (x.startswith("(") and bare(x) != x):
        return x
    return f"({x})"
