"""Stage 3: the model → Markdown, one body per generated region (pure; Jinja2 templates).

Page scaffolds (`templates/pages/`) are used only when a page does not exist yet;
afterwards only the regions (`templates/regions/`) are regenerated, so the text a
person writes around them is never touched.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass

import jinja2

from generator.analyse import Citer, task_of, workflow_of
from generator.model import PagePlan, Project, Question, Source, SourceUse, Workflow, source_anchor
from generator.regions import render_region

__all__ = [
    "format_authors",
    "format_citation",
    "mermaid",
    "render_content_pages",
    "render_reference_pages",
]

_ROLE_NAMES = {"recommended-model": "recommended model", "related-paper": "related paper"}
_BASIS_NAMES = {"provided": "provided model", "borrowed": "borrowed idea", "ours": "our glue"}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def _md(text: str | None) -> str:
    """Escape Markdown syntax in plain text (titles, names)."""
    return _MD_SPECIAL.sub(r"\\\1", text or "")


def _cell(text: str | None) -> str:
    """Plain text for a table cell: no pipes or line breaks."""
    return _md(" ".join((text or "").split()))


@functools.lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator", "templates"),
        autoescape=False,  # Markdown, not HTML
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = _md
    env.filters["cell"] = _cell
    return env


def _render(template: str, **context: object) -> str:
    text = _env().get_template(template).render(**context)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"


def _page(path: str, page: str, regions: Mapping[str, str], **context: object) -> PagePlan:
    """A page plan: its scaffold (regions filled in) and its regions' bodies."""
    scaffold = _render(
        f"pages/{page}.md.j2",
        region=lambda name: render_region(name, regions[name]).rstrip("\n"),
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


def format_citation(source: Source) -> str:
    """A formatted citation in Markdown: authors, title, venue, pages, year."""
    parts = []
    if source.authors:
        parts.append(_md(format_authors(source.authors)) + ".")
    parts.append(f"*{_md(source.title)}*.")
    venue = source.venue
    if venue:
        where = f"In {_md(venue)}"
        if source.pages:
            where += f", pages {_md(source.pages)}"
        parts.append(where + (f", {source.year}." if source.year else "."))
    elif source.eprint:
        parts.append(
            f"arXiv preprint arXiv:{_md(source.eprint)}"
            + (f", {source.year}." if source.year else ".")
        )
    elif source.year:
        parts.append(f"{source.year}.")
    return " ".join(parts)


def _links(source: Source) -> str:
    return " · ".join(f"[{label}]({url})" for label, url in source.links)


def _bibtex_block(source: Source) -> str:
    body = "\n".join(f"    {line}" if line else "" for line in source.bibtex.splitlines())
    return f'??? note "BibTeX"\n\n    ``` bibtex\n{body}\n    ```'


def _cited_on(citers: list[Citer], here: str) -> str:
    citers = [citer for citer in citers if citer.page != here]  # not the page itself
    if not citers:
        return "**Cited on:** no page yet."
    base = posixpath.dirname(here)
    links = []
    for citer in citers:
        href = posixpath.relpath(citer.page, base or ".")
        label = _md(citer.title)
        if citer.section and citer.anchor:  # where on the page it is first cited
            href += f"#{citer.anchor}"
            label += f" › {_md(citer.section)}"
        links.append(f"[{label}]({href})")
    return "**Cited on:** " + " · ".join(links)


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def mermaid(workflow: Workflow) -> str:
    """The workflow as a Mermaid flowchart, top to bottom (wide pipelines stay legible).

    Provided models have a solid border, borrowed ideas a dashed one, our own glue
    (input, output, plain steps) a dotted one.
    """
    shapes = {
        "input": ('(["', '"])'),
        "output": ('(["', '"])'),
        "model": ('["', '"]'),
        "step": ('["', '"]'),
    }
    lines = ["flowchart TB"]
    for node in workflow.nodes:
        label = _mermaid_text(node.label)
        detail = " → ".join(_mermaid_text(x) for x in (node.takes, node.gives) if x)
        if detail:
            label += f"<br/><small>{detail}</small>"
        opening, closing = shapes[node.kind]
        lines.append(f"    {node.id}{opening}{label}{closing}:::{node.basis}")
    for edge in workflow.edges:
        label = f'|"{_mermaid_text(edge.label)}"|' if edge.label else ""
        lines.append(f"    {edge.source} -->{label} {edge.target}")
    lines += [
        "    classDef provided stroke-width:3px",
        "    classDef borrowed stroke-width:2px,stroke-dasharray:7 4",
        "    classDef ours stroke-width:1px,stroke-dasharray:2 3",
    ]
    return "\n".join(lines)


_LEGEND = (
    "**How to read it.** Solid border: a provided model, used as released. "
    "Dashed border: an idea borrowed from a provided source and applied by us to this "
    "task — our reasoning, not the source's claim. Dotted border: plain glue (input, output)."
)


@dataclass(frozen=True)
class _Entry:
    number: int
    source: Source
    anchor: str
    citation: str
    links: str
    bibtex: str
    cited_on: str
    use: SourceUse | None = None
    role: str = ""
    provided_with: str = ""


def render_content_pages(project: Project, docs: str = "docs") -> list[PagePlan]:
    """Plan every page whose regions do not depend on who cites whom.

    Args:
        project: The loaded project.
        docs: The docs folder relative to the project root.

    Returns:
        Page plans for the home page and each question's index, task and workflow pages.
    """
    summaries = [
        {
            "id": q.id,
            "title": q.title,
            "question": q.question,
            "sources": q.sources,
            "task_name": task_of(q).name,
        }
        for q in project.questions
    ]
    plans = [
        _page(
            f"{docs}/index.md",
            "home",
            {"questions": _render("regions/questions.md.j2", questions=summaries)},
        )
    ]
    for question in project.questions:
        plans.extend(_question_pages(question, docs))
    return plans


def _question_pages(question: Question, docs: str) -> list[PagePlan]:
    task = task_of(question)
    workflow = workflow_of(question)
    base = f"{docs}/{question.id}"
    nodes = [
        {
            "label": n.label,
            "kind": n.kind,
            "takes": n.takes,
            "gives": n.gives,
            "basis": n.basis,
            "citation": "[" + "; ".join(f"@{k}" for k in n.sources) + "]" if n.sources else "",
        }
        for n in workflow.nodes
    ]
    return [
        _page(
            f"{base}/index.md",
            "question",
            {
                "question": _render("regions/question.md.j2", question=question),
                "pages": _render("regions/pages.md.j2", question=question, task=task),
            },
            question=question,
        ),
        _page(f"{base}/task.md", "task", {"task": _render("regions/task.md.j2", task=task)}),
        _page(
            f"{base}/workflow.md",
            "workflow",
            {
                "diagram": _render(
                    "regions/diagram.md.j2", mermaid=mermaid(workflow), legend=_LEGEND
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
    project: Project, cited: Mapping[str, list[Citer]], docs: str = "docs"
) -> list[PagePlan]:
    """Plan each question's references page and the bibliography, with backlinks.

    Args:
        project: The loaded project.
        cited: Key → the pages citing it (docs-relative), from `index_citations`.
        docs: The docs folder relative to the project root.
    """
    plans = []
    for question in project.questions:
        here = f"{question.id}/references.md"
        entries = []
        for number, use in enumerate(question.sources, start=1):
            source = project.sources[use.key]
            entries.append(_entry(number, source, cited, here, use=use, role=_ROLE_NAMES[use.role]))
        plans.append(
            _page(
                f"{docs}/{here}",
                "references",
                {"references": _render("regions/references.md.j2", entries=entries)},
            )
        )
    entries = []
    for number, source in enumerate(project.sources.values(), start=1):
        target = f"references.md#{source_anchor(source.key)}"
        uses = [
            f"[{_md(q.title)}]({q.id}/{target}) ({_ROLE_NAMES[provided.role]})"
            for q in project.questions
            if (provided := q.use(source.key))
        ]
        entries.append(
            _entry(
                number,
                source,
                cited,
                "bibliography.md",
                provided_with=" · ".join(uses) or "no question",
            )
        )
    plans.append(
        _page(
            f"{docs}/bibliography.md",
            "bibliography",
            {"bibliography": _render("regions/bibliography.md.j2", entries=entries)},
        )
    )
    return plans


def _entry(
    number: int,
    source: Source,
    cited: Mapping[str, list[Citer]],
    here: str,
    *,
    use: SourceUse | None = None,
    role: str = "",
    provided_with: str = "",
) -> _Entry:
    return _Entry(
        number=number,
        source=source,
        anchor=source_anchor(source.key),
        citation=format_citation(source),
        links=_links(source),
        bibtex=_bibtex_block(source),
        cited_on=_cited_on(cited.get(source.key, []), here),
        use=use,
        role=role,
        provided_with=provided_with,
    )
