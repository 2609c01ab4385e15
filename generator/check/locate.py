"""Locate each problem where it was written, and turn it into a finding.

A page's Markdown source is found from its site path (`site/a/b/index.html` <- `docs/a/b.md`,
`docs/a/b/index.md` or `docs/a/b/README.md`; `site/a.html` <- `docs/a.md`). In it, every place
a link can be written (inline and reference links, autolinks, raw HTML attributes, bare URLs)
is read with its line and column, skipping code as [`generator.scanner`][generator.scanner]
decides it, and compared with the HTML link by its *resolved* target: a relative `.md` link
in Markdown becomes a directory URL in HTML, so the two are equal only once both are
resolved to a site file. A link not written in Markdown is looked for in the theme's
templates, else reported at the built page.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from generator.check.place import find_problem, find_title_markup
from generator.check.problem import Problem
from generator.check.urls import (
    clean_href,
    md_to_site_files,
    normalize_url,
    scheme_of,
    split_fragment,
)
from generator.codes import CODES
from generator.model import Finding, Location
from generator.scanner import mask_code

__all__ = [
    "Locator",
    "find_written",
    "iter_markdown_links",
    "markdown_sources",
    "md_to_site_files",
    "search_templates",
]

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


def iter_markdown_links(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield `(line, column, url)` for each place a link is written, outside code.

    Values from raw HTML `srcset` and `style` attributes are yielded whole; callers compare
    by containment for those.
    """
    for number, line in enumerate(mask_code(text).splitlines(), start=1):
        if not line.strip():
            continue
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


def search_templates(
    dirs: Sequence[Path], root: Path | None, url: str, *, only: str | None = None
) -> tuple[str, int] | None:
    """Find the first template line containing `url` literally, for links from the theme.

    Args:
        dirs: The folders to search, for `*.html` files.
        root: Paths in the result are relative to it when possible.
        url: The text to find, as it is or HTML-escaped.
        only: Search only this file of the folders (relative to them).

    Returns:
        `(path, line)` with `path` relative to `root` when possible, or `None`.
    """
    if not url:
        return None
    escaped = html.escape(url, quote=True)
    for directory in dirs:
        files = [directory / only] if only else sorted(directory.rglob("*.html"))
        for template in files:
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


class Locator:
    """Turns problems into findings located where each link was written.

    Args:
        site_dir: The built site.
        docs_dir: The Markdown sources, or `None` to locate at the built pages.
        root: Paths in findings are relative to it when given, else to `site_dir`.
        templates: Template folders (`theme.custom_dir`) searched for links not written
            in Markdown.
    """

    def __init__(
        self, site_dir: Path, docs_dir: Path | None, root: Path | None, templates: Sequence[Path]
    ) -> None:
        self.site_dir = site_dir
        self.docs_dir = docs_dir
        self.root = root
        self.templates = tuple(templates)
        self._markdown: dict[str, tuple[str, str] | None] = {}

    def finding(self, problem: Problem, pages: int) -> Finding:
        """Return the finding for `problem`, seen on `pages` pages (theme links repeat)."""
        severity = CODES[problem.code].severity
        message = problem.message
        location = self._in_markdown(problem) or self._in_docs_html(problem)
        if location is None:
            template = search_templates(self.templates, self.root, problem.link.url)
            if template is not None:
                location = Location(*template)
            else:
                location = Location(self._rel(self.site_dir / problem.page))
                if problem.link.in_content:
                    message += " (in generated content: not written in the page's Markdown)"
                else:
                    message += f" (from theme ({problem.theme}))"
        if pages > 1:
            message += f" (on {pages} pages)"
        return Finding(problem.code, severity, message, location, problem.hint)

    def _rel(self, path: Path) -> str:
        base = self.root if self.root is not None else self.site_dir
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def _source(self, page: str) -> tuple[Path, str, str] | None:
        """The Markdown file a site page was built from: path, docs-relative name, text."""
        if self.docs_dir is None:
            return None
        if page not in self._markdown:
            self._markdown[page] = None
            for candidate in markdown_sources(page):
                path = self.docs_dir / candidate
                if path.is_file():
                    self._markdown[page] = (candidate, path.read_text(encoding="utf-8"))
                    break
        found = self._markdown[page]
        return None if found is None else (self.docs_dir / found[0], found[0], found[1])

    def _in_markdown(self, problem: Problem) -> Location | None:
        source = self._source(problem.page)
        if source is None:
            return None
        path, doc_path, text = source
        if problem.markup is not None:
            hit = find_problem(text, problem)
            return None if hit is None else Location(self._rel(path), *hit)
        wanted = clean_href(problem.link.url)
        key = problem.key
        # A link in the chrome was written in the Markdown only if the parser moved it there
        # (content that closes the theme's elements): then it is written exactly so.
        exact = not problem.link.in_content

        def matches(written_key: str | None, written: str) -> bool:
            if clean_href(written) == wanted or (
                problem.link.attr in ("srcset", "style", "refresh") and wanted in written
            ):
                return True
            if written_key is None or exact:
                return False
            if scheme_of(wanted) in ("http", "https"):
                return written_key == key or written_key == normalize_url(wanted)
            if scheme_of(written_key) is not None:
                return written_key == wanted
            target, _, fragment = written_key.partition("#")
            site_file, _, want_fragment = key.partition("#")
            return fragment == want_fragment and site_file in md_to_site_files(target)

        hit = find_written(text, doc_path, matches, problem.occurrence, problem.link.url)
        if hit is None and exact:
            hit = find_title_markup(text, problem.link.url)
        if hit is None:
            return None
        return Location(self._rel(path), *hit)

    def _in_docs_html(self, problem: Problem) -> Location | None:
        """A page written in HTML and copied as it is: the line that holds the problem."""
        if self.docs_dir is None or not (self.docs_dir / problem.page).is_file():
            return None
        link = problem.link
        wanted = link.url or (f"<{link.tag}" if not link.attr else f"{link.attr}=")
        found = search_templates([self.docs_dir], self.root, wanted, only=problem.page)
        return None if found is None else Location(*found)
