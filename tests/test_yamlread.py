"""Tests for generator.yamlread: YAML with the line of every key and item."""

from __future__ import annotations

import pytest

from generator.load.yamlread import LineDict, LineList, read_yaml
from generator.model import Finding, Location, Severity

TEXT = """\
# a comment
title: T
sources:
  - key: a
    role: x

  - key: b
nested: {inner: 1}
"""


def test_mappings_and_lists_know_their_lines() -> None:
    document, problem = read_yaml(TEXT, "q.yaml")

    assert problem is None
    assert isinstance(document, LineDict)
    assert (document.line, document.line_of("title"), document.line_of("sources")) == (2, 2, 3)
    sources = document["sources"]
    assert isinstance(sources, LineList)
    assert (sources.line, sources.item_lines) == (4, [4, 7])
    first = sources[0]
    assert (first.line, first.line_of("key"), first.line_of("role")) == (4, 4, 5)
    assert document["nested"].line_of("inner") == 8


def test_an_unknown_key_falls_back_to_the_mapping_line() -> None:
    document, _ = read_yaml(TEXT, "q.yaml")
    assert document["sources"][1].line_of("missing") == 7


def test_values_compare_as_plain_python() -> None:
    document, _ = read_yaml("a: [one, two]\nb: {c: null, d: true}\n", "q.yaml")
    assert document == {"a": ["one", "two"], "b": {"c": None, "d": True}}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("eprint: 2401.10", "2401.10", id="float-keeps-its-zero"),
        pytest.param("year: 2024", "2024", id="int"),
        pytest.param("pages: 0x1F", "0x1F", id="hex-stays-as-written"),
    ],
)
def test_numbers_are_kept_as_written(text: str, expected: str) -> None:
    document, _ = read_yaml(text + "\n", "q.yaml")
    assert list(document.values()) == [expected]


def test_keys_are_kept_as_written() -> None:
    # PyYAML would make these 2024, True, True, None and 1.5: `yes:` was reported as the
    # unknown field `True`.
    document, _ = read_yaml("2024: a\ntrue: b\nyes: c\nnull: d\n1.50: e\n", "q.yaml")
    assert list(document) == ["2024", "true", "yes", "null", "1.50"]
    assert document.line_of("yes") == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", None, id="empty"),
        pytest.param("just text\n", "just text", id="scalar"),
    ],
)
def test_documents_that_are_not_mappings_are_returned_as_is(text: str, expected: str) -> None:
    assert read_yaml(text, "q.yaml") == (expected, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "title: a: b\n",
            Finding(
                "yaml-syntax",
                Severity.ERROR,
                "YAML syntax error: mapping values are not allowed here",
                Location("q.yaml", 1, 9),
                "check the indentation and quoting on this line (a value with ': ' needs quotes)",
            ),
            id="colon-in-value",
        ),
        pytest.param(
            "a: 1\n  b: 2\n",
            Finding(
                "yaml-syntax",
                Severity.ERROR,
                "YAML syntax error: mapping values are not allowed here",
                Location("q.yaml", 2, 4),
                "check the indentation and quoting on this line (a value with ': ' needs quotes)",
            ),
            id="indentation",
        ),
        pytest.param(
            'a: "open\n',
            Finding(
                "yaml-syntax",
                Severity.ERROR,
                "YAML syntax error: found unexpected end of stream",
                Location("q.yaml", 2, 1),
                "check the indentation and quoting on this line (a value with ': ' needs quotes)",
            ),
            id="open-quote",
        ),
    ],
)
def test_a_syntax_error_is_a_finding_at_its_line(text: str, expected: Finding) -> None:
    assert read_yaml(text, "q.yaml") == (None, expected)


def test_unsafe_tags_are_refused() -> None:
    document, problem = read_yaml("a: !!python/object:os.system x\n", "q.yaml")

    assert document is None
    assert problem is not None
    assert problem.code == "yaml-syntax"
    assert problem.location == Location("q.yaml", 1, 4)
