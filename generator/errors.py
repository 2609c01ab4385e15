"""Exceptions for the cases where a run cannot continue.

One bad record is a [`Finding`][generator.model.Finding]; these are raised only
when nothing sensible can follow (a damaged marker, a config that cannot be read).
"""

from __future__ import annotations

from generator.model import Finding, Location

__all__ = ["ConfigError", "GeneratorError", "InputError", "RegionError", "WriteError"]


class GeneratorError(Exception):
    """Base class: a message for people, with the place it is about.

    Args:
        message: What was expected and what was found.
        location: Where, if known.
        hint: One concrete fix.
        findings: Several findings that together stop the run.
    """

    def __init__(
        self,
        message: str,
        location: Location | None = None,
        hint: str | None = None,
        findings: tuple[Finding, ...] = (),
    ) -> None:
        self.message = message
        self.location = location
        self.hint = hint
        self.findings = findings
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        text = f"{where}{self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class InputError(GeneratorError):
    """The reference set or a question file is invalid (exit code 3)."""


class ConfigError(GeneratorError):
    """`mkdocs.yml` or the plugin configuration is invalid (exit code 3)."""


class RegionError(GeneratorError):
    """A generated-region marker is damaged: unterminated, nested, mismatched or duplicated."""


class WriteError(GeneratorError):
    """A file cannot be written (a read-only folder, a full disk); nothing was written."""
