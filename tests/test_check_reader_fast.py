"""The page reader's shortcuts take only what the full rules would pass."""

from __future__ import annotations

from generator.check import reader


def test_class_only_shortcut_is_plain() -> None:
    # `walk` passes an element whose only attribute is `class` without the `_PLAIN` test:
    # that is only the same test while `class` is one of the plain attributes.
    assert "class" in reader._PLAIN
    assert reader._KIND.get("class") is None
