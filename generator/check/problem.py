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

from generator.check.allow import CONTENT_TAGS
from generator.check.pages import CHROME, Link, Markup

__all__ = ["Context", "Problem", "ProblemFactory", "make_problem", "markup_problem", "page_url"]


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
        markup: For an element or attribute the check does not allow: what it is (`index`
            is then its position in the page's markup problems).
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
    markup: Markup | None = None


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


def _markup_hint(markup: Markup) -> str:
    if markup.tag == "title" and not markup.attr:
        return (
            "write the page title as plain text (front matter `title:` or the first heading): "
            "the theme does not escape it"
        )
    if markup.attr == "id":
        return "give the element another id"
    if markup.code == CHROME:
        if markup.tag == "script":
            return "remove the script, or load it from the site with `extra_javascript`"
        what = f"the attribute '{markup.attr}'" if markup.attr else f"the <{markup.tag}> element"
        return f"remove {what} (from the template, or from the page's value the theme writes)"
    if markup.attr in ("style", "fill", "stroke") and not markup.written:
        return "remove the function from the CSS, or style the element with a class"
    if markup.written and markup.attr:
        return f"write the attribute '{markup.attr}' once"
    if markup.attr:
        return f"remove the attribute '{markup.attr}'"
    if markup.written and markup.tag in CONTENT_TAGS:
        return "remove the end tag before it that closes an element the content did not open"
    return f"remove the <{markup.tag}> element; write the content in Markdown"


def markup_problem(page: str, markup: Markup, index: int, theme: str) -> Problem:
    """A problem for markup the check does not allow: `page q1/a/: <iframe> is …`."""
    link = Link(markup.value, markup.tag, markup.attr, markup.in_content)
    key = f"{markup.tag}[{markup.attr}]={markup.value}: {markup.message}"
    message = f"page {page_url(page)}: {markup.message}"
    return Problem(markup.code, page, link, index, message, _markup_hint(markup), key, theme,
                   markup=markup)  # fmt: skip
