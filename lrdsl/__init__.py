"""lrdsl: one line of text for a learning-rate schedule, the same numbers in every framework.

>>> import lrdsl
>>> s = lrdsl.parse("warmup(linear, 5ep) >> cosine(0.1→1e-6) * restart(mult=2)")
>>> lr = lrdsl.evaluate(s, total_steps=5000, steps_per_epoch=50)
"""

from lrdsl.api import evaluate, generate, lower
from lrdsl.ast import Schedule
from lrdsl.errors import LrdslError
from lrdsl.field import ScheduleField
from lrdsl.parser import parse

__all__ = ["LrdslError", "Schedule", "ScheduleField", "evaluate", "generate", "lower", "parse"]
__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    """``lrdsl.torch``, ``lrdsl.optax``, ``lrdsl.keras``: runtime adapters, imported on first use."""
    if name in ("torch", "optax", "keras"):
        import importlib

        return importlib.import_module(f"lrdsl.{name}")
    raise AttributeError(f"module 'lrdsl' has no attribute {name!r}")
