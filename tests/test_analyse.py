"""Tests for generator.analyse: titles, who cites whom, citation findings, derived data."""

from __future__ import annotations

import pytest

from generator.analyse import (
    Citer,
    check_citations,
    index_citations,
    page_title,
    question_of,
    task_of,
    workflow_of,
)
from generator.model import (
    Finding,
    Location,
    Project,
    Question,
    Severity,
    Source,
    SourceUse,
    Task,
    Workflow,
    WorkflowEdge,
    WorkflowNode,
)

QFILE = "references/questions/q1.yaml"


def source(key: str) -> Source:
    return Source(key=key, title=key, location=Location("references/sources.bib", 1))


def use(
    key: str, role: str = "related-paper", line: int = 5, model: str | None = None
) -> SourceUse:
    return SourceUse(key, role, "Why.", Location(QFILE, line), model)  # type: ignore[arg-type]


QUESTION = Question(
    id="q1",
    title="Upscale a photo",
    question="How?",
    sources=(use("kim2022mssnet", "recommended-model", 5), use("liu2024littlebig", line=9)),
    location=Location(QFILE, 1),
)
PROJECT = Project(
    sources={k: source(k) for k in ("kim2022mssnet", "liu2024littlebig", "song2024mbpu")},
    questions=(QUESTION,),
)


# --- page_title ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "page", "title"),
    [
        pytest.param(
            "---\ntitle: From front matter\n---\n# Heading\n",
            "a.md",
            "From front matter",
            id="front-matter",
        ),
        pytest.param(
            '---\nhide: [toc]\ntitle: "Quoted"\n---\n', "a.md", "Quoted", id="front-matter-quoted"
        ),
        pytest.param("Intro.\n\n# The heading\n\n## Sub\n", "a.md", "The heading", id="h1"),
        pytest.param("# Heading { #anchor }\n", "a.md", "Heading", id="h1-attributes"),
        pytest.param("# Closed heading ##\n", "a.md", "Closed heading", id="h1-closing-hashes"),
        pytest.param("## Only a sub heading\n", "q1/task-list.md", "Task list", id="file-name"),
        # Python-Markdown (unlike CommonMark) needs no space after the `#`.
        pytest.param("#No space\n", "q1/my_notes.md", "No space", id="no-space"),
        pytest.param("```\n# In code\n```\n", "q1/my_notes.md", "My notes", id="in-code"),
        pytest.param("", "index.md", "Index", id="empty"),
    ],
)
def test_page_title(text: str, page: str, title: str) -> None:
    assert page_title(text, page) == title


# --- index_citations ----------------------------------------------------------------------


def test_index_citations_maps_each_key_to_its_pages_once() -> None:
    pages = {
        "q1/workflow.md": "# Workflow\n\n[@b]\n",
        "q1/index.md": "# Answer\n\nFirst [@a].\n\nAgain [@a; @b].\n",
        "index.md": "# Home\n\n`[@a]` is code.\n",
    }
    assert index_citations(pages) == {
        "a": [Citer("q1/index.md", "Answer", 3)],
        "b": [Citer("q1/index.md", "Answer", 5), Citer("q1/workflow.md", "Workflow", 3)],
    }


def test_index_citations_of_no_pages() -> None:
    assert index_citations({}) == {}


# --- check_citations ----------------------------------------------------------------------


def test_no_findings_when_every_provided_source_is_cited() -> None:
    pages = {
        "q1/index.md": "[@kim2022mssnet]\n",
        "q1/references.md": "[@liu2024littlebig]\n",
        "bibliography.md": "[@song2024mbpu] is cited on a site page: allowed.\n",
    }
    assert check_citations(PROJECT, pages) == []


def test_an_unknown_key_suggests_the_closest() -> None:
    pages = {"q1/index.md": "[@kim2022mssnet; @liu2024littlebig]\n\nSee [@kim2022msnet].\n"}
    assert check_citations(PROJECT, pages) == [
        Finding(
            "citation-unknown-key",
            Severity.ERROR,
            "citation `[@kim2022msnet]`: no source has the key `kim2022msnet`",
            Location("docs/q1/index.md", 3, 5),
            "did you mean `[@kim2022mssnet]`?",
        )
    ]


def test_an_unknown_key_with_nothing_close() -> None:
    (finding,) = check_citations(PROJECT, {"index.md": "[@zz]\n"}, docs_prefix="site-src")[:1]
    assert finding.location == Location("site-src/index.md", 1, 1)
    assert finding.hint == "cite a key of the reference set in references/"


def test_a_source_not_provided_with_the_question() -> None:
    pages = {"q1/task.md": "[@kim2022mssnet; @liu2024littlebig; @song2024mbpu]\n"}
    assert check_citations(PROJECT, pages) == [
        Finding(
            "citation-not-provided",
            Severity.ERROR,
            "citation `[@song2024mbpu]`: `song2024mbpu` is not a provided source of the "
            "question `q1`",
            Location("docs/q1/task.md", 1, 1),
            "cite only the sources listed in the question's `sources:`",
        )
    ]


def test_a_provided_source_cited_on_no_page_of_its_question() -> None:
    pages = {
        "q1/index.md": "[@kim2022mssnet]\n",
        "bibliography.md": "[@liu2024littlebig]\n",  # a site page does not count
    }
    assert check_citations(PROJECT, pages) == [
        Finding(
            "source-uncited",
            Severity.WARNING,
            "provided source `liu2024littlebig` is cited on no page of question `q1`",
            Location(QFILE, 9),
            "cite it with `[@liu2024littlebig]` where the answer relies on it",
        )
    ]


LISTING = (
    "Intro [@kim2022mssnet].\n\n<!-- answersite:begin links -->\n\n"
    "- *K* [@kim2022mssnet], related paper\n- *L* [@liu2024littlebig; @nope], related paper\n\n"
    "<!-- answersite:end links -->\n"
)


def test_a_listing_of_the_sources_is_not_a_use_of_them() -> None:
    """The links region cites each source beside its links, but the answer may not use it."""
    findings = check_citations(PROJECT, {"q1/index.md": LISTING})
    assert [(f.code, f.location) for f in findings] == [
        ("citation-unknown-key", Location("docs/q1/index.md", 6, 7)),  # still checked
        ("source-uncited", Location(QFILE, 9)),
    ]
    assert index_citations({"q1/index.md": LISTING}) == {
        "kim2022mssnet": [Citer("q1/index.md", "Index", 1)]
    }


def test_citations_in_code_are_not_checked() -> None:
    pages = {"q1/index.md": "[@kim2022mssnet] [@liu2024littlebig]\n\n```\n[@nope]\n```\n"}
    assert check_citations(PROJECT, pages) == []


# --- derived data -------------------------------------------------------------------------


def test_question_of_a_page() -> None:
    assert question_of("q1/task.md", PROJECT) is QUESTION
    assert question_of("q1.md", PROJECT) is None
    assert question_of("other/task.md", PROJECT) is None


def test_task_of_is_the_given_task_or_the_title() -> None:
    assert task_of(QUESTION) == Task(name="Upscale a photo")
    given = Task(name="Super-resolution (×3)", input="H×W×3")
    assert task_of(Question(**{**QUESTION.__dict__, "task": given})) is given


def test_the_workflow_is_derived_when_absent() -> None:
    question = Question(
        **{
            **QUESTION.__dict__,
            "sources": (
                use("a", "recommended-model", model="Model-A"),
                use("b"),
                use("c", "recommended-model"),
            ),
            "task": Task(name="T", input="H×W×3", output="3H×3W×3"),
        }
    )
    assert workflow_of(question) == Workflow(
        nodes=(
            WorkflowNode("input", "Input", "input", "ours", gives="H×W×3"),
            WorkflowNode("model1", "Model-A", "model", "provided", sources=("a",)),
            WorkflowNode("model2", "c", "model", "provided", sources=("c",)),
            WorkflowNode("output", "Output", "output", "ours", takes="3H×3W×3"),
        ),
        edges=(
            WorkflowEdge("input", "model1"),
            WorkflowEdge("model1", "model2"),
            WorkflowEdge("model2", "output"),
        ),
    )


def test_a_given_workflow_is_kept() -> None:
    given = Workflow((WorkflowNode("n", "N"),), ())
    assert workflow_of(Question(**{**QUESTION.__dict__, "workflow": given})) is given


def test_citers_know_the_section_and_its_toc_anchor() -> None:
    text = (
        "# Page\n\nIntro [@a].\n\n## Why *this*? { #why }\n\n[@b]\n\n"
        "## Same\n\n## Same\n\n```\n## not a heading [@c]\n```\n\n[@c] and [@a]\n\n"
        "## The `code` [link](x.md) & more\n\n[@d]\n"
    )
    index = index_citations({"p.md": text})
    assert [(c.section, c.anchor) for c in index["a"]] == [(None, None)]
    assert [(c.section, c.anchor) for c in index["b"]] == [("Why this?", "why")]
    assert [(c.section, c.anchor, c.line) for c in index["c"]] == [("Same", "same_1", 17)]
    assert [(c.section, c.anchor) for c in index["d"]] == [
        ("The code link & more", "the-code-link-more")
    ]


def test_a_short_fence_inside_a_longer_one_makes_no_section() -> None:
    # Regression: a ``` line inside a ```` block ended the block, so the heading after it
    # (inside the code) became the "cited on" section, an id the built page does not have.
    text = (
        "# Page\n\n## Real\n\n````markdown\n```\n## Fake\n```\n[@a]\n````\n\n[@b]\n\n"
        "~~~\n```\n## Fake too\n~~~\n\n[@c]\n"
    )
    index = index_citations({"p.md": text})
    assert "a" not in index  # a citation inside code is text
    assert [(c.section, c.anchor) for c in index["b"]] == [("Real", "real")]
    assert [(c.section, c.anchor) for c in index["c"]] == [("Real", "real")]
