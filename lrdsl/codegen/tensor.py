"""Tensor printers (targets ``optax`` and ``keras``): jit-, vmap-safe, float32 values.

No Python branching on the step: phases are chosen with ``where`` after every
piece is evaluated on a clamped time, so each branch stays finite. Where a
frame's time is whole steps it stays an ``int32`` tensor: phase boundaries,
restart cycles, ``⌊u/e⌋`` and quantization are integer operations, exact for
every step below 2**31; only the value formulas run in float32.

A target is a subclass that changes the tables (module prefix, casts, arrays).
"""

from __future__ import annotations

import math

from lrdsl import ir
from lrdsl.codegen.emitter import COMBINED, Emitter, bare, cycles_integral, num, quantize_integral, seq_integral, whole
from lrdsl.codegen.names import known, param_key
from lrdsl.codegen.printer import Printer
from lrdsl.codegen.scalar import ScalarPrinter, mentions_params

INT32_MAX = 2**31 - 1
MAX_TABLE_CYCLES = 64
"""Restarts with ``mult ≠ 1`` and at most this many cycles place them exactly from a table of first steps."""


TENSOR_BINARY = {"min": "minimum", "max": "maximum", "**": "power"}
"""Binary operations that tensor code spells as a function (the rest are operators)."""


class TensorPrinter(Printer):
    """Prints IR as functions of a tensor ``u`` (int32 where steps are whole, else float32)."""

    MODULE = "jnp"
    IMPORTS = frozenset({"math", "jax", "jax.numpy as jnp"})

    def __init__(self, emitter: Emitter) -> None:
        super().__init__(emitter)
        self._uses_float_u = False
        self._uses_u = False

    # -- the target's table: override in subclasses -------------------------------------------
    def to_float(self, x: str) -> str:
        """``x`` as float32."""
        return f"{_atom(x)}.astype(jnp.float32)"

    def to_int(self, x: str) -> str:
        """``x`` as int32."""
        return f"{_atom(x)}.astype(jnp.int32)"

    def call(self, fn: str, *args: str) -> str:
        """``M.fn(args)`` for where/minimum/maximum/power/take/searchsorted/full_like."""
        return f"{self.MODULE}.{fn}({', '.join(bare(a) for a in args)})"

    def table(self, kind: str, values: list[float], integer: bool) -> str:
        """A module constant holding ``values``, as an array expression."""
        name = self.em.constant(kind, [str(int(v)) if integer else num(v) for v in values])
        return self.array(name, integer)

    def array(self, name: str, integer: bool) -> str:
        """The module tuple ``name`` as a 1-D array."""
        return f"jnp.asarray({name}, dtype=jnp.{'int32' if integer else 'float32'})"

    def fori(self, count: str, body: str, init: float, like: str) -> str:
        """``init`` (shaped like ``like``) updated by ``body(i, lr)`` for ``i < count``."""
        return f"jax.lax.fori_loop(0, {count}, {body}, {self.full_like(like, num(init))})"

    def top_bit(self, x: str) -> str | None:
        """The bit length of the int32 ``x ≥ 1`` less one (``31 − clz``), or ``None`` where the target has no clz."""
        return f"31 - jax.lax.clz({bare(x)})"

    def quotient(self, x: str, c: str) -> str:
        """``x // c`` for int32 ``x ≥ 0`` and ``c > 0``: one division (floor and truncation agree)."""
        return f"jax.lax.div({bare(x)}, {c})"

    def _doubling(self, node: ir.Cycles, integral: bool) -> bool:
        """Cycles of ``mult = 2`` over whole steps whose index is a bit length (see :meth:`_cycles`).

        ``⌊u/P⌋ + 1`` must not overflow int32 (``P ≥ 2``), nor ``2^last`` or the last start ``P·(2^last − 1)``.
        """
        a, last = node.period.numerator, node.count - 1
        return (
            integral
            and node.mult == 2
            and node.period.denominator == 1
            and a >= 2
            and last <= 30
            and a * (2**last - 1) <= INT32_MAX
            and self.top_bit("u") is not None
        )

    def full_like(self, u: str, value: str) -> str:
        """A float32 tensor shaped like ``u`` filled with ``value``."""
        return f"jnp.full_like({u}, {value}, dtype=jnp.float32)"

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
            return self.to_float(f"u // {int(e.c)}")
        (x,) = self.em.fit(self.arith(e.x, integral))
        return self.call("floor", f"{x} / {num(e.c)}")

    def _ceil_div(self, e: ir.CeilDiv, integral: bool) -> str:
        if self._whole_u(e, integral) and whole(e.c) and e.c <= INT32_MAX:
            return self.to_float(f"-((-u) // {int(e.c)})")
        (x,) = self.em.fit(self.arith(e.x, integral))
        return self.call("ceil", f"{x} / {num(e.c)}")

    def _count(self, e: ir.Count, integral: bool) -> str:
        exact = self._whole_u(e, integral)
        x = "u" if exact else self.em.fit(self.arith(e.x, integral))[0]
        total = ""
        for m in e.thresholds:
            term = self.to_float(f"{x} >= {int(m) if exact and whole(m) else num(m)}")
            total = term if not total else f"({self.em.fit(total, term)[0]} + {term})"
        return total

    # -- schedules ----------------------------------------------------------------------------

    def _formula(self, node: ir.Formula, integral: bool, cap: str | None = None) -> str:
        self._uses_float_u = self._uses_u = False
        self.em.start()
        expr = self.arith(node.expr, integral)
        if self._uses_float_u:
            self.em.body.insert(0, f"uf = {self.to_float('u')}" if integral else "uf = u")
        elif not self._uses_u:
            expr = self.full_like("u", expr)
        if cap is not None and (self._uses_float_u or self._uses_u):
            self.em.body.insert(0, cap)
        name = self.em.fresh("phase", node.label)
        self.em.define(name, node.label, [f"return {bare(expr)}"])
        return name

    def _clamp(self, node: ir.Clamp, integral: bool) -> str:
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
        flags = seq_integral(node, integral)
        parts = node.parts
        if integral:  # an int32 step never reaches a phase that starts after 2**31 − 1
            parts = parts[: 1 + sum(math.ceil(b) <= INT32_MAX for b in node.breaks[1:])]
        lines = []
        for j, (part, keep) in enumerate(zip(parts, flags)):
            child = self.sched(part, keep)
            b = node.breaks[j]
            if b == 0:
                shifted = "u"
            elif keep:
                shifted = self.call("maximum", f"u - {int(b)}", "0")
            else:
                uf = self.to_float("u") if integral else "u"
                shifted = self.call("maximum", f"{uf} - {num(b)}", "0.0")
            lines.append(f"v{j} = {self.em.invoke(child, shifted)}")
        value = f"v{len(parts) - 1}"
        for j in range(len(parts) - 2, -1, -1):
            b = node.breaks[j + 1]
            bound = str(math.ceil(b)) if integral else num(b)  # whole u < b  ⟺  u < ⌈b⌉
            chosen = self.call("where", f"u < {bound}", f"v{j}", value)
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
        body = self.sched(node.body, cycles_integral(node, integral))
        last = node.count - 1
        lines: list[str] = []
        a, b = node.period.numerator, node.period.denominator
        clock = ir.cycle_clock(node.period, node.mult)
        span = max(node.span, clock.span_of(node.count))
        if node.mult == 1 and integral and b == 1 and a <= INT32_MAX:
            lines += [f"i = {self.call('minimum', f'u // {a}', str(last))}", f"local = u - i * {a}"]
            index = "i"
        elif node.mult == 1 and integral and a * b <= INT32_MAX and span * b <= INT32_MAX:
            lines += [
                f"i = (u // {a}) * {b} + ((u % {a}) * {b}) // {a}",
                f"i = {self.call('minimum', 'i', str(last))}",
                f"rest = (u - (i // {b}) * {a}) * {b} - (i % {b}) * {a}",
                f"local = {self.to_float('rest')} / {b}.0",
            ]
            index = "i"
        elif self._doubling(node, integral):
            # mult = 2, whole steps: u ≥ P·(2ⁱ − 1) ⟺ ⌊u/P⌋ + 1 ≥ 2ⁱ, so i is the bit length of ⌊u/P⌋ + 1
            # less one (31 − clz): no table, no search. The start and stretch are whole numbers (exact in int32).
            top = self.top_bit(f"{self.quotient(self.call('maximum', 'u', '0'), str(a))} + 1")
            lines += [
                f"i = {self.call('minimum', str(top), str(last))}",
                f"whole = {self.call('left_shift', '1', 'i')}",
                f"local = {self.to_float(f'u - {a} * (whole - 1)')} / {self.to_float('whole')}",
            ]
            index = "i"
        elif node.mult == 1 and not (integral and node.count <= MAX_TABLE_CYCLES):
            # Many cycles: u − i·P in float32. (Few: the table below subtracts whole steps first.)
            uf = self.to_float("u") if integral else "u"
            p = num(float(node.period))
            lines += [
                f"i = {self.call('floor', f'{uf} / {p}')}",
                f"i = {self.call('minimum', 'i', f'{last}.0')}",
                f"local = {uf} - i * {p}",
            ]
            index = self.to_int("i")
        elif node.count > MAX_TABLE_CYCLES:
            # Many cycles (mult near 1): the cycle from a logarithm in float32, no table.
            uf = self.to_float("u") if integral else "u"
            growth = f"i * {num(clock.L)}"
            guess = self.call("log1p", f"{uf} * {num(clock.D / clock.P)}")
            lines += [
                f"i = {self.call('floor', f'{guess} / {num(clock.L)}')}",
                f"i = {self.call('clip', 'i', '0.0', f'{last}.0')}",
                f"since = {uf} - {num(clock.P)} * {self.call('expm1', growth)} / {num(clock.D)}",
                f"local = {self.call('maximum', 'since', '0.0')} / {self.call('exp', growth)}",
            ]
            index = self.to_int("i")
        else:
            starts_exact = [clock.start_exact(i) for i in range(node.count)]
            stretch = [clock.stretch(i) for i in range(node.count)]
            scale = "" if node.mult == 1 else self.call("take", self.table("cycle_stretch", stretch, False), "i")
            if integral:
                ceil = [math.ceil(s) for s in starts_exact]
                first = self.table("cycle_first_step", [float(c) for c in ceil], True)
                frac = self.table("cycle_offset", [float(c - s) for c, s in zip(ceil, starts_exact)], False)
                found = self.call("searchsorted", first, "u", 'side="right"')
                start = self.call("take", first, "i")
                since = f"{self.to_float('u - start')} + {self.call('take', frac, 'i')}"
                lines += [f"i = {found} - 1", f"start = {start}"]
            else:
                starts = self.table("cycle_starts", [float(s) for s in starts_exact], False)
                found = self.call("searchsorted", starts, "u", 'side="right"')
                since = f"u - {self.call('take', starts, 'i')}"
                lines += [f"i = {found} - 1"]
            lines += [f"since = {since}", f"local = since / {scale}"] if scale else [f"local = {since}"]
            index = "i"
        value = self.em.invoke(body, "local")
        if node.decay != 1.0:
            if node.count <= MAX_TABLE_CYCLES:
                decays = self.table("cycle_decay", [node.decay**i for i in range(node.count)], False)
                value = f"{self.call('take', decays, index)} * {value}"
            else:
                value = f"{self.call('power', num(node.decay), self.to_float(index))} * {value}"
        lines.append(f"return {value}")
        name = self.em.fresh(body.lstrip("_").rstrip("0123456789").rstrip("_") + "_cycles")
        self.em.define(name, f"{node.count} restart cycle(s), the first {float(node.period):g} steps", lines)
        return name

    def _quantize(self, node: ir.Quantize, integral: bool) -> str:
        keep = quantize_integral(node, integral) and node.hi <= INT32_MAX
        body = self.sched(node.body, keep)
        if keep:
            q = str(int(node.q))
            at = (
                self.call("minimum", f"(u // {q} + 1) * {q}", str(int(node.hi))) if node.at_end else f"(u // {q}) * {q}"
            )
        else:
            uf = self.to_float("u") if integral else "u"
            q = num(node.q)
            k = self.call("floor", f"{uf} / {q}")
            at = self.call("minimum", f"({k} + 1.0) * {q}", num(node.hi)) if node.at_end else f"{k} * {q}"
        name = self.em.fresh("quantized")
        self.em.define(name, f"constant over intervals of {q} steps", [f"return {self.em.invoke(body, at)}"])
        return name

    def _offset(self, node: ir.Offset, integral: bool) -> str:
        # int32 where the offset and the cap are whole and their sum fits; else float32
        keep = integral and whole(node.n) and whole(node.hi) and node.hi + node.n <= INT32_MAX
        body = self.sched(node.body, keep)
        if keep:
            at = f"{self.call('minimum', 'u', str(int(node.hi)))} + {int(node.n)}"
        else:
            uf = self.to_float("u") if integral else "u"
            at = f"{self.call('minimum', uf, num(node.hi))} + {num(node.n)}"
        name = self.em.fresh("offset")
        self.em.define(name, f"its clock {num(node.n)} steps ahead", [f"return {self.em.invoke(body, at)}"])
        return name

    def _recur(self, node: ir.Recur, integral: bool) -> str:
        if integral and whole(node.every) and whole(node.hi):
            lines = [f"k = {self.call('minimum', 'u', str(int(node.hi)))} // {int(node.every)}"]
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


class KerasPrinter(TensorPrinter):
    """``keras.ops``: runs on every Keras 3 backend."""

    MODULE = "ops"
    IMPORTS = frozenset({"math", "keras", "from keras import ops"})

    def to_float(self, x: str) -> str:
        """``x`` as float32."""
        return f'ops.cast({x}, "float32")'

    def to_int(self, x: str) -> str:
        """``x`` as int32."""
        return f'ops.cast({x}, "int32")'

    def array(self, name: str, integer: bool) -> str:
        """The module tuple ``name`` as a 1-D tensor."""
        return f'ops.convert_to_tensor({name}, dtype="{"int32" if integer else "float32"}")'

    def fori(self, count: str, body: str, init: float, like: str) -> str:
        """``init`` (shaped like ``like``) updated by ``body(i, lr)`` for ``i < count``."""
        return f"ops.fori_loop(0, {count}, {body}, {self.full_like(like, num(init))})"

    def full_like(self, u: str, value: str) -> str:
        """A float32 tensor shaped like ``u`` filled with ``value``."""
        return f'ops.full_like({u}, {value}, dtype="float32")'

    def top_bit(self, x: str) -> str | None:
        """``keras.ops`` has no count of leading zeros: restarts keep their table of first steps."""
        return None


def _atom(x: str) -> str:
    """``x`` parenthesised unless it is a name or already one bracketed group."""
    if x.isidentifier() or (x.startswith("(") and bare(x) != x):
        return x
    return f"({x})"
