"""Run examples/notebook.ipynb and store its outputs: ``python examples/run_notebook.py``.

The notebook is committed with the outputs of a run, so that it reads as a page (on GitHub, in
an editor) before anyone runs it; ``tests/test_notebook.py`` runs it again and fails when a fresh
run differs from what is stored, volatile fields aside (:func:`comparable`). Rerun this script
after changing the notebook or what it shows, as ``tests/golden/regen.py`` for the goldens.

The kernel is the Python running this script (a kernelspec written into a temporary
``JUPYTER_PATH``) with the checkout first on its path, so the notebook shows the lrdsl beside it.
Needs nbformat, nbclient, ipykernel and matplotlib (the ``test`` and ``plot`` extras).
"""

from __future__ import annotations

import copy
import json
import os
import re
import struct
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "notebook.ipynb"
KERNEL = "lrdsl-notebook"
ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
SVG = re.compile(r"<svg\b.*?</svg>", re.S)
CURVE = re.compile(r'<g id="schedule-0">\s*<path d="([^"]*)"')


def _svg(match: re.Match[str]) -> str:
    """An SVG matplotlib drew, as its size and the number of points of its curve."""
    svg = match[0]
    size = re.search(r'width="([^"]*)" height="([^"]*)"', svg)
    curve = CURVE.search(svg)
    points = 0 if curve is None else len(re.findall(r"[ML] ", curve[1]))
    return f"<svg {size[1] if size else '?'}×{size[2] if size else '?'}, curve of {points} points>"


def _steady(text: str) -> str:
    return SVG.sub(_svg, ADDRESS.sub(" at 0x…", text))


@contextmanager
def _kernel_home() -> Iterator[Path]:
    """A temporary JUPYTER_PATH whose one kernel is this Python, with the checkout on its path."""
    saved = {k: os.environ.get(k) for k in ("JUPYTER_PATH", "PYTHONPATH", "MPLBACKEND")}
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        spec = home / "kernels" / KERNEL
        spec.mkdir(parents=True)
        argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        kernel = {"argv": argv, "display_name": "lrdsl", "language": "python"}
        (spec / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")
        os.environ["JUPYTER_PATH"] = str(home)
        os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), saved["PYTHONPATH"]) if p)
        os.environ.pop("MPLBACKEND", None)  # the kernel's own default: matplotlib's inline backend
        try:
            yield home
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def execute(path: Path = NOTEBOOK) -> Any:
    """The notebook at ``path`` after a fresh run, its metadata as stored (not the kernel's)."""
    import nbclient
    import nbformat

    nb = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    metadata = copy.deepcopy(nb.metadata)
    with _kernel_home() as home:
        client = nbclient.NotebookClient(
            nb, kernel_name=KERNEL, timeout=600, record_timing=False, resources={"metadata": {"path": str(home)}}
        )
        client.execute()
    nb.metadata = metadata
    return nb


def _png_size(data: str) -> tuple[int, int]:
    """A base64 PNG's width and height, read from its header."""
    import base64

    head = base64.b64decode(data[:64])
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def comparable(nb: Any) -> list[dict[str, Any]]:
    """Each code cell's source and outputs, with what changes from run to run taken out.

    Out: execution counts (of cells and results), cell metadata (timings), object addresses
    (``at 0x7f…``), and what matplotlib draws, which changes with its version, FreeType and a
    per-process salt of its SVG ids: a PNG is its width and height, an SVG its size and the
    number of points of the schedule's curve (lrdsl's choice).
    """
    cells = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        outputs = []
        for output in cell["outputs"]:
            out = {k: v for k, v in output.items() if k not in ("execution_count", "metadata")}
            if "text" in out:
                out["text"] = _steady("".join(out["text"]))
            if "data" in out:
                shown = {}
                for mime, value in out["data"].items():
                    text = "".join(value) if isinstance(value, list) else value
                    shown[mime] = _png_size(text) if mime == "image/png" else _steady(text)
                out["data"] = shown
            outputs.append(out)
        cells.append({"id": cell.get("id"), "source": "".join(cell["source"]), "outputs": outputs})
    return cells


def main() -> int:
    import nbformat

    nb = execute()
    nbformat.write(nb, NOTEBOOK)  # type: ignore[no-untyped-call]
    print(f"wrote {NOTEBOOK.relative_to(ROOT)}: {sum(len(c['outputs']) for c in comparable(nb))} outputs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
