"""lrdsl: one line of text for a learning-rate schedule, the same numbers in every framework.

>>> import lrdsl
>>> s = lrdsl.parse("warmup(linear, 5ep) >> cosine(0.1→1e-6) * restart(mult=2)")
>>> lr = lrdsl.evaluate(s, total_steps=5000, steps_per_epoch=50)
>>> run = s.bind(total_steps=5000, steps_per_epoch=50)  # evaluate(), plot(), explain(), generate(target)
"""

from typing import TYPE_CHECKING, Any

from lrdsl.errors import LrdslError
from lrdsl.importers.table import ENTRIES
from lrdsl.integrations import keras_hook
from lrdsl.language import hooks

if TYPE_CHECKING:
    from lrdsl.api import evaluate, evaluate_set, generate, lower
    from lrdsl.export.composer import from_composer
    from lrdsl.export.deepspeed import from_deepspeed
    from lrdsl.export.megatron import from_megatron
    from lrdsl.export.torchtitan import from_torchtitan
    from lrdsl.export.torchtune import from_torchtune
    from lrdsl.fitting import fit
    from lrdsl.importers import (
        from_detectron2,
        from_hf,
        from_keras,
        from_mmengine,
        from_optax,
        from_paddle,
        from_timm,
        from_torch,
    )
    from lrdsl.language.ast import Schedule, ScheduleSet
    from lrdsl.language.field import ScheduleField, ScheduleSetField
    from lrdsl.language.parser import parse, parse_set
    from lrdsl.recording import record
    from lrdsl.run.bound import BoundSchedule, bind
    from lrdsl.run.bound_set import BoundScheduleSet
    from lrdsl.tools.linting import Diagnostic, LrdslWarning
    from lrdsl.tools.plotting import plot
    from lrdsl.tools.set_comparison import compare
    from lrdsl.tools.set_lint import lint

__all__ = [
    "BoundSchedule",
    "BoundScheduleSet",
    "Diagnostic",
    "LrdslError",
    "LrdslWarning",
    "Schedule",
    "ScheduleField",
    "ScheduleSet",
    "ScheduleSetField",
    "bind",
    "compare",
    "evaluate",
    "evaluate_set",
    "export",
    "fit",
    "from_composer",
    "from_deepspeed",
    "from_detectron2",
    "from_hf",
    "from_keras",
    "from_megatron",
    "from_mmengine",
    "from_optax",
    "from_paddle",
    "from_timm",
    "from_torch",
    "from_torchtitan",
    "from_torchtune",
    "generate",
    "lint",
    "lower",
    "parse",
    "parse_set",
    "plot",
    "record",
]
__version__ = "0.1.0"

_HOME = {
    "bind": "run.bound",
    "BoundSchedule": "run.bound",
    "BoundScheduleSet": "run.bound_set",
    "plot": "tools.plotting",
    "evaluate": "api",
    "evaluate_set": "api",
    "generate": "api",
    "lower": "api",
    "Schedule": "language.ast",
    "ScheduleSet": "language.ast",
    "compare": "tools.set_comparison",
    "fit": "fitting",
    "ScheduleField": "language.field",
    "ScheduleSetField": "language.field",
    "lint": "tools.set_lint",
    "Diagnostic": "tools.linting",
    "LrdslWarning": "tools.linting",
    "parse": "language.parser",
    "parse_set": "language.parser",
    **dict.fromkeys(ENTRIES, "importers"),  # lrdsl.from_torch, …: the importers' one table
    "record": "recording",
    "export": "export",
}


def __getattr__(name: str) -> object:
    """The public names and the runtime adapters ``lrdsl.torch``/``optax``/``keras``, imported on first use.

    Nothing here imports numpy or pydantic up front, so the command line can start without them
    and say which dependency a broken install lacks (``lrdsl.resources.broken_install``).
    """
    import importlib

    if name in _HOME:
        value = getattr(importlib.import_module(f"lrdsl.{_HOME[name]}"), name)
        globals()[name] = value
        return value
    if name in ("torch", "optax", "keras"):
        return importlib.import_module(f"lrdsl.{name}")
    raise AttributeError(f"module 'lrdsl' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The public names (``__all__``, imported on first use) and the adapters, for ``dir()`` and tab completion."""
    return sorted({*globals(), *__all__, "torch", "optax", "keras"})


def _parse(text: str) -> Any:
    from lrdsl.language.parser import parse

    return parse(text)


def _parse_set(text: str) -> Any:
    from lrdsl.language.parser import parse_set

    return parse_set(text)


def _bind(*args: Any) -> Any:
    from lrdsl.run.bound import bind

    return bind(*args)


def _bind_set(schedules: Any, *run: Any) -> Any:
    from lrdsl.run.args import RunArgs
    from lrdsl.run.bound_set import bind_set

    return bind_set(schedules, RunArgs(*run))


def _schedule_html(schedule: Any) -> str:
    from lrdsl.tools.notebook import schedule_html

    return schedule_html(schedule)


# the syntax tree's calls upward (lrdsl.language.hooks): each imports its module on first call
hooks.UPPER.update(parse=_parse, parse_set=_parse_set, bind=_bind, bind_set=_bind_set, schedule_html=_schedule_html)
keras_hook.install()  # lrdsl>Schedule is registered with Keras, whichever of the two is imported first
