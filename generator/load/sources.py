"""Read `references/*.yaml`: a `sources:` list with the same fields as BibTeX."""

from __future__ import annotations

from dataclasses import dataclass

from bibtexparser.entrypoint import write_string
from bibtexparser.library import Library
from bibtexparser.model import Entry, Field

from generator.load.validate import Validator
from generator.load.yamlread import LineDict, read_yaml
from generator.model import Finding, Location, Severity, Source

__all__ = ["SOURCE_FIELDS", "YamlSource", "read_source_yaml", "read_source_yaml_items"]

#: The fields answersite reads from a source, in BibTeX and YAML alike.
SOURCE_FIELDS = (
    "title",
    "author",
    "year",
    "booktitle",
    "journal",
    "pages",
    "eprint",
    "url",
    "code",
    "abstract",
    "annotation",
    "keywords",
)
_YAML_FIELDS = ("key", "type", "authors", *[f for f in SOURCE_FIELDS if f != "author"])


@dataclass(frozen=True)
class YamlSource:
    """One item of a YAML reference file, read.

    Attributes:
        key: Its key, or `None` when it has none.
        location: Where the item starts.
        source: The source, or `None` when it has a problem.
        findings: Its problems, as errors (the loader makes them warnings when no question
            provides the key).
    """

    key: str | None
    location: Location
    source: Source | None
    findings: tuple[Finding, ...]


def read_source_yaml(text: str, path: str) -> tuple[list[Source], list[Finding]]:
    """Read a YAML reference file: a mapping with a `sources:` list.

    Args:
        text: The file's text.
        path: Its path relative to the project root.

    Returns:
        The sources (in file order) and the findings.
    """
    items, findings = read_source_yaml_items(text, path)
    sources = [item.source for item in items if item.source is not None]
    return sources, [*findings, *(f for item in items for f in item.findings)]


_TEXT_FIELDS = ("year", "booktitle", "journal", "pages", "eprint", "abstract", "annotation")


def read_source_yaml_items(text: str, path: str) -> tuple[list[YamlSource], list[Finding]]:
    """Read a YAML reference file item by item.

    Returns:
        Each item of `sources:` with its own findings, and the findings of the file as a
        whole (syntax, not a mapping, an unknown top-level field).
    """
    document, problem = read_yaml(text, path)
    if problem:
        return [], [problem]
    check = Validator(path)
    top = check.mapping(
        document,
        f"the reference file {path}",
        Location(path, 1),
        "start the file with `sources:` and list one `- key: …` item per source under it",
    )
    if top is None:
        return [], check.findings
    check.fields(top, "a reference file", ("sources",))
    items = []
    for item in check.items(top.get("sources"), "sources", top, "a reference file"):
        before = len(check.findings)
        key, source = _read_item(check, item, path)
        items.append(
            YamlSource(
                key,
                Location(path, item.line),
                source if _no_error(check.findings[before:]) else None,
                tuple(check.findings[before:]),
            )
        )
        del check.findings[before:]
    return items, check.findings


def _no_error(findings: list[Finding]) -> bool:
    return not any(finding.severity is Severity.ERROR for finding in findings)


def _read_item(check: Validator, item: LineDict, path: str) -> tuple[str | None, Source | None]:
    check.fields(item, "a source", _YAML_FIELDS)
    key = check.text(item, "key", "a source", required=True)
    what = f"source `{key}`" if key else "a source"
    unread = len(check.findings)
    title = check.text(item, "title", what)
    if not title and len(check.findings) == unread:
        # Not an error: a prompt gives no title for a model; the pages say "title not given".
        check.findings.append(
            Finding(
                "ref-missing-title",
                Severity.INFO,
                f'{what} has no title: its pages say "title not given"',
                check.at(item, "title" if "title" in item else None),
                f"add `title: …` to {what}",
            )
        )
    urls = {name: check.url(item, name, what) for name in ("url", "code")}
    entry_type = check.text(item, "type", what) or "misc"
    fields = {name: check.text(item, name, what) for name in _TEXT_FIELDS}
    authors = check.texts(item, "authors", what)
    keywords = check.texts(item, "keywords", what)
    if not key or not _no_error(check.findings[unread:]):
        return key, None
    title = " ".join((title or "").split())
    return key, Source(
        key=key,
        title=title,
        location=Location(path, item.line),
        entry_type=entry_type,
        authors=authors,
        year=fields["year"],
        venue=fields["booktitle"] or fields["journal"],
        pages=fields["pages"],
        eprint=fields["eprint"],
        url=urls["url"],
        code=urls["code"],
        abstract=fields["abstract"],
        annotation=fields["annotation"],
        keywords=keywords,
        bibtex=_to_bibtex(
            key,
            entry_type,
            {**fields, "keywords": ", ".join(keywords) or None},
            title,
            authors,
            urls,
        ),
    )


def _to_bibtex(
    key: str,
    entry_type: str,
    fields: dict[str, str | None],
    title: str,
    authors: tuple[str, ...],
    urls: dict[str, str | None],
) -> str:
    """A BibTeX rendering of a YAML source, written by bibtexparser."""
    values = {"title": title, "author": " and ".join(authors) or None, **fields, **urls}
    values.pop("annotation", None)
    entry = Entry(
        entry_type,
        key,
        [Field(name, value) for name in SOURCE_FIELDS if (value := values.get(name))],
    )
    library = Library([entry])
    return write_string(library).strip() + "\n"
