"""Writing output files safely: all or nothing, never a half-written file,
never over a file that must not be replaced, owner-only.

Every file the app writes to a path the user chose goes through here: the
exports (``.xlsx``, ``.vcf``, ``.ics``), the import report, and (through
``protected_output``) ``backup --to``. The rules, in one place:

- ``protected_output`` refuses, on Windows, a name Windows would misread (a
  device name such as NUL.xlsx, a trailing dot or space:
  ``desktop_crm.domain.file_names``), and everywhere a path that is the open
  database, one of its ``-wal``/``-shm``/``-journal`` files or a file in its backups folder
  (``desktop_crm.storage.held_files``), also through a symbolic link, and an
  existing path that is not a regular file (a folder, a device such as
  ``/dev/full``, a pipe, a socket): replacing those loses the client book or
  breaks the system. It only looks (``os.stat``/``os.lstat``, ``realpath``):
  opening the database outside SQLite would cost the process its locks, and
  opening a pipe would block.
- ``atomic_file`` writes a temporary file and renames it over the target.
- The file is owner-only (0600) whatever the umask: every export holds
  client data, which must not leave the company, and a file other users of
  the machine can read is a first step out. (Windows has no such bits: there
  the folder's access list, normally the user's own profile, decides.)
- Windows: the descriptor is binary (``O_BINARY``), and a target another
  program holds open (a workbook in Excel) is retried briefly and then
  refused with "close it in that program"
  (``desktop_crm.storage.portable_files``).
"""

from __future__ import annotations

import errno
import glob
import os
import shutil
import stat
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from desktop_crm.domain.errors import CrmError
from desktop_crm.domain.file_names import windows_refuses
from desktop_crm.i18n import _
from desktop_crm.storage.held_files import backup_folder_of_held, held_database
from desktop_crm.storage.portable_files import create_new, replace

# A temporary file untouched this long belongs to no running write.
STALE_SECONDS = 3600
# Exports, reports and backups: owner-only (see the module docstring).
OUTPUT_MODE = 0o600


class ExportError(CrmError):
    """An export file could not be written; the message is translated."""


class OutputRefusedError(ExportError):
    """An output path that must not be replaced; nothing was written."""


def protected_output(path: Path) -> str | None:
    """Why ``path`` must not be written as an output, for the user; None when
    it may be. Looks at the path only: never opens it (see the module docstring)."""
    path = Path(path)
    if sys.platform == "win32" and windows_refuses(path.name):
        # NUL.xlsx is the null device there, and "book." is written as "book"
        return _("{path}: Windows does not allow this file name (a device name such as "
                 "CON or NUL, or a name ending in a dot or a space); choose another "
                 "file name", path=path)
    try:
        real = Path(os.path.realpath(path))  # where a symbolic link points
    except (OSError, ValueError):
        real = path
    for candidate in dict.fromkeys((path, real)):
        if held_database(candidate) is not None:
            return _("{path} is the open database or one of its files; choose another "
                     "file name", path=path)
        if backup_folder_of_held(candidate) is not None:
            return _("{path} is in the backups folder of the open database; choose "
                     "another folder", path=path)
    try:
        mode = os.stat(path).st_mode  # follows a link: what would be replaced
    except FileNotFoundError:
        return None  # a new file (or a dangling link, replaced by the rename)
    except (OSError, ValueError):
        return None  # the write itself says what is wrong
    if stat.S_ISDIR(mode):
        return _("{path} is a folder; choose a file name", path=path)
    if not stat.S_ISREG(mode):
        return _("{path} is not a regular file (a device, pipe or socket); choose a "
                 "file name", path=path)
    return None


def refuse_protected_output(path: Path) -> None:
    """Raise OutputRefusedError when ``protected_output`` refuses ``path``."""
    reason = protected_output(path)
    if reason is not None:
        raise OutputRefusedError(reason)


def remove_stale_parts(path: Path, now: float | None = None) -> list[Path]:
    """Remove the temporary files that writes to ``path`` killed before their
    rename left behind (a crash or power loss skips the cleanup); only ours
    (``.NAME.xxxxxxxx.part``) and only those untouched for STALE_SECONDS, so a
    write still running elsewhere keeps its file. Returns what was removed."""
    now = time.time() if now is None else now
    removed = []
    for candidate in path.parent.glob(f".{glob.escape(path.name)}.*.part"):
        middle = candidate.name[len(path.name) + 2:-len(".part")]
        if len(middle) != 8 or not all(c in "0123456789abcdef" for c in middle):
            continue
        try:
            if now - candidate.stat().st_mtime > STALE_SECONDS:
                candidate.unlink()
                removed.append(candidate)
        except OSError:
            continue  # gone already, or not ours to remove
    return removed


def remove_stale_folders(parent: Path, prefix: str, now: float | None = None) -> list[Path]:
    """Remove the temporary folders named ``prefix`` + a ``tempfile`` suffix
    (8 letters, digits or underscores) in ``parent`` that a killed process left
    behind (an export killed mid-way skips its cleanup, and the workbook's
    sheets wait there uncompressed: hundreds of MB at 100,000 clients). Only a
    folder whose own entries are all untouched for STALE_SECONDS goes, so an
    export still running elsewhere keeps its files; one that is not ours to
    remove stays. Returns what was removed."""
    now = time.time() if now is None else now
    removed = []
    for folder in parent.glob(f"{glob.escape(prefix)}*"):
        suffix = folder.name[len(prefix):]
        if len(suffix) != 8 or not all(c.isascii() and (c.isalnum() or c == "_")
                                       for c in suffix):
            continue
        try:
            if folder.is_symlink() or not folder.is_dir():
                continue
            touched = max([folder.stat().st_mtime]
                          + [entry.stat().st_mtime for entry in folder.iterdir()])
            if now - touched <= STALE_SECONDS:
                continue
            shutil.rmtree(folder)
        except OSError:
            continue  # gone already, or not ours to remove
        removed.append(folder)
    return removed


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through :func:`atomic_file`."""
    with atomic_file(path) as fh:
        fh.write(data)


@contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A binary file to write ``path``'s new content into: a temporary file
    next to ``path``, renamed over it when the block ends without an error
    (and removed when it raises); a reader sees the old file or the new one,
    never a part. The folder must exist; the file is owner-only (0600).
    Raises OutputRefusedError, before anything is written, for a path
    ``protected_output`` refuses, and ExportError on any file-system failure."""
    refuse_protected_output(path)
    try:
        if not path.name:
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        remove_stale_parts(path)
        # a random part, as secrets.token_hex(4) (which loads hmac and
        # hashlib: not on the window's start path, where this module is)
        tmp = path.with_name(f".{path.name}.{os.urandom(4).hex()}.part")
        # binary on Windows too (O_BINARY), exactly 0600 where modes exist
        fd = create_new(tmp, OUTPUT_MODE)
        try:
            with os.fdopen(fd, "wb") as fh:
                yield fh
                fh.flush()
                os.fsync(fh.fileno())
            replace(tmp, path)  # retried, then "close it" when Excel holds it
        finally:
            tmp.unlink(missing_ok=True)
    except OSError as exc:
        raise ExportError(_("Cannot write {path}: {reason}", path=path,
                            reason=exc.strerror or exc)) from exc
