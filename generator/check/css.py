"""CSS as the link check reads it: the URLs a declaration or a style sheet fetches, and the
functions it calls.

CSS is read after decoding its escapes (`u\\rl(`, `\\75 rl(`, `\\2f`) and dropping its
comments, as a browser's tokenizer does before it knows what a token means; a comment
between a name and its `(` is dropped too, which can only make the check stricter.

Functions are held to an allowlist: functions that compute a value (colours, lengths,
gradients, transforms) and fetch nothing. Everything else (`url()`, `image-set()`,
`image()`, `cross-fade()`, `element()`, `paint()`, `attr()`, `src()`, and any function
invented later) is reported in the content; in the theme's chrome `url()`, `src()` and the
strings of `image-set()` and `@import` are links held to the policy, and any other unknown
function is reported.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["CssRead", "decode_css", "read_css"]

SAFE_FUNCTIONS = frozenset(
    {
        # colours
        "rgb",
        "rgba",
        "hsl",
        "hsla",
        "hwb",
        "lab",
        "lch",
        "oklab",
        "oklch",
        "color",
        "color-mix",
        "light-dark",
        # values
        "calc",
        "min",
        "max",
        "clamp",
        "var",
        "env",
        "round",
        "mod",
        "rem",
        "abs",
        "sign",
        "sin",
        "cos",
        "tan",
        "asin",
        "acos",
        "atan",
        "atan2",
        "pow",
        "sqrt",
        "hypot",
        "log",
        "exp",
        "minmax",
        "repeat",
        "fit-content",
        "counter",
        "counters",
        "cubic-bezier",
        "steps",
        # gradients
        "linear-gradient",
        "radial-gradient",
        "conic-gradient",
        "repeating-linear-gradient",
        "repeating-radial-gradient",
        "repeating-conic-gradient",
        # transforms
        "matrix",
        "matrix3d",
        "perspective",
        "rotate",
        "rotate3d",
        "rotatex",
        "rotatey",
        "rotatez",
        "scale",
        "scale3d",
        "scalex",
        "scaley",
        "scalez",
        "skew",
        "skewx",
        "skewy",
        "translate",
        "translate3d",
        "translatex",
        "translatey",
        "translatez",
        # shapes and filters
        "inset",
        "circle",
        "ellipse",
        "polygon",
        "rect",
        "xywh",
        "blur",
        "brightness",
        "contrast",
        "drop-shadow",
        "grayscale",
        "hue-rotate",
        "invert",
        "opacity",
        "saturate",
        "sepia",
    }
)
"""CSS functions that compute a value and fetch nothing."""

URL_FUNCTIONS = frozenset({"url", "src"})
"""Functions whose argument is one URL."""
IMAGE_SETS = frozenset({"image-set", "-webkit-image-set"})
"""Functions whose string arguments are URLs."""

_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[ \t\n\f]?|\r\n|([^0-9a-fA-F]))", re.S)
_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.S)
_FUNCTION = re.compile(r"([-\w]+)\(")
_NESTED = re.compile(r"[-\w]+\([^()]*\)")
_URL_ARG = re.compile(r"""\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s'"]*))""")
_STRING = re.compile(r""""([^"]*)"|'([^']*)'""")
_IMPORT = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""", re.I)


class CssRead(NamedTuple):
    """What a piece of CSS does.

    Attributes:
        urls: The URLs it fetches (`url()`, `src()`, the strings of `image-set()` and
            `@import`), in order.
        unknown: The functions it calls outside the allowlist and not read for URLs,
            lower-cased, in order.
        fetching: Every function that fetches (`url`, `src`, `image-set`), in order.
    """

    urls: list[str]
    unknown: list[str]
    fetching: list[str]


def _unescape(match: re.Match[str]) -> str:
    hex_digits, char = match.groups()
    if hex_digits is not None:
        code = int(hex_digits, 16)
        return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
    return char if char is not None else ""  # an escaped newline continues the line


def _string(match: re.Match[str]) -> str:
    return match.group(1) if match.group(1) is not None else match.group(2)


def decode_css(text: str) -> str:
    """Decode CSS escapes and drop comments, as the browser's tokenizer reads the text.

    Examples:
        >>> decode_css("u\\\\rl(a)  \\\\75 rl(b)  /**/x\\\\2f y")
        'url(a)  url(b)  x/y'
    """
    if "\\" in text:
        text = _ESCAPE.sub(_unescape, text)
    if "/*" in text:
        text = _COMMENT.sub("", text)
    return text


def _close(text: str, start: int) -> int:
    """The index just past the `)` that closes the `(` before `start` (or the end)."""
    depth = 1
    for index in range(start, len(text)):
        char = text[index]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index + 1
    return len(text)


def read_css(text: str) -> CssRead:
    """Return the URLs and the functions of a style attribute or a style sheet.

    Examples:
        >>> read_css("color: rgb(0 0 0); background: u\\\\rl('x.png')")
        CssRead(urls=['x.png'], unknown=[], fetching=['url'])
        >>> read_css("width: calc(1px + 2px); content: attr(href)").unknown
        ['attr']
    """
    text = decode_css(text)
    read = CssRead([], [], [])
    if "(" in text:
        for match in _FUNCTION.finditer(text):
            name = match.group(1).lower()
            if name in SAFE_FUNCTIONS:
                continue
            if name in URL_FUNCTIONS:
                read.fetching.append(name)
                arg = _URL_ARG.match(text, match.end() - 1)
                if arg is not None:
                    read.urls.append(next(g for g in arg.groups() if g is not None))
            elif name in IMAGE_SETS:
                read.fetching.append(name)
                # Its strings are URLs; a nested `url()` is read on its own.
                body = _NESTED.sub("", text[match.end() : _close(text, match.end())])
                read.urls.extend(_string(m) for m in _STRING.finditer(body))
            else:
                read.unknown.append(name)
    if "@" in text:
        for match in _IMPORT.finditer(text):
            read.fetching.append("@import")
            read.urls.append(_string(match))
    return read
