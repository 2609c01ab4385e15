"""Read YAML with the line of every mapping key, so messages can say `file:line`.

PyYAML's safe loader is used as is; mappings are built as
[`LineDict`][generator.load.yamlread.LineDict], which remembers where each key was written.
"""

from __future__ import annotations

from typing import Any

import yaml

from generator.model import Finding, Location, Severity

__all__ = ["LineDict", "LineList", "read_yaml"]


class LineDict(dict[str, Any]):
    """A mapping that knows its own line and the line of each of its keys (1-based)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """Return the line where `key` was written, or the mapping's own line."""
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A sequence that knows the line of each of its items (1-based)."""

    line: int = 0
    item_lines: list[int]


class _Loader(yaml.SafeLoader):
    """SafeLoader whose mappings and sequences carry their lines."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_number(loader: _Loader, node: yaml.ScalarNode) -> str:
    # Every answersite field is text: keep numbers as written, so that `eprint: 2401.10`
    # stays "2401.10" (a float would make it 2401.1) and `year: 2024` is "2024".
    return str(node.value)


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_number)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_number)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def read_yaml(text: str, path: str) -> tuple[Any, Finding | None]:
    """Parse YAML text; a syntax error becomes a `yaml-syntax` finding at its line.

    Args:
        text: The YAML document.
        path: The path to name in locations.

    Returns:
        The document (mappings as `LineDict`, sequences as `LineList`) and `None`, or
        `None` and the finding that explains why it could not be read.
    """
    try:
        return yaml.load(text, Loader=_Loader), None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        problem = error.problem or "invalid YAML"
        return None, Finding(
            "yaml-syntax",
            Severity.ERROR,
            f"YAML syntax error: {problem}",
            Location(path, line, column),
            "check the indentation and quoting on this line (a value with ': ' needs quotes)",
        )
    except yaml.YAMLError as error:
        return None, Finding(
            "yaml-syntax", Severity.ERROR, f"YAML syntax error: {error}", Location(path)
        )
