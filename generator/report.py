"""Findings -> text, JSON, GitHub annotations or SARIF; the summary line; the exit code.

This is the formatter layer (lychee's `formatters`): every stage returns
[`Finding`][generator.model.Finding]s and only this module decides how they look.
Output is deterministic: findings are sorted by file, line, column and code, there are
no timestamps or absolute paths, lines end in `\\n` and the text ends with one newline.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from generator.codes import CODES
from generator.model import Finding, Severity

__all__ = ["FORMATS", "JSON_SCHEMA_VERSION", "exit_code", "format_findings", "summarize"]

FORMATS: tuple[str, ...] = ("text", "json", "github", "sarif")
"""The names accepted by [`format_findings`][generator.report.format_findings]."""

JSON_SCHEMA_VERSION = 1
"""Bumped only when a field of the JSON report is removed or changes meaning."""

_TOOL = "answersite"
_SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_GITHUB_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
_PLURAL = {Severity.ERROR: "errors", Severity.WARNING: "warnings", Severity.INFO: "infos"}
_SINGULAR = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"}


def exit_code(findings: Iterable[Finding]) -> int:
    """Return 1 if any finding is an error, else 0."""
    return int(any(f.severity is Severity.ERROR for f in findings))


def summarize(findings: Iterable[Finding]) -> dict[str, int]:
    """Count findings per severity.

    Returns:
        `{"errors": n, "warnings": n, "infos": n, "total": n}`.
    """
    counts = {name: 0 for name in _PLURAL.values()}
    for finding in findings:
        counts[_PLURAL[finding.severity]] += 1
    counts["total"] = sum(counts.values())
    return counts


def format_findings(
    findings: Sequence[Finding], fmt: str = "text", *, tool_version: str | None = None
) -> str:
    """Render findings in one of [`FORMATS`][generator.report.FORMATS].

    Args:
        findings: The findings, in any order; they are sorted here.
        fmt: `text`, `json`, `github` or `sarif`.
        tool_version: The version written into JSON and SARIF reports; by default the
            installed package's.

    Returns:
        The report, ending with one newline (empty for `github` with no findings).

    Raises:
        ValueError: `fmt` is not one of `FORMATS`.
    """
    formatter = _FORMATTERS.get(fmt)
    if formatter is None:
        raise ValueError(f"Expected one of {list(FORMATS)}, got {fmt!r}")
    version = tool_version if tool_version is not None else _package_version()
    return formatter(sorted(findings, key=_sort_key), version)


def _package_version() -> str:
    from generator import __version__

    return __version__


def _sort_key(finding: Finding) -> tuple[str, int, int, str, str]:
    loc = finding.location
    if loc is None:
        return ("", 0, 0, finding.code, finding.message)
    return (loc.path, loc.line or 0, loc.column or 0, finding.code, finding.message)


def _summary_line(findings: Sequence[Finding]) -> str:
    counts = summarize(findings)
    parts = []
    for severity, plural in _PLURAL.items():
        n = counts[plural]
        parts.append(f"{n} {_SINGULAR[severity] if n == 1 else plural}")
    return ", ".join(parts)


INFOS_SHOWN = 5
"""The text report shows this many infos of one code (a thousand questions without titles
are a thousand of them); the summary counts the rest, and the other formats list all."""


def _format_text(findings: Sequence[Finding], _version: str) -> str:
    lines: list[str] = []
    current: str | None = None
    shown: dict[str, int] = {}
    for finding in findings:
        if finding.severity is Severity.INFO:
            shown[finding.code] = shown.get(finding.code, 0) + 1
            if shown[finding.code] > INFOS_SHOWN:
                continue
        path = finding.location.path if finding.location else ""
        if lines and path != current:
            lines.append("")  # a blank line between files
        current = path
        lines.append(str(finding))
    if lines:
        lines.append("")
    for code, count in sorted(shown.items()):
        if count > INFOS_SHOWN:
            lines.append(
                f"… and {count - INFOS_SHOWN} more infos [{code}] (`--format json` lists them all)"
            )
    lines.append(_summary_line(findings))
    return "\n".join(lines) + "\n"


def _finding_dict(finding: Finding) -> dict[str, Any]:
    loc = finding.location
    return {
        "code": finding.code,
        "severity": finding.severity.value,
        "message": finding.message,
        "file": loc.path if loc else None,
        "line": loc.line if loc else None,
        "column": loc.column if loc else None,
        "hint": finding.hint,
    }


def _format_json(findings: Sequence[Finding], version: str) -> str:
    document = {
        "version": JSON_SCHEMA_VERSION,
        "tool": {"name": _TOOL, "version": version},
        "summary": summarize(findings),
        "findings": [_finding_dict(f) for f in findings],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _escape_data(text: str) -> str:
    # GitHub's workflow-command escaping (actions/toolkit `escapeData`).
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    # Property values additionally escape `:` and `,` (actions/toolkit `escapeProperty`).
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _format_github(findings: Sequence[Finding], _version: str) -> str:
    lines = []
    for finding in findings:
        props = []
        loc = finding.location
        if loc is not None:
            props.append(f"file={_escape_property(loc.path)}")
            if loc.line is not None:
                props.append(f"line={loc.line}")
                if loc.column is not None:
                    props.append(f"col={loc.column}")
        props.append(f"title={_escape_property(finding.code)}")
        message = finding.message
        if finding.hint:
            message += f"\nhint: {finding.hint}"
        command = _GITHUB_COMMAND[finding.severity]
        lines.append(f"::{command} {','.join(props)}::{_escape_data(message)}")
    return "".join(line + "\n" for line in lines)


def _sarif_result(finding: Finding, rule_index: int) -> dict[str, Any]:
    message = finding.message
    if finding.hint:
        message += f"\nhint: {finding.hint}"
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": _SARIF_LEVEL[finding.severity],
        "message": {"text": message},
    }
    loc = finding.location
    if loc is not None:
        physical: dict[str, Any] = {"artifactLocation": {"uri": loc.path}}
        if loc.line is not None:
            region: dict[str, int] = {"startLine": loc.line}
            if loc.column is not None:
                region["startColumn"] = loc.column
            physical["region"] = region
        result["locations"] = [{"physicalLocation": physical}]
    return result


def _format_sarif(findings: Sequence[Finding], version: str) -> str:
    codes = sorted({f.code for f in findings})
    index = {code: i for i, code in enumerate(codes)}
    severities: dict[str, Severity] = {}
    for finding in findings:  # the rule's default level: the worst severity seen
        seen = severities.get(finding.code)
        if seen is None or list(Severity).index(finding.severity) < list(Severity).index(seen):
            severities[finding.code] = finding.severity
    rules = [
        {
            "id": code,
            "name": code,
            "shortDescription": {"text": CODES[code].description if code in CODES else code},
            "defaultConfiguration": {"level": _SARIF_LEVEL[severities[code]]},
        }
        for code in codes
    ]
    document = {
        "$schema": _SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": _TOOL, "version": version, "rules": rules}},
                "columnKind": "unicodeCodePoints",
                "results": [_sarif_result(f, index[f.code]) for f in findings],
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


_FORMATTERS: dict[str, Callable[[Sequence[Finding], str], str]] = {
    "text": _format_text,
    "json": _format_json,
    "github": _format_github,
    "sarif": _format_sarif,
}
