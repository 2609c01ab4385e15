"""The hostile corpus in a real browser: what the link check lets pass, Chromium does not
fetch or run.

Each page of `tests/fixtures/hostile/links/site/` is loaded in Debian's Chromium (through
Playwright), from a server this test starts on 127.0.0.1; every link, button and element
with an `onclick` is then clicked, one per fresh load. Every request to another address is
recorded and aborted (never sent). Every attempt to run script is recorded too: the server
sends a report-only Content Security Policy (`script-src 'none' 'report-sample'`), so the
browser reports each script and event handler it is about to run, with its first
characters, and still runs it.

Two assertions hold each other up:

- the corpus is real: what Chromium does with each page (fetches off the site, runs script
  that is not the theme's, or neither) is exactly the `chromium` column of
  `expected.tsv`;
- the check is sound on it: every page on which Chromium fetches from a host that is not a
  provided source, or runs script the theme's pages do not run, has an error of the check.
"""

from __future__ import annotations

import asyncio
import csv
import functools
import http.server
import json
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.check import LinkPolicy, check_site

CORPUS = Path(__file__).parent / "fixtures" / "hostile" / "links"
PAPER = "https://papers.example/abs/2104.00001"
POLICY = LinkPolicy({"q1": frozenset({PAPER})}, site_url="https://site.example/proj/")

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
CSP = "script-src 'none' 'report-sample'"
LISTEN = (
    "document.addEventListener('securitypolicyviolation', e => console.log('script-attempt ' +"
    " JSON.stringify([e.violatedDirective, e.sample, e.blockedURI])), true);"
)
CLICKABLE = "article a:not(.headerlink), article button, [onclick], svg a"
CLICK = (
    "([selector, index]) => document.querySelectorAll(selector)[index].dispatchEvent("
    "new MouseEvent('click', {bubbles: true, cancelable: true}))"
)
pytestmark = pytest.mark.e2e

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing: .ci/run must install Debian's chromium")
    pytest.skip(f"needs Debian's chromium at {CHROMIUM}", allow_module_level=True)
playwright = pytest.importorskip("playwright.async_api")


def expected_rows() -> list[dict[str, str]]:
    with (CORPUS / "expected.tsv").open(encoding="utf-8") as table:
        return list(csv.DictReader((ln for ln in table if ln[0] != "#"), delimiter="\t"))


def page_of(message: str) -> str:
    match = re.match(r"page (?:q1/)?([^/:]*?)(?:/|\.html)?: ", message)
    assert match is not None, message
    return match.group(1) or "index"


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the browser drops connections when a click navigates away


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy-Report-Only", CSP)
        super().end_headers()


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    handler = functools.partial(_Handler, directory=str(CORPUS / "site"))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _page_url(base_url: str, page: str) -> str:
    if page == "index":
        return base_url + "/"
    if (CORPUS / "site" / "q1" / f"{page}.html").is_file():
        return f"{base_url}/q1/{page}.html"
    return f"{base_url}/q1/{page}/"


async def _visit(browser: Any, base_url: str, page: str) -> tuple[set[str], set[str]]:
    """Load `page`, then click each clickable element in a fresh load; return the off-site
    URLs requested and the script attempts reported (directive, sample or blocked URL).

    One browser context per page: its route sees every request of every tab the page
    opens (`window.open`), so none leaves the machine.
    """
    requested: set[str] = set()
    attempts: set[str] = set()

    async def route(route: Any) -> None:
        if route.request.url.startswith(base_url):
            await route.continue_()
        else:
            requested.add(route.request.url)
            await route.abort()

    def console(message: Any) -> None:
        if message.text.startswith("script-attempt "):
            directive, sample, blocked = json.loads(message.text.split(" ", 1)[1])
            attempts.add(f"{directive} {sample or blocked.replace(base_url, '')}")

    context = await browser.new_context()
    try:
        await context.add_init_script(LISTEN)
        await context.route("**/*", route)
        context.on("console", console)
        tab = await context.new_page()
        url = _page_url(base_url, page)
        await tab.goto(url, wait_until="load")
        await tab.wait_for_timeout(100)
        for index in range(await tab.locator(CLICKABLE).count()):
            try:
                await tab.goto(url, wait_until="load")
                before = (len(requested), len(attempts))
                await tab.evaluate(CLICK, [CLICKABLE, index])
                for _ in range(20):  # until the click shows an effect, or half a second
                    await tab.wait_for_timeout(25)
                    if (len(requested), len(attempts)) != before or tab.url != url:
                        break
                await tab.wait_for_timeout(50)
            except playwright.Error:  # the click navigated away mid-evaluation
                pass
    finally:
        await context.close()
    return requested, attempts


async def _visit_all(base_url: str, pages: list[str]) -> dict[str, tuple[set[str], set[str]]]:
    """Visit the pages, a few at a time, in one browser."""
    async with playwright.async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            slots = asyncio.Semaphore(4)

            async def visit(page: str) -> tuple[set[str], set[str]]:
                async with slots:
                    return await _visit(browser, base_url, page)

            seen = await asyncio.gather(*(visit(page) for page in pages))
        finally:
            await browser.close()
    return dict(zip(pages, seen, strict=True))


@pytest.fixture(scope="module")
def behaviour(base_url: str) -> dict[str, tuple[set[str], set[str]]]:
    """Each page: the off-site requests Chromium made, the script it tried to run."""
    seen = asyncio.run(_visit_all(base_url, sorted({row["page"] for row in expected_rows()})))
    # The theme's own scripts: what the pages that must pass run.
    theme = seen["pass"][1] | seen["references"][1] | seen["index"][1]
    return {
        page: ({u for u in urls if not u.startswith(PAPER)}, attempts - theme)
        for page, (urls, attempts) in seen.items()
    }


def _kind(requests: set[str], scripts: set[str]) -> str:
    return "+".join(k for k, v in (("fetch", requests), ("script", scripts)) if v) or "none"


def test_the_corpus_is_what_chromium_does(
    behaviour: dict[str, tuple[set[str], set[str]]],
) -> None:
    expected = {row["page"]: row["chromium"] for row in expected_rows()}
    observed = {page: _kind(*seen) for page, seen in behaviour.items()}
    assert observed == expected


def test_whatever_chromium_fetches_or_runs_the_check_reports(
    behaviour: dict[str, tuple[set[str], set[str]]],
) -> None:
    reported = {page_of(f.message) for f in check_site(CORPUS / "site", POLICY)}
    acting = {page: seen for page, seen in behaviour.items() if seen[0] or seen[1]}
    unreported = {page: seen for page, seen in acting.items() if page not in reported}
    assert unreported == {}
    assert len(acting) >= 25
