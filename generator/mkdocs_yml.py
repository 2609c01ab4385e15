"""The few values of `mkdocs.yml` that answersite's settings need, read the way MkDocs's own
loader reads them, without its config machinery.

MkDocs's loader validates every option and loads every plugin: it imports Markdown, Jinja2,
the theme, mkdocstrings and each plugin's dependencies, which is most of what
`answersite check` costs on a small site. [`read_plain`][generator.mkdocs_yml.read_plain]
reads the same file with the same YAML parser (PyYAML's, with MkDocs's `!ENV` tag and
`INHERIT`, merged with the same `mergedeep` call) and applies MkDocs's rules to the values
[`Settings`][generator.settings.Settings] is made of: `docs_dir`, `site_dir`, `site_url`,
`repo_url`, `edit_uri`, `theme.custom_dir` and the `answersite` plugin's options (an
`edit_uri_template` is left to MkDocs's loader). It never guesses: a value it does
not fully understand (a `!relative` or Python tag there, an unexpected type, a folder that
does not exist, an option the plugin does not know, the plugin listed twice, a file that is
not YAML, ...) makes it return `None`, and the caller asks MkDocs's loader, whose answer
(or error message) is then the one given.

It reads only these values: a mistake elsewhere in the file (an unknown theme, a plugin that
is not installed, a Python tag naming nothing) is the build's to report. `tests/test_settings.py`
holds both readers to the same settings on tricky files, and the plugin options below to
[`AnswersiteConfig`][generator.config.AnswersiteConfig], the one schema.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple
from urllib.parse import urlsplit, urlunsplit

from generator.layout import NAV_LIMIT

__all__ = ["PLUGIN", "PLUGIN_OPTIONS", "PlainConfig", "default_options", "read_plain"]

PLUGIN = "answersite"
"""The plugin's name in `mkdocs.yml` (its entry point)."""

PLUGIN_OPTIONS: dict[str, tuple[Any, Callable[[object], bool]]] = {
    # option: (default, whether a value written is valid as it is), as `AnswersiteConfig`
    # declares them (a test compares the two). A `Type` option written empty (`null`) takes
    # its default; a list option must be a list.
    "references": ("references", lambda value: value is None or isinstance(value, str)),
    "check_links": (True, lambda value: value is None or isinstance(value, bool)),
    "allow": ([], lambda value: isinstance(value, list) and all(isinstance(v, str) for v in value)),
    "allow_schemes": (
        [],
        lambda value: (
            isinstance(value, list)
            and all(isinstance(v, str) and v in ("mailto", "tel") for v in value)
        ),
    ),
    "nav_limit": (NAV_LIMIT, lambda value: value is None or isinstance(value, int)),
}
"""The plugin's options: their defaults, and the values accepted without a second thought."""


def default_options() -> dict[str, Any]:
    """The plugin's options when `mkdocs.yml` sets none (or does not enable the plugin)."""
    return {name: default for name, (default, _) in PLUGIN_OPTIONS.items()}


class PlainConfig(NamedTuple):
    """The values of a loaded MkDocs config that the settings are made of, as MkDocs leaves
    them after validation.

    Attributes:
        config_file_path: The config file, absolute.
        docs_dir: `docs_dir`, absolute.
        site_dir: `site_dir`, absolute.
        site_url: `site_url`, ending in `/` (or `''`, or `None` when not set).
        custom_dir: `theme.custom_dir`, joined to the config's folder, or `None`.
        options: The plugin's options, defaults filled in, or `None` when the plugin is not
            enabled.
        repo_url: `repo_url`, or `None` when not set.
        edit_uri: `edit_uri` as MkDocs completes it (a default for a few hosts, a final `/`).
    """

    config_file_path: str
    docs_dir: str
    site_dir: str
    site_url: str | None
    custom_dir: str | None
    options: Mapping[str, Any] | None
    repo_url: str | None = None
    edit_uri: str | None = None


class _Opaque:
    """A value MkDocs's loader would build and this reader does not (`!relative`, Python
    tags): harmless where no setting is read, a reason to ask MkDocs where one is."""


def _opaque(*_: object) -> _Opaque:
    return _Opaque()


class _Unsure(Exception):
    """The file holds something this reader does not fully understand: ask MkDocs."""


def read_plain(config_file: str) -> PlainConfig | None:
    """Read the settings' values of a `mkdocs.yml` as MkDocs would, or `None` when unsure.

    Args:
        config_file: The path of `mkdocs.yml` (made absolute, as MkDocs does).
    """
    import yaml

    path = os.path.abspath(config_file)
    try:
        return _values(path, _load(path, _loader()))
    except (_Unsure, yaml.YAMLError, OSError, ValueError, TypeError, RecursionError):
        return None


def _loader() -> type[Any]:
    import yaml
    from yaml_env_tag import construct_env_tag  # type: ignore[import-untyped]

    # MkDocs's loader is PyYAML's `Loader`: the same reader, scanner, parser and resolver
    # as `SafeLoader`; only the Python tags differ, and their values are never read here.
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!ENV", construct_env_tag)
    Loader.add_constructor("!relative", _opaque)
    Loader.add_multi_constructor("tag:yaml.org,2002:python/", _opaque)
    return Loader


def _load(path: str, loader: type[Any]) -> Any:
    """`mkdocs.utils.yaml.yaml_load`: the file, merged into the one it `INHERIT`s."""
    import yaml

    with open(path, "rb") as file:
        result = yaml.load(file, Loader=loader)
    if result is None:
        return {}
    if isinstance(result, dict) and "INHERIT" in result:
        import mergedeep  # type: ignore[import-untyped]

        parent_path = os.path.normpath(os.path.join(os.path.dirname(path), result.pop("INHERIT")))
        if not os.path.exists(parent_path):
            raise _Unsure  # MkDocs reports it
        result = mergedeep.merge(_load(parent_path, loader), result)
    return result


def _values(path: str, data: object) -> PlainConfig:
    """MkDocs's validation of the few options read."""
    if not isinstance(data, dict) or "config_file_path" in data:
        raise _Unsure
    config_dir = os.path.dirname(path)
    theme = data.get("theme")
    custom_dir = _custom_dir(theme if theme is not None else "mkdocs", config_dir)
    docs_dir = _directory(data.get("docs_dir"), "docs", config_dir, exists=True)
    site_dir = _directory(data.get("site_dir"), "site", config_dir, exists=False)
    if docs_dir == config_dir:
        raise _Unsure
    # MkDocs refuses a site_dir and a docs_dir that hold one another.
    if (docs_dir + os.sep).startswith(site_dir.rstrip(os.sep) + os.sep) or (
        site_dir + os.sep
    ).startswith(docs_dir.rstrip(os.sep) + os.sep):
        raise _Unsure
    site_url = data.get("site_url")
    plugins = data.get("plugins")
    if data.get("edit_uri_template") is not None:
        raise _Unsure
    repo_url = data.get("repo_url")
    repo_url = None if repo_url is None else _url(repo_url)
    return PlainConfig(
        path,
        docs_dir,
        site_dir,
        None if site_url is None else _site_url(site_url),
        custom_dir,
        _plugin_options(["search"] if plugins is None else plugins),
        repo_url,
        _edit_uri(data.get("edit_uri"), repo_url),
    )


def _directory(value: object, default: str, config_dir: str, *, exists: bool) -> str:
    """`config_options.Dir`: relative to the config's folder, made absolute."""
    value = default if value is None else value
    if not isinstance(value, str):
        raise _Unsure
    if not os.path.isabs(value):
        value = os.path.join(config_dir, value)
    if exists and not os.path.isdir(value):
        raise _Unsure
    return os.path.abspath(value)


def _site_url(value: object) -> str:
    """`config_options.URL(is_dir=True)`."""
    value = _url(value)
    if value == "":
        return value
    parts = urlsplit(value)
    if not parts.path.endswith("/"):
        parts = parts._replace(path=f"{parts.path}/")
    return urlunsplit(parts)


def _url(value: object) -> str:
    """`config_options.URL()`: an absolute URL as `urlunsplit` rewrites it, or `''`."""
    if not isinstance(value, str):
        raise _Unsure
    if value == "":
        return value
    parts = urlsplit(value)
    if not (parts.scheme and parts.netloc):
        raise _Unsure
    return urlunsplit(parts)


def _edit_uri(value: object, repo_url: str | None) -> str | None:
    """`config_options.EditURI`: a default for GitHub, GitLab and Bitbucket, a final `/`."""
    if value is not None and not isinstance(value, str):
        raise _Unsure
    if value is None and repo_url is not None:
        host = urlsplit(repo_url).netloc.lower()
        if host in ("github.com", "gitlab.com"):
            value = "edit/master/docs/"
        elif host == "bitbucket.org":
            value = "src/default/docs/"
    if value and not value.endswith("/"):
        value += "/"
    return value


def _custom_dir(theme: object, config_dir: str) -> str | None:
    """`config_options.Theme`'s `custom_dir`, or `None` when not set."""
    if isinstance(theme, str):
        return None
    if not isinstance(theme, dict) or "name" not in theme:
        raise _Unsure
    if "locale" in theme and not isinstance(theme["locale"], str):
        raise _Unsure
    if "custom_dir" not in theme:
        if not theme["name"]:
            raise _Unsure
        return None
    custom_dir = theme["custom_dir"]
    if not isinstance(custom_dir, str):
        raise _Unsure
    if not os.path.isabs(custom_dir):
        custom_dir = os.path.join(config_dir, custom_dir)
    if not os.path.isdir(custom_dir):
        raise _Unsure
    return custom_dir


def _plugin_options(plugins: object) -> dict[str, Any] | None:
    """The plugin's options as `config_options.Plugins` and the plugin's config validate
    them, or `None` when the plugin is not enabled."""
    if isinstance(plugins, dict):
        entries = list(plugins.items())
    elif isinstance(plugins, (list, tuple)):
        entries = []
        for item in plugins:
            if isinstance(item, dict):
                if len(item) != 1:
                    raise _Unsure
                entries.append(item.popitem())  # MkDocs pops it too (an alias sees it gone)
            else:
                entries.append((item, {}))
    else:
        raise _Unsure
    if any(not isinstance(name, str) for name, _ in entries):
        raise _Unsure
    # A name with a `/` names a theme's plugin; a leading `/` opts out of that. (MkDocs
    # would take a theme's own `<theme>/answersite` plugin first; there is none.)
    mine = [cfg for name, cfg in entries if name in (PLUGIN, "/" + PLUGIN)]
    if len(mine) > 1 or any(PLUGIN in name and name.lstrip("/") != PLUGIN for name, _ in entries):
        raise _Unsure
    if not mine:
        return None
    # Options shared with another plugin through a YAML alias: MkDocs validates that
    # plugin first, and may change them (it pops `enabled`).
    if mine[0] and sum(1 for _, other in entries if other is mine[0]) > 1:
        raise _Unsure
    cfg = mine[0] or {}
    if not isinstance(cfg, dict):
        raise _Unsure
    if "enabled" in cfg:  # MkDocs's generic switch: the plugin declares no `enabled` option
        enabled = cfg.pop("enabled")
        if not isinstance(enabled, bool):
            raise _Unsure
        if not enabled:
            return None
    if not cfg.keys() <= PLUGIN_OPTIONS.keys():
        raise _Unsure
    options = {}
    for name, (default, valid) in PLUGIN_OPTIONS.items():
        if name not in cfg:
            options[name] = default
        elif valid(cfg[name]):
            options[name] = default if cfg[name] is None else cfg[name]
        else:
            raise _Unsure
    return options
