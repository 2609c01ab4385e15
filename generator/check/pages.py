"""The page reader of the link check: one HTML page -> its ids, its references, and the
markup it holds that the check does not allow.

Each page is parsed once with selectolax's lexbor backend and walked once by the
[`PageReader`][generator.check.reader.PageReader] (picked by measurement, see
`benchmarks/README.md`); only the ids, the references and the markup problems are kept, so
memory does not grow with the size of the pages. Text is never a link: a URL written inside
a code block is text, while an `<a href>` element is a link wherever it stands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from generator.check.found import CHROME, CONTENT, Link, Markup, parse_meta_refresh, parse_srcset
from generator.check.reader import PageReader
from generator.check.tags import content_span

__all__ = [
    "CHROME",
    "CONTENT",
    "Link",
    "Markup",
    "Page",
    "extract_page",
    "parse_meta_refresh",
    "parse_srcset",
    "read_page",
]

_HEAD_END = re.compile("</head[^>]*>", re.I)


@dataclass(frozen=True)
class Page:
    """What the check keeps of one HTML page.

    Attributes:
        path: The site-relative file, e.g. `q1/task/index.html`.
        ids: Every `id` and `a[name]` in the page.
        hrefs: The URLs of the `a[href]` links, in document order: nearly every reference,
            kept as bare strings because there are so many.
        others: Every other reference, in document order.
        generator: The `<meta name="generator">` content, naming the theme, or `None`.
        content: Which `hrefs` are inside the content.
        cited: The fragments of the citation links (`a.citation`), e.g. `ref-kim2022`.
        markup: What the page holds that the check does not allow, in the order found.
    """

    path: str
    ids: frozenset[str]
    hrefs: tuple[str, ...]
    others: tuple[Link, ...] = ()
    generator: str | None = None
    content: frozenset[int] = frozenset()
    cited: frozenset[str] = frozenset()
    markup: tuple[Markup, ...] = ()

    @property
    def links(self) -> tuple[Link, ...]:
        """Every reference: the `a[href]` links, then the others."""
        anchors = tuple(
            Link(url, "a", "href", i in self.content) for i, url in enumerate(self.hrefs)
        )
        return anchors + self.others

    def link(self, index: int) -> Link:
        """The reference at `index` of [`links`][generator.check.pages.Page.links]."""
        if index < len(self.hrefs):
            return Link(self.hrefs[index], "a", "href", index in self.content)
        return self.others[index - len(self.hrefs)]


def extract_page(path: str, html: str) -> Page:
    """Parse one page and keep its ids, its references and the markup it may not hold.

    Args:
        path: The site-relative file, used only to label the result.
        html: The page's text.

    Returns:
        The page's ids, its links (`a[href]` first, then the others, each in document
        order), its generator meta, and its markup problems.
    """
    tree = LexborHTMLParser(html)
    root = tree.root
    span = content_span(html)
    # A page of the theme names its content element; most other pages never say "main".
    reader = PageReader(html, themed=span is not None or "main" in html)
    if root is not None:
        reader.walk(root.traverse())
        if reader.themed and not reader.roots:  # no content element after all
            reader = PageReader(html, themed=False)
            reader.walk(root.traverse())
    if not reader.themed:  # the whole body is content
        head = _HEAD_END.search(html)
        span = (head.end() if head else 0, len(html))
    elif span is not None:
        reader.title_closed(span)
    reader.clashes()
    if span is not None:
        reader.written(span)
    return Page(
        path,
        frozenset(reader.ids),
        tuple(reader.hrefs),
        tuple(reader.others),
        reader.generator,
        frozenset(reader.content),
        frozenset(reader.cited),
        tuple(reader.markup),
    )


def read_page(site_dir: Path, path: str) -> Page:
    """Read and extract the page `path` (site-relative) of the site in `site_dir`."""
    text = (site_dir / path).read_text(encoding="utf-8", errors="replace")
    return extract_page(path, text)
