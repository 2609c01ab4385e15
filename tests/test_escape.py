"""Escaping by kind of value, tested against Python-Markdown itself (the site's extensions).

For each kind, hypothesis puts arbitrary strings where answersite puts values, renders the
Markdown as MkDocs would, and checks that the value made no tag, attribute or link of its
own, and (for plain text) that the reader sees exactly the value.
"""

from __future__ import annotations

import html
import re
from collections import Counter

import markdown as python_markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from generator import escape

EXTENSIONS = [
    "abbr",
    "admonition",
    "attr_list",
    "def_list",
    "footnotes",
    "md_in_html",
    "tables",
    "toc",
    "pymdownx.details",
    "pymdownx.highlight",
    "pymdownx.inlinehilite",
    "pymdownx.superfences",
]
HOSTILE = [
    *"ab <>&\"'`*_[](){}#|!-+.:=~\\/;@%^$0123456789\n\t",
    "\x02",
    "\x03",
    "\r",
    "é",
    "\u2028",
    "\xa0",
    "<script>",
    "{: onclick=x }",
    "javascript:",
    "](http://evil.example/)",
    "<!-- answersite:end x -->",
    "```",
    "~~~",
    "&#60;",
    "[@k]",
    "--8<--",
]
values = st.one_of(
    st.lists(st.sampled_from(HOSTILE), max_size=25).map("".join),
    st.text(max_size=40),
)
SETTINGS = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def render(text: str) -> str:
    return python_markdown.markdown(text, extensions=EXTENSIONS)


def shape(page: str) -> Counter[tuple[str, tuple[str, ...]]]:
    """Each element's tag and attribute names (not values): what a value must not change."""
    tree = LexborHTMLParser(page)
    body = tree.body
    assert body is not None
    return Counter(
        (node.tag or "", tuple(sorted(node.attributes)))
        for node in body.traverse(include_text=False)
        if node is not body
    )


def visible(page: str) -> str:
    tree = LexborHTMLParser(page)
    body = tree.body
    assert body is not None
    return " ".join(body.text(separator=" ").split())


CONTEXTS = [
    "before {} after",
    "{}",
    "## {}",
    "- {}",
    "**{}**",
    "[{}](a.md)",
    "| a | b |\n|---|---|\n| {} | x |",
    '!!! note "T"\n\n    {}',
    "> {}",
]


@pytest.mark.parametrize("context", CONTEXTS)
@SETTINGS
@given(value=values)
def test_plain_text_makes_no_markup_and_reads_as_written(context: str, value: str) -> None:
    page = render(context.format(escape.text(value)))
    skeleton = render(context.format("PLACEHOLDER"))
    expected = escape.one_line(value)
    if not expected:
        return  # an empty value leaves the context's own markup (an empty item, …)
    assert shape(page) == shape(skeleton), (value, page)
    want = " ".join(visible(skeleton).replace("PLACEHOLDER", expected).split())
    assert visible(page) == want, (value, page)


@SETTINGS
@given(value=values)
def test_plain_text_of_several_lines_is_one_line(value: str) -> None:
    assert "\n" not in escape.text(value) and "\r" not in escape.text(value)


MARKDOWN_TAGS = {
    "p", "em", "strong", "code", "pre", "a", "img", "ul", "ol", "li", "hr", "br",
    "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr",
    "th", "td", "div", "span", "details", "summary", "sup", "abbr", "dl", "dt", "dd",
}  # fmt: skip
MARKDOWN_ATTRIBUTES = {"href", "src", "alt", "title", "id", "class", "style"}


@pytest.mark.parametrize("indent", [0, 4])
@SETTINGS
@given(value=values)
def test_markdown_values_keep_markdown_but_make_no_raw_html(indent: str, value: str) -> None:
    body = escape.markdown(value, indent=int(indent))
    page = render(f"- note: {body}" if indent else body)
    tree = LexborHTMLParser(page)
    for node in tree.body.traverse(include_text=False) if tree.body else ():
        if node.tag in ("body", "html", "head"):
            continue
        assert node.tag in MARKDOWN_TAGS, (value, page)
        for name, attr in node.attributes.items():
            assert name in MARKDOWN_ATTRIBUTES, (value, page)
            if name == "style":  # only the table extension's alignment
                assert re.fullmatch(r"text-align: (left|right|center);", attr or ""), page
            if name in ("href", "src"):
                # A link comes from Markdown link syntax in the value itself.
                assert attr and (attr in value or html.unescape(attr) in value), (value, page)


@SETTINGS
@given(value=values)
def test_a_markdown_value_leaves_no_fence_open(value: str) -> None:
    page = render(f"{escape.markdown(value)}\n\nAFTERWORD\n\n```\nlater code\n```\n")
    tree = LexborHTMLParser(page)
    in_code = " ".join(node.text() for node in tree.css("code, pre"))
    assert "AFTERWORD" in visible(page)
    assert "AFTERWORD" not in in_code, page


@SETTINGS
@given(value=values, url=values)
def test_attributes_hold_exactly_their_value(value: str, url: str) -> None:
    link = f'<a class="c" href="{escape.attribute(url)}" title="{escape.attribute(value)}">1</a>'
    page = render(f"see {link} and `x` [y](z.md) after")
    anchors = LexborHTMLParser(page).css("a.c")
    assert len(anchors) == 1, page
    assert anchors[0].attributes["title"] == escape.one_line(value)
    assert anchors[0].attributes["href"] == escape.one_line(url)


@SETTINGS
@given(value=values)
def test_code_spans_show_the_value_and_nothing_else(value: str) -> None:
    expected = escape.one_line(value)
    page = render(f"model: {escape.code(value)} done")
    codes = LexborHTMLParser(page).css("code")
    if not expected:
        assert codes == []
        return
    assert [node.text() for node in codes] == [expected], page


@SETTINGS
@given(value=values)
def test_fenced_blocks_cannot_be_closed_by_their_body(value: str) -> None:
    block = escape.fenced(value, "bibtex", indent=4)
    page = render(f'??? note "BibTeX"\n\n{block}\n\nAFTERWORD\n')
    tree = LexborHTMLParser(page)
    assert len(tree.css("pre")) == 1, page
    assert "AFTERWORD" not in tree.css_first("pre").text()
    assert tree.css_first("details") is not None
    kept = escape.fenced(value).split("\n")[1:-1]
    shown = tree.css_first("pre").text().split("\n")
    assert [line.expandtabs(4).rstrip() for line in kept if line.strip()] == [
        line.rstrip() for line in shown if line.strip()
    ]


@SETTINGS
@given(value=values)
def test_mermaid_labels_cannot_end_their_quotes(value: str) -> None:
    label = escape.mermaid_label(value)
    assert not set(label) & set('"<>`\n\r')
    decoded = re.sub(
        r"#(quot|lt|gt|amp|35|96);",
        lambda m: {"quot": '"', "lt": "<", "gt": ">", "amp": "&", "35": "#", "96": "`"}[m.group(1)],
        label,
    )
    assert decoded == escape.one_line(value)


def test_a_value_cannot_reach_python_markdowns_placeholders() -> None:
    # Python-Markdown marks stashed raw HTML with STX/ETX: a value holding them could pull
    # a stashed block into its place.
    assert "\x02" not in escape.text("\x02wzxhzdk:0\x03")
    assert "\x02" not in escape.markdown("\x02wzxhzdk:0\x03")


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("```\n<!-- answersite:end x -->`", id="escaped-fence-frees-a-comment"),
        pytest.param("x ` y\nz `a <b onclick=x> c`", id="span-paired-across-lines"),
        pytest.param("`a\n# x <img src=x onerror=y>`", id="heading-splits-a-span"),
        pytest.param("para\n\n    <div onclick=x>", id="indented-html"),
        pytest.param("~~~\n~~~x\n<i>\n~~~", id="fence-freed-by-escaping"),
    ],
)
def test_markdown_values_regressions(value: str) -> None:
    page = render(escape.markdown(value))
    tree = LexborHTMLParser(page)
    tags = {node.tag for node in tree.body.traverse(include_text=False)} if tree.body else set()
    assert tags <= MARKDOWN_TAGS | {"body"}, page
    attributes = {name for node in tree.css("*") for name in node.attributes}
    assert not {name for name in attributes if name.startswith("on")}, page
