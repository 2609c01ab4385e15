"""The default site as its readers meet it, in Debian's Chromium (driven by Playwright).

- **Accessibility:** axe-core (npm, pinned in `tests/package-lock.json`) is injected by the
  test, never served by the site, into every page of the built site, in the light and the
  dark scheme: no serious or critical violation. A control run shows that axe finds what
  the fixes fixed once they are taken away.
- **Dark mode:** the palette toggle switches the scheme, and the choice holds on the next
  page and in a new tab.
- **Phones** (390×844): no page scrolls sideways and nothing is cut off, the navigation
  opens and leads to a page, the workflow diagram fits or scrolls inside its own box.
- **Print:** the PDF of the answer page and of the workflow page keeps every citation (as
  text and as a link) and the rendered diagram (its labels are in the PDF only when it is
  drawn).
- **Screenshots** of the answer, workflow and references pages, light and dark, in
  `tests/artefacts/` (or `$ANSWERSITE_ARTEFACTS`).

Every test serves the site itself on 127.0.0.1, aborts and records any request to another
address, and asserts there was none.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import (
    artefacts_dir,
    chromium,
    record_off_site,
    require_axe,
    require_chromium,
    serve,
)

from generator.cli import main

pytestmark = pytest.mark.e2e
playwright = require_chromium()
pypdf = pytest.importorskip("pypdf")

QUESTION = "phone-3x-upscale"
SCHEMES = {"light": "default", "dark": "slate"}
"""Emulated `prefers-color-scheme` → the scheme Material must then show."""
PHONE = {"width": 390, "height": 844}
SERIOUS = ("serious", "critical")


@pytest.fixture(scope="module")
def base_url(built_site: Path) -> Iterator[str]:
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="module")
def axe_source() -> str:
    """axe-core's script: only the accessibility tests need it (skipped without it)."""
    return require_axe()


@pytest.fixture(scope="module")
def browser(base_url: str) -> Iterator[Any]:
    with chromium(playwright) as launched:
        yield launched


class Reader:
    """One browser context (a reader's tabs) that may only reach the site."""

    def __init__(self, browser: Any, base_url: str, **options: Any) -> None:
        self.base_url = base_url
        self.context = browser.new_context(**options)
        self.off_site: list[list[str]] = []  # one list per tab, filled as requests are made
        self.tab: Any = None

    def open(self, path: str, wait: str = "load") -> Any:
        """Open `path` in a new tab."""
        page = self.context.new_page()
        self.off_site.append(record_off_site(page, self.base_url))
        page.goto(self.base_url + path, wait_until=wait)
        return page

    def visit(self, path: str) -> Any:
        """Open `path` in the reader's one tab (cheaper than a new tab per page)."""
        if self.tab is None:
            self.tab = self.open(path)
        else:
            self.tab.goto(self.base_url + path, wait_until="load")
        return self.tab

    def close(self) -> None:
        self.context.close()
        outside = sorted({url for tab in self.off_site for url in tab})
        assert outside == [], f"requests off the site: {outside}"


def page_paths(site: Path) -> list[str]:
    """Every HTML page of the built site, as the URL path it is served at."""
    paths = []
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        paths.append("/" + rel.removesuffix("index.html"))
    return paths


def html_of(site: Path, path: str) -> str:
    """The built HTML of the page served at `path`."""
    file = site / path.lstrip("/")
    return (file / "index.html" if path.endswith("/") else file).read_text(encoding="utf-8")


def scheme_of(page: Any) -> str:
    return str(page.evaluate("() => document.body.dataset.mdColorScheme"))


def background_luminance(page: Any) -> float:
    """The relative luminance (0 black … 1 white) of the page's background colour."""
    rgb = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    channels = [int(c) / 255 for c in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def axe_violations(page: Any, axe_source: str) -> list[dict[str, Any]]:
    """Inject axe-core into the page (from the test, not the site) and run every rule."""
    if not page.evaluate("() => 'axe' in window"):
        page.add_script_tag(content=axe_source)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return list(result["violations"])


def describe(path: str, violations: list[dict[str, Any]]) -> list[str]:
    return [
        f"{path}: {v['id']} ({v['impact']}) x{len(v['nodes'])} at "
        f"{[n['target'] for n in v['nodes'][:3]]}: {v['help']}"
        for v in violations
        if v["impact"] in SERIOUS
    ]


# -- accessibility -----------------------------------------------------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
def test_no_page_has_a_serious_accessibility_violation(
    browser: Any, base_url: str, built_site: Path, axe_source: str, scheme: str
) -> None:
    reader = Reader(browser, base_url, color_scheme=scheme)
    found: list[str] = []
    paths = page_paths(built_site)
    assert "/404.html" in paths and f"/{QUESTION}/workflow/" in paths
    for path in paths:
        page = reader.visit(path)
        assert scheme_of(page) == SCHEMES[scheme], path
        if path.endswith("/workflow/"):  # the diagram is drawn before it is looked at
            page.locator("div.mermaid").first.wait_for(state="visible", timeout=15000)
        found += describe(path, axe_violations(page, axe_source))
    reader.close()
    assert found == []


def test_axe_finds_what_the_fixes_fixed_once_they_are_undone(
    browser: Any, base_url: str, built_site: Path, axe_source: str
) -> None:
    # The control: without answersite's style sheet and the dialog's name, axe reports the
    # violations the issue measured; so a clean run above is axe's verdict, not a blind spot.
    # A code comment is what Material colours below 4.5:1: take the first page that has one.
    commented = next(
        path for path in page_paths(built_site) if '<span class="c1">' in html_of(built_site, path)
    )
    undo = (
        "() => { document.querySelector('link[href$=\"answersite.css\"]').remove();"
        " document.querySelector('.md-search').removeAttribute('aria-label'); }"
    )
    reader = Reader(browser, base_url, color_scheme="light")
    found: dict[str, set[str]] = {}
    for path in (f"/{QUESTION}/", commented):
        page = reader.open(path)
        assert describe(path, axe_violations(page, axe_source)) == []
        page.evaluate(undo)
        found[path] = {v["id"] for v in axe_violations(page, axe_source) if v["impact"] in SERIOUS}
        page.close()
    reader.close()
    assert found[f"/{QUESTION}/"] >= {"aria-dialog-name", "link-in-text-block"}
    assert "color-contrast" in found[commented]


# -- dark mode ---------------------------------------------------------------------------


def test_the_palette_toggle_switches_and_the_choice_persists(browser: Any, base_url: str) -> None:
    reader = Reader(browser, base_url, color_scheme="light")
    page = reader.open("/")
    assert scheme_of(page) == "default" and background_luminance(page) > 0.8
    page.locator('label[title="Switch to dark mode"]').click()
    page.wait_for_function("() => document.body.dataset.mdColorScheme === 'slate'")
    assert background_luminance(page) < 0.05
    # The next page, and a new tab, open dark: Material keeps the choice in localStorage.
    page.goto(base_url + f"/{QUESTION}/", wait_until="load")
    assert scheme_of(page) == "slate" and background_luminance(page) < 0.05
    stored = page.evaluate(
        "() => Object.keys(localStorage).filter(k => k.endsWith('__palette'))"
        ".map(k => localStorage.getItem(k))"
    )
    assert len(stored) == 1 and json.loads(stored[0])["color"]["scheme"] == "slate"
    tab = reader.open("/bibliography/")
    assert scheme_of(tab) == "slate"
    # And back: light holds too.
    tab.locator('label[title="Switch to light mode"]').click()
    tab.wait_for_function("() => document.body.dataset.mdColorScheme === 'default'")
    page.goto(base_url + "/about-this-site/checking/", wait_until="load")
    assert scheme_of(page) == "default" and background_luminance(page) > 0.8
    reader.close()
    # A reader who never chose gets the scheme of their system.
    fresh = Reader(browser, base_url, color_scheme="dark")
    assert scheme_of(fresh.open("/")) == "slate"
    fresh.close()


# -- phones ------------------------------------------------------------------------------

CUT_OFF = """() => {
  const width = document.documentElement.clientWidth;
  const cut = [];
  for (const element of document.body.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || box.right <= width + 1) continue;
    let held = false;  // inside a box that scrolls sideways and fits the screen
    for (let up = element.parentElement; up && up !== document.body && !held;
         up = up.parentElement) {
      held = ['auto', 'scroll'].includes(getComputedStyle(up).overflowX)
        && up.getBoundingClientRect().right <= width + 1;
    }
    if (!held) cut.push(`${element.tagName.toLowerCase()}.${element.className} ` +
                        `(right edge ${Math.round(box.right)} px)`);
  }
  return cut.slice(0, 5);
}"""


def phone(browser: Any, base_url: str) -> Reader:
    return Reader(browser, base_url, viewport=PHONE, is_mobile=True, has_touch=True)


def test_on_a_phone_no_page_scrolls_sideways(browser: Any, base_url: str, built_site: Path) -> None:
    reader = phone(browser, base_url)
    problems = []
    for path in page_paths(built_site):
        page = reader.visit(path)
        page.evaluate("() => window.scrollTo(10000, 0)")
        scrolled = page.evaluate("() => [window.scrollX, document.documentElement.scrollWidth]")
        if scrolled != [0, PHONE["width"]]:
            problems.append(f"{path}: scrolls sideways (scrollX, page width: {scrolled})")
        # Wider things (tables, code) must scroll in their own box, not be cut off.
        problems += [f"{path}: {what} is cut off" for what in page.evaluate(CUT_OFF)]
    reader.close()
    assert problems == []


def test_on_a_phone_the_navigation_opens_and_leads_to_a_page(browser: Any, base_url: str) -> None:
    reader = phone(browser, base_url)
    page = reader.open(f"/{QUESTION}/")
    drawer = page.locator(".md-sidebar--primary")
    closed = drawer.bounding_box()
    assert closed is not None and closed["x"] + closed["width"] <= 0, "the drawer shows closed"
    page.locator('label.md-header__button[for="__drawer"]').click()
    page.wait_for_function(
        "() => document.querySelector('.md-sidebar--primary').getBoundingClientRect().x >= 0"
    )
    opened = drawer.bounding_box()
    assert opened is not None and opened["x"] == 0 and opened["width"] > 200
    # A link of the open panel that the reader can touch: the topmost element at its centre.
    links = ".md-sidebar--primary a.md-nav__link[href]"
    reachable = page.evaluate(
        """selector => [...document.querySelectorAll(selector)]
          .map((a, index) => [index, a.href, a.getBoundingClientRect()])
          .filter(([index, href, b]) => {
            if (!b.width || b.x < 0 || b.right > innerWidth) return false;
            const top = document.elementFromPoint(b.x + b.width / 2, b.y + b.height / 2);
            return top !== null && document.querySelectorAll(selector)[index].contains(top);
          })
          .map(([index, href]) => [index, href])""",
        links,
    )
    assert reachable, "no link of the opened navigation can be touched"
    index, target = next(link for link in reachable if link[1] != page.url)
    page.locator(links).nth(index).click()
    page.wait_for_url(target)
    assert page.url == target
    reader.close()


def test_on_a_phone_the_diagram_fits_or_scrolls_in_its_own_box(browser: Any, base_url: str) -> None:
    reader = phone(browser, base_url)
    page = reader.open(f"/{QUESTION}/workflow/")
    diagram = page.locator("div.mermaid").first
    diagram.wait_for(state="visible", timeout=15000)
    box = page.evaluate(
        """() => { const d = document.querySelector('div.mermaid'), b = d.getBoundingClientRect();
          return {left: b.left, right: b.right, height: b.height, scroll: d.scrollWidth,
                  client: d.clientWidth, overflow: getComputedStyle(d).overflowX}; }"""
    )
    assert box["left"] >= 0 and box["right"] <= PHONE["width"], box
    assert box["height"] > 200, box
    fits = box["scroll"] <= box["client"] + 1
    assert fits or box["overflow"] in ("auto", "scroll"), box
    reader.close()


# -- print -------------------------------------------------------------------------------


def pdf_of(page: Any) -> Any:
    return pypdf.PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))


def squashed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(pdf: Any) -> str:
    return squashed("".join(p.extract_text() for p in pdf.pages))


def pdf_links(pdf: Any) -> list[str]:
    links = []
    for pdf_page in pdf.pages:
        for annotation in pdf_page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            if "/URI" in action:
                links.append(str(action["/URI"]))
    return links


def citations_of(page: Any) -> tuple[list[str], list[str]]:
    """The citation groups as shown (`[1, 2]`) and the citation links, in page order."""
    groups = page.evaluate(
        """() => {
          const groups = [];
          let last = null;
          for (const a of document.querySelectorAll('article a.citation')) {
            const between = a.previousSibling;
            const joined = last !== null && between === last.nextSibling
              && between.nodeType === Node.TEXT_NODE && between.textContent === ', ';
            if (joined) groups[groups.length - 1].push(a.textContent);
            else groups.push([a.textContent]);
            last = a;
          }
          return groups.map(group => '[' + group.join(', ') + ']');
        }"""
    )
    links = page.evaluate(
        "() => [...document.querySelectorAll('article a.citation')].map(a => a.href)"
    )
    return groups, links


def in_order(needles: list[str], text: str) -> bool:
    position = 0
    for needle in needles:
        position = text.find(needle, position)
        if position < 0:
            return False
        position += len(needle)
    return True


def save(pdf_bytes: bytes, name: str) -> None:
    (artefacts_dir() / name).write_bytes(pdf_bytes)


@pytest.mark.parametrize("path", [f"/{QUESTION}/", f"/{QUESTION}/workflow/"])
def test_printing_keeps_every_citation(browser: Any, base_url: str, path: str) -> None:
    reader = Reader(browser, base_url)
    page = reader.open(path)
    groups, links = citations_of(page)
    assert len(links) >= 5, "the page cites its sources"
    pdf = pdf_of(page)
    printed = pdf_text(pdf)
    assert in_order([squashed(g) for g in groups], printed), (groups, printed[:500])
    # Each citation is still a link to its source's entry.
    assert [url for url in pdf_links(pdf) if "#ref-" in url] == links
    reader.close()


def test_printing_keeps_the_drawn_diagram(browser: Any, base_url: str, built_site: Path) -> None:
    workflow = json.loads((built_site / QUESTION / "workflow.json").read_text(encoding="utf-8"))
    labels = [squashed(node["label"]) for node in workflow["nodes"]]
    reader = Reader(browser, base_url)
    page = reader.open(f"/{QUESTION}/workflow/")
    page.locator("div.mermaid").first.wait_for(state="visible", timeout=15000)
    assert page.locator("pre.mermaid").count() == 0, "the diagram's source, not the diagram"
    with_diagram = page.pdf(format="A4", print_background=True)
    save(with_diagram, "workflow.pdf")
    page.add_style_tag(content="div.mermaid { display: none !important; }")
    without = pdf_text(pypdf.PdfReader(io.BytesIO(page.pdf(format="A4"))))
    printed = pdf_text(pypdf.PdfReader(io.BytesIO(with_diagram)))
    # Every label is printed once more than the table and the notes print it: in the diagram.
    assert [printed.count(label) - without.count(label) for label in labels] == [1] * len(labels)
    reader.close()


# -- screenshots -------------------------------------------------------------------------

SHOTS = {"answer": f"/{QUESTION}/", "workflow": f"/{QUESTION}/workflow/",
         "references": f"/{QUESTION}/references/"}  # fmt: skip


def test_screenshots_of_the_answer_light_and_dark(browser: Any, base_url: str) -> None:
    folder = artefacts_dir()
    written: dict[str, bytes] = {}
    for scheme, shown in SCHEMES.items():
        reader = Reader(
            browser, base_url, color_scheme=scheme, viewport={"width": 1280, "height": 900}
        )
        for name, path in SHOTS.items():
            page = reader.visit(path)
            assert scheme_of(page) == shown
            if name == "workflow":
                page.locator("div.mermaid").first.wait_for(state="visible", timeout=15000)
            target = folder / f"{name}-{scheme}.png"
            target.write_bytes(page.screenshot(full_page=True))
            written[target.name] = target.read_bytes()
        reader.close()
    assert sorted(written) == sorted(f"{n}-{s}.png" for n in SHOTS for s in SCHEMES)
    for name in SHOTS:
        light, dark = written[f"{name}-light.png"], written[f"{name}-dark.png"]
        assert light.startswith(b"\x89PNG") and dark.startswith(b"\x89PNG")
        assert light != dark


# -- the repository's link --------------------------------------------------------------


@pytest.fixture(scope="module")
def github_site(tmp_path_factory: pytest.TempPathFactory, built_site: Path) -> Path:
    """The default project with its repository on GitHub, whose API Material would ask."""
    project = tmp_path_factory.mktemp("github") / "project"
    shutil.copytree(built_site.parent, project, ignore=shutil.ignore_patterns("site"))
    config = project / "mkdocs.yml"
    text = re.sub(
        r"(?m)^repo_url: .*$", "repo_url: https://github.com/owner/answers", config.read_text()
    )
    config.write_text(text, encoding="utf-8")
    assert main(["build", "--project", str(project)]) == 0
    return project / "site"


def test_a_github_repository_link_asks_github_nothing(browser: Any, github_site: Path) -> None:
    with serve(github_site) as url:
        reader = Reader(browser, url)
        page = reader.open(f"/{QUESTION}/")
        assert page.locator('a.md-source[href="https://github.com/owner/answers"]').count() == 2
        edit = page.locator('article a[rel="edit"]').get_attribute("href")
        assert edit == f"https://github.com/owner/answers/edit/main/docs/{QUESTION}/index.md"
        page.wait_for_timeout(500)  # Material asks while the page loads; a margin after it
        reader.close()  # asserts: no request off the site (api.github.com among them)
