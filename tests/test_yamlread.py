"""Tests for generator.yamlread: YAML with the line of every key and item."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.load.yamlread import (
    MAX_ALIAS_NODES,
    MAX_ALIASES,
    MAX_DEPTH,
    LineDict,
    LineList,
    read_yaml,
)
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


# --- hostile YAML: limits while composing, keys as written, every scalar text ------------


def _finding(text: str) -> tuple[str, Location, str]:
    document, problem = read_yaml(text, "q.yaml")
    assert document is None
    assert problem is not None
    assert problem.severity is Severity.ERROR
    return problem.code, problem.location, problem.message


def test_nesting_deeper_than_the_limit_is_refused_while_composing() -> None:
    # 400 levels were a RecursionError in PyYAML's composer (exit 4).
    assert _finding("a: " + "[" * 400 + "]" * 400 + "\n") == (
        "yaml-too-deep",
        Location("q.yaml", 1, 4 + MAX_DEPTH - 1),
        f"expected lists and mappings nested at most {MAX_DEPTH} deep, found deeper nesting",
    )


def test_nesting_up_to_the_limit_is_read() -> None:
    depth = MAX_DEPTH - 1  # the top-level mapping is one level
    document, problem = read_yaml("a: " + "[" * depth + "]" * depth + "\n", "q.yaml")
    assert problem is None
    assert document["a"] is not None


def _laughs(levels: int) -> str:
    names = "abcdefghij"
    text = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for i in range(1, levels):
        text += f"{names[i]}: &{names[i]} [" + ", ".join([f"*{names[i - 1]}"] * 9) + "]\n"
    return text


def test_a_billion_laughs_is_refused_fast_at_the_alias_that_goes_over() -> None:
    started = time.perf_counter()
    code, where, message = _finding(_laughs(9) + "? *i\n: as a key\n")
    assert time.perf_counter() - started < 1  # was 28 s and 2.2 GB, then a MemoryError
    assert (code, where) == ("yaml-too-many-aliases", Location("q.yaml", 5, 8))
    assert f"{MAX_ALIAS_NODES:,} values in all" in message


def test_alias_uses_are_limited_even_when_each_repeats_little() -> None:
    text = "a: &a x\nb: [" + ", ".join(["*a"] * (MAX_ALIASES + 1)) + "]\n"
    code, where, _ = _finding(text)
    assert (code, where) == ("yaml-too-many-aliases", Location("q.yaml", 2, 5 + 4 * MAX_ALIASES))


def test_a_few_aliases_are_fine() -> None:
    document, problem = read_yaml("a: &note Shared text.\nb: *note\nc: *note\n", "q.yaml")
    assert problem is None
    assert document == {"a": "Shared text.", "b": "Shared text.", "c": "Shared text."}


def test_an_alias_inside_the_value_it_names_is_refused() -> None:
    code, where, _ = _finding("a: &a [x, *a]\n")
    assert (code, where) == ("yaml-too-many-aliases", Location("q.yaml", 1, 11))


@pytest.mark.parametrize(
    ("text", "where", "kind"),
    [
        pytest.param("? [a, b]\n: 1\n", Location("q.yaml", 1, 3), "a list", id="list"),
        pytest.param("{a: 1}: 2\n", Location("q.yaml", 1, 1), "a mapping", id="mapping"),
        pytest.param(
            "l: &l [a]\n? *l\n: 2\n", Location("q.yaml", 2, 3), "an alias to a list", id="alias"
        ),
    ],
)
def test_a_key_must_be_text(text: str, where: Location, kind: str) -> None:
    assert _finding(text) == (
        "yaml-bad-key",
        where,
        f"expected a text key, found {kind} used as a key",
    )


def test_a_key_written_twice_is_recorded_with_both_lines() -> None:
    document, problem = read_yaml("a: 1\nb: 2\na: 3\nb: 4\n", "q.yaml")
    assert problem is None
    assert document.duplicates == (("a", 3, 1), ("b", 4, 2))
    assert document == {"a": "3", "b": "4"}  # as PyYAML: the last one


def test_a_merged_key_overridden_is_no_duplicate() -> None:
    document, problem = read_yaml("base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  x: 3\n", "q.yaml")
    assert problem is None
    assert document["c"] == {"x": "3", "y": "2"}
    assert document["c"].duplicates == ()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        pytest.param("a: 2024-13-45\n", "2024-13-45", id="impossible-date"),
        pytest.param("a: 2024-02-30\n", "2024-02-30", id="day-out-of-range"),
        pytest.param("a: 2024-01-01 10:00:00 +99:99\n", "2024-01-01 10:00:00 +99:99", id="offset"),
        pytest.param("a: !!timestamp soon\n", "soon", id="timestamp-tag"),
        pytest.param("a: !!bool maybe\n", "maybe", id="bool-tag"),
        pytest.param("a: !!float abc\n", "abc", id="float-tag"),
        pytest.param("a: yes\n", True, id="yes-value-stays-a-bool"),
    ],
)
def test_scalars_that_would_fail_to_convert_are_text(text: str, value: object) -> None:
    # PyYAML raised ValueError, AttributeError or KeyError on the first four: exit 4.
    assert read_yaml(text, "q.yaml") == ({"a": value}, None)


def test_a_tag_on_the_wrong_kind_of_node_is_a_syntax_finding() -> None:
    assert _finding("a: !!int [1]\n")[0:2] == ("yaml-syntax", Location("q.yaml", 1, 4))


def test_a_control_character_is_a_finding_at_its_line_and_column() -> None:
    assert _finding("a: b\nc: d\x00e\n") == (
        "yaml-syntax",
        Location("q.yaml", 2, 5),
        "YAML syntax error: expected printable text, found the control character U+0000",
    )


# --- libyaml's parser under the same composer ---------------------------------------------
# `read_yaml` reads with libyaml's scanner and parser when PyYAML has them, and reads again
# with PyYAML's Python ones on any problem, whose messages it gives. So a document libyaml
# reads must be read alike by Python's: same values, same lines, same duplicates.


def _lines(value: object) -> object:
    """Every line a read document carries, nested as the document."""
    if isinstance(value, LineDict):
        return (
            value.line,
            sorted(value.key_lines.items()),
            value.duplicates,
            {k: _lines(v) for k, v in value.items()},
        )
    if isinstance(value, LineList):
        return (value.line, value.item_lines, [_lines(v) for v in value])
    return value


def _both(text: str) -> tuple[object, object]:
    """What `read_yaml` reads (libyaml's parser first), and what Python's parser alone reads."""
    from generator.load import yamlread

    if not yamlread.LIBYAML:
        pytest.skip("PyYAML without libyaml")
    document, problem = read_yaml(text, "x.yaml")
    given = ("read", _lines(document)) if problem is None else ("refused",)
    try:
        loader = yamlread._Loader(text)
        return given, ("read", _lines(loader.get_single_data()))
    except Exception:
        return given, ("refused",)


_PIECES = [*"ab1 :-#'\"\n\t{}[],&*!?|>%@`\\.=~", "\r\n", "- ", ": ", "  ", "é", "\x85", "\x00"]
_PIECES += ["\ufeff", "\u2028", "---", "...", "!!str", "!!int", "<<: ", "&a ", "*a", "key: "]
_YAMLISH = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)


@settings(max_examples=500, deadline=None)
@given(text=_YAMLISH)
def test_what_python_reads_libyaml_reads_alike(text: str) -> None:
    fast, pure = _both(text)
    if pure[0] == "read":
        assert fast == pure


_ROOT = Path(__file__).parent.parent
# The project's own YAML: its configuration, the vocabulary, the references and every fixture.
_YAML_FILES = sorted(
    path
    for where in ("generator", "references", "tests/fixtures", ".github")
    for path in (_ROOT / where).glob("**/*.y*ml")
) + sorted(_ROOT.glob("*.y*ml"))


@pytest.mark.parametrize("path", _YAML_FILES, ids=lambda path: path.relative_to(_ROOT).as_posix())
def test_every_yaml_file_of_the_project_is_read_alike(path: Path) -> None:
    fast, pure = _both(path.read_text(encoding="utf-8", errors="replace"))
    assert fast == pure
