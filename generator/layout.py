"""Where the site's shared pages go, so that no page grows with the number of questions.

A site of a thousand questions cannot list every question on its home page, nor every
source with every question that uses it on one bibliography page. This module decides,
from the project alone (pure, deterministic), how those lists are split:

- **The bibliography**: every source once. While it fits on one page
  ([`BIBLIOGRAPHY_ENTRIES`][generator.layout.BIBLIOGRAPHY_ENTRIES] sources and
  [`BIBLIOGRAPHY_LINES`][generator.layout.BIBLIOGRAPHY_LINES] lines of backlinks), that is
  `bibliography.md`; beyond, `bibliography.md` lists pages `bibliography/<a>-<c>.md`, each
  holding the sources whose keys start with a run of letters, split by key prefix as deep as
  needed and packed in key order. Adding a source leaves the pages before its own alone; it
  moves no other source while its page has room, and when that page overflows, sources
  move on to the following pages up to one with room (an entry's address is its page's,
  so such a change rewrites the references pages that link those entries). A source
  provided with more than [`INLINE_QUESTIONS`][generator.layout.INLINE_QUESTIONS] questions
  lists them on pages of its own, `bibliography/provided/<anchor>/<n>.md`, of
  [`QUESTIONS_PER_PAGE`][generator.layout.QUESTIONS_PER_PAGE] each.
- **The list of questions**: while the site has at most `nav_limit` questions (the plugin
  option, [`NAV_LIMIT`][generator.layout.NAV_LIMIT] by default), the home page lists each in
  full; beyond, it lists them grouped by task, [`HOME_PER_TASK`][generator.layout.HOME_PER_TASK]
  per task, and each task's questions are on `questions/<task>.md` pages of
  [`QUESTIONS_PER_PAGE`][generator.layout.QUESTIONS_PER_PAGE].

The pages under `bibliography/` and `questions/` are *owned*: generated in full, marked by
their first line ([`OWNED_MARK`][generator.layout.OWNED_MARK]), and removed by `generate`
when the layout no longer has them (unless edited by hand).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from generator.model import source_anchor

__all__ = [
    "BIBLIOGRAPHY",
    "BIBLIOGRAPHY_ENTRIES",
    "BIBLIOGRAPHY_LINES",
    "HOME_PER_TASK",
    "INLINE_QUESTIONS",
    "NAV_LIMIT",
    "OWNED_FOLDERS",
    "OWNED_MARK",
    "QUESTIONS_PER_PAGE",
    "Bibliography",
    "BibliographyPage",
    "Listing",
    "ProvidedPage",
    "TaskList",
    "bibliography_layout",
    "listing_layout",
    "slug",
]

BIBLIOGRAPHY = "bibliography.md"
"""The bibliography's own page (docs-relative): all of it, or the list of its pages."""
BIBLIOGRAPHY_ENTRIES = 40
"""At most this many sources on one bibliography page."""
BIBLIOGRAPHY_LINES = 100
"""At most this many lines on one bibliography page: one per source, one per question listed."""
INLINE_QUESTIONS = 40
"""A source provided with more questions lists them on pages of their own."""
QUESTIONS_PER_PAGE = 100
"""Questions listed on one page of a task's questions or of a source's questions."""
NAV_LIMIT = 30
"""Up to this many questions, the navigation and the home page show every question."""
HOME_PER_TASK = 5
"""Above `nav_limit` questions, the home page lists this many questions of each task."""
OWNED_FOLDERS = ("bibliography", "questions")
"""Docs folders whose pages answersite generates in full (and removes when not needed)."""
OWNED_MARK = "<!-- Generated in full by `answersite generate` from the reference set. -->"
"""The first line of every owned page."""


@dataclass(frozen=True)
class BibliographyPage:
    """One page of a split bibliography.

    Attributes:
        path: The page, docs-relative (`bibliography/a-c.md`).
        label: What it holds, for titles (`a – c`).
        keys: Its sources' keys, in key order.
    """

    path: str
    label: str
    keys: tuple[str, ...]


@dataclass(frozen=True)
class ProvidedPage:
    """One page of the questions a much-used source is provided with.

    Attributes:
        path: The page, docs-relative (`bibliography/provided/ref-x/1.md`).
        key: The source.
        number: 1-based page number.
        questions: The ids of the questions on this page.
    """

    path: str
    key: str
    number: int
    questions: tuple[str, ...]


@dataclass(frozen=True)
class Bibliography:
    """How the bibliography is split.

    Attributes:
        pages: The bibliography's pages; empty when it fits on `bibliography.md`.
        page_of: Source key → the docs-relative page holding its entry.
        provided: Source key → the pages listing its questions (only sources provided
            with more than `INLINE_QUESTIONS` questions).
    """

    pages: tuple[BibliographyPage, ...]
    page_of: Mapping[str, str]
    provided: Mapping[str, tuple[ProvidedPage, ...]]

    @property
    def split(self) -> bool:
        """Whether the bibliography spans several pages."""
        return bool(self.pages)


def _normal(key: str) -> str:
    """The key as the letters that split it: lower case, anything else than a-z0-9 as `_`."""
    return _NOT_ALNUM.sub("_", key.lower())


_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def bibliography_layout(
    keys: Sequence[str],
    provided_with: Mapping[str, Sequence[str]],
    *,
    max_entries: int = BIBLIOGRAPHY_ENTRIES,
    max_lines: int = BIBLIOGRAPHY_LINES,
    inline: int = INLINE_QUESTIONS,
    per_page: int = QUESTIONS_PER_PAGE,
) -> Bibliography:
    """Split the bibliography into pages of bounded size.

    Args:
        keys: Every source key, in the bibliography's order (key order).
        provided_with: Key → the ids of the questions it is provided with, in order.
        max_entries: At most this many sources per page.
        max_lines: At most this many lines (sources plus questions listed) per page.
        inline: A source provided with more questions lists them on pages of its own.
        per_page: Questions per page of those.
    """
    provided: dict[str, tuple[ProvidedPage, ...]] = {}
    weight: dict[str, int] = {}
    for key in keys:
        questions = list(provided_with.get(key, ()))
        if len(questions) > inline:
            chunks = [questions[i : i + per_page] for i in range(0, len(questions), per_page)]
            folder = f"bibliography/provided/{source_anchor(key)}"
            provided[key] = tuple(
                ProvidedPage(f"{folder}/{n}.md", key, n, tuple(chunk))
                for n, chunk in enumerate(chunks, start=1)
            )
            weight[key] = 2  # its entry, and one line of links to those pages
        else:
            weight[key] = 1 + len(questions)
    if len(keys) <= max_entries and sum(weight.values()) <= max_lines:
        return Bibliography((), dict.fromkeys(keys, BIBLIOGRAPHY), provided)
    ordered = sorted(keys, key=lambda k: (_normal(k), k))
    units = _units(ordered, weight, 0, max_entries, max_lines)
    pages: list[BibliographyPage] = []
    group: list[tuple[str, list[str]]] = []

    def close() -> None:
        first, last = group[0][0], group[-1][0]
        name = first if first == last else f"{first}-{last}"
        label = first if first == last else f"{first} – {last}"
        members = tuple(k for _, unit in group for k in unit)
        pages.append(BibliographyPage(f"bibliography/{name}.md", label, members))
        group.clear()

    for prefix, unit in units:
        size = sum(len(u) for _, u in group) + len(unit)
        lines = sum(weight[k] for _, u in group for k in u) + sum(weight[k] for k in unit)
        if group and (size > max_entries or lines > max_lines):
            close()
        group.append((prefix, unit))
    if group:
        close()
    page_of = {key: page.path for page in pages for key in page.keys}
    return Bibliography(tuple(pages), page_of, provided)


def _units(
    keys: list[str], weight: Mapping[str, int], depth: int, max_entries: int, max_lines: int
) -> list[tuple[str, list[str]]]:
    """Split keys (sorted) by their letter at `depth` until each part fits a page."""
    buckets: dict[str, list[str]] = {}
    for key in keys:
        normal = _normal(key)
        buckets.setdefault(normal[: depth + 1], []).append(key)
    units: list[tuple[str, list[str]]] = []
    for prefix, members in buckets.items():
        fits = len(members) <= max_entries and sum(weight[k] for k in members) <= max_lines
        longest = max(len(_normal(k)) for k in members)
        if fits or longest <= depth + 1 or len(members) == 1:
            units.append((prefix, members))
        else:
            units.extend(_units(members, weight, depth + 1, max_entries, max_lines))
    return units


@dataclass(frozen=True)
class TaskList:
    """The questions of one task, as the home page and the task's pages list them.

    Attributes:
        name: The task's name (`Image denoising`), or `Task not inferred`.
        slug: Its pages' name (`image-denoising`).
        questions: The ids of its questions, in question order.
        pages: Its pages, docs-relative (`questions/image-denoising.md`, `…--2.md`), each
            with the ids it lists; empty when the home page lists them all.
    """

    name: str
    slug: str
    questions: tuple[str, ...]
    pages: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Listing:
    """How the questions are listed.

    Attributes:
        in_full: Whether the home page lists every question in full (and the navigation
            holds every question).
        tasks: The questions grouped by task, tasks in name order.
    """

    in_full: bool
    tasks: tuple[TaskList, ...]

    @property
    def pages(self) -> Iterable[tuple[str, tuple[str, ...]]]:
        """Every task page with the ids it lists."""
        for task in self.tasks:
            yield from task.pages


def slug(text: str) -> str:
    """A page name for a title: ASCII lower case words joined by `-`."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "task"


def listing_layout(
    tasks: Mapping[str, str],
    *,
    nav_limit: int = NAV_LIMIT,
    home_per_task: int = HOME_PER_TASK,
    per_page: int = QUESTIONS_PER_PAGE,
) -> Listing:
    """Group the questions by task and split each task's list into pages.

    Args:
        tasks: Question id → its task's name, in question order.
        nav_limit: Up to this many questions, everything is listed in full on the home page.
        home_per_task: Above, the home page lists this many questions per task.
        per_page: Questions per task page.
    """
    groups: dict[str, list[str]] = {}
    for question, name in tasks.items():
        groups.setdefault(name, []).append(question)
    in_full = len(tasks) <= nav_limit
    used: set[str] = set()
    lists = []
    for name in sorted(groups, key=lambda n: (n.casefold(), n)):
        questions = groups[name]
        base = slug(name)
        while base in used:  # two names with the same letters
            base += "-x"
        used.add(base)
        pages: list[tuple[str, tuple[str, ...]]] = []
        if not in_full and len(questions) > home_per_task:
            for n, start in enumerate(range(0, len(questions), per_page), start=1):
                # `--`: a slug never holds two dashes, so no task's name can take this one's page
                path = f"questions/{base}.md" if n == 1 else f"questions/{base}--{n}.md"
                pages.append((path, tuple(questions[start : start + per_page])))
        lists.append(TaskList(name, base, tuple(questions), tuple(pages)))
    return Listing(in_full, tuple(lists))
