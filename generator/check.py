"""Link check of a built site: only the question's provided sources may be linked.

The stage is lychee's split in small modules: this one collects the site's files, streams
each page through [`extract_page`][generator.check_extract.extract_page] (parse once, keep
ids and links; in worker processes for a large site, see
`generator.check_parallel`), hands the pages in order to
[`LinkChecker`][generator.check_links.LinkChecker], then locates each problem where it was
written (the Markdown file and line, else the template or theme) and returns
[`Finding`][generator.model.Finding]s. Online checks of the sources themselves live in
[`generator.online`][generator.online].
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator.check_extract import extract_page
from generator.check_links import LinkChecker
from generator.check_parallel import PARALLEL_MIN_BYTES, extract_pages
from generator.check_problem import Problem
from generator.check_source import (
    find_written,
    markdown_sources,
    md_to_site_files,
    search_templates,
)
from generator.check_urls import clean_href, normalize_url, scheme_of
from generator.model import Finding, Location, Severity
from generator.online import check_online

__all__ = ["CODES", "LinkPolicy", "check_online", "check_site", "collect_files"]

CODES: dict[str, tuple[Severity, str]] = {
    "link-broken": (Severity.ERROR, "An internal link points to a file that does not exist."),
    "link-anchor-missing": (Severity.ERROR, "A `#fragment` is not an id in the target page."),
    "link-not-provided": (
        Severity.ERROR,
        "An external link is not a provided source of the page's question.",
    ),
    "link-unsafe-scheme": (Severity.ERROR, "A `javascript:`, `vbscript:` or `data:` link."),
    "link-scheme-not-allowed": (
        Severity.ERROR,
        "A `mailto:`, `tel:` or other scheme the configuration does not allow.",
    ),
    "link-invalid": (Severity.ERROR, "An `http(s)` URL that cannot be parsed."),
    "link-allowed-by-config": (Severity.INFO, "A link admitted by an `allow:` entry."),
    "link-allow-unused": (Severity.WARNING, "An `allow:` entry that no link uses."),
    "source-linked-uncited": (
        Severity.WARNING,
        "A page links a provided source but does not cite it (references pages exempt).",
    ),
}
"""Every finding code of the offline check, with its severity and meaning."""


@dataclass(frozen=True)
class LinkPolicy:
    """What a built site may link to.

    Attributes:
        provided: Question id -> that question's provided source URLs, as written in the
            reference set. A page under `<question-id>/` may link only its question's
            sources; other pages may link any question's sources.
        site_url: MkDocs' `site_url`; links to it are internal.
        allow: Explicit exceptions from the plugin's `allow:` option.
        allow_schemes: Schemes such as `mailto` or `tel` that the configuration admits.
        source_keys: A provided source's URL, as written -> the keys of the sources that
            list it. When given, a page that links a source but has no citation link to
            it (`a.citation` to `#ref-<key>`) is a `source-linked-uncited` warning; the
            `bibliography` page and each question's `references` page are exempt.
    """

    provided: Mapping[str, frozenset[str]]
    site_url: str | None = None
    allow: tuple[str, ...] = ()
    allow_schemes: frozenset[str] = field(default_factory=frozenset)
    source_keys: Mapping[str, frozenset[str]] = field(default_factory=dict)


def collect_files(site_dir: Path) -> set[str]:
    """Return every file under `site_dir`, site-relative with `/` separators."""
    found: set[str] = set()
    for root, _dirs, files in os.walk(site_dir):
        rel = Path(root).relative_to(site_dir).as_posix()
        prefix = "" if rel == "." else rel + "/"
        found.update(prefix + name for name in files)
    return found


def check_site(
    site_dir: Path,
    policy: LinkPolicy,
    *,
    docs_dir: Path | None = None,
    project_root: Path | None = None,
    template_dirs: Sequence[Path] = (),
    jobs: int | None = None,
    parallel_min_bytes: int = PARALLEL_MIN_BYTES,
) -> list[Finding]:
    """Check every reference of every HTML page of a built site.

    Args:
        site_dir: The built site.
        policy: What may be linked.
        docs_dir: The Markdown sources, to report the line where a link was written.
        project_root: Paths in findings are relative to it when given, else to `site_dir`.
        template_dirs: Template directories (`theme.custom_dir`) searched for links that
            were not written in Markdown.
        jobs: Worker processes that read and parse the pages, helped by this one: `None`
            for the machine's cores (at most 8), `1` for this process only. The findings
            do not depend on it.
        parallel_min_bytes: Sites with less HTML than this are parsed in the calling
            process, which is faster than starting workers.

    Returns:
        The findings, sorted by location.

    Raises:
        CheckWorkerError: A worker process died.
    """
    files = collect_files(site_dir)
    checker = LinkChecker(
        policy.provided,
        files,
        site_url=policy.site_url,
        allow=policy.allow,
        allow_schemes=policy.allow_schemes,
        source_keys=policy.source_keys,
    )
    paths = sorted(f for f in files if f.endswith(".html"))
    pages = extract_pages(str(site_dir), paths, jobs=jobs, min_bytes=parallel_min_bytes)
    with closing(pages):  # stops the workers if a page cannot be checked
        for page in pages:
            checker.check_page(page)
    problems = _with_content(site_dir, checker.finish() + checker.allowed)
    locator = _Locator(site_dir, docs_dir, project_root, list(template_dirs))
    findings = [locator.finding(p, n) for p, n in _merge_chrome(problems)]
    for entry in checker.unused_allow():
        findings.append(
            Finding(
                "link-allow-unused",
                Severity.WARNING,
                f"allow entry '{entry}' is not used by any link of the site",
                hint="remove it from the plugin's `allow:` list",
            )
        )
    return sorted(findings, key=_sort_key)


def _with_content(site_dir: Path, problems: list[Problem]) -> list[Problem]:
    """Read the pages with problems again, to tell content links from the theme's.

    Streaming skips this (it costs a second query per page); problems are few.
    """
    by_page: dict[str, list[Problem]] = {}
    for problem in problems:
        by_page.setdefault(problem.page, []).append(problem)
    located = []
    for page, group in sorted(by_page.items()):
        text = (site_dir / page).read_text(encoding="utf-8", errors="replace")
        links = extract_page(page, text, content=True).links
        for problem in group:
            link = links[problem.index]
            occurrence = sum(
                1 for other in links[: problem.index] if other.in_content and other.url == link.url
            )
            located.append(replace(problem, link=link, occurrence=occurrence))
    return located


def _sort_key(finding: Finding) -> tuple[str, int, int, str, str]:
    loc = finding.location or Location("")
    return (loc.path, loc.line or 0, loc.column or 0, finding.code, finding.message)


def _merge_chrome(problems: list[Problem]) -> list[tuple[Problem, int]]:
    """One problem per distinct theme link: the theme repeats its links on every page."""
    merged: dict[tuple[str, str], list[Problem]] = {}
    single: list[tuple[Problem, int]] = []
    for problem in problems:
        if problem.link.in_content:
            single.append((problem, 1))
        else:
            merged.setdefault((problem.code, problem.key), []).append(problem)
    single.extend((group[0], len({p.page for p in group})) for group in merged.values())
    return single


class _Locator:
    """Turns a problem into a finding located where the link was written."""

    def __init__(
        self, site_dir: Path, docs_dir: Path | None, root: Path | None, templates: list[Path]
    ) -> None:
        self.site_dir, self.docs_dir, self.root, self.templates = (
            site_dir,
            docs_dir,
            root,
            templates,
        )
        self._markdown: dict[str, tuple[str, str] | None] = {}

    def _rel(self, path: Path) -> str:
        base = self.root if self.root is not None else self.site_dir
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def _source(self, page: str) -> tuple[str, str] | None:
        if page not in self._markdown:
            self._markdown[page] = None
            for candidate in markdown_sources(page) if self.docs_dir else []:
                path = self.docs_dir / candidate  # type: ignore[operator]
                if path.is_file():
                    self._markdown[page] = (candidate, path.read_text(encoding="utf-8"))
                    break
        return self._markdown[page]

    def _in_markdown(self, problem: Problem) -> Location | None:
        source = self._source(problem.page)
        if source is None or not problem.link.in_content:
            return None
        doc_path, text = source
        wanted = clean_href(problem.link.url)
        key = problem.key

        def matches(written_key: str | None, written: str) -> bool:
            if clean_href(written) == wanted or (
                problem.link.attr in ("srcset", "style", "refresh") and wanted in written
            ):
                return True
            if written_key is None:
                return False
            if scheme_of(wanted) in ("http", "https"):
                return written_key == key or written_key == normalize_url(wanted)
            if scheme_of(written_key) is not None:
                return written_key == wanted
            target, _, fragment = written_key.partition("#")
            site_file, _, want_fragment = key.partition("#")
            return fragment == want_fragment and site_file in md_to_site_files(target)

        hit = find_written(text, doc_path, matches, problem.occurrence, problem.link.url)
        if hit is None:
            return None
        return Location(self._rel(self.docs_dir / doc_path), *hit)  # type: ignore[operator]

    def finding(self, problem: Problem, pages: int) -> Finding:
        severity = CODES[problem.code][0]
        message = problem.message
        location = self._in_markdown(problem)
        if location is None:
            template = search_templates(self.templates, self.root, problem.link.url)
            if template is not None:
                location = Location(*template)
            else:
                location = Location(self._rel(self.site_dir / problem.page))
                if problem.link.in_content:
                    message += " (in generated content: not written in the page's Markdown)"
                else:
                    message += f" (from theme ({problem.theme}))"
        if pages > 1:
            message += f" (on {pages} pages)"
        return Finding(problem.code, severity, message, location, problem.hint)
