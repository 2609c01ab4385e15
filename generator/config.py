"""The plugin's options in `mkdocs.yml`: one MkDocs `Config` class, read by the plugin and,
through MkDocs's own config loader, by the command line (one schema, not two).

```yaml
plugins:
  - search
  - answersite:
      references: references   # the reference set and questions/
      check_links: true        # check every link of the built site
      allow: []                # external URLs admitted as named exceptions
      allow_schemes: []        # e.g. [mailto]
      nav_limit: 30            # above this many questions, each page's navigation is its own
```
"""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

from generator.layout import NAV_LIMIT

__all__ = ["AnswersiteConfig"]


# MkDocs declares `Config.__init_subclass__` without annotations.
class AnswersiteConfig(base.Config):  # type: ignore[no-untyped-call]
    """The plugin's options; the CLI reads the same ones through MkDocs's config loader."""

    references = c.Type(str, default="references")
    """The folder of the reference set (`*.bib`, `*.yaml`) and of `questions/`."""
    check_links = c.Type(bool, default=True)
    """Check every link of the built site at the end of the build."""
    allow = c.ListOfItems(c.Type(str), default=[])
    """External URLs admitted although they are not provided sources (each use is reported)."""
    allow_schemes = c.ListOfItems(c.Choice(("mailto", "tel")), default=[])
    """URL schemes admitted in links besides http(s)."""
    nav_limit = c.Type(int, default=NAV_LIMIT)
    """Up to this many questions, the navigation and the home page show every question;
    above, each page's navigation shows its own question, and the home page lists the
    questions by task (see `generator.layout`)."""
