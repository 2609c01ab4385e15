""" "Did you mean …?": the closest known name to a mistyped one, for hints."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["suggest"]


def suggest(name: str, known: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """Return the known name closest to `name`, if one is close enough to be a likely typo.

    Case is ignored when comparing; the known name is returned as written.

    Examples:
        >>> suggest("kim2022msnet", ["kim2022mssnet", "liu2024littlebig"])
        'kim2022mssnet'
        >>> suggest("zzz", ["kim2022mssnet"]) is None
        True
    """
    lowered = {k.lower(): k for k in known}
    matches = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=cutoff)
    return lowered[matches[0]] if matches else None
