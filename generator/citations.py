"""Find `[@key]` and `[@a; @b]` citations in Markdown, with their lines.

Citations inside code (blocks and spans, as [`generator.scanner`][generator.scanner] reads
them) are text, not citations. A bracket followed by `(` or `[` is a Markdown link
(`[@x](url)`), not a citation.
"""

from __future__ import annotations

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
    masked = mask_code(text)
    for match in _GROUP.finditer(masked):
        parts = [part.strip() for part in match.group(1).split(";")]
        keys = []
        for part in parts:
            key_match = _KEY.match(part)
            if not key_match:
                break
            keys.append(key_match.group(1))
        else:
            line = text.count("\n", 0, match.start()) + 1
            column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
            yield CitationGroup(
                match.start(), match.end(), tuple(keys), Location(path, line, column)
            )


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
