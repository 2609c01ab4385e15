"""The page reader of the link check: one HTML page -> its ids and its references.

Each page is parsed once with selectolax's lexbor backend (picked by measurement, see
`benchmarks/README.md`); only the ids and the references are kept, so memory does not grow
with the size of the pages. Text is never a link: a URL written inside a code block is
text, while an `<a href>` element is a link wherever it stands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from selectolax.lexbor import LexborHTMLParser, LexborNode

__all__ = ["Link", "Page", "extract_page", "parse_meta_refresh", "parse_srcset", "read_page"]

# Every element that references another resource, and the attributes that do.
_URL_ATTRS: dict[str, tuple[str, ...]] = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href", "imagesrcset"),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "iframe": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "script": ("src",),
    "form": ("action",),
    "input": ("src", "formaction"),
    "button": ("formaction",),
    "base": ("href",),
}
# Nearly every reference is an `a[href]` (Material repeats its navigation on every page), so
# it gets its own query and a tight loop keeping bare strings. Everything else the check
# needs (other references, ids, `a[name]`, citations) comes from one second query: each
# query walks the whole tree, and one walk with more alternatives costs less than several
# walks (measured: `benchmarks/README.md`). A node matching two alternatives comes twice.
_SELECTOR = ", ".join([*(tag for tag in _URL_ATTRS if tag != "a"), "meta", "style", "[style]"])
_ALL = "a[href], " + _SELECTOR
_REST = "[id], a[name], a.citation, " + _SELECTOR
_LINK_TAGS = frozenset([*_URL_ATTRS, "meta", "style"])
_CONTENT = ("article.md-content__inner", "[role=main]")
_CSS_URL = re.compile(
    r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s'"]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""",
    re.IGNORECASE,
)
_REFRESH = re.compile(r"""\s*[\d.]*\s*[;,]?\s*(?:url\s*=\s*)?(['"]?)(.*?)\1\s*""", re.I | re.S)


class Link(NamedTuple):
    """One reference found in a page (a named tuple: pages have thousands of these).

    Attributes:
        url: The attribute value as the parser decoded it (entities resolved).
        tag: The element, e.g. `a`, `img`, `meta`.
        attr: Where it was found: an attribute name, `style` or `refresh`.
        in_content: Inside the page's content (`<article>` / `role=main`), not the theme's chrome.
    """

    url: str
    tag: str
    attr: str
    in_content: bool


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
        content: Which `hrefs` are inside the content; empty unless asked for.
        cited: The fragments of the citation links (`a.citation`), e.g. `ref-kim2022`.
    """

    path: str
    ids: frozenset[str]
    hrefs: tuple[str, ...]
    others: tuple[Link, ...] = ()
    generator: str | None = None
    content: frozenset[int] = frozenset()
    cited: frozenset[str] = frozenset()

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


def parse_srcset(value: str) -> list[str]:
    """Return the URLs of a `srcset` value, following the HTML candidate-string rules.

    A URL runs to the next whitespace (so a `data:` URL may contain commas); trailing commas
    end the candidate; descriptors run to the next comma outside parentheses.
    """
    urls: list[str] = []
    pos, end = 0, len(value)
    while pos < end:
        while pos < end and (value[pos].isspace() or value[pos] == ","):
            pos += 1
        start = pos
        while pos < end and not value[pos].isspace():
            pos += 1
        url = value[start:pos]
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            depth = 0
            while pos < end and not (value[pos] == "," and depth == 0):
                depth += {"(": 1, ")": -1 if depth else 0}.get(value[pos], 0)
                pos += 1
        if url:
            urls.append(url)
    return urls


def parse_meta_refresh(content: str) -> str | None:
    """Return the URL of a `<meta http-equiv="refresh">` content, or `None` for a plain reload."""
    match = _REFRESH.fullmatch(content)
    url = match.group(2).strip() if match else ""
    return url or None


def _css_urls(text: str) -> list[str]:
    return [next(g for g in m.groups() if g is not None) for m in _CSS_URL.finditer(text)]


def _node_links(
    attrs: dict[str, str | None], tag: str, in_content: bool, node: LexborNode
) -> list[Link]:
    found: list[Link] = []
    for attr in _URL_ATTRS.get(tag, ()) if tag != "a" else ():  # `a[href]` is read apart
        value = attrs.get(attr)
        if value is None:
            continue
        if attr.endswith("srcset"):
            found.extend(Link(url, tag, attr, in_content) for url in parse_srcset(value))
        else:
            found.append(Link(value, tag, attr, in_content))
    if tag == "meta" and (attrs.get("http-equiv") or "").strip().lower() == "refresh":
        url = parse_meta_refresh(attrs.get("content") or "")
        if url is not None:
            found.append(Link(url, tag, "refresh", in_content))
    style = attrs.get("style")
    if style and "(" in style:
        found.extend(Link(url, tag, "style", in_content) for url in _css_urls(style))
    if tag == "style":
        found.extend(Link(url, tag, "style", in_content) for url in _css_urls(node.text() or ""))
    return found


def _content_nodes(tree: LexborHTMLParser) -> set[int]:
    for selector in _CONTENT:
        root = tree.css_first(selector)
        if root is not None:
            return {node.mem_id for node in root.css(_ALL)}
    return set()


def extract_page(path: str, html: str, *, content: bool = False) -> Page:
    """Parse one page and keep its ids and references.

    Args:
        path: The site-relative file, used only to label the result.
        html: The page's text.
        content: Also tell which links are inside the page's content. This costs another
            query, so the check asks for it only for the pages with a problem.

    Returns:
        The page's ids, its links (`a[href]` first, then the others, each in document
        order) and its generator meta.
    """
    tree = LexborHTMLParser(html)
    anchors = tree.css("a[href]")
    hrefs = tuple([node.attrs.get("href") or "" for node in anchors])
    inside: set[int] = set()
    in_content: frozenset[int] = frozenset()
    if content:
        inside = _content_nodes(tree)
        in_content = frozenset(i for i, node in enumerate(anchors) if node.mem_id in inside)
    links: list[Link] = []
    generator = None
    ids: set[str] = set()
    cited: set[str] = set()
    done: set[int] = set()
    for node in tree.css(_REST):
        mem_id = node.mem_id
        if mem_id in done:
            continue
        done.add(mem_id)
        tag = node.tag or ""
        attrs = node.attributes
        if node_id := attrs.get("id"):
            ids.add(node_id)
        if tag == "a":  # its `href` is read apart
            if name := attrs.get("name"):
                ids.add(name)
            if "citation" in (attrs.get("class") or "").split():
                cited.add((attrs.get("href") or "").partition("#")[2])
            continue
        if tag == "meta" and attrs.get("name") == "generator":
            generator = attrs.get("content")
        if tag in _LINK_TAGS or "style" in attrs:  # not an element matched only by its id
            links.extend(_node_links(attrs, tag, mem_id in inside, node))
    cited.discard("")
    return Page(path, frozenset(ids), hrefs, tuple(links), generator, in_content, frozenset(cited))


def read_page(site_dir: Path, path: str) -> Page:
    """Read and extract the page `path` (site-relative) of the site in `site_dir`."""
    text = (site_dir / path).read_text(encoding="utf-8", errors="replace")
    return extract_page(path, text)
