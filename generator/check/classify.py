"""The classification: hold each reference of a page to the link policy.

[`LinkChecker`][generator.check.classify.LinkChecker] is fed one page at a time and keeps
only the pages' ids, the fragment checks that wait for a page not read yet, and the
problems found. Problems are raw: [`generator.check.locate`][generator.check.locate] later
finds the Markdown line where each link was written and makes it a `Finding`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from functools import partial
from urllib.parse import unquote

from generator.check.cited import CitationCheck, listing_pages
from generator.check.pages import Page
from generator.check.problem import (
    Context,
    Problem,
    ProblemFactory,
    make_problem,
    markup_problem,
    page_url,
)
from generator.check.urls import (
    clean_href,
    normalize_url,
    resolve_internal,
    scheme_of,
    url_rest,
)

__all__ = ["LinkChecker"]

_MEMO_LIMIT = 5_000
"""Entries of the remembered outcomes before they are dropped and learnt again."""
_UNSAFE = frozenset({"javascript", "data", "vbscript"})
_CHROME_HINTS = {
    "fonts.googleapis.com": "set `theme.font: false` in mkdocs.yml (fonts are then not loaded)",
    "fonts.gstatic.com": "set `theme.font: false` in mkdocs.yml (fonts are then not loaded)",
    "squidfunk.github.io": "set `extra.generator: false` in mkdocs.yml to drop the footer link",
}


def _page_dir(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def _theme(generator: str | None) -> str:
    if generator and "mkdocs-material" in generator:
        return "Material"
    return "mkdocs" if generator and generator.startswith("mkdocs") else "unknown"


class LinkChecker:
    """Checks pages one by one against the provided sources.

    Args:
        provided: Question id -> that question's provided source URLs, as written.
        files: Every file of the built site, site-relative with `/`.
        site_url: The site's own address; links to it are internal.
        allow: URLs admitted by explicit configuration.
        allow_schemes: Schemes admitted by configuration, e.g. `mailto`.
        source_keys: A provided source's URL -> the keys of the sources that list it. When
            given, a page that links a source it may link but does not cite it is a
            `source-linked-uncited` problem.
        own: The site's own addresses outside it (its repository, its pages' edit links),
            admitted exactly, after the normalisation.
    """

    def __init__(
        self,
        provided: Mapping[str, Iterable[str]],
        files: set[str],
        *,
        site_url: str | None = None,
        allow: Iterable[str] = (),
        allow_schemes: Iterable[str] = (),
        source_keys: Mapping[str, Iterable[str]] | None = None,
        own: Iterable[str] = (),
    ) -> None:
        self.files = files
        self.questions = frozenset(provided)
        self.owners: dict[str, set[str]] = {}
        self.written: dict[str, str] = {}
        for question, urls in provided.items():
            for url in urls:
                key = normalize_url(url) or url
                self.owners.setdefault(key, set()).add(question)
                self.written.setdefault(key, url)
        self.allow = {(normalize_url(entry) or entry): entry for entry in allow}
        self.allow_used: set[str] = set()
        self.allow_schemes = frozenset(s.lower().rstrip(":") for s in allow_schemes)
        self.own = frozenset(normalize_url(url) or url for url in own)
        self.site_key = normalize_url(site_url) if site_url else None
        self.base_path = url_rest(site_url) if site_url else "/"
        # `site_url` as written, when it ends in `/`: a link starting with it (the canonical
        # link of every page) is internal without normalising it.
        self.site_prefix = (
            site_url if site_url is not None and self.site_key and site_url.endswith("/") else None
        )
        self.ids: dict[str, frozenset[str]] = {}
        # Fragment checks waiting for their target page, run when it is read (so memory
        # does not grow with the site): target -> [(fragment, url, factory)].
        self.pending: dict[str, list[tuple[str, str, ProblemFactory]]] = {}
        self._deferred = 0
        self.problems: list[Problem] = []
        self.allowed: list[Problem] = []
        self._page_names: list[str] | None = None
        # Links known to pass, by what decides their outcome (see `_split_relative`): the theme
        # repeats the same navigation on every page, so most links are seen before.
        self._good: set[tuple[str, str]] = set()
        self._splits: dict[str, tuple[int, str]] = {}
        self._siblings: dict[tuple[str | None, str | None], set[str]] = {}
        self.citations = (
            CitationCheck(source_keys, listing_pages(provided)) if source_keys else None
        )

    def check_page(self, page: Page) -> None:
        """Check every reference of one page; remember its ids for fragment checks."""
        self.ids[page.path] = ids = page.ids
        for fragment, url, problem in self.pending.pop(page.path, ()):
            self._check_fragment(page.path, fragment, url, problem)
        if len(self._splits) > _MEMO_LIMIT:  # bounded: memory stays flat in the pages
            self._splits.clear()
            self._good.clear()
            self._siblings.clear()
        first = page.path.split("/", 1)[0]
        question = first if "/" in page.path and first in self.questions else None
        page_dir = _page_dir(page.path)
        parents = _parents(page_dir)
        depth = len(parents)
        good, splits, citations = self._good, self._splits, self.citations
        scheme_base = "\0" + (question or "")
        # Links that passed on a sibling page (same parent directory, same question) pass
        # here too when they do not resolve against the page's own directory: one set
        # difference in C skips most of a page's navigation.
        parent = parents[1] if depth > 1 else None
        siblings = self._siblings.setdefault((parent, question), set())
        urls = page.hrefs + tuple(link.url for link in page.others)
        fresh = set(urls) - siblings
        linked: dict[str, str] = {}
        for url in [url for url in dict.fromkeys(urls) if url in fresh]:
            if url[:1] == "#" and (url[1:] in ids or url in ("#", "#top")):
                continue  # the table of contents: unique to the page, so never remembered
            split = splits.get(url)
            if split is None:
                split = splits[url] = _split_relative(url)
            up, rest = split
            source = citations.source_of(url) if up < 0 and citations is not None else None
            if source is not None and (question is None or question in self.owners[source]):
                linked.setdefault(source, url)
            key = (scheme_base, url) if up < 0 else (parents[up], rest) if up < depth else None
            if key not in good:
                indices = [urls.index(url)]
                try:  # each further place of the same URL, found by `index` in C
                    while True:
                        indices.append(urls.index(url, indices[-1] + 1))
                except ValueError:
                    pass
                before = (len(self.problems), self._deferred, len(self.allowed))
                ctx = partial(Context, page.path, page_dir, question, theme=_theme(page.generator))
                for index in indices:
                    self._check_link(ctx(page.link(index), index))
                after = (len(self.problems), self._deferred, len(self.allowed))
                if key is None or before != after:
                    continue
                good.add(key)
            if up != 0 and source is None:
                siblings.add(url)
        if linked and citations is not None:
            positions = {s: urls.index(u) for s, u in linked.items()}
            self._check_cited(citations, page, positions, question)
        if page.markup:
            theme = _theme(page.generator)
            self.problems.extend(
                markup_problem(page.path, markup, index, theme)
                for index, markup in enumerate(page.markup)
            )

    def _check_cited(
        self,
        citations: CitationCheck,
        page: Page,
        linked: dict[str, int],
        question: str | None,
    ) -> None:
        page_dir, theme = _page_dir(page.path), _theme(page.generator)

        def problem(index: int, message: str, hint: str, key: str) -> Problem:
            ctx = Context(page.path, page_dir, question, page.link(index), index, theme)
            return make_problem(ctx, "source-linked-uncited", message, hint, key=key)

        self.problems.extend(citations.check_page(page, linked, problem))

    def finish(self) -> list[Problem]:
        """Run the fragment checks that waited for later pages; return every problem."""
        for target, waiting in self.pending.items():
            for fragment, url, problem in waiting:
                self._check_fragment(target, fragment, url, problem)
        self.pending.clear()
        return self.problems

    def unused_allow(self) -> list[str]:
        """Return the `allow:` entries no link used, as written."""
        return [entry for key, entry in self.allow.items() if key not in self.allow_used]

    # -- one link -------------------------------------------------------------------

    def _check_link(self, ctx: Context) -> None:
        url = clean_href(ctx.link.url)
        if not url:
            return
        scheme = scheme_of(url)
        slashed = url[:2].replace("\\", "/") == "//"
        problem = partial(make_problem, ctx, key=url)

        if scheme in _UNSAFE:
            shown = url if len(url) <= 60 else url[:57] + "..."
            self.problems.append(
                problem(
                    "link-unsafe-scheme",
                    f"'{shown}' uses the '{scheme}:' scheme, which is never permitted",
                    "remove the link or point it to a page of the site",
                    key=f"{scheme}:",
                )
            )
        elif scheme in ("http", "https") or slashed:
            self._check_external(ctx, url, slashed, problem)
        elif scheme is not None:
            if url in self.allow:
                self.allow_used.add(url)
                self.allowed.append(problem("link-allowed-by-config", f"'{url}' is admitted"))
            elif scheme not in self.allow_schemes:
                self.problems.append(
                    problem(
                        "link-scheme-not-allowed",
                        f"'{url}' uses the '{scheme}:' scheme, which the configuration does not "
                        "allow",
                        f"add '{scheme}' to the plugin's `allow_schemes` or remove the link",
                    )
                )
        else:
            self._check_internal(ctx.page_dir, url, problem)

    def _check_external(
        self, ctx: Context, url: str, slashed: bool, problem: ProblemFactory
    ) -> None:
        question = ctx.question
        if self.site_prefix and url.startswith(self.site_prefix):
            self._check_internal(ctx.page_dir, url_rest(url), problem, shown=url)
            return
        key = normalize_url("https:" + url if slashed else url)
        if key is None:
            self.problems.append(problem("link-invalid", f"'{url}' is not a valid URL"))
            return
        if self.site_key and not slashed and _under(key, self.site_key):
            self._check_internal(ctx.page_dir, url_rest(url), problem, shown=url)
            return
        owners = self.owners.get(key, set())
        if not slashed and (question in owners if question else owners):
            return
        if not slashed and key in self.own:
            return
        allow_key = url if slashed else key
        if allow_key in self.allow:
            self.allow_used.add(allow_key)
            self.allowed.append(problem("link-allowed-by-config", f"'{url}' is admitted", key=key))
            return
        scope = f"question '{question}'" if question else "any question"
        hint = self._provided_hint(key, url, question, owners, slashed)
        self.problems.append(
            problem(
                "link-not-provided",
                f"external link '{url}' is not a provided source of {scope}",
                hint,
                key=key,
            )
        )

    def _provided_hint(
        self, key: str, url: str, question: str | None, owners: set[str], slashed: bool
    ) -> str | None:
        if slashed and owners and (question is None or question in owners):
            return f"did you mean 'https:{url}'? Write the scheme of a provided source"
        if owners:
            listed = ", ".join(f"'{q}'" for q in sorted(owners))
            return (
                f"it is provided with question {listed} only; link it from that question's "
                "pages or add it to this question's sources"
            )
        host = key[2:].split("/", 1)[0]
        if host in _CHROME_HINTS:
            return _CHROME_HINTS[host]
        pool = [k for k, qs in self.owners.items() if question is None or question in qs]
        close = difflib.get_close_matches(key, pool, n=1, cutoff=0.8)
        if close and key.split("/", 3)[2] == close[0].split("/", 3)[2]:
            return f"did you mean '{self.written[close[0]]}'?"
        return "link only to the question's provided sources, or add an `allow:` entry"

    def _check_internal(
        self, page_dir: str, url: str, problem: ProblemFactory, *, shown: str | None = None
    ) -> None:
        """Check a link within the site; `shown` is the link as written when it used site_url."""
        target = resolve_internal(page_dir, url, base_path=self.base_path)
        if target is None:
            self.problems.append(
                problem("link-broken", f"'{shown or url}' points outside the site")
            )
            return
        path = target.path
        if target.directory:
            candidates = [f"{path}/index.html" if path else "index.html"]
        else:
            candidates = [path, f"{path}/index.html"]
        found = next((c for c in candidates if c in self.files), None)
        if found is None:
            hint = self._page_hint(candidates[0])
            self.problems.append(
                problem(
                    "link-broken",
                    f"'{shown or url}' points to '{candidates[0]}', which does not exist",
                    hint,
                    key=candidates[0],
                )
            )
            return
        fragment = target.fragment
        if not fragment or not found.endswith(".html") or fragment.lower() == "top":
            return
        if fragment.startswith(":~:"):  # a text fragment, not an id
            return
        if found in self.ids:
            self._check_fragment(found, fragment, shown or url, problem)
        else:
            self.pending.setdefault(found, []).append((fragment, shown or url, problem))
            self._deferred += 1

    def _check_fragment(
        self, target: str, fragment: str, url: str, problem: ProblemFactory
    ) -> None:
        ids = self.ids.get(target, frozenset())
        if fragment in ids or unquote(fragment) in ids:
            return
        close = difflib.get_close_matches(unquote(fragment), sorted(ids), n=1, cutoff=0.6)
        hint = f"did you mean '#{close[0]}'?" if close else None
        message = f"'{url}' points to '#{fragment}', which is not an id in '{target}'"
        self.problems.append(
            problem("link-anchor-missing", message, hint, key=f"{target}#{fragment}")
        )

    def _page_hint(self, missing: str) -> str | None:
        if self._page_names is None:
            self._page_names = sorted(f for f in self.files if f.endswith(".html"))
        # A page of the same name elsewhere (`task/` for `q1/task/`) beats a look-alike path.
        name = page_url(missing).rstrip("/").rsplit("/", 1)[-1]
        same = [p for p in self._page_names if page_url(p).rstrip("/").rsplit("/", 1)[-1] == name]
        pool = same if name and same else self._page_names
        close = difflib.get_close_matches(missing, pool, n=1, cutoff=0.0 if pool is same else 0.6)
        return f"did you mean '{page_url(close[0])}'?" if close else None


def _parents(page_dir: str) -> list[str]:
    """`[page_dir, its parent, ..., ""]`: the base a link resolves against after k `../`."""
    parts = page_dir.split("/") if page_dir else []
    return ["/".join(parts[: len(parts) - k]) for k in range(len(parts) + 1)]


def _split_relative(url: str) -> tuple[int, str]:
    """Split off leading `../`: `(k, rest)`, or `(-1, url)` for a URL with a scheme.

    This is what lets a passing link be remembered across pages. A URL with a scheme
    depends on the page's question only (a `site_url` link resolves from the root). A
    relative URL depends on the directory it resolves against, and dropping k leading `../`
    while moving the base up k levels joins to the same path, so `../../q5/p/` is one key,
    `("", "q5/p/")`, from every page two levels deep.
    """
    colon = url.find(":")
    if colon > 0 and not any(c in url[:colon] for c in "/?#\\ "):
        return (-1, url)
    k = 0
    while url.startswith("../", 3 * k):
        k += 1
    return (k, url[3 * k :])


def _under(key: str, site_key: str) -> bool:
    return key == site_key or key.startswith(site_key + "/") or key.startswith(site_key + "?")
