"""The playground's JSON API: one function per endpoint, a request's JSON object in, a JSON object out.

Every field is checked here before anything reads it (types, sizes, the language's own limits),
so a bad request is an :class:`~lrdsl.errors.LrdslError`, which the server answers with HTTP 400
and ``{"error": {"message", "line", "column", "hint", "text"}}``. Work is bounded by counts:
a drawn curve has at most :data:`MAX_POINTS` buckets (:mod:`lrdsl.serve.curve`), a fit has
:data:`FIT_BUDGET` CPU seconds and at most :data:`MAX_VALUES` values, texts at most
:data:`MAX_TEXT` characters.

``POST /api/evaluate``  ``{"expr", "total_steps", "steps_per_epoch", "tokens_per_step", "params",
"points", "member", "start", "stop"}`` → ``{"text", "total", "members": {name: {"steps", "values", "exact", "note"}},
"steps", "values", "phases", "warnings"}`` (``steps``/``values``: the first member, or ``member``)

``POST /api/generate`` ``{"expr", "target", run…}`` → ``{"code"}``

``POST /api/fit``      ``{"values"}`` or ``{"steps", "values"}`` or ``{"file", "name"}`` (a curve
file's bytes in base64: ``.csv``, ``.npy``, ``trainer_state.json``) → ``{"expr", "exact", "max_error", "precision", "note",
"curve": {"steps", "values"}}`` (the curve given, drawn as ``evaluate`` draws one)

``POST /api/compare``  ``{"a", "b", run…}`` → ``{"equal", "first_step", "differing_steps",
"max_abs", "difference", "suggestion"}``

``POST /api/import``   ``{"framework", "code", "total_steps", "steps_per_epoch"}`` → ``{"expr"}``
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from lrdsl.errors import LrdslError

MAX_TEXT = 20_000
"""Characters of an expression, a pasted call or a curve file's name."""
MAX_FILE = 4_000_000
"""Characters of a dropped curve file."""
MAX_VALUES = 1_000_000
"""Values of a curve sent to ``fit``."""
MAX_POINTS = 4_000
"""Buckets of a drawn curve (a page is a few thousand pixels wide)."""
DEFAULT_POINTS = 1_000
CURVE_SUFFIXES = (".csv", ".tsv", ".txt", ".json", ".npy")
"""The curve files the page takes: a table with a step column, a JSON list, ``trainer_state.json``, numpy's ``.npy``."""
FIT_BUDGET = 10.0
"""CPU seconds a fit may take before it answers with the closest expression found."""
MAX_PHASES = 200
"""Rows of the phase table sent (a multistep with 10,000 milestones is summarised)."""

Json = dict[str, Any]


def _text(request: Json, key: str, *, required: bool = True, limit: int = MAX_TEXT) -> str | None:
    value = request.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise LrdslError(f"{key!r} must be a string", hint=f'send {{"{key}": "…"}}')
    if len(value) > limit:
        raise LrdslError(f"{key!r} is {len(value):,} characters; at most {limit:,}")
    return value


def _number(request: Json, key: str) -> float | None:
    value = request.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise LrdslError(f"{key!r} must be a finite number", hint=f"got {str(value)[:40]!r}")
    return float(value)


def _total(request: Json) -> int | str | None:
    value = request.get("total_steps")
    if value is None or value == "":
        return None
    if isinstance(value, str):  # a duration: "90ep", "300Btok", "100k"
        if len(value) > 40:
            raise LrdslError("'total_steps' is too long", hint='a whole number or a duration such as "90ep"')
        return value.strip()
    number = _number(request, "total_steps")
    assert number is not None
    if number != int(number):
        raise LrdslError("'total_steps' must be a whole number", hint=f"got {number!r}")
    return int(number)


def _params(request: Json) -> dict[str, float] | None:
    value = request.get("params")
    if value is None or value == {}:
        return None
    if not isinstance(value, dict) or len(value) > 64:
        raise LrdslError("'params' must be an object of at most 64 names and numbers", hint='{"peak": 0.1}')
    out: dict[str, float] = {}
    for name in value:
        if not isinstance(name, str) or len(name) > 64:
            raise LrdslError("a parameter's name must be a string of at most 64 characters")
        got = _number(value, name)
        if got is None:
            raise LrdslError(f"parameter {name!r} has no value")
        out[name] = got
    return out


def _run(request: Json) -> Json:
    """The run's arguments as :func:`lrdsl.evaluate` takes them, each checked."""
    return {
        "total_steps": _total(request),
        "steps_per_epoch": _number(request, "steps_per_epoch"),
        "params": _params(request),
        "tokens_per_step": _number(request, "tokens_per_step"),
        "samples_per_step": _number(request, "samples_per_step"),
    }


def _points(request: Json) -> int:
    value = request.get("points", DEFAULT_POINTS)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_POINTS:
        raise LrdslError(f"'points' must be a whole number from 1 to {MAX_POINTS}", hint=f"got {str(value)[:40]!r}")
    return value


def _window(request: Json, total: int) -> tuple[int, int]:
    """The steps ``[start, stop)`` drawn: the whole run unless the request zooms in (``start``, ``stop``)."""
    start = _number(request, "start")
    stop = _number(request, "stop")
    a = 0 if start is None else int(start)
    b = max(total, 1) if stop is None else int(stop)
    if not 0 <= a < b <= max(total, 1) or (start is not None and start != a) or (stop is not None and stop != b):
        raise LrdslError(f"'start' and 'stop' must be whole steps with 0 ≤ start < stop ≤ {max(total, 1):,}")
    return a, b


def _finite(x: float) -> float | None:
    """JSON has no infinity or NaN (the interpreter refuses them; a box bound could be infinite)."""
    return x if math.isfinite(x) else None


def evaluate(request: Json) -> Json:
    """The drawn curve of each member, the phase table, the warnings, the canonical text."""
    from lrdsl.api import lower
    from lrdsl.language.parser import parse_set
    from lrdsl.run.args import RunArgs
    from lrdsl.run.sets import lower_set
    from lrdsl.serve.curve import curve
    from lrdsl.tools.explain import phases
    from lrdsl.tools.set_lint import lint

    expr = _text(request, "expr")
    assert expr is not None
    member = _text(request, "member", required=False, limit=64)
    run, points = _run(request), _points(request)
    schedules = parse_set(expr)
    names = list(schedules.names)
    if member is not None and member not in names:
        raise LrdslError(f"no member {member!r}", hint="the members: " + ", ".join(names))
    shown = [member] if member else names
    plans = {"lr": lower(expr, **run)} if names == ["lr"] else dict(lower_set(schedules, RunArgs.of(run)))
    total = max(plans[name].total for name in shown)
    start, stop = _window(request, total)
    members: Json = {}
    for name in shown:
        drawn = curve(plans[name].ir, start, stop, points)
        steps, values = drawn.polyline()
        members[name] = {
            "steps": steps,
            "values": [_finite(v) for v in values],
            "exact": drawn.exact,
            "note": drawn.note,
        }
    first = shown[0]
    plan = plans[first]
    rows = phases(plan.ir, plan.total)
    warnings = lint(expr, **run) if names == ["lr"] else []
    return {
        "text": str(schedules),
        "total": plan.total,
        "start": start,
        "stop": stop,
        "members": members,
        "steps": members[first]["steps"],
        "values": members[first]["values"],
        "phases": [
            {
                "depth": row.depth,
                "start": _finite(row.start),
                "end": _finite(row.end),
                "first": _finite(row.first),
                "last": _finite(row.last),
                "label": row.label,
            }
            for row in rows[:MAX_PHASES]
        ],
        "more_phases": max(0, len(rows) - MAX_PHASES),
        "warnings": [
            {"message": d.message, "code": d.code, "line": d.line, "column": d.column, "hint": d.hint, "text": str(d)}
            for d in warnings
        ],
    }


def generate(request: Json) -> Json:
    """The standalone code of ``expr`` for ``target``."""
    from lrdsl.api import generate as gen
    from lrdsl.codegen import TARGETS

    expr = _text(request, "expr")
    target = _text(request, "target", limit=32)
    assert expr is not None and target is not None
    if target not in TARGETS:
        raise LrdslError(f"unknown target {target!r}", hint="one of: " + ", ".join(TARGETS))
    from lrdsl.language.parser import parse_set

    run = _run(request)
    member = _text(request, "member", required=False, limit=64)
    schedules = parse_set(expr)
    if member is None and schedules.names != ("lr",):
        raise LrdslError(
            "a set's code is generated one member at a time", hint="send 'member': one of " + ", ".join(schedules.names)
        )
    return {"code": gen(schedules.member(member or "lr"), target, **run)}


def _curve_values(request: Json) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any] | None]:
    """The values (and the steps, when the curve gives only some) of a fit request."""
    if "file" in request:
        got = _dropped(request)
        if got.dense:
            return np.asarray(got.values, dtype=np.float64), None
        return np.asarray(got.values, dtype=np.float64), np.asarray(got.steps, dtype=np.int64)
    values = request.get("values")
    if not isinstance(values, list) or not 1 <= len(values) <= MAX_VALUES:
        raise LrdslError(f"'values' must be a list of 1 to {MAX_VALUES:,} numbers")
    y = np.asarray([_number({"v": v}, "v") for v in values], dtype=np.float64)
    steps = request.get("steps")
    if steps is None:
        return y, None
    if not isinstance(steps, list) or len(steps) != len(values):
        raise LrdslError("'steps' must be a list as long as 'values'")
    at = [_number({"s": s}, "s") for s in steps]
    if any(s is None or s < 0 or s != int(s) for s in at):
        raise LrdslError("'steps' must be whole numbers, not negative")
    return y, np.asarray(at, dtype=np.int64)


def _dropped(request: Json) -> Any:
    """The curve of a dropped file: ``file`` is its bytes in base64, ``name`` its name (the suffix tells the format)."""
    import base64
    import binascii
    import tempfile
    from pathlib import Path

    from lrdsl.logs import read_curve

    data = _text(request, "file", limit=MAX_FILE)
    name = _text(request, "name", required=False, limit=200) or "curve.csv"
    assert data is not None
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise LrdslError("'file' must be the file's bytes in base64") from None
    suffix = Path(name).suffix.lower()
    if suffix not in CURVE_SUFFIXES:
        raise LrdslError(f"a curve file is one of {', '.join(CURVE_SUFFIXES)}", hint=f"got {name[:60]!r}")
    # the reader decides by the name: trainer_state.json keeps its name, any other file is curve<suffix>
    stem = "trainer_state" if Path(name).name == "trainer_state.json" else "curve"
    with tempfile.TemporaryDirectory(prefix="lrdsl-serve-") as tmp:
        path = Path(tmp) / f"{stem}{suffix}"
        path.write_bytes(raw)
        try:
            return read_curve(path)
        except LrdslError as err:  # named as the page named it, not by the temporary file
            shown = Path(name).name[:60]
            raise LrdslError(err.message.replace(str(path), shown), hint=err.hint) from None


def fit(request: Json) -> Json:
    """The expression that reproduces a curve (exactly, or the closest found within the budget)."""
    from lrdsl.fitting import fit_one

    y, steps = _curve_values(request)
    spe = _number(request, "steps_per_epoch")
    if steps is not None and not np.array_equal(steps, np.arange(steps.size)):
        from lrdsl.logs.base import Curve
        from lrdsl.logs.fit import fit_curve

        result = fit_curve(Curve(steps, y, "the dropped curve"), steps_per_epoch=spe, budget=FIT_BUDGET)
    else:
        result = fit_one(y, spe, (None, None), FIT_BUDGET, None)
    note = None if result.exact else f"closest found: off by up to {result.max_error:.3g}"
    if not result.complete:
        note = f"stopped after {FIT_BUDGET:g} s of search; " + (note or "exact")
    from lrdsl.serve.curve import downsample

    at = np.arange(y.size, dtype=np.int64) if steps is None else steps
    drawn_steps, drawn_values = downsample(at, y, DEFAULT_POINTS).polyline()
    return {
        "curve": {"steps": drawn_steps, "values": [_finite(v) for v in drawn_values]},
        "expr": result.expr,
        "exact": result.exact,
        "max_error": _finite(result.max_error),
        "precision": result.precision,
        "note": note,
    }


def compare(request: Json) -> Json:
    """Where two expressions differ, what differs, and the edit of A that makes it B."""
    from lrdsl.tools.comparison import compare_schedules

    a, b = _text(request, "a"), _text(request, "b")
    assert a is not None and b is not None
    run = _run(request)
    if run.pop("params"):
        raise LrdslError("compare takes no params", hint="write the numbers into the expressions")
    result = compare_schedules(
        a, b, run["total_steps"], (run["steps_per_epoch"], run["tokens_per_step"], run["samples_per_step"])
    )
    return {
        "equal": result.equal,
        "first_step": result.first_step,
        "differing_steps": result.differing_steps,
        "max_abs": _finite(result.max_abs),
        "a_value": None if result.a_value is None else _finite(result.a_value),
        "b_value": None if result.b_value is None else _finite(result.b_value),
        "difference": result.difference,
        "suggestion": result.suggestion,
    }


def import_(request: Json) -> Json:
    """A pasted scheduler call (``OneCycleLR(opt, max_lr=0.1, total_steps=1000)``) as an expression."""
    from lrdsl.importers import FRAMEWORKS, import_spec

    framework = _text(request, "framework", limit=32)
    code = _text(request, "code", limit=MAX_TEXT)
    assert framework is not None and code is not None
    if framework not in FRAMEWORKS:
        raise LrdslError(f"unknown framework {framework!r}", hint="one of: " + ", ".join(FRAMEWORKS))
    from lrdsl.importers.spec import is_config

    if is_config(code):  # a file's name: the server reads no file a page names
        raise LrdslError("the playground imports a call's text, not a file", hint="paste the call itself")
    total = _total(request)
    expr = import_spec(
        framework,
        code.strip(),
        total_steps=total if isinstance(total, int) else None,
        steps_per_epoch=_number(request, "steps_per_epoch"),
    )
    return {"expr": expr}


ENDPOINTS: Mapping[str, Callable[[Json], Json]] = {
    "evaluate": evaluate,
    "generate": generate,
    "fit": fit,
    "compare": compare,
    "import": import_,
}
"""``POST /api/NAME`` → its handler."""


def error_body(err: LrdslError) -> Json:
    """The JSON of a refused request: the message, where (1-based line and column, or null), the hint."""
    return {
        "error": {
            "message": err.message,
            "line": err.line,
            "column": err.column,
            "hint": err.hint,
            "text": str(err),
        }
    }
