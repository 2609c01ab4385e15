"""What the stages need to know about a project, read once from its `mkdocs.yml`.

[`Settings`][generator.settings.Settings] is built from a loaded `MkDocsConfig` and the
plugin's options ([`AnswersiteConfig`][generator.config.AnswersiteConfig]): by the plugin
in `on_config`, and by the command line through
[`read_settings`][generator.settings.read_settings], which reads the few values it needs
the way MkDocs's loader does ([`mkdocs_yml`][generator.mkdocs_yml]) and asks MkDocs's own
loader whenever that reader is unsure, so that a command such as `answersite check` does
not import MkDocs's config machinery and every plugin.
"""

from __future__ import annotations

import logging
import os
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from generator.errors import ConfigError
from generator.layout import NAV_LIMIT
from generator.model import Location

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

    from generator.config import AnswersiteConfig

__all__ = [
    "Settings",
    "load_mkdocs_config",
    "read_settings",
    "read_settings_with_mkdocs",
    "settings_from",
]


@dataclass(frozen=True)
class Settings:
    """What the stages need to know about a project.

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
        nav_limit: Up to this many questions, the navigation and the home page show every
            question; above, each page's navigation shows its own question only and the
            home page lists the questions by task.
        repo_url: MkDocs' `repo_url`: the project's repository, linked from every page.
        edit_uri: MkDocs' `edit_uri` after its validation (MkDocs fills it in for a few hosts).
        edit_uri_template: MkDocs' `edit_uri_template`, which `edit_uri` gives way to.
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
    nav_limit: int = NAV_LIMIT
    repo_url: str | None = None
    edit_uri: str | None = None
    edit_uri_template: str | None = None

    def edit_url(self, src_uri: str) -> str | None:
        """The "edit this page" link of the page written in `src_uri` (`q/task.md`).

        The rule of MkDocs (`Page._set_edit_url`), so that the link check admits exactly the
        links the theme writes; `None` when no edit link is configured.
        """
        if self.edit_uri_template:
            noext = posixpath.splitext(src_uri)[0]
            from mkdocs.config.config_options import EditURITemplate

            path = EditURITemplate.Formatter().format(
                self.edit_uri_template, path=src_uri, path_noext=noext
            )
        elif self.edit_uri:
            path = self.edit_uri + src_uri
        else:
            return None
        repo = self.repo_url or ""
        if repo and not path.startswith(("?", "#")) and not repo.endswith("/"):
            repo += "/"
        return urljoin(repo, path)


def settings_from(config: MkDocsConfig, options: AnswersiteConfig | None) -> Settings:
    """Build settings from a loaded MkDocs config and the plugin's options (if enabled).

    Without the plugin, its defaults apply.
    """
    return _settings(
        config.config_file_path,
        config.docs_dir,
        config.site_dir,
        config.site_url,
        config.theme.custom_dir,
        options if options is not None else _default_options(),
        repo_url=config.repo_url,
        edit_uri=config.edit_uri,
        edit_uri_template=str(config.edit_uri_template) if config.edit_uri_template else None,
    )


def _settings(
    config_file_path: str,
    docs_dir: str,
    site_dir: str,
    site_url: str | None,
    custom_dir: str | None,
    options: Mapping[str, Any],
    *,
    repo_url: str | None,
    edit_uri: str | None,
    edit_uri_template: str | None,
) -> Settings:
    """Settings from the values of a validated config: the one place they are derived."""
    root = Path(config_file_path).resolve().parent
    return Settings(
        root=root,
        docs=Path(os.path.relpath(Path(docs_dir).resolve(), root)).as_posix(),
        references=options["references"],
        site_dir=Path(site_dir),
        site_url=site_url or None,
        allow=tuple(options["allow"]),
        allow_schemes=tuple(options["allow_schemes"]),
        check_links=options["check_links"],
        template_dirs=(Path(custom_dir),) if custom_dir else (),
        nav_limit=options["nav_limit"],
        repo_url=repo_url or None,
        edit_uri=edit_uri or None,
        edit_uri_template=edit_uri_template or None,
    )


def _default_options() -> AnswersiteConfig:
    from generator.config import AnswersiteConfig

    options = AnswersiteConfig()
    options.load_dict({})
    options.validate()  # fills in the defaults, which are valid
    return options


class _Collect(logging.Handler):
    """Keeps MkDocs's config errors, to put them in one message of ours."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def load_mkdocs_config(
    root: Path, config_file: str = "mkdocs.yml", **overrides: Any
) -> MkDocsConfig:
    """Load `mkdocs.yml` with MkDocs's own loader; its complaints become one `ConfigError`.

    Args:
        root: The project root.
        config_file: The config file, relative to `root`.
        **overrides: Config values that replace the file's (`strict`, `site_dir`).

    Raises:
        ConfigError: The file is missing or invalid.
    """
    from mkdocs import exceptions
    from mkdocs.config import load_config

    path = _config_path(root, config_file)
    collected = _Collect()
    logger = logging.getLogger("mkdocs.config")
    logger.addHandler(collected)
    logger.propagate, propagate = False, logger.propagate
    try:
        return load_config(config_file=str(path), **overrides)
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


def _config_path(root: Path, config_file: str) -> Path:
    path = root / config_file
    if not path.is_file():
        raise ConfigError(
            f"no {config_file} in {root}",
            hint="run answersite in the project folder, or pass --project DIR",
        )
    return path


def read_settings(root: Path, config_file: str = "mkdocs.yml") -> Settings:
    """Read a project's settings as MkDocs's loader and the plugin see them.

    The values are read without MkDocs's config machinery when
    [`read_plain`][generator.mkdocs_yml.read_plain] is sure of them, else through MkDocs's
    own loader ([`read_settings_with_mkdocs`][generator.settings.read_settings_with_mkdocs]).
    Only the values the settings hold are read: a mistake elsewhere in `mkdocs.yml` is left
    to the build to report.

    Raises:
        ConfigError: `mkdocs.yml` is missing or invalid.
    """
    from generator.mkdocs_yml import default_options, read_plain

    plain = read_plain(str(_config_path(root, config_file)))
    if plain is None:
        return read_settings_with_mkdocs(root, config_file)
    return _settings(
        plain.config_file_path,
        plain.docs_dir,
        plain.site_dir,
        plain.site_url,
        plain.custom_dir,
        plain.options if plain.options is not None else default_options(),
        repo_url=plain.repo_url,
        edit_uri=plain.edit_uri,
        edit_uri_template=None,  # the plain reader leaves a template to MkDocs's loader
    )


def read_settings_with_mkdocs(root: Path, config_file: str = "mkdocs.yml") -> Settings:
    """Read a project's settings through MkDocs's own config loader (one schema, not two).

    Raises:
        ConfigError: `mkdocs.yml` is missing or invalid.
    """
    from generator.config import AnswersiteConfig

    config = load_mkdocs_config(root, config_file)
    plugin = config.plugins.get("answersite")
    options = plugin.config if plugin is not None else None
    return settings_from(config, options if isinstance(options, AnswersiteConfig) else None)
