"""The generate pipeline through the CLI: idempotent, hand edits safe, --check for CI."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

Run = Callable[..., tuple[int, str, str]]

TASK = "docs/phone-3x-upscale/task.md"


def _snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file() and ("docs" in p.parts or ".answersite" in p.parts)
    }


def test_generate_on_the_committed_docs_writes_nothing(project: Path, run_cli: Run) -> None:
    before = _snapshot(project)
    code, out, err = run_cli("generate", "--check", "--project", project)
    assert (code, out, err) == (0, "", "")
    code, _, err = run_cli("generate", "--project", project)
    assert code == 0
    assert "wrote" not in err
    assert _snapshot(project) == before


def test_generate_from_nothing_then_again_is_idempotent(project: Path, run_cli: Run) -> None:
    shutil.rmtree(project / "docs")
    shutil.rmtree(project / ".answersite")
    (project / "docs").mkdir()
    code, _, err = run_cli("generate", "--project", project)
    assert code == 0
    assert "wrote docs/phone-3x-upscale/workflow.md" in err
    first = _snapshot(project)
    code, _, err = run_cli("generate", "--project", project)
    assert (code, err) == (0, "")
    assert _snapshot(project) == first


def test_check_reports_stale_pages_with_a_diff(project: Path, run_cli: Run) -> None:
    yaml = project / "references/questions/phone-3x-upscale.yaml"
    yaml.write_text(
        yaml.read_text(encoding="utf-8").replace(
            "  output: One RGB photo, 3H×3W×3", "  output: One RGB photo, 3H × 3W × 3"
        ),
        encoding="utf-8",
    )
    before = _snapshot(project)
    code, out, err = run_cli("generate", "--check", "--diff", "--project", project)
    assert code == 1
    assert "answersite: stale: docs/phone-3x-upscale/task.md" in err
    assert "-| What comes out | One RGB photo, 3H×3W×3 |" in out
    assert "+| What comes out | One RGB photo, 3H × 3W × 3 |" in out
    assert _snapshot(project) == before


def test_text_outside_regions_survives_byte_for_byte(project: Path, run_cli: Run) -> None:
    page = project / TASK
    first, rest = page.read_bytes().split(b"\n", 1)
    edited = first + b"\n\r\nMy own words\r\n" + rest
    edited += b"\nA closing note by hand, no final newline"
    page.write_bytes(edited)
    yaml = project / "references/questions/phone-3x-upscale.yaml"
    yaml.write_text(
        yaml.read_text(encoding="utf-8").replace("nine times the pixels", "9× the pixels"),
        encoding="utf-8",
    )
    code, _, err = run_cli("generate", "--project", project)
    assert code == 0, err
    text = page.read_bytes()
    assert b"My own words\r\n" in text
    assert text.endswith(b"\nA closing note by hand, no final newline")
    assert b"(9\xc3\x97 the pixels)" in text


def test_an_edited_region_is_reported_and_left_alone(project: Path, run_cli: Run) -> None:
    page = project / TASK
    original = page.read_text(encoding="utf-8")
    edited = original.replace("Requirements:", "What it must do:")
    page.write_text(edited, encoding="utf-8")
    code, _, err = run_cli("generate", "--project", project)
    assert code == 0, "nothing new to bring in: the edit is kept silently"
    assert page.read_text(encoding="utf-8") == edited

    yaml = project / "references/questions/phone-3x-upscale.yaml"
    yaml.write_text(
        yaml.read_text(encoding="utf-8").replace("nine times the pixels", "9× the pixels"),
        encoding="utf-8",
    )
    code, _, err = run_cli("generate", "--project", project)
    assert code == 1
    line = edited[: edited.index("<!-- answersite:begin task")].count("\n") + 1
    assert f"{TASK}:{line}: error: region 'task' was edited by hand" in err
    assert "answersite generate --merge" in err
    assert page.read_text(encoding="utf-8") == edited

    code, _, err = run_cli("generate", "--merge", "--project", project)
    assert code == 0, err
    merged = page.read_text(encoding="utf-8")
    assert "What it must do:" in merged
    assert "(9× the pixels)" in merged


def test_a_missing_docs_folder_is_a_config_error(project: Path, run_cli: Run) -> None:
    shutil.rmtree(project / "docs")
    code, _, err = run_cli("generate", "--project", project)
    assert code == 3
    assert err.startswith("answersite: error: mkdocs.yml: invalid configuration: ")
    assert "Config value 'docs_dir': The path" in err
    assert "isn't an existing directory.\n  hint: fix this value in mkdocs.yml\n" in err


def test_a_question_cannot_take_the_url_of_a_hand_written_page(
    project: Path, run_cli: Callable[..., tuple[int, str, str]]
) -> None:
    (project / "docs" / "phone-3x-upscale.md").write_text("# Mine\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in (project / "docs").rglob("*") if p.is_file()}
    code, _, err = run_cli("generate", "--project", project)
    assert code == 3
    assert (
        "references/questions/phone-3x-upscale.yaml:1: error: the question `phone-3x-upscale` "
        "would be published at the URL of the page docs/phone-3x-upscale.md [question-bad-id]"
    ) in err
    assert {p: p.read_bytes() for p in (project / "docs").rglob("*") if p.is_file()} == before
