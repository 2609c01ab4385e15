"""Integrity the other way round: a page that links a provided source also cites it.

The link check proper asks whether each external link is a provided source. This module
asks the converse question of a page that does link one: does the page also cite that
source, with a citation link (`a.citation`, what `[@key]` becomes) whose fragment is the
source's anchor (`ref-<key>`)? A bare link to a paper tells a reader less than a citation,
and it escapes the numbering and the backlinks of the references page.

The pages whose job is to list sources link every source without citing it, and are
exempt: the `bibliography` page and its pages (`bibliography/…`), and each question's
`references` page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from generator.check.pages import Page
from generator.check.problem import Problem
from generator.check.urls import clean_href, md_to_site_files, normalize_url, scheme_of
from generator.model import source_anchor

__all__ = ["CitationCheck", "listing_pages"]

# The pages of a split bibliography (see generator.layout): they list sources too.
_BIBLIOGRAPHY_PAGES = "bibliography/"


def listing_pages(questions: Iterable[str]) -> set[str]:
    """Return the site files of the pages that list sources, exempt from the check.

    Examples:
        >>> sorted(listing_pages(["q1"]))[2:]
        ['q1/references.html', 'q1/references/index.html']
    """
    docs = ["bibliography.md", *(f"{question}/references.md" for question in questions)]
    return {site_file for doc in docs for site_file in md_to_site_files(doc)}


class CitationCheck:
    """Finds the provided sources a page links without citing them.

    Args:
        source_keys: A provided source's URL, as written -> the keys of the sources that
            list it (two sources may share a code repository).
        exempt: Site files that list sources (see
            [`listing_pages`][generator.check.cited.listing_pages]).
    """

    def __init__(self, source_keys: Mapping[str, Iterable[str]], exempt: set[str]) -> None:
        # Normalised URL -> the anchor ids that cite it -> their keys.
        self.anchors: dict[str, dict[str, str]] = {}
        for url, keys in source_keys.items():
            slot = self.anchors.setdefault(normalize_url(url) or url, {})
            slot.update((source_anchor(key), key) for key in keys)
        self.exempt = exempt
        self._sources: dict[str, str | None] = {}

    def source_of(self, url: str) -> str | None:
        """Return the normalised URL of the provided source `url` links, or `None`.

        Cached by the raw string: a page's few external links recur on many pages.
        """
        if url in self._sources:
            return self._sources[url]
        cleaned = clean_href(url)
        key = normalize_url(cleaned) if scheme_of(cleaned) in ("http", "https") else None
        found = self._sources[url] = key if key in self.anchors else None
        return found

    def check_page(
        self,
        page: Page,
        linked: Mapping[str, int],
        problem: Callable[[int, str, str, str], Problem],
    ) -> list[Problem]:
        """Return one problem per source the page links but does not cite.

        Args:
            page: The page, with its citation fragments.
            linked: Normalised source URL -> the index of its first link in the page.
            problem: Makes a problem from a link index, a message, a hint and a key.
        """
        if page.path in self.exempt or page.path.startswith(_BIBLIOGRAPHY_PAGES):
            return []
        found = []
        for source, index in linked.items():
            cites = self.anchors[source]
            if any(fragment in cites for fragment in page.cited):
                continue
            keys = sorted(set(cites.values()))
            names = " or ".join(f"'{key}'" for key in keys)
            plural = "s" if len(keys) > 1 else ""
            message = (
                f"'{page.link(index).url}' links provided source{plural} {names} but the page "
                "does not cite it"
            )
            hint = f"cite it where it is used with `[@{keys[0]}]`, or remove the link"
            found.append(problem(index, message, hint, source))
        return found
