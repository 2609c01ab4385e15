"""Tests for generator.load: BibTeX and YAML sources, duplicate keys, the whole project."""

from __future__ import annotations

import textwrap
from pathlib import Path

import bibtexparser
import pytest

from generator.load import load_project, read_bibtex, read_pages, read_source_yaml
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


def test_bibtex_without_a_title_is_a_finding_at_the_entry() -> None:
    sources, findings = read_bibtex("\n@misc{k,\n  year = {2024}\n}\n", BIB)

    assert sources == []
    assert findings == [
        Finding(
            "ref-missing-title",
            Severity.ERROR,
            "source `k` has no title",
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
            "sources:\n  - key: k\n    authors: [A]\n",
            Finding(
                "ref-missing-title",
                Severity.ERROR,
                "source `k` has no title",
                Location(YAML, 2),
                "add `title: …` to source `k`",
            ),
            id="no-title",
        ),
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
                Severity.ERROR,
                "no question files in `references/questions/`",
                Location("references/questions"),
                "add a `<id>.yaml` question file (see the README's input schema)",
            ),
            id="no-questions",
        ),
    ],
)
def test_load_project_needs_references_and_a_question(
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
