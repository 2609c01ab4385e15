"""Bad input, end to end: each case gets one exact message with its place, exit 3, and
`docs/` exactly as it was.

Each case is a folder of `tests/fixtures/bad-input/`, copied over the default project:
its files are added to (or replace files of) `references/`.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.cli import ExitCode

BAD_INPUT = Path(__file__).resolve().parent / "fixtures" / "bad-input"

Run = Callable[..., tuple[int, str, str]]
Snapshot = dict[str, tuple[bytes, int]]


def snapshot(project: Path) -> Snapshot:
    """Every file under docs/ and .answersite/: its bytes and its modification time."""
    files = {}
    for folder in ("docs", ".answersite"):
        for path in sorted((project / folder).rglob("*")):
            if path.is_file():
                key = path.relative_to(project).as_posix()
                files[key] = (path.read_bytes(), path.stat().st_mtime_ns)
    return files


def damage(project: Path, case: str) -> None:
    """Copy the files of `tests/fixtures/bad-input/<case>/` into the project."""
    shutil.copytree(BAD_INPUT / case, project, dirs_exist_ok=True)


def finding(where: str, message: str, code: str, hint: str) -> str:
    """A finding as the text report prints it: two lines."""
    return f"{where}: error: {message} [{code}]\n  hint: {hint}\n"


CASES = [
    pytest.param(
        "unclosed-brace",
        finding(
            "references/extra.bib:4:13",
            "this `{` is never closed, so the @article entry `extra2024` (line 3) cannot be read",
            "bib-parse-failed",
            "add the matching `}` to the value that starts here",
        ),
        id="unclosed-brace",
    ),
    pytest.param(
        "entry-closed-early",
        finding(
            "references/extra.bib:3",
            "the field `author` is outside any entry, so it is ignored: "
            "an entry above it was closed early",
            "bib-parse-failed",
            "remove the extra `}` in the entry above, so the entry ends after its last field",
        ),
        id="entry-closed-early",
    ),
    pytest.param(
        "duplicate-key-in-file",
        finding(
            "references/extra.bib:6",
            "source key `extra2024` is defined twice: here and at references/extra.bib:1",
            "ref-duplicate-key",
            "rename one of the two keys, or delete the duplicate entry",
        ),
        id="duplicate-key-in-file",
    ),
    pytest.param(
        "duplicate-key-across-files",
        finding(
            "references/sources.bib:5",
            "source key `kim2022mssnet` is defined twice: here and at references/extra.yaml:3",
            "ref-duplicate-key",
            "rename one of the two keys, or delete the duplicate entry",
        ),
        id="duplicate-key-across-files",
    ),
    pytest.param(
        "question-not-a-mapping",
        finding(
            "references/questions/extra.yaml:1",
            "a question file must be a mapping (`key: value` lines), found a list",
            "yaml-not-a-mapping",
            "start the file with `title: …`, `question: …` and `sources:` lines "
            "(see the README's input schema)",
        ),
        id="question-not-a-mapping",
    ),
    pytest.param(
        "question-unknown-field",
        finding(
            "references/questions/extra.yaml:6",
            "unknown field `anotation` in a question source",
            "yaml-unknown-field",
            "did you mean `annotation`?",
        ),
        id="question-unknown-field",
    ),
    pytest.param(
        "question-unknown-source",
        finding(
            "references/questions/extra.yaml:7",
            "source key `kim2022msnet` is not in the reference set",
            "question-unknown-source",
            "did you mean `kim2022mssnet`?",
        ),
        id="question-unknown-source",
    ),
    pytest.param(
        "yaml-syntax-error",
        finding(
            "references/questions/extra.yaml:2:22",
            "YAML syntax error: mapping values are not allowed here",
            "yaml-syntax",
            "check the indentation and quoting on this line (a value with ': ' needs quotes)",
        ),
        id="yaml-syntax-error",
    ),
    pytest.param(
        "url-not-http",
        finding(
            "references/extra.yaml:5",
            "`url` of source `extra2024` must be an http(s) URL, "
            "found `ftp://example.org/extra.pdf`",
            "ref-bad-url",
            "write the full address, starting with https://",
        ),
        id="url-not-http",
    ),
]


def test_every_fixture_has_a_case() -> None:
    cases = {param.values[0] for param in CASES}
    assert cases == {path.name for path in BAD_INPUT.iterdir() if path.is_dir()}


@pytest.mark.parametrize(("case", "message"), CASES)
def test_bad_input_stops_with_its_message(
    project: Path, run_cli: Run, case: str, message: str
) -> None:
    damage(project, case)
    before = snapshot(project)

    code, out, err = run_cli("generate", "--project", project)

    assert code == ExitCode.BAD_INPUT
    assert message in err
    assert "nothing was written" in err
    assert "Traceback" not in out + err
    assert "internal error" not in err
    assert snapshot(project) == before


@pytest.mark.parametrize(("case", "message"), CASES)
def test_check_mode_reports_bad_input_the_same_way(
    project: Path, run_cli: Run, case: str, message: str
) -> None:
    damage(project, case)
    before = snapshot(project)

    code, _, err = run_cli("generate", "--check", "--project", project)

    assert code == ExitCode.BAD_INPUT
    assert message in err
    assert snapshot(project) == before


def test_a_broken_source_is_reported_once_not_again_by_its_question(
    project: Path, run_cli: Run
) -> None:
    # The default question provides `kim2022mssnet`; break that entry's title.
    bib = project / "references" / "sources.bib"
    text = bib.read_text(encoding="utf-8")
    bib.write_text(text.replace("title     = {{MSSNet}:", "title     = {{MSSNet:"), "utf-8")

    code, _, err = run_cli("generate", "--project", project)

    assert code == ExitCode.BAD_INPUT
    assert "references/sources.bib:6:15: error: this `{` is never closed" in err
    assert "question-unknown-source" not in err
    assert "workflow-unknown-source" not in err
    assert "1 problem in references/" in err


def test_a_damaged_region_marker_stops_the_run_and_writes_nothing(
    project: Path, run_cli: Run
) -> None:
    page = project / "docs" / "phone-3x-upscale" / "task.md"
    lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
    end = next(i for i, line in enumerate(lines) if line.startswith("<!-- answersite:end task"))
    begin = next(i for i, line in enumerate(lines) if line.startswith("<!-- answersite:begin task"))
    page.write_text("".join(lines[:end] + lines[end + 1 :]), encoding="utf-8")
    # Make every other generated page stale too: a run that wrote anything would show.
    bib = project / "references" / "sources.bib"
    bib.write_text(bib.read_text("utf-8").replace("Single Image Deblurring", "Deblurring"), "utf-8")
    before = snapshot(project)

    code, out, err = run_cli("generate", "--project", project)

    assert code == ExitCode.BAD_INPUT
    assert (
        f"answersite: error: docs/phone-3x-upscale/task.md:{begin + 1}: "
        "region 'task' has no end marker\n"
        "  hint: add '<!-- answersite:end task -->' after its generated text\n"
    ) in err
    assert "Traceback" not in out + err
    assert snapshot(project) == before


def test_good_input_still_generates(project: Path, run_cli: Run) -> None:
    # The control case: the undamaged project loads and is up to date.
    code, out, err = run_cli("generate", "--check", "--project", project)

    assert (code, out, err) == (ExitCode.OK, "", "")
