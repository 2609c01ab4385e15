"""The one atomic writer: every file answersite writes goes through
[`write_atomic`][generator.files.write_atomic].

A reader (a person's editor, `mkdocs serve`, a crash) sees a file either entirely old or
entirely new: the new text is written to a temporary file in the same folder, flushed to
disk, and renamed over the old one, which is atomic on POSIX and Windows. The temporary file
has a dot name, which MkDocs ignores, so `mkdocs serve` never picks up half a page.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path

__all__ = ["TEMP_SUFFIX", "temp_name", "write_atomic"]

TEMP_SUFFIX = ".answersite-tmp"
"""The suffix of every temporary file answersite writes (`.<name>.<random>.answersite-tmp`)."""


def temp_name(path: Path) -> Path:
    """Return a fresh temporary path beside `path`."""
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")


def write_atomic(path: Path, data: str | bytes, *, overwrite: bool = True) -> None:
    """Write `data` to `path` so that no reader ever sees half of it.

    The temporary file is created in `path`'s folder (so the rename stays on one file
    system), written, fsynced, given the mode of the file it replaces (new files get the
    default mode less the umask), and renamed over `path`; the folder is fsynced so that the
    rename survives a crash. On any failure the temporary file is removed and `path` is
    left as it was.

    Args:
        path: The file to write; missing parent folders are created.
        data: Text (written as UTF-8, newlines as given) or bytes.
        overwrite: When `False`, fail instead of replacing an existing file. The check and
            the write are one step (a hard link that refuses an existing name), so a file
            created meanwhile is never replaced.

    Raises:
        FileExistsError: `overwrite` is `False` and `path` exists.
        OSError: The folder cannot be created or written.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_name(path)
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            with contextlib.suppress(FileNotFoundError):  # a new file: the default mode
                os.chmod(temp, stat.S_IMODE(path.stat().st_mode))
            os.replace(temp, path)
        else:
            _link_new(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _link_new(temp: Path, path: Path) -> None:
    """Give `temp` the name `path` unless `path` exists, in one step; then drop `temp`."""
    try:
        os.link(temp, path)
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
            raise
        # A file system without hard links: check, then rename (a small window remains).
        if path.exists():
            raise FileExistsError(errno.EEXIST, "File exists", str(path)) from None
        os.replace(temp, path)
        return
    temp.unlink()


def _sync_folder(folder: Path) -> None:
    """Flush a folder's entries to disk (where the platform allows opening a folder)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
