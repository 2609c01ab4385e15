"""The one Markdown scanner: code blocks, code spans and headings, as MkDocs renders them.

Hand-picked cases pin each rule; a hypothesis test builds random pages from fences (both
characters, lengths 3 to 6, fence-like lines inside), indented code, admonitions, list
items and code spans, and asks Python-Markdown (with the extensions of the default
`mkdocs.yml`) which words it renders as code: the scanner must agree on every word.
"""

from __future__ import annotations

import re

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from generator.scanner import code_line_numbers, code_lines, headings, mask_code

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


def masked_words(text: str) -> set[str]:
    """The marker words (`w0`, `w1`, …) the scanner masks."""
    kept = set(re.findall(r"\bw\d+\b", mask_code(text)))
    return set(re.findall(r"\bw\d+\b", text)) - kept


def code_words(text: str) -> set[str]:
    """The marker words Python-Markdown renders inside `<code>` or `<pre>`."""
    html = markdown.markdown(text, extensions=EXTENSIONS)
    tree = LexborHTMLParser(html)
    found: set[str] = set()
    for node in tree.css("code, pre"):
        found.update(re.findall(r"\bw\d+\b", node.text()))
    return found


def code(text: str) -> list[int]:
    return [line.number for line in code_lines(text) if line.code]


# -- fences -----------------------------------------------------------------------------


def test_a_shorter_fence_inside_a_longer_one_is_code() -> None:
    text = "````markdown\n```\n## Inside\n```\n````\n\n## Outside\n"
    assert code(text) == [1, 2, 3, 4, 5]
    assert [h.title for h in headings(text)] == ["Outside"]


def test_a_fence_closes_only_on_the_same_character() -> None:
    text = "~~~\n```\nw0\n~~~\nw1\n"
    assert code(text) == [1, 2, 3, 4]
    assert masked_words(text) == {"w0"}


def test_a_fence_closes_only_on_the_same_fence() -> None:
    # Python-Markdown's rule (superfences and fenced_code), not CommonMark's "at least as
    # long": a longer or shorter fence is content, and a fence never closed is no block.
    assert code("````\n```\nw0\n````\nw1\n") == [1, 2, 3, 4]
    assert code("````\nw0\n`````\nw1\n") == []
    assert code("```\nw0\n") == []


def test_a_fence_closes_only_at_its_own_indentation() -> None:
    assert code("- item\n\n    ```\n    w0\n      ```\n    ```\n") == [3, 4, 5, 6]
    assert code("  ```\n  w0\n w1\n  ```\n") == []  # content less indented: no block


def test_a_closing_fence_has_no_info_string() -> None:
    assert code("```\n``` python\nw0\n```\nw1\n") == [1, 2, 3, 4]


def test_a_backtick_info_string_with_a_backtick_is_inline_code() -> None:
    assert code("``` a`b\nw0\n") == []


def test_fences_inside_admonitions_and_blockquotes() -> None:
    text = '!!! note "N"\n\n    ``` bibtex\n    @x{w0,}\n    ```\n\n    w1\n\n> ```\n> w2\n> ```\n'
    assert masked_words(text) == {"w0", "w2"} == code_words(text)


# -- indented code --------------------------------------------------------------------------


def test_indented_code_needs_a_blank_line_before_it() -> None:
    assert code("para\n    w0\n") == []
    assert code("para\n\n    w0\n    w1\n\nw2\n") == [3, 4, 5]  # the blank line inside too


def test_four_spaces_in_an_admonition_or_list_item_are_its_content() -> None:
    text = "!!! note\n\n    w0\n\n        w1\n\n- item\n\n    w2\n\n        w3\n"
    assert masked_words(text) == {"w1", "w3"} == code_words(text)


def test_a_tab_counts_as_four_spaces() -> None:
    assert code("para\n\n\tw0\n") == [3]


def test_front_matter_is_not_markdown() -> None:
    text = "---\ntitle: x\n---\n# Title\n"
    assert code(text) == [1, 2, 3]
    assert [(h.line, h.title) for h in headings(text)] == [(4, "Title")]


# -- code spans -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        pytest.param("a `w0` b w1", {"w0"}, id="simple"),
        pytest.param("a ``w0 ` w1`` w2", {"w0", "w1"}, id="double-with-single-inside"),
        pytest.param("a `` w0 w1", set(), id="unclosed"),
        pytest.param("a `` w0 ` w1", {"w0"}, id="closed-by-a-shorter-run"),
        pytest.param("a \\`w0` w1", set(), id="escaped-opener"),
        pytest.param("a `w0\nw1` w2", {"w0", "w1"}, id="across-a-line-break"),
        pytest.param("a `w0\n\nw1` w2", set(), id="not-across-paragraphs"),
        pytest.param("a ```w0``` w1", {"w0"}, id="triple-inline"),
    ],
)
def test_code_spans(text: str, masked: set[str]) -> None:
    assert masked_words(text) == masked == code_words(text)


def test_masking_keeps_offsets_and_line_endings() -> None:
    text = "a `b`\r\n```\r\ncode\r\n```\r\nend\r\n"
    out = mask_code(text)
    assert len(out) == len(text)
    assert out.count("\r\n") == text.count("\r\n")
    assert out.endswith("end\r\n")


# -- headings -------------------------------------------------------------------------------


def test_headings_with_their_toc_ids() -> None:
    text = (
        "# Title\n\n## Why *this*?\n\n## Same\n\n## Same\n\n"
        "## Custom { #here }\n\n## Classy { .big }\n\nSetext\n------\n\n    ## code\n"
    )
    assert [(h.line, h.level, h.title, h.anchor) for h in headings(text)] == [
        (1, 1, "Title", "title"),
        (3, 2, "Why this?", "why-this"),
        (5, 2, "Same", "same"),
        (7, 2, "Same", "same_1"),
        (9, 2, "Custom", "here"),
        (11, 2, "Classy", "classy"),
        (13, 2, "Setext", "setext"),
    ]


def test_a_rule_under_a_long_paragraph_is_no_heading() -> None:
    # Python-Markdown makes `---` under a two-line paragraph a horizontal rule.
    assert headings("one\ntwo\n---\n") == []


# -- against Python-Markdown ----------------------------------------------------------------

_counter = iter(range(10**9))


def _word() -> str:
    return f"w{next(_counter)}"


@st.composite
def _fence(draw: st.DrawFn, indent: str = "") -> str:
    char = draw(st.sampled_from("`~"))
    size = draw(st.integers(3, 6))
    info = draw(st.sampled_from(["", " python", "bibtex", " { .x }", ' title="a b"', " a`b"]))
    indent += draw(st.sampled_from(["", "", " ", "  "]))
    inner = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["word", "fence", "other"]))
        if kind == "word":
            inner.append(f"{indent}{_word()} {_word()}")
        else:
            other = char if kind == "fence" else ("~" if char == "`" else "`")
            inner.append(f"{indent}{other * draw(st.integers(3, 6))}")
    closing = draw(st.sampled_from(["same", "longer", "none"]))
    lines = [f"{indent}{char * size}{info}", *inner]
    if closing != "none":
        lines.append(f"{indent}{char * (size + (closing == 'longer'))}")
        lines.append("")
        lines.append(f"{indent}{_word()}")
    return "\n".join(lines)


@st.composite
def _paragraph(draw: st.DrawFn, indent: str = "") -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            ticks = "`" * draw(st.integers(1, 2))
            parts.append(f"{ticks}{_word()}{ticks}")
        else:
            parts.append(_word())
    return indent + " ".join(parts)


@st.composite
def _heading(draw: st.DrawFn, indent: str = "") -> str:
    title = f"{_word()} {draw(st.sampled_from(['', 'x', '`c`', '*e*', 'a b']))}".strip()
    style = draw(st.sampled_from(["atx", "closed", "tight", "attr", "setext"]))
    hashes = "#" * draw(st.integers(1, 4))
    return {
        "atx": f"{indent}{hashes} {title}",
        "closed": f"{indent}{hashes} {title} {hashes}",
        "tight": f"{indent}{hashes}{title}",
        "attr": f"{indent}{hashes} {title} {{ #id-{_word()} }}",
        "setext": f"{indent}{title}\n{indent}{draw(st.sampled_from(['===', '---']))}",
    }[style]


@st.composite
def _block(draw: st.DrawFn) -> str:
    kind = draw(
        st.sampled_from(
            ["paragraph", "fence", "indented", "admonition", "list", "heading", "quote"]
        )
    )
    if kind == "paragraph":
        return draw(_paragraph())
    if kind == "heading":
        return draw(_heading())
    if kind == "quote":
        return "> " + draw(_fence()).replace("\n", "\n> ")
    if kind == "fence":
        return draw(_fence())
    if kind == "indented":
        return f"    {_word()}\n    {_word()}"
    inner = draw(st.sampled_from(["paragraph", "fence", "code", "heading"]))
    body = {
        "paragraph": lambda: draw(_paragraph("    ")),
        "heading": lambda: draw(_heading("    ")),
        "fence": lambda: draw(_fence("    ")),
        "code": lambda: f"        {_word()}",
    }[inner]()
    head = "!!! note" if kind == "admonition" else f"- {_word()}"
    return f"{head}\n\n{body}"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_block(), min_size=1, max_size=6))
def test_the_scanner_agrees_with_python_markdown(blocks: list[str]) -> None:
    text = "\n\n".join(blocks) + "\n"
    assert masked_words(text) == code_words(text), text


def _toc(text: str) -> list[tuple[int, str]]:
    md = markdown.Markdown(extensions=EXTENSIONS)
    md.convert(text)
    found: list[tuple[int, str]] = []

    def walk(tokens: list[dict[str, object]]) -> None:
        for token in tokens:
            found.append((int(str(token["level"])), str(token["id"])))
            walk(token["children"])  # type: ignore[arg-type]

    walk(md.toc_tokens)  # type: ignore[attr-defined]
    return found


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_block(), min_size=1, max_size=6))
def test_headings_agree_with_the_toc_extension(blocks: list[str]) -> None:
    text = "\n\n".join(blocks) + "\n"
    assert [(h.level, h.anchor) for h in headings(text)] == _toc(text), text


def test_an_unpaired_run_skips_as_many_characters_again() -> None:
    # Python-Markdown resumes after twice the run's length: `` ``` ```` w3 ```` `` has no
    # code, while `` ``` x ```` y ```` `` has `y`.
    assert masked_words("``` ```` w3 ````") == set() == code_words("``` ```` w3 ````")
    assert masked_words("``` w1 ```` w2 ````") == {"w2"} == code_words("``` w1 ```` w2 ````")


_SPAN_TEXT = st.lists(st.sampled_from(["`", "``", "\\", "w1", "w2", " ", "a b"]), max_size=12)


@settings(max_examples=500, deadline=None)
@given(st.lists(_SPAN_TEXT.map("".join), min_size=1, max_size=4))
def test_a_quoted_paragraph_has_the_same_code_spans(lines: list[str]) -> None:
    # Python-Markdown pairs backticks in a blockquote's text after removing the `>`s: the
    # scanner reads a paragraph with quote prefixes by a path of its own, which must mask
    # the same characters as the plain paragraph.
    lines = [f"w0 {line}" for line in lines]  # (no line may open a block of its own)
    plain = mask_code("\n".join(lines) + "\n")
    quoted = mask_code("".join(f"> {line}\n" for line in lines))
    assert all(line.startswith("> ") for line in quoted.split("\n")[:-1])
    assert [line[2:] for line in quoted.split("\n")] == plain.split("\n")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("`~ \t>\n\r-*+1.!?[]^:#=\\{}ab")), max_size=120))
def test_masking_any_text_keeps_its_shape(text: str) -> None:
    masked = mask_code(text)
    assert len(masked) == len(text)
    for kept, was in zip(masked, text, strict=True):
        assert kept == was or (kept == " " and was not in "\r\n")
    # The line kinds the stages share agree with the lines the scanner shows.
    assert code_line_numbers(text) == {line.number for line in code_lines(text) if line.code}
