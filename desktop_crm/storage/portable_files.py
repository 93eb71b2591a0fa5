"""File-system calls that behave the same on Windows, macOS and Linux.

Three things Windows does differently, each handled here once:

- ``os.open`` opens in *text* mode unless ``O_BINARY`` is given: every LF
  byte written through the descriptor becomes CR LF, which corrupts a zip
  (xlsx), a PDF or a database. ``O_BINARY`` exists only there, so it is
  looked up when a file is opened (``binary_flag``; 0 elsewhere).
- ``os.fsync`` is ``_commit``, which flushes through a handle with write
  access: on a descriptor opened read-only it fails with EBADF. A file is
  synced through a read-write descriptor (``sync_file``).
- A file another program holds open (a workbook in Excel or WPS, a database
  in a viewer, a file the virus scanner or the search indexer is reading)
  cannot be replaced or renamed: ``os.replace`` raises PermissionError with
  ``winerror`` 32 (sharing violation) or 5 (access denied). Scanners and
  indexers let go within moments, so the rename is retried for about a
  second and a half, as Git for Windows and Office do; a file still held
  after that is open in a program the user has to close, and
  ``FileInUseError`` says so. POSIX never refuses a rename for an open
  file, so there the retries never happen.
"""

from __future__ import annotations

import errno
import os
import stat
import time
from collections.abc import Callable
from pathlib import Path

from desktop_crm.domain.errors import CrmError
from desktop_crm.i18n import _

# Windows' ERROR_ACCESS_DENIED, ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION.
HELD_WINERRORS = frozenset({5, 32, 33})
# Seconds between attempts at a rename over a held file (about 1.5 s in all).
RETRY_DELAYS = (0.05, 0.1, 0.15, 0.2, 0.3, 0.3, 0.4)


class FileInUseError(PermissionError, CrmError):
    """A file another program holds open could not be replaced or renamed;
    ``strerror`` is the translated reason (it fits "Cannot write {path}:
    {reason}"), ``filename`` the file the user has to close."""


def binary_flag() -> int:
    """``os.O_BINARY`` where it exists (Windows), 0 elsewhere."""
    return int(getattr(os, "O_BINARY", 0))


def create_new(path: Path, mode: int = 0o600) -> int:
    """A write-only binary descriptor of a new file ``path`` (FileExistsError
    when there is one), with exactly ``mode`` where modes mean something
    (POSIX: whatever the umask; Windows keeps only the read-only bit)."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | binary_flag(), mode)
    if os.name == "posix":
        try:
            os.fchmod(fd, mode)  # a umask such as 0277 would leave 0400
        except BaseException:
            os.close(fd)
            raise
    return fd


def sync_file(path: Path) -> None:
    """Flush ``path``'s content to the disk through a descriptor Windows
    accepts for it (read-write; POSIX would take a read-only one too)."""
    fd = os.open(path, os.O_RDWR | binary_flag())
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def held_by_another_program(exc: OSError, target: Path | None = None) -> bool:
    """Whether ``exc`` (from a rename or replace onto ``target``) means that
    another program holds a file open. Access denied on a file that is
    read-only (an attribute the user set) is not that: retrying cannot help."""
    if not isinstance(exc, PermissionError):
        return False
    code = getattr(exc, "winerror", None)
    if code not in HELD_WINERRORS:
        return False
    if code == 5 and target is not None:
        try:
            # the read-only attribute: no write bit in st_mode (os.access
            # would say yes to an administrator)
            if target.is_file() and not target.stat().st_mode & stat.S_IWUSR:
                return False
        except OSError:
            pass
    return True


def in_use_error(target: Path) -> FileInUseError:
    """The error for ``target`` held open by another program."""
    return FileInUseError(
        errno.EACCES,
        _("it is open in another program; close it in that program and try again"),
        os.fspath(target))


def _retrying(move: Callable[[Path, Path], None], source: Path, target: Path,
              sleep: Callable[[float], None] | None) -> None:
    sleep = sleep or time.sleep
    for delay in RETRY_DELAYS:
        try:
            move(source, target)
            return
        except OSError as exc:
            if not held_by_another_program(exc, target):
                raise
        sleep(delay)
    try:
        move(source, target)
    except OSError as exc:
        if held_by_another_program(exc, target):
            raise in_use_error(target) from exc
        raise


def replace(source: Path, target: Path, sleep: Callable[[float], None] | None = None) -> None:
    """``os.replace(source, target)``, retried while another program holds
    either file open (Windows); then FileInUseError naming ``target``."""
    _retrying(os.replace, Path(source), Path(target), sleep)


def rename(source: Path, target: Path, sleep: Callable[[float], None] | None = None) -> None:
    """``os.rename(source, target)`` (never over an existing file on Windows),
    retried like ``replace``; FileInUseError names ``source``, the file that
    is open somewhere."""
    try:
        _retrying(os.rename, Path(source), Path(target), sleep)
    except FileInUseError as exc:
        raise in_use_error(Path(source)) from exc
