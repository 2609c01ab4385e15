"""Stage 1: read `references/` into the model, with a `file:line` for everything.

- `references/*.bib`: BibTeX, parsed with bibtexparser v2 ([`bibtex`][generator.load.bibtex]);
  LaTeX decoded only in the fields the pages show ([`latex`][generator.load.latex]).
- `references/*.yaml`: a `sources:` list with the same fields ([`sources`][generator.load.sources]).
- `references/questions/<id>.yaml`: one question each ([`questions`][generator.load.questions]).

Every file is read by [`reading`][generator.load.reading]: regular files only, within a
size limit, UTF-8. A `.bib` is first only scanned for its keys
([`bibscan`][generator.load.bibscan]); the entries the questions provide are then parsed.
Keys are checked by [`keys`][generator.load.keys]. YAML is read with the line of every key
([`yamlread`][generator.load.yamlread]), within limits of depth and aliases, and checked
field by field ([`validate`][generator.load.validate]). Bad records become findings, never
exceptions; the loader reports all of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from generator.errors import InputError
from generator.load.bibscan import BibChunk, TooManyBlocks, scan_bibtex
from generator.load.bibtex import read_bibtex, read_bibtex_blocks, too_many_blocks
from generator.load.keys import Defined, check_keys
from generator.load.questions import read_question, read_question_keys
from generator.load.reading import MAX_FILE_BYTES, list_inputs, read_input
from generator.load.sources import (
    SOURCE_FIELDS,
    YamlSource,
    read_source_yaml,
    read_source_yaml_items,
)
from generator.model import Finding, Location, Project, Question, Severity, Source

__all__ = [
    "SOURCE_FIELDS",
    "VOCABULARY_FILE",
    "SourceLinks",
    "load_project",
    "read_bibtex",
    "read_pages",
    "read_question",
    "read_source_yaml",
    "source_links",
]


VOCABULARY_FILE = "tasks.yaml"
"""The project's own task vocabulary in the reference folder: not a file of sources (the
inference stage merges it over the shipped vocabulary)."""


def load_project(root: Path, references: str = "references") -> tuple[Project, list[Finding]]:
    """Load the reference set and every question under `root/references`.

    Only the sources some question provides are read in full; of the others, only the
    keys (see [`Project`][generator.model.Project]). So the order is: find every key
    (a fast scan of each `.bib`, each YAML file read), read the questions against those
    keys, then read the sources the questions provide. A problem of a provided source is
    an error; one of a source no question provides is a warning, so that one odd entry of
    a large bibliography does not refuse the whole set.

    Args:
        root: The project root (the folder of `mkdocs.yml`).
        references: The references folder, relative to `root`.

    Returns:
        The project and every finding. With an error finding the project may be partial.
    """
    base = root / references
    if not base.is_dir():
        return Project(), [
            Finding(
                "ref-missing-folder",
                Severity.ERROR,
                f"no references folder `{references}/`",
                Location(references),
                "create it with a .bib or .yaml file of sources and a questions/ folder",
            )
        ]
    files, findings = list_inputs(base, root, (".bib", ".yaml", ".yml"))
    files = [file for file in files if file.name != VOCABULARY_FILE]
    scanned: list[tuple[str, str, list[BibChunk]]] = []  # (path, text, chunks) of each .bib
    items: list[YamlSource] = []
    defined: list[Defined] = []
    for file in files:
        rel = file.relative_to(root).as_posix()
        text, problem = read_input(file, rel)
        if text is None:
            findings.extend([problem] if problem else [])
            continue
        if file.name.endswith(".bib"):
            try:
                chunks = scan_bibtex(text)
            except TooManyBlocks:
                findings.append(too_many_blocks(rel))
                continue
            scanned.append((rel, text, chunks))
            defined.extend(
                Defined(block.name, Location(rel, block.line), block.key is not None)
                for chunk in chunks
                for block in chunk.blocks
                if block.kind == "entry" and block.name is not None
            )
        else:
            found, problems = read_source_yaml_items(text, rel)
            findings.extend(problems)
            items.extend(found)
            defined.extend(Defined(item.key, item.location) for item in found if item.key)
    keys = frozenset(item.key for item in defined)
    questions, provided = _read_questions(base / "questions", root, keys, findings)
    findings.extend(check_keys(defined, provided))
    loaded: list[Source] = []
    for rel, text, chunks in scanned:
        found_sources, problems = read_bibtex_blocks(text, rel, chunks, provided)
        loaded.extend(found_sources)
        findings.extend(problems)
    for item in items:
        if item.key is not None and item.key in provided:
            loaded.extend([item.source] if item.source else [])
            findings.extend(item.findings)
        else:
            findings.extend(_as_warning(finding) for finding in item.findings)
    sources: dict[str, Source] = {}
    for source in loaded:
        sources.setdefault(source.key, source)  # the first definition wins
    if not questions and not any(f.severity is Severity.ERROR for f in findings):
        findings.append(
            Finding(  # a new project: it builds, with a home page that says how to start
                "question-none",
                Severity.INFO,
                f"no question files in `{references}/questions/` yet",
                Location(f"{references}/questions"),
                "import one with `answersite import PROMPT.txt`, or write a `<id>.yaml` "
                "question file (see the README's input schema)",
            )
        )
    project = Project(
        sources=dict(sorted(sources.items())),
        questions=tuple(sorted(questions, key=lambda q: q.id)),
        unused=keys - sources.keys(),
    )
    return project, findings


def _read_questions(
    folder: Path, root: Path, keys: frozenset[str], findings: list[Finding]
) -> tuple[list[Question], frozenset[str]]:
    """Read every question file; return the questions and the keys they list."""
    if not folder.is_dir():
        return [], frozenset()
    files, problems = list_inputs(folder, root, (".yaml", ".yml"))
    findings.extend(problems)
    questions = []
    listed: set[str] = set()
    for file in files:
        rel = file.relative_to(root).as_posix()
        text, problem = read_input(file, rel)
        if text is None:
            findings.extend([problem] if problem else [])
            continue
        question, found, names = read_question_keys(text, rel, keys)
        findings.extend(found)
        listed.update(names)
        if question is not None:
            questions.append(question)
    return questions, frozenset(listed)


@dataclass(frozen=True)
class SourceLinks:
    """What identifies a source of the set, read cheaply: its key, paper URL and e-print."""

    key: str
    url: str | None
    eprint: str | None


_BIB_FIELD = re.compile(r"""(?im)^[ \t]*(url|eprint)[ \t]*=[ \t]*[{"]([^}"\n]*)[}"]""")


def source_links(root: Path, references: str = "references") -> list[SourceLinks]:
    """Every source of the set with its paper URL and e-print, without parsing BibTeX.

    For the importer, which reuses a source already in the set instead of adding a copy:
    BibTeX entries are read with the fast scan and a pattern for their `url` and `eprint`
    fields; YAML sources are read as the loader reads them. Unreadable files are skipped
    (the loader reports them).
    """
    base = root / references
    files, _ = list_inputs(base, root, (".bib", ".yaml", ".yml")) if base.is_dir() else ([], [])
    files = [file for file in files if file.name != VOCABULARY_FILE]
    found: list[SourceLinks] = []
    for file in files:
        rel = file.relative_to(root).as_posix()
        text, _problem = read_input(file, rel)
        if text is None:
            continue
        if file.name.endswith(".bib"):
            try:
                chunks = scan_bibtex(text)
            except TooManyBlocks:
                continue
            for chunk in chunks:
                entries = [b for b in chunk.blocks if b.kind == "entry" and b.key]
                if len(entries) != 1:
                    continue
                fields = dict(
                    (name.lower(), value.strip())
                    for name, value in _BIB_FIELD.findall(text, chunk.start, chunk.end)
                )
                key = entries[0].key or ""
                found.append(SourceLinks(key, fields.get("url"), fields.get("eprint")))
        else:
            items, _problems = read_source_yaml_items(text, rel)
            for item in items:
                if item.key and item.source is not None:
                    found.append(SourceLinks(item.key, item.source.url, item.source.eprint))
    return found


def _as_warning(finding: Finding) -> Finding:
    """An error in a source no question provides is a warning (an info stays an info)."""
    if finding.severity is not Severity.ERROR:
        return finding
    return Finding(finding.code, Severity.WARNING, finding.message, finding.location, finding.hint)


def read_pages(docs_dir: Path) -> dict[str, str]:
    """Read every Markdown page under `docs_dir`: docs-relative path → text.

    Hidden files and folders (such as `.answersite/`) are skipped, as MkDocs skips them.
    Newlines are `\n`, whatever the file has.

    Raises:
        InputError: A page is not a regular file, is too large, or is not UTF-8 (each
            with its finding); nothing has been written.
    """
    pages = {}
    problems = []
    if docs_dir.is_dir():
        for file in sorted(docs_dir.rglob("*.md")):
            rel = file.relative_to(docs_dir).as_posix()
            if any(part.startswith(".") for part in rel.split("/")):
                continue
            text, problem = read_input(file, f"{docs_dir.name}/{rel}", MAX_FILE_BYTES)
            if text is None:
                problems.extend([problem] if problem else [])
                continue
            pages[rel] = text.replace("\r\n", "\n").replace("\r", "\n")
    if problems:
        raise InputError(
            f"{len(problems)} page{'s' if len(problems) != 1 else ''} of "
            f"{docs_dir.name}/ cannot be read; nothing was written",
            findings=tuple(problems),
        )
    return pages
