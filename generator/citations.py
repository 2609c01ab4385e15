"""Find `[@key]` and `[@a; @b]` citations in Markdown, with their lines.

Citations inside code (blocks and spans, as [`generator.scanner`][generator.scanner] reads
them) are text, not citations. A bracket followed by `(` or `[` is a Markdown link
(`[@x](url)`), not a citation.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from generator.model import Location
from generator.scanner import mask_code

__all__ = ["CitationGroup", "find_citations", "replace_citations"]

_GROUP = re.compile(r"\[(@[^\[\]\n]*)\](?![(\[:])")
_KEY = re.compile(r"^@([A-Za-z0-9_][A-Za-z0-9_:.\-/+]*)$")


@dataclass(frozen=True)
class CitationGroup:
    """One bracket such as `[@a; @b]`: its span in the text and its keys, in order."""

    start: int
    end: int
    keys: tuple[str, ...]
    location: Location


def _groups(text: str, path: str) -> Iterator[CitationGroup]:
    for start, end, keys, line, column in _spans(text):
        yield CitationGroup(start, end, keys, Location(path, line, column))


@functools.lru_cache(maxsize=8192)
def _spans(text: str) -> tuple[tuple[int, int, tuple[str, ...], int, int], ...]:
    """Each citation group of `text`: start, end, keys, line and column (1-based).

    Cached: a page is read for citations by several stages (the index of who cites whom,
    the citation check, the plugin) in one run.
    """
    masked = mask_code(text)
    found = []
    line, line_start, counted = 1, 0, 0
    for match in _GROUP.finditer(masked):
        parts = [part.strip() for part in match.group(1).split(";")]
        keys = []
        for part in parts:
            key_match = _KEY.match(part)
            if not key_match:
                break
            keys.append(key_match.group(1))
        else:
            start = match.start()
            newlines = text.count("\n", counted, start)
            if newlines:
                line += newlines
                line_start = text.rfind("\n", counted, start) + 1
            counted = start
            found.append((start, match.end(), tuple(keys), line, start - line_start + 1))
    return tuple(found)


def find_citations(text: str, path: str) -> list[CitationGroup]:
    """Return every citation group in a Markdown text, in order.

    Args:
        text: The Markdown source.
        path: The path to put in each location.

    Returns:
        The groups, each with its keys and the location of its opening bracket.
    """
    return list(_groups(text, path))


def replace_citations(text: str, path: str, render: Callable[[CitationGroup], str]) -> str:
    """Replace each citation group with `render(group)`; everything else is kept as is."""
    pieces: list[str] = []
    last = 0
    for group in _groups(text, path):
        pieces.append(text[last : group.start])
        pieces.append(render(group))
        last = group.end
    pieces.append(text[last:])
    return "".join(pieces)
