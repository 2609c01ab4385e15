"""Tests for the offline link check: generator.check and its stage modules.

The fixture site under `tests/fixtures/check/` has one page per case, hand-written HTML in
`site/` and the Markdown it was "built" from in `docs/`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from generator.check import CODES, LinkPolicy, check_site
from generator.check.locate import iter_markdown_links, markdown_sources, md_to_site_files
from generator.check.pages import extract_page, parse_meta_refresh, parse_srcset
from generator.check.urls import InternalTarget, normalize_url, resolve_internal
from generator.model import Finding, Severity
from generator.report import exit_code
from generator.settings import read_settings

FIXTURE = Path(__file__).parent / "fixtures" / "check"
PAPER = "https://arxiv.org/abs/2104.00001"
POLICY = LinkPolicy(
    provided={
        "q1": frozenset({PAPER, "https://github.com/org/repo"}),
        "q2": frozenset({"https://example.com/q2-paper"}),
    },
    site_url="https://site.example/proj/",
    allow=("https://allowed.example/tool/", "https://unused.example/"),
)


def run(policy: LinkPolicy = POLICY, *, with_docs: bool = True, **options: Any) -> list[Finding]:
    return check_site(
        FIXTURE / "site",
        policy,
        docs_dir=FIXTURE / "docs" if with_docs else None,
        project_root=FIXTURE if with_docs else None,
        **options,
    )


def by_page(findings: list[Finding], prefix: str) -> list[tuple[str, str]]:
    return [
        (f.code, str(f.location))
        for f in findings
        if f.location and f.location.path.startswith(prefix)
    ]


@pytest.fixture(scope="module")
def findings() -> list[Finding]:
    return run()


def test_exit_code_is_one(findings: list[Finding]) -> None:
    assert exit_code(findings) == 1


def test_every_code_is_documented(findings: list[Finding]) -> None:
    assert {f.code for f in findings} <= set(CODES)
    for finding in findings:
        assert finding.severity is CODES[finding.code][0]


def test_provided_sources_in_every_normalised_form_pass(findings: list[Finding]) -> None:
    assert by_page(findings, "docs/q1/ok.md") == []
    assert by_page(findings, "site/q1/ok/") == []


@pytest.mark.parametrize(
    ("line", "column", "url"),
    [
        pytest.param(3, 12, "https://arxiv.org@evil.example/", id="userinfo"),
        pytest.param(4, 19, "//evil.example/", id="scheme-relative"),
        pytest.param(5, 10, "http://arxiv.org.evil.example/abs/2104.00001", id="host-suffix"),
        pytest.param(6, 12, "https://xn--rxiv-43d.org/abs/2104.00001", id="punycode-look-alike"),
        pytest.param(7, 14, "https://EVIL.EXAMPLE/abs/2104.00001", id="upper-case-host"),
        pytest.param(8, 26, "//arxiv.org/abs/2104.00001", id="scheme-relative-source"),
        pytest.param(9, 10, "/\\evil.example/", id="backslash"),
        pytest.param(10, 7, "https://www.arxiv.org/abs/2104.00001", id="www"),
        pytest.param(11, 18, "https://example.com/q2-paper", id="other-question"),
        pytest.param(12, 13, "https://arxiv.org/abs/2104.00002", id="near-miss"),
    ],
)
def test_hostile_forms_are_outside(
    findings: list[Finding], line: int, column: int, url: str
) -> None:
    (finding,) = [f for f in findings if str(f.location) == f"docs/q1/hostile.md:{line}:{column}"]
    assert finding.code == "link-not-provided"
    assert finding.severity is Severity.ERROR
    assert finding.message == (
        f"page q1/hostile/: a[href] external link '{url}' is not a provided source of question 'q1'"
    )


@pytest.mark.parametrize(
    ("line", "hint"),
    [
        (
            8,
            "did you mean 'https://arxiv.org/abs/2104.00001'? Write the scheme of a provided "
            "source",
        ),
        (
            11,
            "it is provided with question 'q2' only; link it from that question's pages or add "
            "it to this question's sources",
        ),
        (12, "did you mean 'https://arxiv.org/abs/2104.00001'?"),
    ],
)
def test_hostile_hints(findings: list[Finding], line: int, hint: str) -> None:
    (finding,) = [f for f in findings if f.location and f.location.line == line
                  and f.location.path == "docs/q1/hostile.md"]  # fmt: skip
    assert finding.hint == hint


def test_hostile_page_has_one_finding_per_link(findings: list[Finding]) -> None:
    assert len(by_page(findings, "docs/q1/hostile.md")) == 10


def by_code_at(findings: list[Finding], where: str) -> Finding:
    return next(f for f in findings if str(f.location) == where)


def test_missing_page_anchor_and_image(findings: list[Finding]) -> None:
    assert by_page(findings, "docs/q1/missing.md") == [
        ("link-broken", "docs/q1/missing.md:3:8"),
        ("link-anchor-missing", "docs/q1/missing.md:4:13"),
        ("link-broken", "docs/q1/missing.md:5:17"),
        ("link-broken", "docs/q1/missing.md:7:16"),
    ]
    wrong_folder = by_code_at(findings, "docs/q1/missing.md:7:16")
    assert wrong_folder.hint == "did you mean 'q1/ok/'?"
    anchor = next(f for f in findings if f.code == "link-anchor-missing")
    assert anchor.message == (
        "page q1/missing/: a[href] '../ok/#no-such-id' points to '#no-such-id', which is not "
        "an id in 'q1/ok/index.html'"
    )


def test_link_in_code_block_is_text(findings: list[Finding]) -> None:
    # The same URL stands in a fenced block (line 4) and a code span (line 8): only the real
    # link on line 10 is one, and it is reported there.
    assert by_page(findings, "docs/q1/code.md") == [("link-not-provided", "docs/q1/code.md:10:13")]


def test_schemes(findings: list[Finding]) -> None:
    assert by_page(findings, "docs/q1/schemes.md") == [
        ("link-unsafe-scheme", "docs/q1/schemes.md:3:6"),
        ("link-unsafe-scheme", "docs/q1/schemes.md:4:10"),
        ("link-scheme-not-allowed", "docs/q1/schemes.md:5:8"),
        ("link-scheme-not-allowed", "docs/q1/schemes.md:6:9"),
        ("link-unsafe-scheme", "docs/q1/schemes.md:7:24"),
    ]


def test_allowed_schemes_pass() -> None:
    policy = LinkPolicy(POLICY.provided, POLICY.site_url, allow_schemes=frozenset({"mailto"}))
    assert [c for c, _ in by_page(run(policy), "docs/q1/schemes.md")] == [
        "link-unsafe-scheme",
        "link-unsafe-scheme",
        "link-scheme-not-allowed",
        "link-unsafe-scheme",
    ]


def test_srcset_style_and_iframe_are_not_allowed_in_content(findings: list[Finding]) -> None:
    # Markdown writes none of them: the srcset attribute, the url() in a style and the
    # iframe element are each reported where they were written, once.
    assert by_page(findings, "docs/q1/media.md") == [
        ("link-content-not-allowed", "docs/q1/media.md:3:45"),
        ("link-content-not-allowed", "docs/q1/media.md:4:6"),
        ("link-content-not-allowed", "docs/q1/media.md:5:1"),
    ]
    messages = [f.message for f in findings if f.location and "media.md" in f.location.path]
    assert messages == [
        "page q1/media/: attribute 'srcset' is not allowed on <img> in page content",
        "page q1/media/: style calls url(), which fetches; page content may only use CSS "
        "functions that fetch nothing",
        "page q1/media/: <iframe> is not allowed in page content",
    ]


def test_meta_refresh_from_the_template(findings: list[Finding]) -> None:
    (finding,) = [f for f in findings if f.location and "refresh" in f.location.path]
    assert str(finding.location) == "site/q1/refresh/index.html"
    assert finding.message == (
        "page q1/refresh/: meta[refresh] external link 'https://evil.example/moved' is not a "
        "provided source of question 'q1' (from theme (Material))"
    )


def test_site_url_links_are_internal(findings: list[Finding]) -> None:
    # The canonical link of every page and the link to the OK page pass; the missing page
    # behind the site's own address is a broken internal link.
    assert by_page(findings, "docs/index.md") == [("link-broken", "docs/index.md:7:23")]


def test_theme_links_are_merged_across_pages(findings: list[Finding]) -> None:
    (finding,) = [f for f in findings if "fonts.gstatic.com" in f.message]
    assert str(finding.location) == "site/index.html"
    assert finding.message.endswith("(from theme (Material)) (on 2 pages)")
    assert finding.hint == "set `theme.font: false` in mkdocs.yml (fonts are then not loaded)"


def test_question_pages_may_not_link_other_questions(findings: list[Finding]) -> None:
    assert by_page(findings, "docs/q2/") == [("link-not-provided", "docs/q2/index.md:3:61")]


def test_allow_entries(findings: list[Finding]) -> None:
    assert by_page(findings, "docs/q1/allowed.md") == [
        ("link-allowed-by-config", "docs/q1/allowed.md:3:46")
    ]
    (unused,) = [f for f in findings if f.code == "link-allow-unused"]
    assert unused.location is None
    assert unused.severity is Severity.WARNING
    assert "'https://unused.example/'" in unused.message


def test_without_docs_locations_are_site_pages() -> None:
    locations = {str(f.location) for f in run(with_docs=False) if f.location}
    assert "q1/hostile/index.html" in locations
    assert all(not loc.startswith("docs/") for loc in locations)


# -- integrity the other way: a linked source is also cited ------------------------------

CITING = replace(
    POLICY,
    source_keys={
        PAPER: frozenset({"kim2022"}),
        "https://github.com/org/repo": frozenset({"repo2023"}),
        "https://example.com/q2-paper": frozenset({"q2paper"}),
    },
)


def uncited(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(str(f.location), f.message) for f in findings if f.code == "source-linked-uncited"]


def test_linked_source_without_citation_is_a_warning() -> None:
    found = [f for f in run(CITING) if f.code == "source-linked-uncited"]
    (finding,) = [f for f in found if f.location and f.location.path == "docs/q1/cited.md"]
    assert finding.severity is Severity.WARNING
    assert str(finding.location) == "docs/q1/cited.md:3:142"
    assert finding.message == (
        "page q1/cited/: a[href] 'https://github.com/org/repo' links provided source "
        "'repo2023' but the page does not cite it"
    )
    assert finding.hint == "cite it where it is used with `[@repo2023]`, or remove the link"


def test_every_uncited_source_once_per_page_at_its_first_link() -> None:
    # The cited paper passes in any form (`pdf` for `abs`); a plain link to the source's
    # anchor is no citation; the second link to the same source is not reported again; the
    # link to another question's source (q2) is an error only; the references and the
    # bibliography pages list sources and are exempt.
    assert [loc for loc, _ in uncited(run(CITING))] == [
        "docs/index.md:3:20",
        "docs/index.md:3:72",
        "docs/q1/cited.md:3:142",
        "docs/q1/ok.md:5:9",
        "docs/q1/ok.md:8:4",
        "docs/q2/index.md:3:14",
    ]


def test_a_source_shared_by_two_keys_is_cited_by_either() -> None:
    shared = dict(CITING.source_keys)
    shared["https://github.com/org/repo"] = frozenset({"kim2022", "repo2023"})
    assert by_page(run(replace(CITING, source_keys=shared)), "docs/q1/cited.md") == []


def test_uncited_message_names_every_key_of_a_shared_source() -> None:
    shared = dict(CITING.source_keys)
    shared["https://github.com/org/repo"] = frozenset({"repo2023", "code2024"})
    ((_, message),) = [u for u in uncited(run(replace(CITING, source_keys=shared)))
                       if u[0].startswith("docs/q1/cited.md")]  # fmt: skip
    assert message.endswith("links provided sources 'code2024' or 'repo2023' but the page does "
                            "not cite it")  # fmt: skip


def test_without_source_keys_citations_are_not_checked(findings: list[Finding]) -> None:
    assert uncited(findings) == []


def test_uncited_without_docs_points_to_the_page() -> None:
    assert ("q1/cited/index.html", (
        "page q1/cited/: a[href] 'https://github.com/org/repo' links provided source "
        "'repo2023' but the page does not cite it"
        " (in generated content: not written in the page's Markdown)"
    )) in uncited(run(CITING, with_docs=False))  # fmt: skip


def test_clean_site_has_no_findings(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text('<a href="a/#x">a</a> <a href="#">top</a>')
    (tmp_path / "a" / "index.html").write_text('<h1 id="x">A</h1><a href="../">up</a>')
    found = check_site(tmp_path, LinkPolicy({}))
    assert found == []
    assert exit_code(found) == 0


# -- stage units ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://arxiv.org/abs/1", "http://arxiv.org/abs/1"),
        ("https://arxiv.org/abs/1", "https://ARXIV.org/abs/1/"),
        ("https://arxiv.org/abs/1", "https://arxiv.org:443/abs/1"),
        ("https://arxiv.org/abs/1", "https://arxiv.org/pdf/1.pdf"),
        ("https://arxiv.org/abs/1", "https://arxiv.org/pdf/1#page=3"),
        ("https://x.org/a%7Eb", "https://x.org/a~b"),
        ("https://x.org/a%2fb", "https://x.org/a%2Fb"),
        ("https://x.org/a b", "https://x.org/a%20b"),
    ],
)
def test_normalisation_equal(a: str, b: str) -> None:
    assert normalize_url(a) == normalize_url(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://arxiv.org/abs/1", "https://arxiv.org@evil.example/abs/1"),
        ("https://arxiv.org/abs/1", "https://www.arxiv.org/abs/1"),
        ("https://arxiv.org/abs/1", "https://arxiv.org./abs/1"),
        ("https://arxiv.org/abs/1", "https://arxiv.org/abs/1v2"),
        ("https://arxiv.org/abs/1", "https://arxiv.org:8443/abs/1"),
        ("https://arxiv.org/abs/1", "https://аrxiv.org/abs/1"),
        ("https://x.org/a", "https://x.org/A"),
        ("https://x.org/a%2fb", "https://x.org/a/b"),
        ("https://x.org/a?b=1", "https://x.org/a?b=2"),
    ],
)
def test_normalisation_unequal(a: str, b: str) -> None:
    assert normalize_url(a) != normalize_url(b)


@pytest.mark.parametrize(
    "url", ["https://x.org:99999/", "https:///", "https://a b/", "https://[::1/", "ftp://x/"]
)
def test_normalisation_rejects(url: str) -> None:
    assert normalize_url(url) is None


@pytest.mark.parametrize(
    ("page_dir", "href", "expected"),
    [
        ("q1/a", "../b/#s", InternalTarget("q1/b", True, "s")),
        ("q1/a", ".", InternalTarget("q1/a", True, None)),
        ("q1/a", "#s", InternalTarget("q1/a", True, "s")),
        ("q1/a", "x%20y.png?v=1", InternalTarget("q1/a/x y.png", False, None)),
        ("q1/a", "/proj/q2/", InternalTarget("q2", True, None)),
        ("", "../x", None),
        ("q1", "/other/", None),
    ],
)
def test_resolve_internal(page_dir: str, href: str, expected: InternalTarget | None) -> None:
    assert resolve_internal(page_dir, href, base_path="/proj/") == expected


def test_parse_srcset() -> None:
    value = "a.png 1x, data:image/png;base64,AA,BB 2x,c.png,, d(1).png 100w"
    assert parse_srcset(value) == ["a.png", "data:image/png;base64,AA,BB", "c.png", "d(1).png"]


@pytest.mark.parametrize(
    ("content", "url"),
    [("0; url='https://x/'", "https://x/"), ("5", None), ("0;URL=a.html", "a.html")],
)
def test_parse_meta_refresh(content: str, url: str | None) -> None:
    assert parse_meta_refresh(content) == url


def test_extract_keeps_ids_and_links_once() -> None:
    # In the theme's chrome (outside the content's <article>), every reference is a link.
    page = extract_page(
        "p.html",
        '<a name="n"></a><h1 id="i">x</h1><img src="a.png" srcset="b.png 2x" style="x:url(c.png)">'
        '<pre><code>https://text.example/</code></pre><style>p{background:url("d.png")}</style>'
        '<article class="md-content__inner"></article>',
    )
    assert page.ids == {"n", "i"}
    assert page.cited == frozenset()
    assert [(link.url, link.attr) for link in page.links] == [
        ("a.png", "src"),
        ("b.png", "srcset"),
        ("c.png", "style"),
        ("d.png", "style"),
    ]


def test_extract_keeps_citation_fragments() -> None:
    page = extract_page(
        "q1/a/index.html",
        '<a class="citation" href="../references/#ref-kim2022">1</a> '
        '<a href="../references/#ref-other">plain</a> <a class="citation" href="#ref-x">2</a>',
    )
    assert page.cited == {"ref-kim2022", "ref-x"}


def test_markdown_sources_and_targets() -> None:
    assert markdown_sources("a/b/index.html") == ["a/b.md", "a/b/index.md", "a/b/README.md"]
    assert markdown_sources("index.html") == ["index.md", "README.md"]
    assert md_to_site_files("a/b.md") == {"a/b/index.html", "a/b.html"}
    assert md_to_site_files("a/README.md") == {"a/index.html"}


def test_markdown_links_skip_code() -> None:
    text = "```\n[a](x.md)\n```\n`[b](y.md)` [c](z.md)\n[r]: <w.md>\n<https://u.example/>"
    assert list(iter_markdown_links(text)) == [
        (4, 17, "z.md"),
        (5, 7, "w.md"),
        (6, 2, "https://u.example/"),
    ]


def test_source_keys_of_the_default_project() -> None:
    from generator import pipeline

    project = pipeline.load(read_settings(Path(__file__).resolve().parent.parent))
    keys = pipeline.source_keys(project)
    assert keys["https://cg.postech.ac.kr/Research/MSSNet/MSSNet.pdf"] == {"kim2022mssnet"}
    assert set(keys) == set().union(*pipeline.provided_urls(project).values())


# -- deny by default: the allowlists, CSS, the tags as written, the chrome's rules ------

THEMED = (
    "<html><head><title>T</title>{head}</head><body>"
    '<header class="md-header"><nav class="md-header__inner">{header}</nav></header>'
    '<div class="md-main__inner"><nav class="md-nav">{nav}</nav>'
    '<article class="md-content__inner md-typeset">{content}</article></div>{body}</body></html>'
)


def themed(**parts: str) -> str:
    return THEMED.format(**{"head": "", "header": "", "nav": "", "content": "", "body": ""} | parts)


def markup_of(html_text: str) -> list[tuple[str, str, str]]:
    return [(m.code, m.tag, m.attr) for m in extract_page("p/index.html", html_text).markup]


def test_every_attribute_of_nh3s_allowlist_is_understood() -> None:
    from generator.check.allow import CONTENT_TAGS, RAW_TEXT, dropped_from_nh3

    # An attribute nh3 adds in a later version that the check cannot classify (URL, CSS or
    # plain value) is left out of the allowlist; this says so in review.
    assert dropped_from_nh3() == set()
    assert not CONTENT_TAGS & RAW_TEXT
    assert {"svg", "path", "details", "table", "pre", "code", "span", "sup"} <= CONTENT_TAGS


@pytest.mark.parametrize(
    ("css", "urls", "unknown"),
    [
        ("color: rgb(0 0 0); width: calc(100% - var(--x))", [], []),
        ("background: url( 'a.png' )", ["a.png"], []),
        ('background: url("a b.png")', ["a b.png"], []),
        ("background: u\\rl(a.png)", ["a.png"], []),
        ("background: \\75 \\72 \\6c (a.png)", ["a.png"], []),
        ("background: url(https:\\2f\\2f x.example/a.png)", ["https://x.example/a.png"], []),
        ("background: ur/**/l(a.png)", ["a.png"], []),
        ("b: image-set('a.png' 1x, url(b.png) 2x, \"c.png\" 3x)", ["a.png", "c.png", "b.png"], []),
        ("b: -webkit-image-set('a.png' 1x)", ["a.png"], []),
        ('@import "x.css"; @import url(y.css);', ["y.css", "x.css"], []),
        ("content: attr(href); x: expression(go(1)); y: element(#a)", [],
         ["attr", "expression", "go", "element"]),
        ("mask: cross-fade(url(a.png), url(b.png))", ["a.png", "b.png"], ["cross-fade"]),
    ],
)  # fmt: skip
def test_css_urls_and_functions(css: str, urls: list[str], unknown: list[str]) -> None:
    from generator.check.css import read_css

    read = read_css(css)
    assert read.urls == urls
    assert read.unknown == unknown


def test_written_tags_follow_the_tokenizer() -> None:
    from generator.check.tags import attribute_names, written_tags

    text = (
        '<p>x<!-- <img src=a> --><a href="a>b" HREF=c/onclick=d>t</a>'
        "<script>'<iframe>'</script><img\nsrc=q alt='' title><A/b/c=\"d\"e=f>"
    )
    tags = written_tags(text)
    assert [name.lower() for name, _ in tags] == ["p", "a", "script", "img", "a"]
    assert [attribute_names(attrs) for _, attrs in tags] == [
        [],
        ["href", "href"],
        [],
        ["src", "alt", "title"],
        ["b", "c", "e"],
    ]


def test_content_rules() -> None:
    content = (
        '<p class="x" title="t" style="text-align: left;">ok</p>'
        '<a href="https://x.example/" target="_blank" onclick="go()">a</a>'
        '<img src="a.png" alt="a" loading="lazy"><svg viewBox="0 0 1 1"><image href="x"/></svg>'
        "<p style=\"background: url('x.png')\">s</p><details open><summary>s</summary></details>"
    )
    assert markup_of(themed(content=content)) == [
        ("link-content-not-allowed", "a", "target"),
        ("link-content-not-allowed", "a", "onclick"),
        ("link-content-not-allowed", "img", "loading"),
        ("link-content-not-allowed", "image", ""),
        ("link-content-not-allowed", "p", "style"),
    ]


def test_the_chromes_rules() -> None:
    page = themed(
        head='<script src="../assets/a.js"></script><script>var ok = 1</script>'
        '<meta property="og:image" content="https://x.example/i.png">'
        '<meta name="description" content="https://not-a-link.example/">'
        '<meta http-equiv="refresh" content="0; url=https://x.example/r">'
        '<meta http-equiv="set-cookie" content="a=b">'
        '<script src="https://x.example/s.js"></script>',
        header="<script>var palette = 1</script>",
        nav='<a href="../" onclick="go()">home</a><script>var no = 1</script>'
        '<template><img src="t.png"></template><iframe srcdoc="<b>x</b>"></iframe><base href="/">',
        body='<script id="__config" type="application/json">{}</script><div id="__config"></div>',
    )
    assert markup_of(page) == [
        ("link-chrome-not-allowed", "meta", "http-equiv"),
        ("link-chrome-not-allowed", "script", "src"),
        ("link-chrome-not-allowed", "a", "onclick"),
        ("link-chrome-not-allowed", "script", ""),
        ("link-chrome-not-allowed", "template", ""),
        ("link-chrome-not-allowed", "iframe", "srcdoc"),
        ("link-chrome-not-allowed", "base", ""),
        ("link-chrome-not-allowed", "div", "id"),
    ]
    links = [(link.tag, link.attr, link.url) for link in extract_page("p", page).others]
    assert ("meta", "content", "https://x.example/i.png") in links
    assert ("meta", "refresh", "https://x.example/r") in links
    assert not [link for link in links if "not-a-link" in link[2]]


def test_a_script_in_the_head_before_the_title() -> None:
    # Material writes its scripts after the title; a page's `description` that closes its
    # attribute writes one before it.
    page = themed().replace(
        "<head><title>", '<head><meta name="description" content="x"><script>go()</script><title>'
    )
    assert markup_of(page) == [("link-chrome-not-allowed", "script", "")]
    assert markup_of(themed(head="<script>var ok = 1</script>")) == []


def test_an_id_of_the_content_that_the_theme_uses() -> None:
    page = themed(content='<h2 id="__drawer">x</h2>', body='<input id="__drawer">')
    assert markup_of(page) == [("link-content-not-allowed", "h2", "id")]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Plain &lt; title", []),
        ("<img src=x>", [("link-chrome-not-allowed", "title", "")]),
        ("x</title><script>go()</script>", [("link-chrome-not-allowed", "title", "")]),
        ("x</TiTlE><script>go()</script>", [("link-chrome-not-allowed", "title", "")]),
    ],
)
def test_a_page_title_with_markup(title: str, expected: list[tuple[str, str, str]]) -> None:
    page = themed().replace("<title>T</title>", f"<title>{title} - Site</title>")
    assert markup_of(page) == expected


def test_a_page_without_theme_content_is_content_all_through() -> None:
    page = (
        "<html><head><script>go()</script></head>"
        '<body onload="go()"><p onclick="go()">x</p><frameset></frameset></body></html>'
    )
    assert markup_of(page) == [
        ("link-chrome-not-allowed", "script", ""),
        ("link-chrome-not-allowed", "body", "onload"),
        ("link-content-not-allowed", "p", "onclick"),
        ("link-content-not-allowed", "frameset", ""),
    ]


def test_markup_is_found_where_it_was_written() -> None:
    from generator.check.found import Markup
    from generator.check.place import find_markup

    text = (
        "# Title\n\n"
        "```html\n<a onclick=no>\n```\n\n"
        '[x](y.md){ .c onclick="go()" }\n\n'
        '<p style="a" style="b">x</p>\n\n'
        "## Drawer { #__drawer }\n"
    )

    def place(tag: str, attr: str, value: str = "", written: bool = False) -> object:
        problem = Markup("link-content-not-allowed", tag, attr, value, "", True, written)
        return find_markup(text, problem)

    assert place("a", "onclick", "go()") == (7, 15)
    assert place("p", "style", "", written=True) == (9, 14)
    assert place("h2", "id", "__drawer") == (11, 13)
    assert place("h1", "id", "title") == (1, 1)  # an id `toc` made from the heading
    assert place("iframe", "") is None


# -- the site's own addresses: its repository and its pages' edit links ------------------

REPO = "https://github.com/org/answers"
EDIT = REPO + "/edit/main/docs/q1/task.md"
OWN = LinkPolicy({"q1": frozenset({PAPER})}, own=frozenset({REPO, EDIT}))


def own_findings(tmp_path: Path, *hrefs: str, policy: LinkPolicy = OWN) -> list[tuple[str, str]]:
    """Check one question page of a Material-like site that links `hrefs` in its content."""
    (tmp_path / "q1" / "task").mkdir(parents=True)
    links = "".join(f'<a href="{h}">x</a>' for h in hrefs)
    header = f'<a href="{REPO}" title="Go to repository" class="md-source">repo</a>'
    page = themed(header=header, content=links)
    (tmp_path / "q1" / "task" / "index.html").write_text(page, encoding="utf-8")
    return [(f.code, f.message) for f in check_site(tmp_path, policy)]


def test_the_repository_and_the_edit_links_are_the_sites_own(tmp_path: Path) -> None:
    # As Material writes them (header, "edit this page"), and after the normalisation.
    assert own_findings(tmp_path, EDIT, REPO, REPO + "/", "http://GitHub.com/org/answers") == []


@pytest.mark.parametrize(
    "href",
    [
        pytest.param(REPO + "-evil", id="a-longer-name"),
        pytest.param(REPO + "/issues/1", id="under-the-repository"),
        pytest.param(REPO + "/tree/0123abc", id="a-commit-of-a-fork-shows-there"),
        pytest.param(REPO + "/edit/main/docs/q1/other.md", id="no-such-page"),
        pytest.param(REPO + "/../../evil/repo", id="dot-segments"),
        pytest.param(REPO + "/%2e%2e/%2e%2e/evil/repo", id="encoded-dot-segments"),
        pytest.param(EDIT + "/../../../../../../evil/repo", id="dot-segments-after-an-edit-link"),
        pytest.param(REPO + "?next=https://evil.example/", id="a-query"),
        pytest.param("https://user@github.com/org/answers", id="user-info"),
        pytest.param("https://github.com.evil.example/org/answers", id="another-host"),
        pytest.param("//github.com/org/answers", id="scheme-relative"),
        pytest.param("https://github.com/org", id="the-owner"),
    ],
)
def test_nothing_else_under_or_near_the_repository_is(tmp_path: Path, href: str) -> None:
    assert [code for code, _ in own_findings(tmp_path, href)] == ["link-not-provided"]


def test_without_the_configuration_the_repository_is_not_provided(tmp_path: Path) -> None:
    found = own_findings(tmp_path, EDIT, policy=replace(OWN, own=frozenset()))
    assert [code for code, _ in found] == ["link-not-provided"] * 2
    messages = [message for _, message in found]
    assert [
        f"link '{url}' is not a provided" in m
        for m, url in zip(messages, (REPO, EDIT), strict=True)
    ] == [
        True,
        True,
    ]
