"""The hostile corpus: every form a hostile user tried, one page per form, checked exactly.

`tests/fixtures/hostile/links/` is a small site: the Markdown a user wrote (`docs/`), the
HTML MkDocs and Material build from it (`site/`, the content as Python-Markdown renders it
with the extensions of `mkdocs.yml`, in a trimmed Material page), and a theme override
(`overrides/main.html`) for the forms that come from a template. `expected.tsv` lists, for
each page, what Chromium does with it (`tests/test_check_browser.py` proves that column)
and each finding of the check: its code and the `file:line[:column]` where it was written.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from generator.check import LinkPolicy, check_site
from generator.model import Finding, Severity

CORPUS = Path(__file__).parent / "fixtures" / "hostile" / "links"
PAPER = "https://papers.example/abs/2104.00001"
POLICY = LinkPolicy({"q1": frozenset({PAPER})}, site_url="https://site.example/proj/")
_PAGE = re.compile(r"page (?:q1/)?([^/:]*?)(?:/|\.html)?: ")


def expected_rows() -> list[dict[str, str]]:
    with (CORPUS / "expected.tsv").open(encoding="utf-8") as table:
        lines = [line for line in table if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def page_of(finding: Finding) -> str:
    match = _PAGE.match(finding.message)
    assert match is not None, finding.message
    return match.group(1) or "index"


@pytest.fixture(scope="module")
def findings() -> list[Finding]:
    return check_site(
        CORPUS / "site",
        POLICY,
        docs_dir=CORPUS / "docs",
        project_root=CORPUS,
        template_dirs=[CORPUS / "overrides"],
    )


def test_every_form_is_reported_where_it_was_written(findings: list[Finding]) -> None:
    found = sorted((page_of(f), f.code, str(f.location)) for f in findings)
    expected = sorted(
        (row["page"], row["code"], row["location"]) for row in expected_rows() if row["code"] != "-"
    )
    assert found == expected


def test_every_page_of_the_site_is_in_the_table() -> None:
    pages = {
        "index"
        if p.parent == CORPUS / "site"
        else p.parent.name
        if p.name == "index.html"
        else p.stem
        for p in (CORPUS / "site").rglob("*.html")
    }
    assert {row["page"] for row in expected_rows()} == pages


@pytest.mark.parametrize("page", ["pass", "references", "index"])
def test_what_markdown_and_material_write_passes(findings: list[Finding], page: str) -> None:
    # `pass` holds every construct of Python-Markdown and the extensions of mkdocs.yml,
    # raw HTML with allowed attributes and safe CSS functions, Material's edit button
    # with its icon, a citation and the theme's own scripts.
    assert [f for f in findings if page_of(f) == page] == []


def test_hostile_findings_are_errors(findings: list[Finding]) -> None:
    assert findings
    assert {f.severity for f in findings} == {Severity.ERROR}


def test_messages_and_hints(findings: list[Finding]) -> None:
    by_place = {(page_of(f), str(f.location), f.code): f for f in findings}
    content, chrome = "link-content-not-allowed", "link-chrome-not-allowed"
    onclick = by_place[("attr-list-onclick", "docs/q1/attr-list-onclick.md:5:53", content)]
    assert onclick.message == (
        "page q1/attr-list-onclick/: attribute 'onclick' is not allowed on <a> in page content"
    )
    assert onclick.hint == "remove the attribute 'onclick'"
    twice = by_place[("duplicate-href", "docs/q1/duplicate-href.md:5:49", content)]
    assert twice.message == (
        "page q1/duplicate-href/: attribute 'href' is written twice on <a>; the browser keeps "
        "the first, another reader may keep the other"
    )
    assert twice.hint == "write the attribute 'href' once"
    css = by_place[("css-escaped-url", "docs/q1/css-escaped-url.md:5:4", content)]
    assert css.message == (
        "page q1/css-escaped-url/: style calls url(), which fetches; page content may only use "
        "CSS functions that fetch nothing"
    )
    clash = by_place[("id-clash", "docs/q1/id-clash.md:5:6", content)]
    assert clash.message == (
        "page q1/id-clash/: id '__config' is also an id of the theme's own markup; the theme's "
        "scripts would find this one"
    )
    loader = by_place[("chrome-script-loader", "overrides/main.html:13", chrome)]
    assert loader.message == (
        "page q1/chrome-script-loader/: <script> stands inside <div>, where the theme puts no "
        "script"
    )
    title = by_place[("title-markup", "docs/q1/title-markup.md:2:1", chrome)]
    assert title.message == (
        "page q1/title-markup/: <title> holds markup, which the theme writes unescaped into "
        "the header and the navigation"
    )
    assert title.hint is not None
    assert title.hint.startswith("write the page title as plain text")


def test_without_docs_each_finding_points_to_the_built_page() -> None:
    found = check_site(CORPUS / "site", POLICY)
    locations = {str(f.location) for f in found if f.location}
    assert "q1/svg-image/index.html" in locations
    assert all(not loc.startswith("docs/") for loc in locations)
    (style,) = [f for f in found if page_of(f) == "style-block"]
    assert style.message.endswith(
        "<style> is not allowed in page content (in generated content: not written in the "
        "page's Markdown)"
    )
