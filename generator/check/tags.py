"""The start tags of a page's content as written in its HTML text, before any parsing.

The parsed tree shows what the browser builds, and that is what the check holds to its
policy. A few things written in the content never show in the content's subtree: a second
attribute of the same name (the parser keeps the first; a browser or another tool may keep
the other), a tag the parser drops or moves out of the content (`<frameset>`, `<body
onload=…>`, whose attributes join the page's own `<body>`), and whatever follows an end tag
that closes the theme's elements (`</div></article>`), which the parser places after the
content, in the theme's chrome. This module reads the start tags of the content's text with
the WHATWG tokenizer's rules for tag and attribute names, so those are reported where they
were written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

__all__ = ["Written", "attribute_names", "content_span", "iter_written", "written_tags"]

_WS = "\t\n\f\r "
_VALUE = rf"""(?:[{_WS}]*=[{_WS}]*(?:"[^"]*(?:"|\Z)|'[^']*(?:'|\Z)|[^{_WS}>]*))"""
_NAME = rf"[^{_WS}/>][^{_WS}/>=]*"
_ATTRIBUTES = rf"(?:[{_WS}/]*{_NAME}{_VALUE}?)*"
_TOKEN = re.compile(
    r"<!--.*?(?:--!?>|\Z)"  # a comment
    r"|<[!?][^>]*>?"  # a doctype, or a bogus comment
    rf"|</[A-Za-z][^{_WS}/>]*{_ATTRIBUTES}[{_WS}/]*>?"  # an end tag
    rf"|<(?P<name>[A-Za-z][^{_WS}/>]*)(?P<attrs>{_ATTRIBUTES})[{_WS}/]*>?",  # a start tag
    re.S,
)
_NAMES = re.compile(rf"[{_WS}/]*({_NAME}){_VALUE}?", re.S)
_NAME_VALUE = re.compile(
    rf"""[{_WS}/]*(?P<name>{_NAME})(?:[{_WS}]*=[{_WS}]*"""
    rf"""(?:"(?P<dq>[^"]*)"?|'(?P<sq>[^']*)'?|(?P<bare>[^{_WS}>]*)))?""",
    re.S,
)
# Elements whose text is not markup: the tokenizer reads it to the element's end tag.
_RAW_TEXT = frozenset(
    {"script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "textarea", "title"}
    | {"plaintext"}
)
_CONTENT_START = '<article class="md-content__inner'


class Written(NamedTuple):
    """A start tag or one of its attributes, where it stands in a text.

    Attributes:
        offset: Where the tag's `<`, or the attribute's name, starts.
        tag: The element, lower-cased.
        attr: The attribute, lower-cased, or `""` for the tag itself.
        value: The attribute's value as written (`""` for none or for the tag).
        repeat: The attribute was already written on this tag.
    """

    offset: int
    tag: str
    attr: str
    value: str
    repeat: bool = False


def content_span(html: str) -> tuple[int, int] | None:
    """Return where the content's text is in a Material page: `(start, end)`, or `None`.

    The span runs from the end of the first `<article class="md-content__inner …">` tag to
    the last `</article>`: if a title written into the header holds such a tag too, the
    span only grows, and more is held to the content's rules.
    """
    start = html.find(_CONTENT_START)
    if start < 0:
        return None
    start = html.find(">", start) + 1
    end = html.rfind("</article>")
    return (start, end) if start and end >= start else (start, len(html))


def written_tags(html: str, start: int = 0, end: int | None = None) -> list[tuple[str, str]]:
    """Return the start tags written in `html[start:end]`, in order, as `(name, attributes
    as written)`, skipping comments and the text of raw-text elements (`<script>`, …)."""
    end = len(html) if end is None else end
    tokens = _TOKEN.findall(html, start, end)
    if not any(name and name.lower() in _RAW_TEXT for name, _ in tokens):
        return [(name, written) for name, written in tokens if name]
    found = []
    pos = start
    while (match := _TOKEN.search(html, pos, end)) is not None:
        pos = match.end()
        name = match.group("name")
        if not name:
            continue
        found.append((name, match.group("attrs")))
        if name.lower() == "plaintext":
            break
        if name.lower() in _RAW_TEXT:
            close = re.compile("</" + name, re.I).search(html, pos, end)
            pos = end if close is None else close.start()
    return found


def attribute_names(written: str) -> list[str]:
    """The names of the attributes of a start tag, lower-cased, from its attributes text.

    Examples:
        >>> attribute_names(' href="a>b" HREF=c/onclick=d title')
        ['href', 'href', 'title']
    """
    return [name.lower() for name in _NAMES.findall(written)]


def iter_written(text: str) -> Iterator[Written]:
    """Yield every start tag of `text` and each of its attributes, with their offsets."""
    pos, end = 0, len(text)
    while (match := _TOKEN.search(text, pos, end)) is not None:
        pos = match.end()
        name = match.group("name")
        if not name:
            continue
        tag = name.lower()
        yield Written(match.start(), tag, "", "")
        seen: set[str] = set()
        base = match.start("attrs")
        for attr in _NAME_VALUE.finditer(match.group("attrs")):
            attr_name = attr.group("name").lower()
            value = next((v for v in attr.group("dq", "sq", "bare") if v is not None), "")
            yield Written(base + attr.start("name"), tag, attr_name, value, attr_name in seen)
            seen.add(attr_name)
        if tag in _RAW_TEXT:
            close = re.compile("</" + name, re.I).search(text, pos, end)
            pos = end if close is None else close.start()
