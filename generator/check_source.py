"""Map a link found in the built HTML back to where it was written.

A page's Markdown source is found from its site path (`site/a/b/index.html` <- `docs/a/b.md`,
`docs/a/b/index.md` or `docs/a/b/README.md`; `site/a.html` <- `docs/a.md`). In it, every place
a link can be written (inline and reference links, autolinks, raw HTML attributes, bare URLs)
is read with its line and column, skipping fenced code and code spans, and compared with the
HTML link by its *resolved* target: a relative `.md` link in Markdown becomes a directory URL
in HTML, so the two are equal only once both are resolved to a site file.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from generator.check_urls import clean_href, normalize_url, scheme_of, split_fragment

__all__ = ["iter_markdown_links", "markdown_sources", "md_to_site_files", "search_templates"]

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)")
_PATTERNS = [
    re.compile(r"\]\(\s*<([^>\n]*)>"),  # [text](<url>)
    re.compile(r"\]\(\s*((?:[^\s()]|\([^\s()]*\))+)"),  # [text](url "title")
    re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)"),  # [ref]: url
    re.compile(r"<([a-zA-Z][a-zA-Z0-9+.\-]*:[^\s<>]*)>"),  # <scheme:...> autolink
    re.compile(r"<([^\s<>@/]+@[^\s<>@]+\.[^\s<>@]+)>"),  # <user@host> autolink
    re.compile(
        r"""\b(?:href|src|srcset|action|data|poster|formaction|content|style)\s*=\s*"""
        r"""(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""",
        re.IGNORECASE,
    ),
    re.compile(r"""(?<![("'<=])\b((?:https?|ftp)://[^\s<>()\[\]"'`]+)"""),  # bare URL
]


def markdown_sources(site_path: str) -> list[str]:
    """Return the docs-relative Markdown files that may have produced a site page.

    Examples:
        >>> markdown_sources("a/b/index.html")
        ['a/b.md', 'a/b/index.md', 'a/b/README.md']
        >>> markdown_sources("a.html")
        ['a.md']
    """
    if site_path == "index.html":
        return ["index.md", "README.md"]
    if site_path.endswith("/index.html"):
        stem = site_path[: -len("/index.html")]
        return [f"{stem}.md", f"{stem}/index.md", f"{stem}/README.md"]
    if site_path.endswith(".html"):
        return [site_path[: -len(".html")] + ".md"]
    return []


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


def _blank_code(lines: list[str]) -> Iterator[tuple[int, str]]:
    fence: str | None = None
    for number, line in enumerate(lines, start=1):
        match = _FENCE.match(line)
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            continue
        if match:
            fence = match.group(1)
            continue
        yield number, _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)


def iter_markdown_links(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield `(line, column, url)` for each place a link is written, outside code.

    Values from raw HTML `srcset` and `style` attributes are yielded whole; callers compare
    by containment for those.
    """
    for number, line in _blank_code(text.splitlines()):
        seen: set[int] = set()
        for pattern in _PATTERNS:
            for match in pattern.finditer(line):
                index = next(
                    i for i in range(1, len(match.groups()) + 1) if match.group(i) is not None
                )
                start = match.start(index)
                if start in seen:
                    continue
                seen.add(start)
                yield number, start + 1, html.unescape(match.group(index))


def _written_key(url: str, doc_path: str) -> str | None:
    """The resolved key of a URL written in Markdown file `doc_path` (docs-relative)."""
    url = clean_href(url)
    if url.startswith("mailto:") or ("@" in url and scheme_of(url) is None and "/" not in url):
        return "mailto:" + url.removeprefix("mailto:")
    scheme = scheme_of(url)
    if scheme in ("http", "https"):
        return normalize_url(url)
    if scheme is not None or url.startswith("//"):
        return url
    before, fragment = split_fragment(url)
    path = before.split("?", 1)[0]
    if not path:
        return None
    doc_dir = posixpath.dirname(doc_path)
    target = posixpath.normpath(posixpath.join(doc_dir, path.lstrip("/")))
    return f"{target}#{fragment or ''}"


def find_written(
    text: str,
    doc_path: str,
    matches: Callable[[str | None, str], bool],
    occurrence: int = 0,
    literal: str | None = None,
) -> tuple[int, int] | None:
    """Find where a link was written in a Markdown file.

    Args:
        text: The Markdown text.
        doc_path: The file, docs-relative, to resolve relative links against.
        matches: Called with each written link's resolved key and its text as written;
            true when it is the link being looked for.
        occurrence: Which of several matching places (0-based) to return, when the page has
            the same link more than once; falls back to the first.
        literal: The link as found in HTML; when a written value (a `srcset` or `style`)
            contains it, the column points at it rather than at the value's start.

    Returns:
        `(line, column)`, or `None` when the link was not written in this file.
    """
    # In document order: several patterns read one line, each in its own pass.
    hits = sorted(
        (line, col + (url.index(literal) if literal and literal in url else 0))
        for line, col, url in iter_markdown_links(text)
        if matches(_written_key(url, doc_path), url)
    )
    if not hits:
        return None
    return hits[occurrence] if occurrence < len(hits) else hits[0]


def search_templates(dirs: list[Path], root: Path | None, url: str) -> tuple[str, int] | None:
    """Find the first template line containing `url` literally, for links from the theme.

    Returns:
        `(path, line)` with `path` relative to `root` when possible, or `None`.
    """
    if not url:
        return None
    escaped = html.escape(url, quote=True)
    for directory in dirs:
        for template in sorted(directory.rglob("*.html")):
            try:
                lines = template.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                continue
            for number, line in enumerate(lines, start=1):
                if url in line or escaped in line:
                    try:
                        shown = template.relative_to(root).as_posix() if root else template
                    except ValueError:
                        shown = template.as_posix()
                    return str(shown), number
    return None
