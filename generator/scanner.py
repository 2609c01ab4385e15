"""The one Markdown scanner: which lines are code, which spans are code, where headings are.

Citations (`[@key]`), the section index ("cited on" backlinks) and the link check's locator
all read Markdown that MkDocs will render; each must skip what MkDocs renders as code, and
all of them must agree on what that is. So they share this scanner. It follows
Python-Markdown with `pymdownx.superfences` (what MkDocs renders here), which differs from
CommonMark in places; a test compares it with Python-Markdown on random pages.

- **Fenced code** opens on a line of three or more backticks or tildes, at any indentation
  (inside lists and admonitions too; `>` counts as indentation), with an optional language,
  `{ attributes }` or `key=value` options. It closes only on a line with the *same* fence
  (same character, same length) at the *same* indentation; so a ```` ``` ```` line inside a
  ```` ```` ```` block is code, not the end of the block. A fence that is never closed, or
  whose content is indented less than its opening line, is no code block at all.
- **Indented code** is a block indented four spaces (a tab counts as four) deeper than its
  container, after a blank line. Containers are list items, admonitions (`!!!`, `???`),
  footnote and definition bodies: there, four spaces of indentation are the container's
  content, as in Python-Markdown.
- **Code spans** open on a run of backticks not escaped by a backslash and close on the next
  run of as many backticks in the same paragraph; as in Python-Markdown, when no run of its
  own length follows, the longest shorter run that follows closes it.

Pure functions over strings: no I/O.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "Heading",
    "Line",
    "code_line_numbers",
    "code_lines",
    "headings",
    "is_fence_opener",
    "mask_code",
    "plain_heading",
]

_FENCE_OPEN = re.compile(
    r"(?P<marker>`{3,}|~{3,})"
    r"(?:[ \t]*\.?[\w#.+-]+(?=[ \t]|\Z))?"  # a language
    r"(?:[ \t]*\{[^\n]*\}"  # { attributes }, or options:
    r"|(?:[ \t]*[A-Za-z][A-Za-z0-9_]*(?:=(?P<quote>[\"']).*?(?P=quote))?(?=[ \t]|\Z))+)?"
    r"[ \t]*\Z"
)
_CONTAINER = re.compile(
    r"(?:[-*+]|\d{1,9}[.)])(?:[ \t]|\Z)"  # list item
    r"|(?:!!!|\?\?\?\+?)[ \t]"  # admonition, collapsible block
    r"|\[\^[^\]]+\]:"  # footnote definition
    r"|:[ \t]"  # definition
)
_QUOTE = re.compile(r"(?:[ ]{0,3}>[ ]?)+")
_HEADING = re.compile(r"(#{1,6})((?:\\.|[^\\])*?)#*\Z")
_SETEXT = re.compile(r"(=+|-+)\Z")
_HEADING_STARTS = ("#", "=", "-")
_FRONT_MATTER = re.compile(r"-{3}[ \t]*\r?\n(?:.*?\r?\n)?(?:\.{3}|-{3})[ \t]*\r?\n", re.DOTALL)
_ATTR_ID = re.compile(r"[ \t]*\{[^}]*#([\w:.-]+)[^}]*\}[ \t]*\Z")
_NOT_NEWLINE = re.compile(r"[^\r\n]")
_ATTR_LIST = re.compile(r"[ \t]*\{:?[^}]*\}[ \t]*\Z")


@dataclass(frozen=True)
class Line:
    """One line of a Markdown text.

    Attributes:
        number: The 1-based line number.
        start: The offset of the line's first character in the text.
        text: The line without its line ending.
        code: Whether the line is code: in a fenced block (its fence lines included) or
            an indented block. Front matter counts as code: it is not Markdown.
        fenced: Whether the line belongs to a fenced block.
    """

    number: int
    start: int
    text: str
    code: bool
    fenced: bool = False


@dataclass(frozen=True)
class Heading:
    """An ATX heading outside code.

    Attributes:
        line: Its 1-based line.
        level: 1 for `#`, up to 6.
        title: Its text as plain text (links, markup and a trailing `{ … }` removed).
        anchor: The id MkDocs's `toc` extension gives it (a `{ #id }` wins).
    """

    line: int
    level: int
    title: str
    anchor: str


def _width(prefix: str) -> int:
    """The column a run of spaces and tabs reaches (tabs stop every four columns)."""
    column = 0
    for char in prefix:
        column = column + 4 - column % 4 if char == "\t" else column + 1
    return column


def _split(text: str) -> list[str]:
    """The lines of `text`, without their `\\n` or `\\r\\n`."""
    lines = text.split("\n")
    if len(lines) > 1 and text.endswith("\n"):
        lines.pop()
    if "\r" in text:
        lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    return lines


def _starts(text: str, count: int) -> list[int]:
    """The offset of each of the first `count` lines of `text`."""
    starts = [0]
    find = text.find
    for _ in range(count - 1):
        starts.append(find("\n", starts[-1]) + 1)
    return starts


def _prefix(raw: str, limit: int | None = None) -> tuple[int, int, int]:
    """Read a line's prefix of spaces, tabs and `>`, as superfences does.

    Args:
        raw: The line.
        limit: Stop once the prefix is this wide (`None`: read all of it).

    Returns:
        `(characters, width, quotes)`: its length, its width (tabs to the next multiple of
        four) and how many `>` it holds.
    """
    chars = width = quotes = 0
    for char in raw:
        if (limit is not None and width >= limit) or char not in " \t>":
            break
        chars += 1
        width += 4 - width % 4 if char == "\t" else 1
        quotes += char == ">"
    return chars, width, quotes


def is_fence_opener(line: str) -> bool:
    """Whether superfences would open a fenced block on `line` (if a closing fence follows)."""
    chars, _, _ = _prefix(line)
    return _FENCE_OPEN.match(line, chars) is not None


def _fences(lines: list[str], skip: int) -> dict[int, int]:
    """Find the fenced code blocks as superfences does: first line index → last line index.

    Lines before `skip` (front matter) are not Markdown.
    """
    blocks: dict[int, int] = {}
    opened: tuple[int, str, int, int] | None = None  # line, fence, width, quotes
    blanks = 0
    for index in range(skip, len(lines)):
        raw = lines[index]
        if opened is None:
            if "```" not in raw and "~~~" not in raw:
                continue  # (the common case: no fence can open here)
            chars, width, quotes = _prefix(raw)
            if _FENCE_OPEN.match(raw, chars):
                rest = raw[chars:]
                fence = rest[: len(rest) - len(rest.lstrip(rest[0]))]
                opened, blanks = (index, fence, width, quotes), 0
            continue
        first, fence, indent, level = opened
        chars, width, quotes = _prefix(raw, indent)
        content = raw[chars:]
        closes = content.rstrip(" \t") == fence
        if level == 0:
            if quotes:
                opened = None  # a quoted line in a fence that is not quoted
            elif not raw.strip():
                continue
            elif width != indent:
                opened = None  # not indented enough: superfences drops the fence
            elif closes and not content.startswith((" ", "\t")):
                blocks[first] = index
                opened = None
        elif quotes > level or (content and width < indent) or (blanks and quotes < level):
            opened = None
        elif not content:
            blanks += 1
        elif closes:
            blocks[first] = index
            opened = None
        else:
            blanks = 0
    return blocks


def code_lines(text: str) -> list[Line]:
    """Classify every line of `text` as code or not.

    Args:
        text: A Markdown page (`\\n` or `\\r\\n` line endings).

    Returns:
        One [`Line`][generator.scanner.Line] per line, in order.
    """
    lines = _split(text)
    kinds = _kinds(text)
    starts = _starts(text, len(lines))
    return [
        Line(number, start, raw, kind != _TEXT, kind == _FENCED)
        for number, start, raw, kind in zip(
            range(1, len(lines) + 1), starts, lines, kinds, strict=True
        )
    ]


def code_line_numbers(text: str) -> frozenset[int]:
    """The 1-based numbers of the lines of `text` that are code (see `code_lines`)."""
    return frozenset(number for number, kind in enumerate(_kinds(text), start=1) if kind)


_TEXT, _CODE, _FENCED = 0, 1, 2  # what a line is, in `_kinds`
# A line starting with none of these is neither indented nor quoted nor blank.
_LEADING = frozenset(" \t>")
_CONTAINER_FIRST = frozenset("-*+!?[:0123456789")


# A page is read by several stages (its regions, its citations, its headings): each line's
# kind is kept, one byte a line, for the last few thousand pages.
@functools.lru_cache(maxsize=8192)
def _kinds(text: str) -> bytes:
    """One of `_TEXT`, `_CODE`, `_FENCED` for each line of `text` (as `_split` splits it)."""
    lines = _split(text)
    front = _FRONT_MATTER.match(text) if text.startswith("-") else None
    skip = min(text.count("\n", 0, front.end()), len(lines)) if front else 0
    fences = _fences(lines, skip)
    kinds = bytearray(len(lines))
    kinds[:skip] = bytes([_CODE]) * skip
    containers: list[int] = []  # the content indent of each open container
    fence_end = -1  # the last line of the fenced block being read
    indented = False  # inside an indented code block
    blank_before = True
    for index in range(skip, len(lines)):
        raw = lines[index]
        if index <= fence_end:
            kinds[index] = _FENCED
            continue
        if raw and raw[0] not in _LEADING:
            # The common case, a line at the margin: it closes every container after a
            # blank line (or an indented block), and opens no indented code.
            if blank_before or indented:
                containers.clear()
            indented = blank_before = False
            if index in fences:
                fence_end = fences[index]
                kinds[index] = _FENCED
            elif raw[0] in _CONTAINER_FIRST and _CONTAINER.match(raw):
                containers.append(4)
            continue
        quote = _QUOTE.match(raw)
        body = raw[quote.end() :] if quote else raw
        stripped = body.lstrip(" \t")
        if not stripped:
            kinds[index] = indented
            blank_before = True
            continue
        indent = _width(body[: len(body) - len(stripped)])
        if blank_before or indented:
            # After a blank line, a shallower line closes the containers it is not in.
            while containers and indent < containers[-1]:
                containers.pop()
        base = containers[-1] if containers else 0
        if (indented or (blank_before and not quote)) and indent >= base + 4:
            indented = True
            fence_end = fences.get(index, fence_end)  # a fence inside stays code
            kinds[index] = _CODE
            blank_before = False
            continue
        indented = False
        blank_before = False
        if index in fences:
            fence_end = fences[index]
            kinds[index] = _FENCED
            continue
        if _CONTAINER.match(stripped):
            containers.append(indent + 4)
    return bytes(kinds)


def _span_end(text: str, begin: int) -> tuple[int, int]:
    """Python-Markdown's pairing for the run of backticks at `begin`.

    Returns `(end, after)`: the span `text[begin:end]` is code (`end == begin` when the run
    opens nothing), and scanning goes on at `after`.
    """
    last = len(text)
    start = begin
    while start < last and text[start] == "`":
        start += 1
    ticks = start - begin
    longest, longest_end = 0, 0
    i = start
    while (run := text.find("`", i)) >= 0:
        i = run
        while i < last and text[i] == "`":
            i += 1
        if i - run == ticks:
            return i, i
        if i - run > longest:
            longest, longest_end = i - run, i
    if 0 < longest < ticks:  # a shorter run closes the span: the extra ticks are its text
        return longest_end, longest_end
    # Unpaired: Python-Markdown resumes as many characters again past the run (its
    # `find_code_spans` adds the run's length twice), so mirror that.
    return begin, start + ticks


_TICK_OR_BACKSLASH = re.compile(r"[`\\]")


def _mask_spans(text: str) -> str:
    """Blank the code spans of one paragraph (offsets kept, newlines kept)."""
    if "`" not in text:
        return text
    out = list(text)
    pos, last = 0, len(text)
    while (found := _TICK_OR_BACKSLASH.search(text, pos)) is not None:
        pos = found.start()
        char = text[pos]
        if char == "\\":
            run = pos
            while pos < last and text[pos] == "\\":
                pos += 1
            if (pos - run) % 2 and pos < last:
                pos += 1  # an escaped character, a backtick too, opens nothing
            continue
        end, after = _span_end(text, pos)
        for index in range(pos, end):
            if out[index] not in "\r\n":
                out[index] = " "
        pos = after
    return "".join(out)


def _blank(piece: str) -> str:
    """`piece` with every character but its line endings turned into a space."""
    if "\r" in piece:
        return _NOT_NEWLINE.sub(" ", piece)
    if piece.endswith("\n"):
        return " " * (len(piece) - 1) + "\n"
    return " " * len(piece)


@functools.lru_cache(maxsize=8192)
def mask_code(text: str) -> str:
    """Return `text` with every code block and code span blanked out.

    Every masked character becomes a space; line endings stay, so offsets, line numbers and
    columns in the result are those of `text`. The results of the last few thousand texts
    are kept: generating a site reads each page's citations more than once.
    """
    kinds = _kinds(text)
    parts = text.split("\n")
    pieces = [part + "\n" for part in parts[:-1]]  # each line with its line ending
    pieces.append(parts[-1])  # ("" after a last line ending: not a line of `kinds`)
    if "`" not in text:  # no code span: only the code lines are masked
        if not any(kinds):
            return text
        for index, kind in enumerate(kinds):
            if kind:
                pieces[index] = _blank(pieces[index])
        return "".join(pieces)
    out: list[str] = []
    paragraph: list[str] = []
    ticks = False  # whether the paragraph has a backtick (else it has no code span)
    for piece, kind in zip(pieces, kinds, strict=False):  # (the last piece may be extra)
        if kind == _FENCED:
            # superfences replaces a fenced block by one line of the paragraph around it,
            # so a code span may open before the block and close after it.
            paragraph.append(_blank(piece))
        elif kind or not piece.strip():
            if paragraph:
                out.append(_mask_paragraph(paragraph) if ticks else "".join(paragraph))
                paragraph, ticks = [], False
            out.append(_blank(piece) if kind else piece)
        else:
            paragraph.append(piece)
            ticks = ticks or "`" in piece
    if paragraph:
        out.append(_mask_paragraph(paragraph) if ticks else "".join(paragraph))
    out.extend(pieces[len(kinds) :])
    return "".join(out)


def _mask_paragraph(pieces: list[str]) -> str:
    """Mask the code spans of a paragraph's lines, read without their `>` quote prefixes.

    Python-Markdown pairs backticks in a blockquote's text after removing the `>`s, so the
    spans are found there and the masks put back at the same characters.
    """
    if not any("`" in piece for piece in pieces):
        return "".join(pieces)  # no code span can open
    if not any(piece.lstrip(" ")[:1] == ">" for piece in pieces):
        return _mask_spans("".join(pieces))  # no quote prefix to read around
    kept: list[str] = []
    where: list[int] = []  # the offset in the joined pieces of each kept character
    offset = 0
    for piece in pieces:
        quote = _QUOTE.match(piece)
        skip = quote.end() if quote else 0
        kept.append(piece[skip:])
        where.extend(range(offset + skip, offset + len(piece)))
        offset += len(piece)
    joined = "".join(pieces)
    stripped = "".join(kept)
    masked = _mask_spans(stripped)
    if masked == stripped:
        return joined
    out = list(joined)
    for index, char in enumerate(masked):
        if char != stripped[index]:
            out[where[index]] = char
    return "".join(out)


_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"<[^>]+>")
_ESCAPED = re.compile(r"\\(.)")
_EMPHASIS = re.compile(r"[*_`]")


def plain_heading(title: str) -> str:
    """Heading Markdown → the plain text MkDocs's `toc` extension slugifies."""
    title = _LINK.sub(r"\1", title)  # links and images
    title = _TAG.sub("", title)
    title = _ESCAPED.sub(r"\1", title)
    return _EMPHASIS.sub("", title).strip()


def headings(text: str) -> list[Heading]:
    """Return the ATX headings outside code, with the ids MkDocs's `toc` extension gives them."""
    return list(_headings(text))


@functools.lru_cache(maxsize=8192)
def _headings(text: str) -> tuple[Heading, ...]:
    from markdown.extensions.toc import unique

    found: list[Heading] = []
    used: set[str] = set()
    lines = _split(text)
    kinds = _kinds(text)
    for index, raw in enumerate(lines):
        # Only a line that starts with `#` (ATX) or is `=`/`-` (setext) can make a heading.
        if kinds[index] or raw.lstrip()[:1] not in _HEADING_STARTS:
            continue
        level, title = _heading_of(lines, kinds, index)
        if not title:
            continue
        plain, anchor = _read_title(title)
        number = index + 1 if _HEADING.match(raw.strip()) else index
        found.append(Heading(number, level, plain, unique(anchor, used)))
    return tuple(found)


@functools.lru_cache(maxsize=8192)  # (pages share their headings: "Sources", "The workflow")
def _read_title(title: str) -> tuple[str, str]:
    """A heading's raw title → its plain text and its id before `unique` (a `{ #id }` wins)."""
    from markdown.extensions.toc import slugify

    custom = _ATTR_ID.search(title)
    if custom:
        return plain_heading(title[: custom.start()]), custom.group(1)
    title = _ATTR_LIST.sub("", title)
    return plain_heading(title), slugify(html.unescape(plain_heading(title)), "-")


def _heading_of(lines: Sequence[str], kinds: bytes, index: int) -> tuple[int, str]:
    """The level and raw title of the heading at `lines[index]`, or `(0, "")`.

    ATX headings as Python-Markdown reads them (`#` to `######`, closing `#`s dropped); a
    setext underline (`===`, `---`) makes the paragraph line above it a heading (the
    caller reports it at that line). `kinds` says which lines are code.
    """
    text = lines[index].strip()
    atx = _HEADING.match(text)
    if atx:
        return len(atx.group(1)), (atx.group(2) or "").strip()
    underline = _SETEXT.match(text)
    if underline and index > 0:
        above = lines[index - 1]
        # Only a one-line paragraph: Python-Markdown makes `---` under a longer one a rule.
        first = index < 2 or not lines[index - 2].strip() or kinds[index - 2]
        if first and not kinds[index - 1] and above.strip() and not _HEADING.match(above):
            return (1 if underline.group(1)[0] == "=" else 2), above.strip()
    return 0, ""
