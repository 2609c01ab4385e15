"""Tests for generator.citations: finding `[@key]` groups in Markdown, outside code."""

from __future__ import annotations

import pytest

from generator.citations import CitationGroup, find_citations, replace_citations
from generator.model import Location
from generator.suggest import suggest

PAGE = "docs/q1/index.md"


def keys(text: str) -> list[tuple[str, ...]]:
    return [group.keys for group in find_citations(text, PAGE)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("As shown [@kim2022mssnet].", [("kim2022mssnet",)], id="one"),
        pytest.param("See [@a; @b].", [("a", "b")], id="two"),
        pytest.param("See [@a;@b ;  @c].", [("a", "b", "c")], id="spacing"),
        pytest.param("[@a] and [@b]", [("a",), ("b",)], id="two-groups"),
        pytest.param("[@doi:10.1/x.y-z+w]", [("doi:10.1/x.y-z+w",)], id="key-punctuation"),
        pytest.param("[@a](https://example.org)", [], id="inline-link"),
        pytest.param("[@a][ref]", [], id="reference-link"),
        pytest.param("[@a]: https://example.org", [], id="link-definition"),
        pytest.param("[see @a]", [], id="prefix-text"),
        pytest.param("[@a, p. 3]", [], id="locator"),
        pytest.param("[@a; b]", [], id="second-without-at"),
        pytest.param("[@]", [], id="empty-key"),
        pytest.param("email me@example.org", [], id="email"),
        pytest.param("[@a\n@b]", [], id="across-lines"),
    ],
)
def test_what_counts_as_a_citation(text: str, expected: list[tuple[str, ...]]) -> None:
    assert keys(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("```\n[@a]\n```\n", id="backtick-fence"),
        pytest.param("~~~markdown\n[@a]\n~~~\n", id="tilde-fence"),
        pytest.param("````\n```\n[@a]\n```\n````\n", id="longer-fence"),
        pytest.param("   ```\n[@a]\n   ```\n", id="indented-fence"),
        pytest.param("Use `[@a]` to cite.\n", id="code-span"),
        pytest.param("Use ``[@a] `x` `` to cite.\n", id="double-backtick-span"),
        pytest.param("Text.\n\n    [@a]\n", id="indented-code"),
        pytest.param("Text.\n\n\t[@a]\n", id="tab-indented-code"),
    ],
)
def test_citations_in_code_are_text(text: str) -> None:
    assert keys(text) == []


def test_text_after_a_closed_fence_counts_again() -> None:
    assert keys("```\n[@a]\n```\n[@b]\n~~~\n```\n[@c]\n~~~\n[@d]\n") == [("b",), ("d",)]


def test_an_indented_continuation_line_is_not_code() -> None:
    # No blank line before it: a paragraph's continuation, or a list item's body.
    assert keys("- item\n    [@a]\n") == [("a",)]


def test_each_group_has_its_line_column_and_span() -> None:
    text = "# Title\n\nFirst [@a].\n  Then [@b; @c] here.\n"
    groups = find_citations(text, PAGE)

    assert groups == [
        CitationGroup(15, 19, ("a",), Location(PAGE, 3, 7)),
        CitationGroup(28, 36, ("b", "c"), Location(PAGE, 4, 8)),
    ]
    assert [text[g.start : g.end] for g in groups] == ["[@a]", "[@b; @c]"]


def test_lines_are_counted_through_code_blocks() -> None:
    text = "```\n[@x]\n```\n`[@y]` and [@z]\n"
    (group,) = find_citations(text, PAGE)
    assert group.location == Location(PAGE, 4, 12)


def test_replace_citations_keeps_everything_else() -> None:
    text = "A [@a; @b], `[@c]` and [@d](x).\n"
    rendered = replace_citations(text, PAGE, lambda g: "(" + ", ".join(g.keys) + ")")
    assert rendered == "A (a, b), `[@c]` and [@d](x).\n"


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        pytest.param("kim2022msnet", "kim2022mssnet", id="typo"),
        pytest.param("KIM2022MSSNET", "kim2022mssnet", id="case"),
        pytest.param("zzz", None, id="nothing-close"),
    ],
)
def test_suggest_the_closest_known_key(key: str, expected: str | None) -> None:
    assert suggest(key, ["kim2022mssnet", "liu2024littlebig"]) == expected


def test_suggest_with_no_known_keys() -> None:
    assert suggest("a", []) is None
