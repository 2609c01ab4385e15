"""answersite: a question and its provided sources → a cited, searchable, link-checked site.

The package is a pipeline of small stages over the data model in
[`generator.model`][generator.model]: `load` → `analyse` → `render` → `write`, then
MkDocs builds the site with the `answersite` plugin, and `check` validates the built site's links.
"""

from generator.errors import ConfigError, GeneratorError, InputError, RegionError
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
]

__version__ = "0.1.0"
