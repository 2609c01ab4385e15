"""The link check of a built site: only the question's provided sources may be linked.

lychee's split, in small modules: this one collects the site's files, reads each page once
with [`pages`][generator.check.pages] (ids and references, nothing else), hands the pages in
order to the classifier ([`classify`][generator.check.classify]), and has each problem
located where it was written ([`locate`][generator.check.locate]) as a
[`Finding`][generator.model.Finding].
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator.check.classify import LinkChecker
from generator.check.pages import extract_page, read_page
from generator.check.problem import Problem
from generator.codes import Code, codes_of
from generator.model import Finding, Location, Severity

__all__ = ["CODES", "LinkPolicy", "check_site", "collect_files"]

CODES: dict[str, Code] = codes_of("check")
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
        own: The site's own addresses outside it, from its configuration: the project's
            repository (`repo_url`) and each page's edit link. Each is admitted exactly (after
            the normalisation), from any page, like a link into the site; nothing under them.
    """

    provided: Mapping[str, frozenset[str]]
    site_url: str | None = None
    allow: tuple[str, ...] = ()
    allow_schemes: frozenset[str] = field(default_factory=frozenset)
    source_keys: Mapping[str, frozenset[str]] = field(default_factory=dict)
    own: frozenset[str] = field(default_factory=frozenset)


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
) -> list[Finding]:
    """Check every reference of every HTML page of a built site.

    Args:
        site_dir: The built site.
        policy: What may be linked.
        docs_dir: The Markdown sources, to report the line where a link was written.
        project_root: Paths in findings are relative to it when given, else to `site_dir`.
        template_dirs: Template directories (`theme.custom_dir`) searched for links that
            were not written in Markdown.

    Returns:
        The findings, sorted by location.
    """
    files = collect_files(site_dir)
    checker = LinkChecker(
        policy.provided,
        files,
        site_url=policy.site_url,
        allow=policy.allow,
        allow_schemes=policy.allow_schemes,
        source_keys=policy.source_keys,
        own=policy.own,
    )
    paths = sorted(f for f in files if f.endswith(".html"))
    for path in paths:
        checker.check_page(read_page(site_dir, path))
    problems = _with_content(site_dir, checker.finish() + checker.allowed)
    findings = []
    if problems:  # locating them reads the Markdown: imported only when there are some
        from generator.check.locate import Locator

        locator = Locator(site_dir, docs_dir, project_root, template_dirs)
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
    """Count, for each problem in a page's content, the earlier ones of the same kind: the
    locator then finds the right one of several places it was written.

    The pages with problems are read again (problems are few; streaming keeps no page).
    """
    by_page: dict[str, list[Problem]] = {}
    for problem in problems:
        by_page.setdefault(problem.page, []).append(problem)
    located = []
    for page, group in sorted(by_page.items()):
        if not any(problem.link.in_content for problem in group):
            located.extend(group)
            continue
        text = (site_dir / page).read_text(encoding="utf-8", errors="replace")
        read = extract_page(page, text)
        links, markup = read.links, read.markup
        for problem in group:
            if problem.markup is not None:
                mine = problem.markup
                occurrence = sum(1 for other in markup[: problem.index] if other == mine)
            else:
                link = links[problem.index]
                occurrence = sum(
                    1
                    for other in links[: problem.index]
                    if other.in_content and other.url == link.url
                )
            located.append(replace(problem, occurrence=occurrence))
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
