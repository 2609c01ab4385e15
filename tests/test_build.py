"""End to end: the real CLI and a real strict MkDocs build of a copy of the default project."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

Run = Callable[..., tuple[int, str, str]]
pytestmark = pytest.mark.e2e

QUESTION = "phone-3x-upscale"
PAGES = [
    "index.html",
    "bibliography/index.html",
    "about-this-site/index.html",
    "about-this-site/api/index.html",
    f"{QUESTION}/index.html",
    f"{QUESTION}/task/index.html",
    f"{QUESTION}/workflow/index.html",
    f"{QUESTION}/references/index.html",
]


@pytest.fixture
def site(built_site: Path) -> Path:
    return built_site


def _html(site: Path, page: str) -> HTMLParser:
    return HTMLParser((site / page).read_text(encoding="utf-8"))


def test_every_page_exists(site: Path) -> None:
    for page in PAGES:
        assert (site / page).is_file(), page
    data = json.loads((site / QUESTION / "workflow.json").read_text(encoding="utf-8"))
    assert data["question"] == QUESTION
    assert {n["basis"] for n in data["nodes"]} == {"ours", "provided", "borrowed"}
    assert data["nodes"][0]["kind"] == "input"
    assert data["nodes"][-1]["kind"] == "output"


def test_search_index_holds_every_source(site: Path) -> None:
    index = (site / "search/search_index.json").read_text(encoding="utf-8")
    for word in ("MSSNet", "Little-Big", "FeatSharp", "MBPU"):
        assert word in index, word


def test_every_citation_became_a_titled_link(site: Path) -> None:
    cited = 0
    for page in PAGES:
        tree = _html(site, page)
        for node in tree.css("article"):
            text = node.text()
            for code in node.css("code"):
                text = text.replace(code.text(), "")
            assert "[@" not in text, f"{page}: a citation was not replaced"
        for link in tree.css("a.citation"):
            cited += 1
            href = link.attributes["href"] or ""
            assert re.fullmatch(
                r"((\.\./)*(phone-3x-upscale/)?(references|bibliography)/)?#ref-[a-z0-9-]+", href
            ), href
            assert link.attributes.get("title"), f"{page}: citation without hover text"
            assert re.fullmatch(r"\d+", link.text())
    assert cited >= 8


def test_workflow_page_has_the_mermaid_diagram_and_the_table(site: Path) -> None:
    tree = _html(site, f"{QUESTION}/workflow/index.html")
    diagram = tree.css_first("pre.mermaid")
    assert diagram is not None
    assert diagram.text().startswith("flowchart TB")
    assert ":::provided" in diagram.text() and ":::borrowed" in diagram.text()
    headers = [th.text() for th in tree.css("table th")]
    assert headers[:4] == ["Node", "Kind", "What goes in", "What comes out"]
    assert tree.css_first('a[href="../workflow.json"]') is not None


def test_references_have_backlinks_links_and_bibtex(site: Path) -> None:
    tree = _html(site, f"{QUESTION}/references/index.html")
    for key in ("kim2022mssnet", "liu2024littlebig", "ranzinger2025featsharp", "song2024mbpu"):
        assert tree.css_first(f"#ref-{key}") is not None, key
    text = tree.body.text() if tree.body else ""
    assert text.count("Cited on:") == 4
    assert "Cited on: no page yet." not in text
    hrefs = {a.attributes.get("href") for a in tree.css("article a")}
    assert "https://github.com/kky7/MSSNet" in hrefs
    assert "../workflow/" in hrefs
    assert "@inproceedings{kim2022mssnet," in text


def test_the_site_loads_nothing_from_third_parties(site: Path) -> None:
    for page in PAGES:
        tree = _html(site, page)
        for node in tree.css("script[src], link[href], img[src]"):
            url = node.attributes.get("src") or node.attributes.get("href") or ""
            assert not re.match(r"(https?:)?//", url), f"{page}: loads {url}"
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "Made with" not in index
    assert "fonts.googleapis" not in index
    # Material fetches Mermaid from a CDN unless it is already loaded: we ship it.
    assert (site / "assets/javascripts/mermaid.min.js").is_file()
    assert 'src="../../assets/javascripts/mermaid.min.js"' in (
        site / QUESTION / "workflow/index.html"
    ).read_text(encoding="utf-8")


def test_every_page_has_the_style_sheet_which_fetches_nothing(site: Path) -> None:
    from generator.check.css import read_css

    shipped = Path(__file__).resolve().parent.parent / "generator/assets/answersite.css"
    css = (site / "assets/stylesheets/answersite.css").read_text(encoding="utf-8")
    assert css == shipped.read_text(encoding="utf-8")
    # The link check reads no style sheet file: this one is read here, with its CSS reader.
    read = read_css(css)
    assert (read.urls, read.unknown, read.fetching) == ([], [], [])
    for page in PAGES:
        links = [
            n.attributes.get("href") or "" for n in _html(site, page).css("link[rel=stylesheet]")
        ]
        # After the theme's own, so that its rules win.
        assert links[-1].endswith("assets/stylesheets/answersite.css"), page


def test_every_page_links_its_markdown_source(site: Path) -> None:
    from generator.settings import read_settings

    settings = read_settings(site.parent)
    assert settings.repo_url and settings.edit_uri
    for page in PAGES:
        edit = _html(site, page).css('article a[rel="edit"]')
        src = page.removesuffix("index.html").rstrip("/") or "index"
        src = f"{src}.md" if (site.parent / "docs" / f"{src}.md").is_file() else f"{src}/index.md"
        assert [a.attributes.get("href") for a in edit] == [settings.edit_url(src)], page


def _parent(node: Node, levels: int) -> Node | None:
    for _ in range(levels):
        node = node.parent  # type: ignore[assignment]
        if node is None:
            return None
    return node


def _label(item: Node) -> str:
    """A navigation item's title: its link's, or its label's where it is the page shown."""
    first = item.css_first("a, label")
    return first.text(strip=True) if first is not None else ""


def test_the_tools_pages_are_apart_from_the_answers(site: Path) -> None:
    # The top of the navigation: home, the question, the bibliography, then a section of
    # its own for the pages about the site and the tool, last.
    for page in PAGES:
        top = _html(site, page).css_first("nav.md-nav--primary > ul")
        assert top is not None, page
        items = [li for li in top.css("li") if _parent(li, 1) == top]
        titles = [_label(li) for li in items]
        assert titles == [
            "Answers from provided sources",
            "Fast, crisp 3× photo upscaling on a phone",
            "Bibliography",
            "About this site",
        ], page
        section = items[-1]
        pages = [li for li in section.css("li") if _parent(li, 3) == section]
        tool = [_label(section), *map(_label, pages)]
        assert tool == ["About this site", "API reference", "Checking links"], page
        answers = " ".join(a.attributes.get("href") or "" for li in items[:-1] for a in li.css("a"))
        assert "about-this-site" not in answers and "checking" not in answers, page


def test_the_built_site_checks_clean(site: Path, run_cli: Run) -> None:
    project = site.parent
    code, out, err = run_cli("check", site, "--project", project)
    assert code == 0, out + err


def test_an_unknown_citation_fails_the_build(
    project: Path, run_cli: Run, caplog: pytest.LogCaptureFixture
) -> None:
    assert run_cli("generate", "--project", project)[0] == 0
    page = project / "docs" / QUESTION / "task.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text + "\nAs shown before [@kim2022msnet].\n", encoding="utf-8")
    line = text.count("\n") + 2
    code, _, err = run_cli("build", "--project", project)
    assert code == 1
    assert (
        f"docs/{QUESTION}/task.md:{line}:17: error: citation `[@kim2022msnet]`: "
        "no source has the key `kim2022msnet` [citation-unknown-key]" in err
    )
    assert "hint: did you mean `[@kim2022mssnet]`?" in err
    assert not (project / "site").exists()

    # A plain `mkdocs build` fails the same way, through the plugin.
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    config = load_config(config_file=str(project / "mkdocs.yml"), strict=True)
    with pytest.raises(Abort):
        build(config)
    assert any(
        record.getMessage().startswith(
            f"docs/{QUESTION}/task.md:{line}:17: error: citation `[@kim2022msnet]`"
        )
        for record in caplog.records
    )


def test_a_hand_edit_survives_a_build(project: Path, run_cli: Run) -> None:
    page = project / "docs" / QUESTION / "task.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA note by hand.\n", encoding="utf-8")
    before = page.read_bytes()
    code, _, err = run_cli("build", "--project", project)
    assert code == 0, err
    assert page.read_bytes() == before
    html = (project / "site" / QUESTION / "task/index.html").read_text(encoding="utf-8")
    assert "A note by hand." in html


def test_a_failed_build_leaves_no_servable_site(project: Path, run_cli: Run) -> None:
    assert run_cli("build", "--project", project)[0] == 0
    good = {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    page = project / "docs" / QUESTION / "task.md"
    page.write_text(
        page.read_text(encoding="utf-8") + '\n<img src="https://tracker.example/pixel.png">\n',
        encoding="utf-8",
    )
    code, _, err = run_cli("build", "--project", project)
    assert code == 1
    assert "site/ was left as it was; the failed build is in site.failed/ to inspect" in err
    # The last good build is untouched; the failed one is kept apart, marked, never swapped in.
    assert {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()} == good
    failed = project / "site.failed"
    marker = json.loads((failed / ".answersite-failed.json").read_text(encoding="utf-8"))
    assert {f["code"] for f in marker["findings"]} == {"link-not-provided"}
    assert not (project / "site.building").exists()
    # The check still reads the failed build, for annotations on a pull request.
    code, out, _ = run_cli("check", failed, "--project", project, "--format", "github")
    assert code == 1 and "tracker.example" in out
    # Fixed: the next build replaces the site and drops the failed one.
    page.write_text(page.read_text(encoding="utf-8").replace("<img", "<!-- img"), "utf-8")
    page.write_text(page.read_text(encoding="utf-8").replace('.png">', '.png" -->'), "utf-8")
    assert run_cli("build", "--project", project)[0] == 0
    assert not failed.exists()


def test_under_serve_a_page_the_check_refuses_is_withheld(project: Path, run_cli: Run) -> None:
    from mkdocs.commands.build import build

    from generator.settings import load_mkdocs_config

    assert run_cli("generate", "--project", project)[0] == 0
    page = project / "docs" / QUESTION / "task.md"
    page.write_text(
        page.read_text(encoding="utf-8") + "\n[click](javascript:alert(1))\n", encoding="utf-8"
    )
    site = project / "served"
    config = load_mkdocs_config(project, site_dir=str(site), strict=False)
    plugin = config.plugins["answersite"]
    plugin.on_startup(command="serve", dirty=False)  # type: ignore[attr-defined]
    build(config)  # not strict, as `mkdocs serve`
    task = (site / QUESTION / "task/index.html").read_text(encoding="utf-8")
    assert "Page withheld" in task and "javascript:" not in task
    workflow = (site / QUESTION / "workflow/index.html").read_text(encoding="utf-8")
    assert "Page withheld" not in workflow  # only the page with the error
    assert (site / ".answersite-failed.json").is_file()
