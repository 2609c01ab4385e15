"""Wires the stages once; used by both the CLI and the MkDocs plugin.

`load` → `analyse` → `render` → `write`: [`generate`][generator.pipeline.generate]
plans every page, and writes only when asked to (never in `--check` mode, never from
the plugin).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.analyse import check_citations, index_citations
from generator.errors import ConfigError, InputError
from generator.load import load_project, read_pages
from generator.model import Finding, Location, Project, Severity
from generator.render import render_content_pages, render_reference_pages
from generator.write import Change, apply_changes, plan_pages

__all__ = [
    "Generated",
    "Settings",
    "check_built_site",
    "generate",
    "load",
    "provided_urls",
    "read_settings",
    "settings_from",
    "source_keys",
]


@dataclass(frozen=True)
class Settings:
    """What the stages need to know about a project, read from its `mkdocs.yml`.

    Attributes:
        root: The project root: the folder of `mkdocs.yml`.
        docs: The docs folder, relative to the root (`docs`).
        references: The references folder, relative to the root (`references`).
        site_dir: The folder MkDocs builds into.
        site_url: The site's public address, if configured.
        allow: External URLs admitted by the plugin's `allow:` option.
        allow_schemes: URL schemes admitted by the plugin's `allow_schemes:` option.
        check_links: Whether the plugin checks the built site's links.
        template_dirs: The theme's `custom_dir`, if set: the link check looks there for
            links that were not written in Markdown.
    """

    root: Path
    docs: str = "docs"
    references: str = "references"
    site_dir: Path | None = None
    site_url: str | None = None
    allow: tuple[str, ...] = ()
    allow_schemes: tuple[str, ...] = ()
    check_links: bool = True
    template_dirs: tuple[Path, ...] = ()


@dataclass(frozen=True)
class Generated:
    """The outcome of planning (and maybe writing) every generated page.

    Attributes:
        changes: One change per generated file, in a stable order.
        findings: Region and citation findings.
        written: The paths written (empty in check mode).
    """

    changes: tuple[Change, ...]
    findings: tuple[Finding, ...]
    written: tuple[str, ...] = ()

    @property
    def stale(self) -> tuple[Change, ...]:
        """The changes that would write a file."""
        return tuple(change for change in self.changes if change.changed)


def settings_from(config: object, plugin_config: object | None) -> Settings:
    """Build settings from a loaded `MkDocsConfig` and the plugin's config (if enabled)."""
    root = Path(config["config_file_path"]).resolve().parent  # type: ignore[index]
    docs = Path(os.path.relpath(Path(config["docs_dir"]).resolve(), root)).as_posix()  # type: ignore[index]
    options = plugin_config or {}
    theme = config["theme"]  # type: ignore[index]
    custom_dir = getattr(theme, "custom_dir", None)
    return Settings(
        root=root,
        docs=docs,
        references=options.get("references", "references"),  # type: ignore[attr-defined]
        site_dir=Path(config["site_dir"]),  # type: ignore[index]
        site_url=config["site_url"] or None,  # type: ignore[index]
        allow=tuple(options.get("allow", ())),  # type: ignore[attr-defined]
        allow_schemes=tuple(options.get("allow_schemes", ())),  # type: ignore[attr-defined]
        check_links=bool(options.get("check_links", True)),  # type: ignore[attr-defined]
        template_dirs=(Path(custom_dir),) if custom_dir else (),
    )


class _Collect(logging.Handler):
    """Keeps MkDocs's config errors, to put them in one message of ours."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def read_settings(root: Path, config_file: str = "mkdocs.yml") -> Settings:
    """Read a project's settings through MkDocs's own config loader (one schema, not two).

    Raises:
        ConfigError: `mkdocs.yml` is missing or invalid.
    """
    from mkdocs import exceptions
    from mkdocs.config import load_config

    path = root / config_file
    if not path.is_file():
        raise ConfigError(
            f"no {config_file} in {root}",
            hint="run answersite in the project folder, or pass --project DIR",
        )
    collected = _Collect()
    logger = logging.getLogger("mkdocs.config")
    logger.addHandler(collected)
    logger.propagate, propagate = False, logger.propagate
    try:
        config = load_config(config_file=str(path))
    except (exceptions.ConfigurationError, exceptions.Abort) as error:
        detail = "; ".join(collected.messages) or str(error)
        raise ConfigError(
            f"invalid configuration: {detail}",
            hint=f"fix this value in {config_file}",
            location=Location(config_file),
        ) from None
    finally:
        logger.removeHandler(collected)
        logger.propagate = propagate
    plugin = config["plugins"].get("answersite")
    return settings_from(config, plugin.config if plugin is not None else None)


def load(settings: Settings) -> Project:
    """Load the reference set and the questions.

    Raises:
        InputError: Any error finding; the error carries all of them.
    """
    project, findings = load_project(settings.root, settings.references)
    errors = tuple(f for f in findings if f.severity is Severity.ERROR)
    if errors:
        raise InputError(
            f"{len(errors)} problem{'s' if len(errors) != 1 else ''} in "
            f"{settings.references}/; nothing was written",
            findings=tuple(findings),
        )
    return project


def generate(
    settings: Settings, project: Project, *, merge: bool = False, write: bool = True
) -> Generated:
    """Plan every generated page, check citations, and write what changed.

    Args:
        settings: The project's settings.
        project: The loaded project.
        merge: 3-way merge new content into hand-edited regions.
        write: Write the changes; `False` only plans (for `--check` and the plugin).

    Raises:
        RegionError: A damaged marker anywhere; nothing is written.
    """
    docs = settings.docs
    content = render_content_pages(project, docs)
    first, _ = plan_pages(settings.root, content, merge=merge)
    pages = read_pages(settings.root / docs)
    prefix = len(docs) + 1
    pages.update({c.path[prefix:]: c.new for c in first if c.path.startswith(docs + "/")})
    cited = index_citations(pages)
    plans = content + render_reference_pages(project, cited, docs)
    changes, findings = plan_pages(settings.root, plans, merge=merge)
    final = dict(pages)
    final.update({c.path[prefix:]: c.new for c in changes if c.path.startswith(docs + "/")})
    findings = [*findings, *check_citations(project, final, docs)]
    written: Sequence[str] = apply_changes(settings.root, changes) if write else ()
    return Generated(tuple(changes), tuple(findings), tuple(written))


def provided_urls(project: Project) -> dict[str, frozenset[str]]:
    """Question id → the URLs of its provided sources (paper and code links)."""
    return {
        q.id: frozenset(url for use in q.sources for _, url in project.sources[use.key].links)
        for q in project.questions
    }


def source_keys(project: Project) -> dict[str, frozenset[str]]:
    """A provided source's URL → the keys of the sources that list it (paper and code links).

    Only the sources some question provides: the others may not be linked at all.
    """
    keys: dict[str, set[str]] = {}
    for question in project.questions:
        for use in question.sources:
            for _, url in project.sources[use.key].links:
                keys.setdefault(url, set()).add(use.key)
    return {url: frozenset(found) for url, found in sorted(keys.items())}


def check_built_site(
    settings: Settings, project: Project, site_dir: Path | None = None
) -> list[Finding]:
    """Check every link of a built site against the project's provided sources."""
    from generator.check import LinkPolicy, check_site

    policy = LinkPolicy(
        provided=provided_urls(project),
        site_url=settings.site_url,
        allow=settings.allow,
        allow_schemes=frozenset(settings.allow_schemes),
        source_keys=source_keys(project),
    )
    target = site_dir or settings.site_dir or settings.root / "site"
    return check_site(
        target,
        policy,
        docs_dir=settings.root / settings.docs,
        project_root=settings.root,
        template_dirs=settings.template_dirs,
    )
