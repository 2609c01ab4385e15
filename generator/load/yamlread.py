"""Read YAML with the line of every mapping key, so messages can say `file:line`.

PyYAML's safe loader is used with a few limits, because a YAML file is input like any
other and may be hostile:

- nesting deeper than [`MAX_DEPTH`][generator.load.yamlread.MAX_DEPTH] is refused while
  composing (PyYAML's composer recurses: 400 levels of `[` are a `RecursionError`);
- more than [`MAX_ALIASES`][generator.load.yamlread.MAX_ALIASES] alias uses, or aliases
  repeating more than [`MAX_ALIAS_NODES`][generator.load.yamlread.MAX_ALIAS_NODES] values
  in all, are refused while composing (a "billion laughs" document of nine anchors
  expands to 10⁹ values);
- a mapping key must be a scalar, and is kept as written: `yes:` is the key `yes`, not
  `True`, and `? [a, b]` is refused (an aliased list as a key once took 28 s and 2.2 GB
  to print);
- a key written twice in one mapping is recorded (PyYAML silently keeps the last), and
  reported by the [`Validator`][generator.load.validate.Validator];
- every scalar is text as written, except `null` and `true`/`false`: no date or number
  conversion can fail on `2024-13-45`.

Mappings are built as [`LineDict`][generator.load.yamlread.LineDict], which remembers where
each key was written.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode
from yaml.resolver import Resolver

try:  # PyYAML's C extension over libyaml, in its wheels for the usual platforms
    from yaml._yaml import CParser

    LIBYAML = True
except ImportError:  # pragma: no cover - a PyYAML built without libyaml
    LIBYAML = False

from generator.model import Finding, Location, Severity

__all__ = ["MAX_ALIASES", "MAX_ALIAS_NODES", "MAX_DEPTH", "LineDict", "LineList", "read_yaml"]

MAX_DEPTH = 64
"""The deepest nesting of lists and mappings read. An answersite file needs about 5."""

MAX_ALIASES = 100
"""The most alias uses (`*name`) in one document. Enough to share a few annotations."""

MAX_ALIAS_NODES = 10_000
"""The most values (scalars, lists, mappings) that all alias uses may repeat in one document.

The count of uses alone does not stop a "billion laughs": nine anchors of nine aliases each
are 81 uses and 10⁹ values once expanded.
"""

_MERGE = "tag:yaml.org,2002:merge"


class LineDict(dict[str, Any]):
    """A mapping that knows its own line and the line of each of its keys (1-based).

    Attributes:
        line: The line of the mapping's first key.
        key_lines: Each key's line (the last one written, for a key written twice).
        duplicates: Each key written more than once: `(key, line, line of the first)`.
    """

    line: int = 0
    key_lines: dict[str, int]
    duplicates: tuple[tuple[str, int, int], ...] = ()

    def line_of(self, key: str) -> int:
        """Return the line where `key` was written, or the mapping's own line."""
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A sequence that knows the line of each of its items (1-based)."""

    line: int = 0
    item_lines: list[int]


class _LimitError(yaml.MarkedYAMLError):
    """A limit of this reader was exceeded; `code` is the finding to report."""

    def __init__(self, code: str, problem: str, mark: Any, hint: str) -> None:
        super().__init__(problem=problem, problem_mark=mark)
        self.code = code
        self.hint = hint


class _Limits(Composer):
    """PyYAML's composer with the limits above, over any parser (Python's or libyaml's)."""

    if TYPE_CHECKING:  # the parser's, which comes after this class in a loader

        def peek_event(self) -> yaml.Event: ...

    _depth = 0
    _aliases = 0
    _repeated = 0
    _sizes: dict[int, int]  # id(node) -> its size with aliases expanded

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()
        # In a mapping, PyYAML composes a key with `index` None and a value with its key.
        if isinstance(parent, MappingNode) and index is None:
            self._refuse_complex_key(event)
        if isinstance(event, yaml.AliasEvent):
            self._count_alias(event)
            return super().compose_node(parent, index)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _LimitError(
                    "yaml-too-deep",
                    f"expected lists and mappings nested at most {MAX_DEPTH} deep, "
                    "found deeper nesting",
                    event.start_mark,
                    "flatten the structure: answersite files nest a few levels only",
                )
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if isinstance(node, MappingNode):
            size = 1 + sum(self._sizes[id(k)] + self._sizes[id(v)] for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            size = 1 + sum(self._sizes[id(child)] for child in node.value)
        else:
            size = 1
        self._sizes[id(node)] = size
        return node

    def _count_alias(self, event: yaml.AliasEvent) -> None:
        """Refuse an alias past the limits: the uses, the values they repeat, recursion."""
        target = self.anchors.get(event.anchor)
        if target is None:
            return  # PyYAML reports the undefined alias
        size = self._sizes.get(id(target))
        if size is None:
            raise _LimitError(
                "yaml-too-many-aliases",
                f"expected an alias to a value written before it, found `*{event.anchor}` "
                "inside the value it names (an endless value)",
                event.start_mark,
                "write the value out instead of the alias",
            )
        self._aliases += 1
        self._repeated += size
        if self._aliases > MAX_ALIASES or self._repeated > MAX_ALIAS_NODES:
            raise _LimitError(
                "yaml-too-many-aliases",
                f"expected at most {MAX_ALIASES} alias uses (`*name`), repeating at most "
                f"{MAX_ALIAS_NODES:,} values in all; found more at this alias",
                event.start_mark,
                "write the values out instead of repeating aliases of aliases",
            )

    def _refuse_complex_key(self, event: yaml.Event) -> None:
        """Refuse a mapping key that is a list, a mapping or an alias to one."""
        if isinstance(event, yaml.AliasEvent):
            target = self.anchors.get(event.anchor)
            if target is None or isinstance(target, ScalarNode):
                return  # a scalar, or an undefined alias that PyYAML reports itself
            kind = f"an alias to {'a mapping' if isinstance(target, MappingNode) else 'a list'}"
        elif isinstance(event, yaml.MappingStartEvent):
            kind = "a mapping"
        elif isinstance(event, yaml.SequenceStartEvent):
            kind = "a list"
        else:
            return
        raise _LimitError(
            "yaml-bad-key",
            f"expected a text key, found {kind} used as a key",
            event.start_mark,
            "write the key as plain text, e.g. `title:`",
        )


class _Loader(_Limits, yaml.SafeLoader):
    """SafeLoader whose mappings and sequences carry their lines, with the limits above.

    PyYAML's pure Python reader, scanner and parser: the one whose messages are reported.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._sizes = {}


if LIBYAML:

    class _FastLoader(_Limits, CParser, SafeConstructor, Resolver):
        """The same loader over libyaml's scanner and parser (PyYAML's C extension).

        Only the events come from C: the composer (and so every limit), the constructors
        and the resolver are the ones above; eight times faster on answersite's files. A
        document `_Loader` reads, it reads alike (`tests/test_yamlread.py` holds the two to
        it); any problem is reported by `_Loader`, read again from the start, so messages
        do not depend on libyaml. libyaml is laxer on a few malformed documents (`|#`): what
        it reads of them is kept.
        """

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            self._sizes = {}


def _construct_mapping(loader: _Loader, node: MappingNode) -> LineDict:
    first: dict[str, int] = {}
    duplicates = []
    for key_node, _ in node.value:
        if key_node.tag == _MERGE:
            continue
        key, line = _key(key_node), key_node.start_mark.line + 1
        if key in first:
            duplicates.append((key, line, first[key]))
        else:
            first[key] = line
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    result.duplicates = tuple(duplicates)
    for key_node, value_node in node.value:
        key = _key(key_node)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _key(node: Node) -> str:
    # Keys are scalars (compose_node refuses the rest), kept exactly as written.
    return str(node.value)


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_text(loader: _Loader, node: ScalarNode) -> str:
    # Every answersite field is text: keep numbers and dates as written, so that
    # `eprint: 2401.10` stays "2401.10" (a float would make it 2401.1), `year: 2024` is
    # "2024", and `2024-13-45` is text rather than a date that fails to be built.
    return loader.construct_scalar(node)


def _construct_bool(loader: _Loader, node: ScalarNode) -> bool | str:
    value = loader.construct_scalar(node)
    found = loader.bool_values.get(value.lower())
    # `!!bool maybe` would be a KeyError in PyYAML: keep it as the text it is.
    return value if found is None else bool(found)


for _tag in ("int", "float", "timestamp"):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _construct_text)
_Loader.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
if LIBYAML:
    _FastLoader.yaml_constructors = _Loader.yaml_constructors

_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE
# What libyaml reads otherwise than Python's parser (found by `tests/test_yamlread.py`): a
# few control characters, a bare `!` tag, a byte order mark past the start, and the line
# breaks of YAML 1.1 beyond `\r` and `\n`. A document with any of them (tags included: no
# answersite file needs one) is read by Python's parser only.
_PYTHON_ONLY = re.compile("[!\x85\u2028\u2029\ufeff]")

_SYNTAX_HINT = "check the indentation and quoting on this line (a value with ': ' needs quotes)"


def read_yaml(text: str, path: str) -> tuple[Any, Finding | None]:
    """Parse YAML text; a syntax error or an exceeded limit becomes a finding at its line.

    Args:
        text: The YAML document.
        path: The path to name in locations.

    Returns:
        The document (mappings as `LineDict`, sequences as `LineList`) and `None`, or
        `None` and the finding that explains why it could not be read.
    """
    if LIBYAML and not _PYTHON_ONLY.search(text) and not _NON_PRINTABLE.search(text):
        fast = _FastLoader(text)
        try:
            return fast.get_single_data(), None
        except Exception:  # read again below, by the loader whose messages are given
            pass
        finally:
            fast.dispose()
    try:
        return yaml.load(text, Loader=_Loader), None
    except _LimitError as error:
        return None, Finding(
            error.code,
            Severity.ERROR,
            error.problem or "",
            _location(path, error.problem_mark),
            error.hint,
        )
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or "invalid YAML"
        return None, Finding(
            "yaml-syntax",
            Severity.ERROR,
            f"YAML syntax error: {problem}",
            _location(path, mark),
            _SYNTAX_HINT,
        )
    except yaml.reader.ReaderError as error:
        # A character YAML does not allow (a control character such as NUL).
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        return None, Finding(
            "yaml-syntax",
            Severity.ERROR,
            f"YAML syntax error: expected printable text, found the control character "
            f"U+{error.character:04X}",
            Location(path, line, column),
            "remove the character, or write it as an escape in a double-quoted string",
        )
    except yaml.YAMLError as error:
        return None, Finding(
            "yaml-syntax", Severity.ERROR, f"YAML syntax error: {error}", Location(path)
        )


def _location(path: str, mark: yaml.Mark | None) -> Location:
    if mark is None:
        return Location(path)
    return Location(path, mark.line + 1, mark.column + 1)
