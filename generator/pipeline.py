"""Wires the stages once; used by both the CLI and the MkDocs plugin.

`load` → `analyse` → `render` → `write`: [`generate`][generator.pipeline.generate]
plans every page, and writes only when asked to (never in `--check` mode, never from
the plugin).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator.check import LinkPolicy, check_site
from generator.errors import InputError
from generator.layout import BIBLIOGRAPHY, OWNED_FOLDERS
from generator.load import VOCABULARY_FILE, load_project, read_pages
from generator.model import Finding, Location, Project, Severity
from generator.progress import Track, silent
from generator.settings import Settings
from generator.suggest import suggest

# `infer` and `generate` import their stages when they run, so that `answersite check`
# (load, then check) loads no template engine (`tests/test_architecture.py` guards it).
if TYPE_CHECKING:
    from generator.infer import QuestionInference
    from generator.write import Change

MARKDOWN_SUFFIXES = (".markdown", ".mdown", ".mkdn", ".mkd", ".md")
"""The names MkDocs renders as pages (`mkdocs.utils.markdown_extensions`)."""

__all__ = [
    "Generated",
    "check_built_site",
    "generate",
    "infer",
    "load",
    "load_with_warnings",
    "own_urls",
    "provided_urls",
    "source_keys",
]


@dataclass(frozen=True)
class Generated:
    """The outcome of planning (and maybe writing) every generated page.

    Attributes:
        changes: One change per generated file, in a stable order.
        findings: Region and citation findings, and pages that changed while writing.
        written: The paths written (empty in check mode).
        removed: Temporary files that killed runs had left, removed before writing.
    """

    changes: tuple[Change, ...]
    findings: tuple[Finding, ...]
    written: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def stale(self) -> tuple[Change, ...]:
        """The changes that would write a file."""
        return tuple(change for change in self.changes if change.changed)


def load(settings: Settings) -> Project:
    """Load the reference set and the questions.

    Raises:
        InputError: Any error finding; the error carries all of them.
    """
    return load_with_warnings(settings)[0]


def load_with_warnings(settings: Settings) -> tuple[Project, tuple[Finding, ...]]:
    """[`load`][generator.pipeline.load], plus the warnings (e.g. a source no question
    provides that has a problem), for the caller to report.

    Raises:
        InputError: Any error finding; the error carries all of them.
    """
    project, findings = load_project(settings.root, settings.references)
    errors = tuple(f for f in findings if f.severity is Severity.ERROR)
    if errors:
        raise InputError(
            f"{len(errors)} problem{'s' if len(errors) != 1 else ''} in "
            f"{settings.references}/; nothing was written",
            findings=tuple(findings),
        )
    return project, tuple(findings)


def infer(
    settings: Settings, project: Project, *, track: Track = silent
) -> dict[str, QuestionInference]:
    """Infer each question's task and each source's fit, with the project's vocabulary.

    The shipped vocabulary is merged with the project's `tasks.yaml` (in the reference
    folder), if any.

    Raises:
        InputError: The project's vocabulary has an error, or a question states a task
            kind the vocabulary does not know.
    """
    from generator.infer import infer_question, load_knowledge

    rel = f"{settings.references}/{VOCABULARY_FILE}"
    knowledge, findings = load_knowledge(settings.root / rel, shown_as=rel)
    for question in project.questions:
        kind = question.task.kind if question.task else None
        if kind is not None and knowledge.task(kind) is None:
            close = suggest(kind, [task.id for task in knowledge.tasks])
            findings.append(
                Finding(
                    "question-unknown-task",
                    Severity.ERROR,
                    f"task kind `{kind}` is not in the vocabulary",
                    question.task.location if question.task else question.location,
                    f"did you mean `{close}`?"
                    if close
                    else f"name a task of the vocabulary, or add one to {rel}",
                )
            )
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        raise InputError(
            f"{len(errors)} problem{'s' if len(errors) != 1 else ''} in the task vocabulary "
            "or the questions' tasks; nothing was written",
            findings=tuple(findings),
        )
    questions = track(project.questions, "inferring tasks", len(project.questions))
    return {q.id: infer_question(q, project.sources, knowledge) for q in questions}


def generate(
    settings: Settings,
    project: Project,
    *,
    merge: bool = False,
    write: bool = True,
    inferences: Mapping[str, QuestionInference] | None = None,
    track: Track = silent,
) -> Generated:
    """Plan every generated page, check citations, and write what changed.

    Args:
        settings: The project's settings.
        project: The loaded project.
        merge: 3-way merge new content into hand-edited regions.
        write: Write the changes; `False` only plans (for `--check` and the plugin).
        inferences: What [`infer`][generator.pipeline.infer] made of each question, if
            already known; else it is inferred here.
        track: Shows the progress of the long loops (see `generator.progress`).

    Raises:
        RegionError: A damaged marker anywhere; nothing is written.
        WriteError: A page cannot be written (read-only, disk full); nothing is written.
    """
    from generator.analyse import check_citations, index_citations
    from generator.files import remove_stale_temps
    from generator.render import render_content_pages, render_reference_pages
    from generator.write import STATE_PATH, Planner, apply_changes, owned_pages, plan_removals

    docs = settings.docs
    _check_question_folders(settings, project)
    removed: list[str] = []
    if write:  # what a killed run left behind
        for folder in (docs, settings.references, STATE_PATH.split("/")[0]):
            for path in remove_stale_temps(settings.root / folder):
                removed.append(path.relative_to(settings.root).as_posix())
    if inferences is None:
        inferences = infer(settings, project, track=track)
    content = render_content_pages(project, docs, inferences, nav_limit=settings.nav_limit)
    planner = Planner(settings.root, merge=merge, track=track)
    pages = read_pages(settings.root / docs)
    prefix = len(docs) + 1
    for change in planner.plan(content):
        pages[change.path[prefix:]] = change.new
    # Who cites whom, as the references pages and the bibliography show it: the pages of
    # the questions and the pages written by hand. The references pages and the
    # bibliography are not among them (what they cite is shown nowhere), so one pass is
    # enough: they are planned once, after the pages they point to.
    ids = {q.id for q in project.questions}
    citing = {page: text for page, text in pages.items() if not _lists_sources(page, ids)}
    references = render_reference_pages(project, index_citations(citing), docs, inferences)
    for change in planner.plan(references):
        pages[change.path[prefix:]] = change.new
    changes, findings = planner.finish()
    planned = {plan.path for plan in [*content, *references]}
    gone = [p for p in owned_pages(settings.root, docs, OWNED_FOLDERS) if p not in planned]
    removals, orphaned = plan_removals(settings.root, gone)
    state = [c for c in changes if c.path == STATE_PATH]  # the state file is last
    changes = [*(c for c in changes if c.path != STATE_PATH), *removals, *state]
    for change in removals:
        pages.pop(change.path[prefix:], None)
    findings = [*findings, *orphaned, *_left_behind(settings, project, pages)]
    findings += check_citations(project, pages, docs)
    written: Sequence[str] = ()
    if write:
        written, changed = apply_changes(settings.root, changes, track=track)
        findings += changed
    return Generated(tuple(changes), tuple(findings), tuple(written), tuple(removed))


def _lists_sources(page: str, questions: set[str]) -> bool:
    """Whether a docs page lists sources rather than citing them: a question's references
    page, the bibliography and its pages, and the lists of questions."""
    head, _, rest = page.partition("/")
    if page == BIBLIOGRAPHY or (rest and head in OWNED_FOLDERS):
        return True
    return rest == "references.md" and head in questions


_QUESTION_MARK = "<!-- answersite:begin question -->"
"""The first region of a question's answer page: a folder whose `index.md` has it held a
question."""


def _left_behind(settings: Settings, project: Project, pages: Mapping[str, str]) -> list[Finding]:
    """`question-removed`: a docs folder with a question's answer page, for a question that
    is not in the set (its file removed or renamed). Its pages are not regenerated, and
    their citations of the question's sources now fail: say why, once, with the way out.

    Args:
        settings: The project's settings.
        project: The loaded project.
        pages: Every docs page (docs-relative path → text), as `read_pages` read them.
    """
    ids = {q.id for q in project.questions}
    found = []
    for page, text in sorted(pages.items()):
        name, _, rest = page.partition("/")
        if rest != "index.md" or name in ids or name in OWNED_FOLDERS:
            continue
        if _QUESTION_MARK not in text:
            continue
        question = f"{settings.references}/questions/{name}.yaml"
        found.append(
            Finding(
                "question-removed",
                Severity.WARNING,
                f"{settings.docs}/{name}/ holds the pages of the question `{name}`, which is "
                f"not in the reference set ({question} is gone): they are no longer generated",
                Location(f"{settings.docs}/{page}"),
                f"delete the folder {settings.docs}/{name}/, or restore {question}",
            )
        )
    return found


def _check_question_folders(settings: Settings, project: Project) -> None:
    """A question's folder must not take the URL of a page written by hand."""
    findings = []
    for question in project.questions:
        page = f"{settings.docs}/{question.id}.md"
        if (settings.root / page).is_file():
            findings.append(
                Finding(
                    "question-bad-id",
                    Severity.ERROR,
                    f"the question `{question.id}` would be published at the URL of the "
                    f"page {page}",
                    question.location,
                    f"rename the question file, or rename {page}",
                )
            )
    if findings:
        raise InputError(
            "a question's pages would replace a page; nothing was written", findings=tuple(findings)
        )


def provided_urls(project: Project) -> dict[str, frozenset[str]]:
    """Question id → the URLs of its provided sources (paper and code links)."""
    return {
        q.id: frozenset(url for use in q.sources for _, url in project.sources[use.key].links)
        for q in project.questions
    }


def source_keys(project: Project) -> dict[str, frozenset[str]]:
    """A provided source's URL → the keys of the sources that list it (paper and code links).

    Only the sources some question provides: the others may not be linked at all.
    """
    keys: dict[str, set[str]] = {}
    for question in project.questions:
        for use in question.sources:
            for _, url in project.sources[use.key].links:
                keys.setdefault(url, set()).add(use.key)
    return {url: frozenset(found) for url, found in sorted(keys.items())}


def own_urls(settings: Settings) -> frozenset[str]:
    """The site's own addresses outside it, from `mkdocs.yml`: the repository (`repo_url`)
    and the "edit this page" link of each Markdown page in `docs/` (`edit_uri`).

    Exactly these, not every address under the repository: an issue or a commit of a fork
    is shown under the repository's address too, and is not the project's own.
    """
    found = {settings.repo_url} if settings.repo_url else set()
    docs = settings.root / settings.docs
    if settings.edit_uri or settings.edit_uri_template:
        for path in docs.rglob("*"):
            rel = path.relative_to(docs)
            if path.name.endswith(MARKDOWN_SUFFIXES) and not any(
                p.startswith(".") for p in rel.parts
            ):
                url = settings.edit_url(rel.as_posix())
                found.update([url] if url else [])
    return frozenset(found)


def check_built_site(
    settings: Settings, project: Project, site_dir: Path | None = None
) -> list[Finding]:
    """Check every link of a built site against the project's provided sources."""
    policy = LinkPolicy(
        provided=provided_urls(project),
        site_url=settings.site_url,
        allow=settings.allow,
        allow_schemes=frozenset(settings.allow_schemes),
        source_keys=source_keys(project),
        own=own_urls(settings),
    )
    target = site_dir or settings.site_dir or settings.root / "site"
    return check_site(
        target,
        policy,
        docs_dir=settings.root / settings.docs,
        project_root=settings.root,
        template_dirs=settings.template_dirs,
    )
