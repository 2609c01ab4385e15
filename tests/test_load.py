"""Tests for generator.load: BibTeX and YAML sources, duplicate keys, the whole project."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import bibtexparser
import pytest

from generator.errors import InputError
from generator.load import (
    bibentry,
    bibscan,
    bibtex,
    load_project,
    read_bibtex,
    read_pages,
    read_source_yaml,
)
from generator.load.bibscan import scan_bibtex
from generator.load.bibtex import read_bibtex_blocks
from generator.load.latex import MAX_BRACE_DEPTH
from generator.model import Finding, Location, Severity, Source

BIB = "references/sources.bib"
YAML = "references/more.yaml"


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def one_source(text: str, path: str = BIB) -> Source:
    reader = read_bibtex if path.endswith(".bib") else read_source_yaml
    sources, findings = reader(dedent(text), path)
    assert findings == []
    assert len(sources) == 1
    return sources[0]


def codes(findings: list[Finding]) -> list[str]:
    return [finding.code for finding in findings]


# --- BibTeX -----------------------------------------------------------------------------


MSSNET = """
% A comment line first, so the entry does not start on line 1.

@inproceedings{kim2022mssnet,
  title     = {{MSSNet}: Multi-Scale-Stage Network for Single Image Deblurring},
  author    = {Kim, Kiyeon and Lee, Seungyong and Cho, Sunghyun},
  booktitle = {Computer Vision -- {ECCV} 2022 Workshops},
  pages     = {524--539},
  year      = {2022},
  url       = {https://cg.postech.ac.kr/Research/MSSNet/MSSNet.pdf},
  code      = {https://github.com/kky7/MSSNet},
  keywords  = {deblurring, coarse-to-fine, pixel shuffle},
  annotation = {Keeps *Markdown* {as written}.}
}
"""


def test_bibtex_entry_becomes_a_source_with_plain_text_fields() -> None:
    source = one_source(MSSNET)

    assert source == Source(
        key="kim2022mssnet",
        title="MSSNet: Multi-Scale-Stage Network for Single Image Deblurring",
        location=Location(BIB, 3),
        entry_type="inproceedings",
        authors=("Kim, Kiyeon", "Lee, Seungyong", "Cho, Sunghyun"),
        year="2022",
        venue="Computer Vision – ECCV 2022 Workshops",
        pages="524–539",
        url="https://cg.postech.ac.kr/Research/MSSNet/MSSNet.pdf",
        code="https://github.com/kky7/MSSNet",
        annotation="Keeps *Markdown* {as written}.",
        keywords=("deblurring", "coarse-to-fine", "pixel shuffle"),
        bibtex=dedent(MSSNET).split("\n", 2)[2].lstrip("\n"),
    )
    assert source.links == (
        ("paper", "https://cg.postech.ac.kr/Research/MSSNet/MSSNet.pdf"),
        ("code", "https://github.com/kky7/MSSNet"),
    )


@pytest.mark.parametrize(
    ("written", "plain"),
    [
        pytest.param(r"{MSSNet}", "MSSNet", id="braces"),
        pytest.param(r"M{\"u}ller", "Müller", id="umlaut"),
        pytest.param(r"Fran{\c{c}}ois", "François", id="cedilla"),
        pytest.param(r"pages 1--2", "pages 1–2", id="en-dash"),
        pytest.param("two\n    lines,   folded", "two lines, folded", id="whitespace"),
        pytest.param("plain title", "plain title", id="plain"),
    ],
)
def test_bibtex_title_is_decoded_to_plain_text(written: str, plain: str) -> None:
    source = one_source(f"@misc{{k,\n  title = {{{written}}}\n}}\n")
    assert source.title == plain


def test_bibtex_authors_are_split_and_decoded() -> None:
    source = one_source(
        r"""
        @misc{k,
          title  = {T},
          author = {M{\"u}ller, J{\"o}rg and Ann Smith and {Open Science Collaboration}}
        }
        """
    )
    assert source.authors == ("Müller, Jörg", "Ann Smith", "Open Science Collaboration")


def test_bibtex_journal_eprint_and_defaults() -> None:
    source = one_source(
        """
        @ARTICLE{liu2024,
          title         = {Speeding Up},
          journal       = {Journal of Tests},
          eprint        = {2406.17117},
          archiveprefix = {arXiv}
        }
        """
    )
    assert (source.entry_type, source.venue, source.eprint) == (
        "article",
        "Journal of Tests",
        "2406.17117",
    )
    assert (source.authors, source.keywords, source.url, source.code) == ((), (), None, None)
    assert source.year is None


def test_bibtex_entries_keep_their_1_based_start_lines() -> None:
    text = dedent(
        """
        @misc{a, title = {A}}

        % a comment

        @misc{b,
          title = {B}
        }
        @misc{c,
          title = {C}}
        """
    )
    sources, findings = read_bibtex(text, BIB)

    assert findings == []
    assert [(s.key, s.location.line) for s in sources] == [("a", 1), ("b", 5), ("c", 8)]


def test_bibtex_without_a_title_is_kept_with_a_note_at_the_entry() -> None:
    # Not an error: a prompt gives no title for a recommended model, and none is invented.
    sources, findings = read_bibtex("\n@misc{k,\n  year = {2024}\n}\n", BIB)

    assert [(s.key, s.title, s.year) for s in sources] == [("k", "", "2024")]
    assert findings == [
        Finding(
            "ref-missing-title",
            Severity.INFO,
            'source `k` has no title: its pages say "title not given"',
            Location(BIB, 2),
            "add `title = {…}` to the entry",
        )
    ]


@pytest.mark.parametrize("field", ["url", "code"])
@pytest.mark.parametrize(
    "value", ["github.com/a/b", "ftp://example.org/x", "https://", "javascript:alert(1)"]
)
def test_bibtex_url_must_be_http_at_the_field_line(field: str, value: str) -> None:
    text = f"@misc{{k,\n  title = {{T}},\n  {field} = {{{value}}}\n}}\n"
    sources, findings = read_bibtex(text, BIB)

    assert sources == []
    assert findings == [
        Finding(
            "ref-bad-url",
            Severity.ERROR,
            f"`{field}` of source `k` must be an http(s) URL, found `{value}`",
            Location(BIB, 3),
            "write the full address, starting with https://",
        )
    ]


@pytest.mark.parametrize(
    ("text", "message", "where", "hint"),
    [
        pytest.param(
            "@misc{k,\n  title = {{A} B,\n  year = {2024}\n}\n",
            "this `{` is never closed, so the @misc entry `k` (line 1) cannot be read",
            Location(BIB, 2, 11),
            "add the matching `}` to the value that starts here",
            id="value-brace",
        ),
        pytest.param(
            '@misc{k,\n  title = {A},\n  note = "open,\n  year = {2024}\n}\n',
            'this `"` is never closed, so the @misc entry `k` (line 1) cannot be read',
            Location(BIB, 3, 10),
            'add the matching `"` to the value that starts here',
            id="value-quote",
        ),
        pytest.param(
            "@misc{k,\n  title = {A}\n\n@misc{j, title = {B}}\n",
            "the `{` that opens the @misc entry `k` is never closed",
            Location(BIB, 1, 6),
            "end the entry with `}` before the next `@`",
            id="entry-brace",
        ),
        pytest.param(
            "@misc{k\n  title = {A}\n}\n",
            "could not parse the @misc entry `k` that starts here: "
            "Expected comma after entry key, but found =",
            Location(BIB, 1),
            "write the entry as `@type{key, field = {value}, ...}`: a comma after the key "
            "and after each field, every `{` closed",
            id="no-comma-after-key",
        ),
        pytest.param(
            "@misc{k,\n  title = {A}},\n  year = {2024}\n}\n",
            "the field `year` is outside any entry, so it is ignored: "
            "an entry above it was closed early",
            Location(BIB, 3),
            "remove the extra `}` in the entry above, so the entry ends after its last field",
            id="closed-early",
        ),
    ],
)
def test_bibtex_parse_failures_point_at_the_culprit(
    text: str, message: str, where: Location, hint: str
) -> None:
    _, findings = read_bibtex(text, BIB)

    assert findings == [Finding("bib-parse-failed", Severity.ERROR, message, where, hint)]


def test_a_bad_entry_does_not_hide_the_good_ones() -> None:
    text = "@misc{a, title = {A}}\n@misc{b,\n  title = {B\n}\n@misc{c, title = {C}}\n"
    sources, findings = read_bibtex(text, BIB)

    assert [s.key for s in sources] == ["a", "c"]
    assert codes(findings) == ["bib-parse-failed"]


def test_comments_between_entries_are_not_findings() -> None:
    text = "% title = {not a field}\nSome prose, with x = y.\n@misc{a, title = {A}}\n"
    sources, findings = read_bibtex(text, BIB)

    assert findings == []
    assert [(s.key, s.location.line) for s in sources] == [("a", 3)]


def test_a_key_twice_in_one_file_keeps_both_for_the_duplicate_check() -> None:
    text = "@misc{k, title = {First}}\n\n@misc{k,\n  title = {Second}\n}\n"
    sources, findings = read_bibtex(text, BIB)

    assert findings == []
    assert [(s.title, s.location.line) for s in sources] == [("First", 1), ("Second", 3)]


# --- YAML sources -------------------------------------------------------------------------


FULL_YAML = """
# A source written in YAML has the same fields as a BibTeX entry.
sources:
  - key: kim2022mssnet
    type: inproceedings
    title: "MSSNet:   Multi-Scale-Stage Network"
    authors: [Kim, Kiyeon, "Lee, Seungyong"]
    booktitle: ECCV 2022 Workshops
    pages: 524–539
    year: 2022
    eprint: "2406.17117"
    url: https://example.org/mssnet.pdf
    code: https://github.com/kky7/MSSNet
    abstract: An abstract.
    annotation: Kept as *Markdown*.
    keywords:
      - deblurring
      - pixel shuffle
  - key: other2024
    title: Other
    authors: Ann Smith, Bob Jones
    journal: J
    keywords: a, b
"""


def test_yaml_sources_have_the_same_fields() -> None:
    sources, findings = read_source_yaml(dedent(FULL_YAML), YAML)

    assert findings == []
    first, second = sources
    assert first == Source(
        key="kim2022mssnet",
        title="MSSNet: Multi-Scale-Stage Network",
        location=Location(YAML, 3),
        entry_type="inproceedings",
        authors=("Kim", "Kiyeon", "Lee, Seungyong"),
        year="2022",
        venue="ECCV 2022 Workshops",
        pages="524–539",
        eprint="2406.17117",
        url="https://example.org/mssnet.pdf",
        code="https://github.com/kky7/MSSNet",
        abstract="An abstract.",
        annotation="Kept as *Markdown*.",
        keywords=("deblurring", "pixel shuffle"),
        bibtex=first.bibtex,
    )
    assert (second.entry_type, second.authors, second.venue, second.keywords) == (
        "misc",
        ("Ann Smith", "Bob Jones"),
        "J",
        ("a", "b"),
    )
    assert second.location == Location(YAML, 18)


def test_a_yaml_source_gets_a_bibtex_rendering_that_parses_back() -> None:
    sources, _ = read_source_yaml(dedent(FULL_YAML), YAML)
    source = sources[0]

    assert source.bibtex.startswith("@inproceedings{kim2022mssnet,\n")
    assert source.bibtex.endswith("}\n")
    assert "annotation" not in source.bibtex  # a note about the source, not bibliographic data
    (entry,) = bibtexparser.parse_string(source.bibtex).entries
    fields = {field.key: field.value for field in entry.fields}
    assert fields == {
        "title": "MSSNet: Multi-Scale-Stage Network",
        "author": "Kim and Kiyeon and Lee, Seungyong",
        "year": "2022",
        "booktitle": "ECCV 2022 Workshops",
        "pages": "524–539",
        "eprint": "2406.17117",
        "url": "https://example.org/mssnet.pdf",
        "code": "https://github.com/kky7/MSSNet",
        "abstract": "An abstract.",
        "keywords": "deblurring, pixel shuffle",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "sources:\n  - title: T\n",
            Finding(
                "yaml-missing-field",
                Severity.ERROR,
                "a source has no `key`",
                Location(YAML, 2),
                "add `key: …` to a source",
            ),
            id="no-key",
        ),
        pytest.param(
            "sources:\n  - key: k\n    title: T\n    url: www.example.org\n",
            Finding(
                "ref-bad-url",
                Severity.ERROR,
                "`url` of source `k` must be an http(s) URL, found `www.example.org`",
                Location(YAML, 4),
                "write the full address, starting with https://",
            ),
            id="bad-url",
        ),
        pytest.param(
            "sources:\n  - key: k\n    title: T\n    author: [A]\n",
            Finding(
                "yaml-unknown-field",
                Severity.ERROR,
                "unknown field `author` in a source",
                Location(YAML, 4),
                "did you mean `authors`?",
            ),
            id="author-singular",
        ),
        pytest.param(
            "sources:\n  - key: k\n    title: [T]\n",
            Finding(
                "yaml-wrong-type",
                Severity.ERROR,
                "`title` in source `k` must be text, found a list",
                Location(YAML, 3),
                "write `title` as a single line of text, or a `|` block",
            ),
            id="title-list",
        ),
        pytest.param(
            "sources:\n  - key: k\n    title: T\n    keywords: {a: b}\n",
            Finding(
                "yaml-wrong-type",
                Severity.ERROR,
                "`keywords` in source `k` must be a list of text, found a mapping",
                Location(YAML, 4),
                "write `keywords: [a, b]` or one `- item` per line",
            ),
            id="keywords-mapping",
        ),
        pytest.param(
            "- key: k\n  title: T\n",
            Finding(
                "yaml-not-a-mapping",
                Severity.ERROR,
                f"the reference file {YAML} must be a mapping (`key: value` lines), found a list",
                Location(YAML, 1),
                "start the file with `sources:` and list one `- key: …` item per source under it",
            ),
            id="top-level-list",
        ),
        pytest.param(
            "sources:\n  - k2024\n",
            Finding(
                "yaml-not-a-mapping",
                Severity.ERROR,
                "each item of `sources` must be a mapping (`key: value` lines), "
                "found the text `k2024`",
                Location(YAML, 2),
                "write each item of `sources` as `key: value` lines",
            ),
            id="item-text",
        ),
        pytest.param(
            "source:\n  - key: k\n",
            Finding(
                "yaml-unknown-field",
                Severity.ERROR,
                "unknown field `source` in a reference file",
                Location(YAML, 1),
                "did you mean `sources`?",
            ),
            id="top-level-typo",
        ),
    ],
)
def test_yaml_source_problems(text: str, expected: Finding) -> None:
    sources, findings = read_source_yaml(text, YAML)

    assert sources == []
    assert findings == [expected]


# --- the project --------------------------------------------------------------------------


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text), encoding="utf-8")
    return root


QUESTION = """
title: T
question: Q?
sources:
  - key: a
    role: recommended-model
    annotation: Why.
"""


def test_load_project_reads_bib_yaml_and_questions(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "references/b.bib": "@misc{b, title = {B}}\n",
            "references/a.yaml": "sources:\n  - key: a\n    title: A\n",
            "references/notes.txt": "not a reference file",
            "references/questions/z-last.yaml": QUESTION,
            "references/questions/a-first.yml": QUESTION,
        },
    )
    project, findings = load_project(root)

    assert findings == []
    assert list(project.sources) == ["a"]  # the source the questions provide, read in full
    assert project.unused == {"b"}  # the others: only their keys
    assert [q.id for q in project.questions] == ["a-first", "z-last"]
    assert project.questions[0].location == Location("references/questions/a-first.yml", 1)


def test_a_key_in_two_files_names_both_places(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "references/a.bib": "% one line first\n@misc{k, title = {From BibTeX}}\n",
            "references/b.yaml": "sources:\n  - key: x\n    title: X\n  - key: k\n    title: Y\n",
            "references/questions/q.yaml": QUESTION.replace("key: a", "key: k"),
        },
    )
    project, findings = load_project(root)

    assert findings == [
        Finding(
            "ref-duplicate-key",
            Severity.ERROR,
            "source key `k` is defined twice: here and at references/a.bib:2",
            Location("references/b.yaml", 4),
            "rename one of the two keys, or delete the duplicate entry",
        )
    ]
    assert project.sources["k"].title == "From BibTeX"  # the first definition wins


def test_a_question_naming_a_broken_source_is_not_reported_twice(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "references/a.bib": "@misc{a,\n  year = {2024}\n}\n@misc{b,\n  title = {B\n}\n",
            "references/c.yaml": "sources:\n  - key: c\n    title: C\n    url: nowhere\n",
            "references/questions/q.yaml": """
                title: T
                question: Q?
                sources:
                  - {key: a, role: recommended-model, annotation: A.}
                  - {key: b, role: related-paper, annotation: B.}
                  - {key: c, role: related-paper, annotation: C.}
                workflow:
                  nodes:
                    - {id: m, label: M, sources: [a, b, c]}
                """,
        },
    )
    _, findings = load_project(root)

    assert sorted(codes(findings)) == ["bib-parse-failed", "ref-bad-url", "ref-missing-title"]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {},
            Finding(
                "ref-missing-folder",
                Severity.ERROR,
                "no references folder `references/`",
                Location("references"),
                "create it with a .bib or .yaml file of sources and a questions/ folder",
            ),
            id="no-folder",
        ),
        pytest.param(
            {"references/a.bib": "@misc{a, title = {A}}\n"},
            Finding(
                "question-none",
                Severity.INFO,
                "no question files in `references/questions/` yet",
                Location("references/questions"),
                "import one with `answersite import PROMPT.txt`, or write a `<id>.yaml` "
                "question file (see the README's input schema)",
            ),
            id="no-questions",
        ),
    ],
)
def test_load_project_needs_references_and_says_when_there_is_no_question(
    tmp_path: Path, files: dict[str, str], expected: Finding
) -> None:
    project, findings = load_project(write(tmp_path, files))

    assert findings == [expected]
    assert project.questions == ()


def test_the_default_project_loads_cleanly() -> None:
    project, findings = load_project(Path(__file__).resolve().parent.parent)

    assert findings == []
    assert [q.id for q in project.questions] == ["phone-3x-upscale"]
    assert all(source.title for source in project.sources.values())


def test_read_pages_skips_hidden_files_and_other_suffixes(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "docs/q/task.md": "# Task\n",
            "docs/.answersite/state.md": "hidden\n",
            "docs/.hidden.md": "hidden\n",
            "docs/assets/app.js": "js\n",
        },
    )
    assert read_pages(tmp_path / "docs") == {"index.md": "# Home\n", "q/task.md": "# Task\n"}
    assert read_pages(tmp_path / "missing") == {}


# --- hostile BibTeX -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "depth",
    [
        pytest.param(300, id="300-pylatexenc-recursion-error"),
        pytest.param(MAX_BRACE_DEPTH + 1, id="limit-plus-one-refused-before-decoding"),
    ],
)
def test_braces_nested_deeper_than_the_limit_are_a_finding_at_the_field(depth: int) -> None:
    deep = "\\textbf{" * depth + "x" + "}" * depth
    sources, findings = read_bibtex(f"@misc{{k,\n  year = 2024,\n  title = {{{deep}}}\n}}\n", BIB)

    assert sources == []
    assert findings == [
        Finding(
            "bib-too-deep",
            Severity.ERROR,
            f"`title` of source `k`: expected braces and macros nested at most "
            f"{MAX_BRACE_DEPTH} deep, found deeper nesting",
            Location(BIB, 3),
            "remove the extra braces: a value needs one pair, two (`{{…}}`) to keep capitals",
        )
    ]


def test_braces_nested_up_to_the_limit_are_decoded() -> None:
    depth = MAX_BRACE_DEPTH  # inside the field's own braces, which are not part of the value
    nested = "\\emph{" * depth + "x" + "}" * depth
    assert one_source(f"@misc{{k, title = {{{nested}}}}}\n").title == "x"


def test_a_recursion_error_while_decoding_is_a_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    def recurse(value: str) -> str:
        raise RecursionError

    monkeypatch.setattr(bibentry, "decode", recurse)
    _, findings = read_bibtex("@misc{k,\n  author = {A and B},\n  title = {T}\n}\n", BIB)
    assert [(f.code, f.location) for f in findings] == [("bib-too-deep", Location(BIB, 3))]


def test_a_field_written_twice_names_the_field() -> None:
    _, findings = read_bibtex("@misc{k,\n  title = {A},\n  title = {B}\n}\n", BIB)
    assert findings == [
        Finding(
            "bib-parse-failed",
            Severity.ERROR,
            "the entry `k` has the field `title` twice; a field may appear once",
            Location(BIB, 3),
            "remove one of the two `title = …` lines",
        )
    ]


# --- the scan: every block's kind, key and line, as bibtexparser sees them -------------------


def blocks(text: str) -> list[tuple[str, str | None, str | None, int]]:
    return [(b.kind, b.key, b.name, b.line) for c in scan_bibtex(text) for b in c.blocks]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "@misc{a, title={A}}\n\n@ARTICLE{b,\n title={B}}\n",
            [("entry", "a", "a", 1), ("entry", "b", "b", 3)],
            id="entries",
        ),
        pytest.param(
            "@misc{a, title={A}} @misc{b, title={B}}\n",
            [("entry", "a", "a", 1), ("entry", "b", "b", 1)],
            id="two-on-one-line",
        ),
        pytest.param(
            "@misc{a, note={LeQua @ {CLEF}}, title={A}}\n",
            [("entry", "a", "a", 1)],
            id="at-sign-in-a-value",
        ),
        pytest.param(
            "% see @ {x} here\n@misc{a, title={A}}\n",
            [("entry", "x", "x", 1), ("entry", "a", "a", 2)],
            id="at-sign-in-a-comment-starts-a-block",
        ),
        pytest.param(
            '@string{ieee = "IEEE"}\n@comment{@misc{no, title={N}}}\n@preamble{"x"}\n',
            [("string", None, None, 1), ("comment", None, None, 2), ("preamble", None, None, 3)],
            id="string-comment-preamble",
        ),
        pytest.param(
            "@misc(a, title={A})\n@misc{\n  b,\n title={B}}\n@misc{c}\n",
            [("entry", "a", "a", 1), ("entry", "b", "b", 2), ("entry", "c", "c", 5)],
            id="parentheses-key-on-its-line-no-fields",
        ),
        pytest.param(
            "@misc{k\n  title = {A}\n}\n@misc{a,\n  title = {A\n@misc{b, title={B}}\n",
            [("entry", None, "k", 1), ("entry", "a", "a", 4), ("entry", "b", "b", 6)],
            id="broken-head-and-unclosed-brace",
        ),
        pytest.param("  @misc{a,title={A}}\n", [("entry", "a", "a", 1)], id="indented"),
    ],
)
def test_the_scan_finds_each_block_as_bibtexparser_splits_them(
    text: str, expected: list[tuple[str, str | None, str | None, int]]
) -> None:
    assert blocks(text) == expected


def test_the_scan_marks_chunks_that_may_fail() -> None:
    chunks = scan_bibtex("@misc{a, title={A}\n@misc{k title={K}}\n@misc{b, title={\\{B}}\n")
    assert [c.suspect for c in chunks] == [False, True, True, False]


STRINGS = """
@string{ieee = "IEEE"}
@misc{a,
  title = {A},
  journal = ieee
}
@misc{b,
  title = {B},
  journal = ieee,
  url = {not a url}
}
@misc{c,
  title = {C, never closed,
  year = {2024}
}
@misc{d, title = {D}}
"""


@pytest.mark.parametrize("wanted", ["a", "b", "c", "d"])
def test_reading_one_entry_gives_what_reading_the_whole_file_gives(wanted: str) -> None:
    text = dedent(STRINGS)
    everything, all_findings = read_bibtex(text, BIB)

    sources, findings = read_bibtex_blocks(text, BIB, scan_bibtex(text), {wanted})

    assert sources == [s for s in everything if s.key == wanted]
    errors = [f for f in findings if f.severity is Severity.ERROR]
    expected = [f for f in all_findings if f"`{wanted}`" in f.message]
    assert errors == expected


def test_a_macro_resolves_when_only_its_entry_is_read() -> None:
    text = dedent(STRINGS)
    (source,), _ = read_bibtex_blocks(text, BIB, scan_bibtex(text), {"a"})
    assert source.venue == "IEEE"


def test_problems_of_entries_not_wanted_are_warnings_or_unread() -> None:
    text = dedent(STRINGS)
    sources, findings = read_bibtex_blocks(text, BIB, scan_bibtex(text), {"d"})

    assert [s.key for s in sources] == ["d"]
    # `c` looks broken (its braces do not balance), so it is parsed to warn about it; the
    # bad url of `b` is a field, and fields of entries not wanted are not read.
    assert [(f.code, f.severity, f.location) for f in findings] == [
        ("bib-parse-failed", Severity.WARNING, Location(BIB, 12, 11))
    ]


def test_a_block_left_open_ends_at_the_next_start_as_in_the_whole_file() -> None:
    # The entry is aborted by the start of the next block (unread here): the reason names it.
    text = "@misc{a,\n  title = {A},\n  year\n@article{b, title = {B}}\n"
    _, whole = read_bibtex(text, BIB)
    _, one = read_bibtex_blocks(text, BIB, scan_bibtex(text), {"a"})
    assert one == whole
    assert "`@article`" in whole[0].message


# --- the project: only provided sources are read in full -----------------------------------


def test_a_source_no_question_provides_is_read_for_its_key_only(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "references/a.bib": """
                @misc{a, title = {A}}
                @misc{notitle,
                  year = {2024}
                }
                @misc{badurl, title = {B}, url = {ftp://x}}
                """,
            "references/questions/q.yaml": QUESTION,
        },
    )
    project, findings = load_project(root)

    assert findings == []  # BibTeX itself only warns about a missing title
    assert list(project.sources) == ["a"]
    assert project.unused == {"notitle", "badurl"}
    assert project.keys == {"a", "notitle", "badurl"}


def test_a_provided_source_with_a_problem_is_an_error(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "references/a.bib": "@misc{a,\n  title = {A},\n  url = {nowhere}\n}\n",
            "references/questions/q.yaml": QUESTION,
        },
    )
    _, findings = load_project(root)

    assert [(f.code, f.severity, f.location) for f in findings] == [
        ("ref-bad-url", Severity.ERROR, Location("references/a.bib", 3))
    ]


def test_problems_of_yaml_sources_no_question_provides_are_warnings(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "references/a.yaml": """
                sources:
                  - key: a
                    title: A
                  - key: b
                    url: nowhere
                  - title: No key
                """,
            "references/questions/q.yaml": QUESTION,
        },
    )
    project, findings = load_project(root)

    assert list(project.sources) == ["a"]
    assert [(f.code, f.severity, f.location.line) for f in findings if f.location] == [
        ("ref-missing-title", Severity.INFO, 4),
        ("ref-bad-url", Severity.WARNING, 5),
        ("yaml-missing-field", Severity.WARNING, 6),
    ]


def test_a_provided_entry_whose_head_cannot_be_parsed_is_reported_once(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "references/a.bib": "@misc{a\n  title = {A}\n}\n",
            "references/questions/q.yaml": QUESTION,
        },
    )
    _, findings = load_project(root)

    assert [(f.code, f.severity) for f in findings] == [("bib-parse-failed", Severity.ERROR)]


KEYS = """
@misc{fine, title = {Fine}}
@misc{M{\\"u}ller2020, title = {A brace ends the key early}}
@misc{with space, title = {Space}}
@misc{, title = {Empty}}
@misc{Fine, title = {Case}}
@misc{fine_, title = {Anchor}}
@misc{fine, title = {Again}}
@misc{Müller2020, title = {Accent}}
"""


@pytest.mark.parametrize("provided", ["fine", "other"])
def test_keys_must_be_citable_and_defined_once(tmp_path: Path, provided: str) -> None:
    root = write(
        tmp_path,
        {
            "references/a.bib": KEYS + "@misc{other, title = {Other}}\n",
            "references/questions/q.yaml": QUESTION.replace("key: a", f"key: {provided}"),
        },
    )
    _, findings = load_project(root)

    # Problems of the key a question provides are errors, the others warnings.
    fine = Severity.ERROR if provided == "fine" else Severity.WARNING
    bib = "references/a.bib"
    bad = "expected a key of letters, digits and `_:.-/+` (starting with a letter, digit or `_`)"
    assert [(f.code, f.severity, f.location, f.message, f.hint) for f in findings] == [
        (
            "ref-bad-key",
            Severity.WARNING,
            Location(bib, 3),
            f"{bad}, found `with space`, which `[@…]` cannot cite",
            "rename it, e.g. `with-space`",
        ),
        (
            "ref-bad-key",
            Severity.WARNING,
            Location(bib, 4),
            "expected a source key, found an entry with an empty key",
            "write a key after the opening brace, e.g. `@article{doe2024,`",
        ),
        (
            "ref-duplicate-key",
            fine,
            Location(bib, 5),
            "source key `Fine` differs only in case from `fine` at references/a.bib:1: "
            "BibTeX and readers would take them for one key",
            "rename one of the two keys so that they differ in letters or digits",
        ),
        (
            "ref-duplicate-key",
            fine,
            Location(bib, 6),
            "source key `fine_` gives the same anchor `#ref-fine` as `fine` at "
            "references/a.bib:1: links would take them for one key",
            "rename one of the two keys so that they differ in letters or digits",
        ),
        (
            "ref-duplicate-key",
            fine,
            Location(bib, 7),
            "source key `fine` is defined twice: here and at references/a.bib:1",
            "rename one of the two keys, or delete the duplicate entry",
        ),
        (
            "ref-bad-key",
            Severity.WARNING,
            Location(bib, 8),
            f"{bad}, found `Müller2020`, which `[@…]` cannot cite",
            "rename it, e.g. `Muller2020`",
        ),
        (  # bibtexparser reads no key: a `{` may not be in one
            "bib-parse-failed",
            Severity.WARNING,
            Location(bib, 2),
            "could not parse the @misc entry `M` that starts here: "
            "Expected comma after entry key, but found {",
            "write the entry as `@type{key, field = {value}, ...}`: a comma after the key and "
            "after each field, every `{` closed",
        ),
    ]


def test_a_key_a_question_provides_must_be_citable(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "references/a.yaml": "sources:\n  - key: o'brien\n    title: O\n",
            "references/questions/q.yaml": QUESTION.replace("key: a", 'key: "o\'brien"'),
        },
    )
    _, findings = load_project(root)
    assert [(f.code, f.severity, f.hint) for f in findings] == [
        ("ref-bad-key", Severity.ERROR, "rename it, e.g. `o-brien`")
    ]


def test_did_you_mean_knows_the_keys_of_sources_not_provided(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "references/a.bib": "@misc{a, title = {A}}\n@misc{kim2022mssnet, title = {M}}\n",
            "references/questions/q.yaml": QUESTION + "  - {key: kim2022msnet, "
            "role: related-paper, annotation: B.}\n",
        },
    )
    _, findings = load_project(root)
    assert [(f.code, f.hint) for f in findings] == [
        ("question-unknown-source", "did you mean `kim2022mssnet`?")
    ]


def test_hidden_files_and_other_suffixes_are_not_read(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "references/a.yaml": "sources:\n  - key: a\n    title: A\n",
            "references/._a.bib": "\x00\x05 AppleDouble junk",
            "references/.#a.yaml": "an editor's lock file",
            "references/questions/q.yaml": QUESTION,
            "references/questions/.q.yaml": "not: [a question",
        },
    )
    _, findings = load_project(root)
    assert findings == []


def test_read_pages_gives_unix_newlines(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_bytes(b"# A\r\n\r\ntext\rmore\n")
    assert read_pages(tmp_path / "docs") == {"a.md": "# A\n\ntext\nmore\n"}


def test_a_page_that_cannot_be_read_stops_the_run_with_its_findings(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "folder.md").mkdir(parents=True)
    (docs / "latin1.md").write_bytes("# Caf\u00e9\n".encode("latin-1"))
    (docs / "fine.md").write_text("# Fine\n", "utf-8")

    with pytest.raises(InputError) as raised:
        read_pages(docs)

    assert raised.value.message == "2 pages of docs/ cannot be read; nothing was written"
    assert [(f.code, str(f.location)) for f in raised.value.findings] == [
        ("ref-not-a-file", "docs/folder.md"),
        ("ref-bad-encoding", "docs/latin1.md:1:6"),
    ]


def test_a_file_of_too_many_blocks_is_refused_before_they_are_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 64 MiB of `@a{k}` lines would be 9 million blocks: gigabytes of keys.
    monkeypatch.setattr(bibscan, "MAX_BLOCKS", 3)
    assert len(read_bibtex("@a{k1}\n@a{k2}\n@a{k3}\n", BIB)[0]) == 3  # at the limit: read
    assert read_bibtex("@a{k1}\n@a{k2}\n@a{k3}\n@a{k4}\n", BIB) == (
        [],
        [
            Finding(
                "ref-file-too-large",
                Severity.ERROR,
                "expected at most 3 blocks (entries, strings, comments) in a file, found more",
                Location(BIB),
                "split it into several files",
            )
        ],
    )


def test_an_entry_too_large_to_parse_is_a_finding_not_a_minute(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bibscan, "MAX_CHUNK_BYTES", 100)
    text = "@misc{big, title = {" + "{" * 200 + "}\n@misc{fine, title = {Fine}}\n"
    chunks = scan_bibtex(text)

    sources, findings = read_bibtex_blocks(text, BIB, chunks, {"big", "fine"})

    assert [s.key for s in sources] == ["fine"]
    assert findings == [
        Finding(
            "bib-parse-failed",
            Severity.ERROR,
            "the entry `big`: expected at most 100 bytes up to the next entry, found 222 bytes, "
            "so it is not read",
            Location(BIB, 1),
            "look for a brace or quote that is never closed, or text pasted in by mistake",
        )
    ]
    _, unused = read_bibtex_blocks(text, BIB, chunks, {"fine"})
    assert [(f.severity, f.location) for f in unused] == [(Severity.WARNING, Location(BIB, 1))]


def test_a_chunk_too_large_is_not_split_either(monkeypatch: pytest.MonkeyPatch) -> None:
    # Splitting runs bibtexparser's splitter on the chunk: as slow as parsing it.
    monkeypatch.setattr(bibscan, "MAX_CHUNK_BYTES", 100)
    text = "@misc{a, title = {A}} @misc{b, title = {B}}\n" + "% padding\n" * 10
    (_, chunk) = scan_bibtex(text)
    assert (chunk.suspect, [b.name for b in chunk.blocks]) == (True, ["a"])
    monkeypatch.setattr(bibscan, "MAX_CHUNK_BYTES", 2**20)
    (_, chunk) = scan_bibtex(text)
    assert (chunk.suspect, [b.name for b in chunk.blocks]) == (False, ["a", "b"])


def test_a_megabyte_of_braces_in_an_unused_entry_is_read_fast() -> None:
    text = "@misc{big, title = {" + "{" * 2_000_000 + "}\n@misc{fine, title = {Fine}}\n"
    started = time.perf_counter()
    sources, findings = read_bibtex_blocks(text, BIB, scan_bibtex(text), {"fine"})
    assert time.perf_counter() - started < 0.5  # parsing it took 1.6 s, a 64 MiB one ~50 s
    assert [s.key for s in sources] == ["fine"]
    assert [(f.code, f.severity) for f in findings] == [("bib-parse-failed", Severity.WARNING)]


def test_broken_entries_no_question_provides_are_parsed_within_a_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bibtex, "WARNING_BUDGET_BYTES", 40)
    text = "@misc{a,\n  title = {A\n}\n@misc{b,\n  title = {B\n}\n@misc{c title = {C}}\n"

    _, findings = read_bibtex_blocks(text, BIB, scan_bibtex(text), set())

    assert [(f.severity, f.location, f.message) for f in findings] == [
        (  # parsed: the culprit's place
            Severity.WARNING,
            Location(BIB, 1, 6),
            "the `{` that opens the @misc entry `a` is never closed",
        ),
        (
            Severity.WARNING,
            Location(BIB, 4),
            "the entry `b` probably cannot be read: its `{` and `}` do not pair up",
        ),
        (
            Severity.WARNING,
            Location(BIB, 7),
            "the entry `c` probably cannot be read: its head `@type{key,` cannot be read",
        ),
    ]


def test_a_yaml_source_without_a_title_is_kept_with_a_note() -> None:
    sources, findings = read_source_yaml("sources:\n  - key: k\n    authors: [A]\n", YAML)

    assert [(s.key, s.title, s.authors) for s in sources] == [("k", "", ("A",))]
    assert findings == [
        Finding(
            "ref-missing-title",
            Severity.INFO,
            'source `k` has no title: its pages say "title not given"',
            Location(YAML, 2),
            "add `title: …` to source `k`",
        )
    ]
