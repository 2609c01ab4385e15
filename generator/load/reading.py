"""Read input files safely: regular files only, a size limit, UTF-8 or a finding.

Everything under `references/` may be hostile: a FIFO would block `open()` forever, a
symbolic link to `/dev/zero` never ends, a Latin-1 export fails to decode. Each of these
becomes one finding at the file (and, for bad bytes, at the line and column of the first
one); nothing here raises.
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
from pathlib import Path

from generator.model import Finding, Location, Severity

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_YAML_BYTES",
    "limit_for",
    "list_inputs",
    "read_input",
    "size_text",
]

MAX_FILE_BYTES = 64 * 2**20
"""The largest BibTeX file read, in bytes (64 MiB).

A 50,000-entry bibliography is about 25 MB and loads in under a second (only the entries
the questions provide are parsed), so real exports fit well; anything larger is far more
likely a mistake (a data file, a device) than a reference set.
"""

MAX_YAML_BYTES = 4 * 2**20
"""The largest YAML file read, in bytes (4 MiB).

PyYAML parses about 0.4 MB a second here, every byte of it: 4 MiB is about 10 s, and about
15,000 sources written in YAML. A larger reference set belongs in BibTeX.
"""


def limit_for(name: str) -> int:
    """The size limit of an input file, by its name: BibTeX or YAML."""
    return MAX_FILE_BYTES if name.endswith(".bib") else MAX_YAML_BYTES


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def list_inputs(
    folder: Path, root: Path, suffixes: tuple[str, ...]
) -> tuple[list[Path], list[Finding]]:
    """The entries of `folder` whose name ends in one of `suffixes`, sorted by name.

    Hidden names (`.x.bib`, an editor's `.#x.yaml` lock link, macOS's `._x.bib`) are
    skipped, as MkDocs skips hidden files. Entries are listed whatever they are (file,
    folder, link, device): [`read_input`][generator.load.reading.read_input] says what is
    wrong with one that is not a regular file.

    Returns:
        The entries, and a finding if the folder itself cannot be listed.
    """
    try:
        names = sorted(entry.name for entry in os.scandir(folder))
    except OSError as error:
        return [], [_unreadable(folder.relative_to(root).as_posix(), error, "folder")]
    found = [
        folder / name for name in names if not name.startswith(".") and name.endswith(suffixes)
    ]
    return found, []


def read_input(file: Path, rel: str, limit: int | None = None) -> tuple[str | None, Finding | None]:
    """Read one input file as UTF-8 text (a leading byte-order mark is dropped).

    Only regular files are opened (a symbolic link is followed to one); the file is opened
    without blocking and checked again once open, so a FIFO swapped in meanwhile is
    refused too. At most `limit` + 1 bytes are read.

    Args:
        file: The file.
        rel: Its path relative to the project root, for locations.
        limit: The largest size accepted, in bytes; by default the one for the file's
            kind ([`limit_for`][generator.load.reading.limit_for]).

    Returns:
        The text and `None`, or `None` and the finding that explains why it cannot be read.
    """
    limit = limit_for(file.name) if limit is None else limit
    try:
        info = file.stat()
    except FileNotFoundError:
        if file.is_symlink():
            return None, _not_a_file(rel, _dangling(file))
        return None, _unreadable(rel, OSError(errno.ENOENT, "the file disappeared"))
    except OSError as error:
        return None, _unreadable(rel, error)
    if not stat.S_ISREG(info.st_mode):
        return None, _not_a_file(rel, _kind(info.st_mode, file))
    if info.st_size > limit:
        return None, _too_large(rel, info.st_size, limit)
    try:
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as error:
        return None, _unreadable(rel, error)
    with os.fdopen(fd, "rb") as stream:
        try:
            mode = os.fstat(stream.fileno()).st_mode
            if not stat.S_ISREG(mode):
                return None, _not_a_file(rel, _kind(mode, file))
            # Read what stat() announced (plus one byte, to see a file that grew), not
            # limit + 1 at once: that would allocate the whole limit for any file.
            data = stream.read(min(limit, info.st_size) + 1)
            if len(data) > info.st_size:
                data += stream.read(limit + 1 - len(data))
        except OSError as error:
            return None, _unreadable(rel, error)
    if len(data) > limit:
        return None, _too_large(rel, None, limit)
    return _decode(data, rel)


def _decode(data: bytes, rel: str) -> tuple[str | None, Finding | None]:
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[bom:].decode("utf-8"), None
    except UnicodeDecodeError as error:
        start = bom + error.start
    line_start = data.rfind(b"\n", 0, start) + 1
    line = data.count(b"\n", 0, start) + 1
    # The part of the line before the bad byte is valid UTF-8: count its characters.
    prefix = data[max(line_start, bom) : start].decode("utf-8", errors="replace")
    column = len(prefix) + 1
    byte = data[start]
    return None, Finding(
        "ref-bad-encoding",
        Severity.ERROR,
        f"expected UTF-8 text, found the byte 0x{byte:02X}, which is not UTF-8 "
        "(the file is probably Latin-1 or Windows-1252)",
        Location(rel, line, column),
        "save it as UTF-8 (in most editors: Save As… > Encoding > UTF-8)",
    )


def _kind(mode: int, file: Path) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def _dangling(file: Path) -> str:
    try:
        target = os.readlink(file)
    except OSError:
        return "a symbolic link to nothing"
    return f"a symbolic link to `{target}`, which does not exist"


def _not_a_file(rel: str, what: str) -> Finding:
    return Finding(
        "ref-not-a-file",
        Severity.ERROR,
        f"expected a regular file, found {what}",
        Location(rel),
        "replace it with a regular file, or remove it (or rename it without the .bib/.yaml suffix)",
    )


def _too_large(rel: str, size: int | None, limit: int) -> Finding:
    found = f"{size:,} bytes" if size is not None else "more (it grew while being read)"
    return Finding(
        "ref-file-too-large",
        Severity.ERROR,
        f"expected a file of at most {size_text(limit)} (the limit), found {found}",
        Location(rel),
        "split it into several files (a large reference set is best written in BibTeX)",
    )


def size_text(size: int) -> str:
    """A size for a message: `64 MiB` when it is a whole number of MiB, else `1,000 bytes`."""
    return f"{size // 2**20} MiB" if size and size % 2**20 == 0 else f"{size:,} bytes"


def _unreadable(rel: str, error: OSError, what: str = "file") -> Finding:
    reason = error.strerror or str(error)
    return Finding(
        "ref-unreadable",
        Severity.ERROR,
        f"cannot read the {what}: {reason}",
        Location(rel),
        "check that it exists and that you may read it",
    )
