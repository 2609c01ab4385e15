"""Helpers for the browser tests: serve a folder on 127.0.0.1, drive Debian's Chromium."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


def require_chromium() -> Any:
    """Skip the calling module without Debian's Chromium (an error in CI); Playwright's API."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            raise RuntimeError(f"{CHROMIUM} is missing: .ci/run must install Debian's chromium")
        pytest.skip(f"needs Debian's chromium at {CHROMIUM}", allow_module_level=True)
    return pytest.importorskip("playwright.sync_api")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 (a free port) until the block ends; yield its URL."""
    handler = functools.partial(_Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextlib.contextmanager
def chromium(api: Any) -> Iterator[Any]:
    """Debian's Chromium, headless, never a downloaded build."""
    with api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def only_local(page: Any, base_url: str) -> None:
    """Let requests to the site through; abort (never send) any other."""
    page.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(base_url) else route.abort()
        ),
    )


AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
"""axe-core, installed from npm by `npm ci --prefix tests` (pinned in tests/package-lock.json)."""


def require_axe() -> str:
    """axe-core's script, to inject into a page; skip without it (an error in CI)."""
    if not AXE.is_file():
        if os.environ.get("CI"):
            raise RuntimeError(f"{AXE} is missing: .ci/run must run `npm ci --prefix tests`")
        pytest.skip("needs axe-core: run `npm ci --prefix tests` once", allow_module_level=True)
    return AXE.read_text(encoding="utf-8")


def artefacts_dir() -> Path:
    """Where the browser tests write what people look at (screenshots, PDFs).

    `tests/artefacts/` (ignored by git), or the folder in `ANSWERSITE_ARTEFACTS`.
    """
    folder = Path(os.environ.get("ANSWERSITE_ARTEFACTS") or Path(__file__).parent / "artefacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def record_off_site(page: Any, base_url: str) -> list[str]:
    """Abort every request that is not to the site (`only_local`); list every one made."""
    outside: list[str] = []
    page.on(
        "request",
        lambda request: None if request.url.startswith(base_url) else outside.append(request.url),
    )
    only_local(page, base_url)
    return outside
