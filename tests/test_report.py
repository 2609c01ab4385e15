"""Tests for generator.report: every format's exact output, the summary and the exit code."""

from __future__ import annotations

import json

import pytest

from generator.model import Finding, Location, Severity
from generator.report import FORMATS, exit_code, format_findings, summarize

FINDINGS = [
    Finding(
        "link-broken",
        Severity.WARNING,
        "link to 'b.md' not found",
        Location("docs/q1/b.md", 3),
    ),
    Finding(
        "link-not-provided",
        Severity.ERROR,
        "external link 'https://x.example/' is not a provided source",
        Location("docs/q1/a.md", 14, 5),
        hint="link only to the question's provided sources",
    ),
    Finding("config-note", Severity.INFO, "no location"),
    Finding("link-broken", Severity.ERROR, "missing page", Location("docs/q1/a.md", 2)),
]


def test_formats_are_the_documented_four() -> None:
    assert FORMATS == ("text", "json", "github", "sarif")


def test_unknown_format_names_the_choices() -> None:
    with pytest.raises(ValueError, match=r"Expected one of \['text', 'json', 'github', 'sarif'\]"):
        format_findings(FINDINGS, "xml")


@pytest.mark.parametrize(
    ("findings", "code"),
    [
        pytest.param([], 0, id="none"),
        pytest.param(FINDINGS[:1], 0, id="warning-only"),
        pytest.param(FINDINGS, 1, id="with-error"),
    ],
)
def test_exit_code(findings: list[Finding], code: int) -> None:
    assert exit_code(findings) == code


def test_summarize_counts() -> None:
    assert summarize(FINDINGS) == {"errors": 2, "warnings": 1, "infos": 1, "total": 4}


def test_text_groups_by_file_sorted_with_summary() -> None:
    assert format_findings(FINDINGS) == (
        "info: no location [config-note]\n"
        "\n"
        "docs/q1/a.md:2: error: missing page [link-broken]\n"
        "docs/q1/a.md:14:5: error: external link 'https://x.example/' is not a provided"
        " source [link-not-provided]\n"
        "  hint: link only to the question's provided sources\n"
        "\n"
        "docs/q1/b.md:3: warning: link to 'b.md' not found [link-broken]\n"
        "\n"
        "2 errors, 1 warning, 1 info\n"
    )


def test_text_empty_is_only_the_summary() -> None:
    assert format_findings([]) == "0 errors, 0 warnings, 0 infos\n"


def test_json_schema() -> None:
    doc = json.loads(format_findings(FINDINGS, "json", tool_version="9.9"))
    assert doc["version"] == 1
    assert doc["tool"] == {"name": "answersite", "version": "9.9"}
    assert doc["summary"] == {"errors": 2, "warnings": 1, "infos": 1, "total": 4}
    assert doc["findings"][0] == {
        "code": "config-note",
        "severity": "info",
        "message": "no location",
        "file": None,
        "line": None,
        "column": None,
        "hint": None,
    }
    assert doc["findings"][2] == {
        "code": "link-not-provided",
        "severity": "error",
        "message": "external link 'https://x.example/' is not a provided source",
        "file": "docs/q1/a.md",
        "line": 14,
        "column": 5,
        "hint": "link only to the question's provided sources",
    }


def test_json_is_deterministic() -> None:
    assert format_findings(FINDINGS, "json") == format_findings(FINDINGS[::-1], "json")


def test_github_annotations_and_escaping() -> None:
    tricky = Finding(
        "link-broken",
        Severity.WARNING,
        "100% broken\r\nsecond line",
        Location("docs/a,b:c.md", 7),
    )
    out = format_findings([*FINDINGS, tricky], "github")
    assert out.splitlines() == [
        "::notice title=config-note::no location",
        "::warning file=docs/a%2Cb%3Ac.md,line=7,title=link-broken::100%25 broken%0D%0Asecond line",
        "::error file=docs/q1/a.md,line=2,title=link-broken::missing page",
        "::error file=docs/q1/a.md,line=14,col=5,title=link-not-provided::external link"
        " 'https://x.example/' is not a provided source%0Ahint: link only to the question's"
        " provided sources",
        "::warning file=docs/q1/b.md,line=3,title=link-broken::link to 'b.md' not found",
    ]


def test_github_empty() -> None:
    assert format_findings([], "github") == ""


def test_sarif_rules_and_results() -> None:
    doc = json.loads(format_findings(FINDINGS, "sarif", tool_version="1.2"))
    assert doc["version"] == "2.1.0"
    (run,) = doc["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "answersite"
    assert driver["version"] == "1.2"
    assert [r["id"] for r in driver["rules"]] == [
        "config-note",
        "link-broken",
        "link-not-provided",
    ]
    assert driver["rules"][1]["defaultConfiguration"] == {"level": "error"}
    results = run["results"]
    assert [(r["ruleId"], r["ruleIndex"], r["level"]) for r in results] == [
        ("config-note", 0, "note"),
        ("link-broken", 1, "error"),
        ("link-not-provided", 2, "error"),
        ("link-broken", 1, "warning"),
    ]
    assert "locations" not in results[0]
    assert results[2]["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "docs/q1/a.md"},
                "region": {"startLine": 14, "startColumn": 5},
            }
        }
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_ends_with_one_newline(fmt: str) -> None:
    out = format_findings(FINDINGS, fmt)
    assert out.endswith("\n")
    assert not out.endswith("\n\n")


def test_sarif_rules_carry_their_descriptions() -> None:
    doc = json.loads(format_findings(FINDINGS, "sarif"))
    rules = {
        r["id"]: r["shortDescription"]["text"] for r in doc["runs"][0]["tool"]["driver"]["rules"]
    }
    assert rules == {
        "config-note": "config-note",  # not a registered code: its name is all there is
        "link-broken": "An internal link points to a file that does not exist.",
        "link-not-provided": "An external link is not a provided source of the page's question.",
    }


def test_the_version_is_the_package_metadata_in_every_report() -> None:
    from importlib.metadata import version

    import generator

    assert generator.__version__ == version("answersite")
    doc = json.loads(format_findings(FINDINGS, "json"))
    assert doc["tool"]["version"] == version("answersite")
    sarif = json.loads(format_findings(FINDINGS, "sarif"))
    assert sarif["runs"][0]["tool"]["driver"]["version"] == version("answersite")


def test_the_version_is_written_only_in_pyproject() -> None:
    from importlib.metadata import version
    from pathlib import Path

    package = Path(__file__).resolve().parent.parent / "generator"
    for path in package.rglob("*.py"):
        assert f'"{version("answersite")}"' not in path.read_text(encoding="utf-8"), path


def test_text_shows_a_few_infos_of_a_code_and_counts_the_rest() -> None:
    # A thousand questions without paper titles are a thousand infos: five are shown.
    infos = [
        Finding("ref-missing-title", Severity.INFO, "no title", Location(f"r/q{n:04}.yaml", 3))
        for n in range(1000)
    ]
    error = Finding("yaml-syntax", Severity.ERROR, "bad", Location("r/z.yaml", 1))
    text = format_findings([*infos, error], "text")

    assert text.count("no title") == 5
    assert "r/z.yaml:1: error: bad [yaml-syntax]" in text  # errors are never folded
    assert text.endswith(
        "… and 995 more infos [ref-missing-title] (`--format json` lists them all)\n"
        "1 error, 0 warnings, 1000 infos\n"
    )
    assert len(json.loads(format_findings(infos, "json"))["findings"]) == 1000
