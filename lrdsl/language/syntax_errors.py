"""Syntax errors: the parser's exceptions turned into one :class:`LrdslError` each, with a hint a newcomer can act on.

The parser (:mod:`lrdsl.language.lalr`, lark's tables and exceptions) reports the character or token it could
not take and the tokens it expected. The hints
here read the text around it instead, for the mistakes people make:

* a unit written apart from its number, spelled out or cut short: ``5 ep``, ``5 epochs``, ``5epochs``,
  ``5e`` (write ``5ep``), ``10 %`` (write ``10%``), ``500 steps`` (write ``500``);
* another library's argument name: ``milestones=`` (write ``at=``), ``T_0=`` (``period=``), ``eta_min=``
  (the end of the range), … (:func:`library_argument`, called where a call's arguments are bound);
* language v2's number suffixes and units before v2: ``100k`` (write ``1e5``), ``2Btok``;
* ``>`` for ``>>``, two operands with nothing between them (a missing ``,`` in a call, a
  missing ``>>`` between phases), a bracket left open or closed twice.

Otherwise the hint lists the tokens that could come next, less those the brackets around the
error rule out (lark's LALR tables merge the states of a call's arguments with the top level).
"""

from __future__ import annotations

import re
from typing import Any

from lrdsl.errors import LrdslError, Span

_TOKEN_NAMES = {
    "NUMBER": "a number", "NAME": "a name", "DURATION": "a duration", "PARAM": "a $parameter",
    "LPAR": "'('", "RPAR": "')'", "COMMA": "','", "ARROW": "'→'", "__ANON_0": "'>>'",
    "PLUS": "'+'", "MINUS": "'-'", "STAR": "'*'", "SLASH": "'/'", "__ANON_1": "'**'",
    "LSQB": "'['", "RSQB": "']'", "EQUAL": "'='", "$END": "the end",
}  # fmt: skip
"""How the hint names each token, in the order it lists them."""

_NUMBER_BEFORE = re.compile(r"(?<![A-Za-z0-9_.$])((?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)(ep)?(\s*)$")
"""A number (and the ``ep`` lark already took as its unit) at the end of the text before an error."""
SUFFIXES = {"k": 3, "M": 6, "B": 9, "T": 12}
"""Language v2's number suffixes (LANGUAGE.md §8.4), as powers of ten."""
_EPOCHS = ("ep", "eps", "epoch", "epochs")
_STEPS = ("step", "steps", "it", "its", "iter", "iters", "iteration", "iterations")
_V2_UNITS = ("tok", "toks", "token", "tokens", "sa", "sample", "samples")
_OPERAND_STARTS = ("NAME", "NUMBER", "DURATION", "PARAM", "LPAR", "LSQB")


def syntax_error(exc: Exception, text: str) -> LrdslError:
    """The :class:`LrdslError` for the parser's exception ``exc`` raised while parsing ``text``."""
    from lrdsl.language.lalr import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

    if isinstance(exc, UnexpectedCharacters):
        return _bad_character(text, exc.pos_in_stream or 0)
    if isinstance(exc, UnexpectedToken) and exc.token.type != "$END":
        return _bad_token(text, exc.token, exc.expected)
    if isinstance(exc, (UnexpectedEOF, UnexpectedToken)):
        return _end(text, exc.expected)
    return LrdslError("syntax error", span=Span(0, len(text)))  # pragma: no cover - lark's base class


def _bad_character(text: str, pos: int) -> LrdslError:
    ch = text[pos] if pos < len(text) else ""
    hint = None
    if ch == ">" and text[pos + 1 : pos + 2] != ">":
        hint = "did you mean '>>' (then)?"
    elif ch in "-=<>":
        hint = "ranges are written a→b or a->b"
    elif ch == "$":
        hint = "a parameter is '$' followed by a name, e.g. $peak"
    elif ch.isdigit() or ch.isnumeric():
        hint = "numbers are written with the digits 0-9"
    elif ch == "%":
        m = _NUMBER_BEFORE.search(text, 0, pos)
        if m is not None and not m[2]:
            hint = f"write {m[1]}% with no space for {m[1]} percent"
    elif ch in "\"'“”‘’":
        hint = "a schedule has no quotes: write names as they are, e.g. warmup(linear, 5ep)"
    return LrdslError(f"unexpected character {ch!r}", span=Span(pos, pos + 1), hint=hint)


def _bad_token(text: str, tok: Any, expected: Any) -> LrdslError:
    start = tok.start_pos or 0
    value = str(tok.value)
    if tok.type == "NAME":
        early = _name_error(text, start, value)
        if early is not None:
            return early
    span = Span(start, start + max(1, len(value)))
    stack = _open_brackets(text, start)
    hint = _token_hint(text, tok, start, stack)
    return LrdslError(f"unexpected {value!r}", span=span, hint=hint if hint is not None else _expected(expected, stack))


def _name_error(text: str, start: int, value: str) -> LrdslError | None:
    """A name where none goes: digits grouped with ``_`` (``1_000``), or a unit written apart from its number."""
    if value.startswith("_") and text[start - 1 : start].isdigit():
        return LrdslError(
            f"unexpected {value!r}",
            span=Span(start, start + 1),
            hint="digits are not grouped with '_': write 1000 or 1e3",
        )
    return _unit_error(text, start, value)


def _token_hint(text: str, tok: Any, start: int, stack: list[tuple[str, int]]) -> str | None:
    """The hint for an unexpected token when the mistake is a known one, else ``None``."""
    value = str(tok.value)
    if tok.type in ("RPAR", "RSQB") and not any(b == {"RPAR": "(", "RSQB": "["}[tok.type] for b, _ in stack):
        return f"this {value!r} closes nothing: remove it"
    member = _member_hint(text, tok, start, stack)
    if member is not None:
        return member
    in_call = bool(stack) and stack[-1][0] == "(" and _ends_with_name(text[: stack[-1][1]])
    before = text[:start].rstrip()
    if tok.type == "ARROW" and not in_call:
        after = text[start + len(value) :].lstrip()
        if before.endswith(")") and after[:1].isalpha():  # phase -> phase
            return "did you mean '>>' (then)?"
        return "a range goes inside a call, e.g. linear(0→0.1, 500)"
    if tok.type == "NAME" and value == "to" and in_call:
        return "ranges are written a→b or a->b"
    if tok.type in _OPERAND_STARTS and before and (before[-1].isalnum() or before[-1] in "_)]%"):
        return _missing_separator(stack)
    return None


def _missing_separator(stack: list[tuple[str, int]]) -> str:
    """Two operands side by side: the ``>>``, or the ``,`` of the innermost bracket, that is missing."""
    if not stack:
        return "missing '>>' between two phases?"
    return "missing ',' between two arguments?" if stack[-1][0] == "(" else "missing ',' between two items?"


_SET_START = re.compile(r"(?:\s|#[^\n]*)*[A-Za-z_][A-Za-z_0-9.]*(?:\[[0-9]\])?\s*:")
"""A text that begins with a member's name: a schedule set (LANGUAGE.md §9.5)."""
_NAME_REST = re.compile(r"(?:\.[A-Za-z_][A-Za-z_0-9]*)*(?:\[[0-9]\])?\s*:")
"""After a name: the rest of a member's name and its ':'."""
_NAME_BEFORE = re.compile(r"(?<![A-Za-z0-9_.$])([A-Za-z_][A-Za-z_0-9.]*)\s*$")


def _member_hint(text: str, tok: Any, start: int, stack: list[tuple[str, int]]) -> str | None:
    """The hint for the mistakes of a schedule set: an unnamed first schedule, a bracket left open before
    the next member, a member's ':' left out, members separated by ','."""
    from lrdsl.language.signatures import SIGNATURES

    value = str(tok.value)
    is_set = _SET_START.match(text) is not None
    if tok.type == "NAME" and _NAME_REST.match(text, start + len(value)):  # a member where the schedule goes on
        if stack:
            bracket, pos = stack[-1]
            line = text.count("\n", 0, pos) + 1
            column = pos - (text.rfind("\n", 0, pos) + 1) + 1
            return f"close the '{bracket}' opened at {line}:{column} before the next member"
        return None if is_set else "in a set every schedule is named: write lr: before the first one"
    if not is_set or stack:
        return None
    if tok.type == "COMMA":
        return "members are separated by spaces or new lines, not ','"
    if tok.type == "COLON":
        return "a member (NAME: EXPR) starts after a whole schedule, not after an operator"
    before = _NAME_BEFORE.search(text, 0, start)
    if tok.type in _OPERAND_STARTS and before is not None and before[1] not in SIGNATURES:
        return f"missing ':' after the member name '{before[1]}'?"
    return None


def _end(text: str, expected: Any) -> LrdslError:
    stack = _open_brackets(text, len(text))
    at = Span(len(text), len(text))
    if stack and not text.rstrip().endswith((",", "(", "[", "→", "->", ">>", "+", "-", "*", "/", "=")):
        bracket, pos = stack[-1]
        line = text.count("\n", 0, pos) + 1
        column = pos - (text.rfind("\n", 0, pos) + 1) + 1
        closing = ")" if bracket == "(" else "]"
        return LrdslError(
            "unexpected end of input", span=at, hint=f"close the '{bracket}' opened at {line}:{column} with '{closing}'"
        )
    return LrdslError("unexpected end of input", span=at, hint=_expected(expected, stack))


def _unit_error(text: str, start: int, word: str) -> LrdslError | None:
    """``5 epochs``, ``5epochs``, ``100k``, …: the name ``word`` at ``start`` right after a number."""
    m = _NUMBER_BEFORE.search(text, 0, start)
    if m is None:
        return None
    number, lexed, space = m[1], m[2] or "", m[3]
    if lexed and space:
        return None
    written = lexed + word  # '5epochs' reaches here as the duration '5ep' and the name 'ochs'
    span = Span(m.start(2) if lexed else start, start + len(word))
    message = f"unexpected {written!r}"
    if written in ("e", "E") and not space and "e" not in number.lower():  # '5e': an exponent or 'ep' cut short
        return LrdslError(
            message, span=span, hint=f"write {number}ep for {number} epochs, or {number}e3 for a power of ten"
        )
    known = (*_EPOCHS, *_STEPS, *_V2_UNITS)
    suffix, unit = "", written
    if written.lower() not in known and written[0] in SUFFIXES and not space:
        suffix, unit = written[0], written[1:]
    if unit.lower() in _EPOCHS:
        hint = f"write {number}ep for {number} epochs"
        if suffix:
            hint = f"the suffix '{suffix}' comes with language v2: write {scaled(number, suffix)}ep"
        return LrdslError(message, span=span, hint=hint)
    if unit.lower() in _STEPS and not suffix:
        return LrdslError(message, span=span, hint=f"a duration in steps is a plain number: write {number}")
    if unit.lower() in _V2_UNITS:
        return LrdslError(
            message,
            span=span,
            hint="token and sample units come with language v2: give the duration in steps or epochs",
        )
    if suffix and not unit:
        return LrdslError(
            message, span=span, hint=f"the suffix '{suffix}' comes with language v2: write {scaled(number, suffix)}"
        )
    return None


_LIBRARY_NAMES: dict[str, tuple[tuple[str, ...], str]] = {
    "milestones": (("at",), "PyTorch's MultiStepLR"),
    "T_0": (("period",), "PyTorch's CosineAnnealingWarmRestarts"),
    "T_mult": (("mult",), "PyTorch's CosineAnnealingWarmRestarts"),
    "T_max": (("dur",), "PyTorch's CosineAnnealingLR"),
    "total_iters": (("dur",), "PyTorch's LinearLR"),
    "total_steps": (("dur",), "PyTorch's OneCycleLR"),
    "num_training_steps": (("dur",), "Hugging Face"),
    "step_size": (("every",), "PyTorch's StepLR"),
    "step_size_up": (("half",), "PyTorch's CyclicLR"),
    "max_lr": (("max",), "PyTorch's OneCycleLR"),
    "pct_start": (("pct",), "PyTorch's OneCycleLR"),
    "div_factor": (("div",), "PyTorch's OneCycleLR"),
    "final_div_factor": (("final_div",), "PyTorch's OneCycleLR"),
    "anneal_strategy": (("anneal",), "PyTorch's OneCycleLR"),
    "decay_steps": (("every", "dur"), "Keras"),
    "decay_rate": (("rate", "decay"), "Keras"),
    "num_warmup_steps": (("warmup",), "Hugging Face"),
    "warmup_steps": (("warmup",), "Hugging Face"),
}
"""Other libraries' argument names: ours, in order of preference, and where the name comes from."""
_RANGE_ENDS = {"eta_min": "PyTorch", "end_learning_rate": "Keras", "min_lr": "timm", "end_value": "Optax"}
_RANGE_STARTS = {"lr": "PyTorch", "base_lr": "PyTorch", "initial_learning_rate": "Keras", "init_value": "Optax"}


def library_argument(call: str, params: list[str], key: str) -> str | None:
    """The hint for ``key=`` that ``call`` does not take when it is another library's name for one of
    ``params`` (``milestones=`` → ``at=``), or for an end of the range (``eta_min=`` → ``cosine(0.1→0)``)."""
    if key in _LIBRARY_NAMES:
        ours, whose = _LIBRARY_NAMES[key]
        found = next((name for name in ours if name in params), None)
        if found is not None:
            return f"did you mean '{found}'? ({whose}: {key}=)"
    if "range" in params and (key in _RANGE_ENDS or key in _RANGE_STARTS):
        whose, end = (_RANGE_ENDS[key], "end") if key in _RANGE_ENDS else (_RANGE_STARTS[key], "start")
        return f"{key}= ({whose}) is the {end} of the range here: {call}(0.1→1e-6)"
    if "value" in params and key in _RANGE_STARTS:
        return f"{key}= ({_RANGE_STARTS[key]}) is the first argument here: {call}(0.1, …)"
    return None


def scaled(number: str, suffix: str) -> str:
    """``100`` with the suffix ``k`` as plain text: ``1e5`` (``2.5`` and ``M``: ``2.5e6``)."""
    value = float(number) * 10 ** SUFFIXES[suffix]
    mantissa, _, exponent = f"{value:e}".partition("e")
    return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"


def _ends_with_name(text: str) -> bool:
    stripped = text.rstrip()
    return bool(stripped) and (stripped[-1].isalnum() or stripped[-1] == "_")


def _open_brackets(text: str, end: int) -> list[tuple[str, int]]:
    """The brackets open at ``end`` (outermost first), each with its offset; comments skipped."""
    stack: list[tuple[str, int]] = []
    in_comment = False
    for i, ch in enumerate(text[:end]):
        if in_comment:
            in_comment = ch != "\n"
        elif ch == "#":
            in_comment = True
        elif ch in "([":
            stack.append((ch, i))
        elif ch in ")]" and stack:
            stack.pop()
    return stack


def _expected(expected: Any, stack: list[tuple[str, int]]) -> str | None:
    """``expected …``: the tokens lark could take, less those the open brackets rule out."""
    inner = stack[-1][0] if stack else None
    ruled_out = {"RPAR": inner != "(", "RSQB": inner != "[", "COMMA": inner is None, "$END": inner is not None}
    kept = {t for t in expected or () if not ruled_out.get(t, False)}
    order = list(_TOKEN_NAMES)
    names = [
        _TOKEN_NAMES.get(t, t.lower()) for t in sorted(kept, key=lambda t: (order.index(t) if t in order else 99, t))
    ]
    if not names:
        return None
    if len(names) > 6:
        names = [*names[:6], "…"]
    return "expected " + ", ".join(names)
