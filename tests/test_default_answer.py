"""The default question's answer: structure, citations, links, and prose that survives."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from generator.load import load_project
from generator.model import Workflow
from generator.pipeline import own_urls
from generator.regions import Region, parse
from generator.settings import read_settings

ROOT = Path(__file__).resolve().parent.parent
Q = "phone-3x-upscale"
DOCS = ROOT / "docs" / Q
KEYS = ("kim2022mssnet", "liu2024littlebig", "ranzinger2025featsharp", "song2024mbpu")
NAMES = {
    "kim2022mssnet": "MSSNet",
    "liu2024littlebig": "Little-Big",
    "ranzinger2025featsharp": "FeatSharp",
    "song2024mbpu": "MBPU",
}
PROVIDED = {
    "https://cg.postech.ac.kr/Research/MSSNet/MSSNet.pdf",
    "https://github.com/kky7/MSSNet",
    "http://arxiv.org/pdf/2406.17117v2.pdf",
    "http://arxiv.org/pdf/2502.16025v1.pdf",
    "http://arxiv.org/pdf/2410.15941v1.pdf",
}
Run = Callable[..., tuple[int, str, str]]


def _prose(path: Path) -> str:
    """The hand-written text of a page: everything outside generated regions."""
    page = parse(path.read_text(encoding="utf-8"), path.name)
    return "".join(s for s in page.segments if not isinstance(s, Region))


def _paragraphs(text: str) -> list[str]:
    """Paragraphs of prose; a list introduced by "…:" counts as part of its introduction."""
    text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    blocks: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        if not block.strip() or block.lstrip().startswith("#"):
            continue
        if blocks and blocks[-1].rstrip().endswith(":"):
            blocks[-1] += "\n\n" + block
        else:
            blocks.append(block)
    return blocks


def test_overview_answers_first_then_each_seed_point_has_a_section() -> None:
    prose = _prose(DOCS / "index.md")
    headings = re.findall(r"^## (.+)$", prose, re.MULTILINE)
    assert headings[0] == "Short answer"
    for wanted in (
        "What task is this?",
        "How it works: the workflow",
        "Papers and tools",
        "Limits of this answer",
    ):
        assert wanted in headings, wanted
    short = prose.split("## Short answer", 1)[1].split("\n## ", 1)[0]
    assert "To write" not in short, "the placeholder was not replaced"
    assert all(f"[@{key}]" in short for key in KEYS)


def _short_answer() -> str:
    return _prose(DOCS / "index.md").split("## Short answer", 1)[1].split("\n## ", 1)[0]


def test_short_answer_is_hedged_first_then_plain_bullets_each_with_its_source() -> None:
    short = _short_answer()
    before, bullets = short.split("\n- ", 1)[0], re.findall(r"^- (.+(?:\n  .+)*)", short, re.M)
    lead = " ".join(before.split())
    # The hedge comes before anything is said about how the user's app works.
    assert "apps like yours typically" in lead.lower()
    assert "none of the four sources is a photo upscaler" in lead
    assert "our reasoning" in lead
    assert len(bullets) >= 4
    paragraphs = [b for b in re.split(r"\n\s*\n", short.strip()) if not b.startswith("- ")]
    for block in [*paragraphs, *bullets]:
        words = len(block.split())
        assert words <= 70, f"{words} words: too long for a phone screen: {block[:60]}…"
    # A bullet cites the source it names, and names the source it cites.
    for bullet in bullets:
        cited = set(re.findall(r"@([\w:./+-]+)", bullet))
        named = {key for key, name in NAMES.items() if name in bullet}
        assert cited and cited == named, bullet
    # No count the list does not keep ("three reasons", then four ideas).
    assert not re.search(r"\b(two|three|four|five|six|\d+) (reasons|ideas|ways)\b", short)


def test_the_answer_page_lists_the_provided_links_from_the_reference_set() -> None:
    page = parse((DOCS / "index.md").read_text(encoding="utf-8"), "index.md")
    links = next(r for r in page.regions if r.name == "links")
    assert set(re.findall(r'href="([^"]+)"', links.body)) == PROVIDED
    # Under the answer's own "Papers and tools" heading, not only one click away.
    before = page.text[: page.text.index("<!-- answersite:begin links")]
    assert before.rstrip().rsplit("\n## ", 1)[1].startswith("Papers and tools")


def _workflow() -> Workflow:
    project, findings = load_project(ROOT)
    assert findings == []
    workflow = next(q for q in project.questions if q.id == Q).workflow
    assert workflow is not None, "the default question states its workflow"
    return workflow


def _downstream(workflow: Workflow, start: str, without: str = "") -> set[str]:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        for edge in workflow.edges:
            if edge.source == node and edge.target not in seen | {without}:
                seen.add(edge.target)
                todo.append(edge.target)
    return seen


def test_nothing_learned_runs_at_the_output_size_after_the_learned_enlargement() -> None:
    """The heavy work stays at the input size: the image-guided step IS the upsampling."""
    workflow = _workflow()
    learned = {n.id for n in workflow.nodes if n.basis != "ours"}
    enlarging = [n.id for n in workflow.nodes if n.id in learned and "3H×3W" in n.gives]
    assert len(enlarging) == 1
    assert _downstream(workflow, enlarging[0]) & learned == set()


def test_the_enlarged_base_is_the_photo_the_optional_deblur_gives() -> None:
    """No edge skips the deblurring node: when it runs, the result is built on its output."""
    workflow = _workflow()
    source = next(n.id for n in workflow.nodes if n.kind == "input")
    output = next(n.id for n in workflow.nodes if n.kind == "output")
    provided = next(n.id for n in workflow.nodes if n.basis == "provided")
    assert output in _downstream(workflow, source)
    assert output not in _downstream(workflow, source, without=provided)


def test_detail_pages_have_their_sections() -> None:
    assert _prose(DOCS / "task.md").startswith("# What task is this?")
    assert "## What the provided sources do instead" in _prose(DOCS / "task.md")
    workflow = _prose(DOCS / "workflow.md")
    assert workflow.startswith("# How it works: the workflow")
    assert "## Why a small model can be fast and still crisp" in workflow
    references = _prose(DOCS / "references.md")
    assert references.startswith("# Papers and tools")
    assert "## The one provided tool: the MSSNet repository" in references


@pytest.mark.parametrize("key", KEYS)
def test_each_source_is_cited_in_the_prose_of_the_task_or_workflow_page(key: str) -> None:
    assert f"[@{key}]" in _prose(DOCS / "task.md") + _prose(DOCS / "workflow.md")


def test_every_paragraph_that_names_a_source_cites_one() -> None:
    uncited = []
    for page in ("index.md", "task.md", "workflow.md", "references.md"):
        for paragraph in _paragraphs(_prose(DOCS / page)):
            names = [n for n in NAMES.values() if n in paragraph]
            if names and "[@" not in paragraph and "](" not in paragraph:
                uncited.append(f"{page}: {paragraph[:80]}")
    assert uncited == []


def test_the_answer_says_none_of_the_sources_is_an_upscaler_and_marks_reasoning() -> None:
    text = "".join(_prose(DOCS / p) for p in ("index.md", "task.md", "workflow.md"))
    text = " ".join(text.split())  # a line break is not a change of wording
    assert "none of the four sources is a photo upscaler" in text
    assert "None of the four provided sources performs ×3 single-image super-resolution" in text
    lowered = text.lower()
    assert lowered.count("our reasoning") + lowered.count("our extrapolation") >= 6
    assert not re.search(r"GoPro[^.\n]*\d+(\.\d+)? ?dB", text), "no GoPro PSNR may be quoted"


def test_no_external_link_is_written_by_hand() -> None:
    for page in sorted((ROOT / "docs").rglob("*.md")):
        assert not re.search(r"https?://", _prose(page)), page


def test_regeneration_leaves_the_prose_byte_identical(project: Path, run_cli: Run) -> None:
    pages = sorted((project / "docs").rglob("*.md"))
    before = {p: _prose(p) for p in pages}
    yaml = project / "references/questions" / f"{Q}.yaml"
    yaml.write_text(
        yaml.read_text(encoding="utf-8")
        .replace("nine times the pixels", "9× the pixels")
        .replace("label: Upscaled photo", "label: The upscaled photo")
        .replace("No official code was found.", "No official code was found for it."),
        encoding="utf-8",
    )
    code, _, err = run_cli("generate", "--project", project)
    assert code == 0, err
    assert "wrote docs/phone-3x-upscale/task.md" in err
    assert "wrote docs/phone-3x-upscale/workflow.md" in err
    assert "wrote docs/phone-3x-upscale/references.md" in err
    assert {p: _prose(p) for p in pages} == before


@pytest.mark.e2e
def test_built_references_page_has_every_provided_link_and_nothing_else(
    project: Path, run_cli: Run
) -> None:
    code, _, err = run_cli("build", "--project", project)
    assert code == 0, err
    site = project / "site"
    for page in ("references/index.html", "index.html"):  # the answer page links them too
        tree = LexborHTMLParser((site / Q / page).read_text(encoding="utf-8"))
        hrefs = {a.attributes.get("href") for a in tree.css("a[href]")}
        assert hrefs >= PROVIDED, page
    external: set[str] = set()
    for page in site.rglob("*.html"):
        tree = LexborHTMLParser(page.read_text(encoding="utf-8"))
        for node in tree.css("[href], [src]"):
            url = node.attributes.get("href") or node.attributes.get("src") or ""
            if re.match(r"(https?:)?//", url):
                external.add(url)
    # Besides the sources, only the project's own repository and each page's edit link.
    own = own_urls(read_settings(project))
    assert own and external - own == PROVIDED
    shutil.rmtree(site)
