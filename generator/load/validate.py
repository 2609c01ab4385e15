"""Small validators for YAML input: each returns a value or records a finding.

A [`Validator`][generator.load.validate.Validator] walks one file's mappings, collects every
problem with its `file:line` and a concrete fix, and never raises: the loader reports
all problems of a file at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from generator.load.yamlread import LineDict, LineList
from generator.model import Finding, Location, Severity
from generator.suggest import suggest

__all__ = ["Validator", "describe", "is_http_url", "shorten"]

_Choice = TypeVar("_Choice", bound=str)


def shorten(text: str, limit: int = 60) -> str:
    """`text` for a message: control characters escaped, cut to about `limit` characters."""
    if text.isprintable() and len(text) <= limit:
        return text
    shown = text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def describe(value: Any) -> str:
    """Name a parsed YAML value for a message: `a list`, `the text `x``, `nothing`."""
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, (int, float)):
        return f"the number `{value}`"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text `{shown}`"
    return type(value).__name__


def is_http_url(value: str) -> bool:
    """Return whether `value` is an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in value


class Validator:
    """Collects findings for one input file.

    Args:
        path: The file, relative to the project root.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.findings: list[Finding] = []

    def at(self, mapping: Any, key: str | None = None) -> Location:
        """Return the location of `key` in `mapping` (or of the mapping itself)."""
        if isinstance(mapping, LineDict):
            return Location(self.path, mapping.line_of(key) if key else mapping.line)
        if isinstance(mapping, LineList):
            return Location(self.path, mapping.line)
        return Location(self.path)

    def error(self, code: str, message: str, location: Location, hint: str) -> None:
        """Record an error finding."""
        self.findings.append(Finding(code, Severity.ERROR, message, location, hint))

    def mapping(
        self, value: Any, what: str, location: Location, hint: str | None = None
    ) -> LineDict | None:
        """Return `value` if it is a mapping, else record `not-a-mapping`.

        Args:
            value: The parsed YAML value.
            what: What it should be, for the message (`a question file`).
            location: Where the value was written.
            hint: The fix to suggest; by default, write it as `key: value` lines.
        """
        if isinstance(value, LineDict):
            return value
        self.error(
            "yaml-not-a-mapping",
            f"{what} must be a mapping (`key: value` lines), found {describe(value)}",
            location,
            hint or f"write {what} as `key: value` lines",
        )
        return None

    def fields(self, mapping: LineDict, what: str, allowed: Iterable[str]) -> None:
        """Record `unknown-field` for every key of `mapping` that is not in `allowed`, and
        `duplicate-key` for every key written twice in it."""
        allowed = list(allowed)
        for key in mapping:
            if key not in allowed:
                close = suggest(key, allowed)
                fix = f"did you mean `{close}`?" if close else f"allowed: {', '.join(allowed)}"
                self.error(
                    "yaml-unknown-field",
                    f"unknown field `{shorten(key)}` in {what}",
                    self.at(mapping, key),
                    fix,
                )
        for key, line, first in mapping.duplicates:
            self.error(
                "yaml-duplicate-key",
                f"`{shorten(key)}` is written twice in {what} (first on line {first}); "
                "YAML keeps only the last, so a key may appear once",
                Location(self.path, line),
                f"remove one of the two `{shorten(key)}:` lines, or merge their values",
            )

    def text(self, mapping: LineDict, key: str, what: str, *, required: bool = False) -> str | None:
        """Return the string at `key` (numbers are accepted as text), or record a finding."""
        value = mapping.get(key)
        if value is None:
            if required:
                self.error(
                    "yaml-missing-field",
                    f"{what} has no `{key}`",
                    self.at(mapping),
                    f"add `{key}: …` to {what}",
                )
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.error(
                "yaml-wrong-type",
                f"`{key}` in {what} must be text, found {describe(value)}",
                self.at(mapping, key),
                f"write `{key}` as a single line of text, or a `|` block",
            )
            return None
        text = str(value).strip()
        if required and not text:
            self.error(
                "yaml-missing-field",
                f"`{key}` in {what} is empty",
                self.at(mapping, key),
                f"give `{key}` a value",
            )
            return None
        return text or None

    def texts(self, mapping: LineDict, key: str, what: str) -> tuple[str, ...]:
        """Return a list of strings at `key` (a single string is split on commas)."""
        value = mapping.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        if isinstance(value, list) and all(isinstance(item, (str, int)) for item in value):
            return tuple(str(item).strip() for item in value)
        self.error(
            "yaml-wrong-type",
            f"`{key}` in {what} must be a list of text, found {describe(value)}",
            self.at(mapping, key),
            f"write `{key}: [a, b]` or one `- item` per line",
        )
        return ()

    def choice(
        self, mapping: LineDict, key: str, what: str, choices: tuple[_Choice, ...], default: _Choice
    ) -> _Choice:
        """Return the value at `key` if it is one of `choices`, else record a finding."""
        value = self.text(mapping, key, what)
        if value is None:
            return default
        for choice in choices:
            if value == choice:
                return choice
        self.error(
            "yaml-bad-value",
            f"`{key}` in {what} must be one of {', '.join(choices)}; found `{value}`",
            self.at(mapping, key),
            f"did you mean `{suggest(value, choices) or choices[0]}`?",
        )
        return default

    def url(self, mapping: LineDict, key: str, what: str) -> str | None:
        """Return the http(s) URL at `key`, or record `ref-bad-url`."""
        value = self.text(mapping, key, what)
        if value is not None and not is_http_url(value):
            self.error(
                "ref-bad-url",
                f"`{key}` of {what} must be an http(s) URL, found `{value}`",
                self.at(mapping, key),
                "write the full address, starting with https://",
            )
            return None
        return value

    def items(self, value: Any, key: str, mapping: LineDict, what: str) -> list[LineDict]:
        """Return the mappings of the list at `key`, recording a finding for each bad item."""
        if value is None:
            return []
        if not isinstance(value, LineList):
            self.error(
                "yaml-wrong-type",
                f"`{key}` in {what} must be a list, found {describe(value)}",
                self.at(mapping, key),
                f"write one `- …` item per entry under `{key}:`",
            )
            return []
        found = []
        for item, line in zip(value, value.item_lines, strict=True):
            checked = self.mapping(item, f"each item of `{key}`", Location(self.path, line))
            if checked is not None:
                found.append(checked)
        return found
