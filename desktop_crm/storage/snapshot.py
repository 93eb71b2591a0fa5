"""Copies of a SQLite database made with SQLite's online backup API, and the
names backups get.

Storage makes the backup before a migration itself (it must not import the
services); ``desktop_crm.services.backup`` builds rotation, listing and
restore on the same two pieces: ``copy_database`` and the file names.

A backup is named ``{stem}-YYYYmmdd-HHMMSS-{reason}.db`` in a ``backups``
folder next to the database (``clients-20261124-101500-before-import.db``);
a second backup with the same stem, second and reason gets ``.2``, ``.3`` ...
before ``.db``. Names made before reasons existed (``clients-20261124-101500.db``)
still parse, with no reason.
"""

from __future__ import annotations

import os
import re
import sqlite3
import stat
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path, PurePath

from desktop_crm.storage import held_files
from desktop_crm.storage.portable_files import create_new, replace, sync_file

BACKUP_DIR_NAME = "backups"
# The backups folder: owner-only, like the database and the backups in it.
PRIVATE_DIR_MODE = 0o700


class BackupReason(StrEnum):
    """Why a backup was made; part of its file name."""

    MANUAL = "manual"
    DAILY = "daily"
    EXIT = "exit"
    BEFORE_MIGRATION = "before-migration"
    BEFORE_IMPORT = "before-import"
    BEFORE_RESTORE = "before-restore"


_REASONS = "|".join(re.escape(r.value) for r in BackupReason)
_NAME = re.compile(
    rf"^(?P<stem>.+)-(?P<stamp>\d{{8}}-\d{{6}})(?:-(?P<reason>{_REASONS}))?"
    r"(?:\.(?P<serial>[2-9]|[1-9]\d+))?\.db$"
)


@dataclass(frozen=True)
class BackupName:
    """A parsed backup file name.

    Attributes:
        taken_at: the local time in the name (whole seconds).
        serial: 1, or 2, 3 ... for later backups in the same second.
        stem: the stem of the database file it is a backup of.
        reason: why it was made; None for names without a reason.
        name: the file name itself.
    """

    taken_at: datetime
    serial: int
    stem: str
    reason: BackupReason | None
    name: str


def parse_backup_name(name: str) -> BackupName | None:
    """The parts of a backup file name, or None when ``name`` is not one of ours."""
    match = _NAME.match(name)
    if match is None:
        return None
    try:
        taken_at = datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S")
    except ValueError:  # 20261340-256199: digits, but no time
        return None
    reason = BackupReason(match["reason"]) if match["reason"] else None
    return BackupName(taken_at, int(match["serial"] or 1), match["stem"], reason, name)


def backup_file_name(stem: str, taken_at: datetime, reason: BackupReason,
                     serial: int = 1) -> str:
    suffix = f".{serial}" if serial > 1 else ""
    return f"{stem}-{taken_at:%Y%m%d-%H%M%S}-{reason.value}{suffix}.db"


def backup_dir_for(db_path: Path) -> Path:
    """The folder automatic backups of ``db_path`` go to."""
    return db_path.parent / BACKUP_DIR_NAME


def make_backup_dir(db_path: Path) -> Path:
    """The backups folder of ``db_path``, created if needed, owner-only (0700)
    whatever the umask.

    A folder that exists with looser bits (made by an earlier release under
    a permissive umask, or by hand) is tightened to 0700: the backups are the
    whole client book, and a folder others may write lets them delete the
    way back or plant a "backup" that a restore would then copy in. The
    files themselves are 0600 already. A folder this user may not change
    (another owner) is left as it is rather than failing the backup.
    """
    folder = backup_dir_for(db_path)
    folder.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    if os.name == "posix":
        try:
            if stat.S_IMODE(os.stat(folder).st_mode) != PRIVATE_DIR_MODE:
                os.chmod(folder, PRIVATE_DIR_MODE)
        except PermissionError:
            pass
    return folder


def new_backup_path(db_path: Path, taken_at: datetime, reason: BackupReason) -> Path:
    """A name in the backups folder that no file has yet (never overwrite a
    backup); the folder is made ready for it (``make_backup_dir``)."""
    folder = make_backup_dir(db_path)
    serial = 1
    while True:
        candidate = folder / backup_file_name(db_path.stem, taken_at, reason, serial)
        if not candidate.exists() and not _part(candidate).exists():
            return candidate
        serial += 1


def read_only_uri(path: Path) -> str:
    """A ``file:`` URI that opens ``path`` read-only: SQLite never writes to it
    (no checkpoint on close, no recovery of a hot journal)."""
    return file_uri(path.resolve()) + "?mode=ro"


def file_uri(path: PurePath) -> str:
    """The ``file:`` URI SQLite opens for the absolute ``path``. A Windows
    network path (``\\\\nas\\crm\\clients.db``; ``resolve`` turns a mapped
    drive into one) gets four slashes and no host: SQLite refuses any host
    but localhost ("invalid uri authority"), and Windows opens
    ``//nas/crm/clients.db`` as the share."""
    uri = path.as_uri()
    if uri.startswith("file://") and not uri.startswith("file:///"):
        uri = "file:////" + uri[len("file://"):]
    return uri


def _part(target: Path) -> Path:
    return target.with_name(target.name + ".part")


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":  # directories cannot be opened for fsync on Windows
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def copy_database(source: Path, target: Path) -> Path:
    """Copy the database ``source`` to ``target`` with SQLite's online backup API.

    Safe while other connections read and write ``source`` (WAL): the copy is
    one consistent snapshot that includes committed transactions still in the
    ``-wal`` file. ``source`` is opened read-only. The copy is written to
    ``target.part`` (owner-only, 0600), switched to a rollback journal so it
    is one self-contained file, synced to disk, and then renamed over
    ``target``: a crash leaves either no backup or a whole one.

    Raises OSError when the folder cannot be written and sqlite3.Error when
    SQLite cannot read ``source``; ``target`` is then unchanged. A ``target``
    that is a database this process holds open, or its ``-wal`` or ``-shm``,
    raises HeldFileError (an OSError) before anything is written. Only the
    copy is opened outside SQLite (to sync it), never ``source``.
    """
    held_files.refuse_held(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _part(target)
    tmp.unlink(missing_ok=True)  # left by a crash; it may have other permissions
    # Owner-only from the first byte: a backup is as confidential as the database.
    os.close(create_new(tmp, 0o600))  # exactly 0600, whatever the umask
    try:
        src = sqlite3.connect(read_only_uri(source), uri=True, timeout=10)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode = DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        sync_file(tmp)  # read-write: Windows cannot flush a read-only descriptor
        replace(tmp, target)  # retried while another program holds target open
    except BaseException:
        for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
            leftover.unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)
    return target


def fold_wal(path: Path) -> bool:
    """Fold the ``-wal`` of the database ``path`` into the file (a TRUNCATE
    checkpoint through a connection of our own, then closed). Returns True
    when no ``-wal`` is left: SQLite deletes it when its last connection
    closes, so one left behind means another connection still has the
    database open."""
    conn = sqlite3.connect(path, timeout=10)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return not path.with_name(path.name + "-wal").exists()
