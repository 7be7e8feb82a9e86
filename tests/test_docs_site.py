"""docs/ as a site: ``mkdocs build --strict`` passes, every page is in the nav and every picture is shown."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.frameworks import need

DOCS = ROOT / "docs"


def pages_in_nav() -> list[str]:
    """The pages mkdocs.yml's nav lists, in order (read as text: no YAML parser needed)."""
    return re.findall(r":\s+(\S+\.md)\s*$", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M)


def test_mkdocs_build_is_strictly_clean(tmp_path: Path) -> None:
    """Strict mode fails on a page left out of the nav, a broken link or anchor (mkdocs.yml's validation)."""
    need("mkdocs")
    need("material")  # mkdocs-material's theme
    site = tmp_path / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(site)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert "WARNING" not in proc.stderr, proc.stderr[-4000:]
    for page in pages_in_nav():
        built = site / ("index.html" if page == "index.md" else page.removesuffix(".md") + "/index.html")
        assert built.is_file(), page
    for picture in DOCS.rglob("*.png"):
        assert (site / picture.relative_to(DOCS)).is_file(), picture


def test_every_page_is_in_the_nav_and_the_index_routes_to_it() -> None:
    pages = pages_in_nav()
    assert pages[0] == "index.md"
    assert sorted(pages) == sorted(str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md"))
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    linked = re.findall(r"\]\(([^)#]+\.md)", index)
    assert linked[0] == "tour.md" and sorted(set(linked)) == sorted(p for p in pages if p != "index.md")


def test_every_picture_is_shown_on_a_page() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in DOCS.rglob("*.md"))
    shown = set(re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", text))
    pictures = {str(p.relative_to(DOCS)) for p in DOCS.rglob("*") if p.suffix in (".png", ".svg", ".jpg")}
    assert pictures <= shown, sorted(pictures - shown)
