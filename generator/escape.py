"""Escape by kind of value, at one boundary: where a value enters a page.

Every value read from the reference set, a question or a prompt is untrusted. What it may
become in a page depends on its kind, and each kind has one function here:

- [`text`][generator.escape.text] (titles, names, venues, model names, the question,
  labels, shapes): plain text, one line; it can make no tag, attribute, link or Markdown.
- [`code`][generator.escape.code] (a model name shown as code): an HTML `<code>` element
  whose text no character of the value can end or turn into markup.
- [`markdown`][generator.escape.markdown] (annotations, notes, summaries, requirements):
  keeps Markdown (emphasis, lists, links, code, citations) but not raw HTML (`<` shows as
  text) nor `{ attribute lists }`, and leaves no fence open.
- [`attribute`][generator.escape.attribute] (a value in raw HTML we write: a citation's
  href and hover title): an attribute value that no Markdown inline syntax reaches into.
- [`fenced`][generator.escape.fenced] (a block shown verbatim: a source's BibTeX): a fenced
  code block that no line of the value can close.
- [`mermaid_label`][generator.escape.mermaid_label] (workflow node and edge labels):
  Mermaid's entity codes, so that no quote, bracket or newline ends the label.

The render stage's Jinja environment applies [`text`][generator.escape.text] to every
`{{ value }}` unless the value is already [`Markdown`][generator.escape.Markdown] (made
by one of these functions), the way Jinja2's autoescape does for HTML: a template that
forgets to escape still escapes. All functions are pure.
"""

from __future__ import annotations

import functools
import re

from generator.scanner import code_line_numbers, code_lines, is_fence_opener

__all__ = [
    "Markdown",
    "attribute",
    "code",
    "fenced",
    "markdown",
    "mermaid_label",
    "one_line",
    "text",
]


class Markdown(str):
    """Markdown that may go into a page as it is: made by a template or by this module."""

    __slots__ = ()


# C0 and C1 controls, DEL, and the Unicode line separators: never text. Python-Markdown
# uses STX/ETX internally to mark stashed HTML, so a value holding them could pull raw
# HTML from elsewhere into the page.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACE = re.compile(r"[\s\u2028\u2029]+")
# Punctuation that makes Markdown wherever it stands, escaped with Python-Markdown's
# backslash escapes (`|` is one once the tables extension is on).
_BACKSLASHED = re.compile(r"([\\`*_{}#|])")
# Syntax that counts only at the start of a line (lists, definitions, setext underlines,
# rules, fences): the character that makes it becomes an entity.
_RULE = re.compile(r"[-=_* ]+")
_LEADING = re.compile(
    r"\d{1,9}[.)](?=[ \t]|\Z)"  # an ordered list
    r"|[-+:](?=[ \t]|\Z)"  # a bullet list, a definition
    r"|[=-]+[ \t]*\Z"  # a setext underline, a rule
    r"|~{3,}"  # a fence
    r"|!!!|\?\?\?"  # an admonition, a collapsible block
)


def one_line(value: str) -> str:
    """Drop control characters and fold every run of white space into one space."""
    return _SPACE.sub(" ", _CONTROLS.sub("", value)).strip()


@functools.lru_cache(maxsize=65536)  # a source's title is printed on many pages
def text(value: str | None) -> Markdown:
    """Plain text that can make no tag, attribute, link or Markdown of its own.

    White space folds into single spaces (a value is one line: it can start no block);
    `&`, `<` and `>` become entities; Markdown's punctuation is backslash-escaped, and a
    leading punctuation character without a backslash escape becomes an entity.

    Examples:
        >>> text("<b>MSSNet</b> {: onclick=x }")
        '&lt;b&gt;MSSNet&lt;/b&gt; \\\\{: onclick=x \\\\}'
    """
    line = one_line(value or "")
    line = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    rule = _RULE.fullmatch(line)
    line = _BACKSLASHED.sub(r"\\\1", line)
    # Block syntax is found before backslash escapes are read: brackets (reference and
    # footnote definitions) become entities, and so do dashes that would make a rule.
    line = line.replace("[", "&#91;").replace("]", "&#93;")
    if rule:  # dashes alone make a rule even after a list marker
        line = line.replace("-", "&#45;").replace("=", "&#61;")
    leading = _LEADING.match(line)
    if leading:
        at = len(leading.group(0).rstrip(" \t")) - 1 if line[0].isdigit() else 0
        line = f"{line[:at]}&#{ord(line[at])};{line[at + 1 :]}"
    return Markdown(line)


def code(value: str | None) -> Markdown:
    """An inline `<code>` element showing `value` as it is (one line).

    Written as HTML rather than as a Markdown code span: a span's content is escaped by
    Python-Markdown in ways that can corrupt the raw HTML set aside around it (a model
    named `&#` once moved a link's end tag), while here every character that HTML or
    Markdown could read is a numeric entity, which the browser shows as written.
    """
    line = one_line(value or "")
    if not line:
        return Markdown("")
    return Markdown(f"<code>{_CODE_TEXT.sub(lambda m: f'&#{ord(m.group(0))};', line)}</code>")


_CODE_TEXT = re.compile(r"[&<>\"'`\\\[\]{}*_!|~#^$]")


def attribute(value: str) -> str:
    """A value for an attribute of raw HTML written into Markdown (quote it with `"`).

    Besides HTML's own `&`, `<`, `>`, `"` and `'`, every character that starts Markdown
    inline syntax (backticks, backslashes, brackets, braces, `|`) becomes a numeric
    entity: Python-Markdown runs code spans, escapes and links *before* it sets raw HTML
    aside, so a `[…](…)` inside an attribute would otherwise become a link. Browsers decode
    the entities, so the attribute's value is exactly `value`.
    """
    return _ATTRIBUTE_TEXT.sub(lambda m: f"&#{ord(m.group(0))};", one_line(value))


_ATTRIBUTE_TEXT = re.compile(r"[&<>\"'`\\\[\]{}|]")


def markdown(value: str | None, *, indent: int = 0) -> Markdown:
    """Markdown from the input, kept as Markdown but without raw HTML or attribute lists.

    Outside code blocks (as [`generator.scanner`][generator.scanner] reads them), `<`
    becomes `&lt;`, so no tag, comment, autolink or region marker comes through (they show
    as text), and `{`/`}` are backslash-escaped, so `attr_list` cannot add attributes such
    as `onclick`. This holds inside inline code too (where it shows as `&lt;` or `\\{`):
    where a code span ends cannot be known for certain from the value alone.
    A fence that the value opens but does not close is escaped, so that it cannot pair with
    a fence later in the page. Control characters are dropped, line endings become `\\n`,
    and the first line loses its indentation (it follows a list marker or a blank line).

    Args:
        value: The Markdown text.
        indent: Spaces put before every line but the first, for a value that continues a
            list item or an admonition.
    """
    source = _CONTROLS.sub("", (value or "").replace("\r\n", "\n").replace("\r", "\n"))
    source = source.strip("\n").lstrip(" \t")
    if not source:
        return Markdown("")
    lines = source.split("\n")
    while True:  # escaping one fence may free a later line to open one: until none is left
        unpaired = next(
            (
                line.number - 1
                for line in code_lines("\n".join(lines))
                if not line.code and is_fence_opener(line.text)
            ),
            None,
        )
        if unpaired is None:
            break
        text_ = lines[unpaired]
        at = len(text_) - len(text_.lstrip(" \t>"))
        lines[unpaired] = f"{text_[:at]}&#{ord(text_[at])};{text_[at + 1 :]}"
    blocks = {number - 1 for number in code_line_numbers("\n".join(lines))}
    for index, text_ in enumerate(lines):
        if index not in blocks:
            # Even inside a code span: where a span ends is not certain from one value
            # alone (an HTML block or a heading line splits a paragraph), and a `<` or `{`
            # left raw by a wrong guess would make markup. In a span it shows as `&lt;`.
            lines[index] = text_.replace("<", "&lt;").replace("{", "\\{").replace("}", "\\}")
    if indent:
        pad = " " * indent
        lines = [f"{pad}{line}" if n and line.strip() else line for n, line in enumerate(lines)]
    return Markdown("\n".join(lines))


def fenced(body: str, info: str = "", *, indent: int = 0) -> Markdown:
    """A fenced code block showing `body` verbatim, which no line of `body` can close.

    superfences closes a block only on a line equal to its opening fence, so a fence one
    backtick longer than the longest run in `body` is never closed early. Control
    characters are dropped.

    Args:
        body: The text to show.
        info: The language, e.g. `bibtex`.
        indent: Spaces before every line (inside an admonition: 4).
    """
    clean = _CONTROLS.sub("", body.replace("\r\n", "\n").replace("\r", "\n")).strip("\n")
    longest = max((len(run) for run in re.findall(r"`+", clean)), default=0)
    fence = "`" * max(3, longest + 1)
    pad = " " * indent
    lines = [f"{pad}{fence} {info}".rstrip()]
    lines += [f"{pad}{line}" if line else "" for line in clean.split("\n")]
    lines.append(f"{pad}{fence}")
    return Markdown("\n".join(lines))


def mermaid_label(value: str) -> str:
    """A label for a Mermaid flowchart, to be written between double quotes.

    One line; `#` first, then the characters that end a label or start markup, become
    Mermaid entity codes (`#35;`, `#quot;`, `#lt;`, …).
    """
    line = one_line(value).replace("#", "#35;")
    for char, code_ in (('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("&", "#amp;")):
        line = line.replace(char, code_)
    return line.replace("`", "#96;")
