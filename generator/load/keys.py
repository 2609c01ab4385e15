"""Check every key of the reference set: citable, and defined once.

A key must be one that `[@key]` can cite (the pattern of
[`citations`][generator.citations]). Two keys are one key defined twice when they are
equal, when they differ only in case (BibTeX compares keys without case, and so would a
reader), or when they give the same HTML anchor
([`source_anchor`][generator.model.source_anchor]): the references page could not link
both. The first definition is the one used.

A key no question provides only costs a warning: a large bibliography with an odd entry
somewhere still builds. A key a question provides is an error.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from generator.load.validate import shorten
from generator.model import Finding, Location, Severity, source_anchor

__all__ = ["CITABLE_KEY", "Defined", "check_keys"]

CITABLE_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_:.\-/+]*\Z")
"""A key `[@key]` can cite (`generator.citations` reads citations with this pattern)."""


@dataclass(frozen=True)
class Defined:
    """One definition of a key in the reference set.

    Attributes:
        key: The key as written.
        location: Where the entry or item starts.
        read: Whether the key was read as a key; `False` for the key-like text of a BibTeX
            entry whose head cannot be parsed (its own finding says why).
    """

    key: str
    location: Location
    read: bool = True


def check_keys(defined: Iterable[Defined], provided: Collection[str]) -> list[Finding]:
    """Report keys that cannot be cited and keys defined more than once.

    Args:
        defined: Every definition, in file order.
        provided: The keys some question provides (their problems are errors).
    """
    findings: list[Finding] = []
    exact: dict[str, Defined] = {}
    folded: dict[str, Defined] = {}
    anchors: dict[str, Defined] = {}
    for item in defined:
        if not item.read:
            continue
        if not CITABLE_KEY.match(item.key):
            findings.append(_bad_key(item, item.key in provided))
            continue
        first = exact.get(item.key)
        if first is not None:
            findings.append(
                Finding(
                    "ref-duplicate-key",
                    _severity(provided, item.key),
                    f"source key `{item.key}` is defined twice: here and at {first.location}",
                    item.location,
                    "rename one of the two keys, or delete the duplicate entry",
                )
            )
            continue
        exact[item.key] = item
        anchor = source_anchor(item.key)
        other = folded.get(item.key.lower())
        if other is not None:
            findings.append(
                _clash(item, other, "differs only in case from", provided, "BibTeX and readers")
            )
            continue
        other = anchors.get(anchor)
        if other is not None:
            findings.append(
                _clash(item, other, f"gives the same anchor `#{anchor}` as", provided, "links")
            )
            continue
        folded[item.key.lower()] = item
        anchors[anchor] = item
    return findings


def _severity(provided: Collection[str], *keys: str) -> Severity:
    return Severity.ERROR if any(key in provided for key in keys) else Severity.WARNING


def _clash(item: Defined, other: Defined, how: str, provided: Collection[str], who: str) -> Finding:
    return Finding(
        "ref-duplicate-key",
        _severity(provided, item.key, other.key),
        f"source key `{item.key}` {how} `{other.key}` at {other.location}: "
        f"{who} would take them for one key",
        item.location,
        "rename one of the two keys so that they differ in letters or digits",
    )


def _bad_key(item: Defined, used: bool) -> Finding:
    severity = Severity.ERROR if used else Severity.WARNING
    if not item.key.strip():
        return Finding(
            "ref-bad-key",
            severity,
            "expected a source key, found an entry with an empty key",
            item.location,
            "write a key after the opening brace, e.g. `@article{doe2024,`",
        )
    return Finding(
        "ref-bad-key",
        severity,
        "expected a key of letters, digits and `_:.-/+` (starting with a letter, digit or "
        f"`_`), found `{shorten(item.key)}`, which `[@…]` cannot cite",
        item.location,
        f"rename it, e.g. `{_citable(item.key)}`",
    )


def _citable(key: str) -> str:
    """A citable key close to `key`: accents dropped, other characters replaced by `-`."""
    ascii_key = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode("ascii")
    cleaned = re.sub(r"[^A-Za-z0-9_:.\-/+]+", "-", ascii_key)
    cleaned = re.sub(r"^[^A-Za-z0-9_]+", "", cleaned).rstrip("-")[:60]
    return cleaned or "my-source"
