"""The theme's markup, amended where Material falls short: applied by the plugin to every
built page (`on_post_page`), before the link check reads it.

- **The search dialog gets a name.** Material's search is a `role="dialog"` element with no
  accessible name (axe-core's `aria-dialog-name`, WCAG 4.1.2): it is labelled with the
  search field's own label, which Material has already translated.
- **The repository's facts are not fetched.** With a `repo_url` on GitHub or GitLab,
  Material's script asks that host's API for the stars, forks and latest release of the
  repository on every visit: a third-party request the site must not make. The repository
  link stays; only the attribute that makes the script fetch is dropped.

Only the theme's chrome before the content is changed (the header and the navigation,
where Material writes both), so nothing written in a page is touched, and what the link
check then reads of the content is what the page holds. The functions are pure: HTML text
in, HTML text out. Templates are not overridden: a copy of Material's would have to follow
every release of it.
"""

from __future__ import annotations

import re

__all__ = ["amend_page", "name_search_dialog", "stop_source_facts"]

_CONTENT = re.compile(r'<article\b[^>]*\bclass="md-content__inner\b')
_DIALOG = re.compile(r'<div class="md-search"(?P<attrs>[^<>]*?)\brole="dialog"(?P<rest>[^<>]*)>')
_SEARCH_LABEL = re.compile(r'<input\b[^<>]*\bclass="md-search__input"[^<>]*>')
_ARIA_LABEL = re.compile(r'\baria-label="(?P<label>[^"<>]*)"')
_SOURCE = re.compile(r'(<a\b[^<>]*\bclass="md-source") data-md-component="source"')


def amend_page(html: str) -> str:
    """Apply every amendment to one built page; a page without them is returned as it is."""
    end = _chrome_end(html)
    chrome = stop_source_facts(name_search_dialog(html[:end]))
    return chrome + html[end:]


def name_search_dialog(html: str) -> str:
    """Label Material's search dialog with its search field's label (else "Search").

    A dialog that already has an `aria-label` or `aria-labelledby` is left alone.
    """
    dialog = _DIALOG.search(html)
    if dialog is None or "aria-label" in dialog.group(0):
        return html
    field = _SEARCH_LABEL.search(html, dialog.end())
    found = _ARIA_LABEL.search(field.group(0)) if field else None
    label = found.group("label") if found and found.group("label").strip() else "Search"
    start = dialog.start("rest")
    return f'{html[:start]} aria-label="{label}"{html[start:]}'


def stop_source_facts(html: str) -> str:
    """Drop `data-md-component="source"` from Material's repository links (header, drawer)."""
    return _SOURCE.sub(r"\1", html)


def _chrome_end(html: str) -> int:
    """Where the page's content starts: the theme's chrome is everything before it."""
    content = _CONTENT.search(html)
    return content.start() if content else len(html)
