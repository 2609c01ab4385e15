"""Where an element or an attribute of a page's content was written in its Markdown.

Markdown writes an element the check does not allow only as raw HTML, and an attribute
only as raw HTML or with attr_list (`{ #id .class key=value }`, `{: … }`); an id may also
come from a heading, as `toc` makes it. Every such place is read outside code (as
[`generator.scanner`][generator.scanner] decides it), with the tokenizer rules of
[`generator.check.tags`][generator.check.tags], and the problem is matched to the places of
the same element and attribute, preferring the same value.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Iterator

from generator.check.pages import Markup
from generator.check.problem import Problem
from generator.check.tags import Written, iter_written
from generator.scanner import headings, mask_code

__all__ = ["find_markup", "find_problem", "find_title", "find_title_markup", "markdown_places"]

_ATTR_LIST = re.compile(r"\{:?([^{}\n]*)\}")
_ATTR_TOKEN = re.compile(
    r"""(?P<key>[^\s=#.{}"']+)\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s}]*))"""
    r"""|(?P<sigil>[#.])(?P<name>[^\s#.{}"'=]+)"""
    r"""|(?P<flag>[^\s=#.{}"']+)"""
)
_FRONT_TITLE = re.compile(r"^title\s*:", re.M)


def _attr_lists(masked: str) -> Iterator[Written]:
    """attr_list's places: a `key=value`, `#id` or `.class` inside `{ … }` (any element)."""
    for block in _ATTR_LIST.finditer(masked):
        base = block.start(1)
        for token in _ATTR_TOKEN.finditer(block.group(1)):
            if token.group("key"):
                value = next((v for v in token.group("dq", "sq", "bare") if v is not None), "")
                yield Written(base + token.start(), "", token.group("key").lower(), value)
            elif token.group("sigil"):
                attr = "id" if token.group("sigil") == "#" else "class"
                yield Written(base + token.start(), "", attr, token.group("name"))
            else:
                yield Written(base + token.start(), "", token.group("flag").lower(), "")


def markdown_places(text: str) -> list[Written]:
    """Every raw HTML start tag and attribute, and every attr_list entry, outside code, in
    document order (a `Written.tag` of `""` stands for attr_list: any element)."""
    masked = mask_code(text)
    places = list(iter_written(masked)) if "<" in masked else []
    if "{" in masked:
        places.extend(_attr_lists(masked))
    return sorted(places)


def _position(text: str, offset: int) -> tuple[int, int]:
    starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
    line = bisect.bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1


def find_markup(
    text: str, markup: Markup, occurrence: int = 0, *, exact: bool = False
) -> tuple[int, int] | None:
    """Find where `markup` was written in the Markdown `text`: `(line, column)`, or `None`.

    Args:
        text: The page's Markdown.
        markup: The problem: an element (no `attr`), an attribute, or an attribute written
            twice (`written`).
        occurrence: Which of several equal problems of the page this is (0-based).
        exact: Only an attribute written with the problem's value matches.
    """
    places = markdown_places(text)
    exact = exact or markup.attr == "id"  # another id is another element
    if not markup.attr:
        hits = [p for p in places if not p.attr and p.tag == markup.tag]
    else:
        hits = [p for p in places if p.attr == markup.attr and p.tag in (markup.tag, "")]
        if markup.written:
            hits = [p for p in hits if p.repeat]
        elif markup.value or exact:
            same = [p for p in hits if html.unescape(p.value) == markup.value]
            hits = same if same or exact else hits
    if exact and not markup.attr:
        return None
    if hits:
        if markup.after is not None:  # the last ones written are the ones the parser moved
            index = len(hits) - 1 - markup.after
            hit = hits[index] if index >= 0 else hits[0]
        else:
            hit = hits[occurrence] if occurrence < len(hits) else hits[0]
        return _position(text, hit.offset)
    if markup.attr == "id":  # an id `toc` made from a heading's text
        line = next((h.line for h in headings(text) if h.anchor == markup.value), None)
        return None if line is None else (line, 1)
    return None


def find_title(text: str) -> tuple[int, int] | None:
    """Find the page title in the Markdown: the front matter's `title:`, else the first
    level-1 heading."""
    if text.startswith("---"):
        end = text.find("\n---", 3)
        match = _FRONT_TITLE.search(text, 0, end if end > 0 else len(text))
        if match is not None:
            return _position(text, match.start())
    first = next((h for h in headings(text) if h.level == 1), None)
    return None if first is None else (first.line, 1)


def find_title_markup(text: str, value: str = "") -> tuple[int, int] | None:
    """The page title, when it holds markup (and `value`): the theme writes it unescaped
    into the head, the header, the navigation, and the content's `<h1>` of a page whose
    Markdown has none. Else a line of the front matter that holds markup and `value` (a
    `description` the theme writes into the head)."""
    found = find_title(text)
    if found is not None:
        line = text.splitlines()[found[0] - 1]
        if "<" in line and value[:40] in line:
            return found
    if not value or not text.startswith("---"):
        return None
    end = text.find("\n---", 3)
    for number, line in enumerate(text[: end if end > 0 else 0].splitlines(), start=1):
        if "<" in line and value[:40] in line:
            return number, 1
    return None


def find_problem(text: str, problem: Problem) -> tuple[int, int] | None:
    """Where a markup problem was written in the page's Markdown: `(line, column)`, or
    `None` when it was not written there."""
    markup = problem.markup
    assert markup is not None
    if markup.tag == "title" and not markup.attr and not markup.in_content:
        return find_title(text) if markup.value else find_title_markup(text)
    if markup.in_content:
        return find_markup(text, markup, problem.occurrence) or find_title_markup(text)
    # In the chrome: written in the Markdown only if the parser moved it out of the content
    # (then it is written with the same value), or if the page's title holds it.
    if markup.value and (hit := find_markup(text, markup, exact=True)) is not None:
        return hit
    return find_title_markup(text, markup.value) if markup.value else None
