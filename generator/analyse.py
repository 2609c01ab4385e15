"""Stage 2: cross-checks and derived data, as pure functions over the model.

- the task and workflow of a question, derived from its sources when not given;
- which page cites which source (for "cited on" backlinks);
- citation findings: unknown keys, sources cited outside their question, provided
  sources that no page cites.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass

from generator.citations import CitationGroup, find_citations
from generator.errors import RegionError
from generator.infer import QuestionInference, TaskKind
from generator.model import (
    Finding,
    Fit,
    NodeBasis,
    Project,
    Question,
    Severity,
    SourceUse,
    Task,
    Workflow,
    WorkflowEdge,
    WorkflowNode,
)
from generator.regions import LISTING_REGIONS, parse
from generator.scanner import Heading, headings
from generator.suggest import suggest

__all__ = [
    "Citer",
    "apply_parameters",
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


_REQUIREMENTS = {
    "speed": "Fast",
    "quality": "Good quality",
    "size": "Small",
    "privacy": "Private: the data stays with you",
}
_PLATFORMS = {
    "phone": "on a phone",
    "browser": "in a web browser",
    "laptop": "on a laptop",
    "server": "on a server",
    "offline": "offline, on the device",
}


def task_of(question: Question, inference: QuestionInference | None = None) -> Task:
    """Return the question's task: the `task:` block as stated, else the inferred one.

    An inferred task takes its name and definition from the vocabulary, its input and
    output with the question's parameters applied (`sH×sW×3` at ×3 is `3H×3W×3`), and its
    requirements from the question's platform and constraints. With nothing inferred, the
    task is named after the question's title.
    """
    if question.task is not None and (question.task.name or inference is None):
        return question.task
    user = inference.user if inference is not None else None
    kind = user.task if user is not None else None
    if user is None or kind is None:
        return question.task or Task(name=question.title, summary="")
    values = dict((name, found.value) for name, found in user.parameters)
    name = kind.name
    for parameter in kind.parameters:
        if parameter.name in values and parameter.unit == "×":
            name += f", ×{values[parameter.name]}"
        elif parameter.name in values:
            name += f", {parameter.name.replace('-', ' ')} {values[parameter.name]}"
    if user.platform is not None:
        name += f", {_PLATFORMS[user.platform.value]}"
    requirements = tuple(
        f"{_REQUIREMENTS[found.value]} (“{found.evidence}”)" for found in user.constraints
    )
    if user.platform is not None:
        requirements += (f"Runs {_PLATFORMS[user.platform.value]} (“{user.platform.evidence}”)",)
    return Task(
        name=name,
        summary=kind.definition,
        input=f"{kind.input.modality}, {apply_parameters(kind.input.shape, kind, values)}",
        output=f"{kind.output.modality}, {apply_parameters(kind.output.shape, kind, values)}",
        requirements=requirements,
        kind=kind.id,
        parameters=tuple(values.items()),
    )


def apply_parameters(shape: str, kind: TaskKind, values: Mapping[str, str]) -> str:
    """Put the question's parameter values in a shape: `sH×sW×3` with `s` = 3 → `3H×3W×3`."""
    for parameter in kind.parameters:
        symbol, value = parameter.symbol, values.get(parameter.name)
        if symbol and value:
            shape = re.sub(rf"(?<![A-Za-z0-9']){re.escape(symbol)}(?=[A-Z(])", value, shape)
    return shape


def workflow_of(question: Question, inference: QuestionInference | None = None) -> Workflow:
    """Return the stated workflow, else one drafted from the inferred task's template.

    The template runs input → pre-processing → model → post-processing → output, with the
    question's parameters in its shapes. A recommended model that does the task stands in
    the model's place (several: side by side); one that does another task on the same kind
    of data comes before it, as an optional step; the related papers' ideas are noted on the
    model step and cited there. Without an inferred task: input → each recommended model →
    output.
    """
    if question.workflow is not None:
        return question.workflow
    kind = inference.user.task if inference is not None else None
    if inference is None or kind is None:
        return _plain_workflow(question)
    values = dict((name, found.value) for name, found in inference.user.parameters)

    def shape(text: str) -> str:
        return apply_parameters(text, kind, values)

    models = [u for u in question.sources if u.role == "recommended-model"]
    doing = [u for u in models if _fit(inference, u) == "same-task"]
    before = [u for u in models if _fit(inference, u) in ("related-task", "other-task")]
    ideas = tuple(
        u.key
        for u in question.sources
        if u.role == "related-paper" and (g := inference.source(u.key)) and g.techniques
    )
    nodes: list[WorkflowNode] = []
    layers: list[list[str]] = []
    for index, step in enumerate(kind.workflow):
        if step.kind == "model":
            for use in before:
                guess = inference.source(use.key)
                what = guess.task.name if guess and guess.task else "another task"
                node_id = f"before{len(nodes)}"
                nodes.append(
                    WorkflowNode(
                        node_id,
                        f"Optional: {_lower(what)} ({use.model or use.key})",
                        "model",
                        "provided",
                        shape(step.takes),
                        shape(step.takes),
                        (use.key,),
                    )
                )
                layers.append([node_id])
            if doing:
                layer = []
                for n, use in enumerate(doing, start=1):
                    node_id = f"model{n}"
                    nodes.append(
                        WorkflowNode(
                            node_id,
                            use.model or use.key,
                            "model",
                            "provided",
                            shape(step.takes),
                            shape(step.gives),
                            (use.key, *ideas),
                            _ideas_note(ideas),
                        )
                    )
                    layer.append(node_id)
                layers.append(layer)
                continue
            basis: NodeBasis = "borrowed" if ideas else "ours"
            label = f"{step.label} (none of the provided models does this task)"
            nodes.append(
                WorkflowNode(
                    "model", label, "model", basis, shape(step.takes), shape(step.gives),
                    ideas, _ideas_note(ideas),
                )
            )  # fmt: skip
            layers.append(["model"])
            continue
        node_id = {"input": "input", "output": "output"}.get(step.kind, f"step{index}")
        nodes.append(
            WorkflowNode(
                node_id, step.label, step.kind, "ours", shape(step.takes), shape(step.gives)
            )
        )
        layers.append([node_id])
    edges = [
        WorkflowEdge(a, b)
        for first, second in itertools.pairwise(layers)
        for a in first
        for b in second
    ]
    return Workflow(tuple(nodes), tuple(edges))


def _fit(inference: QuestionInference, use: SourceUse) -> Fit | None:
    guess = inference.source(use.key)
    return guess.fit if guess is not None else None


def _ideas_note(keys: tuple[str, ...]) -> str:
    if not keys:
        return ""
    cites = "; ".join(f"@{key}" for key in keys)
    return f"Ideas from the related papers, applied here by us, not by them [{cites}]."


def _lower(name: str) -> str:
    return name if name[:2].isupper() else name[:1].lower() + name[1:]


def _plain_workflow(question: Question) -> Workflow:
    """Input → each recommended model → output."""
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
    return project.question(page.split("/", 1)[0]) if "/" in page else None


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


def _is_use(group: CitationGroup, text: str) -> bool:
    """Whether a citation of `text` is a use: not in the body of a listing region.

    A list of sources cites each beside its links; what relies on a source is cited
    elsewhere: see [`LISTING_REGIONS`][generator.regions.LISTING_REGIONS].
    """
    line = group.location.line or 0
    return not any(first <= line <= last for first, last in _listings(text))


@functools.lru_cache(maxsize=8192)
def _listings(text: str) -> tuple[tuple[int, int], ...]:
    """The lines (first, last, 1-based) of the bodies of the listing regions of a page.

    Cached: the citation index and the citation check both ask, page by page.
    """
    if "answersite" not in text:
        return ()
    try:
        regions = parse(text, "").regions
    except RegionError:  # the writer reports damaged markers; here every citation counts
        return ()
    return tuple(
        (region.begin_line + 1, region.end_line - 1)
        for region in regions
        if region.name in LISTING_REGIONS
    )


def index_citations(pages: Mapping[str, str]) -> dict[str, list[Citer]]:
    """Map each cited key to the pages citing it, sorted by page path.

    Args:
        pages: Docs-relative page path → Markdown text.
    """
    index: dict[str, list[Citer]] = {}
    for page in sorted(pages):
        text = pages[page]
        title: str | None = None
        sections: list[Heading] = []
        seen: set[str] = set()
        for group in find_citations(text, page):
            if not _is_use(group, text):
                continue
            if title is None:  # (the headings of a page that cites)
                found = headings(text)
                title = _title(text, page, found)
                sections = [h for h in found if h.level > 1]
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
    project: Project, pages: Mapping[str, str], docs_prefix: str = "docs", *, uncited: bool = True
) -> list[Finding]:
    """Return the citation findings of a set of pages.

    - `citation-unknown-key` (error): a key that is not in the reference set;
    - `citation-not-provided` (error): a page of question Q cites a source not provided with Q;
    - `source-uncited` (warning): a provided source that no page of its question cites.

    Args:
        project: The loaded project.
        pages: Docs-relative page path → Markdown text.
        docs_prefix: The docs folder, to make locations relative to the project root.
        uncited: Report `source-uncited` (leave it out when `pages` are not all the pages).
    """
    findings: list[Finding] = []
    known: list[str] = []  # sorted lazily: only an unknown key needs suggestions
    cited_in: dict[str, set[str]] = {}
    for page in sorted(pages):
        question = question_of(page, project)
        path = f"{docs_prefix}/{page}"
        text = pages[page]
        for group in find_citations(text, path):
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
                    known = known or sorted(project.keys)
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
                elif _is_use(group, text):
                    cited_in.setdefault(key, set()).add(question.id if question else "")
    for question in project.questions if uncited else ():
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
