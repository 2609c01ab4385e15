"""The typed data model shared by every stage.

Everything here is a frozen dataclass with no I/O: loaders build these objects,
the other stages read them. Every object built from input carries the
[`Location`][generator.model.Location] it came from, so each message can start
with `path:line:`.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "FITS",
    "NODE_BASES",
    "NODE_KINDS",
    "ROLES",
    "Finding",
    "Fit",
    "Location",
    "PagePlan",
    "Project",
    "Question",
    "Role",
    "Severity",
    "Source",
    "SourceUse",
    "Task",
    "Workflow",
    "WorkflowEdge",
    "WorkflowNode",
    "source_anchor",
]


def source_anchor(key: str) -> str:
    """The HTML id of a source's entry on a references page, e.g. `ref-kim2022mssnet`.

    The references pages give each entry this id, citations link to it, and the link check
    looks for it: one function, so the three always agree.
    """
    return "ref-" + _NOT_ALNUM.sub("-", key.lower()).strip("-")


_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, order=True)
class Location:
    """Where something was written: a path relative to the project, and a 1-based line.

    Attributes:
        path: The file, relative to the project root, with `/` separators.
        line: The 1-based line number, or `None` when it is unknown.
        column: The 1-based column, or `None` when it is unknown.
    """

    path: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        text = self.path
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text


class Severity(str, enum.Enum):
    """How bad a [`Finding`][generator.model.Finding] is."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    """One problem found in the input, the pages or the built site.

    Findings are data, not exceptions: a stage returns all of them and the caller
    decides (print, fail the build, exit non-zero).

    Attributes:
        code: A stable identifier such as `ref-duplicate-key` that users can filter on.
        severity: Error, warning or info.
        message: What was expected and what was found.
        location: Where it was found, if anywhere.
        hint: One concrete fix, or `None`.
    """

    code: str
    severity: Severity
    message: str
    location: Location | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        text = f"{where}{self.severity.value}: {self.message} [{self.code}]"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


@dataclass(frozen=True)
class Source:
    """One entry of the reference set, from BibTeX or YAML.

    Text fields hold plain text: BibTeX braces and LaTeX accents are decoded.

    Attributes:
        key: The citation key, e.g. `kim2022mssnet`.
        entry_type: The BibTeX entry type (`inproceedings`, `article`, `misc`, ...).
        title: The title as plain text.
        authors: Author names as written, `Last, First` or `First Last`.
        year: The year as written, or `None`.
        venue: `booktitle` or `journal`, or `None`.
        pages: Page range as written, or `None`.
        eprint: An arXiv or other e-print identifier (shown as text, never linked).
        url: The link to the paper, or `None`.
        code: The link to the source's code repository, or `None`.
        abstract: The abstract, or `None`.
        annotation: A note about the source itself (not about one question), or `None`.
        keywords: Keywords, in the order written.
        bibtex: The entry as BibTeX text, for a copyable block.
        location: Where the entry starts.
    """

    key: str
    title: str
    location: Location
    entry_type: str = "misc"
    authors: tuple[str, ...] = ()
    year: str | None = None
    venue: str | None = None
    pages: str | None = None
    eprint: str | None = None
    url: str | None = None
    code: str | None = None
    abstract: str | None = None
    annotation: str | None = None
    keywords: tuple[str, ...] = ()
    bibtex: str = ""

    @property
    def links(self) -> tuple[tuple[str, str], ...]:
        """The source's links as `(label, url)` pairs: paper first, then code."""
        found = []
        if self.url:
            found.append(("paper", self.url))
        if self.code:
            found.append(("code", self.code))
        return tuple(found)


Role = Literal["recommended-model", "related-paper"]
ROLES: tuple[Role, ...] = ("recommended-model", "related-paper")


Fit = Literal["same-task", "related-task", "other-task", "other-modality", "unknown"]
FITS: tuple[Fit, ...] = ("same-task", "related-task", "other-task", "other-modality", "unknown")
"""How a source's task relates to the user's, best first: the same task; a related task on
the same kind of data; another task on the same kind of data; another kind of data; not
known."""


@dataclass(frozen=True)
class SourceUse:
    """A source as provided with one question.

    Attributes:
        key: The source's citation key.
        role: `recommended-model` or `related-paper`.
        annotation: Markdown: why this source matters to the question, and where it does not fit.
        model: The model name as given with the question, e.g. `Deblur-MSSNet-GoPro`.
        location: Where the use is declared in the question file.
        fit: How the source fits the user's task, when the question file states it (it
            wins over the inferred fit), else `None`.
    """

    key: str
    role: Role
    annotation: str
    location: Location
    model: str | None = None
    fit: Fit | None = None


@dataclass(frozen=True)
class Task:
    """The task the user is performing.

    Attributes:
        name: A precise name, e.g. `Single-image super-resolution (×3)`.
        summary: Markdown, one or two sentences.
        input: What goes in, e.g. `RGB photo, H×W×3`.
        output: What comes out, e.g. `RGB photo, 3H×3W×3`.
        requirements: Requirements as short Markdown lines.
        kind: The id of the task in the vocabulary (`image-super-resolution`), when stated.
        parameters: Parameter name → value (`scale` → `3`), when stated.
        location: Where the `task:` block is written.
    """

    name: str
    summary: str = ""
    input: str = ""
    output: str = ""
    requirements: tuple[str, ...] = ()
    kind: str | None = None
    parameters: tuple[tuple[str, str], ...] = ()
    location: Location | None = field(default=None, compare=False)


NodeKind = Literal["input", "model", "step", "output"]
NODE_KINDS: tuple[NodeKind, ...] = ("input", "model", "step", "output")
NodeBasis = Literal["provided", "borrowed", "ours"]
NODE_BASES: tuple[NodeBasis, ...] = ("provided", "borrowed", "ours")


@dataclass(frozen=True)
class WorkflowNode:
    """One node of the workflow pipeline.

    Attributes:
        id: Identifier used by edges (letters, digits, `_`).
        label: What the node is called on the diagram.
        kind: `input`, `model`, `step` or `output`.
        basis: `provided` (a provided model, used as released), `borrowed` (an idea taken
            from a source and applied by us) or `ours` (plain engineering, no source).
        takes: What goes in, e.g. `H×W×3`.
        gives: What comes out, e.g. `3H×3W×3`.
        sources: Keys of the sources the node draws on.
        note: Markdown shown in the workflow table.
    """

    id: str
    label: str
    kind: NodeKind = "model"
    basis: NodeBasis = "provided"
    takes: str = ""
    gives: str = ""
    sources: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class WorkflowEdge:
    """A directed edge between two workflow nodes."""

    source: str
    target: str
    label: str = ""


@dataclass(frozen=True)
class Workflow:
    """The answer's workflow as a node pipeline: input → model node(s) → output."""

    nodes: tuple[WorkflowNode, ...]
    edges: tuple[WorkflowEdge, ...]


@dataclass(frozen=True)
class Question:
    """One question and the sources provided with it.

    Attributes:
        id: The question's identifier: its file name without `.yaml`; also its folder in `docs/`.
        title: A short title for navigation.
        question: The user's own words.
        sources: The provided sources, in the order given.
        location: The question file.
        instructions: Extra instructions given with the question, or `None`.
        task: An explicit task block, or `None` to derive one.
        workflow: An explicit workflow, or `None` to derive one.
    """

    id: str
    title: str
    question: str
    sources: tuple[SourceUse, ...]
    location: Location
    instructions: str | None = None
    task: Task | None = None
    workflow: Workflow | None = None

    def use(self, key: str) -> SourceUse | None:
        """Return how this question uses the source `key`, or `None` if it is not provided."""
        for use in self.sources:
            if use.key == key:
                return use
        return None


@dataclass(frozen=True)
class Project:
    """Everything loaded from `references/`.

    Attributes:
        sources: The sources some question provides, read in full, by key, in key order.
        questions: The questions, sorted by id.
        unused: The keys of the reference set that no question provides. Only their keys
            are read, so a large bibliography stays fast; they can be neither cited nor
            linked.
    """

    sources: dict[str, Source] = field(default_factory=dict)
    questions: tuple[Question, ...] = ()
    unused: frozenset[str] = frozenset()

    @property
    def keys(self) -> frozenset[str]:
        """Every key of the reference set, provided or not."""
        return frozenset(self.sources) | self.unused

    @functools.cached_property
    def _by_id(self) -> dict[str, Question]:
        return {question.id: question for question in self.questions}

    def question(self, question_id: str) -> Question | None:
        """The question with this id, or `None`."""
        return self._by_id.get(question_id)


@dataclass(frozen=True)
class PagePlan:
    """What the generator wants one page to contain.

    Attributes:
        path: The page, relative to the project root, with `/` separators.
        scaffold: The whole page used when the file does not exist yet; its regions (made
            with [`render_region`][generator.regions.render_region]) are filled from
            `regions` like any others.
        regions: Region name → newly generated Markdown, without markers.
    """

    path: str
    scaffold: str
    regions: Mapping[str, str] = field(default_factory=dict)
