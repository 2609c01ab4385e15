"""Why a BibTeX block cannot be read: one `bib-parse-failed` finding, at the culprit.

bibtexparser gives a block it cannot parse as data, with the reason it stopped; these
functions turn it into a message that points at the brace or quote left open, the field
outside any entry, or the field written twice, with one concrete fix.
"""

from __future__ import annotations

import re

from bibtexparser.model import Block, DuplicateFieldKeyBlock, Entry, ImplicitComment

from generator.load.bibscan import BibBlock
from generator.load.reading import size_text
from generator.model import Finding, Location, Severity

__all__ = ["duplicate_field", "looks_broken", "parse_failure", "stray_fields", "too_large"]


def _label(block: BibBlock) -> str:
    if block.kind != "entry":
        return f"this @{block.kind}"
    return f"the entry `{block.name}`" if block.name else "this entry"


def too_large(block: BibBlock, path: str, size: int, limit: int, severity: Severity) -> Finding:
    """A block whose text, up to the next block, is over `limit` bytes: not parsed."""
    what = _label(block)
    return Finding(
        "bib-parse-failed",
        severity,
        f"{what}: expected at most {size_text(limit)} up to the next entry, "
        f"found {size:,} bytes, so it is not read",
        Location(path, block.line),
        "look for a brace or quote that is never closed, or text pasted in by mistake",
    )


def looks_broken(block: BibBlock, path: str) -> Finding:
    """A warning without detail, for an entry no question provides that is not parsed."""
    why = (
        "its head `@type{key,` cannot be read"
        if block.key is None
        else ("its `{` and `}` do not pair up")
    )
    return Finding(
        "bib-parse-failed",
        Severity.WARNING,
        f"{_label(block)} probably cannot be read: {why}",
        Location(path, block.line),
        "write the entry as `@type{key, field = {value}, ...}` with every `{` closed, or delete it",
    )


_ENTRY_HEAD = re.compile(r"@\s*([A-Za-z]+)\s*\{\s*([^,\s{}]*)")


def parse_failure(block: Block, path: str, start: int, severity: Severity) -> Finding:
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


def duplicate_field(
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


def stray_fields(
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
