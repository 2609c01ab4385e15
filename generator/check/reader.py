"""The page reader: one walk over a parsed page, element by element.

The page has two parts, held to two sets of rules. The content is read by
[`ContentRules`][generator.check.content.ContentRules] (deny by default). The rest is the
theme's **chrome**, read here:

- every URL attribute of every element (the WHATWG and SVG lists of
  [`allow`][generator.check.allow]) is a link held to the policy; so is the content of a
  `<meta>` the check does not know as text (link previews fetch `og:image`, `og:url`), the
  URL of a refresh, and every URL a `style` attribute or a `<style>` fetches;
- a `<script>` stands only where the theme puts its own (directly in `<head>` after the
  `<title>`, directly in `<body>`, in Material's header bar and after its content) and
  loads only from the site;
- an event handler (`on…`), `srcdoc`, `<base>`, `<template>` (its content is not part of
  the page until a script copies it in), a CSS function the check does not understand, an
  id used twice, and a page title holding markup (the theme writes it unescaped) are
  `link-chrome-not-allowed` problems.

The walk visits every element once (the theme repeats a large navigation on every page, so
the order of its tests follows how often each kind of element occurs).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from selectolax.lexbor import LexborHTMLParser, LexborNode

from generator.check.allow import (
    CONTENT_TAGS,
    CSS_VALUED,
    SCRIPT_PARENT_CLASSES,
    SCRIPT_PARENTS,
    TEXT_HTTP_EQUIV,
    TEXT_METAS,
    URL_ATTRS,
    URL_LIST_ATTRS,
)
from generator.check.content import ContentRules
from generator.check.css import read_css
from generator.check.found import CHROME, Link, is_citation, parse_meta_refresh, parse_srcset

__all__ = ["PageReader"]

_MARKUP = re.compile(r"<[A-Za-z/!?]")
_TITLE_END = re.compile("</title", re.I)
_TITLE_TEXT = re.compile(r"<title(?:\s[^>]*)?>(.*?)</title", re.I | re.S)
_HEADER_TOPIC = re.compile(
    r'data-md-component="header-topic">\s*<span class="md-ellipsis">(.*?)</span>', re.S
)
_BODY = frozenset({"body", "frameset"})
_CHROME_ELEMENTS = frozenset({"script", "style", "title", "template", "meta", "base"})
_SPECIAL = frozenset({"-comment", "article", *_BODY, *_CHROME_ELEMENTS})
# An `a` with only these attributes needs nothing but its `href` read (the navigation).
_FAST_A = frozenset({"href", "class", "title", "aria-label", "data-md-component", "rel"})
# Attributes the chrome's rules have nothing to do with (Material's navigation and
# widgets): an element with only these is passed at once.
_PLAIN = frozenset(
    {"class", "title", "tabindex", "for", "type", "checked", "hidden", "dir", "lang"}
    | {"aria-label", "aria-labelledby", "aria-expanded", "aria-hidden", "autocomplete"}
    | {"data-md-component", "data-md-level", "data-md-scrollfix", "data-md-toggle"}
    | {"data-md-type", "xmlns", "viewBox", "d", "rel", "charset"}
)
# In the content, an element with only these needs nothing but its tag checked.
_CONTENT_PLAIN = frozenset({"class", "title", "lang"})

# What an attribute is to the chrome's rules; attributes not listed are plain, but `on…`.
_ID, _URL, _SRCSET, _LIST, _CSS, _SRCDOC = range(6)
_KIND: dict[str, int] = {name: _URL for name in URL_ATTRS}
_KIND.update({"srcset": _SRCSET, "imagesrcset": _SRCSET, "id": _ID, "style": _CSS})
_KIND.update({name: _LIST for name in URL_LIST_ATTRS})
_KIND.update({name: _CSS for name in CSS_VALUED})
_KIND["srcdoc"] = _SRCDOC


_TABLE = "<table><caption></caption><colgroup><col></colgroup><thead><tr><th></th><td></td>"


def _tag_id(name: str) -> int | None:
    """lexbor's number for a standard element name, or `None` (numbered per document)."""
    if name == "-comment":
        markup = "<p><!----></p>"
    elif name == "frameset":
        markup = "<frameset></frameset>"
    else:
        markup = f"{_TABLE}<{name}></{name}>"
    numbers = set()
    for before in ("", "<!--x-->" if name == "frameset" else "<x-a></x-a><x-b></x-b>"):
        tree = LexborHTMLParser(before + markup)
        found = [n.tag_id for n in tree.root.traverse() if n.tag == name] if tree.root else []
        numbers.add(found[0] if found else None)
    return numbers.pop() if len(numbers) == 1 else None


def _first_numbers(names: list[str], before: str) -> dict[str, int]:
    """lexbor's number of each name's first element, all the names in one document."""
    tree = LexborHTMLParser(before + _TABLE + "".join(f"<{name}></{name}>" for name in names))
    first: dict[str, int] = {}
    for node in tree.root.traverse() if tree.root else ():
        if node.tag is not None:
            first.setdefault(node.tag, node.tag_id)
    return first


def _tag_ids(names: frozenset[str]) -> frozenset[int]:
    """The fixed numbers of element names: comparing them is cheaper than comparing names.

    The names are read in one document, and again after two custom elements (which take
    numbers of their own): a name's number is fixed when both agree. A name the shared
    document does not create as an element is read alone, as `_tag_id` reads every name.
    """
    batch = sorted(names - {"-comment", "frameset"})
    plain = _first_numbers(batch, "")
    after = _first_numbers(batch, "<x-a></x-a><x-b></x-b>")
    found = {plain[name] for name in batch if name in plain and plain[name] == after.get(name)}
    alone = [name for name in names if name not in plain or name in ("-comment", "frameset")]
    return frozenset(found | {n for n in map(_tag_id, alone) if n is not None})


_SPECIAL_IDS = _tag_ids(_SPECIAL)
_CONTENT_IDS = _tag_ids(CONTENT_TAGS)
_A_IDS = _tag_ids(frozenset({"a"}))


def _size(node: LexborNode) -> int:
    """The number of nodes `traverse()` yields for `node`'s subtree, `node` included."""
    return sum(1 for _ in node.traverse())


def _is_root(attrs: dict[str, str | None]) -> bool:
    return "md-content__inner" in (attrs.get("class") or "").split()


class PageReader(ContentRules):
    """Reads one parsed page (one instance per page).

    Args:
        html: The page's text.
        themed: The page has theme content (`article.md-content__inner` or
            `[role=main]`); otherwise its whole body is content, and no script is the
            theme's.
    """

    def __init__(self, html: str, themed: bool) -> None:
        super().__init__(html)
        self.themed = themed
        self.generator: str | None = None
        self.titles = 0  # `<title>` elements in the chrome

    def walk(self, nodes: Iterator[LexborNode]) -> None:
        """Read every element of `nodes` (a `traverse()`): the chrome and the content."""
        inside = 0  # how many of the next nodes are in the current content subtree
        add_href = self.hrefs.append
        plain, fast_a, content_plain = (
            _PLAIN.issuperset,
            _FAST_A.issuperset,
            _CONTENT_PLAIN.issuperset,
        )
        for node in nodes:
            attrs = node.attributes
            if inside:
                inside -= 1
                if content_plain(attrs) and node.tag_id in _CONTENT_IDS:
                    continue
                tag = node.tag
                if tag is None or tag[0] == "-":
                    self.elements -= 1  # a comment
                elif not self.content_node(tag, attrs):
                    skipped = _size(node) - 1
                    for _ in range(skipped):
                        next(nodes, None)
                    inside -= skipped
                    self.skipped = True
            elif (len(attrs) == 1 and "class" in attrs) or plain(attrs):
                # (most of the theme's elements have a class and nothing else: tested first,
                # without the set `issuperset` builds from a dict)
                if node.tag_id in _SPECIAL_IDS:
                    inside = self.special(node, node.tag or "-", attrs)
            elif fast_a(attrs) and node.tag_id in _A_IDS:
                href = attrs.get("href")
                if href is not None:
                    add_href(href)
                    if "citation" in (attrs.get("class") or "") and is_citation(attrs):
                        self.cited.add(href.partition("#")[2])
            else:
                tag = node.tag or "-"
                is_root = self.themed and attrs.get("role") == "main"
                self.chrome_attrs(tag, attrs, root=is_root)
                if is_root:
                    inside = self.enter(node)
                elif tag in _SPECIAL:
                    inside = self.special(node, tag, attrs)
        self.cited.discard("")

    def special(self, node: LexborNode, tag: str, attrs: dict[str, str | None]) -> int:
        """An element that needs more than its attributes read; return the size of the
        content subtree it starts, less itself (0 when it starts none)."""
        if tag[0] == "-":  # a comment
            return 0
        if tag in _CHROME_ELEMENTS:
            self.chrome_element(node, tag, attrs)
            return 0
        if self.themed:
            if tag != "article" or not _is_root(attrs):
                return 0
        elif tag not in _BODY or self.roots:
            return 0
        return self.enter(node)

    def enter(self, root: LexborNode) -> int:
        """Start a content subtree at `root`; return how many nodes it has besides `root`."""
        self.roots.append(root)
        size = _size(root) - 1
        self.elements += size
        return size

    # -- the theme's chrome ---------------------------------------------------------------

    def chrome_attrs(self, tag: str, attrs: dict[str, str | None], root: bool = False) -> None:
        """Read the attributes of a chrome element (or of a content root)."""
        for name, value in attrs.items():
            kind = _KIND.get(name)
            if kind is None:
                if name[:2].lower() == "on":
                    message = f"attribute '{name}' is an event handler, which runs script"
                    self.deny(CHROME, tag, name, value, message)
                elif name == "name" and tag == "a" and value:
                    self.ids.add(value)
            elif value is None:
                continue
            elif kind == _ID:
                self.ids.add(value)
                if not root:
                    self.chrome_id(tag, value)
            elif kind == _URL:
                if tag == "a" and name == "href":
                    self.hrefs.append(value)
                    if is_citation(attrs):
                        self.cited.add(value.partition("#")[2])
                elif name != "data" or tag == "object":
                    self.others.append(Link(value, tag, name, False))
            elif kind == _SRCSET:
                self.others.extend(Link(url, tag, name, False) for url in parse_srcset(value))
            elif kind == _LIST:
                self.others.extend(Link(url, tag, name, False) for url in value.split())
            elif kind == _SRCDOC:
                message = (
                    "attribute 'srcdoc' is a document the browser renders in place, which the "
                    "check does not read"
                )
                self.deny(CHROME, tag, name, value, message)
            elif "(" in value or "\\" in value:
                self.chrome_css(tag, name, value)

    def chrome_id(self, tag: str, value: str) -> None:
        if value in self.chrome_ids:
            message = (
                f"id '{value}' is used twice in the theme's markup; the theme's scripts would "
                "find the first"
            )
            self.deny(CHROME, tag, "id", value, message)
        self.chrome_ids.add(value)

    def chrome_css(self, tag: str, attr: str, text: str) -> None:
        """The URLs a chrome `style` fetches are links; a function not understood is denied."""
        read = read_css(text)
        self.others.extend(Link(url, tag, attr, False) for url in read.urls)
        for function in dict.fromkeys(read.unknown):
            message = f"{attr} calls the CSS function {function}(), which the check does not know"
            self.deny(CHROME, tag, attr, text, message)

    def chrome_element(self, node: LexborNode, tag: str, attrs: dict[str, str | None]) -> None:
        """The chrome elements read beyond their attributes."""
        if tag == "meta":
            self.meta(attrs)
        elif tag == "script":
            self.script(node, attrs)
        elif tag == "style":
            text = node.text() or ""
            if "(" in text or "@" in text or "\\" in text:
                self.chrome_css(tag, "style", text)
        elif tag == "title":
            self.titles += 1
            parent = node.parent
            text = node.text() or ""
            # Material writes `page.title | striptags` into <title>, which decodes entities:
            # a title that shows `<b>` as text (escaped everywhere else) and one that is
            # markup look the same there. The header shows which: Material writes the title
            # there as it is, so markup stands there as a tag.
            topic = _HEADER_TOPIC.search(self.html)
            if topic is not None:
                markup = _MARKUP.search(topic.group(1)) is not None
            else:
                raw = _TITLE_TEXT.search(self.html)
                markup = _MARKUP.search(raw.group(1) if raw else text) is not None
            if parent is not None and parent.tag == "head" and markup:
                message = (
                    "<title> holds markup, which the theme writes unescaped into the header "
                    "and the navigation"
                )
                self.deny(CHROME, "title", "", text, message)
        elif tag == "template":
            message = (
                "<template> holds markup that a script may copy into the page; the theme puts none"
            )
            self.deny(CHROME, "template", "", "", message)
        elif tag == "base":
            message = "<base> changes where every relative link of the page points"
            self.deny(CHROME, "base", "", attrs.get("href"), message)

    def meta(self, attrs: dict[str, str | None]) -> None:
        content = attrs.get("content")
        if content is None:
            return
        equiv = (attrs.get("http-equiv") or "").strip().lower()
        if equiv == "refresh":
            url = parse_meta_refresh(content)
            if url is not None:
                self.others.append(Link(url, "meta", "refresh", False))
            return
        if equiv:
            if equiv not in TEXT_HTTP_EQUIV:
                message = f"<meta http-equiv='{equiv}'> is not known to the check"
                self.deny(CHROME, "meta", "http-equiv", equiv, message)
            return
        key = attrs.get("name") or attrs.get("property") or attrs.get("itemprop")
        if key is None:
            return
        key = key.strip().lower()
        if key == "generator":
            self.generator = content
        elif key not in TEXT_METAS and content.strip():
            # Link previews fetch `og:image`, `og:url`, `twitter:image`, ...: the content of a
            # meta the check does not know as text is a link.
            self.others.append(Link(content.strip(), "meta", "content", False))

    def script(self, node: LexborNode, attrs: dict[str, str | None]) -> None:
        src = attrs.get("src")
        shown = src if src is not None else (node.text() or "").strip()[:60]
        attr = "src" if src is not None else ""
        if not self.themed:
            message = "<script> in a page without theme content: no script there is the theme's"
            self.deny(CHROME, "script", attr, shown, message)
            return
        parent = node.parent
        where = parent.tag if parent is not None else None
        classes = (parent.attributes.get("class") or "").split() if parent is not None else []
        if where not in SCRIPT_PARENTS and SCRIPT_PARENT_CLASSES.isdisjoint(classes):
            message = f"<script> stands inside <{where}>, where the theme puts no script"
            self.deny(CHROME, "script", attr, shown, message)
        elif where == "head" and not self.titles:
            # The theme writes its scripts after the title; before it, only values of the
            # page (a `description` that closes its attribute) can put one.
            message = "<script> stands in <head> before <title>, where the theme puts no script"
            self.deny(CHROME, "script", attr, shown, message)
        elif src is not None:
            cleaned = src.strip().replace("\\", "/")
            if ":" in cleaned.split("/", 1)[0] or cleaned.startswith("//"):
                self.deny(CHROME, "script", "src", src, "<script> loads code from outside the site")

    def title_closed(self, span: tuple[int, int]) -> None:
        """More `</title>` in the chrome's text than `<title>` elements: a page title that
        closes the `<title>` element and writes markup into the head."""
        start, end = span
        closes = len(_TITLE_END.findall(self.html, 0, start))
        closes += len(_TITLE_END.findall(self.html, end))
        if closes > self.titles:
            message = (
                "<title> is closed early: a page title holds markup, which the theme writes "
                "unescaped into the head, header and navigation"
            )
            self.deny(CHROME, "title", "", "", message)
