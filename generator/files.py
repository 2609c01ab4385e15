"""The one atomic writer: every file answersite writes goes through here.

A reader (a person's editor, `mkdocs serve`, a crash) sees a file either entirely old or
entirely new: the new text is written to a temporary file in the same folder, flushed to
disk, and renamed over the old one, which is atomic on POSIX and Windows. The temporary file
has a dot name, which MkDocs ignores, so `mkdocs serve` never picks up half a page.

Writing is two steps, so that a run that writes many files can fail before it changes any:
[`prepare`][generator.files.prepare] writes and flushes the temporary file (this is where a
full disk or a read-only folder shows), [`Pending.commit`][generator.files.Pending.commit]
renames it into place. [`write_atomic`][generator.files.write_atomic] does both for one file.
A temporary file names the process that wrote it, so one left by a killed run is removed by
[`remove_stale_temps`][generator.files.remove_stale_temps] and never one still being written.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "TEMP_SUFFIX",
    "Pending",
    "prepare",
    "remove_stale_temps",
    "sync_folders",
    "temp_name",
    "write_atomic",
]

TEMP_SUFFIX = ".answersite-tmp"
"""The suffix of every temporary file answersite writes: `.<name>.<pid>-<random>.answersite-tmp`."""

_TEMP = re.compile(r"\..+\.(?P<pid>\d+)-[0-9a-f]{8}" + re.escape(TEMP_SUFFIX) + r"\Z")
# What earlier versions of answersite left behind: `.<name>.<8 hex>.tmp`.
_OLD_TEMP = re.compile(r"\..+\.[0-9a-f]{8}\.tmp\Z")


def temp_name(path: Path) -> Path:
    """Return a fresh temporary path beside `path`, naming this process."""
    return path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}{TEMP_SUFFIX}")


@dataclass(frozen=True)
class Pending:
    """A file written to its temporary name, waiting to be renamed into place.

    Attributes:
        path: The file it will become.
        temp: The temporary file holding the new content.
    """

    path: Path
    temp: Path

    def commit(self, *, sync: bool = True) -> None:
        """Rename the temporary file over `path` (atomic), then flush the folder entry.

        Args:
            sync: Flush the folder now. A caller that commits many files flushes each
                folder once at the end instead, with [`sync_folders`][generator.files.sync_folders].
        """
        try:
            os.replace(self.temp, self.path)
        except BaseException:
            self.abort()
            raise
        if sync:
            _sync_folder(self.path.parent)

    def abort(self) -> None:
        """Remove the temporary file; `path` stays as it was."""
        self.temp.unlink(missing_ok=True)


def sync_folders(paths: Iterable[Path]) -> None:
    """Flush the folder entries of `paths`' folders, each folder once (after renames)."""
    for folder in sorted({path.parent for path in paths}):
        _sync_folder(folder)


def prepare(path: Path, data: str | bytes, *, folder_exists: bool = False) -> Pending:
    """Write `data` to a temporary file beside `path`, flushed to disk, with `path`'s mode.

    Nothing is visible at `path` until [`Pending.commit`][generator.files.Pending.commit].
    On any failure the temporary file is removed.

    Args:
        path: The file to write; missing parent folders are created.
        data: Text (written as UTF-8, newlines as given) or bytes.
        folder_exists: The caller has made `path`'s folder already.

    Raises:
        OSError: The folder cannot be created or written (read-only, disk full, …).
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if not folder_exists:
        path.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_name(path)
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileNotFoundError):  # a new file keeps the default mode
            os.chmod(temp, stat.S_IMODE(path.stat().st_mode))
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return Pending(path, temp)


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
    pending = prepare(path, data)
    if overwrite:
        pending.commit()
        return
    try:
        _link_new(pending.temp, path)
    finally:
        pending.abort()
    _sync_folder(path.parent)


def remove_stale_temps(folder: Path) -> list[Path]:
    """Remove the temporary files that killed runs left under `folder`; return them.

    A temporary file whose process is still running is kept: it is being written.
    """
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    for path in sorted(folder.rglob(f".*{TEMP_SUFFIX}")) + sorted(folder.rglob(".*.tmp")):
        match = _TEMP.match(path.name)
        if match is None and not _OLD_TEMP.match(path.name):
            continue
        if match is not None and _running(int(match["pid"])):
            continue
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed.append(path)
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    except OSError:
        return False
    return True


def _link_new(temp: Path, path: Path) -> None:
    """Give `temp`'s content the name `path` unless `path` exists, in one step."""
    try:
        os.link(temp, path)
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
            raise
        # A file system without hard links: check, then rename (a small window remains).
        if path.exists():
            raise FileExistsError(errno.EEXIST, "File exists", str(path)) from None
        os.replace(temp, path)


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
