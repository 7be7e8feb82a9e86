"""The playground in a real browser: headless Chromium (Debian's ``chromium``) driven by Playwright.

Nothing is downloaded: Playwright starts the system's browser (``/usr/bin/chromium``), and the page
loads only from the local server. Skipped without them, failed under ``LRDSL_REQUIRE_FRAMEWORKS=1``.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from lrdsl.serve.server import make_server
from tests.frameworks import REQUIRED, need

BROWSER_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
"""As this machine's closed network needs: no background connections, no update checks."""


def chromium() -> str:
    path = os.environ.get("LRDSL_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if REQUIRED:
            pytest.fail("chromium is required (LRDSL_REQUIRE_FRAMEWORKS=1): apt-get install chromium")
        pytest.skip("chromium is not installed")
    return path


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    server = make_server("127.0.0.1", 0)
    server.RequestHandlerClass.quiet = True  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = need("playwright.sync_api")
    executable = chromium()
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, headless=True, args=BROWSER_FLAGS)
        yield launched
        launched.close()


# The page's Content-Security-Policy forbids evaluating strings as script, which is how Playwright
# waits on a condition: the test's contexts bypass it (test_serve_api.py checks the header is sent).


@pytest.fixture()
def page(browser: Any, url: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    page.wait_for_selector("#plot svg path.main")
    yield page
    context.close()
    assert not errors, errors  # no script error on the page


def path_of(page: Any) -> str:
    return str(page.get_attribute("#plot svg path.main", "d"))


def type_expr(page: Any, text: str) -> None:
    page.fill("#expr", text)


def test_typing_redraws_the_curve(page: Any) -> None:
    before = path_of(page)
    type_expr(page, "cosine(0.1→0)")
    page.wait_for_function("d => document.querySelector('#plot svg path.main').getAttribute('d') !== d", arg=before)
    assert path_of(page) != before
    assert page.locator("#phases table tbody tr").count() >= 1
    assert "cosine(0.1→0)" in page.locator("#phases table tbody").inner_text()
    assert page.is_hidden("#error")


def test_a_typo_shows_the_caret_and_the_hint(page: Any) -> None:
    type_expr(page, "warmup(linear, 5ep) >> cosin(0.1→0)")
    page.wait_for_selector("#error:not([hidden])")
    text = page.inner_text("#error")
    assert "unknown shape 'cosin'" in text and "did you mean 'cosine'?" in text
    caret_line = text.splitlines()[2]
    assert caret_line.strip() == "^^^^^" and caret_line.index("^") == 2 + len("warmup(linear, 5ep) >> ")
    assert page.get_attribute("#error", "data-column") == "24"
    type_expr(page, "warmup(linear, 5ep) >> cosine(0.1→0)")
    page.wait_for_selector("#error", state="hidden")


def test_warnings_show_below(page: Any) -> None:
    type_expr(page, "cosine(0.1→0, 20000)")
    page.wait_for_selector("#warnings li")
    assert "cosine(0.1→0, 20000)" in page.inner_text("#warnings")


def test_code_tabs_switch_and_keep_the_choice_in_the_link(page: Any) -> None:
    page.wait_for_function("document.querySelector('#code').textContent.includes('def lr')")
    page.click("#tabs [data-target=torch]")
    page.wait_for_function("document.querySelector('#code').textContent.includes('LRScheduler')")
    assert page.get_attribute("#tabs [data-target=torch]", "aria-selected") == "true"
    assert "target=torch" in page.evaluate("location.hash")


def test_a_share_link_reproduces_the_page(browser: Any, url: str) -> None:
    expr = "warmup(linear, 100) >> step(0.1, gamma=0.5, every=200)"
    link = f"{url}#expr={quote(expr)}&steps=2000&target=optax&log=1"
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(link)
    page.wait_for_function("document.querySelector('#code').textContent.includes('jnp')")
    assert page.input_value("#expr") == expr and page.input_value("#total") == "2000"
    assert page.is_checked("#log")
    steps = page.evaluate("document.querySelectorAll('#phases tbody tr').length")
    assert steps >= 2
    # the page's own link after an edit holds the edit
    page.fill("#total", "3000")
    page.wait_for_function("location.hash.includes('steps=3000')")
    again = context.new_page()
    again.goto(page.url)
    again.wait_for_selector("#plot svg path.main")
    assert again.input_value("#total") == "3000" and again.input_value("#expr") == expr
    context.close()


def test_hover_shows_step_value_and_phase(page: Any) -> None:
    box = page.locator("#plot svg").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.03, box["y"] + box["height"] / 2)
    page.wait_for_selector("#tooltip:not([hidden])")
    assert page.inner_text("#tooltip").startswith("step ") and "warmup" in page.inner_text("#tooltip")


def test_dragging_zooms_and_double_click_restores(page: Any) -> None:
    box = page.locator("#plot svg").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.2, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.3, y)
    page.mouse.up()
    page.wait_for_function("document.querySelector('#plot svg text:last-of-type') !== null")
    page.wait_for_function("!document.querySelector('#plot svg').textContent.includes('step 4999')")
    page.dblclick("#plot svg")
    page.wait_for_function("document.querySelector('#plot svg').textContent.includes('step 4999')")


def test_a_second_expression_overlays_and_is_compared(page: Any) -> None:
    type_expr(page, "cosine(0.1→0, 100)")
    page.fill("#total", "100")
    page.fill("#spe", "")
    page.fill("#expr2", "const(0.1, 1) >> cosine(0.1→0, 100)")
    page.wait_for_selector("#compare:not([hidden])")
    page.wait_for_function("document.querySelector('#compare').textContent.includes('suggestion')")
    assert "suggestion: cosine(0.1→0, 100) * offset(-1)" in page.inner_text("#compare")
    assert page.locator("#plot svg path.other").count() == 1


def test_a_dropped_curve_file_is_drawn_and_fitted(page: Any) -> None:
    import lrdsl

    y = lrdsl.evaluate("warmup(linear, 100) >> cosine(0.1→0)", 1000)
    csv = "step,lr\n" + "".join(f"{s},{float(v)!r}\n" for s, v in enumerate(y))
    transfer = page.evaluate_handle(
        "text => { const dt = new DataTransfer(); dt.items.add(new File([text], 'lr.csv', {type: 'text/csv'})); return dt; }",
        csv,
    )
    page.dispatch_event("#drop", "drop", {"dataTransfer": transfer})
    page.wait_for_function("document.querySelector('#fit').textContent.startsWith('exact')")
    assert page.inner_text("#fit") == "exact: linear(0→0.1, 100) >> cosine(0.1→0)"
    assert page.locator("#plot svg path.file").count() == 1
    page.click("#use-fit")
    page.wait_for_function("document.querySelector('#expr').value.startsWith('linear(0→0.1, 100)')")


def test_an_imported_call_becomes_the_expression(page: Any) -> None:
    page.click("#import summary")
    page.fill("#import-code", "OneCycleLR(opt, max_lr=0.1, total_steps=1000)")
    page.click("#import-go")
    page.wait_for_function("document.querySelector('#expr').value.startsWith('onecycle(0.1, 1000)')")


def test_examples_are_one_click_away(page: Any) -> None:
    page.wait_for_function("document.querySelectorAll('#examples option').length > 10")
    page.select_option("#examples", index=4)
    page.wait_for_function("document.querySelector('#expr').value.startsWith('wsd(')")
    page.wait_for_selector("#error", state="hidden")
