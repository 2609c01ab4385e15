"""Online mode of the link check: does each provided source answer?

Only provided sources are contacted, never any other host: a redirect to a host that is not
the host of a provided source is reported and not followed. Requests use the standard
library (urllib in a thread pool): a per-host concurrency limit, a timeout, retries with
exponential backoff that honour `Retry-After`, and an on-disk cache of successes with a
maximum age. A source found working within `max_age` is not contacted again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from generator.check.urls import host_of, normalize_url
from generator.codes import Code, codes_of
from generator.files import write_atomic
from generator.model import Finding, Location

# The HTTP machinery (urllib.request, ssl, threads) is imported when a check goes online:
# every offline `answersite check` would pay for it otherwise.
if TYPE_CHECKING:
    import urllib.request

__all__ = [
    "CACHE_FILE",
    "ONLINE_CODES",
    "OnlineOptions",
    "SourceStatus",
    "check_online",
    "check_sources",
]

ONLINE_CODES: dict[str, Code] = codes_of("online")
"""Every finding code of the online check, with its severity and meaning."""

CACHE_FILE = "online-cache.json"
"""The cache's file name in the cache folder."""
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_RETRY = frozenset({429, 502, 503, 504})


def _version() -> str:
    from generator import __version__

    return __version__


@dataclass(frozen=True)
class OnlineOptions:
    """How the online check asks the provided sources.

    Attributes:
        cache_dir: Where `online-cache.json` is kept, or `None` for no cache.
        max_age: Seconds a cached success stays valid; `0` checks everything again.
        timeout: Seconds per request.
        retries: Further attempts after a timeout, a connection error, 429 or 502-504.
        per_host: At most this many requests in flight to one host.
        workers: Threads in the pool.
        backoff: The first retry waits this long, doubling each time, unless the server
            sent `Retry-After`.
        max_retry_after: The longest wait honoured.
        max_redirects: Redirects followed within the sources' hosts.
        use_env_proxy: Use the `http(s)_proxy` environment variables.
        user_agent: The `User-Agent` header.
        sleep: Waits between retries (tests pass a recorder).
        now: The clock, for the cache and `Retry-After` dates.
    """

    cache_dir: Path | None = None
    max_age: float = 86400.0
    timeout: float = 10.0
    retries: int = 2
    per_host: int = 2
    workers: int = 8
    backoff: float = 1.0
    max_retry_after: float = 60.0
    max_redirects: int = 5
    use_env_proxy: bool = True
    user_agent: str = field(default_factory=lambda: f"answersite-linkcheck/{_version()}")
    sleep: Callable[[float], None] = time.sleep
    now: Callable[[], float] = time.time


@dataclass(frozen=True)
class SourceStatus:
    """How one provided source answered.

    Attributes:
        url: The source as written.
        status: The last HTTP status, or `None` when there was no answer.
        final_url: The last URL requested (after redirects within the sources).
        code: The finding code when it failed, else `None`.
        detail: What happened, for the message.
        cached: The result came from the cache; nothing was requested.
    """

    url: str
    status: int | None
    final_url: str
    code: str | None = None
    detail: str = ""
    cached: bool = False


def _opener(use_env_proxy: bool) -> urllib.request.OpenerDirector:
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        # Redirects are never followed by urllib: each hop's host is checked first.
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    handlers: list[urllib.request.BaseHandler] = [NoRedirect()]
    if not use_env_proxy:
        handlers.append(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener(*handlers)


def _retry_after(value: str | None, now: float) -> float | None:
    import email.utils

    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


def _lower(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {name.lower(): value for name, value in items}


class _Client:
    def __init__(self, hosts: set[str], options: OnlineOptions) -> None:
        import threading

        self.hosts = hosts
        self.s = options
        self.opener = _opener(options.use_env_proxy)
        self.limits = {h: threading.BoundedSemaphore(options.per_host) for h in hosts}

    def _request(self, url: str, method: str) -> tuple[int, dict[str, str]]:
        """Ask once; the status and the headers (names lower-cased)."""
        import urllib.error
        import urllib.request

        request = urllib.request.Request(
            url, method=method, headers={"User-Agent": self.s.user_agent}
        )
        with self.limits[host_of(url) or ""]:
            try:
                with self.opener.open(request, timeout=self.s.timeout) as response:
                    return response.status, _lower(response.headers.items())
            except urllib.error.HTTPError as error:
                error.close()
                return error.code, _lower(error.headers.items())

    def _attempts(self, url: str) -> tuple[int | None, Mapping[str, str], str]:
        import urllib.error

        retries, sleep = self.s.retries, self.s.sleep
        status: int | None = None
        headers: Mapping[str, str] = {}
        detail = ""
        for attempt in range(retries + 1):
            try:
                status, headers = self._request(url, "HEAD")
                if status in (405, 501):  # HEAD not supported: ask for the page
                    status, headers = self._request(url, "GET")
                detail = ""
            except (urllib.error.URLError, OSError) as error:
                status, headers = None, {}
                reason = getattr(error, "reason", error)
                detail = f"no answer ({reason})"
            if attempt == retries or (status is not None and status not in _RETRY):
                break
            wait = _retry_after(headers.get("retry-after"), self.s.now())
            if wait is None:
                wait = self.s.backoff * 2**attempt
            sleep(min(wait, self.s.max_retry_after))
        return status, headers, detail

    def check(self, url: str) -> SourceStatus:
        current, seen = url, {normalize_url(url)}
        for _hop in range(self.s.max_redirects + 1):
            status, headers, detail = self._attempts(current)
            if status is None:
                return SourceStatus(url, None, current, "source-unreachable", detail)
            if status in _REDIRECTS and headers.get("location"):
                target = urljoin(current, headers["location"])
                if host_of(target) not in self.hosts:
                    return SourceStatus(
                        url, status, current, "source-redirect-outside",
                        f"redirects ({status}) to '{target}', whose host is not a provided "
                        "source; not followed",
                    )  # fmt: skip
                if normalize_url(target) in seen:
                    return SourceStatus(
                        url, status, current, "source-redirect-loop", f"redirect loop at '{target}'"
                    )
                seen.add(normalize_url(target))
                current = target
                continue
            if status == 429:
                return SourceStatus(url, status, current, "source-rate-limited", "answered 429")
            if status >= 400:
                return SourceStatus(url, status, current, "source-broken", f"answered {status}")
            return SourceStatus(url, status, current)
        detail = f"more than {self.s.max_redirects} redirects"
        return SourceStatus(url, None, current, "source-redirect-loop", detail)


def _load_cache(path: Path | None) -> dict[str, Any]:
    import json

    if path is None or not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # a damaged cache is only a slower run
    return data.get("entries", {}) if isinstance(data, dict) and data.get("version") == 1 else {}


def _save_cache(path: Path, entries: dict[str, Any]) -> None:
    import json

    text = json.dumps({"version": 1, "entries": entries}, indent=1, sort_keys=True) + "\n"
    write_atomic(path, text)


def check_sources(urls: list[str], options: OnlineOptions | None = None) -> list[SourceStatus]:
    """Request each `http(s)` URL once (per normalised form) and report how it answered.

    Args:
        urls: The provided sources; other schemes are skipped.
        options: How to ask; the defaults of [`OnlineOptions`][generator.check.online.OnlineOptions]
            when `None`.

    Returns:
        One status per distinct source, sorted by URL.
    """
    from concurrent.futures import ThreadPoolExecutor

    options = options or OnlineOptions()
    cache_dir, max_age, now = options.cache_dir, options.max_age, options.now
    distinct: dict[str, str] = {}
    for url in sorted(urls):
        key = normalize_url(url)
        if key is not None:
            distinct.setdefault(key, url)
    cache_path = cache_dir / CACHE_FILE if cache_dir is not None else None
    cache = _load_cache(cache_path)
    started = now()
    results: dict[str, SourceStatus] = {}
    todo = []
    for key, url in distinct.items():
        entry = cache.get(key)
        if entry and max_age > 0 and started - entry.get("checked", 0) <= max_age:
            results[key] = SourceStatus(
                url, entry.get("status"), entry.get("url", url), cached=True
            )
        else:
            todo.append((key, url))
    client = _Client({host_of(u) or "" for u in distinct.values()}, options)
    with ThreadPoolExecutor(max_workers=max(1, options.workers)) as pool:
        for (key, _url), status in zip(
            todo, pool.map(client.check, [u for _, u in todo]), strict=True
        ):
            results[key] = status
    if cache_path is not None:
        fresh = {k: v for k, v in cache.items() if started - v.get("checked", 0) <= max_age}
        for key, _url in todo:
            if results[key].code is None:
                status = results[key]
                fresh[key] = {"checked": started, "status": status.status, "url": status.final_url}
        _save_cache(cache_path, fresh)
    return sorted(results.values(), key=lambda s: s.url)


def check_online(
    urls: Iterable[str],
    options: OnlineOptions | None = None,
    *,
    origins: Mapping[str, Location] | None = None,
) -> list[Finding]:
    """Check that each provided source answers; contact no other host.

    Args:
        urls: The provided sources' URLs: the only ones contacted, and the only hosts a
            redirect may go to.
        options: How to ask (timeouts, retries, cache).
        origins: Source URL -> where it is declared (e.g. the BibTeX entry), for locations.

    Returns:
        One finding per source that failed, sorted by URL.
    """
    statuses = check_sources(sorted(set(urls)), options)
    findings = []
    for status in statuses:
        if status.code is None:
            continue
        severity = ONLINE_CODES[status.code].severity
        message = f"provided source '{status.url}' {status.detail}"
        hint = {
            "source-redirect-outside": "replace the source's URL by where it now lives, if "
            "that is the same work",
            "source-broken": "check the URL in the reference set",
            "source-unreachable": "check the URL, or try again later (--online is not for CI)",
        }.get(status.code)
        location = (origins or {}).get(status.url)
        findings.append(Finding(status.code, severity, message, location, hint))
    return findings
