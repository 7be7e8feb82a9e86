"""examples/notebook.ipynb, executed by a Jupyter kernel running this Python: schedules show themselves.

The kernel is this test's own interpreter (``examples/run_notebook.py`` writes a kernelspec into a
temporary JUPYTER_PATH), so the notebook imports the lrdsl under test. The notebook is committed
with the outputs that script stored; a fresh run must give the same, volatile fields aside.
"""

from __future__ import annotations

import importlib.util
import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.frameworks import need

NOTEBOOK = ROOT / "examples" / "notebook.ipynb"
SVG = "{http://www.w3.org/2000/svg}"


def _runner() -> Any:
    """examples/run_notebook.py as a module: it runs the notebook, and says what a fresh run may change."""
    spec = importlib.util.spec_from_file_location("run_notebook", ROOT / "examples" / "run_notebook.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def fresh() -> Any:
    """The notebook after a fresh run in a kernel running this Python."""
    for module in ("nbformat", "nbclient", "ipykernel", "matplotlib"):
        need(module)
    return _runner().execute(NOTEBOOK)


@pytest.fixture(scope="module")
def executed(fresh: Any) -> dict[str, Any]:
    """The fresh run's code cells by id."""
    return {cell["id"]: cell for cell in fresh.cells if cell["cell_type"] == "code"}


def test_the_committed_outputs_are_a_fresh_runs(fresh: Any) -> None:
    """Stored run, so it reads as a page; a change to what it shows needs python examples/run_notebook.py."""
    runner = _runner()
    stored = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in stored["cells"] if c["cell_type"] == "code"]
    assert code and all(c["outputs"] for c in code)
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1))
    assert runner.comparable(stored) == runner.comparable(fresh), "rerun: python examples/run_notebook.py"


def test_every_cell_runs(executed: dict[str, Any]) -> None:
    for cell_id, cell in executed.items():
        assert all(o["output_type"] != "error" for o in cell["outputs"]), (cell_id, cell["outputs"])


def data(cell: dict[str, Any]) -> dict[str, Any]:
    (out,) = [o for o in cell["outputs"] if o["output_type"] == "execute_result"]
    result: dict[str, Any] = out["data"]
    return result


def test_a_schedule_has_a_short_repr_and_says_how_to_bind_it(executed: dict[str, Any]) -> None:
    shown = data(executed["schedule"])
    assert shown["text/plain"] == "Schedule('warmup(linear, 5ep) >> cosine(0.1→1e-6) * restart(mult=2)')"
    assert "warmup(linear, 5ep) &gt;&gt; cosine(0.1→1e-6) * restart(mult=2)" in shown["text/html"]
    assert ".bind(total_steps=…, steps_per_epoch=…)" in shown["text/html"]


def test_a_bound_schedule_shows_its_curve_and_phases(executed: dict[str, Any]) -> None:
    shown = data(executed["bound"])
    assert shown["text/plain"].startswith("BoundSchedule('warmup(linear, 5ep) >> ")
    page = shown["text/html"]
    assert "5000 steps, 50 steps per epoch" in page
    svg = ET.fromstring(page[page.index("<svg") : page.index("</svg>") + len("</svg>")])
    lines = [g for g in svg.iter(f"{SVG}g") if g.get("id") == "schedule-0"]
    assert len(lines) == 1 and len(lines[0].findall(f"{SVG}path")) == 1
    table = ET.fromstring(page[page.index("<table") : page.index("</table>") + len("</table>")])
    rows = [[(td.text or "") for td in tr] for tr in table.iter("tr")]
    assert rows[0] == ["start", "end", "lr at start", "lr at end", "phase"]
    assert rows[1] == ["0", "250", "0", "0.1", "warmup(linear, 5ep) to 0.1"]
    assert [r[0] for r in rows[1:]] == ["0", "250", "250", "928.571429", "2285.714286"]


def test_evaluate_explain_and_generate_use_the_run(executed: dict[str, Any]) -> None:
    assert data(executed["evaluate"])["text/plain"].startswith("array([0.")
    (explained,) = executed["explain"]["outputs"]
    assert "total 5000 steps, 50 steps per epoch" in explained["text"]
    (code,) = executed["generate"]["outputs"]
    assert "class Scheduler(LRScheduler)" in code["text"]


def test_plot_returns_one_figure_shown_once(executed: dict[str, Any]) -> None:
    outputs = executed["figure"]["outputs"]
    assert len(outputs) == 1, [o.get("data", {}).keys() for o in outputs]
    shown = data(executed["figure"])
    assert shown["text/plain"].startswith("<Figure size 900x450")
    assert shown["image/png"]
