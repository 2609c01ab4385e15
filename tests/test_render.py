"""Render stage: golden files for the default question's generated pages, and formatting."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from generator import pipeline
from generator.analyse import Citer
from generator.load import load_project
from generator.model import (
    Location,
    Project,
    Question,
    Source,
    SourceUse,
    Workflow,
    WorkflowEdge,
    WorkflowNode,
    source_anchor,
)
from generator.render import (
    format_authors,
    format_citation,
    mermaid,
    render_content_pages,
    render_reference_pages,
)
from generator.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def default_project():  # type: ignore[no-untyped-def]
    project, findings = load_project(ROOT)
    assert findings == []
    return project


@pytest.fixture(scope="module")
def inferences(default_project):  # type: ignore[no-untyped-def]
    return pipeline.infer(Settings(root=ROOT), default_project)


def test_default_pages_match_golden(
    default_project, inferences, golden: Callable[[str, str], None]
) -> None:
    cited = {
        "kim2022mssnet": [Citer("phone-3x-upscale/task.md", "The task", 3)],
        "song2024mbpu": [
            Citer("index.md", "Home", 1),
            Citer("phone-3x-upscale/workflow.md", "The workflow", 9),
        ],
    }
    plans = render_content_pages(default_project, "docs", inferences) + render_reference_pages(
        default_project, cited, "docs", inferences
    )
    assert [p.path for p in plans] == [
        "docs/index.md",
        "docs/phone-3x-upscale/index.md",
        "docs/phone-3x-upscale/task.md",
        "docs/phone-3x-upscale/workflow.md",
        "docs/phone-3x-upscale/references.md",
        "docs/bibliography.md",
    ]
    for plan in plans:
        golden("pages/" + plan.path.removeprefix("docs/"), plan.scaffold)


def test_rendering_is_deterministic(default_project) -> None:
    first = [p.scaffold for p in render_content_pages(default_project)]
    second = [p.scaffold for p in render_content_pages(default_project)]
    assert first == second


@pytest.mark.parametrize(
    ("authors", "expected"),
    [
        pytest.param((), "", id="none"),
        pytest.param(("Kim, Kiyeon",), "Kiyeon Kim", id="one"),
        pytest.param(("Kim, Kiyeon", "Lee, Seungyong"), "Kiyeon Kim and Seungyong Lee", id="two"),
        pytest.param(("A B", "Cho, C", "D, E"), "A B, C Cho and E D", id="mixed"),
    ],
)
def test_format_authors(authors: tuple[str, ...], expected: str) -> None:
    assert format_authors(authors) == expected


def test_citation_of_an_arxiv_preprint_names_no_link() -> None:
    source = Source(
        key="x",
        title="A *starred* title",
        location=Location("r.bib", 1),
        authors=("Liu, Yang",),
        year="2024",
        eprint="2406.17117",
    )
    assert format_citation(source) == (
        "Yang Liu. *A \\*starred\\* title*. arXiv preprint arXiv:2406.17117, 2024."
    )


def test_anchor_is_a_safe_html_id() -> None:
    assert source_anchor("Kim2022:MSSNet") == "ref-kim2022-mssnet"


def test_mermaid_marks_provided_and_borrowed_nodes_differently() -> None:
    workflow = Workflow(
        (
            WorkflowNode("a", 'A "quoted" <b> #1 &\n`x`', "input", "ours", gives="H×W×3"),
            WorkflowNode("m", "Model", "model", "provided", takes="H×W×3", gives="H×W×3"),
            WorkflowNode("end", "Idea", "step", "borrowed"),  # `end` is a Mermaid keyword
        ),
        (WorkflowEdge("a", "m"), WorkflowEdge("m", "end", 'a "label"')),
    )
    text = mermaid(workflow)
    assert text.splitlines()[:6] == [
        "flowchart TB",
        '    n_a(["A #quot;quoted#quot; #lt;b#gt; #35;1 #amp; #96;x#96;'
        '<br/><small>H×W×3</small>"]):::ours',
        '    n_m["Model<br/><small>H×W×3 → H×W×3</small>"]:::provided',
        '    n_end["Idea"]:::borrowed',
        "    n_a --> n_m",
        '    n_m -->|"a #quot;label#quot;"| n_end',
    ]
    assert "classDef borrowed stroke-width:2px,stroke-dasharray:7 4" in text
    assert "classDef provided stroke-width:3px" in text


def test_a_question_with_one_source_renders() -> None:
    # Regression: `{{ "s" if n != 1 }}` printed an undefined value for one source.
    source = Source("k", "T", Location("r.bib", 1))
    question = Question(
        "q",
        "Q",
        "Why?",
        (SourceUse("k", "related-paper", "A note.", Location("q.yaml", 3)),),
        Location("q.yaml", 1),
    )
    plans = render_content_pages(Project({"k": source}, (question,)))
    home = next(p for p in plans if p.path == "docs/index.md")
    assert "1 provided source:" in home.regions["questions"]


def test_a_source_without_a_title_says_so_and_where_to_add_it() -> None:
    source = Source("deblur-mssnet-gopro", "", Location("references/q.yaml", 4))
    use = SourceUse(
        "deblur-mssnet-gopro",
        "recommended-model",
        "Why.",
        Location("references/questions/q.yaml", 5),
        model="Deblur-MSSNet-GoPro",
    )
    question = Question("q", "Q", "Why?", (use,), Location("references/questions/q.yaml", 1))
    project = Project({source.key: source}, (question,))
    plans = {p.path: p for p in render_reference_pages(project, {})}
    body = plans["docs/q/references.md"].regions["references"]
    assert "## [1] Deblur-MSSNet-GoPro { #ref-deblur-mssnet-gopro }" in body
    assert "*Title not given with the question*." in body
    assert (
        "*Title not given with the question: add `title:` to the source at references/q.yaml:4.*"
    ) in body
    assert format_citation(source) == "*Title not given with the question*."


def test_the_question_page_lists_each_source_with_its_citation_and_links() -> None:
    paper = Source(
        "p",
        "A <b>bold</b> title",
        Location("r.bib", 1),
        url="https://papers.example/1?a=1&b=2",
        code="https://code.example/p",
    )
    bare = Source("m", "", Location("r.yaml", 2))
    uses = (
        SourceUse("p", "related-paper", "", Location("q.yaml", 3)),
        SourceUse("m", "recommended-model", "", Location("q.yaml", 4), model="Net`x`"),
    )
    question = Question("q", "Q", "Why?", uses, Location("q.yaml", 1))
    plans = render_content_pages(Project({"p": paper, "m": bare}, (question,)))
    body = next(p for p in plans if p.path == "docs/q/index.md").regions["links"]
    assert body == (
        "- *A &lt;b&gt;bold&lt;/b&gt; title* [@p], related paper: "
        '<a href="https://papers.example/1?a=1&#38;b=2">paper</a> · '
        '<a href="https://code.example/p">code</a>\n'
        "- <code>Net&#96;x&#96;</code> [@m], recommended model: "
        "no link was given with the question\n"
    )
