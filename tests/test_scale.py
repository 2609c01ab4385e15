"""End to end at scale: a synthetic project of many questions, above `nav_limit`, through the
real `answersite` command (a subprocess) and a real strict MkDocs build.

- The home page lists a few questions of each task and links each task's list page; every
  question is reachable from the home page or a list page.
- A question's pages carry their own question's navigation only, stay small, and do not
  grow with the number of questions.
- `generate` run again writes nothing; a changed title rewrites only its question's pages
  and the pages that list it; a removed question takes away the owned pages the layout no
  longer has, except one edited by hand, which is kept and reported.
- The search index leaves out the lists of questions, the detail pages of the questions,
  and the code blocks of the questions and of the bibliography.

The prompts come from `benchmarks/synthetic.py` with a pool of three shared papers, so every
question provides the same three papers: they are provided with more than
`INLINE_QUESTIONS` questions, and have pages of their own.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import posixpath
import re
import shutil
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode

from generator.layout import HOME_PER_TASK, INLINE_QUESTIONS, OWNED_MARK, QUESTIONS_PER_PAGE
from generator.plugin import FAILED_MARKER

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
NAV_LIMIT = 10
LARGE = INLINE_QUESTIONS + 1  # one question fewer, and the shared papers lose their pages
SMALL = 15
POOL = 3
QUESTION = re.compile(r"q\d{4}")
TASK_LIST = "docs/questions/task-not-inferred.md"  # the task of prompts 6 and 9 (mod 10)


def _synthetic() -> ModuleType:
    """`benchmarks/synthetic.py`, which is not a package."""
    spec = importlib.util.spec_from_file_location("synthetic", ROOT / "benchmarks/synthetic.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def answersite(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the `answersite` command of this checkout in a subprocess."""
    script = Path(sys.executable).with_name("answersite")
    command = [str(script)] if script.is_file() else [sys.executable, "-m", "generator"]
    # The code under test is this checkout's, whichever one is installed.
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [*command, *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def _ok(done: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert done.returncode == 0, f"{done.args} exited {done.returncode}:\n{done.stderr[-3000:]}"
    return done


def _title(number: int) -> str:
    """What every title of question `number` starts with (a list may shorten the rest)."""
    return f"Question {number} ("


@dataclass
class Built:
    """A synthetic project built once: its folder, its question ids, the first generate."""

    root: Path
    ids: list[str]
    generated: str = ""
    site: Path = field(init=False)

    def __post_init__(self) -> None:
        self.site = self.root / "site"


def _build_project(work: Path, count: int) -> Built:
    prompts = _synthetic().write_prompts(work / "prompts", count, pool=POOL)
    root = work / "project"
    _ok(answersite("init", root, cwd=work))
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    option = "      nav_limit: 30\n"  # as `init` writes it
    assert text.count(option) == 1
    config.write_text(text.replace(option, f"      nav_limit: {NAV_LIMIT}\n"), "utf-8")
    _ok(answersite("import", *prompts, "--project", root, cwd=work))
    generated = _ok(answersite("generate", cwd=root)).stderr
    _ok(answersite("build", cwd=root))
    return Built(root, [f"q{n:04d}" for n in range(count)], generated)


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """41 questions above a `nav_limit` of 10, generated and built; read-only for the tests."""
    return _build_project(tmp_path_factory.mktemp("large"), LARGE)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """15 questions, above the same `nav_limit`."""
    return _build_project(tmp_path_factory.mktemp("small"), SMALL)


@pytest.fixture
def copy(large: Built, tmp_path: Path) -> Path:
    """A copy of the large project, without its site, to change."""
    target = tmp_path / "project"
    shutil.copytree(large.root, target, ignore=shutil.ignore_patterns("site"))
    return target


def _html(path: Path) -> HTMLParser:
    return HTMLParser(path.read_text(encoding="utf-8"))


def _one(tree: HTMLParser, selector: str) -> LexborNode:
    node = tree.css_first(selector)
    assert node is not None, selector
    return node


def _target(page: str, href: str) -> str | None:
    """The site path (`q0001/task`, `.` for the home page) that a link of the built page
    `page` (`q0001/index.html`) leads to; `None` for another site or this page's anchors."""
    path = href.split("#", 1)[0].split("?", 1)[0]
    if not path or re.match(r"[a-z][a-z0-9+.-]*:", path):
        return None
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), path))


def _question_pages(site: Path) -> list[Path]:
    return sorted(
        p for p in site.rglob("index.html") if QUESTION.fullmatch(p.relative_to(site).parts[0])
    )


def _hashes(root: Path) -> dict[str, tuple[str, int]]:
    """Every file under `root`: its hash and modification time."""
    return {
        p.relative_to(root).as_posix(): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_mtime_ns,
        )
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@dataclass
class Task:
    """One task on the home page: the questions it lists, and its link to all of them."""

    listed: list[str] = field(default_factory=list)
    count: int | None = None  # "All N questions of this task"
    href: str | None = None


def _home_tasks(site: Path) -> dict[str, Task]:
    article = _one(_html(site / "index.html"), "article")
    tasks: dict[str, Task] = {}
    current: Task | None = None
    for node in article.iter():
        if node.tag == "h2":
            current = tasks.setdefault(node.text().rstrip("¶"), Task())
        elif current is not None and node.tag == "ul":
            current.listed += [a.attributes["href"] or "" for a in node.css("a")]
        elif current is not None and node.tag == "p" and (link := node.css_first("a")):
            found = re.fullmatch(r"All (\d+) questions of this task", link.text())
            if found:
                current.count, current.href = int(found.group(1)), link.attributes["href"]
    return tasks


# --- The build and the lists of questions ------------------------------------------------


def test_the_site_builds_strict_with_every_question_s_pages(large: Built) -> None:
    assert "strict: true" in (large.root / "mkdocs.yml").read_text(encoding="utf-8")
    assert not (large.site / FAILED_MARKER).exists()
    built = {p.relative_to(large.site).parent.as_posix() for p in _question_pages(large.site)}
    expected = {
        f"{q}{page}" for q in large.ids for page in ("", "/task", "/workflow", "/references")
    }
    assert built == expected


def test_the_home_page_lists_a_few_questions_of_each_task_and_links_the_rest(
    large: Built,
) -> None:
    tasks = _home_tasks(large.site)
    assert len(tasks) > 1
    for name, task in tasks.items():
        assert 0 < len(task.listed) <= HOME_PER_TASK, name
        if task.count is not None:  # more than the home page shows
            assert (len(task.listed), task.count > HOME_PER_TASK) == (HOME_PER_TASK, True), name
            assert task.href is not None and task.href.startswith("questions/"), name
            assert (large.site / task.href / "index.html").is_file(), name
    assert sum(t.count or len(t.listed) for t in tasks.values()) == LARGE
    # Not every question: the home page does not grow with them.
    assert sum(len(t.listed) for t in tasks.values()) < LARGE


def test_every_question_is_reachable_from_the_home_page_or_a_list_page(large: Built) -> None:
    lists = ["index.html"] + [
        p.relative_to(large.site).as_posix()
        for p in sorted((large.site / "questions").rglob("index.html"))
    ]
    assert len(lists) > 1
    reached = set()
    for page in lists:
        article = _one(_html(large.site / page), "article")
        links = [_target(page, a.attributes["href"] or "") for a in article.css("a[href]")]
        questions = [t for t in links if t is not None and QUESTION.fullmatch(t)]
        assert len(questions) <= QUESTIONS_PER_PAGE, page
        reached |= set(questions)
    assert reached == set(large.ids)


# --- The question pages -------------------------------------------------------------------


def test_a_question_page_s_navigation_holds_its_own_question_only(large: Built) -> None:
    for path in _question_pages(large.site):
        page = path.relative_to(large.site).as_posix()
        mine = page.split("/", 1)[0]
        tree = _html(path)
        nav = _one(tree, "nav.md-nav--primary")
        places = {_target(page, a.attributes["href"] or "") for a in nav.css("a[href]")}
        heads = {place.split("/", 1)[0] for place in places if place is not None}
        assert heads == {".", mine, "bibliography"}, page
        # Besides the footer's previous and next page (see below), no other question's
        # title or link anywhere in the page.
        for footer in tree.css("footer"):
            footer.decompose()
        others = [
            place
            for a in tree.css("a[href]")
            if (place := _target(page, a.attributes["href"] or "")) is not None
            and QUESTION.fullmatch(place.split("/", 1)[0])
            and place.split("/", 1)[0] != mine
        ]
        assert others == [], page
        text = tree.html or ""
        titles = [n for n in range(LARGE) if f"q{n:04d}" != mine and _title(n) in text]
        assert titles == [], page


def test_previous_and_next_follow_the_navigation_s_order(large: Built) -> None:
    # The order the navigation shows: each question's answer, task, workflow, references.
    order = [f"{q}{page}" for q in large.ids for page in ("", "/task", "/workflow", "/references")]
    for at, place in enumerate(order):
        page = f"{place}/index.html"
        tree = _html(large.site / page)
        links = {
            kind: _target(page, link.attributes["href"] or "") if link else None
            for kind in ("prev", "next")
            for link in [tree.css_first(f"a.md-footer__link--{kind}")]
        }
        assert links["prev"] == (order[at - 1] if at else "."), page
        if at + 1 < len(order):
            assert links["next"] == order[at + 1], page


def test_the_404_page_s_navigation_holds_no_question(large: Built) -> None:
    nav = _one(_html(large.site / "404.html"), "nav.md-nav--primary")
    assert not [a for a in nav.css("a[href]") if QUESTION.search(a.attributes["href"] or "")]


def test_question_pages_are_small_and_do_not_grow_with_the_questions(
    large: Built, small: Built
) -> None:
    sizes = {}
    for built in (small, large):
        pages = _question_pages(built.site)
        assert len(pages) == 4 * len(built.ids)
        assert max(p.stat().st_size for p in pages) <= 100 * 1024
        sizes[len(built.ids)] = statistics.mean(p.stat().st_size for p in pages)
    assert sizes[LARGE] <= 1.10 * sizes[SMALL], sizes


# --- Generating again ---------------------------------------------------------------------


def test_generating_again_writes_nothing(large: Built, copy: Path) -> None:
    assert "wrote docs/index.md" in large.generated  # the first run wrote the pages
    before = _hashes(copy)
    done = _ok(answersite("generate", cwd=copy))
    assert "wrote " not in done.stderr
    assert _hashes(copy) == before  # same bytes, same times: not even rewritten


def test_a_changed_title_rewrites_only_its_pages_and_the_lists_of_it(copy: Path) -> None:
    question = copy / "references/questions/q0006.yaml"
    text = question.read_text(encoding="utf-8")
    assert "title: 'Question 6 (" in text
    edited = text.replace("title: 'Question 6 (", "title: 'Question 6, edited (", 1)
    question.write_text(edited, encoding="utf-8")
    before = _hashes(copy / "docs")
    done = _ok(answersite("generate", cwd=copy))
    after = _hashes(copy / "docs")
    assert set(after) == set(before)
    changed = {page for page in after if after[page][0] != before[page][0]}
    listing = {
        page
        for page in after
        if not page.startswith("q0006/")
        and "Question 6, edited (" in (copy / "docs" / page).read_text(encoding="utf-8")
    }
    assert "q0006/index.md" in changed
    assert all(page.startswith("q0006/") for page in changed - listing)
    assert listing <= changed
    # The pages that list it are the home page and the owned lists: no other question's.
    assert all(
        page == "index.md" or page.startswith(("questions/", "bibliography")) for page in listing
    )
    assert {"index.md", TASK_LIST.removeprefix("docs/")} <= listing
    assert any(page.startswith("bibliography/provided/") for page in listing)
    written = set(re.findall(r"^wrote docs/(\S+)$", done.stderr, re.MULTILINE))
    assert written == changed


def test_a_removed_question_takes_away_the_owned_pages_no_longer_planned(copy: Path) -> None:
    provided = copy / "docs/bibliography/provided"
    shared = sorted(p.name for p in provided.iterdir())
    assert shared == ["ref-shared-paper-0", "ref-shared-paper-1", "ref-shared-paper-2"]
    edited = provided / "ref-shared-paper-0/1.md"
    text = edited.read_text(encoding="utf-8")
    mine = text.replace("- [Question 1 (", "- [My own words on question 1 (", 1)
    assert mine != text
    edited.write_text(mine, encoding="utf-8")
    owned = _owned(copy)
    # The last question goes: the shared papers are provided with 40 questions, not 41.
    (copy / "references/questions/q0040.yaml").unlink()
    shutil.rmtree(copy / "docs/q0040")
    done = _ok(answersite("generate", "--format", "json", cwd=copy))
    findings = json.loads(done.stdout)["findings"]
    orphaned = [(f["code"], f["severity"], f["file"]) for f in findings if f["severity"] != "info"]
    assert orphaned == [
        ("page-orphaned", "warning", "docs/bibliography/provided/ref-shared-paper-0/1.md")
    ]
    assert edited.read_text(encoding="utf-8") == mine
    assert sorted(p.name for p in provided.iterdir()) == ["ref-shared-paper-0"]
    gone = owned - _owned(copy)
    assert {
        "docs/bibliography/provided/ref-shared-paper-1/1.md",
        "docs/bibliography/provided/ref-shared-paper-2/1.md",
    } <= gone
    for path in gone:
        assert not (copy / path).exists()
        assert f"removed {path}\n" in done.stderr
    # Nothing else is due: every owned page left is planned, or the one kept.
    _ok(answersite("generate", "--check", cwd=copy))


def test_a_removed_question_whose_pages_are_left_is_named_with_the_way_out(copy: Path) -> None:
    (copy / "references/questions/q0007.yaml").unlink()
    done = answersite("generate", "--format", "json", cwd=copy)
    findings = json.loads(done.stdout)["findings"]
    removed = [f for f in findings if f["code"] == "question-removed"]
    assert [(f["severity"], f["file"]) for f in removed] == [("warning", "docs/q0007/index.md")]
    assert (
        "delete the folder docs/q0007/, or restore references/questions/q0007.yaml"
        in (removed[0]["hint"])
    )
    assert (copy / "docs/q0007/index.md").is_file()  # a person's pages: never deleted


def test_a_list_of_questions_no_longer_needed_is_removed(copy: Path) -> None:
    config = copy / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace(f"nav_limit: {NAV_LIMIT}", "nav_limit: 100"), "utf-8")
    assert (copy / TASK_LIST).is_file()
    done = _ok(answersite("generate", cwd=copy))
    assert not (copy / "docs/questions").exists()
    assert f"removed {TASK_LIST}\n" in done.stderr
    home = (copy / "docs/index.md").read_text(encoding="utf-8")
    assert all(f"({q}/index.md)" in home for q in (f"q{n:04d}" for n in range(LARGE)))


def _owned(root: Path) -> set[str]:
    return {
        p.relative_to(root).as_posix()
        for p in (root / "docs").rglob("*.md")
        if p.read_text(encoding="utf-8").startswith(OWNED_MARK + "\n")
    }


# --- The search index ---------------------------------------------------------------------


def test_the_search_index_holds_the_answers_but_not_the_lists_nor_the_details(
    large: Built,
) -> None:
    index = json.loads((large.site / "search/search_index.json").read_text(encoding="utf-8"))
    docs = index["docs"]
    pages = {doc["location"].split("#", 1)[0] for doc in docs}
    assert {f"{q}/" for q in large.ids} <= pages  # every answer page
    assert any(re.fullmatch(r"bibliography/[^/]+/", page) for page in pages)  # the entries
    assert [p for p in pages if p.startswith(("questions/", "bibliography/provided/"))] == []
    details = [p for p in pages if re.fullmatch(r"q\d{4}/(task|workflow|references)/", p)]
    assert details == []
    code = [
        doc["location"]
        for doc in docs
        if "<pre" in doc["text"]
        and (QUESTION.match(doc["location"]) or doc["location"].startswith("bibliography"))
    ]
    assert code == []
