"""Stage 1: read `references/` into the model, with a `file:line` for everything.

- `references/*.bib`: BibTeX, parsed with bibtexparser v2. LaTeX is decoded only in
  the fields the pages show, and only once per value (decoding is the expensive part).
- `references/*.yaml`: a `sources:` list with the same fields (authors as a list).
- `references/questions/<id>.yaml`: one question each (see `generator.questions`).

Bad records become findings; the loader reads everything and reports all of them.
"""

from __future__ import annotations

import functools
import logging
import re
from pathlib import Path

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.middlewares.names import split_multiple_persons_names
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, Field, ParsingFailedBlock

from generator.model import Finding, Location, Project, Severity, Source
from generator.questions import read_question
from generator.schema import Checker, is_http_url
from generator.yamlread import read_yaml

__all__ = ["SOURCE_FIELDS", "load_project", "read_bibtex", "read_pages", "read_source_yaml"]

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

# bibtexparser logs each failed block itself; answersite reports them as findings.
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)


@functools.lru_cache(maxsize=4096)
def _decode(value: str) -> str:
    """LaTeX → plain text (`{MSSNet}` → `MSSNet`, `{\\"u}` → `ü`), whitespace folded."""
    if not re.search(r"[{}\\$~]|--|``|''", value):
        return " ".join(value.split())
    return " ".join(_latex().latex_to_text(value).split())


@functools.lru_cache(maxsize=1)
def _latex():  # type: ignore[no-untyped-def]
    from pylatexenc.latex2text import LatexNodes2Text  # imported only when needed

    return LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)


def _field_line(entry: Entry, name: str, start: int) -> int:
    """The 1-based line of field `name` in the entry's raw text (its first line if not found)."""
    match = re.search(rf"(?im)^[ \t]*{re.escape(name)}[ \t]*=", entry.raw)
    return start + entry.raw.count("\n", 0, match.start()) if match else start


def read_bibtex(text: str, path: str) -> tuple[list[Source], list[Finding]]:
    """Read a BibTeX file into sources.

    Args:
        text: The file's text.
        path: Its path relative to the project root.

    Returns:
        The sources (in file order) and the findings (parse failures, missing titles, bad URLs).
        A key defined twice in one file is left for the caller's duplicate check.
    """
    library: Library = bibtexparser.parse_string(text)
    findings: list[Finding] = []
    for block in library.failed_blocks:
        line = block.start_line + 1
        if isinstance(block, DuplicateBlockKeyBlock):
            continue  # reported with both places by load_project
        kind = block.raw.split("{", 1)[0].strip() or "@entry"
        detail = 'a `{` or `"` is not closed' if isinstance(block, ParsingFailedBlock) else ""
        findings.append(
            Finding(
                "bib-parse-failed",
                Severity.ERROR,
                f"could not parse the {kind} entry that starts here: {detail}".rstrip(": "),
                Location(path, line),
                "close every `{` with a `}` and end the entry with `}` before the next `@`",
            )
        )
    sources = []
    for entry in library.entries:
        source, problems = _source_from_entry(entry, path)
        findings.extend(problems)
        if source is not None:
            sources.append(source)
    duplicates = [b for b in library.failed_blocks if isinstance(b, DuplicateBlockKeyBlock)]
    for block in duplicates:
        entry = block.ignore_error_block
        if isinstance(entry, Entry):
            entry.start_line = block.start_line
            source, problems = _source_from_entry(entry, path)
            findings.extend(problems)
            if source is not None:
                sources.append(source)
    return sources, findings


def _source_from_entry(entry: Entry, path: str) -> tuple[Source | None, list[Finding]]:
    start = entry.start_line + 1
    fields = {f.key.lower(): f.value for f in entry.fields if isinstance(f, Field)}
    findings = []

    def value(name: str) -> str | None:
        raw = fields.get(name)
        return _decode(str(raw)) or None if raw is not None else None

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
    authors = tuple(_decode(a) for a in split_multiple_persons_names(fields.get("author", "")))
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
        abstract=value("abstract"),
        annotation=fields.get("annotation", "").strip() or None,
        keywords=keywords,
        bibtex=entry.raw.strip() + "\n",
    )
    return source, []


def read_source_yaml(text: str, path: str) -> tuple[list[Source], list[Finding]]:
    """Read a YAML reference file: a mapping with a `sources:` list.

    Args:
        text: The file's text.
        path: Its path relative to the project root.

    Returns:
        The sources (in file order) and the findings.
    """
    document, problem = read_yaml(text, path)
    if problem:
        return [], [problem]
    check = Checker(path)
    top = check.mapping(document, f"the reference file {path}", Location(path, 1))
    if top is None:
        return [], check.findings
    check.fields(top, "a reference file", ("sources",))
    sources = []
    for item in check.items(top.get("sources"), "sources", top, "a reference file"):
        check.fields(item, "a source", _YAML_FIELDS)
        key = check.text(item, "key", "a source", required=True)
        what = f"source `{key}`" if key else "a source"
        title = check.text(item, "title", what, required=True)
        urls = {name: check.url(item, name, what) for name in ("url", "code")}
        if not key or not title:
            continue
        fields = {name: check.text(item, name, what) for name in SOURCE_FIELDS[2:]}
        authors = check.texts(item, "authors", what)
        sources.append(
            Source(
                key=key,
                title=" ".join(title.split()),
                location=Location(path, item.line),
                entry_type=check.text(item, "type", what) or "misc",
                authors=authors,
                year=fields["year"],
                venue=fields["booktitle"] or fields["journal"],
                pages=fields["pages"],
                eprint=fields["eprint"],
                url=urls["url"],
                code=urls["code"],
                abstract=fields["abstract"],
                annotation=fields["annotation"],
                keywords=check.texts(item, "keywords", what),
                bibtex=_to_bibtex(
                    key, check.text(item, "type", what) or "misc", fields, title, authors, urls
                ),
            )
        )
    return sources, check.findings


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
    return bibtexparser.write_string(library).strip() + "\n"


def load_project(root: Path, references: str = "references") -> tuple[Project, list[Finding]]:
    """Load the reference set and every question under `root/references`.

    Args:
        root: The project root (the folder of `mkdocs.yml`).
        references: The references folder, relative to `root`.

    Returns:
        The project and every finding. With an error finding the project may be partial.
    """
    base = root / references
    findings: list[Finding] = []
    if not base.is_dir():
        findings.append(
            Finding(
                "ref-missing-folder",
                Severity.ERROR,
                f"no references folder `{references}/`",
                Location(references),
                "create it with a .bib or .yaml file of sources and a questions/ folder",
            )
        )
        return Project(), findings
    loaded: list[Source] = []
    for file in sorted(base.iterdir()):
        rel = file.relative_to(root).as_posix()
        if file.suffix == ".bib":
            sources, problems = read_bibtex(_read(file), rel)
        elif file.suffix in (".yaml", ".yml"):
            sources, problems = read_source_yaml(_read(file), rel)
        else:
            continue
        loaded.extend(sources)
        findings.extend(problems)
    by_key: dict[str, Source] = {}
    for source in loaded:
        first = by_key.get(source.key)
        if first is not None:
            findings.append(
                Finding(
                    "ref-duplicate-key",
                    Severity.ERROR,
                    f"source key `{source.key}` is defined twice: here and at {first.location}",
                    source.location,
                    "rename one of the two keys, or delete the duplicate entry",
                )
            )
            continue
        by_key[source.key] = source
    sources = dict(sorted(by_key.items()))
    questions = []
    question_dir = base / "questions"
    for file in sorted(question_dir.glob("*.y*ml")) if question_dir.is_dir() else []:
        question, problems = read_question(_read(file), file.relative_to(root).as_posix(), sources)
        findings.extend(problems)
        if question is not None:
            questions.append(question)
    if not questions and not any(f.severity is Severity.ERROR for f in findings):
        findings.append(
            Finding(
                "question-none",
                Severity.ERROR,
                f"no question files in `{references}/questions/`",
                Location(f"{references}/questions"),
                "add a `<id>.yaml` question file (see the README's input schema)",
            )
        )
    return Project(sources=sources, questions=tuple(sorted(questions, key=lambda q: q.id))), (
        findings
    )


def _read(file: Path) -> str:
    return file.read_text(encoding="utf-8-sig")


def read_pages(docs_dir: Path) -> dict[str, str]:
    """Read every Markdown page under `docs_dir`: docs-relative path → text.

    Hidden files and folders (such as `.answersite/`) are skipped, as MkDocs skips them.
    """
    pages = {}
    if docs_dir.is_dir():
        for file in sorted(docs_dir.rglob("*.md")):
            rel = file.relative_to(docs_dir).as_posix()
            if any(part.startswith(".") for part in rel.split("/")):
                continue
            pages[rel] = file.read_text(encoding="utf-8")
    return pages
