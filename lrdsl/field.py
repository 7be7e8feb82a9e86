"""``ScheduleField``: a pydantic field type for schedules in user configs.

    class TrainConfig(BaseModel):
        lr: lrdsl.ScheduleField

Validation parses the string (a bad schedule is an ordinary ``ValidationError`` carrying the
caret diagnostic and the field's location) or takes a plain number as a constant rate
(``lr: 0.0003`` in YAML is a float: the schedule ``3e-4``). Dumping writes the canonical
text; the JSON Schema is a string or a number. A :class:`Schedule` instance is re-checked
(:func:`lrdsl.ast.checked`): one built with ``model_construct`` is not trusted for being of the right class.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema

from lrdsl.ast import Schedule, checked


def _validate(value: Any) -> Schedule:
    if isinstance(value, Schedule):
        return checked(value)
    from lrdsl.parser import parse

    if isinstance(value, (int, float)) and not isinstance(value, bool):  # `lr: 0.0003` in YAML: a constant rate
        from lrdsl.numbers import format_number

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
