"""The one Markdown scanner: which lines are code, which spans are code, where headings are.

Citations (`[@key]`), the section index ("cited on" backlinks) and the link check's locator
all read Markdown that MkDocs will render; each must skip what MkDocs renders as code, and
all of them must agree on what that is. So they share this scanner, which follows
CommonMark's rules as Python-Markdown applies them with `pymdownx.superfences`:

- **Fenced code** opens on a line of three or more backticks or tildes (a backtick fence's
  info string holds no backtick) and closes only on a line of the *same* character, *at
  least as long*, with nothing after it but spaces. A ```` ``` ```` line inside a
  ```` ```` ```` block is code, not the end of the block. A fence never closed runs to
  the end of the page.
- **Indented code** is a block indented four spaces (a tab counts as four) deeper than its
  container, after a blank line or at the start. Containers are list items, admonitions
  (`!!!`, `???`), footnote and definition bodies: there, four spaces of indentation are the
  container's content, as in Python-Markdown, and a fence indented with its container opens
  a block (superfences nests fences).
- **Code spans** open on a run of backticks not escaped by a backslash and close on the next
  run of exactly as many backticks in the same paragraph.

Pure functions over strings: no I/O.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

__all__ = ["Heading", "Line", "code_lines", "headings", "mask_code", "plain_heading"]

_FENCE = re.compile(r"(?P<marker>`{3,}|~{3,})(?P<info>.*)\Z")
_CONTAINER = re.compile(
    r"(?:[-*+]|\d{1,9}[.)])(?:[ \t]|\Z)"  # list item
    r"|(?:!!!|\?\?\?\+?)[ \t]"  # admonition, collapsible block
    r"|\[\^[^\]]+\]:"  # footnote definition
    r"|:[ \t]"  # definition
)
_QUOTE = re.compile(r"(?:[ ]{0,3}>[ ]?)+")
_HEADING = re.compile(r"(#{1,6})((?:\\.|[^\\])*?)#*\Z")
_SETEXT = re.compile(r" {0,3}(=+|-+)[ \t]*\Z")
_FRONT_MATTER = re.compile(r"-{3}[ \t]*\r?\n(?:.*?\r?\n)?(?:\.{3}|-{3})[ \t]*\r?\n", re.DOTALL)
_ATTR_ID = re.compile(r"[ \t]*\{[^}]*#([\w:.-]+)[^}]*\}[ \t]*\Z")
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
    """

    number: int
    start: int
    text: str
    code: bool


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


def _split(text: str) -> list[tuple[int, str]]:
    """`(offset, line)` pairs; lines without their `\\n` or `\\r\\n`."""
    out: list[tuple[int, str]] = []
    offset = 0
    for raw in text.split("\n"):
        out.append((offset, raw[:-1] if raw.endswith("\r") else raw))
        offset += len(raw) + 1
    if out and out[-1][1] == "" and text.endswith("\n"):
        out.pop()
    return out


def code_lines(text: str) -> list[Line]:
    """Classify every line of `text` as code or not.

    Args:
        text: A Markdown page (`\\n` or `\\r\\n` line endings).

    Returns:
        One [`Line`][generator.scanner.Line] per line, in order.
    """
    lines: list[Line] = []
    containers: list[int] = []  # the content indent of each open container
    fence: tuple[str, int] | None = None  # marker, indent of the opening fence
    indented = False  # inside an indented code block
    blank_before = True
    front = _FRONT_MATTER.match(text)
    front_end = front.end() if front else 0
    for number, (start, raw) in enumerate(_split(text), start=1):
        if start < front_end:  # YAML front matter: MkDocs reads it, Markdown never sees it
            lines.append(Line(number, start, raw, True))
            continue
        quote = _QUOTE.match(raw)
        body = raw[quote.end() :] if quote else raw
        stripped = body.lstrip(" \t")
        indent = _width(body[: len(body) - len(stripped)])
        if fence is not None:
            marker, opened_at = fence
            close = _FENCE.match(stripped)
            if (
                close
                and close["marker"][0] == marker[0]
                and len(close["marker"]) >= len(marker)
                and not close["info"].strip()
                and indent < opened_at + 4
            ):
                fence = None
            lines.append(Line(number, start, raw, True))
            continue
        if not stripped:
            lines.append(Line(number, start, raw, indented))
            blank_before = True
            continue
        if blank_before or indented:
            # After a blank line, a shallower line closes the containers it is not in.
            while containers and indent < containers[-1]:
                containers.pop()
        base = containers[-1] if containers else 0
        if indented and indent >= base + 4:
            lines.append(Line(number, start, raw, True))
            blank_before = False
            continue
        indented = False
        if blank_before and indent >= base + 4 and not quote:
            indented = True
            lines.append(Line(number, start, raw, True))
            blank_before = False
            continue
        opening = _FENCE.match(stripped)
        if opening and not (opening["marker"][0] == "`" and "`" in opening["info"]):
            fence = (opening["marker"], indent)
            lines.append(Line(number, start, raw, True))
            blank_before = False
            continue
        if _CONTAINER.match(stripped):
            containers.append(indent + 4)
        lines.append(Line(number, start, raw, False))
        blank_before = False
    return lines


def _mask_spans(text: str) -> str:
    """Blank the code spans of one paragraph (offsets kept, newlines kept)."""
    if "`" not in text:
        return text
    out = list(text)
    pos, end = 0, len(text)
    while pos < end:
        char = text[pos]
        if char == "\\":
            pos += 2
            continue
        if char != "`":
            pos += 1
            continue
        run_end = pos
        while run_end < end and text[run_end] == "`":
            run_end += 1
        size = run_end - pos
        close = run_end
        found = -1
        while close < end:
            close = text.find("`", close)
            if close < 0:
                break
            stop = close
            while stop < end and text[stop] == "`":
                stop += 1
            if stop - close == size:
                found = stop
                break
            close = stop
        if found < 0:
            pos = run_end  # a lone run of backticks is literal text
            continue
        for index in range(pos, found):
            if out[index] != "\n":
                out[index] = " "
        pos = found
    return "".join(out)


def mask_code(text: str) -> str:
    """Return `text` with every code block and code span blanked out.

    Every masked character becomes a space; line endings stay, so offsets, line numbers and
    columns in the result are those of `text`.
    """
    out: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            out.append(_mask_spans("".join(paragraph)))
            paragraph.clear()

    lines = code_lines(text)
    for line in lines:
        end = lines[line.number].start if line.number < len(lines) else len(text)
        piece = text[line.start : end]
        if line.code or not line.text.strip():
            flush()
            out.append(re.sub(r"[^\r\n]", " ", piece) if line.code else piece)
        else:
            paragraph.append(piece)
    flush()
    return "".join(out)


def plain_heading(title: str) -> str:
    """Heading Markdown → the plain text MkDocs's `toc` extension slugifies."""
    title = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", title)  # links and images
    title = re.sub(r"<[^>]+>", "", title)
    title = re.sub(r"\\(.)", r"\1", title)
    return re.sub(r"[*_`]", "", title).strip()


def headings(text: str) -> list[Heading]:
    """Return the ATX headings outside code, with the ids MkDocs's `toc` extension gives them."""
    from markdown.extensions.toc import slugify, unique

    found: list[Heading] = []
    used: set[str] = set()
    lines = code_lines(text)
    for line in lines:
        if line.code:
            continue
        level, title = _heading_of(lines, line.number - 1)
        if not title:
            continue
        custom = _ATTR_ID.search(title)
        if custom:
            title = title[: custom.start()]
            anchor = unique(custom.group(1), used)
        else:
            title = _ATTR_LIST.sub("", title)
            anchor = unique(slugify(html.unescape(plain_heading(title)), "-"), used)
        number = line.number if _HEADING.match(line.text.strip()) else line.number - 1
        found.append(Heading(number, level, plain_heading(title), anchor))
    return found


def _heading_of(lines: list[Line], index: int) -> tuple[int, str]:
    """The level and raw title of the heading at `lines[index]`, or `(0, "")`.

    ATX headings as Python-Markdown reads them (`#` to `######`, closing `#`s dropped); a
    setext underline (`===`, `---`) makes the paragraph line above it a heading (the
    caller reports it at that line).
    """
    text = lines[index].text.strip()
    atx = _HEADING.match(text)
    if atx:
        return len(atx.group(1)), (atx.group(2) or "").strip()
    underline = _SETEXT.match(lines[index].text)
    if underline and index > 0:
        above = lines[index - 1]
        # Only a one-line paragraph: Python-Markdown makes `---` under a longer one a rule.
        first = index < 2 or not lines[index - 2].text.strip() or lines[index - 2].code
        if first and not above.code and above.text.strip() and not _HEADING.match(above.text):
            return (1 if underline.group(1)[0] == "=" else 2), above.text.strip()
    return 0, ""
