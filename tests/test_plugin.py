"""The MkDocs plugin on a small project made in tmp_path: citations, nav, warnings."""

from __future__ import annotations

import json
import logging
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

Run = Callable[..., tuple[int, str, str]]
pytestmark = pytest.mark.e2e

MKDOCS_YML = """\
site_name: t
strict: true
theme:
  name: material
  font: false
extra:
  generator: false
markdown_extensions:
  - admonition
  - attr_list
  - tables
  - pymdownx.details
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
plugins:
  - search
  - answersite
"""

BIB = """\
@misc{alpha,
  title = {Alpha: A "Quoted" Study},
  author = {One, Ann},
  year = {2020},
  url = {https://example.org/alpha.pdf}
}

@misc{beta,
  title = {Beta},
  year = {2021},
  url = {https://example.org/beta.pdf}
}
"""

QUESTION = """\
title: Why?
question: Why is it so?
sources:
  - key: alpha
    role: recommended-model
    model: Alpha-1
    annotation: The model.
  - key: beta
    role: related-paper
    annotation: A paper.
"""


def make_project(root: Path, extra_pages: dict[str, str] | None = None) -> Path:
    (root / "references/questions").mkdir(parents=True)
    (root / "docs").mkdir()
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (root / "references/refs.bib").write_text(BIB, encoding="utf-8")
    (root / "references/questions/why.yaml").write_text(QUESTION, encoding="utf-8")
    for name, text in (extra_pages or {}).items():
        (root / "docs" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "docs" / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def test_citations_are_numbered_per_question_with_hover_titles(
    tmp_path: Path, run_cli: Run
) -> None:
    root = make_project(tmp_path)
    assert run_cli("generate", "--project", root)[0] == 0
    task = root / "docs/why/task.md"
    task.write_text(
        task.read_text(encoding="utf-8") + "\nBoth [@beta; @alpha], and `[@alpha]` in code.\n",
        encoding="utf-8",
    )
    home = root / "docs/index.md"
    home.write_text(home.read_text(encoding="utf-8") + "\nSee [@beta].\n", encoding="utf-8")
    code, _, err = run_cli("build", "--project", root)
    assert code == 0, err
    html = (root / "site/why/task/index.html").read_text(encoding="utf-8")
    assert (
        '[<a class="citation" href="../references/#ref-beta" title="Beta">2</a>, '
        '<a class="citation" href="../references/#ref-alpha" '
        'title="Alpha: A &#34;Quoted&#34; Study">1</a>]'
    ) in html  # the title exactly as written, quotes included
    assert "<code>[@alpha]</code>" in html
    home_html = (root / "site/index.html").read_text(encoding="utf-8")
    assert '<a class="citation" href="bibliography/#ref-beta" title="Beta">2</a>' in home_html
    refs = (root / "site/why/references/index.html").read_text(encoding="utf-8")
    assert 'href="../task/"' in refs  # "cited on" backlink


def test_nav_titles_the_question_and_orders_its_pages(tmp_path: Path, run_cli: Run) -> None:
    root = make_project(tmp_path, {"why/zz-extra.md": "# Extra\n\n[@alpha] [@beta]\n"})
    assert run_cli("build", "--project", root)[0] == 0
    html = (root / "site/index.html").read_text(encoding="utf-8")
    nav = html[html.index('<nav class="md-nav md-nav--primary"') :]
    positions = [
        nav.index(title)
        for title in ("Why?", "The task", "The workflow", "Papers and tools", "Extra")
    ]
    assert positions == sorted(positions)
    data = json.loads((root / "site/why/workflow.json").read_text(encoding="utf-8"))
    assert [n["id"] for n in data["nodes"]] == ["input", "model1", "output"]
    assert data["nodes"][1]["label"] == "Alpha-1"
    assert data["edges"] == [
        {"from": "input", "to": "model1", "label": ""},
        {"from": "model1", "to": "output", "label": ""},
    ]


def test_an_uncited_source_fails_a_strict_build(
    tmp_path: Path, run_cli: Run, caplog: pytest.LogCaptureFixture
) -> None:
    root = make_project(tmp_path)
    assert run_cli("generate", "--project", root)[0] == 0
    # The drafts cite every source; a person replaces them with prose that cites only alpha.
    for page in ("index.md", "task.md"):
        path = root / "docs/why" / page
        text = path.read_text(encoding="utf-8")
        start = text.index("<!-- answersite:begin draft-")
        end = text.index("-->", text.index("<!-- answersite:end draft-")) + 3
        path.write_text(text[:start] + "Our answer [@alpha]." + text[end:], encoding="utf-8")
    caplog.set_level(logging.WARNING)
    code, _, err = run_cli("build", "--project", root)
    assert code == 1
    assert "Aborted with 1 warnings in strict mode!" in err
    messages = [r.getMessage() for r in caplog.records]
    assert (
        "references/questions/why.yaml:8: warning: provided source `beta` is cited on no "
        "page of question `why` [source-uncited]\n  hint: cite it with `[@beta]` where the "
        "answer relies on it"
    ) in messages


def test_stale_docs_are_a_warning_and_the_plugin_writes_nothing(
    tmp_path: Path, run_cli: Run, caplog: pytest.LogCaptureFixture
) -> None:
    root = make_project(tmp_path, {"why/more.md": "# More\n\n[@beta]\n"})
    assert run_cli("generate", "--project", root)[0] == 0
    (root / "references/questions/why.yaml").write_text(
        QUESTION.replace("title: Why?", "title: Why so?"), encoding="utf-8"
    )
    before = {p: p.read_bytes() for p in (root / "docs").rglob("*") if p.is_file()}
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    caplog.set_level(logging.WARNING)
    with pytest.raises(Abort):
        build(load_config(config_file=str(root / "mkdocs.yml"), strict=True))
    assert any("generated pages are stale (docs/index.md" in r.getMessage() for r in caplog.records)
    assert {p: p.read_bytes() for p in (root / "docs").rglob("*") if p.is_file()} == before


def test_answersite_serve_regenerates_and_watches_the_references(
    tmp_path: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mkdocs.commands.build import build

    from generator import plugin
    from generator.settings import load_mkdocs_config

    root = make_project(tmp_path)
    assert run_cli("generate", "--project", root)[0] == 0
    question = root / "references/questions/why.yaml"
    question.write_text(question.read_text(encoding="utf-8").replace("so?", "so, edited?"), "utf-8")
    monkeypatch.setattr(plugin, "GENERATE_WHILE_SERVING", True)
    config = load_mkdocs_config(root, site_dir=str(tmp_path / "served"), strict=False)
    instance = config.plugins["answersite"]
    instance.on_startup(command="serve", dirty=False)  # type: ignore[attr-defined]
    watched: list[str] = []

    class Server:
        def watch(self, path: str) -> None:
            watched.append(path)

    build(config)
    instance.on_serve(Server(), config, None)  # type: ignore[attr-defined]
    assert watched == [str(root / "references")]
    assert "Why is it so, edited?" in (root / "docs/why/index.md").read_text(encoding="utf-8")
    # Plain builds (and plain `mkdocs serve`) never write into docs/.
    monkeypatch.setattr(plugin, "GENERATE_WHILE_SERVING", False)
    question.write_text(question.read_text(encoding="utf-8").replace("edited", "again"), "utf-8")
    build(load_mkdocs_config(root, site_dir=str(tmp_path / "built"), strict=False))
    assert "again" not in (root / "docs/why/index.md").read_text(encoding="utf-8")
