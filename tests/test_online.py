"""Tests for generator.check.online against a local HTTP server on 127.0.0.1 only.

A guard fixture makes any name lookup other than 127.0.0.1 fail the test, so a redirect to
an outside host that were followed would be caught, not sent.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from generator.check.online import (
    CACHE_FILE,
    ONLINE_CODES,
    OnlineOptions,
    check_online,
    check_sources,
)
from generator.model import Location, Severity


class _Handler(BaseHTTPRequestHandler):
    log: ClassVar[list[tuple[str, str]]] = []
    counts: ClassVar[dict[str, int]] = {}
    in_flight: ClassVar[int] = 0
    max_in_flight: ClassVar[int] = 0
    lock = threading.Lock()

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _route(self) -> None:
        path = self.path.split("?", 1)[0]
        cls = type(self)
        with cls.lock:
            cls.log.append((self.command, self.path))
            cls.counts[path] = cls.counts.get(path, 0) + 1
            count = cls.counts[path]
        if path == "/ok":
            self._send(200)
        elif path == "/missing":
            self._send(404)
        elif path == "/limited":  # 429 twice, then fine
            self._send(429, {"Retry-After": "1"}) if count <= 2 else self._send(200)
        elif path == "/always-limited":
            self._send(429, {"Retry-After": "0"})
        elif path == "/unavailable-until":
            self._send(503, {"Retry-After": "Thu, 01 Jan 2099 00:00:00 GMT"})
        elif path == "/slow":
            time.sleep(1.0)
            self._send(200)
        elif path == "/busy":
            with cls.lock:
                cls.in_flight += 1
                cls.max_in_flight = max(cls.max_in_flight, cls.in_flight)
            time.sleep(0.15)
            with cls.lock:
                cls.in_flight -= 1
            self._send(200)
        elif path == "/chain1":
            self._send(302, {"Location": "/chain2"})
        elif path == "/chain2":
            self._send(301, {"Location": f"http://127.0.0.1:{self.server.server_port}/ok"})
        elif path == "/outside":
            self._send(302, {"Location": "http://outside.example/landing"})
        elif path == "/loop":
            self._send(307, {"Location": "/loop"})
        elif path == "/get-only":
            self._send(405) if self.command == "HEAD" else self._send(200)
        else:
            self._send(500)

    do_GET = _route
    do_HEAD = _route


@pytest.fixture
def server() -> Iterator[str]:
    _Handler.log, _Handler.counts = [], {}
    _Handler.in_flight = _Handler.max_in_flight = 0
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@pytest.fixture(autouse=True)
def only_localhost(monkeypatch: pytest.MonkeyPatch) -> None:
    real = socket.getaddrinfo

    def guarded(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in ("127.0.0.1", b"127.0.0.1"):
            raise AssertionError(f"test tried to contact {host!r}")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)


def sources(base: str, *paths: str, **kwargs: Any) -> dict[str, Any]:
    waits: list[float] = []
    options: dict[str, Any] = {
        "timeout": 2.0,
        "retries": 2,
        "per_host": 4,
        "use_env_proxy": False,
        "sleep": waits.append,
    }
    options.update(kwargs)
    statuses = check_sources([base + p for p in paths], OnlineOptions(**options))
    return {"statuses": {s.url.removeprefix(base): s for s in statuses}, "waits": waits}


def test_ok_and_broken(server: str) -> None:
    result = sources(server, "/ok", "/missing")["statuses"]
    assert (result["/ok"].status, result["/ok"].code) == (200, None)
    assert (result["/missing"].status, result["/missing"].code) == (404, "source-broken")


def test_retry_after_is_honoured(server: str) -> None:
    result = sources(server, "/limited")
    assert result["statuses"]["/limited"].code is None
    assert result["waits"] == [1.0, 1.0]
    assert _Handler.counts["/limited"] == 3


def test_retry_after_date_is_capped(server: str) -> None:
    result = sources(server, "/unavailable-until", retries=1, max_retry_after=5.0)
    assert result["waits"] == [5.0]
    assert result["statuses"]["/unavailable-until"].code == "source-broken"


def test_rate_limited_after_retries(server: str) -> None:
    result = sources(server, "/always-limited", retries=3)
    assert result["statuses"]["/always-limited"].code == "source-rate-limited"
    assert result["waits"] == [0.0, 0.0, 0.0]
    assert _Handler.counts["/always-limited"] == 4


def test_timeout_retries_with_backoff(server: str) -> None:
    result = sources(server, "/slow", timeout=0.2, retries=2, backoff=0.5)
    status = result["statuses"]["/slow"]
    assert status.code == "source-unreachable"
    assert status.status is None
    assert result["waits"] == [0.5, 1.0]


def test_redirect_chain_within_sources_is_followed(server: str) -> None:
    status = sources(server, "/chain1")["statuses"]["/chain1"]
    assert (status.code, status.status) == (None, 200)
    assert status.final_url == server + "/ok"
    assert [p for _, p in _Handler.log] == ["/chain1", "/chain2", "/ok"]


def test_redirect_outside_is_reported_not_followed(server: str) -> None:
    status = sources(server, "/outside")["statuses"]["/outside"]
    assert status.code == "source-redirect-outside"
    assert "'http://outside.example/landing'" in status.detail
    assert "not followed" in status.detail
    assert [p for _, p in _Handler.log] == ["/outside"]


def test_redirect_loop(server: str) -> None:
    assert sources(server, "/loop")["statuses"]["/loop"].code == "source-redirect-loop"


def test_head_not_allowed_falls_back_to_get(server: str) -> None:
    assert sources(server, "/get-only")["statuses"]["/get-only"].code is None
    assert [m for m, _ in _Handler.log] == ["HEAD", "GET"]


@pytest.mark.parametrize(("per_host", "bound"), [(1, 1), (2, 2)])
def test_per_host_limit(server: str, per_host: int, bound: int) -> None:
    paths = [f"/busy?n={i}" for i in range(6)]
    result = sources(server, *paths, per_host=per_host, workers=6)["statuses"]
    assert all(s.code is None for s in result.values())
    assert 1 <= _Handler.max_in_flight <= bound


def test_cache_skips_recent_successes_only(server: str, tmp_path: Path) -> None:
    clock = [1000.0]
    kwargs = {"cache_dir": tmp_path, "max_age": 60.0, "now": lambda: clock[0]}
    sources(server, "/ok", "/missing", **kwargs)
    assert (tmp_path / CACHE_FILE).is_file()
    _Handler.log.clear()
    again = sources(server, "/ok", "/missing", **kwargs)["statuses"]
    assert again["/ok"].cached
    assert not again["/missing"].cached
    assert [p for _, p in _Handler.log] == ["/missing"]
    clock[0] += 61.0
    _Handler.log.clear()
    sources(server, "/ok", **kwargs)
    assert [p for _, p in _Handler.log] == ["/ok"]


def test_damaged_cache_is_ignored(server: str, tmp_path: Path) -> None:
    (tmp_path / CACHE_FILE).write_text("{not json")
    result = sources(server, "/ok", cache_dir=tmp_path)["statuses"]
    assert result["/ok"].code is None


def test_check_online_findings(server: str) -> None:
    urls = [server + "/ok", server + "/outside", "mailto:x@y"]
    origin = Location("references/sources.bib", 12)
    options = OnlineOptions(cache_dir=None, timeout=2.0, retries=0, use_env_proxy=False)
    findings = check_online(urls, options, origins={server + "/outside": origin})
    (finding,) = findings
    assert finding.code == "source-redirect-outside"
    assert finding.severity is Severity.ERROR is ONLINE_CODES[finding.code][0]
    assert finding.location == origin
    assert finding.message == (
        f"provided source '{server}/outside' redirects (302) to "
        "'http://outside.example/landing', whose host is not a provided source; not followed"
    )
