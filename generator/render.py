"""Stage 3: the model → Markdown, one body per generated region (pure; Jinja2 templates).

Page scaffolds (`templates/pages/`) are used only when a page does not exist yet;
afterwards only the regions (`templates/regions/`) are regenerated, so the text a
person writes around them is never touched.

Every value enters a page through [`generator.escape`][generator.escape]: the templates'
environment escapes each `{{ value }}` as plain text unless it is already
[`Markdown`][generator.escape.Markdown], and a Markdown value (an annotation, a note)
must be passed through the `markdown` filter.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote

import jinja2

from generator import drafts, escape
from generator.analyse import Citer, task_of, workflow_of
from generator.escape import Markdown
from generator.infer import QuestionInference
from generator.layout import (
    BIBLIOGRAPHY,
    BIBLIOGRAPHY_ENTRIES,
    HOME_PER_TASK,
    NAV_LIMIT,
    OWNED_FOLDERS,
    OWNED_MARK,
    Bibliography,
    bibliography_layout,
    listing_layout,
)
from generator.model import PagePlan, Project, Question, Source, SourceUse, Workflow, source_anchor
from generator.regions import render_region

__all__ = [
    "bibliography_for",
    "format_authors",
    "format_citation",
    "mermaid",
    "render_content_pages",
    "render_reference_pages",
]

_ROLE_NAMES = {"recommended-model": "recommended model", "related-paper": "related paper"}
_BASIS_NAMES = {"provided": "provided model", "borrowed": "borrowed idea", "ours": "our glue"}


def _finalize(value: object) -> str:
    """What every `{{ value }}` of a template becomes: escaped as plain text by default."""
    if isinstance(value, Markdown):
        return value
    if isinstance(value, str):
        return escape.text(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if value is None:
        return ""
    raise TypeError(f"a template printed a {type(value).__name__}: escape it explicitly")


@functools.lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator", "templates"),
        autoescape=False,  # Markdown, not HTML: `_finalize` escapes for Markdown instead
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # (the package's templates do not change during a run)
    )
    env.filters["markdown"] = escape.markdown
    env.filters["code"] = escape.code
    return env


def _render(template: str, **context: object) -> str:
    text = _env().get_template(template).render(**context)
    while "\n\n\n" in text:  # at most one blank line in a row
        text = text.replace("\n\n\n", "\n\n")
    return text.strip("\n") + "\n"


def _page(path: str, page: str, regions: Mapping[str, str], **context: object) -> PagePlan:
    """A page plan: its scaffold (regions filled in) and its regions' bodies."""
    scaffold = _render(
        f"pages/{page}.md.j2",
        region=lambda name: Markdown(
            render_region(name, regions[name]).rstrip("\n") if name in regions else ""
        ),
        **context,
    )
    return PagePlan(path=path, scaffold=scaffold, regions=dict(regions))


def format_authors(authors: tuple[str, ...]) -> str:
    """`Last, First` names as `First Last`, joined as `A, B and C`."""
    names = []
    for author in authors:
        last, comma, first = author.partition(",")
        names.append(f"{first.strip()} {last.strip()}" if comma else author.strip())
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def format_citation(source: Source) -> Markdown:
    """A formatted citation in Markdown: authors, title, venue, pages, year."""
    text = escape.text
    parts = []
    if source.authors:
        parts.append(text(format_authors(source.authors)) + ".")
    parts.append(f"*{text(source.title or NO_TITLE)}*.")
    year = f", {text(source.year)}." if source.year else "."
    if source.venue:
        where = f"In {text(source.venue)}"
        if source.pages:
            where += f", pages {text(source.pages)}"
        parts.append(where + year)
    elif source.eprint:
        parts.append(f"arXiv preprint arXiv:{text(source.eprint)}{year}")
    elif source.year:
        parts.append(f"{text(source.year)}.")
    return Markdown(" ".join(parts))


def _links(source: Source) -> Markdown:
    """The source's links as raw HTML anchors: the URL goes into an attribute as it is."""
    return Markdown(
        " · ".join(f'<a href="{escape.attribute(url)}">{label}</a>' for label, url in source.links)
    )


def _link_entry(use: SourceUse, source: Source) -> dict[str, object]:
    """One line of a question page's list of its sources: title, citation, role, links.

    The links come from the reference set, the one place their URLs are written; the
    citation goes with them, because a page that links a source must also cite it.
    """
    if source.title:
        name, model = Markdown(f"*{escape.text(source.title)}*"), use.model
    else:  # a prompt gives a recommended model's name but not its paper's title
        name, model = escape.code(use.model) if use.model else escape.text(source.key), None
    return {
        "name": name,
        "citation": Markdown(f"[@{source.key}]"),
        "role": _ROLE_NAMES[use.role],
        "model": model,
        "links": _links(source),
    }


def _bibtex_block(source: Source) -> Markdown:
    block = escape.fenced(source.bibtex, "bibtex", indent=4)
    return Markdown(f'??? note "BibTeX"\n\n{block}')


def _cited_on(citers: list[Citer], here: str, label: str = "Cited on") -> Markdown:
    citers = [citer for citer in citers if citer.page != here]  # not the page itself
    if not citers:
        return Markdown(f"**{label}:** no page yet." if label == "Cited on" else "")
    return Markdown(f"**{label}:** " + " · ".join(_citer_link(c, here) for c in citers))


def _citer_link(citer: Citer, here: str, *, short: bool = False) -> str:
    """A link to where a page cites a source: its page, and its section if any.

    `short` leaves out the page's title when the section is named (the line already
    names the question).
    """
    href = _rel(citer.page, here)
    label = str(escape.text(citer.title))
    if citer.section and citer.anchor:  # where on the page it is first cited
        href += f"#{quote(citer.anchor)}"
        section = str(escape.text(citer.section))
        label = section if short else f"{label} › {section}"
    return f"[{label}]({href})"


def mermaid(workflow: Workflow) -> str:
    """The workflow as a Mermaid flowchart, top to bottom (wide pipelines stay legible).

    Provided models have a solid border, borrowed ideas a dashed one, our own glue
    (input, output, plain steps) a dotted one. Labels are escaped for Mermaid; node ids
    get the prefix `n_`, so that no id is a Mermaid keyword (`end`, `style`, `click`, …).
    """
    shapes = {
        "input": ('(["', '"])'),
        "output": ('(["', '"])'),
        "model": ('["', '"]'),
        "step": ('["', '"]'),
    }
    lines = ["flowchart TB"]
    for node in workflow.nodes:
        label = escape.mermaid_label(node.label)
        detail = " → ".join(escape.mermaid_label(x) for x in (node.takes, node.gives) if x)
        if detail:
            label += f"<br/><small>{detail}</small>"
        opening, closing = shapes[node.kind]
        lines.append(f"    n_{node.id}{opening}{label}{closing}:::{node.basis}")
    for edge in workflow.edges:
        label = f'|"{escape.mermaid_label(edge.label)}"|' if edge.label else ""
        lines.append(f"    n_{edge.source} -->{label} n_{edge.target}")
    lines += [
        "    classDef provided stroke-width:3px",
        "    classDef borrowed stroke-width:2px,stroke-dasharray:7 4",
        "    classDef ours stroke-width:1px,stroke-dasharray:2 3",
    ]
    return "\n".join(lines)


_LEGEND = Markdown(
    "**How to read it.** Solid border: a provided model, used as released. "
    "Dashed border: an idea borrowed from a provided source and applied by us to this "
    "task — our reasoning, not the source's claim. Dotted border: our own glue (input, output, "
    "plain steps)."
)


_NOTHING = Markdown("")
NO_TITLE = "Title not given with the question"
"""What a page says where a source has no title (a prompt gives none for a model)."""


@dataclass(frozen=True)
class _Entry:
    number: int
    source: Source
    title: str
    title_note: Markdown
    anchor: str
    citation: Markdown
    links: Markdown
    bibtex: Markdown
    cited_on: Markdown
    use: SourceUse | None = None
    role: str = ""
    provided_with: Markdown = _NOTHING
    annotation: Markdown = _NOTHING


Inferences = Mapping[str, QuestionInference]


def render_content_pages(
    project: Project,
    docs: str = "docs",
    inferences: Inferences | None = None,
    *,
    nav_limit: int = NAV_LIMIT,
) -> list[PagePlan]:
    """Plan every page whose regions do not depend on who cites whom.

    Args:
        project: The loaded project.
        docs: The docs folder relative to the project root.
        inferences: What the inference made of each question, by id: the drafts come
            from it. Without it, only what the question files state is shown.
        nav_limit: Up to this many questions, the home page lists each in full; above,
            it lists them by task, with pages of each task's questions.

    Returns:
        Page plans for the home page, the task pages, and each question's index, task and
        workflow pages.
    """
    inferences = inferences or {}
    tasks = {q.id: task_of(q, inferences.get(q.id)).name for q in project.questions}
    listing = listing_layout(
        {q.id: _kind_name(q, inferences.get(q.id)) for q in project.questions},
        nav_limit=nav_limit,
    )
    by_id = {q.id: q for q in project.questions}
    summaries = {
        q.id: {
            "id": q.id,
            "title": q.title,
            "question": q.question,
            "sources": q.sources,
            "task_name": tasks[q.id],
        }
        for q in project.questions
    }
    groups = [
        {
            "name": task.name,
            "count": len(task.questions),
            "first": [summaries[q] for q in task.questions[:HOME_PER_TASK]],
            "href": Markdown(quote(task.pages[0][0])) if task.pages else "",
            "pages": len(task.pages),
        }
        for task in listing.tasks
    ]
    plans = [
        _page(
            f"{docs}/index.md",
            "home",
            {
                "questions": _render(
                    "regions/questions.md.j2",
                    questions=list(summaries.values()),
                    in_full=listing.in_full,
                    tasks=groups,
                )
            },
        )
    ]
    for task in listing.tasks:
        for number, (path, ids) in enumerate(task.pages, start=1):
            neighbours = [p for p, _ in task.pages]
            body = _render(
                "regions/task-list.md.j2",
                count=len(task.questions),
                number=number,
                total=len(task.pages),
                home=Markdown(_rel("index.md", path)),
                questions=[
                    {
                        "title": summaries[q]["title"],
                        "href": Markdown(_rel(f"{q}/index.md", path)),
                        "sources": len(by_id[q].sources),
                    }
                    for q in ids
                ],
                previous=Markdown(_rel(neighbours[number - 2], path)) if number > 1 else "",
                next=Markdown(_rel(neighbours[number], path)) if number < len(neighbours) else "",
            )
            title = (
                task.name
                if len(task.pages) == 1
                else f"{task.name} ({number} of {len(task.pages)})"
            )
            plans.append(_owned(f"{docs}/{path}", title, body))
    for question in project.questions:
        plans.extend(_question_pages(question, docs, inferences.get(question.id), project))
    return plans


NOT_INFERRED = "Task not inferred"
"""The group of the questions whose task is neither stated nor inferred."""


def _kind_name(question: Question, inference: QuestionInference | None) -> str:
    """The task a question is listed under: its kind's name, without the parameters."""
    user = inference.user.task if inference is not None else None
    if user is not None:
        return user.name
    return question.task.name if question.task and question.task.name else NOT_INFERRED


def _question_pages(
    question: Question, docs: str, inference: QuestionInference | None, project: Project
) -> list[PagePlan]:
    task = task_of(question, inference)
    workflow = workflow_of(question, inference)
    base = f"{docs}/{question.id}"
    sources = {use.key: project.sources[use.key] for use in question.sources}
    index_regions = {
        "question": _render("regions/question.md.j2", question=question),
        "links": _render(  # a listing: see regions.LISTING_REGIONS
            "regions/links.md.j2",
            entries=[_link_entry(use, sources[use.key]) for use in question.sources],
        ),
        "pages": _render("regions/pages.md.j2", question=question, task=task),
    }
    task_regions = {
        "task": _render(
            "regions/task.md.j2",
            task=task,
            note=drafts.inferred_note(question, inference, question.location.path)
            if inference
            else Markdown(""),
        )
    }
    if inference is not None:
        index_regions["draft-answer"] = drafts.draft_answer(question, task, inference, sources)
        task_regions["draft-sources"] = drafts.draft_sources(question, task, inference, sources)
    nodes = [
        {
            "label": n.label,
            "kind": n.kind,
            "takes": n.takes,
            "gives": n.gives,
            "basis": n.basis,
            "citation": Markdown("[" + "; ".join(f"@{k}" for k in n.sources) + "]")
            if n.sources
            else "",
        }
        for n in workflow.nodes
    ]
    return [
        _page(f"{base}/index.md", "question", index_regions, question=question),
        _page(f"{base}/task.md", "task", task_regions),
        _page(
            f"{base}/workflow.md",
            "workflow",
            {
                "diagram": _render(
                    "regions/diagram.md.j2", mermaid=Markdown(mermaid(workflow)), legend=_LEGEND
                ),
                "nodes": _render(
                    "regions/nodes.md.j2",
                    nodes=nodes,
                    basis_names=_BASIS_NAMES,
                    notes=[n for n in workflow.nodes if n.note],
                ),
            },
        ),
    ]


def render_reference_pages(
    project: Project,
    cited: Mapping[str, list[Citer]],
    docs: str = "docs",
    inferences: Inferences | None = None,
) -> list[PagePlan]:
    """Plan each question's references page and the bibliography, with backlinks.

    A question's references page shows where *that question* (and any page outside the
    questions) cites each source, and links the source's one bibliography entry; the
    bibliography lists each source once, with the questions it is provided with, split
    into pages by [`generator.layout`][generator.layout] so that no page grows with the
    number of questions.

    Args:
        project: The loaded project.
        cited: Key → the pages citing it (docs-relative), from `index_citations`.
        docs: The docs folder relative to the project root.
        inferences: What the inference made of each question, by id: a source without an
            annotation gets one drafted from it.
    """
    inferences = inferences or {}
    bibliography = bibliography_for(project)
    ids = {q.id for q in project.questions}
    by_question = _citers_by_question(cited, ids)
    providers = _providers(project)
    plans = []
    for question in project.questions:
        here = f"{question.id}/references.md"
        inference = inferences.get(question.id)
        task = task_of(question, inference)
        entries = []
        for number, use in enumerate(question.sources, start=1):
            source = project.sources[use.key]
            if use.annotation:
                annotation = escape.markdown(use.annotation)
            elif inference is not None:
                annotation = drafts.draft_annotation(use, source, task, inference)
            else:
                annotation = Markdown("")
            citers = by_question.get((use.key, question.id), []) + by_question.get(
                (use.key, None), []
            )
            entries.append(
                _entry(
                    number,
                    source,
                    citers,
                    here,
                    use=use,
                    role=_ROLE_NAMES[use.role],
                    annotation=annotation,
                    provided_with=_in_bibliography(
                        use.key, here, bibliography, len(providers.get(use.key, ()))
                    ),
                )
            )
        plans.append(
            _page(
                f"{docs}/{here}",
                "references",
                {"references": _render("regions/references.md.j2", entries=entries)},
            )
        )
    questions = {q.id: q for q in project.questions}

    def entry(number: int, key: str, page: str) -> _Entry:
        source = project.sources[key]
        count = len(providers.get(key, ()))
        if key in bibliography.provided:
            pages = bibliography.provided[key]
            links = " · ".join(f"[{p.number}]({_rel(p.path, page)})" for p in pages)
            provided = Markdown(f"{count} questions, listed on pages {links}")
        elif count:
            listed = _provided_list(
                [questions[q] for q in providers[key]], key, page, by_question, indent="    "
            )
            provided = Markdown(f"{count} question{'s' if count != 1 else ''}\n\n{listed}")
        else:
            provided = Markdown("no question")
        return _entry(
            number,
            source,
            by_question.get((key, None), []),
            page,
            provided_with=provided,
            cited_label="Cited outside the questions",
        )

    numbers = {key: n for n, key in enumerate(project.sources, start=1)}
    if not bibliography.split:
        entries = [entry(numbers[key], key, BIBLIOGRAPHY) for key in project.sources]
        body = _render("regions/bibliography.md.j2", entries=entries)
    else:
        body = _render(
            "regions/bibliography-pages.md.j2",
            pages=[
                {
                    "label": page.label,
                    "href": Markdown(_rel(page.path, BIBLIOGRAPHY)),
                    "count": len(page.keys),
                    "first": page.keys[0],
                    "last": page.keys[-1],
                }
                for page in bibliography.pages
            ],
            total=len(project.sources),
            max_entries=BIBLIOGRAPHY_ENTRIES,
        )
    plans.append(_page(f"{docs}/{BIBLIOGRAPHY}", "bibliography", {"bibliography": body}))
    for page in bibliography.pages:
        entries = [entry(numbers[key], key, page.path) for key in page.keys]
        plans.append(
            _owned(
                f"{docs}/{page.path}",
                f"Sources {page.label}",
                _render(
                    "regions/bibliography.md.j2",
                    entries=entries,
                    up=Markdown(_rel(BIBLIOGRAPHY, page.path)),
                ),
            )
        )
    for key, pages in bibliography.provided.items():
        source = project.sources[key]
        name = source.title or source.key
        for part in pages:
            entry_href = _rel(bibliography.page_of[key], part.path) + "#" + source_anchor(key)
            body = _render(
                "regions/provided.md.j2",
                source=name,
                entry=Markdown(entry_href),
                number=part.number,
                total=len(pages),
                previous=Markdown(_rel(pages[part.number - 2].path, part.path))
                if part.number > 1
                else "",
                next=Markdown(_rel(pages[part.number].path, part.path))
                if part.number < len(pages)
                else "",
                questions=_provided_list(
                    [questions[q] for q in part.questions], key, part.path, by_question
                ),
            )
            title = f"Questions provided with {name} ({part.number} of {len(pages)})"
            plans.append(_owned(f"{docs}/{part.path}", title, body))
    return plans


def bibliography_for(project: Project) -> Bibliography:
    """How the project's bibliography is split into pages (see `generator.layout`)."""
    return bibliography_layout(list(project.sources), _providers(project))


def _providers(project: Project) -> dict[str, list[str]]:
    """Source key → the ids of the questions it is provided with, in question order."""
    providers: dict[str, list[str]] = {}
    for question in project.questions:
        for use in question.sources:
            providers.setdefault(use.key, []).append(question.id)
    return providers


def _citers_by_question(
    cited: Mapping[str, list[Citer]], ids: set[str]
) -> dict[tuple[str, str | None], list[Citer]]:
    """(key, question id) → the pages of that question citing the key; the question id is
    `None` for pages outside every question's folder (the owned pages cite nothing)."""
    grouped: dict[tuple[str, str | None], list[Citer]] = {}
    for key, citers in cited.items():
        for citer in citers:
            folder = citer.page.split("/", 1)[0] if "/" in citer.page else None
            if folder in OWNED_FOLDERS or citer.page == BIBLIOGRAPHY:
                continue
            grouped.setdefault((key, folder if folder in ids else None), []).append(citer)
    return grouped


@functools.lru_cache(maxsize=65536)
def _rel(target: str, page: str) -> str:
    """The Markdown link from the docs page `page` to the docs page `target` (both
    docs-relative and normalised: `posixpath.relpath` without its file system calls)."""
    to, here = target.split("/"), page.split("/")[:-1]
    common = 0
    while common < min(len(to) - 1, len(here)) and to[common] == here[common]:
        common += 1
    return quote("/".join([".."] * (len(here) - common) + to[common:]))


def _in_bibliography(key: str, here: str, bibliography: Bibliography, count: int) -> Markdown:
    href = _rel(bibliography.page_of[key], here) + "#" + source_anchor(key)
    others = count - 1
    if not others:
        return Markdown(f"[its entry]({href})")
    plural = "s" if others != 1 else ""
    return Markdown(
        f"[its entry]({href}), with the {others} other question{plural} it is provided with"
    )


def _provided_list(
    questions: Sequence[Question],
    key: str,
    page: str,
    by_question: Mapping[tuple[str, str | None], list[Citer]],
    indent: str = "",
) -> Markdown:
    """One bullet per question: its references entry, the role, and where it cites the key."""
    lines = []
    for question in questions:
        use = question.use(key)
        role = _ROLE_NAMES[use.role] if use else ""
        target = f"{question.id}/references.md"
        href = _rel(target, page) + "#" + source_anchor(key)
        line = f"{indent}- [{escape.text(question.title)}]({href}) ({role})"
        citers = [c for c in by_question.get((key, question.id), []) if c.page != target]
        if citers:
            line += ": cited in " + " · ".join(_citer_link(c, page, short=True) for c in citers)
        lines.append(line)
    return Markdown("\n".join(lines))


def _owned(path: str, title: str, body: str) -> PagePlan:
    """A page answersite generates in full: its mark, then one region with everything."""
    content = f"# {escape.text(title)}\n\n{body}"
    return PagePlan(
        path=path,
        scaffold=f"{OWNED_MARK}\n\n" + render_region("page", content),
        regions={"page": content},
    )


def _entry(
    number: int,
    source: Source,
    citers: list[Citer],
    here: str,
    *,
    use: SourceUse | None = None,
    role: str = "",
    provided_with: Markdown = _NOTHING,
    annotation: Markdown = _NOTHING,
    cited_label: str = "Cited on",
) -> _Entry:
    title_note = _NOTHING
    if not source.title:
        field = "`title = {…}`" if source.location.path.endswith(".bib") else "`title:`"
        title_note = Markdown(
            f"*{NO_TITLE}: add {field} to the source at {escape.text(str(source.location))}.*"
        )
    return _Entry(
        number=number,
        source=source,
        title=source.title or (use.model if use and use.model else "") or source.key,
        title_note=title_note,
        anchor=source_anchor(source.key),
        citation=format_citation(source),
        links=_links(source),
        bibtex=_bibtex_block(source),
        cited_on=_cited_on(citers, here, cited_label),
        use=use,
        role=role,
        provided_with=provided_with,
        annotation=annotation,
    )
