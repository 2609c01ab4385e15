"""Find every block of a BibTeX file (its kind, key and line) without parsing the file.

A 50,000-entry bibliography takes bibtexparser about 8 s to parse, and answersite needs
the fields of only the few entries the questions provide. This scan finds where each block
starts, and the key of each entry, at the speed of a regular expression; bibtexparser then
parses only the blocks that are needed ([`bibtex`][generator.load.bibtex]).

The scan follows bibtexparser v2's splitter, so that both see the same blocks:

- a block starts at `@type{` or `@type(` (`@` then letters, digits or `_`, then spaces or
  tabs);
- such a start at the beginning of a line (after spaces) always starts a block: inside an
  unfinished block, the splitter aborts that block there;
- one in the middle of a line starts a block only between blocks (inside a value, as in
  `LeQua @ {CLEF}`, it is text).

So the file is cut into *chunks* at the starts that begin a line. A chunk without any other
start holds exactly one block, read here; a chunk with another start somewhere in a line
(rare) is handed to bibtexparser's splitter, which alone knows where its blocks end.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Literal

from bibtexparser.model import (
    Block,
    Entry,
    ExplicitComment,
    ImplicitComment,
    ParsingFailedBlock,
    Preamble,
    String,
)
from bibtexparser.splitter import Splitter

__all__ = [
    "MAX_BLOCKS",
    "MAX_CHUNK_BYTES",
    "BibBlock",
    "BibChunk",
    "BlockKind",
    "TooManyBlocks",
    "block_kind",
    "entry_name",
    "scan_bibtex",
]

# bibtexparser logs each failed block itself; answersite reports them as findings.
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)

BlockKind = Literal["entry", "string", "comment", "preamble"]

MAX_BLOCKS = 200_000
"""The most blocks (entries, strings, comments) read from one file.

A real entry is about 500 bytes: 50,000 entries are 25 MB, and the 64 MiB size limit holds
about 130,000. A file of 64 MiB of `@a{k}` lines would hold 9 million, and their keys
alone would need gigabytes.
"""


MAX_CHUNK_BYTES = 2**20
"""The largest chunk (an entry and the text up to the next one) that is parsed (1 MiB).

A real entry is a few kB; bibtexparser reads about 1.5 MB a second of text dense in
braces, so a 64 MiB entry of braces would take most of a minute. A larger chunk is
neither split here (its first block only is seen, and it is marked suspect) nor parsed
later (its entry gets a finding).
"""


class TooManyBlocks(Exception):
    """A file holds more than [`MAX_BLOCKS`][generator.load.bibscan.MAX_BLOCKS] blocks."""


# bibtexparser's block start (`splitter._BLOCK_START`), and the marks that may end a key.
_BLOCK_START = re.compile(r"@\w*[ \t]*(?=[{(])")
_KEY_END = {"{": re.compile(r'(?<!\\)[{}",=]'), "(": re.compile(r'(?<!\\)[{}",=)]')}
_CLOSING = {"{": "}", "(": ")"}
# A key-like name after a head that does not parse, e.g. `k` in `@misc{k title = …`.
_LOOSE_KEY = re.compile(r"@\s*[A-Za-z]+\s*\{\s*([^,\s{}]+)")


@dataclass(frozen=True, slots=True)
class BibBlock:
    """One block of a BibTeX file, as the scan sees it.

    Attributes:
        kind: `entry`, `string`, `comment` or `preamble`.
        line: The 1-based line of its `@`.
        key: An entry's key as bibtexparser reads it (`""` when it is empty), or `None`
            when the entry's head (`@type{key,`) cannot be parsed or the block is no entry.
        name: The key, or for a head that cannot be parsed the key-like text after the
            brace (for messages, and so that a question naming it is not told it is unknown).
    """

    kind: BlockKind
    line: int
    key: str | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True)
class BibChunk:
    """A stretch of the file from one block start at the beginning of a line to the next.

    The first chunk holds the text before the first such start (and may hold no block).

    Attributes:
        start: The offset of its first character (its `@`, except for the first chunk).
        end: The offset just after its last character.
        line: The 1-based line of `start`.
        head: The block start that begins it, e.g. `@article` (`""` for the first chunk).
        blocks: Its blocks, in order.
        suspect: Its braces do not balance, or an entry's head cannot be parsed: a block
            of it may fail to parse.
    """

    start: int
    end: int
    line: int
    head: str
    blocks: tuple[BibBlock, ...]
    suspect: bool


def block_kind(head: str) -> BlockKind:
    """The kind of block a start mark such as `@Comment` begins (as bibtexparser decides)."""
    lowered = head.lower()
    if lowered.startswith("@comment"):
        return "comment"
    if lowered.startswith("@preamble"):
        return "preamble"
    if lowered.startswith("@string"):
        return "string"
    return "entry"


def entry_name(raw: str) -> str | None:
    """The key of the entry whose text (from its `@`) is `raw`, or if its head cannot be
    parsed the key-like text after the brace; `None` for a block that is no entry."""
    mark = _BLOCK_START.match(raw)
    if mark is None or block_kind(mark.group()) != "entry":
        return None
    key = _entry_key(raw, mark.end(), len(raw))
    if key is not None:
        return key
    loose = _LOOSE_KEY.match(raw)
    return loose.group(1) if loose else None


def _entry_key(text: str, mark_end: int, end: int) -> str | None:
    """The key of the entry whose start mark ends at `mark_end`, or `None` if bibtexparser
    would abort it before the key (no `,` or closing delimiter before `end`).

    Args:
        text: The text holding the entry.
        mark_end: The offset of the `{` or `(` that opens the entry.
        end: Where the search stops (the next block start).
    """
    opener = text[mark_end]
    found = _KEY_END[opener].search(text, mark_end + 1, end)
    if found is None or found.group() not in (",", _CLOSING[opener]):
        return None
    return text[mark_end + 1 : found.start()].strip()


def scan_bibtex(text: str) -> list[BibChunk]:
    """Cut a BibTeX text into chunks and find the kind, key and line of each block.

    Returns:
        The chunks, in file order; their concatenation is `text`.

    Raises:
        TooManyBlocks: The text holds more than `MAX_BLOCKS` block starts.
    """
    starts: list[tuple[int, int, str]] = []  # (offset, end of the start mark, its text)
    inline: list[int] = []
    heads: dict[str, str] = {}  # one string per distinct start mark, e.g. `@article`
    for found in _BLOCK_START.finditer(text):
        at = found.start()
        begin = text.rfind("\n", 0, at) + 1
        if begin == at or text[begin:at].isspace():
            mark = found.group()
            starts.append((at, found.end(), heads.setdefault(mark, mark)))
        else:
            inline.append(at)
        if len(starts) + len(inline) > MAX_BLOCKS:
            raise TooManyBlocks
    bounds = [0, *(start[0] for start in starts), len(text)]
    chunks = []
    line, counted, next_inline = 1, 0, 0
    for index in range(len(bounds) - 1):
        begin, end = bounds[index], bounds[index + 1]
        line += text.count("\n", counted, begin)
        counted = begin
        has_inline = False
        while next_inline < len(inline) and inline[next_inline] < end:
            has_inline = True
            next_inline += 1
        head = starts[index - 1] if index else None
        if has_inline and end - begin <= MAX_CHUNK_BYTES:
            blocks = _split(text, begin, end, line)
        elif head is None:
            blocks = ()
        else:
            blocks = (_one_block(text, head, end, line),)
        suspect = end - begin > MAX_CHUNK_BYTES or _suspect(text, begin, end, blocks)
        chunks.append(BibChunk(begin, end, line, head[2] if head else "", blocks, suspect))
    return chunks


def _one_block(text: str, head: tuple[int, int, str], end: int, line: int) -> BibBlock:
    kind = block_kind(head[2])
    if kind != "entry":
        return BibBlock(kind, line)
    key = _entry_key(text, head[1], end)
    if key is not None:
        return BibBlock(kind, line, key, key)
    loose = _LOOSE_KEY.match(text, head[0], end)
    return BibBlock(kind, line, None, loose.group(1) if loose else None)


def _split(text: str, start: int, end: int, line: int) -> tuple[BibBlock, ...]:
    """The blocks of a chunk with a block start inside a line, as bibtexparser splits them."""
    try:
        library = Splitter(text[start:end]).split()
    except Exception:  # bibtexparser re-raises what it calls its own bugs: one block, then
        return (_described(text[start:end], line),) if text[start:end].strip() else ()
    blocks = []
    for block in library.blocks:
        if isinstance(block, ImplicitComment):
            continue
        blocks.append(_described(block.raw or "", line + (block.start_line or 0), block))
    return tuple(blocks)


def _described(raw: str, line: int, block: Block | None = None) -> BibBlock:
    if isinstance(block, String):
        return BibBlock("string", line)
    if isinstance(block, (ExplicitComment, Preamble)):
        return BibBlock("comment" if isinstance(block, ExplicitComment) else "preamble", line)
    mark = _BLOCK_START.match(raw)
    kind = block_kind(mark.group()) if mark else "comment"
    if kind != "entry":
        return BibBlock(kind, line)
    if isinstance(block, ParsingFailedBlock) and isinstance(block.ignore_error_block, Entry):
        key: str | None = block.ignore_error_block.key
    elif isinstance(block, Entry):
        key = block.key
    else:
        key = _entry_key(raw, mark.end(), len(raw)) if mark else None
    if key is not None:
        return BibBlock(kind, line, key, key)
    return BibBlock(kind, line, None, entry_name(raw))


def _suspect(text: str, start: int, end: int, blocks: tuple[BibBlock, ...]) -> bool:
    if any(block.kind == "entry" and block.key is None for block in blocks):
        return True
    opened = text.count("{", start, end) - text.count("\\{", start, end)
    closed = text.count("}", start, end) - text.count("\\}", start, end)
    return opened != closed
