"""Rates in a TensorBoard event file (``events.out.tfevents.*``): one scalar tag's values by step.

The file is a sequence of records (a length, its checksum, an ``Event`` protocol buffer, the data's
checksum); each record's length and its checksum are checked, the data's checksum of each record a
value is taken from (tensorboard's pure-Python CRC-32C: some 0.4 s a MB), and events are read with the
``tensorboard`` package's protocol buffers (``pip install 'lrdsl[examples]'``). Scalars are TensorBoard's
float32 ``simple_value`` or a one-number tensor (``tf.summary.scalar``).
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

from lrdsl.errors import LrdslError
from lrdsl.logs.base import Curve, checked_size, curve
from lrdsl.logs.columns import BETA1
from lrdsl.tools.values import EVENTS_PREFIX

LR_TAGS = ("lr", "learning_rate", "learning-rate", "train/learning_rate", "train/lr", "lr-adam", "lr-sgd")
"""Tags taken as the learning rate when a file has several scalar tags and no ``--column`` (last part)."""


def is_event_file(path: Path) -> bool:
    """Whether ``path`` is named as TensorBoard names its event files."""
    return path.name.startswith(EVENTS_PREFIX)


def _modules() -> tuple[Any, Any]:
    try:
        from tensorboard.compat.proto import event_pb2  # type: ignore[import-untyped]
        from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import masked_crc32c  # type: ignore[import-untyped]
    except ImportError:
        raise LrdslError(
            "reading TensorBoard event files needs the tensorboard package",
            hint="install it: pip install 'lrdsl[examples]'",
        ) from None
    return event_pb2, masked_crc32c


def read_events(path: Path, column: str | None = None) -> Curve:
    """The values of the scalar tag ``column`` (or the one scalar tag, or the one learning-rate tag)."""
    data, series, masked_crc32c = _read(path)
    tag = _tag(series, column, path)
    return _tag_curve(data, series, tag, path, masked_crc32c, [f"TensorBoard tag {tag!r}"])


def read_event_members(path: Path) -> dict[str, Curve] | None:
    """The scalar tags that hold members of a schedule set (:func:`lrdsl.logs.columns.member_of`), each a curve
    by its member's name, in the tags' order; ``None`` when fewer than two do."""
    from lrdsl.logs.columns import ambiguous, members_of

    data, series, masked_crc32c = _read(path)
    tags = sorted(series)
    chosen, skipped = members_of(tags, f"{path}: tags", "fit one of them: --column TAG")
    if len(chosen) < 2:
        return None
    left = ", ".join(repr(tags[j][:40]) for j in skipped)
    notes = [f"tags left out of the set (no optimizer hyper-parameter): {left}"] if left else []
    curves: dict[str, Curve] = {}
    for member, j in chosen.items():
        said = notes if not curves else []
        own = [f"TensorBoard tag {tags[j]!r} as member {member}", BETA1 * ambiguous(tags[j])]
        curves[member] = _tag_curve(data, series, tags[j], path, masked_crc32c, [*said, *filter(None, own)])
    return curves


def _read(path: Path) -> tuple[bytes, dict[str, list[tuple[int, float, int, int]]], Any]:
    """The file's bytes, each scalar tag's points (:func:`_series`) and the checksum function."""
    event_pb2, masked_crc32c = _modules()
    checked_size(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LrdslError(f"cannot read {path}: {exc.strerror}") from None
    return data, _series(data, path, event_pb2, masked_crc32c), masked_crc32c


def _tag_curve(
    data: bytes, series: dict[str, list[tuple[int, float, int, int]]], tag: str, path: Path, crc: Any, notes: list[str]
) -> Curve:
    """The curve of ``tag``, the data's checksum of each record its values are read from checked."""
    points = series[tag]
    for _, _, start, record in points:
        (length,) = struct.unpack_from("<Q", data, start)
        (check,) = struct.unpack_from("<I", data, start + 12 + length)
        if crc(data[start + 12 : start + 12 + length]) != check:
            raise LrdslError(f"cannot read {path}: record {record} (byte {start}) does not match its checksum")
    return curve(path, [p[0] for p in points], [p[1] for p in points], *notes)


def _series(
    data: bytes, path: Path, event_pb2: Any, masked_crc32c: Any
) -> dict[str, list[tuple[int, float, int, int]]]:
    """Each scalar tag's points: step, value, and the start and number of the record it is in."""
    from google.protobuf.message import DecodeError  # type: ignore[import-untyped]

    series: dict[str, list[tuple[int, float, int, int]]] = {}
    at, number = 0, 0
    while at < len(data):
        number += 1
        length = _record(data, at, number, path, masked_crc32c)
        try:
            event = event_pb2.Event.FromString(data[at + 12 : at + 12 + length])
        except DecodeError:
            raise LrdslError(f"cannot read {path}: record {number} (byte {at}) is not an event") from None
        for value in event.summary.value:
            scalar = _scalar(value)
            if scalar is not None:
                series.setdefault(value.tag, []).append((int(event.step), scalar, at, number))
        at += 16 + length
    return series


def _record(data: bytes, at: int, number: int, path: Path, masked_crc32c: Any) -> int:
    """The data length of the record at byte ``at``, its length and checksum checked."""
    if len(data) - at < 12:
        raise LrdslError(f"cannot read {path}: record {number} is cut short (byte {at})")
    (length,) = struct.unpack_from("<Q", data, at)
    (check,) = struct.unpack_from("<I", data, at + 8)
    if masked_crc32c(data[at : at + 8]) != check:
        raise LrdslError(f"cannot read {path}: record {number} (byte {at}) is not a TensorBoard event record")
    if length > len(data) - at - 16:
        raise LrdslError(f"cannot read {path}: record {number} (byte {at}) is cut short")
    return int(length)


def _scalar(value: Any) -> float | None:
    """The one number of a summary value: its ``simple_value``, or a tensor of one float."""
    if value.HasField("simple_value"):
        return float(value.simple_value)
    if value.HasField("tensor"):
        tensor = value.tensor
        numbers = list(tensor.float_val) or list(tensor.double_val)
        if len(numbers) == 1 and not tensor.tensor_shape.dim:
            return float(numbers[0])
        if tensor.tensor_content and not tensor.tensor_shape.dim and tensor.dtype in (1, 2):  # DT_FLOAT, DT_DOUBLE
            fmt = "<f" if tensor.dtype == 1 else "<d"
            if len(tensor.tensor_content) == struct.calcsize(fmt):
                return float(struct.unpack(fmt, tensor.tensor_content)[0])
    return None


def _tag(series: dict[str, list[tuple[int, float, int, int]]], column: str | None, path: Path) -> str:
    tags = sorted(series)
    shown = ", ".join(repr(t) for t in tags[:8]) + (", …" if len(tags) > 8 else "")
    if not tags:
        raise LrdslError(f"{path}: no scalar values")
    if column is not None:
        if column not in series:
            raise LrdslError(f"{path} has no scalar tag {column[:60]!r}", hint=f"its tags: {shown}")
        return column
    if len(tags) == 1:
        return tags[0]
    rates = [t for t in tags if t.lower() in LR_TAGS or t.lower().rpartition("/")[2] in LR_TAGS]
    if len(rates) == 1:
        return rates[0]
    raise LrdslError(f"{path} has {len(tags)} scalar tags: {shown}", hint="choose one: --column TAG (API: column=TAG)")
