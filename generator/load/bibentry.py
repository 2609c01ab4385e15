"""One BibTeX entry → a [`Source`][generator.model.Source], or the findings that say why not.

LaTeX is decoded only in the fields the pages show (title, authors, venue, pages, year,
e-print, keywords), and refused past a depth of braces pylatexenc can take.
"""

from __future__ import annotations

import re

from bibtexparser.middlewares.names import split_multiple_persons_names
from bibtexparser.model import Entry, Field

from generator.load.latex import MAX_BRACE_DEPTH, brace_depth, decode
from generator.load.validate import is_http_url
from generator.model import Finding, Location, Severity, Source

__all__ = ["source_from_entry"]


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


def source_from_entry(entry: Entry, path: str, start: int) -> tuple[Source | None, list[Finding]]:
    """Build the source of a parsed entry that starts on line `start` of `path`.

    Returns:
        The source and no findings, or `None` and its problems (no title, a URL that is not
        http(s), LaTeX nested too deeply), all errors: the caller decides the severity.
    """
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
                "remove the extra braces: a value needs one pair, two (`{{…}}`) to keep capitals",
            )
        ]
    notes = []
    if not title:  # not an error: a prompt gives no title for a model; the pages say so
        notes.append(
            Finding(
                "ref-missing-title",
                Severity.INFO,
                f'source `{entry.key}` has no title: its pages say "title not given"',
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
        return None, [*findings, *notes]
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
    return source, notes


def _decoded(name: str, value: str) -> str:
    """`decode`, refusing what is nested too deeply for pylatexenc (which recurses)."""
    if brace_depth(value) > MAX_BRACE_DEPTH:
        raise _TooDeep(name)
    try:
        return decode(value)
    except RecursionError:
        raise _TooDeep(name) from None
