"""What the link check allows in a page: the allowlists, each with where it comes from.

Deny by default: an element or attribute of the page's content that is not listed here is
reported (`link-content-not-allowed`), so a danger nobody thought of is reported too.

- **Content elements and attributes** are the defaults of the ammonia sanitiser (read from
  `nh3.ALLOWED_TAGS` and `nh3.ALLOWED_ATTRIBUTES`, with ammonia's generic `lang` and
  `title`), plus exactly what Python-Markdown, the extensions of `mkdocs.yml`, mkdocstrings
  and Material write inside the content (`_MARKDOWN_ATTRS`). An attribute is allowed only
  when the check understands its value: a URL (held to the link policy), a CSS declaration
  list (`style`, vetted by [`generator.check.css`][generator.check.css]) or a plain value
  (`_PLAIN_ATTRS`) that neither fetches nor runs. An attribute of nh3's lists the check
  does not understand is left out, and a test says so.
- **URL attributes** are the WHATWG HTML index's attributes whose value is a URL or a list
  of URLs (current and obsolete ones that browsers still fetch) and SVG's `href` and
  `xlink:href`. They are read on every element, in the content and in the theme's chrome.
- **Meta** elements whose `content` is text; any other `<meta>` content is read as a URL
  (link previews fetch `og:image`, `og:url`, ...).
"""

from __future__ import annotations

import nh3

__all__ = [
    "CONTENT_ATTRS",
    "CONTENT_TAGS",
    "CSS_VALUED",
    "GLOBAL_CONTENT_ATTRS",
    "RAW_TEXT",
    "SCRIPT_PARENTS",
    "SCRIPT_PARENT_CLASSES",
    "TEXT_HTTP_EQUIV",
    "TEXT_METAS",
    "URL_ATTRS",
    "URL_LIST_ATTRS",
    "dropped_from_nh3",
]

URL_ATTRS: dict[str, frozenset[str] | None] = {
    # attribute -> the elements where its value is a URL (None: on every element).
    "href": None,  # a, area, base, link, and every SVG element (a, image, use, feImage, ...)
    "xlink:href": None,  # SVG 1.1
    "src": None,  # audio, embed, frame, iframe, img, input, script, source, track, video
    "srcset": None,  # img, source: a list of candidates
    "imagesrcset": None,  # link: a list of candidates
    "poster": None,  # video
    "action": None,  # form
    "formaction": None,  # button, input
    "cite": None,  # blockquote, del, ins, q
    "ping": None,  # a, area: space-separated URLs, each requested on a click
    "background": None,  # body, table, thead, tbody, tfoot, tr, td, th (obsolete, fetched)
    "longdesc": None,  # img, iframe, frame (obsolete)
    "lowsrc": None,  # img (obsolete)
    "dynsrc": None,  # img (obsolete)
    "manifest": None,  # html (obsolete)
    "profile": None,  # head (obsolete)
    "codebase": None,  # object, applet (obsolete)
    "archive": None,  # object, applet (obsolete): space-separated URLs
    "classid": None,  # object (obsolete)
    "icon": None,  # menuitem, command (obsolete)
    "itemid": None,  # microdata
    "itemtype": None,  # microdata: space-separated URLs
    "xml:base": None,  # SVG 1.1: changes how the element's URLs resolve
    "data": frozenset({"object"}),
}
"""URL-bearing attributes (WHATWG HTML index and SVG), by name: every value is checked."""

URL_LIST_ATTRS = frozenset({"ping", "archive", "itemtype"})
"""URL attributes whose value is a space-separated list of URLs (`srcset` has its own rules)."""

CSS_VALUED = frozenset(
    {
        # SVG presentation attributes that take a CSS <url> (a paint server, a filter, ...).
        "fill",
        "stroke",
        "clip-path",
        "mask",
        "filter",
        "marker-start",
        "marker-mid",
        "marker-end",
        "cursor",
    }
)
"""Attributes read as CSS values, like `style`: a `url()` in them is fetched."""

RAW_TEXT = frozenset(
    {"script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext"}
    | {"textarea", "title"}
)
"""Elements whose content the HTML parser reads as raw text or RCDATA (WHATWG tokenizer):
never allowed in content, whatever a sanitiser's list says."""

_PLAIN_ATTRS = frozenset(
    {
        # Values that name, size or label, and neither fetch nor run.
        "abbr",
        "align",
        "alt",
        "aria-hidden",
        "axis",
        "char",
        "charoff",
        "class",
        "colspan",
        "d",  # SVG path data
        "datetime",
        "dir",
        "headers",
        "height",
        "hreflang",
        "id",
        "lang",
        "open",
        "rel",
        "reversed",
        "rowspan",
        "scope",
        "size",
        "span",
        "start",
        "summary",
        "title",
        "type",
        "value",
        "viewbox",
        "width",
        "xmlns",
    }
)

GLOBAL_CONTENT_ATTRS = frozenset({"id", "class", "style", "lang", "title"})
"""Attributes allowed on every content element: attr_list's `#id` and `.class`, toc's ids,
the tables extension's `style="text-align: …"`, ammonia's generic `lang` and `title`
(footnote back-links, abbreviations, mkdocstrings' and Material's tooltips)."""

_MARKDOWN_ATTRS: dict[str, frozenset[str]] = {
    # Python-Markdown: `![alt](src "title")`, ordered lists from any number.
    "img": frozenset({"src", "alt"}),
    "ol": frozenset({"start"}),
    # pymdownx.details: `???+` opens the block.
    "details": frozenset({"open"}),
    # tables with `use_align_attribute`.
    "th": frozenset({"align"}),
    "td": frozenset({"align"}),
    # Material's edit and view buttons (`rel="edit"`) and their icons (`.icons/*.svg`).
    "a": frozenset({"href", "rel"}),
    "svg": frozenset({"xmlns", "viewBox", "aria-hidden"}),
    "path": frozenset({"d"}),
}
"""What Markdown and the theme add to ammonia's lists, by element."""

_MARKDOWN_TAGS = frozenset(
    {
        # Python-Markdown, its extensions and mkdocstrings write only elements of
        # ammonia's list; Material adds the icons of its edit and view buttons.
        "svg",
        "path",
    }
)


def _content_tags() -> frozenset[str]:
    return (frozenset(nh3.ALLOWED_TAGS) | _MARKDOWN_TAGS) - RAW_TEXT


def _understood(attr: str) -> bool:
    return attr in URL_ATTRS or attr.lower() in _PLAIN_ATTRS or attr == "style"


def _content_attrs() -> dict[str, frozenset[str]]:
    merged: dict[str, set[str]] = {}
    for tag, names in nh3.ALLOWED_ATTRIBUTES.items():
        merged.setdefault(tag, set()).update(a for a in names if _understood(a))
    for tag, extra in _MARKDOWN_ATTRS.items():
        merged.setdefault(tag, set()).update(extra)
    return {tag: frozenset(names) for tag, names in merged.items()}


def dropped_from_nh3() -> set[tuple[str, str]]:
    """The `(element, attribute)` pairs of nh3's list that the check does not understand."""
    return {
        (tag, attr)
        for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()
        for attr in attrs
        if not _understood(attr)
    }


CONTENT_TAGS = _content_tags()
"""Elements allowed in the page's content."""

CONTENT_ATTRS = _content_attrs()
"""Attributes allowed on each content element, besides `GLOBAL_CONTENT_ATTRS`."""

TEXT_METAS = frozenset(
    {
        # `<meta name|property|itemprop>` whose content is text, not a URL.
        "application-name",
        "author",
        "color-scheme",
        "description",
        "format-detection",
        "generator",
        "keywords",
        "referrer",
        "robots",
        "theme-color",
        "viewport",
        "og:description",
        "og:image:alt",
        "og:image:height",
        "og:image:type",
        "og:image:width",
        "og:locale",
        "og:site_name",
        "og:title",
        "og:type",
        "twitter:card",
        "twitter:creator",
        "twitter:description",
        "twitter:image:alt",
        "twitter:site",
        "twitter:title",
    }
)
"""Meta names whose content is text. Any other meta's content is held to the link policy."""

TEXT_HTTP_EQUIV = frozenset(
    {"content-language", "content-security-policy", "content-type", "default-style"}
    | {"x-ua-compatible"}
)
"""`http-equiv` values whose content is text; `refresh` holds a URL; others are reported."""

SCRIPT_PARENTS = frozenset({"head", "body"})
"""Where Material writes its scripts: directly in `<head>` and `<body>`, ..."""

SCRIPT_PARENT_CLASSES = frozenset({"md-header__inner", "md-main__inner"})
"""... and in two of its own containers: the header bar (the palette script) and the main
area after the content (the content tabs script)."""
