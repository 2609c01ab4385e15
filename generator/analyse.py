"""Stage 2: cross-checks and derived data, as pure functions over the model.

- the task and workflow of a question, derived from its sources when not given;
- which page cites which source (for "cited on" backlinks);
- citation findings: unknown keys, sources cited outside their question, provided
  sources that no page cites.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass

from generator.citations import find_citations
from generator.model import (
    Finding,
    Project,
    Question,
    Severity,
    Task,
    Workflow,
    WorkflowEdge,
    WorkflowNode,
)
from generator.scanner import Heading, headings
from generator.suggest import suggest

__all__ = [
    "Citer",
    "check_citations",
    "index_citations",
    "page_title",
    "question_of",
    "task_of",
    "workflow_of",
]

_FRONT_TITLE = re.compile(r"\A---\r?\n(?:.*\r?\n)*?title: *(.+?) *\r?\n(?:.*\r?\n)*?---", re.M)


@dataclass(frozen=True, order=True)
class Citer:
    """A page that cites a source.

    Attributes:
        page: The page's path relative to the docs folder, e.g. `q1/task.md`.
        title: The page's title.
        line: The line of the first citation of the source on that page.
        section: The title of the section (a heading below the page title) that
            citation stands in, or `None` before the first section.
        anchor: That section's id on the built page, or `None`.
    """

    page: str
    title: str
    line: int
    section: str | None = None
    anchor: str | None = None


def task_of(question: Question) -> Task:
    """Return the question's task: the explicit `task:` block, or one named after the title."""
    return question.task or Task(name=question.title, summary="")


def workflow_of(question: Question) -> Workflow:
    """Return the explicit workflow, or input → each recommended model → output."""
    if question.workflow is not None:
        return question.workflow
    task = task_of(question)
    models = [use for use in question.sources if use.role == "recommended-model"]
    nodes = [WorkflowNode("input", "Input", "input", "ours", gives=task.input)]
    for index, use in enumerate(models, start=1):
        nodes.append(
            WorkflowNode(
                f"model{index}",
                use.model or use.key,
                "model",
                "provided",
                sources=(use.key,),
            )
        )
    nodes.append(WorkflowNode("output", "Output", "output", "ours", takes=task.output))
    edges = [WorkflowEdge(a.id, b.id) for a, b in itertools.pairwise(nodes)]
    return Workflow(tuple(nodes), tuple(edges))


def question_of(page: str, project: Project) -> Question | None:
    """Return the question a docs page belongs to (`<id>/…`), or `None` for site pages."""
    head = page.split("/", 1)[0] if "/" in page else None
    for question in project.questions:
        if question.id == head:
            return question
    return None


def page_title(text: str, page: str) -> str:
    """Return a page's title: front matter `title:`, else its first `# ` heading, else its name."""
    return _title(text, page, headings(text))


def _title(text: str, page: str, found: list[Heading]) -> str:
    front = _FRONT_TITLE.match(text)
    if front:
        return front.group(1).strip("\"'")
    heading = next((h for h in found if h.level == 1), None)
    if heading is not None:
        return heading.title
    stem = page.rsplit("/", 1)[-1].removesuffix(".md")
    return stem.replace("-", " ").replace("_", " ").capitalize()


def index_citations(pages: Mapping[str, str]) -> dict[str, list[Citer]]:
    """Map each cited key to the pages citing it, sorted by page path.

    Args:
        pages: Docs-relative page path → Markdown text.
    """
    index: dict[str, list[Citer]] = {}
    for page in sorted(pages):
        text = pages[page]
        found = headings(text)
        title = _title(text, page, found)
        sections = [h for h in found if h.level > 1]
        seen: set[str] = set()
        for group in find_citations(text, page):
            for key in group.keys:
                if key in seen:
                    continue
                seen.add(key)
                line = group.location.line or 1
                above = [h for h in sections if h.line < line]
                section = above[-1] if above else None
                index.setdefault(key, []).append(
                    Citer(
                        page,
                        title,
                        line,
                        section.title if section else None,
                        section.anchor if section else None,
                    )
                )
    return index


def check_citations(
    project: Project, pages: Mapping[str, str], docs_prefix: str = "docs"
) -> list[Finding]:
    """Return the citation findings of a set of pages.

    - `citation-unknown-key` (error): a key that is not in the reference set;
    - `citation-not-provided` (error): a page of question Q cites a source not provided with Q;
    - `source-uncited` (warning): a provided source that no page of its question cites.

    Args:
        project: The loaded project.
        pages: Docs-relative page path → Markdown text.
        docs_prefix: The docs folder, to make locations relative to the project root.
    """
    findings: list[Finding] = []
    known = sorted(project.keys)
    cited_in: dict[str, set[str]] = {}
    for page in sorted(pages):
        question = question_of(page, project)
        for group in find_citations(pages[page], f"{docs_prefix}/{page}"):
            for key in group.keys:
                if key in project.unused:
                    findings.append(
                        Finding(
                            "citation-not-provided",
                            Severity.ERROR,
                            f"citation `[@{key}]`: `{key}` is in the reference set but no "
                            "question provides it",
                            group.location,
                            "add it to the `sources:` of the question whose answer relies on it",
                        )
                    )
                elif key not in project.sources:
                    close = suggest(key, known)
                    findings.append(
                        Finding(
                            "citation-unknown-key",
                            Severity.ERROR,
                            f"citation `[@{key}]`: no source has the key `{key}`",
                            group.location,
                            f"did you mean `[@{close}]`?"
                            if close
                            else "cite a key of the reference set in references/",
                        )
                    )
                elif question is not None and question.use(key) is None:
                    findings.append(
                        Finding(
                            "citation-not-provided",
                            Severity.ERROR,
                            f"citation `[@{key}]`: `{key}` is not a provided source of "
                            f"the question `{question.id}`",
                            group.location,
                            "cite only the sources listed in the question's `sources:`",
                        )
                    )
                else:
                    cited_in.setdefault(key, set()).add(question.id if question else "")
    for question in project.questions:
        for use in question.sources:
            if question.id not in cited_in.get(use.key, set()):
                findings.append(
                    Finding(
                        "source-uncited",
                        Severity.WARNING,
                        f"provided source `{use.key}` is cited on no page of "
                        f"question `{question.id}`",
                        use.location,
                        f"cite it with `[@{use.key}]` where the answer relies on it",
                    )
                )
    return findings
