"""What the page reader finds: a reference ([`Link`][generator.check.found.Link]), or markup
the check does not allow ([`Markup`][generator.check.found.Markup]); and the two value
formats that hold several URLs or one URL among other text (`srcset`, a refresh)."""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = [
    "CHROME",
    "CONTENT",
    "Link",
    "Markup",
    "is_citation",
    "parse_meta_refresh",
    "parse_srcset",
]

CONTENT = "link-content-not-allowed"
"""The code of markup in the page's content that is not in the allowlist."""
CHROME = "link-chrome-not-allowed"
"""The code of markup in the theme's chrome that may fetch or run and is not the theme's."""

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


class Markup(NamedTuple):
    """An element or an attribute the check does not allow, where it stands in the page.

    Attributes:
        code: `link-content-not-allowed` or `link-chrome-not-allowed`.
        tag: The element, e.g. `iframe`.
        attr: The attribute, or `""` for the element itself.
        value: The attribute's value (or what the problem is about), `""` when none.
        message: What is wrong, e.g. `<iframe> is not allowed in page content`.
        in_content: Inside the page's content.
        written: Found in the content's text only: an attribute written twice, or a tag
            the parser drops or places outside the content.
        after: For a tag found in the text only: how many tags of its name come after it
            in the content's text (the ones the parser moved are the last ones).
    """

    code: str
    tag: str
    attr: str
    value: str
    message: str
    in_content: bool
    written: bool = False
    after: int | None = None


def is_citation(attrs: dict[str, str | None]) -> bool:
    """Whether an `<a>`'s attributes make it a citation link (`a.citation`)."""
    return "citation" in (attrs.get("class") or "").split()


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
