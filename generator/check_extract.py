"""Extract stage of the link check: one HTML page -> its ids and its references.

Each page is parsed once with selectolax's lexbor backend (picked by measurement, see
`benchmarks/README.md`); only the ids and the references are kept, so memory does not grow
with the size of the pages. Text is never a link: a URL written inside a code block is
text, while an `<a href>` element is a link wherever it stands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

__all__ = ["Link", "Page", "extract_page", "parse_meta_refresh", "parse_srcset"]

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
_SELECTOR = ", ".join(
    [f"{tag}[{attr}]" for tag, attrs in _URL_ATTRS.items() for attr in attrs]
    + ["meta[http-equiv]", "[style]", "style"]
)
_CONTENT = ("article.md-content__inner", "[role=main]")
_CSS_URL = re.compile(
    r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s'"]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""",
    re.IGNORECASE,
)
_REFRESH = re.compile(r"""\s*[\d.]*\s*[;,]?\s*(?:url\s*=\s*)?(['"]?)(.*?)\1\s*""", re.I | re.S)


@dataclass(frozen=True)
class Link:
    """One reference found in a page.

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
        links: Every reference, in document order.
        generator: The `<meta name="generator">` content, naming the theme, or `None`.
    """

    path: str
    ids: frozenset[str]
    links: tuple[Link, ...]
    generator: str | None = None


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


def _node_links(node: LexborNode, in_content: bool) -> list[Link]:
    tag = node.tag or ""
    attrs = node.attrs
    found: list[Link] = []
    for attr in _URL_ATTRS.get(tag, ()):
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


def extract_page(path: str, html: str) -> Page:
    """Parse one page and keep its ids and references.

    Args:
        path: The site-relative file, used only to label the result.
        html: The page's text.

    Returns:
        The page's ids, its links in document order, and its generator meta.
    """
    tree = LexborHTMLParser(html)
    content_ids: set[int] = set()
    for selector in _CONTENT:
        root = tree.css_first(selector)
        if root is not None:
            content_ids = {node.mem_id for node in root.css(_SELECTOR)}
            break
    links: list[Link] = []
    done: set[int] = set()
    for node in tree.css(_SELECTOR):
        mem_id = node.mem_id
        if mem_id not in done:  # a node matching two selectors of the group comes twice
            done.add(mem_id)
            links.extend(_node_links(node, mem_id in content_ids))
    ids = {node.id for node in tree.css("[id]")}
    ids.update(node.attrs.get("name") for node in tree.css("a[name]"))
    ids.discard(None)
    meta = tree.css_first("meta[name=generator]")
    generator = meta.attrs.get("content") if meta is not None else None
    return Page(path, frozenset(ids), tuple(links), generator)  # type: ignore[arg-type]
