"""answersite: a question and its provided sources → a cited, searchable, link-checked site.

The package is a pipeline of small stages over the data model in
[`generator.model`][generator.model]: `load` → `analyse` → `render` → `write`, then
MkDocs builds the site with the `answersite` plugin, and `check` validates the built site's links.
[`generator.pipeline`][generator.pipeline] wires the stages once for the command line and the
plugin.
"""

from typing import TYPE_CHECKING

from generator.errors import ConfigError, GeneratorError, InputError, RegionError, WriteError
from generator.model import (
    Finding,
    Location,
    Project,
    Question,
    Severity,
    Source,
    SourceUse,
    Task,
    Workflow,
    WorkflowEdge,
    WorkflowNode,
)

__all__ = [
    "ConfigError",
    "Finding",
    "GeneratorError",
    "InputError",
    "Location",
    "Project",
    "Question",
    "RegionError",
    "Severity",
    "Source",
    "SourceUse",
    "Task",
    "Workflow",
    "WorkflowEdge",
    "WorkflowNode",
    "WriteError",
]


__version__: str
"""The installed version, from the package metadata (`pyproject.toml` is its one home)."""

if not TYPE_CHECKING:  # for mypy, `__version__` is the string declared above

    def __getattr__(name: str) -> str:
        # The version is read from the package metadata only when asked for: importing
        # `importlib.metadata` would add about 20 ms to every command, `answersite check`
        # on a small site among them.
        if name == "__version__":
            from importlib.metadata import PackageNotFoundError, version

            try:
                found = version("answersite")
            except PackageNotFoundError:  # run from a source tree that was never installed
                found = "0+unknown"
            globals()["__version__"] = found
            return found
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
