"""Read `references/*.bib` with bibtexparser v2: every entry keeps its `file:line`.

A block bibtexparser cannot parse is data (`failed_blocks`), turned into a
`bib-parse-failed` finding at the line of the culprit ([`bibfailures`][generator.load.bibfailures]);
an entry that parses becomes a source ([`bibentry`][generator.load.bibentry]), with LaTeX
decoded only in the fields the pages show.

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
from collections.abc import Collection
from typing import NamedTuple

from bibtexparser.entrypoint import parse_string
from bibtexparser.model import (
    Block,
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ImplicitComment,
    ParsingFailedBlock,
)

from generator.load import bibscan
from generator.load.bibentry import source_from_entry
from generator.load.bibfailures import (
    duplicate_field,
    looks_broken,
    parse_failure,
    stray_fields,
    too_large,
)
from generator.load.bibscan import BibChunk, TooManyBlocks, entry_name, scan_bibtex
from generator.model import Finding, Location, Severity, Source

__all__ = [
    "WARNING_BUDGET_BYTES",
    "read_bibtex",
    "read_bibtex_blocks",
    "too_many_blocks",
]

# bibtexparser logs each failed block itself; answersite reports them as findings.
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)

_E, _W = Severity.ERROR, Severity.WARNING

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
        if size > bibscan.MAX_CHUNK_BYTES:
            for block in chunk.blocks:
                if block.kind in ("entry", "string"):
                    severity = self.severity(block.name)
                    self.findings.append(
                        too_large(block, self.path, size, bibscan.MAX_CHUNK_BYTES, severity)
                    )
            return False
        if needed:
            return True
        # Looks broken, and no question provides it: parse it to say where (a warning),
        # within a budget, so that a file of broken entries stays fast.
        if size > self._budget:
            self.findings.extend(
                looks_broken(block, self.path) for block in chunk.blocks if block.kind == "entry"
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
            self.findings.extend(stray_fields(block, self.path, line, self.severity(owner)))
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
            self.findings.append(duplicate_field(block, self.path, line, self.severity(name)))
        elif isinstance(block, ParsingFailedBlock):
            self.findings.append(parse_failure(block, self.path, line, self.severity(name)))
        elif isinstance(block, Entry) and self.wants(block.key):
            self._entry(block, line)

    def _entry(self, entry: Entry, line: int) -> None:
        source, problems = source_from_entry(entry, self.path, line)
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


def _name_of(block: Block) -> str | None:
    """The key of an entry block (or, for one whose head fails, the key-like text), else None."""
    if isinstance(block, Entry):
        return block.key
    if isinstance(block, ParsingFailedBlock):
        if isinstance(block.ignore_error_block, Entry):
            return block.ignore_error_block.key
        return entry_name(block.raw or "")
    return None
