"""The built default site in a real browser (Debian's Chromium, driven by Playwright).

Asserts what only a browser shows: every request stays on the site's own server (Material
would fetch Mermaid from a CDN if the site did not ship it), the Mermaid diagram renders,
citations carry their hover titles and lead to the entry, and search finds the sources.
The test serves the site itself on 127.0.0.1 and stops the server.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import chromium, only_local, require_chromium, serve

pytestmark = pytest.mark.e2e
playwright = require_chromium()


@pytest.fixture(scope="module")
def base_url(built_site: Path) -> Iterator[str]:
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="module")
def browser(base_url: str) -> Iterator[object]:
    with chromium(playwright) as launched:
        yield launched


_only_local = only_local


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
        "/about-this-site/api/",
        "/about-this-site/checking/",
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
