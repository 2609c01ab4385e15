"""What the classification reports before locating: one
[`Problem`][generator.check.problem.Problem] per bad reference, and the small context a
problem is made from.

Kept apart from [`generator.check.classify`][generator.check.classify] so that the
cited-but-not-linked rule ([`generator.check.cited`][generator.check.cited]) makes problems
without importing the classifier; [`generator.check.locate`][generator.check.locate] turns
problems into findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from generator.check.pages import Link

__all__ = ["Context", "Problem", "ProblemFactory", "make_problem", "page_url"]


@dataclass(frozen=True)
class Problem:
    """One bad reference, before it is located in the sources.

    Attributes:
        code: The finding code.
        page: The site-relative HTML file the link is in.
        link: The link as extracted.
        index: The link's position in the page's links, to find it again.
        occurrence: How many earlier content links of the page have the same URL (set when
            the problem is located).
        message: What is wrong (without location).
        hint: One fix, or `None`.
        key: What the link resolves to (a site file with `#fragment`, or a normalised URL);
            used to find where the link was written and to merge repeats from the theme.
        theme: The theme the page was built with, e.g. `Material`.
    """

    code: str
    page: str
    link: Link
    index: int
    message: str
    hint: str | None
    key: str
    theme: str
    occurrence: int = 0


@dataclass(frozen=True)
class Context:
    """Where a link stands: its page, the page's directory and question, the theme."""

    page: str
    page_dir: str
    question: str | None
    link: Link
    index: int
    theme: str


class ProblemFactory(Protocol):
    """[`make_problem`][generator.check.problem.make_problem] with its context bound."""

    def __call__(
        self, code: str, message: str, hint: str | None = None, *, key: str = ...
    ) -> Problem: ...


def page_url(path: str) -> str:
    """Return the URL path a site file is served at: `q1/task/index.html` -> `q1/task/`."""
    if path == "index.html":
        return "/"
    return path[: -len("index.html")] if path.endswith("/index.html") else path


def make_problem(
    ctx: Context, code: str, message: str, hint: str | None = None, *, key: str
) -> Problem:
    """A problem whose message starts with the page and the element: `page q1/a/: a[href] …`."""
    where = f"page {page_url(ctx.page)}: {ctx.link.tag}[{ctx.link.attr}]"
    return Problem(code, ctx.page, ctx.link, ctx.index, f"{where} {message}", hint, key, ctx.theme)
