"""Read `references/*.bib` with bibtexparser v2: every entry keeps its `file:line`.

A block bibtexparser cannot parse is data (`failed_blocks`), turned here into a
`bib-parse-failed` finding at the line of the culprit (an unclosed brace or quote, an entry
closed early). LaTeX is decoded only in the fields the pages show.

A large file is not parsed whole: [`scan_bibtex`][generator.load.bibscan.scan_bibtex] finds
every block, and [`read_bibtex_blocks`][generator.load.bibtex.read_bibtex_blocks] parses
only the chunks of the entries wanted, every `@string` (so that macros resolve) and the
chunks that look broken (to warn about them). The chosen chunks are parsed in one go, each
followed by the start of the block that follows it in the file, so that bibtexparser sees
each chosen block exactly as it would in the whole file.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Collection
from typing import NamedTuple

from bibtexparser.entrypoint import parse_string
from bibtexparser.middlewares.names import split_multiple_persons_names
from bibtexparser.model import (
    Block,
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    Field,
    ImplicitComment,
    ParsingFailedBlock,
)

from generator.load import bibscan
from generator.load.bibscan import BibBlock, BibChunk, TooManyBlocks, entry_name, scan_bibtex
from generator.load.latex import MAX_BRACE_DEPTH, brace_depth, decode
from generator.load.reading import size_text
from generator.load.validate import is_http_url
from generator.model import Finding, Location, Severity, Source

__all__ = [
    "MAX_CHUNK_BYTES",
    "WARNING_BUDGET_BYTES",
    "read_bibtex",
    "read_bibtex_blocks",
    "too_many_blocks",
]

# bibtexparser logs each failed block itself; answersite reports them as findings.
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)

_E, _W = Severity.ERROR, Severity.WARNING

MAX_CHUNK_BYTES = 2**20
"""The largest entry parsed, with the text up to the next entry (1 MiB).

A real entry is a few kB; bibtexparser reads about 1.5 MB a second of text dense in
braces, so a 64 MiB entry of braces would take most of a minute.
"""

WARNING_BUDGET_BYTES = 4 * 2**20
"""How much of a file's entries that no question provides but that look broken is parsed,
to say where they break (a warning). Past it, such an entry gets a warning without detail.
"""


def read_bibtex(text: str, path: str) -> tuple[list[Source], list[Finding]]:
    """Read a whole BibTeX file into sources.

    Args:
        text: The file's text.
        path: Its path relative to the project root.

    Returns:
        The sources (in file order) and the findings (parse failures, missing titles, bad URLs),
        all errors. A key defined twice in one file is kept twice, for the caller's
        duplicate check.
    """
    try:
        chunks = scan_bibtex(text)
    except TooManyBlocks:
        return [], [too_many_blocks(path)]
    return read_bibtex_blocks(text, path, chunks, None)


def too_many_blocks(path: str) -> Finding:
    """The finding for a file of more than [`MAX_BLOCKS`][generator.load.bibscan.MAX_BLOCKS]
    blocks."""
    return Finding(
        "ref-file-too-large",
        Severity.ERROR,
        f"expected at most {bibscan.MAX_BLOCKS:,} blocks (entries, strings, comments) in a "
        "file, found more",
        Location(path),
        "split it into several files",
    )


def read_bibtex_blocks(
    text: str, path: str, chunks: list[BibChunk], wanted: Collection[str] | None
) -> tuple[list[Source], list[Finding]]:
    """Read the entries `wanted` of a scanned BibTeX file.

    Args:
        text: The file's text.
        path: Its path relative to the project root.
        chunks: The file's chunks, from [`scan_bibtex`][generator.load.bibscan.scan_bibtex].
        wanted: The keys to read, or `None` for every entry.

    Returns:
        The sources of the wanted entries, and the findings. A problem of a wanted entry is
        an error; a parse failure of any other block (an entry not wanted, a `@string`) is
        a warning. With `wanted` `None`, every entry is read and every problem is an error.
    """
    reader = _Reader(path, wanted)
    chosen = [reader.choose(chunk) for chunk in chunks]
    pieces, assembled = _assemble(text, chunks, chosen)
    try:
        library = parse_string(assembled)
    except Exception as error:  # bibtexparser raises on states it calls its own bugs
        return [], reader.crashed(chunks, chosen, error)
    starts = [piece.assembled_line for piece in pieces]
    for block in library.blocks:
        at = bisect.bisect_right(starts, block.start_line or 0) - 1
        piece = pieces[at]
        if piece.chunk is None:
            continue  # the start of the next block, put after a chunk to end it as in the file
        reader.read(block, piece.chunk, piece.line + (block.start_line or 0) - starts[at])
    # In file order: findings of chunks not parsed were made before the others.
    findings = sorted(
        reader.findings,
        key=lambda f: (f.location.line or 0, f.location.column or 0) if f.location else (0, 0),
    )
    return reader.sources, findings


class _Piece(NamedTuple):
    """A stretch of the text given to bibtexparser: a chunk, or a block start ending one."""

    assembled_line: int  # 0-based, in the assembled text
    chunk: int | None  # the chunk's index, or None for a block start put after a chunk
    line: int  # the 1-based line of its first character in the file


def _assemble(text: str, chunks: list[BibChunk], chosen: list[bool]) -> tuple[list[_Piece], str]:
    pieces: list[_Piece] = []
    parts: list[str] = []
    line = 0
    for index, chunk in enumerate(chunks):
        if not chosen[index]:
            continue
        part = text[chunk.start : chunk.end]
        pieces.append(_Piece(line, index, chunk.line))
        parts.append(part)
        line += part.count("\n")
        following = index + 1
        if following < len(chunks) and not chosen[following]:
            # The chunk ends where the next block starts, at the beginning of a line: a block
            # still open there is aborted by that start, with the start's name in the reason.
            pieces.append(_Piece(line, None, chunks[following].line))
            parts.append(chunks[following].head + "{}\n")
            line += 1
    return pieces, "".join(parts)


class _Reader:
    """Turns the blocks bibtexparser returns into sources and findings."""

    def __init__(self, path: str, wanted: Collection[str] | None) -> None:
        self.path = path
        self.every = wanted is None
        self.keys: Collection[str] = wanted if wanted is not None else ()
        self.sources: list[Source] = []
        self.findings: list[Finding] = []
        self._above: dict[int, str | None] = {}  # chunk -> the name of its last entry so far
        self._budget = WARNING_BUDGET_BYTES

    def wants(self, name: str | None) -> bool:
        return self.every or (name is not None and name in self.keys)

    def choose(self, chunk: BibChunk) -> bool:
        """Whether to parse `chunk`; a chunk too large to parse gets its findings here."""
        needed = self.every or any(
            block.kind == "string" or self.wants(block.name) for block in chunk.blocks
        )
        if not needed and not chunk.suspect:
            return False
        size = chunk.end - chunk.start
        if size > MAX_CHUNK_BYTES:
            for block in chunk.blocks:
                if block.kind in ("entry", "string") and (needed or chunk.suspect):
                    self.findings.append(_too_large(block, self.path, size, self.wants(block.name)))
            return False
        if needed:
            return True
        # Looks broken, and no question provides it: parse it to say where (a warning),
        # within a budget, so that a file of broken entries stays fast.
        if size > self._budget:
            self.findings.extend(
                _looks_broken(block, self.path) for block in chunk.blocks if block.kind == "entry"
            )
            return False
        self._budget -= size
        return True

    def severity(self, name: str | None) -> Severity:
        return _E if self.wants(name) else _W

    def read(self, block: Block, chunk: int, line: int) -> None:
        if isinstance(block, ImplicitComment):
            # Fields after an entry's end: that entry was closed early.
            owner = self._above.get(chunk)
            self.findings.extend(_stray_fields(block, self.path, line, self.severity(owner)))
            return
        name = _name_of(block)
        if name is not None:
            self._above[chunk] = name
        if isinstance(block, DuplicateBlockKeyBlock):
            # A second entry with a key already used in this file. Reading everything, it is
            # kept, so that load_project reports it with both places, like a key repeated
            # across files; otherwise the key check has reported it already.
            if self.every and isinstance(block.ignore_error_block, Entry):
                self._entry(block.ignore_error_block, line)
            return
        if isinstance(block, DuplicateFieldKeyBlock):
            self.findings.append(_duplicate_field(block, self.path, line, self.severity(name)))
        elif isinstance(block, ParsingFailedBlock):
            self.findings.append(_parse_failure(block, self.path, line, self.severity(name)))
        elif isinstance(block, Entry) and self.wants(block.key):
            self._entry(block, line)

    def _entry(self, entry: Entry, line: int) -> None:
        source, problems = _source_from_entry(entry, self.path, line)
        self.findings.extend(problems)
        if source is not None:
            self.sources.append(source)

    def crashed(
        self, chunks: list[BibChunk], chosen: list[bool], error: Exception
    ) -> list[Finding]:
        """Findings for the wanted entries of chunks bibtexparser failed on."""
        return [
            Finding(
                "bib-parse-failed",
                _E,
                f"could not parse the entry `{block.name}`: bibtexparser failed "
                f"({type(error).__name__}: {error})",
                Location(self.path, block.line),
                "check this entry and the ones around it for unbalanced braces and quotes",
            )
            for index, chunk in enumerate(chunks)
            if chosen[index]
            for block in chunk.blocks
            if block.kind == "entry" and self.wants(block.name)
        ]


def _label(block: BibBlock) -> str:
    if block.kind != "entry":
        return f"this @{block.kind}"
    return f"the entry `{block.name}`" if block.name else "this entry"


def _too_large(block: BibBlock, path: str, size: int, wanted: bool) -> Finding:
    what = _label(block)
    return Finding(
        "bib-parse-failed",
        _E if wanted else _W,
        f"{what}: expected at most {size_text(MAX_CHUNK_BYTES)} up to the next entry, "
        f"found {size:,} bytes, so it is not read",
        Location(path, block.line),
        "look for a brace or quote that is never closed, or text pasted in by mistake",
    )


def _looks_broken(block: BibBlock, path: str) -> Finding:
    """A warning without detail, for an entry no question provides that is not parsed."""
    why = (
        "its head `@type{key,` cannot be read"
        if block.key is None
        else ("its `{` and `}` do not pair up")
    )
    return Finding(
        "bib-parse-failed",
        _W,
        f"{_label(block)} probably cannot be read: {why}",
        Location(path, block.line),
        "write the entry as `@type{key, field = {value}, ...}` with every `{` closed, or delete it",
    )


def _name_of(block: Block) -> str | None:
    """The key of an entry block (or, for one whose head fails, the key-like text), else None."""
    if isinstance(block, Entry):
        return block.key
    if isinstance(block, ParsingFailedBlock):
        if isinstance(block.ignore_error_block, Entry):
            return block.ignore_error_block.key
        return entry_name(block.raw or "")
    return None


_ENTRY_HEAD = re.compile(r"@\s*([A-Za-z]+)\s*\{\s*([^,\s{}]*)")


def _parse_failure(block: Block, path: str, start: int, severity: Severity) -> Finding:
    """Explain a block bibtexparser could not parse, at the line of the culprit if known."""
    raw = block.raw or ""
    head = _ENTRY_HEAD.match(raw)
    kind = f"@{head.group(1)}" if head else "@entry"
    entry = f"the {kind} entry `{head.group(2)}`" if head and head.group(2) else f"the {kind} entry"
    error = getattr(block, "error", None)
    reason = getattr(error, "abort_reason", None) or ""
    # The block ran on into the next `@` or the end of the file: a brace or quote is open.
    if not reason or "block start" in reason or "end of file" in reason:
        unclosed = _unclosed(raw)
        if unclosed is not None:
            char, offset = unclosed
            line = start + raw.count("\n", 0, offset)
            column = offset - (raw.rfind("\n", 0, offset) + 1) + 1
            closer = "}" if char == "{" else '"'
            if head is not None and offset == raw.index("{", head.end(1)):
                what = f"the `{{` that opens {entry} is never closed"
                fix = "end the entry with `}` before the next `@`"
            else:
                what = f"this `{char}` is never closed, so {entry} (line {start}) cannot be read"
                fix = f"add the matching `{closer}` to the value that starts here"
            return Finding("bib-parse-failed", severity, what, Location(path, line, column), fix)
    detail = f": {reason.strip().rstrip('.')}" if reason else ""
    return Finding(
        "bib-parse-failed",
        severity,
        f"could not parse {entry} that starts here{detail}",
        Location(path, start),
        "write the entry as `@type{key, field = {value}, ...}`: a comma after the key and "
        "after each field, every `{` closed",
    )


def _duplicate_field(
    block: DuplicateFieldKeyBlock, path: str, start: int, severity: Severity
) -> Finding:
    """An entry with a field written twice: bibtexparser refuses the whole entry."""
    entry = block.ignore_error_block
    name = sorted(block.duplicate_keys)[0]
    line = start
    if isinstance(entry, Entry):
        seen = [f for f in entry.fields if f.key == name]
        line = start + (seen[-1].start_line or 0) - (entry.start_line or 0)
    key = entry.key if isinstance(entry, Entry) else "?"
    return Finding(
        "bib-parse-failed",
        severity,
        f"the entry `{key}` has the field `{name}` twice; a field may appear once",
        Location(path, line),
        f"remove one of the two `{name} = …` lines",
    )


_UNCLOSED_MARK = re.compile(r'[{}"\n]')


def _unclosed(raw: str) -> tuple[str, int] | None:
    """Return the `{` or `"` of an entry's text that is never closed, and its offset.

    A value still open when a line starts the next field (`name =`) is the culprit;
    otherwise the innermost brace left open at the end.
    """
    braces: list[int] = []
    quote: int | None = None
    for mark in _UNCLOSED_MARK.finditer(raw):
        offset, char = mark.start(), mark.group()
        if char == "\n":
            still_open = quote if quote is not None else braces[-1] if len(braces) > 1 else None
            if still_open is not None and _FIELD_START.match(raw, offset + 1):
                return raw[still_open], still_open
        elif char == "{":
            braces.append(offset)
        elif char == "}" and braces:
            braces.pop()
        elif char == '"' and len(braces) == 1:
            quote = offset if quote is None else None
    if quote is not None:
        return '"', quote
    return ("{", braces[-1]) if braces else None


_FIELD_START = re.compile(r"[ \t]*[A-Za-z][\w-]*[ \t]*=")
_FIELD_LINE = re.compile(r"(?m)^[ \t]*([A-Za-z][\w-]*)[ \t]*=[ \t]*[{\"0-9]")


def _stray_fields(
    block: ImplicitComment, path: str, start: int, severity: Severity
) -> list[Finding]:
    """Text between entries that looks like `field = {…}`: an extra `}` ended an entry early."""
    raw = block.raw or ""
    match = _FIELD_LINE.search(raw)
    if match is None:
        return []
    line = start + raw.count("\n", 0, match.start(1))
    return [
        Finding(
            "bib-parse-failed",
            severity,
            f"the field `{match.group(1)}` is outside any entry, so it is ignored: "
            "an entry above it was closed early",
            Location(path, line),
            "remove the extra `}` in the entry above, so the entry ends after its last field",
        )
    ]


def _field_line(entry: Entry, name: str, start: int) -> int:
    """The 1-based line of field `name` in the entry's raw text (its first line if not found)."""
    raw = entry.raw or ""
    match = re.search(rf"(?im)^[ \t]*{re.escape(name)}[ \t]*=", raw)
    return start + raw.count("\n", 0, match.start()) if match else start


class _TooDeep(Exception):
    """A field's LaTeX is nested too deeply to decode."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _source_from_entry(entry: Entry, path: str, start: int) -> tuple[Source | None, list[Finding]]:
    fields = {f.key.lower(): f.value for f in entry.fields if isinstance(f, Field)}
    findings = []

    def value(name: str) -> str | None:
        raw = fields.get(name)
        return _decoded(name, str(raw)) or None if raw is not None else None

    try:
        title = value("title")
        authors = tuple(
            _decoded("author", a)
            for a in split_multiple_persons_names(str(fields.get("author", "")))
        )
        keywords = tuple(k.strip() for k in (value("keywords") or "").split(",") if k.strip())
        year, venue, pages, eprint = (
            value("year"),
            value("booktitle") or value("journal"),
            value("pages"),
            value("eprint"),
        )
    except _TooDeep as deep:
        return None, [
            Finding(
                "bib-too-deep",
                Severity.ERROR,
                f"`{deep.name}` of source `{entry.key}`: expected braces and macros nested "
                f"at most {MAX_BRACE_DEPTH} deep, found deeper nesting",
                Location(path, _field_line(entry, deep.name, start)),
                "remove the extra braces: a title needs one pair, `{{…}}` to keep capitals",
            )
        ]
    if not title:
        findings.append(
            Finding(
                "ref-missing-title",
                Severity.ERROR,
                f"source `{entry.key}` has no title",
                Location(path, start),
                "add `title = {…}` to the entry",
            )
        )
    urls = {}
    for name in ("url", "code"):
        url = fields.get(name)
        if url is None:
            continue
        url = str(url).strip()
        if not is_http_url(url):
            findings.append(
                Finding(
                    "ref-bad-url",
                    Severity.ERROR,
                    f"`{name}` of source `{entry.key}` must be an http(s) URL, found `{url}`",
                    Location(path, _field_line(entry, name, start)),
                    "write the full address, starting with https://",
                )
            )
        else:
            urls[name] = url
    if findings:
        return None, findings
    source = Source(
        key=entry.key,
        title=title or "",
        location=Location(path, start),
        entry_type=entry.entry_type.lower(),
        authors=tuple(a for a in authors if a),
        year=year,
        venue=venue,
        pages=pages,
        eprint=eprint,
        url=urls.get("url"),
        code=urls.get("code"),
        # Not shown on any page: kept as written, never LaTeX-decoded (the costly part).
        abstract=" ".join(str(fields["abstract"]).split()) or None
        if "abstract" in fields
        else None,
        annotation=str(fields.get("annotation", "")).strip() or None,
        keywords=keywords,
        bibtex=(entry.raw or "").strip() + "\n",
    )
    return source, []


def _decoded(name: str, value: str) -> str:
    """`decode`, refusing what is nested too deeply for pylatexenc (which recurses)."""
    if brace_depth(value) > MAX_BRACE_DEPTH:
        raise _TooDeep(name)
    try:
        return decode(value)
    except RecursionError:
        raise _TooDeep(name) from None
