"""``ScheduleField`` and ``ScheduleSetField``: pydantic field types for schedules in user configs.

    class TrainConfig(BaseModel):
        lr: lrdsl.ScheduleField

Validation parses the string (a bad schedule is an ordinary ``ValidationError`` carrying the
caret diagnostic and the field's location) or takes a plain number as a constant rate
(``lr: 0.0003`` in YAML is a float: the schedule ``3e-4``). Dumping writes the canonical
text; the JSON Schema is a string or a number. A :class:`Schedule` instance is re-checked
(:func:`lrdsl.language.ast.checked`): one built with ``model_construct`` is not trusted for being of the right class.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema

from lrdsl.language.ast import Schedule, ScheduleSet, checked, checked_set


def _validate(value: Any) -> Schedule:
    if isinstance(value, Schedule):
        return checked(value)
    from lrdsl.language.parser import parse

    if isinstance(value, (int, float)) and not isinstance(value, bool):  # `lr: 0.0003` in YAML: a constant rate
        from lrdsl.language.numbers import format_number

        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"a constant learning rate must be finite, not {value}")
        return parse(format_number(float(value)))
    if not isinstance(value, str):
        raise ValueError(f"a schedule is a string such as 'cosine(0.1→0)' or a number, not {type(value).__name__}")
    return parse(value)  # LrdslError is a ValueError: pydantic reports it with the field's location


ScheduleField = Annotated[
    Schedule,
    PlainValidator(_validate),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {
            "type": ["string", "number"],
            "title": "lrdsl schedule",
            "description": "A learning-rate schedule in the lrdsl language.",
            "examples": ["warmup(linear, 5ep) >> cosine(0.1→1e-6) * restart(mult=2)"],
        }
    ),
]
"""A schedule in a pydantic model: parsed on validation, canonical text on dump."""


def _validate_set(value: Any) -> ScheduleSet:
    from collections.abc import Mapping

    from lrdsl.language.parser import parse_set

    if isinstance(value, ScheduleSet):
        return checked_set(value)
    if isinstance(value, (Schedule, int, float)) and not isinstance(value, bool):  # one schedule: the set {lr: …}
        return parse_set(str(_validate(value)))
    if not isinstance(value, (str, Mapping)):
        raise ValueError(
            f"a schedule set is a text of 'name: expression' lines, a mapping or a number, not {type(value).__name__}"
        )
    return parse_set(value)


ScheduleSetField = Annotated[
    ScheduleSet,
    PlainValidator(_validate_set),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": ["string", "number"]},
                {"type": "object", "additionalProperties": {"type": ["string", "number"]}, "maxProperties": 64},
            ],
            "title": "lrdsl schedule set",
            "description": "Named schedules of one run (lr, weight_decay, betas[1], …): text or a mapping.",
            "examples": ["lr: cosine(3e-4→3e-5)\nweight_decay: linear(0.1→0.01)", {"lr": "cosine(3e-4→0)"}],
        }
    ),
]
"""A schedule set in a pydantic model (LANGUAGE.md §9.5): parsed on validation, canonical text on dump.

Text (``"lr: … weight_decay: …"``), a mapping ``{name: expression}`` (a YAML block), one schedule
or a number (the set of ``lr`` alone) are accepted.
"""
