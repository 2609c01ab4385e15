"""Find `[@key]` and `[@a; @b]` citations in Markdown, with their lines.

Citations inside fenced code blocks and inline code spans are text, not citations.
A bracket followed by `(` or `[` is a Markdown link (`[@x](url)`), not a citation.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from generator.model import Location

__all__ = ["Citation", "CitationGroup", "find_citations", "replace_citations", "suggest"]

_GROUP = re.compile(r"\[(@[^\[\]\n]*)\](?![(\[:])")
_KEY = re.compile(r"^@([A-Za-z0-9_][A-Za-z0-9_:.\-/+]*)$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1", re.DOTALL)


@dataclass(frozen=True)
class Citation:
    """One cited key and where it was written."""

    key: str
    location: Location


@dataclass(frozen=True)
class CitationGroup:
    """One bracket such as `[@a; @b]`: its span in the text and its keys, in order."""

    start: int
    end: int
    keys: tuple[str, ...]
    location: Location


def _masked(text: str) -> str:
    """Return `text` with code blocks and code spans blanked out, offsets unchanged."""
    out: list[str] = []
    fence: str | None = None
    for line in text.splitlines(keepends=True):
        match = _FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)
            out.append(_blank(line))
        elif fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            out.append(_blank(line))
        elif line.startswith(("    ", "\t")) and out and out[-1].strip() == "":
            out.append(_blank(line))  # indented code block after a blank line
        else:
            out.append(_CODE_SPAN.sub(lambda m: _blank(m.group(0)), line))
    return "".join(out)


def _blank(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)


def _groups(text: str, path: str) -> Iterator[CitationGroup]:
    masked = _masked(text)
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


def suggest(key: str, known: list[str] | tuple[str, ...]) -> str | None:
    """Return the known key closest to `key`, if one is close enough to be a likely typo."""
    lowered = {k.lower(): k for k in known}
    matches = difflib.get_close_matches(key.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[matches[0]] if matches else None
