"""A built wheel ships the grammar, templates and documentation pages and works outside the source tree.

The wheel goes into a new, empty venv. Its dependencies come from the packages of the Python
running the tests, wherever they are (a venv's site-packages, the system's, the user's): a
``.pth`` file lists those directories. ``--system-site-packages`` would not do: inside a venv it
shows the base interpreter's packages, not the venv's. Only building the wheel asks pip's index,
for the build backend, as ``pip install .`` does; the install itself uses ``--no-index``.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

DEPENDENCIES = ("pydantic", "jinja2", "numpy")
EXPR = "cosine(0.1→0)"


def package_dirs() -> list[str]:
    """The directories this Python imports installed packages from, the dependencies' first."""
    dirs = []
    for name in DEPENDENCIES:
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.origin is not None, f"{name} is not installed"
        dirs.append(str(Path(spec.origin).parents[1]))
    dirs += site.getsitepackages()
    if site.ENABLE_USER_SITE:
        dirs.append(site.getusersitepackages())
    out = []
    for d in dirs:
        if Path(d).is_dir() and Path(d).resolve() != ROOT and d not in out:
            out.append(d)
    return out


def run(*cmd: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``cmd`` in ``cwd`` without PYTHONPATH, so the source tree is out of sight."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.mark.slow
def test_wheel_installs_and_runs_outside_the_tree(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)], check=True, timeout=600
    )
    wheel = next(dist.glob("lrdsl-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "lrdsl/grammar/lrdsl.lark" in names
    assert any(n.startswith("lrdsl/templates/") and n.endswith(".jinja") for n in names)
    assert "lrdsl/py.typed" in names  # type checkers read lrdsl's annotations (PEP 561)
    assert {f"lrdsl/serve/page/{f}" for f in ("index.html", "app.js", "app.css")} <= set(names)  # the playground
    pages = sorted(p.name for p in (ROOT / "docs").glob("*.md"))
    assert sorted(n.removeprefix("lrdsl/docs/") for n in names if n.startswith("lrdsl/docs/")) == pages
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert f"Version: {__import__('lrdsl').__version__}\n" in metadata
    assert any(n.endswith(".dist-info/licenses/LICENSE") or n.endswith(".dist-info/LICENSE") for n in names)

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    py, lrdsl_cmd = venv / "bin" / "python", venv / "bin" / "lrdsl"
    subprocess.run(
        [str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True, timeout=300
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    # Without its dependencies, the command says what is missing and blames neither the expression nor itself.
    bare = run(lrdsl_cmd, "eval", EXPR, "--steps", "3", cwd=elsewhere)
    assert bare.returncode == 3, bare.stderr
    assert bare.stderr.startswith("lrdsl: error: lrdsl is not installed correctly: the package '"), bare.stderr
    assert any(f"the package '{name}' is missing" in bare.stderr for name in DEPENDENCIES), bare.stderr
    assert "internal error" not in bare.stderr and "Traceback" not in bare.stderr

    purelib = run(py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=elsewhere).stdout.strip()
    assert Path(purelib, "lrdsl").is_dir(), purelib
    Path(purelib, "outer-packages.pth").write_text("".join(d + "\n" for d in package_dirs()), encoding="utf-8")
    where = run(py, "-c", "import lrdsl; print(lrdsl.__file__)", cwd=elsewhere)
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).resolve().is_relative_to(Path(purelib).resolve()), where.stdout

    proc = run(lrdsl_cmd, "eval", EXPR, "--steps", "3", "--format", "csv", cwd=elsewhere)
    assert proc.returncode == 0, proc.stderr
    import lrdsl

    want = [f"{t},{float(v)!r}" for t, v in enumerate(lrdsl.evaluate(EXPR, total_steps=3))]
    assert proc.stdout.splitlines() == ["step,lr", *want]
    gen = run(lrdsl_cmd, "gen", "--target", "python", EXPR, "--steps", "3", cwd=elsewhere)
    assert gen.returncode == 0, gen.stderr
    assert "def lr(" in gen.stdout

    # `lrdsl help` shows the documentation's pages and points to files the install has (there is no public site).
    tour = run(lrdsl_cmd, "help", "tour.md", cwd=elsewhere)
    assert tour.returncode == 0, tour.stderr
    assert tour.stdout == (ROOT / "docs" / "tour.md").read_text(encoding="utf-8")
    entry = run(lrdsl_cmd, "help", "cosine", cwd=elsewhere)
    assert entry.returncode == 0, entry.stderr
    (more,) = [line for line in entry.stdout.splitlines() if line.startswith("  more: ")]
    page, anchor = more.rpartition(", or ")[2].split("#")
    assert Path(page).resolve() == Path(purelib, "lrdsl", "docs", "reference.md").resolve()
    assert f"{{#{anchor}}}" in Path(page).read_text(encoding="utf-8")
    assert "picture:" not in entry.stdout  # the pictures stay in the checkout

    # The playground serves its page and the cookbook's examples from the installed package.
    served = run(
        py,
        "-c",
        "import json, threading, urllib.request as u\n"
        "from lrdsl.serve.server import make_server\n"
        "s = make_server('127.0.0.1', 0); threading.Thread(target=s.serve_forever, daemon=True).start()\n"
        "base = f'http://127.0.0.1:{s.server_address[1]}'\n"
        "page = u.urlopen(base + '/').read()\n"
        "examples = json.load(u.urlopen(base + '/api/examples'))['examples']\n"
        "print(b'id=\"expr\"' in page, len(examples) > 10)",
        cwd=elsewhere,
    )
    assert served.stdout.split() == ["True", "True"], served.stderr

    # An install that lost its templates or its parser says so.
    shutil.rmtree(Path(purelib, "lrdsl", "templates"))
    broken = run(lrdsl_cmd, "gen", "--target", "python", EXPR, "--steps", "3", cwd=elsewhere)
    assert broken.returncode == 3, broken.stderr
    assert "lrdsl is not installed correctly: its templates/ directory is missing" in broken.stderr, broken.stderr
    assert "Traceback" not in broken.stderr
    Path(purelib, "lrdsl", "language", "lalr.py").unlink()
    shutil.rmtree(Path(purelib, "lrdsl", "__pycache__"), ignore_errors=True)
    broken = run(lrdsl_cmd, "check", EXPR, cwd=elsewhere)
    assert broken.returncode == 3, broken.stderr
    assert "lrdsl is not installed correctly: No module named 'lrdsl.language.lalr'" in broken.stderr, broken.stderr
    assert "Traceback" not in broken.stderr
