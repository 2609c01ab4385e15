"""LaTeX in BibTeX values → plain text, fast for the common cases.

`{MSSNet}` → `MSSNet`, `{\\"u}` → `ü`, `--` → `–`. Protective braces, accent macros, dashes
and escaped specials are decoded with a small table; anything else (another macro, math)
falls back to pylatexenc, which is imported only then. Each distinct value is decoded once.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pylatexenc.latex2text import LatexNodes2Text

__all__ = ["MAX_BRACE_DEPTH", "brace_depth", "decode"]

MAX_BRACE_DEPTH = 64
"""The deepest nesting of braces decoded. pylatexenc recurses on each level: at about 300
(`\\textbf{` 300 times) it fails with a `RecursionError`, earlier when called from deep in a
stack. Real titles nest two or three levels."""

_COMBINING = {
    '"': "\u0308",
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "r": "\u030a",
}
_LETTERS = {
    "ss": "ß",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "aa": "å",
    "AA": "Å",
    "o": "ø",
    "O": "Ø",
    "l": "ł",
    "L": "Ł",
    "i": "ı",
    "j": "ȷ",
    "&": "&",
    "%": "%",
    "_": "_",
    "#": "#",
    "$": "\x02",
    "{": "\x00",
    "}": "\x01",
}
_ACCENT = re.compile(
    r"\\([\"'`^~=.])\s*(?:\{([A-Za-z]|\\[ij])\}|([A-Za-z]))"
    r"|\\([uvHckr])(?:\s*\{([A-Za-z]|\\[ij])\}|\s+([A-Za-z]))"
)
_LETTER = re.compile(r"\\(ss|ae|AE|oe|OE|aa|AA|[oOlLij])(?![A-Za-z])\s*|\\([&%_#${}])")


def _fast_decode(value: str) -> str | None:
    """Decode the common cases (protective braces, accents, dashes) without a LaTeX parser.

    Returns `None` when anything else is left (another macro, math): the caller then uses
    pylatexenc. Measured on a synthetic 2,761-entry bibliography: see benchmarks/bench_load.py.
    """

    def accent(match: re.Match[str]) -> str:
        mark = match.group(1) or match.group(4)
        letter = match.group(2) or match.group(3) or match.group(5) or match.group(6)
        letter = {"\\i": "i", "\\j": "j"}.get(letter, letter)  # dotless i + accent = í
        return unicodedata.normalize("NFC", letter + _COMBINING[mark])

    text = _ACCENT.sub(accent, value)
    text = _LETTER.sub(lambda m: _LETTERS[m.group(1) or m.group(2)], text)
    if "\\" in text or "$" in text.replace("\x02", ""):
        return None
    text = text.replace("{", "").replace("}", "")
    text = text.replace("\x00", "{").replace("\x01", "}").replace("\x02", "$")
    text = text.replace("---", "—").replace("--", "–").replace("``", "“").replace("''", "”")
    return " ".join(text.replace("~", " ").split())


def brace_depth(value: str) -> int:
    """The deepest nesting of `{` in `value` (escaped braces `\\{` count too: cheap and safe)."""
    if value.count("{") <= MAX_BRACE_DEPTH:
        return value.count("{")  # an upper bound, enough to know the limit is not reached
    depth = deepest = 0
    for char in value:
        if char == "{":
            depth += 1
            deepest = max(deepest, depth)
        elif char == "}" and depth:
            depth -= 1
    return deepest


@functools.lru_cache(maxsize=4096)
def decode(value: str) -> str:
    """LaTeX → plain text (`{MSSNet}` → `MSSNet`, `{\\"u}` → `ü`), whitespace folded."""
    fast = _fast_decode(value)
    if fast is not None:
        return fast
    return " ".join(_latex().latex_to_text(value).split())


@functools.lru_cache(maxsize=1)
def _latex() -> LatexNodes2Text:
    from pylatexenc.latex2text import LatexNodes2Text  # imported only when needed

    # pylatexenc logs each macro it cannot expand; what it gives back is still the text.
    logging.getLogger("pylatexenc").setLevel(logging.ERROR)
    return LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)
