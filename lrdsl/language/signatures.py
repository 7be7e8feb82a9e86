"""Every callable name of the language and its parameters: the one table the
parser validates against, the formatter prints from, and lowering reads.

Parameter kinds: ``value`` (constant arithmetic), ``range`` (``a→b``), ``dur``
(duration), ``shape`` (a warm-up shape name), ``enum`` (one of ``choices``),
``bool``, ``formula`` (arithmetic over ``vars``), ``durs`` (list of durations),
``count`` (a positive whole number), ``sched`` (a schedule, repeated), ``values`` (list of constants).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from lrdsl.ir import MATH_FUNCTIONS

Kind = Literal["value", "range", "dur", "shape", "enum", "bool", "formula", "durs", "count", "sched", "values"]
Role = Literal["shape", "modifier", "combinator", "composite"]


@dataclass(frozen=True)
class P:
    """One parameter: name, kind, whether it may be given positionally, default text."""

    name: str
    kind: Kind
    positional: bool = False
    required: bool = False
    choices: tuple[str, ...] = ()
    vars: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sig:
    """A callable's signature and role."""

    name: str
    role: Role
    params: tuple[P, ...] = field(default_factory=tuple)
    variadic: bool = False

    def param(self, name: str) -> P | None:
        """The parameter called ``name``."""
        return next((p for p in self.params if p.name == name), None)


def _dur(required: bool = False) -> P:
    return P("dur", "dur", positional=True, required=required)


RANGE = P("range", "range", positional=True, required=True)
INCLUSIVE = P("inclusive", "bool")
"""``inclusive=true``: the ramp's last step takes its end value (LANGUAGE.md §9.2)."""
SHAPES = ("linear", "cosine", "exp", "poly", "sqrt", "log", "pow")
"""The shapes of ``warmup`` (LANGUAGE.md §3, §8.2, §9.3)."""
RAMPS = ("linear", "cosine", "exp", "poly", "pow", "sqrt", "log")
"""The ramp shapes that take ``inclusive=`` (LANGUAGE.md §9.2), besides ``warmup``."""
DECAYS = ("linear", "cosine", "sqrt", "exp")
"""The decay shapes of ``wsd`` (LANGUAGE.md §8.2)."""
FORMULA_VARS = ("t", "u", "p", "e", "pi")
RECUR_VARS = ("lr", "pi")
MATH_FUNCS: dict[str, int] = {**dict.fromkeys(MATH_FUNCTIONS, 1), "min": 2, "max": 2}
"""Each math function's number of arguments: the IR's functions of one argument, and min/max."""

SIGNATURES: dict[str, Sig] = {
    s.name: s
    for s in [
        Sig("const", "shape", (P("value", "value", True, True), _dur())),
        Sig("hold", "shape", (_dur(),)),
        Sig("linear", "shape", (RANGE, _dur(), INCLUSIVE)),
        Sig("cosine", "shape", (RANGE, _dur(), INCLUSIVE)),
        Sig("exp", "shape", (RANGE, _dur(), INCLUSIVE)),
        Sig("poly", "shape", (RANGE, _dur(), P("power", "value"), P("cycle", "bool"), INCLUSIVE)),
        Sig("pow", "shape", (RANGE, _dur(), P("power", "value"), INCLUSIVE)),
        Sig("sqrt", "shape", (RANGE, _dur(), INCLUSIVE)),
        Sig("log", "shape", (RANGE, _dur(), INCLUSIVE)),
        Sig("piecewise", "shape", (P("values", "values", True, True), _dur(), P("at", "durs", required=True))),
        Sig("step", "shape", (P("value", "value", True, True), _dur(), P("gamma", "value"),
                              P("every", "dur", required=True))),
        Sig("multistep", "shape", (P("value", "value", True, True), _dur(), P("gamma", "value"),
                                   P("at", "durs", required=True))),
        Sig("exp_decay", "shape", (P("value", "value", True, True), _dur(),
                                   P("rate", "value", required=True), P("every", "dur"),
                                   P("staircase", "bool"))),
        Sig("inverse_time", "shape", (P("value", "value", True, True), _dur(),
                                      P("decay", "value", required=True), P("every", "dur"),
                                      P("staircase", "bool"))),
        Sig("rsqrt", "shape", (P("value", "value", True, True), _dur(),
                               P("warmup", "dur", required=True))),
        Sig("fn", "shape", (P("expr", "formula", True, True, vars=FORMULA_VARS), _dur())),
        Sig("recur", "shape", (P("expr", "formula", True, True, vars=RECUR_VARS), _dur(),
                               P("every", "dur"), P("from", "value"))),
        Sig("warmup", "shape", (P("shape", "shape", True, True, choices=SHAPES), _dur(True),
                                P("from", "value"), P("power", "value"), INCLUSIVE)),
        Sig("restart", "modifier", (P("period", "dur"), P("mult", "value"), P("decay", "value"),
                                    P("cycles", "count"))),
        Sig("repeat", "modifier", (P("n", "count", True, True),)),
        Sig("offset", "modifier", (P("n", "dur", True, True),)),
        Sig("quantize", "modifier", (P("q", "dur", True, True),
                                     P("at", "enum", choices=("start", "end")))),
        Sig("min", "combinator", (P("parts", "sched", True, True),), variadic=True),
        Sig("max", "combinator", (P("parts", "sched", True, True),), variadic=True),
        Sig("onecycle", "composite", (P("max", "value", True, True), _dur(), P("pct", "value"),
                                      P("div", "value"), P("final_div", "value"),
                                      P("anneal", "enum", choices=("cosine", "linear")),
                                      P("three_phase", "bool"))),
        Sig("cyclic", "composite", (RANGE, _dur(), P("half", "dur", required=True),
                                    P("mode", "enum",
                                      choices=("triangular", "triangular2", "exp_range")),
                                    P("gamma", "value"))),
        Sig("wsd", "composite", (P("peak", "value", True, True), _dur(),
                                 P("warmup", "dur", required=True),
                                 P("decay", "dur", required=True), P("to", "value"),
                                 P("shape", "enum", choices=DECAYS))),
    ]
}  # fmt: skip

DEFAULTS: dict[tuple[str, str], float | bool | str] = {
    ("poly", "power"): 2.0, ("poly", "cycle"): False, ("pow", "power"): 2.0, ("warmup", "power"): 2.0,
    **{(name, "inclusive"): False for name in (*RAMPS, "warmup")},
    ("step", "gamma"): 0.1, ("multistep", "gamma"): 0.1,
    ("exp_decay", "every"): 1.0, ("exp_decay", "staircase"): False,
    ("inverse_time", "every"): 1.0, ("inverse_time", "staircase"): False,
    ("recur", "every"): 1.0, ("warmup", "from"): 0.0,
    ("restart", "mult"): 1.0, ("restart", "decay"): 1.0,
    ("quantize", "at"): "start",
    ("onecycle", "pct"): 0.3, ("onecycle", "div"): 25.0, ("onecycle", "final_div"): 1e4,
    ("onecycle", "anneal"): "cosine", ("onecycle", "three_phase"): False,
    ("cyclic", "mode"): "triangular", ("cyclic", "gamma"): 1.0,
    ("wsd", "to"): 0.0, ("wsd", "shape"): "linear",
}  # fmt: skip
"""Defaults of optional parameters (documented in docs/language.md)."""


def known_names() -> str:
    """Every name a schedule can call, by role (the hint for an unknown name)."""
    by_role: dict[str, list[str]] = {}
    for name, sig in SIGNATURES.items():
        by_role.setdefault(sig.role, []).append(name)
    return (
        f"shapes: {', '.join(by_role['shape'])}; composites: {', '.join(by_role['composite'])}; "
        f"combinators: {', '.join(by_role['combinator'])}; modifiers (after '*'): {', '.join(by_role['modifier'])}"
    )
