"""The progress bar: on a terminal over long runs, nothing otherwise."""

from __future__ import annotations

import io

from generator.progress import silent, terminal


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_bar_that_is_erased_at_the_end() -> None:
    stream = _Terminal()
    track = terminal(stream, delay=0)

    assert list(track(range(5), "planning pages", 5)) == [0, 1, 2, 3, 4]
    shown = stream.getvalue()
    assert "planning pages:" in shown and "/5" in shown
    last = shown.rstrip("\r").rsplit("\r", 1)[-1]
    assert last.strip() == ""  # the bar is erased: nothing is left behind


def test_a_short_run_on_a_terminal_shows_nothing() -> None:
    stream = _Terminal()
    assert list(terminal(stream)(range(3), "planning pages", 3)) == [0, 1, 2]
    assert stream.getvalue() == ""


def test_output_that_is_not_a_terminal_gets_nothing() -> None:
    stream = io.StringIO()
    track = terminal(stream, delay=0)

    assert track is silent
    assert list(track(range(5), "planning pages", 5)) == [0, 1, 2, 3, 4]
    assert stream.getvalue() == ""
