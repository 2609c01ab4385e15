"""URL handling for the link check: clean what a browser would clean, normalise, resolve.

Pure functions over strings. The normalisation is the only equality the check knows
(documented in `docs/about-this-site/checking.md`):

- the schemes `http` and `https` are one; the host is compared lower-cased (and a Unicode
  host in its IDNA form); a default port (`:80`, `:443`) is dropped; a trailing `/` on the
  path is dropped; percent-escapes of unreserved characters are decoded and the others
  upper-cased; the fragment is ignored;
- `arxiv.org/abs/<id>`, `arxiv.org/pdf/<id>` and `arxiv.org/pdf/<id>.pdf` are one source.

Nothing else is equal: user info (`https://arxiv.org@evil.example/`), a scheme-relative
URL (`//host/`), a sub-domain, a trailing dot on the host, `www.`, dot segments and a
different query all make a different URL.
"""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote

__all__ = [
    "InternalTarget",
    "clean_href",
    "host_of",
    "md_to_site_files",
    "normalize_url",
    "resolve_internal",
    "scheme_of",
    "split_fragment",
    "url_rest",
]

_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_C0_AND_SPACE = "".join(chr(i) for i in range(0x21))
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# Characters that may stand unescaped in a path or query; everything else is %-encoded.
_ALLOWED = _UNRESERVED | frozenset("!$&'()*+,;=:@/?%")
_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9\-._~!$&'()*+,;=:@/?%]")
_BAD_HOST = re.compile(r"[ <>\\^|%/?#@\[\]]")
_ARXIV = re.compile(r"/(?:abs|pdf)/(.+?)(?:\.pdf)?")
_DEFAULT_PORT = {"http": "80", "https": "443"}


def clean_href(raw: str) -> str:
    """Clean an attribute value as a browser does before parsing it as a URL.

    Leading and trailing C0 controls and spaces are stripped and tabs and newlines removed
    anywhere, so `java\\nscript:` is `javascript:`.
    """
    return _TAB_OR_NEWLINE.sub("", raw.strip(_C0_AND_SPACE))


def scheme_of(href: str) -> str | None:
    """Return the lower-cased scheme of a cleaned href, or `None` for a relative reference."""
    match = _SCHEME.match(href)
    return match.group(1).lower() if match else None


def split_fragment(href: str) -> tuple[str, str | None]:
    """Split `href` into the part before `#` and the fragment (`None` when there is no `#`)."""
    before, sep, fragment = href.partition("#")
    return before, (fragment if sep else None)


def _normalize_percent(text: str) -> str:
    def fix(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED else "%" + match.group(1).upper()

    if "%" in text:
        text = _PERCENT.sub(fix, text)
    if not _NOT_ALLOWED.search(text):
        return text
    out = []
    for char in text:
        if char in _ALLOWED:
            out.append(char)
        else:
            out.extend(f"%{b:02X}" for b in char.encode("utf-8"))
    return "".join(out)


def _normalize_host(host: str) -> str | None:
    host = unquote(host).lower()
    if not host:
        return None
    if host.startswith("["):
        return host if host.endswith("]") and len(host) > 2 else None
    if _BAD_HOST.search(host):
        return None
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    return host


def _split_authority(rest: str) -> tuple[str, str]:
    # WHATWG: for http(s) any run of `/` or `\` precedes the authority, which ends at the
    # first `/`, `\`, `?` or `#`.
    rest = rest.lstrip("/\\")
    match = re.search(r"[/\\?#]", rest)
    end = match.start() if match else len(rest)
    return rest[:end], rest[end:]


def host_of(url: str) -> str | None:
    """Return the normalised `host[:port]` of an `http(s)` URL, or `None`."""
    key = normalize_url(url)
    if key is None:
        return None
    authority = key[2:].split("/", 1)[0]
    return authority.rsplit("@", 1)[-1]


@functools.lru_cache(maxsize=4096)
def normalize_url(url: str) -> str | None:
    """Return the comparison key of an `http(s)` URL, or `None` if it is not one or is invalid.

    The key is scheme-free: `//host[:port]/path[?query]`, with user info kept in front of
    the host so that it never equals a URL without it.

    Examples:
        >>> normalize_url("HTTPS://ArXiv.org:443/pdf/2104.00001.pdf#page=2")
        '//arxiv.org/abs/2104.00001'
        >>> normalize_url("https://arxiv.org@evil.example/")
        '//arxiv.org@evil.example'
    """
    url = clean_href(url)
    scheme = scheme_of(url)
    if scheme not in ("http", "https"):
        return None
    authority, rest = _split_authority(url[len(scheme) + 1 :])
    userinfo, at, hostport = authority.rpartition("@")
    host, port = hostport, ""
    port_match = re.fullmatch(r"(.*?):(\d*)", hostport)
    if port_match and not hostport.endswith("]"):
        host, port = port_match.groups()
    elif ":" in hostport and not hostport.startswith("["):
        return None
    norm_host = _normalize_host(host)
    if norm_host is None:
        return None
    if port:
        port = str(int(port))
        if int(port) > 65535:
            return None
    if port == _DEFAULT_PORT[scheme]:
        port = ""
    rest = rest.split("#", 1)[0].replace("\\", "/")
    path, qmark, query = rest.partition("?")
    path = _normalize_percent(path).rstrip("/")
    if norm_host == "arxiv.org" and not userinfo and not port:
        arxiv = _ARXIV.fullmatch(path)
        if arxiv:
            path = f"/abs/{arxiv.group(1)}"
    key = "//" + (f"{_normalize_percent(userinfo)}@" if at else "") + norm_host
    key += f":{port}" if port else ""
    key += path
    if qmark and query:
        key += "?" + _normalize_percent(query)
    return key


@dataclass(frozen=True)
class InternalTarget:
    """Where an internal link points.

    Attributes:
        path: The site-relative path with `/` separators, `""` for the site root.
        directory: The URL named a directory (ends in `/`, or is `.`/`..`).
        fragment: The fragment, or `None`.
    """

    path: str
    directory: bool
    fragment: str | None


def resolve_internal(page_dir: str, href: str, *, base_path: str = "/") -> InternalTarget | None:
    """Resolve a relative or root-relative href against the page's directory.

    Args:
        page_dir: The page's URL directory in the site, e.g. `q1/task` (`""` for the root).
        href: A cleaned href with no scheme and not starting with `//`.
        base_path: The path of `site_url` (`/proj/`), which root-relative links start with.

    Returns:
        The target, or `None` when it leaves the site (above the root or outside `base_path`).
    """
    before, fragment = split_fragment(href)
    path = before.split("?", 1)[0].replace("\\", "/")
    if path.startswith("/"):
        prefix = "/" + base_path.strip("/")
        if prefix != "/" and path != prefix and not path.startswith(prefix + "/"):
            return None
        path = path[len(prefix) :] if prefix != "/" else path
        joined = path.lstrip("/")
    elif path:
        joined = f"{page_dir}/{path}" if page_dir else path
    else:  # only a fragment or a query: this page
        return InternalTarget(page_dir, True, fragment)
    last = joined.rsplit("/", 1)[-1]
    directory = joined == "" or joined.endswith("/") or last in (".", "..")
    norm = posixpath.normpath(joined) if joined else "."
    if norm == ".":
        norm = ""
    if norm == ".." or norm.startswith("../") or norm.startswith("/"):
        return None
    return InternalTarget(unquote(norm), directory, fragment)


def md_to_site_files(doc_path: str) -> set[str]:
    """Return the site files a docs file becomes, with and without directory URLs."""
    if not doc_path.endswith(".md"):
        return {doc_path}
    stem = doc_path[:-3]
    name = stem.rsplit("/", 1)[-1]
    parent = stem.rsplit("/", 1)[0] if "/" in stem else ""
    if name in ("index", "README"):
        return {posixpath.join(parent, "index.html")}
    return {f"{stem}/index.html", f"{stem}.html"}


def url_rest(url: str) -> str:
    """Return what follows the authority of an `http(s)` URL: path, query and fragment."""
    scheme = scheme_of(url) or ""
    return _split_authority(url[len(scheme) + 1 :])[1] or "/"
