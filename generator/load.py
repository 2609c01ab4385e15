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
import unicodedata
from pathlib import Path

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.middlewares.names import split_multiple_persons_names
from bibtexparser.model import Block, DuplicateBlockKeyBlock, Entry, Field, ImplicitComment

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


_COMBINING = {
    '"': "\u0308",
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "r": "\u030a",
}
_LETTERS = {
    "ss": "ß",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "aa": "å",
    "AA": "Å",
    "o": "ø",
    "O": "Ø",
    "l": "ł",
    "L": "Ł",
    "i": "ı",
    "j": "ȷ",
    "&": "&",
    "%": "%",
    "_": "_",
    "#": "#",
    "$": "\x02",
    "{": "\x00",
    "}": "\x01",
}
_ACCENT = re.compile(
    r"\\([\"'`^~=.])\s*(?:\{([A-Za-z]|\\[ij])\}|([A-Za-z]))"
    r"|\\([uvHckr])(?:\s*\{([A-Za-z]|\\[ij])\}|\s+([A-Za-z]))"
)
_LETTER = re.compile(r"\\(ss|ae|AE|oe|OE|aa|AA|[oOlLij])(?![A-Za-z])\s*|\\([&%_#${}])")


def _fast_decode(value: str) -> str | None:
    """Decode the common cases (protective braces, accents, dashes) without a LaTeX parser.

    Returns `None` when anything else is left (another macro, math): the caller then uses
    pylatexenc. Measured on a synthetic 2,761-entry bibliography: see benchmarks/bench_load.py.
    """

    def accent(match: re.Match[str]) -> str:
        mark = match.group(1) or match.group(4)
        letter = match.group(2) or match.group(3) or match.group(5) or match.group(6)
        letter = {"\\i": "i", "\\j": "j"}.get(letter, letter)  # dotless i + accent = í
        return unicodedata.normalize("NFC", letter + _COMBINING[mark])

    text = _ACCENT.sub(accent, value)
    text = _LETTER.sub(lambda m: _LETTERS[m.group(1) or m.group(2)], text)
    if "\\" in text or "$" in text.replace("\x02", ""):
        return None
    text = text.replace("{", "").replace("}", "")
    text = text.replace("\x00", "{").replace("\x01", "}").replace("\x02", "$")
    text = text.replace("---", "—").replace("--", "–").replace("``", "“").replace("''", "”")
    return " ".join(text.replace("~", " ").split())


@functools.lru_cache(maxsize=4096)
def _decode(value: str) -> str:
    """LaTeX → plain text (`{MSSNet}` → `MSSNet`, `{\\"u}` → `ü`), whitespace folded."""
    fast = _fast_decode(value)
    if fast is not None:
        return fast
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
    sources, findings, _ = _read_bibtex(text, path)
    return sources, findings


def _read_bibtex(text: str, path: str) -> tuple[list[Source], list[Finding], set[str]]:
    """`read_bibtex`, plus the keys of the entries that exist but could not be read."""
    library: Library = bibtexparser.parse_string(text)
    findings: list[Finding] = []
    broken: set[str] = set()
    for block in library.failed_blocks:
        if not isinstance(block, DuplicateBlockKeyBlock):
            findings.append(_parse_failure(block, path))
            head = _ENTRY_HEAD.match(block.raw or "")
            if head and head.group(2):
                broken.add(head.group(2))
    for block in library.comments:
        if isinstance(block, ImplicitComment):
            findings.extend(_stray_fields(block, path))
    entries = [(entry, entry.start_line + 1) for entry in library.entries]
    for block in library.failed_blocks:
        # A second entry with a key already used in this file: kept, so that load_project
        # reports it with both places, like a key repeated across files.
        if isinstance(block, DuplicateBlockKeyBlock) and isinstance(
            block.ignore_error_block, Entry
        ):
            entries.append((block.ignore_error_block, block.start_line + 1))
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
    match = _FIELD_LINE.search(block.raw or "")
    if match is None:
        return []
    line = (block.start_line or 0) + 1 + block.raw.count("\n", 0, match.start(1))
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
        # Not shown on any page: kept as written, never LaTeX-decoded (the costly part).
        abstract=" ".join(str(fields["abstract"]).split()) or None
        if "abstract" in fields
        else None,
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
    sources, findings, _ = _read_source_yaml(text, path)
    return sources, findings


_TEXT_FIELDS = ("year", "booktitle", "journal", "pages", "eprint", "abstract", "annotation")


def _read_source_yaml(text: str, path: str) -> tuple[list[Source], list[Finding], set[str]]:
    """`read_source_yaml`, plus the keys of the sources that exist but could not be read."""
    document, problem = read_yaml(text, path)
    if problem:
        return [], [problem], set()
    check = Checker(path)
    top = check.mapping(
        document,
        f"the reference file {path}",
        Location(path, 1),
        "start the file with `sources:` and list one `- key: …` item per source under it",
    )
    if top is None:
        return [], check.findings, set()
    check.fields(top, "a reference file", ("sources",))
    sources = []
    broken: set[str] = set()
    for item in check.items(top.get("sources"), "sources", top, "a reference file"):
        before = len(check.findings)
        check.fields(item, "a source", _YAML_FIELDS)
        key = check.text(item, "key", "a source", required=True)
        what = f"source `{key}`" if key else "a source"
        unread = len(check.findings)
        title = check.text(item, "title", what)
        if not title and len(check.findings) == unread:
            # The same code as a BibTeX entry without a title: one problem, one code.
            check.error(
                "ref-missing-title",
                f"{what} has no title",
                check.at(item, "title" if "title" in item else None),
                f"add `title: …` to {what}",
            )
        urls = {name: check.url(item, name, what) for name in ("url", "code")}
        entry_type = check.text(item, "type", what) or "misc"
        fields = {name: check.text(item, name, what) for name in _TEXT_FIELDS}
        authors = check.texts(item, "authors", what)
        keywords = check.texts(item, "keywords", what)
        if not key:
            continue
        if not title or len(check.findings) > before:
            broken.add(key)
            continue
        title = " ".join(title.split())
        sources.append(
            Source(
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
        )
    return sources, check.findings, broken


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
    broken: set[str] = set()
    for file in sorted(base.iterdir()):
        rel = file.relative_to(root).as_posix()
        if file.suffix == ".bib":
            sources, problems, unread = _read_bibtex(_read(file), rel)
        elif file.suffix in (".yaml", ".yml"):
            sources, problems, unread = _read_source_yaml(_read(file), rel)
        else:
            continue
        loaded.extend(sources)
        findings.extend(problems)
        broken |= unread
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
        question, problems = read_question(
            _read(file), file.relative_to(root).as_posix(), sources, broken=broken
        )
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
