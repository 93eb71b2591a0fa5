"""Restoring a backup: the backup checked in full, the current file kept
(backed up, or moved aside unchanged when damaged), then replaced whole.

The caller closes its database first and opens it again afterwards (see
``restore``); ``desktop_crm.services.backup`` makes and lists the backups.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from desktop_crm.i18n import _
from desktop_crm.services.backup import describe_problem
from desktop_crm.storage import held_files, portable_files
from desktop_crm.storage.database import (
    DatabaseDamagedError,
    DatabaseError,
    ForeignDatabaseError,
    NewerDatabaseError,
    NotADatabaseError,
    inspect_file,
)
from desktop_crm.storage.integrity import check_file
from desktop_crm.storage.snapshot import (
    BackupReason,
    copy_database,
    fold_wal,
    new_backup_path,
)


class RestoreError(DatabaseError):
    """A restore that was refused or failed; the database file is unchanged."""


@dataclass(frozen=True)
class RestoreResult:
    """What ``restore`` did.

    Attributes:
        database: the database file, now a copy of the backup.
        restored_from: the backup it came from.
        previous_backup: the database as it was, backed up (reason before-restore);
            None when there was no file or it was damaged.
        damaged_copy: the damaged database, moved aside unchanged (with its
            -wal and -shm); None when it was sound or missing.
    """

    database: Path
    restored_from: Path
    previous_backup: Path | None
    damaged_copy: Path | None


def _companions(path: Path) -> list[Path]:
    """The files SQLite keeps next to a database while it is in use."""
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def _set_aside(path: Path, now: datetime) -> Path:
    """Rename a damaged database (and its -wal, -shm, -journal, which may hold
    its last transactions) to ``{name}.damaged-YYYYmmdd-HHMMSS``; never
    overwrites an existing file."""
    base = f"{path.name}.damaged-{now:%Y%m%d-%H%M%S}"
    aside = path.with_name(base)
    serial = 2
    while any(p.exists() for p in [aside, *_companions(aside)]):
        aside = path.with_name(f"{base}.{serial}")
        serial += 1
    moved: list[tuple[Path, Path]] = []
    try:
        for source, target in zip([path, *_companions(path)], [aside, *_companions(aside)],
                                  strict=True):
            if source.exists():
                portable_files.rename(source, target)
                moved.append((source, target))
    except OSError:
        for source, target in reversed(moved):
            with contextlib.suppress(OSError):
                os.rename(target, source)
        raise
    return aside


def _release_wal(path: Path) -> None:
    """Fold the -wal of a sound database (already backed up) into the file and
    make sure no other connection has it open: SQLite deletes the -wal when
    its last connection closes, so a -wal left after ours closed means
    another window or program is using the database."""
    if not fold_wal(path):
        raise RestoreError(
            _("{path} is open in another window or program; close it and try again",
              path=path), path)
    path.with_name(path.name + "-shm").unlink(missing_ok=True)


def restore(db_path: str | os.PathLike[str], backup_path: str | os.PathLike[str],
            now: datetime | None = None) -> RestoreResult:
    """Replace the database file with a copy of a backup.

    The caller must have closed every connection to ``db_path`` (dispose the
    engine: ``Database.close()``) and open it again afterwards; a restore
    under an open connection is refused when it can be detected.

    Order, so that nothing is ever lost: the backup is checked in full
    (integrity_check, foreign keys, a Desktop CRM schema this release can
    open) and copied with the online backup API to a temporary file next to
    the database; then the current file is backed up (reason before-restore)
    or, when it is damaged or not a database, moved aside unchanged as
    ``{name}.damaged-YYYYmmdd-HHMMSS`` with its -wal and -shm; only then the
    copy replaces it (os.replace: all or nothing), owner-only (0600).

    Raises RestoreError (the database file unchanged) when the backup is
    missing, damaged or not restorable, the database belongs to another
    program or is in use, or a file cannot be written.
    """
    now = now or datetime.now()
    target = Path(db_path).expanduser().resolve()
    source = Path(backup_path).expanduser().resolve()
    if not source.is_file():
        raise RestoreError(_("No backup at {path}", path=source), source)
    if source == target:
        raise RestoreError(_("A database cannot be restored from itself"), target)
    if target.is_dir():
        raise RestoreError(_("{path} is a folder, not a database file", path=target), target)
    if held_files.held_database(target) is not None:
        # not even looked at: reading it outside SQLite would drop this
        # process's locks, and replacing it would pull it from under SQLite
        raise RestoreError(
            _("{path} is open in another window or program; close it and try again",
              path=target), target)
    if target.exists() and not target.is_file():  # reading a pipe would wait for ever
        raise RestoreError(_("{path} is not a regular file (a device, pipe or socket), "
                             "not a database file", path=target), target)
    _check_backup(source)

    staging = target.with_name(target.name + ".restoring")
    try:
        copy_database(source, staging)
        staged = check_file(staging, full=False)
        if not staged.ok:
            raise RestoreError(
                _("The backup {path} cannot be restored: {reason}", path=source,
                  reason=staged.problems[0]), source)
        previous, damaged = _keep_current(target, now)
        portable_files.replace(staging, target)  # "close it" when another program holds it
    except OSError as exc:
        raise RestoreError(
            _("Cannot restore {path}: {reason}", path=target, reason=exc.strerror or exc),
            target) from exc
    except sqlite3.Error as exc:
        raise RestoreError(
            _("Cannot restore {path}: {reason}", path=target, reason=exc), target) from exc
    finally:
        staging.unlink(missing_ok=True)
    return RestoreResult(target, source, previous, damaged)


def _check_backup(source: Path) -> None:
    try:
        report = inspect_file(source, full=True)
    except DatabaseError as exc:
        raise RestoreError(
            _("The backup {path} cannot be restored: {reason}", path=source,
              reason=describe_problem(exc)), source) from exc
    if report.revision is None:
        raise RestoreError(
            _("The backup {path} cannot be restored: {reason}", path=source,
              reason=_("not a Desktop CRM database")), source)


def _keep_current(target: Path, now: datetime) -> tuple[Path | None, Path | None]:
    """Back up the current database, or move it aside when it is damaged.
    Returns (backup, moved-aside copy)."""
    if not target.exists():
        return None, None
    try:
        report = inspect_file(target, full=True)
    except (DatabaseDamagedError, NotADatabaseError):
        return None, _set_aside(target, now)
    except ForeignDatabaseError as exc:
        raise RestoreError(
            _("{path} belongs to another program; restoring a backup would replace it",
              path=target), target) from exc
    except NewerDatabaseError:
        report = None  # sound, only newer: backed up like any other
    except DatabaseError as exc:
        raise RestoreError(str(exc), target) from exc
    if report is not None and report.revision is None and not report.tables:
        _release_wal(target)
        return None, None  # an empty database: nothing to keep
    # Not backup(): its pruning could delete the very backup being restored.
    previous = copy_database(target, new_backup_path(target, now,
                                                     BackupReason.BEFORE_RESTORE))
    _release_wal(target)
    return previous, None
