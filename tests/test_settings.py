"""Tests for generator.settings: what the stages read of `mkdocs.yml`."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page

from generator.settings import load_mkdocs_config, read_settings

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
