"""Generated-region markers: parse a page into text and regions, checksum, replace.

A page mixes text written by hand with regions that answersite generates:

```markdown
Text written by hand stays byte for byte.

<!-- answersite:begin citations -->

…generated Markdown…

<!-- answersite:end citations (sum: qFQJguWta5) -->
```

Each marker is an HTML comment alone on its line (spaces around it are tolerated), so
it is invisible in the built site. A marker inside code (a fenced or indented block, as
[`generator.scanner`][generator.scanner] reads it) is an example, not a marker.

The *body* of a region is the text strictly between
the begin-marker line and the end-marker line, line endings included. A generated body
is always `"\\n" + content + "\\n\\n"` (content without leading or trailing newlines), or
`"\\n"` for empty content: one blank line after the begin marker and one before the end
marker. The end marker carries `checksum(body)`; when the user deletes `(sum: …)` the
region is unprotected and will be overwritten, as with cog's "Delete old checksum to
unprotect".

Everything here is pure: no I/O. [`parse`][generator.regions.parse] keeps every byte,
so `parse(text, path).text == text` for any well-formed page.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from dataclasses import dataclass, replace

from generator.errors import RegionError
from generator.model import Location
from generator.scanner import code_line_numbers

__all__ = [
    "LISTING_REGIONS",
    "NAME_PATTERN",
    "ParsedPage",
    "Region",
    "begin_marker",
    "checksum",
    "end_marker",
    "find_conflicts",
    "format_body",
    "newline_of",
    "parse",
    "render_region",
]

NAME_PATTERN = r"[a-z0-9][a-z0-9-]*"
"""What a region name may look like."""

LISTING_REGIONS = frozenset({"links"})
"""Regions that list a question's sources with their links. Each link goes with a citation
(a page that links a source must cite it), but a listing is not a use: its citations count
neither as citing the source (`source-uncited`) nor as a "cited on" backlink."""

_NAME = re.compile(rf"{NAME_PATTERN}\Z")
# Any line that starts like an answersite comment is a marker candidate: if it is not
# well-formed it is an error, never silently kept as text (a typo would otherwise turn
# a region into plain text and the next run would "lose" it).
_CANDIDATE = re.compile(r"[ \t]*<!--[ \t]*answersite", re.IGNORECASE)
_MARKER_LINE = re.compile(r"^[ \t]*<!--[ \t]*answersite", re.IGNORECASE | re.MULTILINE)
_BEGIN = re.compile(
    rf"[ \t]*<!--[ \t]*answersite:begin[ \t]+(?P<name>{NAME_PATTERN})[ \t]*-->[ \t]*\Z"
)
_END = re.compile(
    rf"[ \t]*<!--[ \t]*answersite:end[ \t]+(?P<name>{NAME_PATTERN})"
    r"(?:[ \t]+\(sum:[ \t]*(?P<sum>[A-Za-z0-9_-]{10})\))?[ \t]*-->[ \t]*\Z"
)
_KEYWORD = re.compile(r"[ \t]*<!--[ \t]*answersite:(?P<keyword>[A-Za-z]*)", re.IGNORECASE)
_EXPECTED = (
    "'<!-- answersite:begin NAME -->' or '<!-- answersite:end NAME (sum: CHECKSUM) -->' "
    "alone on its line"
)
# A lone "=======" is also a setext heading underline, so it only counts inside a block
# opened by "<<<<<<<".
_CONFLICT_START = re.compile(r"<{7}(?:[ \t]|\Z)")
_CONFLICT_MID = re.compile(r"(?:={7}|\|{7}(?:[ \t].*)?)[ \t]*\Z")
_CONFLICT_END = re.compile(r">{7}(?:[ \t]|\Z)")


@functools.lru_cache(maxsize=16384)  # (a region's sum is asked for several times a run)
def checksum(body: str) -> str:
    """Return the 10-character checksum of a region body.

    Newlines are normalised to `"\\n"` first, so a CRLF page and an LF page with the same
    text give the same sum.

    Args:
        body: The text between the marker lines.

    Returns:
        The first 10 characters of the urlsafe base64 of the body's sha256.
    """
    digest = hashlib.sha256(body.replace("\r\n", "\n").encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:10]


def newline_of(text: str) -> str:
    """Return the newline style of `text`: that of its first line, `"\\n"` if it has none."""
    end = text.find("\n")
    return "\r\n" if end > 0 and text[end - 1] == "\r" else "\n"


def format_body(content: str, newline: str = "\n") -> str:
    """Return the region body for generated `content`, following the body convention.

    Args:
        content: Generated Markdown, without markers; leading and trailing newlines are dropped.
        newline: The page's newline style.

    Returns:
        `"\\n" + content + "\\n\\n"`, or `"\\n"` when `content` is empty, with `newline`.
    """
    stripped = content.replace("\r\n", "\n").strip("\n")
    body = f"\n{stripped}\n\n" if stripped else "\n"
    return body.replace("\n", newline)


def begin_marker(name: str) -> str:
    """Return the begin-marker line for region `name`, without a line ending."""
    _check_name(name)
    return f"<!-- answersite:begin {name} -->"


def end_marker(name: str, sum: str | None) -> str:
    """Return the end-marker line for region `name`, without a line ending.

    Args:
        name: The region name.
        sum: The body's checksum, or `None` for an unprotected region.
    """
    _check_name(name)
    return (
        f"<!-- answersite:end {name} (sum: {sum}) -->" if sum else f"<!-- answersite:end {name} -->"
    )


def render_region(name: str, content: str, newline: str = "\n") -> str:
    """Return a whole region (markers, body, checksum), ending with a newline.

    Use it to build the scaffold of a page that does not exist yet.

    Args:
        name: The region name, matching `[a-z0-9][a-z0-9-]*`.
        content: Generated Markdown, without markers.
        newline: The page's newline style.
    """
    body = format_body(content, newline)
    return f"{begin_marker(name)}{newline}{body}{end_marker(name, checksum(body))}{newline}"


@dataclass(frozen=True)
class Region:
    """One generated region of a page, as found.

    Attributes:
        name: The region name.
        begin_line: The 1-based line of the begin marker.
        end_line: The 1-based line of the end marker.
        body: The text between the marker lines, line endings included (may be empty).
        sum: The checksum written in the end marker, or `None` if the user deleted it.
        begin_text: The begin-marker line as written, line ending included.
        end_text: The end-marker line as written, line ending included (if any).
    """

    name: str
    begin_line: int
    end_line: int
    body: str
    sum: str | None
    begin_text: str
    end_text: str

    @property
    def text(self) -> str:
        """The region exactly as written: markers and body."""
        return self.begin_text + self.body + self.end_text

    @property
    def edited(self) -> bool:
        """Whether the body no longer matches the marker's checksum (a hand edit)."""
        return self.sum is not None and checksum(self.body) != self.sum

    def with_body(self, body: str, sum: str | None) -> Region:
        """Return this region with a new body and end-marker checksum.

        The begin marker is kept as written; the end marker is rewritten in canonical
        form, keeping its indentation and line ending. Line numbers are not updated:
        use [`ParsedPage.with_regions`][generator.regions.ParsedPage.with_regions].
        """
        if body and not body.endswith("\n"):
            raise ValueError(f"a region body must end with a newline, got {body[-20:]!r}")
        content = _strip_ending(self.end_text)
        indent = content[: len(content) - len(content.lstrip(" \t"))]
        ending = self.end_text[len(content) :]
        end_text = f"{indent}{end_marker(self.name, sum)}{ending}"
        return replace(self, body=body, sum=sum, end_text=end_text)


@dataclass(frozen=True)
class ParsedPage:
    """A page split into verbatim text chunks and regions, in order.

    Attributes:
        path: The page, relative to the project root.
        segments: Text chunks (kept byte for byte) and [`Region`][generator.regions.Region]s.
    """

    path: str
    segments: tuple[str | Region, ...]

    @property
    def text(self) -> str:
        """The page text: the exact input when nothing was replaced."""
        return "".join(s if isinstance(s, str) else s.text for s in self.segments)

    @property
    def regions(self) -> tuple[Region, ...]:
        """The regions, in page order."""
        return tuple(s for s in self.segments if isinstance(s, Region))

    def region(self, name: str) -> Region | None:
        """Return the region called `name`, or `None`."""
        return next((r for r in self.regions if r.name == name), None)

    def with_regions(self, regions: dict[str, Region]) -> ParsedPage:
        """Return the page with regions replaced by name, line numbers recomputed."""
        if all(regions.get(s.name, s) == s for s in self.segments if isinstance(s, Region)):
            return self  # (a run that changes nothing: the page as it is)
        segments = [regions.get(s.name, s) if isinstance(s, Region) else s for s in self.segments]
        if any(
            "```" in r.body or "~~~" in r.body or _MARKER_LINE.search(r.body)
            for r in regions.values()
        ):
            # A new body with a fence (which may put a marker in code) or a marker-like
            # line: parse the page again, so that it is reported as any page would be.
            return parse("".join(s if isinstance(s, str) else s.text for s in segments), self.path)
        line = 1
        renumbered: list[str | Region] = []
        for segment in segments:
            if isinstance(segment, str):
                renumbered.append(segment)
                line += segment.count("\n")
                continue
            end = line + 1 + segment.body.count("\n")
            renumbered.append(replace(segment, begin_line=line, end_line=end))
            line = end + 1
        return ParsedPage(self.path, tuple(renumbered))


def parse(text: str, path: str) -> ParsedPage:
    """Split a page into verbatim text and generated regions.

    Pages parsed well are remembered by text (the last few thousand): in one run a page is
    parsed by the writer and again by the citation index and check.

    Args:
        text: The page, read without newline translation.
        path: The page, relative to the project root, for locations.

    Returns:
        The parsed page; `parse(text, path).text == text`.

    Raises:
        RegionError: A marker is damaged: malformed, unterminated, nested, mismatched,
            duplicated, or an end marker without a begin marker.
    """
    try:
        page = _parse_well(text)
    except RegionError:
        return _parse(text, path)  # raises, with this page's locations
    return page if page.path == path else ParsedPage(path, page.segments)


@functools.lru_cache(maxsize=8192)
def _parse_well(text: str) -> ParsedPage:
    return _parse(text, "")


def _parse(text: str, path: str) -> ParsedPage:
    segments: list[str | Region] = []
    opened: tuple[str, int, str, int] | None = None  # name, line, begin_text, body start
    seen: dict[str, int] = {}
    # Only marker-like lines matter: found with one search of the page; the text between
    # them is kept as slices. A marker shown as an example inside code is text, as MkDocs
    # renders it: only a page with a fence, front matter or an indented marker-like line
    # can have one in code.
    candidates = list(_MARKER_LINE.finditer(text))
    code: frozenset[int] = frozenset()
    if candidates and (
        "```" in text
        or "~~~" in text
        or text.startswith("---")
        or any(found.group(0)[0] in " \t" for found in candidates)
    ):
        code = code_line_numbers(text)
    last = 0  # where the text since the last region starts
    number, counted = 1, 0
    for found in candidates:
        start = found.start()
        number += text.count("\n", counted, start)
        counted = start
        if number in code:
            continue
        stop = text.find("\n", start)
        stop = len(text) if stop < 0 else stop + 1
        line = text[start:stop]
        content = _strip_ending(line)
        where = Location(path, number)
        if begin := _BEGIN.match(content):
            name = begin["name"]
            if opened:
                raise RegionError(
                    f"begin marker for region '{name}' inside region '{opened[0]}' "
                    f"(begun at line {opened[1]}): regions cannot be nested",
                    where,
                    hint=f"end region '{opened[0]}' with its end marker before this line",
                )
            if name in seen:
                raise RegionError(
                    f"region '{name}' appears twice in this page (first at line {seen[name]})",
                    where,
                    hint="delete one of the two regions, or rename it",
                )
            seen[name] = number
            segments.append(text[last:start])
            opened = (name, number, line, stop)
        elif end := _END.match(content):
            name = end["name"]
            if not opened:
                raise RegionError(
                    f"end marker for region '{name}' without a begin marker",
                    where,
                    hint=f"add '{begin_marker(name)}' above it, or delete this end marker",
                )
            if name != opened[0]:
                raise RegionError(
                    f"end marker for region '{name}' but region '{opened[0]}' "
                    f"(begun at line {opened[1]}) is open",
                    where,
                    hint=f"rename this marker to '<!-- answersite:end {opened[0]} -->'",
                )
            body = text[opened[3] : start]
            segments.append(Region(opened[0], opened[1], number, body, end["sum"], opened[2], line))
            opened = None
            last = stop
        else:
            raise _malformed(content, where)
    if opened:
        raise RegionError(
            f"region '{opened[0]}' has no end marker",
            Location(path, opened[1]),
            hint=f"add '<!-- answersite:end {opened[0]} -->' after its generated text",
        )
    segments.append(text[last:])
    return ParsedPage(path, tuple(s for s in segments if s != ""))


def find_conflicts(body: str, first_line: int = 1) -> tuple[int, ...]:
    """Return the line numbers of git-style conflict-marker lines in `body`.

    `<<<<<<<` and `>>>>>>>` lines always count; `=======` (and diff3's `|||||||`) only
    between them, since a lone `=======` is a Markdown heading underline.

    Args:
        body: A region body.
        first_line: The line number of the body's first line in its page.
    """
    found: list[int] = []
    inside = False
    for number, line in enumerate(_split_lines(body), start=first_line):
        content = _strip_ending(line)
        if _CONFLICT_START.match(content):
            inside = True
        elif _CONFLICT_END.match(content):
            inside = False
        elif not (inside and _CONFLICT_MID.match(content)):
            continue
        found.append(number)
    return tuple(found)


def _malformed(content: str, where: Location) -> RegionError:
    """Explain what is wrong with a line that looks like a marker but is not one."""
    keyword = _KEYWORD.match(content)
    if keyword is None or keyword["keyword"] not in ("begin", "end"):
        found = f"'{keyword['keyword']}'" if keyword and keyword["keyword"] else "nothing"
        return RegionError(
            f"malformed answersite marker {content.strip()!r}: expected 'begin' or 'end' "
            f"after 'answersite:', found {found}",
            where,
            hint=f"write {_EXPECTED}",
        )
    return RegionError(
        f"malformed answersite {keyword['keyword']} marker {content.strip()!r}",
        where,
        hint=f"write {_EXPECTED}; NAME matches {NAME_PATTERN} and CHECKSUM has 10 characters "
        "(delete '(sum: …)' entirely to unprotect the region)",
    )


def _check_name(name: str) -> None:
    if not _NAME.match(name):
        raise ValueError(f"region name must match {NAME_PATTERN}, got {name!r}")


def _split_lines(text: str) -> list[str]:
    """Split on `\\n` only, keeping line endings (`str.splitlines` also splits on `\\f`, …)."""
    lines = text.split("\n")
    last = lines.pop()
    return [line + "\n" for line in lines] + ([last] if last else [])


def _strip_ending(line: str) -> str:
    if line.endswith("\r\n"):
        return line[:-2]
    return line[:-1] if line.endswith("\n") else line
