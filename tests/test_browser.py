"""The built default site in a real browser (Debian's Chromium, driven by Playwright).

Asserts what only a browser shows: every request stays on the site's own server (Material
would fetch Mermaid from a CDN if the site did not ship it), the Mermaid diagram renders,
citations carry their hover titles and lead to the entry, and search finds the sources.
The test serves the site itself on 127.0.0.1 and stops the server.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
pytestmark = pytest.mark.e2e

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing: .ci/run must install Debian's chromium")
    pytest.skip(f"needs Debian's chromium at {CHROMIUM}", allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base_url(built_site: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def browser(base_url: str) -> Iterator[object]:
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _only_local(page: object, base_url: str) -> None:
    """Let requests to the site through; abort (never send) any other."""
    page.route(  # type: ignore[attr-defined]
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(base_url) else route.abort()
        ),
    )


def test_pages_request_nothing_but_the_site_and_render_the_diagram(
    browser: object, base_url: str
) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    _only_local(page, base_url)
    page.goto(base_url + "/phone-3x-upscale/workflow/", wait_until="networkidle")
    # Material swaps `pre.mermaid` for a `div.mermaid` holding the SVG in a closed shadow root.
    diagram = page.locator("div.mermaid").first
    diagram.wait_for(state="visible", timeout=15000)
    box = diagram.bounding_box()
    assert box is not None and box["height"] > 400, "the workflow diagram did not render"
    assert page.locator("pre.mermaid").count() == 0
    for path in (
        "/",
        "/phone-3x-upscale/",
        "/phone-3x-upscale/references/",
        "/bibliography/",
        "/reference/api/",
        "/checking/",
    ):
        page.goto(base_url + path, wait_until="networkidle")
    outside = sorted({url for url in requested if not url.startswith(base_url)})
    assert outside == [], f"third-party requests: {outside}"
    page.close()


def test_citations_have_titles_and_search_finds_the_sources(browser: object, base_url: str) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    _only_local(page, base_url)
    page.goto(base_url + "/phone-3x-upscale/", wait_until="networkidle")
    first = page.locator("a.citation").first
    assert first.get_attribute("title")
    first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.startswith(base_url + "/phone-3x-upscale/references/#ref-")
    page.goto(base_url + "/", wait_until="networkidle")
    page.keyboard.press("s")  # Material's search shortcut
    page.locator("input.md-search__input").press_sequentially("FeatSharp", delay=20)
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=15000)
    assert "FeatSharp" in page.locator(".md-search-result").inner_text()
    page.close()
