"""answersite: a question and its provided sources → a cited, searchable, link-checked site.

The package is a pipeline of small stages over the data model in
[`generator.model`][generator.model]: `load` → `analyse` → `render` → `write`, then
MkDocs builds the site with the `answersite` plugin, and `check` validates the built site's links.
[`generator.pipeline`][generator.pipeline] wires the stages once for the command line and the
plugin.
"""

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


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("answersite")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"


__version__ = _version()
"""The installed version, from the package metadata (`pyproject.toml` is its one home)."""
