"""Write ``docs/playground.png``: the playground (``lrdsl serve``) as a user first sees it, in headless Chromium.

    python -m docs.make_screenshot

Starts the server on a free port of 127.0.0.1, opens the page with the design card and a second
expression overlaid, waits for the curve, the phase table and the code, and saves the screenshot.
Needs Playwright (the ``test`` extra) and Debian's ``chromium``; downloads nothing.
"""

from __future__ import annotations

import shutil
import sys
import threading
from pathlib import Path
from urllib.parse import quote

from lrdsl.serve.server import make_server

OUT = Path(__file__).resolve().parent / "playground.png"
EXPR = "warmup(linear, 5ep) >> cosine(0.1→1e-6) * restart(mult=2)"
OTHER = "warmup(linear, 5ep) >> cosine(0.1→1e-6)"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"]


def main() -> int:
    from playwright.sync_api import sync_playwright

    browser_path = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser_path is None:
        print("chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 2
    server = make_server("127.0.0.1", 0)
    server.RequestHandlerClass.quiet = True  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/#expr={quote(EXPR)}&steps=5000&spe=50&b={quote(OTHER)}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 860}, device_scale_factor=1)
        page.goto(url)
        page.wait_for_selector("#plot svg path.other")
        page.wait_for_selector("#phases tbody tr")
        page.wait_for_function("() => document.querySelector('#code').textContent.length > 100")
        page.screenshot(path=str(OUT))
        browser.close()
    server.shutdown()
    print(f"wrote {OUT.relative_to(Path.cwd()) if OUT.is_relative_to(Path.cwd()) else OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
