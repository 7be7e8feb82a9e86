"""The one registration table of importers: ``lrdsl.from_*``, ``lrdsl import FRAMEWORK``, the fuzzers and
:data:`lrdsl.importers.registry.IMPORTERS` read it. Plain data: this module imports nothing."""

from __future__ import annotations

ROWS: dict[str, str] = {
    "torch": "a torch.optim.lr_scheduler object, a call of one, or a Lightning config",
    "keras": "a keras.optimizers.schedules object, its get_config(), or a call of one",
    "optax": "an optax schedule function, or a call of an optax schedule",
    "paddle": "a paddle.optimizer.lr scheduler object, or a call of one",
    "hf": "a transformers get_*_schedule call, get_scheduler(…), or TrainingArguments keys",
    "timm": "a timm scheduler, create_scheduler_v2(…) arguments, or a call of either",
    "mmengine": "an mmengine param_scheduler list or dict, or a call of one",
    "detectron2": "a detectron2 SOLVER config, or a call of its schedulers",
    "deepspeed": "a DeepSpeed config (its optimizer and scheduler blocks)",
    "megatron": "megatron-core OptimizerParamScheduler arguments: the lr and weight-decay set",
    "torchtitan": "torchtitan's optimizer, lr_scheduler and training config sections",
    "composer": "a Composer scheduler (type and arguments, times in batches), lr and max_duration",
    "torchtune": "torchtune's lr_scheduler and optimizer blocks, or its scheduler's arguments",
}
"""Each importer: its framework's name (the module ``lrdsl/importers/<name>.py``, or :data:`ELSEWHERE`; its entry
point is ``from_<name>``, :func:`entry_of`) and what it accepts."""

ELSEWHERE: dict[str, str] = {
    "deepspeed": "lrdsl.export.deepspeed",
    "megatron": "lrdsl.export.megatron",
    "torchtitan": "lrdsl.export.torchtitan",
    "composer": "lrdsl.export.composer",
    "torchtune": "lrdsl.export.torchtune",
}
"""Importers whose reading lives beside their exporter (a trainer's config is read as it is written)."""


def module_of(name: str) -> str:
    """The module of the importer ``name``."""
    return ELSEWHERE.get(name, f"lrdsl.importers.{name}")


def entry_of(name: str) -> str:
    """The Python entry point of the importer ``name``: ``lrdsl.from_<name>``."""
    return f"from_{name}"


ENTRIES: dict[str, str] = {entry_of(name): name for name in ROWS}
"""``from_X`` → the framework whose module defines it."""
