"""Progress bars on a terminal, over long runs only; nothing when the output is not a terminal.

The stages take a [`Track`][generator.progress.Track]: a function that wraps the items of a
long loop and gives them back. [`silent`][generator.progress.silent] shows nothing (the
default, and what the plugin uses); [`terminal`][generator.progress.terminal] draws a bar
with tqdm on a stream that is a terminal, only once a loop has run for half a second, and
erases it when the loop ends, so a short run prints exactly what it printed before.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol, TextIO, TypeVar

__all__ = ["Track", "silent", "terminal"]

T = TypeVar("T")


class Track(Protocol):
    """`track(items, label, total)`: the items, one by one, while showing how far the loop is."""

    def __call__(self, items: Iterable[T], label: str, total: int) -> Iterable[T]: ...


def silent(items: Iterable[T], label: str, total: int) -> Iterable[T]:
    """Show nothing."""
    return items


def terminal(stream: TextIO, *, delay: float = 0.5) -> Track:
    """A bar on `stream` if it is a terminal (and nothing otherwise).

    Args:
        stream: Where the bar goes (standard error).
        delay: Seconds a loop runs before its bar shows: short runs show none.
    """
    if not stream.isatty():
        return silent

    def track(items: Iterable[T], label: str, total: int) -> Iterator[T]:
        from tqdm import tqdm

        yield from tqdm(
            items, desc=label, total=total, file=stream, delay=delay, leave=False, unit=""
        )

    return track
