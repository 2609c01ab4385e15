"""The one atomic writer: whole files only, mode kept, no temporary file left behind."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from generator import files
from generator.files import TEMP_SUFFIX, write_atomic


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(TEMP_SUFFIX))


def test_writes_text_as_utf8_with_newlines_as_given(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "page.md"
    write_atomic(target, "é\r\nline\n")
    assert target.read_bytes() == "é\r\nline\n".encode()
    assert leftovers(target.parent) == []


def test_replaces_and_keeps_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "page.md"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_new_file_gets_the_default_mode(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "new.md", "x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.md").stat().st_mode) == 0o644


def test_a_failed_replace_leaves_the_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "page.md"
    target.write_text("old", encoding="utf-8")

    def fail(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", fail)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert leftovers(tmp_path) == []


def test_without_overwrite_an_existing_file_is_never_replaced(tmp_path: Path) -> None:
    target = tmp_path / "page.md"
    target.write_text("theirs", encoding="utf-8")
    with pytest.raises(FileExistsError):
        write_atomic(target, "mine", overwrite=False)
    assert target.read_text(encoding="utf-8") == "theirs"
    assert leftovers(tmp_path) == []
    write_atomic(tmp_path / "fresh.md", "mine", overwrite=False)
    assert (tmp_path / "fresh.md").read_text(encoding="utf-8") == "mine"
    assert leftovers(tmp_path) == []


def test_without_hard_links_overwrite_false_still_refuses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(*_: object) -> None:
        raise OSError(1, "Operation not permitted")  # EPERM: e.g. some network file systems

    monkeypatch.setattr(files.os, "link", no_links)
    write_atomic(tmp_path / "fresh.md", "mine", overwrite=False)
    assert (tmp_path / "fresh.md").read_text(encoding="utf-8") == "mine"
    with pytest.raises(FileExistsError):
        write_atomic(tmp_path / "fresh.md", "again", overwrite=False)
    assert leftovers(tmp_path) == []


def test_temporary_files_are_dot_files_that_mkdocs_ignores(tmp_path: Path) -> None:
    name = files.temp_name(tmp_path / "page.md").name
    assert name.startswith(".page.md.") and name.endswith(TEMP_SUFFIX)
