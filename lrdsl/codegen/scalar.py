"""Plain-Python printer (targets ``python``, ``torch``, ``paddle``): float64, exact ints.

The step is a Python ``int``; phase and cycle membership use integer arithmetic
(``//``, ``bisect``) and everything else uses :mod:`math`. A new scalar target
changes only the tables of :class:`~lrdsl.codegen.printer.Printer`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import lrdsl.ir.ieee as ieee
import lrdsl.ir.ranges as ranges
from lrdsl import ir
from lrdsl.codegen.emitter import (
    COMBINED,
    Emitter,
    bare,
    cycles_integral,
    num,
    power,
    quantize_integral,
    seq_integral,
    simple,
    whole,
)
from lrdsl.codegen.names import known, param_key
from lrdsl.codegen.printer import Printer

BINARY = {"+": "+", "-": "-", "*": "*", "/": "/"}
_ANY: ranges.Box = (-ranges.BIG, ranges.BIG)


@dataclass(frozen=True)
class _Printed:
    """Code of an arithmetic expression: whether its value may be an ``int``, and a bound on it."""

    code: str
    whole: bool
    box: ranges.Box | None


def _safe(fails: ir.Fails, arg: ranges.Box | None, value: ranges.Box | None) -> bool:
    """The plain call of a function that ``fails`` so cannot raise for arguments in ``arg`` (values in ``value``)."""
    if fails == "never":  # math.tanh never raises, whatever its argument (inf, NaN)
        return True
    if arg is None:
        return False
    return SAFE[fails](arg, value)


SAFE: dict[str, Callable[[ranges.Box, ranges.Box | None], bool]] = {
    "at or below 0": lambda arg, value: arg[0] > 0.0,
    "below 0": lambda arg, value: arg[0] >= 0.0,
    "on overflow": lambda arg, value: value is not None and value[1] < ranges.INF,
    "near 0": lambda arg, value: arg[0] > 0.0 and arg[1] < ranges.INF,  # an int, without numpy's -0.0
    "at infinity": lambda arg, value: math.isfinite(arg[0]) and math.isfinite(arg[1]),
}
"""Each kind of failure of :data:`lrdsl.ir.Fails`: the bounds under which the plain ``math`` call is safe."""


class ScalarPrinter(Printer):
    """Prints IR as plain Python functions of ``u`` (an ``int`` where steps are whole)."""

    IMPORTS = frozenset({"math"})
    PI = "math.pi"

    def __init__(self, emitter: Emitter) -> None:
        super().__init__(emitter)
        self.top = ranges.INF
        """The largest local time ``u`` of the node being printed (set by the enclosing frames)."""

    # -- arithmetic -------------------------------------------------------------------------
    def arith(self, e: ir.Arith, integral: bool) -> str:
        """``e`` as a Python expression of float value; long parts are hoisted into temporaries."""
        out = self._expr(e, integral)
        return f"float({bare(out.code)})" if out.whole else out.code

    def _expr(self, e: ir.Arith, integral: bool) -> _Printed:
        """``e`` printed, with whether its value may be an ``int`` and a bound on it.

        The value is IEEE float64 arithmetic, as in the interpreter: an operation on two
        ``int`` values (exact, unbounded in Python) takes the left one as a float first, and an
        operation that may fail in :mod:`math` calls its :mod:`lrdsl.ir.ieee` helper.
        """
        printed: _Printed = self._dispatch[type(e)](self, e, integral)
        return printed

    def _const(self, e: ir.Const, integral: bool) -> _Printed:
        source = self.shown_source(e)
        if source is not None:
            return _Printed(self.in_source(lambda: self._expr(source, integral)).code, False, (e.value, e.value))
        code = self.PI if e.value == math.pi else num(e.value) if e.value >= 0 else f"({num(e.value)})"
        return _Printed(code, False, (e.value, e.value))

    def _var(self, e: ir.Var, integral: bool) -> _Printed:
        known(e.name, ir.Var, "name")
        return _Printed(e.name, e.name == "u", (0.0, self.top) if e.name == "u" else _ANY)

    def _param(self, e: ir.Param, integral: bool) -> _Printed:
        return _Printed(f'p["{param_key(e)}"]', False, _ANY)

    def _fn(self, e: ir.Fn, integral: bool) -> _Printed:
        known(e.name, ir.Fn, "name")
        arg = self._expr(e.arg, integral)
        (a,) = self.em.fit(arg.code)
        box = ranges.function(e.name)(arg.box) if arg.box is not None else None
        if e.name == "neg":  # of an int 0 it would be 0, not -0.0
            return _Printed(f"(-float({bare(a)}))" if arg.whole else f"(-{a})", False, box)
        if e.name == "abs":
            return _Printed(f"abs({bare(a)})", arg.whole, box)
        row = ir.MATH[e.name]
        call = self.function(e.name)
        if _safe(row.fails, arg.box, box) or row.helper is None:
            return _Printed(f"{call}({bare(a)})", row.fails == "near 0", box)
        return _Printed(f"{self.helper(row.helper)}({bare(a)})", False, box)

    def _time(self, e: ir.FloorDiv | ir.CeilDiv | ir.Count, integral: bool) -> str:
        """The printed time that ``e`` divides or counts (``u`` itself when it is the frame's)."""
        (x,) = self.em.fit(self.arith(e.x, integral) if e.x != ir.Var("u") else "u")
        return x

    def _floor_div(self, e: ir.FloorDiv, integral: bool) -> _Printed:
        bound, x = ranges.arith(e, (0.0, self.top)), self._time(e, integral)
        if integral and e.x == ir.Var("u"):  # ⌊u·q/p⌋ of Python ints: exact (LANGUAGE.md §9.4)
            return _Printed(f"({_times_q(x, e.c)} // {e.c.numerator})", True, bound)
        if e.c.denominator != 1:  # exact where x·q is a float integer
            return _Printed(f"({x} * {e.c.denominator} // {e.c.numerator})", False, bound)
        return _Printed(f"({x} // {num(e.c)})", False, bound)  # numpy's floor_divide, not ⌊x/c⌋ rounded

    def _ceil_div(self, e: ir.CeilDiv, integral: bool) -> _Printed:
        bound, x = ranges.arith(e, (0.0, self.top)), self._time(e, integral)
        if integral and e.x == ir.Var("u"):
            return _Printed(f"(-(-{_times_q(x, e.c)} // {e.c.numerator}))", True, bound)
        if e.c.denominator != 1:
            return _Printed(f"(-(-{x} * {e.c.denominator} // {e.c.numerator}))", False, bound)
        return _Printed(f"(-(-{x} // {num(e.c)}))", False, bound)

    def _count(self, e: ir.Count, integral: bool) -> _Printed:
        self.em.imports.add("bisect")
        table = self.em.constant("marks", [num(ir.least_float(m)) for m in e.thresholds])  # x ≥ it ⟺ x ≥ m
        bound, x = ranges.arith(e, (0.0, self.top)), self._time(e, integral)
        return _Printed(f"bisect.bisect_right({table}, {bare(x)})", True, bound)

    def _bin(self, e: ir.Bin, integral: bool) -> _Printed:
        known(e.op, ir.Bin, "op")
        left, right = self._expr(e.a, integral), self._expr(e.b, integral)
        box = None
        if left.box is not None and right.box is not None:
            box = ranges.BINARY[e.op](left.box, right.box)
        a_code = left.code
        if left.whole and right.whole and e.op not in ("min", "max"):
            a_code = f"float({bare(a_code)})"  # Python ints are exact and unbounded: compute in float64
        a, b = self.em.fit(a_code, right.code)
        if e.op in ("min", "max"):
            return _Printed(f"{e.op}({bare(a)}, {bare(b)})", left.whole or right.whole, box)
        if e.op == "**" and isinstance(e.b, ir.Const) and e.b.value == 2.0:
            # numpy squares (x·x, correctly rounded) where C's pow may round a tie the other way
            # (111434433.0 ** 2.0): the same product here. x·x never raises; inf and nan pass through.
            code = f"float({bare(a)})" if left.whole else a  # an int squares exactly: square the float
            x = code if simple(code) else self.em.hoist(code)
            return _Printed(f"({x} * {x})", False, box)
        if e.op == "**":
            if box is not None and ranges.finite(box):  # no overflow, no 0 ** −k, no complex result
                return _Printed(power(a, b), False, box)
            return _Printed(f"{self.helper('pow')}({bare(a)}, {bare(b)})", False, box)
        if e.op == "/" and (right.box is None or right.box[0] <= 0.0 <= right.box[1]):
            return _Printed(f"{self.helper('div')}({bare(a)}, {bare(b)})", False, box)
        return _Printed(f"({a} {BINARY[e.op]} {b})", False, box)

    def helper(self, fn: str) -> str:
        """The name of IEEE helper ``fn``, defined once in the generated module."""
        self.em.define_once(ieee.name(fn), ieee.SOURCE[fn])
        return ieee.name(fn)

    # -- schedules --------------------------------------------------------------------------

    def _formula(self, node: ir.Formula, integral: bool) -> str:
        self.em.start()
        value = bare(self.arith(node.expr, integral))
        name = self.em.fresh("phase", node.label)
        self.em.define(name, node.label, [f"return {value}"])
        return name

    def _clamp(self, node: ir.Clamp, integral: bool) -> str:
        keep = integral and whole(node.hi)
        hi = str(int(node.hi)) if keep else num(node.hi)
        outer, self.top = self.top, min(self.top, node.hi)
        try:
            if isinstance(node.body, ir.Formula):  # one function: cap u, then the formula
                self.em.start()
                value = bare(self.arith(node.body.expr, keep))
                name = self.em.fresh("phase", node.body.label)
                if ir.reads(node.body.expr, "u"):
                    self.em.body.insert(0, f"u = min(u, {hi})")
                self.em.define(name, node.body.label, [f"return {value}"])
                return name
            child = self.sched(node.body, keep)
        finally:
            self.top = outer
        name = self.em.fresh("hold")
        self.em.define(name, f"holds its value after {hi} steps", [f"return {self.em.invoke(child, f'min(u, {hi})')}"])
        return name

    def _seq(self, node: ir.Seq, integral: bool) -> str:
        flags = seq_integral(node, integral)
        children = []
        outer = self.top
        for j, (part, flag) in enumerate(zip(node.parts, flags)):
            end = node.breaks[j + 1] if j + 1 < len(node.parts) else ranges.INF
            self.top = ranges.frame(0.0, max(0.0, min(outer, end) - node.breaks[j]))[1]  # it sees u − break
            try:
                children.append(self.sched(part, flag))
            finally:
                self.top = outer
        lines = []
        bounds = [_step(b, f) for b, f in zip(node.breaks, flags)]
        for j, child in enumerate(children):
            shifted = "u" if node.breaks[j] == 0 else f"u - {bounds[j]}"
            if j + 1 < len(children):
                lines.append(f"if u < {_step(node.breaks[j + 1], integral)}:")
                lines.append(f"    return {self.em.invoke(child, shifted)}")
            else:
                lines.append(f"return {self.em.invoke(child, shifted)}")
        name = self.em.fresh("phases")
        self.em.define(name, "one phase after another", lines)
        return name

    def _combine(self, node: ir.Combine, integral: bool) -> str:
        known(node.op, ir.Combine, "op")
        calls = [self.em.invoke(self.sched(part, integral), "u") for part in node.parts]
        if node.op in ("min", "max"):
            expr = f"{node.op}({', '.join(calls)})"
        elif node.op == "/":  # a quotient of schedules: IEEE division unless no divisor can be 0
            expr = calls[0]
            for part, call in zip(node.parts[1:], calls[1:], strict=True):
                box = ranges.sched(part, 0.0, self.top)
                if box is not None and not box[0] <= 0.0 <= box[1]:
                    expr = f"{expr} / {call}"
                else:
                    expr = f"{self.helper('div')}({expr}, {call})"
        else:
            expr = f" {BINARY[node.op]} ".join(calls)
        name = self.em.fresh(COMBINED[node.op])
        self.em.define(name, f"pointwise {node.op}", [f"return {expr}"])
        return name

    def _cycles(self, node: ir.Cycles, integral: bool) -> str:
        body, last = self.cycle_body(node, integral)
        name = self.em.fresh(body.lstrip("_").rstrip("0123456789").rstrip("_") + "_cycles")
        lines: list[str] = []
        clock = node.clock  # its rule, ir.CycleClock.since, printed: (u·q − i·p)/q, or u − i·p for q = 1
        if node.mult == 1:
            a, b = clock.p, clock.q
            if b == 1:
                lines += [f"i = min(int(u // {a}), {last})", f"local = u - i * {a}"]
            elif integral:
                lines += [f"i = min(int(u * {b} // {a}), {last})", f"local = (u * {b} - i * {a}) / {b}"]
            else:  # the cycle decided exactly, as the interpreter decides it; the first cycle's time is u itself
                lines += [
                    "n, d = u.as_integer_ratio()",
                    f"i = min(n * {b} // (d * {a}), {last})",
                    f"local = (u * {b} - i * {a}) / {b} if i else u",
                ]
        else:
            lines += self._cycle_index(clock, last, integral)
        value = self.em.invoke(body, "local")
        if node.decay != 1.0:
            value = f"{power(num(node.decay), 'i')} * {value}"
        lines.append(f"return {value}")
        self.em.define(name, _cycles_doc(node), lines)
        return name

    def _unrolled(self, node: ir.Unrolled, integral: bool) -> str:
        """The body once, the pieces as tables: ``i`` is how many pieces ``u`` has reached past the first
        (``bisect`` on their first times), the body's time ``max(u·scale − shift, 0)/stretch`` of piece ``i``
        (its ``mult = 1`` form ``(u·q − i·p)/q``, ``u − i·p`` for a whole period, ``u`` in the first piece)."""
        body = self.sched(node.body, cycles_integral(node, integral))
        name = self.em.fresh(body.lstrip("_").rstrip("0123456789").rstrip("_") + "_cycles")
        if node.count == 1:
            self.em.define(name, _cycles_doc(node), [f"return {self.em.invoke(body, 'u')}"])
            return name
        self.em.imports.add("bisect")
        # u ≥ reach[i] for a whole step u ⟺ u ≥ ⌈reach[i]⌉: whole steps read their first steps
        reach = self.em.constant("restarts", [str(math.ceil(r)) if integral else num(r) for r in node.reach[1:]])
        lines = [f"i = bisect.bisect_right({reach}, u)"]
        shifts = [_step(s, integral) for s in node.shift]
        if node.mult != 1:
            starts, stretches = (
                self.em.constant("starts", shifts),
                self.em.constant("stretches", list(map(num, node.stretch))),
            )
            lines.append(f"local = max(u - {starts}[i], 0.0) / {stretches}[i]")
        elif node.period.denominator == 1:
            lines.append(f"local = u - {self.em.constant('starts', shifts)}[i]")
        else:
            q = node.period.denominator
            shifts = list(map(num, node.shift))  # floats: u·q is rounded once before the subtraction, as the rule
            lines.append(f"local = (u * {q} - {self.em.constant('shifts', shifts)}[i]) / {q} if i else u")
        value = self.em.invoke(body, "local")
        if node.decay != 1.0:
            value = f"{self.em.constant('decays', list(map(num, node.factor)))}[i] * {value}"
        self.em.define(name, _cycles_doc(node), [*lines, f"return {value}"])
        return name

    def _cycle_index(self, clock: ir.CycleClock, last: int, integral: bool) -> list[str]:
        """Lines that set ``i`` (the cycle of ``u``) and ``local`` by the clock's rule (``mult ≠ 1``).

        ``S_i = p·b·(aⁱ − bⁱ) / (q·(a − b)·bⁱ)`` in integers: Python's ``int / int`` rounds
        correctly, as the interpreter's table does.
        """
        p, q, a, b = clock.p, clock.q, clock.a, clock.b
        exact_only = last <= clock.exact
        if integral and b == 1 and exact_only:
            return _whole_mult_index(p, q, a, last)
        a_i, b_i = f"{a}**i", f"{b}**i"
        rise = f"({a_i} - 1)" if b == 1 else f"({a_i} - {b_i})"
        numer = _times(str(p * b), rise)
        denom = _times(str(q * (a - b)), "" if b == 1 else b_i)
        x = "u" if integral else "n"
        reach_exact = f"return {_times(x, denom)} >= {numer}" + ("" if integral else " * d")
        low = [reach_exact] if integral else ["n, d = u.as_integer_ratio()", reach_exact]
        approx = f"{num(clock.P)} * math.expm1(i * {num(clock.L)}) / {num(clock.D)}"
        if exact_only:
            lines = low
        else:
            lines = [
                f"if i > {clock.exact}:",
                f"    s = {approx}",
                f"    if abs(u - s) > {num(ir.TOL)} * (1.0 + i * {num(clock.L)}) * s:",
                "        return u > s",
            ]
            if last * clock.bits > ir.BIG_BITS:
                self.em.imports.add("decimal")
                lines += [
                    f"    if i * {clock.bits} > {ir.BIG_BITS}:",
                    "        with decimal.localcontext(decimal.Context(prec=60)):",
                    f"            m = decimal.Decimal({a}) / {b}",
                    f"            return decimal.Decimal(u) >= decimal.Decimal({p}) / {q} * (m**i - 1) / (m - 1)",
                ]
            lines += low
        reached = self.em.helper("reached", "i, u", "u has reached restart cycle i: u >= S_i, exactly", lines)
        start = numer if denom == "1" else f"{numer} / {denom if denom.isdigit() else f'({denom})'}"
        stretch = a_i if b == 1 else f"({a_i} / {b_i})"
        out = [
            f"i = min(int(math.log1p(u * {num(clock.D / clock.P)}) / {num(clock.L)}), {last})",
            f"while i > 0 and not {reached}(i, u):",
            "    i -= 1",
            f"while i < {last} and {reached}(i + 1, u):",
            "    i += 1",
        ]
        exact_local = f"local = max(u - {start}, 0) / {stretch}"
        if exact_only:
            out.append(exact_local)
        else:
            out += [
                f"if i <= {clock.exact}:",
                f"    {exact_local}",
                "else:",
                f"    local = max(u - {approx}, 0.0) / math.exp(i * {num(clock.L)})",
            ]
        return out

    def _quantize(self, node: ir.Quantize, integral: bool) -> str:
        keep = quantize_integral(node, integral)
        outer = self.top
        if node.at_end:  # the body sees the end of u's interval
            self.top = ranges.frame(0.0, min(node.hi, outer + node.q))[1]
        try:
            body = self.sched(node.body, keep)
        finally:
            self.top = outer
        q = str(int(node.q)) if keep else num(node.q)
        k = f"(u // {q})"  # integer division of whole steps; numpy's floor_divide otherwise
        at = f"min(({k} + 1) * {q}, {_step(node.hi, keep)})" if node.at_end else f"{k} * {q}"
        if not whole(node.q):  # ⌊u/q⌋ as ⌊u·d/n⌋, and k·q as the int k·n over d, rounded once (LANGUAGE.md §9.4)
            n, d = node.q.numerator, node.q.denominator
            k = f"int(u * {d} // {n})"
            at = f"min(({k} + 1) * {n} / {d}, {_step(node.hi, keep)})" if node.at_end else f"{k} * {n} / {d}"
        name = self.em.fresh("quantized")
        self.em.define(name, f"constant over intervals of {q} steps", [f"return {self.em.invoke(body, at)}"])
        return name

    def _offset(self, node: ir.Offset, integral: bool) -> str:
        keep = integral and whole(node.n) and whole(node.hi)
        outer = self.top  # the body sees min(u, hi) + n
        self.top = ranges.frame(0.0, max(0.0, min(outer, node.hi) + node.n))[1]
        try:
            body = self.sched(node.body, keep)
        finally:
            self.top = outer
        at = f"min(u, {_step(node.hi, keep)}) + {_step(node.n, keep)}"
        name = self.em.fresh("offset")
        self.em.define(name, f"its clock {num(node.n)} steps ahead", [f"return {self.em.invoke(body, at)}"])
        return name

    def _recur(self, node: ir.Recur, integral: bool) -> str:
        every = str(int(node.every)) if integral and whole(node.every) else num(node.every)
        k = f"int(min(u, {_step(node.hi, integral)}) // {every})"
        if not whole(node.every):  # ⌊x/e⌋ as ⌊x·q/p⌋ (LANGUAGE.md §9.4)
            k = f"int(min(u, {_step(node.hi, integral)}) * {node.every.denominator} // {node.every.numerator})"
        name = self.em.fresh("recur")
        if not mentions_params(node.expr):
            values = self.recur_values(node)
            self.em.define(name, "the value of interval k, from a table built on the first call", [
                f"return {values}()[{k} + 1]"
            ])  # fmt: skip
            return name
        # With parameters the table depends on them: iterate on each call.
        self.em.start()
        update = bare(self.arith(node.expr, integral))
        hoisted, self.em.body = self.em.body, []
        lines = [
            f"lr = {num(node.init)}",
            f"for _ in range({k} + 1):",
            *("    " + h for h in hoisted),
            f"    lr = {update}",
            "return lr",
        ]
        self.em.define(name, "the previous value, updated once per interval", lines)
        return name

    def recur_values(self, node: ir.Recur) -> str:
        """A cached module function listing ``init`` and the value of every interval of ``node``."""
        self.em.start()
        update = bare(self.arith(node.expr, False))
        hoisted, self.em.body = self.em.body, []
        self.em.imports.add("functools")
        lines = [
            f"values = [{num(node.init)}]",
            f"for _ in range({ir.recur_intervals(node)}):",
            *(["    lr = values[-1]"] if re.search(r"\blr\b", " ".join([update, *hoisted])) else []),
            *("    " + h for h in hoisted),
            f"    values.append({update})",
            "return values",
        ]
        name = self.em.helper("recur_values", "", "init, then expr applied once per interval", lines)
        index = self.em.defs[-1].index(f"def {name}")
        self.em.defs[-1] = self.em.defs[-1][:index] + "@functools.cache\n" + self.em.defs[-1][index:]
        return name


def mentions_params(e: ir.Arith) -> bool:
    """``e`` reads a ``$parameter``."""
    return any(isinstance(n, ir.Param) for n in ir.nodes(e))


def _cycles_doc(node: ir.Cycles | ir.Unrolled) -> str:
    return (
        f"{node.count} cycle(s): first {float(node.period):g} steps, each x{float(node.mult):g} longer,"
        f" values x{node.decay:g}"
    )


def _whole_mult_index(p: int, q: int, m: int, last: int) -> list[str]:
    """``i`` and ``local`` for a whole step ``u`` and a whole ``mult = m``, in integers.

    ``S_i = p·(mⁱ − 1) / (q·(m − 1)) ≤ u`` exactly when ``mⁱ ≤ n = ⌊u·q·(m − 1)/p⌋ + 1``, so the
    cycle is the integer logarithm of ``n`` (its bit length for ``m = 2``).
    """
    scale = q * (m - 1)
    n = f"u * {scale} // {p} + 1" if scale != 1 else f"u // {p} + 1"
    if p == 1:
        n = f"u * {scale} + 1" if scale != 1 else "u + 1"
    if m == 2:
        lines = [f"n = {n}", f"i = min(n.bit_length() - 1, {last})"]
    else:
        lines = [
            f"n = {n}",
            f"i = min(int(math.log(n, {m})), {last})",
            f"while i > 0 and {m}**i > n:",
            "    i -= 1",
            f"while i < {last} and {m}**(i + 1) <= n:",
            "    i += 1",
        ]
    start = _times(str(p), f"({m}**i - 1)")
    start = start if scale == 1 else f"{start} / {scale}"
    return [*lines, f"local = (u - {start}) / {m}**i"]


def _times(*factors: str) -> str:
    """The product of ``factors``, leaving out empty ones and ones (``"1"`` when none is left)."""
    kept = [f for f in factors if f and f != "1"]
    return " * ".join(kept) if kept else "1"


def _times_q(x: str, c: Fraction) -> str:
    """``x·q`` for the denominator ``q`` of ``c`` (``x`` itself when ``q = 1``)."""
    return x if c.denominator == 1 else f"{x} * {c.denominator}"


def _step(x: float, integral: bool) -> str:
    return str(int(x)) if integral and whole(x) else num(x)


__all__ = ["ScalarPrinter"]
