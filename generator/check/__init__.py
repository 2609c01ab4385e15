"""The link check of a built site: one public surface for the rest of answersite.

Every page of a built site is read once, every reference in it is classified against the
[`LinkPolicy`][generator.check.site.LinkPolicy] (only the question's provided sources may
be linked from outside the site), everything in the page's content is held to an allowlist
(deny by default), and each problem is located at the Markdown `file:line` where it was
written. The modules, each one step:

| module | step |
|---|---|
| [`pages`][generator.check.pages] | read a page: ids, references, markup not allowed |
| [`reader`][generator.check.reader] | the walk over a page; the rules of the theme's chrome |
| [`content`][generator.check.content] | the rules of the page's content (deny by default) |
| [`found`][generator.check.found] | what a page holds: references and markup problems |
| [`allow`][generator.check.allow] | the allowlists, and the URL attributes |
| [`css`][generator.check.css] | CSS: the URLs it fetches, the functions it calls |
| [`tags`][generator.check.tags] | the content's start tags as written, before parsing |
| [`urls`][generator.check.urls] | the URL rules: clean, normalise, resolve |
| [`classify`][generator.check.classify] | hold each reference to the policy |
| [`cited`][generator.check.cited] | a page that links a provided source also cites it |
| [`problem`][generator.check.problem] | what the classification reports |
| [`locate`][generator.check.locate] | where each problem was written; findings |
| [`place`][generator.check.place] | where an element or attribute was written in Markdown |
| [`site`][generator.check.site] | the whole check of a built site |
| [`online`][generator.check.online] | does each provided source answer? |

The rest of answersite imports only the names below.
"""

from typing import TYPE_CHECKING, Any

from generator.check.site import CODES, LinkPolicy, check_site
from generator.check.urls import normalize_url

if TYPE_CHECKING:
    from generator.check.online import ONLINE_CODES, OnlineOptions, SourceStatus, check_online
else:  # the online mode is imported when first named: an offline check never loads it

    def __getattr__(name: str) -> Any:
        if name in ("ONLINE_CODES", "OnlineOptions", "SourceStatus", "check_online"):
            from generator.check import online

            return getattr(online, name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CODES",
    "ONLINE_CODES",
    "LinkPolicy",
    "OnlineOptions",
    "SourceStatus",
    "check_online",
    "check_site",
    "normalize_url",
]
