"""The rules of a page's content: deny by default.

The content is what Markdown produced (Material's `article.md-content__inner`, or
`[role=main]`; on a page with neither, everything after its `<head>`). Every element and
attribute in it must be in the allowlist of [`allow`][generator.check.allow]; every URL
attribute of an allowed element is a link; a `style` may only call CSS functions that
fetch nothing ([`css`][generator.check.css]). Whatever else it holds is a
`link-content-not-allowed` problem, reported once for its outermost element.

The content's text is also read as written ([`tags`][generator.check.tags]): an attribute
written twice, and a tag that the parser drops or places outside the content, do not show in
the parsed subtree.
"""

from __future__ import annotations

import re
from collections import Counter

from selectolax.lexbor import LexborNode

from generator.check.allow import (
    CONTENT_ATTRS,
    CONTENT_TAGS,
    CSS_VALUED,
    GLOBAL_CONTENT_ATTRS,
    URL_ATTRS,
)
from generator.check.css import read_css
from generator.check.found import CONTENT, Link, Markup, is_citation
from generator.check.tags import attribute_names, written_tags

__all__ = ["ContentRules"]

_EMPTY: frozenset[str] = frozenset()
# The attributes text of a tag with one attribute at most: no separator but around it.
_ONE_ATTRIBUTE = re.compile(r"""[\t\n\f\r /]*[^\t\n\f\r /"']*(?:"[^"]*"|'[^']*')?[\t\n\f\r /]*""")


class ContentRules:
    """The content's half of the page reader: its state, and the content's rules."""

    def __init__(self, html: str) -> None:
        self.html = html
        self.hrefs: list[str] = []
        self.content: list[int] = []  # indices of `hrefs` in the content
        self.others: list[Link] = []
        self.ids: set[str] = set()
        self.chrome_ids: set[str] = set()
        self.content_ids: list[tuple[str, str]] = []
        self.cited: set[str] = set()
        self.markup: list[Markup] = []
        self.roots: list[LexborNode] = []
        self.elements = 0  # elements in the content subtrees
        self.skipped = False  # a content subtree was skipped: its element is not allowed

    def deny(self, code: str, tag: str, attr: str, value: str | None, message: str) -> None:
        """Record markup the check does not allow."""
        self.markup.append(Markup(code, tag, attr, value or "", message, code == CONTENT))

    def content_node(self, tag: str, attrs: dict[str, str | None]) -> bool:
        """Vet one content element; return whether it is allowed (else skip its subtree)."""
        if tag not in CONTENT_TAGS:
            self.deny(CONTENT, tag, "", "", f"<{tag}> is not allowed in page content")
            return False
        allowed = CONTENT_ATTRS.get(tag, _EMPTY)
        for name, value in attrs.items():
            if name not in GLOBAL_CONTENT_ATTRS and name not in allowed:
                message = f"attribute '{name}' is not allowed on <{tag}> in page content"
                self.deny(CONTENT, tag, name, value, message)
                if name == "name" and tag == "a" and value:
                    self.ids.add(value)  # still a target for the browser
                continue
            if value is None:
                continue
            if name == "id":
                self.ids.add(value)
                self.content_ids.append((tag, value))
            elif name == "href" and tag == "a":
                self.content.append(len(self.hrefs))
                self.hrefs.append(value)
                if is_citation(attrs):
                    self.cited.add(value.partition("#")[2])
            elif name == "style" or name in CSS_VALUED:
                if "(" in value or "\\" in value:
                    self.content_css(tag, name, value)
            elif name in URL_ATTRS:
                self.others.append(Link(value, tag, name, True))
        return True

    def content_css(self, tag: str, attr: str, text: str) -> None:
        """Report each CSS function of a content `style` outside the allowlist."""
        read = read_css(text)
        for function in dict.fromkeys(read.fetching + read.unknown):
            if function in read.fetching:
                why = "which fetches"
            else:
                why = "which the check does not understand"
            message = (
                f"{attr} calls {function}(), {why}; page content may only use CSS functions "
                "that fetch nothing"
            )
            self.deny(CONTENT, tag, attr, text, message)

    def clashes(self) -> None:
        """An id of the content that the theme's markup also has: the theme's scripts would
        find the content's element (Material reads its settings from `#__config`)."""
        for tag, value in self.content_ids:
            if value in self.chrome_ids:
                message = (
                    f"id '{value}' is also an id of the theme's own markup; the theme's "
                    "scripts would find this one"
                )
                self.deny(CONTENT, tag, "id", value, message)

    def written(self, span: tuple[int, int]) -> None:
        """What was written in `html[span]` (the content's text) but does not stand in the
        content's subtree: an attribute written twice, and start tags the browser drops or
        places outside the content."""
        tags = written_tags(self.html, *span)
        for written_name, written in tags:
            if written.count("=") < 2 and _ONE_ATTRIBUTE.fullmatch(written):
                continue
            attrs = attribute_names(written)
            for index, attr in enumerate(attrs):
                if attr in attrs[:index]:
                    name = written_name.lower()
                    message = (
                        f"attribute '{attr}' is written twice on <{name}>; the browser keeps "
                        "the first, another reader may keep the other"
                    )
                    self.markup.append(Markup(CONTENT, name, attr, "", message, True, True))
        if (
            not self.skipped
            and len(tags) <= self.elements
            and {name.lower() for name, _ in tags} <= CONTENT_TAGS
        ):
            return  # every tag written stands in the content: the usual case
        names = Counter(name.lower() for name, _ in tags)
        seen: Counter[str] = Counter()
        for root in self.roots:
            seen.update((node.tag or "").lower() for node in root.traverse())
        outside = names - seen
        for name in sorted(outside.keys() - CONTENT_TAGS):
            message = (
                f"<{name}> is written in the page content, where it is not allowed (the "
                "browser drops it, moves it out of the content or holds it in a <template>)"
            )
            self.markup.extend(
                Markup(CONTENT, name, "", "", message, True, True, outside[name] - 1 - extra)
                for extra in range(outside[name])
            )
        left = sorted(outside.keys() & CONTENT_TAGS)
        if left and "template" not in seen:  # a template's content is not in the tree
            name = left[0]
            message = (
                f"<{name}> is written in the page content but does not stand in it: the "
                "browser dropped it, or an end tag before it closed an element the content "
                "did not open"
            )
            self.markup.append(
                Markup(CONTENT, name, "", "", message, True, True, outside[name] - 1)
            )
