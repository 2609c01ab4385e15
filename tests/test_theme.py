"""Tests for generator.theme: the amendments to Material's markup, on its own markup.

The browser tests (`test_site_browser.py`) show what they are for: axe-core finds no
unnamed dialog, and no page asks GitHub's API for the repository's facts.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.theme import amend_page, name_search_dialog, stop_source_facts

DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
FIELD = (
    '<input type="text" class="md-search__input" name="query" aria-label="{label}" '
    'placeholder="Search" required>'
)
SOURCE = (
    '<a href="https://github.com/o/r" title="Go to repository" class="md-source" '
    'data-md-component="source">'
)
CONTENT = '<article class="md-content__inner md-typeset">{content}</article>'


def page(content: str = "", label: str = "Search") -> str:
    chrome = f"<header>{SOURCE}r</a>{DIALOG}{FIELD.format(label=label)}</div></header>"
    drawer = f'<nav class="md-nav"><div class="md-nav__source">{SOURCE}r</a></div></nav>'
    return f"<html><body>{chrome}{drawer}{CONTENT.format(content=content)}</body></html>"


def test_the_search_dialog_is_named_by_its_field() -> None:
    amended = name_search_dialog(page(label="Rechercher"))
    assert DIALOG[:-1] + ' aria-label="Rechercher">' in amended
    assert amended.replace(' aria-label="Rechercher">', ">", 1) == page(label="Rechercher")


@pytest.mark.parametrize(
    ("html", "label"),
    [
        pytest.param(DIALOG + "<input class='other'></div>", "Search", id="no-field"),
        pytest.param(DIALOG + FIELD.format(label=" "), "Search", id="blank-label"),
        pytest.param(
            DIALOG + FIELD.format(label="Suche &amp; finde"), "Suche &amp; finde", id="escaped"
        ),
    ],
)
def test_a_dialog_without_a_labelled_field_is_named_search(html: str, label: str) -> None:
    assert name_search_dialog(html).startswith(DIALOG[:-1] + f' aria-label="{label}">')


def test_a_named_dialog_and_a_page_without_one_are_left_alone() -> None:
    named = DIALOG.replace(">", ' aria-label="Find">') + FIELD.format(label="Search")
    assert name_search_dialog(named) == named
    assert name_search_dialog("<p>no search</p>") == "<p>no search</p>"


def test_repository_links_fetch_no_facts_and_stay_links() -> None:
    amended = stop_source_facts(page())
    assert "data-md-component" not in amended.replace('data-md-component="search"', "")
    assert (
        amended.count(
            '<a href="https://github.com/o/r" title="Go to repository" class="md-source">'
        )
        == 2
    )


def test_the_content_is_never_touched() -> None:
    written = DIALOG + FIELD.format(label="X") + "</div>" + SOURCE + "r</a>"
    amended = amend_page(page(content=written))
    assert amended.endswith(CONTENT.format(content=written) + "</body></html>")
    assert amended.count('aria-label="Search">') == 1
    assert amended.count('data-md-component="source"') == 1  # the content's, for the check


@pytest.mark.e2e
def test_a_built_page_is_amended(built_site: Path) -> None:
    text = (built_site / "phone-3x-upscale" / "index.html").read_text(encoding="utf-8")
    assert DIALOG[:-1] + ' aria-label="Search">' in text
    assert 'data-md-component="source"' not in text
    assert amend_page(text) == text  # once is enough: a second pass changes nothing
    missing = (built_site / "404.html").read_text(encoding="utf-8")
    assert DIALOG[:-1] + ' aria-label="Search">' in missing
