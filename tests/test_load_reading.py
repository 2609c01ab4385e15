"""Tests for generator.load.reading: regular files only, a size limit, UTF-8 or a finding."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.load.reading import (
    MAX_FILE_BYTES,
    MAX_YAML_BYTES,
    limit_for,
    list_inputs,
    read_input,
)
from generator.model import Finding, Location, Severity

REL = "references/a.bib"


def read_bytes(
    tmp_path: Path, data: bytes, limit: int | None = None
) -> tuple[str | None, Finding | None]:
    file = tmp_path / "a.bib"
    file.write_bytes(data)
    return read_input(file, REL, limit)


def test_utf8_text_is_read_and_a_byte_order_mark_dropped(tmp_path: Path) -> None:
    assert read_bytes(tmp_path, "\ufeff@misc{ü}\n".encode()) == ("@misc{ü}\n", None)


@pytest.mark.parametrize(
    ("data", "line", "column", "byte"),
    [
        pytest.param(b"abc\xe9\n", 1, 4, "E9", id="latin-1"),
        pytest.param("a\nb\nüü".encode() + b"\xff", 3, 3, "FF", id="after-multibyte-characters"),
        pytest.param(b"\xef\xbb\xbfx\x80", 1, 2, "80", id="after-a-byte-order-mark"),
        pytest.param(b"title = {caf\xc3", 1, 13, "C3", id="truncated-at-the-end"),
        pytest.param(b"\xff\xfet\x00", 1, 1, "FF", id="utf-16"),
    ],
)
def test_bad_bytes_are_a_finding_at_the_first_one(
    tmp_path: Path, data: bytes, line: int, column: int, byte: str
) -> None:
    assert read_bytes(tmp_path, data) == (
        None,
        Finding(
            "ref-bad-encoding",
            Severity.ERROR,
            f"expected UTF-8 text, found the byte 0x{byte}, which is not UTF-8 "
            "(the file is probably Latin-1 or Windows-1252)",
            Location(REL, line, column),
            "save it as UTF-8 (in most editors: Save As… > Encoding > UTF-8)",
        ),
    )


def test_the_limits_are_64_mib_for_bibtex_and_4_mib_for_yaml() -> None:
    assert (MAX_FILE_BYTES, MAX_YAML_BYTES) == (64 * 2**20, 4 * 2**20)
    assert [limit_for(name) for name in ("a.bib", "a.yaml", "q.yml")] == [
        MAX_FILE_BYTES,
        MAX_YAML_BYTES,
        MAX_YAML_BYTES,
    ]


@pytest.mark.parametrize(("size", "refused"), [(100, False), (101, True)])
def test_a_file_over_the_limit_is_refused(tmp_path: Path, size: int, refused: bool) -> None:
    text, problem = read_bytes(tmp_path, b"x" * size, limit=100)
    assert (text is None, problem is not None) == (refused, refused)
    if problem:
        assert problem.code == "ref-file-too-large"
        assert problem.message == (
            "expected a file of at most 100 bytes (the limit), found 101 bytes"
        )


def test_a_folder_that_cannot_be_listed_is_a_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(path: object) -> object:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "scandir", refuse)
    (tmp_path / "references").mkdir()

    found, findings = list_inputs(tmp_path / "references", tmp_path, (".bib",))

    assert found == []
    assert [str(f) for f in findings] == [
        "references: error: cannot read the folder: Permission denied [ref-unreadable]\n"
        "  hint: check that it exists and that you may read it"
    ]


def test_inputs_are_listed_by_suffix_without_hidden_names(tmp_path: Path) -> None:
    for name in ("b.bib", "a.yaml", "c.yml", ".hidden.bib", "._a.bib", "notes.txt", "x.BIB"):
        (tmp_path / name).write_text("", "utf-8")
    found, _ = list_inputs(tmp_path, tmp_path, (".bib", ".yaml", ".yml"))
    assert [path.name for path in found] == ["a.yaml", "b.bib", "c.yml"]
