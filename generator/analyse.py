"""Stage 2: cross-checks and derived data, as pure functions over the model.

- the task and workflow of a question, derived from its sources when not given;
- which page cites which source (for "cited on" backlinks);
- citation findings: unknown keys, sources cited outside their question, provided
  sources that no page cites.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass

from generator.citations import find_citations, suggest
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

__all__ = [
    "Citer",
    "check_citations",
    "index_citations",
    "page_title",
    "question_of",
    "task_of",
    "workflow_of",
]

_H1 = re.compile(r"^# +(.+?)(?: +\{[^}]*\})? *#* *$", re.MULTILINE)
_FRONT_TITLE = re.compile(r"\A---\r?\n(?:.*\r?\n)*?title: *(.+?) *\r?\n(?:.*\r?\n)*?---", re.M)


@dataclass(frozen=True, order=True)
class Citer:
    """A page that cites a source.

    Attributes:
        page: The page's path relative to the docs folder, e.g. `q1/task.md`.
        title: The page's title.
        line: The line of the first citation of the source on that page.
    """

    page: str
    title: str
    line: int
    section: str | None = None
    anchor: str | None = None


@dataclass(frozen=True)
class _Heading:
    line: int
    level: int
    title: str
    anchor: str


_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_ATTR_ID = re.compile(r"[ \t]*\{[^}]*#([\w:.-]+)[^}]*\}[ \t]*$")
_FENCE_LINE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def _plain(title: str) -> str:
    """Heading Markdown → the text the `toc` extension slugifies."""
    title = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", title)  # links and images
    title = re.sub(r"<[^>]+>", "", title)
    title = re.sub(r"\\(.)", r"\1", title)
    return re.sub(r"[*_`]", "", title).strip()


def _headings(text: str) -> list[_Heading]:
    """The page's ATX headings outside code, with the ids MkDocs's `toc` gives them."""
    from markdown.extensions.toc import slugify, unique

    found: list[_Heading] = []
    used: set[str] = set()
    fence: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        marker = _FENCE_LINE.match(line)
        if marker and (fence is None or marker.group(1)[0] == fence[0]):
            fence = None if fence else marker.group(1)
            continue
        match = None if fence else _HEADING.match(line)
        if not match:
            continue
        title = match.group(2)
        custom = _ATTR_ID.search(title)
        if custom:
            title = title[: custom.start()]
            anchor = unique(custom.group(1), used)
        else:
            anchor = unique(slugify(html.unescape(_plain(title)), "-"), used)
        found.append(_Heading(number, len(match.group(1)), _plain(title), anchor))
    return found


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
    front = _FRONT_TITLE.match(text)
    if front:
        return front.group(1).strip("\"'")
    heading = _H1.search(text)
    if heading:
        return heading.group(1).strip()
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
        title = page_title(text, page)
        headings = [h for h in _headings(text) if h.level > 1]
        seen: set[str] = set()
        for group in find_citations(text, page):
            for key in group.keys:
                if key in seen:
                    continue
                seen.add(key)
                line = group.location.line or 1
                above = [h for h in headings if h.line < line]
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
    known = list(project.sources)
    cited_in: dict[str, set[str]] = {}
    for page in sorted(pages):
        question = question_of(page, project)
        for group in find_citations(pages[page], f"{docs_prefix}/{page}"):
            for key in group.keys:
                if key not in project.sources:
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
