"""The settings: the command line's reader of `mkdocs.yml` against MkDocs's own loader.

[`read_settings`][generator.settings.read_settings] reads the few values it needs without
MkDocs's config machinery when it is sure of them (`generator.mkdocs_yml`), and asks
MkDocs's loader otherwise. Both must give the same settings (or the same error): on tricky
files (`INHERIT`, `!ENV`, Python tags, aliases, every form of the plugin list) and on files
made up by hypothesis. The plugin's options are read by the plain reader from a table that
must match `AnswersiteConfig`, the one schema.
"""

from __future__ import annotations

import tempfile
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page

from generator.config import AnswersiteConfig
from generator.errors import ConfigError
from generator.mkdocs_yml import PLUGIN_OPTIONS, default_options, read_plain
from generator.settings import (
    Settings,
    load_mkdocs_config,
    read_settings,
    read_settings_with_mkdocs,
)

ROOT = Path(__file__).resolve().parent.parent


def _both(root: Path) -> tuple[Settings | str, Settings | str]:
    """The settings from `read_settings`, then from MkDocs's loader (`"refused"` for a
    `ConfigError`: where the plain reader is unsure, the error is MkDocs's by construction,
    and MkDocs's messages may carry a warning left over from the load before)."""
    found: list[Settings | str] = []
    for read in (read_settings, read_settings_with_mkdocs):
        try:
            found.append(read(root))
        except ConfigError:
            found.append("refused")
    return found[0], found[1]


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "project"
    for folder in ("docs", "overrides", "shared/overrides", "shared/docs"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def test_the_default_project_is_read_without_mkdocs() -> None:
    # Its mkdocs.yml names a Python function (`!!python/name:`) and configures mkdocstrings.
    assert read_plain(str(ROOT / "mkdocs.yml")) is not None
    assert read_settings(ROOT) == read_settings_with_mkdocs(ROOT)


PLAIN = {
    "inherit": {
        "base.yml": """
            site_name: Base
            site_url: https://base.example/docs
            theme:
              name: material
              custom_dir: overrides
            plugins:
              - search
              - answersite:
                  references: refs
                  allow: [https://allowed.example/]
        """,
        "mkdocs.yml": """
            INHERIT: base.yml
            site_name: Child
            theme:
              features: [navigation.sections]
            docs_dir: ./docs/
        """,
    },
    "inherit-two-levels-lists-replaced": {
        "shared/base.yml": """
            site_name: Base
            docs_dir: docs
            plugins: [search, {answersite: {check_links: false}}]
        """,
        "middle.yml": """
            INHERIT: shared/base.yml
            theme: {name: material, custom_dir: shared/overrides}
        """,
        "mkdocs.yml": """
            INHERIT: middle.yml
            site_name: Child
            plugins: [search, answersite]
        """,
    },
    "env-tags": {
        "mkdocs.yml": """
            site_name: Env
            site_url: !ENV [ANSWERSITE_TEST_UNSET, ANSWERSITE_TEST_URL, "https://no.example/"]
            docs_dir: !ENV [ANSWERSITE_TEST_UNSET, docs]
            site_dir: !ENV ANSWERSITE_TEST_SITE
            plugins:
              - answersite:
                  references: !ENV [ANSWERSITE_TEST_UNSET, "references"]
                  check_links: !ENV ANSWERSITE_TEST_FLAG
        """,
    },
    "python-and-relative-tags-elsewhere": {
        "mkdocs.yml": """
            site_name: Tags
            theme: material
            markdown_extensions:
              - pymdownx.superfences:
                  custom_fences:
                    - name: mermaid
                      class: mermaid
                      format: !!python/name:pymdownx.superfences.fence_code_format
              - pymdownx.snippets:
                  base_path: !relative $config_dir
            plugins: [search, answersite]
        """,
    },
    "plugins-as-a-mapping": {
        "mkdocs.yml": """
            site_name: Mapping
            plugins:
              search: {}
              answersite:
                allow_schemes: [mailto, tel]
                allow: []
        """,
    },
    "plugin-disabled": {
        "mkdocs.yml": """
            site_name: Disabled
            plugins:
              - answersite:
                  enabled: false
                  references: ignored
        """,
    },
    "plugin-without-options": {
        "mkdocs.yml": """
            site_name: No options
            plugins:
              - answersite:
        """,
    },
    "plugin-named-outside-the-theme": {
        "mkdocs.yml": """
            site_name: Slash
            theme: {name: material}
            plugins: [/answersite]
        """,
    },
    "no-plugin-list": {"mkdocs.yml": "site_name: Bare\n"},
    "urls-and-folders": {
        "mkdocs.yml": """
            site_name: Paths
            site_url: http://host.example:8080/a/b?x=1#top
            site_dir: ../out/site
            theme: {name: null, custom_dir: ../project/overrides}
        """,
    },
    "empty-site-url": {
        "mkdocs.yml": """
            site_name: Empty
            site_url: ''
            theme: mkdocs
        """,
    },
    "anchors-and-merge-keys": {
        "mkdocs.yml": """
            site_name: Anchors
            x-options: &options {references: refs, check_links: true}
            theme: &theme {name: material, custom_dir: overrides}
            extra: {theme: *theme}
            plugins:
              - answersite:
                  <<: *options
                  allow: [https://a.example/]
        """,
    },
}


@pytest.mark.parametrize("files", PLAIN.values(), ids=PLAIN.keys())
def test_plain_files_are_read_without_mkdocs_and_alike(
    tmp_path: Path, files: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANSWERSITE_TEST_URL", "https://env.example/sub")
    monkeypatch.setenv("ANSWERSITE_TEST_SITE", "built")
    monkeypatch.setenv("ANSWERSITE_TEST_FLAG", "false")
    monkeypatch.delenv("ANSWERSITE_TEST_UNSET", raising=False)
    root = _project(tmp_path, files)
    assert read_plain(str(root / "mkdocs.yml")) is not None
    plain, mkdocs = _both(root)
    assert isinstance(mkdocs, Settings), mkdocs
    assert plain == mkdocs


def test_the_plain_reader_reads_what_each_file_says(tmp_path: Path) -> None:
    # Not only equal to MkDocs: the values are the ones written (a reader that ignored the
    # file would be equal on files that set nothing).
    root = _project(tmp_path, PLAIN["inherit"])
    found = read_settings(root)
    assert found.site_url == "https://base.example/docs/"
    assert found.references == "refs"
    assert found.allow == ("https://allowed.example/",)
    assert found.template_dirs == (root / "overrides",)
    assert found.site_dir == root / "site"


UNSURE = {
    "unknown-plugin-option": """
        site_name: Typo
        plugins: [{answersite: {refrences: refs}}]
    """,
    "plugin-twice": """
        site_name: Twice
        plugins: [answersite, answersite]
    """,
    "options-shared-with-another-plugin": """
        site_name: Shared
        plugins:
          - search: &shared {enabled: true}
          - answersite: *shared
    """,
    "bad-scheme": """
        site_name: Scheme
        plugins: [{answersite: {allow_schemes: [ftp]}}]
    """,
    "relative-tag-as-a-folder": """
        site_name: Relative
        docs_dir: !relative $config_dir
    """,
    "python-tag-as-a-value": """
        site_name: Python
        site_url: !!python/name:os.sep
    """,
    "missing-custom-dir": """
        site_name: Missing
        theme: {name: material, custom_dir: nowhere}
    """,
    "missing-docs-dir": """
        site_name: Missing
        docs_dir: nowhere
    """,
    "site-dir-inside-docs-dir": """
        site_name: Inside
        site_dir: docs/site
    """,
    "inherit-of-a-missing-file": """
        INHERIT: nowhere.yml
        site_name: Missing
    """,
    "not-a-mapping": """
        - site_name: List
    """,
    "bad-url": """
        site_name: URL
        site_url: not a url
    """,
    "not-yaml": """
        site_name: [unclosed
    """,
}


@pytest.mark.parametrize("text", UNSURE.values(), ids=UNSURE.keys())
def test_files_the_plain_reader_is_unsure_of_are_left_to_mkdocs(tmp_path: Path, text: str) -> None:
    root = _project(tmp_path, {"mkdocs.yml": text})
    assert read_plain(str(root / "mkdocs.yml")) is None
    plain, mkdocs = _both(root)
    assert plain == mkdocs


def test_the_plugin_options_table_is_the_plugins_schema() -> None:
    schema = dict(AnswersiteConfig._schema)
    assert set(PLUGIN_OPTIONS) == set(schema)
    defaults = AnswersiteConfig()
    defaults.load_dict({})
    assert defaults.validate() == ([], [])
    assert default_options() == dict(defaults)
    assert set(schema["allow_schemes"].option_type.choices) == {"mailto", "tel"}


_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-2, 2)
    | st.sampled_from(["", "mailto", "tel", "ftp", "references", "https://a.example/"]),
    lambda inner: st.lists(inner, max_size=3),
    max_leaves=4,
)


@given(name=st.sampled_from(sorted(PLUGIN_OPTIONS)), value=_VALUES)
def test_a_value_the_plain_reader_accepts_mkdocs_accepts_alike(name: str, value: Any) -> None:
    default, valid = PLUGIN_OPTIONS[name]
    config = AnswersiteConfig()
    config.load_dict({name: value})
    errors, warnings = config.validate()
    if valid(value):
        assert (errors, warnings) == ([], [])
        assert config[name] == (default if value is None else value)


_OPTIONS = st.dictionaries(
    st.sampled_from([*PLUGIN_OPTIONS, "enabled", "unknown"]), _VALUES | st.just(True), max_size=3
)
_FILES = st.fixed_dictionaries(
    {},
    optional={
        "docs_dir": st.sampled_from(["docs", "./docs/", "shared/docs", "nowhere", 5, ""]),
        "site_dir": st.sampled_from(["site", "out/site", "../elsewhere", "docs/site", 5]),
        "site_url": st.sampled_from(
            ["", "https://a.example", "https://a.example/b/", "http://h.example:1/p?q#f", "x", 5]
        ),
        "repo_url": st.sampled_from(
            [
                "https://github.com/o/r",
                "HTTPS://GitLab.com/o/r?",
                "https://bitbucket.org/o/r",
                "https://git.example/o/r/",
                "",
                "git.example/o/r",
                5,
            ]
        ),
        "edit_uri": st.sampled_from(["edit/main/docs", "?p=docs/", "", None, 5]),
        "edit_uri_template": st.sampled_from([None, "e/{path}"]),
        "theme": st.sampled_from(
            [
                "material",
                "mkdocs",
                None,
                {"name": "material"},
                {"name": "material", "custom_dir": "overrides"},
                {"name": None, "custom_dir": "shared/overrides"},
                {"name": None},
                {"custom_dir": "overrides"},
                {"name": "material", "custom_dir": "nowhere"},
                {"name": "material", "locale": 5},
            ]
        ),
        "plugins": st.one_of(
            st.none(),
            st.lists(
                st.sampled_from(["search", "answersite", "/answersite"])
                | _OPTIONS.map(lambda options: {"answersite": options or None}),
                max_size=3,
            ),
            _OPTIONS.map(lambda options: {"search": {}, "answersite": options}),
        ),
    },
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config=_FILES)
def test_any_file_gives_the_same_settings_or_the_same_error(config: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = _project(Path(tmp), {"mkdocs.yml": yaml.safe_dump({"site_name": "H", **config})})
        # Every value made up here is one the settings read: where MkDocs refuses the file,
        # the plain reader is unsure, and the error is MkDocs's own.
        plain, mkdocs = _both(root)
        assert plain == mkdocs


PAGES = ["index.md", "q1/task.md", "a b/ü.md", "q1/index.md"]


@pytest.mark.parametrize(
    "lines",
    [
        pytest.param(["repo_url: https://github.com/o/r"], id="github-default"),
        pytest.param(
            ["repo_url: https://github.com/o/r/", "edit_uri: edit/main/docs/"], id="slash"
        ),
        pytest.param(
            ["repo_url: https://gitlab.com/o/r", "edit_uri: -/edit/main/docs"], id="gitlab"
        ),
        pytest.param(
            ["repo_url: https://git.example/o/r", "edit_uri: /o/r/_edit/main/docs/"], id="root"
        ),
        pytest.param(["repo_url: https://git.example/o/r", "edit_uri: ?p=docs/"], id="query"),
        pytest.param(["edit_uri: https://other.example/edit/docs/"], id="no-repo-url"),
        pytest.param(["repo_url: https://git.example/o/r"], id="unknown-host-no-edit"),
        pytest.param(
            [
                "repo_url: https://bitbucket.org/o/r",
                "edit_uri_template: 'src/main/docs/{path}?mode=edit'",
            ],
            id="template",
        ),
        pytest.param(
            ["repo_url: https://git.example/o/r", "edit_uri_template: 'e/{path_noext}/{path!q}'"],
            id="template-quoted",
        ),
        pytest.param([], id="none"),
    ],
)
def test_edit_links_are_the_ones_mkdocs_writes(tmp_path: Path, lines: list[str]) -> None:
    (tmp_path / "docs").mkdir()
    text = "\n".join(["site_name: t", *lines]) + "\n"
    (tmp_path / "mkdocs.yml").write_text(text, encoding="utf-8")
    config = load_mkdocs_config(tmp_path)
    settings = read_settings(tmp_path)
    for src in PAGES:
        file = File(src, config.docs_dir, config.site_dir, config.use_directory_urls)
        assert settings.edit_url(src) == Page(None, file, config).edit_url, src
