"""The `answersite` MkDocs plugin: citations, staleness warning, link check.

Its options are [`AnswersiteConfig`][generator.config.AnswersiteConfig]. The plugin never
writes into `docs/`: the pages are written by `answersite generate`; the plugin only reads
them, turns `[@key]` into numbered links, adds each question's `workflow.json` to the site as
a generated file, and checks the built site.
"""

from __future__ import annotations

import html
import json
import logging
import posixpath
import re
from pathlib import Path
from typing import Any

from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from generator import escape, pipeline, theme
from generator.analyse import check_citations, question_of, workflow_of
from generator.citations import CitationGroup, replace_citations
from generator.config import AnswersiteConfig
from generator.errors import GeneratorError
from generator.files import write_atomic
from generator.layout import BIBLIOGRAPHY, NAV_LIMIT
from generator.model import Finding, Project, Question, Severity, source_anchor
from generator.render import NO_TITLE, bibliography_for
from generator.report import format_findings
from generator.settings import Settings, settings_from

__all__ = ["FAILED_MARKER", "MERMAID", "STYLESHEET", "AnswersitePlugin", "workflow_data"]

log = logging.getLogger("mkdocs.plugins.answersite")

_PAGE_ORDER = ("index.md", "task.md", "workflow.md", "references.md")


def workflow_data(question: Question) -> dict[str, Any]:
    """The machine-readable workflow of a question (published as `<id>/workflow.json`)."""
    workflow = workflow_of(question)
    return {
        "question": question.id,
        "title": question.title,
        "nodes": [
            {
                "id": n.id,
                "label": n.label,
                "kind": n.kind,
                "basis": n.basis,
                "takes": n.takes,
                "gives": n.gives,
                "sources": list(n.sources),
                "note": n.note,
            }
            for n in workflow.nodes
        ],
        "edges": [{"from": e.source, "to": e.target, "label": e.label} for e in workflow.edges],
        "sources": [{"key": u.key, "role": u.role, "model": u.model} for u in question.sources],
    }


# MkDocs declares `BasePlugin.__init_subclass__` without annotations.
class AnswersitePlugin(BasePlugin[AnswersiteConfig]):  # type: ignore[no-untyped-call]
    """Turns citations into links, publishes workflows, and checks the built site."""

    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.project = Project()
        self.markdown: dict[str, str] = {}
        self.files: Files | None = None
        self.serving = False
        self.bibliography = bibliography_for(self.project)
        self.numbers: dict[str, int] = {}  # key → its number in the bibliography
        self.folders: dict[int, str] = {}
        self.nav: Navigation | None = None
        # Set by `answersite build` to the project it has just generated the pages of:
        # the build then uses it instead of loading and planning everything again.
        self.prepared: Project | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Remember whether MkDocs serves the site (then failed pages are withheld)."""
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Load the reference set and warn when `docs/` is stale."""
        self.settings = settings_from(config, self.config)
        self.markdown = {}
        # Served from the site itself: Material would otherwise fetch Mermaid from a CDN.
        if not any(str(script).endswith("mermaid.min.js") for script in config.extra_javascript):
            config.extra_javascript.append(ExtraScriptValue(MERMAID))
        # After the theme's style sheets: underlined links in text, code colours with contrast.
        if STYLESHEET not in config.extra_css:
            config.extra_css.append(STYLESHEET)
        prepared = self.prepared
        if prepared is not None:
            # `answersite build` has just loaded the project and written the pages.
            self.project = prepared
            self.prepared = None
            self._loaded()
            return config
        write = self.serving and GENERATE_WHILE_SERVING
        try:
            self.project = pipeline.load(self.settings)
            generated = pipeline.generate(self.settings, self.project, write=write)
        except GeneratorError as error:
            raise PluginError(_describe(error)) from None
        self._loaded()
        for path in generated.written:
            log.info(f"answersite: wrote {path}")
        for finding in generated.findings:
            if write and finding.severity is Severity.ERROR:
                log.error(str(finding))
        if generated.stale and not write:
            names = ", ".join(change.path for change in generated.stale)
            log.warning(f"generated pages are stale ({names}): run `answersite generate`")
        return config

    def _loaded(self) -> None:
        """What the build needs of a newly loaded project."""
        self.bibliography = bibliography_for(self.project)
        self.numbers = {key: n for n, key in enumerate(self.project.sources, start=1)}

    def on_serve(self, server: LiveReloadServer, config: MkDocsConfig, builder: Any) -> None:
        """Watch the reference folder too: a saved question or source rebuilds the site."""
        if self.settings is not None:
            server.watch(str(self.settings.root / self.settings.references))

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        """Add each question's `workflow.json`, Mermaid and the style sheet, as generated files."""
        for name in (MERMAID, MERMAID_LICENSE, STYLESHEET):
            if files.get_file_from_path(name) is None:  # a project may ship its own
                shipped = _ASSETS / name.rsplit("/", 1)[-1]
                files.append(File.generated(config, name, abs_src_path=str(shipped)))
        for question in self.project.questions:
            text = json.dumps(workflow_data(question), indent=2, ensure_ascii=False) + "\n"
            files.append(File.generated(config, f"{question.id}/workflow.json", content=text))
        self.files = files
        return files

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        """Title each question's section by the question, order its pages, and order the
        site: the home page, the questions, the bibliography, then everything else (the
        tool's own pages, say), so the answers come first."""
        titles = {q.id: q.title for q in self.project.questions}
        self.folders = {}
        for item in nav.items:
            folder = _folder_of(item)
            if folder is None:
                continue
            self.folders[id(item)] = folder
            if isinstance(item, Section) and folder in titles:
                # Material prints navigation titles as HTML: the question's title is text.
                item.title = html.escape(titles[folder])
                item.children.sort(key=_page_rank)
            elif isinstance(item, Section) and folder in _OWNED_TITLES:
                item.title = _OWNED_TITLES[folder]

        def rank(item: object) -> int:
            folder = self.folders.get(id(item))
            if isinstance(item, Page) and item.is_homepage:
                return 0
            if folder in titles:
                return 1
            if folder == "bibliography" or (
                isinstance(item, Page) and item.file.src_uri == BIBLIOGRAPHY
            ):
                return 3
            if folder == "questions":
                return 2
            return 4

        nav.items.sort(key=rank)  # stable: within a rank, MkDocs's order
        # MkDocs linked each page to its previous and next before this event, in its own
        # (alphabetical) order: the footer would lead from an answer to its references.
        nav.pages = _pages_in(nav.items)
        for before, page, after in zip(
            [None, *nav.pages[:-1]], nav.pages, [*nav.pages[1:], None], strict=True
        ):
            page.previous_page, page.next_page = before, after
        self.nav = nav
        return nav

    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        """Above `nav_limit` questions, each page's navigation holds its own question only.

        Material renders the whole navigation into every page, so a site of N questions
        would carry N sections on each of its 4N pages. Here a page's navigation keeps the
        site's other items (home, bibliography, other pages) and, of the questions and of
        the owned page folders, only the one the page is in: the home page lists the
        questions by task, and the search finds them.
        """
        if self._pruned:
            mine = page.file.src_uri.split("/", 1)[0] if "/" in page.file.src_uri else None
            context["nav"] = self._view(nav, mine)
        return context

    def on_template_context(
        self, context: TemplateContext, *, template_name: str, config: MkDocsConfig
    ) -> TemplateContext:
        """The 404 page's navigation, above `nav_limit` questions: no question in it."""
        if template_name == "404.html" and self.nav is not None and self._pruned:
            context["nav"] = self._view(self.nav, None)
        return context

    def _searched(self, src: str) -> bool:
        """Whether the site search indexes a docs page.

        The search index is built in the reader's browser, in time proportional to its
        size; at a thousand questions a full index takes about ten seconds to be ready.
        So the lists of questions and of a source's questions (titles that the answer pages
        hold already) are never indexed, and above `nav_limit` questions a question's
        detail pages (task, workflow, papers and tools) are not either: the search finds
        the question by the words of its answer page, and a source by its bibliography
        entry; the detail pages are one link away.
        """
        head, _, rest = src.partition("/")
        if (head == "questions" and rest) or src.startswith("bibliography/provided/"):
            return False
        detail = rest in ("task.md", "workflow.md", "references.md")
        return not (detail and self._pruned and self.project.question(head) is not None)

    @property
    def _pruned(self) -> bool:
        limit = self.settings.nav_limit if self.settings else NAV_LIMIT
        return len(self.project.questions) > limit

    def _view(self, nav: Navigation, mine: str | None) -> Navigation:
        """The site's navigation with, of the questions and the owned page folders, only
        the one named `mine` (none for `None`)."""
        items = [
            item
            for item in nav.items
            if (folder := self.folders.get(id(item))) is None
            or (self.project.question(folder) is None and folder not in _OWNED_TITLES)
            or folder == mine
        ]
        view = Navigation(items, [])  # (given no pages, it does not look for the home page)
        view.pages, view.homepage = nav.pages, nav.homepage
        return view

    def on_page_markdown(
        self, markdown: str, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        """Turn `[@key]` and `[@a; @b]` into numbered links with the title as hover text."""
        src = page.file.src_uri
        self.markdown[src] = markdown
        if not self._searched(src):
            # Material's own switch: the search plugin leaves the page out of its index.
            page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
        if isinstance(page.meta.get("title"), str):
            # A front-matter title is printed as HTML in the navigation: it is text.
            page.meta["title"] = html.escape(page.meta["title"], quote=False)
        problems = [
            f
            for f in check_citations(self.project, {src: markdown}, self._docs, uncited=False)
            if f.severity is Severity.ERROR
        ]
        if problems:
            raise PluginError("\n".join(str(f) for f in problems))
        question = question_of(src, self.project)
        return replace_citations(
            markdown, src, lambda group: self._link(group, page, files, question)
        )

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        """Amend the theme's markup: name the search dialog, fetch no repository facts."""
        return theme.amend_page(output)

    def on_post_template(
        self, output_content: str, template_name: str, config: MkDocsConfig
    ) -> str:
        """Amend the theme's own pages (`404.html`) as `on_post_page` does the others."""
        return (
            theme.amend_page(output_content) if template_name.endswith(".html") else output_content
        )

    def on_post_build(self, config: MkDocsConfig) -> None:
        """Warn about provided sources no page cites; check every link of the built site.

        When the check finds errors, the site is marked as failed (`FAILED_MARKER`, which
        `answersite serve` and the Pages workflow refuse), and under `mkdocs serve` each page
        with an error is withheld: replaced by a notice, so what the check refused is
        never served.
        """
        _trim_search_index(Path(config.site_dir), self.project, large=self._pruned)
        for finding in check_citations(self.project, self.markdown, self._docs):
            if finding.severity is Severity.WARNING:
                log.warning(str(finding))
        if self.settings is None or not self.settings.check_links:
            return
        findings = _check_links(self.settings, self.project)
        errors = [f for f in findings if f.severity is Severity.ERROR]
        site = Path(config.site_dir)
        if not errors:
            (site / FAILED_MARKER).unlink(missing_ok=True)
            return
        write_atomic(site / FAILED_MARKER, format_findings(errors, "json"))
        if self.serving:
            for page in self._pages_of(errors, site):
                write_atomic(page, _withheld(len(errors)))

    @property
    def _docs(self) -> str:
        return self.settings.docs if self.settings else "docs"

    def _pages_of(self, findings: list[Finding], site: Path) -> set[Path]:
        """The built pages the findings are about (every page, for a theme's template)."""
        pages = {p for p in site.rglob("*.html") if p.is_file()}
        found: set[Path] = set()
        root = self.settings.root if self.settings else Path()
        for finding in findings:
            path = finding.location.path if finding.location else ""
            docs_prefix = f"{self._docs}/"
            built = None
            if path.startswith(docs_prefix) and self.files is not None:
                file = self.files.get_file_from_path(path[len(docs_prefix) :])
                built = Path(file.abs_dest_path) if file is not None else None
            elif path:
                candidate = (root / path).resolve()
                built = candidate if candidate in pages else None
            if built is None:
                return pages  # a template or the theme: every page may carry it
            found.add(built)
        return found

    def _link(
        self, group: CitationGroup, page: Page, files: Files, question: Question | None
    ) -> str:
        """The numbered links of one citation, as raw HTML with escaped attributes.

        Raw HTML, not a Markdown link, so that the source's title (untrusted text) sits in
        an attribute where no Markdown syntax in it can act.
        """
        links = []
        for key in group.keys:
            if question is not None:
                number = [u.key for u in question.sources].index(key) + 1
                target = f"{question.id}/references.md"
            else:
                number = self.numbers[key]
                target = self.bibliography.page_of.get(key, BIBLIOGRAPHY)
            href = _url_to(target, page, files) + "#" + source_anchor(key)
            title = escape.attribute(self.project.sources[key].title or NO_TITLE)
            links.append(
                f'<a class="citation" href="{escape.attribute(href)}" title="{title}">{number}</a>'
            )
        return "\\[" + ", ".join(links) + "\\]"


_OWNED_TITLES = {"bibliography": "Bibliography pages", "questions": "Questions by task"}


def _folder_of(item: object) -> str | None:
    """The top docs folder a navigation item's pages are in, if they share one."""
    if isinstance(item, Page):
        uri = item.file.src_uri
        return uri.split("/", 1)[0] if "/" in uri else None
    if isinstance(item, Section):
        folders = {_folder_of(child) for child in item.children}
        return folders.pop() if len(folders) == 1 else None
    return None


def _pages_in(items: list[Any]) -> list[Page]:
    """The pages of navigation items, in the order the navigation shows them."""
    pages: list[Page] = []
    for item in items:
        if isinstance(item, Page):
            pages.append(item)
        elif isinstance(item, Section):
            pages += _pages_in(item.children)
    return pages


def _url_to(target: str, page: Page, files: Files) -> str:
    """The URL of the docs file `target` relative to `page`, as MkDocs will write it."""
    if target == page.file.src_uri:
        return ""
    found = files.get_file_from_path(target)
    if found is None:  # not built (e.g. excluded): the link check reports the broken link
        return posixpath.relpath(target, posixpath.dirname(page.file.src_uri) or ".")
    return found.url_relative_to(page.file)


def _page_rank(item: object) -> tuple[int, str]:
    if isinstance(item, Page):
        name = item.file.src_uri.rsplit("/", 1)[-1]
        if name in _PAGE_ORDER:
            return _PAGE_ORDER.index(name), name
        return len(_PAGE_ORDER), name
    return len(_PAGE_ORDER) + 1, ""


GENERATE_WHILE_SERVING = False
"""Set by `answersite serve`: under `mkdocs serve`, write the generated pages before each
build, so that saving a question or a source shows at once. Plain `mkdocs serve` and every
build leave `docs/` alone (the pages are written by `answersite generate`)."""

MERMAID = "assets/javascripts/mermaid.min.js"
"""Where the site serves Mermaid (the unmodified `mermaid@11` build shipped in the package)."""
MERMAID_LICENSE = "assets/javascripts/mermaid.LICENSE.txt"
STYLESHEET = "assets/stylesheets/answersite.css"
"""Where the site serves answersite's style sheet (`generator/assets/answersite.css`): links in
text underlined, code colours with enough contrast. A project may ship its own there."""
_ASSETS = Path(__file__).resolve().parent / "assets"

FAILED_MARKER = ".answersite-failed.json"
"""Written into a built site whose link check found errors: the findings, as JSON."""


def _withheld(errors: int) -> str:
    """The notice that replaces a page the link check refused, under `mkdocs serve`."""
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>Page withheld</title></head><body><main><h1>Page withheld</h1>"
        f"<p>answersite's link check found {errors} error{'s' if errors != 1 else ''} in this "
        "site, some in this page, so it is not served. The terminal running the server "
        "lists them; fix them and save to rebuild.</p></main></body></html>\n"
    )


_CODE_BLOCK = re.compile(r"<pre>.*?</pre>", re.DOTALL)


def _trim_search_index(site: Path, project: Project, *, large: bool = False) -> None:
    """Leave the generated diagrams and BibTeX records out of the search index.

    Material indexes code blocks as text: a workflow's Mermaid source and each source's
    BibTeX record would be a third of the index of a large site, and no reader searches
    them. Only the questions' pages and the bibliography are trimmed; code written by hand
    elsewhere stays searchable. On a `large` site, a bibliography entry is indexed by its
    title and citation, without its list of links and of the questions it is provided
    with (the questions are indexed by their own pages). The search plugin runs first, so
    its index exists here.
    """
    path = site / "search" / "search_index.json"
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # no search plugin, or not Material's
    docs = index.get("docs") if isinstance(index, dict) else None
    if not isinstance(docs, list):
        return
    changed = False
    for doc in docs:
        location, text = doc.get("location"), doc.get("text")
        if not isinstance(location, str) or not isinstance(text, str):
            continue
        if "<pre>" not in text and not (large and "<ul>" in text):
            continue
        head = location.split("/", 1)[0]
        if head == "bibliography" or project.question(head) is not None:
            text = _CODE_BLOCK.sub("", text)
            if large and head == "bibliography":
                text = _without_first_list(text)
            doc["text"] = text
            changed = True
    if changed:
        separators = (",", ":")  # as compact as Material writes it
        write_atomic(path, json.dumps(index, separators=separators))


def _without_first_list(text: str) -> str:
    """`text` without its first `<ul>…</ul>` (nested lists included)."""
    start = text.find("<ul>")
    if start < 0:
        return text
    depth, at = 0, start
    for tag in re.finditer(r"<(/?)ul>", text[start:]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            at = start + tag.end()
            return text[:start] + text[at:]
    return text


def _describe(error: GeneratorError) -> str:
    lines = [str(error)]
    lines += [str(f) for f in error.findings if f.severity is Severity.ERROR]
    return "\n".join(lines)


def _check_links(settings: Settings, project: Project) -> list[Finding]:
    """Run the link check on the built site and log its findings (errors fail strict builds)."""
    findings = pipeline.check_built_site(settings, project)
    for finding in findings:
        if finding.severity is Severity.ERROR:
            log.error(str(finding))
        elif finding.severity is Severity.WARNING:
            log.warning(str(finding))
        else:
            log.info(str(finding))
    return findings
