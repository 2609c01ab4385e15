"""Hostile input to the load stage, end to end: the real CLI on a copy of the default project.

Each case is a folder of `tests/fixtures/hostile/load/`: its `references/` files are copied
over the project's, and its `expected.txt` gives the exit code (`exit N`) and every finding
expected, one a line: `severity file:line[:column] code`; a line `> text` is text the report
must contain. Whatever the input, the exit code is 3 (bad input) or 0 (with warnings at
most), never 4 (a bug), and `docs/` is unchanged.

Cases that cannot be committed (symbolic links, FIFOs, devices, a file too large) are built
in `tmp_path` by the tests below the corpus.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.cli import ExitCode
from generator.load import bibscan, reading

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile" / "load"
_FINDING = re.compile(
    r"^(?P<where>\S+?): (?P<severity>error|warning|info): .* \[(?P<code>[a-z-]+)\]$"
)

Run = Callable[..., tuple[int, str, str]]


def snapshot(project: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under docs/ and .answersite/: its bytes and its modification time."""
    files = {}
    for folder in ("docs", ".answersite"):
        for path in sorted((project / folder).rglob("*")):
            if path.is_file():
                files[path.relative_to(project).as_posix()] = (
                    path.read_bytes(),
                    path.stat().st_mtime_ns,
                )
    return files


def findings_in(err: str) -> list[str]:
    """The findings of a text report as `severity file:line code` lines, in report order."""
    found = []
    for line in err.splitlines():
        match = _FINDING.match(line)
        if match:
            found.append(f"{match['severity']} {match['where']} {match['code']}")
    return found


def expected(case: str) -> tuple[int, list[str], list[str]]:
    """The exit code, the finding lines and the texts `expected.txt` of a case gives."""
    lines = [
        line
        for line in (HOSTILE / case / "expected.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0].startswith("exit "), f"{case}/expected.txt must start with `exit N`"
    texts = [line[2:] for line in lines[1:] if line.startswith("> ")]
    findings = [line for line in lines[1:] if not line.startswith("> ")]
    return int(lines[0].split()[1]), findings, texts


def run_generate(run_cli: Run, project: Path) -> tuple[int, list[str], str]:
    before = snapshot(project)
    code, out, err = run_cli("generate", "--project", project)
    assert "Traceback" not in out + err
    assert "internal error" not in err
    assert code in (ExitCode.OK, ExitCode.BAD_INPUT), err
    assert snapshot(project) == before, "docs/ or .answersite/ changed"
    return code, findings_in(err), err


CASES = sorted(path.name for path in HOSTILE.iterdir() if path.is_dir())


@pytest.mark.parametrize("case", CASES)
def test_hostile_input_ends_as_findings(project: Path, run_cli: Run, case: str) -> None:
    shutil.copytree(HOSTILE / case, project, dirs_exist_ok=True, ignore=_only_references)
    exit_code, lines, texts = expected(case)

    code, found, err = run_generate(run_cli, project)

    assert (code, found) == (exit_code, lines), err
    for text in texts:
        assert text in err
    if exit_code == ExitCode.BAD_INPUT:
        assert "nothing was written" in err


def _only_references(folder: str, names: list[str]) -> list[str]:
    return ["expected.txt"] if "expected.txt" in names else []


def test_every_case_has_references_and_an_expectation() -> None:
    for case in CASES:
        assert (HOSTILE / case / "references").is_dir(), case
        expected(case)


# --- cases built by the tests: not regular files, too large, unreadable ------------------


def _link(path: Path, target: str) -> None:
    path.symlink_to(target)


def _fifo(path: Path, _: str) -> None:
    os.mkfifo(path)


def _folder(path: Path, _: str) -> None:
    path.mkdir()


NOT_FILES = [
    pytest.param(
        "references/gone.bib", _link, "nowhere.bib", "a symbolic link", id="dangling-link"
    ),
    pytest.param("references/folder.bib", _folder, "", "a directory", id="directory"),
    pytest.param("references/pipe.bib", _fifo, "", "a named pipe (FIFO)", id="fifo-bib"),
    pytest.param(
        "references/zero.yaml", _link, "/dev/zero", "a character device", id="link-to-dev-zero"
    ),
    pytest.param(
        "references/questions/pipe.yaml", _fifo, "", "a named pipe (FIFO)", id="fifo-question"
    ),
    pytest.param(
        "references/questions/gone.yaml", _link, "gone.yaml", "a symbolic link", id="link-loop"
    ),
]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs and links")
@pytest.mark.parametrize(("rel", "make", "target", "what"), NOT_FILES)
def test_what_is_not_a_regular_file_is_named_never_opened(
    project: Path,
    run_cli: Run,
    rel: str,
    make: Callable[[Path, str], None],
    target: str,
    what: str,
) -> None:
    make(project / rel, target)

    code, found, err = run_generate(run_cli, project)

    assert code == ExitCode.BAD_INPUT
    if target == "gone.yaml":  # a link to itself: the system's own reason
        assert found == [f"error {rel} ref-unreadable"]
        assert "Too many levels of symbolic links" in err
    else:
        assert found == [f"error {rel} ref-not-a-file"]
        assert f"{rel}: error: expected a regular file, found {what}" in err


def test_a_dangling_link_names_its_target(project: Path, run_cli: Run) -> None:
    (project / "references" / "gone.bib").symlink_to("../moved/sources.bib")

    _, _, err = run_generate(run_cli, project)

    assert (
        "references/gone.bib: error: expected a regular file, found a symbolic link to "
        "`../moved/sources.bib`, which does not exist [ref-not-a-file]"
    ) in err


def test_a_link_to_a_regular_file_is_read(project: Path, run_cli: Run) -> None:
    (project / "elsewhere.bib").write_text("@misc{linked2024, title = {Linked}}\n", "utf-8")
    (project / "references" / "linked.bib").symlink_to("../elsewhere.bib")

    code, found, _ = run_generate(run_cli, project)

    assert (code, found) == (ExitCode.OK, [])


def test_a_bibtex_file_over_the_limit_is_refused_unread(project: Path, run_cli: Run) -> None:
    big = project / "references" / "huge.bib"
    with big.open("wb") as stream:  # sparse: no disk space, no time
        stream.truncate(reading.MAX_FILE_BYTES + 1)

    code, found, err = run_generate(run_cli, project)

    assert (code, found) == (ExitCode.BAD_INPUT, ["error references/huge.bib ref-file-too-large"])
    assert "expected a file of at most 64 MiB (the limit), found 67,108,865 bytes" in err


def test_a_yaml_file_over_its_limit_is_refused(
    project: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reading, "MAX_YAML_BYTES", 2**20)
    (project / "references" / "big.yaml").write_bytes(b"# x\n" * (2**18 + 1))

    code, found, err = run_generate(run_cli, project)

    assert (code, found) == (ExitCode.BAD_INPUT, ["error references/big.yaml ref-file-too-large"])
    assert "expected a file of at most 1 MiB (the limit), found 1,048,580 bytes" in err


def test_any_other_os_error_names_the_path_and_the_reason(
    project: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = os.open

    def refuse(path: os.PathLike[str] | str, flags: int, *args: int) -> int:
        if str(path).endswith("sources.bib"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", refuse)

    code, found, err = run_generate(run_cli, project)

    assert code == ExitCode.BAD_INPUT
    assert "error references/sources.bib ref-unreadable" in found
    assert "references/sources.bib: error: cannot read the file: Permission denied" in err


def test_a_page_of_docs_that_is_not_utf8_is_bad_input(project: Path, run_cli: Run) -> None:
    (project / "docs" / "notes.md").write_bytes("# Notes\n\nd\u00e9j\u00e0 vu\n".encode("latin-1"))

    code, found, err = run_generate(run_cli, project)

    assert (code, found) == (ExitCode.BAD_INPUT, ["error docs/notes.md:3:2 ref-bad-encoding"])
    assert "1 page of docs/ cannot be read; nothing was written" in err


def test_a_bibtex_file_of_too_many_blocks_is_refused(
    project: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bibscan, "MAX_BLOCKS", 1_000)
    (project / "references" / "many.bib").write_text("@a{k}\n" * 1_001, "utf-8")

    code, found, err = run_generate(run_cli, project)

    assert (code, found) == (ExitCode.BAD_INPUT, ["error references/many.bib ref-file-too-large"])
    assert "expected at most 1,000 blocks (entries, strings, comments) in a file" in err
