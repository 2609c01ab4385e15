"""Tests for generator.layout: how the bibliography and the list of questions are split so
that no page grows with the number of questions.

- The bibliography: one page while it fits; beyond, pages by key prefix, every source on
  exactly one page, every page within the bounds whatever the keys (hypothesis), pages in
  key order, the same layout for the same sources in any order; a much-used source's
  questions on pages of their own.
- The list of questions: in full on the home page up to `nav_limit`; above, pages of each
  task's questions, within the bounds whatever the tasks (hypothesis).
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Mapping, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import layout
from generator.config import AnswersiteConfig
from generator.layout import (
    BIBLIOGRAPHY,
    BIBLIOGRAPHY_ENTRIES,
    BIBLIOGRAPHY_LINES,
    HOME_PER_TASK,
    INLINE_QUESTIONS,
    NAV_LIMIT,
    OWNED_FOLDERS,
    OWNED_MARK,
    QUESTIONS_PER_PAGE,
    Bibliography,
    bibliography_layout,
    listing_layout,
    slug,
)
from generator.model import source_anchor

PROPERTY = settings(max_examples=200, deadline=None)


def _order(key: str) -> tuple[str, str]:
    """The bibliography's key order, written out here rather than imported: lower case,
    every character other than a-z0-9 counted as `_`."""
    return re.sub(r"[^a-z0-9]", "_", key.lower()), key


def _lines(key: str, provided_with: Mapping[str, Sequence[str]], inline: int) -> int:
    """The lines a source takes on a bibliography page: its entry, and one per question it
    is provided with, or one line of links to its own pages when it has more than `inline`."""
    count = len(provided_with.get(key, ()))
    return 2 if count > inline else 1 + count


def _keys(count: int, stem: str = "kim") -> list[str]:
    return [f"{stem}{n:03d}" for n in range(count)]


def _assert_default_bounds(
    result: Bibliography, keys: Sequence[str], provided_with: Mapping[str, Sequence[str]]
) -> None:
    """`_assert_bounded` with the bounds the generator uses."""
    _assert_bounded(
        result,
        keys,
        provided_with,
        max_entries=BIBLIOGRAPHY_ENTRIES,
        max_lines=BIBLIOGRAPHY_LINES,
        inline=INLINE_QUESTIONS,
    )


def _assert_bounded(
    result: Bibliography,
    keys: Sequence[str],
    provided_with: Mapping[str, Sequence[str]],
    *,
    max_entries: int,
    max_lines: int,
    inline: int,
) -> None:
    """Every source on exactly one page, every page within the bounds, pages in key order."""
    assert set(result.page_of) == set(keys)
    if not result.split:
        assert set(result.page_of.values()) <= {BIBLIOGRAPHY}
        return
    on_pages = [key for page in result.pages for key in page.keys]
    assert Counter(on_pages) == Counter(keys)  # each exactly once
    assert on_pages == sorted(keys, key=_order)  # pages in order, keys in order on each
    paths = [page.path for page in result.pages]
    assert len(set(paths)) == len(paths)
    for page in result.pages:
        assert re.fullmatch(r"bibliography/[a-z0-9_]+(-[a-z0-9_]+)?\.md", page.path), page.path
        assert page.keys, page.path
        assert len(page.keys) <= max_entries, page.path
        assert sum(_lines(k, provided_with, inline) for k in page.keys) <= max_lines, page.path
        assert all(result.page_of[key] == page.path for key in page.keys)


# --- The bibliography on one page --------------------------------------------------------


def test_an_empty_bibliography_is_its_own_page() -> None:
    assert bibliography_layout([], {}) == Bibliography((), {}, {})


def test_up_to_the_bounds_the_bibliography_is_one_page() -> None:
    keys = _keys(BIBLIOGRAPHY_ENTRIES)
    # 40 entries and 60 lines of questions: 100 lines, exactly the bound.
    provided = {key: ["q1", "q2", "q3"] for key in keys[:20]}
    result = bibliography_layout(keys, provided)
    assert not result.split
    assert result.pages == ()
    assert result.page_of == dict.fromkeys(keys, BIBLIOGRAPHY)
    assert result.provided == {}


def test_one_source_more_splits_the_bibliography() -> None:
    result = bibliography_layout(_keys(BIBLIOGRAPHY_ENTRIES + 1), {})
    assert result.split
    assert BIBLIOGRAPHY not in result.page_of.values()


def test_one_line_more_splits_the_bibliography() -> None:
    keys = _keys(BIBLIOGRAPHY_ENTRIES)
    provided = {key: ["q1", "q2", "q3"] for key in keys[:20]}
    provided[keys[-1]] = ["q1"]  # 101 lines
    result = bibliography_layout(keys, provided)
    assert result.split
    _assert_default_bounds(result, keys, provided)


# --- The split bibliography --------------------------------------------------------------


def test_pages_are_split_by_key_prefix_and_named_by_it() -> None:
    keys = [f"{letter}{n:02d}" for letter in "abc" for n in range(30)]
    result = bibliography_layout(keys, {})
    assert [(p.path, p.label, len(p.keys)) for p in result.pages] == [
        ("bibliography/a.md", "a", 30),
        ("bibliography/b.md", "b", 30),
        ("bibliography/c.md", "c", 30),
    ]
    assert result.page_of["b07"] == "bibliography/b.md"


def test_small_prefixes_share_a_page_named_by_its_first_and_last() -> None:
    keys = [f"{letter}{n}" for letter in "abcdefgh" for n in range(10)]
    result = bibliography_layout(keys, {})
    assert [(p.path, p.label) for p in result.pages] == [
        ("bibliography/a-d.md", "a – d"),
        ("bibliography/e-h.md", "e – h"),
    ]


def test_a_prefix_too_large_for_a_page_is_split_deeper() -> None:
    keys = [f"kim20{n:02d}" for n in range(100)]  # one letter, one page would hold 100
    result = bibliography_layout(keys, {})
    assert len(result.pages) == 3
    assert [p.path for p in result.pages] == [
        "bibliography/kim200-kim203.md",
        "bibliography/kim204-kim207.md",
        "bibliography/kim208-kim209.md",
    ]


def test_keys_are_ordered_without_case_and_punctuation() -> None:
    keys = ["Zhang2021", "adams-2020", "Baker_2019", *_keys(40, "m")]
    result = bibliography_layout(keys, {})
    assert result.pages[0].keys[:2] == ("adams-2020", "Baker_2019")
    assert result.pages[-1].keys[-1] == "Zhang2021"


@PROPERTY
@given(
    keys=st.lists(
        st.text(alphabet="abcz019-_.AZé", min_size=1, max_size=8),
        unique_by=source_anchor,  # as the loader requires (`ref-duplicate-key`)
        max_size=120,
    ),
    counts=st.lists(st.integers(0, 60), max_size=120),
    max_entries=st.integers(1, BIBLIOGRAPHY_ENTRIES),
    spare_lines=st.integers(0, 40),
    inline=st.integers(0, INLINE_QUESTIONS),
    per_page=st.integers(1, QUESTIONS_PER_PAGE),
)
def test_every_page_is_within_the_bounds_whatever_the_keys(
    keys: list[str],
    counts: list[int],
    max_entries: int,
    spare_lines: int,
    inline: int,
    per_page: int,
) -> None:
    provided = {k: [f"q{n}" for n in range(c)] for k, c in zip(keys, counts, strict=False) if c}
    # One source always fits on a page: its entry with its questions, or with the links to
    # its own pages of them.
    max_lines = max(inline + 1, 2) + spare_lines
    result = bibliography_layout(
        keys,
        provided,
        max_entries=max_entries,
        max_lines=max_lines,
        inline=inline,
        per_page=per_page,
    )
    lines = sum(_lines(k, provided, inline) for k in keys)
    assert result.split == (len(keys) > max_entries or lines > max_lines)
    _assert_bounded(
        result, keys, provided, max_entries=max_entries, max_lines=max_lines, inline=inline
    )


@settings(max_examples=40, deadline=None)
@given(
    keys=st.lists(st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True), min_size=41, max_size=200)
)
def test_every_page_is_within_the_default_bounds(keys: list[str]) -> None:
    keys = list(dict.fromkeys(keys))
    provided = {k: [f"q{n}" for n in range(len(k) * 7)] for k in keys}  # up to 49 each
    result = bibliography_layout(keys, provided)
    _assert_default_bounds(result, keys, provided)


@PROPERTY
@given(
    keys=st.lists(st.from_regex(r"[a-d][a-d0-2]{0,4}", fullmatch=True), unique=True, max_size=80),
    seed=st.randoms(use_true_random=False),
)
def test_the_same_sources_give_the_same_layout_in_any_order(
    keys: list[str], seed: random.Random
) -> None:
    provided = {k: [f"q{n}" for n in range(len(k))] for k in keys}
    first = bibliography_layout(keys, provided, max_entries=6, max_lines=12, inline=2)
    again = bibliography_layout(keys, provided, max_entries=6, max_lines=12, inline=2)
    shuffled = list(keys)
    seed.shuffle(shuffled)
    other = bibliography_layout(shuffled, provided, max_entries=6, max_lines=12, inline=2)
    assert first == again == other


@PROPERTY
@given(
    keys=st.lists(st.from_regex(r"[a-e][a-e0-2]{0,4}", fullmatch=True), unique=True, max_size=80),
    new=st.from_regex(r"[a-e][a-e0-2]{0,4}", fullmatch=True),
)
def test_adding_a_source_leaves_the_pages_before_its_letter_alone(
    keys: list[str], new: str
) -> None:
    """Adding a source changes no page before the one that is open when its first letter
    comes (the page open then may take part of that letter's sources, or not)."""
    if new in keys:
        return
    bounds = {"max_entries": 6, "max_lines": 12}
    before = bibliography_layout(keys, {}, **bounds)
    after = bibliography_layout([*keys, new], {}, **bounds)
    letter = _order(new)[0][0]
    earlier = [p for p in before.pages if _order(p.keys[-1])[0][0] < letter]
    kept = earlier[:-1]  # the last of them was open when the letter came
    assert after.pages[: len(kept)] == tuple(kept)
    _assert_bounded(after, [*keys, new], {}, inline=0, **bounds)


def test_adding_a_source_moves_no_other_source_when_the_pages_have_room() -> None:
    keys = [f"{letter}{n:02d}" for letter in "bcdefg" for n in range(15)]
    before = bibliography_layout(keys, {})
    after = bibliography_layout([*keys, "d15"], {})
    moved = [key for key in keys if before.page_of[key] != after.page_of[key]]
    assert moved == []
    assert after.page_of["d15"] == before.page_of["d00"]


def test_adding_a_source_to_full_pages_moves_sources_on_to_the_following_pages() -> None:
    # What the module says: the pages before the new source's stay; the rest may move.
    keys = [f"{letter}{n:02d}" for letter in "bcdefg" for n in range(20)]
    before = bibliography_layout(keys, {})
    after = bibliography_layout([*keys, "b20"], {})
    assert [p.path for p in before.pages] == [
        "bibliography/b-c.md",
        "bibliography/d-e.md",
        "bibliography/f-g.md",
    ]
    assert [p.path for p in after.pages] == [
        "bibliography/b.md",
        "bibliography/c-d.md",
        "bibliography/e-f.md",
        "bibliography/g.md",
    ]
    _assert_default_bounds(after, [*keys, "b20"], {})


# --- A much-used source's own pages of questions -----------------------------------------


def test_a_source_with_many_questions_lists_them_on_pages_of_its_own() -> None:
    questions = [f"q{n:03d}" for n in range(QUESTIONS_PER_PAGE * 2 + 1)]
    result = bibliography_layout(["Kim-2022", "lee"], {"Kim-2022": questions, "lee": ["q000"]})
    pages = result.provided["Kim-2022"]
    assert [(p.path, p.key, p.number, len(p.questions)) for p in pages] == [
        ("bibliography/provided/ref-kim-2022/1.md", "Kim-2022", 1, QUESTIONS_PER_PAGE),
        ("bibliography/provided/ref-kim-2022/2.md", "Kim-2022", 2, QUESTIONS_PER_PAGE),
        ("bibliography/provided/ref-kim-2022/3.md", "Kim-2022", 3, 1),
    ]
    assert [q for p in pages for q in p.questions] == questions
    assert "lee" not in result.provided
    # Its entry takes two lines (itself, the links to its pages): the bibliography fits.
    assert not result.split


def test_up_to_inline_questions_a_source_lists_them_in_its_entry() -> None:
    at_limit = [f"q{n}" for n in range(INLINE_QUESTIONS)]
    result = bibliography_layout(["a", "b"], {"a": at_limit, "b": [*at_limit, "q-more"]})
    assert "a" not in result.provided
    assert [len(p.questions) for p in result.provided["b"]] == [INLINE_QUESTIONS + 1]


@PROPERTY
@given(
    counts=st.lists(st.integers(0, 450), min_size=1, max_size=12),
    inline=st.integers(0, INLINE_QUESTIONS),
    per_page=st.integers(1, QUESTIONS_PER_PAGE),
)
def test_a_source_s_pages_hold_its_questions_in_order_within_the_bound(
    counts: list[int], inline: int, per_page: int
) -> None:
    keys = [f"src{n}" for n in range(len(counts))]
    provided = {k: [f"{k}-q{n}" for n in range(c)] for k, c in zip(keys, counts, strict=False)}
    result = bibliography_layout(keys, provided, inline=inline, per_page=per_page)
    assert set(result.provided) == {k for k in keys if len(provided[k]) > inline}
    for key, pages in result.provided.items():
        assert [q for p in pages for q in p.questions] == provided[key]
        assert [p.number for p in pages] == list(range(1, len(pages) + 1))
        assert all(0 < len(p.questions) <= per_page for p in pages)
        assert all(p.path == f"bibliography/provided/ref-{key}/{p.number}.md" for p in pages)


# --- The list of questions ---------------------------------------------------------------


def _tasks(counts: Mapping[str, int]) -> dict[str, str]:
    """Question id → task name, the tasks' questions interleaved as questions come."""
    tasks: dict[str, str] = {}
    for round_ in range(max(counts.values(), default=0)):
        for name, count in counts.items():
            if round_ < count:
                tasks[f"q{len(tasks):04d}"] = name
    return tasks


def test_up_to_nav_limit_the_home_page_lists_every_question() -> None:
    tasks = _tasks({"Image denoising": NAV_LIMIT - 1, "Machine translation": 1})
    listing = listing_layout(tasks)
    assert listing.in_full
    assert [(t.name, t.slug, len(t.questions), t.pages) for t in listing.tasks] == [
        ("Image denoising", "image-denoising", NAV_LIMIT - 1, ()),
        ("Machine translation", "machine-translation", 1, ()),
    ]
    assert list(listing.pages) == []


def test_above_nav_limit_each_large_task_has_pages_of_its_questions() -> None:
    tasks = _tasks({"Image denoising": 2 * QUESTIONS_PER_PAGE + 1, "OCR": HOME_PER_TASK})
    listing = listing_layout(tasks)
    assert not listing.in_full
    denoising, ocr = listing.tasks
    assert [(path, len(ids)) for path, ids in denoising.pages] == [
        ("questions/image-denoising.md", QUESTIONS_PER_PAGE),
        ("questions/image-denoising--2.md", QUESTIONS_PER_PAGE),
        ("questions/image-denoising--3.md", 1),
    ]
    assert [q for _, ids in denoising.pages for q in ids] == list(denoising.questions)
    assert ocr.pages == ()  # the home page lists all of them
    assert len(ocr.questions) == HOME_PER_TASK


def test_nav_limit_is_an_option() -> None:
    tasks = _tasks({"A": 8, "B": 3})
    assert listing_layout(tasks, nav_limit=11).in_full
    listing = listing_layout(tasks, nav_limit=10)
    assert not listing.in_full
    first = tuple(q for q, name in tasks.items() if name == "A")
    assert [t.pages for t in listing.tasks] == [(("questions/a.md", first),), ()]


def test_tasks_whose_names_make_the_same_slug_get_pages_of_their_own() -> None:
    tasks = _tasks({"Image denoising": 6, "image-denoising": 6, "IMAGE DENOISING!": 6})
    listing = listing_layout(tasks, nav_limit=0)
    assert [(t.name, t.slug) for t in listing.tasks] == [
        ("Image denoising", "image-denoising"),
        ("IMAGE DENOISING!", "image-denoising-x"),
        ("image-denoising", "image-denoising-x-x"),
    ]
    assert len({path for path, _ in listing.pages}) == 3


_TASK_NAMES = st.text(alphabet="aAb -2é", min_size=0, max_size=6)


@PROPERTY
@given(
    tasks=st.lists(_TASK_NAMES, max_size=400),
    nav_limit=st.integers(0, 60),
    home_per_task=st.integers(1, 10),
    per_page=st.integers(1, 30),
)
def test_every_question_is_listed_once_within_the_bounds_whatever_the_tasks(
    tasks: list[str], nav_limit: int, home_per_task: int, per_page: int
) -> None:
    by_id = {f"q{n}": name for n, name in enumerate(tasks)}
    listing = listing_layout(
        by_id, nav_limit=nav_limit, home_per_task=home_per_task, per_page=per_page
    )
    assert listing.in_full == (len(by_id) <= nav_limit)
    # Every question in its task, in question order; tasks in name order.
    assert sorted(q for t in listing.tasks for q in t.questions) == sorted(by_id)
    for task in listing.tasks:
        assert list(task.questions) == [q for q, name in by_id.items() if name == task.name]
    names = [t.name for t in listing.tasks]
    assert names == sorted(set(tasks), key=lambda n: (n.casefold(), n))
    # Pages only above nav_limit, only for the tasks the home page cannot list in full.
    paths = [path for path, _ in listing.pages]
    assert len(set(paths)) == len(paths)
    for task in listing.tasks:
        if listing.in_full or len(task.questions) <= home_per_task:
            assert task.pages == ()
            continue
        assert [q for _, ids in task.pages for q in ids] == list(task.questions)
        assert all(0 < len(ids) <= per_page for _, ids in task.pages)
        assert [path for path, _ in task.pages] == [f"questions/{task.slug}.md"] + [
            f"questions/{task.slug}--{n}.md" for n in range(2, len(task.pages) + 1)
        ]


# --- Names and constants -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Image denoising", "image-denoising", id="words"),
        pytest.param("Automatic speech recognition (ASR)", "automatic-speech-recognition-asr"),
        pytest.param("  3D -- pose/shape  ", "3d-pose-shape", id="punctuation"),
        pytest.param("Débruitage d'image", "d-bruitage-d-image", id="not-ascii"),
        pytest.param("", "task", id="empty"),
        pytest.param("¿¡!", "task", id="no-letter"),
    ],
)
def test_slug(text: str, expected: str) -> None:
    assert slug(text) == expected


@PROPERTY
@given(st.text(max_size=40))
def test_a_slug_is_a_page_name_that_never_holds_two_dashes(text: str) -> None:
    # `--` is kept for the task's further pages (`questions/<slug>--2.md`).
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug(text))


def test_the_constants_keep_the_bounds_reachable() -> None:
    # A source with `INLINE_QUESTIONS` questions must fit on a page of its own.
    assert INLINE_QUESTIONS + 1 <= BIBLIOGRAPHY_LINES
    assert 0 < HOME_PER_TASK <= QUESTIONS_PER_PAGE
    options = AnswersiteConfig()
    options.load_dict({})
    assert options.validate() == ([], []) and options.nav_limit == NAV_LIMIT
    assert OWNED_FOLDERS == ("bibliography", "questions")
    assert f"{OWNED_FOLDERS[0]}.md" == BIBLIOGRAPHY
    assert OWNED_MARK.startswith("<!--") and OWNED_MARK.endswith("-->")
    assert "\n" not in OWNED_MARK
    assert set(layout.__all__) <= set(dir(layout))
