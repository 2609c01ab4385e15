"""Hostile values in every field of a source and a question: nothing injected runs.

`tests/fixtures/hostile/render/` is a project whose every value tries to make markup:
script and image tags, `{ attribute lists }`, a citation title that breaks out of its
quotes, a model name with backticks, Markdown links to `javascript:`, region-marker
look-alikes, an unclosed fence, Mermaid keywords as node ids and a label that ends its
block. It must build strictly and check clean, show each value as text, and its HTML must
hold no element or attribute that the theme and the templates did not make.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser
from test_escape import HOSTILE, render, shape

from generator import escape
from generator.model import (
    Location,
    Project,
    Question,
    Source,
    SourceUse,
    Task,
    Workflow,
    WorkflowEdge,
    WorkflowNode,
)
from generator.render import render_content_pages, render_reference_pages

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "hostile" / "render"
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from generator.cli import main

    project = tmp_path_factory.mktemp("hostile") / "project"
    shutil.copytree(FIXTURE, project)
    (project / "docs").mkdir()
    assert main(["build", "--project", str(project)]) == 0
    return project / "site"


def pages(site: Path) -> dict[str, LexborHTMLParser]:
    return {
        p.relative_to(site).as_posix(): LexborHTMLParser(p.read_text(encoding="utf-8"))
        for p in sorted(site.rglob("*.html"))
    }


def test_the_hostile_project_checks_clean(site: Path, run_cli: Run) -> None:
    code, out, err = run_cli("check", site, "--project", site.parent)
    assert code == 0, out + err


def test_no_event_handler_and_no_injected_element(site: Path) -> None:
    for name, tree in pages(site).items():
        for node in tree.css("*"):
            handlers = [a for a in node.attributes if a.lower().startswith("on")]
            assert not handlers, f"{name}: <{node.tag} {handlers}>"
            assert "autofocus" not in node.attributes, name
        article = tree.css_first("article")
        assert article is not None
        for tag in ("script", "iframe", "style", "svg", "img", "b", "i", "br"):
            assert not article.css(tag), f"{name}: <{tag}> in the content"
        for script in tree.css("script"):  # only Material's own
            assert "alert(" not in script.text(), f"{name}: an injected script"
            src = script.attributes.get("src") or ""
            assert not src or "assets/javascripts/" in src, f"{name}: script {src}"
        for link in tree.css("a[href]"):
            href = link.attributes["href"] or ""
            assert not href.lower().startswith("javascript:"), f"{name}: {href}"


def test_each_value_is_shown_as_text(site: Path) -> None:
    trees = pages(site)
    question = trees["hostile/index.html"]
    assert question.css_first("h1").text().rstrip("¶") == (
        "<script>alert('title')</script> & { tabindex=0 autofocus onfocus=alert(1) }"
    )
    text = question.css_first("article").text()
    assert "<img src=x onerror=alert(3)>" in text and "{: onclick=alert(2) }" in text
    assert "<!-- answersite:end question -->" in text
    assert '[@evil2024title] and --8<-- "mkdocs.yml"' in text  # no citation, no snippet
    nav = " ".join(node.text() for node in question.css("nav .md-nav__link"))
    assert "<script>alert('title')</script>" in nav
    references = trees["hostile/references/index.html"].css_first("article")
    assert references is not None
    titles = [h.text() for h in references.css("h2")]
    assert any("<img src=x onerror=alert(5)>" in title for title in titles)
    codes = [code.text() for code in references.css("code")]
    assert "Deblur`<img src=x onerror=alert(8)>`-MSSNet" in codes
    annotation = references.text()
    assert '<iframe src="https://evil.example/"></iframe>' in annotation
    assert "<!-- answersite:end references (sum: 0123456789) -->" in annotation
    assert "unclosed fence <b>bold</b>" in annotation


def test_citation_titles_stay_in_their_attribute(site: Path) -> None:
    tree = pages(site)["hostile/workflow/index.html"]
    citations = tree.css("a.citation")
    assert citations
    titles = {node.attributes.get("title") for node in citations}
    assert (  # BibTeX's braces group, so they are gone; all else is as written
        "Title's (break') <img src=x onerror=alert(5)> tabindex=0 autofocus "
        "onfocus=alert(6) [x](javascript:alert(12)) `code`"
    ) in titles


def test_the_diagram_keeps_every_node(site: Path) -> None:
    tree = pages(site)["hostile/workflow/index.html"]
    diagram = tree.css_first("pre.mermaid")
    assert diagram is not None
    source = diagram.text()
    for node in ("n_end", "n_style", "n_click", "n_graph", "n_subgraph"):
        assert f"    {node}" in source
    body = source.split("\n", 1)[1]
    assert "```" not in body and 'call alert(16)"' not in body
    labels = [line for line in body.splitlines() if line.strip().startswith("n_")]
    assert len(labels) == 9  # five nodes and four edges, one line each


def test_in_a_browser_nothing_runs_and_the_diagram_renders(site: Path) -> None:
    from browser_support import chromium, only_local, require_chromium, serve

    api = require_chromium()
    with serve(site) as base_url, chromium(api) as browser:
        page = browser.new_page()
        dialogs: list[str] = []
        errors: list[str] = []
        requested: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("request", lambda request: requested.append(request.url))
        only_local(page, base_url)
        for path in ("/", "/hostile/", "/hostile/task/", "/hostile/references/", "/bibliography/"):
            page.goto(base_url + path, wait_until="networkidle")
            page.keyboard.press("Tab")  # an injected autofocus/onfocus would fire now
        page.goto(base_url + "/hostile/workflow/", wait_until="networkidle")
        diagram = page.locator("div.mermaid").first
        diagram.wait_for(state="visible", timeout=15000)
        assert "Syntax error" not in page.content()
        assert dialogs == [] and errors == []
        assert [url for url in requested if not url.startswith(base_url)] == []
        page.close()


# -- the same promise as a property, for every field, rendered by Python-Markdown --------
_text = st.one_of(
    st.lists(st.sampled_from(HOSTILE), min_size=1, max_size=12).map("".join),
    st.text(min_size=1, max_size=30),
).filter(lambda value: bool(escape.one_line(value)))
PLAIN_FIELDS = (
    "title", "author", "venue", "pages", "year", "eprint", "model", "q_title", "question",
    "instructions", "task", "input", "output", "label", "takes", "gives", "edge",
)  # fmt: skip


def _project(v: dict[str, str]) -> Project:
    here = Location("references/x.yaml", 1)
    source = Source(
        "k1", v["title"], here, authors=(v["author"], "Last, First"), venue=v["venue"],
        pages=v["pages"], year=v["year"], eprint=v["eprint"], url="https://papers.example/1",
        annotation="A *note* [@k1].",
    )  # fmt: skip
    use = SourceUse("k1", "recommended-model", "Why [@k1].", here, model=v["model"])
    nodes = (
        WorkflowNode("a", v["label"], "input", "ours", takes=v["takes"], gives=v["gives"]),
        WorkflowNode("b", v["label"], "model", "provided", sources=("k1",), note="Note."),
    )
    question = Question(
        "q", v["q_title"], v["question"], (use,), here, instructions=v["instructions"],
        task=Task(v["task"], "A summary.", v["input"], v["output"], ("Fast.",)),
        workflow=Workflow(nodes, (WorkflowEdge("a", "b", v["edge"]),)),
    )  # fmt: skip
    return Project({"k1": source}, (question,))


def _shapes(project: Project) -> dict[str, object]:
    plans = render_content_pages(project) + render_reference_pages(project, {})
    return {plan.path: shape(render(plan.scaffold)) for plan in plans}


BASELINE = _shapes(_project({field: "Word" for field in PLAIN_FIELDS}))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({field: _text for field in PLAIN_FIELDS}))
def test_no_value_adds_a_tag_an_attribute_or_a_link(values: dict[str, str]) -> None:
    # The question and its instructions keep their line breaks, and a blank line is a new
    # paragraph: that is the one thing they may add, so compare them on one line here.
    for field in ("question", "instructions"):
        values[field] = escape.one_line(values[field])
    assert _shapes(_project(values)) == BASELINE, values
