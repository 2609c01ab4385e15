"""Drafted answers for any question: golden pages, citations in every sentence, strict builds.

A prompt imported into a new project must give a complete, honest, cited draft that builds
strictly with zero warnings; the seed's drafted pages are golden files.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "fixtures" / "seed" / "000_53d094cc14bda616.txt"
PROMPTS = sorted((ROOT / "tests" / "fixtures" / "prompts").glob("*.txt"))
Run = Callable[..., tuple[int, str, str]]


def _new_project(folder: Path, run_cli: Run, *prompts: Path) -> Path:
    assert run_cli("init", folder)[0] == 0
    for prompt in prompts:
        code, _, err = run_cli("import", prompt, "--project", folder)
        assert code == 0, err
    return folder


def test_the_seeds_drafted_pages_match_golden(
    tmp_path: Path, run_cli: Run, golden: Callable[[str, str], None]
) -> None:
    project = _new_project(tmp_path / "seed", run_cli, SEED)
    code, _, err = run_cli("generate", "--project", project)
    assert code == 0, err
    folder = project / "docs" / "000-53d094cc14bda616"
    for page in ("index.md", "task.md", "workflow.md", "references.md"):
        golden(f"drafted/{page}", (folder / page).read_text(encoding="utf-8"))


def test_every_draft_line_about_a_source_cites_it(tmp_path: Path, run_cli: Run) -> None:
    project = _new_project(tmp_path / "seed", run_cli, SEED)
    assert run_cli("generate", "--project", project)[0] == 0
    folder = project / "docs" / "000-53d094cc14bda616"
    names = {
        "deblur-mssnet-gopro": "Deblur-MSSNet-GoPro",
        "speeding-up-image-classifiers": "Speeding Up Image Classifiers",
        "featsharp": "FeatSharp",
        "mbpu": "MBPU",
    }
    lines = []
    for page in ("index.md", "task.md", "references.md"):
        text = (folder / page).read_text(encoding="utf-8")
        for body in re.findall(r"answersite:begin draft-[\w-]+ -->(.*?)<!--", text, re.S):
            lines += [line for line in body.splitlines() if line.startswith(("- ", "| "))]
        lines += [line for line in text.splitlines() if line.startswith("*Draft from the")]
    assert len(lines) >= 12
    about = 0
    for line in lines:
        for key, name in names.items():
            if name in line:
                about += 1
                assert f"[@{key}]" in line, line
            for sentence in re.split(r"(?<=\.) (?=[A-Z])", line):
                if sentence.startswith(("It shows", "Its summary")):
                    assert "[@" in sentence, sentence  # a sentence about the source
    assert about >= 8


def test_a_question_nothing_is_inferred_for_says_so(tmp_path: Path, run_cli: Run) -> None:
    vague = ROOT / "tests" / "fixtures" / "prompts" / "vague-best-model.txt"
    project = _new_project(tmp_path / "vague", run_cli, vague)
    assert run_cli("generate", "--project", project)[0] == 0
    index = (project / "docs" / "vague-best-model" / "index.md").read_text(encoding="utf-8")
    assert "**Your task:** not inferred from the question." in index
    assert "Caveat" not in index  # no claim about what the sources do not do
    task = (project / "docs" / "vague-best-model" / "task.md").read_text(encoding="utf-8")
    assert "*Not inferred: the question names no task the vocabulary knows." in task


@pytest.mark.e2e
def test_every_fixture_prompt_builds_strict_with_no_warning(tmp_path: Path, run_cli: Run) -> None:
    project = _new_project(tmp_path / "all", run_cli, SEED, *PROMPTS)
    code, _, err = run_cli("build", "--project", project)
    assert code == 0, err
    assert not re.search(r"\bwarning:|WARNING", err), err  # no finding, no MkDocs warning
    assert "0 errors, 0 warnings" in err
    code, out, err = run_cli("check", project / "site", "--project", project)
    assert code == 0, out + err
    # Importing the same prompts again changes nothing.
    before = {p: p.read_bytes() for p in (project / "references").rglob("*") if p.is_file()}
    for prompt in PROMPTS:
        assert run_cli("import", prompt, "--project", project)[0] == 0
    assert {p: p.read_bytes() for p in (project / "references").rglob("*") if p.is_file()} == before
