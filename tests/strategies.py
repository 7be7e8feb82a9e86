"""Hypothesis strategies: random valid schedules drawn from the whole language."""

from __future__ import annotations

from hypothesis import strategies as st

_pos = st.sampled_from(
    ["0.1", "1e-3", "0.5", "3e-4", "1", "2.5", "0.05", "0.1 * cos(pi / 12)", "sqrt(2) / 10", "2k / 1e4"]
)
"""Positive constants, with math functions and ``pi`` (LANGUAGE.md §8.3) and a suffixed number."""
_dur = st.sampled_from(
    ["", ", 100", ", 37", ", 2ep", ", 25%", ", 1000", ", 2ep - 13", ", 90% - 1ep", ", 2 * 50", ", 0.1k"]
)
"""Durations: steps, epochs, percentages, duration arithmetic and a suffix (LANGUAGE.md §8.4)."""
_offset = st.sampled_from(["0", "3", "0.75", "0.5ep", "2 * 5", "1ep - 15", "-1", "-3", "-0.5", "-1ep"])
"""Offsets (LANGUAGE.md §8.1), fractional ones too, shorter than most explicit durations above; negative
ones are late clocks (§9.1)."""
_inclusive = st.sampled_from(["", ", inclusive=true"])
"""A ramp that reaches its end value on its last step (LANGUAGE.md §9.2), or not."""


@st.composite
def phase(draw: st.DrawFn) -> str:
    """One shape or composite with random arguments."""
    a, b = draw(_pos), draw(_pos)
    d = draw(_dur)
    kind = draw(
        st.sampled_from(
            [
                "const",
                "linear",
                "cosine",
                "exp",
                "poly",
                "pow",
                "step",
                "multistep",
                "exp_decay",
                "inverse_time",
                "rsqrt",
                "fn",
                "onecycle",
                "cyclic",
                "num",
                "recur",
                "wsd",
                "sqrt",
                "log",
                "piecewise",
                "tanh",
                "units",
            ]
        )
    )
    return {
        "const": f"const({a}{d})",
        "linear": f"linear({a}→{b}{d}{draw(_inclusive)})",
        "cosine": f"cosine({a}→{b}{d}{draw(_inclusive)})",
        "exp": f"exp({a}→{b}{d}{draw(_inclusive)})",
        "poly": f"poly({a}→{b}{d}, power={draw(st.sampled_from(['1', '2', '0.5']))}{draw(_inclusive)})",
        "pow": f"pow({a}→{b}{d}, power={draw(st.sampled_from(['2', '3', '1.5']))}{draw(_inclusive)})",
        "step": f"step({a}{d}, gamma=0.5, every={draw(st.sampled_from(['7', '1ep', '100', '2.5', '12.4']))})",
        "multistep": f"multistep({a}{d}, at=[10, 20ep])",
        "exp_decay": f"exp_decay({a}{d}, rate=0.9, every=13, staircase={draw(st.sampled_from(['true', 'false']))})",
        "inverse_time": f"inverse_time({a}{d}, decay=0.5, every=10)",
        "rsqrt": f"rsqrt({a}{d}, warmup=50)",
        "fn": f"fn({a} * (1 + cos(pi * p)) / 2 + 1e-6 * u / (1 + t){d})",
        "onecycle": f"onecycle({a}, 200, three_phase={draw(st.sampled_from(['true', 'false']))})",
        "cyclic": f"cyclic({a}→{b}{d}, half=25, mode={draw(st.sampled_from(['triangular', 'triangular2']))})",
        "recur": f"recur(lr * 0.9 + 1e-4{d}, every=9, from={a})",
        "wsd": f"wsd({a}, 300, warmup=50, decay=100{draw(_wsd_shape)})",
        "sqrt": f"sqrt({a}→{b}{d})",
        "log": f"log({a}→{b}{d})",
        "piecewise": f"piecewise([{a}, {b}, {a} / 10]{d}, at=[{draw(_marks)}])",
        # 1 − tanh/2 ≥ 1/2: no cancellation, so float32 targets stay within F32 of the interpreter
        "tanh": f"fn({a} * (1 - tanh(u / 50) / 2){d})",
        "units": f"const({a}, {draw(st.sampled_from(['64sa', '4ktok']))})",
        "num": a,
    }[kind]


_wsd_shape = st.sampled_from(["", ", to=1e-4, shape=linear", ", shape=cosine", ", shape=sqrt", ", to=1e-4, shape=exp"])
_marks = st.sampled_from(["10, 20ep", "25%, 50%", "7, 7", "1ep - 5, 2 * 1ep"])


@st.composite
def schedule(draw: st.DrawFn, depth: int = 0) -> str:
    """A schedule: phases combined by sequences, arithmetic, modifiers, min/max and warm-ups."""
    if depth >= 2:
        return draw(phase())
    form = draw(st.sampled_from(["phase", "seq", "sum", "restart", "quantize", "minmax", "warmup", "offset"]))

    def sub() -> str:
        return draw(schedule(depth + 1))

    if form == "seq":
        return f"{sub()} >> {sub()}"
    if form == "sum":
        return f"({sub()}) {draw(st.sampled_from(['+', '*']))} ({sub()})"
    if form == "restart":
        opts = draw(
            st.sampled_from(
                ["", "mult=2", "mult=1.5, cycles=4", "decay=0.5", "period=50", "period=30, mult=2", "cycles=7"]
            )
        )
        body = draw(phase())
        return f"({body}) * restart({opts})"
    if form == "quantize":
        q = draw(st.sampled_from(["10", "1ep", "7", "2.5"]))
        return f"({sub()}) * quantize({q}, at={draw(st.sampled_from(['start', 'end']))})"
    if form == "minmax":
        return f"{draw(st.sampled_from(['min', 'max']))}({sub()}, {sub()})"
    if form == "warmup":
        shape = draw(st.sampled_from(["linear", "cosine", "poly", "sqrt", "log", "pow, power=3"]))
        shape = shape.replace(",", ", 50,") if "," in shape else f"{shape}, 50"
        return f"warmup({shape}{draw(_inclusive)}) >> {draw(phase())}"
    if form == "offset":
        return f"({draw(phase())}) * offset({draw(_offset)})"
    return draw(phase())
