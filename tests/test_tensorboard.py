"""examples/tensorboard_logging.py trains a tiny model; its event file holds the planned and actual lr."""

from __future__ import annotations

import importlib.util
import types
from pathlib import Path

import numpy as np
import pytest

import lrdsl
from tests.conftest import ROOT
from tests.frameworks import need

pytestmark = pytest.mark.frameworks


def _example() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location("tensorboard_logging", ROOT / "examples" / "tensorboard_logging.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_event_file_holds_planned_and_actual_lr(tmp_path: Path) -> None:
    need("torch")
    need("torch.utils.tensorboard")
    accumulator = need("tensorboard.backend.event_processing.event_accumulator")
    example = _example()
    gap = example.train(tmp_path, epochs=2, steps_per_epoch=15)
    assert gap == 0.0
    (event_file,) = tmp_path.glob("events.out.tfevents.*")
    events = accumulator.EventAccumulator(str(event_file), size_guidance={"scalars": 0, "tensors": 0})
    events.Reload()
    want = lrdsl.evaluate(example.SCHEDULE, 30, 15)
    for name, base in example.GROUPS.items():
        planned = events.Scalars(f"lr/{name}/planned")
        actual = events.Scalars(f"lr/{name}/actual")
        assert [e.step for e in planned] == [e.step for e in actual] == list(range(30))
        # Event files hold float32: the planned curve is the schedule times the group's base lr.
        np.testing.assert_array_equal([e.value for e in planned], (want * base).astype(np.float32))
        assert [e.value for e in actual] == [e.value for e in planned]
        (text,) = events.Tensors(f"lr/{name}/schedule/text_summary")
        table = text.tensor_proto.string_val[0].decode()
        assert table.splitlines()[0] == f"    {base:g} × ({example.SCHEDULE})"
        assert "total 30 steps, 15 steps per epoch" in table
    assert "custom_scalars__config__" in events.Tags()["tensors"]
    loss = [e.value for e in events.Scalars("loss")]
    assert len(loss) == 30 and loss[-1] < loss[0]  # it trains
