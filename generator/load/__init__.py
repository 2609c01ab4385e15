"""Stage 1: read `references/` into the model, with a `file:line` for everything.

- `references/*.bib`: BibTeX, parsed with bibtexparser v2 ([`bibtex`][generator.load.bibtex]);
  LaTeX decoded only in the fields the pages show ([`latex`][generator.load.latex]).
- `references/*.yaml`: a `sources:` list with the same fields ([`sources`][generator.load.sources]).
- `references/questions/<id>.yaml`: one question each ([`questions`][generator.load.questions]).

YAML is read with the line of every key ([`yamlread`][generator.load.yamlread]) and checked
field by field ([`validate`][generator.load.validate]). Bad records become findings; the
loader reads everything and reports all of them.
"""

from __future__ import annotations

from pathlib import Path

from generator.load.bibtex import read_bibtex, read_bibtex_keys
from generator.load.questions import read_question
from generator.load.sources import SOURCE_FIELDS, read_source_yaml, read_source_yaml_keys
from generator.model import Finding, Location, Project, Severity, Source

__all__ = [
    "SOURCE_FIELDS",
    "load_project",
    "read_bibtex",
    "read_pages",
    "read_question",
    "read_source_yaml",
]


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
            found, problems, unread = read_bibtex_keys(_read(file), rel)
        elif file.suffix in (".yaml", ".yml"):
            found, problems, unread = read_source_yaml_keys(_read(file), rel)
        else:
            continue
        loaded.extend(found)
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
