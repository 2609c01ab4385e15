"""Read `references/*.bib` with bibtexparser v2: every entry keeps its `file:line`.

A block bibtexparser cannot parse is data (`failed_blocks`), turned here into a
`bib-parse-failed` finding at the line of the culprit (an unclosed brace or quote, an entry
closed early). LaTeX is decoded only in the fields the pages show.
"""

from __future__ import annotations

import logging
import re

from bibtexparser.entrypoint import parse_string
from bibtexparser.library import Library
from bibtexparser.middlewares.names import split_multiple_persons_names
from bibtexparser.model import Block, DuplicateBlockKeyBlock, Entry, Field, ImplicitComment

from generator.load.latex import decode
from generator.load.validate import is_http_url
from generator.model import Finding, Location, Severity, Source

__all__ = ["read_bibtex", "read_bibtex_keys"]

# bibtexparser logs each failed block itself; answersite reports them as findings.
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)


def _field_line(entry: Entry, name: str, start: int) -> int:
    """The 1-based line of field `name` in the entry's raw text (its first line if not found)."""
    raw = entry.raw or ""
    match = re.search(rf"(?im)^[ \t]*{re.escape(name)}[ \t]*=", raw)
    return start + raw.count("\n", 0, match.start()) if match else start


def read_bibtex(text: str, path: str) -> tuple[list[Source], list[Finding]]:
    """Read a BibTeX file into sources.

    Args:
        text: The file's text.
        path: Its path relative to the project root.

    Returns:
        The sources (in file order) and the findings (parse failures, missing titles, bad URLs).
        A key defined twice in one file is left for the caller's duplicate check.
    """
    sources, findings, _ = read_bibtex_keys(text, path)
    return sources, findings


def read_bibtex_keys(text: str, path: str) -> tuple[list[Source], list[Finding], set[str]]:
    """[`read_bibtex`][generator.load.bibtex.read_bibtex], plus the keys of the entries
    that exist but could not be read (their own finding explains why)."""
    library: Library = parse_string(text)
    findings: list[Finding] = []
    broken: set[str] = set()
    for block in library.failed_blocks:
        if not isinstance(block, DuplicateBlockKeyBlock):
            findings.append(_parse_failure(block, path))
            head = _ENTRY_HEAD.match(block.raw or "")
            if head and head.group(2):
                broken.add(head.group(2))
    for comment in library.comments:
        if isinstance(comment, ImplicitComment):
            findings.extend(_stray_fields(comment, path))
    entries = [(entry, (entry.start_line or 0) + 1) for entry in library.entries]
    for block in library.failed_blocks:
        # A second entry with a key already used in this file: kept, so that load_project
        # reports it with both places, like a key repeated across files.
        if isinstance(block, DuplicateBlockKeyBlock) and isinstance(
            block.ignore_error_block, Entry
        ):
            entries.append((block.ignore_error_block, (block.start_line or 0) + 1))
    sources = []
    for entry, start in entries:
        source, problems = _source_from_entry(entry, path, start)
        findings.extend(problems)
        if source is not None:
            sources.append(source)
        else:
            broken.add(entry.key)
    return sources, findings, broken


_ENTRY_HEAD = re.compile(r"@\s*([A-Za-z]+)\s*\{\s*([^,\s{}]*)")


def _parse_failure(block: Block, path: str) -> Finding:
    """Explain a block bibtexparser could not parse, at the line of the culprit if known."""
    start = (block.start_line or 0) + 1
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
            return Finding(
                "bib-parse-failed", Severity.ERROR, what, Location(path, line, column), fix
            )
    detail = f": {reason.strip().rstrip('.')}" if reason else ""
    return Finding(
        "bib-parse-failed",
        Severity.ERROR,
        f"could not parse {entry} that starts here{detail}",
        Location(path, start),
        "write the entry as `@type{key, field = {value}, ...}`: a comma after the key and "
        "after each field, every `{` closed",
    )


def _unclosed(raw: str) -> tuple[str, int] | None:
    """Return the `{` or `"` of an entry's text that is never closed, and its offset.

    A value still open when a line starts the next field (`name =`) is the culprit;
    otherwise the innermost brace left open at the end.
    """
    braces: list[int] = []
    quote: int | None = None
    for offset, char in enumerate(raw):
        if offset == 0 or raw[offset - 1] == "\n":
            still_open = quote if quote is not None else braces[-1] if len(braces) > 1 else None
            if still_open is not None and _FIELD_START.match(raw, offset):
                return raw[still_open], still_open
        if char == "{":
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


def _stray_fields(block: ImplicitComment, path: str) -> list[Finding]:
    """Text between entries that looks like `field = {…}`: an extra `}` ended an entry early."""
    raw = block.raw or ""
    match = _FIELD_LINE.search(raw)
    if match is None:
        return []
    line = (block.start_line or 0) + 1 + raw.count("\n", 0, match.start(1))
    return [
        Finding(
            "bib-parse-failed",
            Severity.ERROR,
            f"the field `{match.group(1)}` is outside any entry, so it is ignored: "
            "an entry above it was closed early",
            Location(path, line),
            "remove the extra `}` in the entry above, so the entry ends after its last field",
        )
    ]


def _source_from_entry(entry: Entry, path: str, start: int) -> tuple[Source | None, list[Finding]]:
    fields = {f.key.lower(): f.value for f in entry.fields if isinstance(f, Field)}
    findings = []

    def value(name: str) -> str | None:
        raw = fields.get(name)
        return decode(str(raw)) or None if raw is not None else None

    title = value("title")
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
    authors = tuple(decode(a) for a in split_multiple_persons_names(fields.get("author", "")))
    keywords = tuple(k.strip() for k in (value("keywords") or "").split(",") if k.strip())
    source = Source(
        key=entry.key,
        title=title or "",
        location=Location(path, start),
        entry_type=entry.entry_type.lower(),
        authors=tuple(a for a in authors if a),
        year=value("year"),
        venue=value("booktitle") or value("journal"),
        pages=value("pages"),
        eprint=value("eprint"),
        url=urls.get("url"),
        code=urls.get("code"),
        # Not shown on any page: kept as written, never LaTeX-decoded (the costly part).
        abstract=" ".join(str(fields["abstract"]).split()) or None
        if "abstract" in fields
        else None,
        annotation=fields.get("annotation", "").strip() or None,
        keywords=keywords,
        bibtex=(entry.raw or "").strip() + "\n",
    )
    return source, []
